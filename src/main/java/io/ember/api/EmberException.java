package io.ember.api;


/**
 * Every failure Ember reports to users. The {@link #code()} is the same one the event-bus API
 * replies with, so Java and JSON clients see one vocabulary.
 */
public class EmberException extends RuntimeException {
  private final ErrorCode code;

  public EmberException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public EmberException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + code + "]: " + getMessage();
  }
}
