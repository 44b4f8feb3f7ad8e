-- The outbox's statements (xiaofa.outbox). Parameters are JDBC "?" placeholders.

-- name: insert
INSERT INTO outbox (channel, recipient, kind, case_id, payload, dedupe_key, status, attempts, next_attempt_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
ON CONFLICT DO NOTHING;

-- name: claim
-- Claims due messages for one round: the oldest pending message of each recipient only, so that one recipient's
-- messages go out in order. The conditions are repeated outside the sub-select so that a node that waited for
-- another node's row lock re-checks them and skips what the other node took.
UPDATE outbox SET claimed_by = ?, claimed_until = ?
 WHERE status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
   AND id IN (
     SELECT o.id FROM outbox o
      WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND (o.claimed_until IS NULL OR o.claimed_until < ?)
        AND NOT EXISTS (SELECT 1 FROM outbox p
                         WHERE p.channel = o.channel AND p.recipient = o.recipient AND p.status = 'pending' AND p.id < o.id)
      ORDER BY o.id
      LIMIT ?);

-- name: claimed
SELECT id, channel, recipient, kind, case_id, payload, dedupe_key, attempts FROM outbox
 WHERE claimed_by = ? AND status = 'pending' ORDER BY id;

-- name: sent
UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL, last_error = NULL
 WHERE id = ? AND claimed_by = ?;

-- name: retry
UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL
 WHERE id = ? AND claimed_by = ?;

-- name: give_up
UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, claimed_by = NULL, claimed_until = NULL
 WHERE id = ? AND claimed_by = ?;

-- name: pending_count
SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending';
