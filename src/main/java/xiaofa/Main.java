package xiaofa;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.ext.web.client.WebClient;
import xiaofa.channel.grid.GridChannel;
import xiaofa.channel.web.WebChannel;
import xiaofa.console.AccountRoutes;
import xiaofa.console.Accounts;
import xiaofa.console.AdvisorAdmin;
import xiaofa.console.Audit;
import xiaofa.console.CaseDesk;
import xiaofa.console.admin.AdminDesk;
import xiaofa.console.ConsoleAuth;
import xiaofa.console.ConsoleRoutes;
import xiaofa.channel.wechat.MenuCommand;
import xiaofa.channel.wechat.WeChatApi;
import xiaofa.channel.wechat.WeChatChannel;
import xiaofa.channel.wechat.WeChatMenu;
import xiaofa.dialog.DialogService;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.Areas;
import xiaofa.handoff.HandoffService;
import xiaofa.handoff.Roster;
import xiaofa.knowledge.AdminKnowledgeStore;
import xiaofa.knowledge.BgeSmallZhEmbedder;
import xiaofa.knowledge.Embedder;
import xiaofa.knowledge.KnowledgeIndex;
import xiaofa.knowledge.KnowledgePages;
import xiaofa.knowledge.KnowledgeRoutes;
import xiaofa.knowledge.KnowledgeService;
import xiaofa.knowledge.KnowledgeSources;
import xiaofa.outbox.Outbox;
import xiaofa.platform.AppConfig;
import xiaofa.platform.ConfigLoader;
import xiaofa.platform.Database;
import xiaofa.platform.HttpVerticle;
import xiaofa.platform.Metrics;
import xiaofa.platform.Readiness;

/**
 * The composition root: loads the configuration once, builds the shared heavy objects (database pool, embedding
 * model, index, services) and deploys the HTTP verticles with them. The HTTP server is up as soon as the database is
 * migrated; {@code /ready} turns green when the index is live and the dialog has trained on it.
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
    if (args.length > 0) {
      if (args[0].equals("wechat-menu")) {
        System.exit(MenuCommand.run(config, args, System.out, System.err));
      }
      System.err.println("usage: java -jar xiaofa.jar [wechat-menu [--dry-run]]");
      System.exit(2);
    }
    PrometheusMeterRegistry metrics = Metrics.create();
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(metrics))
        .build();
    start(vertx, config, Clock.systemUTC(), metrics)
        .onSuccess(app -> Runtime.getRuntime().addShutdownHook(new Thread(() -> app.stop().await())))
        .onFailure(e -> {
          log.error("xiaofa failed to start", e);
          System.exit(1);
        });
  }

  /** A started application: what {@link #stop()} must close, and the services tests drive. */
  public record App(
      Vertx vertx, Database db, KnowledgeService knowledge, KnowledgeIndex index, HandoffService handoff, DialogService dialog, Outbox outbox,
      Optional<WeChatChannel> wechat, GridChannel grid, ConsoleAuth consoleAuth, int port, Future<Void> ready,
      Accounts accounts, List<ConsoleRoutes.Part> consoleParts) {
    public Future<Void> stop() {
      outbox.stop();
      wechat.ifPresent(WeChatChannel::stop);
      grid.stop();
      handoff.stop();
      return Future.join(knowledge.stop(), dialog.stop())
          .eventually(db::close)
          .eventually(() -> vertx.close())
          .andThen(ar -> {
            try {
              index.close();
            } catch (java.io.IOException e) {
              log.warn("closing the index failed", e);
            }
          })
          .mapEmpty();
    }
  }

  /** Builds and starts everything on {@code vertx}; tests call this with their own config and clock. */
  public static Future<App> start(Vertx vertx, AppConfig config, Clock clock) {
    return start(vertx, config, clock, Metrics.create());
  }

  static Future<App> start(Vertx vertx, AppConfig config, Clock clock, PrometheusMeterRegistry metrics) {
    long t0 = System.nanoTime();
    // the heavy and blocking parts (model, files) on the calling thread, before anything runs on an event loop
    Embedder embedder = config.search().vectors() ? new BgeSmallZhEmbedder() : null;
    KnowledgeIndex index = new KnowledgeIndex(config.indexDir(), embedder);
    KnowledgeSources sources = new KnowledgeSources(config.knowledge().dir(), config.knowledge().lawsDir(), index.salt());
    Areas areas;
    List<Advisor> sampleRoster;
    WeChatMenu menu;
    try {
      areas = sources.readFile(Areas.FILE).map(Areas::parse).orElse(Areas.NONE);
      sampleRoster = sources.readFile(Roster.FILE).map(Roster::parse).orElse(List.of());
      menu = config.wechat().enabled() ? WeChatMenu.load(config.wechat().menuFile()) : null;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return Database.open(vertx, config.db(), config.dataDir()).compose(db -> Accounts.tokenSecret(db.pool(), clock).compose(tokenSecret -> {
      // knowledge administrators keep in the database (issue 6, administration): merged with the files on every reload
      AdminKnowledgeStore adminKnowledge = new AdminKnowledgeStore(db.pool(), clock);
      KnowledgeService knowledge = new KnowledgeService(vertx, sources, index, config.search().threads(), config.search().cacheSize(),
          config.search().resultCacheSize(), adminKnowledge::load);
      Outbox outbox = new Outbox(vertx, db.pool(), clock, Outbox.Options.DEFAULT, metrics);
      HandoffService handoff = new HandoffService(vertx, db.pool(), outbox, clock, config.handoff(), areas, metrics);
      DialogService dialog = new DialogService(vertx, knowledge, handoff, db.pool(), clock, config.handoff(), metrics);
      WebChannel web = new WebChannel(dialog, areas, db.pool(), clock);
      outbox.register(web);
      Optional<WeChatChannel> wechat = Optional.empty();
      if (config.wechat().enabled()) {
        WeChatApi api = new WeChatApi(vertx, WebClient.create(vertx), db.pool(), clock, config.wechat(), metrics);
        wechat = Optional.of(new WeChatChannel(vertx, config.wechat(), dialog, handoff, outbox, db.pool(), clock, api, menu, metrics));
        outbox.register(wechat.get().sender());
        log.info("WeChat channel on for {} at /wechat ({} mode, passive budget {} ms)", config.wechat().appId(),
            config.wechat().aesKey().isEmpty() ? "plaintext" : "plaintext, compatibility and secure", config.wechat().passiveBudget().toMillis());
      } else {
        log.info("WeChat channel off: set XIAOFA_WECHAT_TOKEN, XIAOFA_WECHAT_APP_ID and XIAOFA_WECHAT_APP_SECRET (README: connecting the official account)");
      }
      GridChannel grid = new GridChannel(vertx, config.grid(), dialog, handoff, knowledge, outbox, db.pool(), clock);
      outbox.register(grid);
      handoff.addSink(grid);

      // the console (issue 6); the token secret comes from the database so that every node accepts every node's tokens
      ConsoleAuth consoleAuth = new ConsoleAuth(vertx, tokenSecret, java.time.Duration.ofHours(8), db.pool(), clock);
      Audit audit = new Audit(db.pool(), clock);
      List<ConsoleRoutes.Part> consoleParts = new ArrayList<>();
      // accounts: sign-in, lock-out, the first admin, users' and advisors' administration
      Accounts accounts = new Accounts(vertx, db.pool(), clock, audit, consoleAuth);
      consoleParts.add(new AccountRoutes(accounts, consoleAuth, clock));
      consoleParts.add(new AdvisorAdmin(handoff, accounts, audit));
      // console part B: the advisors' cases and live events
      consoleParts.add(new CaseDesk(vertx, db.pool(), clock, config.handoff().zone(), handoff, knowledge, grid, audit));
      // console part C: knowledge administration, the dashboard, the audit log
      consoleParts.add(new AdminDesk(vertx, db.pool(), clock, config.handoff().zone(), config.dataDir(), knowledge, adminKnowledge, dialog, audit));

      Future<Integer> roster = handoff.loadRosterIfEmpty(sampleRoster)
          .onSuccess(n -> {
            if (n > 0) {
              log.info("loaded the sample roster: {} advisors", n);
            }
          });

      List<HttpVerticle.Mount> mounts = new ArrayList<>(List.of(
          new HttpVerticle.Mount("/api", v -> KnowledgeRoutes.router(v, knowledge)),
          new HttpVerticle.Mount("/api", web::router),
          new HttpVerticle.Mount("/kb", v -> KnowledgePages.router(v, knowledge)),
          new HttpVerticle.Mount("/grid/v1", grid::router),
          new HttpVerticle.Mount("/console/api", v -> ConsoleRoutes.api(v, consoleAuth, consoleParts)),
          new HttpVerticle.Mount("/console", ConsoleRoutes::pages)));
      wechat.ifPresent(w -> mounts.add(new HttpVerticle.Mount("", w::router)));
      mounts.add(new HttpVerticle.Mount("", Main::webroot));
      Optional<WeChatChannel> wechatChannel = wechat;
      List<Readiness> readiness = List.of(check("index", knowledge::isReady), db, check("dialog", dialog::isReady));
      int[] port = {config.http().port()};
      Future<String> http;
      if (port[0] == 0) {
        // a random port (tests): one instance, so the port is known
        HttpVerticle verticle = new HttpVerticle(config.http(), mounts, readiness, metrics);
        http = vertx.deployVerticle(verticle).andThen(ar -> port[0] = verticle.actualPort());
      } else {
        http = vertx.deployVerticle(() -> new HttpVerticle(config.http(), mounts, readiness, metrics), new DeploymentOptions().setInstances(config.http().instances()));
      }
      Future<Boolean> firstAdmin = roster.compose(n -> accounts.ensureFirstAdmin(config.console().adminPassword(), System.out));
      return firstAdmin.compose(n -> grid.start()).compose(v -> http).map(id -> {
        log.info("xiaofa listening on http://{}:{} ({} ms); loading knowledge", config.http().host(), port[0], (System.nanoTime() - t0) / 1_000_000);
        outbox.start();
        handoff.start();
        wechatChannel.ifPresent(WeChatChannel::start);
        Future<Void> ready = knowledge.start(config.knowledge().pollSeconds())
            .compose(v -> dialog.start())
            .onSuccess(v -> log.info("xiaofa ready in {} ms", (System.nanoTime() - t0) / 1_000_000))
            .onFailure(e -> log.error("loading the knowledge failed; /ready stays DOWN", e));
        return new App(vertx, db, knowledge, index, handoff, dialog, outbox, wechatChannel, grid, consoleAuth, port[0], ready,
            accounts, List.copyOf(consoleParts));
      });
    }));
  }

  /** The chat simulator and other static pages. */
  private static Router webroot(Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(StaticHandler.create("webroot").setCachingEnabled(true).setMaxAgeSeconds(300).setIndexPage("index.html"));
    return r;
  }

  private static Readiness check(String name, java.util.function.BooleanSupplier ok) {
    return new Readiness() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Future<Boolean> check() {
        return Future.succeededFuture(ok.getAsBoolean());
      }
    };
  }
}
