package xiaofa.knowledge;

import static xiaofa.knowledge.LightMarkdown.escape;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public, phone-readable pages of the knowledge, mounted at {@code /kb}: a WeChat reply's news card opens {@code
 * /kb/{id}} (one power item, disclosure page, publicity Q&A or law article, with its 依据 linked to the cited
 * articles) and the official account's menu links to the lists at {@code /kb/} ({@code ?type=power|disclosure|publicity}
 * for one list). The chat can only carry a short answer; these pages carry the whole entry.
 *
 * <p>Server-rendered HTML with no script and no inline style, so a strict Content-Security-Policy holds; the only
 * other resources are {@code /kb.css} and {@code /xiaofa.svg} from the static webroot. Every text from the knowledge
 * is escaped ({@link LightMarkdown}); ids are checked against a safe pattern before any lookup. Rendering is a map
 * lookup and string building on the live index generation: cheap, no I/O, so it runs on the event loop.
 */
public final class KnowledgePages {
  private static final Logger log = LoggerFactory.getLogger(KnowledgePages.class);

  static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  static final String NOT_FOUND = "没有找到这条内容，可能已更新或下线。";
  static final String LOADING = "小法正在加载知识库，请稍后刷新。";

  /**
   * What an id may look like: publicity and disclosure ids ({@code pf-labor-001}, {@code gk-ysqgk-deadline}), power
   * items ({@code power-XK-001}) and law articles ({@code law-劳动合同法-30}). Anything else is a 404 without lookup.
   */
  private static final Pattern SAFE_ID = Pattern.compile("[\\p{IsHan}A-Za-z0-9][\\p{IsHan}A-Za-z0-9._()（）-]{0,159}");

  /** The types the index lists, in the order of its sections; law articles (thousands) are reached through 依据. */
  private static final List<EntryType> LISTED = List.of(EntryType.POWER, EntryType.DISCLOSURE, EntryType.PUBLICITY);

  /** Power types in the order residents need them: what they apply for first, what is done to them last. */
  private static final List<String> POWER_TYPES = List.of("行政许可", "行政确认", "行政给付", "行政奖励", "行政检查", "行政处罚", "行政强制", "其他行政权力");

  /** Disclosure columns in the order of the zone's 政务公开 site. */
  private static final List<String> COLUMNS = List.of("机构简介", "权责清单", "财政资金", "提案办理", "政务公开工作要点", "依申请公开");

  /** The power-list columns shown in the item's table, with the label a resident reads. */
  private static final Map<String, String> POWER_FIELDS = labels(
      "承办机构", "办理机构",
      "申请材料", "申请材料",
      "法定办理时限", "法定办理时限",
      "承诺办理时限", "承诺办理时限",
      "收费标准", "收费标准",
      "咨询方式", "咨询方式",
      "实施主体", "实施主体");

  /** Columns for the curious, folded away. */
  private static final Map<String, String> POWER_DUTIES = labels("责任事项", "责任事项", "追责情形", "追责情形");

  private static final String FOOTER = """
      <footer class="site-footer">
      <p>有疑问可在公众号回复“转人工”，由法律顾问为您解答。遇到人身危险请立即拨打 <a href="tel:110">110</a>。</p>
      <p><a href="/kb/">返回知识库目录</a></p>
      </footer>
      """;

  private KnowledgePages() {}

  /** The pages, relative to their mount point ({@code /kb}). */
  public static Router router(Vertx vertx, KnowledgeService service) {
    Router r = Router.router(vertx);
    r.getWithRegex("/?").handler(ctx -> index(ctx, service)); // "/kb/" and "/kb"
    r.get("/:id").handler(ctx -> entry(ctx, service));
    r.route().handler(ctx -> ctx.fail(ctx.request().method() == HttpMethod.GET ? 404 : 405));
    r.route().failureHandler(KnowledgePages::failure);
    return r;
  }

  // ---------- handlers ----------

  private static void index(RoutingContext ctx, KnowledgeService service) {
    List<EntryType> types = LISTED;
    List<String> type = ctx.queryParam("type");
    if (!type.isEmpty() && !type.get(0).isBlank()) {
      Optional<EntryType> t = EntryType.fromKey(type.get(0).strip()).filter(LISTED::contains);
      if (t.isEmpty()) {
        error(ctx, 400, "参数 type 只能是 power（办事指南）、disclosure（政务公开）或 publicity（普法问答）。");
        return;
      }
      types = List.of(t.get());
    }
    Optional<KnowledgeBase> kb = service.live();
    if (!service.isReady() || kb.isEmpty()) {
      error(ctx, 503, LOADING);
      return;
    }
    send(ctx, 200, page(types.size() == 1 ? section(types.get(0)) + " · 小法知识库" : "小法知识库", indexBody(kb.get(), types)));
  }

  private static void entry(RoutingContext ctx, KnowledgeService service) {
    String id = ctx.pathParam("id");
    if (id == null || !SAFE_ID.matcher(id).matches()) {
      error(ctx, 404, NOT_FOUND);
      return;
    }
    if (!service.isReady()) {
      error(ctx, 503, LOADING);
      return;
    }
    Optional<KnowledgeEntry> e = service.entry(id);
    if (e.isEmpty()) {
      error(ctx, 404, NOT_FOUND);
      return;
    }
    send(ctx, 200, page(e.get().title() + " · 小法", entryBody(e.get(), service)));
  }

  private static void failure(RoutingContext ctx) {
    int status = ctx.failure() instanceof HttpException h ? h.getStatusCode() : ctx.statusCode();
    if (status < 400) {
      status = 500;
    }
    if (status >= 500) {
      log.error("request {} {} {} failed ({})", UUID.randomUUID(), ctx.request().method(), ctx.request().path(), status, ctx.failure());
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    error(ctx, status, switch (status) {
      case 404 -> NOT_FOUND;
      case 405 -> "这里的页面只能浏览。";
      case 503 -> LOADING;
      default -> status >= 500 ? "页面暂时打不开，请稍后刷新。" : "请求无法处理。";
    });
  }

  // ---------- pages ----------

  private static String entryBody(KnowledgeEntry e, KnowledgeService service) {
    StringBuilder sb = new StringBuilder("<article class=\"entry entry-").append(e.type().key()).append("\">\n");
    sb.append("<p class=\"label label-").append(e.type().key()).append("\">").append(label(e.type())).append("</p>\n");
    sb.append("<h1>").append(escape(e.title())).append("</h1>\n");
    switch (e.type()) {
      case POWER -> power(sb, e, service);
      case LAW -> law(sb, e, service);
      default -> {
        String meta = e.type() == EntryType.DISCLOSURE ? "栏目：" + nullToEmpty(e.topic()) : publicityMeta(e);
        if (!meta.isBlank()) {
          sb.append("<p class=\"meta\">").append(escape(meta)).append("</p>\n");
        }
        sb.append("<div class=\"body\">\n").append(LightMarkdown.render(e.body())).append("</div>\n");
        basis(sb, e, service);
      }
    }
    return sb.append("</article>\n").toString();
  }

  private static String publicityMeta(KnowledgeEntry e) {
    String category = Category.fromId(nullToEmpty(e.category())).map(Category::label).orElse("");
    String topic = nullToEmpty(e.topic());
    if (topic.isEmpty() || topic.equals(category)) {
      return category;
    }
    return category.isEmpty() ? topic : category + " · " + topic;
  }

  private static void power(StringBuilder sb, KnowledgeEntry e, KnowledgeService service) {
    Map<String, String> f = e.fields();
    sb.append("<p class=\"meta\">").append(escape(f.getOrDefault("职权类型", ""))).append(" · 事项编码 ").append(escape(f.getOrDefault("职权编码", ""))).append("</p>\n");
    sb.append("<dl class=\"fields\">\n");
    List<String> channels = PowerListParser.split(f.get("办理渠道"));
    String how = channels.contains("不见面审批") ? "支持不见面审批，可全程网上办理" : channels.contains("网上办理") ? "可以网上申请" : "需到窗口办理";
    sb.append("<div class=\"field field-channel\"><dt>办理方式</dt><dd><strong>").append(how).append("</strong>");
    if (!channels.isEmpty()) {
      sb.append("<br><span class=\"channels\">").append(escape(String.join("、", channels))).append("</span>");
    }
    sb.append("</dd></div>\n");
    fields(sb, f, POWER_FIELDS);
    sb.append("</dl>\n");
    basis(sb, e, service);
    if (POWER_DUTIES.keySet().stream().anyMatch(c -> !f.getOrDefault(c, "").isBlank())) {
      sb.append("<details class=\"duties\"><summary>责任事项与追责情形</summary>\n<dl class=\"fields\">\n");
      fields(sb, f, POWER_DUTIES);
      sb.append("</dl></details>\n");
    }
  }

  /** The given columns as {@code <dt>}/{@code <dd>} rows; multi-valued ones (；-separated) as a list. */
  private static void fields(StringBuilder sb, Map<String, String> f, Map<String, String> labels) {
    labels.forEach((column, label) -> {
      List<String> values = PowerListParser.split(f.get(column));
      if (values.isEmpty()) {
        return;
      }
      sb.append("<div class=\"field\"><dt>").append(label).append("</dt><dd>");
      if (values.size() == 1) {
        sb.append(escape(values.get(0)));
      } else {
        sb.append(column.equals("申请材料") ? "<ol>" : "<ul>");
        values.forEach(v -> sb.append("<li>").append(escape(v)).append("</li>"));
        sb.append(column.equals("申请材料") ? "</ol>" : "</ul>");
      }
      sb.append("</dd></div>\n");
    });
  }

  private static void law(StringBuilder sb, KnowledgeEntry e, KnowledgeService service) {
    sb.append("<dl class=\"fields law-meta\">\n<div class=\"field\"><dt>法律</dt><dd>").append(escape(nullToEmpty(e.law()))).append("</dd></div>\n");
    if (e.chapter() != null && !e.chapter().isBlank()) {
      sb.append("<div class=\"field\"><dt>章节</dt><dd>").append(escape(e.chapter())).append("</dd></div>\n");
    }
    sb.append("</dl>\n<div class=\"body law-text\">\n");
    for (String line : e.body().split("\r?\n")) {
      if (!line.isBlank()) {
        sb.append("<p>").append(escape(line.strip())).append("</p>\n");
      }
    }
    sb.append("</div>\n<p class=\"note-small\">以上为条文原文。法律如有修订，以国家法律法规数据库公布的现行文本为准；具体怎么适用要看您的情况。</p>\n");
    if (e.law() != null && e.article() != null) {
      Optional<KnowledgeEntry> prev = service.entry(LawParser.lawId(e.law(), e.article() - 1));
      Optional<KnowledgeEntry> next = service.entry(LawParser.lawId(e.law(), e.article() + 1));
      if (prev.isPresent() || next.isPresent()) {
        sb.append("<nav class=\"pager\">");
        prev.ifPresent(p -> sb.append("<a class=\"prev\" href=\"").append(href(p.id())).append("\">上一条：第").append(ChineseNumerals.format(p.article())).append("条</a>"));
        next.ifPresent(n -> sb.append("<a class=\"next\" href=\"").append(href(n.id())).append("\">下一条：第").append(ChineseNumerals.format(n.article())).append("条</a>"));
        sb.append("</nav>\n");
      }
    }
  }

  /**
   * 依据: each basis line as written; a cited law article the index holds links to its page. Citations are resolved
   * as the chat answers resolve them ({@link Citation}).
   */
  private static void basis(StringBuilder sb, KnowledgeEntry e, KnowledgeService service) {
    if (e.basis().isEmpty()) {
      return;
    }
    sb.append("<section class=\"basis\">\n<h2>依据</h2>\n<ul>\n");
    for (String b : e.basis()) {
      Optional<KnowledgeEntry> article = Citation.parse(b).flatMap(c -> service.entry(c.entryId())).filter(a -> a.type() == EntryType.LAW);
      sb.append("<li>");
      if (article.isPresent() && linkable(article.get().id())) {
        sb.append("<a href=\"").append(href(article.get().id())).append("\">").append(escape(b)).append("</a>");
      } else {
        sb.append(escape(b));
      }
      sb.append("</li>\n");
    }
    sb.append("</ul>\n</section>\n");
  }

  private static String indexBody(KnowledgeBase kb, List<EntryType> types) {
    StringBuilder sb = new StringBuilder("<div class=\"index\">\n");
    boolean all = types.size() > 1;
    sb.append("<h1>").append(all ? "小法知识库" : section(types.get(0))).append("</h1>\n");
    sb.append("<nav class=\"tabs\">");
    sb.append(all ? "<span class=\"tab current\">全部</span>" : "<a class=\"tab\" href=\"/kb/\">全部</a>");
    for (EntryType t : LISTED) {
      if (!all && types.get(0) == t) {
        sb.append("<span class=\"tab current\">").append(label(t)).append("</span>");
      } else {
        sb.append("<a class=\"tab\" href=\"/kb/?type=").append(t.key()).append("\">").append(label(t)).append("</a>");
      }
    }
    sb.append("</nav>\n");
    if (all) {
      sb.append("<p class=\"intro\">平江高新区的办事指南、政务公开信息和普法问答。点标题查看全文和法律依据。</p>\n");
    }
    for (EntryType t : types) {
      Map<String, List<KnowledgeEntry>> groups = groups(kb.entries(), t);
      int count = groups.values().stream().mapToInt(List::size).sum();
      sb.append("<section class=\"kb-section\" id=\"").append(t.key()).append("\">\n");
      if (all) {
        sb.append("<h2>").append(section(t)).append(" <span class=\"count\">").append(count).append(" 条</span></h2>\n");
      }
      if (count == 0) {
        sb.append("<p class=\"empty\">暂无内容。</p>\n");
      }
      groups.forEach((group, entries) -> {
        sb.append("<h3>").append(escape(group)).append(" <span class=\"count\">").append(entries.size()).append("</span></h3>\n<ul class=\"links\">\n");
        for (KnowledgeEntry e : entries) {
          sb.append("<li>");
          if (linkable(e.id())) {
            sb.append("<a href=\"").append(href(e.id())).append("\">").append(escape(e.title())).append("</a>");
          } else {
            sb.append(escape(e.title()));
          }
          if (t == EntryType.POWER && PowerListParser.split(e.fields().get("办理渠道")).contains("不见面审批")) {
            sb.append(" <span class=\"tag\">不见面审批</span>");
          }
          sb.append("</li>\n");
        }
        sb.append("</ul>\n");
      });
      sb.append("</section>\n");
    }
    return sb.append("</div>\n").toString();
  }

  /**
   * The entries of one type, grouped: power items by 职权类型, disclosure pages by column (the column's overview page
   * first), publicity Q&A by topic (防电诈, 法律援助 … say more to a resident than the 11 routing categories), the
   * topics in the order of their routing category.
   */
  static Map<String, List<KnowledgeEntry>> groups(List<KnowledgeEntry> all, EntryType type) {
    Map<String, List<KnowledgeEntry>> groups = new LinkedHashMap<>();
    Map<String, Integer> rank = new LinkedHashMap<>();
    for (KnowledgeEntry e : all) {
      if (e.type() != type) {
        continue;
      }
      String group;
      int order;
      switch (type) {
        case POWER -> {
          group = e.fields().getOrDefault("职权类型", nullToEmpty(e.topic()));
          order = orderOf(POWER_TYPES, group);
        }
        case DISCLOSURE -> {
          group = nullToEmpty(e.topic());
          order = orderOf(COLUMNS, group);
        }
        default -> {
          Optional<Category> c = Category.fromId(nullToEmpty(e.category()));
          group = e.topic() != null && !e.topic().isBlank() ? e.topic() : c.map(Category::label).orElse("");
          order = c.map(Enum::ordinal).orElse(Category.values().length);
        }
      }
      if (group.isBlank()) {
        group = "其他";
      }
      groups.computeIfAbsent(group, g -> new ArrayList<>()).add(e);
      rank.merge(group, order, Math::min);
    }
    if (type == EntryType.DISCLOSURE) {
      groups.values().forEach(l -> l.sort(Comparator.comparing(KnowledgeEntry::id)));
    }
    List<String> keys = new ArrayList<>(groups.keySet());
    keys.sort(Comparator.comparing(rank::get)); // stable: groups of equal rank keep their first appearance
    Map<String, List<KnowledgeEntry>> out = new LinkedHashMap<>();
    keys.forEach(k -> out.put(k, groups.get(k)));
    return out;
  }

  private static int orderOf(List<String> order, String value) {
    int i = order.indexOf(value);
    return i < 0 ? order.size() : i;
  }

  // ---------- helpers ----------

  static String label(EntryType t) {
    return switch (t) {
      case POWER -> "办事指南";
      case DISCLOSURE -> "政务公开";
      case PUBLICITY -> "普法问答";
      case LAW -> "法律条文";
    };
  }

  private static String section(EntryType t) {
    return t == EntryType.POWER ? "办事指南（权责清单）" : label(t);
  }

  private static boolean linkable(String id) {
    return SAFE_ID.matcher(id).matches();
  }

  /** The page of an id that passed {@link #SAFE_ID}, percent-encoded (law ids are Chinese). */
  private static String href(String id) {
    return "/kb/" + escape(URLEncoder.encode(id, StandardCharsets.UTF_8));
  }

  private static String page(String title, String main) {
    return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<meta name=\"theme-color\" content=\"#0e6b63\">\n"
        + "<title>" + escape(title) + "</title>\n"
        + "<link rel=\"icon\" href=\"/xiaofa.svg\" type=\"image/svg+xml\">\n"
        + "<link rel=\"stylesheet\" href=\"/kb.css\">\n</head>\n<body>\n"
        + "<header class=\"site-header\"><a class=\"brand\" href=\"/kb/\"><img src=\"/xiaofa.svg\" alt=\"\" width=\"32\" height=\"32\">"
        + "<span>小法 · 平江高新区公共法律服务</span></a></header>\n"
        + "<main>\n" + main + "</main>\n" + FOOTER + "</body>\n</html>\n";
  }

  private static void error(RoutingContext ctx, int status, String message) {
    send(ctx, status, page(message, "<div class=\"error\">\n<h1>" + escape(message) + "</h1>\n<p><a href=\"/kb/\">返回知识库目录</a></p>\n</div>\n"));
  }

  /** Every response goes out here, with the security headers; a 5xx is not cached (it says "refresh"). */
  private static void send(RoutingContext ctx, int status, String html) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", status >= 500 ? "no-store" : "public, max-age=300")
        .end(html);
  }

  private static Map<String, String> labels(String... columnsAndLabels) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < columnsAndLabels.length; i += 2) {
      m.put(columnsAndLabels[i], columnsAndLabels[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
