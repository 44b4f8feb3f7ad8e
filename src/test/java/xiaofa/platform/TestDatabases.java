package xiaofa.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the storage tests run on: a fresh in-memory H2 in PostgreSQL mode, and a fresh database on the
 * PostgreSQL server named by {@code XIAOFA_TEST_PG_URL} (and {@code XIAOFA_TEST_PG_USER}, {@code
 * XIAOFA_TEST_PG_PASSWORD}); {@code .ci/postgres.sh} starts one. Without it the PostgreSQL runs are skipped, saying so.
 */
public final class TestDatabases {
  private TestDatabases() {}

  /** The kinds, for {@code @MethodSource("xiaofa.platform.TestDatabases#kinds")}. */
  public static Stream<String> kinds() {
    return Stream.of("H2", "PostgreSQL");
  }

  /** A fresh, empty database of this kind. */
  public static AppConfig.Db fresh(String kind) {
    if (kind.equals("H2")) {
      return new AppConfig.Db(Optional.of(Database.h2Url("mem:t" + UUID.randomUUID().toString().replace("-", ""))), "sa", "", 4);
    }
    String url = System.getenv("XIAOFA_TEST_PG_URL");
    Assumptions.assumeTrue(url != null && !url.isBlank(),
        "PostgreSQL storage tests skipped: XIAOFA_TEST_PG_URL is not set (run eval \"$(.ci/postgres.sh)\" first, as .ci/run does)");
    String user = System.getenv().getOrDefault("XIAOFA_TEST_PG_USER", "xiaofa");
    String password = System.getenv().getOrDefault("XIAOFA_TEST_PG_PASSWORD", "");
    String name = "t" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + url, e);
    }
    return new AppConfig.Db(Optional.of(url.substring(0, url.lastIndexOf('/') + 1) + name), user, password, 4);
  }
}
