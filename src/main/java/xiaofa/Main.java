package xiaofa;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.knowledge.BgeSmallZhEmbedder;
import xiaofa.knowledge.Embedder;
import xiaofa.knowledge.KnowledgeIndex;
import xiaofa.knowledge.KnowledgeRoutes;
import xiaofa.knowledge.KnowledgeService;
import xiaofa.knowledge.KnowledgeSources;
import xiaofa.platform.AppConfig;
import xiaofa.platform.ConfigLoader;
import xiaofa.platform.HttpVerticle;
import xiaofa.platform.Readiness;

/**
 * The composition root: loads the configuration once, builds the shared heavy objects (embedding model, index,
 * knowledge service) and deploys the HTTP verticles with them. The HTTP server is up at once; {@code /ready} turns
 * green when the index is live.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    AppConfig config;
    try {
      config = ConfigLoader.fromEnvironment();
    } catch (IllegalArgumentException e) {
      System.err.println("xiaofa: " + e.getMessage());
      System.exit(2);
      return;
    }
    start(Vertx.vertx(), config)
        .onSuccess(app -> Runtime.getRuntime().addShutdownHook(new Thread(() -> app.stop().await())))
        .onFailure(e -> {
          log.error("xiaofa failed to start", e);
          System.exit(1);
        });
  }

  /** A started application: what {@link #stop()} must close. */
  public record App(Vertx vertx, KnowledgeService knowledge, KnowledgeIndex index, int port, Future<Void> ready) {
    public Future<Void> stop() {
      return knowledge.stop().eventually(() -> vertx.close()).andThen(ar -> {
        try {
          index.close();
        } catch (java.io.IOException e) {
          log.warn("closing the index failed", e);
        }
      });
    }
  }

  /** Builds and starts everything on {@code vertx}; tests call this with their own config. */
  public static Future<App> start(Vertx vertx, AppConfig config) {
    long t0 = System.nanoTime();
    Embedder embedder = config.search().vectors() ? new BgeSmallZhEmbedder() : null;
    KnowledgeIndex index = new KnowledgeIndex(config.indexDir(), embedder);
    KnowledgeSources sources = new KnowledgeSources(config.knowledge().dir(), config.knowledge().lawsDir(), index.salt());
    KnowledgeService knowledge = new KnowledgeService(vertx, sources, index, config.search().threads(), config.search().cacheSize());

    List<HttpVerticle.Mount> mounts = List.of(new HttpVerticle.Mount("/api", v -> KnowledgeRoutes.router(v, knowledge)));
    List<Readiness> readiness = List.of(new Readiness() {
      @Override
      public String name() {
        return "index";
      }

      @Override
      public Future<Boolean> check() {
        return Future.succeededFuture(knowledge.isReady());
      }
    });
    int[] port = {config.http().port()};
    Future<String> http;
    if (port[0] == 0) {
      // a random port (tests): one instance, so the port is known
      HttpVerticle verticle = new HttpVerticle(config.http(), mounts, readiness);
      http = vertx.deployVerticle(verticle).andThen(ar -> port[0] = verticle.actualPort());
    } else {
      http = vertx.deployVerticle(() -> new HttpVerticle(config.http(), mounts, readiness), new DeploymentOptions().setInstances(config.http().instances()));
    }
    return http.compose(id -> {
          log.info("xiaofa listening on http://{}:{} ({} ms); loading knowledge", config.http().host(), port[0], (System.nanoTime() - t0) / 1_000_000);
          Future<Void> ready = knowledge.start(config.knowledge().pollSeconds())
              .onSuccess(v -> log.info("xiaofa ready in {} ms", (System.nanoTime() - t0) / 1_000_000))
              .onFailure(e -> log.error("loading the knowledge failed; /ready stays DOWN", e));
          return Future.succeededFuture(new App(vertx, knowledge, index, port[0], ready));
        });
  }
}
