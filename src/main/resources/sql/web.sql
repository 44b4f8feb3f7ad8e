-- The web channel's mailbox (xiaofa.channel.web).

-- name: deliver
INSERT INTO web_inbox (outbox_id, user_ref, kind, case_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING;

-- name: inbox
SELECT id, kind, case_id, text, created_at FROM web_inbox WHERE user_ref = ? AND id > ? ORDER BY id LIMIT 50;
