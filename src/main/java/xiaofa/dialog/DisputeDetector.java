package xiaofa.dialog;

public final class DisputeDetector {
  public boolean isDispute(String normalisedText) {
    return false;
  }
}
