-- 0008: a shared, exact result cache for the public search box (search/?q= and
-- advanced-search/ with only a query, ordered by rank). Ranking every match of a common word
-- costs O(matches) (about 300 ms for a term in half of 100,000 jobs); people search for the
-- same few words over and over, so the ranked ids of the first pages are kept and reused until
-- anything that could change them happens:
--   * a write to jobs (insert, update, delete, truncate) bumps job_search_version in the
--     writing transaction, so an entry built from older data no longer matches (the builder
--     reads the version before it reads the jobs: an entry never claims a version newer than
--     its data);
--   * time: an entry is valid until the earliest expiry among the jobs it matched, when one
--     of them would leave the results;
--   * and at most 5 minutes in any case (which also bounds the table: entries older than that
--     are deleted whenever one is built).
-- (The function also answers the city + job type list with static SQL: see inside.)
-- Only the ids are kept: each page is rendered from the current rows (application counts,
-- the caller's own fields). Pages past the first 1,000 results, filtered searches and every
-- non-public list go to cc_job_page as before. The table is UNLOGGED: it is a cache, shared
-- by every httpd node, and not worth WAL or a backup.

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

CREATE FUNCTION cc_job_search_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE job_search_version SET version = version + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_search_version AFTER INSERT OR UPDATE OR DELETE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION cc_job_search_bump();
CREATE TRIGGER jobs_search_version_truncate AFTER TRUNCATE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION cc_job_search_bump();

-- A page of jobs by id, in that order, rendered as cc_job_page renders it (with `rank` when
-- ranked). plpgsql, so its plan is kept per session.
CREATE FUNCTION cc_job_page_render(ids bigint[], cand bigint, ranked boolean, tsq tsquery)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(json_agg(CASE WHEN NOT ranked THEN cc_job_json(j, cand)
                                          ELSE cc_json_concat(cc_job_json(j, cand),
                                               json_build_object('rank',
                                                   ts_rank(j.search_vector, tsq)))
                                     END ORDER BY t.o), '[]')::text
            FROM unnest(ids) WITH ORDINALITY t(id, o) JOIN jobs j ON j.id = t.id);
END
$$;

-- cc_job_page with the cache in front (same arguments and results; see cc_job_page in 0004).
CREATE FUNCTION cc_job_page_cached(f jsonb, OUT total bigint, OUT results text,
                                   OUT bad_skill text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    cap constant integer := 1000;
    lim bigint := (f ->> 'limit')::bigint;
    off bigint := (f ->> 'offset')::bigint;
    k text;
    ver bigint;
    c job_search_cache%ROWTYPE;
    tsq tsquery;
    page bigint[];
    cand bigint;
    first_expiry timestamptz;
    job_types text[];
BEGIN
    -- The most common filtered list, a city (and job types) in the default order: static SQL,
    -- planned once per session, instead of cc_job_page's dynamic EXECUTE, whose 1-3 ms of
    -- planning were most of such a page. Same rows, order, count and rendering.
    IF f ->> 'scope' = 'public' AND f ? 'city' AND NOT f ? 'ordering'
       AND NOT coalesce((f ->> 'ranked')::boolean, false)
       AND NOT EXISTS (SELECT 1 FROM jsonb_object_keys(f) x
                       WHERE x NOT IN ('city', 'job_type', 'limit', 'offset', 'page', 'scope',
                                       'user')) THEN
        job_types := ARRAY(SELECT jsonb_array_elements_text(f -> 'job_type'));
        total := (SELECT count(*) FROM jobs j
                  WHERE lower(j.city) = lower(f ->> 'city') AND j.is_active
                    AND (j.expires_at IS NULL OR j.expires_at > now())
                    AND (cardinality(job_types) = 0 OR j.job_type = ANY (job_types)));
        page := ARRAY(SELECT j.id FROM jobs j
                      WHERE lower(j.city) = lower(f ->> 'city') AND j.is_active
                        AND (j.expires_at IS NULL OR j.expires_at > now())
                        AND (cardinality(job_types) = 0 OR j.job_type = ANY (job_types))
                      ORDER BY j.created_at DESC, j.id DESC LIMIT lim OFFSET off);
        IF f ? 'user' THEN
            SELECT id INTO cand FROM candidate_profiles WHERE user_id = (f ->> 'user')::bigint;
        END IF;
        results := cc_job_page_render(page, cand, false, NULL);
        RETURN;
    END IF;
    IF f ->> 'scope' <> 'public' OR NOT f ? 'q'
       OR coalesce(f ->> 'ordering', '') NOT IN ('rank', '-rank')
       OR EXISTS (SELECT 1 FROM jsonb_object_keys(f) x
                  WHERE x NOT IN ('q', 'ordering', 'ranked', 'limit', 'offset', 'page',
                                  'scope', 'user')) THEN
        SELECT p.total, p.results, p.bad_skill INTO total, results, bad_skill
        FROM cc_job_page(f) p;
        RETURN;
    END IF;
    k := (f ->> 'ordering') || ':' || (f ->> 'q');
    tsq := websearch_to_tsquery('english', f ->> 'q');
    SELECT v.version INTO ver FROM job_search_version v;  -- before the jobs are read
    SELECT * INTO c FROM job_search_cache WHERE key = k;
    IF NOT FOUND OR c.version <> ver OR c.valid_until <= now()
       OR c.created_at <= now() - interval '5 minutes' THEN
        -- the ranking of cc_job_page's search path, kept to the first `cap` ids
        c.key := k;
        c.version := ver;
        c.created_at := now();
        -- (the count and the first expiry over every match, then a bounded top-N sort)
        SELECT coalesce(array_agg(m.id ORDER BY CASE WHEN f ->> 'ordering' = 'rank'
                                                     THEN m.rank END,
                                                CASE WHEN f ->> 'ordering' = '-rank'
                                                     THEN m.rank END DESC,
                                                m.id), '{}'),
               coalesce(max(m.n), 0), min(m.first_expiry)
          INTO c.ids, c.total, first_expiry
        FROM (SELECT r.id, r.rank, count(*) OVER () AS n,
                     min(r.expires_at) OVER () AS first_expiry
              FROM (SELECT j.id, j.expires_at, ts_rank(j.search_vector, tsq) AS rank
                    FROM jobs j
                    WHERE j.is_active AND (j.expires_at IS NULL OR j.expires_at > now())
                      AND j.search_vector @@ tsq
                    OFFSET 0) r
              ORDER BY CASE WHEN f ->> 'ordering' = 'rank' THEN r.rank END,
                       CASE WHEN f ->> 'ordering' = '-rank' THEN r.rank END DESC, r.id
              LIMIT cap) m;
        c.valid_until := coalesce(first_expiry, 'infinity');
        DELETE FROM job_search_cache WHERE created_at <= now() - interval '5 minutes';
        INSERT INTO job_search_cache AS e VALUES (c.*)
        ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version,
            created_at = EXCLUDED.created_at, valid_until = EXCLUDED.valid_until,
            total = EXCLUDED.total, ids = EXCLUDED.ids
        WHERE e.version <= EXCLUDED.version;
    END IF;
    IF off < c.total AND off + lim > cardinality(c.ids) AND cardinality(c.ids) < c.total THEN
        -- deeper than the cached ids
        SELECT p.total, p.results, p.bad_skill INTO total, results, bad_skill
        FROM cc_job_page(f) p;
        RETURN;
    END IF;
    total := c.total;
    page := c.ids[off + 1 : off + lim];
    IF f ? 'user' THEN
        SELECT id INTO cand FROM candidate_profiles WHERE user_id = (f ->> 'user')::bigint;
    END IF;
    results := cc_job_page_render(page, cand, coalesce((f ->> 'ranked')::boolean, false), tsq);
END
$$;
