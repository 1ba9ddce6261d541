package io.ember.scheduler;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.serial.Arguments;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * One registered function and how to call it: arguments follow {@link Arguments}' rule
 * (checked against the parameter types, widened only where lossless).
 */
public record RemoteFunction(String name, Method method) {

  /** Calls the function; user exceptions come out as {@link InvocationTargetException}'s cause. */
  public Object invoke(Object[] args) throws Throwable {
    Object[] coerced = coerce(args);
    try {
      return method.invoke(null, coerced);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Checks arity and the types of the plain-value arguments ({@code isRef[i]}: an object reference, checked when it runs). */
  public void check(Object[] args, boolean[] isRef) {
    Class<?>[] types = method.getParameterTypes();
    if (args.length != types.length) {
      throw new EmberException(ErrorCode.ARGUMENT_MISMATCH, name + " takes " + types.length + " argument(s), got " + args.length);
    }
    for (int i = 0; i < args.length; i++) if (!isRef[i]) Arguments.coerce(name, i, types[i], args[i]);
  }

  public Object[] coerce(Object[] args) {
    return Arguments.coerce(name, method.getParameterTypes(), args);
  }
}
