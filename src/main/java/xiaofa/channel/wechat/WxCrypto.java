package xiaofa.channel.wechat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The official account's signatures and secure-mode (安全模式) envelope, as the protocol reference (§2, §4) gives
 * them: SHA-1 over the sorted strings, AES-256-CBC with the key's first 16 bytes as IV and PKCS#7 padding to 32-byte
 * blocks over {@code random16 ‖ len ‖ xml ‖ appid}. Decryption tries the current EncodingAESKey, then the previous
 * one (a rotation in the console), and refuses a message whose appid trailer is not ours.
 */
final class WxCrypto {
  private static final int BLOCK = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  /** A push that is not ours or not intact. The message is for logs only, never for the HTTP answer. */
  static final class CryptoException extends Exception {
    CryptoException(String message) {
      super(message);
    }
  }

  /** A decrypted message and the key that opened it (the reply is encrypted with the same key). */
  record Opened(String xml, Key key) {}

  /** One EncodingAESKey, decoded. */
  record Key(byte[] aes) {
    static Key of(String encodingAesKey) {
      if (encodingAesKey == null || encodingAesKey.length() != 43) {
        throw new IllegalArgumentException("an EncodingAESKey has 43 characters");
      }
      // the 43rd character carries two unused bits: decode it leniently, as WeChat's own sample does
      byte[] k = Base64.getDecoder().decode(encodingAesKey + "=");
      if (k.length != 32) {
        throw new IllegalArgumentException("an EncodingAESKey decodes to 32 bytes");
      }
      return new Key(k);
    }
  }

  private final String appId;
  private final List<Key> keys;

  /** {@code previousAesKey} may be empty. */
  WxCrypto(String aesKey, String previousAesKey, String appId) {
    this.appId = appId;
    List<Key> k = new ArrayList<>();
    k.add(Key.of(aesKey));
    if (previousAesKey != null && !previousAesKey.isEmpty()) {
      k.add(Key.of(previousAesKey));
    }
    this.keys = List.copyOf(k);
  }

  Key current() {
    return keys.get(0);
  }

  // ---------------------------------------------------------------- signatures

  /** {@code hex(sha1(join(sort(parts))))}: {@code signature} over token, timestamp, nonce (and Encrypt). */
  static String signature(String... parts) {
    String[] sorted = parts.clone();
    Arrays.sort(sorted);
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      for (String p : sorted) {
        sha1.update(p.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha1.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a signature given in a request equals the expected one, compared in constant time. */
  static boolean sameSignature(String expected, String given) {
    if (given == null) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }

  // ---------------------------------------------------------------- envelope

  /** Encrypts {@code xml} with a fresh random prefix (16 letters and digits, as WeChat's own servers send). */
  String encrypt(String xml, Key key) {
    byte[] random = new byte[16];
    for (int i = 0; i < random.length; i++) {
      random[i] = (byte) ALNUM[RANDOM.nextInt(ALNUM.length)];
    }
    return encrypt(random, xml, key);
  }

  /** Encrypts {@code xml} with the given 16-byte prefix (the protocol reference's test vectors fix it). */
  String encrypt(byte[] random16, String xml, Key key) {
    byte[] msg = xml.getBytes(StandardCharsets.UTF_8);
    byte[] app = appId.getBytes(StandardCharsets.US_ASCII);
    int len = 16 + 4 + msg.length + app.length;
    int pad = BLOCK - (len % BLOCK);
    ByteBuffer plain = ByteBuffer.allocate(len + pad);
    plain.put(random16, 0, 16).putInt(msg.length).put(msg).put(app);
    for (int i = 0; i < pad; i++) {
      plain.put((byte) pad);
    }
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, key);
      return Base64.getEncoder().encodeToString(c.doFinal(plain.array()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES encryption failed", e);
    }
  }

  /** Decrypts an {@code Encrypt} value with the current or the previous key; refuses a foreign appid. */
  Opened decrypt(String encrypt) throws CryptoException {
    byte[] cipherText;
    try {
      cipherText = Base64.getDecoder().decode(encrypt.strip());
    } catch (IllegalArgumentException e) {
      throw new CryptoException("Encrypt is not base64");
    }
    if (cipherText.length == 0 || cipherText.length % 16 != 0) {
      throw new CryptoException("Encrypt is not a whole number of AES blocks");
    }
    CryptoException last = null;
    for (Key key : keys) {
      try {
        return new Opened(open(cipherText, key), key);
      } catch (CryptoException e) {
        last = e;
      }
    }
    throw last;
  }

  private String open(byte[] cipherText, Key key) throws CryptoException {
    byte[] plain;
    try {
      plain = cipher(Cipher.DECRYPT_MODE, key).doFinal(cipherText);
    } catch (GeneralSecurityException e) {
      throw new CryptoException("AES decryption failed");
    }
    int pad = plain[plain.length - 1] & 0xff;
    if (pad < 1 || pad > BLOCK || pad > plain.length) {
      throw new CryptoException("bad padding");
    }
    for (int i = plain.length - pad; i < plain.length; i++) {
      if ((plain[i] & 0xff) != pad) {
        throw new CryptoException("bad padding");
      }
    }
    int end = plain.length - pad;
    if (end < 20) {
      throw new CryptoException("message too short");
    }
    int msgLen = ByteBuffer.wrap(plain, 16, 4).getInt();
    if (msgLen < 0 || 20 + msgLen > end) {
      throw new CryptoException("bad message length");
    }
    String trailer = new String(plain, 20 + msgLen, end - 20 - msgLen, StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(trailer.getBytes(StandardCharsets.US_ASCII), appId.getBytes(StandardCharsets.US_ASCII))) {
      throw new CryptoException("appid trailer is not ours");
    }
    return new String(plain, 20, msgLen, StandardCharsets.UTF_8);
  }

  private static Cipher cipher(int mode, Key key) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    c.init(mode, new SecretKeySpec(key.aes(), "AES"), new IvParameterSpec(key.aes(), 0, 16));
    return c;
  }

  /** A nonce for a reply: ten digits, as WeChat sends them. */
  static String nonce() {
    return Long.toString(1_000_000_000L + (RANDOM.nextLong() & Long.MAX_VALUE) % 9_000_000_000L);
  }
}
