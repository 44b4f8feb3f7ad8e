package xiaofa.knowledge;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import xiaofa.platform.ApiException;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * The database side of {@link AdminKnowledge}: uploaded power lists (previews, the live import, history) and the
 * administrators' entries, with the one-row state that says what is live. Every edit locks that row, bumps its version
 * and runs the caller's audit write in the same transaction, so an edit and its audit record exist together or not
 * at all, and edits from several nodes are decided one at a time. {@link #load()} is what {@link KnowledgeService}
 * reads before each reload: one small query while nothing changed.
 */
public final class AdminKnowledgeStore {
  private static final SqlStatements SQL = SqlStatements.load("/sql/knowledge_admin.sql");
  /** How long a preview may be imported after it was made. */
  public static final Duration PREVIEW_TTL = Duration.ofHours(1);

  private final Pool pool;
  private final Clock clock;
  private final AtomicReference<AdminKnowledge> cached = new AtomicReference<>(AdminKnowledge.NONE);

  public AdminKnowledgeStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Work the caller does inside an edit's transaction (its audit record). */
  public interface InTransaction extends Function<SqlClient, Future<Void>> {}

  /** One upload of a power list, as stored. */
  public record Upload(long id, String previewId, String fileName, String uploadedBy, Instant uploadedAt, int rows, int errors, Long basedOn,
      String status, String importedBy, Instant importedAt, Instant retiredAt) {}

  /** A preview to keep: its rows are stored only when it has no errors (only then can it be imported). */
  public record NewPreview(String fileName, String uploadedBy, int rows, int errors, Long basedOn, List<AdminKnowledge.PowerListRow> validRows) {}

  /** An entry to add; the store gives it its id. */
  public record NewEntry(String title, List<String> questions, String body, String category, List<String> basis) {}

  /** The power list in use: the files' (no upload) or an import, and the imports before it. */
  public record PowerListState(Optional<Upload> live, List<Upload> history) {}

  // ---------------------------------------------------------------- reading

  /** The administrators' knowledge now; reads the rows again only when the version changed since the last call. */
  public Future<AdminKnowledge> load() {
    return pool.withTransaction(c -> c.preparedQuery(SQL.get("state")).execute().compose(state -> {
      Row s = state.iterator().next();
      long version = s.getLong("version");
      AdminKnowledge known = cached.get();
      if (known.version() == version) {
        return Future.succeededFuture(known);
      }
      Long live = s.getLong("live_power_list");
      Future<Optional<AdminKnowledge.PowerList>> list = live == null ? Future.succeededFuture(Optional.empty()) : powerList(c, live);
      return list.compose(p -> entries(c).map(e -> new AdminKnowledge(version, p, e)));
    })).onSuccess(cached::set);
  }

  /** The entries administrators wrote, by id. */
  public Future<List<AdminKnowledge.Entry>> entries() {
    return pool.withTransaction(this::entries);
  }

  /** The live import, if any, and the history of imports, newest first. */
  public Future<PowerListState> powerListState() {
    return pool.withTransaction(c -> c.preparedQuery(SQL.get("state")).execute().compose(state -> {
      Long live = state.iterator().next().getLong("live_power_list");
      return c.preparedQuery(SQL.get("uploads_imported")).execute().map(rows -> {
        List<Upload> history = new ArrayList<>();
        rows.forEach(r -> history.add(upload(r)));
        return new PowerListState(history.stream().filter(u -> live != null && u.id() == live).findFirst(), history);
      });
    }));
  }

  /** The id of the live import, or null while the files' list is in use. */
  public Future<Long> livePowerListId() {
    return pool.withTransaction(c -> c.preparedQuery(SQL.get("state")).execute().map(rs -> rs.iterator().next().getLong("live_power_list")));
  }

  private Future<Optional<AdminKnowledge.PowerList>> powerList(SqlClient c, long uploadId) {
    return c.preparedQuery(SQL.get("upload_by_id")).execute(Tuple.of(uploadId)).compose(rs -> {
      if (!rs.iterator().hasNext()) {
        return Future.succeededFuture(Optional.empty());
      }
      Upload u = upload(rs.iterator().next());
      return rows(c, uploadId).map(rows -> Optional.of(new AdminKnowledge.PowerList(u.id(), u.fileName(), u.importedBy(), u.importedAt(), rows)));
    });
  }

  private Future<List<AdminKnowledge.PowerListRow>> rows(SqlClient c, long uploadId) {
    return c.preparedQuery(SQL.get("rows")).execute(Tuple.of(uploadId)).map(rs -> {
      List<AdminKnowledge.PowerListRow> out = new ArrayList<>();
      for (Row r : rs) {
        Map<String, String> fields = new LinkedHashMap<>();
        new JsonObject(r.getString("fields")).forEach(e -> fields.put(e.getKey(), String.valueOf(e.getValue())));
        out.add(new AdminKnowledge.PowerListRow(r.getInteger("row_no"), fields));
      }
      return out;
    });
  }

  private Future<List<AdminKnowledge.Entry>> entries(SqlClient c) {
    return c.preparedQuery(SQL.get("entries")).execute().map(rs -> {
      List<AdminKnowledge.Entry> out = new ArrayList<>();
      for (Row r : rs) {
        out.add(new AdminKnowledge.Entry(r.getString("id"), r.getString("title"), strings(r.getString("questions")), r.getString("body"),
            r.getString("category"), strings(r.getString("basis")), r.getString("created_by"), SqlTime.instant(r, "created_at")));
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- power list uploads

  /** Keeps a preview (and forgets expired ones); answers its id. */
  public Future<String> savePreview(NewPreview p) {
    String previewId = UUID.randomUUID().toString();
    Instant now = clock.instant();
    return pool.withTransaction(c -> c.preparedQuery(SQL.get("previews_expired_delete")).execute(Tuple.of(SqlTime.param(now.minus(PREVIEW_TTL))))
        .compose(x -> c.preparedQuery(SQL.get("upload_insert"))
            .execute(Tuple.of(previewId, p.fileName(), p.uploadedBy(), SqlTime.param(now), p.rows(), p.errors()).addValue(p.basedOn())))
        .compose(x -> p.errors() > 0 || p.validRows().isEmpty() ? Future.succeededFuture() : byPreviewOrNull(c, previewId).compose(u -> {
          List<Tuple> batch = new ArrayList<>();
          for (AdminKnowledge.PowerListRow r : p.validRows()) {
            batch.add(Tuple.of(u.id(), r.row(), new JsonObject(new LinkedHashMap<>(r.fields())).encode()));
          }
          return c.preparedQuery(SQL.get("row_insert")).executeBatch(batch).mapEmpty();
        }))
        .map(previewId));
  }

  /**
   * Makes a preview the live power list, retiring the one before (its rows are deleted, its record kept). Refuses a
   * preview that is unknown (404), expired (410), already imported, has errors or was made against a list that has
   * since been replaced (409).
   */
  public Future<Upload> importPreview(String previewId, String who, Function<Upload, InTransaction> audit) {
    Instant now = clock.instant();
    return pool.withTransaction(c -> lockState(c).compose(state -> byPreviewOrNull(c, previewId).compose(u -> {
      if (u == null) {
        return Future.failedFuture(ApiException.notFound("preview_not_found", "找不到这次预览（" + previewId + "）。请重新上传表格预览。"));
      }
      if (!u.status().equals("preview")) {
        return Future.failedFuture(new ApiException(409, "preview_used", "这次预览已经导入过了（" + u.importedBy() + "）。如需再次导入，请重新上传。"));
      }
      if (u.uploadedAt().plus(PREVIEW_TTL).isBefore(now)) {
        return Future.failedFuture(new ApiException(410, "preview_expired", "预览已超过 " + PREVIEW_TTL.toMinutes() + " 分钟失效，请重新上传表格预览。"));
      }
      if (u.errors() > 0) {
        return Future.failedFuture(new ApiException(409, "preview_has_errors",
            "预览中有 " + u.errors() + " 行有错误，不能导入。请按预览列出的行号和列修改表格后重新上传。"));
      }
      if (!java.util.Objects.equals(u.basedOn(), state.livePowerList())) {
        return Future.failedFuture(new ApiException(409, "preview_stale", "预览之后权责清单已被他人更换，对比结果已过时。请重新上传表格预览。"));
      }
      Upload live = new Upload(u.id(), u.previewId(), u.fileName(), u.uploadedBy(), u.uploadedAt(), u.rows(), u.errors(), u.basedOn(), "live", who, now, null);
      Future<Void> retire = state.livePowerList() == null ? Future.succeededFuture() : retire(c, state.livePowerList(), now);
      return retire
          .compose(x -> c.preparedQuery(SQL.get("upload_make_live")).execute(Tuple.of(who, SqlTime.param(now), u.id())))
          .compose(x -> c.preparedQuery(SQL.get("state_set_live")).execute(Tuple.of(u.id())))
          .compose(x -> audit.apply(live).apply(c))
          .map(live);
    })));
  }

  /** Goes back to the files' power list; empty when no import was live. */
  public Future<Optional<Upload>> revertToFiles(InTransaction audit) {
    Instant now = clock.instant();
    return pool.withTransaction(c -> lockState(c).compose(state -> {
      if (state.livePowerList() == null) {
        return Future.succeededFuture(Optional.<Upload>empty());
      }
      return c.preparedQuery(SQL.get("upload_by_id")).execute(Tuple.of(state.livePowerList())).compose(rs -> {
        Upload u = upload(rs.iterator().next());
        return retire(c, u.id(), now)
            .compose(x -> c.preparedQuery(SQL.get("state_set_live")).execute(Tuple.of((Object) null)))
            .compose(x -> audit.apply(c))
            .map(Optional.of(u));
      });
    }));
  }

  private Future<Void> retire(SqlClient c, long uploadId, Instant now) {
    return c.preparedQuery(SQL.get("upload_retire")).execute(Tuple.of(SqlTime.param(now), uploadId))
        .compose(x -> c.preparedQuery(SQL.get("rows_delete")).execute(Tuple.of(uploadId)))
        .mapEmpty();
  }

  private Future<Upload> byPreviewOrNull(SqlClient c, String previewId) {
    return c.preparedQuery(SQL.get("upload_by_preview")).execute(Tuple.of(previewId))
        .map(rs -> rs.iterator().hasNext() ? upload(rs.iterator().next()) : null);
  }

  // ---------------------------------------------------------------- entries

  /** Adds an entry with the next id ({@code pf-admin-0001}, never reused). */
  public Future<AdminKnowledge.Entry> createEntry(NewEntry e, String who, Function<AdminKnowledge.Entry, InTransaction> audit) {
    Instant now = clock.instant();
    return pool.withTransaction(c -> lockState(c)
        .compose(s -> c.preparedQuery(SQL.get("state_next_entry")).execute().map(s.lastEntry() + 1))
        .compose(n -> {
          AdminKnowledge.Entry entry = new AdminKnowledge.Entry(String.format("pf-admin-%04d", n), e.title(), e.questions(), e.body(), e.category(),
              e.basis(), who, now);
          return c.preparedQuery(SQL.get("entry_insert"))
              .execute(Tuple.of(entry.id(), entry.title(), new JsonArray(entry.questions()).encode(), entry.body(), entry.category(),
                  new JsonArray(entry.basis()).encode(), who, SqlTime.param(now)))
              .compose(x -> audit.apply(entry).apply(c))
              .map(entry);
        }));
  }

  /** Deletes an entry; false when there is none with this id. */
  public Future<Boolean> deleteEntry(String id, InTransaction audit) {
    return pool.withTransaction(c -> lockState(c)
        .compose(s -> c.preparedQuery(SQL.get("entry_delete")).execute(Tuple.of(id)))
        .compose(rs -> rs.rowCount() == 0
            ? Future.succeededFuture(false)
            : c.preparedQuery(SQL.get("state_bump")).execute().compose(x -> audit.apply(c)).map(true)));
  }

  // ---------------------------------------------------------------- helpers

  private record State(long version, Long livePowerList, int lastEntry) {}

  private static Future<State> lockState(SqlConnection c) {
    return c.preparedQuery(SQL.get("state_lock")).execute().map(rs -> {
      Row r = rs.iterator().next();
      return new State(r.getLong("version"), r.getLong("live_power_list"), r.getInteger("last_entry"));
    });
  }

  private static Upload upload(Row r) {
    return new Upload(r.getLong("id"), r.getString("preview_id"), r.getString("file_name"), r.getString("uploaded_by"), SqlTime.instant(r, "uploaded_at"),
        r.getInteger("row_count"), r.getInteger("error_count"), r.getLong("based_on"), r.getString("status"), r.getString("imported_by"),
        SqlTime.instant(r, "imported_at"), SqlTime.instant(r, "retired_at"));
  }

  private static List<String> strings(String json) {
    List<String> out = new ArrayList<>();
    if (json != null && !json.isBlank()) {
      new JsonArray(json).forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }
}
