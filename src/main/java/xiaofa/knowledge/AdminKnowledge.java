package xiaofa.knowledge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The knowledge administrators keep in the database instead of in files: an imported power list, which replaces the
 * files' power list while it is live, and entries written in the console (publicity Q&amp;A, ids {@code
 * pf-admin-0001}…). It is read from the same rows by every node and is part of the content hash, so every node's
 * index converges on it ({@link KnowledgeSources#load(AdminKnowledge)}). Immutable; {@link #NONE} means files alone.
 *
 * @param version changes with every administrative edit (a cheap check whether the rest must be read again)
 */
public record AdminKnowledge(long version, Optional<PowerList> powerList, List<Entry> entries) {
  /** Nothing from the console: the files are the whole knowledge. */
  public static final AdminKnowledge NONE = new AdminKnowledge(0, Optional.empty(), List.of());

  /** Where imported rows and console entries say they come from, in problems and {@link KnowledgeEntry#source()}. */
  public static final String SOURCE_PREFIX = "admin/";

  public AdminKnowledge {
    entries = List.copyOf(entries);
  }

  /** An imported power list: the upload it came from, the file's name, who imported it when, and its rows. */
  public record PowerList(long uploadId, String fileName, String importedBy, Instant importedAt, List<PowerListRow> rows) {
    public PowerList {
      rows = List.copyOf(rows);
    }

    /** The name its rows are reported under: {@code admin/power-list/清单.xlsx}. */
    public String source() {
      return SOURCE_PREFIX + "power-list/" + fileName;
    }
  }

  /** One row of an imported list: its row number in the uploaded sheet and its cells by column name. */
  public record PowerListRow(int row, Map<String, String> fields) {
    public PowerListRow {
      fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
  }

  /** An entry an administrator wrote (often from a question xiaofa could not answer). */
  public record Entry(String id, String title, List<String> questions, String body, String category, List<String> basis, String createdBy, Instant createdAt) {
    public Entry {
      questions = List.copyOf(questions);
      basis = List.copyOf(basis);
    }
  }

  public boolean isEmpty() {
    return powerList.isEmpty() && entries.isEmpty();
  }

  /** The console entries as knowledge; an entry whose category is no longer valid becomes a problem. */
  List<KnowledgeEntry> knowledgeEntries(List<SourceProblem> problems) {
    List<KnowledgeEntry> out = new ArrayList<>();
    for (Entry e : entries) {
      String source = SOURCE_PREFIX + "entries/" + e.id();
      if (Category.fromId(e.category()).isEmpty()) {
        problems.add(new SourceProblem(source, 0, "category“" + e.category() + "”不是 11 个分流类别之一，已跳过"));
        continue;
      }
      out.add(new KnowledgeEntry(e.id(), EntryType.PUBLICITY, e.title(), e.body(), e.questions(), e.category(), "管理员补充", List.of(), e.basis(),
          null, null, null, null, source));
    }
    return out;
  }

  /**
   * Adds the content (not who or when) to the sources' hash. Nothing is added for {@link #isEmpty() no} console
   * knowledge, so that the hash of files alone, and the index built for it, stay what they were.
   */
  void hashInto(MessageDigest digest) {
    if (isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder("\0admin\0");
    powerList.ifPresent(p -> {
      sb.append("power-list\0").append(p.fileName()).append('\0');
      for (PowerListRow r : p.rows()) {
        sb.append(r.row()).append('\0');
        r.fields().forEach((k, v) -> sb.append(k).append('=').append(v).append('\0'));
      }
    });
    for (Entry e : entries) {
      sb.append("entry\0").append(e.id()).append('\0').append(e.title()).append('\0').append(String.join("\u001f", e.questions())).append('\0')
          .append(e.body()).append('\0').append(e.category()).append('\0').append(String.join("\u001f", e.basis())).append('\0');
    }
    digest.update(sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
