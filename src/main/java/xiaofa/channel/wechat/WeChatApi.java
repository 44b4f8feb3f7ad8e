package xiaofa.channel.wechat;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * The official account's server API (protocol reference §8–§12) over Vert.x Web Client. The access token is cached
 * (Caffeine: one load at a time, dropped five minutes before it expires) and shared with the other nodes through the
 * {@code wechat_tokens} row: a node that needs a new token locks the row, takes the token another node stored if it is
 * still good, and otherwise fetches one and stores it, so the nodes do not invalidate each other's tokens. A call
 * answered with 40001/40014/42001 refreshes the token once and is repeated; −1, HTTP 5xx and network errors are
 * retried with backoff; any other error code fails the call with an {@link ApiError} for the caller to judge.
 */
public final class WeChatApi {
  private static final Logger log = LoggerFactory.getLogger(WeChatApi.class);
  private static final SqlStatements SQL = SqlStatements.load("/sql/wechat.sql");
  static final Set<Integer> TOKEN_ERRORS = Set.of(40001, 40014, 42001);
  private static final Duration MARGIN = Duration.ofMinutes(5);
  /**
   * Caffeine reports a failed asynchronous load on java.util.logging with a stack trace; a failed token fetch is
   * already logged here, once and with what to do, so its report is kept quiet (held strongly: JUL keeps weak ones).
   */
  private static final java.util.logging.Logger CAFFEINE_LOG = quietCaffeine();
  private static final long TIMEOUT_MS = 5000;

  /** An error answer of the API: its {@code errcode} (or 0 with the HTTP status for a transport failure). */
  public static final class ApiError extends RuntimeException {
    private final int errcode;
    private final boolean transientError;

    ApiError(int errcode, String message, boolean transientError) {
      super(message);
      this.errcode = errcode;
      this.transientError = transientError;
    }

    public int errcode() {
      return errcode;
    }

    /** A failure worth trying again later (busy, 5xx, network), as opposed to a refusal. */
    public boolean isTransient() {
      return transientError;
    }
  }

  private record Token(String value, Instant expiresAt) {}

  private final Vertx vertx;
  private final WebClient client;
  private final Pool pool;
  private final Clock clock;
  private final AppConfig.WeChat config;
  private final MeterRegistry metrics;
  private final int attempts;
  private final Duration firstRetry;
  private final AsyncLoadingCache<String, Token> tokens;
  /** Tokens the API refused recently: never taken from the database again. */
  private final Cache<String, Boolean> refused;

  public WeChatApi(Vertx vertx, WebClient client, Pool pool, Clock clock, AppConfig.WeChat config, MeterRegistry metrics) {
    this(vertx, client, pool, clock, config, metrics, 3, Duration.ofMillis(500));
  }

  /** {@code attempts} tries per call for busy/5xx/network failures, waiting {@code firstRetry}, then twice that … */
  WeChatApi(Vertx vertx, WebClient client, Pool pool, Clock clock, AppConfig.WeChat config, MeterRegistry metrics, int attempts, Duration firstRetry) {
    this.vertx = vertx;
    this.client = client;
    this.pool = pool;
    this.clock = clock;
    this.config = config;
    this.metrics = metrics;
    this.attempts = attempts;
    this.firstRetry = firstRetry;
    this.tokens = Caffeine.newBuilder()
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(Expiry.<String, Token>creating((k, t) -> max0(Duration.between(clock.instant(), t.expiresAt().minus(MARGIN)))))
        .buildAsync((appId, executor) -> completable(this::loadToken));
    this.refused = Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(3)).maximumSize(100).build();
  }

  /** Sends a customer-service message (§9); {@code message} is the API's JSON ({@code touser}, {@code msgtype} …). */
  public Future<JsonObject> sendCustomMessage(JsonObject message) {
    return post("/cgi-bin/message/custom/send", message);
  }

  /** Replaces the account's menu. */
  public Future<JsonObject> createMenu(JsonObject menu) {
    return post("/cgi-bin/menu/create", menu);
  }

  /** A valid access token, from this node's cache, the shared row, or the API. */
  public Future<String> token() {
    return Future.fromCompletionStage(tokens.get(config.appId()), vertx.getOrCreateContext()).map(Token::value);
  }

  /** POSTs {@code body} to {@code path} with the access token, refreshing it and retrying as the class says. */
  public Future<JsonObject> post(String path, JsonObject body) {
    return post(path, body, 1, false);
  }

  private Future<JsonObject> post(String path, JsonObject body, int attempt, boolean refreshed) {
    return token().compose(token -> send(() -> client.postAbs(config.apiBase() + path)
            .addQueryParam("access_token", token).timeout(TIMEOUT_MS).sendJsonObject(body), path)
        .recover(e -> {
          if (e instanceof ApiError err && TOKEN_ERRORS.contains(err.errcode()) && !refreshed) {
            log.info("WeChat refused the access token ({}); refreshing it once", err.errcode());
            refuse(token);
            return post(path, body, attempt, true);
          }
          if (e instanceof ApiError err && err.isTransient() && attempt < attempts) {
            return delay(attempt).compose(v -> post(path, body, attempt + 1, refreshed));
          }
          return Future.failedFuture(e);
        }));
  }

  /** Forgets a token the API refused, here and (by not trusting it again) in the shared row. */
  private void refuse(String token) {
    refused.put(token, Boolean.TRUE);
    CompletableFuture<Token> cached = tokens.getIfPresent(config.appId());
    if (cached != null && cached.isDone() && !cached.isCompletedExceptionally() && cached.join().value().equals(token)) {
      tokens.synchronous().invalidate(config.appId());
    }
  }

  /**
   * For a command run beside the service (publishing the menu): tokens from {@code /cgi-bin/stable_token}, which are
   * independent of the service's {@code /cgi-bin/token} tokens, so the command does not invalidate them.
   */
  public static WeChatApi standalone(Vertx vertx, WebClient client, AppConfig.WeChat config) {
    return new WeChatApi(vertx, client, null, Clock.systemUTC(), config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** Takes the shared token if it is good, else fetches a new one and shares it; the row lock makes nodes take turns. */
  private Future<Token> loadToken() {
    if (pool == null) {
      Instant asked = clock.instant();
      JsonObject ask = new JsonObject().put("grant_type", "client_credential").put("appid", config.appId()).put("secret", config.appSecret())
          .put("force_refresh", false);
      return send(() -> client.postAbs(config.apiBase() + "/cgi-bin/stable_token").timeout(TIMEOUT_MS).sendJsonObject(ask), "/cgi-bin/stable_token")
          .map(json -> new Token(json.getString("access_token"), asked.plusSeconds(json.getLong("expires_in", 7200L))));
    }
    Instant now = clock.instant();
    return Database.execute(pool, SQL.get("token_seed"), Tuple.of(config.appId(), SqlTime.param(Instant.EPOCH), SqlTime.param(now)))
        .compose(seeded -> pool.withTransaction(tx -> tx.preparedQuery(SQL.get("token_lock")).execute(Tuple.of(config.appId())).compose(rows -> {
          Row r = rows.iterator().next();
          String shared = r.getString("access_token");
          Instant expires = SqlTime.instant(r, "expires_at");
          if (shared != null && refused.getIfPresent(shared) == null && expires.isAfter(clock.instant().plus(MARGIN))) {
            return Future.succeededFuture(new Token(shared, expires));
          }
          return fetchToken(1).compose(t -> tx.preparedQuery(SQL.get("token_store"))
              .execute(Tuple.of(t.value(), SqlTime.param(t.expiresAt()), SqlTime.param(clock.instant()), config.appId())).map(t));
        })));
  }

  private Future<Token> fetchToken(int attempt) {
    Instant asked = clock.instant();
    return send(() -> client.getAbs(config.apiBase() + "/cgi-bin/token")
            .addQueryParam("grant_type", "client_credential").addQueryParam("appid", config.appId()).addQueryParam("secret", config.appSecret())
            .timeout(TIMEOUT_MS).send(), "/cgi-bin/token")
        .compose(json -> {
          String token = json.getString("access_token");
          long expiresIn = json.getLong("expires_in", 7200L);
          if (token == null || token.isEmpty()) {
            return Future.<Token>failedFuture(new ApiError(0, "no access_token in the answer", true));
          }
          log.info("fetched a new WeChat access token, valid for {} s", expiresIn);
          return Future.succeededFuture(new Token(token, asked.plusSeconds(expiresIn)));
        })
        .recover(e -> {
          if (e instanceof ApiError err && err.isTransient() && attempt < attempts) {
            return delay(attempt).compose(v -> fetchToken(attempt + 1));
          }
          if (e instanceof ApiError err && Set.of(40002, 40013, 40125, 40164).contains(err.errcode())) {
            log.error("WeChat refuses to issue an access token: {}. Check XIAOFA_WECHAT_APP_ID/APP_SECRET and the IP whitelist in the console", e.getMessage());
          }
          return Future.failedFuture(e);
        });
  }

  /** One HTTP exchange, its answer turned into JSON or an {@link ApiError}. */
  private Future<JsonObject> send(Supplier<Future<HttpResponse<Buffer>>> request, String path) {
    Future<HttpResponse<Buffer>> f;
    try {
      f = request.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.transform(ar -> {
      if (ar.failed()) {
        count(path, "network");
        return Future.failedFuture(new ApiError(0, "network: " + ar.cause(), true));
      }
      HttpResponse<Buffer> res = ar.result();
      if (res.statusCode() >= 500) {
        count(path, "http_" + res.statusCode());
        return Future.failedFuture(new ApiError(0, "HTTP " + res.statusCode(), true));
      }
      if (res.statusCode() != 200) {
        count(path, "http_" + res.statusCode());
        return Future.failedFuture(new ApiError(0, "HTTP " + res.statusCode(), false));
      }
      JsonObject json;
      try {
        json = res.bodyAsJsonObject();
      } catch (DecodeException | ClassCastException e) {
        json = null;
      }
      if (json == null) {
        count(path, "not_json");
        return Future.failedFuture(new ApiError(0, "answer is not JSON", true));
      }
      int errcode = json.getInteger("errcode", 0);
      if (errcode != 0) {
        count(path, String.valueOf(errcode));
        String msg = json.getString("errmsg", "");
        int rid = msg.indexOf(" rid:");
        return Future.failedFuture(new ApiError(errcode, "errcode " + errcode + " " + (rid >= 0 ? msg.substring(0, rid) : msg), errcode == -1));
      }
      count(path, "ok");
      return Future.succeededFuture(json);
    });
  }

  private void count(String path, String result) {
    metrics.counter("xiaofa.wechat.api.calls", "path", path, "result", result).increment();
  }

  private Future<Void> delay(int attempt) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(Math.max(1, firstRetry.toMillis() << (attempt - 1)), id -> p.complete());
    return p.future();
  }

  private static java.util.logging.Logger quietCaffeine() {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger("com.github.benmanes.caffeine.cache.LocalAsyncCache");
    l.setLevel(java.util.logging.Level.SEVERE);
    return l;
  }

  private static Duration max0(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static <T> CompletableFuture<T> completable(Supplier<Future<T>> f) {
    return f.get().toCompletionStage().toCompletableFuture();
  }
}
