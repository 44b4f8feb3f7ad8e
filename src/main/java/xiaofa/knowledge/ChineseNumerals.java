package xiaofa.knowledge;

/** Parses article numbers such as 第一千零七十九条 or 第30条 into integers. */
public final class ChineseNumerals {
  private ChineseNumerals() {}

  /** Returns the value of a Chinese or Arabic numeral, or -1 when it is not one. */
  static int parse(String s) {
    if (s == null || s.isEmpty()) {
      return -1;
    }
    if (s.chars().allMatch(Character::isDigit)) {
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    int total = 0;
    int section = 0;
    int digit = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int d = digit(c);
      if (d >= 0) {
        digit = d;
        continue;
      }
      int unit =
          switch (c) {
            case '十' -> 10;
            case '百' -> 100;
            case '千' -> 1000;
            case '万' -> 10000;
            default -> -1;
          };
      if (unit < 0) {
        return -1;
      }
      if (unit == 10000) {
        total = (total + section + Math.max(digit, 0)) * 10000;
        section = 0;
      } else {
        section += (digit < 0 ? 1 : digit) * unit;
      }
      digit = -1;
    }
    return total + section + Math.max(digit, 0);
  }

  private static int digit(char c) {
    return switch (c) {
      case '零', '〇' -> 0;
      case '一' -> 1;
      case '二', '两' -> 2;
      case '三' -> 3;
      case '四' -> 4;
      case '五' -> 5;
      case '六' -> 6;
      case '七' -> 7;
      case '八' -> 8;
      case '九' -> 9;
      default -> -1;
    };
  }

  /** Writes n (1..9999) in Chinese numerals as law texts do: 30 → 三十, 1079 → 一千零七十九. */
  public static String format(int n) {
    if (n <= 0 || n > 9999) {
      return Integer.toString(n);
    }
    String digits = "零一二三四五六七八九";
    String[] units = {"千", "百", "十", ""};
    int[] parts = {n / 1000, n / 100 % 10, n / 10 % 10, n % 10};
    StringBuilder sb = new StringBuilder();
    boolean pendingZero = false;
    for (int i = 0; i < 4; i++) {
      int p = parts[i];
      if (p == 0) {
        pendingZero = sb.length() > 0;
        continue;
      }
      if (pendingZero) {
        sb.append('零');
        pendingZero = false;
      }
      if (!(p == 1 && i == 2 && sb.length() == 0)) {
        sb.append(digits.charAt(p));
      }
      sb.append(units[i]);
    }
    return sb.toString();
  }
}
