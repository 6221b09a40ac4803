-- 0015: what the admin analytics read (dbd/sql/analytics.sql, handlers/analytics.c) that the
-- earlier tables cannot tell, or not fast enough:
--   * a row per login (users.last_login keeps only the latest, so active users per day could
--     not be counted afterwards);
--   * on each application, what its status history says once and for all: the furthest stage
--     of applied -> hired it reached (skipped stages count as passed), when it was hired, and
--     when it first had an answer (a status change by anyone but the candidate). They are kept
--     by a statement-level trigger on application_events, in the transaction of the change, so
--     a funnel over 250,000 applications reads one row each instead of 800,000 history rows;
--   * the indexes that let a range of days be read without a scan of everything.
-- requires: sql/analytics.sql
CREATE TABLE user_logins (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_logins_at_idx ON user_logins (at, user_id);

-- Covering indexes: a range of days is read from the index alone (the rows are wide: a job's
-- text and search vector), so 90 days of 100,000 jobs or 250,000 applications are read in tens
-- of milliseconds.
CREATE INDEX users_joined_idx ON users (date_joined) INCLUDE (role);
CREATE INDEX jobs_analytics_idx ON jobs (created_at)
    INCLUDE (id, job_type, city, hospital_id, is_active, expires_at);

ALTER TABLE applications
    ADD COLUMN reached smallint NOT NULL DEFAULT 0,
    ADD COLUMN hired_at timestamptz,
    ADD COLUMN responded_at timestamptz;

-- before the rows change: their update queues deferred trigger events (content versions), and
-- an index cannot be built on a table with events pending in the transaction
CREATE INDEX applications_applied_idx ON applications (applied_at)
    INCLUDE (status, reached, hired_at, responded_at);

-- what the history of the applications that exist already says
UPDATE applications a
SET reached = greatest(a.reached, x.reached), hired_at = x.hired_at, responded_at = x.responded_at
FROM (SELECT * FROM cc_application_history_facts(
          (SELECT coalesce(array_agg(e.id), '{}') FROM application_events e))) x
WHERE a.id = x.application_id;

CREATE TRIGGER application_events_facts AFTER INSERT ON application_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION cc_application_events_facts();
