-- The console's accounts and shared secrets (xiaofa.console). Parameters are JDBC "?" placeholders.

-- name: secret_insert
INSERT INTO console_secrets (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING;

-- name: secret_get
SELECT secret FROM console_secrets WHERE name = ?;

-- name: admin_count
SELECT COUNT(*) AS n FROM console_users WHERE role = 'admin';

-- name: user_insert
INSERT INTO console_users (username, display_name, role, advisor_id, password_hash, created_at)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING;

-- name: user_columns
SELECT u.id, u.username, u.display_name, u.role, u.advisor_id, u.failed_attempts, u.locked_until, u.active,
       u.token_version, u.created_at, u.last_login_at, a.name AS advisor_name
  FROM console_users u LEFT JOIN advisors a ON a.id = u.advisor_id;

-- name: user_by_username
SELECT u.id, u.username, u.display_name, u.role, u.advisor_id, u.failed_attempts, u.locked_until, u.active,
       u.token_version, u.created_at, u.last_login_at, a.name AS advisor_name, u.password_hash
  FROM console_users u LEFT JOIN advisors a ON a.id = u.advisor_id WHERE u.username = ?;

-- name: user_id
SELECT id FROM console_users WHERE username = ?;

-- name: user_hash
SELECT password_hash FROM console_users WHERE id = ?;

-- name: user_state
SELECT id, username, display_name, role, advisor_id, active, token_version FROM console_users WHERE id = ?;

-- name: user_lock_row
SELECT id, failed_attempts, locked_until FROM console_users WHERE id = ? FOR UPDATE;

-- name: login_failed
UPDATE console_users SET failed_attempts = failed_attempts + 1 WHERE id = ?;

-- name: lock
UPDATE console_users SET failed_attempts = 0, locked_until = ? WHERE id = ?;

-- name: login_succeeded
UPDATE console_users SET failed_attempts = 0, locked_until = NULL, last_login_at = ?
 WHERE id = ? AND active = TRUE AND (locked_until IS NULL OR locked_until <= ?);

-- name: rehash
UPDATE console_users SET password_hash = ? WHERE id = ?;

-- name: set_password
UPDATE console_users SET password_hash = ?, token_version = token_version + 1, failed_attempts = 0, locked_until = NULL
 WHERE id = ?;

-- name: revoke_tokens
UPDATE console_users SET token_version = token_version + 1 WHERE id = ?;

-- name: set_display_name
UPDATE console_users SET display_name = ? WHERE id = ?;

-- name: set_active
UPDATE console_users SET active = ?, token_version = token_version + 1 WHERE id = ?;

-- name: unlock
UPDATE console_users SET failed_attempts = 0, locked_until = NULL WHERE id = ?;

-- name: advisor_exists
SELECT id FROM advisors WHERE id = ?;

-- name: advisor_account
SELECT id FROM console_users WHERE advisor_id = ?;
