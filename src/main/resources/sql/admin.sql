-- The administrators' views (xiaofa.console.admin): what residents ask, where xiaofa fails, the dashboard, the audit
-- log. Written once for H2 (PostgreSQL mode) and PostgreSQL. Days are the zone's calendar days, but the two databases
-- disagree on what a zone-shifted timestamp cast to DATE means (H2 takes the session's zone), so the SQL counts per
-- time bucket (b: seconds since 1970 divided by the bucket, an hour or a quarter of one) and Java puts the buckets
-- into the zone's days, daylight saving included.

-- name: unanswered_turns
SELECT text, channel, outcome, category, confidence, score, created_at FROM turns
 WHERE created_at >= ?
   AND (outcome IN ('no_answer', 'suggested') OR (outcome = 'answered' AND score IS NOT NULL AND confidence < ?))
 ORDER BY created_at DESC LIMIT 5000;

-- name: turns_by_day
-- kind: the outcome, except that picking a suggestion by its number (answered without a score of its own) is "picked"
SELECT b, kind, COUNT(*) AS n FROM (
  SELECT FLOOR(EXTRACT(EPOCH FROM created_at) / CAST(? AS INT)) AS b,
         CASE WHEN outcome = 'answered' AND score IS NULL THEN 'picked' ELSE outcome END AS kind
    FROM turns WHERE created_at >= ? AND created_at < ?) t
 GROUP BY b, kind;

-- name: questions_by_category
SELECT category, COUNT(*) AS n FROM turns
 WHERE created_at >= ? AND created_at < ?
   AND outcome IN ('answered', 'suggested', 'no_answer', 'handoff', 'handoff_offered', 'urgent')
   AND NOT (outcome = 'answered' AND score IS NULL)
 GROUP BY category;

-- name: cases_by_day
SELECT b, COUNT(*) AS n, SUM(breached) AS breached FROM (
  SELECT FLOOR(EXTRACT(EPOCH FROM created_at) / CAST(? AS INT)) AS b, CASE WHEN sla_breached THEN 1 ELSE 0 END AS breached
    FROM cases WHERE created_at >= ? AND created_at < ?) t
 GROUP BY b;

-- name: cases_by_channel
SELECT channel, COUNT(*) AS n, SUM(CASE WHEN urgent THEN 1 ELSE 0 END) AS urgent,
       SUM(CASE WHEN sla_breached THEN 1 ELSE 0 END) AS breached
  FROM cases WHERE created_at >= ? AND created_at < ?
 GROUP BY channel;

-- name: cases_by_category
SELECT category, COUNT(*) AS n FROM cases WHERE created_at >= ? AND created_at < ? GROUP BY category;

-- name: cases_overdue
SELECT COUNT(*) AS n FROM cases WHERE first_response_at IS NULL AND status IN ('new', 'assigned') AND first_response_due < ?;

-- name: ratings
SELECT rating, COUNT(*) AS n FROM cases WHERE rating IS NOT NULL AND rated_at >= ? AND rated_at < ? GROUP BY rating;

-- name: follow_ups_open_count
SELECT COUNT(*) AS n, SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END) AS overdue FROM follow_ups WHERE status = 'open';

-- name: follow_ups_open
SELECT f.case_id, f.rating, f.created_at, f.due_at, c.category, c.advisor_id, a.name AS advisor_name
  FROM follow_ups f JOIN cases c ON c.id = f.case_id LEFT JOIN advisors a ON a.id = c.advisor_id
 WHERE f.status = 'open' ORDER BY f.due_at, f.id LIMIT 50;

-- name: audit
-- a NULL filter matches everything; action_like is the action, or a prefix followed by %
SELECT id, at, actor, role, action, case_id, detail FROM audit_log
 WHERE (CAST(? AS VARCHAR(20)) IS NULL OR case_id = ?)
   AND (CAST(? AS VARCHAR(64)) IS NULL OR actor = ?)
   AND (CAST(? AS VARCHAR(41)) IS NULL OR action LIKE ? ESCAPE '!')
   AND id < ?
 ORDER BY id DESC LIMIT ?;
