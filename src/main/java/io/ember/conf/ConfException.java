package io.ember.conf;

/** An invalid conf file: the message names the file, the key and what was expected. */
public class ConfException extends RuntimeException {
  public ConfException(String message) {
    super(message);
  }
}
