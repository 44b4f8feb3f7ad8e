-- The WeChat channel's statements (xiaofa.channel.wechat).

-- name: push_claim
-- the first delivery of a push claims its key; a retry inserts nothing
INSERT INTO wechat_pushes (dedupe_key, open_id, received_at, state) VALUES (?, ?, ?, 'processing')
ON CONFLICT DO NOTHING;

-- name: push_find
SELECT state, reply FROM wechat_pushes WHERE dedupe_key = ?;

-- name: push_passive
UPDATE wechat_pushes SET state = 'passive', reply = ? WHERE dedupe_key = ?;

-- name: push_async
UPDATE wechat_pushes SET state = 'async' WHERE dedupe_key = ? AND state = 'processing';

-- name: push_purge
DELETE FROM wechat_pushes WHERE received_at < ?;

-- name: token_seed
INSERT INTO wechat_tokens (app_id, access_token, expires_at, updated_at) VALUES (?, NULL, ?, ?)
ON CONFLICT DO NOTHING;

-- name: token_lock
-- one node at a time looks at (and, when stale, refreshes) the token
SELECT access_token, expires_at FROM wechat_tokens WHERE app_id = ? FOR UPDATE;

-- name: token_store
UPDATE wechat_tokens SET access_token = ?, expires_at = ?, updated_at = ? WHERE app_id = ?;

-- name: user_update
UPDATE wechat_users SET area = ?, lat = ?, lon = ?, located_at = ? WHERE open_id = ?;

-- name: user_insert
INSERT INTO wechat_users (area, lat, lon, located_at, open_id) VALUES (?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING;

-- name: user_area
SELECT area FROM wechat_users WHERE open_id = ?;

-- name: user_forget
DELETE FROM wechat_users WHERE open_id = ?;
