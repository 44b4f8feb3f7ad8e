package xiaofa.knowledge;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15q.BgeSmallZhV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline bge-small-zh-v1.5 model (quantized ONNX, shipped inside a Maven Central jar, run by ONNX Runtime on
 * the CPU): 512-dimensional vectors, normalised to unit length. Loading takes about half a second.
 */
public final class BgeSmallZhEmbedder implements Embedder {
  /** BGE's instruction for short queries that retrieve passages. */
  static final String QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章：";

  private final BgeSmallZhV15QuantizedEmbeddingModel model = new BgeSmallZhV15QuantizedEmbeddingModel();
  private final boolean instruct;

  /** @param instruct prefix queries with BGE's retrieval instruction */
  public BgeSmallZhEmbedder(boolean instruct) {
    this.instruct = instruct;
  }

  /** Without the query instruction: on residents' long questions it scored better (see README's retrieval table). */
  public BgeSmallZhEmbedder() {
    this(false);
  }

  @Override
  public String id() {
    return "bge-small-zh-v1.5-q" + (instruct ? "+instruct" : "");
  }

  @Override
  public int dimension() {
    return 512;
  }

  @Override
  public float[] embedQuery(String text) {
    return unit(model.embed(instruct ? QUERY_INSTRUCTION + text : text).content().vector());
  }

  @Override
  public List<float[]> embedPassages(List<String> texts) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    texts.forEach(t -> segments.add(TextSegment.from(t)));
    List<float[]> out = new ArrayList<>(texts.size());
    for (Embedding e : model.embedAll(segments).content()) {
      out.add(unit(e.vector()));
    }
    return out;
  }

  static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (v[i] / norm);
      }
    }
    return v;
  }
}
