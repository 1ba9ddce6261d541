package io.ember.gcs;

import io.ember.api.ErrorCode;

/**
 * A task's failure as its table row stores it, one field each: {@code errorCode} ({@link #code}),
 * {@code errorType} ({@link #type}, the exception's class name), {@code error} ({@link #message},
 * the human-readable text) and {@code errorSubject} ({@link #subject}, the actor or object id the
 * exception names). The row keeps the fields apart so that nobody has to parse the text back.
 *
 * <p>{@code code} is null when the row records none: a row written before codes were stored
 * (only its text), or a reason that is no failure of the task's code (LOST by a node death, the
 * reason of a claim). Whoever turns this into an exception decides what that means; this record
 * never guesses from the text. {@code type}, {@code message} and {@code subject} are null when absent.
 */
public record TaskFailure(ErrorCode code, String type, String message, String subject) {
}
