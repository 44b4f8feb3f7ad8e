package xiaofa.platform;

/**
 * A failure the client caused or must know about, with an HTTP status, a stable machine code and a message in
 * Chinese for the person reading it. {@link FailureHandler} turns it into a JSON problem body.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  public static ApiException unavailable(String code, String message) {
    return new ApiException(503, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
