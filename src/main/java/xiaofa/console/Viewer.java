package xiaofa.console;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import xiaofa.handoff.Advisor;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.HandoffService;
import xiaofa.platform.ApiException;

/**
 * Who is asking, for the case desk: the signed-in user, their advisor profile when the account is linked to one, and
 * the roster (for names). One rule decides what they see: administrators see every case; an advisor sees the cases
 * assigned to them and the unassigned open cases in their specialties and areas ({@link HandoffService#mayTake}).
 * Only the case's own advisor sees the resident's personal data unmasked.
 */
record Viewer(ConsoleUser user, Advisor advisor, Map<String, Advisor> roster) {

  static Viewer of(ConsoleUser user, List<Advisor> advisors) {
    Map<String, Advisor> roster = advisors.stream().collect(Collectors.toMap(Advisor::id, Function.identity()));
    Advisor me = user.advisorId() == null ? null : roster.get(user.advisorId());
    if (!user.isAdmin()) {
      if (user.advisorId() == null) {
        throw new ApiException(403, "advisor_unlinked", "您的账号还没有关联顾问档案，暂时不能查看和办理事项。请联系管理员在账号管理中关联。");
      }
      if (me == null) {
        throw new ApiException(403, "advisor_unlinked", "您的账号关联的顾问档案（" + user.advisorId() + "）不在顾问名单中，请联系管理员核对。");
      }
    }
    return new Viewer(user, me, roster);
  }

  boolean admin() {
    return user.isAdmin();
  }

  String advisorId() {
    return advisor == null ? null : advisor.id();
  }

  /** The case is assigned to this viewer's advisor profile. */
  boolean owns(CaseView c) {
    return advisor != null && advisor.id().equals(c.advisorId());
  }

  boolean canSee(CaseView c) {
    return admin() || owns(c) || (advisor != null && HandoffService.mayTake(advisor, c));
  }

  /** The advisor profile an action that needs one (claim, reply) is done as; a 403 saying why otherwise. */
  Advisor actingAdvisor() {
    if (advisor == null) {
      throw new ApiException(403, "admin_unlinked",
          "管理员账号没有关联顾问档案：可以查看全部事项、转办、备注和办结，但不能接手或回复居民。如需亲自办理，请在账号管理中关联顾问档案。");
    }
    return advisor;
  }

  /** How an advisor id reads in the console: role and name. */
  String advisorLabel(String advisorId) {
    Advisor a = roster.get(advisorId);
    return a == null ? advisorId : a.role().label() + a.name();
  }
}
