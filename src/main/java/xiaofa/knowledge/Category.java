package xiaofa.knowledge;

import java.util.Optional;

/** The 11 routing categories (ids as in the shared data set's README), with their Chinese names. */
public enum Category {
  MARRIAGE_FAMILY("marriage_family", "婚姻家庭"),
  LABOR("labor", "劳动争议"),
  TRAFFIC("traffic", "交通事故"),
  DEBT("debt", "借贷债务"),
  CONSUMER("consumer", "消费维权"),
  LAND_HOUSING("land_housing", "土地房产"),
  TORT_INJURY("tort_injury", "侵权损害"),
  CRIMINAL("criminal", "刑事治安"),
  ADMINISTRATIVE("administrative", "行政政务"),
  CONTRACT_BUSINESS("contract_business", "合同商事"),
  GENERAL("general", "综合/程序");

  private final String id;
  private final String label;

  Category(String id, String label) {
    this.id = id;
    this.label = label;
  }

  public String id() {
    return id;
  }

  public String label() {
    return label;
  }

  public static Optional<Category> fromId(String id) {
    for (Category c : values()) {
      if (c.id.equals(id)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
