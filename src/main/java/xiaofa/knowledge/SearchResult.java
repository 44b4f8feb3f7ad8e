package xiaofa.knowledge;

import java.util.List;

/** The answer to a {@link SearchRequest}: hits best first, and the time the search took. */
public record SearchResult(String query, long tookMs, List<SearchHit> hits) {}
