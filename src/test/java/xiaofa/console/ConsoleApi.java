package xiaofa.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import xiaofa.Main;
import xiaofa.platform.AppConfig;

/**
 * The console API over real HTTP, for the console's tests: one started application (the repository's knowledge, the
 * shared law corpus when present, the data dir the other in-process tests use, so the index is reused) and a web
 * client speaking JSON with bearer tokens.
 */
final class ConsoleApi {
  static final Path SHARED_LAWS = Path.of("../shared/data/laws");

  final Main.App app;
  final WebClient client;

  private ConsoleApi(Main.App app, WebClient client) {
    this.app = app;
    this.client = client;
  }

  /** The configuration of the in-process tests (fresh in-memory database, admin password {@code TEST_ADMIN_PASSWORD}). */
  static AppConfig config() {
    return AppConfig.forTest(Path.of("target/test-data/chat-app"), Path.of("knowledge"), Files.isDirectory(SHARED_LAWS) ? SHARED_LAWS : null);
  }

  /** Starts the application and waits until it is ready. */
  static ConsoleApi start(Vertx vertx, AppConfig config, Clock clock) throws Exception {
    Main.App app = Main.start(vertx, config, clock).await(60, TimeUnit.SECONDS);
    app.ready().await(300, TimeUnit.SECONDS);
    return new ConsoleApi(app, WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port())));
  }

  void stop() throws Exception {
    client.close();
    app.stop().await(30, TimeUnit.SECONDS);
  }

  /** {@code POST /console/api/login}, whatever it answers. */
  HttpResponse<Buffer> login(String username, String password) throws Exception {
    return send(HttpMethod.POST, "/login", null, new JsonObject().put("username", username).put("password", password));
  }

  /** A token for this user name and password (asserts a 200). */
  String token(String username, String password) throws Exception {
    HttpResponse<Buffer> r = login(username, password);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getString("token");
  }

  String adminToken() throws Exception {
    return token("admin", AppConfig.TEST_ADMIN_PASSWORD);
  }

  /** One request to {@code /console/api + path}; {@code body} null sends none. */
  HttpResponse<Buffer> send(HttpMethod method, String path, String token, JsonObject body) throws Exception {
    HttpRequest<Buffer> req = client.request(method, "/console/api" + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return (body == null ? req.send() : req.sendJsonObject(body)).await(30, TimeUnit.SECONDS);
  }

  /** One request that must answer {@code status}; its JSON body. */
  JsonObject expect(int status, HttpMethod method, String path, String token, JsonObject body) throws Exception {
    HttpResponse<Buffer> r = send(method, path, token, body);
    assertEquals(status, r.statusCode(), method + " " + path + ": " + r.bodyAsString());
    return r.body() == null || r.body().length() == 0 ? new JsonObject() : r.bodyAsJsonObject();
  }

  /** Creates an advisor account through the API (as {@code adminToken}) and returns its JSON ({@code user}, {@code password}). */
  JsonObject createAccount(String adminToken, String username, String role, String advisorId, String password) throws Exception {
    JsonObject body = new JsonObject().put("username", username).put("displayName", "测试" + username).put("role", role);
    if (advisorId != null) {
      body.put("advisorId", advisorId);
    }
    if (password != null) {
      body.put("password", password);
    }
    return expect(201, HttpMethod.POST, "/admin/users", adminToken, body);
  }
}
