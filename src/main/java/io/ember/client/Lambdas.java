package io.ember.client;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads which static method a serialisable method reference points to, without calling it:
 * {@code Fns::add} becomes {@code "com.example.Fns.add"}. Lambdas and instance-method
 * references are refused: only a named, registered function can run remotely.
 */
final class Lambdas {
  private Lambdas() {}


  private static final ConcurrentHashMap<Class<?>, String> CACHE = new ConcurrentHashMap<>();

  static String functionName(Serializable f) {
    if (f == null) throw new IllegalArgumentException("the function is null");
    return CACHE.computeIfAbsent(f.getClass(), c -> resolve(f));
  }

  private static final ConcurrentHashMap<Class<?>, String> CTORS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Class<?>, String> METHODS = new ConcurrentHashMap<>();

  /** {@code Counter::new} becomes {@code "com.example.Counter"}. */
  static String constructorClass(Serializable f) {
    if (f == null) throw new IllegalArgumentException("the constructor is null");
    return CTORS.computeIfAbsent(f.getClass(), c -> {
      SerializedLambda sl = lambda(f);
      if (sl.getImplMethodKind() != MethodHandleInfo.REF_newInvokeSpecial) {
        throw new IllegalArgumentException("an actor is created from a constructor reference like Counter::new, not "
            + sl.getImplClass().replace('/', '.') + "." + sl.getImplMethodName());
      }
      return sl.getImplClass().replace('/', '.');
    });
  }

  /** {@code Counter::incr} becomes {@code "incr"}. */
  static String instanceMethodName(Serializable f) {
    if (f == null) throw new IllegalArgumentException("the method is null");
    return METHODS.computeIfAbsent(f.getClass(), c -> {
      SerializedLambda sl = lambda(f);
      int kind = sl.getImplMethodKind();
      if ((kind != MethodHandleInfo.REF_invokeVirtual && kind != MethodHandleInfo.REF_invokeInterface)
          || sl.getImplMethodName().startsWith("lambda$")) {
        throw new IllegalArgumentException("an actor method is called through a method reference like Counter::incr, not "
            + sl.getImplClass().replace('/', '.') + "." + sl.getImplMethodName());
      }
      return sl.getImplMethodName();
    });
  }

  private static SerializedLambda lambda(Serializable f) {
    try {
      Method wr = f.getClass().getDeclaredMethod("writeReplace");
      wr.setAccessible(true);
      return (SerializedLambda) wr.invoke(f);
    } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
      throw new IllegalArgumentException("cannot tell which method " + f.getClass().getName()
          + " refers to; pass a method reference", e);
    }
  }

  private static String resolve(Serializable f) {
    SerializedLambda sl;
    try {
      Method wr = f.getClass().getDeclaredMethod("writeReplace");
      wr.setAccessible(true);
      sl = (SerializedLambda) wr.invoke(f);
    } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
      throw new IllegalArgumentException("cannot tell which function " + f.getClass().getName()
          + " refers to; pass a method reference like Fns::add", e);
    }
    if (sl.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic || sl.getImplMethodName().startsWith("lambda$")) {
      throw new IllegalArgumentException("only method references to public static @Remote methods can run remotely (like Fns::add), not "
          + sl.getImplClass().replace('/', '.') + "." + sl.getImplMethodName());
    }
    return sl.getImplClass().replace('/', '.') + "." + sl.getImplMethodName();
  }
}
