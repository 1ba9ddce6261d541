package io.ember.gcs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.BulkType;
import io.vertx.redis.client.impl.types.Multi;
import io.vertx.redis.client.impl.types.MultiType;
import io.vertx.redis.client.impl.types.PushType;
import org.junit.jupiter.api.Test;

class SentinelWatchTest {

  private static Response message(Multi m, String channel, String payload) {
    for (String s : new String[] {"message", channel, payload}) m.add(BulkType.create(Buffer.buffer(s), false));
    return m;
  }

  @Test
  void aSwitchOfItsMasterIsRecognisedInBothProtocols() {
    String payload = "ember 127.0.0.1 6390 127.0.0.1 6391";
    assertTrue(SentinelWatch.isSwitchOf(message(PushType.create(3), "+switch-master", payload), "ember"));
    assertTrue(SentinelWatch.isSwitchOf(message(MultiType.create(3, false), "+switch-master", payload), "ember"));
  }

  @Test
  void anotherMasterOrChannelIsIgnored() {
    assertFalse(SentinelWatch.isSwitchOf(message(PushType.create(3), "+switch-master", "ember2 a 1 b 2"), "ember"));
    assertFalse(SentinelWatch.isSwitchOf(message(PushType.create(3), "+sdown", "ember a 1 b 2"), "ember"));
    assertFalse(SentinelWatch.isSwitchOf(null, "ember"));
  }
}
