package io.ember.client;

import io.ember.api.ActorCreation;
import io.ember.api.ActorHandle;
import io.ember.conf.EmberConf;
import io.ember.ids.ActorId;
import io.ember.ids.ClientId;
import io.ember.protocol.ActorCreateSpec;
import io.ember.protocol.TaskSpec;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/** An actor creation being built: its options, then {@link #remote()} creates it through the client. */
final class ActorCreationImpl<A> implements ActorCreation<A> {
  /** What the builder was given; unset values are negative ({@code maxRestarts}: {@link Integer#MIN_VALUE}). */
  record Options(Map<String, Double> resources, int maxRestarts, int checkpointCalls, long checkpointMs, String onNode, String name) {
    /** The creation's spec, each unset option from {@code d} (a node's conf; null for a driver: the built-in defaults). */
    ActorCreateSpec spec(ActorId id, String className, List<TaskSpec.Arg> args, EmberConf.Actors d, ClientId owner) {
      int restarts = maxRestarts != Integer.MIN_VALUE ? maxRestarts : d != null ? d.maxRestarts() : -1;
      int calls = checkpointCalls >= 0 ? checkpointCalls : d != null ? d.checkpointEveryCalls() : 1000;
      long ms = checkpointMs >= 0 ? checkpointMs : d != null ? d.checkpointEveryMs() : 10_000;
      return new ActorCreateSpec(id, className, args, resources, restarts, calls, ms, owner, name);
    }
  }

  private final EmberClient client;
  private final IdSource source;
  private final String className;
  private final Object[] args;
  private final Map<String, Double> resources = new LinkedHashMap<>();
  private int maxRestarts = Integer.MIN_VALUE;
  private int checkpointCalls = -1;
  private long checkpointMs = -1;
  private String onNode;
  private String name = "";

  ActorCreationImpl(EmberClient client, IdSource source, String className, Object[] args) {
    this.client = client;
    this.source = source;
    this.className = className;
    this.args = args == null ? new Object[] {null} : args;
  }

  @Override
  public ActorCreation<A> resource(String name, double amount) {
    resources.put(name, amount);
    return this;
  }

  @Override
  public ActorCreation<A> onNode(String nodeName) {
    onNode = nodeName;
    return this;
  }

  @Override
  public ActorCreation<A> name(String name) {
    if (name == null || name.isBlank() || name.length() > 256) throw new IllegalArgumentException("an actor name is 1 to 256 characters, not blank");
    this.name = name;
    return this;
  }

  @Override
  public ActorCreation<A> maxRestarts(int n) {
    if (n < -1) throw new IllegalArgumentException("maxRestarts is -1 (unlimited) or >= 0, got " + n);
    maxRestarts = n;
    return this;
  }

  @Override
  public ActorCreation<A> checkpointEvery(int calls, Duration interval) {
    if (calls < 0 || interval.isNegative()) throw new IllegalArgumentException("checkpoint intervals are >= 0");
    checkpointCalls = calls;
    checkpointMs = interval.toMillis();
    return this;
  }

  @Override
  public ActorHandle<A> remote() {
    ActorHandle<A> h = client.create(source, className, args, new Options(new LinkedHashMap<>(resources), maxRestarts, checkpointCalls,
        checkpointMs, onNode, name));
    if (!name.isEmpty() && !Context.isOnEventLoopThread()) {
      ActorAdmin.await(client.whenCreated(h), client.defaultTimeoutMs(), "creation of actor '" + name + "'");
    }
    return h;
  }
}
