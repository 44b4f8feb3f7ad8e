package xiaofa.dialog;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import xiaofa.handoff.NewCase;
import xiaofa.knowledge.Category;

/**
 * One resident's conversation context, kept in memory for a while after the last message: the suggestions last
 * offered, the rest of a long answer, the last question and its category, the flow the resident is in, the area
 * they said they are in, and the last lines of the conversation (handed to the advisor with a case). Guarded by
 * its own lock: one resident's turns may arrive on different event loops.
 */
final class Session {
  enum Flow {
    NONE,
    /** 转人工 without a question yet: the next message describes the matter. */
    AWAIT_HANDOFF_DETAIL
  }

  private static final int TRANSCRIPT_LINES = 12;

  final List<Reply.Suggestion> suggestions = new ArrayList<>();
  final Deque<String> morePages = new ArrayDeque<>();
  String lastEntryId;
  String lastQuestion;
  Category lastCategory;
  double lastConfidence;
  Flow flow = Flow.NONE;
  String area;
  private final Deque<NewCase.Line> transcript = new ArrayDeque<>();

  synchronized void heard(String actor, String text) {
    transcript.addLast(new NewCase.Line(actor, text.length() > 600 ? text.substring(0, 600) + "…" : text));
    while (transcript.size() > TRANSCRIPT_LINES) {
      transcript.removeFirst();
    }
  }

  synchronized List<NewCase.Line> transcript() {
    return List.copyOf(transcript);
  }

  synchronized void offer(List<Reply.Suggestion> items) {
    suggestions.clear();
    suggestions.addAll(items);
  }

  synchronized void pages(List<String> rest) {
    morePages.clear();
    morePages.addAll(rest);
  }
}
