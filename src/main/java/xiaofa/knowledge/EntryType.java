package xiaofa.knowledge;

import java.util.Locale;
import java.util.Optional;

/** The four kinds of knowledge xiaofa indexes; {@link #key()} is the value used in the API's {@code type}. */
public enum EntryType {
  POWER,
  DISCLOSURE,
  PUBLICITY,
  LAW;

  @com.fasterxml.jackson.annotation.JsonValue
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<EntryType> fromKey(String key) {
    for (EntryType t : values()) {
      if (t.key().equals(key)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
