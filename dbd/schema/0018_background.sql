-- 0018: the background work of every httpd node (services/worker.c, dbd/sql/background.sql):
--   * mail delivery leases: a node claims a due outbox row by setting claimed_until (and
--     claimed_by) in a short committed transaction before it talks to a mail server, so no row
--     lock is held across network I/O and a crashed node's claim lapses; a message that failed
--     for good (5xx, invalid address, too many attempts) has failed_at and stays for
--     `carechainctl mail retry`;
--   * task_runs: one row per run of a task on a node (carechainctl tasks, /api/health/?verbose=1);
--   * documents: when each expiry reminder went out and when the document was marked expired,
--     so each happens once whatever the number of nodes;
--   * notification_preferences: in-app and email per notification type and user;
--   * notifications.digested_at: which unread message notifications a digest mail covered;
--   * indexes for the sweeps and the retention deletes.
-- requires: sql/background.sql
ALTER TABLE mail_outbox
    ADD COLUMN claimed_until timestamptz,
    ADD COLUMN claimed_by    text,
    ADD COLUMN failed_at     timestamptz,
    ADD COLUMN kind          text NOT NULL DEFAULT 'other';
DROP INDEX mail_outbox_pending_idx;
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_sent_idx ON mail_outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX mail_outbox_failed_idx ON mail_outbox (failed_at) WHERE failed_at IS NOT NULL;

CREATE TABLE task_runs (
    id          bigserial PRIMARY KEY,
    task        text NOT NULL,
    node        text NOT NULL,
    started_at  timestamptz NOT NULL,
    duration_ms double precision NOT NULL,
    result      text NOT NULL CHECK (result IN ('ok', 'error')),
    items       integer NOT NULL DEFAULT 0,
    detail      text NOT NULL DEFAULT '',
    next_run_at timestamptz NOT NULL
);
CREATE INDEX task_runs_latest_idx ON task_runs (task, node, id);
CREATE INDEX task_runs_started_idx ON task_runs (started_at);

ALTER TABLE documents
    ADD COLUMN reminded_30_at timestamptz,
    ADD COLUMN reminded_7_at  timestamptz,
    ADD COLUMN expired_at     timestamptz;
CREATE INDEX documents_expiry_idx ON documents (expires_on)
    WHERE expires_on IS NOT NULL AND expired_at IS NULL;

CREATE TABLE notification_preferences (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type    text NOT NULL,
    in_app  boolean NOT NULL DEFAULT true,
    email   boolean NOT NULL DEFAULT true,
    PRIMARY KEY (user_id, type)
);

-- the digest of unread messages: each message notification goes into one digest at most
ALTER TABLE notifications ADD COLUMN digested_at timestamptz;
CREATE INDEX notifications_digest_idx ON notifications (created_at)
    WHERE notification_type = 'message' AND NOT is_read AND digested_at IS NULL;

-- the expiry sweep reads open jobs by expiry; retention reads by age
CREATE INDEX jobs_expiry_sweep_idx ON jobs (expires_at) WHERE is_active AND expires_at IS NOT NULL;
CREATE INDEX one_time_tokens_expires_idx ON one_time_tokens (expires_at);
CREATE INDEX refresh_tokens_revoked_expires_idx ON refresh_tokens (expires_at)
    WHERE revoked_at IS NOT NULL;
