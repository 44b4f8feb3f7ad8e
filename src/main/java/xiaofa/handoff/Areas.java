package xiaofa.handoff;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The zone's communities and villages and their grids, from {@code knowledge/areas.csv} (first column {@code
 * grid_code}). Cases are routed to the advisors who cover the case's community; a resident's location picks the
 * nearest grid. Immutable.
 */
public final class Areas {
  public static final String FILE = "areas.csv";
  public static final Areas NONE = new Areas(List.of());

  /** One grid of a community (社区) or village (村). */
  public record Area(String gridCode, String gridName, String community, String communityKind, String town, double lat, double lon, List<String> aliases) {}

  private final Map<String, Area> byCode = new LinkedHashMap<>();

  private Areas(List<Area> areas) {
    areas.forEach(a -> byCode.put(a.gridCode(), a));
  }

  /** Parses the CSV; a bad row is an error naming its line, in Chinese (the file is edited by administrators). */
  public static Areas parse(String csv) {
    List<Area> out = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader().withColumnSeparator(',')).readValues(csv)) {
      int line = 1;
      while (it.hasNext()) {
        line++;
        Map<String, String> row = it.next();
        String code = row.getOrDefault("grid_code", "").strip();
        if (code.isEmpty()) {
          throw new IllegalArgumentException("areas.csv 第 " + line + " 行缺少 grid_code");
        }
        try {
          out.add(new Area(code, row.getOrDefault("grid_name", "").strip(), row.getOrDefault("community", "").strip(),
              row.getOrDefault("community_kind", "").strip(), row.getOrDefault("town", "").strip(),
              Double.parseDouble(row.getOrDefault("lat", "0").strip()), Double.parseDouble(row.getOrDefault("lon", "0").strip()),
              split(row.getOrDefault("aliases", ""))));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("areas.csv 第 " + line + " 行的经纬度不是数字");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("areas.csv 无法解析：" + e.getMessage());
    }
    return new Areas(out);
  }

  private static List<String> split(String s) {
    return Arrays.stream(s.split("\\|")).map(String::strip).filter(x -> !x.isEmpty()).toList();
  }

  public List<Area> all() {
    return List.copyOf(byCode.values());
  }

  public Optional<Area> byCode(String gridCode) {
    return Optional.ofNullable(gridCode == null ? null : byCode.get(gridCode));
  }

  /** The grid nearest to a location (the resident's WeChat location), within 20 km. */
  public Optional<Area> nearest(double lat, double lon) {
    Area best = null;
    double bestKm = 20;
    for (Area a : byCode.values()) {
      double km = distanceKm(lat, lon, a.lat(), a.lon());
      if (km < bestKm) {
        bestKm = km;
        best = a;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The first grid of the community or village a message names ("我是青石村的"), if any. */
  public Optional<Area> mentionedIn(String text) {
    for (Area a : byCode.values()) {
      if (text.contains(a.community()) || a.aliases().stream().anyMatch(text::contains)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
    double r = 6371;
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
        + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.sqrt(h));
  }
}
