package xiaofa.platform;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Serves HTTP: {@code /health}, {@code /ready}, {@code /metrics} and the sub-routers the capabilities contribute. It only mounts;
 * each capability owns its routes, guards and handlers.
 */
public final class HttpVerticle extends VerticleBase {

  /** A capability's sub-router, mounted at {@code prefix} ("/api", "/wechat" …). */
  public record Mount(String prefix, Function<Vertx, Router> routes) {}

  private final AppConfig.Http config;
  private final List<Mount> mounts;
  private final List<Readiness> readiness;
  private final PrometheusMeterRegistry metrics;
  private HttpServer server;

  public HttpVerticle(AppConfig.Http config, List<Mount> mounts, List<Readiness> readiness, PrometheusMeterRegistry metrics) {
    this.config = config;
    this.mounts = List.copyOf(mounts);
    this.readiness = List.copyOf(readiness);
    this.metrics = metrics;
  }

  /** The whole router; tests use it too. */
  public static Router router(Vertx vertx, List<Mount> mounts, List<Readiness> readiness, PrometheusMeterRegistry metrics) {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(ctx -> ready(ctx, readiness));
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    for (Mount m : mounts) {
      router.route(m.prefix() + "/*").subRouter(m.routes().apply(vertx));
    }
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(FailureHandler.create());
    return router;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setCompressionSupported(true));
    return server.requestHandler(router(vertx, mounts, readiness, metrics)).listen(config.port());
  }

  /** The port the server listens on (useful when configured as 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private static void ready(RoutingContext ctx, List<Readiness> checks) {
    List<Future<Boolean>> results = new ArrayList<>();
    for (Readiness r : checks) {
      results.add(r.check().otherwise(false));
    }
    Future.all(results)
        .onComplete(
            ar -> {
              JsonObject body = new JsonObject();
              boolean all = true;
              for (int i = 0; i < checks.size(); i++) {
                boolean ok = Boolean.TRUE.equals(results.get(i).result());
                body.put(checks.get(i).name(), ok ? "UP" : "DOWN");
                all &= ok;
              }
              json(ctx, all ? 200 : 503, new JsonObject().put("status", all ? "UP" : "DOWN").put("checks", body));
            });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }
}
