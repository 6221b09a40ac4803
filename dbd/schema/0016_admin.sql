-- 0016: the admin API (CONTRACT §5, docs/API.md "Admin"): the audit log made append-only and
-- complete (request id, client address, the actor's email kept with the row), the activity
-- feed of recent-activity/ (one table, written by triggers in the transaction of each action),
-- the counters of dashboard-stats/ (kept by statement-level triggers in the writing
-- transaction), the invitation token of users created by an admin, and the index behind
-- hires_last_30_days. Functions: sql/admin.sql.
--
-- requires: sql/admin.sql

-- ---- audit log -------------------------------------------------------------------------------

-- A row outlives its actor: no foreign key (ON DELETE SET NULL would be an UPDATE, which the
-- guard below refuses), the actor's email copied in at insert.
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_actor_id_fkey;
ALTER TABLE audit_log
    ADD COLUMN actor_email text,
    ADD COLUMN request_id  text,
    ADD COLUMN client      text;
UPDATE audit_log a SET actor_email = u.email FROM users u WHERE u.id = a.actor_id;
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);

CREATE TRIGGER audit_log_fill BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION cc_audit_fill();
-- append-only for every role that is not a superuser bypassing triggers: UPDATE, DELETE and
-- TRUNCATE raise
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION cc_audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION cc_audit_append_only();

-- ---- activity --------------------------------------------------------------------------------

-- What recent-activity/ shows, newest (highest id) first. Written only by the triggers below, in
-- the transaction of the action; created_at is the time of the action itself. No foreign keys:
-- it is a record of what happened, and outlives what it names.
CREATE TABLE activity (
    id          bigserial PRIMARY KEY,
    type        text NOT NULL CHECK (type IN ('registration', 'job_posted', 'application',
                                              'status_change', 'verification', 'admin_action')),
    actor_id    bigint,
    summary     text NOT NULL,
    object_type text NOT NULL,
    object_id   bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_type_idx ON activity (type, id);

CREATE TRIGGER users_activity AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_activity_users();
CREATE TRIGGER jobs_activity AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_activity_jobs();
CREATE TRIGGER applications_activity AFTER INSERT ON applications
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_activity_applications();
CREATE TRIGGER application_events_activity AFTER INSERT ON application_events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_activity_application_events();
CREATE TRIGGER verification_events_activity AFTER INSERT ON verification_events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_activity_verification_events();
CREATE TRIGGER audit_log_activity AFTER INSERT ON audit_log
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_activity_audit();

-- ---- dashboard counters ----------------------------------------------------------------------

-- Row counts by name (cc_admin_count_keys_* name what a row counts in), each spread over 16
-- slots chosen by backend: a writer holds its slot's rows until it commits, and applying for a
-- job is a hot path. Kept by statement-level triggers in the writing transaction: read in a
-- statement's snapshot, sum(n) is exactly the committed count of that snapshot.
CREATE TABLE admin_counts (
    name text NOT NULL,
    slot integer NOT NULL,
    n    bigint NOT NULL,
    PRIMARY KEY (name, slot)
);

INSERT INTO admin_counts (name, slot, n)
SELECT k, 0, count(*) FROM users u, unnest(cc_admin_count_keys_users(u)) k GROUP BY k;
INSERT INTO admin_counts (name, slot, n)
SELECT k, 0, count(*) FROM jobs j, unnest(cc_admin_count_keys_jobs(j)) k GROUP BY k;
INSERT INTO admin_counts (name, slot, n)
SELECT k, 0, count(*) FROM applications a, unnest(cc_admin_count_keys_applications(a)) k
GROUP BY k;
INSERT INTO admin_counts (name, slot, n)
SELECT k, 0, count(*) FROM verification_requests v,
       unnest(cc_admin_count_keys_verification_requests(v)) k GROUP BY k;
INSERT INTO admin_counts (name, slot, n)
SELECT k, 0, count(*) FROM documents d, unnest(cc_admin_count_keys_documents(d)) k GROUP BY k;

-- users: a role never changes, so inserts and deletes are all that move a count (an UPDATE
-- trigger would run on every login)
CREATE TRIGGER users_counted_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_admin_counted_users();
CREATE TRIGGER users_counted_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_admin_counted_users();
CREATE TRIGGER jobs_counted_insert AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_admin_counted_jobs();
CREATE TRIGGER jobs_counted_delete AFTER DELETE ON jobs REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_admin_counted_jobs();
CREATE TRIGGER applications_counted_insert AFTER INSERT ON applications
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_admin_counted_applications();
-- an update moves the day counters when applied_at changes or hired_at is set
CREATE TRIGGER applications_counted_update AFTER UPDATE ON applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_admin_counted_applications();
CREATE TRIGGER applications_counted_delete AFTER DELETE ON applications
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_admin_counted_applications();
CREATE TRIGGER verification_requests_counted_insert AFTER INSERT ON verification_requests
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_admin_counted_verification_requests();
CREATE TRIGGER verification_requests_counted_update AFTER UPDATE ON verification_requests
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_admin_counted_verification_requests();
CREATE TRIGGER verification_requests_counted_delete AFTER DELETE ON verification_requests
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_admin_counted_verification_requests();
CREATE TRIGGER documents_counted_insert AFTER INSERT ON documents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_admin_counted_documents();
CREATE TRIGGER documents_counted_update AFTER UPDATE ON documents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_admin_counted_documents();
CREATE TRIGGER documents_counted_delete AFTER DELETE ON documents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_admin_counted_documents();

-- hires_last_30_days: the day counters, and an index-only range over the first day. The
-- content-version events an earlier file of the same run queued on applications (0015 updates
-- every row) are fired first: an index cannot be built on a table with events pending.
SET CONSTRAINTS ALL IMMEDIATE;
CREATE INDEX applications_hired_idx ON applications (hired_at) WHERE hired_at IS NOT NULL;

-- ---- tokens --------------------------------------------------------------------------------

-- 'invite': the single-use link that lets a user created by an admin choose its password
ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_purpose_check;
ALTER TABLE one_time_tokens ADD CONSTRAINT one_time_tokens_purpose_check
    CHECK (purpose IN ('verify_email', 'password_reset', 'invite'));
-- 'deactivated': revoked when an admin deactivated the user
ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_revoked_reason_check;
ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_revoked_reason_check
    CHECK (revoked_reason IN ('rotated', 'logout', 'password', 'reuse', 'deactivated'));
