package xiaofa.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import xiaofa.knowledge.Category;
import xiaofa.outbox.Outbox;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;
import xiaofa.platform.TestDatabases;

@DisplayName("Cases and advisors")
class HandoffServiceTest {
  static final String ROSTER = """
      id,name,role,specialties,areas,capacity,duty,fallback
      adv-labor,劳动律师（示例）,律师,labor|contract_business,*,5,1-5 08:30-17:30,no
      adv-qs,青石村顾问（示例）,村居法律顾问,labor|land_housing|marriage_family,青石村,5,1-5 08:30-17:30,no
      adv-family,家事调解员（示例）,调解员,marriage_family,*,5,1-5 08:30-17:30,no
      adv-duty1,值班律师甲（示例）,律师,labor|criminal|general,*,20,1-7 00:00-24:00,yes
      adv-duty2,值班律师乙（示例）,律师,marriage_family|debt|general,*,20,1-7 00:00-24:00,yes
      """;
  static final String AREAS = """
      grid_code,grid_name,community,community_kind,town,lat,lon,aliases
      PJGX-C01-G01,青石一组网格,青石村,村,伍市镇,28.70100,113.38100,青石
      PJGX-C02-G01,园区一网格,科创社区,社区,伍市镇,28.71000,113.39000,科创园
      """;
  // Tuesday 2026-11-24 10:00 in Pingjiang
  static final Instant TUESDAY_10AM = Instant.parse("2026-11-24T02:00:00Z");

  private final Vertx vertx = Vertx.vertx();
  private final MutableClock clock = new MutableClock(TUESDAY_10AM);
  private Database db;
  private Outbox outbox;

  @AfterEach
  void close() throws Exception {
    if (db != null) {
      db.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private HandoffService service(String kind) throws Exception {
    db = Database.open(vertx, TestDatabases.fresh(kind), Path.of("target")).await(60, TimeUnit.SECONDS);
    outbox = new Outbox(vertx, db.pool(), clock, Outbox.Options.DEFAULT, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    AppConfig.Handoff config = new AppConfig.Handoff(Duration.ofMinutes(15), Duration.ofHours(2), Duration.ofSeconds(30), ZoneId.of("Asia/Shanghai"), Duration.ofMinutes(30));
    HandoffService s = new HandoffService(vertx, db.pool(), outbox, clock, config, Areas.parse(AREAS), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    assertEquals(5, s.loadRosterIfEmpty(Roster.parse(ROSTER)).await(10, TimeUnit.SECONDS));
    assertEquals(0, s.loadRosterIfEmpty(Roster.parse(ROSTER)).await(10, TimeUnit.SECONDS), "the roster loads on first start only");
    return s;
  }

  private static NewCase newCase(String user, Category category, boolean urgent, String area) {
    return new NewCase("web", user, category, urgent, area, "老板拖欠三个月工资", List.of(new NewCase.Line("resident", "工资被拖欠怎么办"), new NewCase.Line("xiaofa", "可以申请劳动仲裁")));
  }

  private List<Row> rows(String sql) throws Exception {
    List<Row> out = new ArrayList<>();
    Database.execute(db.pool(), sql).await(10, TimeUnit.SECONDS).forEach(out::add);
    return out;
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("numbers cases per day and routes them by category and community to the least loaded advisor on duty")
  void routes(String kind) throws Exception {
    HandoffService s = service(kind);
    CaseView first = s.open(newCase("u1", Category.LABOR, false, "PJGX-C01-G01")).await(10, TimeUnit.SECONDS);
    assertEquals("XF-20261124-0001", first.id());
    assertEquals(CaseStatus.ASSIGNED, first.status());
    assertEquals("adv-qs", first.advisorId(), "two labour advisors cover 青石村 with no load: the village's own advisor first");
    CaseView second = s.open(newCase("u2", Category.LABOR, false, "PJGX-C01-G01")).await(10, TimeUnit.SECONDS);
    assertEquals("XF-20261124-0002", second.id());
    assertEquals("adv-labor", second.advisorId(), "then the less loaded labour advisor covering 青石村");
    CaseView park = s.open(newCase("u3", Category.LABOR, false, "PJGX-C02-G01")).await(10, TimeUnit.SECONDS);
    assertEquals("adv-labor", park.advisorId(), "青石村's advisor does not cover 科创社区, so load does not matter");
    assertEquals(TUESDAY_10AM.plus(Duration.ofHours(2)), park.firstResponseDue());
    assertEquals("科创社区", park.community());

    List<CaseEvent> timeline = s.timeline(first.id()).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(CaseEvent.CREATED, CaseEvent.RESIDENT_MESSAGE, CaseEvent.BOT_REPLY, CaseEvent.ASSIGNED), timeline.stream().map(CaseEvent::kind).toList());

    CaseView again = s.open(newCase("u1", Category.LABOR, true, null)).await(10, TimeUnit.SECONDS);
    assertEquals(first.id(), again.id(), "a resident with an open case keeps that case");
    assertTrue(again.urgent(), "an urgent message makes the open case urgent");
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("gives cases outside office hours to the fallback pool, preferring its specialty")
  void fallback(String kind) throws Exception {
    HandoffService s = service(kind);
    clock.set(Instant.parse("2026-11-28T15:00:00Z")); // Saturday 23:00
    CaseView family = s.open(newCase("u1", Category.MARRIAGE_FAMILY, true, "PJGX-C01-G01")).await(10, TimeUnit.SECONDS);
    assertEquals("adv-duty2", family.advisorId());
    assertEquals(Instant.parse("2026-11-28T15:15:00Z"), family.firstResponseDue(), "urgent: 15 minutes");
    assertEquals("XF-20261128-0001", family.id());
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("sends the advisor's reply to the resident, closes with a rating request and follows up a bad rating")
  void replyCloseRate(String kind) throws Exception {
    HandoffService s = service(kind);
    CaseView c = s.open(newCase("u1", Category.LABOR, false, "PJGX-C02-G01")).await(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofMinutes(20));
    CaseView replied = s.advisorReply(c.id(), "adv-labor", "您好，请带上劳动合同和工资流水来工作站。").await(10, TimeUnit.SECONDS);
    assertEquals(CaseStatus.IN_PROGRESS, replied.status());
    assertEquals(TUESDAY_10AM.plus(Duration.ofMinutes(20)), replied.firstResponseAt());
    List<Row> out = rows("SELECT channel, recipient, kind, payload FROM outbox ORDER BY id");
    assertEquals(1, out.size());
    assertEquals("web", out.get(0).getString("channel"));
    assertEquals("u1", out.get(0).getString("recipient"));
    assertTrue(out.get(0).getString("payload").contains("请带上劳动合同"));

    assertEquals(403, assertFails(s.advisorReply(c.id(), "adv-qs", "我来回答")));
    assertEquals(0, s.rate("web", "u1", 5).await(10, TimeUnit.SECONDS).map(x -> 1).orElse(0), "nothing to rate while the case is open");

    CaseView closed = s.close(c.id(), "adv-labor", Outcome.MEDIATION, "经人民调解，公司同意分两期支付").await(10, TimeUnit.SECONDS);
    assertEquals(CaseStatus.RESOLVED, closed.status());
    assertEquals(409, assertFails(s.advisorReply(c.id(), "adv-labor", "补充一句")));
    assertEquals("rating_request", rows("SELECT kind FROM outbox ORDER BY id").get(1).getString("kind"));

    CaseView rated = s.rate("web", "u1", 2).await(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals(2, rated.rating());
    assertEquals(1, s.openFollowUps().await(10, TimeUnit.SECONDS).size());
    assertTrue(s.rate("web", "u1", 4).await(10, TimeUnit.SECONDS).isEmpty(), "each case is rated once");
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("escalates an overdue first response once, to the fallback pool")
  void escalates(String kind) throws Exception {
    HandoffService s = service(kind);
    CaseView c = s.open(newCase("u1", Category.LABOR, true, "PJGX-C02-G01")).await(10, TimeUnit.SECONDS);
    assertEquals("adv-labor", c.advisorId());
    clock.advance(Duration.ofMinutes(10));
    assertEquals(0, s.checkSla().await(10, TimeUnit.SECONDS));
    clock.advance(Duration.ofMinutes(6));
    assertEquals(1, s.checkSla().await(10, TimeUnit.SECONDS));
    assertEquals(0, s.checkSla().await(10, TimeUnit.SECONDS), "escalated once");
    CaseView after = s.find(c.id()).await(10, TimeUnit.SECONDS).orElseThrow();
    assertTrue(after.slaBreached());
    assertEquals("adv-duty1", after.advisorId(), "the fallback lawyer with labour law");
    assertEquals(clock.instant().plus(Duration.ofMinutes(15)), after.firstResponseDue());
    assertTrue(s.timeline(c.id()).await(10, TimeUnit.SECONDS).stream().anyMatch(e -> e.kind().equals(CaseEvent.SLA_BREACHED)));
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("gives distinct numbers to cases opened at the same moment")
  void concurrentNumbers(String kind) throws Exception {
    HandoffService s = service(kind);
    List<Future<CaseView>> opened = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      opened.add(s.open(newCase("user-" + i, Category.DEBT, false, null)));
    }
    Future.join(opened).await(60, TimeUnit.SECONDS);
    Set<String> ids = new HashSet<>();
    for (Future<CaseView> f : opened) {
      assertTrue(f.succeeded(), () -> String.valueOf(f.cause()));
      ids.add(f.result().id());
      assertNotNull(f.result().advisorId());
      assertFalse(f.result().urgent());
    }
    assertEquals(30, ids.size());
    assertTrue(ids.contains("XF-20261124-0030"));
  }

  private static int assertFails(Future<?> f) {
    try {
      f.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof xiaofa.platform.ApiException a) {
        return a.status();
      }
      throw new AssertionError("expected an ApiException, got " + e, e);
    }
    throw new AssertionError("expected a failure");
  }
}
