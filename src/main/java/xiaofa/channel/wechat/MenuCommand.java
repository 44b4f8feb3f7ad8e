package xiaofa.channel.wechat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.PrintStream;
import xiaofa.platform.AppConfig;

/**
 * {@code java -jar xiaofa.jar wechat-menu [--dry-run]}: checks {@code channels/wechat/menu.json} and publishes it to
 * the official account (or, with {@code --dry-run}, prints what would be sent). It may run while the service runs:
 * it takes its token from {@code stable_token}, which leaves the service's token alone.
 */
public final class MenuCommand {
  private MenuCommand() {}

  /** Runs the command; the exit status is 0 on success. */
  public static int run(AppConfig config, String[] args, PrintStream out, PrintStream err) {
    boolean dryRun = args.length > 1 && args[1].equals("--dry-run");
    if (args.length > 2 || (args.length == 2 && !dryRun)) {
      err.println("usage: java -jar xiaofa.jar wechat-menu [--dry-run]");
      return 2;
    }
    AppConfig.WeChat wc = config.wechat();
    JsonObject menu;
    try {
      menu = WeChatMenu.load(wc.menuFile()).apiJson(wc.publicUrl());
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("xiaofa: " + e.getMessage());
      return 1;
    }
    if (dryRun) {
      out.println(menu.encodePrettily());
      return 0;
    }
    if (!wc.enabled()) {
      err.println("xiaofa: set XIAOFA_WECHAT_TOKEN, XIAOFA_WECHAT_APP_ID and XIAOFA_WECHAT_APP_SECRET to publish the menu");
      return 1;
    }
    Vertx vertx = Vertx.vertx();
    try {
      WeChatApi api = WeChatApi.standalone(vertx, WebClient.create(vertx), wc);
      api.createMenu(menu).await();
      out.println("published the menu of " + wc.appId() + " (" + menu.getJsonArray("button").size() + " top-level buttons); WeChat shows it to followers within minutes");
      return 0;
    } catch (RuntimeException e) {
      err.println("xiaofa: publishing the menu failed: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
    }
  }
}
