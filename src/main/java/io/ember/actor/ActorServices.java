package io.ember.actor;

import io.ember.api.Ember;
import io.ember.gcs.TableWriter;
import io.ember.ids.NodeId;
import io.ember.ids.TaskId;
import io.ember.object.ObjectDirectory;
import io.ember.object.ObjectStore;
import io.ember.protocol.TaskSpec;
import io.ember.serial.Values;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What the actor side of one node shares, given once by the node's assembly and never changed:
 * the host, its instances and the output rebuilder read it. Holds no state of its own and no
 * logic beyond loading an argument; it must never grow into a locator for other components.
 *
 * @param self            this node
 * @param writer          this node's fenced writer (every actor state change and log entry)
 * @param store           this node's object store (call outputs, fetched arguments)
 * @param directory       finds and fetches objects for arguments and recorded results
 * @param scopes          the Ember that user code in a call (or constructor) with this id sees
 * @param replies         answers callers
 * @param guard           whether this node may run calls now
 * @param threads         the actor threads: constructors, replays, calls and rebuilds run here
 * @param checkpointsKept how many checkpoints each actor keeps ({@code actors.checkpointsKept})
 * @param maxObjectBytes  the largest output or checkpoint ({@code objects.maxObjectMb})
 * @param getTimeoutMs    how long to wait for an argument or a recorded result ({@code scheduler.getTimeoutMs})
 * @param clock           wall time, for deadlines and recovery-ledger timestamps
 */
public record ActorServices(NodeId self, TableWriter writer, ObjectStore store, ObjectDirectory directory,
    Function<TaskId, Ember> scopes, CallReplies replies, ZombieGuard guard, ExecutorService threads, int checkpointsKept,
    long maxObjectBytes, long getTimeoutMs, Clock clock) {

  /** The actor threads ({@code actors.threads} of them): daemons named {@code ember-actor-<n>}. */
  public static ExecutorService actorThreads(int n) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "ember-actor-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** An argument's value: decoded, or (a reference) fetched into this node first. Blocks: actor threads only. */
  Object argument(TaskSpec.Arg a) throws Exception {
    if (!a.isRef()) return Values.decode(a.value());
    Buffer b = store.getIfInMemory(a.ref());
    if (b == null) {
      b = directory.fetch(a.ref(), clock.millis() + getTimeoutMs).toCompletionStage().toCompletableFuture()
          .get(getTimeoutMs + 1000, TimeUnit.MILLISECONDS);
    }
    return Values.decode(b);
  }
}
