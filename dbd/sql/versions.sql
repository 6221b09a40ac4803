-- Versions that tell caches their content changed: the search and match caches' version
-- (job_search_version, schema/0008) and the content versions of the response cache
-- (content_version, schema/0011, which explains them). These are trigger functions (and a
-- trigger's WHEN): the schema files that create the triggers name this file in `requires`.

-- The triggers jobs_search_version and jobs_search_version_truncate: any write to jobs.
CREATE OR REPLACE FUNCTION cc_job_search_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE job_search_version SET version = version + 1;
    RETURN NULL;
END
$$;

-- ---- content versions ----------------------------------------------------------------------

-- True for the first row a transaction writes in a group, and marks the group as raised (the
-- setting is local to the transaction, and goes back with a rolled back savepoint, whose
-- queued trigger event goes too). The triggers' WHEN: evaluated when the row is written, so
-- a transaction queues one event per group however many rows it writes.
CREATE OR REPLACE FUNCTION cc_content_first(grp text) RETURNS boolean LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN current_setting('carechain.content_' || grp, true)
                     IS DISTINCT FROM pg_current_xact_id()::text
                THEN set_config('carechain.content_' || grp, pg_current_xact_id()::text, true)
                     IS NOT NULL
                ELSE false END
$$;

-- Raises this backend's counter of the group named by the trigger's argument (the triggers
-- content_version_bump and content_version_truncate).
CREATE OR REPLACE FUNCTION cc_content_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_version SET v = v + 1
    WHERE grp = TG_ARGV[0] AND slot = pg_backend_pid() % 32;
    RETURN NULL;
END
$$;
