package xiaofa.channel.wechat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import me.chanjar.weixin.common.util.crypto.SHA1;
import me.chanjar.weixin.common.util.crypto.WxCryptUtil;

/**
 * Builds pushes as WeChat sends them, signed with the account's token; secure-mode envelopes come from WxJava's
 * {@link WxCryptUtil}, an implementation independent of ours.
 */
final class Pushes {
  static final String TOKEN = "harnessToken2024";
  static final String AES_KEY = "HarnessKey0123456789abcdefghijklmnopqrstuvw";
  static final String APP_ID = "wx1234567890abcdef";
  static final String SECRET = "0123456789abcdef0123456789abcdef";
  static final String GH = "gh_harness00001";
  // unique across runs against one database (a benchmark, a test re-run): a repeated MsgId is a WeChat retry
  private static final AtomicLong MSG_IDS = new AtomicLong(System.currentTimeMillis() * 10_000);
  private static final AtomicLong NONCES = new AtomicLong(1320562132L);

  final WxCryptUtil wx = new WxCryptUtil(TOKEN, AES_KEY, APP_ID);

  /** A signed request: the query string and the body. */
  record Request(String query, String body, String timestamp, String nonce) {
    String uri() {
      return "/wechat?" + query;
    }
  }

  static long nextMsgId() {
    return MSG_IDS.incrementAndGet();
  }

  static String nonce() {
    return Long.toString(NONCES.incrementAndGet());
  }

  static String text(String user, String content, long msgId, long createTime) {
    return "<xml><ToUserName><![CDATA[" + GH + "]]></ToUserName><FromUserName><![CDATA[" + user + "]]></FromUserName><CreateTime>" + createTime
        + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + content + "]]></Content><MsgId>" + msgId + "</MsgId></xml>";
  }

  static String event(String user, String event, String key, long createTime) {
    return "<xml><ToUserName><![CDATA[" + GH + "]]></ToUserName><FromUserName><![CDATA[" + user + "]]></FromUserName><CreateTime>" + createTime
        + "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[" + event + "]]></Event>"
        + (key == null ? "" : "<EventKey><![CDATA[" + key + "]]></EventKey>") + "</xml>";
  }

  static String message(String user, String type, String inner, long createTime) {
    return "<xml><ToUserName><![CDATA[" + GH + "]]></ToUserName><FromUserName><![CDATA[" + user + "]]></FromUserName><CreateTime>" + createTime
        + "</CreateTime><MsgType><![CDATA[" + type + "]]></MsgType>" + inner + "<MsgId>" + nextMsgId() + "</MsgId></xml>";
  }

  /** A plaintext-mode push. */
  static Request plain(String xml, long timestamp, String openId) {
    String ts = Long.toString(timestamp);
    String nonce = nonce();
    return new Request("signature=" + SHA1.gen(TOKEN, ts, nonce) + "&timestamp=" + ts + "&nonce=" + nonce + "&openid=" + enc(openId), xml, ts, nonce);
  }

  /** A secure-mode push, encrypted by WxJava. */
  Request secure(String xml, long timestamp, String openId) {
    String ts = Long.toString(timestamp);
    String nonce = nonce();
    String encrypt = wx.encrypt("abcdefghijklmnop", xml);
    String body = "<xml><ToUserName><![CDATA[" + GH + "]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>";
    return new Request(secureQuery(ts, nonce, encrypt, openId), body, ts, nonce);
  }

  /** The query of a secure-mode push with the given ciphertext. */
  static String secureQuery(String ts, String nonce, String encrypt, String openId) {
    return "signature=" + SHA1.gen(TOKEN, ts, nonce) + "&timestamp=" + ts + "&nonce=" + nonce + "&openid=" + enc(openId)
        + "&encrypt_type=aes&msg_signature=" + SHA1.gen(TOKEN, ts, nonce, encrypt);
  }

  /** The plaintext XML of a secure-mode reply, decrypted and its signature verified by WxJava. */
  String open(String replyXml) {
    return wx.decryptXml(between(replyXml, "<MsgSignature><![CDATA[", "]]></MsgSignature>"), between(replyXml, "<TimeStamp>", "</TimeStamp>"),
        between(replyXml, "<Nonce><![CDATA[", "]]></Nonce>"), replyXml);
  }

  static String between(String s, String from, String to) {
    int i = s.indexOf(from);
    if (i < 0) {
      throw new AssertionError("no " + from + " in " + s);
    }
    int j = s.indexOf(to, i + from.length());
    return s.substring(i + from.length(), j);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
