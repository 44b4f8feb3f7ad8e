package xiaofa.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import me.chanjar.weixin.common.util.crypto.WxCryptUtil;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The signatures and the secure-mode envelope against the protocol reference's test vectors (§13, generated with
 * WxJava 4.7.0 and cross-checked with OpenSSL) and against WxJava itself, an independent implementation.
 */
class WxCryptoTest {
  static final String TOKEN = "harnessToken2024";
  static final String AES_KEY = "HarnessKey0123456789abcdefghijklmnopqrstuvw";
  static final String APP_ID = "wx1234567890abcdef";

  static final String V2_MSG = "<xml><ToUserName><![CDATA[gh_harness00001]]></ToUserName><FromUserName><![CDATA[oHarnessVectorUser0000000001]]></FromUserName>"
      + "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>24393414541178218</MsgId></xml>";
  static final String V2_ENCRYPT = "haCio3F9gvgGGtG97s/Ge3svIg8C5Muz81555xrWDwEldVU7HOGWUIOnJf2NHGFBcCnn3wl8dYQgDhttQkAZw6lEBUC8ygVPSPPaGBik/sCixwn18JEQWo1nPNM4NG5/1TwH8LY2udWxHg8kaHBVVz7Sre2vuH6gKhZCBHcqLtVuWUvT/mGkqYx2HmKMQLOPucRN2rXEs66DwqTNVDxr5cDkD0ToOjyKHA68QwldrXwRk58nv6tQhbF1D0cWTPNv5oYLBVwxgtijhGTZf0R/WQjuSiOHg/K+wzcYw4XhMTuJqEwmHUVSSvpS2dUA9IBTR7V+8OF3CmOEXkmULV84CjloybLUEBAI8jpLvotnwpmzuC5t8IqJsNvK66qBdbOTeGsWqpF1FvvDQx+ZQm2QUjnqXFG+rqrSSyXodcxQsAw=";
  static final String V3_MSG = "<xml><ToUserName><![CDATA[oHarnessVectorUser0000000001]]></ToUserName><FromUserName><![CDATA[gh_harness00001]]></FromUserName>"
      + "<CreateTime>1700000001</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好，微信!!]]></Content></xml>";
  static final String V3_ENCRYPT = "ky8seiAnrLtjtlCWL+1JpJYKHRr8VtT+IHWqzcnR5HpsZldjeJr+nmcrVWvwQou5dbqurxU5HV58JjjSBsT6/ZM8LX0K3OO/HOEi/WqVPbcAa9rpABqmTTSpExjOIG75qw/ChF+ZYEslHZTKOHzDQgi4YZX4V3ygRL1d/EvP2HRl/sfa2Qziik4yPYOW5fhnlK0u4KLx2fu91NC90jZ1YFqSTBka05O7Kh4Mwf2eNGwDxx7lkiLqhVEXfYg4ktK0AsV+WzpoC3RK9BrOmWbW0mZY/Et+8CAA9/0B2yKX0DCeGTkknJaBgEgUS72RZkcmQxKvSmjl7mDLyAGmhnr79k9TpAGAdDLZlD83ooYcCmHZsPk1Qn/78poYA1KqA4e+M9uAVWwXil6tdUbMVhYwQ1ZakUVMI8JjlNMnOzqCUiE=";

  final WxCrypto crypto = new WxCrypto(AES_KEY, "", APP_ID);

  @Test
  @DisplayName("V1: the URL-verification signature")
  void urlVerificationSignature() {
    assertEquals("c52ee15748dfdcb25a75d614ed642a7d6ef4a6d5", WxCrypto.signature(TOKEN, "1700000000", "1320562132"));
  }

  @Test
  @DisplayName("the AES key decodes as the reference says, ignoring the 43rd character's spare bits")
  void aesKey() {
    assertEquals("1daae77acb0a7b2d35db7e39ebbf3d69b71d79f8218a39259a7a29aabb2dbafc", HexFormat.of().formatHex(crypto.current().aes()));
  }

  @Test
  @DisplayName("V2 and V3: given the same random prefix, Encrypt is reproduced byte for byte, and both decrypt with their signatures")
  void vectors() throws Exception {
    assertEquals(V2_ENCRYPT, crypto.encrypt("0123456789abcdef".getBytes(StandardCharsets.US_ASCII), V2_MSG, crypto.current()));
    assertEquals(V3_ENCRYPT, crypto.encrypt("fedcba9876543210".getBytes(StandardCharsets.US_ASCII), V3_MSG, crypto.current()));
    assertEquals("8e50d7464a2506da290aa6aa74f617076eb9c05e", WxCrypto.signature(TOKEN, "1700000000", "1320562132", V2_ENCRYPT));
    assertEquals("28f310ba1c29d2441548e0c1f35bba8dba05c770", WxCrypto.signature(TOKEN, "1700000001", "987654321", V3_ENCRYPT));
    assertEquals(V2_MSG, crypto.decrypt(V2_ENCRYPT).xml());
    assertEquals(V3_MSG, crypto.decrypt(V3_ENCRYPT).xml());
  }

  @Test
  @DisplayName("V3's plaintext is padded with a whole block of 0x20 (32-byte PKCS#7, not Java's 16-byte padding)")
  void fullPaddingBlock() throws Exception {
    byte[] c = Base64.getDecoder().decode(V3_ENCRYPT);
    assertEquals(320, c.length);
    javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/CBC/NoPadding");
    byte[] k = crypto.current().aes();
    aes.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(k, "AES"), new javax.crypto.spec.IvParameterSpec(k, 0, 16));
    byte[] plain = aes.doFinal(c);
    for (int i = 288; i < 320; i++) {
      assertEquals(0x20, plain[i]);
    }
  }

  @Test
  @DisplayName("WxJava decrypts and verifies what we encrypt, and we decrypt what WxJava encrypts")
  void interoperatesWithWxJava() throws Exception {
    WxCryptUtil wx = new WxCryptUtil(TOKEN, AES_KEY, APP_ID);
    for (String msg : new String[] {V2_MSG, V3_MSG, "<xml><Content><![CDATA[" + "长".repeat(700) + "]]></Content></xml>", "<xml/>"}) {
      String ours = crypto.encrypt(msg, crypto.current());
      String ts = "1700000123";
      String nonce = WxCrypto.nonce();
      assertEquals(msg, wx.decryptContent(WxCrypto.signature(TOKEN, ts, nonce, ours), ts, nonce, ours));
      assertEquals(msg, crypto.decrypt(wx.encrypt("abcdefghijklmnop", msg)).xml());
    }
  }

  @Test
  @DisplayName("a message for another AppID, a wrong key, broken base64 or a truncated ciphertext is refused")
  void refusals() {
    WxCrypto other = new WxCrypto(AES_KEY, "", "wxffffffffffffffff");
    String foreign = other.encrypt(V2_MSG, other.current());
    assertThrows(WxCrypto.CryptoException.class, () -> crypto.decrypt(foreign));
    WxCrypto otherKey = new WxCrypto("Abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "", APP_ID);
    assertThrows(WxCrypto.CryptoException.class, () -> otherKey.decrypt(V2_ENCRYPT));
    assertThrows(WxCrypto.CryptoException.class, () -> crypto.decrypt("not base64 !!"));
    assertThrows(WxCrypto.CryptoException.class, () -> crypto.decrypt(V2_ENCRYPT.substring(0, 64)));
    assertThrows(WxCrypto.CryptoException.class, () -> crypto.decrypt(""));
  }

  @Test
  @DisplayName("after a key rotation, messages under the previous key still open, and say which key opened them")
  void rotation() throws Exception {
    WxCrypto rotated = new WxCrypto("Abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", AES_KEY, APP_ID);
    WxCrypto.Opened o = rotated.decrypt(V2_ENCRYPT);
    assertEquals(V2_MSG, o.xml());
    assertFalse(o.key() == rotated.current());
    String reply = rotated.encrypt(V3_MSG, o.key());
    assertEquals(V3_MSG, crypto.decrypt(reply).xml());
  }

  @Test
  @DisplayName("signature comparison ignores hex case and refuses anything else")
  void sameSignature() {
    String s = WxCrypto.signature(TOKEN, "1", "2");
    assertTrue(WxCrypto.sameSignature(s, s.toUpperCase()));
    assertFalse(WxCrypto.sameSignature(s, s.substring(1) + "0"));
    assertFalse(WxCrypto.sameSignature(s, null));
    assertFalse(WxCrypto.sameSignature(s, ""));
  }
}
