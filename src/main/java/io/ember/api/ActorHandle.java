package io.ember.api;

import io.ember.api.Funcs.*;
import java.io.Serializable;

/**
 * A reference to an actor, shaped like Ray's: {@code handle.task(Counter::incr, 5).remote()}
 * calls a method and returns an {@link ObjectRef} to its result. Calls from one caller (a driver,
 * or one task) run in the order that caller made them, one at a time. Handles are serialisable:
 * pass them to tasks and to other actors. The typed {@code task} overloads are written out by
 * hand, one per arity (0 to 3 arguments, each a value or an {@code ObjectRef}), all delegating to
 * one {@code call}.
 */
public interface ActorHandle<A> {

  /** The actor's id (stable across its recreations). */
  String id();

  /**
   * Ends the actor for good, wherever it runs: its row goes DEAD ("killed"), it is never
   * recreated after a node death, its method log and checkpoints are deleted and its name (if
   * any) is freed. Its pending and later calls fail with {@link ActorDiedException} whose message
   * ends in "killed". Idempotent: killing a dead actor does nothing. Any holder of the handle may
   * kill it. Blocks until the table says DEAD (never on an event loop); throws
   * {@link EmberException} {@code UNKNOWN_ACTOR} if no such actor was ever created.
   */
  void kill();

  /** The untyped core every overload ends in: {@code method} is a reference like {@code Counter::incr}. */
  <R> ActorCall<R> call(Serializable method, Object... args);

  /** Calls a method by name (the event-bus door): the actor's class must declare exactly one public method of that name. */
  <R> ActorCall<R> callByName(String method, Object... args);

  default <R> ActorCall<R> task(Func1<A, R> m) {
    return call(m);
  }

  default <A0, R> ActorCall<R> task(Func2<A, A0, R> m, A0 a0) {
    return call(m, a0);
  }

  default <A0, R> ActorCall<R> task(Func2<A, A0, R> m, ObjectRef<A0> a0) {
    return call(m, a0);
  }

  default <A0, A1, R> ActorCall<R> task(Func3<A, A0, A1, R> m, A0 a0, A1 a1) {
    return call(m, a0, a1);
  }

  default <A0, A1, R> ActorCall<R> task(Func3<A, A0, A1, R> m, A0 a0, ObjectRef<A1> a1) {
    return call(m, a0, a1);
  }

  default <A0, A1, R> ActorCall<R> task(Func3<A, A0, A1, R> m, ObjectRef<A0> a0, A1 a1) {
    return call(m, a0, a1);
  }

  default <A0, A1, R> ActorCall<R> task(Func3<A, A0, A1, R> m, ObjectRef<A0> a0, ObjectRef<A1> a1) {
    return call(m, a0, a1);
  }

  default <A0, A1, A2, R> ActorCall<R> task(Func4<A, A0, A1, A2, R> m, A0 a0, A1 a1, A2 a2) {
    return call(m, a0, a1, a2);
  }

  default <A0, A1, A2, R> ActorCall<R> task(Func4<A, A0, A1, A2, R> m, A0 a0, A1 a1, ObjectRef<A2> a2) {
    return call(m, a0, a1, a2);
  }

  default <A0, A1, A2, R> ActorCall<R> task(Func4<A, A0, A1, A2, R> m, A0 a0, ObjectRef<A1> a1, A2 a2) {
    return call(m, a0, a1, a2);
  }

  default <A0, A1, A2, R> ActorCall<R> task(Func4<A, A0, A1, A2, R> m, A0 a0, ObjectRef<A1> a1, ObjectRef<A2> a2) {
    return call(m, a0, a1, a2);
  }

  default <A0, A1, A2, R> ActorCall<R> task(Func4<A, A0, A1, A2, R> m, ObjectRef<A0> a0, A1 a1, A2 a2) {
    return call(m, a0, a1, a2);
  }

  default <A0, A1, A2, R> ActorCall<R> task(Func4<A, A0, A1, A2, R> m, ObjectRef<A0> a0, A1 a1, ObjectRef<A2> a2) {
    return call(m, a0, a1, a2);
  }

  default <A0, A1, A2, R> ActorCall<R> task(Func4<A, A0, A1, A2, R> m, ObjectRef<A0> a0, ObjectRef<A1> a1, A2 a2) {
    return call(m, a0, a1, a2);
  }

  default <A0, A1, A2, R> ActorCall<R> task(Func4<A, A0, A1, A2, R> m, ObjectRef<A0> a0, ObjectRef<A1> a1, ObjectRef<A2> a2) {
    return call(m, a0, a1, a2);
  }

}
