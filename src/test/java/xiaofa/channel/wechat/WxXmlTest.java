package xiaofa.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading pushes safely and writing replies that any XML parser reads back. */
class WxXmlTest {

  @Test
  @DisplayName("pushes read into a flat map by element path, in any order, with MsgId kept as text")
  void reads() throws Exception {
    Map<String, String> m = WxXml.parse("""
        <xml><MsgId>24393414541178218999</MsgId><ToUserName><![CDATA[gh_x]]></ToUserName>
        <FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>
        <Event><![CDATA[scancode_push]]></Event><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[x]]></ScanResult></ScanCodeInfo>
        <Content><![CDATA[ 两边有空格 & <尖括号> ]]></Content></xml>""");
    assertEquals("24393414541178218999", m.get("MsgId"));
    assertEquals("qrcode", m.get("ScanCodeInfo/ScanType"));
    assertEquals(" 两边有空格 & <尖括号> ", m.get("Content"));
    WxMessage msg = WxMessage.of(m);
    assertEquals("scancode_push", msg.event());
    assertEquals("msg:24393414541178218999", msg.dedupeKey());
  }

  @ParameterizedTest
  @DisplayName("DOCTYPEs are refused: external entities, parameter entities, internal expansion (billion laughs)")
  @ValueSource(strings = {
      "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><Content>&xxe;</Content></xml>",
      "<!DOCTYPE xml [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/x.dtd\"> %p;]><xml><Content>a</Content></xml>",
      "<!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><xml><Content>&c;</Content></xml>",
      "<!DOCTYPE xml SYSTEM \"http://127.0.0.1:1/x.dtd\"><xml><Content>a</Content></xml>",
      "<!DOCTYPE xml><xml><Content>a</Content></xml>",
      "<xml><Content>&undeclared;</Content></xml>",
      "<xml xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"file:///etc/passwd\"/></xml>x",
      "<xml><Content>unclosed</xml>",
      "not xml at all",
      "",
      "<other><Content>a</Content></other>"})
  void refuses(String xml) {
    assertThrows(WxXml.XmlException.class, () -> WxMessage.of(WxXml.parse(xml)));
  }

  @Test
  @DisplayName("deeply nested or huge element counts are refused")
  void limits() {
    assertThrows(WxXml.XmlException.class, () -> WxXml.parse("<xml>" + "<a>".repeat(10) + "x" + "</a>".repeat(10) + "</xml>"));
    assertThrows(WxXml.XmlException.class, () -> WxXml.parse("<xml>" + "<a>x</a>".repeat(300) + "</xml>"));
  }

  @Test
  @DisplayName("written CDATA survives ]]> and control characters and reads back as the same text")
  void writesCdata() throws Exception {
    String tricky = "a]]>b<![CDATA[c\u0001d\n第二行";
    StringBuilder sb = new StringBuilder("<xml>");
    WxXml.cdata(sb, "Content", tricky);
    WxXml.number(sb, "CreateTime", 17);
    sb.append("</xml>");
    Map<String, String> m = WxXml.parse(sb.toString());
    assertEquals("a]]>b<![CDATA[cd\n第二行", m.get("Content"));
    assertEquals("17", m.get("CreateTime"));
  }
}
