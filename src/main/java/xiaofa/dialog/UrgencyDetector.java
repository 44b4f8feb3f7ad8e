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
import java.util.BitSet;
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
 *   <li>{@code CUED} words are urgent only with a strict "now" cue (被骗了 is urgent when it happened 刚刚 or 今天, not
 *       去年, and not merely 又).
 * </ul>
 *
 * <p>Before the rules run, common 平江 dialect words are rewritten to Mandarin (哒→了, 冇→没, 伢子→孩子, 堂客→老婆, 讲→说
 * …), so the table needs one spelling only.
 *
 * <p>The detector is tuned for recall: a false alarm costs the resident one paragraph of safety advice, a miss can cost
 * much more. It catches the phrasings its table knows; new writers bring new ones (see {@code UrgencyEval} and the
 * history in {@code urgency-dev.txt}), so a miss here must never be read as "not urgent" by the rest of the dialog.
 * Input must already be normalised by {@link TextNormaliser} (simplified, half-width punctuation). Stateless and
 * thread-safe; no I/O; a call takes some tens of microseconds.
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

  /**
   * One row of the table. {@code starts}, when known, holds every character a match can begin with: the pattern is then
   * tried only at those positions instead of at every one.
   */
  private record Rule(Kind kind, Force force, Pattern pattern, BitSet starts) {}

  /**
   * 平江 residents often write in the local dialect; these are rewritten to Mandarin before the rules run, longest
   * first, so the rules need only one spelling.
   */
  private static final String[][] DIALECT = {
    {"冇得", "没有"}, {"冇", "没"}, {"么子", "什么"}, {"么样", "怎么样"}, {"么办", "怎么办"}, {"哒", "了"}, {"晓得", "知道"},
    {"娘屋里", "娘家"}, {"屋里人", "家里人"}, {"屋里", "家里"}, {"我屋", "我家"}, {"他屋", "他家"}, {"屋门口", "家门口"},
    {"细伢子", "孩子"}, {"伢崽", "孩子"}, {"伢子", "孩子"}, {"满崽", "孩子"}, {"崽", "孩子"}, {"小妹子", "小女孩"},
    {"堂客", "老婆"}, {"老倌子", "老公"}, {"老倌", "老公"}, {"娭毑", "奶奶"}, {"嗲嗲", "爷爷"}, {"脑壳", "头"},
    {"钟头", "小时"}, {"不准", "不让"}, {"讲", "说"}, {"喊", "叫"}
  };

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Z]+)\\}");

  /** Named word lists the rules share, spliced in where a rule says {@code {NAME}}. */
  private static final Map<String, String> WORDS =
      Map.ofEntries(
          Map.entry("FAMILY", "老公|丈夫|老婆|妻子|媳妇|爱人|男人|前夫|前妻|男朋友|男友|前男友|女朋友|女友|对象|未婚夫|同居|公公|婆婆|岳父|岳母|丈母娘|老丈人|继父|继母|后爸|后妈|我爸|我妈|他爸|孩子他爸|孩子爸|孩子他妈|父亲|母亲|儿子|女儿|儿媳|女婿|哥哥|弟弟|姐夫|嫂子|小叔子|家里人|家人|老头子|[我她他]的?(哥|弟|姐|妹|爸|妈)"),
          // marriage and intimate-partner context: violence near these words is domestic violence
          Map.entry("HOME", "老公|丈夫|老婆|妻子|媳妇|爱人|男人|前夫|前妻|男朋友|男友|前男友|女朋友|对象|同居|结婚|离婚|复婚|复合|分手|怀孕|娘家|婆家|姐夫|嫂子|女婿|儿媳|婆婆|公公|家暴"),
          Map.entry("MINOR", "孩子|小孩|儿子|女儿|闺女|娃|小朋友|学生|孙子|孙女|外孙女?|侄子|侄女|外甥女?|婴儿|宝宝|未成年人?|幼儿|小学生|初中生|中学生|高中生|男孩|女孩|女生|男生|少女|少年|小姑娘|小女孩|[0-9一二三四五六七八九十]{1,3}岁"),
          // old people and adults who cannot look after themselves
          Map.entry("FRAIL", "老人|老年人|老太太|老大爷|老爷爷|老奶奶|老太|大爷|大妈|奶奶|爷爷|外婆|外公|姥姥|姥爷|老母亲|老父亲|我爸|我妈|老爸|老妈|父母|公公|婆婆|岳父|岳母|老两口|老伴|[5-9][0-9]岁|[六七八九]十多岁|智力残疾|智障|精神病|精神不正常|脑子不太清楚|脑子有问题|痴呆|残疾人|瘫"),
          Map.entry("WEAPON", "刀|斧头|斧子|锄头|铁锹|镰刀|棍|木棒|铁棒|钢管|砖|石头|枪|铳|酒瓶|皮带|硫酸|汽油|凳子|扳手|扁担|家伙"),
          Map.entry("HARM", "杀|砍|捅|弄死|打死|整死|搞死|砸死|烧死|掐死|宰|废|打残|收拾|剁|报复"),
          Map.entry("VICTIM", "我|你|他|她|我们|你们|他们|全家|一家|人|死"),
          Map.entry("GROUP", "(几十|几百|上百|上千|百来|好几十|好几百|十几|二十几|[0-9]{2,}(?![0-9岁年月日号元块万])多?|([一二三四五六七八九两几][十百千]|[十百千])多?)[个号名户家位]?[^,。!?岁]{0,3}({PEOPLE})|(一群|一帮|一伙|一大群|一大帮|好多|很多|大批|全村|全组|全体|整个村|[一二三四五六七八九十几两]+个村|周围|两派|两拨|两边|双方|几家)[^,。!?]{0,4}({PEOPLE})|(工人|民工|农民工|村民|业主|家长|员工|家属)们"),
          Map.entry("PEOPLE", "人|工人|农民工|民工|泥工|工友|村民|家属|业主|家长|员工|老乡|亲戚|快递员|商户|户|学生|司机|青年|混混|社会人员|债主|投资人|受害人"),
          Map.entry("CROWDACT", "围|堵|闹|聚|冲|拿着|带[了着]?家伙|{HIT}|拦|挡|横幅|条幅|上访|讨薪|静坐|跪|包围|对峙|械斗|群架|不走|不肯走|坐在|躺在|守在|(去|到|在)[^,。!?]{0,4}政府|推搡|对骂|叫人|动手|情绪激动|冲突|吵起来"),
          Map.entry("POLICE", "警察|公安|派出所|民警|刑警|交警|便衣|特警|警方|警车|所里(?<!拘留所里|看守所里)|纪委|监委|检察院"),
          Map.entry("SOON", "快|马上|就要|即将|还剩|只剩|剩下|最后|明天|后天|今天|到期|截止|要过|快过|过了|已过|超过|超了|错过|耽误|来不及"),
          Map.entry("RULING", "判决书?|裁定书?|裁决书?|决定书|认定书|支付令|传票|通知书"),
          Map.entry("DAYS", "([0-9]+|[一二两三四五六七八九十几]+)(天|日)"),
          Map.entry("SOONDAY", "明天|后天|今天|今晚|明早|大后天|下周[一二三四五六日天]?|这周[一二三四五六日天]?|周[一二三四五]|星期[一二三四五六日天]|过两天|两天后|三天后|马上|就要|快要|[0-9]+号"),
          // time pressure on a court or tribunal step
          Map.entry("PRESSING", "今天|明天|后天|今晚|今早|上午|下午[0-9一二三四五六]点|第[0-9一二三四五六七八九十百]+天|最后一天|再过几天|过几天就|只剩|还剩|来不及|来得及|赶不上|记错|记成|才看到|才收到|才拆|已经过了|[0-9一二三四五六七八九十]+天内"),
          Map.entry("PROCEDURE", "送达|提交证据|交证据|证据材料|上诉|开庭|庭审|仲裁|答辩|复议|复核|异议|诉讼费|上诉费|补交材料|补充材料|履行|撤诉|按撤回|缺席|再审|时效|期限|期满|举证|传票|支付令|执行通知|拍卖|工伤认定"),
          // 打 that is not hitting: 打工, 打官司, 打电话 …
          Map.entry("HIT", "(打(?!工|官司|电话|给|过来|过去|算|听|扰|卡|款|钱|折|针|印|包|理|车|的|招呼|击|分|赌|牌|麻将|游戏|开|点滴|赏|字|表|欠条|借条|收条|交道|官腔|架|算盘|通|不通|穿|孔|洞|蜡)|揍|殴打|暴打|毒打|围殴|群殴|砍|捅|刺伤|踢|扇|掐|砸(?!门|窗|车|东西)|打伤|打成|推倒|烫|勒|巴掌|耳光|一拳|拳头|踹)"));

  /** The table. Patterns are matched against the whole message; {@code [^,。!?]} keeps a gap inside one clause. */
  private static final List<Rule> RULES =
      List.of(
          // ── someone is being hurt or threatened ──
          alarm(VIOLENCE, "(拿|持|提|举|掏出?|抄起?|拎|带|握|挥|用|架)[着了起]?一?[把根个瓶块条支]?[^,。!?]{0,3}({WEAPON})"),
          alarm(VIOLENCE, "(要|想|说|扬言|威胁|恐吓|放话|声称|准备|就|敢|找人|叫人)[^,。!?]{0,6}({HARM})了?({VICTIM})"),
          alarm(VIOLENCE, "(要|说要|扬言|威胁|准备|就|敢)[^,。!?]{0,4}(打|弄)[死残断伤]?了?(我|你|他|她|我们|你们|他们|全家|人|我爸|我妈)"),
          alarm(VIOLENCE, "(?<!自)(弄死|打死|整死|搞死|砍死|捅死|杀了|宰了|剁了|废了)(你|我|你们|我们|他|她|全家)"),
          alarm(VIOLENCE, "(要|想|扬言|威胁|说)[^,。!?]{0,4}(放火|纵火|烧了?(我|房|家|店)|泼(汽油|硫酸|油漆|粪))"),
          alarm(VIOLENCE, "(找|跟|和)(我|你|他|她)们?算账|给(我|你)好看|要(我|你)的命|卸[^,。!?]{0,3}(腿|胳膊|手)|(带|叫|找)[^,。!?]{0,3}人(过来|来|上门)|知道我家(住)?在?哪"),
          alarm(VIOLENCE, "(捅|砍|刺|扎)了[^,。!?]{0,3}(一刀|几刀|刀)|掐着[^,。!?]{0,6}脖子|(倒|躺)在地上|人在地上|横着出去|走着瞧|等着瞧|下次(就)?轮到(你|我)|下一个就是(你|我)|出门小心|小心点|小心(你|你的)?(孩子|家人|家里人)|知道[^,。!?]{0,8}(住哪|住在哪|在哪个学校|在哪上班|在哪读书)|(有人|他们|那些人)[^,。!?]{0,3}(追我|在追|追过来|追上来)|有人(在)?追(?!债|究|责|讨|回|缴)|被[^,。!?]{0,3}追(着|打|杀|赶|砍)|出不了门|不得安宁|没好日子|不会放过(你|我)|不放过(你|我)|要你好看|你等着"),
          alarm(VIOLENCE, "救命|救救我|快来人|来人啊|快报警|帮我报警"),
          alarm(VIOLENCE, "(正在|还在|又在|一直在|在)(打|砸|砍|踹|撬|追|拖)(我|人|门|东西|房|车|店|窗|玻璃|他|她|一个|个|女的|男的|{FAMILY})"),
          alarm(VIOLENCE, "流血|出血|血流|头破血流|满脸是血|满身是血|见血|血止不住|止不住血|打晕|打昏|不省人事|倒在地上不动"),
          alarm(VIOLENCE, "不敢回家|不敢出门|不敢出去|不敢回去|(我|我们)(现在)?(躲|藏)(在|起来|到)"),
          alarm(VIOLENCE, "同归于尽|追着[^,。!?]{0,3}(打|砍)|推推搡搡|推搡"),
          event(VIOLENCE, "(被|给|遭|遭到|遭受|受到|挨)[^,。!?]{0,10}({HIT}|强奸|性侵|猥亵|绑架|绑走|非法拘禁|软禁|囚禁|关在|关起来|锁在|威胁|恐吓|跟踪|报复|抢劫|打劫)|不放我(走|出去|回家)?"),
          event(VIOLENCE, "又[^,。!?]{0,2}(打|揍|动手)(了|我)|{HIT}[了过]?(我|我们)(?!电话|手机|卡|账|的电话|微信|银行|支付宝|工资|钱|们的电话)|(把|将)我[^,。!?]{0,6}({HIT}|推|拖|摔|撞|按|踩)"),
          event(VIOLENCE, "打架|斗殴|打起来|动起手|动手了|动了手|厮打|扭打|打成一团|动刀|打人了|杀人了|砍人了|捅人了|出人命"),
          event(VIOLENCE, "威胁(我|我们|要|说)|恐吓(我|我们)|上门[^,。!?]{0,2}(闹|砸|堵|威胁|恐吓|骚扰|逼债|讨债|催收)|暴力催收|(砸|踹|撬)(了)?(我家|门|窗|车|东西|店)|(砸|踹|撬|撞)(了)?(我|我家|我们)?的?(门|窗)"),
          event(VIOLENCE, "(跟踪|尾随|堵)(我|在我)|不让我(出去|出门|离开|回家)|不放我走|限制[^,。!?]{0,4}自由|(把|将)我(关|锁|堵|扣)|堵在(宿舍|房间|屋|家|门口|路上|巷子)|(强奸|性侵|猥亵)了?(我|她)"),

          // ── violence at home: a partner, an ex, or family under one roof ──
          event(DOMESTIC_VIOLENCE, "({FAMILY})[^,。!?]{0,8}(打我|打了我|揍我|踢我|掐我|扇我|抽我|打得|往死里打|动手|施暴|家暴|拿刀|巴掌|耳光|拳头|追着|把我打|打进医院|推下|推我|打人|打死|弄死|杀了|砍)"),
          event(DOMESTIC_VIOLENCE, near("{HOME}", "(打|踢|掐|扇|抽|揍|推|拖|撞|烫|勒|咬|划)(了)?(我|她|他)|又打|被打|打得|往死里打|(关|锁)在(家|屋|房)|反锁|不让我?出(门|去)|收了?[^,。!?]{0,3}手机|拿刀|架在[^,。!?]{0,3}脖子|(打|弄)死我|杀了我|同归于尽|把我[^,。!?]{0,6}(打|拖|推|摔|撞|按|踩)|动了?手|来闹", 30)),
          event(DOMESTIC_VIOLENCE, "(被|给)[^,。!?]{0,2}({FAMILY})[^,。!?]{0,3}({HIT}|推|拖)|把我(锁|关)在家|收走[^,。!?]{0,3}手机|手机[^,。!?]{0,2}收(走|了)"),
          event(DOMESTIC_VIOLENCE, "家暴|家庭暴力|打老婆|打媳妇|打妻子|打老公|打老人|打爸妈|打父母"),
          event(DOMESTIC_VIOLENCE, "喝[了醉多]*酒?[^,。!?]{0,4}[就又便][^,。!?]{0,4}(打|动手|发疯|砸|抽|踢|掐)"),
          cued(DOMESTIC_VIOLENCE, "保护令"),

          // ── self-harm, said straight or indirectly ──
          alarm(SELF_HARM, "不想活|活不下去|活不成了|没法活了|不活了|活着[^,。!?]{0,3}(没|没有)(什么|啥)?(意思|意义|用)|活着有什么(意思|用)|活着干(嘛|什么)|活着太累|活着好累|活够了|想死|去死|寻死|寻短见|想不开|轻生|一死了之|死了算了?|不如死了|死了就好了|一了百了|以死明志|结束[^,。!?]{0,4}生命|结束这一切|想结束|了结自己|自尽|自残|割腕|割脉|割[了破]?[^,。!?]{0,2}手腕|上吊|烧炭|怎么死|想解脱"),
          alarm(SELF_HARM, "遗书|遗言|交代后事|不想[^,。!?]{0,2}拖累|没有?[^,。!?]{0,3}留恋|下辈子再|永别了|最后一条消息|走投无路|绝路|逼死|没有活路|没活路|死给[^,。!?]{0,3}看|(我|自己)[^,。!?]{0,4}多余|多余的人|没人在乎|没有人在乎|没人在意|(不|不再|再也不)醒(来|过来)?了|睡过去|走了也没人"),
          alarm(SELF_HARM, "(想|要|准备|打算|说要|闹着要|扬言|威胁要|差点|已经|就|会)[^,。!?]{0,10}(自杀|跳楼|跳河|跳江|跳湖|跳海|跳水库|跳桥|跳崖|跳下去|跳下来|喝农药|喝药|服毒|吃药|割腕|上吊)"),
          alarm(SELF_HARM, "(喝|吃|服|吞)了[^,。!?]{0,4}(农药|安眠药|老鼠药|敌敌畏|百草枯|一瓶药|一把药|刀片)|(买|准备)好?了?(农药|安眠药|老鼠药|敌敌畏|百草枯|绳子|炭)|安眠药|药[^,。!?]{0,6}准备好了"),
          alarm(SELF_HARM, "(站在|爬上|坐在)[^,。!?]{0,4}(楼顶|天台|塔吊|桥上|河边|楼上)|(关|锁)在[^,。!?]{0,6}(房|屋|家)[^,。!?]{0,6}(不吃不喝|没吃没喝|不出来|不开门|叫也不应|叫不应)"),
          alarm(SELF_HARM, "(下去|跳下去|跳)算了|往下跳|(囤|攒|藏)[^,。!?]{0,3}药|药[^,。!?]{0,4}(囤|攒|藏)好|我走了[^,。!?]{0,6}(都好|就好|轻松|解脱|好过)|对大家都好|离开这个世界|(划|割|伤害)自己"),
          alarm(SELF_HARM, "我(现在)?(在|站在|坐在)[^,。!?]{0,3}(楼顶|天台|桥上|河边|江边|湖边|水库边|铁轨)|想[^,。!?]{0,4}消失|从这个世界消失|自己划|划的口子|割的口子"),
          alarm(SELF_HARM, "替我[^,。!?]{0,3}(跟|向|照顾|说)|以后不能(照顾|陪)|(你们|帮我)[^,。!?]{0,2}照顾好|写好了?[^,。!?]{0,2}(信|遗书)|再也见不到(我|你们)|最后(一眼|看看你们)|" + near("河边|江边|桥上|楼顶|天台|水库|铁轨|湖边|海边", "不想回|坐了|站了|待了", 12)),
          alarm(SELF_HARM, "死了[^,。!?]{0,6}(就|才)[^,。!?]{0,3}(解决|好了|清净|不用|能|会|赔)"),
          alarm(SELF_HARM, "敌敌畏|百草枯|老鼠药|看不到我了|见不到我了|(没|没有)(什么)?希望了|看不到希望|绝望|熬不下去|撑不下去|撑不住了|还能撑多久|对不起(你们|我们|大家|爸妈)"),
          event(SELF_HARM, "自杀|跳楼|跳河|跳江|喝农药|喝药|服毒|崩溃|受不了了"),

          // ── someone taken into custody ──
          event(DETAINED, "(被|给)[^,。!?]{0,2}(抓(了|走|进|起来|住|去)|拘留|刑拘|逮捕|批捕|关押|羁押|扣留|带走)"),
          event(DETAINED, near("{POLICE}", "带走|带去|带到|抓走|抓了|抓起来|抓进|拉走|押走|铐|拘了|拘留|刑拘|逮捕|关起来|关在|扣下|扣住|扣了人|不让(我)?走|不放(我)?走|(没|没有|还没|不)放(出来|人)", 16)),
          event(DETAINED, "进了?(看守所|拘留所)|关在(看守所|拘留所)|在(看守所|拘留所)里|留置|监视居住|司法拘留|拘留通知|逮捕通知|刑事拘留|行政拘留|抓进去|关进去|还关着|被关"),
          event(DETAINED, "({FAMILY})[^,。!?]{0,4}进去了|(我|我们)(现在)?(在|被关在)(派出所|公安局)"),
          cued(DETAINED, "看守所|拘留所|取保|会见|(被|给)[^,。!?]{0,2}抓(?!拍|包|紧|获|到证据|伤|破|痕)"),

          // ── a court or tribunal deadline about to pass, or just passed ──
          alarm(DEADLINE, "(上诉|起诉|答辩|举证|复议|申诉|再审|仲裁|诉讼|执行)(期|期限|时效|时间|截止)[^,。!?]{0,8}({SOON})"),
          alarm(DEADLINE, "({SOONDAY})[^,。!?]{0,6}(开庭|庭审|宣判|听证|拍卖|强拆|腾房|截止)"),
          alarm(DEADLINE, "(开庭|庭审)(时间|日期|日子)?[^,。!?]{0,3}(是|在)?(昨天|前天)"),
          event(DEADLINE, "(开庭|庭审)[^,。!?]{0,6}(没去|没到|去不了|赶不上|赶不回|来不及|错过|缺席)|(赶不上|赶不回|去不了|来不及)[^,。!?]{0,6}(开庭|庭审)"),
          alarm(DEADLINE, "(上诉|起诉|仲裁|答辩|举证|复议|申诉)[^,。!?]{0,6}(最后一天|最后期限)"),
          event(DEADLINE, "(快|马上|就要|即将|已经|超过|超了|错过|耽误|过了|误了)[^,。!?]{0,4}(上诉期|上诉期限|上诉时间|时效|举证期|答辩期|复议期|起诉期)"),
          event(DEADLINE, near("{PRESSING}", "{PROCEDURE}", 30)),
          event(DEADLINE, "(收到|拿到|下来|出来|送达|送来|寄来|判)[^,。!?]{0,8}({RULING})[^,。!?]{0,10}{DAYS}|({RULING})[^,。!?]{0,8}{DAYS}前?(收到|拿到|送达|送来|寄来|下来)|({RULING})[^,。!?]{0,4}(收到|拿到|下来|出来|送达|送来|寄来)[^,。!?]{0,6}{DAYS}"),
          event(DEADLINE, "(上个月|上周|上星期|半个月|十几天|一个星期|两个星期|两周|一个月|[0-9]+号|[0-9]+月[0-9]+[日号])[^。!?]{0,6}(收到|拿到|送达)[^。!?]{0,16}上诉"),
          event(DEADLINE, "(快|马上|就要|眼看|再过几天就?)(满|到)[^,。!?]{0,3}(一年|1年|两年|三年)"),

          // ── a child, an old person or a vulnerable adult at risk ──
          alarm(PERSON_AT_RISK, "({MINOR}|{FRAIL})[^。!?]{0,24}(不见了|走丢|走失|失踪|找不到人|离家出走|被拐|被人贩子|被(人)?卖(了|掉|到)|找不到家人|找不到爸妈)(?![^。!?]{0,6}(找回|找到了|回来了|回家了))"),
          event(PERSON_AT_RISK, "({MINOR}|{FRAIL})[^。!?]{0,24}(联系不上|打不通|骗出去|叫出去|迷路|(没|没有)回(来|家)(?!消息|信息|电话|吃|住|过|睡|看)|(到现在|现在)(都|还)(没|没有)回|(没|没有)(消息|音讯)|天黑了?[^,。!?]{0,3}(都|还)?(没|没有)回|还没回(来|家)?(?![复信消电话])|关机)"),
          alarm(PERSON_AT_RISK, "({MINOR}|{FRAIL})找不到了|(孩子|小孩)丢了|拐走了|拐卖了|人贩子"),
          event(PERSON_AT_RISK, "(走丢|走失|失踪)了"),
          alarm(PERSON_AT_RISK, "(敲门|叫|叫门)[^,。!?]{0,3}(都|也)?(没人应|没有人应|不应|没人开|没有反应|没反应)|叫不醒"),
          alarm(PERSON_AT_RISK, "喘不过气|胸口(痛|疼)|晕倒了|昏迷|抽搐|口吐白沫|吐血|大出血|中风了|不省人事|没(了)?呼吸|没(有)?气了"),
          event(PERSON_AT_RISK, "落水|溺水|掉(到|进|下)[^,。!?]{0,4}(水|河|塘|井|江|湖|水库)(?!道|管|费)|没(有)?上来|被水冲走"),
          alarm(PERSON_AT_RISK, "(拉|拽|抱|拖)着?[^,。!?]{0,4}(小孩|孩子|女孩|男孩|小学生)[^,。!?]{0,6}(车|走)|给(小孩|小学生|孩子|学生)[^,。!?]{0,3}发糖"),
          alarm(PERSON_AT_RISK, near("{MINOR}", "陌生人|不认识的人|不认识(他|她|那个|这个)|一个人在[^,。!?]{0,4}(路|街|车站|公路|河边|塘边|马路)", 20)),
          event(PERSON_AT_RISK, near("{MINOR}", "捡到|扔在|丢在|网友|网上认识|陌生男|陌生女", 20)),
          alarm(PERSON_AT_RISK, "一动不动|躺了好久|(躺|倒)在路边|倒地不起"),
          event(PERSON_AT_RISK, "({MINOR}|{FRAIL})[^,。!?]{0,10}(被|遭|给)[^,。!?]{0,10}({HIT}|虐待|欺负|霸凌|拐|抱走|偷走|抢走|骗走|骗去|带走|带去|带到|拉去|性侵|猥亵|强奸|侵犯|摸|亲|扒|脱|拍[^,。!?]{0,3}(视频|照片)|威胁|敲诈|勒索|要钱|遗弃|赶出|关|锁|扔|丢|骗到|拐到|带到)"),
          event(PERSON_AT_RISK, "({MINOR})[^。!?]{0,10}(性侵|猥亵|强奸|侵犯|动手动脚|摸(她|他)|亲(她|他)|脱(她|他)|开房|裸照|不好的视频|黄色视频|发生关系)"),
          event(PERSON_AT_RISK, near("{MINOR}|{FRAIL}", "遗弃|虐待|扔在|丢在|丢下|扔下|赶出|没饭吃|饿着|饿得|饿坏|没人管|不管了|没人照顾|无人照顾|摔倒|摔了一跤|起不来|爬不起来|晕倒|昏倒|病倒|发高烧|乌青|淤青|青一块紫一块|身上都是伤|身上全是伤", 24)),
          event(PERSON_AT_RISK, "(遗弃|虐待|打|扔下|丢下|丢在|扔在)[^,。!?]{0,4}(孩子|小孩|老人|{FRAIL})|不给[^,。!?]{0,4}(饭吃|吃饭|吃的)|虐童|拐走"),

          // ── many people gathering, blocking or about to clash ──
          alarm(CROWD, "集体[^,。!?]{0,4}(去|到)[^,。!?]{0,6}(维权|讨薪|闹|上访|堵|要说法|讨说法)"),
          alarm(CROWD, "(要|准备|打算|明天|组织|商量|一起|都)[^,。!?]{0,8}(堵路|堵门|拦车|封路|闹事|上访|拉横幅|拉条幅|围住|围堵|冲进|静坐)|(都在|在|去)(叫人|摇人)"),
          event(CROWD, near("{GROUP}", "{CROWDACT}", 16)),
          event(CROWD, near("(工人|民工|农民工|村民|业主|家长|员工|家属|群众|老百姓)们?(都|一起)?", "聚|围|堵|闹事|上访|讨说法|要说法|讨个说法|横幅|条幅|静坐|情绪激动|冲进|拦", 12)),
          event(CROWD, "堵路|堵路口|拦路|封路|拦车|堵高速|把路(堵|挡|拦|封)|路(堵|挡)(住|了)|堵(了)?(厂门|大门|校门|工地|项目部|政府)|围堵|围攻|围住|包围|打群架|械斗|聚众闹事|闹事|横幅|条幅|集体上访|群体性|群体事件|静坐|爬塔吊|跳塔吊|冲击"),
          event(CROWD, "约架|约了[^,。!?]{0,8}(解决|打|干|单挑)|(全部|集体|一起|全厂|全体)(停工|罢工)|罢工"),
          event(CROWD, "(两个村|两村|两伙|两帮|两派|两拨|两个家族|两边|几家人)[^。!?]{0,12}(打|吵起来|拿着|对峙|械斗|对骂|对上|叫人|动手)"),

          // ── a fraud still under way ──
          alarm(FRAUD_IN_PROGRESS, "(让|叫|要)我先(交|付|转|充)|不(能|要|让)挂电话|(配合|接受)[^,。!?]{0,4}调查[^。!?]{0,12}(转|宾馆|开房|保密|不能告诉|不要告诉)|(宾馆|酒店)[^,。!?]{0,6}接受调查"),
          alarm(FRAUD_IN_PROGRESS, "(交|付|垫付|充|缴)[^,。!?]{0,8}才能(领|提|放|解冻|返|到账|退|拿)|中奖了?[^,。!?]{0,10}(交|付|税|手续费)|垫付[^,。!?]{0,6}(才能|返)|换了?(新)?(手机)?号[^。!?]{0,10}(借|转|打钱|汇)|(让|叫|要)我借(他|她|给)"),
          cued(FRAUD_IN_PROGRESS, "(交|缴|付)[^,。!?]{0,4}(保证金|手续费|解冻金|激活费|会员费|服务费|个人所得税|税费)"),
          alarm(FRAUD_IN_PROGRESS, "教我(怎么)?[^,。!?]{0,4}(柜员|银行|回答|操作)|(不要|别|不能|不让)(跟|和|告诉)[^,。!?]{0,3}(柜员|银行|家人|家里人|警察|任何人)"),
          event(FRAUD_IN_PROGRESS, "(炒股|投资|理财|荐股|带单)群|导师带|老师带(单|你|我)|养老(投资|项目)|以房养老|抵押[^,。!?]{0,6}(去投|投资)|(退税|退费|退款)[^,。!?]{0,6}(链接|网站|登录)|(链接|网站|登录)[^,。!?]{0,6}(退税|退费|退款)"),
          event(FRAUD_IN_PROGRESS, "(帮我|帮你)[^,。!?]{0,10}(退回来|追回|要回来|注销|解冻|提额|刷流水|消除)"),
          alarm(FRAUD_IN_PROGRESS, "正在转账|在转账|准备转账|要不要转|该不该转|刚(刚|才)?(转|汇|打|付)(了|过去|出去)|刚(刚|才)?被骗|猜猜我是谁|我是你领导"),
          alarm(FRAUD_IN_PROGRESS, "(让|叫|要|要求|逼|催)我[^,。!?]{0,6}(转账|转钱|转款|转到|转过去|汇款|打钱|充值|充钱|交钱|下载|贷款|扫码|点链接|投钱|登录|登陆|注册|输入|(开|打开)[^,。!?]{0,4}(屏幕共享|共享屏幕|会议))|(让|叫|要|要求|逼|催)我[^,。!?]{0,6}(转|汇|打)[^,。!?]{0,6}(钱|块|元|万|费)"),
          alarm(FRAUD_IN_PROGRESS, "(又|还|继续)让(我)?[^,。!?]{0,2}(交|付|转|充|投)|(让|叫|要)[^,。!?]{0,4}(继续|再)(投|充|交|转)|还要(交|付|转|充)[^,。!?]{0,4}(才|能)|先交[^,。!?]{0,6}(才能|才可以|就能)|不(交|付)[^,。!?]{0,4}就(冻结|不给|坐牢|起诉|抓)|(又|还|再)(要|借)[0-9一二两三四五六七八九十百千万]+"),
          alarm(FRAUD_IN_PROGRESS, "验证码(发|给|告诉|报|念)|(发|给|告诉|报|念)[^,。!?]{0,4}验证码|(输|填|念|报)[^,。!?]{0,6}(密码|卡号|银行卡)|按(他|她|对方|电话里)[^,。!?]{0,4}说的(操作|做)|点了?[^,。!?]{0,3}链接|额度[^,。!?]{0,4}借出来|提现不了|无法提现|提不了现|提不出来|不能提现|取不出来|解冻费|解冻金|激活费|刷流水|流水不足|账号(信息)?(错误|异常)"),
          alarm(FRAUD_IN_PROGRESS, "(正在|在|要)[^,。!?]{0,6}(银行|柜台|ATM)[^,。!?]{0,10}(转|汇|取|操作)|(准备|要|正在|去)[^,。!?]{0,4}(取钱|汇款|转账)给|(正在|在)[^,。!?]{0,4}(给|向)[^,。!?]{0,8}(转|汇|打)钱"),
          event(FRAUD_IN_PROGRESS, "安全账户|资金核查|资金清查|清查资金|涉嫌洗钱|洗钱案|通缉令|逮捕令|百万保障|屏幕共享|共享屏幕|注销[^,。!?]{0,4}(校园贷|学生贷|网贷|贷款|账户|账号)|征信(有问题|出问题|受影响|修复)|(医保卡|社保卡|银行卡|ETC|etc|账户|快递|航班)[^,。!?]{0,4}(异常|失效|有问题|出问题|被盗用)"),
          event(FRAUD_IN_PROGRESS, "冒充|(自称|说是|说他是|称是|假装)[^,。!?]{0,6}(公安|警察|警官|民警|检察|法院|客服|领导|老板|银行|快递|老师|军人|医生|同学|税务|社保|医保|电信|移动|联通|淘宝|京东|支付宝|微信)|(公安局|派出所|检察院|法院|警官|警察|检察官)[^。!?]{0,12}(转账|转到|汇款|打到|打钱|转钱|汇钱|验证码|保密|不要告诉|不让告诉)"),
          event(FRAUD_IN_PROGRESS, "刷单|返利|做任务|杀猪盘|稳赚|(投资|理财|博彩|彩票)(平台|APP|app|网站)[^。!?]{0,10}(提现|出不了|取不出|冻结|交|充)|(转|汇|打|付|充)了[^。!?]{0,20}(联系不上|关机|拉黑|删了我)"),
          cued(FRAUD_IN_PROGRESS, "被[^,。!?]{0,3}骗|骗了我|上当|骗子|是不是诈骗|是诈骗吗|(转|汇|打|充|借)了[^,。!?]{0,4}(钱|万|块|元|千|百)"));

  /** "Now": when one of these is in the message, framing as past or as a question about the law does not calm it. */
  private static final Pattern NOW =
      Pattern.compile("刚刚|刚才|刚(被|转|汇|打|收到|出)|正在|现在还在|还在|此刻|今天|今晚|今早|昨晚|昨天|马上|立刻|赶紧|快来|救命|救救|紧急|急急|急死|十万火急|害怕|好怕|不敢|又|天天|每天|一直在|现在就|这会儿|要不要报警|该不该报警|[0-9一二两三四五六七八九十几半]+个?(分钟|小时)(前|之前)");

  /** The narrower "now" a CUED rule needs: the event is under way or minutes old, not merely habitual (又, 天天). */
  private static final Pattern NOW_STRICT =
      Pattern.compile("刚刚|刚才|刚(被|转|汇|打|收到|出)|正在|现在还在|还在|一直在|此刻|今天|今晚|今早|昨晚|昨天|马上|立刻|现在就|这会儿|[0-9一二两三四五六七八九十几半]+个?(分钟|小时)(前|之前)");

  private static final String PAST =
      "去年|前年|前些年|前几年|那几年|几年前|多年前|[0-9一二两三四五六七八九十几]+(年|个月)前|以前|从前|(?<![天号日点周月])之前|当年|那年|那时候|曾经|后来|小时候|年轻时|早年|早就|(19|20)[0-9]{2}年";
  private static final String HYPOTHETICAL = "如果|假如|假设|万一|要是|倘若|若是|假若|比如|例如";
  private static final String TEXTBOOK = "甲方|乙方|丙方|甲乙|甲向乙|甲与乙|甲和乙|某甲|某乙|[A-Z]某|某某|[张王李赵刘陈杨黄周吴孙][A-Z]|本案|此案|试分析|案例";
  private static final String ABOUT_LAW =
      "定义|什么是|是什么|什么意思|啥意思|的区别|有什么区别|有何区别|认定标准|立案标准|什么标准|包括哪些|有哪些|哪些情[况形]|什么情况下|什么样的|一般|通常|法律规定|法律上|规定";
  private static final String SENTENCING =
      "怎么判|如何判|判几年|判多少年|判多久|会判|量刑|罪|定罪|怎么处罚|如何处罚|处罚标准|违法吗|犯法吗|合法吗|犯不犯法|违不违法|合不合法";

  /** What makes an EVENT rule of each kind read as past, hypothetical, general or after the fact. */
  private static final Map<Kind, Pattern> DISTANCE = distances();

  private static Map<Kind, Pattern> distances() {
    String common = String.join("|", PAST, HYPOTHETICAL, TEXTBOOK, ABOUT_LAW);
    Map<Kind, String> extra = new EnumMap<>(Kind.class);
    extra.put(VIOLENCE, SENTENCING + "|想知道|想了解|验伤|罚|案底|记录|拘留|责任|担责|[0-9]+月[0-9]+[日号]|惩罚|追究|赔偿|赔钱|赔多少|赔了|医药费|伤残|鉴定|轻伤|轻微伤|重伤|私了|调解|和解|谅解|正当防卫");
    extra.put(DOMESTIC_VIOLENCE, "算不算|算家暴|是不是家暴|属于家暴|构成家暴|说我家暴|说我打|诬陷|污蔑|冤枉|诬告|早就离婚|离婚多年|证据");
    extra.put(SELF_HARM, SENTENCING + "|身亡|死亡|去世|遗体|赔|工伤|抚恤|保险|责任|担责");
    extra.put(DETAINED, "会被?(抓|拘留|刑拘|逮捕)|会不会被?(抓|拘留|刑拘|逮捕)|已经赔偿|罚了|放出来|放了|释放|出狱|出来了|刑满|已经判了|判了[0-9一二两三四五六七八九十几]+年|已判|服刑|坐过牢|缓刑|案底|记录|档案|政审|考公|公务员|当兵|参军|入党|出国|减刑|假释|区别|手续|流程");
    extra.put(DEADLINE, "从哪天|什么时候开始|怎么算|如何计算|多少天|多长时间|是多长|多久|几年|几个月");
    extra.put(PERSON_AT_RISK, SENTENCING + "|赔|责任|负责|担责|抚养权|抚养费|监护权|探视|户口|寻亲|讹");
    extra.put(CROWD, "想知道|想了解|怎么判|判几年|判多少年|罪|定罪|处罚");
    extra.put(FRAUD_IN_PROGRESS, SENTENCING + "|想知道|想了解|防范|怎么防|识别|可能性|概率|追回的可能|是不是骗|骗人的|会不会|有风险|风险|功能|平时|是真的吗|真的吗|可信吗|靠谱吗");
    Map<Kind, Pattern> out = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      out.put(kind, Pattern.compile(common + (extra.containsKey(kind) ? "|" + extra.get(kind) : "")));
    }
    return Collections.unmodifiableMap(out);
  }

  /** A negation right before a match, in the same clause: 没(有)被打, 不是要自杀, 没想过自杀; 没想到被打 is not one. */
  private static final Pattern NEGATED_BEFORE = Pattern.compile("(没有|没|并未|未曾|从未|从来没有?|不是|并非|不曾|不会|不想)[想过再曾也都真的]{0,2}$");

  private static final Pattern NOT_A_NEGATION = Pattern.compile("没想到$|是不是$");

  /** Immediate safety steps per kind: first line the one thing to do now, second line what comes next. */
  private static final Map<Kind, List<String>> GUIDANCE = guidance();

  private static Map<Kind, List<String>> guidance() {
    Map<Kind, List<String>> g = new EnumMap<>(Kind.class);
    g.put(SELF_HARM, List.of("请马上拨打 120 或 110；不要一个人待着，也不要让想轻生的人独处。", "心理援助热线 12356 随时可以打；你也可以继续跟小法说。"));
    g.put(VIOLENCE, List.of("有危险请立即拨打 110，先离开危险地点，到人多的地方或锁好门。", "受伤请就医，保留伤情照片、就医记录和聊天、录音等证据。"));
    g.put(DOMESTIC_VIOLENCE, List.of("遭受家暴请立即拨打 110，先到安全的地方；受伤请就医，保留伤情照片和就医记录。", "可向妇联 12338 求助，向法院申请人身安全保护令（《反家庭暴力法》第二十三条）。"));
    g.put(PERSON_AT_RISK, List.of("孩子或老人有危险、走失，请立即拨打 110；受伤或急病请拨打 120。", "未成年人保护可拨打 12355，也可以找村（居）委会或民政部门帮忙。"));
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
    String text = toMandarin(normalisedText);
    boolean now = NOW.matcher(text).find();
    boolean nowStrict = now && NOW_STRICT.matcher(text).find();
    EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
    Map<Kind, Boolean> distanced = new EnumMap<>(Kind.class);
    for (Rule rule : RULES) {
      if (kinds.contains(rule.kind()) || !matchesUnnegated(rule, text)) {
        continue;
      }
      boolean fires =
          switch (rule.force()) {
            case ALARM -> true;
            case EVENT -> now || !distanced.computeIfAbsent(rule.kind(), k -> DISTANCE.get(k).matcher(text).find());
            case CUED -> nowStrict;
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

  /**
   * Guidance for these kinds: every first line in order of importance, then the second lines, as many as fit the byte
   * budget. Domestic violence's lines say all that violence's would, so violence's are left out beside them.
   */
  static String guidanceFor(Set<Kind> kinds) {
    EnumSet<Kind> shown = EnumSet.copyOf(kinds);
    if (shown.contains(DOMESTIC_VIOLENCE)) {
      shown.remove(VIOLENCE);
    }
    List<String> lines = new ArrayList<>();
    int bytes = 0;
    for (int step = 0; step < 2; step++) {
      for (Kind kind : shown) {
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

  /** Rewrites the local dialect words of {@link #DIALECT} to Mandarin. */
  static String toMandarin(String text) {
    String out = text;
    for (String[] pair : DIALECT) {
      if (out.contains(pair[0])) {
        out = out.replace(pair[0], pair[1]);
      }
    }
    return out;
  }

  private static boolean matchesUnnegated(Rule rule, String text) {
    Matcher m = rule.pattern().matcher(text);
    if (rule.starts() == null) {
      while (m.find()) {
        if (!negatedAt(text, m.start())) {
          return true;
        }
      }
      return false;
    }
    m.useTransparentBounds(true); // look-behinds in the patterns still see the text before the position tried
    for (int i = 0; i < text.length(); i++) {
      if (rule.starts().get(text.charAt(i)) && m.region(i, text.length()).lookingAt() && !negatedAt(text, i)) {
        return true;
      }
    }
    return false;
  }

  private static boolean negatedAt(String text, int start) {
    String before = text.substring(Math.max(0, start - 8), start);
    return NEGATED_BEFORE.matcher(before).find() && !NOT_A_NEGATION.matcher(before).find();
  }

  /** Both {@code a} and {@code b}, in either order, at most {@code gap} characters apart within one sentence. */
  private static String near(String a, String b, int gap) {
    String within = "[^。!?]{0," + gap + "}";
    return "(" + a + ")" + within + "(" + b + ")|(" + b + ")" + within + "(" + a + ")";
  }

  private static Rule alarm(Kind kind, String regex) {
    return rule(kind, Force.ALARM, regex);
  }

  private static Rule event(Kind kind, String regex) {
    return rule(kind, Force.EVENT, regex);
  }

  private static Rule cued(Kind kind, String regex) {
    return rule(kind, Force.CUED, regex);
  }

  private static Rule rule(Kind kind, Force force, String regex) {
    String expanded = expand(regex);
    String first = firstChars(expanded);
    return new Rule(kind, force, Pattern.compile(expanded), first == null ? null : charClass(first));
  }

  /** The characters of a character-class body made of single characters and ranges, as {@code firstChars} returns. */
  static BitSet charClass(String body) {
    BitSet set = new BitSet(Character.MAX_VALUE + 1);
    for (int i = 0; i < body.length(); i++) {
      char from = body.charAt(i);
      if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
        set.set(from, body.charAt(i + 2) + 1);
        i += 2;
      } else {
        set.set(from);
      }
    }
    return set;
  }

  /**
   * A long alternation of words is tried word by word at every position; a look-ahead on the characters those words
   * can begin with rejects most positions in one step (several times faster here).
   */
  private static String gated(String regex) {
    String first = firstChars(regex);
    return first == null ? regex : "(?=[" + first + "])(?:" + regex + ")";
  }

  /**
   * The characters a match of {@code regex} can begin with, as the body of a character class, or null when that is
   * not simple to tell (a leading look-around, an optional first atom, an escape).
   */
  static String firstChars(String regex) {
    StringBuilder out = new StringBuilder();
    for (String alternative : topLevelAlternatives(regex)) {
      if (alternative.isEmpty()) {
        return null;
      }
      char c = alternative.charAt(0);
      int end;
      String chars;
      if (c == '(') {
        end = closing(alternative, 0, '(', ')');
        String group = alternative.substring(1, end);
        if (group.startsWith("?:")) {
          group = group.substring(2);
        } else if (group.startsWith("?=[") && closing(group, 2, '[', ']') == group.length() - 1) {
          group = group.substring(2); // a look-ahead on one class, as gated() writes: its class is the answer
        } else if (group.startsWith("?")) {
          return null;
        }
        chars = firstChars(group);
      } else if (c == '[') {
        end = closing(alternative, 0, '[', ']');
        chars = alternative.charAt(1) == '^' ? null : alternative.substring(1, end);
      } else if ("\\.^$|)?*+{".indexOf(c) >= 0) {
        return null;
      } else {
        end = 0;
        chars = String.valueOf(c);
      }
      boolean optional = end + 1 < alternative.length() && "?*".indexOf(alternative.charAt(end + 1)) >= 0
          || alternative.startsWith("{0", end + 1);
      if (chars == null || optional || chars.contains("\\")) {
        return null;
      }
      out.append(chars);
    }
    return out.toString();
  }

  private static List<String> topLevelAlternatives(String regex) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        i = closing(regex, i, '[', ']');
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|' && depth == 0) {
        out.add(regex.substring(from, i));
        from = i + 1;
      }
    }
    out.add(regex.substring(from));
    return out;
  }

  /** Index of the bracket closing the one at {@code open}; character classes and escapes are skipped. */
  private static int closing(String regex, int open, char opening, char closing) {
    int depth = 0;
    for (int i = open; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (opening == '(' && c == '[') {
        i = closing(regex, i, '[', ']');
      } else if (c == opening && (opening == '(' || depth == 0)) {
        depth++;
      } else if (c == closing && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unbalanced " + opening + " in " + regex);
  }

  /** Splices the named word lists in, including lists named inside lists. */
  private static String expand(String regex) {
    Matcher m = PLACEHOLDER.matcher(regex);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String words = WORDS.get(m.group(1));
      if (words == null) {
        throw new IllegalStateException("unknown word list {" + m.group(1) + "} in " + regex);
      }
      m.appendReplacement(out, Matcher.quoteReplacement("(?:" + gated(expand(words)) + ")"));
    }
    m.appendTail(out);
    return out.toString();
  }
}
