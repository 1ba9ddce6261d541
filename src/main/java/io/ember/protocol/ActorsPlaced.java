package io.ember.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Published on {@link Addresses#ACTORS_PLACED} by the acting monitor when actors that had no
 * live node to go to (after their node died) found one.
 */
public record ActorsPlaced(List<ActorPlacement> actors) {
  public ActorsPlaced {
    actors = List.copyOf(actors);
  }

  public void encodeTo(Buffer b) {
    NodeDeath.putPlacements(b, actors);
  }

  public static ActorsPlaced decode(Wire w) {
    return new ActorsPlaced(NodeDeath.getPlacements(w));
  }
}
