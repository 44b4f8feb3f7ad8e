package xiaofa.console;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import xiaofa.platform.ApiException;

/**
 * The console's bearer tokens: HS256 JWTs (Vert.x auth-jwt) carrying the {@link ConsoleUser}, valid for {@code ttl}.
 * {@link #authenticate()} turns an {@code Authorization: Bearer} header into the user in the request's context or a
 * 401; {@link #require} answers 403 to the wrong role. Bearer tokens are never sent by a browser on its own, so the
 * API is not open to cross-site request forgery.
 */
public final class ConsoleAuth {
  /** Where {@link #authenticate()} puts the user in the routing context. */
  public static final String USER = "console.user";
  private static final String ISSUER = "xiaofa-console";

  private final JWTAuth jwt;
  private final Duration ttl;

  /** {@code secret}: at least 32 random bytes, the same on every node (so any node accepts any node's tokens). */
  public ConsoleAuth(Vertx vertx, byte[] secret, Duration ttl) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the token secret needs at least 32 bytes");
    }
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Base64.getEncoder().encodeToString(secret)))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER)));
    this.ttl = ttl;
  }

  /** How long a token is valid. */
  public Duration ttl() {
    return ttl;
  }

  /** A token for {@code user}, valid for {@link #ttl()}. */
  public String issue(ConsoleUser user) {
    JsonObject claims = new JsonObject()
        .put("sub", Long.toString(user.id()))
        .put("username", user.username())
        .put("name", user.displayName())
        .put("role", user.role().id());
    if (user.advisorId() != null) {
      claims.put("advisor", user.advisorId());
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setExpiresInSeconds((int) ttl.toSeconds()));
  }

  /** The signed-in user from the bearer token, or a 401 problem. */
  public Handler<RoutingContext> authenticate() {
    return ctx -> {
      String header = ctx.request().getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
        ctx.fail(new ApiException(401, "unauthenticated", "请先登录（缺少登录凭证）。"));
        return;
      }
      jwt.authenticate(new TokenCredentials(header.substring(7).strip())).onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(new ApiException(401, "token_invalid", "登录已过期或凭证无效，请重新登录。"));
          return;
        }
        JsonObject p = ar.result().principal();
        try {
          ctx.put(USER, new ConsoleUser(Long.parseLong(p.getString("sub")), p.getString("username"), p.getString("name"),
              ConsoleUser.Role.of(p.getString("role")), p.getString("advisor")));
        } catch (RuntimeException e) {
          ctx.fail(new ApiException(401, "token_invalid", "登录已过期或凭证无效，请重新登录。"));
          return;
        }
        ctx.next();
      });
    };
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
