package xiaofa.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Named SQL statements from a resource file: each statement follows a {@code -- name: key} line. Capabilities keep
 * their SQL as text beside the schema instead of in Java strings.
 */
public final class SqlStatements {
  private final String resource;
  private final Map<String, String> statements;

  private SqlStatements(String resource, Map<String, String> statements) {
    this.resource = resource;
    this.statements = statements;
  }

  /** Loads {@code resource} (e.g. {@code /sql/outbox.sql}); fails at start when it is missing. */
  public static SqlStatements load(String resource) {
    try (InputStream in = SqlStatements.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("SQL resource " + resource + " is missing");
      }
      Map<String, String> map = new HashMap<>();
      String name = null;
      StringBuilder sql = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("-- name:")) {
          put(map, name, sql);
          name = line.substring("-- name:".length()).strip();
          sql.setLength(0);
        } else if (name != null && !line.strip().startsWith("--")) {
          sql.append(line.strip()).append(' ');
        }
      }
      put(map, name, sql);
      return new SqlStatements(resource, Map.copyOf(map));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void put(Map<String, String> map, String name, StringBuilder sql) {
    if (name != null) {
      String s = sql.toString().strip();
      map.put(name, s.endsWith(";") ? s.substring(0, s.length() - 1) : s);
    }
  }

  /** The statement called {@code name}. */
  public String get(String name) {
    String s = statements.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no statement " + name + " in " + resource);
    }
    return s;
  }
}
