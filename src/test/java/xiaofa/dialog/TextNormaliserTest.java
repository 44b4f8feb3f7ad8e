package xiaofa.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextNormaliserTest {

  @DisplayName("residents' messages come to one simplified, half-width, emoji-free form")
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "老闆拖欠工資怎麼辦|老板拖欠工资怎么办",
        "我 要 找 律 师|我要找律师",
        "ＡＢＣ１２３|ABC123",
        "工资😭😭没给🙏|工资没给",
        "  评价   5  |评价5",
        "离婚👨‍👩‍👧后孩子归谁|离婚后孩子归谁",
        "找lawyer  help|找lawyer help",
        "打官司\t要钱吗？|打官司要钱吗?",
        "1️⃣|1",
      })
  void normalises(String in, String expected) {
    assertEquals(expected, TextNormaliser.normalise(in));
  }
}
