package xiaofa.knowledge;

/** A source file or line that could not be used; the rest of the knowledge is still indexed. */
public record SourceProblem(String file, int line, String message) {
  @Override
  public String toString() {
    return file + (line > 0 ? ":" + line : "") + ": " + message;
  }
}
