package xiaofa.dialog;

import java.util.Map;
import java.util.Optional;
import xiaofa.knowledge.Category;

/**
 * The routing category of a law article: the deterministic mapping the shared data set's README uses to label its
 * lawyer-answered questions by the first law cited, so that law articles train the classifier and vote as search
 * hits under the same definitions. 民法典 is mapped by article range, every other law by its title.
 */
final class LawCategories {
  /**
   * The laws of the corpus. 人民调解法, 法律援助法 and 优化营商环境条例 are not named by the README's mapping; they
   * go where a resident asking about them is routed: mediation and legal aid are general services, the business
   * environment rules are about government services. The family-protection laws (women, minors, the elderly, domestic
   * violence) are marriage_family because residents invoke them against relatives.
   */
  private static final Map<String, Category> BY_TITLE =
      Map.ofEntries(
          Map.entry("劳动法", Category.LABOR),
          Map.entry("劳动合同法", Category.LABOR),
          Map.entry("劳动争议调解仲裁法", Category.LABOR),
          Map.entry("保障农民工工资支付条例", Category.LABOR),
          Map.entry("工伤保险条例", Category.LABOR),
          Map.entry("社会保险法", Category.LABOR),
          Map.entry("道路交通安全法", Category.TRAFFIC),
          Map.entry("治安管理处罚法", Category.CRIMINAL),
          Map.entry("反电信网络诈骗法", Category.CRIMINAL),
          Map.entry("消费者权益保护法", Category.CONSUMER),
          Map.entry("农村土地承包法", Category.LAND_HOUSING),
          Map.entry("土地管理法", Category.LAND_HOUSING),
          Map.entry("行政处罚法", Category.ADMINISTRATIVE),
          Map.entry("行政复议法", Category.ADMINISTRATIVE),
          Map.entry("行政许可法", Category.ADMINISTRATIVE),
          Map.entry("政府信息公开条例", Category.ADMINISTRATIVE),
          Map.entry("村民委员会组织法", Category.ADMINISTRATIVE),
          Map.entry("优化营商环境条例", Category.ADMINISTRATIVE),
          Map.entry("反家庭暴力法", Category.MARRIAGE_FAMILY),
          Map.entry("妇女权益保障法", Category.MARRIAGE_FAMILY),
          Map.entry("未成年人保护法", Category.MARRIAGE_FAMILY),
          Map.entry("老年人权益保障法", Category.MARRIAGE_FAMILY),
          Map.entry("人民调解法", Category.GENERAL),
          Map.entry("法律援助法", Category.GENERAL));

  private LawCategories() {}

  /**
   * The category of an article, or empty for a law outside the corpus or an unmapped 民法典 article (附则).
   *
   * @param shortLawTitle the title without 中华人民共和国 ({@code KnowledgeEntry.shortLawTitle})
   */
  static Optional<Category> of(String shortLawTitle, int article) {
    if (shortLawTitle == null) {
      return Optional.empty();
    }
    return shortLawTitle.equals("民法典") ? civilCode(article) : Optional.ofNullable(BY_TITLE.get(shortLawTitle));
  }

  private static Optional<Category> civilCode(int a) {
    Category c;
    if (a < 1 || a > 1258) {
      return Optional.empty();
    } else if (a <= 204) {
      c = Category.GENERAL;
    } else if (a <= 385) {
      c = Category.LAND_HOUSING;
    } else if (a <= 462) {
      c = Category.DEBT;
    } else if (a >= 667 && a <= 702) {
      c = Category.DEBT; // 借款合同, 保证合同
    } else if (a >= 703 && a <= 734 || a >= 937 && a <= 950) {
      c = Category.LAND_HOUSING; // 租赁合同, 物业服务合同
    } else if (a <= 988) {
      c = Category.CONTRACT_BUSINESS;
    } else if (a <= 1039) {
      c = Category.TORT_INJURY; // 人格权编
    } else if (a <= 1163) {
      c = Category.MARRIAGE_FAMILY; // 婚姻家庭编, 继承编
    } else if (a >= 1208 && a <= 1217) {
      c = Category.TRAFFIC; // 机动车交通事故责任
    } else {
      c = Category.TORT_INJURY;
    }
    return Optional.of(c);
  }
}
