package io.ember.gcs;

import io.ember.ids.ClientId;
import io.ember.ids.JobId;
import io.ember.ids.NodeId;
import io.ember.ids.ObjectId;
import io.ember.ids.TaskId;
import io.ember.protocol.ActorCreateSpec;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node writes back after Redis lost its tables, under its new epoch, before any write it
 * held meanwhile: the object copies it holds, the pending tasks it owns (spec and row, PENDING
 * unless the row says further), and the actors it hosts (row and a fresh checkpoint, op {@code Y}
 * of {@code table-writer.lua}). Every op is one the write script applies idempotently, and none
 * moves a row backwards. Built on any thread, then handed to the writer once.
 */
public final class Republish {
  private final long epoch;
  private final NodeId node;
  private final List<WriteOp> ops = new ArrayList<>();
  private int objects;
  private int tasks;
  private int actors;

  public Republish(long epoch, NodeId node) {
    this.epoch = epoch;
    this.node = node;
  }

  public long epoch() {
    return epoch;
  }

  /** A copy of the object held here (its kind is kept if a row survived, else recorded as a copy). */
  public synchronized Republish object(ObjectId id, long size) {
    ops.add(new WriteOp.ObjectCreated(id, Long.toString(size), id.task().toString(), "", node.toString()));
    objects++;
    return this;
  }

  /** A task this node owns whose result has not arrived: its spec, PENDING unless the row is further on. */
  public synchronized Republish task(TaskId id, byte[] spec, JobId job, String function, ClientId owner) {
    ops.add(new WriteOp.Submitted(id, spec.clone(), text(job), text(function), text(owner)));
    tasks++;
    return this;
  }

  /**
   * An actor hosted here: its row (this node, {@code incarnation}, ALIVE, log starting at
   * {@code position}) and the checkpoint taken after {@code position} calls ({@code blob}, empty
   * for an actor that cannot checkpoint). Written only where no row is.
   */
  public synchronized Republish actor(ActorCreateSpec spec, String resourcesJson, long incarnation, long position, int keep,
      byte[] blob) {
    Object[] args = {Long.toString(incarnation), spec.encode().getBytes(), spec.className(), resourcesJson,
        Integer.toString(spec.maxRestarts()), Long.toString(Math.max(0, incarnation - 1)), spec.owner().value(),
        Long.toString(position), Integer.toString(keep), blob == null ? new byte[0] : blob};
    ops.add(new WriteOp.Actor(spec.actor(), "Y", args, Promise.promise()));
    actors++;
    return this;
  }

  public synchronized int objects() {
    return objects;
  }

  public synchronized int tasks() {
    return tasks;
  }

  public synchronized int actors() {
    return actors;
  }

  /** The ops as batches of at most {@link WriterOptions#maxBatchOps()} rows, actors first (their log appends follow). */
  synchronized List<Batch> batches(WriterOptions options) {
    List<WriteOp> ordered = new ArrayList<>(ops);
    ordered.sort((a, b) -> Boolean.compare(!(a instanceof WriteOp.Actor), !(b instanceof WriteOp.Actor)));
    List<Batch> out = new ArrayList<>();
    Batch b = null;
    for (WriteOp op : ordered) {
      if (b == null || b.ops() >= options.maxBatchOps()) {
        b = new Batch(options.coalesce());
        out.add(b);
      }
      b.add(op);
    }
    return out;
  }

  private static String text(Object o) {
    return o == null ? "" : o.toString();
  }
}
