package io.ember.actor;

import io.ember.api.Checkpointable;
import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.serial.Arguments;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A registered actor class: its public constructors (one per arity) and its public instance
 * methods (one per name; overloads are refused at registration). Arguments are checked and
 * widened like a function's ({@link Arguments}).
 */
public final class ActorClass {
  private final Class<?> type;
  private final Map<Integer, Constructor<?>> constructors = new HashMap<>();
  private final Map<String, Method> methods = new HashMap<>();

  ActorClass(Class<?> type) {
    this.type = type;
    if (Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
      throw new IllegalArgumentException("actor class " + type.getName() + " is abstract");
    }
    for (Constructor<?> c : type.getConstructors()) {
      if (constructors.put(c.getParameterCount(), c) != null) {
        throw new IllegalArgumentException("actor class " + type.getName() + " has two public constructors with "
            + c.getParameterCount() + " parameters; keep one per arity");
      }
    }
    if (constructors.isEmpty()) throw new IllegalArgumentException("actor class " + type.getName() + " has no public constructor");
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) continue;
      if (isCheckpointHook(m)) continue; // Ember's to call, not a caller's
      Method previous = methods.put(m.getName(), m);
      if (previous != null && !sameSignature(previous, m)) {
        throw new IllegalArgumentException("actor method " + type.getName() + "." + m.getName()
            + " is overloaded; give each overload its own name");
      }
    }
  }

  private static boolean isCheckpointHook(Method m) {
    for (Method h : Checkpointable.class.getMethods()) {
      if (h.getName().equals(m.getName()) && sameSignature(h, m)) return true;
    }
    return false;
  }

  private static boolean sameSignature(Method a, Method b) {
    return Arrays.equals(a.getParameterTypes(), b.getParameterTypes());
  }

  public String name() {
    return type.getName();
  }

  public boolean checkpointable() {
    return Checkpointable.class.isAssignableFrom(type);
  }

  /** Runs the constructor with {@code args.length} parameters; user exceptions come out as thrown. */
  public Object construct(Object[] args) throws Throwable {
    Constructor<?> c = constructors.get(args.length);
    if (c == null) {
      throw new EmberException(ErrorCode.ARGUMENT_MISMATCH, "actor class " + type.getName() + " has no public constructor with "
          + args.length + " parameter(s)");
    }
    Object[] coerced = Arguments.coerce(type.getName() + ".<init>", c.getParameterTypes(), args);
    try {
      return c.newInstance(coerced);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Calls {@code method} on {@code target}; an unknown name is {@link ErrorCode#UNKNOWN_FUNCTION}. */
  public Object invoke(Object target, String method, Object[] args) throws Throwable {
    Method m = method(method);
    Object[] coerced = Arguments.coerce(type.getName() + "." + method, m.getParameterTypes(), args);
    try {
      return m.invoke(target, coerced);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  public Method method(String name) {
    Method m = methods.get(name);
    if (m == null) {
      throw new EmberException(ErrorCode.UNKNOWN_FUNCTION, "actor class " + type.getName() + " has no public method '" + name + "'");
    }
    return m;
  }
}
