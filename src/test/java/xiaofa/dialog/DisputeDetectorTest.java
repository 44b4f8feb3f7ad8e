package xiaofa.dialog;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DisputeDetectorTest {
  private final DisputeDetector detector = new DisputeDetector();

  private boolean dispute(String message) {
    return detector.isDispute(TextNormaliser.normalise(message));
  }

  @DisplayName("a resident's own quarrel with another party is a dispute")
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "老板拖欠三个月工资不给,我要告他",
        "邻居把墙砌到我家宅基地上吵了好几次",
        "对方撞了我车不赔钱",
        "房东不退押金怎么办",
        "包工头跑路了,我们的工钱没人给",
        "公司把我辞退了,一分钱补偿都没有",
        "我在网上买的手机是假的,商家不给退",
        "村里把我家的地占了修路,一直不给补偿",
        "我被人骗了两万块钱,想起诉他",
        "前夫一直不给孩子抚养费",
        "楼上漏水把我家天花板泡坏了,他们不管",
        "朋友借了我五万不还,电话也不接",
        "物业乱收费,我想投诉他们",
        "装修公司拖了三个月还没完工",
        "我想申请劳动仲裁告公司",
        "隔壁养的狗咬了我儿子,狗主人不肯赔",
        "保险公司拒绝理赔",
        "我被公司告了,说我泄露商业秘密",
        "老板欠我工资冇给 么子办",
      })
  void disputes(String message) {
    assertTrue(dispute(message), message);
  }

  @DisplayName("a general question about the law is not a dispute")
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "劳动合同试用期最长多久",
        "离婚需要什么材料",
        "宅基地可以买卖吗",
        "打官司要多少钱",
        "死亡赔偿金怎么算",
        "公司可以不交社保吗",
        "房东可以随便涨房租吗",
        "法律援助怎么申请",
        "工伤认定需要多长时间",
        "诉讼时效是几年",
        "孩子的抚养费一般给多少",
        "交通事故责任怎么划分",
        "公司拖欠工资一般怎么处理",
      })
  void notDisputes(String message) {
    assertFalse(dispute(message), message);
  }

  @Test
  @DisplayName("an empty message is not a dispute")
  void blank() {
    assertFalse(detector.isDispute(""));
    assertFalse(detector.isDispute(null));
  }
}
