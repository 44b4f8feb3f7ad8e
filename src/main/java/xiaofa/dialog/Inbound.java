package xiaofa.dialog;

import java.util.Map;
import java.util.Optional;

/**
 * One message from a resident, as every channel hands it to the dialog: the channel ({@code web}, {@code wechat},
 * {@code grid}), the resident's reference in it, the text as written, an optional location and channel metadata
 * ({@code area}: a grid code the channel already knows).
 */
public record Inbound(String channel, String userRef, String text, Optional<Location> location, Map<String, String> meta) {

  public Inbound {
    text = text == null ? "" : text;
    location = location == null ? Optional.empty() : location;
    meta = meta == null ? Map.of() : Map.copyOf(meta);
  }

  public static Inbound text(String channel, String userRef, String text) {
    return new Inbound(channel, userRef, text, Optional.empty(), Map.of());
  }

  /** A position the resident shared (WeChat location), with its label if any. */
  public record Location(double lat, double lon, String label) {}
}
