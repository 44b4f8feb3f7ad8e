package xiaofa.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.platform.ApiException;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * The console's accounts ({@code console_users}): advisors and administrators who sign in with a user name and a
 * password. Owns signing in with its lock-out ({@value #MAX_FAILURES} wrong passwords in a row lock the account for
 * 15 minutes, by the injected clock, agreed through the database so every node counts the same), signing out and
 * password changes (both revoke the account's tokens through its token version), the administrators' changes, the
 * first administrator created at the first start, and the token secret all nodes share.
 *
 * <p>Why the rules live here and not in the routes: Main, the routes and tests use the same operations, and each
 * change is one transaction with its audit row. Passwords are hashed on a worker pool ({@link Passwords}); nothing
 * here logs a password or a token.
 */
public final class Accounts {
  private static final Logger log = LoggerFactory.getLogger(Accounts.class);
  private static final SqlStatements SQL = SqlStatements.load("/sql/accounts.sql");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TOKEN_SECRET = "token_hs256";

  /** Consecutive wrong passwords that lock an account. */
  public static final int MAX_FAILURES = 5;
  /** How long a locked account stays locked. */
  public static final Duration LOCK = Duration.ofMinutes(15);
  /** The first administrator's user name. */
  public static final String FIRST_ADMIN = "admin";
  /** User names: 2 to 32 of lower-case letters, digits, {@code . _ -}, starting with a letter or digit. */
  static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,31}");

  private final Pool pool;
  private final Clock clock;
  private final Audit audit;
  private final ConsoleAuth auth;
  private final Passwords passwords;

  /** An account as administrators see it (never its password hash). */
  public record Account(
      long id, String username, String displayName, ConsoleUser.Role role, String advisorId, String advisorName, boolean active,
      int failedAttempts, Instant lockedUntil, int tokenVersion, Instant createdAt, Instant lastLoginAt) {

    /** Who this account is in a request. */
    public ConsoleUser user() {
      return new ConsoleUser(id, username, displayName, role, advisorId);
    }

    public boolean lockedAt(Instant now) {
      return lockedUntil != null && lockedUntil.isAfter(now);
    }
  }

  /** A new or changed account, with the password generated for it (shown once), or null when none was generated. */
  public record WithPassword(Account account, String password) {}

  /** What an administrator changes in an account; empty or false: unchanged. */
  public record Change(Optional<String> displayName, Optional<Boolean> active, boolean unlock, boolean resetPassword) {}

  public Accounts(Vertx vertx, Pool pool, Clock clock, Audit audit, ConsoleAuth auth) {
    this.pool = pool;
    this.clock = clock;
    this.audit = audit;
    this.auth = auth;
    this.passwords = new Passwords(vertx);
  }

  // ---------------------------------------------------------------- start

  /**
   * The token-signing secret: 32 random bytes made by the first node to start and read by every other one (INSERT …
   * ON CONFLICT DO NOTHING, then SELECT), so every node accepts every node's tokens.
   */
  public static Future<byte[]> tokenSecret(Pool pool, Clock clock) {
    byte[] fresh = new byte[32];
    RANDOM.nextBytes(fresh);
    return Database.execute(pool, SQL.get("secret_insert"), Tuple.of(TOKEN_SECRET, Base64.getEncoder().encodeToString(fresh), SqlTime.param(clock.instant())))
        .compose(r -> Database.execute(pool, SQL.get("secret_get"), Tuple.of(TOKEN_SECRET)))
        .map(rows -> Base64.getDecoder().decode(rows.iterator().next().getString("secret")));
  }

  /**
   * Creates the administrator {@code admin} when there is none: with {@code password} (from {@code
   * XIAOFA_ADMIN_PASSWORD}), or with a generated one printed once on {@code out} in a banner. When several nodes start
   * at once on a new database, the unique user name lets one of them create it, and only that one prints. Completes
   * with whether this call created it.
   */
  public Future<Boolean> ensureFirstAdmin(Optional<String> password, PrintStream out) {
    return Database.execute(pool, SQL.get("admin_count")).compose(rows -> {
      if (rows.iterator().next().getLong("n") > 0) {
        if (password.isPresent()) {
          log.info("console: an administrator exists; XIAOFA_ADMIN_PASSWORD is only used when the first one is created");
        }
        return Future.succeededFuture(false);
      }
      String chosen = password.orElseGet(Passwords::generate);
      Instant now = clock.instant();
      return passwords.hash(chosen).compose(hash -> pool.withTransaction(tx -> tx.preparedQuery(SQL.get("user_insert"))
          .execute(Tuple.of(FIRST_ADMIN, "系统管理员", ConsoleUser.Role.ADMIN.id(), null, hash, SqlTime.param(now)))
          .compose(r -> r.rowCount() == 0 ? Future.succeededFuture(false)
              : audit.record(tx, null, "user.create", null, new JsonObject().put("username", FIRST_ADMIN).put("role", "admin").put("firstAdmin", true))
                  .map(true))))
          .onSuccess(created -> {
            if (!created) {
              log.info("console: another node created the first administrator");
            } else if (password.isPresent()) {
              log.info("console: created the first administrator '{}' with the password from XIAOFA_ADMIN_PASSWORD", FIRST_ADMIN);
            } else {
              log.warn("console: created the first administrator '{}' with a generated password, printed once below", FIRST_ADMIN);
              out.println(banner(chosen));
              out.flush();
            }
          });
    });
  }

  static String banner(String password) {
    String line = "=".repeat(88);
    return String.join("\n",
        line,
        "  小法控制台：已创建首个管理员账号  |  xiaofa console: the first administrator was created",
        "",
        "    用户名 username : " + FIRST_ADMIN,
        "    密码   password : " + password,
        "",
        "  请在 /console/ 用以上账号登录，并立即在“我的账号”中修改密码。此密码只显示这一次。",
        "  Sign in at /console/ (or POST /console/api/login) and change this password at once",
        "  (POST /console/api/me/password). It is shown only this once; to choose it yourself on a",
        "  new database, set XIAOFA_ADMIN_PASSWORD (at least 10 characters) before the first start.",
        line);
  }

  // ---------------------------------------------------------------- signing in and out

  /**
   * Checks a user name and password. Fails with 401 {@code login_failed} for an unknown name, a wrong password or a
   * deactivated account alike (same message, and an unknown name costs a hash too); with 423 {@code account_locked}
   * while the account is locked, whatever the password. The {@value #MAX_FAILURES}th wrong password in a row locks it
   * for {@link #LOCK}; a success resets the count.
   */
  public Future<Account> signIn(String username, String password, String ip) {
    String name = username.strip().toLowerCase(Locale.ROOT);
    JsonObject from = new JsonObject().put("ip", ip);
    return Database.execute(pool, SQL.get("user_by_username"), Tuple.of(name)).compose(rows -> {
      if (!rows.iterator().hasNext()) {
        return passwords.verifyDummy(password)
            .compose(x -> audit.record(null, "auth.login_failed", null, from.copy().put("reason", "unknown_user")))
            .compose(v -> Future.failedFuture(loginFailed()));
      }
      Row row = rows.iterator().next();
      Account a = account(row);
      String stored = row.getString("password_hash");
      Instant now = clock.instant();
      if (a.lockedAt(now)) {
        return audit.record(a.user(), "auth.login_failed", null, from.copy().put("reason", "locked"))
            .compose(v -> Future.failedFuture(locked(a.lockedUntil(), now)));
      }
      return passwords.verify(stored, password).compose(ok -> {
        if (!a.active()) {
          return audit.record(a.user(), "auth.login_failed", null, from.copy().put("reason", "inactive"))
              .compose(v -> Future.failedFuture(loginFailed()));
        }
        if (!ok) {
          return wrongPassword(a, from).compose(lockedNow -> Future.failedFuture(loginFailed()));
        }
        return pool.withTransaction(tx -> tx.preparedQuery(SQL.get("login_succeeded")).execute(Tuple.of(SqlTime.param(now), a.id(), SqlTime.param(now)))
                .compose(r -> r.rowCount() == 0
                    // locked or deactivated by another attempt while the hash was checked
                    ? Future.failedFuture(loginFailed())
                    : audit.record(tx, a.user(), "auth.login", null, from)))
            .compose(v -> Passwords.needsRehash(stored)
                ? passwords.hash(password).compose(h -> Database.execute(pool, SQL.get("rehash"), Tuple.of(h, a.id()))).mapEmpty()
                : Future.<Void>succeededFuture())
            .compose(v -> find(a.id()))
            .map(Optional::orElseThrow);
      });
    });
  }

  /** Counts a wrong password; the {@value #MAX_FAILURES}th in a row locks the account. Completes with whether it did. */
  private Future<Boolean> wrongPassword(Account a, JsonObject from) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> tx.preparedQuery(SQL.get("login_failed")).execute(Tuple.of(a.id()))
        .compose(r -> tx.preparedQuery(SQL.get("user_lock_row")).execute(Tuple.of(a.id())))
        .compose(rows -> {
          int failures = rows.iterator().next().getInteger("failed_attempts");
          Future<Void> f = audit.record(tx, a.user(), "auth.login_failed", null, from.copy().put("reason", "wrong_password").put("failures", failures));
          if (failures < MAX_FAILURES) {
            return f.map(false);
          }
          Instant until = now.plus(LOCK);
          return f.compose(v -> tx.preparedQuery(SQL.get("lock")).execute(Tuple.of(SqlTime.param(until), a.id())))
              .compose(v -> audit.record(tx, a.user(), "auth.locked", null, from.copy().put("failures", failures).put("until", until.toString())))
              .onSuccess(v -> log.warn("console: account {} locked until {} after {} wrong passwords", a.username(), until, failures))
              .map(true);
        }));
  }

  static ApiException loginFailed() {
    return new ApiException(401, "login_failed", "用户名或密码不正确。连续输错 " + MAX_FAILURES + " 次，账号将锁定 " + LOCK.toMinutes() + " 分钟。");
  }

  static ApiException locked(Instant until, Instant now) {
    long minutes = Math.max(1, (Duration.between(now, until).getSeconds() + 59) / 60);
    return new ApiException(423, "account_locked",
        "账号已锁定：密码连续输错 " + MAX_FAILURES + " 次。请 " + minutes + " 分钟后再试，或请管理员在“账号管理”中解锁。");
  }

  /** Signs {@code who} out everywhere: every token issued to the account so far stops working. */
  public Future<Void> signOut(ConsoleUser who) {
    return pool.withTransaction(tx -> tx.preparedQuery(SQL.get("revoke_tokens")).execute(Tuple.of(who.id()))
            .compose(r -> audit.record(tx, who, "auth.logout", null, null)))
        .andThen(ar -> auth.forget(who.id()));
  }

  /**
   * Changes {@code who}'s own password after checking the current one (a wrong one counts towards the lock-out and
   * answers 400 {@code current_password_wrong}). Every earlier token stops working; completes with the account, for a
   * new token.
   */
  public Future<Account> changePassword(ConsoleUser who, String current, String next) {
    try {
      Passwords.checkNew("new", next, who.username());
      if (next.equals(current)) {
        throw ApiException.badRequest("password_unchanged", "新密码（new）不能与当前密码相同。");
      }
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return find(who.id()).compose(found -> {
      Account a = found.orElseThrow(() -> new ApiException(401, "token_revoked", "登录已失效，请重新登录。"));
      return Database.execute(pool, SQL.get("user_hash"), Tuple.of(a.id()))
          .compose(rows -> passwords.verify(rows.iterator().next().getString("password_hash"), current))
          .compose(ok -> ok ? passwords.hash(next)
              : wrongPassword(a, new JsonObject().put("via", "password_change")).compose(x -> Future.failedFuture(
                  ApiException.badRequest("current_password_wrong", "当前密码（current）不正确。连续输错 " + MAX_FAILURES + " 次，账号将被锁定。"))))
          .compose(hash -> pool.withTransaction(tx -> tx.preparedQuery(SQL.get("set_password")).execute(Tuple.of(hash, a.id()))
              .compose(r -> audit.record(tx, who, "user.password_change", null, new JsonObject().put("id", a.id()).put("username", a.username())))))
          .andThen(ar -> auth.forget(a.id()))
          .compose(v -> find(a.id()))
          .map(Optional::orElseThrow);
    });
  }

  // ---------------------------------------------------------------- administration

  public Future<List<Account>> all() {
    return Database.execute(pool, SQL.get("user_columns") + " ORDER BY u.id").map(rows -> {
      List<Account> out = new ArrayList<>();
      rows.forEach(r -> out.add(account(r)));
      return out;
    });
  }

  public Future<Optional<Account>> find(long id) {
    return pool.withTransaction(c -> find(c, id));
  }

  private Future<Optional<Account>> find(SqlConnection c, long id) {
    return c.preparedQuery(SQL.get("user_columns") + " WHERE u.id = ?").execute(Tuple.of(id)).map(rows -> {
      Optional<Account> out = Optional.empty();
      for (Row r : rows) {
        out = Optional.of(account(r));
      }
      return out;
    });
  }

  /**
   * Creates an account ({@code by}: the administrator, null for the system and tests). An advisor account works as
   * the advisor {@code advisorId} (required, one account per advisor); an administrator may have one too. {@code
   * password} null: one is generated and returned once. 409 {@code username_taken} or {@code advisor_has_account},
   * 400 {@code advisor_unknown}.
   */
  public Future<WithPassword> create(ConsoleUser by, String username, String displayName, ConsoleUser.Role role, String advisorId, String password) {
    String name = username.strip().toLowerCase(Locale.ROOT);
    String generated = password == null ? Passwords.generate() : null;
    String chosen = password == null ? generated : password;
    try {
      if (!USERNAME.matcher(name).matches()) {
        throw ApiException.badRequest("username_invalid", "用户名（username）应为 2 到 32 位小写字母、数字或 . _ -，以字母或数字开头，例如 zhoumingfa。");
      }
      if (role == ConsoleUser.Role.ADVISOR && advisorId == null) {
        throw ApiException.badRequest("advisor_missing", "顾问账号需要关联一位顾问（advisorId，见“顾问管理”中的编号，例如 adv-001）。");
      }
      Passwords.checkNew("password", chosen, name);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    Instant now = clock.instant();
    return passwords.hash(chosen).compose(hash -> pool.withTransaction(tx -> checkAdvisor(tx, advisorId)
            .compose(v -> tx.preparedQuery(SQL.get("user_insert")).execute(Tuple.of(name, displayName, role.id(), advisorId, hash, SqlTime.param(now)))
            .compose(r -> {
              if (r.rowCount() == 0) {
                return Future.failedFuture(new ApiException(409, "username_taken", "用户名“" + name + "”已被使用，请换一个。"));
              }
              return tx.preparedQuery(SQL.get("user_id")).execute(Tuple.of(name)).map(rows -> rows.iterator().next().getLong("id"));
            })
            .compose(id -> audit.record(tx, by, "user.create", null, new JsonObject().put("id", id).put("username", name).put("role", role.id())
                .put("advisorId", advisorId).put("passwordGenerated", generated != null)).compose(x -> find(tx, id))))))
        .map(a -> new WithPassword(a.orElseThrow(), generated));
  }

  private Future<Void> checkAdvisor(SqlConnection tx, String advisorId) {
    if (advisorId == null) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(SQL.get("advisor_exists")).execute(Tuple.of(advisorId)).compose(rows -> {
      if (!rows.iterator().hasNext()) {
        return Future.failedFuture(ApiException.badRequest("advisor_unknown", "顾问编号（advisorId）“" + advisorId + "”不存在，请先在“顾问管理”中添加这位顾问。"));
      }
      return tx.preparedQuery(SQL.get("advisor_account")).execute(Tuple.of(advisorId)).compose(linked -> linked.iterator().hasNext()
          ? Future.failedFuture(new ApiException(409, "advisor_has_account", "顾问“" + advisorId + "”已有账号，一位顾问只能有一个账号。"))
          : Future.succeededFuture());
    });
  }

  /**
   * An administrator's change to an account: display name, deactivation (its tokens stop at once) or reactivation,
   * unlocking, a new generated password (returned once; its tokens stop at once). 404 {@code user_not_found}; an
   * administrator cannot deactivate their own account (so one active administrator always remains).
   */
  public Future<WithPassword> update(ConsoleUser by, long id, Change change) {
    if (change.active().isPresent() && !change.active().get() && by.id() == id) {
      return Future.failedFuture(ApiException.badRequest("cannot_deactivate_self", "不能停用自己正在使用的账号；如确需停用，请由另一位管理员操作。"));
    }
    String generated = change.resetPassword() ? Passwords.generate() : null;
    return find(id).compose(found -> {
      Account a = found.orElseThrow(() -> ApiException.notFound("user_not_found", "找不到编号为 " + id + " 的账号。"));
      Future<String> hash = generated == null ? Future.succeededFuture() : passwords.hash(generated);
      return hash.compose(h -> pool.withTransaction(tx -> {
        JsonObject changes = new JsonObject();
        Future<Void> f = Future.succeededFuture();
        if (change.displayName().isPresent()) {
          changes.put("displayName", change.displayName().get());
          f = f.compose(v -> tx.preparedQuery(SQL.get("set_display_name")).execute(Tuple.of(change.displayName().get(), id)).mapEmpty());
        }
        if (change.active().isPresent() && change.active().get() != a.active()) {
          changes.put("active", change.active().get());
          f = f.compose(v -> tx.preparedQuery(SQL.get("set_active")).execute(Tuple.of(change.active().get(), id)).mapEmpty());
        }
        if (change.unlock()) {
          changes.put("unlock", true);
          f = f.compose(v -> tx.preparedQuery(SQL.get("unlock")).execute(Tuple.of(id)).mapEmpty());
        }
        if (h != null) {
          changes.put("resetPassword", true);
          f = f.compose(v -> tx.preparedQuery(SQL.get("set_password")).execute(Tuple.of(h, id)).mapEmpty());
        }
        return f.compose(v -> audit.record(tx, by, "user.update", null, new JsonObject().put("id", id).put("username", a.username()).put("changes", changes)))
            .compose(v -> find(tx, id));
      }));
    }).andThen(ar -> auth.forget(id)).map(a -> new WithPassword(a.orElseThrow(), generated));
  }

  private static Account account(Row r) {
    return new Account(r.getLong("id"), r.getString("username"), r.getString("display_name"), ConsoleUser.Role.of(r.getString("role")),
        r.getString("advisor_id"), r.getString("advisor_name"), r.getBoolean("active"), r.getInteger("failed_attempts"), SqlTime.instant(r, "locked_until"),
        r.getInteger("token_version"), SqlTime.instant(r, "created_at"), SqlTime.instant(r, "last_login_at"));
  }
}
