package xiaofa.dialog;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Tells a real dispute with another party, which a human advisor should take up, from a general information question
 * the knowledge base can answer. "老板拖欠三个月工资不给，我要告他" and "邻居把墙砌到我家宅基地上吵了好几次" are
 * disputes; "劳动合同试用期最长多久" and "宅基地可以买卖吗" are not.
 *
 * <p>A message is a dispute when any of these holds (the table {@link #SIGNS}):
 *
 * <ol>
 *   <li>a named other party (老板, 邻居, 对方, 房东, 他 …) is close to something done against the resident (拖欠, 不还,
 *       不赔, 打, 占, 骗, 威胁, 起诉我 …);
 *   <li>the resident was on the receiving end of such an act (我被骗了, 我家的地被占了, 被公司辞退);
 *   <li>the resident wants to act against a party (我要告他, 想起诉公司, 去仲裁, 投诉商家, 讨个说法, 要回来).
 * </ol>
 *
 * It is deliberately moderate in precision: a dispute phrased as a question ("房东不退押金怎么办") is still a dispute,
 * and a general question that merely names a party ("公司可以不交社保吗") is not. Input must be normalised by {@link
 * TextNormaliser}; the 平江 dialect words that {@link UrgencyDetector} rewrites are rewritten here too. Stateless and
 * thread-safe.
 */
public final class DisputeDetector {

  /** The other side of a dispute. */
  private static final String PARTY =
      "老板|老板娘|公司|单位|厂里|厂家|工厂|对方|邻居|隔壁|房东|租客|二房东|物业|开发商|商家|店家|卖家|买家|网店|平台|客服|包工头|工头|承包人|施工队|装修公司|中介|"
          + "保险公司|银行|医院|学校|村里|村委会|村干部|村长|书记|镇政府|政府|城管|派出所|同事|朋友|同学|亲戚|老乡|前夫|前妻|老公|老婆|丈夫|妻子|男方|女方|"
          + "婆家|娘家|哥哥|弟弟|姐姐|妹妹|儿子|女儿|儿媳|女婿|司机|肇事者|车主|狗主人|客户|收货方|发货方|工地|楼上|楼下|他们|他|她|别人|人家|有人";

  /** Something done against the resident, or left undone. */
  private static final String AGAINST =
      "拖欠|没(有)?(给|发|付|还|赔|退|结)|让我赔|扣压|扣押|扣留|强行|罚款|拖了|拖着|延期|逾期|没完工|欠(我|着|了)|欠钱|不给|不还|不赔|不退|不发|不付|不结|不认|不承认|不履行|不兑现|不管|不肯|不同意|不让|拒绝|拒不|赖账|耍赖|赖着|推脱|推诿|扯皮|刁难|"
          + "骗|坑|打(了)?我|打伤|威胁|恐吓|骚扰|辱骂|骂我|占(了|用|我)|侵占|霸占|强占|砌|挖|推倒|砍了|撞|违约|克扣|扣(了)?(我|工资|押金|钱|证)|辞退|开除|"
          + "炒了|跑路|失联|联系不上|拉黑|偷|强拆|拆了|堵|吵|闹|纠纷|矛盾|弄坏|损坏|漏水|起诉我|告我|要我赔|讹|诬告|诽谤|造谣|侵权|冒用|挪用|私吞|吞了";

  /** The resident taking a step against someone. */
  private static final String ACTION =
      "我要告|想告|要告|告他|告她|告他们|告公司|起诉|上诉|打官司|申请仲裁|劳动仲裁|去仲裁|投诉|举报|讨说法|讨个说法|要说法|维权|要回|追回|讨回|讨薪|索赔|"
          + "要求赔偿|要他赔|让他赔|申请执行|强制执行|报警";

  /** Words that make it a general question rather than the resident's own case. */
  private static final String GENERAL = "一般|通常|规定|法律上|是什么|什么是|定义|多久|多长时间|需要什么|什么材料|怎么办理|流程|条件|标准|可以吗|合法吗|能不能|会不会";

  private static final List<Pattern> SIGNS =
      List.of(
          Pattern.compile("(" + PARTY + ")[^。!?]{0,12}(" + AGAINST + ")"),
          Pattern.compile("(我|我家|我们|我的|俺)[^,。!?]{0,8}(被|给|遭)[^,。!?]{0,6}(骗|打|撞|占|拆|辞退|开除|扣|偷|坑|起诉|告|威胁|砸|咬|拖欠)"),
          Pattern.compile("(" + ACTION + ")[^。!?]{0,10}(" + PARTY + ")|(" + PARTY + ")[^。!?]{0,10}(" + ACTION + ")"),
          Pattern.compile("被[^,。!?]{0,4}(辞退|开除|骗了|骗走|打了|打伤|撞了|撞伤|占了|拆了|偷了|扣了|拖欠|起诉|告了)"),
          Pattern.compile("(我|我们)(要|想|准备|打算|决定)[^,。!?]{0,4}(" + ACTION + ")"));

  private static final Pattern GENERAL_ONLY = Pattern.compile(GENERAL);
  private static final Pattern FIRST_PERSON = Pattern.compile("我|俺|我们|我家|本人");

  /** Whether the message, already normalised by {@link TextNormaliser}, describes the resident's own dispute. */
  public boolean isDispute(String normalisedText) {
    if (normalisedText == null || normalisedText.isBlank()) {
      return false;
    }
    String text = UrgencyDetector.toMandarin(normalisedText);
    boolean sign = SIGNS.stream().anyMatch(p -> p.matcher(text).find());
    if (!sign) {
      return false;
    }
    // "公司拖欠工资一般怎么处理" asks about the law; "公司拖欠我工资一般怎么处理" is the resident's own case.
    return !GENERAL_ONLY.matcher(text).find() || FIRST_PERSON.matcher(text).find();
  }
}
