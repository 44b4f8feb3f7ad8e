package xiaofa.console;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;

/**
 * Assembles {@code /console/api}: every response gets the console's security headers; the parts' public routes
 * (sign-in) come first; then every other route passes {@link ConsoleAuth#authenticate()} before the parts' routes,
 * which check roles themselves with {@link ConsoleAuth#require}; everything under {@code /admin/} is for
 * administrators only, whatever the part says. Mounted by Main at {@code /console/api}.
 */
public final class ConsoleRoutes {
  /** Content-Security-Policy of the console: nothing from outside the service, no inline script. */
  public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
      + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  /** A piece of the console API (accounts, cases, administration). */
  public interface Part {
    /** Routes anyone may call (sign-in). */
    default void mountPublic(Router api) {}

    /** Routes for signed-in users; each checks its roles. */
    void mount(Router api);
  }

  private ConsoleRoutes() {}

  public static Router api(Vertx vertx, ConsoleAuth auth, List<Part> parts) {
    Router api = Router.router(vertx);
    api.route().handler(ConsoleRoutes::securityHeaders);
    parts.forEach(p -> p.mountPublic(api));
    api.route().handler(auth.authenticate());
    // whatever a part mounts under /admin/ is for administrators only, on top of the part's own role checks
    api.route("/admin/*").handler(ConsoleAuth.require(ConsoleUser.Role.ADMIN));
    parts.forEach(p -> p.mount(api));
    return api;
  }

  /**
   * The console's pages ({@code webroot/console}), mounted at {@code /console}: the same security headers, so no page
   * can load a script from outside the service; {@code /console} redirects to {@code /console/}.
   */
  public static Router pages(Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(ConsoleRoutes::securityHeaders);
    r.getWithRegex("^$").handler(ctx -> ctx.redirect("/console/"));
    r.route().handler(StaticHandler.create("webroot/console").setIndexPage("index.html").setCachingEnabled(false));
    return r;
  }

  /** The headers every console response carries (API and pages). */
  public static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-store");
    ctx.next();
  }
}
