package io.ember.api;

import java.time.Duration;

/** A {@code get} whose deadline passed before the object was ready. */
public class GetTimeoutException extends EmberException {
  private final String objectId;

  public GetTimeoutException(String objectId, Duration timeout, String state) {
    super(ErrorCode.TIMEOUT, "object " + objectId + " not ready within " + timeout.toMillis() + " ms"
        + (state == null ? "" : " (" + state + ")"));
    this.objectId = objectId;
  }

  private GetTimeoutException(String objectId, String message) {
    super(ErrorCode.TIMEOUT, message);
    this.objectId = objectId;
  }

  /** The exception again as another JVM reported it: its object, and its message kept as it was. */
  public static GetTimeoutException reported(String objectId, String message) {
    return new GetTimeoutException(objectId, message);
  }

  public String objectId() {
    return objectId;
  }
}
