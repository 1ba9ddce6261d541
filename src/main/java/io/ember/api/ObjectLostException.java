package io.ember.api;


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

  /** The exception again as another JVM reported it: its object, and its message kept as it was. */
  public static ObjectLostException reported(String objectId, String message) {
    return new ObjectLostException(objectId, message, true);
  }

  public String objectId() {
    return objectId;
  }
}
