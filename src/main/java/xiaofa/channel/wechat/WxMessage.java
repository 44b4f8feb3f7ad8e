package xiaofa.channel.wechat;

import java.util.Map;
import java.util.Optional;

/**
 * One push from WeChat after decryption (protocol reference §5): the common fields and the rest by element path.
 * {@code MsgId} stays a string (it is above 2^53).
 */
record WxMessage(String toUser, String fromUser, long createTime, String msgType, String msgId, Map<String, String> fields) {

  /** The fields every push carries; a push without them is refused. */
  static WxMessage of(Map<String, String> f) throws WxXml.XmlException {
    String to = f.get("ToUserName");
    String from = f.get("FromUserName");
    String type = f.get("MsgType");
    String created = f.get("CreateTime");
    if (blank(to) || blank(from) || blank(type) || blank(created)) {
      throw new WxXml.XmlException("ToUserName, FromUserName, MsgType or CreateTime missing");
    }
    if (from.length() > 64) {
      throw new WxXml.XmlException("FromUserName too long");
    }
    long t;
    try {
      t = Long.parseLong(created.strip());
    } catch (NumberFormatException e) {
      throw new WxXml.XmlException("CreateTime is not a number");
    }
    String id = f.get("MsgId");
    return new WxMessage(to.strip(), from.strip(), t, type.strip(), blank(id) ? null : id.strip(), Map.copyOf(f));
  }

  String get(String path) {
    return fields.getOrDefault(path, "");
  }

  /** The event name of an {@code event} push ({@code subscribe}, {@code CLICK} …), else empty. */
  String event() {
    return "event".equals(msgType) ? get("Event").strip() : "";
  }

  /**
   * What makes a delivery of this push the same as another: the MsgId of a message, or sender, creation time and
   * event of an event (events have no MsgId).
   */
  String dedupeKey() {
    if (msgId != null) {
      return "msg:" + msgId;
    }
    String key = "evt:" + fromUser + ":" + createTime + ":" + event();
    return key.length() <= 200 ? key : key.substring(0, 200);
  }

  /** A position from a {@code location} message or a {@code LOCATION} event. */
  Optional<double[]> position() {
    String lat = "location".equals(msgType) ? get("Location_X") : get("Latitude");
    String lon = "location".equals(msgType) ? get("Location_Y") : get("Longitude");
    try {
      double la = Double.parseDouble(lat.strip());
      double lo = Double.parseDouble(lon.strip());
      if (Double.isFinite(la) && Double.isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180) {
        return Optional.of(new double[] {la, lo});
      }
    } catch (NumberFormatException e) {
      // no usable position
    }
    return Optional.empty();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
