-- 0004: jobs and search (CONTRACT §4): the job renderer, the one-statement page function behind
-- the list, search and advanced-search endpoints, and the indexes every filter path uses.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ---- renderers -----------------------------------------------------------------------------

-- b's members appended to object a (json keeps the members in the order written, jsonb would
-- sort them). Both must be non-empty objects.
CREATE FUNCTION cc_json_concat(a json, b json) RETURNS json LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (left(a::text, -1) || ', ' || substr(b::text, 2))::json $$;

-- A job as every endpoint shows it (CONTRACT §4), without the per-candidate fields.
CREATE FUNCTION cc_job_base_json(j jobs) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
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
        'vacancies', j.vacancies,
        'hospital', (SELECT cc_hospital_brief_json(h) FROM hospitals h WHERE h.id = j.hospital_id),
        'posted_by', j.posted_by, 'is_active', j.is_active,
        'applications_count', j.applications_count,
        'created_at', cc_ts(j.created_at), 'updated_at', cc_ts(j.updated_at),
        'expires_at', cc_ts(j.expires_at))
$$;

-- The job for a reader: `candidate` is the reader's candidate profile id (NULL for anyone else),
-- which adds has_applied, application_status and match_score.
CREATE FUNCTION cc_job_json(j jobs, candidate bigint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN candidate IS NULL THEN cc_job_base_json(j)
           ELSE cc_json_concat(cc_job_base_json(j),
                               (SELECT json_build_object('has_applied', a.id IS NOT NULL,
                                                         'application_status', a.status,
                                                         'match_score',
                                                         cc_match_score(candidate, j.id))
                                FROM (SELECT 1) one
                                LEFT JOIN applications a ON a.job_id = j.id
                                                        AND a.candidate_id = candidate))
           END
$$;

-- ---- filters -------------------------------------------------------------------------------

-- The text `location` matches (location text, city and state), for one trigram index.
CREATE FUNCTION cc_job_place(location text, city text, state text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce(location, '') || ' ' || coalesce(city, '') || ' ' || coalesce(state, '') $$;

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
-- The WHERE clause is assembled from fixed fragments, one per filter present, and every value is
-- bound with EXECUTE ... USING (never pasted into the text). EXECUTE plans once per call with the
-- values known, so each filter path gets the plan of its own index: the role runs with
-- plan_cache_mode = force_generic_plan, under which a static "($1 IS NULL OR col = $1)" query
-- would scan the whole table.
CREATE FUNCTION cc_job_page(f jsonb, OUT total bigint, OUT results text, OUT bad_skill text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    w text := 'true';
    ord text;
    item text := 'cc_job_json(j, $7)';
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
    ELSE
        NULL;
    END CASE;
    IF f ? 'is_active' AND f ->> 'scope' <> 'public' THEN
        w := w || ' AND j.is_active = ($1 ->> ''is_active'')::boolean';
    END IF;
    IF f ? 'location' THEN
        w := w || ' AND cc_job_place(j.location, j.city, j.state) ILIKE cc_like($1 ->> ''location'')';
    END IF;
    IF f ? 'city' THEN
        w := w || ' AND lower(j.city) = lower($1 ->> ''city'')';
    END IF;
    IF f ? 'state' THEN
        w := w || ' AND lower(j.state) = lower($1 ->> ''state'')';
    END IF;
    IF f ? 'department' THEN
        w := w || ' AND lower(j.department) = lower($1 ->> ''department'')';
    END IF;
    IF cardinality(job_types) > 0 THEN
        w := w || ' AND j.job_type = ANY ($2)';
    END IF;
    IF cardinality(levels) > 0 THEN
        w := w || ' AND j.experience_level = ANY ($3)';
    END IF;
    IF cardinality(htypes) > 0 THEN
        w := w || ' AND j.hospital_id IN (SELECT h.id FROM hospitals h WHERE h.type = ANY ($4))';
    END IF;
    IF f ? 'salary_min' THEN
        w := w || ' AND j.salary_max >= ($1 ->> ''salary_min'')::numeric';
    END IF;
    IF f ? 'salary_max' THEN
        w := w || ' AND j.salary_min <= ($1 ->> ''salary_max'')::numeric';
    END IF;
    IF cardinality(skill_ids) > 0 THEN
        w := w || ' AND j.id IN (SELECT js.job_id FROM job_skills js WHERE js.skill_id = ANY ($5)'
                  ' GROUP BY js.job_id HAVING count(*) = cardinality($5))';
    END IF;
    IF f ? 'hospital' THEN
        w := w || ' AND j.hospital_id = ($1 ->> ''hospital'')::bigint';
    END IF;
    IF f ? 'posted_after' THEN
        w := w || ' AND j.created_at >= ($1 ->> ''posted_after'')::date';
    END IF;
    IF f ? 'q' THEN
        tsq := websearch_to_tsquery('english', f ->> 'q');
        w := w || ' AND j.search_vector @@ $6';
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
        ELSE 'j.created_at DESC, j.id DESC' END;
    IF (f ->> 'ordering') IN ('rank', '-rank') AND tsq IS NULL THEN
        ord := 'j.created_at DESC, j.id DESC';  -- no query: every rank is null
    END IF;
    IF (f ->> 'ranked')::boolean THEN
        item := CASE WHEN tsq IS NULL
                     THEN 'cc_json_concat(cc_job_json(j, $7), json_build_object(''rank'', NULL))'
                     ELSE 'cc_json_concat(cc_job_json(j, $7), json_build_object(''rank'','
                          ' ts_rank(j.search_vector, $6)))' END;
    END IF;

    EXECUTE 'SELECT count(*) FROM jobs j WHERE ' || w
        INTO total USING f, job_types, levels, htypes, skill_ids, tsq, cand, recr;
    -- the ids of the page first (an index walk), then only those rows are rendered
    EXECUTE 'SELECT coalesce(json_agg(' || item || ' ORDER BY t.o), ''[]'')::text'
            ' FROM unnest(ARRAY(SELECT j.id FROM jobs j WHERE ' || w || ' ORDER BY ' || ord
            || ' LIMIT ($1 ->> ''limit'')::bigint OFFSET ($1 ->> ''offset'')::bigint))'
            ' WITH ORDINALITY t(id, o) JOIN jobs j ON j.id = t.id'
        INTO results USING f, job_types, levels, htypes, skill_ids, tsq, cand, recr;
END
$$;

-- ---- indexes: one for every filter and ordering path -----------------------------------------

CREATE INDEX jobs_search_idx ON jobs USING gin (search_vector);
CREATE INDEX jobs_place_trgm_idx ON jobs USING gin (cc_job_place(location, city, state) gin_trgm_ops);
CREATE INDEX jobs_city_idx ON jobs (lower(city));
CREATE INDEX jobs_state_idx ON jobs (lower(state));
CREATE INDEX jobs_department_idx ON jobs (lower(department));
-- low-selectivity filters: covering, so the public count is an index-only scan, not a seq scan
CREATE INDEX jobs_job_type_idx ON jobs (job_type, created_at, id) INCLUDE (is_active, expires_at);
CREATE INDEX jobs_level_idx ON jobs (experience_level, created_at, id)
    INCLUDE (is_active, expires_at);
CREATE INDEX jobs_hospital_cover_idx ON jobs (hospital_id, created_at, id)
    INCLUDE (is_active, expires_at);
CREATE INDEX jobs_posted_by_idx ON jobs (posted_by, created_at);
CREATE INDEX jobs_created_idx ON jobs (created_at, id);
CREATE INDEX jobs_salary_min_idx ON jobs (salary_min, id);
CREATE INDEX jobs_salary_max_idx ON jobs (salary_max, id);
CREATE INDEX jobs_start_date_idx ON jobs (start_date, id);
CREATE INDEX jobs_expires_idx ON jobs (expires_at, id);
-- the public list's count: an index-only scan over the active jobs
CREATE INDEX jobs_public_idx ON jobs (expires_at) WHERE is_active;
