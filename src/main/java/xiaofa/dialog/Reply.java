package xiaofa.dialog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Set;
import xiaofa.knowledge.Category;

/**
 * What the dialog answers to one {@link Inbound}: plain text that fits one WeChat message, the category and its
 * confidence, whether the message was urgent, what the answer rests on, numbered suggestions the resident can pick,
 * what the resident can do next, and the case when one is open.
 */
public record Reply(
    String text, Category category, double confidence, boolean urgent, List<Cite> citations, List<Suggestion> suggestions, Set<Action> actions, CaseRef caseRef) {

  public Reply {
    citations = List.copyOf(citations);
    suggestions = List.copyOf(suggestions);
    actions = Set.copyOf(actions);
  }

  /**
   * A source of the answer: a law article ({@code law}, {@code article}; {@code verified} when the article was found
   * in the index) or a knowledge entry ({@code id}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cite(String law, Integer article, String id, String title, Boolean verified) {
    public static Cite law(String law, int article, String title, boolean verified) {
      return new Cite(law, article, null, title, verified);
    }

    public static Cite entry(String id, String title) {
      return new Cite(null, null, id, title, null);
    }
  }

  /** A numbered item the resident can pick by replying its number. */
  public record Suggestion(int n, String id, String title) {}

  /** The case the conversation is attached to. */
  public record CaseRef(String id, String status, String statusLabel, String advisor, String role) {}

  /** What the resident can do next. */
  public enum Action {
    MORE,
    HANDOFF,
    RATE,
    CANCEL;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
