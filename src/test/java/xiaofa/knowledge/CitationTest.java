package xiaofa.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CitationTest {
  @Test
  @DisplayName("full and short law titles, Chinese and Arabic numerals name the same article")
  void parses() {
    Citation c = new Citation("劳动合同法", 30);
    assertEquals(Optional.of(c), Citation.parse("《中华人民共和国劳动合同法》第三十条"));
    assertEquals(Optional.of(c), Citation.parse("依据《劳动合同法》第30条的规定"));
    assertEquals("law-劳动合同法-30", c.entryId());
    assertEquals(Optional.empty(), Citation.parse("《劳动合同法》"));
    assertEquals(Optional.empty(), Citation.parse("第三十条"));
  }
}
