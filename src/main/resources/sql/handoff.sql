-- The hand-off capability's statements (xiaofa.handoff). Parameters are JDBC "?" placeholders.

-- name: advisor_count
SELECT COUNT(*) AS n FROM advisors;

-- name: advisor_insert
INSERT INTO advisors (id, name, role, specialties, areas, capacity, duty, fallback, active, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: advisor_update
UPDATE advisors SET name = ?, role = ?, specialties = ?, areas = ?, capacity = ?, duty = ?, fallback = ?, active = ?
 WHERE id = ?;

-- name: advisors
SELECT id, name, role, specialties, areas, capacity, duty, fallback, active FROM advisors ORDER BY id;

-- name: open_load
SELECT advisor_id, COUNT(*) AS n FROM cases
 WHERE status IN ('assigned', 'in_progress') AND advisor_id IS NOT NULL GROUP BY advisor_id;

-- name: number_bump
UPDATE case_numbers SET last_value = last_value + 1 WHERE day_key = ?;

-- name: number_first
INSERT INTO case_numbers (day_key, last_value) VALUES (?, 1) ON CONFLICT DO NOTHING;

-- name: number_get
SELECT last_value FROM case_numbers WHERE day_key = ?;

-- name: case_insert
INSERT INTO cases (id, channel, user_ref, category, urgent, area, community, summary, status, advisor_id,
                   created_at, updated_at, first_response_due)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: case_columns
SELECT c.id, c.channel, c.user_ref, c.category, c.urgent, c.area, c.community, c.summary, c.status, c.outcome,
       c.advisor_id, a.name AS advisor_name, a.role AS advisor_role, c.created_at, c.updated_at,
       c.first_response_due, c.first_response_at, c.sla_breached, c.escalations, c.closed_at, c.rating
  FROM cases c LEFT JOIN advisors a ON a.id = c.advisor_id;

-- name: case_lock
SELECT id FROM cases WHERE id = ? FOR UPDATE;

-- name: event_insert
INSERT INTO case_events (case_id, created_at, kind, actor, text, data) VALUES (?, ?, ?, ?, ?, ?);

-- name: events
SELECT id, created_at, kind, actor, text, data FROM case_events WHERE case_id = ? ORDER BY id;

-- name: case_first_response
UPDATE cases SET status = 'in_progress', first_response_at = COALESCE(first_response_at, ?), updated_at = ?
 WHERE id = ?;

-- name: case_assign
UPDATE cases SET advisor_id = ?, status = ?, updated_at = ? WHERE id = ?;

-- name: case_touch
UPDATE cases SET updated_at = ? WHERE id = ?;

-- name: case_make_urgent
UPDATE cases SET urgent = TRUE, updated_at = ?,
       first_response_due = CASE WHEN first_response_at IS NULL AND first_response_due > ? THEN ? ELSE first_response_due END
 WHERE id = ? AND urgent = FALSE;

-- name: case_close
UPDATE cases SET status = ?, outcome = ?, closed_at = ?, updated_at = ? WHERE id = ?;

-- name: case_escalate
UPDATE cases SET sla_breached = TRUE, escalations = escalations + 1, advisor_id = ?, status = ?,
       first_response_due = ?, updated_at = ?
 WHERE id = ? AND escalations = ? AND first_response_at IS NULL AND status IN ('new', 'assigned');

-- name: case_rate
UPDATE cases SET rating = ?, rated_at = ?, updated_at = ? WHERE id = ? AND rating IS NULL;

-- name: follow_up_insert
INSERT INTO follow_ups (case_id, rating, status, created_at, due_at) VALUES (?, ?, 'open', ?, ?);

-- name: follow_ups_open
SELECT id, case_id, rating, created_at, due_at FROM follow_ups WHERE status = 'open' ORDER BY due_at;

-- The advisors' console (xiaofa.console). inbox, open_cases, closed_cases and closed_cases_of are the WHERE and
-- ORDER BY clauses appended to case_columns.

-- name: inbox
-- an advisor's open cases and every unassigned open case (HandoffService keeps those in the advisor's specialties
-- and areas), urgent first, then by first-response due
WHERE c.status IN ('new', 'assigned', 'in_progress') AND (c.advisor_id = ? OR c.advisor_id IS NULL)
ORDER BY c.urgent DESC, c.first_response_due, c.id;

-- name: open_cases
WHERE c.status IN ('new', 'assigned', 'in_progress') ORDER BY c.urgent DESC, c.first_response_due, c.id LIMIT ?;

-- name: closed_cases
WHERE c.status IN ('resolved', 'referred', 'closed') ORDER BY c.closed_at DESC, c.id DESC LIMIT ?;

-- name: closed_cases_of
WHERE c.status IN ('resolved', 'referred', 'closed') AND c.advisor_id = ? ORDER BY c.closed_at DESC, c.id DESC LIMIT ?;

-- name: case_transfer
UPDATE cases SET advisor_id = ?, category = ?, status = ?, updated_at = ? WHERE id = ?;
