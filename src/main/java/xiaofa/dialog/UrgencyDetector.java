package xiaofa.dialog;

import static xiaofa.dialog.UrgencyDetector.Kind.CROWD;
import static xiaofa.dialog.UrgencyDetector.Kind.DEADLINE;
import static xiaofa.dialog.UrgencyDetector.Kind.DETAINED;
import static xiaofa.dialog.UrgencyDetector.Kind.DOMESTIC_VIOLENCE;
import static xiaofa.dialog.UrgencyDetector.Kind.FRAUD_IN_PROGRESS;
import static xiaofa.dialog.UrgencyDetector.Kind.PERSON_AT_RISK;
import static xiaofa.dialog.UrgencyDetector.Kind.SELF_HARM;
import static xiaofa.dialog.UrgencyDetector.Kind.VIOLENCE;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a resident's message means someone needs help now, before any legal answer is given: violence
 * happening or threatened, domestic violence, self-harm, a person just detained, a court deadline about to pass, a
 * child or old person at risk, a crowd about to clash, a fraud still under way.
 *
 * <p>The rules are a table of patterns per {@link Kind}, each with a {@link Force}:
 *
 * <ul>
 *   <li>{@code ALARM} words say the danger is present by themselves (要砍我, 不想活了, 安全账户里转账); they count
 *       unless negated right before ("我没有想自杀").
 *   <li>{@code EVENT} words name a dangerous event (被打了, 被拘留, 家暴); they count unless the message frames it as
 *       past, hypothetical, a question about the law or its aftermath (去年, 如果, 定义, 案底, 赔偿 …, a table per
 *       kind) and nothing in the message says "now" (刚刚, 正在, 今天, 又 …).
 *   <li>{@code CUED} words are urgent only with a "now" cue (被骗了 is urgent when it happened 刚刚, not 去年).
 * </ul>
 *
 * The detector is tuned for recall: a false alarm costs the resident one paragraph of safety advice, a miss can cost
 * much more. Input must already be normalised by {@link TextNormaliser} (simplified, half-width punctuation).
 * Stateless and thread-safe; no I/O; a call takes microseconds.
 */
public final class UrgencyDetector {

  /** What kind of help is needed now. The declaration order is the order of importance used for guidance. */
  public enum Kind {
    SELF_HARM,
    VIOLENCE,
    DOMESTIC_VIOLENCE,
    PERSON_AT_RISK,
    FRAUD_IN_PROGRESS,
    CROWD,
    DETAINED,
    DEADLINE
  }

  /**
   * The verdict: {@code kinds} is empty and {@code guidance} is {@code ""} when nothing is urgent. {@code guidance} is
   * plain Chinese for the resident, one step per line, the most important line first, at most {@value
   * #GUIDANCE_MAX_BYTES} bytes of UTF-8.
   */
  public record Urgency(boolean urgent, Set<Kind> kinds, String guidance) {
    public static final Urgency NONE = new Urgency(false, Set.of(), "");
  }

  static final int GUIDANCE_MAX_BYTES = 500;

  private enum Force {
    ALARM,
    EVENT,
    CUED
  }

  private record Rule(Kind kind, Force force, Pattern pattern) {}

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Z]+)\\}");

  /** Named pieces the rules share, spliced in where a rule says {@code {NAME}}. */
  private static final Map<String, String> WORDS =
      Map.ofEntries(
          Map.entry("FAMILY", "老公|丈夫|老婆|妻子|媳妇|爱人|男人|前夫|前妻|男朋友|男友|女朋友|女友|对象|未婚夫|公公|婆婆|岳父|岳母|丈母娘|老丈人|继父|继母|后爸|后妈|我爸|我妈|他爸|孩子他爸|孩子爸|孩子他妈|父亲|母亲|儿子|女儿|儿媳|女婿|哥哥|弟弟|姐夫|小叔子|家里人|家人|老头子"),
          Map.entry("MINOR", "孩子|小孩|儿子|女儿|闺女|娃|小朋友|学生|孙子|孙女|外孙女?|侄子|侄女|外甥女?|婴儿|宝宝|未成年人?|幼儿|小学生|初中生|中学生|高中生|男孩|女孩|小姑娘|[0-9一二三四五六七八九十]{1,3}岁"),
          Map.entry("ELDER", "老人|老年人|老太太|老大爷|老爷爷|老奶奶|老太|大爷|大妈|奶奶|爷爷|外婆|外公|姥姥|姥爷|老母亲|老父亲|我爸|我妈|老爸|老妈|父母|公公|婆婆|岳父|岳母|老两口|老伴|[5-9][0-9]岁|[六七八九]十多岁"),
          Map.entry("WEAPON", "刀|菜刀|砍刀|水果刀|匕首|斧头|斧子|锄头|铁锹|镰刀|棍子?|木棒|铁棍|钢管|砖头?|石头|枪|酒瓶子?|皮带|硫酸|汽油|凳子"),
          Map.entry("HARM", "杀|砍|捅|弄死|打死|整死|搞死|砸死|烧死|掐死|宰|废|打残|收拾|剁|报复"),
          Map.entry("VICTIM", "我|你|他|她|我们|你们|他们|全家|一家|人|死"),
          Map.entry("GROUP", "(工人|民工|农民工|村民|业主|家长|员工|家属)们|(几十|几百|上百|上千|百来|一百多|二三十|三四十|十几|二十几|二十多|三十多|四十多|五十多|好几十|一大群|一群|一帮|一伙|一大帮|好多|很多|大批|全村|全体|整个村|[0-9]{2,}多?)[个号名]?(人|工人|农民工|民工|村民|家属|业主|家长|员工|老乡|亲戚|社会人员|混混|青年)"),
          Map.entry("POLICE", "警察|公安|派出所|民警|刑警|便衣|特警|纪委|监委|检察院"),
          Map.entry("SOON", "快|马上|就要|即将|还剩|只剩|剩下|最后|明天|后天|今天|到期|截止|要过|快过|过了|已过|超过|超了|错过|耽误|来不及"),
          Map.entry("DAYS", "([0-9]+|[一二两三四五六七八九十几]+)(天|日)"),
          Map.entry("SOONDAY", "明天|后天|今天|今晚|明早|大后天|下周[一二三四五六日天]?|这周[一二三四五六日天]?|周[一二三四五]|星期[一二三四五六日天]|过两天|两天后|三天后|马上|就要|快要|[0-9]+号"),
          // 打 that is not hitting: 打工, 打官司, 打电话 …
          Map.entry("HIT", "(打(?!工|官司|电话|给|过来|过去|算|听|扰|卡|款|钱|折|针|印|包|理|车|的|招呼|击|分|赌|牌|麻将|游戏|开|点滴|赏|字|表|欠条|借条|收条|交道|官腔|架)|揍|殴打|暴打|毒打|围殴|群殴|砍|捅|刺伤|踢|扇|掐|打伤|打成)"));

  /** The table. Patterns are matched against the whole normalised message; {@code [^,。!?]} keeps a gap in one clause. */
  private static final List<Rule> RULES =
      List.of(
          // ── someone is being hurt or threatened ──
          alarm(VIOLENCE, "(拿|持|提|举|掏出?|抄起?|拎|带|握|挥|用)[着了]?一?[把根个瓶块条]?({WEAPON})"),
          alarm(VIOLENCE, "(要|想|说|扬言|威胁|恐吓|放话|声称|准备|就|敢|找人|叫人)[^,。!?]{0,6}({HARM})了?({VICTIM})"),
          alarm(VIOLENCE, "(弄死|打死|整死|搞死|砍死|捅死|杀了|宰了|剁了|废了)(你|我|你们|我们|他|她|全家)"),
          alarm(VIOLENCE, "(要|想|扬言|威胁|说)[^,。!?]{0,4}(放火|纵火|烧了?(我|房|家|店)|泼(汽油|硫酸|油漆|粪))"),
          alarm(VIOLENCE, "救命|救救我|快来人|来人啊|快报警|帮我报警"),
          alarm(VIOLENCE, "(正在|还在|又在|一直在|在)(打|砸|砍|踹|撬|追)(我|人|门|东西|房|车|店|窗|玻璃|{FAMILY})"),
          alarm(VIOLENCE, "流血|出血|血流|头破血流|满脸是血|血止不住|止不住血|打晕|打昏|不省人事"),
          alarm(VIOLENCE, "不敢回家|不敢出门|不敢回去|(我|我们)(现在)?(躲|藏)(在|起来|到)"),
          alarm(VIOLENCE, "同归于尽|追着[^,。!?]{0,2}(打|砍)"),
          event(VIOLENCE, "(被|给|遭|遭到|遭受|受到)[^,。!?]{0,6}({HIT}|强奸|性侵|猥亵|绑架|绑走|非法拘禁|软禁|囚禁|威胁|恐吓|跟踪|报复|抢劫|打劫)"),
          event(VIOLENCE, "{HIT}了?(我|我们)(?!电话|手机|卡|账|的电话|微信|银行|支付宝|工资|钱|们的电话)"),
          event(VIOLENCE, "打架|斗殴|打起来|动起手|动手了|厮打|扭打|打成一团|动刀"),
          event(VIOLENCE, "上门[^,。!?]{0,2}(闹|砸|堵|威胁|恐吓|骚扰|逼债|讨债|催收)|暴力催收|(砸|踹|撬)(了)?(我家|门|窗|车|东西|店)"),
          event(VIOLENCE, "(跟踪|尾随|堵)(我|在我)|不让我(出去|出门|离开|回家)|不放我走|限制[^,。!?]{0,4}自由|(把|将)我(关|锁|堵|扣)|堵在(宿舍|房间|屋|家|门口|路上)|扣着我|(强奸|性侵|猥亵)了?(我|她)"),

          // ── violence at home ──
          event(DOMESTIC_VIOLENCE, "({FAMILY})[^,。!?]{0,8}(打我|打了我|揍我|踢我|掐我|扇我|抽我|打得|打死|弄死|杀了|砍|往死里打|动手|施暴|家暴|拿刀|追着|把我打|打进医院|推下|打人)"),
          event(DOMESTIC_VIOLENCE, "家暴|家庭暴力|打老婆|打媳妇|打妻子|打老公|打老人|打爸妈|打父母"),
          event(DOMESTIC_VIOLENCE, "喝[了醉多]*酒?[^,。!?]{0,4}[就又便][^,。!?]{0,4}(打|动手|发疯|砸|抽|踢|掐)"),
          event(DOMESTIC_VIOLENCE, "(锁|关)在家|不让我出门|收走[^,。!?]{0,3}手机|不让[^,。!?]{0,3}回娘家"),
          cued(DOMESTIC_VIOLENCE, "保护令"),

          // ── self-harm, said straight or indirectly ──
          alarm(SELF_HARM, "不想活|活不下去|活不成了|没法活了|不活了|活着没意思|活着没意义|活着有什么意思|活着太累|活着好累|活够了|想死|去死|寻死|寻短见|想不开|轻生|一死了之|死了算了|死了就好了|一了百了|以死明志|结束[^,。!?]{0,4}生命|结束这一切|了结自己|自尽|自残|割腕|割脉|上吊|烧炭"),
          alarm(SELF_HARM, "遗书|遗言|交代后事|不想[^,。!?]{0,2}拖累|没有留恋|下辈子再|永别了|最后一条消息|走投无路|绝路|逼死|没有活路|没活路"),
          alarm(SELF_HARM, "(想|要|准备|打算|说要|闹着要|扬言|威胁要|差点|已经|就|会)[^,。!?]{0,10}(自杀|跳楼|跳河|跳江|跳湖|跳海|跳水库|跳桥|跳崖|跳下去|跳下来|喝农药|喝药|服毒|吃药|割腕|上吊)"),
          alarm(SELF_HARM, "(喝|吃|服)了[^,。!?]{0,4}(农药|安眠药|老鼠药|敌敌畏|百草枯|一瓶药|一把药)|(买|准备)好?了?(农药|安眠药|老鼠药|敌敌畏|百草枯|绳子|炭)|安眠药"),
          alarm(SELF_HARM, "(站在|爬上|坐在)[^,。!?]{0,4}(楼顶|天台|塔吊|桥上|河边|楼上)"),
          event(SELF_HARM, "自杀|跳楼|跳河|跳江|喝农药|喝药|服毒"),

          // ── someone taken into custody ──
          event(DETAINED, "(被|给)[^,。!?]{0,2}(抓(?!拍|包|紧|获|到证据|伤|破|痕)|拘留|刑拘|逮捕|关押|羁押|扣留)"),
          event(DETAINED, "(被|给)({POLICE})[^,。!?]{0,4}(带走|带去|抓|铐)|({POLICE})[^,。!?]{0,10}(抓走|带走|铐走|抓了|铐了|拘了)"),
          event(DETAINED, "看守所|拘留所|留置|监视居住|拘留通知|逮捕通知|刑事拘留|行政拘留|抓进去|关进去|还关着|被关"),
          event(DETAINED, "({FAMILY})[^,。!?]{0,4}进去了|(我|我们)(现在)?(在|被关在)(派出所|公安局)"),

          // ── a court or tribunal deadline about to pass, or just passed ──
          alarm(DEADLINE, "(上诉|起诉|答辩|举证|复议|申诉|再审|仲裁|诉讼|执行)(期|期限|时效|时间|截止)[^,。!?]{0,8}({SOON})"),
          alarm(DEADLINE, "(快|马上|就要|即将|已经|超过|超了|错过|耽误|过了|误了)[^,。!?]{0,4}(上诉期|上诉期限|上诉时间|时效|举证期|答辩期|复议期|起诉期)"),
          alarm(DEADLINE, "({SOONDAY})[^,。!?]{0,6}(开庭|庭审|宣判|听证|拍卖|强拆|腾房|截止)"),
          alarm(DEADLINE, "(开庭|庭审)[^,。!?]{0,6}(没去|没到|去不了|赶不上|赶不回|来不及|错过|缺席)|(赶不上|赶不回|去不了|来不及)[^,。!?]{0,6}(开庭|庭审)"),
          alarm(DEADLINE, "(上诉|起诉|仲裁|答辩|举证|复议|申诉)[^,。!?]{0,6}(最后一天|最后期限)"),
          event(DEADLINE, "(收到|拿到|下来|出来|送达|判)[^,。!?]{0,8}(判决|裁定)书?[^,。!?]{0,10}{DAYS}|(判决|裁定)书?[^,。!?]{0,8}{DAYS}前?(收到|拿到|送达|下来)|(判决|裁定)书?[^,。!?]{0,4}(收到|拿到|下来|出来|送达)[^,。!?]{0,6}{DAYS}"),
          event(DEADLINE, "(上个月|上周|上星期|半个月|十几天|一个星期|两个星期|两周|一个月|[0-9]+号|[0-9]+月[0-9]+[日号])[^。!?]{0,6}(收到|拿到|送达)[^。!?]{0,16}上诉"),
          event(DEADLINE, "(快|马上|就要|眼看)(满|到)[^,。!?]{0,3}(一年|1年|两年|三年)[^。!?]{0,16}(仲裁|起诉|时效)"),

          // ── a child or an old person at risk ──
          alarm(PERSON_AT_RISK, "({MINOR}|{ELDER})[^。!?]{0,14}(不见了|走丢|走失|失踪|找不到人|联系不上|打不通|离家出走|没回家|还没回来|一夜没回|被拐|被人贩子|被卖|骗出去|找不到家人|找不到爸妈|迷路)"),
          alarm(PERSON_AT_RISK, "({MINOR}|{ELDER})找不到了|(走丢|走失|失踪)了|(孩子|小孩)丢了|拐走|拐卖了|人贩子"),
          event(PERSON_AT_RISK, "({MINOR}|{ELDER})[^,。!?]{0,10}(被|遭|给)[^,。!?]{0,6}({HIT}|虐待|欺负|霸凌|拐|抱走|偷走|抢走|骗走|带走|性侵|猥亵|强奸|侵犯|威胁|敲诈|勒索|要钱|遗弃|赶出|关|锁|扔|丢)"),
          event(PERSON_AT_RISK, "({MINOR})[^。!?]{0,10}(性侵|猥亵|强奸|侵犯|动手动脚|开房|裸照|发生关系)"),
          event(PERSON_AT_RISK, "({MINOR}|{ELDER})[^。!?]{0,12}(遗弃|虐待|扔在|丢在|丢下|扔下|赶出|没饭吃|饿着|没人管|不管了|没人照顾|无人照顾)"),
          event(PERSON_AT_RISK, "(遗弃|虐待|打|扔下|丢下|丢在|扔在)[^,。!?]{0,4}(孩子|小孩|老人|{ELDER})|不给[^,。!?]{0,4}(饭吃|吃饭|吃的)|虐童"),

          // ── many people gathering, blocking or about to clash ──
          alarm(CROWD, "集体[^,。!?]{0,4}(去|到)[^,。!?]{0,6}(维权|讨薪|闹|上访|堵|要说法|讨说法)"),
          alarm(CROWD, "(要|准备|打算|明天|组织|商量|一起|都)[^,。!?]{0,8}(堵路|堵门|拦车|封路|闹事|上访|拉横幅|拉条幅|围住|围堵|冲进|静坐)"),
          event(CROWD, "{GROUP}[^。!?]{0,12}(围|堵|闹|聚|冲|拿着|打|砸|拦|横幅|条幅|上访|讨薪|静坐|跪|包围|对峙|械斗|群架|不走)"),
          event(CROWD, "堵路|堵路口|拦路|封路|拦车|堵高速|堵(了)?(厂门|大门|校门|工地|项目部|政府)|围堵|围攻|围住|包围|打群架|械斗|聚众闹事|闹事|横幅|条幅|集体上访|群体性|群体事件|静坐|爬塔吊|跳塔吊|冲击"),
          event(CROWD, "(农民工|工人|民工)[^。!?]{0,10}(聚集|聚在|聚到|围|堵|闹|情绪激动|要跳|爬上)|(两个村|两村|两伙|两帮|两个家族|几家人)[^。!?]{0,12}(打|吵起来|拿着|对峙|械斗)"),

          // ── a fraud still under way ──
          alarm(FRAUD_IN_PROGRESS, "正在转账|在转账|准备转账|要不要转|该不该转|刚(刚|才)?(转|汇|打|付)(了|过去|出去)|刚(刚|才)?被骗|屏幕共享|共享屏幕|开启共享|猜猜我是谁|我是你领导"),
          alarm(FRAUD_IN_PROGRESS, "(让|叫|要|要求|逼|催)我[^,。!?]{0,6}(转账|转钱|转款|转到|汇款|打钱|充值|交钱|下载|贷款|扫码|点链接|投钱)"),
          alarm(FRAUD_IN_PROGRESS, "(又|还|继续)让(我)?[^,。!?]{0,2}(交|付|转|充|投)|(让|叫|要)[^,。!?]{0,4}(继续|再)(投|充|交|转)|还要(交|付|转|充)[^,。!?]{0,4}(才|能)|先交[^,。!?]{0,6}(才能|才可以|就能)|不(交|付)[^,。!?]{0,4}(就|会)(冻结|不给|坐牢|起诉|抓|不)"),
          alarm(FRAUD_IN_PROGRESS, "验证码(发|给|告诉|报)|(发|给|告诉|报)[^,。!?]{0,4}验证码|提现不了|无法提现|提不了现|提不出来|不能提现|取不出来|解冻费|激活费|刷流水|流水不足|账号(信息)?(错误|异常)"),
          event(FRAUD_IN_PROGRESS, "安全账户|资金核查|资金清查|清查资金|涉嫌洗钱|洗钱案|通缉令|逮捕令|百万保障|注销[^,。!?]{0,4}(校园贷|学生贷|网贷|贷款|账户|账号)|征信(有问题|出问题|受影响|修复)"),
          event(FRAUD_IN_PROGRESS, "冒充|自称[^,。!?]{0,4}(公安|警察|民警|检察|法院|客服|领导|老板|银行|快递|老师|军人|医生)|(公安局|派出所|检察院|法院|警官|警察)[^。!?]{0,12}(转账|转到|汇款|打到|打钱|验证码|保密|不要告诉)"),
          event(FRAUD_IN_PROGRESS, "刷单|返利|做任务|杀猪盘|(投资|理财|博彩|彩票)(平台|APP|app|网站)[^。!?]{0,10}(提现|出不了|取不出|冻结|交|充)"),
          alarm(FRAUD_IN_PROGRESS, "(准备|要|正在|去)[^,。!?]{0,4}(取钱|汇款|转账)给"),
          cued(FRAUD_IN_PROGRESS, "被[^,。!?]{0,3}骗|骗了我|上当|骗子|是不是诈骗|是诈骗吗|(转|汇|打)了[^,。!?]{0,4}(钱|万|块|元)"));

  /** "Now": when one of these is in the message, framing as past or as a question about the law does not calm it. */
  private static final Pattern NOW =
      Pattern.compile("刚刚|刚才|刚(被|转|汇|打|收到|出)|正在|现在还在|还在|此刻|今天|今晚|今早|昨晚|昨天|马上|立刻|赶紧|快来|救命|救救|紧急|急急|十万火急|害怕|好怕|不敢|又|天天|每天|一直在|现在就|这会儿");

  private static final String PAST =
      "去年|前年|前些年|前几年|那几年|几年前|多年前|[0-9一二两三四五六七八九十几]+(年|个月)前|以前|从前|之前|当年|那年|那时候|曾经|小时候|年轻时|早年|早就|(19|20)[0-9]{2}年|过去";
  private static final String HYPOTHETICAL = "如果|假如|假设|万一|要是|倘若|若是|假若|比如|例如";
  private static final String TEXTBOOK = "甲方|乙方|丙方|甲乙|甲向乙|甲与乙|甲和乙|某甲|某乙|[A-Z]某|某某|[张王李赵刘陈杨黄周吴孙][A-Z]|本案|此案|试分析|案例";
  private static final String ABOUT_LAW =
      "定义|什么是|是什么|什么意思|啥意思|的区别|有什么区别|有何区别|认定标准|立案标准|什么标准|包括哪些|有哪些|哪些情[况形]|什么情况下|什么样的|一般|通常|法律规定|法律上|规定";
  private static final String SENTENCING = "怎么判|如何判|判几年|判多少年|判多久|会判|量刑|罪|定罪|怎么处罚|如何处罚|处罚标准|违法吗|犯法吗|合法吗";

  /** What makes an EVENT rule of each kind read as past, hypothetical or a question about the law. */
  private static final Map<Kind, Pattern> DISTANCE = distances();

  private static Map<Kind, Pattern> distances() {
    String common = String.join("|", PAST, HYPOTHETICAL, TEXTBOOK, ABOUT_LAW);
    Map<Kind, String> extra = new EnumMap<>(Kind.class);
    extra.put(VIOLENCE, SENTENCING + "|[0-9]+月[0-9]+[日号]|惩罚|追究|赔偿|赔钱|赔多少|赔了|医药费|伤残|鉴定|轻伤|轻微伤|重伤|私了|调解|和解|谅解|正当防卫");
    extra.put(DOMESTIC_VIOLENCE, "说我家暴|说我打|诬陷|污蔑|冤枉|诬告|早就离婚|离婚多年|证据");
    extra.put(SELF_HARM, SENTENCING + "|身亡|死亡|去世|遗体|赔|工伤|抚恤|保险|责任|担责");
    extra.put(DETAINED, "会被(抓|拘留|逮捕)|会不会被(抓|拘|逮捕)|已经赔偿|罚款|放出来|放了|释放|出狱|出来了|刑满|判了|已判|服刑|坐过牢|缓刑|案底|记录|档案|政审|考公|公务员|当兵|参军|入党|出国|减刑|假释|区别");
    extra.put(DEADLINE, "从哪天|什么时候开始|怎么算|如何计算|多少天|多久");
    extra.put(PERSON_AT_RISK, SENTENCING + "|赔|责任|负责|担责|抚养权|抚养费|监护权|探视|户口");
    extra.put(CROWD, SENTENCING);
    extra.put(FRAUD_IN_PROGRESS, SENTENCING + "|防范|怎么防|识别|可能性|概率|追回的可能");
    Map<Kind, Pattern> out = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      out.put(kind, Pattern.compile(common + (extra.containsKey(kind) ? "|" + extra.get(kind) : "")));
    }
    return Collections.unmodifiableMap(out);
  }

  /** A negation just before a match, in the same clause: 没(有)被打, 不是要自杀, 从未 …; 没想到被打 is not one. */
  private static final Pattern NEGATED_BEFORE = Pattern.compile("(没有|没|并未|未曾|从未|从来没有?|不是|并非|不曾|不会|不想)[^,。!?;:、\\s]{0,2}$");

  private static final Pattern NOT_A_NEGATION = Pattern.compile("(没想到|没办法|没法|没人|没钱|没事|没几天|没多久|没过|没等)[^,。!?;:、\\s]{0,2}$");

  /** Immediate safety steps per kind: first line the one thing to do now, second line what comes next. */
  private static final Map<Kind, List<String>> GUIDANCE = guidance();

  private static Map<Kind, List<String>> guidance() {
    Map<Kind, List<String>> g = new EnumMap<>(Kind.class);
    g.put(SELF_HARM, List.of("请马上拨打 120 或 110，并让身边的人现在陪着你，不要一个人待着。", "心理援助热线 12356 随时可以打；你也可以继续跟小法说。"));
    g.put(VIOLENCE, List.of("有危险请立即拨打 110，先离开危险地点，到人多的地方或锁好门。", "受伤请就医，保留伤情照片、就医记录和聊天、录音等证据。"));
    g.put(DOMESTIC_VIOLENCE, List.of("遭受家暴请立即拨打 110，先到安全的地方；受伤请就医，保留伤情照片和就医记录。", "可向妇联 12338 求助，向法院申请人身安全保护令（《反家庭暴力法》第二十三条）。"));
    g.put(PERSON_AT_RISK, List.of("孩子或老人有危险、走失，请立即拨打 110。", "未成年人保护可拨打 12355，也可以找村（居）委会或民政部门帮忙。"));
    g.put(FRAUD_IN_PROGRESS, List.of("请立即停止转账，拨打 110 或 96110，联系银行冻结止付。", "不要再点链接、下载软件或告诉对方验证码；保留聊天和转账记录。"));
    g.put(CROWD, List.of("请不要堵路、不要动手，劝大家先散开；有冲突请拨打 110。", "讨薪、征地等诉求可拨打 12345 政务服务便民热线，或向劳动监察部门反映。"));
    g.put(DETAINED, List.of("家属可以委托律师会见；经济困难可拨打 12348 申请法律援助（《法律援助法》第二十四条）。", "可向办案的公安机关询问关押地点，索要拘留通知书。"));
    g.put(DEADLINE, List.of("请立即联系法院或仲裁委，说明情况，不要等期限过去。", "民事上诉期：判决 15 日、裁定 10 日；因正当理由耽误的，可在障碍消除后 10 日内申请顺延（《民事诉讼法》）。劳动仲裁时效一年（《劳动争议调解仲裁法》第二十七条）。"));
    return Collections.unmodifiableMap(g);
  }

  /** Decides on one message, already normalised by {@link TextNormaliser}. */
  public Urgency detect(String normalisedText) {
    if (normalisedText == null || normalisedText.isBlank()) {
      return Urgency.NONE;
    }
    String text = normalisedText;
    boolean now = NOW.matcher(text).find();
    EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
    Map<Kind, Boolean> distanced = new EnumMap<>(Kind.class);
    for (Rule rule : RULES) {
      if (kinds.contains(rule.kind()) || !matchesUnnegated(rule.pattern(), text)) {
        continue;
      }
      boolean fires =
          switch (rule.force()) {
            case ALARM -> true;
            case EVENT -> now || !distanced.computeIfAbsent(rule.kind(), k -> DISTANCE.get(k).matcher(text).find());
            case CUED -> now;
          };
      if (fires) {
        kinds.add(rule.kind());
      }
    }
    if (kinds.isEmpty()) {
      return Urgency.NONE;
    }
    return new Urgency(true, Collections.unmodifiableSet(kinds), guidanceFor(kinds));
  }

  /** Guidance for these kinds: every first line in order of importance, then second lines, within the byte budget. */
  static String guidanceFor(Set<Kind> kinds) {
    List<String> lines = new ArrayList<>();
    int bytes = 0;
    for (int step = 0; step < 2; step++) {
      for (Kind kind : EnumSet.copyOf(kinds)) {
        String line = GUIDANCE.get(kind).get(step);
        int cost = line.getBytes(StandardCharsets.UTF_8).length + (lines.isEmpty() ? 0 : 1);
        if (bytes + cost <= GUIDANCE_MAX_BYTES) {
          lines.add(line);
          bytes += cost;
        }
      }
    }
    return String.join("\n", lines);
  }

  private static boolean matchesUnnegated(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      if (!negatedAt(text, m.start())) {
        return true;
      }
    }
    return false;
  }

  private static boolean negatedAt(String text, int start) {
    String before = text.substring(Math.max(0, start - 8), start);
    return NEGATED_BEFORE.matcher(before).find() && !NOT_A_NEGATION.matcher(before).find();
  }

  private static Rule alarm(Kind kind, String regex) {
    return new Rule(kind, Force.ALARM, compile(regex));
  }

  private static Rule event(Kind kind, String regex) {
    return new Rule(kind, Force.EVENT, compile(regex));
  }

  private static Rule cued(Kind kind, String regex) {
    return new Rule(kind, Force.CUED, compile(regex));
  }

  private static Pattern compile(String regex) {
    Matcher m = PLACEHOLDER.matcher(regex);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String words = WORDS.get(m.group(1));
      if (words == null) {
        throw new IllegalStateException("unknown word list {" + m.group(1) + "} in " + regex);
      }
      m.appendReplacement(out, Matcher.quoteReplacement("(?:" + words + ")"));
    }
    m.appendTail(out);
    return Pattern.compile(out.toString());
  }
}
