package io.ember.api;

import java.util.List;

/**
 * What {@link Ember#wait} found: the references that were ready (their value or their failure is
 * known) and those that were not, each in the order they were given. Like Ray's {@code ray.wait},
 * {@code ready} holds at most the number asked for.
 */
public record WaitResult<T>(List<ObjectRef<T>> ready, List<ObjectRef<T>> notReady) {
  public WaitResult {
    ready = List.copyOf(ready);
    notReady = List.copyOf(notReady);
  }
}
