package xiaofa.handoff;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.knowledge.Category;
import xiaofa.outbox.Outbox;
import xiaofa.outbox.OutboxMessage;
import xiaofa.platform.ApiException;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * Cases and the advisors who work on them: opening a case (numbered {@code XF-yyyyMMdd-NNNN} per day in the zone's
 * time zone) and routing it, the resident's further messages, advisors' replies (sent to the resident through the
 * outbox in the resident's own channel), closing with an outcome and asking for a rating, ratings and follow-ups,
 * the first-response SLA with escalation, and what the advisors' console adds: inboxes, claiming, transfers and
 * internal notes. Every change is one transaction that also records the case event and any outgoing message. All
 * methods return at once; SQL runs on the async pool.
 */
public final class HandoffService {
  private static final Logger log = LoggerFactory.getLogger(HandoffService.class);
  private static final SqlStatements SQL = SqlStatements.load("/sql/handoff.sql");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final int MAX_ESCALATIONS = 3;
  private static final String OPEN = "('new', 'assigned', 'in_progress')";
  /** The actor of what an administrator without an advisor profile does in the console (the audit log names them). */
  public static final String ADMIN = "admin";

  private final Vertx vertx;
  private final Pool pool;
  private final Outbox outbox;
  private final Clock clock;
  private final AppConfig.Handoff config;
  private final Areas areas;
  private final List<CaseEventSink> sinks = new CopyOnWriteArrayList<>();
  private long slaTimer = -1;

  private final MeterRegistry metrics;

  public HandoffService(Vertx vertx, Pool pool, Outbox outbox, Clock clock, AppConfig.Handoff config, Areas areas, MeterRegistry metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.pool = pool;
    this.outbox = outbox;
    this.clock = clock;
    this.config = config;
    this.areas = areas;
    outbox.onUndeliverable(this::deliveryFailed);
  }

  /** Adds a sink told of every case event inside its transaction. */
  public HandoffService addSink(CaseEventSink sink) {
    sinks.add(sink);
    return this;
  }

  public Areas areas() {
    return areas;
  }

  /** Starts looking for overdue cases every {@code slaCheck}. */
  public void start() {
    slaTimer = vertx.setPeriodic(config.slaCheck().toMillis(), id -> checkSla().onFailure(e -> log.warn("SLA check failed: {}", e.toString())));
  }

  public void stop() {
    if (slaTimer >= 0) {
      vertx.cancelTimer(slaTimer);
    }
  }

  // ---------------------------------------------------------------- advisors

  /** Loads the roster into an empty advisors table (first start). Completes with the number of advisors added. */
  public Future<Integer> loadRosterIfEmpty(List<Advisor> roster) {
    return pool.withTransaction(tx -> tx.query(SQL.get("advisor_count")).execute().compose(rows -> {
      if (rows.iterator().next().getLong("n") > 0) {
        return Future.succeededFuture(0);
      }
      List<Tuple> batch = new ArrayList<>();
      for (Advisor a : roster) {
        batch.add(Tuple.of(a.id(), a.name(), a.role().label(), a.specialties().stream().map(Category::id).sorted().collect(Collectors.joining("|")),
                String.join("|", a.areas()), a.capacity(), a.dutyText())
            .addValue(a.fallback()).addValue(a.active()).addValue(SqlTime.param(clock.instant())));
      }
      return batch.isEmpty() ? Future.succeededFuture(0) : tx.preparedQuery(SQL.get("advisor_insert")).executeBatch(batch).map(r -> batch.size());
    }));
  }

  /**
   * Inserts {@code a}, or replaces every column of the advisor with its id (the console's advisor administration);
   * {@code alsoInTransaction} (may be null) runs in the same transaction, told whether the advisor is new: the audit
   * row, or a failure that undoes it all (creating an advisor whose id was taken meanwhile). Routing reads the table at
   * each assignment, so the change applies from the next case on; cases already assigned stay where they are.
   * Completes with true when the advisor was new.
   */
  public Future<Boolean> saveAdvisor(Advisor a, BiFunction<SqlConnection, Boolean, Future<Void>> alsoInTransaction) {
    String specialties = a.specialties().stream().map(Category::id).sorted().collect(Collectors.joining("|"));
    String areasText = a.areas().stream().sorted().collect(Collectors.joining("|"));
    Tuple update = Tuple.of(a.name(), a.role().label(), specialties, areasText, a.capacity(), a.dutyText(), a.fallback(), a.active()).addValue(a.id());
    Tuple insert = Tuple.of(a.id(), a.name(), a.role().label(), specialties, areasText, a.capacity(), a.dutyText())
        .addValue(a.fallback()).addValue(a.active()).addValue(SqlTime.param(clock.instant()));
    return pool.withTransaction(tx -> tx.preparedQuery(SQL.get("advisor_update")).execute(update)
        .compose(r -> r.rowCount() > 0 ? Future.succeededFuture(false) : tx.preparedQuery(SQL.get("advisor_insert")).execute(insert).map(true))
        .compose(created -> alsoInTransaction == null ? Future.succeededFuture(created) : alsoInTransaction.apply(tx, created).map(created)));
  }

  /** {@link #saveAdvisor(Advisor, BiFunction)} on its own. */
  public Future<Boolean> saveAdvisor(Advisor a) {
    return saveAdvisor(a, null);
  }

  public Future<List<Advisor>> advisors() {
    return pool.withTransaction(this::advisors);
  }

  private Future<List<Advisor>> advisors(SqlConnection c) {
    return c.query(SQL.get("advisors")).execute().map(rows -> {
      List<Advisor> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Advisor(r.getString("id"), r.getString("name"), Advisor.Role.fromLabel(r.getString("role")).orElse(Advisor.Role.VOLUNTEER),
            Arrays.stream(r.getString("specialties").split("\\|")).map(Category::fromId).flatMap(Optional::stream).collect(Collectors.toSet()),
            Set.of(r.getString("areas").split("\\|")), r.getInteger("capacity"),
            Arrays.stream(r.getString("duty").split("\\|")).map(Advisor.DutySlot::parse).toList(),
            r.getBoolean("fallback"), r.getBoolean("active")));
      }
      return out;
    });
  }

  private Future<Map<String, Integer>> openLoad(SqlConnection tx) {
    return tx.query(SQL.get("open_load")).execute().map(rows -> {
      Map<String, Integer> m = new HashMap<>();
      rows.forEach(r -> m.put(r.getString("advisor_id"), r.getLong("n").intValue()));
      return m;
    });
  }

  // ---------------------------------------------------------------- cases

  /**
   * Opens a case and routes it, unless the resident already has an open case in this channel: then that case is
   * returned and the summary is added to it as a message.
   */
  public Future<CaseView> open(NewCase nc) {
    return open(nc, true, null);
  }

  /**
   * Opens a new case even when the same user already has one open (a grid worker reports many residents' matters),
   * and runs {@code withCase(tx, caseId)} in the opening transaction before the sinks are told, so that a channel
   * stores its own record of the case (the field app's report) atomically with it.
   */
  public Future<CaseView> openNew(NewCase nc, BiFunction<SqlConnection, String, Future<Void>> withCase) {
    return open(nc, false, withCase);
  }

  private Future<CaseView> open(NewCase nc, boolean joinOpen, BiFunction<SqlConnection, String, Future<Void>> withCase) {
    Instant now = clock.instant();
    String community = areas.byCode(nc.area()).map(Areas.Area::community).orElse(null);
    List<CaseEvent> events = new ArrayList<>();
    return retryTransient(() -> pool.withTransaction(tx -> (joinOpen ? openCaseOf(tx, nc.channel(), nc.userRef()) : Future.succeededFuture(Optional.<CaseView>empty())).compose(existing -> {
          events.clear();
          if (existing.isPresent()) {
            String id = existing.get().id();
            return event(tx, events, id, CaseEvent.RESIDENT_MESSAGE, "resident", nc.summary(), null)
                .compose(v -> nc.urgent() ? markUrgent(tx, events, existing.get(), now) : Future.succeededFuture())
                .map(v -> id);
          }
          return advisors(tx).compose(roster -> openLoad(tx).compose(load -> nextNumber(tx, now).compose(id -> {
            Optional<Advisor> chosen = AdvisorRouter.choose(roster, load, nc.category(), community, now.atZone(config.zone()), Set.of());
            Duration sla = nc.urgent() ? config.urgentSla() : config.normalSla();
            Tuple t = Tuple.of(id, nc.channel(), nc.userRef(), nc.category().id(), nc.urgent(), nc.area(), community, abbreviate(nc.summary(), 1000))
                .addValue(chosen.isPresent() ? CaseStatus.ASSIGNED.id() : CaseStatus.NEW.id())
                .addValue(chosen.map(Advisor::id).orElse(null))
                .addValue(SqlTime.param(now)).addValue(SqlTime.param(now)).addValue(SqlTime.param(now.plus(sla)));
            Future<Void> f = tx.preparedQuery(SQL.get("case_insert")).execute(t).mapEmpty();
            f = f.compose(v -> event(tx, events, id, CaseEvent.CREATED, "system", nc.summary(),
                new JsonObject().put("channel", nc.channel()).put("category", nc.category().id()).put("urgent", nc.urgent()).put("area", nc.area())));
            for (NewCase.Line line : nc.transcript()) {
              String kind = line.actor().equals("resident") ? CaseEvent.RESIDENT_MESSAGE : CaseEvent.BOT_REPLY;
              // marked: the conversation before the hand-off, not a new message (the console streams only new ones)
              f = f.compose(v -> event(tx, events, id, kind, line.actor(), abbreviate(line.text(), 4000), new JsonObject().put("transcript", true)));
            }
            if (chosen.isPresent()) {
              Advisor a = chosen.get();
              f = f.compose(v -> event(tx, events, id, CaseEvent.ASSIGNED, "system", "分派给" + a.role().label() + a.name(),
                  new JsonObject().put("advisor", a.id()).put("load", load.getOrDefault(a.id(), 0))));
            } else {
              log.warn("case {} ({}, {}) found no advisor on duty; it waits unassigned for the SLA monitor", id, nc.category().id(), community);
            }
            if (withCase != null) {
              f = f.compose(v -> withCase.apply(tx, id));
            }
            return f.map(v -> id);
          })));
        }).compose(id -> tell(tx, id, events))))
        .andThen(ar -> {
          if (ar.succeeded()) {
            CaseView c = ar.result();
            if (events.get(0).kind().equals(CaseEvent.CREATED)) {
              metrics.counter("xiaofa.cases.opened", "channel", c.channel(), "urgent", Boolean.toString(c.urgent())).increment();
            }
            log.info("case {} {} in {}: {}{} -> {}", c.id(), events.get(0).kind().equals(CaseEvent.CREATED) ? "opened" : "continued",
                c.channel(), c.category().id(), c.urgent() ? " URGENT" : "", c.advisorId() == null ? "unassigned" : c.advisorId());
          }
        });
  }

  private Future<String> nextNumber(SqlConnection tx, Instant now) {
    String day = DAY.format(now.atZone(config.zone()));
    return tx.preparedQuery(SQL.get("number_bump")).execute(Tuple.of(day))
        .compose(r -> r.rowCount() > 0 ? Future.succeededFuture() : tx.preparedQuery(SQL.get("number_first")).execute(Tuple.of(day))
            .compose(ins -> ins.rowCount() > 0 ? Future.succeededFuture() : tx.preparedQuery(SQL.get("number_bump")).execute(Tuple.of(day)).mapEmpty()))
        .compose(v -> tx.preparedQuery(SQL.get("number_get")).execute(Tuple.of(day)))
        .map(rows -> String.format("XF-%s-%04d", day, rows.iterator().next().getInteger("last_value")));
  }

  /** The resident's open case in this channel, if any. */
  public Future<Optional<CaseView>> openCaseOf(String channel, String userRef) {
    return pool.withTransaction(c -> openCaseOf(c, channel, userRef));
  }

  private Future<Optional<CaseView>> openCaseOf(SqlConnection c, String channel, String userRef) {
    return c.preparedQuery(SQL.get("case_columns") + " WHERE c.channel = ? AND c.user_ref = ? AND c.status IN " + OPEN + " ORDER BY c.created_at DESC")
        .execute(Tuple.of(channel, userRef)).map(rows -> first(rows));
  }

  /** The resident's latest cases in this channel, newest first. */
  public Future<List<CaseView>> casesOf(String channel, String userRef, int limit) {
    return Database.execute(pool, SQL.get("case_columns") + " WHERE c.channel = ? AND c.user_ref = ? ORDER BY c.created_at DESC, c.id DESC", Tuple.of(channel, userRef)).map(rows -> all(rows).stream().limit(limit).toList());
  }

  public Future<Optional<CaseView>> find(String caseId) {
    return pool.withTransaction(c -> find(c, caseId));
  }

  private Future<Optional<CaseView>> find(SqlConnection c, String caseId) {
    return c.preparedQuery(SQL.get("case_columns") + " WHERE c.id = ?").execute(Tuple.of(caseId)).map(HandoffService::first);
  }

  /** The case's timeline, oldest first. */
  public Future<List<CaseEvent>> timeline(String caseId) {
    return Database.execute(pool, SQL.get("events"), Tuple.of(caseId)).map(rows -> {
      List<CaseEvent> out = new ArrayList<>();
      for (Row r : rows) {
        String data = r.getString("data");
        out.add(new CaseEvent(r.getLong("id"), caseId, SqlTime.instant(r, "created_at"), r.getString("kind"), r.getString("actor"),
            r.getString("text"), data == null ? null : new JsonObject(data)));
      }
      return out;
    });
  }

  /** A message from the resident on an open case; {@code urgentNow} makes the case urgent. */
  public Future<CaseView> residentMessage(String caseId, String text, boolean urgentNow) {
    Instant now = clock.instant();
    List<CaseEvent> events = new ArrayList<>();
    return pool.withTransaction(tx -> locked(tx, caseId).compose(c -> {
      if (!c.status().isOpen()) {
        throw conflict("case_closed", "事项 " + caseId + " 已经" + c.status().label() + "。");
      }
      return event(tx, events, caseId, CaseEvent.RESIDENT_MESSAGE, "resident", abbreviate(text, 4000), null)
          .compose(v -> urgentNow ? markUrgent(tx, events, c, now) : Future.succeededFuture())
          .compose(v -> tx.preparedQuery(SQL.get("case_touch")).execute(Tuple.of(SqlTime.param(now), caseId)))
          .compose(v -> tell(tx, caseId, events));
    }));
  }

  private Future<Void> markUrgent(SqlConnection tx, List<CaseEvent> events, CaseView c, Instant now) {
    Instant due = now.plus(config.urgentSla());
    return tx.preparedQuery(SQL.get("case_make_urgent"))
        .execute(Tuple.of(SqlTime.param(now), SqlTime.param(due), SqlTime.param(due), c.id()))
        .compose(r -> r.rowCount() == 0 ? Future.succeededFuture() : event(tx, events, c.id(), CaseEvent.URGENT, "system", "居民的新消息显示情况紧急，已转为紧急事项", null));
  }

  /**
   * An advisor's reply: recorded in the timeline and sent to the resident through the outbox. The first reply marks
   * the first response (the SLA is met) and puts the case in progress. Only the case's advisor may reply; an
   * unassigned case is taken by the advisor who replies.
   */
  public Future<CaseView> advisorReply(String caseId, String advisorId, String text) {
    return advisorReply(caseId, advisorId, text, null);
  }

  /** {@link #advisorReply(String, String, String)}, running {@code also} in its transaction (the console's audit). */
  public Future<CaseView> advisorReply(String caseId, String advisorId, String text, InTransaction also) {
    String body = text == null ? "" : text.strip();
    if (body.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest("reply_empty", "回复内容不能为空。"));
    }
    if (body.length() > 1500) {
      return Future.failedFuture(ApiException.badRequest("reply_too_long", "回复太长了，请控制在 1500 字以内，或分几次发送。"));
    }
    Instant now = clock.instant();
    List<CaseEvent> events = new ArrayList<>();
    String replyId = UUID.randomUUID().toString();
    return pool.withTransaction(tx -> locked(tx, caseId).compose(c -> advisor(tx, advisorId).compose(a -> {
          if (!c.status().isOpen()) {
            throw conflict("case_closed", "事项 " + caseId + " 已经" + c.status().label() + "，不能再回复。");
          }
          if (c.advisorId() != null && !c.advisorId().equals(advisorId)) {
            throw new ApiException(403, "not_your_case", "事项 " + caseId + " 已分派给其他顾问，请先转办给自己再回复。");
          }
          Future<Void> f = Future.succeededFuture();
          if (c.advisorId() == null) {
            f = tx.preparedQuery(SQL.get("case_assign")).execute(Tuple.of(advisorId, CaseStatus.ASSIGNED.id(), SqlTime.param(now), caseId))
                .compose(r -> event(tx, events, caseId, CaseEvent.ASSIGNED, advisorId, a.name() + "接手", new JsonObject().put("advisor", advisorId)));
          }
          String message = "【" + a.role().label() + a.name() + "回复您（" + caseId + "）】\n" + body;
          return f.compose(v -> event(tx, events, caseId, CaseEvent.ADVISOR_REPLY, advisorId, body, new JsonObject().put("reply", replyId)))
              .compose(v -> tx.preparedQuery(SQL.get("case_first_response")).execute(Tuple.of(SqlTime.param(now), SqlTime.param(now), caseId)))
              .compose(v -> outbox.enqueue(tx, OutboxMessage.of(c.channel(), c.userRef(), "advisor_reply", caseId,
                  new JsonObject().put("text", message).put("advisor", a.name()).put("role", a.role().label()), "reply:" + replyId)))
              .compose(v -> tell(tx, caseId, events))
              .compose(view -> also(tx, view, also));
        })))
        .onSuccess(c -> outbox.poke());
  }

  /**
   * Closes a case with an outcome (which decides resolved, referred or closed) and, unless the resident withdrew,
   * asks the resident to rate the service.
   */
  public Future<CaseView> close(String caseId, String advisorId, Outcome outcome, String note) {
    return close(caseId, advisorId, false, outcome, note, null);
  }

  /**
   * Closes a case from the console: {@code byAdvisorId} must be the case's advisor; null is an administrator, who
   * may close any case (recorded as {@code admin}). {@code also} runs in the transaction (the console's audit).
   */
  public Future<CaseView> closeByAdvisor(String caseId, String byAdvisorId, Outcome outcome, String note, InTransaction also) {
    return close(caseId, byAdvisorId == null ? ADMIN : byAdvisorId, byAdvisorId != null, outcome, note, also);
  }

  private Future<CaseView> close(String caseId, String advisorId, boolean mustOwn, Outcome outcome, String note, InTransaction also) {
    Instant now = clock.instant();
    List<CaseEvent> events = new ArrayList<>();
    return pool.withTransaction(tx -> locked(tx, caseId).compose(c -> {
          if (!c.status().isOpen()) {
            throw conflict("case_closed", "事项 " + caseId + " 已经" + c.status().label() + "。");
          }
          if (mustOwn && !advisorId.equals(c.advisorId())) {
            throw new ApiException(403, "not_your_case", c.advisorId() == null
                ? "事项 " + caseId + " 还没有人接手，请先接手再办结。"
                : "事项 " + caseId + " 已分派给其他顾问，只有负责的顾问或管理员可以办结。");
          }
          Future<Void> f = tx.preparedQuery(SQL.get("case_close"))
              .execute(Tuple.of(outcome.status().id(), outcome.id(), SqlTime.param(now), SqlTime.param(now), caseId)).mapEmpty();
          f = f.compose(v -> event(tx, events, caseId, CaseEvent.CLOSED, advisorId, note == null || note.isBlank() ? outcome.label() : note,
              new JsonObject().put("outcome", outcome.id()).put("status", outcome.status().id())));
          if (outcome != Outcome.WITHDRAWN) {
            f = f.compose(v -> event(tx, events, caseId, CaseEvent.RATING_REQUESTED, "system", null, null))
                .compose(v -> outbox.enqueue(tx, OutboxMessage.of(c.channel(), c.userRef(), "rating_request", caseId,
                    new JsonObject().put("text", Rating.prompt(caseId)), "rating:" + caseId)));
          }
          return f.compose(v -> tell(tx, caseId, events)).compose(view -> also(tx, view, also));
        }))
        .onSuccess(c -> outbox.poke());
  }

  /**
   * The resident's rating of their latest closed, unrated case in this channel. A rating of 2 or less opens a
   * follow-up task due in three days. Empty when there is nothing to rate.
   */
  public Future<Optional<CaseView>> rate(String channel, String userRef, int score) {
    if (score < 1 || score > 5) {
      return Future.failedFuture(ApiException.badRequest("rating_invalid", "评价请回复 1 到 5 的数字：5 非常满意，1 非常不满意。"));
    }
    Instant now = clock.instant();
    List<CaseEvent> events = new ArrayList<>();
    return pool.withTransaction(tx -> tx.preparedQuery(SQL.get("case_columns")
            + " WHERE c.channel = ? AND c.user_ref = ? AND c.status IN ('resolved', 'referred', 'closed') AND c.rating IS NULL ORDER BY c.closed_at DESC")
        .execute(Tuple.of(channel, userRef)).compose(rows -> {
          Optional<CaseView> target = first(rows);
          if (target.isEmpty()) {
            return Future.succeededFuture(Optional.<CaseView>empty());
          }
          String id = target.get().id();
          return rated(tx, events, id, score, now).compose(v -> tell(tx, id, events)).map(Optional::of);
        }));
  }

  /**
   * The rating of one closed case (the field app rates the very case it reported). Fails with 409 while the case is
   * open or when it is rated already.
   */
  public Future<CaseView> rate(String caseId, int score) {
    if (score < 1 || score > 5) {
      return Future.failedFuture(ApiException.badRequest("rating_invalid", "评价应为 1 到 5 的整数：5 非常满意，1 非常不满意。"));
    }
    Instant now = clock.instant();
    List<CaseEvent> events = new ArrayList<>();
    return pool.withTransaction(tx -> locked(tx, caseId).compose(c -> {
      if (c.status().isOpen()) {
        throw conflict("case_open", "事项 " + caseId + " 还在办理中（" + c.status().label() + "），办结后才能评价。");
      }
      if (c.rating() != null) {
        throw conflict("case_rated", "事项 " + caseId + " 已经评价过了（" + Rating.label(c.rating()) + "），每个事项只评价一次。");
      }
      return rated(tx, events, caseId, score, now).compose(v -> tell(tx, caseId, events));
    }));
  }

  private Future<Void> rated(SqlConnection tx, List<CaseEvent> events, String id, int score, Instant now) {
    Future<Void> f = tx.preparedQuery(SQL.get("case_rate")).execute(Tuple.of(score, SqlTime.param(now), SqlTime.param(now), id))
        .compose(r -> event(tx, events, id, CaseEvent.RATED, "resident", Rating.label(score), new JsonObject().put("rating", score)));
    if (Rating.needsFollowUp(score)) {
      f = f.compose(v -> tx.preparedQuery(SQL.get("follow_up_insert")).execute(Tuple.of(id, score, SqlTime.param(now), SqlTime.param(now.plus(Duration.ofDays(3))))))
          .compose(v -> event(tx, events, id, CaseEvent.FOLLOW_UP, "system", "评价为“" + Rating.label(score) + "”，已建立回访任务", null));
    }
    metrics.counter("xiaofa.ratings", "score", Integer.toString(score)).increment();
    return f;
  }

  /** Open follow-up tasks (ratings of 2 or less), soonest due first. */
  public Future<List<JsonObject>> openFollowUps() {
    return Database.execute(pool, SQL.get("follow_ups_open")).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(new JsonObject().put("id", r.getLong("id")).put("case", r.getString("case_id")).put("rating", r.getInteger("rating"))
          .put("dueAt", SqlTime.instant(r, "due_at").toString())));
      return out;
    });
  }

  // ---------------------------------------------------------------- the advisors' console

  /** Runs inside an action's transaction once the change is made, with the case as it now stands (the console's audit). */
  @FunctionalInterface
  public interface InTransaction {
    Future<Void> run(SqlConnection tx, CaseView after);
  }

  /**
   * Where a case is transferred: to a person ({@code advisorId}), or to a specialty ({@code category}: the router
   * picks an advisor with that specialty for the case's community, and the case takes that category). {@code reason}
   * is optional and internal.
   */
  public record Transfer(String advisorId, Category category, String reason) {
    public static Transfer toAdvisor(String advisorId, String reason) {
      return new Transfer(advisorId, null, reason);
    }

    public static Transfer toSpecialty(Category category, String reason) {
      return new Transfer(null, category, reason);
    }
  }

  /**
   * An advisor's inbox: their open cases and every unassigned open case in one of their specialties and areas (from
   * their roster row), urgent first, then by first-response due. Empty for an unknown advisor.
   */
  public Future<List<CaseView>> inbox(String advisorId) {
    return pool.withTransaction(tx -> advisors(tx).compose(roster -> {
      Optional<Advisor> me = roster.stream().filter(a -> a.id().equals(advisorId)).findFirst();
      if (me.isEmpty()) {
        return Future.succeededFuture(List.<CaseView>of());
      }
      return tx.preparedQuery(SQL.get("case_columns") + " " + SQL.get("inbox")).execute(Tuple.of(advisorId)).map(rows -> all(rows).stream()
          .filter(c -> advisorId.equals(c.advisorId()) || mayTake(me.get(), c))
          .toList());
    }));
  }

  /** An unassigned open case this advisor could take: active, and the case is in their specialties and areas. */
  public static boolean mayTake(Advisor a, CaseView c) {
    return c.advisorId() == null && c.status().isOpen() && a.active() && a.specialties().contains(c.category()) && a.covers(c.community());
  }

  /** Every open case (administrators), urgent first, then by first-response due; at most {@code limit}. */
  public Future<List<CaseView>> openCases(int limit) {
    return Database.execute(pool, SQL.get("case_columns") + " " + SQL.get("open_cases"), Tuple.of(limit)).map(HandoffService::all);
  }

  /** Closed cases, latest first: one advisor's, or everyone's when {@code advisorId} is null; at most {@code limit}. */
  public Future<List<CaseView>> closedCases(String advisorId, int limit) {
    return advisorId == null
        ? Database.execute(pool, SQL.get("case_columns") + " " + SQL.get("closed_cases"), Tuple.of(limit)).map(HandoffService::all)
        : Database.execute(pool, SQL.get("case_columns") + " " + SQL.get("closed_cases_of"), Tuple.of(advisorId, limit)).map(HandoffService::all);
  }

  /**
   * An advisor takes an unassigned case (or confirms one that is already theirs, which changes nothing). A case
   * someone else has is a 409 saying who; a closed case is a 409 too.
   */
  public Future<CaseView> claim(String caseId, String advisorId, InTransaction also) {
    Instant now = clock.instant();
    List<CaseEvent> events = new ArrayList<>();
    return pool.withTransaction(tx -> locked(tx, caseId).compose(c -> advisor(tx, advisorId).compose(a -> {
      if (!c.status().isOpen()) {
        throw conflict("case_closed", "事项 " + caseId + " 已经" + c.status().label() + "，不能再接手。");
      }
      if (advisorId.equals(c.advisorId())) {
        return also(tx, c, also);
      }
      if (c.advisorId() != null) {
        throw conflict("case_taken", "事项 " + caseId + " 已由" + advisorText(c) + "接手。如需由您办理，请对方或管理员把事项转办给您。");
      }
      if (!a.active()) {
        throw new ApiException(403, "advisor_inactive", "您的顾问档案已停用，不能接手事项，请联系管理员。");
      }
      CaseStatus status = c.status() == CaseStatus.IN_PROGRESS ? CaseStatus.IN_PROGRESS : CaseStatus.ASSIGNED;
      return tx.preparedQuery(SQL.get("case_assign")).execute(Tuple.of(advisorId, status.id(), SqlTime.param(now), caseId))
          .compose(r -> event(tx, events, caseId, CaseEvent.ASSIGNED, advisorId, a.role().label() + a.name() + "认领",
              new JsonObject().put("advisor", advisorId).put("claimed", true)))
          .compose(v -> tell(tx, caseId, events))
          .compose(view -> also(tx, view, also));
    })));
  }

  /**
   * Hands a case to someone else. {@code byAdvisorId} must be the case's advisor or the case must be unassigned; null
   * is an administrator, who may transfer any open case (recorded as {@code admin}). To a person: they must be
   * active and not already have it. To a specialty: the router chooses among the on-duty advisors with that
   * specialty for the case's community (not the current advisor); with nobody on duty the case waits unassigned for
   * those specialists to claim it. The first-response time limit is the resident's and does not restart.
   */
  public Future<CaseView> transfer(String caseId, String byAdvisorId, Transfer to, InTransaction also) {
    if ((to.advisorId() == null) == (to.category() == null)) {
      return Future.failedFuture(ApiException.badRequest("transfer_target_invalid", "请指定转办给哪位顾问（advisorId）或哪个专业方向（category），二者选一。"));
    }
    String reason = to.reason() == null || to.reason().isBlank() ? null : to.reason().strip();
    if (reason != null && reason.length() > 200) {
      return Future.failedFuture(ApiException.badRequest("reason_too_long", "转办原因请控制在 200 字以内。"));
    }
    Instant now = clock.instant();
    List<CaseEvent> events = new ArrayList<>();
    return pool.withTransaction(tx -> locked(tx, caseId).compose(c -> advisors(tx).compose(roster -> openLoad(tx).compose(load -> {
      if (!c.status().isOpen()) {
        throw conflict("case_closed", "事项 " + caseId + " 已经" + c.status().label() + "，不能再转办。");
      }
      if (byAdvisorId != null && c.advisorId() != null && !c.advisorId().equals(byAdvisorId)) {
        throw new ApiException(403, "not_your_case", "事项 " + caseId + " 已分派给其他顾问，只有负责的顾问或管理员可以转办。");
      }
      Advisor target;
      Category category = c.category();
      if (to.advisorId() != null) {
        target = roster.stream().filter(a -> a.id().equals(to.advisorId())).findFirst()
            .orElseThrow(() -> ApiException.notFound("advisor_not_found", "没有编号为 " + to.advisorId() + " 的顾问，请从可转办的顾问名单中选择。"));
        if (!target.active()) {
          throw conflict("advisor_inactive", target.role().label() + target.name() + "的顾问档案已停用，不能转办给他（她），请选择其他顾问。");
        }
        if (target.id().equals(c.advisorId())) {
          throw conflict("already_assigned", "事项 " + caseId + " 已经由" + target.role().label() + target.name() + "办理，无需转办。");
        }
      } else {
        category = to.category();
        Category wanted = category;
        Set<String> exclude = c.advisorId() == null ? Set.of() : Set.of(c.advisorId());
        target = AdvisorRouter.choose(roster.stream().filter(a -> a.specialties().contains(wanted)).toList(), load, wanted, c.community(),
            now.atZone(config.zone()), exclude).orElse(null);
      }
      CaseStatus status = target == null ? CaseStatus.NEW : c.status() == CaseStatus.IN_PROGRESS ? CaseStatus.IN_PROGRESS : CaseStatus.ASSIGNED;
      String from = c.advisorId() == null ? "" : "由" + advisorText(c);
      String text = to.advisorId() != null
          ? from + "转办给" + target.role().label() + target.name()
          : from + "转交“" + category.label() + "”方向：" + (target == null ? "暂无值班的顾问，等待认领" : "分派给" + target.role().label() + target.name());
      JsonObject data = new JsonObject().put("from", c.advisorId()).put("to", target == null ? null : target.id())
          .put("category", category.id()).put("previousCategory", c.category().id()).put("reason", reason);
      Category newCategory = category;
      return tx.preparedQuery(SQL.get("case_transfer"))
          .execute(Tuple.of(target == null ? null : target.id(), newCategory.id(), status.id(), SqlTime.param(now), caseId))
          .compose(r -> event(tx, events, caseId, CaseEvent.TRANSFERRED, byAdvisorId == null ? ADMIN : byAdvisorId, text, data))
          .compose(v -> tell(tx, caseId, events))
          .compose(view -> also(tx, view, also));
    }))))
        .andThen(ar -> {
          if (ar.succeeded()) {
            log.info("case {} transferred by {} to {} ({})", caseId, byAdvisorId == null ? ADMIN : byAdvisorId,
                ar.result().advisorId() == null ? "unassigned" : ar.result().advisorId(), ar.result().category().id());
          }
        });
  }

  /**
   * An internal note on a case: in the timeline for advisors and administrators only, never sent to the resident
   * (the field app's views and callbacks leave it out). {@code authorAdvisorId} null is an administrator.
   */
  public Future<CaseView> note(String caseId, String authorAdvisorId, String text, InTransaction also) {
    String body = text == null ? "" : text.strip();
    if (body.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest("note_empty", "备注内容不能为空。"));
    }
    if (body.length() > 2000) {
      return Future.failedFuture(ApiException.badRequest("note_too_long", "备注太长了，请控制在 2000 字以内，或分几条记录。"));
    }
    List<CaseEvent> events = new ArrayList<>();
    return pool.withTransaction(tx -> locked(tx, caseId)
        .compose(c -> event(tx, events, caseId, CaseEvent.NOTE, authorAdvisorId == null ? ADMIN : authorAdvisorId, body, null))
        .compose(v -> tell(tx, caseId, events))
        .compose(view -> also(tx, view, also)));
  }

  private static Future<CaseView> also(SqlConnection tx, CaseView view, InTransaction also) {
    return also == null ? Future.succeededFuture(view) : also.run(tx, view).map(view);
  }

  private static String advisorText(CaseView c) {
    return (c.advisorRole() == null ? "" : c.advisorRole().label()) + (c.advisorName() == null ? c.advisorId() : c.advisorName());
  }

  // ---------------------------------------------------------------- SLA

  /**
   * Escalates every case whose first response is overdue: marks the breach and hands the case to someone else on
   * duty (the fallback pool first), with a fresh first-response time. Several nodes may run this at once; the
   * {@code escalations} counter in the update makes each escalation happen once. Completes with the number escalated.
   */
  public Future<Integer> checkSla() {
    Instant now = clock.instant();
    return Database.execute(pool, SQL.get("case_columns") + " WHERE c.status IN ('new', 'assigned') AND c.first_response_at IS NULL AND c.first_response_due < ?"
            + " AND c.escalations < " + MAX_ESCALATIONS + " ORDER BY c.first_response_due", Tuple.of(SqlTime.param(now)))
        .compose(rows -> {
          Future<Integer> chain = Future.succeededFuture(0);
          for (CaseView c : all(rows)) {
            chain = chain.compose(n -> escalate(c, now).map(done -> done ? n + 1 : n));
          }
          return chain;
        });
  }

  private Future<Boolean> escalate(CaseView c, Instant now) {
    List<CaseEvent> events = new ArrayList<>();
    return pool.withTransaction(tx -> advisors(tx).compose(roster -> openLoad(tx).compose(load -> {
      Set<String> exclude = new HashSet<>();
      if (c.advisorId() != null) {
        exclude.add(c.advisorId());
      }
      // the fallback pool first: the specialists have already had their chance
      Optional<Advisor> next = AdvisorRouter.choose(
          roster.stream().filter(Advisor::fallback).toList(), load, c.category(), c.community(), now.atZone(config.zone()), exclude);
      if (next.isEmpty()) {
        next = AdvisorRouter.choose(roster, load, c.category(), c.community(), now.atZone(config.zone()), exclude);
      }
      Advisor to = next.orElse(null);
      String advisorId = to != null ? to.id() : c.advisorId();
      Duration sla = c.urgent() ? config.urgentSla() : config.normalSla();
      Tuple t = Tuple.of(advisorId, advisorId == null ? CaseStatus.NEW.id() : CaseStatus.ASSIGNED.id(), SqlTime.param(now.plus(sla)), SqlTime.param(now), c.id(), c.escalations());
      return tx.preparedQuery(SQL.get("case_escalate")).execute(t).compose(r -> {
        if (r.rowCount() == 0) {
          return Future.succeededFuture(false);
        }
        String who = to == null ? "暂无值班人员可接手，请管理员处理" : "升级转给" + to.role().label() + to.name();
        return event(tx, events, c.id(), CaseEvent.SLA_BREACHED, "system", "首次响应超时（应于 " + c.firstResponseDue() + " 前响应）；" + who,
                new JsonObject().put("from", c.advisorId()).put("to", advisorId).put("level", c.escalations() + 1))
            .compose(v -> tell(tx, c.id(), events))
            .map(v -> {
              log.warn("case {} first response overdue; escalation {} from {} to {}", c.id(), c.escalations() + 1, c.advisorId(), advisorId);
              metrics.counter("xiaofa.cases.escalated").increment();
              return true;
            });
      });
    })));
  }

  // ---------------------------------------------------------------- outbox results

  /** An outgoing message that will never arrive: the case's advisor must reach the resident another way. */
  private Future<Void> deliveryFailed(OutboxMessage m, String reason) {
    if (m.caseId() == null) {
      return Future.succeededFuture();
    }
    List<CaseEvent> events = new ArrayList<>();
    return pool.withTransaction(tx -> event(tx, events, m.caseId(), CaseEvent.DELIVERY_FAILED, "system",
            "发给居民的消息未能送达（" + reason + "），请通过电话或网格员等其他方式联系居民。",
            new JsonObject().put("outbox", m.id()).put("kind", m.kind()).put("channel", m.channel()))
        .compose(v -> tell(tx, m.caseId(), events)).mapEmpty());
  }

  // ---------------------------------------------------------------- helpers

  private Future<Void> event(SqlConnection tx, List<CaseEvent> events, String caseId, String kind, String actor, String text, JsonObject data) {
    Instant now = clock.instant();
    events.add(new CaseEvent(0, caseId, now, kind, actor, text, data));
    return tx.preparedQuery(SQL.get("event_insert"))
        .execute(Tuple.of(caseId, SqlTime.param(now), kind, actor, text, data == null ? null : data.encode())).mapEmpty();
  }

  /** Loads the case as the transaction left it and tells the sinks of the events recorded in it. */
  private Future<CaseView> tell(SqlConnection tx, String caseId, List<CaseEvent> events) {
    return find(tx, caseId).compose(c -> {
      CaseView view = c.orElseThrow();
      Future<Void> f = Future.succeededFuture();
      for (CaseSink s : sinkCalls(events)) {
        f = f.compose(v -> s.sink().recorded(tx, view, s.event()));
      }
      return f.map(view);
    });
  }

  private record CaseSink(CaseEventSink sink, CaseEvent event) {}

  private List<CaseSink> sinkCalls(List<CaseEvent> events) {
    List<CaseSink> calls = new ArrayList<>();
    for (CaseEvent e : events) {
      for (CaseEventSink s : sinks) {
        calls.add(new CaseSink(s, e));
      }
    }
    return calls;
  }

  private Future<CaseView> locked(SqlConnection tx, String caseId) {
    return tx.preparedQuery(SQL.get("case_lock")).execute(Tuple.of(caseId))
        .compose(r -> r.size() == 0 ? Future.failedFuture(ApiException.notFound("case_not_found", "没有编号为 " + caseId + " 的事项。")) : find(tx, caseId))
        .map(Optional::orElseThrow);
  }

  private Future<Advisor> advisor(SqlConnection c, String advisorId) {
    return advisors(c).map(list -> list.stream().filter(a -> a.id().equals(advisorId)).findFirst()
        .orElseThrow(() -> ApiException.notFound("advisor_not_found", "没有编号为 " + advisorId + " 的顾问。")));
  }

  /**
   * Runs a transaction again when the database refused it for a concurrent update of the same row (H2 reports
   * these instead of waiting; PostgreSQL reports serialization failures and deadlocks), up to five times.
   */
  private <T> Future<T> retryTransient(java.util.function.Supplier<Future<T>> tx) {
    return retryTransient(tx, 1);
  }

  private <T> Future<T> retryTransient(java.util.function.Supplier<Future<T>> tx, int attempt) {
    return tx.get().recover(e -> {
      if (attempt >= 5 || !isTransient(e)) {
        return Future.failedFuture(e);
      }
      io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
      vertx.setTimer(5L + java.util.concurrent.ThreadLocalRandom.current().nextInt(20 * attempt), id -> retryTransient(tx, attempt + 1).onComplete(p));
      return p.future();
    });
  }

  private static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        String state = sql.getSQLState();
        if (sql.getErrorCode() == 90131 || "40001".equals(state) || "40P01".equals(state) || "HYT00".equals(state)) {
          return true;
        }
      }
    }
    return false;
  }

  private static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message);
  }

  private static Optional<CaseView> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(view(rows.iterator().next()));
  }

  private static List<CaseView> all(RowSet<Row> rows) {
    List<CaseView> out = new ArrayList<>();
    rows.forEach(r -> out.add(view(r)));
    return out;
  }

  private static CaseView view(Row r) {
    String role = r.getString("advisor_role");
    return new CaseView(r.getString("id"), r.getString("channel"), r.getString("user_ref"),
        Category.fromId(r.getString("category")).orElse(Category.GENERAL), r.getBoolean("urgent"), r.getString("area"), r.getString("community"),
        r.getString("summary"), CaseStatus.fromId(r.getString("status")).orElseThrow(),
        r.getString("outcome") == null ? null : Outcome.fromId(r.getString("outcome")).orElse(null),
        r.getString("advisor_id"), r.getString("advisor_name"), role == null ? null : Advisor.Role.fromLabel(role).orElse(null),
        SqlTime.instant(r, "created_at"), SqlTime.instant(r, "updated_at"), SqlTime.instant(r, "first_response_due"),
        SqlTime.instant(r, "first_response_at"), r.getBoolean("sla_breached"), r.getInteger("escalations"), SqlTime.instant(r, "closed_at"),
        r.getInteger("rating"));
  }

  private static String abbreviate(String s, int max) {
    if (s == null) {
      return null;
    }
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
