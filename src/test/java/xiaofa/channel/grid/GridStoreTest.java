package xiaofa.channel.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import xiaofa.handoff.Areas;
import xiaofa.handoff.CaseStatus;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.HandoffService;
import xiaofa.handoff.NewCase;
import xiaofa.handoff.Outcome;
import xiaofa.handoff.Roster;
import xiaofa.knowledge.Category;
import xiaofa.outbox.Outbox;
import xiaofa.platform.ApiException;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;
import xiaofa.platform.TestDatabases;

/** The field app's storage on H2 and PostgreSQL: nonces agreed between nodes, reports beside their cases, lists. */
@DisplayName("Field-app storage")
class GridStoreTest {
  static final String ROSTER = """
      id,name,role,specialties,areas,capacity,duty,fallback
      adv-fq,凤栖顾问（示例）,村居法律顾问,labor|general|debt,凤栖社区,50,1-5 08:30-17:30,no
      adv-jh,锦泓顾问（示例）,村居法律顾问,labor|general|debt,锦泓社区,50,1-5 08:30-17:30,no
      adv-duty,值班律师（示例）,律师,labor|general|debt,*,50,1-7 00:00-24:00,yes
      """;
  static final String AREAS = """
      grid_code,grid_name,community,community_kind,town,lat,lon,aliases
      PJGX-C01-G01,凤栖一网格,凤栖社区,社区,伍市镇,28.70185,113.38170,凤栖
      PJGX-C02-G01,锦泓一网格,锦泓社区,社区,伍市镇,28.69544,113.39186,锦泓
      """;
  // Tuesday 2026-11-24 10:00 in Pingjiang
  static final Instant TUESDAY_10AM = Instant.parse("2026-11-24T02:00:00Z");

  private final Vertx vertx = Vertx.vertx();
  private final MutableClock clock = new MutableClock(TUESDAY_10AM);
  private final List<Database> dbs = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Database db : dbs) {
      db.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Database open(AppConfig.Db config) throws Exception {
    Database db = Database.open(vertx, config, Path.of("target")).await(60, TimeUnit.SECONDS);
    dbs.add(db);
    return db;
  }

  private HandoffService handoff(Database db) throws Exception {
    Outbox outbox = new Outbox(vertx, db.pool(), clock, Outbox.Options.DEFAULT, new SimpleMeterRegistry());
    AppConfig.Handoff config = new AppConfig.Handoff(Duration.ofMinutes(15), Duration.ofHours(2), Duration.ofSeconds(30), ZoneId.of("Asia/Shanghai"), Duration.ofMinutes(30));
    HandoffService s = new HandoffService(vertx, db.pool(), outbox, clock, config, Areas.parse(AREAS), new SimpleMeterRegistry());
    s.loadRosterIfEmpty(Roster.parse(ROSTER)).await(10, TimeUnit.SECONDS);
    return s;
  }

  private CaseView report(HandoffService s, GridStore store, String app, String worker, String grid, String phone) throws Exception {
    NewCase nc = new NewCase(GridChannel.CHANNEL, app + "/" + worker, Category.LABOR, false, grid, "老板拖欠工资，居民电话 " + phone, List.of());
    Report draft = new Report(null, app, worker, grid, "王某某", phone, new JsonArray().add(new JsonObject().put("url", "https://files.example/1.jpg")), clock.instant());
    return s.openNew(nc, (tx, id) -> store.insert(tx, draft.of(id))).await(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("claims a nonce once across two nodes, even when both race for it, and forgets it after 10 minutes")
  void nonces(String kind) throws Exception {
    AppConfig.Db config = TestDatabases.fresh(kind);
    GridStore node1 = new GridStore(open(config).pool());
    GridStore node2 = new GridStore(open(config).pool());
    Instant now = clock.instant();
    assertTrue(node1.claimNonce("app-a", "nonce-0000000000000001", now).await(10, TimeUnit.SECONDS));
    assertFalse(node2.claimNonce("app-a", "nonce-0000000000000001", now).await(10, TimeUnit.SECONDS), "the other node sees the replay");
    assertFalse(node1.claimNonce("app-a", "nonce-0000000000000001", now).await(10, TimeUnit.SECONDS));
    assertTrue(node2.claimNonce("app-b", "nonce-0000000000000001", now).await(10, TimeUnit.SECONDS), "nonces are per app");

    List<Future<Boolean>> race = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      race.add((i % 2 == 0 ? node1 : node2).claimNonce("app-a", "nonce-raced-0000000001", now));
    }
    Future.join(race).await(20, TimeUnit.SECONDS);
    assertEquals(1, race.stream().filter(Future::result).count(), "exactly one of 16 simultaneous claims wins");

    assertEquals(0, node1.purgeNonces(now.minus(GridChannel.NONCE_RETENTION)).await(10, TimeUnit.SECONDS));
    assertEquals(3, node2.purgeNonces(now.plus(Duration.ofMinutes(11)).minus(GridChannel.NONCE_RETENTION)).await(10, TimeUnit.SECONDS));
    assertTrue(node1.claimNonce("app-a", "nonce-0000000000000001", now).await(10, TimeUnit.SECONDS), "purged");
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("opens a separate case for every report, stores the report with it, and lists one app's cases by grid, worker and status, 20 a page")
  void reportsAndLists(String kind) throws Exception {
    Database db = open(TestDatabases.fresh(kind));
    HandoffService s = handoff(db);
    GridStore store = new GridStore(db.pool());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      clock.advance(Duration.ofSeconds(1));
      ids.add(report(s, store, "app-a", i % 2 == 0 ? "w1" : "w2", i < 15 ? "PJGX-C01-G01" : "PJGX-C02-G01", "1380000" + String.format("%04d", i)).id());
    }
    assertEquals(23, ids.stream().distinct().count(), "one worker's reports are separate cases, not messages to the first");
    CaseView other = report(s, store, "app-b", "w1", "PJGX-C01-G01", "13900000000");

    Report r = store.report(ids.get(0)).await(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals("13800000000", r.residentPhone());
    assertEquals("https://files.example/1.jpg", r.attachments().getJsonObject(0).getString("url"));
    CaseView first = s.find(ids.get(0)).await(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals("adv-fq", first.advisorId(), "routed to the advisor of the grid's community");
    assertEquals("adv-jh", s.find(ids.get(22)).await(10, TimeUnit.SECONDS).orElseThrow().advisorId());

    GridStore.Page page1 = store.list("app-a", null, null, List.of(), 1).await(10, TimeUnit.SECONDS);
    assertEquals(23, page1.total());
    assertEquals(20, page1.cases().size());
    assertEquals(ids.get(22), page1.cases().get(0).summary().id(), "newest first");
    GridStore.Page page2 = store.list("app-a", null, null, List.of(), 2).await(10, TimeUnit.SECONDS);
    assertEquals(3, page2.cases().size());
    assertEquals(ids.get(0), page2.cases().get(2).summary().id());
    assertTrue(store.list("app-a", null, null, List.of(), 3).await(10, TimeUnit.SECONDS).cases().isEmpty());

    assertEquals(15, store.list("app-a", "PJGX-C01-G01", null, List.of(), 1).await(10, TimeUnit.SECONDS).total());
    assertEquals(8, store.list("app-a", "PJGX-C01-G01", "w1", List.of(), 1).await(10, TimeUnit.SECONDS).total());
    assertEquals(1, store.list("app-b", null, null, List.of(), 1).await(10, TimeUnit.SECONDS).total(), "an app lists its own reports only");
    assertEquals(other.id(), store.list("app-b", null, null, List.of(), 1).await(10, TimeUnit.SECONDS).cases().get(0).summary().id());

    s.close(ids.get(3), "adv-fq", Outcome.ANSWERED, "已解答").await(10, TimeUnit.SECONDS);
    List<String> open = List.of(CaseStatus.NEW.id(), CaseStatus.ASSIGNED.id(), CaseStatus.IN_PROGRESS.id());
    assertEquals(22, store.list("app-a", null, null, open, 1).await(10, TimeUnit.SECONDS).total());
    GridStore.Page resolved = store.list("app-a", null, null, List.of("resolved"), 1).await(10, TimeUnit.SECONDS);
    assertEquals(1, resolved.total());
    assertEquals(CaseStatus.RESOLVED, resolved.cases().get(0).summary().status());
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("leaves no case behind when its report cannot be stored")
  void atomic(String kind) throws Exception {
    Database db = open(TestDatabases.fresh(kind));
    HandoffService s = handoff(db);
    NewCase nc = new NewCase(GridChannel.CHANNEL, "app-a/w1", Category.LABOR, false, "PJGX-C01-G01", "老板拖欠工资", List.of());
    Future<CaseView> failed = s.openNew(nc, (tx, id) -> Future.failedFuture(new IllegalStateException("report refused")));
    assertTrue(failed.transform(ar -> Future.succeededFuture(ar.failed())).await(10, TimeUnit.SECONDS));
    long cases = Database.execute(db.pool(), "SELECT COUNT(*) AS n FROM cases").await(10, TimeUnit.SECONDS).iterator().next().getLong("n");
    assertEquals(0, cases);
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("rates the very case reported, once it is closed and only once")
  void rating(String kind) throws Exception {
    Database db = open(TestDatabases.fresh(kind));
    HandoffService s = handoff(db);
    GridStore store = new GridStore(db.pool());
    CaseView older = report(s, store, "app-a", "w1", "PJGX-C01-G01", "13800000001");
    CaseView c = report(s, store, "app-a", "w1", "PJGX-C01-G01", "13800000002");
    assertEquals("case_open", code(s.rate(c.id(), 5)));
    s.close(older.id(), "adv-fq", Outcome.ANSWERED, null).await(10, TimeUnit.SECONDS);
    s.close(c.id(), "adv-fq", Outcome.MEDIATION, null).await(10, TimeUnit.SECONDS);
    CaseView rated = s.rate(older.id(), 2).await(10, TimeUnit.SECONDS);
    assertEquals(2, rated.rating());
    assertEquals(null, s.find(c.id()).await(10, TimeUnit.SECONDS).orElseThrow().rating(), "only the case named is rated");
    assertTrue(s.openFollowUps().await(10, TimeUnit.SECONDS).stream().anyMatch(f -> f.getString("case").equals(older.id())));
    assertEquals("case_rated", code(s.rate(older.id(), 5)));
    assertEquals("rating_invalid", code(s.rate(c.id(), 6)));
    assertEquals("case_not_found", code(s.rate("XF-20200101-0001", 5)));
  }

  private static String code(Future<?> f) throws Exception {
    Throwable e = f.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    return e instanceof ApiException a ? a.code() : String.valueOf(e);
  }
}
