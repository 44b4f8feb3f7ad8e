package xiaofa.channel.wechat;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The official account's menu, kept in {@code channels/wechat/menu.json} in WeChat's own format plus one field of
 * ours: a {@code click} button's {@code say}, what xiaofa does when it is clicked (the words a resident would type:
 * "转人工", "查询进度", a question). {@code {public}} in a {@code view} button's URL stands for the service's public
 * URL. The same file drives both the published menu ({@link #apiJson}) and the answers to clicks ({@link #say}), so
 * they cannot drift apart. Checked against WeChat's limits when loaded; problems are reported in Chinese, for the
 * editor.
 */
public final class WeChatMenu {
  public static final String FILE = "channels/wechat/menu.json";
  private static final String PUBLIC = "{public}";

  private final JsonObject source;
  private final Map<String, String> says;

  private WeChatMenu(JsonObject source, Map<String, String> says) {
    this.source = source;
    this.says = says;
  }

  /** The menu from {@code file}, else {@code channels/wechat/menu.json} in the working folder, else the jar's copy. */
  public static WeChatMenu load(Optional<Path> file) {
    try {
      Path local = file.orElse(Path.of(FILE));
      if (Files.isRegularFile(local)) {
        return parse(Files.readString(local, StandardCharsets.UTF_8), local.toString());
      }
      try (InputStream in = WeChatMenu.class.getResourceAsStream("/" + FILE)) {
        if (in == null) {
          throw new IllegalArgumentException("no " + FILE + " in the working folder or the jar");
        }
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "jar:" + FILE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses and checks a menu; {@link IllegalArgumentException} lists every problem. */
  public static WeChatMenu parse(String json, String where) {
    JsonObject menu;
    try {
      menu = new JsonObject(json);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(where + "：不是合法的 JSON（" + e.getMessage() + "）");
    }
    List<String> problems = new ArrayList<>();
    Map<String, String> says = new LinkedHashMap<>();
    JsonArray top = menu.getJsonArray("button");
    if (top == null || top.isEmpty() || top.size() > 3) {
      problems.add("button 应有 1 到 3 个一级菜单");
      top = top == null ? new JsonArray() : top;
    }
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < top.size(); i++) {
      JsonObject b = top.getJsonObject(i);
      String at = "第 " + (i + 1) + " 个一级菜单";
      checkName(b, at, 16, problems);
      JsonArray subs = b.getJsonArray("sub_button");
      if (subs != null) {
        if (subs.isEmpty() || subs.size() > 5) {
          problems.add(at + "：sub_button 应有 1 到 5 个二级菜单");
        }
        for (int j = 0; j < subs.size(); j++) {
          checkButton(subs.getJsonObject(j), at + "的第 " + (j + 1) + " 个二级菜单", 60, problems, keys, says);
        }
      } else {
        checkButton(b, at, 16, problems, keys, says);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(where + " 有问题：" + String.join("；", problems));
    }
    return new WeChatMenu(menu, Map.copyOf(says));
  }

  private static void checkName(JsonObject b, String at, int maxBytes, List<String> problems) {
    String name = b.getString("name", "");
    if (name.isBlank()) {
      problems.add(at + "：缺少 name");
    } else if (name.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      problems.add(at + "“" + name + "”：名称超过 " + maxBytes + " 字节（约 " + maxBytes / 3 + " 个汉字）");
    }
  }

  private static void checkButton(JsonObject b, String at, int maxBytes, List<String> problems, Set<String> keys, Map<String, String> says) {
    checkName(b, at, maxBytes, problems);
    String type = b.getString("type", "");
    switch (type) {
      case "click" -> {
        String key = b.getString("key", "");
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > 128) {
          problems.add(at + "：click 菜单需要 1 到 128 字节的 key");
        } else if (!keys.add(key)) {
          problems.add(at + "：key " + key + " 重复");
        }
        String say = b.getString("say", "");
        if (say.isBlank()) {
          problems.add(at + "：click 菜单需要 say（点击后小法按这句话回答）");
        }
        says.put(key, say.strip());
      }
      case "view" -> {
        String url = b.getString("url", "");
        if (!(url.startsWith(PUBLIC + "/") || url.startsWith("https://") || url.startsWith("http://")) || url.length() > 1024) {
          problems.add(at + "：view 菜单需要以 http(s):// 或 {public}/ 开头、不超过 1024 字节的 url");
        }
      }
      default -> problems.add(at + "：type 应为 click 或 view，而不是“" + type + "”");
    }
  }

  /** What a click on {@code key} means, as the words a resident would type. */
  public Optional<String> say(String key) {
    return Optional.ofNullable(says.get(key));
  }

  /** The click keys. */
  public Set<String> keys() {
    return says.keySet();
  }

  /**
   * The menu as WeChat's {@code menu/create} takes it: {@code say} removed, {@code {public}} replaced. Fails when a
   * link needs the public URL and none is configured.
   */
  public JsonObject apiJson(Optional<URI> publicUrl) {
    JsonObject copy = source.copy();
    for (Object o : copy.getJsonArray("button")) {
      JsonObject b = (JsonObject) o;
      strip(b, publicUrl);
      JsonArray subs = b.getJsonArray("sub_button");
      if (subs != null) {
        for (Object s : subs) {
          strip((JsonObject) s, publicUrl);
        }
      }
    }
    return copy;
  }

  private static void strip(JsonObject b, Optional<URI> publicUrl) {
    b.remove("say");
    String url = b.getString("url");
    if (url != null && url.startsWith(PUBLIC)) {
      String base = publicUrl.map(URI::toString)
          .orElseThrow(() -> new IllegalStateException("the menu links to " + url + ": set XIAOFA_PUBLIC_URL to the service's public https URL"));
      b.put("url", base + url.substring(PUBLIC.length()));
    }
  }
}
