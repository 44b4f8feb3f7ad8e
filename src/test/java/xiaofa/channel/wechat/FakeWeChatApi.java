package xiaofa.channel.wechat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for {@code api.weixin.qq.com} that behaves as the protocol reference describes: {@code /cgi-bin/token}
 * issues a new token per call (checking appid and secret), calls with an unknown or expired token get 40001/42001,
 * and tests can script the next answers of the send endpoint (an HTTP status, or an errcode). It records every call.
 */
final class FakeWeChatApi implements AutoCloseable {
  /** One recorded call to a send or menu endpoint. */
  record Call(String path, String token, JsonObject body) {}

  /** A scripted answer: an HTTP status other than 200, or an errcode with status 200. */
  record Scripted(int status, int errcode) {
    static Scripted http(int status) {
      return new Scripted(status, 0);
    }

    static Scripted errcode(int errcode) {
      return new Scripted(200, errcode);
    }
  }

  final String appId;
  final String secret;
  final AtomicInteger tokensIssued = new AtomicInteger();
  final AtomicInteger stableTokensIssued = new AtomicInteger();
  final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  final List<Call> accepted = Collections.synchronizedList(new ArrayList<>());
  final Deque<Scripted> script = new ConcurrentLinkedDeque<>();
  private final Set<String> valid = ConcurrentHashMap.newKeySet();
  private final Set<String> expired = ConcurrentHashMap.newKeySet();
  volatile long expiresIn = 7200;
  private final Vertx vertx;
  private HttpServer server;

  FakeWeChatApi(Vertx vertx, String appId, String secret) {
    this.vertx = vertx;
    this.appId = appId;
    this.secret = secret;
  }

  FakeWeChatApi start() {
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false));
    r.get("/cgi-bin/token").handler(this::token);
    r.post("/cgi-bin/stable_token").handler(this::stableToken);
    r.post("/cgi-bin/message/custom/send").handler(this::call);
    r.post("/cgi-bin/menu/create").handler(this::call);
    server = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").await();
    return this;
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  /** Every token issued so far stops working with 42001 (expired). */
  void expireTokens() {
    expired.addAll(valid);
    valid.clear();
  }

  /** The customer-service messages that were accepted, in order. */
  List<JsonObject> sent() {
    synchronized (accepted) {
      return accepted.stream().filter(c -> c.path().endsWith("/custom/send")).map(Call::body).toList();
    }
  }

  /** The calls of one endpoint that reached it, accepted or not. */
  long attempts(String pathEnd) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.path().endsWith(pathEnd)).count();
    }
  }

  private void token(RoutingContext ctx) {
    if (!appId.equals(ctx.request().getParam("appid")) || !secret.equals(ctx.request().getParam("secret"))
        || !"client_credential".equals(ctx.request().getParam("grant_type"))) {
      json(ctx, new JsonObject().put("errcode", 40125).put("errmsg", "invalid appsecret rid: 1234"));
      return;
    }
    String t = "TOKEN-" + tokensIssued.incrementAndGet();
    valid.add(t);
    json(ctx, new JsonObject().put("access_token", t).put("expires_in", expiresIn));
  }

  private void stableToken(RoutingContext ctx) {
    JsonObject ask = ctx.body().asJsonObject();
    if (!appId.equals(ask.getString("appid")) || !secret.equals(ask.getString("secret"))) {
      json(ctx, new JsonObject().put("errcode", 40125).put("errmsg", "invalid appsecret"));
      return;
    }
    String t = "STABLE-" + stableTokensIssued.incrementAndGet();
    valid.add(t);
    json(ctx, new JsonObject().put("access_token", t).put("expires_in", 7200));
  }

  private void call(RoutingContext ctx) {
    String token = ctx.request().getParam("access_token");
    JsonObject body = ctx.body().asJsonObject();
    calls.add(new Call(ctx.request().path(), token, body));
    if (token == null || !valid.contains(token)) {
      json(ctx, new JsonObject().put("errcode", expired.contains(token) ? 42001 : 40001).put("errmsg", "invalid credential rid: 5678"));
      return;
    }
    Scripted s = script.pollFirst();
    if (s != null && s.status() != 200) {
      ctx.response().setStatusCode(s.status()).end("upstream trouble");
      return;
    }
    if (s != null && s.errcode() != 0) {
      json(ctx, new JsonObject().put("errcode", s.errcode()).put("errmsg", "scripted rid: 9"));
      return;
    }
    accepted.add(new Call(ctx.request().path(), token, body));
    json(ctx, new JsonObject().put("errcode", 0).put("errmsg", "ok"));
  }

  private static void json(RoutingContext ctx, JsonObject o) {
    ctx.response().putHeader("Content-Type", "application/json; encoding=utf-8").end(o.encode());
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().await();
    }
  }
}
