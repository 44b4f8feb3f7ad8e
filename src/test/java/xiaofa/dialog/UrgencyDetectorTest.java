package xiaofa.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import xiaofa.dialog.UrgencyDetector.Kind;
import xiaofa.dialog.UrgencyDetector.Urgency;
import xiaofa.dialog.UrgencySets.Labelled;

class UrgencyDetectorTest {
  private static final double MIN_RECALL = 0.95;
  private static final double MAX_FALSE_ESCALATIONS = 0.20;

  private final UrgencyDetector detector = new UrgencyDetector();

  private Urgency detect(String message) {
    return detector.detect(TextNormaliser.normalise(message));
  }

  @DisplayName("a message about danger now is urgent and names its kind")
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "VIOLENCE|隔壁那个人拿着刀在我家门口,说要砍我",
        "VIOLENCE|讨债的说今天不还钱就弄死我全家",
        "VIOLENCE|我被人打了,头一直在流血",
        "VIOLENCE|他威胁说要杀了我,我现在不敢回家",
        "DOMESTIC_VIOLENCE|老公喝了酒又打我,我躲在厕所里",
        "DOMESTIC_VIOLENCE|我被家暴了,脸上都是伤",
        "DOMESTIC_VIOLENCE|他把我锁在家里不让我出门,手机也收走了",
        "SELF_HARM|我真的不想活了",
        "SELF_HARM|工资要不回来,我准备去跳楼",
        "SELF_HARM|我妈吃了一瓶安眠药,叫不醒",
        "SELF_HARM|不想再拖累家里人了,这是我最后一条消息",
        "DETAINED|我老公昨天晚上被派出所抓了,现在怎么办",
        "DETAINED|我儿子被刑拘了,会判几年",
        "DETAINED|我弟被警察带走了,到现在也没消息",
        "DEADLINE|判决书收到十几天了,还想上诉,来得及吗",
        "DEADLINE|明天就开庭了,我还没请律师",
        "DEADLINE|仲裁时效快到了,公司还没给说法",
        "DEADLINE|今天是上诉的最后一天,来不来得及",
        "PERSON_AT_RISK|我家孩子放学到现在还没回家,电话也打不通",
        "PERSON_AT_RISK|我女儿被人拐走了",
        "PERSON_AT_RISK|我爸有老年痴呆,今天早上走丢了",
        "PERSON_AT_RISK|奶奶被大伯赶出来了,一个人住在猪圈里没饭吃",
        "CROWD|几十个农民工堵在工地门口讨薪,说今天不给钱就不走",
        "CROWD|我们几十个工人准备明天去堵路讨工资",
        "CROWD|村民和施工队打群架了",
        "FRAUD_IN_PROGRESS|有个自称公安局的人说我涉嫌洗钱,让我把钱转到安全账户",
        "FRAUD_IN_PROGRESS|客服打电话说要帮我关闭百万保障,让我下载一个APP",
        "FRAUD_IN_PROGRESS|我刚转了两万块给一个网友,现在联系不上了",
        "FRAUD_IN_PROGRESS|对方让我开屏幕共享,我已经开了",
      })
  void urgentByKind(Kind kind, String message) {
    Urgency u = detect(message);
    assertTrue(u.urgent(), message);
    assertTrue(u.kinds().contains(kind), () -> message + " -> " + u.kinds());
    assertFalse(u.guidance().isBlank());
  }

  @DisplayName("平江 dialect is understood: 哒, 冇, 么子, 屋里, 伢子, 堂客, 老倌子, 娭毑, 讲, 喊")
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DOMESTIC_VIOLENCE|我老倌子今天又打我,把我脑壳往墙上撞",
        "PERSON_AT_RISK|我屋里细伢子下午出去玩到现在天黑哒还冇回来",
        "PERSON_AT_RISK|我娭毑一个人在屋里摔倒哒 起不来",
        "VIOLENCE|他讲晓得我屋住哪里 晚上就喊人来收拾我",
        "DOMESTIC_VIOLENCE|我堂客拿菜刀追着我砍",
      })
  void dialect(Kind kind, String message) {
    Urgency u = detect(message);
    assertTrue(u.kinds().contains(kind), () -> message + " -> " + u.kinds());
  }

  @DisplayName("negation, the past, the hypothetical and questions about the law are not urgent")
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "我没有被打,只是被他骂了几句,能告他侮辱吗",
        "家暴的定义是什么",
        "被拘留几天会留案底吗",
        "去年被骗了还能追回吗",
        "打官司要多少钱",
        "死亡赔偿金怎么算",
        "上诉需要什么材料",
        "民事案件的上诉期是多少天",
        "我没有想过自杀,只是心情不好",
        "如果被家暴了应该保留哪些证据",
        "万一被抓了会怎么样",
        "以前被拘留过,现在能考公务员吗",
        "前年被人打伤了,当时没报警,现在还能告吗",
        "自杀的人保险公司赔不赔",
        "拐卖儿童罪判多少年",
        "什么是安全账户诈骗,怎么防范",
        "聚众斗殴罪怎么判",
        "劳动仲裁的时效是多久",
        "甲方殴打乙方致轻伤,应当如何处理",
        "我从来没有打过她,她非说我家暴",
        "帮别人办银行卡会被抓吗",
        "打电话给我说要起诉我",
        "老板打我电话我没接",
      })
  void notUrgent(String message) {
    Urgency u = detect(message);
    assertFalse(u.urgent(), () -> message + " -> " + u.kinds());
    assertEquals(Urgency.NONE, u);
  }

  @DisplayName("framing does not calm a message that also says the danger is now")
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "以前就打过我,昨天又打了",
        "老公打我算不算家暴",
        "我老公被抓了,会不会判刑",
        "去年开始被他威胁,今天他又拿刀来了",
        "我知道诈骗罪很重,但是我妈现在还在银行准备取钱给他们",
      })
  void nowOverridesFraming(String message) {
    assertTrue(detect(message).urgent(), message);
  }

  @Test
  @DisplayName("an empty or blank message is not urgent")
  void blank() {
    assertEquals(Urgency.NONE, detector.detect(""));
    assertEquals(Urgency.NONE, detector.detect("   "));
    assertEquals(Urgency.NONE, detector.detect(null));
  }

  @Test
  @DisplayName("the kinds come in order of importance and cannot be changed")
  void kindsAreOrderedAndImmutable() {
    Urgency u = detect("我老婆说要喝农药,老公还拿刀威胁要杀了我");
    List<Kind> kinds = new ArrayList<>(u.kinds());
    assertEquals(Kind.SELF_HARM, kinds.get(0));
    assertThrows(UnsupportedOperationException.class, () -> u.kinds().add(Kind.CROWD));
  }

  @Test
  @DisplayName("guidance puts the most important kind first and gives each kind's hotline")
  void guidanceContent() {
    assertTrue(detect("我真的不想活了").guidance().startsWith("请马上拨打 120 或 110"));
    assertTrue(detect("我被家暴了,脸上都是伤").guidance().contains("12338"));
    assertTrue(detect("我被家暴了,脸上都是伤").guidance().contains("《反家庭暴力法》第二十三条"));
    assertTrue(detect("对方让我开屏幕共享,我已经开了").guidance().contains("96110"));
    assertTrue(detect("我儿子被刑拘了,会判几年").guidance().contains("12348"));
    assertTrue(detect("明天就开庭了,我还没请律师").guidance().contains("15 日"));
    assertTrue(detect("我女儿被人拐走了").guidance().contains("12355"));
    assertTrue(detect("我们几十个工人准备明天去堵路讨工资").guidance().contains("12345"));
    assertTrue(detect("我真的不想活了").guidance().contains("12356"));
    String home = detect("老公喝了酒又打我,我躲在厕所里").guidance();
    assertTrue(home.startsWith("遭受家暴") && !home.contains("到人多的地方"), "domestic violence's lines stand in for violence's: " + home);
    String both = detect("他拿刀逼我,我不想活了").guidance();
    assertTrue(both.indexOf("12356") > 0 && both.indexOf("110") < both.indexOf("心理援助"), both);
  }

  @Test
  @DisplayName("guidance for every combination of kinds fits in 500 bytes of UTF-8 and starts with the most important line")
  void guidanceBudget() {
    Kind[] all = Kind.values();
    for (int mask = 1; mask < 1 << all.length; mask++) {
      Set<Kind> kinds = EnumSet.noneOf(Kind.class);
      for (int i = 0; i < all.length; i++) {
        if ((mask & 1 << i) != 0) {
          kinds.add(all[i]);
        }
      }
      String g = UrgencyDetector.guidanceFor(kinds);
      int bytes = g.getBytes(StandardCharsets.UTF_8).length;
      assertTrue(bytes <= UrgencyDetector.GUIDANCE_MAX_BYTES, kinds + ": " + bytes + " bytes");
      Kind first = kinds.stream().filter(k -> k != Kind.VIOLENCE || !kinds.contains(Kind.DOMESTIC_VIOLENCE)).findFirst().orElseThrow();
      assertTrue(g.startsWith(UrgencyDetector.guidanceFor(Set.of(first)).lines().findFirst().orElseThrow()), kinds + ": " + g);
    }
  }

  @Test
  @DisplayName("the characters a rule can start with are derived only when that is safe")
  void firstChars() {
    assertEquals("老丈", UrgencyDetector.firstChars("老公|丈夫"));
    assertEquals("被给0-9", UrgencyDetector.firstChars("(被|给)[^,]{0,3}打|[0-9]+天"));
    assertEquals("孩小", UrgencyDetector.firstChars("(?:孩子|小孩)[^。]{0,5}丢"));
    assertNull(UrgencyDetector.firstChars("(?<!自)杀了你"));
    assertNull(UrgencyDetector.firstChars("(刚)?被骗"));
    assertNull(UrgencyDetector.firstChars("[^我]打"));
    assertNull(UrgencyDetector.firstChars("a|"));
    assertEquals("孩", UrgencyDetector.firstChars("(?=[孩])(?:孩子)"));
    BitSet set = UrgencyDetector.charClass("被0-9");
    assertTrue(set.get('被') && set.get('0') && set.get('5') && set.get('9'));
    assertEquals(11, set.cardinality());
  }

  @Test
  @DisplayName("the development set: recall at least 0.95, false escalations at most 0.2")
  void developmentSet() {
    List<Labelled> dev = UrgencySets.dev();
    List<Labelled> urgent = dev.stream().filter(Labelled::urgent).toList();
    List<String> ordinary = dev.stream().filter(l -> !l.urgent()).map(Labelled::message).toList();
    assertTrue(urgent.size() >= 120 && ordinary.size() >= 120, "the set keeps at least 120 of each");
    assertRecall(urgent, "urgency-dev.txt");
    assertFalseEscalations(ordinary, "urgency-dev.txt");
  }

  @Test
  @DisplayName("the other writer's held-out messages: recall at least 0.95, false escalations at most 0.2")
  void heldOutSet() {
    Optional<List<Labelled>> urgent = UrgencySets.heldOutUrgent();
    Optional<List<String>> ordinary = UrgencySets.heldOutOrdinary();
    assumeTrue(urgent.isPresent() && ordinary.isPresent(), "dialog/urgent-messages.txt and dialog/ordinary-messages.txt are not in src/test/resources");
    assertRecall(urgent.get(), "urgent-messages.txt");
    assertFalseEscalations(ordinary.get(), "ordinary-messages.txt");
  }

  @Test
  @DisplayName("real legal questions from the public are rarely escalated (at most 0.2)")
  void legalQuestions() {
    Optional<List<String>> questions = UrgencySets.legalQuestions();
    assumeTrue(questions.isPresent(), UrgencySets.LEGAL_QUESTIONS + " is absent (it lives outside the repository, in ../shared)");
    assertEquals(447, questions.get().size());
    assertFalseEscalations(questions.get(), "legal-questions-dev.jsonl");
  }

  @Test
  @DisplayName("a call takes well under a millisecond")
  void fast() {
    List<String> messages = UrgencySets.dev().stream().map(Labelled::message).toList();
    for (int round = 0; round < 20; round++) {
      messages.forEach(detector::detect);
    }
    long start = System.nanoTime();
    int rounds = 20;
    for (int round = 0; round < rounds; round++) {
      messages.forEach(detector::detect);
    }
    double micros = (System.nanoTime() - start) / 1000.0 / (rounds * messages.size());
    // generous: the machine runs other builds; the point is to catch a pattern that backtracks badly
    assertTrue(micros < 1000, micros + " µs per call");
  }

  private void assertRecall(List<Labelled> urgent, String set) {
    List<String> missed = urgent.stream().filter(l -> !detector.detect(l.message()).urgent()).map(l -> l.kind() + " " + l.message()).toList();
    double recall = 1.0 - (double) missed.size() / urgent.size();
    assertTrue(recall >= MIN_RECALL, () -> set + ": recall " + recall + ", missed " + missed);
  }

  private void assertFalseEscalations(List<String> ordinary, String set) {
    List<String> escalated = ordinary.stream().filter(m -> detector.detect(m).urgent()).toList();
    double rate = (double) escalated.size() / ordinary.size();
    assertTrue(rate <= MAX_FALSE_ESCALATIONS, () -> set + ": false escalations " + rate + ": " + escalated);
  }
}
