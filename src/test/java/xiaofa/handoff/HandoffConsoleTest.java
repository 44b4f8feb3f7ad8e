package xiaofa.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import xiaofa.knowledge.Category;
import xiaofa.outbox.Outbox;
import xiaofa.platform.ApiException;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.MutableClock;

/**
 * What the advisors' console asks of the hand-off service, on H2 and PostgreSQL: the inbox (mine plus unassigned
 * cases in my specialties and areas), claiming, transferring to a person or a specialty, internal notes, closing as
 * the case's advisor, and actions that run the caller's work (the audit) in their own transaction.
 */
@DisplayName("Cases in the advisors' console")
class HandoffConsoleTest {
  // no fallback pool, so that cases opened on a Saturday night wait unassigned
  static final String ROSTER = """
      id,name,role,specialties,areas,capacity,duty,fallback
      adv-labor,劳动律师（示例）,律师,labor|contract_business,*,5,1-5 08:30-17:30,no
      adv-qs,青石村顾问（示例）,村居法律顾问,labor|land_housing|marriage_family,青石村,5,1-5 08:30-17:30,no
      adv-family,家事调解员（示例）,调解员,marriage_family,*,5,1-5 08:30-17:30,no
      adv-weekend,周末志愿者（示例）,法治志愿者,labor|marriage_family,*,5,6-7 09:00-12:00,no
      """;
  static final String AREAS = """
      grid_code,grid_name,community,community_kind,town,lat,lon,aliases
      PJGX-C01-G01,青石一组网格,青石村,村,伍市镇,28.70100,113.38100,青石
      PJGX-C02-G01,园区一网格,科创社区,社区,伍市镇,28.71000,113.39000,科创园
      """;
  static final Instant SATURDAY_11PM = Instant.parse("2026-11-28T15:00:00Z");
  static final Instant MONDAY_10AM = Instant.parse("2026-11-30T02:00:00Z");

  private final Vertx vertx = Vertx.vertx();
  private final MutableClock clock = new MutableClock(SATURDAY_11PM);
  private final List<String> told = new CopyOnWriteArrayList<>();
  private Database db;

  @AfterEach
  void close() throws Exception {
    if (db != null) {
      db.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private HandoffService service(String kind) throws Exception {
    db = Database.open(vertx, xiaofa.platform.TestDatabases.fresh(kind), Path.of("target")).await(60, TimeUnit.SECONDS);
    Outbox outbox = new Outbox(vertx, db.pool(), clock, Outbox.Options.DEFAULT, new SimpleMeterRegistry());
    AppConfig.Handoff config = new AppConfig.Handoff(Duration.ofMinutes(15), Duration.ofHours(2), Duration.ofSeconds(30), ZoneId.of("Asia/Shanghai"),
        Duration.ofMinutes(30));
    HandoffService s = new HandoffService(vertx, db.pool(), outbox, clock, config, Areas.parse(AREAS), new SimpleMeterRegistry());
    s.addSink((tx, c, e) -> {
      told.add(c.id() + ":" + e.kind());
      return Future.succeededFuture();
    });
    s.loadRosterIfEmpty(Roster.parse(ROSTER)).await(10, TimeUnit.SECONDS);
    return s;
  }

  private static NewCase newCase(String user, Category category, boolean urgent, String area) {
    return new NewCase("web", user, category, urgent, area, "居民的问题：" + category.label(), List.of(new NewCase.Line("resident", "我要找律师")));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  private List<String> kinds(HandoffService s, String caseId) throws Exception {
    return await(s.timeline(caseId)).stream().map(CaseEvent::kind).toList();
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("an inbox holds my cases and the unassigned ones in my specialties and areas, urgent first, then by due time")
  void inbox(String kind) throws Exception {
    HandoffService s = service(kind);
    CaseView qsLabor = await(s.open(newCase("u1", Category.LABOR, false, "PJGX-C01-G01")));
    CaseView parkFamily = await(s.open(newCase("u2", Category.MARRIAGE_FAMILY, false, "PJGX-C02-G01")));
    CaseView debt = await(s.open(newCase("u3", Category.DEBT, false, "PJGX-C02-G01")));
    clock.advance(Duration.ofMinutes(1));
    CaseView qsUrgent = await(s.open(newCase("u4", Category.LABOR, true, "PJGX-C01-G01")));
    for (CaseView c : List.of(qsLabor, parkFamily, debt, qsUrgent)) {
      assertNull(c.advisorId(), "nobody is on duty on Saturday night: " + c.id());
    }
    clock.set(MONDAY_10AM);
    CaseView mine = await(s.open(newCase("u5", Category.LABOR, false, "PJGX-C02-G01")));
    assertEquals("adv-labor", mine.advisorId());

    assertEquals(List.of(qsUrgent.id(), qsLabor.id(), mine.id()), ids(await(s.inbox("adv-labor"))),
        "the urgent case first; then by first-response due; a zone-wide labour lawyer sees both villages' labour cases");
    assertEquals(List.of(qsUrgent.id(), qsLabor.id()), ids(await(s.inbox("adv-qs"))), "青石村's advisor: labour cases of 青石村 only");
    assertEquals(List.of(parkFamily.id()), ids(await(s.inbox("adv-family"))));
    assertEquals(List.of(), ids(await(s.inbox("adv-nobody"))));
    assertEquals(5, await(s.openCases(50)).size());
    assertEquals(List.of(qsUrgent.id()), ids(await(s.openCases(1))), "the urgent case leads the administrators' list too");
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("an advisor claims an unassigned case once; someone else's or a closed case is a conflict")
  void claim(String kind) throws Exception {
    HandoffService s = service(kind);
    CaseView c = await(s.open(newCase("u1", Category.LABOR, false, "PJGX-C01-G01")));
    clock.set(MONDAY_10AM);
    CaseView claimed = await(s.claim(c.id(), "adv-qs", null));
    assertEquals("adv-qs", claimed.advisorId());
    assertEquals(CaseStatus.ASSIGNED, claimed.status());
    assertTrue(told.contains(c.id() + ":" + CaseEvent.ASSIGNED), "the sinks hear of the claim");
    assertEquals(1, kinds(s, c.id()).stream().filter(CaseEvent.ASSIGNED::equals).count());

    assertEquals("adv-qs", await(s.claim(c.id(), "adv-qs", null)).advisorId(), "claiming one's own case again changes nothing");
    assertEquals(1, kinds(s, c.id()).stream().filter(CaseEvent.ASSIGNED::equals).count());

    ApiException taken = failure(s.claim(c.id(), "adv-labor", null));
    assertEquals(409, taken.status());
    assertEquals("case_taken", taken.code());
    assertTrue(taken.getMessage().contains("青石村顾问（示例）"), taken.getMessage());
    assertEquals(404, failure(s.claim("XF-20261130-9999", "adv-qs", null)).status());
    assertEquals(404, failure(s.claim(c.id(), "adv-nobody", null)).status());

    await(s.closeByAdvisor(c.id(), "adv-qs", Outcome.ANSWERED, "已电话解答", null));
    assertEquals("case_closed", failure(s.claim(c.id(), "adv-qs", null)).code());
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("transfers to a person or to a specialty, which changes the category; only the case's advisor or an administrator may")
  void transfer(String kind) throws Exception {
    HandoffService s = service(kind);
    clock.set(MONDAY_10AM);
    CaseView c = await(s.open(newCase("u1", Category.LABOR, false, "PJGX-C01-G01")));
    assertEquals("adv-qs", c.advisorId());
    await(s.advisorReply(c.id(), "adv-qs", "您好，我先了解一下情况。"));

    ApiException notYours = failure(s.transfer(c.id(), "adv-labor", HandoffService.Transfer.toAdvisor("adv-labor", null), null));
    assertEquals(403, notYours.status());
    assertEquals("not_your_case", notYours.code());

    // to a specialty: 家事 — the router picks among family advisors on duty covering 青石村, not the current one
    CaseView family = await(s.transfer(c.id(), "adv-qs", HandoffService.Transfer.toSpecialty(Category.MARRIAGE_FAMILY, "其实是离婚财产问题"), null));
    assertEquals("adv-family", family.advisorId());
    assertEquals(Category.MARRIAGE_FAMILY, family.category());
    assertEquals(CaseStatus.IN_PROGRESS, family.status(), "already answered once: it stays in progress");
    CaseEvent moved = await(s.timeline(c.id())).stream().filter(e -> e.kind().equals(CaseEvent.TRANSFERRED)).findFirst().orElseThrow();
    assertEquals("adv-qs", moved.actor());
    assertEquals("由村居法律顾问青石村顾问（示例）转交“婚姻家庭”方向：分派给调解员家事调解员（示例）", moved.text());
    assertEquals(new JsonObject().put("from", "adv-qs").put("to", "adv-family").put("category", "marriage_family").put("previousCategory", "labor")
        .put("reason", "其实是离婚财产问题"), moved.data());
    assertTrue(told.contains(c.id() + ":" + CaseEvent.TRANSFERRED));

    // to a person
    CaseView labor = await(s.transfer(c.id(), "adv-family", HandoffService.Transfer.toAdvisor("adv-labor", null), null));
    assertEquals("adv-labor", labor.advisorId());
    assertEquals(Category.MARRIAGE_FAMILY, labor.category(), "a transfer to a person keeps the category");
    assertEquals("already_assigned", failure(s.transfer(c.id(), "adv-labor", HandoffService.Transfer.toAdvisor("adv-labor", null), null)).code());
    assertEquals(404, failure(s.transfer(c.id(), "adv-labor", HandoffService.Transfer.toAdvisor("adv-nobody", null), null)).status());
    Database.execute(db.pool(), "UPDATE advisors SET active = FALSE WHERE id = ?", Tuple.of("adv-weekend")).await(10, TimeUnit.SECONDS);
    assertEquals("advisor_inactive", failure(s.transfer(c.id(), "adv-labor", HandoffService.Transfer.toAdvisor("adv-weekend", null), null)).code());
    assertEquals(400, failure(s.transfer(c.id(), "adv-labor", new HandoffService.Transfer(null, null, null), null)).status());

    // to a specialty nobody on duty has for this community: it waits unassigned, in that specialty
    CaseView waiting = await(s.transfer(c.id(), null, HandoffService.Transfer.toSpecialty(Category.DEBT, null), null));
    assertNull(waiting.advisorId());
    assertEquals(CaseStatus.NEW, waiting.status());
    assertEquals(Category.DEBT, waiting.category());
    CaseEvent byAdmin = await(s.timeline(c.id())).stream().filter(e -> e.kind().equals(CaseEvent.TRANSFERRED)).reduce((a, b) -> b).orElseThrow();
    assertEquals(HandoffService.ADMIN, byAdmin.actor());
    assertTrue(byAdmin.text().endsWith("暂无值班的顾问，等待认领"), byAdmin.text());
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("keeps internal notes in the timeline, even on a closed case, without sending anything to the resident")
  void notes(String kind) throws Exception {
    HandoffService s = service(kind);
    clock.set(MONDAY_10AM);
    CaseView c = await(s.open(newCase("u1", Category.LABOR, false, "PJGX-C02-G01")));
    await(s.note(c.id(), "adv-labor", "已电话联系，居民周三下午来站。", null));
    await(s.note(c.id(), null, "管理员：请优先处理。", null));
    assertEquals(400, failure(s.note(c.id(), "adv-labor", "  ", null)).status());
    assertEquals("note_too_long", failure(s.note(c.id(), "adv-labor", "长".repeat(2001), null)).code());
    await(s.closeByAdvisor(c.id(), "adv-labor", Outcome.ANSWERED, null, null));
    await(s.note(c.id(), "adv-labor", "办结后回访：居民已拿到工资。", null));
    List<CaseEvent> notes = await(s.timeline(c.id())).stream().filter(e -> e.kind().equals(CaseEvent.NOTE)).toList();
    assertEquals(List.of("adv-labor", HandoffService.ADMIN, "adv-labor"), notes.stream().map(CaseEvent::actor).toList());
    long messages = Database.execute(db.pool(), "SELECT COUNT(*) AS n FROM outbox WHERE case_id = ? AND kind <> 'rating_request'", Tuple.of(c.id()))
        .await(10, TimeUnit.SECONDS).iterator().next().getLong("n");
    assertEquals(0, messages, "a note never goes to the resident");
    assertEquals(404, failure(s.note("XF-20261130-9999", "adv-labor", "？", null)).status());
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("closes only as the case's advisor or an administrator; the caller's work in the transaction commits or rolls back with it")
  void closeAndHooks(String kind) throws Exception {
    HandoffService s = service(kind);
    clock.set(MONDAY_10AM);
    CaseView c = await(s.open(newCase("u1", Category.LABOR, false, "PJGX-C02-G01")));
    assertEquals("not_your_case", failure(s.closeByAdvisor(c.id(), "adv-qs", Outcome.ANSWERED, null, null)).code());

    // a failing hook (say the audit row could not be written) undoes the action
    ApiException boom = new ApiException(500, "audit_failed", "审计失败");
    assertEquals("audit_failed", failure(s.note(c.id(), "adv-labor", "不该留下", (tx, after) -> Future.failedFuture(boom))).code());
    assertFalse(kinds(s, c.id()).contains(CaseEvent.NOTE), "the note rolled back with the hook");
    CaseView unassigned = await(s.transfer(c.id(), "adv-labor", HandoffService.Transfer.toSpecialty(Category.DEBT, null), null));
    assertNull(unassigned.advisorId());
    assertEquals("audit_failed", failure(s.claim(c.id(), "adv-labor", (tx, after) -> Future.failedFuture(boom))).code());
    assertNull(await(s.find(c.id())).orElseThrow().advisorId(), "the claim rolled back with the hook");
    assertEquals("not_your_case", failure(s.closeByAdvisor(c.id(), "adv-labor", Outcome.ANSWERED, null, null)).code(), "unassigned: claim it first");

    // the hook sees the case as the action left it, inside the transaction
    List<String> seen = new CopyOnWriteArrayList<>();
    await(s.claim(c.id(), "adv-labor", (tx, after) -> tx.preparedQuery("SELECT advisor_id FROM cases WHERE id = ?").execute(Tuple.of(after.id()))
        .map(rows -> {
          seen.add(after.advisorId() + "/" + rows.iterator().next().getString("advisor_id"));
          return null;
        })));
    assertEquals(List.of("adv-labor/adv-labor"), seen);
    await(s.advisorReply(c.id(), "adv-labor", "请带上借条。", (tx, after) -> {
      seen.add(after.status().id());
      return Future.succeededFuture();
    }));
    CaseView closed = await(s.closeByAdvisor(c.id(), null, Outcome.WITHDRAWN, "居民电话撤回", (tx, after) -> {
      seen.add(after.status().id());
      return Future.succeededFuture();
    }));
    assertEquals(List.of("adv-labor/adv-labor", "in_progress", "closed"), seen);
    assertEquals(Outcome.WITHDRAWN, closed.outcome());
    assertEquals(HandoffService.ADMIN, await(s.timeline(c.id())).stream().filter(e -> e.kind().equals(CaseEvent.CLOSED)).findFirst().orElseThrow().actor());
    assertEquals(List.of(c.id()), ids(await(s.closedCases("adv-labor", 10))));
    assertEquals(List.of(c.id()), ids(await(s.closedCases(null, 10))));
    assertEquals(List.of(), ids(await(s.closedCases("adv-qs", 10))));
  }

  private static List<String> ids(List<CaseView> cases) {
    return cases.stream().map(CaseView::id).toList();
  }

  private static ApiException failure(Future<?> f) {
    try {
      f.await(10, TimeUnit.SECONDS);
    } catch (ApiException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected an ApiException, got " + e, e);
    }
    throw new AssertionError("expected a failure");
  }
}
