-- The advisors' case desk (xiaofa.console.CaseDesk): what the console reads besides HandoffService's own views —
-- list previews, the live stream's new events, replies' delivery states and the resident's conversation with the
-- bot. Parameters are JDBC "?" placeholders.

-- name: last_event_id
SELECT COALESCE(MAX(id), 0) AS id FROM case_events;

-- name: events_after
-- timeline events after an id, each with its case as it stands now (the live stream's payload)
SELECT e.id, e.case_id, e.created_at, e.kind, e.actor, e.data, c.status, c.urgent, c.community, c.category, c.advisor_id
  FROM case_events e JOIN cases c ON c.id = e.case_id
 WHERE e.id > ? ORDER BY e.id LIMIT ?;

-- name: last_messages
-- the latest message of each listed case; (:ids) stands for one placeholder per case
SELECT e.case_id, e.kind, e.actor, e.text, e.created_at FROM case_events e
 WHERE e.id IN (SELECT MAX(m.id) FROM case_events m
                 WHERE m.case_id IN (:ids) AND m.kind IN ('resident_message', 'advisor_reply', 'bot_reply')
                 GROUP BY m.case_id);

-- name: reply_deliveries
-- the outbox rows of a case's advisor replies; their dedupe key is reply:<the reply id in the event's data>
SELECT dedupe_key, status, attempts, last_error, sent_at FROM outbox WHERE case_id = ? AND kind = 'advisor_reply';

-- name: conversation
-- the resident's turns with the bot in the case's channel, within a time window, newest first
SELECT id, created_at, text, category, confidence, urgent, outcome, entry_id, score, case_id FROM turns
 WHERE channel = ? AND user_ref = ? AND created_at >= ? AND created_at <= ?
 ORDER BY created_at DESC, id DESC LIMIT ?;
