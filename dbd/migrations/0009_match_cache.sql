-- 0009: the search cache's idea (0008) for GET jobs/matches/ of a candidate: the ranking
-- (cc_match_rank_jobs, 0006) is kept per (candidate, min_score) as deep as it was asked for
-- (the ranking prunes by the depth it needs, so a miss costs what the uncached call costs; a
-- deeper page recomputes and keeps the deeper list, up to 100 results) and reused while
-- nothing it read has changed:
--   * the jobs: job_search_version again (skills and qualifications of a job reach the job row
--     through the 0006 triggers, so they bump it too);
--   * the candidate: a digest of the profile row (skills ids, places, preferences, salary,
--     experience) and of its qualification ids, compared on every read;
--   * time: the earliest upcoming expiry of any open job (any job can enter a ranking), and at
--     most 5 minutes.
-- Scores and factors shown are computed from the current rows on every request (0006's
-- renderers); only the order and the total are reused.

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

CREATE FUNCTION cc_candidate_match_digest(p candidate_profiles) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT md5(p::text || ARRAY(SELECT qualification_id FROM candidate_qualifications
                                WHERE profile_id = p.id ORDER BY qualification_id)::text)
$$;

-- cc_match_rank_jobs with the cache in front (same arguments and rows).
CREATE FUNCTION cc_match_rank_jobs_cached(p_candidate bigint, p_min integer, p_limit integer,
                                          p_offset integer)
RETURNS TABLE (total bigint, id bigint, score integer) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    cap constant integer := 100;
    k integer := p_limit + p_offset;
    ver bigint;
    dig text;
    e match_cache%ROWTYPE;
BEGIN
    IF k > cap THEN
        RETURN QUERY SELECT * FROM cc_match_rank_jobs(p_candidate, p_min, p_limit, p_offset);
        RETURN;
    END IF;
    SELECT v.version INTO ver FROM job_search_version v;  -- before the jobs are read
    SELECT cc_candidate_match_digest(p) INTO dig FROM candidate_profiles p WHERE p.id = p_candidate;
    IF dig IS NULL THEN
        RETURN;
    END IF;
    SELECT * INTO e FROM match_cache m WHERE m.candidate_id = p_candidate AND m.min_score = p_min;
    IF NOT FOUND OR e.version <> ver OR e.digest <> dig OR e.valid_until <= now()
       OR e.created_at <= now() - interval '5 minutes'
       -- kept, but not as deep as this page (and there are more)
       OR (cardinality(e.ids) < k AND coalesce(e.total, 0) > cardinality(e.ids)) THEN
        e.candidate_id := p_candidate;
        e.min_score := p_min;
        e.version := ver;
        e.digest := dig;
        e.created_at := now();
        e.valid_until := coalesce((SELECT min(j.expires_at) FROM jobs j
                                   WHERE j.is_active AND j.expires_at > now()), 'infinity');
        SELECT max(r.total), coalesce(array_agg(r.id ORDER BY r.o), '{}'),
               coalesce(array_agg(r.score ORDER BY r.o), '{}')
          INTO e.total, e.ids, e.scores
        FROM cc_match_rank_jobs(p_candidate, p_min, k, 0) WITH ORDINALITY AS r (total, id, score, o);
        DELETE FROM match_cache m WHERE m.created_at <= now() - interval '5 minutes';
        INSERT INTO match_cache AS m VALUES (e.*)
        ON CONFLICT (candidate_id, min_score) DO UPDATE SET version = EXCLUDED.version,
            digest = EXCLUDED.digest, created_at = EXCLUDED.created_at,
            valid_until = EXCLUDED.valid_until, total = EXCLUDED.total, ids = EXCLUDED.ids,
            scores = EXCLUDED.scores
        WHERE m.version <= EXCLUDED.version;
    END IF;
    RETURN QUERY SELECT e.total, u.id, u.s
                 FROM unnest(e.ids[p_offset + 1:p_offset + p_limit],
                             e.scores[p_offset + 1:p_offset + p_limit])
                      WITH ORDINALITY AS u (id, s, o) ORDER BY u.o;
END
$$;
