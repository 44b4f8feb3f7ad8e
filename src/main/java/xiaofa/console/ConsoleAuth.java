package xiaofa.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import xiaofa.platform.ApiException;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;

/**
 * The console's bearer tokens: HS256 JWTs (Vert.x auth-jwt) carrying the {@link ConsoleUser}, the account's token
 * version ({@code ver}) and an expiry ({@code exp}, judged by the injected clock). {@link #authenticate()} turns an
 * {@code Authorization: Bearer} header into the user in the request's context or a 401; {@link #require} answers 403
 * to the wrong role.
 *
 * <p>Why the account is read as well as the signature: a token must stop working when its account is deactivated,
 * signs out or changes its password, and those bump {@code console_users.token_version}. The row is cached for at
 * most {@value #ACCOUNT_CACHE_SECONDS} s (Caffeine), so another node sees such a change within that time and this
 * node at once ({@link #forget}). The user put into the request comes from the row, so a renamed account shows its
 * new name at once.
 *
 * <p>Bearer tokens are never sent by a browser on its own (no cookie is set), so the API is not open to cross-site
 * request forgery.
 */
public final class ConsoleAuth {
  /** Where {@link #authenticate()} puts the user in the routing context. */
  public static final String USER = "console.user";
  private static final String ISSUER = "xiaofa-console";
  private static final long ACCOUNT_CACHE_SECONDS = 10;
  private static final SqlStatements SQL = SqlStatements.load("/sql/accounts.sql");
  private static final String REALM = "Bearer realm=\"xiaofa-console\"";

  private final JWTAuth jwt;
  private final Duration ttl;
  private final Pool pool;
  private final Clock clock;
  private final Cache<Long, Optional<AccountState>> accounts =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(ACCOUNT_CACHE_SECONDS)).maximumSize(10_000).build();

  /** What a token is checked against: the account's current user, whether it is active, its token version. */
  private record AccountState(ConsoleUser user, boolean active, int tokenVersion) {}

  /**
   * {@code secret}: at least 32 random bytes, the same on every node (so any node accepts any node's tokens; {@link
   * Accounts#tokenSecret} shares it through the database). {@code pool}: where the accounts are.
   */
  public ConsoleAuth(Vertx vertx, byte[] secret, Duration ttl, Pool pool, Clock clock) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the token secret needs at least 32 bytes");
    }
    // expiry is checked here against the injected clock, not by the library against the system clock
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Base64.getEncoder().encodeToString(secret)))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setIgnoreExpiration(true)));
    this.ttl = ttl;
    this.pool = pool;
    this.clock = clock;
  }

  /** How long a token is valid. */
  public Duration ttl() {
    return ttl;
  }

  /**
   * A token for {@code user} at token version 0, valid for {@link #ttl()}. Version 0 is what every account has until
   * it first signs out, changes its password or is deactivated; sign-in uses {@link #issue(ConsoleUser, int,
   * Instant)} with the account's current version. The account must exist: tokens of unknown ids are refused.
   */
  public String issue(ConsoleUser user) {
    return issue(user, 0, clock.instant().plus(ttl));
  }

  /**
   * A token for {@code user} at the account's {@code tokenVersion}, expiring at {@code expiresAt} (tests pass a past
   * instant for an expired token).
   */
  public String issue(ConsoleUser user, int tokenVersion, Instant expiresAt) {
    JsonObject claims = new JsonObject()
        .put("sub", Long.toString(user.id()))
        .put("username", user.username())
        .put("name", user.displayName())
        .put("role", user.role().id())
        .put("ver", tokenVersion)
        .put("iat", clock.instant().getEpochSecond())
        .put("exp", expiresAt.getEpochSecond());
    if (user.advisorId() != null) {
      claims.put("advisor", user.advisorId());
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER));
  }

  /**
   * The signed-in user from the bearer token, or a 401 problem: no token ({@code unauthenticated}), a bad signature
   * or malformed token ({@code token_invalid}), past its expiry ({@code token_expired}), or its account deactivated,
   * signed out or with a new password since ({@code token_revoked}).
   */
  public Handler<RoutingContext> authenticate() {
    return ctx -> {
      String header = ctx.request().getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
        fail(ctx, "unauthenticated", "请先登录（缺少登录凭证：请求头 Authorization: Bearer <token>）。");
        return;
      }
      // the account is read asynchronously: hold the body back until a handler further down can take it
      if (!ctx.request().isEnded()) {
        ctx.request().pause();
      }
      jwt.authenticate(new TokenCredentials(header.substring(7).strip()))
          .recover(e -> Future.failedFuture(new ApiException(401, "token_invalid", "登录凭证无效，请重新登录。")))
          .compose(verified -> {
            // Vert.x moves exp and iat out of the principal; the whole payload is the access-token attribute
            JsonObject p = verified.attributes().getJsonObject("accessToken", verified.principal());
            long id;
            int version;
            long exp;
            try {
              id = Long.parseLong(p.getString("sub"));
              version = p.getInteger("ver");
              exp = p.getLong("exp");
            } catch (RuntimeException e) {
              return Future.failedFuture(new ApiException(401, "token_invalid", "登录凭证无效，请重新登录。"));
            }
            if (clock.instant().getEpochSecond() >= exp) {
              return Future.failedFuture(new ApiException(401, "token_expired", "登录已过期，请重新登录。"));
            }
            return account(id).compose(state -> {
              if (state.isEmpty() || !state.get().active() || state.get().tokenVersion() != version) {
                return Future.failedFuture(new ApiException(401, "token_revoked", "登录已失效（已退出登录、密码已修改或账号已停用），请重新登录。"));
              }
              return Future.succeededFuture(state.get().user());
            });
          })
          .onSuccess(user -> {
            ctx.put(USER, user);
            // as Vert.x's own AuthenticationHandler does: the body is delivered from the next turn, to whoever reads it
            ctx.request().resume();
            ctx.next();
          })
          .onFailure(e -> {
            ctx.request().resume();
            if (e instanceof ApiException a && a.status() == 401) {
              ctx.response().putHeader("WWW-Authenticate", REALM);
            }
            ctx.fail(e);
          });
    };
  }

  /** Drops what this node remembers of an account, after a change that must take effect at once. */
  void forget(long accountId) {
    accounts.invalidate(accountId);
  }

  private Future<Optional<AccountState>> account(long id) {
    Optional<AccountState> cached = accounts.getIfPresent(id);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return Database.execute(pool, SQL.get("user_state"), Tuple.of(id)).map(rows -> {
      Optional<AccountState> state = Optional.empty();
      for (Row r : rows) {
        state = Optional.of(new AccountState(new ConsoleUser(r.getLong("id"), r.getString("username"), r.getString("display_name"),
            ConsoleUser.Role.of(r.getString("role")), r.getString("advisor_id")), r.getBoolean("active"), r.getInteger("token_version")));
      }
      accounts.put(id, state);
      return state;
    });
  }

  private static void fail(RoutingContext ctx, String code, String message) {
    ctx.response().putHeader("WWW-Authenticate", REALM);
    ctx.fail(new ApiException(401, code, message));
  }

  /** Lets only these roles through (after {@link #authenticate()}); anyone else gets a 403 problem. */
  public static Handler<RoutingContext> require(ConsoleUser.Role... roles) {
    Set<ConsoleUser.Role> allowed = Set.copyOf(Arrays.asList(roles));
    return ctx -> {
      ConsoleUser u = ctx.get(USER);
      if (u == null) {
        ctx.fail(new ApiException(401, "unauthenticated", "请先登录（缺少登录凭证）。"));
      } else if (!allowed.contains(u.role())) {
        ctx.fail(new ApiException(403, "forbidden", "您的账号没有权限进行这项操作。"));
      } else {
        ctx.next();
      }
    };
  }

  /** The signed-in user of an authenticated request. */
  public static ConsoleUser user(RoutingContext ctx) {
    ConsoleUser u = ctx.get(USER);
    if (u == null) {
      throw new ApiException(401, "unauthenticated", "请先登录（缺少登录凭证）。");
    }
    return u;
  }
}
