package xiaofa.console;

/**
 * Who is signed in to the console: the account id and name, a display name, the role, and for an advisor the id of
 * their row in {@code advisors} (cases are assigned to advisor ids). Carried in the bearer token and put into every
 * authenticated request's context ({@link ConsoleAuth#user}).
 */
public record ConsoleUser(long id, String username, String displayName, Role role, String advisorId) {

  /** What an account may do: advisors work cases; administrators run the service (and may work cases too). */
  public enum Role {
    ADVISOR,
    ADMIN;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role of(String id) {
      return valueOf(id.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
