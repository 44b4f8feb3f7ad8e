package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChineseNumeralsTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"一,1", "十,10", "十一,11", "二十,20", "三十,30", "一百,100", "一百零一,101", "一百一十,110", "一百一十九,119", "两百,200",
      "一千零七十九,1079", "一千二百六十,1260", "一千零一,1001", "四十七,47", "30,30", "〇,0"})
  @DisplayName("article numbers in Chinese or Arabic numerals parse to integers")
  void parses(String text, int value) {
    assertEquals(value, ChineseNumerals.parse(text));
  }

  @Test
  @DisplayName("anything else is not a numeral")
  void rejects() {
    assertEquals(-1, ChineseNumerals.parse("第一"));
    assertEquals(-1, ChineseNumerals.parse(""));
    assertEquals(-1, ChineseNumerals.parse(null));
  }

  @Test
  @DisplayName("formatting writes what law texts write and parses back, for every article number up to 1300")
  void roundTrips() {
    assertEquals("三十", ChineseNumerals.format(30));
    assertEquals("一百一十", ChineseNumerals.format(110));
    assertEquals("一千零七十九", ChineseNumerals.format(1079));
    assertEquals("二百零五", ChineseNumerals.format(205));
    for (int i = 1; i <= 1300; i++) {
      assertEquals(i, ChineseNumerals.parse(ChineseNumerals.format(i)), "round trip of " + i);
    }
  }
}
