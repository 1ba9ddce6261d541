package io.ember.api;

import io.ember.protocol.ErrorCode;
import java.time.Duration;

/** A {@code get} whose deadline passed before the object was ready. */
public class GetTimeoutException extends EmberException {
  private final String objectId;

  public GetTimeoutException(String objectId, Duration timeout, String state) {
    super(ErrorCode.TIMEOUT, "object " + objectId + " not ready within " + timeout.toMillis() + " ms"
        + (state == null ? "" : " (" + state + ")"));
    this.objectId = objectId;
  }

  public String objectId() {
    return objectId;
  }
}
