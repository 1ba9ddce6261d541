package io.ember.actor;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The actor classes this node may instantiate: those named in the conf key
 * {@code actors.classes} and the built-in ones. A class name from a message that is not in this
 * table is refused with {@link ErrorCode#UNKNOWN_ACTOR}; Ember never loads a class by a name
 * that came from a message.
 */
public final class ActorRegistry {
  private final Map<String, ActorClass> classes = new ConcurrentHashMap<>();

  public void register(String className, ClassLoader loader) {
    Class<?> cls;
    try {
      cls = Class.forName(className, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException("actor class '" + className + "' is not on the classpath: " + e);
    }
    classes.put(cls.getName(), new ActorClass(cls));
  }

  public ActorClass lookup(String className) {
    ActorClass c = classes.get(className);
    if (c == null) {
      throw new EmberException(ErrorCode.UNKNOWN_ACTOR, "actor class '" + className + "' is not registered on this node"
          + " (list it in the conf key 'actors.classes')");
    }
    return c;
  }

  public Map<String, ActorClass> all() {
    return new TreeMap<>(classes);
  }
}
