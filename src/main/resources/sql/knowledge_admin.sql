-- The knowledge administrators keep in the database (xiaofa.knowledge.AdminKnowledgeStore).

-- name: state
SELECT version, live_power_list, last_entry FROM knowledge_admin_state WHERE id = 1;

-- name: state_lock
SELECT version, live_power_list, last_entry FROM knowledge_admin_state WHERE id = 1 FOR UPDATE;

-- name: state_set_live
UPDATE knowledge_admin_state SET version = version + 1, live_power_list = ? WHERE id = 1;

-- name: state_bump
UPDATE knowledge_admin_state SET version = version + 1 WHERE id = 1;

-- name: state_next_entry
UPDATE knowledge_admin_state SET version = version + 1, last_entry = last_entry + 1 WHERE id = 1;

-- name: upload_insert
INSERT INTO power_list_uploads (preview_id, file_name, uploaded_by, uploaded_at, row_count, error_count, based_on, status)
VALUES (?, ?, ?, ?, ?, ?, ?, 'preview');

-- name: upload_by_preview
SELECT id, preview_id, file_name, uploaded_by, uploaded_at, row_count, error_count, based_on, status, imported_by, imported_at, retired_at
  FROM power_list_uploads WHERE preview_id = ?;

-- name: upload_by_id
SELECT id, preview_id, file_name, uploaded_by, uploaded_at, row_count, error_count, based_on, status, imported_by, imported_at, retired_at
  FROM power_list_uploads WHERE id = ?;

-- name: uploads_imported
SELECT id, preview_id, file_name, uploaded_by, uploaded_at, row_count, error_count, based_on, status, imported_by, imported_at, retired_at
  FROM power_list_uploads WHERE status <> 'preview' ORDER BY id DESC LIMIT 20;

-- name: upload_make_live
UPDATE power_list_uploads SET status = 'live', imported_by = ?, imported_at = ? WHERE id = ?;

-- name: upload_retire
UPDATE power_list_uploads SET status = 'retired', retired_at = ? WHERE id = ?;

-- name: previews_expired_delete
DELETE FROM power_list_uploads WHERE status = 'preview' AND uploaded_at < ?;

-- name: row_insert
INSERT INTO power_list_rows (upload_id, row_no, fields) VALUES (?, ?, ?);

-- name: rows
SELECT row_no, fields FROM power_list_rows WHERE upload_id = ? ORDER BY row_no;

-- name: rows_delete
DELETE FROM power_list_rows WHERE upload_id = ?;

-- name: entry_insert
INSERT INTO knowledge_entries (id, title, questions, body, category, basis, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: entries
SELECT id, title, questions, body, category, basis, created_by, created_at FROM knowledge_entries ORDER BY id;

-- name: entry_delete
DELETE FROM knowledge_entries WHERE id = ?;
