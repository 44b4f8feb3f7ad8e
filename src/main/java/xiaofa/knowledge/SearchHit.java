package xiaofa.knowledge;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One hit. {@code score} is in [0, 1] and comparable across queries (a threshold of about 0.5 separates on-topic
 * hits from noise; see README); {@code law} and {@code article} are set on law hits only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchHit(String id, String type, String title, String snippet, double score, String law, Integer article) {}
