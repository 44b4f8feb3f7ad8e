package xiaofa.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.auth.hashing.HashString;
import io.vertx.ext.auth.hashing.HashingStrategy;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import xiaofa.platform.ApiException;

/**
 * Password hashing for console accounts: PBKDF2-HMAC-SHA512 with 210,000 iterations and a 16-byte random salt, through
 * Vert.x's own {@link HashingStrategy} (vertx-auth-common, already on the classpath; the key derivation itself is the
 * JDK's {@code PBKDF2WithHmacSHA512}). Hashes are stored in PHC form, {@code $pbkdf2$it=210000$salt$hash}, so each
 * carries its iteration count: a later, higher count applies to new hashes at once and to old ones at their owner's
 * next sign-in ({@link #needsRehash}).
 *
 * <p>Why this and not bcrypt or Argon2: 210,000 iterations is OWASP's 2023 figure for PBKDF2-HMAC-SHA512 (the cost
 * equivalent of 600,000 for SHA-256); it needs no further dependency nor native code, is FIPS-approved, and a
 * verification costs about 125 ms of one core here, which the lock-out (5 failures) makes ample for a console with a
 * few dozen accounts. Vert.x's default is only 10,000 iterations: the count is always given explicitly. Argon2id
 * (memory-hard) would need Bouncy Castle; bcrypt (at.favre.lib) cuts passwords at 72 bytes, 24 Chinese characters.
 *
 * <p>Threads: hashing is CPU-heavy, so {@link #hash} and {@link #verify} run on the {@code xiaofa-passwords} worker
 * pool (2 threads, unordered), never on an event loop; more than {@value #MAX_PENDING} waiting hashes answer 429
 * at once, so a flood of sign-ins cannot queue without bound.
 */
final class Passwords {
  static final int ITERATIONS = 210_000;
  static final int MIN_LENGTH = 10;
  static final int MAX_LENGTH = 200;
  private static final int MAX_PENDING = 64;
  // readable aloud and unambiguous: no 0/O, 1/l/I
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<HashingStrategy> STRATEGY = ThreadLocal.withInitial(HashingStrategy::load);

  private final WorkerExecutor workers;
  private final AtomicInteger pending = new AtomicInteger();
  /** Verified when the account does not exist, so that an unknown name costs as much as a wrong password. */
  private final String dummy;

  Passwords(Vertx vertx) {
    this.workers = vertx.createSharedWorkerExecutor("xiaofa-passwords", 2);
    byte[] salt = new byte[16];
    byte[] hash = new byte[64];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(hash);
    this.dummy = "$pbkdf2$it=" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$" + Base64.getEncoder().encodeToString(hash);
  }

  /** The PHC string of {@code password} with a new salt. */
  Future<String> hash(String password) {
    return onWorker(() -> hashNow(password));
  }

  /** Whether {@code password} matches {@code stored} (constant-time comparison); a malformed hash never matches. */
  Future<Boolean> verify(String stored, String password) {
    return onWorker(() -> {
      try {
        return STRATEGY.get().verify(stored, password);
      } catch (RuntimeException e) {
        return false;
      }
    });
  }

  /** Spends the time of a verification without an account (unknown user names). */
  Future<Boolean> verifyDummy(String password) {
    return verify(dummy, password).map(ignored -> false);
  }

  /** Whether {@code stored} was made with fewer iterations than new hashes get. */
  static boolean needsRehash(String stored) {
    try {
      HashString h = new HashString(stored);
      String it = h.param("it");
      return !"pbkdf2".equals(h.id()) || it == null || Integer.parseInt(it) < ITERATIONS;
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** A new password: 16 random characters (about 93 bits) in groups of four, e.g. {@code Kq7m-ZtR3-wY8e-Hn2b}. */
  static String generate() {
    StringBuilder sb = new StringBuilder(19);
    for (int i = 0; i < 16; i++) {
      if (i > 0 && i % 4 == 0) {
        sb.append('-');
      }
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /**
   * The rules for a new password, or a 400 problem saying which one is broken: at least {@value #MIN_LENGTH}
   * characters, at most {@value #MAX_LENGTH}, not the user name.
   */
  static void checkNew(String field, String password, String username) {
    int length = password.codePointCount(0, password.length());
    if (length < MIN_LENGTH) {
      throw ApiException.badRequest("password_too_short", "新密码（" + field + "）至少需要 " + MIN_LENGTH + " 个字符，请换一个更长的密码。");
    }
    if (length > MAX_LENGTH) {
      throw ApiException.badRequest("password_too_long", "新密码（" + field + "）最多 " + MAX_LENGTH + " 个字符。");
    }
    if (password.strip().equalsIgnoreCase(username)) {
      throw ApiException.badRequest("password_is_username", "新密码（" + field + "）不能与用户名相同，请换一个。");
    }
  }

  private String hashNow(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return STRATEGY.get().hash("pbkdf2", Map.of("it", Integer.toString(ITERATIONS)), Base64.getEncoder().encodeToString(salt), password);
  }

  private <T> Future<T> onWorker(java.util.concurrent.Callable<T> work) {
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      return Future.failedFuture(new ApiException(429, "too_many_requests", "登录请求过多，请稍后再试。"));
    }
    return workers.executeBlocking(work, false).andThen(ar -> pending.decrementAndGet());
  }
}
