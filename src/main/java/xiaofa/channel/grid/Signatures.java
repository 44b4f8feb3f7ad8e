package xiaofa.channel.grid;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The field app's request signature, the same both ways (requests to xiaofa, callbacks to the app): lowercase hex
 * HMAC-SHA256 with the app's secret over {@code METHOD \n PATH_AND_QUERY \n TIMESTAMP \n NONCE \n hex(SHA-256(body))}.
 */
final class Signatures {
  static final String APP = "X-Xiaofa-App";
  static final String TIMESTAMP = "X-Xiaofa-Timestamp";
  static final String NONCE = "X-Xiaofa-Nonce";
  static final String SIGNATURE = "X-Xiaofa-Signature";
  static final String EVENT_ID = "X-Xiaofa-Event-Id";

  private static final HexFormat HEX = HexFormat.of();

  private Signatures() {}

  /** The string that is signed. */
  static String canonical(String method, String pathAndQuery, String timestamp, String nonce, byte[] body) {
    return method.toUpperCase(Locale.ROOT) + "\n" + pathAndQuery + "\n" + timestamp + "\n" + nonce + "\n" + sha256Hex(body);
  }

  /** The signature of a request or callback. */
  static String sign(String secret, String method, String pathAndQuery, String timestamp, String nonce, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HEX.formatHex(mac.doFinal(canonical(method, pathAndQuery, timestamp, nonce, body).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Compares in constant time (case-insensitively: the hex may come in upper case). */
  static boolean matches(String expected, String given) {
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }

  static String sha256Hex(byte[] body) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
