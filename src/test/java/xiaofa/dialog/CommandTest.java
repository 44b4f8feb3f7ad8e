package xiaofa.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandTest {

  @DisplayName("recognises residents' commands and leaves questions alone")
  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "转人工|HANDOFF|",
        "我要找律师|HANDOFF|",
        "人工|HANDOFF|",
        "找律师,老板欠我两个月工资|HANDOFF|老板欠我两个月工资",
        "找律师要多少钱|-|",
        "人工智能侵权怎么办|-|",
        "律师费怎么算|-|",
        "帮助|HELP|",
        "菜单|HELP|",
        "查询进度|PROGRESS|",
        "评价5|RATE|5",
        "评价 3|RATE|3",
        "4星|RATE|4",
        "非常不满意|RATE|1",
        "满意|RATE|4",
        "还有呢|MORE|",
        "详细说说|DETAIL|",
        "2|PICK|2",
        "第三个|PICK|3",
        "取消|CANCEL|",
        "撤回事项|WITHDRAW|",
        "你好|GREETING|",
        "谢谢|THANKS|",
        "老板拖欠工资怎么办|-|",
      })
  void parses(String text, String kind, String arg) {
    Optional<Command> c = Command.parse(TextNormaliser.normalise(text));
    if (kind.equals("-")) {
      assertEquals(Optional.empty(), c);
    } else {
      assertEquals(Command.Kind.valueOf(kind), c.orElseThrow().kind());
      if (arg != null) {
        assertEquals(arg, c.get().arg());
      }
    }
  }
}
