package xiaofa.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL database: Vert.x's async pool over JDBC, for the embedded H2 file database (the default) or PostgreSQL
 * (several nodes), with one schema migrated by Flyway from {@code db/migration} before the pool is handed out.
 * Statements are written once, in the SQL that H2's PostgreSQL mode and PostgreSQL both accept.
 *
 * <p>Every statement runs inside a transaction: {@link #execute} for a single statement, {@code
 * pool().withTransaction} for several. vertx-jdbc-client 5.0.10 returns a connection to the pool with auto-commit
 * still off after a transaction (vert-x3/vertx-jdbc-client#356, fixed upstream but not yet released), so a bare
 * {@code pool.query(...)} could run in a transaction nobody commits. Use the helpers here, never bare pool queries.
 */
public final class Database implements Readiness {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final Pool pool;

  private Database(Pool pool) {
    this.pool = pool;
  }

  /** The JDBC URL for a config: the configured one, else an H2 file database under the data dir. */
  public static String jdbcUrl(AppConfig.Db config, Path dataDir) {
    return config.url().orElseGet(() -> h2Url("file:" + dataDir.toAbsolutePath().resolve("db").resolve("xiaofa")));
  }

  /**
   * An H2 URL in PostgreSQL mode for {@code target} ({@code file:/path} or {@code mem:name}). WRITE_DELAY=0 writes
   * every commit to disk at once, so nothing acknowledged is lost when the process is killed.
   */
  public static String h2Url(String target) {
    return "jdbc:h2:" + target + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0"
        + (target.startsWith("mem:") ? ";DB_CLOSE_DELAY=-1" : "");
  }

  /** Migrates the schema (on a worker thread) and opens the pool. */
  public static Future<Database> open(Vertx vertx, AppConfig.Db config, Path dataDir) {
    String url = jdbcUrl(config, dataDir);
    String description = url.replaceAll(";.*", "").replaceAll("//([^/@]*)@", "//");
    return vertx.<MigrateResult>executeBlocking(() -> Flyway.configure()
            .dataSource(url, config.user(), config.password())
            .locations("classpath:db/migration")
            .load()
            .migrate())
        .map(result -> {
          log.info("database {}: schema at version {} ({} migrations applied now)", description, result.targetSchemaVersion, result.migrationsExecuted);
          JDBCConnectOptions connect = new JDBCConnectOptions().setJdbcUrl(url).setUser(config.user()).setPassword(config.password());
          Pool pool = JDBCPool.pool(vertx, connect, new PoolOptions().setMaxSize(config.poolSize()).setName("xiaofa-db"));
          return new Database(pool);
        });
  }

  public Pool pool() {
    return pool;
  }

  /** One statement with parameters, in its own transaction (committed when the future succeeds). */
  public static Future<RowSet<Row>> execute(Pool pool, String sql, Tuple params) {
    return pool.withTransaction(c -> c.preparedQuery(sql).execute(params));
  }

  /** One statement without parameters, in its own transaction. */
  public static Future<RowSet<Row>> execute(Pool pool, String sql) {
    return pool.withTransaction(c -> c.query(sql).execute());
  }

  @Override
  public String name() {
    return "database";
  }

  @Override
  public Future<Boolean> check() {
    return execute(pool, "SELECT 1").map(rows -> true).otherwise(false);
  }

  public Future<Void> close() {
    return pool.close();
  }
}
