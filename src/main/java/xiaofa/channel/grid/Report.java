package xiaofa.channel.grid;

import io.vertx.core.json.JsonArray;
import java.time.Instant;

/**
 * What the field app said about a case it reported: which app and worker, the grid, the resident's contact (shown
 * whole only to the case's advisor) and the attachments' addresses.
 */
record Report(String caseId, String appId, String worker, String grid, String residentName, String residentPhone, JsonArray attachments, Instant reportedAt) {

  /** The same report for the case just opened (a report is drafted before its case has a number). */
  Report of(String id) {
    return new Report(id, appId, worker, grid, residentName, residentPhone, attachments, reportedAt);
  }
}
