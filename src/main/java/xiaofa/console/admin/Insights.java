package xiaofa.console.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import xiaofa.dialog.DialogService;
import xiaofa.dialog.TextNormaliser;
import xiaofa.handoff.Rating;
import xiaofa.knowledge.AdminKnowledge;
import xiaofa.knowledge.AdminKnowledgeStore;
import xiaofa.knowledge.Category;
import xiaofa.platform.Database;
import xiaofa.platform.Pii;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * What administrators learn from the turns and cases: the questions xiaofa could not answer (to turn into entries)
 * and the dashboard's figures for charts. Counting is done by SQL aggregates that H2 and PostgreSQL both run; days are
 * the zone's calendar days, and every day of the period is present (zeros included) so charts need no gap filling.
 */
final class Insights {
  private static final SqlStatements SQL = SqlStatements.load("/sql/admin.sql");
  private static final Map<String, String> CHANNELS = Map.of("web", "网页", "wechat", "微信公众号", "grid", "网格通");

  private final Pool pool;
  private final Clock clock;
  private final ZoneId zone;
  private final AdminKnowledgeStore store;

  Insights(Pool pool, Clock clock, ZoneId zone, AdminKnowledgeStore store) {
    this.pool = pool;
    this.clock = clock;
    this.zone = zone;
    this.store = store;
  }

  // ---------------------------------------------------------------- unanswered questions

  /** One group of the same question asked again and again. */
  private static final class Group {
    String text;
    int count;
    Instant lastAsked;
    Double bestScore;
    final TreeSet<String> channels = new TreeSet<>();
    final Map<String, Integer> outcomes = new TreeMap<>();
    final Map<String, Integer> categories = new HashMap<>();
  }

  Future<JsonObject> unanswered(RoutingContext ctx) {
    int days = Params.integer(ctx, "days", 30, 1, 366);
    int limit = Params.integer(ctx, "limit", 50, 1, 200);
    Instant since = clock.instant().minus(java.time.Duration.ofDays(days));
    Future<RowSet<Row>> turns = Database.execute(pool, SQL.get("unanswered_turns"), Tuple.of(SqlTime.param(since), DialogService.ANSWER));
    Future<List<AdminKnowledge.Entry>> entries = store.entries();
    return Future.all(turns, entries).map(x -> {
      Map<String, String> covered = new HashMap<>();
      for (AdminKnowledge.Entry e : entries.result()) {
        e.questions().forEach(q -> covered.putIfAbsent(key(q), e.id()));
      }
      Map<String, Group> groups = new LinkedHashMap<>();
      for (Row r : turns.result()) {
        String text = r.getString("text");
        String key = key(text);
        if (key.isEmpty()) {
          continue;
        }
        Group g = groups.computeIfAbsent(key, k -> new Group());
        Instant at = SqlTime.instant(r, "created_at");
        if (g.lastAsked == null || at.isAfter(g.lastAsked)) {
          g.lastAsked = at;
          g.text = text;
        }
        g.count++;
        g.channels.add(r.getString("channel"));
        g.outcomes.merge(r.getString("outcome"), 1, Integer::sum);
        if (r.getString("category") != null) {
          g.categories.merge(r.getString("category"), 1, Integer::sum);
        }
        Double score = r.getDouble("score");
        if (score != null && (g.bestScore == null || score > g.bestScore)) {
          g.bestScore = score;
        }
      }
      List<Map.Entry<String, Group>> sorted = new ArrayList<>(groups.entrySet());
      sorted.sort((a, b) -> a.getValue().count != b.getValue().count
          ? Integer.compare(b.getValue().count, a.getValue().count)
          : b.getValue().lastAsked.compareTo(a.getValue().lastAsked));
      JsonArray out = new JsonArray();
      for (Map.Entry<String, Group> e : sorted.subList(0, Math.min(limit, sorted.size()))) {
        Group g = e.getValue();
        String category = g.categories.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        out.add(new JsonObject()
            .put("text", Pii.maskText(g.text))
            .put("count", g.count)
            .put("lastAskedAt", g.lastAsked.toString())
            .put("channels", new JsonArray(new ArrayList<>(g.channels)))
            .put("outcomes", new JsonObject(new LinkedHashMap<>(g.outcomes)))
            .put("bestScore", g.bestScore)
            .put("category", category)
            .put("categoryLabel", category == null ? null : Category.fromId(category).map(Category::label).orElse(category))
            .put("entry", covered.get(e.getKey())));
      }
      return new JsonObject().put("days", days).put("groups", groups.size()).put("questions", out)
          .put("criteria", "未回答（no_answer）、只给出候选（suggested），或已回答但分类置信度低于 " + DialogService.ANSWER + " 的问题，按相同问法合并");
    });
  }

  /** Questions that differ only in punctuation, spaces, case or traditional characters are the same question. */
  static String key(String text) {
    return TextNormaliser.normalise(text == null ? "" : text).toLowerCase(Locale.ROOT).replaceAll("[\\p{P}\\p{S}\\s]+", "");
  }

  // ---------------------------------------------------------------- dashboard

  Future<JsonObject> dashboard(RoutingContext ctx) {
    int days = Params.integer(ctx, "days", 30, 1, 366);
    Instant now = clock.instant();
    LocalDate today = now.atZone(zone).toLocalDate();
    LocalDate first = today.minusDays(days - 1L);
    Instant from = first.atStartOfDay(zone).toInstant();
    Instant to = today.plusDays(1).atStartOfDay(zone).toInstant();
    Tuple window = Tuple.of(SqlTime.param(from), SqlTime.param(to));
    int bucket = bucketSeconds(from, to);
    Tuple daily = Tuple.of(bucket, SqlTime.param(from), SqlTime.param(to));
    Future<RowSet<Row>> turnsByDay = Database.execute(pool, SQL.get("turns_by_day"), daily);
    Future<RowSet<Row>> byCategory = Database.execute(pool, SQL.get("questions_by_category"), window);
    Future<RowSet<Row>> casesByDay = Database.execute(pool, SQL.get("cases_by_day"), daily);
    Future<RowSet<Row>> casesByChannel = Database.execute(pool, SQL.get("cases_by_channel"), window);
    Future<RowSet<Row>> casesByCategory = Database.execute(pool, SQL.get("cases_by_category"), window);
    Future<RowSet<Row>> overdue = Database.execute(pool, SQL.get("cases_overdue"), Tuple.of(SqlTime.param(now)));
    Future<RowSet<Row>> ratings = Database.execute(pool, SQL.get("ratings"), window);
    Future<RowSet<Row>> followUpCount = Database.execute(pool, SQL.get("follow_ups_open_count"), Tuple.of(SqlTime.param(now)));
    Future<RowSet<Row>> followUps = Database.execute(pool, SQL.get("follow_ups_open"));
    return Future.all(List.of(turnsByDay, byCategory, casesByDay, casesByChannel, casesByCategory, overdue, ratings, followUpCount, followUps))
        .map(x -> {
          JsonObject out = new JsonObject().put("days", days).put("from", first.toString()).put("to", today.toString()).put("zone", zone.getId());
          questions(out, first, today, bucket, turnsByDay.result(), byCategory.result());
          cases(out, first, today, bucket, casesByDay.result(), casesByChannel.result(), casesByCategory.result(), overdue.result());
          out.put("satisfaction", satisfaction(ratings.result()));
          followUps(out, now, followUpCount.result(), followUps.result());
          return out;
        });
  }

  /** {@code questions} (the total), {@code questionsByDay}, {@code questionsByCategory}, {@code outcomes}, {@code answeredRate}. */
  private void questions(JsonObject out, LocalDate first, LocalDate last, int bucket, RowSet<Row> byDay, RowSet<Row> byCategory) {
    Map<String, Map<String, Integer>> days = emptyDays(first, last);
    Map<String, Integer> totals = new LinkedHashMap<>();
    for (String k : List.of("answered", "suggested", "no_answer", "handoff", "urgent", "picked", "other")) {
      totals.put(k, 0);
    }
    for (Row r : byDay) {
      String day = day(r, bucket);
      String kind = kind(r.getString("kind"));
      int n = r.getInteger("n");
      totals.merge(kind, n, Integer::sum);
      Map<String, Integer> d = days.get(day);
      if (d != null) {
        d.merge(kind, n, Integer::sum);
      }
    }
    JsonArray perDay = new JsonArray();
    days.forEach((day, kinds) -> {
      perDay.add(new JsonObject().put("day", day).put("count", questionsOf(kinds)).put("answered", kinds.getOrDefault("answered", 0))
          .put("suggested", kinds.getOrDefault("suggested", 0)).put("noAnswer", kinds.getOrDefault("no_answer", 0))
          .put("handoff", kinds.getOrDefault("handoff", 0)).put("urgent", kinds.getOrDefault("urgent", 0)));
    });
    JsonArray categories = new JsonArray();
    List<Row> rows = new ArrayList<>();
    byCategory.forEach(rows::add);
    rows.sort((a, b) -> Integer.compare(b.getInteger("n"), a.getInteger("n")));
    for (Row r : rows) {
      String c = r.getString("category");
      categories.add(new JsonObject().put("category", c == null ? "unclassified" : c)
          .put("label", c == null ? "未分类" : Category.fromId(c).map(Category::label).orElse(c)).put("count", r.getInteger("n")));
    }
    int total = questionsOf(totals);
    out.put("questions", total)
        .put("questionsByDay", perDay)
        .put("questionsByCategory", categories)
        .put("outcomes", new JsonObject()
            .put("answered", totals.get("answered"))
            .put("suggested", totals.get("suggested"))
            .put("noAnswer", totals.get("no_answer"))
            .put("handoff", totals.get("handoff"))
            .put("urgent", totals.get("urgent")))
        .put("answeredRate", total == 0 ? null : Math.round(totals.get("answered") * 1000.0 / total) / 1000.0)
        .put("picked", totals.get("picked"))
        .put("otherTurns", totals.get("other"));
  }

  /** The dashboard's outcome for a turn's: hand-offs offered to a grid worker count as hand-offs; commands and case messages as other. */
  private static String kind(String outcome) {
    return switch (outcome) {
      case "answered", "suggested", "no_answer", "handoff", "urgent", "picked" -> outcome;
      case "handoff_offered" -> "handoff";
      default -> "other";
    };
  }

  private static int questionsOf(Map<String, Integer> kinds) {
    return kinds.getOrDefault("answered", 0) + kinds.getOrDefault("suggested", 0) + kinds.getOrDefault("no_answer", 0) + kinds.getOrDefault("handoff", 0)
        + kinds.getOrDefault("urgent", 0);
  }

  /** {@code casesOpened}, {@code casesUrgent}, {@code slaBreaches}, {@code overdueNow}, {@code casesByDay}, {@code casesByChannel}, {@code casesByCategory}. */
  private void cases(JsonObject out, LocalDate first, LocalDate last, int bucket, RowSet<Row> byDay, RowSet<Row> byChannel, RowSet<Row> byCategory,
      RowSet<Row> overdue) {
    Map<String, Map<String, Integer>> days = emptyDays(first, last);
    for (Row r : byDay) {
      Map<String, Integer> d = days.get(day(r, bucket));
      if (d != null) {
        d.merge("opened", number(r, "n"), Integer::sum);
        d.merge("slaBreached", number(r, "breached"), Integer::sum);
      }
    }
    JsonArray perDay = new JsonArray();
    days.forEach((day, v) -> perDay.add(new JsonObject().put("day", day).put("opened", v.getOrDefault("opened", 0)).put("slaBreached", v.getOrDefault("slaBreached", 0))));
    int opened = 0;
    int urgent = 0;
    int breached = 0;
    JsonArray channels = new JsonArray();
    for (Row r : byChannel) {
      opened += number(r, "n");
      urgent += number(r, "urgent");
      breached += number(r, "breached");
      channels.add(new JsonObject().put("channel", r.getString("channel")).put("label", CHANNELS.getOrDefault(r.getString("channel"), r.getString("channel")))
          .put("count", number(r, "n")));
    }
    JsonArray categories = new JsonArray();
    for (Row r : byCategory) {
      String c = r.getString("category");
      categories.add(new JsonObject().put("category", c).put("label", Category.fromId(c).map(Category::label).orElse(c)).put("count", number(r, "n")));
    }
    out.put("casesOpened", opened)
        .put("casesUrgent", urgent)
        .put("slaBreaches", breached)
        .put("overdueNow", number(overdue.iterator().next(), "n"))
        .put("casesByDay", perDay)
        .put("casesByChannel", channels)
        .put("casesByCategory", categories);
  }

  private static JsonObject satisfaction(RowSet<Row> ratings) {
    int[] counts = new int[6];
    for (Row r : ratings) {
      int score = number(r, "rating");
      if (score >= 1 && score <= 5) {
        counts[score] += number(r, "n");
      }
    }
    int rated = 0;
    int sum = 0;
    JsonObject distribution = new JsonObject();
    JsonObject labels = new JsonObject();
    for (int s = 1; s <= 5; s++) {
      rated += counts[s];
      sum += s * counts[s];
      distribution.put(Integer.toString(s), counts[s]);
      labels.put(Integer.toString(s), Rating.label(s));
    }
    return new JsonObject()
        .put("rated", rated)
        .put("average", rated == 0 ? null : Math.round(sum * 100.0 / rated) / 100.0)
        .put("distribution", distribution)
        .put("labels", labels);
  }

  /** {@code followUps} ({@code open}, {@code overdue}) and {@code followUpsDue}, the next 50 by due time. */
  private static void followUps(JsonObject out, Instant now, RowSet<Row> count, RowSet<Row> list) {
    Row c = count.iterator().next();
    JsonArray due = new JsonArray();
    for (Row r : list) {
      Instant dueAt = SqlTime.instant(r, "due_at");
      due.add(new JsonObject()
          .put("caseId", r.getString("case_id"))
          .put("rating", number(r, "rating"))
          .put("category", r.getString("category"))
          .put("advisor", r.getString("advisor_name"))
          .put("createdAt", SqlTime.instant(r, "created_at").toString())
          .put("dueAt", dueAt.toString())
          .put("overdue", dueAt.isBefore(now)));
    }
    out.put("followUps", new JsonObject().put("open", number(c, "n")).put("overdue", number(c, "overdue"))).put("followUpsDue", due);
  }

  private static Map<String, Map<String, Integer>> emptyDays(LocalDate first, LocalDate last) {
    Map<String, Map<String, Integer>> days = new LinkedHashMap<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      days.put(d.toString(), new HashMap<>());
    }
    return days;
  }

  /**
   * The bucket the SQL counts in: an hour when the zone's offset is a whole number of hours throughout the period
   * (Asia/Shanghai), else a quarter of an hour (offsets such as +05:45), so that no bucket straddles midnight.
   */
  private int bucketSeconds(Instant from, Instant to) {
    java.time.zone.ZoneRules rules = zone.getRules();
    boolean wholeHours = rules.getOffset(from).getTotalSeconds() % 3600 == 0 && rules.getOffset(to).getTotalSeconds() % 3600 == 0;
    for (java.time.zone.ZoneOffsetTransition t = rules.nextTransition(from); wholeHours && t != null && t.getInstant().isBefore(to);
        t = rules.nextTransition(t.getInstant())) {
      wholeHours = t.getOffsetAfter().getTotalSeconds() % 3600 == 0;
    }
    return wholeHours ? 3600 : 900;
  }

  /** The zone's day of a bucket row ({@code 2026-11-24}). */
  private String day(Row r, int bucket) {
    long b = ((Number) r.getValue("b")).longValue();
    return Instant.ofEpochSecond(b * bucket).atZone(zone).toLocalDate().toString();
  }

  /** A count or sum, whatever numeric type the database uses for it; 0 for NULL (a SUM over no rows). */
  private static int number(Row r, String column) {
    Object v = r.getValue(column);
    return v instanceof Number n ? n.intValue() : 0;
  }
}
