-- 0008: the tables of the shared, exact result cache for the public search box (search/?q= and
-- advanced-search/ with only a query, ordered by rank). What is kept and when an entry is no
-- longer used is explained with the function in front of cc_job_page, cc_job_page_cached in
-- sql/jobs.sql. job_search_version is bumped by any write to jobs (insert, update, delete,
-- truncate) in the writing transaction (cc_job_search_bump in sql/versions.sql); the cache table
-- is UNLOGGED: it is a cache, shared by every httpd node, and not worth WAL or a backup.
--
-- requires: sql/versions.sql

CREATE TABLE job_search_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint NOT NULL
);
INSERT INTO job_search_version VALUES (true, 0);

CREATE UNLOGGED TABLE job_search_cache (
    key         text PRIMARY KEY,       -- ordering ':' query text
    version     bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    valid_until timestamptz NOT NULL,
    total       bigint NOT NULL,
    ids         bigint[] NOT NULL       -- the first results in order (at most 1,000)
);

CREATE TRIGGER jobs_search_version AFTER INSERT OR UPDATE OR DELETE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION cc_job_search_bump();
CREATE TRIGGER jobs_search_version_truncate AFTER TRUNCATE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION cc_job_search_bump();
