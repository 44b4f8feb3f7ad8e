package xiaofa.handoff;

import java.util.Optional;

/** A case's status: new → assigned → in progress → resolved / referred / closed. */
public enum CaseStatus {
  NEW("new", "待分派"),
  ASSIGNED("assigned", "已分派"),
  IN_PROGRESS("in_progress", "处理中"),
  RESOLVED("resolved", "已办结"),
  REFERRED("referred", "已转办"),
  CLOSED("closed", "已关闭");

  private final String id;
  private final String label;

  CaseStatus(String id, String label) {
    this.id = id;
    this.label = label;
  }

  public String id() {
    return id;
  }

  public String label() {
    return label;
  }

  /** Still being worked on: the resident's messages go to the case. */
  public boolean isOpen() {
    return this == NEW || this == ASSIGNED || this == IN_PROGRESS;
  }

  public static Optional<CaseStatus> fromId(String id) {
    for (CaseStatus s : values()) {
      if (s.id.equals(id)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
