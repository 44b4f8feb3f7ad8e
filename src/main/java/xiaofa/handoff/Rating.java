package xiaofa.handoff;

/** 一事一评: five levels, 5 = 非常满意 … 1 = 非常不满意. A rating of 2 or less opens a follow-up. */
public final class Rating {
  private static final String[] LABELS = {"非常不满意", "不满意", "一般", "满意", "非常满意"};

  private Rating() {}

  public static String label(int score) {
    return LABELS[score - 1];
  }

  public static boolean needsFollowUp(int score) {
    return score <= 2;
  }

  /** The prompt sent when a case closes. */
  public static String prompt(String caseId) {
    return "您的事项 " + caseId + " 已办结。请为本次服务评价（一事一评），直接回复数字：\n"
        + "5 非常满意　4 满意　3 一般　2 不满意　1 非常不满意\n（例如回复“评价5”）";
  }
}
