package xiaofa.knowledge;

import java.util.Optional;

/**
 * A search: the question, how many hits, an optional type filter, which half of the hybrid to use (keyword and
 * vector alone exist for evaluation and diagnosis), and whether hits need snippets (the API shows them; the dialog,
 * which composes its answers from whole entries, does not, and highlighting is a good part of a search's cost).
 */
public record SearchRequest(String query, int limit, Optional<EntryType> type, Mode mode, boolean snippets) {
  public static final int MAX_QUERY_LENGTH = 200;
  public static final int MAX_LIMIT = 50;

  public enum Mode {
    HYBRID,
    KEYWORD,
    VECTOR
  }

  public SearchRequest(String query, int limit, Optional<EntryType> type, Mode mode) {
    this(query, limit, type, mode, true);
  }

  public static SearchRequest of(String query, int limit) {
    return new SearchRequest(query, limit, Optional.empty(), Mode.HYBRID);
  }

  /** The same search, its hits without snippets. */
  public SearchRequest withoutSnippets() {
    return new SearchRequest(query, limit, type, mode, false);
  }
}
