-- 0009: the table of the search cache's idea (0008) for GET jobs/matches/ of a candidate: the
-- ranking kept per (candidate, min_score). What is kept and when an entry is no longer used is
-- explained with cc_match_rank_jobs_cached in sql/matching.sql. UNLOGGED, like 0008's.

CREATE UNLOGGED TABLE match_cache (
    candidate_id bigint NOT NULL,
    min_score    integer NOT NULL,
    version      bigint NOT NULL,
    digest       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    valid_until  timestamptz NOT NULL,
    total        bigint,
    ids          bigint[] NOT NULL,
    scores       integer[] NOT NULL,
    PRIMARY KEY (candidate_id, min_score)
);
