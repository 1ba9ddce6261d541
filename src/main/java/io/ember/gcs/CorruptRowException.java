package io.ember.gcs;

import io.ember.api.EmberException;
import io.ember.api.ErrorCode;

/**
 * A GCS script refused to run because a row it must change cannot be read as its schema says
 * (it answered CORRUPT, having written nothing). Retrying at once gives the same answer: the
 * caller backs off, and the row is in the recovery ledger ({@link CorruptRows}).
 */
public final class CorruptRowException extends EmberException {
  public CorruptRowException(String message, Throwable cause) {
    super(ErrorCode.INTERNAL, message, cause);
  }
}
