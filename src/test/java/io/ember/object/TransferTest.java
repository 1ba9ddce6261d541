package io.ember.object;

import static io.ember.object.TestBytes.await;
import static io.ember.object.TestBytes.checksum;
import static io.ember.object.TestBytes.eventually;
import static io.ember.object.TestBytes.id;
import static io.ember.object.TestBytes.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ember.api.EmberException;
import io.ember.ids.ObjectId;
import io.ember.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two Vert.x instances in one JVM, standing for two nodes on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransferTest {
  private static final String HOST = "127.0.0.1";
  private static final int MB100 = 100_000_000;

  private Vertx serverVertx;
  private Vertx clientVertx;
  private ObjectStore store;
  private TransferServer server;
  private TransferClient client;
  private int port;
  @TempDir
  Path tmp;

  @BeforeEach
  void start() throws Exception {
    serverVertx = Vertx.vertx();
    clientVertx = Vertx.vertx();
    // 8 MiB in memory: the 100 MB objects and anything behind them go to disk.
    store = new ObjectStore(serverVertx, 8 << 20, 200_000_000, tmp.resolve("spill"));
    server = new TransferServer(serverVertx, store);
    port = await(server.listen(HOST, 0));
    client = new TransferClient(clientVertx, 200_000_000);
  }

  @AfterEach
  void stop() throws Exception {
    await(client.close());
    await(server.close());
    await(store.close());
    await(clientVertx.close());
    await(serverVertx.close());
  }

  @Test
  void roundTripsFromMemory() throws Exception {
    for (int size : new int[] {0, 1000, 1 << 20}) {
      Buffer value = random(size, size);
      await(store.put(id(size), value));
      assertNotNull(store.getIfInMemory(id(size)));
      Buffer fetched = await(client.fetch(HOST, port, id(size)));
      assertEquals(size, fetched.length());
      assertEquals(checksum(value), checksum(fetched));
    }
  }

  @Test
  void roundTrips100MbFromMemory() throws Exception {
    ObjectStore big = new ObjectStore(serverVertx, 200_000_000, 200_000_000, null);
    TransferServer bigServer = new TransferServer(serverVertx, big);
    int bigPort = await(bigServer.listen(HOST, 0));
    Buffer value = random(MB100, 7);
    await(big.put(id(7), value));
    Buffer fetched = await(client.fetch(HOST, bigPort, id(7)));
    assertEquals(MB100, fetched.length());
    assertEquals(checksum(value), checksum(fetched));
    await(bigServer.close());
  }

  @Test
  void roundTripsFromASpilledFile() throws Exception {
    Buffer small = random(1 << 20, 1);
    Buffer large = random(MB100, 2);
    await(store.put(id(1), small));
    await(store.put(id(2), large));
    await(store.put(id(3), random(8 << 20, 3))); // pushes the 1 MiB object out too
    assertNotNull(store.spillPathIfOnDisk(id(1)));
    assertNotNull(store.spillPathIfOnDisk(id(2)));
    assertEquals(checksum(small), checksum(await(client.fetch(HOST, port, id(1)))));
    assertEquals(checksum(large), checksum(await(client.fetch(HOST, port, id(2)))));
  }

  @Test
  void answersNullWhenTheServerHasNoSuchObject() throws Exception {
    assertNull(await(client.fetch(HOST, port, id(42))));
  }

  @Test
  void refusesAnAnnouncedSizeOverTheMaximum() throws Exception {
    await(store.put(id(5), random(2 << 20, 5)));
    TransferClient small = new TransferClient(clientVertx, 1 << 20);
    EmberException e = assertThrows(EmberException.class, () -> await(small.fetch(HOST, port, id(5))));
    assertEquals(ErrorCode.OBJECT_TOO_LARGE, e.code());
    await(small.close());
  }

  @Test
  void fetchesManyObjectsConcurrently() throws Exception {
    List<Future<Buffer>> fetches = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      await(store.put(id(i), random(256 << 10, i)));
    }
    for (int i = 0; i < 16; i++) {
      fetches.add(client.fetch(HOST, port, id(i)));
      fetches.add(client.fetch(HOST, port, id(i)));
    }
    await(Future.all(fetches));
    for (int i = 0; i < 32; i++) {
      assertEquals(checksum(random(256 << 10, i / 2)), checksum(fetches.get(i).result()));
    }
    eventually(() -> server.openConnections() == TransferClient.MAX_IDLE, 5_000);
  }

  @Test
  void reusesAConnectionForSequentialFetches() throws Exception {
    await(store.put(id(1), random(1000, 1)));
    for (int i = 0; i < 5; i++) {
      assertEquals(1000, await(client.fetch(HOST, port, id(1))).length());
    }
    assertNull(await(client.fetch(HOST, port, id(2))));
    assertEquals(1, server.openConnections());
  }

  /** A pooled connection the server has dropped is retried once on a new connection. */
  @Test
  void retriesWhenAPooledConnectionWasDropped() throws Exception {
    // A fake server that answers the first request of each connection and drops the connection at the second.
    NetServer fake = serverVertx.createNetServer().connectHandler(socket -> {
      int requestBytes = TransferProtocol.request(id(1)).length();
      int[] received = {0};
      socket.handler(chunk -> {
        int before = received[0];
        received[0] += chunk.length();
        if (before < requestBytes && received[0] >= requestBytes) socket.write(TransferProtocol.notFound());
        if (received[0] > requestBytes) socket.close();
      });
    });
    int fakePort = await(fake.listen(0, HOST)).actualPort();
    for (int i = 0; i < 3; i++) {
      assertNull(await(client.fetch(HOST, fakePort, id(1))));
    }
    await(fake.close());
  }

  @Test
  void doesNotReuseAConnectionAfterAFailedExchange() throws Exception {
    await(store.put(id(5), random(2 << 20, 5)));
    TransferClient small = new TransferClient(clientVertx, 1 << 20);
    assertThrows(EmberException.class, () -> await(small.fetch(HOST, port, id(5))));
    eventually(() -> server.openConnections() == 0, 5_000);
    await(small.close());
  }

  @Test
  void answersGarbageWithAnErrorAndClosesTheConnection() throws Exception {
    Buffer http = reply(port, Buffer.buffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertBadRequest(http);
    Buffer hugeId = reply(port, Buffer.buffer().appendByte((byte) 'E').appendByte((byte) 1).appendUnsignedShort(0xFFFF));
    assertBadRequest(hugeId);
    Buffer badId = reply(port, Buffer.buffer().appendByte((byte) 'E').appendByte((byte) 1).appendUnsignedShort(3)
        .appendString("abc"));
    assertBadRequest(badId);
    // The server is still fine.
    await(store.put(id(1), random(10, 1)));
    assertEquals(10, await(client.fetch(HOST, port, id(1))).length());
    eventually(() -> server.openConnections() == 1, 5_000); // the client's pooled connection
  }

  @Test
  void servesSeveralRequestsOnOneConnection() throws Exception {
    await(store.put(id(1), random(3, 1)));
    Buffer two = TransferProtocol.request(id(1)).appendBuffer(TransferProtocol.request(id(2)));
    NetClient raw = clientVertx.createNetClient();
    NetSocket socket = await(raw.connect(port, HOST));
    Buffer received = Buffer.buffer();
    Promise<Buffer> got = Promise.promise();
    socket.handler(b -> {
      received.appendBuffer(b);
      if (received.length() == 9 + 3 + 1) got.tryComplete(received);
    });
    socket.write(two);
    Buffer both = await(got.future());
    assertEquals(TransferProtocol.FOUND, both.getByte(0));
    assertEquals(3, both.getLong(1));
    assertEquals(TransferProtocol.NOT_FOUND, both.getByte(12));
    await(raw.close());
  }

  /** A slow reader makes the server wait for drain many times; no byte may be sent twice. */
  @Test
  void aSlowReaderGetsExactlyTheFramedBytes() throws Exception {
    int size = 20 << 20;
    await(store.put(id(1), random(size, 1)));
    ObjectStore memoryOnly = new ObjectStore(serverVertx, 100 << 20, 100 << 20, null);
    await(memoryOnly.put(id(1), random(size, 1)));
    TransferServer memoryServer = new TransferServer(serverVertx, memoryOnly);
    int memoryPort = await(memoryServer.listen(HOST, 0));
    Buffer requests = TransferProtocol.request(id(1)).appendBuffer(TransferProtocol.request(id(1)))
        .appendBuffer(TransferProtocol.request(id(2)));
    int expected = 2 * (9 + size) + 1;
    NetClient raw = clientVertx.createNetClient();
    NetSocket socket = await(raw.connect(memoryPort, HOST));
    Buffer received = Buffer.buffer(expected);
    Promise<Buffer> all = Promise.promise();
    socket.handler(chunk -> {
      int before = received.length();
      received.appendBuffer(chunk);
      if (received.length() >= expected) {
        all.tryComplete(received);
      } else if (received.length() / (1 << 20) != before / (1 << 20)) {
        socket.pause();
        clientVertx.setTimer(1, t -> socket.resume());
      }
    });
    socket.write(requests);
    Buffer wire = await(all.future());
    assertEquals(expected, wire.length());
    long crc = checksum(random(size, 1));
    for (int at : new int[] {0, 9 + size}) {
      assertEquals(TransferProtocol.FOUND, wire.getByte(at));
      assertEquals(size, wire.getLong(at + 1));
      assertEquals(crc, checksum(wire.getBuffer(at + 9, at + 9 + size)));
    }
    assertEquals(TransferProtocol.NOT_FOUND, wire.getByte(expected - 1));
    await(raw.close());
    await(memoryServer.close());
  }

  @Test
  void failsWithUnavailableWhenTheServerClosesMidTransfer() throws Exception {
    // A fake server that announces 100 MB, sends 1 MiB of it, then hangs up.
    NetServer fake = serverVertx.createNetServer().connectHandler(socket -> socket.handler(request -> {
      socket.write(TransferProtocol.found(MB100));
      socket.write(random(1 << 20, 0)).eventually(socket::close);
    }));
    int fakePort = await(fake.listen(0, HOST)).actualPort();
    EmberException e = assertThrows(EmberException.class, () -> await(client.fetch(HOST, fakePort, id(1))));
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertTrue(e.getMessage().contains("of " + MB100 + " bytes"), e.getMessage());
    await(fake.close());
  }

  @Test
  void failsWithUnavailableWhenNobodyListens() throws Exception {
    await(server.close());
    EmberException e = assertThrows(EmberException.class, () -> await(client.fetch(HOST, port, id(1))));
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
  }

  @Test
  void aClientThatHangsUpMidStreamLeavesNothingOpen() throws Exception {
    await(store.put(id(9), random(MB100, 9)));
    ObjectStore memoryOnly = new ObjectStore(serverVertx, 200_000_000, 200_000_000, null);
    await(memoryOnly.put(id(9), random(MB100, 9)));
    TransferServer memoryServer = new TransferServer(serverVertx, memoryOnly);
    int memoryPort = await(memoryServer.listen(HOST, 0));
    for (int p : new int[] {port, memoryPort}) {
      NetClient raw = clientVertx.createNetClient();
      NetSocket socket = await(raw.connect(p, HOST));
      Promise<Void> firstBytes = Promise.promise();
      socket.handler(b -> firstBytes.tryComplete());
      socket.write(TransferProtocol.request(id(9)));
      await(firstBytes.future());
      await(socket.close());
      await(raw.close());
    }
    eventually(() -> server.openConnections() == 0 && memoryServer.openConnections() == 0, 10_000);
    assertTrue(store.contains(id(9)));
    assertEquals(checksum(random(MB100, 9)), checksum(await(client.fetch(HOST, memoryPort, id(9)))));
    await(memoryServer.close());
  }

  /** Sends raw bytes and collects everything until the server closes the connection. */
  private Buffer reply(int serverPort, Buffer request) throws Exception {
    NetClient raw = clientVertx.createNetClient();
    NetSocket socket = await(raw.connect(serverPort, HOST));
    Buffer received = Buffer.buffer();
    Promise<Buffer> closed = Promise.promise();
    socket.handler(received::appendBuffer);
    socket.closeHandler(v -> closed.complete(received));
    socket.write(request);
    Buffer all = await(closed.future());
    await(raw.close());
    return all;
  }

  private static void assertBadRequest(Buffer response) {
    assertEquals(TransferProtocol.ERROR, response.getByte(0), response.toString());
    assertEquals(ErrorCode.BAD_REQUEST.code, response.getUnsignedShort(1));
    int len = response.getUnsignedShort(3);
    assertEquals(5 + len, response.length());
  }

}
