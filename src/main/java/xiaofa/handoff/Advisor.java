package xiaofa.handoff;

import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import xiaofa.knowledge.Category;

/**
 * A legal advisor or volunteer who takes cases: role, specialties (routing categories), the communities covered
 * ({@code *} for the whole zone), how many open cases at once, weekly duty slots, and whether they belong to the
 * fallback pool that takes what nobody else can.
 */
public record Advisor(
    String id, String name, Role role, Set<Category> specialties, Set<String> areas, int capacity, List<DutySlot> duty, boolean fallback, boolean active) {

  public static final String WHOLE_ZONE = "*";

  public Advisor {
    specialties = Set.copyOf(specialties);
    areas = Set.copyOf(areas);
    duty = List.copyOf(duty);
  }

  /** The roles of the zone's public legal service. */
  public enum Role {
    VILLAGE_COUNSEL("村居法律顾问"),
    VOLUNTEER("法治志愿者"),
    LAWYER("律师"),
    MEDIATOR("调解员");

    private final String label;

    Role(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public static java.util.Optional<Role> fromLabel(String label) {
      for (Role r : values()) {
        if (r.label.equals(label) || r.name().equalsIgnoreCase(label)) {
          return java.util.Optional.of(r);
        }
      }
      return java.util.Optional.empty();
    }
  }

  /** Days {@code fromDay..toDay} (1 = Monday), {@code from} inclusive to {@code to} exclusive ({@code 24:00} = end of day). */
  public record DutySlot(int fromDay, int toDay, LocalTime from, LocalTime to, boolean untilMidnight) {

    /** Parses {@code 1-5 08:30-17:30}; throws {@link IllegalArgumentException} with a Chinese message. */
    public static DutySlot parse(String text) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("([1-7])(?:-([1-7]))?\\s+(\\d{1,2}:\\d{2})-(\\d{1,2}:\\d{2})").matcher(text.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("值班时间“" + text + "”格式应为“1-5 08:30-17:30”（星期一至五）");
      }
      int from = Integer.parseInt(m.group(1));
      int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
      boolean midnight = m.group(4).equals("24:00");
      LocalTime start = LocalTime.parse(pad(m.group(3)));
      LocalTime end = midnight ? LocalTime.MAX : LocalTime.parse(pad(m.group(4)));
      if (to < from || !end.isAfter(start)) {
        throw new IllegalArgumentException("值班时间“" + text + "”的起止顺序不对");
      }
      return new DutySlot(from, to, start, end, midnight);
    }

    private static String pad(String hm) {
      return hm.length() == 4 ? "0" + hm : hm;
    }

    boolean covers(ZonedDateTime t) {
      int day = t.getDayOfWeek().getValue();
      LocalTime time = t.toLocalTime();
      return day >= fromDay && day <= toDay && !time.isBefore(from) && (untilMidnight || time.isBefore(to));
    }

    @Override
    public String toString() {
      return fromDay + (toDay != fromDay ? "-" + toDay : "") + " " + from + "-" + (untilMidnight ? "24:00" : to.toString());
    }
  }

  /** On duty at {@code t} (in the zone's time zone). */
  public boolean onDuty(ZonedDateTime t) {
    return duty.stream().anyMatch(s -> s.covers(t));
  }

  public boolean covers(String community) {
    return areas.contains(WHOLE_ZONE) || (community != null && areas.contains(community));
  }

  /** The weekly slots as written in the roster. */
  public String dutyText() {
    return String.join("|", duty.stream().map(DutySlot::toString).toList());
  }

}
