package xiaofa.knowledge;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything read from the sources at one moment: the entries, the synonym map, the routing examples, the problems found and the content
 * hash that names the index built from them. Immutable.
 */
public record KnowledgeBase(
    List<KnowledgeEntry> entries, Synonyms synonyms, List<RoutingExample> routingExamples, List<UrgencyExample> urgencyExamples, List<SourceProblem> problems, String contentHash) {

  /** No knowledge at all. */
  public static final KnowledgeBase EMPTY = new KnowledgeBase(List.of(), Synonyms.empty(), List.of(), List.of(), List.of(), "");

  public KnowledgeBase {
    entries = List.copyOf(entries);
    routingExamples = List.copyOf(routingExamples);
    urgencyExamples = List.copyOf(urgencyExamples);
    problems = List.copyOf(problems);
  }

  /** Entries by id, in source order. */
  public Map<String, KnowledgeEntry> byId() {
    Map<String, KnowledgeEntry> m = new LinkedHashMap<>();
    for (KnowledgeEntry e : entries) {
      m.put(e.id(), e);
    }
    return m;
  }

  public Map<EntryType, Integer> counts() {
    Map<EntryType, Integer> c = new EnumMap<>(EntryType.class);
    for (EntryType t : EntryType.values()) {
      c.put(t, 0);
    }
    for (KnowledgeEntry e : entries) {
      c.merge(e.type(), 1, Integer::sum);
    }
    return c;
  }
}
