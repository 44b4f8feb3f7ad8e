package xiaofa.knowledge;

import java.util.Optional;

/**
 * A search: the question, how many hits, an optional type filter, and which half of the hybrid to use (keyword and
 * vector alone exist for evaluation and diagnosis).
 */
public record SearchRequest(String query, int limit, Optional<EntryType> type, Mode mode) {
  public static final int MAX_QUERY_LENGTH = 200;
  public static final int MAX_LIMIT = 50;

  public enum Mode {
    HYBRID,
    KEYWORD,
    VECTOR
  }

  public static SearchRequest of(String query, int limit) {
    return new SearchRequest(query, limit, Optional.empty(), Mode.HYBRID);
  }
}
