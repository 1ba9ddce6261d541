package io.ember.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretTest {
  @TempDir Path dir;

  @Test
  void theConfWinsOverTheEnvironmentWhichWinsOverTheFile() throws Exception {
    Path file = dir.resolve("cluster.secret");
    Files.writeString(file, "file-secret-0123456789\n");
    byte[] fromConf = ClusterSecret.resolve("conf-secret-0123456789", "env-secret-0123456789", file).derive("x");
    byte[] fromEnv = ClusterSecret.resolve(null, "env-secret-0123456789", file).derive("x");
    byte[] fromFile = ClusterSecret.resolve(null, null, file).derive("x");
    assertArrayEquals(ClusterSecret.of("conf-secret-0123456789", "t").derive("x"), fromConf);
    assertArrayEquals(ClusterSecret.of("env-secret-0123456789", "t").derive("x"), fromEnv);
    assertArrayEquals(ClusterSecret.of("file-secret-0123456789", "t").derive("x"), fromFile);
  }

  @Test
  void aMissingFileIsCreatedOwnerOnlyAndReadBackTheSame() throws Exception {
    Path file = dir.resolve("sub").resolve("cluster.secret");
    ClusterSecret first = ClusterSecret.resolve(null, null, file);
    assertTrue(Files.exists(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(Files.readString(file).strip().length() >= 43, "32 random bytes, base64");
    assertArrayEquals(first.derive("k"), ClusterSecret.resolve(null, null, file).derive("k"));
    try (var left = Files.list(file.getParent())) {
      assertEquals(1, left.count(), "no temporary file is left behind");
    }
  }

  @Test
  void nodesStartingAtOnceOnOneMachineEndUpWithOneSecret() throws Exception {
    Path file = dir.resolve("cluster.secret");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> all = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<String> c = () -> java.util.HexFormat.of().formatHex(ClusterSecret.resolve(null, null, file).derive("k"));
        all.add(pool.submit(c));
      }
      Set<String> keys = new HashSet<>();
      for (Future<String> f : all) keys.add(f.get());
      assertEquals(1, keys.size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aShortSecretIsRefusedWithoutBeingQuoted() {
    var e = assertThrows(ClusterSecret.SecretException.class, () -> ClusterSecret.resolve("short-pw", null, dir.resolve("f")));
    assertFalse(e.getMessage().contains("short-pw"), e.getMessage());
    assertTrue(e.getMessage().contains("too short"), e.getMessage());
  }

  @Test
  void labelsGiveUnrelatedKeysAndNothingShowsTheSecret() {
    ClusterSecret s = ClusterSecret.of("a-long-enough-secret-value", "the test");
    assertNotEquals(java.util.HexFormat.of().formatHex(s.derive("a")), java.util.HexFormat.of().formatHex(s.derive("b")));
    assertEquals(32, s.derive("a").length);
    assertFalse(s.toString().contains("a-long-enough"));
    ClusterSecurity sec = ClusterSecurity.of(s, false);
    assertFalse(sec.toString().contains("a-long-enough"));
    assertEquals(64, sec.redisPassword().length());
    assertNotEquals(sec.redisPassword(), ClusterSecurity.of(ClusterSecret.of("another-long-secret-value", "t"), false).redisPassword());
  }

  @Test
  void everyHolderDerivesTheSameCertificateAndOtherSecretsAnother() {
    ClusterTls a = ClusterTls.derive(ClusterSecret.of("a-long-enough-secret-value", "t"));
    ClusterTls b = ClusterTls.derive(ClusterSecret.of("a-long-enough-secret-value", "t"));
    ClusterTls c = ClusterTls.derive(ClusterSecret.of("another-long-secret-value", "t"));
    assertEquals(a.certificatePem().toString(), b.certificatePem().toString());
    assertNotEquals(a.certificatePem().toString(), c.certificatePem().toString());
  }
}
