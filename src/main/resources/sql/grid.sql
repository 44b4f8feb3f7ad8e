-- The field-app channel's statements (xiaofa.channel.grid). Parameters are JDBC "?" placeholders.

-- name: nonce_claim
-- one row per (app, nonce): the insert that adds nothing is a replay, on whichever node saw the nonce first
INSERT INTO grid_nonces (app_id, nonce, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING;

-- name: nonce_purge
DELETE FROM grid_nonces WHERE created_at < ?;

-- name: report_insert
INSERT INTO grid_reports (case_id, app_id, worker, grid, resident_name, resident_phone, attachments, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: report
SELECT case_id, app_id, worker, grid, resident_name, resident_phone, attachments, created_at
  FROM grid_reports WHERE case_id = ?;

-- name: list
-- one app's reported cases, newest first; grid, worker and statuses are optional (NULL: any). The statuses come as
-- three values so that "open" (new, assigned, in_progress) and a single status share one statement.
SELECT c.id, c.category, c.urgent, c.community, c.summary, c.status, c.created_at, c.first_response_due,
       c.first_response_at, c.rating, a.name AS advisor_name, a.role AS advisor_role,
       g.case_id, g.app_id, g.worker, g.grid, g.resident_name, g.resident_phone, g.attachments, g.created_at AS reported_at
  FROM grid_reports g JOIN cases c ON c.id = g.case_id LEFT JOIN advisors a ON a.id = c.advisor_id
 WHERE g.app_id = ?
   AND (CAST(? AS VARCHAR(32)) IS NULL OR g.grid = ?)
   AND (CAST(? AS VARCHAR(64)) IS NULL OR g.worker = ?)
   AND (CAST(? AS VARCHAR(16)) IS NULL OR c.status IN (?, ?, ?))
 ORDER BY c.created_at DESC, c.id DESC
 LIMIT ? OFFSET ?;

-- name: count
SELECT COUNT(*) AS n
  FROM grid_reports g JOIN cases c ON c.id = g.case_id
 WHERE g.app_id = ?
   AND (CAST(? AS VARCHAR(32)) IS NULL OR g.grid = ?)
   AND (CAST(? AS VARCHAR(64)) IS NULL OR g.worker = ?)
   AND (CAST(? AS VARCHAR(16)) IS NULL OR c.status IN (?, ?, ?));
