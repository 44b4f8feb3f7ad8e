package xiaofa.handoff;

import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import xiaofa.knowledge.Category;

/**
 * Chooses who takes a case. First an on-duty advisor whose specialties include the category and who covers the
 * case's community, with room left, the least loaded first (advisors of that very community before zone-wide ones
 * on a tie); else the on-duty fallback pool (specialty match first, least loaded); else an on-duty fallback
 * advisor even when full. Nobody on duty: the case stays unassigned and the SLA monitor tries again.
 */
final class AdvisorRouter {
  private AdvisorRouter() {}

  static Optional<Advisor> choose(
      Collection<Advisor> advisors, Map<String, Integer> openLoad, Category category, String community, ZonedDateTime now, Set<String> exclude) {
    Comparator<Advisor> byLoad = Comparator.comparingInt((Advisor a) -> openLoad.getOrDefault(a.id(), 0));
    Comparator<Advisor> preferLocal = Comparator.comparing((Advisor a) -> !(community != null && a.areas().contains(community)));
    Optional<Advisor> specialist = advisors.stream()
        .filter(a -> a.active() && !a.fallback() && !exclude.contains(a.id()) && a.onDuty(now))
        .filter(a -> a.specialties().contains(category) && (community == null || a.covers(community)))
        .filter(a -> openLoad.getOrDefault(a.id(), 0) < a.capacity())
        .min(byLoad.thenComparing(preferLocal).thenComparing(Advisor::id));
    if (specialist.isPresent()) {
      return specialist;
    }
    Comparator<Advisor> preferSpecialty = Comparator.comparing((Advisor a) -> !a.specialties().contains(category));
    Optional<Advisor> pool = advisors.stream()
        .filter(a -> a.active() && a.fallback() && !exclude.contains(a.id()) && a.onDuty(now))
        .filter(a -> openLoad.getOrDefault(a.id(), 0) < a.capacity())
        .min(preferSpecialty.thenComparing(byLoad).thenComparing(Advisor::id));
    if (pool.isPresent()) {
      return pool;
    }
    return advisors.stream()
        .filter(a -> a.active() && a.fallback() && !exclude.contains(a.id()) && a.onDuty(now))
        .min(byLoad.thenComparing(Advisor::id));
  }
}
