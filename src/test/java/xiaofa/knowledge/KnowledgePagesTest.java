package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import xiaofa.Main;
import xiaofa.platform.AppConfig;

/** The public knowledge pages at /kb/ as a resident's phone gets them from a WeChat news card or menu link. */
@ExtendWith(VertxExtension.class)
class KnowledgePagesTest {
  static final String XSS = "<script>alert(1)</script>";
  static final Pattern HREF = Pattern.compile("href=\"(/kb/[^\"]*)\"");

  @TempDir static Path tmp;
  static Main.App app;
  static WebClient client;

  @BeforeAll
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  static void start(Vertx vertx) throws Exception {
    Path knowledge = tmp.resolve("knowledge");
    Files.createDirectories(knowledge.resolve("publicity"));
    Files.createDirectories(knowledge.resolve("disclosure"));
    Files.createDirectories(knowledge.resolve("power-list"));
    Files.writeString(knowledge.resolve("publicity/wage.md"), """
        ---
        id: pf-labor-001
        title: 老板拖欠工资怎么办
        category: labor
        topic: 劳动维权
        basis:
          - 《中华人民共和国劳动合同法》第三十条
          - 《中华人民共和国民法典》第五百七十七条
        ---
        ## 怎么办
        1. **先固定证据**：劳动合同、考勤记录、工资条。
        2. 向劳动保障监察投诉：
           - 带身份证
           - 带证据
           每次都留下记录。

        > 本页电话为**示例**。

        ## 到哪里办
        - 平江县劳动人事争议仲裁委员会（0730-0000xxxx，示例）
        """);
    Files.writeString(knowledge.resolve("publicity/xss.md"), """
        ---
        id: pf-general-099
        title: "<script>alert(1)</script>奇怪的链接能点吗"
        category: general
        topic: "<b>话题</b>"
        basis: ["<script>alert(1)</script>《中华人民共和国劳动合同法》第三十条"]
        ---
        ## <script>alert(1)</script>小标题
        正文里有 <script>alert(1)</script> 和 <img src=x onerror=alert(1)> 以及 [点我](javascript:alert(1))。
        - **<i>加粗</i>** & "引号" 'single'
        | 列<script> | 值 |
        |---|---|
        | <script>alert(1)</script> | **粗** |
        """);
    Files.writeString(knowledge.resolve("disclosure/gk-ysqgk-deadline.md"), """
        ---
        id: gk-ysqgk-deadline
        title: 依申请公开：答复期限
        column: 依申请公开
        ---
        ## 答复期限
        不能当场答复的，自收到申请之日起 **20个工作日内**答复。
        """);
    Files.writeString(knowledge.resolve("power-list/list.csv"), String.join(",", PowerListParser.COLUMNS) + "\n"
        + "XK-001,建筑工程施工许可证核发,行政许可,《中华人民共和国建筑法》第七条,平江高新区管理委员会,高新区行政审批服务局,15个工作日,5个工作日,不收费,施工许可申请表；施工合同,窗口办理；网上办理；不见面审批,0730-0000xxxx（示例）,受理责任：一次性告知,违法收费的\n"
        + "CF-001,对拖欠工资的处罚,行政处罚,《中华人民共和国劳动合同法》第三十条,平江高新区管理委员会,高新区社会事务局,,,不收费,,窗口办理,0730-0000xxxx（示例）,,\n");
    Path laws = tmp.resolve("laws");
    Files.createDirectories(laws);
    Files.writeString(laws.resolve("劳动合同法.md"), """
        # 中华人民共和国劳动合同法
        <!-- INFO END -->
        ## 第四章 劳动合同的履行和变更
        第二十九条 用人单位与劳动者应当按照劳动合同的约定，全面履行各自的义务。
        第三十条 用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。
        用人单位拖欠或者未足额支付劳动报酬的，劳动者可以依法向当地人民法院申请支付令。
        """);
    app = Main.start(vertx, AppConfig.forTest(tmp.resolve("data"), knowledge, laws), java.time.Clock.systemUTC()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    app.ready().toCompletionStage().toCompletableFuture().get(110, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(app.port()).setDefaultHost("127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    app.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> get(String uri) throws Exception {
    return get(client, uri);
  }

  static HttpResponse<Buffer> get(WebClient c, String uri) throws Exception {
    return c.get(uri).send().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static String page(String uri) throws Exception {
    HttpResponse<Buffer> r = get(uri);
    assertEquals(200, r.statusCode(), uri);
    return r.bodyAsString();
  }

  static List<String> links(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = HREF.matcher(html);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static void assertPageHeaders(HttpResponse<Buffer> r) {
    assertEquals("text/html; charset=utf-8", r.getHeader("Content-Type"));
    assertEquals("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'", r.getHeader("Content-Security-Policy"));
    assertEquals("nosniff", r.getHeader("X-Content-Type-Options"));
    assertEquals("no-referrer", r.getHeader("Referrer-Policy"));
  }

  @Test
  @DisplayName("a publicity page shows its title, body and 依据, and the cited article's link opens that article")
  void publicityPage() throws Exception {
    HttpResponse<Buffer> r = get("/kb/pf-labor-001");
    assertEquals(200, r.statusCode());
    assertPageHeaders(r);
    assertEquals("public, max-age=300", r.getHeader("Cache-Control"));
    String html = r.bodyAsString();
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("<html lang=\"zh-CN\">"));
    assertTrue(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    assertTrue(html.contains("<link rel=\"stylesheet\" href=\"/kb.css\">"));
    assertTrue(html.contains("<h1>老板拖欠工资怎么办</h1>"));
    assertTrue(html.contains(">普法问答<"));
    assertTrue(html.contains("劳动争议 · 劳动维权"));
    assertTrue(html.contains("<h2>怎么办</h2>"));
    assertTrue(html.contains("<li><strong>先固定证据</strong>：劳动合同、考勤记录、工资条。"));
    assertTrue(html.contains("<ul><li>带身份证</li><li>带证据</li></ul>每次都留下记录。"), "sub-items and continuation stay in their item");
    assertTrue(html.contains("<blockquote class=\"note\"><p>本页电话为<strong>示例</strong>。</p></blockquote>"), "示例 notes stay visible");
    assertTrue(html.contains("0730-0000xxxx，示例"));
    assertTrue(html.contains("有疑问可在公众号回复“转人工”，由法律顾问为您解答。遇到人身危险请立即拨打"));
    assertTrue(html.contains("href=\"/kb/\""));

    String articleHref = "/kb/" + java.net.URLEncoder.encode("law-劳动合同法-30", java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(html.contains("<a href=\"" + articleHref + "\">《中华人民共和国劳动合同法》第三十条</a>"), html);
    assertTrue(html.contains("<li>《中华人民共和国民法典》第五百七十七条</li>"), "a law outside the corpus is cited without a link");

    HttpResponse<Buffer> article = get(articleHref);
    assertEquals(200, article.statusCode());
    assertPageHeaders(article);
    String law = article.bodyAsString();
    assertTrue(law.contains(">法律条文<"));
    assertTrue(law.contains("<h1>《中华人民共和国劳动合同法》第三十条</h1>"));
    assertTrue(law.contains("中华人民共和国劳动合同法</dd>"));
    assertTrue(law.contains("第四章 劳动合同的履行和变更"));
    assertTrue(law.contains("<p>第三十条 用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。</p>"));
    assertTrue(law.contains("劳动者可以依法向当地人民法院申请支付令。"));
    assertTrue(law.contains("上一条：第二十九条"));
    assertEquals(200, get(links(law).stream().filter(l -> l.contains("29")).findFirst().orElseThrow()).statusCode());
  }

  @Test
  @DisplayName("a power item shows its office, time limits, fee, materials and whether it can be done without a visit")
  void powerPage() throws Exception {
    HttpResponse<Buffer> r = get("/kb/power-XK-001");
    assertEquals(200, r.statusCode());
    assertPageHeaders(r);
    String html = r.bodyAsString();
    assertTrue(html.contains("<h1>建筑工程施工许可证核发</h1>"));
    assertTrue(html.contains(">办事指南<"));
    assertTrue(html.contains("行政许可 · 事项编码 XK-001"));
    assertTrue(html.contains("<dt>办理方式</dt><dd><strong>支持不见面审批，可全程网上办理</strong>"));
    assertTrue(html.contains("窗口办理、网上办理、不见面审批"));
    assertTrue(html.contains("<dt>办理机构</dt><dd>高新区行政审批服务局</dd>"));
    assertTrue(html.contains("<dt>法定办理时限</dt><dd>15个工作日</dd>"));
    assertTrue(html.contains("<dt>承诺办理时限</dt><dd>5个工作日</dd>"));
    assertTrue(html.contains("<dt>收费标准</dt><dd>不收费</dd>"));
    assertTrue(html.contains("<dt>申请材料</dt><dd><ol><li>施工许可申请表</li><li>施工合同</li></ol></dd>"));
    assertTrue(html.contains("<dt>咨询方式</dt><dd>0730-0000xxxx（示例）</dd>"));
    assertTrue(html.contains("<li>《中华人民共和国建筑法》第七条</li>"), "建筑法 is not in the corpus: no link");
    assertTrue(html.contains("<summary>责任事项与追责情形</summary>"));

    String walkIn = page("/kb/power-CF-001");
    assertTrue(walkIn.contains("<strong>需到窗口办理</strong>"));
    assertFalse(walkIn.contains("<dt>法定办理时限</dt>"), "empty columns are left out");
    assertTrue(walkIn.contains("href=\"/kb/law-"), "a cited corpus article links to its page");
  }

  @Test
  @DisplayName("a disclosure page renders its column and body")
  void disclosurePage() throws Exception {
    String html = page("/kb/gk-ysqgk-deadline");
    assertTrue(html.contains(">政务公开<"));
    assertTrue(html.contains("栏目：依申请公开"));
    assertTrue(html.contains("自收到申请之日起 <strong>20个工作日内</strong>答复。"));
  }

  @Test
  @DisplayName("text from the knowledge is escaped: no <script, no injected tag or link target on any page")
  void escaping() throws Exception {
    String html = page("/kb/pf-general-099");
    assertTrue(html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;奇怪的链接能点吗</h1>"));
    assertTrue(html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;奇怪的链接能点吗 · 小法</title>"));
    assertTrue(html.contains("<h2>&lt;script&gt;alert(1)&lt;/script&gt;小标题</h2>"));
    assertTrue(html.contains("和 &lt;img src=x onerror=alert(1)&gt; 以及 点我。"), "a Markdown link keeps its text and loses its target");
    assertTrue(html.contains("<li><strong>&lt;i&gt;加粗&lt;/i&gt;</strong> &amp; &quot;引号&quot; &#39;single&#39;</li>"));
    assertTrue(html.contains("<th>列&lt;script&gt;</th>"));
    assertTrue(html.contains("&lt;b&gt;话题&lt;/b&gt;"));
    assertTrue(html.contains("<a href=\"/kb/law-"), "the citation after the junk still resolves");
    assertFalse(html.contains("javascript:"));
    assertFalse(html.contains("<img src=x"));
    assertFalse(html.contains("<i>"));

    List<String> pages = new ArrayList<>(List.of("/kb/", "/kb", "/kb/?type=power", "/kb/?type=disclosure", "/kb/?type=publicity", "/kb/?type=bad", "/kb/nope", "/kb/%3Cscript%3E"));
    pages.addAll(links(page("/kb/")));
    pages.addAll(links(page("/kb/pf-general-099")));
    pages.addAll(links(page("/kb/pf-labor-001")));
    for (String uri : pages) {
      String body = get(uri).bodyAsString();
      assertFalse(body.toLowerCase(Locale.ROOT).contains("<script"), uri + " contains <script");
      assertFalse(body.contains(" style="), uri + " has an inline style");
    }
  }

  @Test
  @DisplayName("the index lists power items by type, disclosure by column and publicity by topic, and no law articles")
  void index() throws Exception {
    for (String uri : List.of("/kb/", "/kb")) {
      HttpResponse<Buffer> r = get(uri);
      assertEquals(200, r.statusCode(), uri);
      assertPageHeaders(r);
      String html = r.bodyAsString();
      assertTrue(html.contains("<h2>办事指南（权责清单） <span class=\"count\">2 条</span></h2>"));
      assertTrue(html.contains("<h2>政务公开 <span class=\"count\">1 条</span></h2>"));
      assertTrue(html.contains("<h2>普法问答 <span class=\"count\">2 条</span></h2>"));
      assertTrue(html.contains("<h3>行政许可 <span class=\"count\">1</span></h3>"));
      assertTrue(html.contains("<h3>依申请公开 <span class=\"count\">1</span></h3>"));
      assertTrue(html.contains("<h3>劳动维权 <span class=\"count\">1</span></h3>"));
      assertTrue(html.indexOf("行政许可 <span") < html.indexOf("行政处罚 <span"), "permits before penalties");
      assertTrue(html.contains("<a href=\"/kb/power-XK-001\">建筑工程施工许可证核发</a> <span class=\"tag\">不见面审批</span>"));
      assertTrue(html.contains("<a href=\"/kb/gk-ysqgk-deadline\">依申请公开：答复期限</a>"));
      assertTrue(html.contains("<a href=\"/kb/pf-labor-001\">老板拖欠工资怎么办</a>"));
      assertFalse(html.contains("/kb/law-"), "law articles are not listed");
      assertFalse(html.contains("第三十条"));
      for (String link : links(html)) {
        assertEquals(200, get(link).statusCode(), link);
      }
    }
    String power = page("/kb/?type=power");
    assertTrue(power.contains("/kb/power-XK-001"));
    assertFalse(power.contains("/kb/pf-labor-001"));
    assertFalse(power.contains("/kb/gk-ysqgk-deadline"));
    assertTrue(power.contains("<h1>办事指南（权责清单）</h1>"));
    String publicity = page("/kb/?type=publicity");
    assertTrue(publicity.contains("/kb/pf-labor-001"));
    assertFalse(publicity.contains("/kb/power-XK-001"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/kb/?type=bad", "/kb/?type=law", "/kb/?type=%3Cx%3E"})
  @DisplayName("an unknown list type is a 400 page in Chinese")
  void badType(String uri) throws Exception {
    HttpResponse<Buffer> r = get(uri);
    assertEquals(400, r.statusCode());
    assertPageHeaders(r);
    assertTrue(r.bodyAsString().contains("参数 type 只能是 power（办事指南）、disclosure（政务公开）或 publicity（普法问答）。"));
    assertFalse(r.bodyAsString().contains("<x>"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/kb/nope", "/kb/%3Cx%3E", "/kb/..%2F..%2Fetc%2Fpasswd", "/kb/law-%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C%E6%B3%95-999", "/kb/a/b", "/kb/.hidden"})
  @DisplayName("an unknown or malformed id is a 404 page in Chinese")
  void notFound(String uri) throws Exception {
    HttpResponse<Buffer> r = get(uri);
    assertEquals(404, r.statusCode(), uri);
    assertPageHeaders(r);
    String html = r.bodyAsString();
    assertTrue(html.contains("没有找到这条内容，可能已更新或下线。"));
    assertTrue(html.contains("<a href=\"/kb/\">"));
    assertFalse(html.contains("<x>"));
    assertFalse(html.contains("passwd"));
  }

  @Test
  @DisplayName("a path climbing out of /kb/ is not served from anywhere")
  void traversal() throws Exception {
    HttpResponse<Buffer> r = get("/kb/../etc/passwd");
    assertEquals(404, r.statusCode());
    assertFalse(r.bodyAsString().contains("root:"));
  }

  @Test
  @DisplayName("the stylesheet and logo the pages use come from the service itself")
  void assets() throws Exception {
    HttpResponse<Buffer> css = get("/kb.css");
    assertEquals(200, css.statusCode());
    assertTrue(css.getHeader("Content-Type").startsWith("text/css"));
    assertTrue(css.bodyAsString().contains(".fields"));
    assertEquals(200, get("/xiaofa.svg").statusCode());
    String html = page("/kb/pf-labor-001");
    assertFalse(html.contains("http://"));
    assertFalse(html.contains("https://"));
    assertFalse(html.contains("//"), "no protocol-relative URLs either");
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("before the knowledge is loaded the pages say so with a 503 that is not cached")
  void loading(Vertx vertx) throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    KnowledgeService idle = new KnowledgeService(vertx, new KnowledgeSources(Optional.of(empty), Optional.empty(), ""), new KnowledgeIndex(tmp.resolve("idle-index"), null), 1, 10);
    Router root = Router.router(vertx);
    root.route("/kb/*").subRouter(KnowledgePages.router(vertx, idle));
    HttpServer server = vertx.createHttpServer().requestHandler(root).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    WebClient c = WebClient.create(vertx, new WebClientOptions().setDefaultPort(server.actualPort()).setDefaultHost("127.0.0.1"));
    try {
      for (String uri : List.of("/kb/", "/kb/pf-labor-001")) {
        HttpResponse<Buffer> r = get(c, uri);
        assertEquals(503, r.statusCode(), uri);
        assertPageHeaders(r);
        assertEquals("no-store", r.getHeader("Cache-Control"));
        assertTrue(r.bodyAsString().contains("小法正在加载知识库，请稍后刷新。"));
      }
    } finally {
      c.close();
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      idle.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
