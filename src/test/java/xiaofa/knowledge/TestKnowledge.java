package xiaofa.knowledge;

/** Shared heavy fixtures of the knowledge tests: one embedding model per test JVM. */
public final class TestKnowledge {
  private static Embedder embedder;

  private TestKnowledge() {}

  public static synchronized Embedder embedder() {
    if (embedder == null) {
      embedder = new BgeSmallZhEmbedder();
    }
    return embedder;
  }
}
