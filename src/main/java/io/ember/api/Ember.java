package io.ember.api;

import io.ember.api.Funcs.*;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Ember's entry point, shaped like Ray's Java API: {@code ember.task(Fns::add, 1, 2).remote()}
 * returns an {@link ObjectRef}; any argument may be a plain value or an {@code ObjectRef} of the
 * parameter's type. Get one with {@code EmberClient.connect(vertx)} from any clustered Vert.x
 * instance, or {@link #current()} inside a task (where nested submissions get deterministic ids).
 * The typed {@code task} and {@code actor} overloads are written out by hand, one per arity
 * (functions 0 to 4 arguments, constructors 0 to 4), all delegating to the by-name forms.
 */
public interface Ember {

  /** The Ember of the task running on this thread, or of the in-process driver; null if none. */
  static Ember current() {
    return Current.get();
  }

  /**
   * Stores a value in the cluster's object store, in two places: the store of the node that took
   * it (this node, or a driver's home node) and one other live node (the one whose store holds the
   * fewest bytes). Its ref is ready (a {@code get} answers) only once both copies are made; with a
   * single live node there is one copy. When a holder dies, the other makes a new second copy on
   * another live node. A put value has no lineage to rebuild it from: once every node holding a
   * copy has died (two at once), a {@code get} fails with {@link ObjectLostException} naming the
   * put ("a put object whose every copy was on dead nodes").
   */
  <T> ObjectRef<T> put(T value);

  /** Status of the whole cluster as JSON (the same document as {@code status --json}). */
  Future<JsonObject> status();

  /**
   * Waits until {@code numReady} of {@code refs} are ready (their value or their failure is known,
   * fetched to this JVM) or {@code timeout} passes, whichever is first, like Ray's
   * {@code ray.wait}: never fails for a slow or failed object, never returns more than
   * {@code numReady} in {@code ready}. Blocks (not on an event loop); inside a task it gives the
   * worker slot back while it waits, as {@code get} does.
   *
   * @throws IllegalArgumentException if {@code numReady} is not within 0..refs.size()
   */
  <T> WaitResult<T> wait(List<? extends ObjectRef<T>> refs, int numReady, Duration timeout);

  /**
   * The values of {@code refs}, in order, once all are ready, within one {@code timeout} for all
   * of them. As soon as one of them fails its failure is thrown as {@code get} would throw it;
   * {@link GetTimeoutException} if the timeout passes first. Blocks, as {@code wait} does.
   */
  <T> List<T> getAll(List<? extends ObjectRef<T>> refs, Duration timeout);

  /**
   * Cancels the task that creates {@code ref}: if it is still queued it is dropped; if it is
   * running its worker thread is interrupted (the function may stop early or not: its result is
   * discarded either way). From then on every {@code get} of its results (and of the results of
   * tasks that take them as arguments) fails with {@link TaskCancelledException}
   * ({@link ErrorCode#CANCELLED}); a cancelled task is never retried nor re-run by recovery.
   *
   * <p>Returns at once when this client owns the task (it submitted it); a task owned by another
   * client is cancelled by asking that owner, which blocks (not on an event loop).
   *
   * @return true if the task was cancelled; false if it had already finished (or failed), or
   *         {@code ref} is not the result of a task (a {@code put}, an actor call)
   */
  boolean cancel(ObjectRef<?> ref);

  /** Submits a registered function by name with already-encoded-in-JSON arguments: the untyped door. */
  <R> TaskCall<R> taskByName(String function, Object... args);

  default <R> TaskCall<R> task(Func0<R> f) {
    return call(f);
  }

  default <A0, R> TaskCall<R> task(Func1<A0, R> f, A0 a0) {
    return call(f, a0);
  }

  default <A0, R> TaskCall<R> task(Func1<A0, R> f, ObjectRef<A0> a0) {
    return call(f, a0);
  }

  default <A0, A1, R> TaskCall<R> task(Func2<A0, A1, R> f, A0 a0, A1 a1) {
    return call(f, a0, a1);
  }

  default <A0, A1, R> TaskCall<R> task(Func2<A0, A1, R> f, A0 a0, ObjectRef<A1> a1) {
    return call(f, a0, a1);
  }

  default <A0, A1, R> TaskCall<R> task(Func2<A0, A1, R> f, ObjectRef<A0> a0, A1 a1) {
    return call(f, a0, a1);
  }

  default <A0, A1, R> TaskCall<R> task(Func2<A0, A1, R> f, ObjectRef<A0> a0, ObjectRef<A1> a1) {
    return call(f, a0, a1);
  }

  default <A0, A1, A2, R> TaskCall<R> task(Func3<A0, A1, A2, R> f, A0 a0, A1 a1, A2 a2) {
    return call(f, a0, a1, a2);
  }

  default <A0, A1, A2, R> TaskCall<R> task(Func3<A0, A1, A2, R> f, A0 a0, A1 a1, ObjectRef<A2> a2) {
    return call(f, a0, a1, a2);
  }

  default <A0, A1, A2, R> TaskCall<R> task(Func3<A0, A1, A2, R> f, A0 a0, ObjectRef<A1> a1, A2 a2) {
    return call(f, a0, a1, a2);
  }

  default <A0, A1, A2, R> TaskCall<R> task(Func3<A0, A1, A2, R> f, A0 a0, ObjectRef<A1> a1, ObjectRef<A2> a2) {
    return call(f, a0, a1, a2);
  }

  default <A0, A1, A2, R> TaskCall<R> task(Func3<A0, A1, A2, R> f, ObjectRef<A0> a0, A1 a1, A2 a2) {
    return call(f, a0, a1, a2);
  }

  default <A0, A1, A2, R> TaskCall<R> task(Func3<A0, A1, A2, R> f, ObjectRef<A0> a0, A1 a1, ObjectRef<A2> a2) {
    return call(f, a0, a1, a2);
  }

  default <A0, A1, A2, R> TaskCall<R> task(Func3<A0, A1, A2, R> f, ObjectRef<A0> a0, ObjectRef<A1> a1, A2 a2) {
    return call(f, a0, a1, a2);
  }

  default <A0, A1, A2, R> TaskCall<R> task(Func3<A0, A1, A2, R> f, ObjectRef<A0> a0, ObjectRef<A1> a1, ObjectRef<A2> a2) {
    return call(f, a0, a1, a2);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, A0 a0, A1 a1, A2 a2, A3 a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, A0 a0, A1 a1, A2 a2, ObjectRef<A3> a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, A0 a0, A1 a1, ObjectRef<A2> a2, A3 a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, A0 a0, A1 a1, ObjectRef<A2> a2, ObjectRef<A3> a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, A0 a0, ObjectRef<A1> a1, A2 a2, A3 a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, A0 a0, ObjectRef<A1> a1, A2 a2, ObjectRef<A3> a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, A0 a0, ObjectRef<A1> a1, ObjectRef<A2> a2, A3 a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, A0 a0, ObjectRef<A1> a1, ObjectRef<A2> a2, ObjectRef<A3> a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, ObjectRef<A0> a0, A1 a1, A2 a2, A3 a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, ObjectRef<A0> a0, A1 a1, A2 a2, ObjectRef<A3> a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, ObjectRef<A0> a0, A1 a1, ObjectRef<A2> a2, A3 a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, ObjectRef<A0> a0, A1 a1, ObjectRef<A2> a2, ObjectRef<A3> a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, ObjectRef<A0> a0, ObjectRef<A1> a1, A2 a2, A3 a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, ObjectRef<A0> a0, ObjectRef<A1> a1, A2 a2, ObjectRef<A3> a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, ObjectRef<A0> a0, ObjectRef<A1> a1, ObjectRef<A2> a2, A3 a3) {
    return call(f, a0, a1, a2, a3);
  }

  default <A0, A1, A2, A3, R> TaskCall<R> task(Func4<A0, A1, A2, A3, R> f, ObjectRef<A0> a0, ObjectRef<A1> a1, ObjectRef<A2> a2, ObjectRef<A3> a3) {
    return call(f, a0, a1, a2, a3);
  }

  /** The untyped core every overload ends in: {@code f} is a method reference to a {@link Remote} function. */
  <R> TaskCall<R> call(Serializable f, Object... args);

  // ---- actors (one overload per constructor arity, 0 to 4) ------------------------------------

  default <A> ActorCreation<A> actor(Func0<A> ctor) {
    return createActor(ctor);
  }

  default <A0, A> ActorCreation<A> actor(Func1<A0, A> ctor, A0 a0) {
    return createActor(ctor, a0);
  }

  default <A0, A1, A> ActorCreation<A> actor(Func2<A0, A1, A> ctor, A0 a0, A1 a1) {
    return createActor(ctor, a0, a1);
  }

  default <A0, A1, A2, A> ActorCreation<A> actor(Func3<A0, A1, A2, A> ctor, A0 a0, A1 a1, A2 a2) {
    return createActor(ctor, a0, a1, a2);
  }

  default <A0, A1, A2, A3, A> ActorCreation<A> actor(Func4<A0, A1, A2, A3, A> ctor, A0 a0, A1 a1, A2 a2, A3 a3) {
    return createActor(ctor, a0, a1, a2, a3);
  }

  /** The untyped core of {@code actor(..)}: {@code ctor} is a constructor reference like {@code Counter::new}. */
  <A> ActorCreation<A> createActor(Serializable ctor, Object... args);

  /** Creates an actor of a registered class by name (the event-bus door). */
  <A> ActorCreation<A> actorByName(String className, Object... args);

  /** A handle to an existing actor, by id. */
  <A> ActorHandle<A> actorHandle(String actorId);

  /**
   * A handle to the live actor created with {@code name(name)}, from any driver or task. Throws
   * {@link EmberException} {@code UNKNOWN_ACTOR} if no live actor holds that name (never created,
   * dead or killed), {@code ARGUMENT_MISMATCH} if it is not a {@code type}. Blocks (never on an event loop).
   */
  <A> ActorHandle<A> getActor(String name, Class<A> type);
}
