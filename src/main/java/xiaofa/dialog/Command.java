package xiaofa.dialog;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resident's command, recognised in the normalised text: hand-off (转人工 / 人工 / 找律师), help or menu, the
 * resident's cases (查询进度), a rating (评价 1–5), more of the last answer (还有呢), details (详细说说), picking a
 * suggestion by its number, leaving a flow (取消), withdrawing the open case (撤回事项), greetings and thanks.
 * {@code arg} is what follows a hand-off command after a separator ("找律师，老板欠我工资" → "老板欠我工资"; "找律师要多少钱"
 * and "人工智能侵权" are questions, not commands), the rating, or the pick.
 */
record Command(Kind kind, String arg) {

  enum Kind {
    HANDOFF,
    HELP,
    PROGRESS,
    RATE,
    MORE,
    DETAIL,
    PICK,
    CANCEL,
    WITHDRAW,
    GREETING,
    THANKS
  }

  private static final String P = "[,.!?;:~，。！？；：、…\\s]*";
  private static final Pattern HANDOFF = Pattern.compile(
      "^(?:我)?(?:要|想|需要|请|帮我)?(?:转人工|人工客服|人工服务|转接人工|找人工|人工|找律师|请律师|联系律师|咨询律师|律师咨询|找个律师|找法律顾问|找顾问|转律师)(?:服务|咨询|帮忙|帮助)?(?:[,.!?;:~，。！？；：、…\\s]+(.*))?$");
  private static final Pattern HELP = Pattern.compile("^(?:帮助|菜单|help|menu|\\?|你能做什么|你会什么|怎么用|使用说明|功能)" + P + "$");
  private static final Pattern PROGRESS = Pattern.compile("^(?:查询进度|查进度|进度查询|查询案件|我的案件|我的事项|案件进度|事项进度|办理进度|进度)" + P + "$");
  private static final Pattern RATE = Pattern.compile("^(?:评价|评分|打分|满意度)" + P + "([1-5])(?:分|星)?" + P + "$|^([1-5])(?:分|星)" + P + "$");
  private static final Pattern RATE_WORDS = Pattern.compile("^(非常满意|满意|一般|不满意|非常不满意)" + P + "$");
  private static final Pattern MORE = Pattern.compile("^(?:还有呢|还有吗|还有|更多|继续|下一页|然后呢|接着说)" + P + "$");
  private static final Pattern DETAIL = Pattern.compile("^(?:详细说说|详细点|详细一点|具体说说|具体点|展开说说|详细|说详细点|全文)" + P + "$");
  private static final Pattern PICK = Pattern.compile("^(?:第)?([1-9一二三四五六七八九])(?:个|条|项)?" + P + "$");
  private static final Pattern CANCEL = Pattern.compile("^(?:取消|算了|不用了|退出|返回|不要了)" + P + "$");
  private static final Pattern WITHDRAW = Pattern.compile("^(?:撤回事项|撤回案件|撤销事项|撤销案件|撤回|不需要律师了|问题已解决)" + P + "$");
  private static final Pattern GREETING = Pattern.compile("^(?:你好|您好|hi|hello|在吗|在不在|哈喽|小法)" + P + "(?:小法)?" + P + "$");
  private static final Pattern THANKS = Pattern.compile("^(?:谢谢|感谢|多谢|谢了|好的谢谢|好的|明白了|知道了|ok|收到)" + P + "(?:你|小法)?" + P + "$");

  static Optional<Command> parse(String normalised) {
    String t = normalised.strip().toLowerCase(Locale.ROOT);
    if (t.isEmpty()) {
      return Optional.empty();
    }
    Matcher m;
    if ((m = RATE.matcher(t)).matches()) {
      return Optional.of(new Command(Kind.RATE, m.group(1) != null ? m.group(1) : m.group(2)));
    }
    if ((m = RATE_WORDS.matcher(t)).matches()) {
      int score = switch (m.group(1)) {
        case "非常满意" -> 5;
        case "满意" -> 4;
        case "一般" -> 3;
        case "不满意" -> 2;
        default -> 1;
      };
      return Optional.of(new Command(Kind.RATE, String.valueOf(score)));
    }
    if ((m = HANDOFF.matcher(t)).matches()) {
      String rest = m.group(1) == null ? "" : m.group(1);
      return Optional.of(new Command(Kind.HANDOFF, normalised.strip().substring(normalised.strip().length() - rest.length()).strip()));
    }
    if ((m = PICK.matcher(t)).matches()) {
      return Optional.of(new Command(Kind.PICK, String.valueOf("123456789".indexOf(digit(m.group(1))) + 1)));
    }
    if (HELP.matcher(t).matches()) {
      return Optional.of(new Command(Kind.HELP, ""));
    }
    if (PROGRESS.matcher(t).matches()) {
      return Optional.of(new Command(Kind.PROGRESS, ""));
    }
    if (MORE.matcher(t).matches()) {
      return Optional.of(new Command(Kind.MORE, ""));
    }
    if (DETAIL.matcher(t).matches()) {
      return Optional.of(new Command(Kind.DETAIL, ""));
    }
    if (WITHDRAW.matcher(t).matches()) {
      return Optional.of(new Command(Kind.WITHDRAW, ""));
    }
    if (CANCEL.matcher(t).matches()) {
      return Optional.of(new Command(Kind.CANCEL, ""));
    }
    if (GREETING.matcher(t).matches()) {
      return Optional.of(new Command(Kind.GREETING, ""));
    }
    if (THANKS.matcher(t).matches()) {
      return Optional.of(new Command(Kind.THANKS, ""));
    }
    return Optional.empty();
  }

  private static char digit(String s) {
    char c = s.charAt(0);
    int i = "一二三四五六七八九".indexOf(c);
    return i >= 0 ? (char) ('1' + i) : c;
  }
}
