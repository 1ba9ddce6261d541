package io.ember.scheduler;

import io.ember.api.EmberException;
import io.ember.api.Remote;
import io.ember.api.ErrorCode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The functions this node may run: public static methods marked {@link Remote} (or all public
 * static methods of a class marked {@code @Remote}) of the classes named in the conf. A name
 * outside this table is refused with {@link ErrorCode#UNKNOWN_FUNCTION}; Ember never looks a
 * class or method up by a name that came from a message.
 */
public final class FunctionRegistry {
  private final Map<String, RemoteFunction> functions = new ConcurrentHashMap<>();

  /** Registers every remote function of the named class (loaded with the given loader). */
  public void register(String className, ClassLoader loader) {
    Class<?> cls;
    try {
      cls = Class.forName(className, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("function class '" + className + "' is not on the classpath: " + e);
    }
    register(cls);
  }

  public void register(Class<?> cls) {
    boolean all = cls.isAnnotationPresent(Remote.class);
    int added = 0;
    for (Method m : cls.getMethods()) {
      if (!Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() != cls) continue;
      if (!all && !m.isAnnotationPresent(Remote.class)) continue;
      String name = cls.getName() + "." + m.getName();
      RemoteFunction previous = functions.putIfAbsent(name, new RemoteFunction(name, m));
      if (previous != null && !previous.method().equals(m)) {
        throw new IllegalArgumentException("remote function " + name + " is overloaded; give each overload its own name");
      }
      added++;
    }
    if (added == 0) {
      throw new IllegalArgumentException("class " + cls.getName() + " has no public static @Remote method");
    }
  }

  public RemoteFunction lookup(String name) {
    RemoteFunction f = functions.get(name);
    if (f == null) {
      throw new EmberException(ErrorCode.UNKNOWN_FUNCTION, "function '" + name + "' is not registered on this node"
          + " (register its class in the conf key 'functions' and mark it @Remote)");
    }
    return f;
  }

  public boolean contains(String name) {
    return functions.containsKey(name);
  }

  /** Sorted names, for status and error messages. */
  public Map<String, RemoteFunction> all() {
    return new TreeMap<>(functions);
  }
}
