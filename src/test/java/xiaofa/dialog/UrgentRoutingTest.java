package xiaofa.dialog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xiaofa.dialog.UrgencyDetector.Kind;
import xiaofa.knowledge.Category;

class UrgentRoutingTest {
  @Test
  @DisplayName("routes an emergency the classifier is unsure about by its most serious kind")
  void byKind() {
    assertEquals(Category.MARRIAGE_FAMILY, DialogService.categoryOf(Set.of(Kind.VIOLENCE, Kind.DOMESTIC_VIOLENCE)));
    assertEquals(Category.CRIMINAL, DialogService.categoryOf(Set.of(Kind.FRAUD_IN_PROGRESS)));
    assertEquals(Category.TORT_INJURY, DialogService.categoryOf(Set.of(Kind.VIOLENCE)));
    assertEquals(Category.GENERAL, DialogService.categoryOf(Set.of(Kind.SELF_HARM)));
    assertEquals(Category.GENERAL, DialogService.categoryOf(Set.of(Kind.DEADLINE)));
  }
}
