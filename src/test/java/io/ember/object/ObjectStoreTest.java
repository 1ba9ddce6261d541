package io.ember.object;

import static io.ember.object.TestBytes.await;
import static io.ember.object.TestBytes.id;
import static io.ember.object.TestBytes.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.ids.ObjectId;
import io.ember.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ObjectStoreTest {
  private Vertx vertx;
  @TempDir
  Path tmp;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void evictsTheLeastRecentlyUsedFirst() throws Exception {
    ObjectStore store = new ObjectStore(vertx, 300, 1000, null);
    List<ObjectId> dropped = new ArrayList<>();
    store.onDropped(dropped::add);
    await(store.put(id(1), random(100, 1)));
    await(store.put(id(2), random(100, 2)));
    await(store.put(id(3), random(100, 3)));
    assertNotNull(store.getIfInMemory(id(1))); // 1 is now the most recently used
    await(store.put(id(4), random(100, 4)));
    assertEquals(List.of(id(2)), dropped);
    await(store.get(id(3)));
    await(store.put(id(5), random(100, 5)));
    assertEquals(List.of(id(2), id(1)), dropped);
    assertTrue(store.contains(id(3)) && store.contains(id(4)) && store.contains(id(5)));
    assertEquals(300, store.memoryBytes());
    assertEquals(3, store.count());
  }

  @Test
  void pastTheSpillLimitEvictedObjectsAreDroppedNotSpilledAndTheDiskStaysWithinIt() throws Exception {
    ObjectStore store = new ObjectStore(vertx, 200, 1000, tmp.resolve("spill-limited"), 300);
    List<ObjectId> dropped = new ArrayList<>();
    store.onDropped(dropped::add);
    for (int i = 0; i < 10; i++) {
      await(store.put(id(i), random(100, i)));
      assertTrue(store.diskBytes() <= 300, "disk " + store.diskBytes() + " after " + (i + 1) + " puts");
      assertTrue(store.memoryBytes() <= 200, "memory " + store.memoryBytes());
    }
    assertEquals(300, store.diskBytes(), "the first three evicted were spilled");
    assertEquals(List.of(id(3), id(4), id(5), id(6), id(7)), dropped, "the later ones were dropped, oldest first");
    for (int i = 0; i < 3; i++) assertEquals(100, await(store.get(id(i))).length(), "spilled object " + i + " reads back");
    assertTrue(!store.contains(id(3)), "a dropped object is gone");
  }

  @Test
  void accountsMemoryAndDiskExactly() throws Exception {
    ObjectStore store = new ObjectStore(vertx, 250, 1000, tmp.resolve("spill"));
    int[] sizes = {100, 50, 120, 30, 70, 1, 0, 249};
    long total = 0;
    for (int i = 0; i < sizes.length; i++) {
      await(store.put(id(i), random(sizes[i], i)));
      total += sizes[i];
      assertTrue(store.memoryBytes() <= 250, "memory " + store.memoryBytes());
      assertEquals(total, store.memoryBytes() + store.diskBytes());
      assertEquals(i + 1, store.count());
    }
    // Reading a spilled object back re-admits it and keeps its file, so it counts in both.
    assertNotNull(store.spillPathIfOnDisk(id(0)));
    assertEquals(100, await(store.get(id(0))).length());
    assertNull(store.spillPathIfOnDisk(id(0)));
    assertTrue(store.memoryBytes() <= 250);
    assertEquals(total + 100, store.memoryBytes() + store.diskBytes());
    for (int i = 0; i < sizes.length; i++) {
      await(store.delete(id(i)));
    }
    assertEquals(0, store.memoryBytes());
    assertEquals(0, store.diskBytes());
    assertEquals(0, store.count());
    try (var files = Files.list(tmp.resolve("spill"))) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void spillsAndReadsBackIdenticalBytes() throws Exception {
    Path dir = tmp.resolve("a/b/spill"); // created on demand
    ObjectStore store = new ObjectStore(vertx, 2 << 20, 8 << 20, dir);
    for (int i = 0; i < 5; i++) {
      await(store.put(id(i), random(1 << 20, i)));
    }
    assertEquals(2 << 20, store.memoryBytes());
    assertEquals(3 << 20, store.diskBytes());
    for (int i = 0; i < 3; i++) {
      assertNull(store.getIfInMemory(id(i)));
      Path file = store.spillPathIfOnDisk(id(i));
      assertEquals(dir.resolve(id(i).toString()), file);
      assertArrayEquals(random(1 << 20, i).getBytes(), Files.readAllBytes(file));
    }
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(random(1 << 20, i).getBytes(), await(store.get(id(i))).getBytes());
    }
    assertTrue(store.memoryBytes() <= 2 << 20);
    await(store.close());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
    EmberException e = assertThrows(EmberException.class, () -> await(store.put(id(9), random(1, 9))));
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
  }

  @Test
  void tellsListenersAboutDropsWithoutSpillDir() throws Exception {
    ObjectStore store = new ObjectStore(vertx, 100, 1000, null);
    ConcurrentLinkedQueue<ObjectId> dropped = new ConcurrentLinkedQueue<>();
    store.onDropped(dropped::add);
    await(store.put(id(1), random(60, 1)));
    await(store.put(id(2), random(60, 2)));
    assertEquals(List.of(id(1)), List.copyOf(dropped));
    assertFalse(store.contains(id(1)));
    assertNull(await(store.get(id(1))));
    assertEquals(-1, store.sizeOf(id(1)));
    assertEquals(60, store.sizeOf(id(2)));
  }

  @Test
  void refusesObjectsOverTheMaximum() {
    ObjectStore store = new ObjectStore(vertx, 1000, 10, null);
    EmberException e = assertThrows(EmberException.class, () -> await(store.put(id(7), random(11, 7))));
    assertEquals(ErrorCode.OBJECT_TOO_LARGE, e.code());
    assertTrue(e.getMessage().contains(id(7).toString()) && e.getMessage().contains("11")
        && e.getMessage().contains("10"), e.getMessage());
    assertEquals(0, store.count());
  }

  @Test
  void admitsAnObjectLargerThanCapacityBySpillingEverything() throws Exception {
    ObjectStore store = new ObjectStore(vertx, 100, 1000, tmp);
    await(store.put(id(1), random(50, 1)));
    await(store.put(id(2), random(500, 2)));
    assertEquals(0, store.memoryBytes());
    assertEquals(550, store.diskBytes());
    assertArrayEquals(random(500, 2).getBytes(), await(store.get(id(2))).getBytes());
    assertEquals(0, store.memoryBytes()); // read back, but still too large to stay
  }

  @Test
  void keepsAnObjectLargerThanCapacityWithoutSpillDir() throws Exception {
    ObjectStore store = new ObjectStore(vertx, 100, 1000, null);
    List<ObjectId> dropped = new ArrayList<>();
    store.onDropped(dropped::add);
    await(store.put(id(1), random(50, 1)));
    await(store.put(id(2), random(500, 2)));
    assertEquals(List.of(id(1)), dropped);
    assertEquals(500, store.memoryBytes());
    await(store.put(id(3), random(10, 3)));
    assertEquals(List.of(id(1), id(2)), dropped);
    assertEquals(10, store.memoryBytes());
  }

  @Test
  void putOfAnExistingIdIsANoOp() throws Exception {
    ObjectStore store = new ObjectStore(vertx, 1000, 1000, null);
    await(store.put(id(1), random(10, 1)));
    await(store.put(id(1), random(10, 1)));
    assertEquals(1, store.count());
    assertEquals(10, store.memoryBytes());
  }

  @Test
  void takesOwnershipOfTheBufferWithoutCopying() throws Exception {
    // callers hand over fresh buffers; copying 100 MB objects on every put doubled the heap churn
    ObjectStore store = new ObjectStore(vertx, 1000, 1000, null);
    Buffer value = random(10, 1);
    await(store.put(id(1), value));
    assertSame(value, store.getIfInMemory(id(1)));
    assertArrayEquals(random(10, 1).getBytes(), store.getIfInMemory(id(1)).getBytes());
  }

  @Test
  void dropsAnObjectWhoseSpillFails() throws Exception {
    Path notADir = Files.writeString(tmp.resolve("file"), "x");
    ObjectStore store = new ObjectStore(vertx, 100, 1000, notADir);
    ConcurrentLinkedQueue<ObjectId> dropped = new ConcurrentLinkedQueue<>();
    store.onDropped(dropped::add);
    await(store.put(id(1), random(80, 1)));
    await(store.put(id(2), random(80, 2)));
    assertEquals(List.of(id(1)), List.copyOf(dropped));
    assertFalse(store.contains(id(1)));
    assertEquals(80, store.memoryBytes());
    assertEquals(0, store.diskBytes());
  }

  @Test
  void deleteDuringSpillLeavesNoFile() throws Exception {
    ObjectStore store = new ObjectStore(vertx, 10 << 20, 100 << 20, tmp);
    await(store.put(id(1), random(8 << 20, 1)));
    Future<Void> put = store.put(id(2), random(8 << 20, 2)); // starts spilling 1
    assertNotNull(await(store.get(id(1)))); // readable while it is being spilled
    await(store.delete(id(1)));
    await(put);
    assertFalse(store.contains(id(1)));
    assertFalse(Files.exists(tmp.resolve(id(1).toString())));
    assertEquals(8 << 20, store.memoryBytes());
    assertEquals(0, store.diskBytes());
    // A new put of the deleted id is a fresh object again.
    await(store.put(id(1), random(8 << 20, 1)));
    assertArrayEquals(random(8 << 20, 1).getBytes(), await(store.get(id(1))).getBytes());
    assertEquals(16 << 20, store.memoryBytes() + store.diskBytes());
  }

  @Test
  void concurrentPutsFromSeveralThreadsKeepExactAccounts() throws Exception {
    ObjectStore store = new ObjectStore(vertx, 64 << 10, 1 << 20, tmp);
    int threads = 4;
    int perThread = 150;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<java.util.concurrent.Future<Long>> sums = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      sums.add(pool.submit(() -> {
        long sum = 0;
        for (int i = base; i < base + perThread; i++) {
          int size = 1 + (i * 7919) % 5000;
          await(store.put(id(i), random(size, i)));
          if (i % 3 == 0) await(store.put(id(i), random(size, i))); // duplicate, no-op
          sum += size;
        }
        return sum;
      }));
    }
    long total = 0;
    for (var s : sums) total += s.get(20, TimeUnit.SECONDS);
    pool.shutdown();
    assertEquals(threads * perThread, store.count());
    assertEquals(total, store.memoryBytes() + store.diskBytes());
    assertTrue(store.memoryBytes() <= 64 << 10, "memory " + store.memoryBytes());
    for (int i = 0; i < threads * perThread; i += 37) {
      int size = 1 + (i * 7919) % 5000;
      assertArrayEquals(random(size, i).getBytes(), await(store.get(id(i))).getBytes());
    }
  }
}
