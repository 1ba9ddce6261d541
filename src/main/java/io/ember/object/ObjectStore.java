package io.ember.object;

import io.ember.api.EmberException;
import io.ember.ids.ObjectId;
import io.ember.api.ErrorCode;
import io.ember.metrics.EmberMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A node's local object store: serialised values ({@link Buffer}s) in memory up to a capacity,
 * least-recently-used ones spilled to a local directory so that an eviction is not a loss.
 *
 * <p><b>Responsible for</b> exact accounting ({@link #memoryBytes()} is the sum of the sizes of
 * the in-memory copies, {@link #diskBytes()} of the spill files), choosing victims in LRU order,
 * and telling {@link #onDropped listeners} about every object it lost without keeping a copy.
 *
 * <p><b>Must never</b> do I/O, call listeners or complete futures while holding its lock (the
 * lock only guards the maps and counters), nor drop a memory copy before its spill file is
 * completely written: an object being spilled stays readable from memory.
 *
 * <p>Eviction: whenever memory use, not counting objects already being spilled, exceeds the
 * capacity, the least recently used objects are evicted until it does not. An object that
 * already has a spill file (it was read back from disk) just loses its memory copy; otherwise it
 * is spilled, or, without a spill directory or once the spill files hold {@code spillMaxBytes}, dropped. {@link #put} and {@link #get} complete
 * only once the evictions they started are finished, which pushes back on producers that outrun
 * the disk. One exception to the capacity: without a spill directory, an object larger than the
 * capacity is kept in memory (everything else is dropped) until a later operation evicts it,
 * rather than being lost by its own {@code put}.
 *
 * <p>Returned buffers are the stored ones, not copies (objects can be large): callers must not
 * modify them. Spill files live until {@link #delete} or {@link #close}; a directory must belong
 * to one store.
 */
public final class ObjectStore {
  private static final Logger LOG = Logger.getLogger(ObjectStore.class.getName());

  /** One stored object. Fields are guarded by the store's lock. */
  private static final class Entry {
    final ObjectId id;
    final long size;
    Buffer memory;          // null when only on disk
    boolean onDisk;         // a complete spill file exists
    boolean spilling;       // chosen as a victim; its file is being written
    volatile boolean lostBySpill;

    Entry(ObjectId id, Buffer memory) {
      this.id = id;
      this.size = memory.length();
      this.memory = memory;
    }
  }

  /** A victim and its bytes, captured under the lock (a concurrent delete clears the entry's). */
  private record Spill(Entry victim, Buffer bytes) {
  }

  /** What a state change asks to be done once the lock is released. */
  private record Evictions(List<Spill> toSpill, List<ObjectId> dropped) {
    static Evictions none() {
      return new Evictions(List.of(), List.of());
    }
  }

  private final long capacityBytes;
  private final long maxObjectBytes;
  private final SpillFiles files; // null: no spill directory
  private final List<Consumer<ObjectId>> dropListeners = new CopyOnWriteArrayList<>();

  private final Object lock = new Object();
  private final Map<ObjectId, Entry> entries = new HashMap<>();
  /** The entries with a memory copy, least recently used first. */
  private final LinkedHashMap<ObjectId, Entry> lru = new LinkedHashMap<>(16, 0.75f, true);
  private long memoryBytes;
  private long spillingBytes;
  private final long spillMaxBytes;
  /** Victims dropped because the spill files were full, since the last log line about it. */
  private long spillRefused;
  private long spillRefusedLoggedAt = Long.MIN_VALUE;
  private long diskBytes;
  private boolean closed;

  public ObjectStore(Vertx vertx, long capacityBytes, long maxObjectBytes, Path spillDirOrNull) {
    this(vertx, capacityBytes, maxObjectBytes, spillDirOrNull, Long.MAX_VALUE);
  }

  /** @param spillMaxBytes the most the spill files may hold together ({@code objects.spillMaxMb}) */
  public ObjectStore(Vertx vertx, long capacityBytes, long maxObjectBytes, Path spillDirOrNull, long spillMaxBytes) {
    if (capacityBytes < 0 || maxObjectBytes < 0 || spillMaxBytes < 0) {
      throw new IllegalArgumentException("capacity, max object size and spill limit must be >= 0");
    }
    this.capacityBytes = capacityBytes;
    this.maxObjectBytes = maxObjectBytes;
    this.spillMaxBytes = spillMaxBytes;
    this.files = spillDirOrNull == null ? null : new SpillFiles(vertx, spillDirOrNull);
    EmberMetrics.gauge("ember.object.store.bytes", "where", "memory", "bytes of objects held in memory", this, ObjectStore::memoryBytes);
    EmberMetrics.gauge("ember.object.store.bytes", "where", "disk", "bytes of objects held in spill files", this, ObjectStore::diskBytes);
    EmberMetrics.gauge("ember.object.store.objects", "objects held (in memory or spilled)", this, ObjectStore::count);
  }

  /**
   * Stores a copy in memory, then evicts as needed. Fails with {@code OBJECT_TOO_LARGE} if the
   * value is larger than the maximum object size. Storing an id that exists is a no-op (ids are
   * deterministic: the same id always has the same value).
   */
  public Future<Void> put(ObjectId id, Buffer bytes) {
    if (bytes.length() > maxObjectBytes) {
      return Future.failedFuture(new EmberException(ErrorCode.OBJECT_TOO_LARGE,
          "object " + id + " is " + bytes.length() + " bytes, more than the maximum of " + maxObjectBytes));
    }
    synchronized (lock) {
      if (entries.containsKey(id)) return Future.succeededFuture();
      if (closed) return closedFailure();
    }
    // The store takes ownership of the buffer (every caller hands over a fresh one): copying a
    // 100 MB object here doubled the heap churn, and full GCs long enough to look like a hang followed.
    Entry entry = new Entry(id, bytes);
    Evictions evictions;
    synchronized (lock) {
      if (closed) return closedFailure();
      if (entries.putIfAbsent(id, entry) != null) return Future.succeededFuture();
      lru.put(id, entry);
      memoryBytes += entry.size;
      evictions = chooseVictims(entry);
    }
    return carryOut(evictions);
  }

  /** The value, from memory or read back from its spill file (then re-admitted as most recently used); null if absent. */
  public Future<Buffer> get(ObjectId id) {
    Entry entry;
    synchronized (lock) {
      entry = entries.get(id);
      if (entry == null) return Future.succeededFuture();
      if (entry.memory != null) {
        lru.get(id);
        return Future.succeededFuture(entry.memory);
      }
    }
    return files.read(id).transform(ar -> readmit(entry, ar.result(), ar.cause()));
  }

  /** The in-memory value, or null if absent or only on disk. Counts as an access for LRU. */
  public Buffer getIfInMemory(ObjectId id) {
    synchronized (lock) {
      Entry entry = lru.get(id);
      return entry == null ? null : entry.memory;
    }
  }

  public boolean contains(ObjectId id) {
    synchronized (lock) {
      return entries.containsKey(id);
    }
  }

  /** Every object held here (memory or disk) and its size: what a resync re-publishes. */
  public Map<ObjectId, Long> held() {
    synchronized (lock) {
      Map<ObjectId, Long> out = new HashMap<>(entries.size() * 2);
      entries.forEach((id, e) -> out.put(id, e.size));
      return out;
    }
  }

  /** The object's size in bytes, or -1 if absent. */
  public long sizeOf(ObjectId id) {
    synchronized (lock) {
      Entry entry = entries.get(id);
      return entry == null ? -1 : entry.size;
    }
  }

  /** Removes the object from memory and disk; completes once its spill file (if any) is gone. */
  public Future<Void> delete(ObjectId id) {
    boolean hadFile;
    synchronized (lock) {
      Entry entry = entries.remove(id);
      if (entry == null) return Future.succeededFuture();
      hadFile = forget(entry);
    }
    return hadFile ? files.delete(id) : Future.succeededFuture();
  }

  public long memoryBytes() {
    synchronized (lock) {
      return memoryBytes;
    }
  }

  public long diskBytes() {
    synchronized (lock) {
      return diskBytes;
    }
  }

  public int count() {
    synchronized (lock) {
      return entries.size();
    }
  }

  public long capacityBytes() {
    return capacityBytes;
  }

  /**
   * Registers a listener for ids evicted without a copy kept (no spill directory, or the spill
   * write or read-back failed). Called on no particular thread; the caller removes this node
   * from the object's location set.
   */
  public void onDropped(Consumer<ObjectId> listener) {
    dropListeners.add(listener);
  }

  /** For transfers: the spill file if the object is only on disk, else null. */
  public Path spillPathIfOnDisk(ObjectId id) {
    synchronized (lock) {
      Entry entry = entries.get(id);
      return entry != null && entry.memory == null && entry.onDisk ? files.pathOf(id) : null;
    }
  }

  /** Empties the store and deletes its spill files; later puts fail with {@code UNAVAILABLE}. */
  public Future<Void> close() {
    List<ObjectId> withFiles = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      for (Entry entry : entries.values()) {
        if (forget(entry)) withFiles.add(entry.id);
      }
      entries.clear();
    }
    return files == null ? Future.succeededFuture() : files.deleteAll(withFiles);
  }

  // ---- under the lock ------------------------------------------------------------------------

  /** Takes a removed entry out of memory and the counters; true if it has or is getting a file. */
  private boolean forget(Entry entry) {
    lru.remove(entry.id);
    if (entry.memory != null) memoryBytes -= entry.size;
    if (entry.spilling) spillingBytes -= entry.size;
    if (entry.onDisk) diskBytes -= entry.size;
    boolean hadFile = entry.onDisk || entry.spilling;
    entry.memory = null;
    entry.spilling = false;
    entry.onDisk = false;
    return hadFile;
  }

  private Evictions chooseVictims(Entry justAdded) {
    List<Spill> toSpill = new ArrayList<>();
    List<ObjectId> dropped = new ArrayList<>();
    Iterator<Entry> it = lru.values().iterator();
    while (memoryBytes - spillingBytes > capacityBytes && it.hasNext()) {
      Entry victim = it.next();
      if (victim.spilling) continue;
      if (victim.onDisk) {
        it.remove();
        victim.memory = null;
        memoryBytes -= victim.size;
      } else if (files != null && diskBytes + spillingBytes + victim.size <= spillMaxBytes) {
        victim.spilling = true;
        spillingBytes += victim.size;
        toSpill.add(new Spill(victim, victim.memory));
      } else if (victim != justAdded) {
        it.remove();
        entries.remove(victim.id);
        victim.memory = null;
        memoryBytes -= victim.size;
        dropped.add(victim.id);
        EmberMetrics.OBJECTS_DROPPED.increment();
        if (files != null) spillRefused++;
      }
    }
    return new Evictions(toSpill, dropped);
  }

  /** Settles a finished spill write; answers whether its file is still wanted. */
  private boolean spillWritten(Entry victim, Throwable failure) {
    synchronized (lock) {
      if (entries.get(victim.id) != victim || !victim.spilling) return false; // deleted meanwhile
      victim.spilling = false;
      spillingBytes -= victim.size;
      lru.remove(victim.id);
      victim.memory = null;
      memoryBytes -= victim.size;
      if (failure == null) {
        victim.onDisk = true;
        diskBytes += victim.size;
        EmberMetrics.OBJECTS_SPILLED.increment();
        return true;
      }
      entries.remove(victim.id);
      victim.lostBySpill = true;
    }
    LOG.log(Level.WARNING, "spilling object " + victim.id + " failed; dropped it", failure);
    return false;
  }

  // ---- outside the lock ----------------------------------------------------------------------

  private Future<Buffer> readmit(Entry entry, Buffer read, Throwable failure) {
    Buffer value = null;
    Evictions evictions = Evictions.none();
    synchronized (lock) {
      if (entries.get(entry.id) != entry) return Future.succeededFuture(); // deleted meanwhile
      if (failure != null) {
        forget(entry);
        entries.remove(entry.id);
      } else {
        if (entry.memory == null) {
          entry.memory = read;
          memoryBytes += entry.size;
        }
        lru.put(entry.id, entry);
        value = entry.memory;
        evictions = chooseVictims(null);
      }
    }
    if (failure != null) {
      notifyDropped(List.of(entry.id));
      files.delete(entry.id);
      return Future.failedFuture(new EmberException(ErrorCode.OBJECT_LOST,
          "object " + entry.id + " could not be read back from its spill file: " + failure.getMessage(), failure));
    }
    Buffer result = value;
    return carryOut(evictions).map(result);
  }

  private Future<Void> carryOut(Evictions evictions) {
    if (!evictions.dropped().isEmpty() && files != null) logSpillFull();
    notifyDropped(evictions.dropped());
    if (evictions.toSpill().isEmpty()) return Future.succeededFuture();
    List<Future<Boolean>> spills = new ArrayList<>();
    for (Spill spill : evictions.toSpill()) {
      Entry victim = spill.victim();
      spills.add(files.write(victim.id, spill.bytes(), failure -> spillWritten(victim, failure))
          .andThen(ar -> {
            if (victim.lostBySpill) notifyDropped(List.of(victim.id));
          }));
    }
    return Future.join(spills).mapEmpty();
  }

  /** One line per 10 s at most: objects dropped, not spilled, because the spill files hold {@code objects.spillMaxMb}. */
  private void logSpillFull() {
    long n;
    synchronized (lock) {
      long now = System.currentTimeMillis();
      if (spillRefusedLoggedAt != Long.MIN_VALUE && now - spillRefusedLoggedAt < 10_000) return;
      spillRefusedLoggedAt = now;
      n = spillRefused;
      spillRefused = 0;
    }
    LOG.warning("the spill files hold " + diskBytes() + " of at most " + spillMaxBytes + " bytes (objects.spillMaxMb): dropped " + n
        + " evicted object" + (n == 1 ? "" : "s") + " instead of spilling them (a task's output is rebuilt from its lineage when needed;"
        + " a put's is OBJECT_LOST)");
  }

  private void notifyDropped(List<ObjectId> ids) {
    for (ObjectId id : ids) {
      for (Consumer<ObjectId> listener : dropListeners) {
        try {
          listener.accept(id);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "an object-dropped listener failed for " + id, e);
        }
      }
    }
  }

  private static <T> Future<T> closedFailure() {
    return Future.failedFuture(new EmberException(ErrorCode.UNAVAILABLE, "the object store is closed"));
  }
}
