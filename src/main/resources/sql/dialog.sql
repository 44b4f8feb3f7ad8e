-- The dialog's statements (xiaofa.dialog).

-- name: turn_insert
INSERT INTO turns (created_at, channel, user_ref, text, category, confidence, urgent, outcome, entry_id, score, case_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
