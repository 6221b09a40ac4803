-- 0011: the content versions, which let every httpd process keep rendered answers in memory
-- (core/respcache.c, dbd/cached.c) and still answer exactly what the database holds.
--
-- A cached answer (a public job page or job, a candidate's matches, a master data list) is
-- stored with the content versions read before it was computed, and is served only while
--   * the versions of the groups of tables it reads are unchanged: any committed write to a
--     table with the content_version_bump trigger below raises its group's version;
--   * and the database clock is before the first expiry among the open jobs (read together
--     with the versions), because an expiring job leaves lists and rankings without any write.
-- The groups keep answers alive through the writes that do not concern them:
--   catalog       skills, qualifications, locations          (master data lists read only this)
--   jobs          jobs, their links, hospitals, recruiters
--   applications  applications and assignments               (applications_count, has_applied)
--   candidates    candidate profiles, their links, verification requests   (matching)
-- so a candidate's matches (catalog + jobs + candidates) survive the steady stream of
-- applications, and master data lists survive everything but master data writes.
-- The versions are read by every cached request, so they must be cheap to read and must not
-- make writers wait for each other:
--   * a group's version is the sum of 32 counters, and a transaction raises the one chosen by
--     its backend, so concurrent writers seldom meet on one row;
--   * the raise is a deferred constraint trigger: it runs at commit, after every other lock the
--     transaction takes, once per group and transaction (its WHEN queues only the first row's
--     event). Its row lock can therefore never be part of a deadlock, and is held only for the
--     commit itself;
--   * read in the reader's snapshot, the sum of committed counters only ever grows, so a change
--     committed after a version was read always shows as a different version.
-- Logged, not UNLOGGED: after a crash an unlogged table would start again from zero and could
-- meet a version a cache still holds for older content.
-- The reading statement is cc_content_stamp in dbd/statements.c (static SQL, planned once per
-- connection; a SQL function around it would be planned again on every call). The triggers'
-- WHEN and their function, cc_content_first and cc_content_bump, are in sql/versions.sql.
--
-- requires: sql/versions.sql

CREATE TABLE content_version (
    grp  text NOT NULL CHECK (grp IN ('catalog', 'jobs', 'applications', 'candidates')),
    slot integer NOT NULL CHECK (slot >= 0 AND slot < 32),
    v    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (grp, slot)
) WITH (fillfactor = 20);
INSERT INTO content_version (grp, slot)
SELECT g, s FROM unnest(ARRAY['catalog', 'jobs', 'applications', 'candidates']) g,
                 generate_series(0, 31) s;

-- The tables cached answers read, by group. Every other table is listed in tests/api/
-- test_response_cache.py with the reason it is left out (written by logins, by reads, or never
-- read by a cached answer), so a new table cannot be forgotten.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
            ('skills', 'catalog'), ('qualifications', 'catalog'), ('locations', 'catalog'),
            ('jobs', 'jobs'), ('job_skills', 'jobs'), ('job_qualifications', 'jobs'),
            ('hospitals', 'jobs'), ('recruiter_profiles', 'jobs'),
            ('applications', 'applications'), ('active_jobs', 'applications'),
            ('completed_jobs', 'applications'),
            ('candidate_profiles', 'candidates'), ('candidate_skills', 'candidates'),
            ('candidate_qualifications', 'candidates'),
            ('verification_requests', 'candidates')) AS t (tbl, grp) LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER content_version_bump'
                       ' AFTER INSERT OR UPDATE OR DELETE ON %I'
                       ' DEFERRABLE INITIALLY DEFERRED FOR EACH ROW'
                       ' WHEN (cc_content_first(%L))'
                       ' EXECUTE FUNCTION cc_content_bump(%L)', r.tbl, r.grp, r.grp);
        EXECUTE format('CREATE TRIGGER content_version_truncate AFTER TRUNCATE ON %I'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION cc_content_bump(%L)', r.tbl, r.grp);
    END LOOP;
END
$$;
