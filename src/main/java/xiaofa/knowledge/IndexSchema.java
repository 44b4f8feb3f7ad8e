package xiaofa.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthCharFilter;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The one index schema: field names, per-field analyzers and how an entry becomes a document. Every text is indexed
 * twice, as smartcn words ({@code title}, {@code body} …) and as CJK character bigrams ({@code *_bi}), so that a
 * word smartcn splits differently in a colloquial question still matches.
 */
final class IndexSchema {
  /** Bumped when fields or analysis change; part of the content hash, so the index is rebuilt. */
  static final int VERSION = 3;

  static final String ID = "id";
  static final String TYPE = "type";
  static final String CATEGORY = "category";
  static final String TITLE = "title";
  static final String QUESTIONS = "questions";
  static final String TAGS = "tags";
  static final String BODY = "body";
  static final String LAW = "law";
  static final String LAW_TITLE = "law_title";
  static final String ARTICLE = "article";
  static final String VECTOR = "vector";
  static final String BIGRAM_SUFFIX = "_bi";

  /** Function words of questions that say nothing about the matter; dropped from both documents and queries. */
  static final List<String> STOP_WORDS =
      List.of(
          "的", "了", "吗", "呢", "吧", "啊", "呀", "嘛", "哦", "我", "你", "您", "他", "她", "我们", "你们", "他们", "怎么", "怎么办", "怎样", "如何",
          "什么", "请问", "问", "一下", "这", "那", "这个", "那个", "哪", "哪里", "哪儿", "是", "是不是", "还", "就", "都", "也", "和", "与", "及",
          "或", "在", "对", "要", "想", "能", "能不能", "会", "应该", "可以吗", "咨询", "谢谢", "现在", "已经", "一个", "有没有", "么", "啥");

  private IndexSchema() {}

  static String bigram(String field) {
    return field + BIGRAM_SUFFIX;
  }

  /** smartcn word segmentation with punctuation and question filler removed. */
  static Analyzer wordAnalyzer() {
    CharArraySet stop = CharArraySet.copy(SmartChineseAnalyzer.getDefaultStopSet());
    stop.addAll(STOP_WORDS);
    return new SmartChineseAnalyzer(stop);
  }

  /** Overlapping CJK character bigrams (a lone character stays a unigram), width-folded and lower-cased. */
  static Analyzer bigramAnalyzer() {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        TokenStream ts = new LowerCaseFilter(source);
        ts = new CJKBigramFilter(ts);
        return new TokenStreamComponents(source, ts);
      }

      @Override
      protected java.io.Reader initReader(String fieldName, java.io.Reader reader) {
        return new CJKWidthCharFilter(reader);
      }
    };
  }

  /** The analyzer for indexing and querying: words by default, bigrams for the {@code *_bi} fields. */
  static Analyzer analyzer() {
    Analyzer bigrams = bigramAnalyzer();
    return new PerFieldAnalyzerWrapper(
        wordAnalyzer(),
        Map.of(
            bigram(TITLE), bigrams,
            bigram(QUESTIONS), bigrams,
            bigram(BODY), bigrams,
            bigram(TAGS), bigrams,
            bigram(LAW), bigrams));
  }

  /**
   * The document of an entry. {@code askedAs} (law articles only) holds the titles and questions of the knowledge
   * entries that cite the article: residents' wording for it, indexed as its questions.
   */
  static Document document(KnowledgeEntry e, List<String> askedAs, float[] vector) {
    Document d = new Document();
    d.add(new StringField(ID, e.id(), Field.Store.YES));
    d.add(new StringField(TYPE, e.type().key(), Field.Store.YES));
    if (e.category() != null) {
      d.add(new StringField(CATEGORY, e.category(), Field.Store.NO));
    }
    text(d, TITLE, e.title(), true);
    List<String> questions = new ArrayList<>(e.questions());
    questions.addAll(askedAs);
    text(d, QUESTIONS, String.join("\n", questions), false);
    List<String> tags = new ArrayList<>(e.tags());
    if (e.topic() != null) {
      tags.add(e.topic());
    }
    tags.addAll(e.basis());
    text(d, TAGS, String.join("\n", tags), false);
    text(d, BODY, plain(e.body()), true);
    if (e.type() == EntryType.LAW) {
      text(d, LAW, KnowledgeEntry.shortLawTitle(e.law()) + (e.chapter() == null ? "" : "\n" + e.chapter()), false);
      d.add(new StoredField(LAW_TITLE, e.law()));
      d.add(new IntPoint(ARTICLE, e.article()));
      d.add(new StoredField(ARTICLE, e.article()));
    }
    if (vector != null) {
      d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
    }
    return d;
  }

  /** Stored text with offsets in the postings, so snippets are cut without analysing the text again. */
  private static final FieldType STORED_WITH_OFFSETS = new FieldType(TextField.TYPE_STORED);

  static {
    STORED_WITH_OFFSETS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
    STORED_WITH_OFFSETS.freeze();
  }

  private static void text(Document d, String field, String value, boolean store) {
    if (value == null || value.isBlank()) {
      return;
    }
    d.add(store ? new Field(field, value, STORED_WITH_OFFSETS) : new TextField(field, value, Field.Store.NO));
    d.add(new TextField(bigram(field), value, Field.Store.NO));
  }

  /** The text the embedding model sees: what the entry is about, first, within about 400 characters. */
  static String passage(KnowledgeEntry e, List<String> askedAs) {
    String s =
        switch (e.type()) {
          case LAW -> KnowledgeEntry.shortLawTitle(e.law()) + " " + (e.chapter() == null ? "" : lastPart(e.chapter()) + " ") + e.body()
              + (askedAs.isEmpty() ? "" : "\n" + String.join("；", askedAs));
          case POWER -> e.title() + "。" + e.fields().getOrDefault("职权类型", "") + "，" + e.fields().getOrDefault("承办机构", "") + "办理。申请材料："
              + e.fields().getOrDefault("申请材料", "") + "。依据：" + e.fields().getOrDefault("实施依据", "");
          default -> e.title() + "。" + String.join("；", e.questions()) + "。" + plain(e.body());
        };
    return s.length() > 400 ? s.substring(0, 400) : s;
  }

  private static String lastPart(String chapter) {
    int i = chapter.lastIndexOf(" / ");
    return i < 0 ? chapter : chapter.substring(i + 3);
  }

  /** Markdown to plain text for indexing and snippets: marks removed, lines kept. */
  static String plain(String markdown) {
    if (markdown == null) {
      return "";
    }
    return markdown
        .replaceAll("(?m)^#{1,6}\\s*", "")
        .replaceAll("(?m)^\\s*[-*+]\\s+", "")
        .replaceAll("(?m)^\\s*>\\s?", "")
        .replaceAll("\\*\\*|__|`", "")
        .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
        .replaceAll("(?m)^\\|?\\s*:?-{3,}.*$", "")
        .replace('|', ' ')
        .replaceAll("\n{3,}", "\n\n")
        .strip();
  }
}
