package io.ember.protocol;

import io.ember.ids.ClientId;
import io.ember.ids.TaskId;
import io.vertx.core.buffer.Buffer;

/**
 * An owner cancelled its task (published to every scheduler on {@link Addresses#CANCEL}): the
 * node that holds it drops it if it is queued or interrupts it if it is running, and reports it
 * {@code CANCELLED}; every node remembers it for a while, so a copy still on its way is dropped
 * when it arrives. Acted on only for a task whose spec names {@code owner}.
 */
public record TaskCancel(TaskId task, ClientId owner) {
  public void encodeTo(Buffer b) {
    Wire.putTask(b, task);
    Wire.putClient(b, owner);
  }

  public static TaskCancel decode(Wire w) {
    return new TaskCancel(w.getTask(), w.getClient());
  }
}
