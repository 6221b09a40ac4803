-- 0011: the content version, which lets every httpd process keep rendered answers in memory
-- (core/respcache.c) and still answer exactly what the database holds.
--
-- A cached answer (a public job page, a candidate's matches, a master data list) is stored with
-- the content version read before it was computed, and is served only while
--   * the version is unchanged: any committed write to a table such an answer reads (the
--     tables with the content_version_bump trigger below) raises it;
--   * and the database clock is before the first expiry among the open jobs (read together
--     with the version), because an expiring job leaves lists and rankings without any write.
-- The version is read by every cached request, so it must be cheap to read and must not make
-- writers wait for each other:
--   * it is the sum of 32 counters, and a transaction raises the one chosen by its backend, so
--     concurrent writers seldom meet on one row;
--   * the raise is a deferred constraint trigger: it runs once per transaction, at commit, after
--     every other lock the transaction takes. Its row lock can therefore never be part of a
--     deadlock, and is held only for the commit itself;
--   * read in the reader's snapshot, the sum of committed counters only ever grows, so a change
--     committed after a version was read always shows as a different version.
-- Logged, not UNLOGGED: after a crash an unlogged table would start again from zero and could
-- meet a version a cache still holds for older content.
-- The reading statement is cc_content_stamp in dbd/statements.c (static SQL, planned once per
-- connection; a SQL function around it would be planned again on every call).

CREATE TABLE content_version (
    slot integer PRIMARY KEY CHECK (slot >= 0 AND slot < 32),
    v    bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 20);
INSERT INTO content_version (slot) SELECT generate_series(0, 31);

-- Raises this backend's counter once per transaction (the setting is local to it).
CREATE FUNCTION cc_content_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tx text := pg_current_xact_id()::text;
BEGIN
    IF current_setting('carechain.content_bumped', true) IS DISTINCT FROM tx THEN
        UPDATE content_version SET v = v + 1 WHERE slot = pg_backend_pid() % 32;
        PERFORM set_config('carechain.content_bumped', tx, true);
    END IF;
    RETURN NULL;
END
$$;

-- The tables cached answers read. Every other table is listed in tests/api/
-- test_response_cache.py with the reason it is left out (written by logins, by reads, or never
-- read by a cached answer), so a new table cannot be forgotten.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['jobs', 'job_skills', 'job_qualifications', 'applications',
                             'active_jobs', 'completed_jobs', 'hospitals', 'skills',
                             'qualifications', 'locations', 'candidate_profiles',
                             'candidate_skills', 'candidate_qualifications',
                             'recruiter_profiles', 'verification_requests'] LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER content_version_bump'
                       ' AFTER INSERT OR UPDATE OR DELETE ON %I'
                       ' DEFERRABLE INITIALLY DEFERRED FOR EACH ROW'
                       ' EXECUTE FUNCTION cc_content_bump()', t);
        EXECUTE format('CREATE TRIGGER content_version_truncate AFTER TRUNCATE ON %I'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION cc_content_bump()', t);
    END LOOP;
END
$$;
