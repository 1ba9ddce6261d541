package io.ember.api;

import io.ember.protocol.ErrorCode;

/** An object whose every copy is gone and which could not be rebuilt. */
public class ObjectLostException extends EmberException {
  private final String objectId;

  public ObjectLostException(String objectId, String why) {
    super(ErrorCode.OBJECT_LOST, "object " + objectId + " is lost: " + why);
    this.objectId = objectId;
  }

  public String objectId() {
    return objectId;
  }
}
