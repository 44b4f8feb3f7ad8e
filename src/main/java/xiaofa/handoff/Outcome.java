package xiaofa.handoff;

import java.util.Optional;

/** How a case ended; it decides the final status. */
public enum Outcome {
  ANSWERED("answered", "已解答", CaseStatus.RESOLVED),
  MEDIATION("mediation", "人民调解", CaseStatus.RESOLVED),
  LEGAL_AID("legal_aid", "法律援助", CaseStatus.RESOLVED),
  LITIGATION_ADVICE("litigation_advice", "诉讼指引", CaseStatus.RESOLVED),
  REFERRED_DEPARTMENT("referred_department", "转交职能部门", CaseStatus.REFERRED),
  WITHDRAWN("withdrawn", "居民撤回", CaseStatus.CLOSED);

  private final String id;
  private final String label;
  private final CaseStatus status;

  Outcome(String id, String label, CaseStatus status) {
    this.id = id;
    this.label = label;
    this.status = status;
  }

  public String id() {
    return id;
  }

  public String label() {
    return label;
  }

  public CaseStatus status() {
    return status;
  }

  public static Optional<Outcome> fromId(String id) {
    for (Outcome o : values()) {
      if (o.id.equals(id)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }
}
