package xiaofa.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import xiaofa.platform.ApiException;

/**
 * The console API's accounts part: signing in ({@code POST /login}, the only public route), {@code /logout}, {@code
 * /me} and {@code /me/password} for everyone signed in, and {@code /admin/users} for administrators. The rules are
 * {@link Accounts}'; this class reads requests and writes JSON.
 */
public final class AccountRoutes implements ConsoleRoutes.Part {
  private static final String LOGIN_EXAMPLE = "{\"username\": \"admin\", \"password\": \"……\"}";

  private final Accounts accounts;
  private final ConsoleAuth auth;
  private final Clock clock;

  public AccountRoutes(Accounts accounts, ConsoleAuth auth, Clock clock) {
    this.accounts = accounts;
    this.auth = auth;
    this.clock = clock;
  }

  @Override
  public void mountPublic(Router api) {
    api.post("/login").handler(JsonBody.handler()).respond(this::login);
  }

  @Override
  public void mount(Router api) {
    api.post("/logout").handler(this::logout);
    api.get("/me").respond(ctx -> accounts.find(ConsoleAuth.user(ctx).id())
        .map(a -> new JsonObject().put("user", a.map(AccountRoutes::userJson).orElseThrow())));
    api.post("/me/password").handler(JsonBody.handler()).respond(this::changePassword);
    api.get("/admin/users").handler(ConsoleAuth.require(ConsoleUser.Role.ADMIN)).respond(ctx -> accounts.all()
        .map(list -> new JsonObject().put("users", new JsonArray(list.stream().map(a -> adminJson(a, clock.instant())).toList()))));
    api.post("/admin/users").handler(JsonBody.handler()).handler(ConsoleAuth.require(ConsoleUser.Role.ADMIN)).respond(this::create);
    api.patch("/admin/users/:id").handler(JsonBody.handler()).handler(ConsoleAuth.require(ConsoleUser.Role.ADMIN)).respond(this::update);
  }

  private Future<JsonObject> login(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx, Set.of("username", "password"), LOGIN_EXAMPLE);
    String username = body.text("username", "用户名", 64);
    String password = body.secret("password", "密码");
    return accounts.signIn(username, password, ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress())
        .map(this::signedIn);
  }

  /** The answer to a sign-in or a password change: a new token, when it expires, and who it is for. */
  private JsonObject signedIn(Accounts.Account a) {
    Instant expiresAt = clock.instant().plus(auth.ttl()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return new JsonObject()
        .put("token", auth.issue(a.user(), a.tokenVersion(), expiresAt))
        .put("expiresAt", expiresAt.toString())
        .put("user", userJson(a));
  }

  private void logout(RoutingContext ctx) {
    accounts.signOut(ConsoleAuth.user(ctx)).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private Future<JsonObject> changePassword(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx, Set.of("current", "new"), "{\"current\": \"当前密码\", \"new\": \"新密码（至少 10 个字符）\"}");
    String current = body.secret("current", "当前密码");
    String next = body.secret("new", "新密码");
    return accounts.changePassword(ConsoleAuth.user(ctx), current, next).map(this::signedIn);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx, Set.of("username", "displayName", "role", "advisorId", "password"),
        "{\"username\": \"zhoumingfa\", \"displayName\": \"周明法\", \"role\": \"advisor\", \"advisorId\": \"adv-001\"}");
    String username = body.text("username", "用户名", 32);
    String displayName = body.text("displayName", "显示名称", 64);
    String roleText = body.text("role", "角色：advisor 或 admin", 16);
    ConsoleUser.Role role = switch (roleText) {
      case "advisor" -> ConsoleUser.Role.ADVISOR;
      case "admin" -> ConsoleUser.Role.ADMIN;
      default -> throw ApiException.badRequest("body_invalid", "字段 role（角色）应为 advisor（顾问）或 admin（管理员）。");
    };
    String advisorId = body.optionalText("advisorId", "关联的顾问编号", 40).orElse(null);
    String password = body.has("password") ? body.secret("password", "初始密码") : null;
    ctx.response().setStatusCode(201);
    return accounts.create(ConsoleAuth.user(ctx), username, displayName, role, advisorId, password).map(this::withPassword);
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    long id = id(ctx.pathParam("id"));
    JsonBody body = JsonBody.of(ctx, Set.of("displayName", "active", "unlock", "resetPassword"),
        "{\"active\": false} 或 {\"unlock\": true} 或 {\"resetPassword\": true}");
    Accounts.Change change = new Accounts.Change(body.optionalText("displayName", "显示名称", 64), body.bool("active", "是否启用"),
        body.bool("unlock", "解除锁定").orElse(false), body.bool("resetPassword", "重置密码").orElse(false));
    if (change.displayName().isEmpty() && change.active().isEmpty() && !change.unlock() && !change.resetPassword()) {
      throw ApiException.badRequest("body_invalid", "请至少修改一项：displayName、active、unlock 或 resetPassword。");
    }
    return accounts.update(ConsoleAuth.user(ctx), id, change).map(this::withPassword);
  }

  private JsonObject withPassword(Accounts.WithPassword w) {
    JsonObject out = new JsonObject().put("user", adminJson(w.account(), clock.instant()));
    if (w.password() != null) {
      out.put("password", w.password());
    }
    return out;
  }

  private static long id(String text) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.notFound("user_not_found", "找不到编号为 " + text + " 的账号（编号应为正整数）。");
  }

  /** The signed-in user as the console shows it. */
  static JsonObject userJson(Accounts.Account a) {
    return new JsonObject()
        .put("id", a.id())
        .put("username", a.username())
        .put("displayName", a.displayName())
        .put("role", a.role().id())
        .put("advisorId", a.advisorId());
  }

  /** An account as the administrators' list shows it. */
  static JsonObject adminJson(Accounts.Account a, Instant now) {
    return userJson(a)
        .put("advisorName", a.advisorName())
        .put("active", a.active())
        .put("locked", a.lockedAt(now))
        .put("lockedUntil", a.lockedAt(now) ? a.lockedUntil().toString() : null)
        .put("failedAttempts", a.failedAttempts())
        .put("createdAt", a.createdAt().toString())
        .put("lastLoginAt", Optional.ofNullable(a.lastLoginAt()).map(Instant::toString).orElse(null));
  }
}
