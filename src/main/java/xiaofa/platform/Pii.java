package xiaofa.platform;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks residents' personal data — mainland mobile numbers and 18-digit resident ID numbers — wherever it would
 * otherwise leave the case's advisor: log lines, list views, callbacks. Grid workers type these into free text as
 * often as into the fields meant for them, so {@link #maskText} finds them inside any text, written with ASCII or
 * full-width digits, with or without {@code +86} and separators.
 */
public final class Pii {
  private static final String DIGIT = "[0-9０-９]";
  /** A mobile number not inside a longer digit run: 13812345678, +86 138-1234-5678, １３８１２３４５６７８. */
  private static final Pattern MOBILE = Pattern.compile(
      "(?<![0-9０-９])(?:(?:\\+|＋)?(?:86|８６)[- ]?)?[1１][3-9３-９]" + DIGIT + "[- ]?" + DIGIT + "{4}[- ]?" + DIGIT + "{4}(?![0-9０-９])");
  /** An 18-character resident ID number (17 digits and a digit or X), not inside a longer run. */
  private static final Pattern ID_NUMBER = Pattern.compile("(?<![0-9０-９])" + DIGIT + "{17}[0-9０-９XxＸｘ](?![0-9０-９XxＸｘ])");

  private Pii() {}

  /** {@code 13812345678} → {@code 138****5678}; any other number keeps at most its first 3 and last 4 digits. */
  public static String maskPhone(String phone) {
    if (phone == null) {
      return null;
    }
    String digits = phone.replaceAll("[^0-9０-９]", "");
    if (digits.startsWith("86") && digits.length() == 13 || digits.startsWith("８６") && digits.length() == 13) {
      digits = digits.substring(2);
    }
    if (digits.length() < 8) {
      return "*".repeat(Math.max(4, digits.length()));
    }
    return digits.substring(0, 3) + "****" + digits.substring(digits.length() - 4);
  }

  /** An 18-character ID keeps its first 6 and last 4 characters ({@code 430626********123X}); others are hidden. */
  public static String maskIdNumber(String id) {
    if (id == null) {
      return null;
    }
    String s = id.strip();
    if (s.length() == 18) {
      return s.substring(0, 6) + "********" + s.substring(14);
    }
    return "*".repeat(Math.max(4, s.length()));
  }

  /** The text with every mobile number and 18-digit ID number in it masked; null stays null. */
  public static String maskText(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String ids = replace(ID_NUMBER.matcher(text), true);
    return replace(MOBILE.matcher(ids), false);
  }

  private static String replace(Matcher m, boolean id) {
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(id ? maskIdNumber(m.group()) : maskPhone(m.group())));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
