package io.ember.api;

import java.io.Serializable;

/**
 * Method references Ember can name across JVMs. Each is {@link Serializable} so that the
 * runtime can read which static method a reference points to (class and method name) without
 * running it. Written out by hand for arity 0 to 4 (one interface per arity; keep them alike).
 */
public final class Funcs {
  private Funcs() {}

  @FunctionalInterface
  public interface Func0<R> extends Serializable {
    R apply() throws Exception;
  }

  @FunctionalInterface
  public interface Func1<A0, R> extends Serializable {
    R apply(A0 a0) throws Exception;
  }

  @FunctionalInterface
  public interface Func2<A0, A1, R> extends Serializable {
    R apply(A0 a0, A1 a1) throws Exception;
  }

  @FunctionalInterface
  public interface Func3<A0, A1, A2, R> extends Serializable {
    R apply(A0 a0, A1 a1, A2 a2) throws Exception;
  }

  @FunctionalInterface
  public interface Func4<A0, A1, A2, A3, R> extends Serializable {
    R apply(A0 a0, A1 a1, A2 a2, A3 a3) throws Exception;
  }

}
