package xiaofa.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xiaofa.platform.AppConfig;

/** The menu file: WeChat's limits checked in Chinese for its editor, the published form, and the publish command. */
class WeChatMenuTest {
  static final Optional<URI> PUBLIC = Optional.of(URI.create("https://xiaofa.example.gov.cn"));

  @Test
  @DisplayName("the repository's menu loads, every click says something, and the published form has no say and no {public}")
  void repositoryMenu() {
    WeChatMenu menu = WeChatMenu.load(Optional.of(Path.of(WeChatMenu.FILE)));
    assertEquals(Optional.of("转人工"), menu.say("HANDOFF"));
    assertEquals(Optional.of("查询进度"), menu.say("MY_CASES"));
    assertTrue(menu.keys().size() >= 8);
    String api = menu.apiJson(PUBLIC).encode();
    assertFalse(api.contains("\"say\""), api);
    assertFalse(api.contains("{public}"), api);
    assertTrue(api.contains("https://xiaofa.example.gov.cn/kb/?type=power"), api);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> menu.apiJson(Optional.empty()));
    assertTrue(e.getMessage().contains("XIAOFA_PUBLIC_URL"));
  }

  @Test
  @DisplayName("every problem of a broken menu is reported at once, in Chinese, naming the button")
  void problems() {
    String broken = """
        {"button": [
          {"name": "一个名字特别特别长的菜单", "type": "click", "key": "A", "say": "帮助"},
          {"name": "办事", "sub_button": [
            {"type": "click", "name": "重复", "key": "A", "say": "x"},
            {"type": "click", "name": "没说", "key": "B"},
            {"type": "view", "name": "外链", "url": "ftp://x"},
            {"type": "scancode_push", "name": "扫码", "key": "C"}]},
          {"name": "三"}, {"name": "四", "type": "click", "key": "D", "say": "x"}]}""";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeChatMenu.parse(broken, "menu.json"));
    String m = e.getMessage();
    for (String expected : new String[] {"1 到 3 个一级菜单", "超过 16 字节", "key A 重复", "需要 say", "view 菜单需要", "type 应为 click 或 view"}) {
      assertTrue(m.contains(expected), expected + " missing from: " + m);
    }
    assertThrows(IllegalArgumentException.class, () -> WeChatMenu.parse("{not json", "menu.json"));
  }

  @Test
  @DisplayName("wechat-menu --dry-run prints the published form; wechat-menu publishes it with a stable token")
  void command(@TempDir Path tmp) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FakeWeChatApi fake = new FakeWeChatApi(vertx, Pushes.APP_ID, Pushes.SECRET).start()) {
      Path file = tmp.resolve("menu.json");
      Files.writeString(file, "{\"button\":[{\"type\":\"click\",\"name\":\"帮助\",\"key\":\"HELP\",\"say\":\"帮助\"},"
          + "{\"type\":\"view\",\"name\":\"知识库\",\"url\":\"{public}/kb/\"}]}");
      AppConfig.WeChat wc = new AppConfig.WeChat(Pushes.TOKEN, Pushes.APP_ID, Pushes.SECRET, "", "", fake.base(), Duration.ofMillis(4000), PUBLIC, Optional.of(file));
      AppConfig config = AppConfig.forTest(tmp, null, null).withWeChat(wc);

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(0, MenuCommand.run(config, new String[] {"wechat-menu", "--dry-run"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err)));
      JsonObject printed = new JsonObject(out.toString(StandardCharsets.UTF_8));
      assertEquals("https://xiaofa.example.gov.cn/kb/", printed.getJsonArray("button").getJsonObject(1).getString("url"));
      assertTrue(fake.calls.isEmpty(), "a dry run calls nothing");

      assertEquals(0, MenuCommand.run(config, new String[] {"wechat-menu"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)), err.toString());
      assertEquals(1, fake.stableTokensIssued.get());
      assertEquals(0, fake.tokensIssued.get(), "the service's /cgi-bin/token is left alone");
      JsonObject published = fake.accepted.get(0).body();
      assertEquals(printed, published);

      assertEquals(2, MenuCommand.run(config, new String[] {"wechat-menu", "--force"}, new PrintStream(out), new PrintStream(err)));
      AppConfig off = AppConfig.forTest(tmp, null, null).withWeChat(new AppConfig.WeChat("", "", "", "", "", fake.base(), Duration.ZERO, PUBLIC, Optional.of(file)));
      ByteArrayOutputStream offErr = new ByteArrayOutputStream();
      assertEquals(1, MenuCommand.run(off, new String[] {"wechat-menu"}, new PrintStream(out), new PrintStream(offErr, true, StandardCharsets.UTF_8)));
      assertTrue(offErr.toString(StandardCharsets.UTF_8).contains("XIAOFA_WECHAT_TOKEN"));
    } finally {
      vertx.close().await();
    }
  }
}
