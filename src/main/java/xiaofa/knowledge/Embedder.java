package xiaofa.knowledge;

import java.util.List;

/**
 * Turns text into unit-length dense vectors for the KNN half of hybrid search. Implementations are thread-safe and
 * blocking (call them on a worker thread).
 */
public interface Embedder {
  /** Names the model; part of the index's content hash, so a new model rebuilds the index. */
  String id();

  int dimension();

  /** A question from a resident (may carry a retrieval instruction, as BGE recommends for short queries). */
  float[] embedQuery(String text);

  /** Passages to be indexed, in order. */
  List<float[]> embedPassages(List<String> texts);
}
