package xiaofa.handoff;

import java.util.List;
import xiaofa.knowledge.Category;

/**
 * What a channel knows when a case opens: who (channel, user reference), the routing category, urgency, the grid code
 * of the resident's area (may be null), a one-line summary, and the conversation so far.
 */
public record NewCase(String channel, String userRef, Category category, boolean urgent, String area, String summary, List<Line> transcript) {

  public NewCase {
    transcript = List.copyOf(transcript);
  }

  /** A line of the conversation before the hand-off: who said it ({@code resident} or {@code xiaofa}) and what. */
  public record Line(String actor, String text) {}
}
