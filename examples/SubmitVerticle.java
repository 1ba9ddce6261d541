import io.ember.node.EmberNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A user verticle that submits work to an Ember cluster over the event bus: the verticle sees no
 * Ember class, only addresses and JSON. {@link #main} joins the cluster a conf file names and
 * deploys it. Compile and run it against node.jar (README).
 */
public class SubmitVerticle extends VerticleBase {
  /** {@code java -cp node.jar:<classes> SubmitVerticle [conf file, default conf/worker.json]}. */
  public static void main(String[] args) {
    EmberNode.joinCluster(args.length > 0 ? args[0] : "conf/worker.json")
        .compose(vertx -> vertx.deployVerticle(new SubmitVerticle()))
        .onFailure(err -> {
          System.err.println("SubmitVerticle: " + err.getMessage());
          System.exit(1);
        });
  }

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
