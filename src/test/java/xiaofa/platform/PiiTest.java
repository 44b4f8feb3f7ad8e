package xiaofa.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Masking residents' phone and ID numbers")
class PiiTest {

  @Test
  @DisplayName("masks a mobile number to its first 3 and last 4 digits, and hides short numbers entirely")
  void phones() {
    assertEquals("138****5678", Pii.maskPhone("13812345678"));
    assertEquals("138****5678", Pii.maskPhone("+86 138-1234-5678"));
    assertEquals("073****4567", Pii.maskPhone("0730-1234567"));
    assertEquals("****", Pii.maskPhone("110"));
    assertEquals("****", Pii.maskPhone(""));
    assertNull(Pii.maskPhone(null));
  }

  @Test
  @DisplayName("keeps the first 6 and last 4 characters of an 18-character ID number, and hides any other")
  void ids() {
    assertEquals("430626********123X", Pii.maskIdNumber("43062619900101123X"));
    assertEquals("430626********1234", Pii.maskIdNumber(" 430626199001011234 "));
    assertEquals("***************", Pii.maskIdNumber("430626900101123"));
    assertNull(Pii.maskIdNumber(null));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      电话13812345678                         | 电话138****5678
      联系：13812345678，或者15900001111        | 联系：138****5678，或者159****1111
      call 138 1234 5678 now                  | call 138****5678 now
      +8613812345678                          | 138****5678
      全角１３８１２３４５６７８号              | 全角１３８****５６７８号
      身份证430626199001011234，住凤栖新村      | 身份证430626********1234，住凤栖新村
      身份证号43062619900101123x               | 身份证号430626********123x
      订单号 2138123456789 不是手机号          | 订单号 2138123456789 不是手机号
      卡号 6222021234567890123 不是身份证      | 卡号 6222021234567890123 不是身份证
      12812345678 不是手机号                   | 12812345678 不是手机号
      1381234567 只有十位                      | 1381234567 只有十位
      拨打 12348 或 110                        | 拨打 12348 或 110
      0730-00000103（示例）                    | 0730-00000103（示例）
      没有号码                                 | 没有号码
      """)
  @DisplayName("masks every mobile and ID number in free text, and nothing else")
  void text(String in, String out) {
    assertEquals(out, Pii.maskText(in));
  }

  @Test
  @DisplayName("leaves null and empty text alone")
  void empty() {
    assertNull(Pii.maskText(null));
    assertEquals("", Pii.maskText(""));
  }
}
