package io.ember.api;

import io.ember.protocol.ErrorCode;

/** An object whose every copy is gone and which could not be rebuilt. */
public class ObjectLostException extends EmberException {
  private final String objectId;

  public ObjectLostException(String objectId, String why) {
    super(ErrorCode.OBJECT_LOST, "object " + objectId + " is lost: " + why);
    this.objectId = objectId;
  }

  private ObjectLostException(String objectId, String message, boolean whole) {
    super(ErrorCode.OBJECT_LOST, message);
    this.objectId = objectId;
  }

  /** The exception again from its message (as it crossed a JVM boundary as text). */
  public static ObjectLostException fromMessage(String objectId, String message) {
    return new ObjectLostException(objectId, message, true);
  }

  public String objectId() {
    return objectId;
  }
}
