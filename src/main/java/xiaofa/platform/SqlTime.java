package xiaofa.platform;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Instants in and out of {@code TIMESTAMP WITH TIME ZONE} columns, the same way for H2 and PostgreSQL (their JDBC
 * drivers hand back different Java types).
 */
public final class SqlTime {
  private SqlTime() {}

  /** The parameter to bind for an instant (UTC). */
  public static OffsetDateTime param(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  /** The instant in a column, or null. */
  public static Instant instant(Row row, String column) {
    Object v = row.getValue(column);
    if (v == null) {
      return null;
    }
    if (v instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (v instanceof java.time.ZonedDateTime z) {
      return z.toInstant();
    }
    if (v instanceof Instant i) {
      return i;
    }
    if (v instanceof LocalDateTime l) {
      return l.toInstant(ZoneOffset.UTC);
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    if (v instanceof String s) {
      return OffsetDateTime.parse(s.replace(' ', 'T')).toInstant();
    }
    throw new IllegalStateException("column " + column + " holds a " + v.getClass().getName() + ", not a time");
  }
}
