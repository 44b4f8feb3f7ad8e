package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The knowledge folder in the repository is complete and clean: what the zone publishes must not regress. */
class KnowledgeFolderTest {
  static KnowledgeBase kb;

  @BeforeAll
  static void load() {
    kb = new KnowledgeSources(Optional.of(Path.of("knowledge")), Optional.empty(), "test").load();
  }

  static List<KnowledgeEntry> of(EntryType t) {
    return kb.entries().stream().filter(e -> e.type() == t).toList();
  }

  @Test
  @DisplayName("every file and row of the knowledge folder parses without a problem")
  void noProblems() {
    assertEquals(List.of(), kb.problems());
  }

  @Test
  @DisplayName("the power list has at least 80 items covering all eight power types, each with a legal basis")
  void powerList() {
    List<KnowledgeEntry> power = of(EntryType.POWER);
    assertTrue(power.size() >= 80, "power items: " + power.size());
    assertEquals(PowerListParser.TYPES, power.stream().map(KnowledgeEntry::topic).collect(Collectors.toSet()));
    assertTrue(power.stream().allMatch(e -> !e.basis().isEmpty()), "every item names its 实施依据");
  }

  @Test
  @DisplayName("the disclosure columns are all there")
  void disclosure() {
    assertEquals(MarkdownEntryParser.COLUMNS, of(EntryType.DISCLOSURE).stream().map(KnowledgeEntry::topic).collect(Collectors.toSet()));
  }

  @Test
  @DisplayName("at least 150 publicity entries cover the 11 routing categories and the special topics")
  void publicity() {
    List<KnowledgeEntry> pf = of(EntryType.PUBLICITY);
    assertTrue(pf.size() >= 150, "publicity entries: " + pf.size());
    Set<String> categories = pf.stream().map(KnowledgeEntry::category).collect(Collectors.toSet());
    for (Category c : Category.values()) {
      assertTrue(categories.contains(c.id()), "no entry for " + c.id());
    }
    Set<String> topics = pf.stream().map(KnowledgeEntry::topic).collect(Collectors.toSet());
    assertTrue(topics.containsAll(List.of("防电诈", "法律援助", "人民调解", "营商环境", "公共法律服务")), topics.toString());
    for (KnowledgeEntry e : pf) {
      assertTrue(e.questions().size() >= 3, e.id() + " needs at least 3 ways residents ask");
      assertTrue(e.body().contains("## 怎么办") && e.body().contains("## 法律依据") && e.body().contains("## 到哪里办"), e.id() + " sections");
    }
  }

  @Test
  @DisplayName("the synonym map has at least 300 colloquial phrases")
  void synonyms() {
    assertTrue(kb.synonyms().size() >= 300, "synonyms: " + kb.synonyms().size());
  }

  @Test
  @DisplayName("no invented phone numbers: only public hotlines or 0730-0000xxxx placeholders")
  void phoneNumbers() {
    java.util.regex.Pattern phone = java.util.regex.Pattern.compile("1[3-9]\\d{9}|0730-?[1-9]\\d{6,7}");
    for (KnowledgeEntry e : kb.entries()) {
      String text = e.body() + " " + e.fields().values();
      assertTrue(!phone.matcher(text).find(), e.id() + " contains a real-looking phone number");
    }
  }

  @Test
  @DisplayName("every basis citing a law of the shared corpus names an article that exists")
  void citationsExist() {
    assumeTrue(Files.isDirectory(LawParserTest.SHARED_LAWS), "skipped: ../shared/data/laws is absent (the shared law corpus is not on this machine)");
    KnowledgeBase full = new KnowledgeSources(Optional.of(Path.of("knowledge")), Optional.of(LawParserTest.SHARED_LAWS), "test").load();
    Set<String> ids = new HashSet<>();
    Set<String> laws = new HashSet<>();
    for (KnowledgeEntry e : full.entries()) {
      ids.add(e.id());
      if (e.type() == EntryType.LAW) {
        laws.add(KnowledgeEntry.shortLawTitle(e.law()));
      }
    }
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (KnowledgeEntry e : full.entries()) {
      for (String b : e.basis()) {
        Optional<Citation> c = Citation.parse(b);
        if (c.isPresent() && laws.contains(c.get().law())) {
          checked++;
          if (!ids.contains(c.get().entryId())) {
            missing.add(e.id() + ": " + b);
          }
        }
      }
    }
    assertTrue(checked > 200, "citations checked: " + checked);
    assertEquals(List.of(), missing);
  }
}
