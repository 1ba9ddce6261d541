package io.ember.serial;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost of decoding Java-serialised values through Ember's allow-list filter
 * ({@link Values#decode}, {@link DecodePolicy}) against a plain {@code ObjectInputStream} on the
 * same bytes, in one JVM: three JDK values a task might take or return. The microbenchmark's
 * values (longs, byte arrays) never take this path. Rounds are interleaved after a warm-up; each
 * row prints the median ns per decode of both and their ratio.
 * {@code mvn -q test-compile exec:exec@decode-filter [-Dbench.args="ROUNDS DECODES"]}.
 */
public final class DecodeFilterBench {
  private DecodeFilterBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int decodes = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    List<Long> longs = new ArrayList<>();
    for (long i = 0; i < 100; i++) longs.add(i * 7919);
    Map<String, Integer> map = new HashMap<>();
    for (int i = 0; i < 100; i++) map.put("key-" + i, i);
    String[] strings = new String[1000];
    for (int i = 0; i < strings.length; i++) strings[i] = "s" + i;
    Object[][] values = {{"ArrayList<Long> of 100", longs}, {"HashMap<String,Integer> of 100", map},
        {"String[] of 1,000", strings}};
    System.out.printf("decode of Java-serialised values, %d rounds of %d decodes each (median ns per decode)%n", rounds, decodes);
    for (Object[] v : values) {
      Buffer encoded = Values.encode(v[1]);
      byte[] body = encoded.getBytes(1, encoded.length());
      for (int i = 0; i < 3 * decodes; i++) {   // warm-up of both paths
        Values.decode(encoded);
        plain(body);
      }
      long[] filtered = new long[rounds];
      long[] unfiltered = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < decodes; i++) Values.decode(encoded);
        filtered[r] = (System.nanoTime() - t0) / decodes;
        t0 = System.nanoTime();
        for (int i = 0; i < decodes; i++) plain(body);
        unfiltered[r] = (System.nanoTime() - t0) / decodes;
      }
      long f = median(filtered);
      long u = median(unfiltered);
      System.out.printf("%-32s %7d bytes  filtered %8d ns  plain %8d ns  ratio %.2f%n", v[0], body.length, f, u, (double) f / u);
    }
  }

  private static Object plain(byte[] body) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(body))) {
      return in.readObject();
    }
  }

  private static long median(long[] a) {
    long[] c = a.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
