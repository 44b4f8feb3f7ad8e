package xiaofa.knowledge;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One hit. {@code score} is in [0, 1] and comparable across queries (0.4 separates on-topic hits from noise: see
 * HybridSearcher#ON_TOPIC and README); {@code law} and {@code article} are set on law hits only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchHit(String id, String type, String title, String snippet, double score, String law, Integer article) {
  /** Hits scoring at least this are on the question's topic; below it they are noise. */
  public static final double ON_TOPIC = HybridSearcher.ON_TOPIC;
}
