import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A user verticle that joins an Ember cluster and submits work over the event bus, with no
 * Ember class in sight: only addresses and JSON. Compile and run it against node.jar (README).
 */
public class SubmitVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    run().onComplete(ar -> vertx.close()); // one-shot: exit when done
    return Future.succeededFuture();
  }

  private Future<?> run() {
    var bus = vertx.eventBus();
    JsonObject square = new JsonObject().put("function", "io.ember.examples.Fns.square").put("args", new JsonArray().add(12));
    return bus.<JsonObject>request("ember.submit", square)
        .map(Message::body)
        .compose(sub -> {
          // a reference as an argument: add(square(12), 1)
          JsonObject add = new JsonObject().put("function", "io.ember.examples.Fns.add")
              .put("args", new JsonArray().add(new JsonObject().put("$ref", sub.getString("objectId"))).add(1));
          return bus.<JsonObject>request("ember.submit", add);
        })
        .compose(sub -> bus.<JsonObject>request("ember.get",
            new JsonObject().put("objectId", sub.body().getString("objectId")).put("timeoutMs", 10_000)))
        .onSuccess(got -> System.out.println("square(12) + 1 = " + got.body().getValue("value")))
        .onFailure(err -> System.err.println("Ember said: " + err));
  }
}
