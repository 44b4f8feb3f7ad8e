package xiaofa.console.admin;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import xiaofa.console.Audit;
import xiaofa.console.ConsoleAuth;
import xiaofa.console.ConsoleRoutes;
import xiaofa.console.ConsoleUser;
import xiaofa.dialog.DialogService;
import xiaofa.knowledge.AdminKnowledgeStore;
import xiaofa.knowledge.KnowledgeService;

/**
 * The administrators' part of the console API, under {@code /console/api/admin}: the knowledge (reload, source
 * problems, the power-list import with its preview, entries written in the console), the "what would xiaofa answer"
 * box, the questions xiaofa could not answer, the dashboard and the audit log. Administrators run the service, so every
 * route here is for {@link ConsoleUser.Role#ADMIN} only; advisors get a 403. Spreadsheet parsing runs on the {@code
 * xiaofa-admin} worker pool, index rebuilds on the knowledge's indexing thread: no route blocks an event loop.
 */
public final class AdminDesk implements ConsoleRoutes.Part {
  private static final long SMALL_BODY = 32 * 1024;
  private static final String PREFIX = "/admin";

  private final KnowledgeAdmin knowledge;
  private final AnswerTest answerTest;
  private final Insights insights;
  private final AuditLog auditLog;
  private final Path uploads;

  /**
   * @param dataDir uploads are spooled under {@code dataDir/uploads} and deleted when the request ends
   * @param zone the zone's time zone: the dashboard's days
   */
  public AdminDesk(Vertx vertx, Pool pool, Clock clock, ZoneId zone, Path dataDir, KnowledgeService knowledge, AdminKnowledgeStore store,
      DialogService dialog, Audit audit) {
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("xiaofa-admin", 2);
    this.uploads = dataDir.resolve("uploads");
    this.knowledge = new KnowledgeAdmin(vertx, workers, clock, knowledge, store, audit, uploads);
    this.answerTest = new AnswerTest(dialog, knowledge);
    this.insights = new Insights(pool, clock, zone, store);
    this.auditLog = new AuditLog(pool);
  }

  @Override
  public void mount(Router api) {
    get(api, "/knowledge/problems").respond(knowledge::problems);
    get(api, "/knowledge/power-list").respond(knowledge::powerList);
    post(api, "/knowledge/reload").respond(knowledge::reload);
    // an upload that says it is too large is refused before any of it is read
    post(api, "/knowledge/power-list/preview").handler(KnowledgeAdmin::refuseLargeUpload);
    api.post(PREFIX + "/knowledge/power-list/preview")
        .handler(BodyHandler.create(uploads.toString()).setBodyLimit(KnowledgeAdmin.MAX_UPLOAD + 64 * 1024).setDeleteUploadedFilesOnEnd(true))
        .respond(knowledge::preview);
    post(api, "/knowledge/power-list/import");
    api.post(PREFIX + "/knowledge/power-list/import").handler(BodyHandler.create(false).setBodyLimit(SMALL_BODY)).respond(knowledge::importPreview);
    admin(api, HttpMethod.DELETE, "/knowledge/power-list").respond(knowledge::revert);
    get(api, "/knowledge/entries").respond(knowledge::entries);
    post(api, "/knowledge/entries");
    api.post(PREFIX + "/knowledge/entries").handler(BodyHandler.create(false).setBodyLimit(SMALL_BODY)).respond(knowledge::createEntry);
    admin(api, HttpMethod.DELETE, "/knowledge/entries/:id").respond(knowledge::deleteEntry);

    get(api, "/answer-test").respond(answerTest::answer);
    get(api, "/unanswered").respond(insights::unanswered);
    get(api, "/dashboard").respond(insights::dashboard);
    get(api, "/audit").respond(auditLog::query);
  }

  /**
   * A route under {@code /admin} that lets administrators only through. Where a body is read, the role check is a
   * route of its own before the body's (Vert.x wants a body handler first on its route), so no one else's body is read.
   */
  private static Route admin(Router api, HttpMethod method, String path) {
    return api.route(method, PREFIX + path).handler(ConsoleAuth.require(ConsoleUser.Role.ADMIN));
  }

  private static Route get(Router api, String path) {
    return admin(api, HttpMethod.GET, path);
  }

  private static Route post(Router api, String path) {
    return admin(api, HttpMethod.POST, path);
  }
}
