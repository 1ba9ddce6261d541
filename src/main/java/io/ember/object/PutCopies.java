package io.ember.object;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;
import io.ember.gcs.ObjectRecord;
import io.ember.gcs.TableWriter;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.monitor.ClusterView;
import io.ember.protocol.Addresses;
import io.ember.util.AsyncLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.logging.Logger;

/**
 * Keeps every put value in two places, since a put has no lineage to rebuild it from. A put is
 * stored here (the putting node, or a driver's home) and acknowledged only once one other live
 * node ({@link CopyTarget}) has taken a copy: that node stores the value (sent along when small,
 * else fetched from here over the transfer port), records its location, and answers. A node that does not answer in time is passed
 * over for the next one, until the caller's deadline; with no live peer at all the put keeps one
 * copy. Each of the two holders remembers the other (its partner); when the monitor's verdict
 * says a partner died, the survivor makes a new second copy. Only the partner of the dead holder
 * acts, once per copy, so successive single deaths converge without duplicate copies.
 *
 * <p>Never: sends more than {@code objects.inlineLimitBytes} of a value on the event bus (the
 * taker fetches a larger one), blocks, or fetches from a node that is not a live peer in its view.
 */
public final class PutCopies {
  /** Copies being made at once: small ones (sent along), and large ones (fetched by the taker, held whole in its memory). */
  static final int SMALL_IN_FLIGHT = 1_024;
  static final int LARGE_IN_FLIGHT = 16;
  /** How long one peer gets to take a copy before the next is tried. */
  static final long ATTEMPT_MS = 5_000;
  /** The pause before trying every live peer again once each has failed. */
  static final long AGAIN_MS = 200;
  /** How long a re-replication after a verdict may take. */
  static final long REPLICATE_MS = 60_000;

  private static final Logger LOG = Logger.getLogger(PutCopies.class.getName());

  private final NodeId self;
  private final ObjectStore store;
  private final TableWriter writer;
  private final LongFunction<Location> selfAt;
  private final ClusterView view;
  private final TransferClient transfers;
  private final Vertx vertx;
  private final int inlineLimitBytes;
  private final Clock clock;
  private final AsyncLimiter small = new AsyncLimiter(SMALL_IN_FLIGHT);
  private final AsyncLimiter large = new AsyncLimiter(LARGE_IN_FLIGHT);
  /** For each put copy held here, the node that holds the other one. */
  private final Map<ObjectId, NodeId> partners = new ConcurrentHashMap<>();
  /** Puts whose new second copy is being made after a verdict. */
  private final Set<ObjectId> replicating = ConcurrentHashMap.newKeySet();

  public PutCopies(NodeId self, ObjectStore store, TableWriter writer, LongFunction<Location> selfAt, ClusterView view,
      TransferClient transfers, Vertx vertx, int inlineLimitBytes, Clock clock) {
    this.self = self;
    this.store = store;
    this.writer = writer;
    this.selfAt = selfAt;
    this.view = view;
    this.transfers = transfers;
    this.vertx = vertx;
    this.inlineLimitBytes = inlineLimitBytes;
    this.clock = clock;
    store.onDropped(partners::remove);
  }

  /** Stores a put value here, records it, and completes with this node's location once a second copy is made (see the class comment). */
  public Future<Location> put(ObjectId id, Buffer bytes, long deadline) {
    return store.put(id, bytes).compose(v -> {
      writer.objectCreated(id, bytes.length(), id.task(), ObjectRecord.KIND_PUT, self);
      Buffer inline = bytes.length() <= inlineLimitBytes ? bytes : null;
      return (inline != null ? small : large).submit(() -> copy(id, bytes.length(), inline, new HashSet<>(), deadline));
    }).map(v -> selfAt.apply(bytes.length()));
  }

  /** One copy to the next live peer not tried yet; when every one has failed, all again after a pause, until the deadline. */
  private Future<Void> copy(ObjectId id, long size, Buffer inline, Set<NodeId> tried, long deadline) {
    NodeId target = CopyTarget.choose(CopyTarget.of(view), self, tried);
    if (target == null && tried.isEmpty()) {
      partners.remove(id); // no live peer at all: one copy (the README says so)
      return Future.succeededFuture();
    }
    if (target == null) {
      if (clock.millis() + AGAIN_MS >= deadline) {
        return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "put " + id + ": stored at node " + self
            + " only; no other node (tried " + tried + ") took its second copy in time"));
      }
      tried.clear();
      return vertx.timer(AGAIN_MS).compose(t -> copy(id, size, inline, tried, deadline));
    }
    tried.add(target);
    ClusterView.Peer p = view.find(target);
    if (p != null) p.storeBytes += size; // counted from now until its next heartbeat, so that a burst spreads
    return ask(target, id, inline, deadline).transform(ar -> {
      if (ar.succeeded()) {
        partners.put(id, target);
        return Future.succeededFuture();
      }
      if (p != null && unanswered(ar.cause())) p.unreachableFor(ATTEMPT_MS); // the puts behind this one pass it over too
      LOG.warning("put " + id + ": node " + target + " did not take its second copy (" + ar.cause().getMessage() + "); trying another");
      return copy(id, size, inline, tried, deadline);
    });
  }

  /** No answer in time, or nobody there: the peer is unreachable, not refusing. */
  private static boolean unanswered(Throwable err) {
    return err instanceof ReplyException r && (r.failureType() == ReplyFailure.TIMEOUT || r.failureType() == ReplyFailure.NO_HANDLERS);
  }

  /** {@code inline}: the value itself, sent along when small (as a small result travels in its completion); null: the taker fetches it. */
  private Future<Void> ask(NodeId target, ObjectId id, Buffer inline, long deadline) {
    long left = Math.max(1, deadline - clock.millis());
    DeliveryOptions o = new DeliveryOptions().addHeader("op", "copy").addHeader("objectId", id.toString())
        .addHeader("from", self.value()).setSendTimeout(Math.min(left, ATTEMPT_MS));
    return vertx.eventBus().request(Addresses.objectsOf(target), inline, o).mapEmpty();
  }

  /**
   * Another node asks this one to take the second copy of put {@code id}, which it holds: its
   * bytes as sent ({@code inline}, a small value) or else fetched from it, stored, recorded, and
   * answered with this node's location. Only a put's id, and only fetched from a live peer with a
   * known transfer endpoint; taking one already held just notes the partner.
   */
  public Future<JsonObject> take(ObjectId id, NodeId from, Buffer inline) {
    if (id.index() != 0) {
      return Future.failedFuture(new EmberException(ErrorCode.FORBIDDEN, "copy of " + id + " refused: only put values (ids ending in .0) are copied"));
    }
    if (store.contains(id)) {
      partners.put(id, from);
      return Future.succeededFuture(selfAt.apply(store.sizeOf(id)).toJson());
    }
    if (inline != null) return stored(id, inline, from);
    ClusterView.Peer p = view.find(from);
    if (p == null || p.dead || p.host == null || p.transferPort <= 0) {
      return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "copy of put " + id + ": node " + from
          + " is not a live peer with a known transfer endpoint here"));
    }
    return transfers.fetch(p.host, p.transferPort, id).compose(bytes -> {
      if (bytes == null) return Future.failedFuture(new EmberException(ErrorCode.OBJECT_LOST, "put " + id + " is no longer at node " + from));
      return stored(id, bytes, from);
    });
  }

  private Future<JsonObject> stored(ObjectId id, Buffer bytes, NodeId partner) {
    return store.put(id, bytes).map(v -> {
      writer.objectCreated(id, bytes.length(), id.task(), ObjectRecord.KIND_PUT, self);
      partners.put(id, partner);
      return selfAt.apply(bytes.length()).toJson();
    });
  }

  /** The monitor's verdict: {@code dead} held the other copy of some puts held here; a new one is made for each. Idempotent. */
  public void onNodeDead(NodeId dead) {
    List<ObjectId> orphans = new ArrayList<>();
    partners.forEach((id, partner) -> {
      if (partner.equals(dead) && partners.remove(id, dead) && store.contains(id) && replicating.add(id)) orphans.add(id);
    });
    if (orphans.isEmpty()) return;
    LOG.info("node " + dead + " died holding the other copy of " + orphans.size() + " put value(s) held here: copying them to other nodes");
    long deadline = clock.millis() + REPLICATE_MS;
    for (ObjectId id : orphans) {
      Buffer mem = store.getIfInMemory(id);
      Buffer inline = mem != null && mem.length() <= inlineLimitBytes ? mem : null;
      (inline != null ? small : large).submit(() -> copy(id, store.sizeOf(id), inline, new HashSet<>(), deadline)).onComplete(ar -> {
        replicating.remove(id);
        if (ar.failed()) LOG.warning("put " + id + " keeps one copy, at node " + self + ": " + ar.cause().getMessage());
      });
    }
  }
}
