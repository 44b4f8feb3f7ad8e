package xiaofa.dialog;

import java.util.Map;
import xiaofa.knowledge.Category;

/** The dialog's canned texts, in the plain Chinese residents read. */
final class Texts {
  private Texts() {}

  static final String HELP = """
      您好，我是平江高新区公共法律服务助手“小法”，可以帮您：
      1. 法律咨询：直接说您遇到的事，如“老板拖欠工资怎么办”
      2. 办事指南：如“施工许可证怎么办”“营业执照要什么材料”
      3. 政务公开：如“怎么申请政府信息公开”
      4. 找律师：回复“转人工”，由村居法律顾问、律师或调解员跟进
      5. 查询进度：回复“查询进度”看您的事项
      6. 评价：事项办结后回复“评价5”（5 非常满意 … 1 非常不满意）
      遇到人身危险请立即拨打 110。""";

  static final String GREETING = "您好，我是小法。请直接说说您遇到的法律问题或想办的事，我来帮您查。回复“帮助”看我能做什么。";
  static final String THANKS = "不客气！还有其他问题随时问我；需要律师帮忙可回复“转人工”。";
  static final String EMPTY = "没有看到文字内容。请直接用文字说说您的问题，例如“老板拖欠工资怎么办”。";
  static final String NO_MORE = "这部分已经说完了。还有其他问题可以直接问我，或回复“转人工”找律师。";
  static final String NOTHING_TO_PICK = "没有可以选择的条目。请直接说说您的问题，或回复“帮助”。";
  static final String CANCELLED = "好的，已取消。有其他问题可以直接问我。";
  static final String ASK_DETAIL = "好的，马上为您转接法律顾问。请用一两句话说说您遇到的问题（例如：老板拖欠我三个月工资不给），我会连同您的问题一起转给负责的顾问。回复“取消”可以不转。";
  static final String NOTHING_TO_RATE = "目前没有待评价的事项。事项办结后，回复“评价5”到“评价1”即可评价（5 非常满意，1 非常不满意）。";
  static final String NO_CASES = "您还没有提交过事项。需要律师或调解员帮忙，请回复“转人工”。";
  static final String NO_ANSWER = "抱歉，这个问题我暂时没找到可靠的答案。";
  static final String OFFER_HANDOFF = "回复“转人工”，由法律顾问为您解答。";
  static final String UNSURE = "我不太确定您想问的是哪一个，您是不是想问：";
  static final String PICK_HINT = "回复序号查看，或换个说法再问我。";

  /** Lookups ({@link DialogService#lookup}): a grid worker asks on a resident's behalf and reports cases separately. */
  static final String LOOKUP_HANDOFF = "请为居民登记事项，写明居民的姓名和电话，系统会分派给负责该社区的法律顾问。";
  static final String LOOKUP_URGENT = "情况紧急：请立即为居民登记事项并标为紧急，法律顾问会优先处理。";
  static final String LOOKUP_ONLY = "这里只查询法律知识和办事指南，不办理事项。登记事项、查看进度和评价，请在事项中操作。";

  /** Where to go for each routing category, when the answer itself does not say. */
  static final Map<Category, String> VENUES = Map.ofEntries(
      Map.entry(Category.LABOR, "平江县劳动人事争议仲裁院申请仲裁；劳动保障咨询 12333；高新区劳动保障监察可受理欠薪投诉。"),
      Map.entry(Category.MARRIAGE_FAMILY, "村（社区）人民调解委员会；平江县人民法院；妇女维权热线 12338。"),
      Map.entry(Category.TRAFFIC, "交警部门（事故报警 122）处理事故认定；赔偿可找道路交通事故人民调解委员会或向法院起诉。"),
      Map.entry(Category.DEBT, "可先协商或找村（社区）人民调解委员会调解；协商不成向平江县人民法院起诉。"),
      Map.entry(Category.CONSUMER, "12315 投诉举报热线或全国 12315 平台；平江县消费者协会。"),
      Map.entry(Category.LAND_HOUSING, "村（社区）人民调解委员会；土地承包纠纷可找平江县农村土地承包仲裁委员会；房屋纠纷可向法院起诉。"),
      Map.entry(Category.TORT_INJURY, "先就医并保存证据；可找人民调解委员会调解，或向法院起诉；有人身危险拨打 110。"),
      Map.entry(Category.CRIMINAL, "报警请拨打 110 或到辖区派出所；经济困难需要辩护的，可申请法律援助（12348）。"),
      Map.entry(Category.ADMINISTRATIVE, "高新区政务服务中心；12345 政务服务便民热线；不服行政决定可申请行政复议或提起行政诉讼。"),
      Map.entry(Category.CONTRACT_BUSINESS, "可先协商或调解；合同有仲裁条款的找仲裁委员会，否则向人民法院起诉。"),
      Map.entry(Category.GENERAL, "公共法律服务热线 12348；平江县公共法律服务中心；高新区公共法律服务工作站。"));
}
