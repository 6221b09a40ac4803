-- Jobs (CONTRACT §4): the job renderer, cc_job_page (the one statement behind the list, search
-- and advanced-search endpoints), the search cache in front of it, the open-jobs counter and
-- the skill names the search vector reads. The tables and indexes are in schema/0003 and 0004,
-- the cache's tables in schema/0008; matching's renderer of a job is in matching.sql.

-- ---- renderers -----------------------------------------------------------------------------

-- A job as every endpoint shows it (CONTRACT §4), without the per-candidate fields.
-- plpgsql, not sql: a sql function with sub-selects is not inlined and PostgreSQL 15 parses and
-- plans its body again in every statement that calls it (~2 ms for one job); plpgsql keeps the
-- plans of its queries for the session (docs/notes/jobs-perf.md).
CREATE OR REPLACE FUNCTION cc_job_base_json(j jobs) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN json_build_object(
        'id', j.id, 'title', j.title, 'description', j.description,
        'requirements', j.requirements, 'department', j.department, 'location', j.location,
        'city', j.city, 'state', j.state, 'job_type', j.job_type,
        'experience_level', j.experience_level, 'min_experience_years', j.min_experience_years,
        'salary_min', j.salary_min::text, 'salary_max', j.salary_max::text,
        'salary_currency', j.salary_currency, 'pay_unit', j.pay_unit,
        'skills', coalesce((SELECT json_agg(json_build_object('id', s.id, 'name', s.name,
                                                              'category', s.category)
                                            ORDER BY s.name, s.id)
                            FROM job_skills js JOIN skills s ON s.id = js.skill_id
                            WHERE js.job_id = j.id), '[]'),
        'qualifications', coalesce((SELECT json_agg(json_build_object('id', x.id, 'name', x.name,
                                                                      'level', x.level,
                                                                      'field', x.field)
                                                    ORDER BY x.name, x.id)
                                    FROM job_qualifications jq
                                    JOIN qualifications x ON x.id = jq.qualification_id
                                    WHERE jq.job_id = j.id), '[]'),
        'shift', j.shift, 'start_date', j.start_date, 'end_date', j.end_date,
        'vacancies', j.vacancies, 'required_documents', to_json(j.required_documents),
        'hospital', (SELECT cc_hospital_brief_json(h) FROM hospitals h WHERE h.id = j.hospital_id),
        'posted_by', j.posted_by, 'is_active', j.is_active,
        'applications_count', (SELECT count(*) FROM applications a WHERE a.job_id = j.id),
        'created_at', cc_ts(j.created_at), 'updated_at', cc_ts(j.updated_at),
        'expires_at', cc_ts(j.expires_at));
END
$$;

-- The job for a reader: `candidate` is the reader's candidate profile id (NULL for anyone else),
-- which adds has_applied, application_status and match_score. plpgsql for the same reason.
CREATE OR REPLACE FUNCTION cc_job_json(j jobs, candidate bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF candidate IS NULL THEN
        RETURN cc_job_base_json(j);
    END IF;
    RETURN cc_json_concat(cc_job_base_json(j),
                          (SELECT json_build_object('has_applied', a.id IS NOT NULL,
                                                    'application_status', a.status,
                                                    'match_score',
                                                    cc_match_score(candidate, j.id))
                           FROM (SELECT 1) one
                           LEFT JOIN applications a ON a.job_id = j.id
                                                   AND a.candidate_id = candidate));
END
$$;

-- ---- the page ------------------------------------------------------------------------------

-- A LIKE pattern that matches `s` literally anywhere (search parameters are client text).
CREATE OR REPLACE FUNCTION cc_like(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT '%' || replace(replace(replace(s, '\', '\\'), '%', '\%'), '_', '\_') || '%' $$;

-- One page of jobs for the list, search/ and advanced-search/ endpoints, in one round trip.
-- `f` holds the filters the handler already validated (absent key = no filter):
--   scope      'public' (active, unexpired) | 'mine' (posted by `user`, any state) | 'all'
--   user       the caller's user id (candidates get their fields, recruiters their own jobs)
--   is_active  boolean (not in the public scope)
--   location   substring of location/city/state;  city, state, department: equal, any case
--   job_type, experience_level, hospital_type: arrays of choices;  skills: array of ids/names
--   salary_min, salary_max: decimal text;  hospital: id;  posted_after: date;  q: web search
--   ranked     true on the search endpoints: every item carries "rank"
--   ordering   one of the fixed values below;  limit, offset
-- Returns the count, the page as a JSON array text, and bad_skill: the first skill id or name
-- that does not exist (then nothing else is computed).
--
-- Filtered pages: the WHERE clause is assembled from fixed fragments, one per filter present,
-- and every value is bound with EXECUTE ... USING (never pasted into the text). EXECUTE plans
-- once per call with the values known, so each filter path gets the plan of its own index: the
-- role runs with plan_cache_mode = force_generic_plan, under which a static
-- "($1 IS NULL OR col = $1)" query would scan the whole table. The count and the page's ids
-- come from one EXECUTE (one planning); ordered by rank, from one scan (count(*) OVER ()), since
-- every match is ranked and sorted anyway.
-- The unfiltered public list (the busiest path) runs static SQL, whose plans plpgsql keeps for
-- the session, and counts with the open-jobs counter. Rendering is static SQL on every path.
-- See docs/notes/jobs-perf.md.
CREATE OR REPLACE FUNCTION cc_job_page(f jsonb, OUT total bigint, OUT results text,
                                       OUT bad_skill text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    w text := 'true';
    conds text[];
    filtered boolean := false;
    ord text;
    lim bigint := (f ->> 'limit')::bigint;
    off bigint := (f ->> 'offset')::bigint;
    ranked boolean := coalesce((f ->> 'ranked')::boolean, false);
    page_sql text;
    ids bigint[] := '{}';
    rid bigint;
    cnt bigint;
    job_types text[] := ARRAY(SELECT jsonb_array_elements_text(f -> 'job_type'));
    levels text[] := ARRAY(SELECT jsonb_array_elements_text(f -> 'experience_level'));
    htypes text[] := ARRAY(SELECT jsonb_array_elements_text(f -> 'hospital_type'));
    skill_ids bigint[];
    tsq tsquery;
    cand bigint;
    recr bigint;
BEGIN
    IF f ? 'user' THEN
        SELECT id INTO cand FROM candidate_profiles WHERE user_id = (f ->> 'user')::bigint;
        SELECT id INTO recr FROM recruiter_profiles WHERE user_id = (f ->> 'user')::bigint;
    END IF;
    IF jsonb_array_length(coalesce(f -> 'skills', '[]')) > 0 THEN
        SELECT t.x INTO bad_skill
        FROM jsonb_array_elements_text(f -> 'skills') WITH ORDINALITY t(x, o)
        WHERE NOT EXISTS (SELECT 1 FROM skills s
                          WHERE s.id = CASE WHEN t.x ~ '^[0-9]{1,18}$' THEN t.x::bigint END
                             OR lower(s.name) = lower(t.x))
        ORDER BY t.o LIMIT 1;
        IF bad_skill IS NOT NULL THEN
            RETURN;
        END IF;
        skill_ids := ARRAY(SELECT DISTINCT s.id
                           FROM jsonb_array_elements_text(f -> 'skills') t(x)
                           JOIN skills s
                             ON s.id = CASE WHEN t.x ~ '^[0-9]{1,18}$' THEN t.x::bigint END
                             OR lower(s.name) = lower(t.x));
    END IF;

    CASE f ->> 'scope'
    WHEN 'public' THEN
        w := w || ' AND j.is_active AND (j.expires_at IS NULL OR j.expires_at > now())';
    WHEN 'mine' THEN
        w := w || ' AND j.posted_by = $8';
        filtered := true;
    ELSE
        filtered := true;
    END CASE;
    IF f ? 'is_active' AND f ->> 'scope' <> 'public' THEN
        w := w || ' AND j.is_active = ($1 ->> ''is_active'')::boolean';
    END IF;
    IF f ? 'q' THEN
        tsq := websearch_to_tsquery('english', f ->> 'q');
    END IF;
    -- the filters that narrow the list, in this order: each one given adds its condition
    conds := array_remove(ARRAY[
        CASE WHEN f ? 'location'
             THEN 'cc_job_place(j.location, j.city, j.state) ILIKE cc_like($1 ->> ''location'')' END,
        CASE WHEN f ? 'city' THEN 'lower(j.city) = lower($1 ->> ''city'')' END,
        CASE WHEN f ? 'state' THEN 'lower(j.state) = lower($1 ->> ''state'')' END,
        CASE WHEN f ? 'department' THEN 'lower(j.department) = lower($1 ->> ''department'')' END,
        CASE WHEN cardinality(job_types) > 0 THEN 'j.job_type = ANY ($2)' END,
        CASE WHEN cardinality(levels) > 0 THEN 'j.experience_level = ANY ($3)' END,
        CASE WHEN cardinality(htypes) > 0
             THEN 'j.hospital_id IN (SELECT h.id FROM hospitals h WHERE h.type = ANY ($4))' END,
        CASE WHEN f ? 'salary_min' THEN 'j.salary_max >= ($1 ->> ''salary_min'')::numeric' END,
        CASE WHEN f ? 'salary_max' THEN 'j.salary_min <= ($1 ->> ''salary_max'')::numeric' END,
        CASE WHEN cardinality(skill_ids) > 0
             THEN 'j.id IN (SELECT js.job_id FROM job_skills js WHERE js.skill_id = ANY ($5)'
                  ' GROUP BY js.job_id HAVING count(*) = cardinality($5))' END,
        CASE WHEN f ? 'hospital' THEN 'j.hospital_id = ($1 ->> ''hospital'')::bigint' END,
        CASE WHEN f ? 'posted_after' THEN 'j.created_at >= ($1 ->> ''posted_after'')::date' END,
        CASE WHEN f ? 'q' THEN 'j.search_vector @@ $6' END], NULL);
    IF cardinality(conds) > 0 THEN
        w := w || ' AND ' || array_to_string(conds, ' AND ');
        filtered := true;
    END IF;

    ord := CASE f ->> 'ordering'
        WHEN 'created_at' THEN 'j.created_at, j.id'
        WHEN 'salary_min' THEN 'j.salary_min, j.id'
        WHEN '-salary_min' THEN 'j.salary_min DESC, j.id DESC'
        WHEN 'salary_max' THEN 'j.salary_max, j.id'
        WHEN '-salary_max' THEN 'j.salary_max DESC, j.id DESC'
        WHEN 'start_date' THEN 'j.start_date, j.id'
        WHEN '-start_date' THEN 'j.start_date DESC, j.id DESC'
        WHEN 'expires_at' THEN 'j.expires_at, j.id'
        WHEN '-expires_at' THEN 'j.expires_at DESC, j.id DESC'
        WHEN 'rank' THEN 'ts_rank(j.search_vector, $6), j.id'
        WHEN '-rank' THEN 'ts_rank(j.search_vector, $6) DESC, j.id'
        ELSE NULL END;
    IF (f ->> 'ordering') IN ('rank', '-rank') AND tsq IS NULL THEN
        ord := NULL;  -- no query: every rank is null
    END IF;
    page_sql := 'SELECT j.id FROM jobs j WHERE ' || w
                || ' ORDER BY ' || coalesce(ord, 'j.created_at DESC, j.id DESC')
                || ' LIMIT ($1 ->> ''limit'')::bigint OFFSET ($1 ->> ''offset'')::bigint';

    IF NOT filtered THEN
        -- the public list without filters
        total := cc_open_jobs_count();
        IF ord IS NULL THEN
            ids := ARRAY(SELECT j.id FROM jobs j
                         WHERE j.is_active AND (j.expires_at IS NULL OR j.expires_at > now())
                         ORDER BY j.created_at DESC, j.id DESC LIMIT lim OFFSET off);
        ELSE
            EXECUTE 'SELECT ARRAY(' || page_sql || ')'
                INTO ids USING f, job_types, levels, htypes, skill_ids, tsq, cand, recr;
        END IF;
    ELSIF tsq IS NOT NULL AND (f ->> 'ordering') IN ('rank', '-rank') THEN
        -- every match is ranked and sorted anyway: count in the same scan
        -- (the rank in a subquery: the window then buffers (id, rank), not whole rows)
        FOR rid, cnt IN EXECUTE 'SELECT m.id, count(*) OVER () FROM (SELECT j.id,'
                || ' ts_rank(j.search_vector, $6) AS r FROM jobs j WHERE ' || w || ' OFFSET 0) m'
                || CASE f ->> 'ordering' WHEN 'rank' THEN ' ORDER BY m.r, m.id'
                                         ELSE ' ORDER BY m.r DESC, m.id' END
                || ' LIMIT ($1 ->> ''limit'')::bigint OFFSET ($1 ->> ''offset'')::bigint'
            USING f, job_types, levels, htypes, skill_ids, tsq, cand, recr LOOP
            ids := ids || rid;
            total := cnt;
        END LOOP;
        IF total IS NULL THEN  -- no row on this page: count alone (page past the end, or none)
            EXECUTE 'SELECT count(*) FROM jobs j WHERE ' || w
                INTO total USING f, job_types, levels, htypes, skill_ids, tsq, cand, recr;
        END IF;
    ELSE
        -- the ids of the page first (an index walk), then only those rows are rendered
        EXECUTE 'SELECT (SELECT count(*) FROM jobs j WHERE ' || w || '), ARRAY(' || page_sql || ')'
            INTO total, ids USING f, job_types, levels, htypes, skill_ids, tsq, cand, recr;
    END IF;

    results := cc_job_page_render(ids, cand, ranked, tsq);
END
$$;

-- A page of jobs by id, in that order, rendered as cc_job_page renders it (with `rank` when
-- ranked). plpgsql, so its plan is kept per session.
CREATE OR REPLACE FUNCTION cc_job_page_render(ids bigint[], cand bigint, ranked boolean,
                                              tsq tsquery)
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

-- ---- the search cache (tables in schema/0008) ----------------------------------------------

-- A shared, exact result cache for the public search box (search/?q= and advanced-search/ with
-- only a query, ordered by rank). Ranking every match of a common word costs O(matches) (about
-- 300 ms for a term in half of 100,000 jobs); people search for the same few words over and
-- over, so the ranked ids of the first pages are kept and reused until anything that could
-- change them happens:
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
-- non-public list go to cc_job_page as before.
--
-- cc_job_page with the cache in front (same arguments and results; see cc_job_page above).
CREATE OR REPLACE FUNCTION cc_job_page_cached(f jsonb, OUT total bigint, OUT results text,
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

-- ---- the open-jobs counter (job_open_counts and its triggers: schema/0004) -----------------

-- The open (active, unexpired) jobs, exactly (plpgsql: its plan is kept for the session).
CREATE OR REPLACE FUNCTION cc_open_jobs_count() RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT sum(n) FROM job_open_counts
                     WHERE day > (now() AT TIME ZONE 'UTC')::date), 0)::bigint
         + (SELECT count(*) FROM jobs
            WHERE is_active AND expires_at > now()
              AND expires_at < ((now() AT TIME ZONE 'UTC')::date + 1) AT TIME ZONE 'UTC');
END
$$;

-- The counter's bucket of a job: its UTC day of expiry, 'infinity' without expiry. The counts
-- stored in job_open_counts depend on it: a change needs a schema file that recounts them.
CREATE OR REPLACE FUNCTION cc_job_expiry_day(expires_at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce((expires_at AT TIME ZONE 'UTC')::date, 'infinity') $$;

-- The triggers jobs_insert_open, jobs_update_open and jobs_delete_open: moves the counts of the
-- statement's rows (statement-level, so a bulk load writes a few buckets).
CREATE OR REPLACE FUNCTION cc_jobs_open_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO job_open_counts AS c (day, slot, n)
        SELECT cc_job_expiry_day(expires_at), pg_backend_pid() % 4, count(*)
        FROM new_rows WHERE is_active GROUP BY 1
        ON CONFLICT (day, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO job_open_counts AS c (day, slot, n)
        SELECT cc_job_expiry_day(expires_at), pg_backend_pid() % 4, -count(*)
        FROM old_rows WHERE is_active GROUP BY 1
        ON CONFLICT (day, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        -- most updates (edits) move nothing and write nothing
        INSERT INTO job_open_counts AS c (day, slot, n)
        SELECT d.day, pg_backend_pid() % 4, sum(d.n)
        FROM (SELECT cc_job_expiry_day(expires_at) AS day, 1 AS n FROM new_rows WHERE is_active
              UNION ALL
              SELECT cc_job_expiry_day(expires_at), -1 FROM old_rows WHERE is_active) d
        GROUP BY d.day HAVING sum(d.n) <> 0
        ON CONFLICT (day, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;

-- The trigger jobs_truncate_open.
CREATE OR REPLACE FUNCTION cc_jobs_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_open_counts;
    RETURN NULL;
END
$$;

-- ---- skill names (the search vector's; triggers in schema/0003) ----------------------------

-- skill_names follows job_skills and skill renames (statement-level: one UPDATE per statement,
-- whatever the number of rows, so bulk loads stay set-based).
-- Rows whose value is already right are not written (a loader that fills skill_names itself
-- spares every job a second write).
CREATE OR REPLACE FUNCTION cc_jobs_refresh_skill_names(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE jobs j SET skill_names = n.names
    FROM (SELECT i.id, coalesce((SELECT string_agg(s.name, ' ' ORDER BY s.name)
                                 FROM job_skills js JOIN skills s ON s.id = js.skill_id
                                 WHERE js.job_id = i.id), '') AS names
          FROM unnest(ids) AS i (id)) n
    WHERE j.id = n.id AND j.skill_names IS DISTINCT FROM n.names
$$;

-- The triggers job_skills_insert and job_skills_delete.
CREATE OR REPLACE FUNCTION cc_job_skills_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM cc_jobs_refresh_skill_names(ARRAY(SELECT DISTINCT job_id FROM new_rows));
    ELSE
        PERFORM cc_jobs_refresh_skill_names(ARRAY(SELECT DISTINCT job_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;

-- The trigger skills_renamed: the jobs of a renamed skill.
CREATE OR REPLACE FUNCTION cc_skills_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cc_jobs_refresh_skill_names(ARRAY(
        SELECT DISTINCT js.job_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN job_skills js ON js.skill_id = n.id WHERE n.name IS DISTINCT FROM o.name));
    RETURN NULL;
END
$$;
