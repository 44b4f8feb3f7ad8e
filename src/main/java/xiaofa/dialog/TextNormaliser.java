package xiaofa.dialog;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Transliterator;
import java.text.Normalizer;

/**
 * Brings a resident's message to one form before it is understood: full-width letters, digits and punctuation to
 * half-width (NFKC), traditional characters to simplified (ICU's Traditional-Simplified transform), emoji removed,
 * whitespace collapsed and dropped between Chinese characters ("我 要 找 律 师"). The transcript keeps the original.
 * Thread-safe.
 */
public final class TextNormaliser {
  private static final ThreadLocal<Transliterator> T2S = ThreadLocal.withInitial(() -> Transliterator.getInstance("Traditional-Simplified"));

  private TextNormaliser() {}

  public static String normalise(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
    s = T2S.get().transliterate(s);
    StringBuilder out = new StringBuilder(s.length());
    int pendingSpace = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (isEmojiPart(cp)) {
        pendingSpace = out.length() > 0 ? 1 : 0;
        continue;
      }
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.FORMAT || Character.isISOControl(cp)) {
        pendingSpace = out.length() > 0 ? 1 : 0;
        continue;
      }
      if (pendingSpace > 0) {
        int prev = out.codePointBefore(out.length());
        if (!(isHan(prev) || isHan(cp) || isCjkPunctuation(prev) || isCjkPunctuation(cp))) {
          out.append(' ');
        }
        pendingSpace = 0;
      }
      out.appendCodePoint(cp);
    }
    return out.toString();
  }

  static boolean isHan(int cp) {
    return Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN;
  }

  private static boolean isCjkPunctuation(int cp) {
    return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
  }

  private static boolean isEmojiPart(int cp) {
    return UCharacter.hasBinaryProperty(cp, UProperty.EXTENDED_PICTOGRAPHIC)
        || UCharacter.hasBinaryProperty(cp, UProperty.EMOJI_MODIFIER)
        || UCharacter.hasBinaryProperty(cp, UProperty.REGIONAL_INDICATOR)
        || cp == 0xFE0F
        || cp == 0xFE0E
        || cp == 0x200D
        || cp == 0x20E3;
  }
}
