package xiaofa.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The database")
class DatabaseTest {

  @ParameterizedTest(name = "on {0}")
  @MethodSource("xiaofa.platform.TestDatabases#kinds")
  @DisplayName("commits a single statement even on a connection that served a transaction before (vertx-jdbc-client#356)")
  void singleStatementsCommit(String kind) throws Exception {
    Vertx vertx = Vertx.vertx();
    AppConfig.Db config = TestDatabases.fresh(kind);
    Database db = Database.open(vertx, config, Path.of("target")).await(60, TimeUnit.SECONDS);
    try {
      for (int i = 0; i < 8; i++) {
        String day = "tx" + i;
        db.pool().withTransaction(c -> c.preparedQuery("INSERT INTO case_numbers (day_key, last_value) VALUES (?, 1)").execute(Tuple.of(day))).await(10, TimeUnit.SECONDS);
        Database.execute(db.pool(), "INSERT INTO case_numbers (day_key, last_value) VALUES (?, 1)", Tuple.of("single" + i)).await(10, TimeUnit.SECONDS);
      }
      assertEquals(Boolean.TRUE, db.check().await(10, TimeUnit.SECONDS));
      // seen from a connection outside the pool: everything acknowledged is committed
      List<String> seen = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(config.url().get(), config.user(), config.password());
          ResultSet rs = c.createStatement().executeQuery("SELECT day_key FROM case_numbers")) {
        while (rs.next()) {
          seen.add(rs.getString(1));
        }
      }
      assertEquals(16, seen.size(), seen.toString());
    } finally {
      db.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
