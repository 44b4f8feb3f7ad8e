package xiaofa.console.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import xiaofa.console.Audit;
import xiaofa.console.ConsoleAuth;
import xiaofa.console.ConsoleUser;
import xiaofa.knowledge.AdminKnowledge;
import xiaofa.knowledge.AdminKnowledgeStore;
import xiaofa.knowledge.Category;
import xiaofa.knowledge.Citation;
import xiaofa.knowledge.EntryType;
import xiaofa.knowledge.KnowledgeEntry;
import xiaofa.knowledge.KnowledgeService;
import xiaofa.knowledge.PowerListParser;
import xiaofa.knowledge.PowerListSheet;
import xiaofa.knowledge.SourceProblem;
import xiaofa.platform.ApiException;

/**
 * Administering the knowledge: reloading it, its source problems, importing the power list (a preview first: rows,
 * per-row errors and what would change, and nothing changes until an import of an error-free preview), and entries
 * written in the console. Every change is stored with its audit record in one transaction, then the knowledge is
 * reloaded and the answer comes when the new index is live on this node (other nodes pick it up on their next poll).
 */
final class KnowledgeAdmin {
  /** The largest power list accepted: a county list with a few thousand rows is well below. */
  static final int MAX_UPLOAD = 5 * 1024 * 1024;
  private static final int MAX_ERRORS_SHOWN = 500;
  private static final int SAMPLE_ROWS = 5;
  private static final int DIFF_ITEMS = 200;
  private static final Charset GB18030 = Charset.forName("GB18030");
  private static final Pattern ADMIN_ID = Pattern.compile("pf-admin-\\d{4,9}");
  private static final Pattern BASIS_SPLIT = Pattern.compile("[；;\\n]+");

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final Clock clock;
  private final KnowledgeService knowledge;
  private final AdminKnowledgeStore store;
  private final Audit audit;
  private final Path uploads;

  KnowledgeAdmin(Vertx vertx, WorkerExecutor workers, Clock clock, KnowledgeService knowledge, AdminKnowledgeStore store, Audit audit, Path uploads) {
    this.vertx = vertx;
    this.workers = workers;
    this.clock = clock;
    this.knowledge = knowledge;
    this.store = store;
    this.audit = audit;
    this.uploads = uploads;
  }

  // ---------------------------------------------------------------- reload and problems

  Future<JsonObject> reload(RoutingContext ctx) {
    ConsoleUser who = ConsoleAuth.user(ctx);
    return reloaded(false).compose(swapped -> audit.record(who, "knowledge.reload", null, new JsonObject().put("changed", swapped))
        .map(v -> status(swapped)));
  }

  Future<JsonObject> problems(RoutingContext ctx) {
    return Future.succeededFuture(new JsonObject().put("problems", problems(knowledge.problems())).put("count", knowledge.problems().size()));
  }

  /** Reloads now; {@code saved}: a change was stored just before, so a failure must say it is kept. */
  private Future<Boolean> reloaded(boolean saved) {
    return knowledge.reload().recover(e -> Future.failedFuture(new ApiException(500, "reload_failed", saved
        ? "修改已保存，但重建知识库索引失败。请稍后点“重新加载”重试，并请运维查看服务日志。"
        : "重新加载知识库失败，正在使用的知识库不受影响。请稍后重试，并请运维查看服务日志。")));
  }

  /** Whether a new generation went live, and what is live now. */
  private JsonObject status(boolean swapped) {
    JsonObject stats = new JsonObject();
    knowledge.stats().forEach((t, n) -> stats.put(t.key(), n));
    return new JsonObject()
        .put("changed", swapped)
        .put("contentHash", knowledge.live().map(kb -> kb.contentHash()).orElse(null))
        .put("stats", stats)
        .put("problems", problems(knowledge.problems()));
  }

  private static JsonArray problems(List<SourceProblem> problems) {
    JsonArray out = new JsonArray();
    problems.forEach(p -> out.add(new JsonObject().put("file", p.file()).put("line", p.line()).put("message", p.message())));
    return out;
  }

  // ---------------------------------------------------------------- the power list

  /** The list in use (the files' or an import) and the imports so far. */
  Future<JsonObject> powerList(RoutingContext ctx) {
    return store.powerListState().map(s -> new JsonObject()
        .put("source", s.live().isPresent() ? "import" : "files")
        .put("live", s.live().map(KnowledgeAdmin::upload).orElse(null))
        .put("items", knowledge.stats().get(EntryType.POWER))
        .put("history", new JsonArray(s.history().stream().map(KnowledgeAdmin::upload).toList())));
  }

  private static JsonObject upload(AdminKnowledgeStore.Upload u) {
    return new JsonObject().put("file", u.fileName()).put("rows", u.rows()).put("status", u.status()).put("uploadedBy", u.uploadedBy())
        .put("importedBy", u.importedBy()).put("importedAt", Params.time(u.importedAt())).put("retiredAt", Params.time(u.retiredAt()));
  }

  /** Early 413 for an upload that says it is too large, before any of it is read. */
  static void refuseLargeUpload(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    try {
      if (length != null && Long.parseLong(length.strip()) > MAX_UPLOAD + 64 * 1024) {
        ctx.fail(tooLarge());
        return;
      }
    } catch (NumberFormatException e) {
      // the body handler decides
    }
    ctx.next();
  }

  private static ApiException tooLarge() {
    return new ApiException(413, "file_too_large", "文件超过 5 MB。权责清单通常只有几百 KB：请删去图片和无关的工作表，或另存为 CSV 后再上传。");
  }

  /** An uploaded file: its name as the administrator knows it, and its bytes. */
  private record UploadedFile(String name, byte[] bytes) {}

  /** A parsed upload: the format, the rows with their errors, and the header's columns that are not used. */
  private record Parsed(String format, List<PowerListParser.Row> rows, List<String> ignoredColumns) {}

  Future<JsonObject> preview(RoutingContext ctx) {
    ConsoleUser who = ConsoleAuth.user(ctx);
    return upload(ctx).compose(u -> workers.executeBlocking(() -> parse(u), false).compose(parsed -> {
      List<PowerListParser.Row> valid = parsed.rows().stream().filter(r -> r.entry() != null).toList();
      int invalid = parsed.rows().size() - valid.size();
      List<AdminKnowledge.PowerListRow> rows = valid.stream().map(r -> new AdminKnowledge.PowerListRow(r.line(), r.fields())).toList();
      return store.livePowerListId().compose(base -> {
        JsonObject diff = diff(valid);
        return store.savePreview(new AdminKnowledgeStore.NewPreview(u.name(), who.username(), parsed.rows().size(), invalid, base, rows))
            .map(previewId -> previewJson(previewId, u.name(), parsed, valid.size(), invalid, diff));
      });
    }));
  }

  private JsonObject previewJson(String previewId, String file, Parsed parsed, int valid, int invalid, JsonObject diff) {
    JsonArray errors = new JsonArray();
    for (PowerListParser.Row r : parsed.rows()) {
      for (PowerListParser.CellError e : r.errors()) {
        if (errors.size() < MAX_ERRORS_SHOWN) {
          String code = r.fields().getOrDefault("职权编码", "");
          errors.add(new JsonObject().put("row", r.line()).put("column", e.column()).put("message", e.message()).put("code", code.isEmpty() ? null : code));
        }
      }
    }
    JsonArray sample = new JsonArray();
    parsed.rows().stream().limit(SAMPLE_ROWS).forEach(r -> sample.add(new JsonObject().put("row", r.line()).put("valid", r.entry() != null)
        .put("fields", new JsonObject(new LinkedHashMap<>(r.fields())))));
    return new JsonObject()
        .put("previewId", previewId)
        .put("file", file)
        .put("format", parsed.format())
        .put("rows", parsed.rows().size())
        .put("valid", valid)
        .put("invalid", invalid)
        .put("importable", invalid == 0)
        .put("errors", errors)
        .put("errorsShown", errors.size())
        .put("ignoredColumns", new JsonArray(parsed.ignoredColumns()))
        .put("sample", sample)
        .put("diff", diff)
        .put("expiresAt", clock.instant().plus(AdminKnowledgeStore.PREVIEW_TTL).toString());
  }

  /**
   * The uploaded file: a multipart form's one file, or the raw body named by {@code ?filename=} or the header {@code
   * X-File-Name} (URL-encoded, as the console page sends a file picked in the browser).
   */
  private Future<UploadedFile> upload(RoutingContext ctx) {
    List<FileUpload> files = ctx.fileUploads();
    if (files.size() > 1) {
      throw ApiException.badRequest("file_invalid", "一次只能上传一个文件。");
    }
    if (files.size() == 1) {
      FileUpload f = files.get(0);
      if (f.size() > MAX_UPLOAD) {
        throw tooLarge();
      }
      if (f.size() == 0) {
        throw fileMissing();
      }
      String name = fileName(f.fileName());
      return vertx.fileSystem().readFile(f.uploadedFileName()).map(b -> new UploadedFile(name, b.getBytes()));
    }
    String type = ctx.request().getHeader("Content-Type");
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0 || type != null && type.startsWith("multipart/")) {
      throw fileMissing();
    }
    if (ctx.body().length() > MAX_UPLOAD) {
      throw tooLarge();
    }
    String name = ctx.request().getParam("filename");
    String header = ctx.request().getHeader("X-File-Name");
    if (name == null && header != null) {
      try {
        name = java.net.URLDecoder.decode(header, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        name = header;
      }
    }
    return Future.succeededFuture(new UploadedFile(fileName(name), ctx.body().buffer().getBytes()));
  }

  private static ApiException fileMissing() {
    return ApiException.badRequest("file_missing", "请选择要上传的权责清单文件（.xlsx 或 .csv，表单字段 file）。");
  }

  /** The file's own name, without a path or control characters, at most 100 characters. */
  static String fileName(String raw) {
    String name = raw == null ? "" : raw.replace('\\', '/');
    name = name.substring(name.lastIndexOf('/') + 1).replaceAll("[\\p{Cntrl}:]", "").strip();
    if (name.isEmpty()) {
      return "权责清单";
    }
    return name.codePointCount(0, name.length()) > 100 ? name.substring(0, name.offsetByCodePoints(0, 100)) : name;
  }

  /** Parses an upload; blocking, on a worker. */
  private Parsed parse(UploadedFile u) {
    byte[] b = u.bytes();
    PowerListParser.Table table;
    String format;
    List<SourceProblem> problems = new ArrayList<>();
    if (b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
      format = "xlsx";
      table = readSheet(b);
    } else if (b.length >= 4 && (b[0] & 0xff) == 0xD0 && (b[1] & 0xff) == 0xCF && (b[2] & 0xff) == 0x11 && (b[3] & 0xff) == 0xE0) {
      throw ApiException.badRequest("file_unreadable", "这是旧版 Excel（.xls）或加密的文件。请在 Excel 或 WPS 中另存为 .xlsx（或 CSV UTF-8）后重新上传。");
    } else if (u.name().toLowerCase(java.util.Locale.ROOT).matches(".*\\.(xlsx|xlsm|xls|et)$")) {
      throw ApiException.badRequest("file_unreadable", "无法读取 Excel 文件：文件内容不是 .xlsx 工作簿。请在 Excel 或 WPS 中另存为 .xlsx 后重新上传。");
    } else {
      format = "csv";
      table = PowerListParser.readCsv(u.name(), text(b), problems);
    }
    if (table == null) {
      throw ApiException.badRequest("sheet_empty", "文件是空的：第一行应为表头（" + String.join("、", PowerListParser.COLUMNS) + "），下面每行一项职权。");
    }
    Map<String, Integer> counts = new HashMap<>();
    List<String> ignored = new ArrayList<>();
    for (String h : table.header()) {
      String name = h == null ? "" : h.replaceAll("[\\s\\u3000]", "");
      if (!name.isEmpty() && counts.merge(name, 1, Integer::sum) == 2 && PowerListParser.COLUMNS.contains(name)) {
        throw ApiException.badRequest("columns_duplicate", "表头中“" + name + "”出现了不止一次，请删去重复的列后重新上传。");
      }
      if (!name.isEmpty() && !PowerListParser.COLUMNS.contains(name) && !ignored.contains(name)) {
        ignored.add(name);
      }
    }
    List<String> missing = PowerListParser.missingColumns(PowerListParser.columns(table.header()));
    if (!missing.isEmpty()) {
      throw ApiException.badRequest("columns_missing", "表头缺少列：" + String.join("、", missing) + "。第一行应为表头，列名为："
          + String.join("、", PowerListParser.COLUMNS) + "（顺序不限）。");
    }
    List<PowerListParser.Row> rows = PowerListParser.rows(u.name(), table, problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("file_invalid", problems.get(0).message());
    }
    if (rows.isEmpty()) {
      throw ApiException.badRequest("rows_missing", "表格只有表头，没有数据行：每行应为一项职权。");
    }
    return new Parsed(format, rows, ignored);
  }

  private PowerListParser.Table readSheet(byte[] bytes) {
    Path tmp = null;
    try {
      Files.createDirectories(uploads);
      tmp = Files.createTempFile(uploads, "power-list-", ".xlsx");
      Files.write(tmp, bytes);
      return PowerListSheet.read(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // a temporary file in the data dir; the next start's uploads are elsewhere
        }
      }
    }
  }

  /** CSV text: UTF-8, else GB18030 (what Excel on Chinese Windows saves as "CSV"). */
  private static String text(byte[] b) {
    for (byte x : b) {
      if (x == 0) {
        throw ApiException.badRequest("file_unreadable", "文件不是 CSV 文本，也不是 .xlsx 工作簿。请上传 .xlsx 或 CSV 文件。");
      }
    }
    for (Charset cs : List.of(StandardCharsets.UTF_8, GB18030)) {
      try {
        return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
      } catch (CharacterCodingException e) {
        // try the next
      }
    }
    throw ApiException.badRequest("file_unreadable", "无法识别 CSV 文件的文字编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新上传。");
  }

  /** What importing the valid rows would change in the live power list, by code. */
  private JsonObject diff(List<PowerListParser.Row> valid) {
    Map<String, KnowledgeEntry> live = new LinkedHashMap<>();
    knowledge.live().ifPresent(kb -> kb.entries().stream().filter(e -> e.type() == EntryType.POWER)
        .forEach(e -> live.put(e.fields().getOrDefault("职权编码", e.id()), e)));
    JsonArray added = new JsonArray();
    JsonArray changed = new JsonArray();
    int addedCount = 0;
    int changedCount = 0;
    int unchanged = 0;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (PowerListParser.Row r : valid) {
      String code = r.fields().get("职权编码");
      seen.add(code);
      KnowledgeEntry old = live.get(code);
      if (old == null) {
        if (addedCount++ < DIFF_ITEMS) {
          added.add(item(code, r.fields().get("职权名称")));
        }
        continue;
      }
      List<String> columns = PowerListParser.COLUMNS.stream()
          .filter(c -> !Objects.equals(old.fields().getOrDefault(c, ""), r.fields().getOrDefault(c, ""))).toList();
      if (columns.isEmpty()) {
        unchanged++;
      } else if (changedCount++ < DIFF_ITEMS) {
        changed.add(item(code, r.fields().get("职权名称")).put("columns", new JsonArray(columns)));
      }
    }
    JsonArray removed = new JsonArray();
    int removedCount = 0;
    for (Map.Entry<String, KnowledgeEntry> e : live.entrySet()) {
      if (!seen.contains(e.getKey()) && removedCount++ < DIFF_ITEMS) {
        removed.add(item(e.getKey(), e.getValue().title()));
      }
    }
    return new JsonObject().put("added", addedCount).put("removed", removedCount).put("changed", changedCount).put("unchanged", unchanged)
        .put("addedItems", added).put("removedItems", removed).put("changedItems", changed);
  }

  private static JsonObject item(String code, String name) {
    return new JsonObject().put("code", code).put("name", name);
  }

  Future<JsonObject> importPreview(RoutingContext ctx) {
    ConsoleUser who = ConsoleAuth.user(ctx);
    JsonObject body = Params.json(ctx, "{\"previewId\": \"预览返回的 previewId\"}");
    String previewId = Params.field(body, "previewId", "预览编号", true, 40);
    return store.importPreview(previewId, who.username(), u -> tx -> audit.record(tx, who, "knowledge.import", null,
            new JsonObject().put("file", u.fileName()).put("rows", u.rows()).put("previewId", previewId)))
        .compose(u -> reloaded(true).map(swapped -> status(swapped)
            .put("items", knowledge.stats().get(EntryType.POWER))
            .put("imported", new JsonObject().put("file", u.fileName()).put("rows", u.rows()).put("importedBy", u.importedBy())
                .put("importedAt", Params.time(u.importedAt())))));
  }

  Future<JsonObject> revert(RoutingContext ctx) {
    ConsoleUser who = ConsoleAuth.user(ctx);
    return store.revertToFiles(tx -> audit.record(tx, who, "knowledge.import_revert", null, null))
        .compose(u -> {
          if (u.isEmpty()) {
            throw new ApiException(409, "no_import", "当前使用的就是知识库文件中的权责清单，没有可撤销的导入。");
          }
          return reloaded(true).map(swapped -> status(swapped).put("reverted", upload(u.get())));
        });
  }

  // ---------------------------------------------------------------- entries

  Future<JsonObject> entries(RoutingContext ctx) {
    return store.entries().map(list -> {
      JsonArray out = new JsonArray();
      for (int i = list.size() - 1; i >= 0; i--) {
        out.add(entryJson(list.get(i)));
      }
      return new JsonObject().put("entries", out);
    });
  }

  private JsonObject entryJson(AdminKnowledge.Entry e) {
    return new JsonObject()
        .put("id", e.id())
        .put("title", e.title())
        .put("questions", new JsonArray(e.questions()))
        .put("body", e.body())
        .put("category", e.category())
        .put("categoryLabel", Category.fromId(e.category()).map(Category::label).orElse(e.category()))
        .put("basis", new JsonArray(e.basis()))
        .put("createdBy", e.createdBy())
        .put("createdAt", Params.time(e.createdAt()))
        .put("live", knowledge.entry(e.id()).isPresent());
  }

  Future<JsonObject> createEntry(RoutingContext ctx) {
    ConsoleUser who = ConsoleAuth.user(ctx);
    JsonObject body = Params.json(ctx, "{\"question\": \"居民的问法\", \"title\": \"标题\", \"body\": \"回答正文\", \"category\": \"labor\", \"basis\": [\"《中华人民共和国劳动合同法》第三十条\"]}");
    AdminKnowledgeStore.NewEntry entry = newEntry(body);
    return store.createEntry(entry, who.username(), e -> tx -> audit.record(tx, who, "knowledge.entry_create", null,
            new JsonObject().put("id", e.id()).put("title", e.title()).put("question", e.questions().get(0))))
        .compose(e -> reloaded(true).map(swapped -> {
          ctx.response().setStatusCode(201);
          return entryJson(e).put("changed", swapped);
        }));
  }

  /** Validates a new entry's fields, each with a message saying what to write. */
  static AdminKnowledgeStore.NewEntry newEntry(JsonObject body) {
    List<String> questions = new ArrayList<>();
    String question = Params.field(body, "question", "居民的问法", false, 200);
    if (question != null) {
      questions.add(question);
    }
    Object more = body.getValue("questions");
    if (more != null) {
      if (!(more instanceof JsonArray a)) {
        throw ApiException.badRequest("body_invalid", "其他问法（字段 questions）应为文字列表，如 [\"问法一\", \"问法二\"]。");
      }
      for (Object q : a) {
        if (!(q instanceof String s) || s.isBlank() || s.strip().length() > 200) {
          throw ApiException.badRequest("body_invalid", "其他问法（字段 questions）的每一项应为 1 到 200 字的文字。");
        }
        if (!questions.contains(s.strip())) {
          questions.add(s.strip());
        }
      }
    }
    if (questions.isEmpty()) {
      throw ApiException.badRequest("body_invalid", "缺少居民的问法（字段 question），例如“试用期被辞退有补偿吗”。");
    }
    if (questions.size() > 10) {
      throw ApiException.badRequest("body_invalid", "问法最多 10 条。");
    }
    String title = Params.field(body, "title", "标题", true, 100);
    String text = Params.field(body, "body", "回答正文", true, 4000);
    String categoryId = Params.field(body, "category", "分流类别", true, 40);
    if (Category.fromId(categoryId).isEmpty()) {
      List<String> all = new ArrayList<>();
      for (Category c : Category.values()) {
        all.add(c.id() + "（" + c.label() + "）");
      }
      throw ApiException.badRequest("category_invalid", "分流类别“" + categoryId + "”无效，应为：" + String.join("、", all) + "。");
    }
    return new AdminKnowledgeStore.NewEntry(title, questions, text, categoryId, basis(body.getValue("basis")));
  }

  /** The legal basis: citations such as 《中华人民共和国劳动合同法》第三十条, as a list or one text split on ；. */
  private static List<String> basis(Object raw) {
    List<String> items = new ArrayList<>();
    if (raw == null) {
      return items;
    }
    if (raw instanceof String s) {
      for (String part : BASIS_SPLIT.split(s)) {
        if (!part.isBlank()) {
          items.add(part.strip());
        }
      }
    } else if (raw instanceof JsonArray a) {
      for (Object o : a) {
        if (!(o instanceof String s)) {
          throw ApiException.badRequest("basis_invalid", "法律依据（字段 basis）应为文字列表，如 [\"《中华人民共和国劳动合同法》第三十条\"]。");
        }
        if (!s.isBlank()) {
          items.add(s.strip());
        }
      }
    } else {
      throw ApiException.badRequest("basis_invalid", "法律依据（字段 basis）应为文字列表，如 [\"《中华人民共和国劳动合同法》第三十条\"]。");
    }
    if (items.size() > 10) {
      throw ApiException.badRequest("basis_invalid", "法律依据最多 10 条。");
    }
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i);
      if (item.length() > 200 || Citation.parse(item).isEmpty()) {
        throw ApiException.badRequest("basis_invalid", "第 " + (i + 1) + " 条法律依据“" + abbreviate(item) + "”无法识别：请写成《法律全称》第N条，"
            + "如《中华人民共和国劳动合同法》第三十条。");
      }
    }
    return items;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 39) + "…";
  }

  Future<JsonObject> deleteEntry(RoutingContext ctx) {
    ConsoleUser who = ConsoleAuth.user(ctx);
    String id = ctx.pathParam("id");
    if (id == null || !ADMIN_ID.matcher(id).matches()) {
      throw notFound(id);
    }
    Optional<KnowledgeEntry> live = knowledge.entry(id);
    return store.deleteEntry(id, tx -> audit.record(tx, who, "knowledge.entry_delete", null,
            new JsonObject().put("id", id).put("title", live.map(KnowledgeEntry::title).orElse(null))))
        .compose(deleted -> {
          if (!deleted) {
            throw notFound(id);
          }
          return reloaded(true).map(swapped -> status(swapped).put("deleted", id));
        });
  }

  private static ApiException notFound(String id) {
    return ApiException.notFound("entry_not_found", "没有找到管理员添加的条目“" + id + "”（只能删除管理台添加的 pf-admin-… 条目；知识库文件中的条目请修改文件）。");
  }
}
