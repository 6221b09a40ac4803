-- Matching (CONTRACT §4 "Matching"): the score of a candidate profile for a job, its factors as
-- shown, the renderers of the matches lists, the set-based rankings behind GET jobs/matches/ for
-- both directions, the candidate's ranking cache, and the id arrays the rankings read. Scores
-- are computed from current data on every call; the only stored helpers are per-row keys and
-- arrays the database keeps current itself (schema/0006, whose key functions cc_loc_key,
-- cc_loc_keys, cc_job_match_keys and cc_candidate_match_keys stay there: columns and indexes
-- store their results).
--
-- The formula, in points (each factor exact; the sum is rounded once, half up):
--   skills          40 * matched / job skills        (a job without skills: 40)
--   experience      20 if years >= required, else 20 * years / required
--                   (required 0: 20; unknown years count as 0)
--   location        15 candidate city or a preferred location = job city,
--                    8 candidate state or a preferred location = job state, else 0
--                   (trimmed, case-insensitive; a job without city/state matches nothing)
--   job type        10 job_type in preferred_job_types, or no preference at all; else 0
--   salary          10 no expected salary, or expected <= salary_max (within or below the range);
--                   above: 10 * salary_max / expected
--   qualifications   5 * held / job qualifications   (a job without qualifications: 5)
--
-- Pruning bound used by the rankings: a pair without a common skill (the job having skills)
-- and without a location hit scores at most 20 + 10 + 10 + 5 = 45.

-- ---- the formula, one function per factor (inlined by the planner) -------------------------

-- share of `total` items matched, worth max_points; nothing required: full points
CREATE OR REPLACE FUNCTION cc_mf_share(matched bigint, total integer, max_points integer)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN total > 0 THEN max_points::numeric * matched / total
                ELSE max_points::numeric END
$$;

CREATE OR REPLACE FUNCTION cc_mf_experience(years integer, required integer) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN required <= 0 OR coalesce(years, 0) >= required THEN 20::numeric
                ELSE 20::numeric * coalesce(years, 0) / required END
$$;

CREATE OR REPLACE FUNCTION cc_mf_location(city_hit boolean, state_hit boolean) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN city_hit THEN 15::numeric WHEN state_hit THEN 8::numeric ELSE 0::numeric END
$$;

CREATE OR REPLACE FUNCTION cc_mf_job_type(preferred text[], job_type text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cardinality(preferred) = 0 OR job_type = ANY (preferred) THEN 10::numeric
                ELSE 0::numeric END
$$;

-- expected > salary_max >= 0 in the last branch, so never a division by zero
CREATE OR REPLACE FUNCTION cc_mf_salary(expected numeric, salary_max numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN expected IS NULL OR expected <= salary_max THEN 10::numeric
                ELSE 10 * salary_max / expected END
$$;

-- One rounding of the exact sum, half up (the inner round only absorbs the last digit of the
-- decimal divisions, so 72.4999999999999999 from thirds cannot flip a true 72.5).
CREATE OR REPLACE FUNCTION cc_match_total(skills numeric, experience numeric, location numeric,
                                          job_type numeric, salary numeric, quals numeric)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(round(skills + experience + location + job_type + salary + quals, 9))::integer
$$;

-- The whole score from the pair's numbers (what the rankings evaluate per row).
CREATE OR REPLACE FUNCTION cc_match_points(skills_matched bigint, skills_total integer,
                                           quals_matched bigint, quals_total integer,
                                           years integer, required integer,
                                           city_hit boolean, state_hit boolean,
                                           preferred text[], job_type text,
                                           expected numeric, salary_max numeric) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cc_match_total(cc_mf_share(skills_matched, skills_total, 40),
                          cc_mf_experience(years, required),
                          cc_mf_location(city_hit, state_hit),
                          cc_mf_job_type(preferred, job_type),
                          cc_mf_salary(expected, salary_max),
                          cc_mf_share(quals_matched, quals_total, 5))
$$;

-- Location hits of a candidate (its keys) for a job (its keys).
CREATE OR REPLACE FUNCTION cc_city_hit(c_city text, c_prefs text[], j_city text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(j_city = c_city OR j_city = ANY (c_prefs), false)
$$;

CREATE OR REPLACE FUNCTION cc_state_hit(c_state text, c_prefs text[], j_state text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(j_state = c_state OR j_state = ANY (c_prefs), false)
$$;

-- A factor's points as shown: two decimals, a JSON number.
CREATE OR REPLACE FUNCTION cc_mf_shown(points numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS
$$ SELECT round(points, 2) $$;

-- ---- one pair ------------------------------------------------------------------------------

-- {"match_score", "match_factors"} of a candidate profile for a job; NULL when either is
-- missing. Computed from the current rows on every call. PL/pgSQL so its plan is cached per
-- connection (a SQL function that is not inlined is planned again in every query).
CREATE OR REPLACE FUNCTION cc_match_json(candidate bigint, job bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object(
        'match_score', cc_match_total(f.sk, f.ex, f.lo, f.ty, f.sa, f.qu),
        'match_factors', jsonb_build_object(
            'skills', jsonb_build_object('score', cc_mf_shown(f.sk), 'max', 40,
                                         'matched', s.matched, 'missing', s.missing),
            'experience', jsonb_build_object('score', cc_mf_shown(f.ex), 'max', 20,
                                             'candidate_years', c.years_of_experience,
                                             'required_years', j.min_experience_years),
            'location', jsonb_build_object(
                'score', cc_mf_shown(f.lo), 'max', 15,
                'match', CASE WHEN j.city_key = c.city_key THEN 'city'
                              WHEN j.city_key = ANY (c.preferred_location_keys)
                                  THEN 'preferred_location'
                              WHEN j.state_key = c.state_key THEN 'state'
                              WHEN j.state_key = ANY (c.preferred_location_keys)
                                  THEN 'preferred_state' END,
                'candidate_city', c.city, 'candidate_state', c.state,
                'preferred_locations', to_jsonb(c.preferred_locations),
                'job_city', j.city, 'job_state', j.state),
            'job_type', jsonb_build_object(
                'score', cc_mf_shown(f.ty), 'max', 10, 'job_type', j.job_type,
                'preferred_job_types', to_jsonb(c.preferred_job_types),
                'matched', j.job_type = ANY (c.preferred_job_types)),
            'salary', jsonb_build_object(
                'score', cc_mf_shown(f.sa), 'max', 10,
                'expected_salary', to_char(c.expected_salary, 'FM9999999999990.00'),
                'salary_min', to_char(j.salary_min, 'FM9999999999990.00'),
                'salary_max', to_char(j.salary_max, 'FM9999999999990.00'),
                'position', CASE WHEN c.expected_salary IS NULL THEN NULL
                                 WHEN c.expected_salary < j.salary_min THEN 'below'
                                 WHEN c.expected_salary <= j.salary_max THEN 'within'
                                 ELSE 'above' END),
            'qualifications', jsonb_build_object('score', cc_mf_shown(f.qu), 'max', 5,
                                                 'matched', q.matched, 'missing', q.missing)))
    FROM candidate_profiles c, jobs j,
    -- by the stored id arrays: primary-key lookups, no scan of the master tables
    LATERAL (SELECT count(*) FILTER (WHERE x.id = ANY (c.skill_ids)) AS m, count(*) AS n,
                    coalesce(jsonb_agg(x.name ORDER BY x.name, x.id)
                             FILTER (WHERE x.id = ANY (c.skill_ids)), '[]') AS matched,
                    coalesce(jsonb_agg(x.name ORDER BY x.name, x.id)
                             FILTER (WHERE NOT x.id = ANY (c.skill_ids)), '[]') AS missing
             FROM skills x WHERE x.id = ANY (j.skill_ids)) s,
    LATERAL (SELECT count(*) FILTER (WHERE h.held) AS m, count(*) AS n,
                    coalesce(jsonb_agg(h.name ORDER BY h.name, h.id) FILTER (WHERE h.held),
                             '[]') AS matched,
                    coalesce(jsonb_agg(h.name ORDER BY h.name, h.id) FILTER (WHERE NOT h.held),
                             '[]') AS missing
             FROM (SELECT x.id, x.name,
                          EXISTS (SELECT 1 FROM candidate_qualifications cq
                                  WHERE cq.profile_id = c.id
                                    AND cq.qualification_id = x.id) AS held
                   FROM qualifications x WHERE x.id = ANY (j.qualification_ids)) h) q,
    LATERAL (SELECT cc_mf_share(s.m, s.n::integer, 40) AS sk,
                    cc_mf_experience(c.years_of_experience, j.min_experience_years) AS ex,
                    cc_mf_location(cc_city_hit(c.city_key, c.preferred_location_keys, j.city_key),
                                   cc_state_hit(c.state_key, c.preferred_location_keys,
                                                j.state_key)) AS lo,
                    cc_mf_job_type(c.preferred_job_types, j.job_type) AS ty,
                    cc_mf_salary(c.expected_salary, j.salary_max) AS sa,
                    cc_mf_share(q.m, q.n::integer, 5) AS qu) f
    WHERE c.id = candidate AND j.id = job);
END
$$;

-- The match score (0-100) of a candidate profile for a job; NULL when either is missing. The
-- score alone (job and application renderers call it per row): same factors, no names.
CREATE OR REPLACE FUNCTION cc_match_score(candidate bigint, job bigint) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT cc_match_points(
        CASE WHEN j.skill_ids && c.skill_ids
             THEN (SELECT count(*) FROM unnest(j.skill_ids) u WHERE u = ANY (c.skill_ids))
             ELSE 0 END,
        cardinality(j.skill_ids),
        (SELECT count(*) FROM job_qualifications jq JOIN candidate_qualifications cq
                ON cq.qualification_id = jq.qualification_id AND cq.profile_id = c.id
         WHERE jq.job_id = j.id),
        cardinality(j.qualification_ids),
        c.years_of_experience, j.min_experience_years,
        cc_city_hit(c.city_key, c.preferred_location_keys, j.city_key),
        cc_state_hit(c.state_key, c.preferred_location_keys, j.state_key),
        c.preferred_job_types, j.job_type, c.expected_salary, j.salary_max)
    FROM candidate_profiles c, jobs j
    WHERE c.id = candidate AND j.id = job);
END
$$;

-- ---- renderers -----------------------------------------------------------------------------

-- The job as the matches list shows it (jobs.sql has the full cc_job_json).
CREATE OR REPLACE FUNCTION cc_match_job_json(j jobs) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', j.id, 'title', j.title, 'hospital', cc_hospital_brief_json(h),
        'department', j.department, 'location', j.location, 'city', j.city, 'state', j.state,
        'job_type', j.job_type, 'experience_level', j.experience_level,
        'min_experience_years', j.min_experience_years,
        'salary_min', to_char(j.salary_min, 'FM9999999999990.00'),
        'salary_max', to_char(j.salary_max, 'FM9999999999990.00'),
        'salary_currency', j.salary_currency, 'pay_unit', j.pay_unit, 'shift', j.shift,
        'required_documents', to_json(j.required_documents),
        'expires_at', cc_ts(j.expires_at), 'created_at', cc_ts(j.created_at))
    FROM hospitals h WHERE h.id = j.hospital_id
$$;

-- The candidate as the recruiter's matches list shows it.
CREATE OR REPLACE FUNCTION cc_match_candidate_json(c candidate_profiles) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'first_name', u.first_name, 'last_name', u.last_name,
        'headline', c.headline, 'years_of_experience', c.years_of_experience,
        'city', c.city, 'state', c.state, 'verification_status', c.verification_status)
    FROM users u WHERE u.id = c.user_id
$$;

-- ---- rankings ------------------------------------------------------------------------------
-- Both return the rows of one page (rank order: score desc, then id desc) with the number of
-- all matches at or above min_score in `total` (0 rows: nothing on that page). Exact for the
-- formula: they score X, the pairs that share a skill or a place (or whose job has no skills),
-- and stop there when the page's last score is above 45, the most any pair outside X can
-- reach; otherwise (deep pages, weak matches, min_score 1-45 counted) they score every pair.
-- They find pairs through the GIN keys of schema/0006 (cc_job_match_keys,
-- cc_candidate_match_keys).

-- Open jobs are counted by cc_open_jobs_count() of jobs.sql (per expiry day, trigger-kept).

-- Exact scores of a candidate for the open jobs among `ids` (the candidate's data passed in,
-- read once per request).
CREATE OR REPLACE FUNCTION cc_match_score_jobs(c candidate_profiles, cs bigint[], cq bigint[],
                                               ids bigint[])
RETURNS TABLE (id bigint, s integer, city_key text, skill_n integer) LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY SELECT j.id, cc_match_points(
               CASE WHEN j.skill_ids && cs
                    THEN (SELECT count(*) FROM unnest(j.skill_ids) u WHERE u = ANY (cs))
                    ELSE 0 END,
               cardinality(j.skill_ids),
               CASE WHEN j.qualification_ids && cq
                    THEN (SELECT count(*) FROM unnest(j.qualification_ids) u WHERE u = ANY (cq))
                    ELSE 0 END,
               cardinality(j.qualification_ids),
               c.years_of_experience, j.min_experience_years,
               cc_city_hit(c.city_key, c.preferred_location_keys, j.city_key),
               cc_state_hit(c.state_key, c.preferred_location_keys, j.state_key),
               c.preferred_job_types, j.job_type, c.expected_salary, j.salary_max),
           j.city_key, cardinality(j.skill_ids)
    FROM jobs j
    WHERE j.id = ANY (ids) AND j.is_active AND (j.expires_at IS NULL OR j.expires_at > now());
END
$$;

-- Jobs ranked for a candidate. Exact for the formula, in three steps:
-- 1. seed: the open jobs in the candidate's cities (or preferred locations) sharing a skill
--    (found index-only: jobs_open_city_idx carries skill_ids) and the open jobs without skills,
--    all scored. T = the page's last score among them. The other jobs of those cities share no
--    skill, so score at most 15 + 45 = 60: they are scored and added only when T <= 60.
-- 2. any other job scores at most 40 * matched / skills + 8 (in one of the candidate's states,
--    else 0) + 45 (experience, type, salary and qualifications at their maximum): 93 at most,
--    85 outside the states. When T >= 94 the seed is the answer. When T >= 56 a job without a
--    common skill cannot reach T; one with a single common skill only when it has at most
--    40 / (T - 45.5) skills (40 / (T - 53.5) in the candidate's states; rounding included);
--    jobs with two or more are found by their skill pairs (GIN @>), in the states only when
--    T > 85. Those are scored too, and the page comes from the union.
-- 3. otherwise (weak seeds, more than 12 candidate skills, min_score 1-55) the X ranking.
-- The count is the open-job counter when min_score is 0, else the exact count of that set.
CREATE OR REPLACE FUNCTION cc_match_rank_jobs(p_candidate bigint, p_min integer, p_limit integer,
                                              p_offset integer)
RETURNS TABLE (total bigint, id bigint, score integer) LANGUAGE plpgsql STABLE
-- generic plans of these queries are costed far above jit_above_cost: JIT compiling them cost
-- ~65 ms a call, the queries themselves a few
SET jit = off AS $$
#variable_conflict use_column
DECLARE
    c candidate_profiles;
    cs bigint[];
    cq bigint[];
    k integer := p_limit + p_offset;
    ids bigint[];
    scores integer[];
    n bigint;
    ck text[];
    sk text[];
    t integer;
    nmax integer;
    nmax8 integer;
    stk bigint[];
    seed_ids bigint[];
    seed_s integer[];
BEGIN
    SELECT * INTO c FROM candidate_profiles p WHERE p.id = p_candidate;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    cs := ARRAY(SELECT skill_id FROM candidate_skills WHERE profile_id = p_candidate);
    cq := ARRAY(SELECT qualification_id FROM candidate_qualifications
                WHERE profile_id = p_candidate);
    ck := array_remove(c.city_key || c.preferred_location_keys, NULL);
    sk := array_remove(c.state_key || c.preferred_location_keys, NULL);

    -- steps 1 and 2
    IF cardinality(cs) <= 12 AND (p_min <= 0 OR p_min >= 56) THEN
        -- seed: the jobs of the candidate's cities sharing a skill, and the jobs without skills
        SELECT array_agg(x.id ORDER BY x.s DESC, x.id DESC),
               array_agg(x.s ORDER BY x.s DESC, x.id DESC)
        INTO seed_ids, seed_s
        FROM cc_match_score_jobs(c, cs, cq, ARRAY(
                 SELECT j.id FROM jobs j
                 WHERE j.is_active AND j.city_key = ANY (ck) AND j.skill_ids && cs
                 UNION ALL SELECT j.id FROM jobs j WHERE j.is_active AND j.skill_ids = '{}')) x
        WHERE x.s >= p_min;
        seed_ids := coalesce(seed_ids, '{}');
        seed_s := coalesce(seed_s, '{}');
        -- the threshold: the seed's page end, or min_score itself (then the set holds every
        -- match, so it is counted exactly)
        t := CASE WHEN p_min >= 56 THEN p_min
                  WHEN cardinality(seed_s) >= k THEN seed_s[k] ELSE -1 END;
        -- the other jobs of the cities share no skill: 15 + 45 at most, so they matter only
        -- when t - 0.5 <= 60
        IF t < 61 THEN
            SELECT array_agg(x.id ORDER BY x.s DESC, x.id DESC),
                   array_agg(x.s ORDER BY x.s DESC, x.id DESC)
            INTO seed_ids, seed_s
            FROM (SELECT u.id, u.s FROM unnest(seed_ids, seed_s) u (id, s)
                  UNION ALL
                  SELECT x.id, x.s FROM cc_match_score_jobs(c, cs, cq, ARRAY(
                      SELECT j.id FROM jobs j
                      WHERE j.is_active AND j.city_key = ANY (ck) AND j.skill_ids <> '{}'
                        AND NOT j.skill_ids && cs)) x
                  WHERE x.s >= p_min) x;
            seed_ids := coalesce(seed_ids, '{}');
            seed_s := coalesce(seed_s, '{}');
            t := CASE WHEN p_min >= 56 THEN p_min
                      WHEN cardinality(seed_s) >= k THEN seed_s[k] ELSE -1 END;
        END IF;
        -- outside the cities a job scores at most 40 m / n + 45, + 8 in the candidate's
        -- states: 93 at most, 85 outside those states
        IF t >= 94 THEN
            n := CASE WHEN p_min <= 0 THEN cc_open_jobs_count() ELSE cardinality(seed_ids) END;
            RETURN QUERY SELECT n, u.id, u.s
                         FROM unnest(seed_ids[p_offset + 1:k], seed_s[p_offset + 1:k])
                              WITH ORDINALITY AS u (id, s, o) ORDER BY u.o;
            RETURN;
        END IF;
        IF t >= 56 THEN
            -- a single shared skill reaches t only on a job with at most nmax skills:
            -- 40 / n + 45 >= t - 0.5 elsewhere, 40 / n + 53 >= t - 0.5 in the candidate's states
            nmax := floor(40 / (t - 45.5));
            nmax8 := floor(40 / (t - 53.5));
            stk := ARRAY(SELECT (cc_job_match_keys('{}', x))[1] FROM unnest(sk) x);
            IF nmax <= 3 THEN
                WITH cand AS (
                         SELECT j.id FROM jobs j
                         WHERE j.is_active AND cardinality(j.skill_ids) = 1 AND j.skill_ids && cs
                           AND nmax >= 1
                         UNION SELECT j.id FROM jobs j
                               WHERE j.is_active AND cardinality(j.skill_ids) = 2
                                 AND j.skill_ids && cs AND nmax >= 2
                         UNION SELECT j.id FROM jobs j
                               WHERE j.is_active AND cardinality(j.skill_ids) = 3
                                 AND j.skill_ids && cs AND nmax >= 3
                         -- in the candidate's states: a single shared skill on a small job,
                         -- or two (the pairs below skip the states when t > 85)
                         UNION SELECT j.id
                               FROM unnest(stk) st, unnest(cs) a,
                                    LATERAL (SELECT j.id, j.skill_ids FROM jobs j
                                             WHERE j.is_active
                                               AND cc_job_match_keys(j.skill_ids, j.state_key)
                                                   @> ARRAY[st, a]
                                             OFFSET 0) j -- keeps the GIN path per pair
                               WHERE cardinality(j.skill_ids) <= nmax8
                                  OR (t >= 86 AND (SELECT count(*) FROM unnest(j.skill_ids) u
                                                   WHERE u = ANY (cs)) >= 2)
                         -- two or more shared skills anywhere (85 at most outside the states)
                         UNION SELECT j.id
                               FROM unnest(cs) a, unnest(cs) b,
                                    LATERAL (SELECT j.id FROM jobs j WHERE j.is_active
                                             AND cc_job_match_keys(j.skill_ids, j.state_key)
                                                 @> ARRAY[a, b]) j
                               WHERE a < b AND t <= 85),
                     scored AS (SELECT x.id, x.s FROM cc_match_score_jobs(
                                    c, cs, cq, ARRAY(SELECT cand.id FROM cand)) x
                                -- the seed's jobs are scored already
                                WHERE x.s >= p_min AND NOT coalesce(x.city_key = ANY (ck), false)
                                  AND x.skill_n > 0
                                UNION ALL
                                SELECT u.id, u.s FROM unnest(seed_ids, seed_s) u (id, s)),
                     top AS (SELECT x.id, x.s FROM scored x ORDER BY x.s DESC, x.id DESC
                             LIMIT k)
                SELECT ARRAY(SELECT x.id FROM top x ORDER BY x.s DESC, x.id DESC),
                       ARRAY(SELECT x.s FROM top x ORDER BY x.s DESC, x.id DESC),
                       CASE WHEN p_min <= 0 THEN cc_open_jobs_count()
                            ELSE (SELECT count(*) FROM scored) END
                INTO ids, scores, n;
                -- with min_score >= 56 the set holds every match, however short the page
                IF p_min >= 56 OR cardinality(ids) >= k THEN
                    RETURN QUERY SELECT n, u.id, u.s
                                 FROM unnest(ids[p_offset + 1:k], scores[p_offset + 1:k])
                                      WITH ORDINALITY AS u (id, s, o) ORDER BY u.o;
                    RETURN;
                END IF;
            END IF;
        END IF;
    END IF;

    -- step 3: X, the jobs sharing a skill or a place (or without skills): a job outside X
    -- scores at most 45
    WITH ov AS (SELECT js.job_id, count(*) AS m FROM job_skills js
                WHERE js.skill_id = ANY (cs) GROUP BY js.job_id),
         x AS (SELECT ov.job_id FROM ov
               UNION SELECT j.id FROM jobs j WHERE j.is_active AND j.city_key = ANY (ck)
               UNION SELECT j.id FROM jobs j WHERE j.is_active AND j.state_key = ANY (sk)
               UNION SELECT j.id FROM jobs j WHERE j.is_active AND j.skill_ids = '{}'),
         scored AS (
             SELECT j.id, cc_match_points(
                        coalesce(ov.m, 0), cardinality(j.skill_ids),
                        CASE WHEN j.qualification_ids && cq
                             THEN (SELECT count(*) FROM unnest(j.qualification_ids) u WHERE u = ANY (cq))
                             ELSE 0 END,
                        cardinality(j.qualification_ids),
                        c.years_of_experience, j.min_experience_years,
                        cc_city_hit(c.city_key, c.preferred_location_keys, j.city_key),
                        cc_state_hit(c.state_key, c.preferred_location_keys, j.state_key),
                        c.preferred_job_types, j.job_type, c.expected_salary, j.salary_max) AS s
             FROM x JOIN jobs j ON j.id = x.job_id LEFT JOIN ov ON ov.job_id = j.id
             WHERE j.is_active AND (j.expires_at IS NULL OR j.expires_at > now())),
         top AS (SELECT t.id, t.s FROM scored t WHERE t.s >= p_min
                 ORDER BY t.s DESC, t.id DESC LIMIT k)
    SELECT ARRAY(SELECT t.id FROM top t ORDER BY t.s DESC, t.id DESC),
           ARRAY(SELECT t.s FROM top t ORDER BY t.s DESC, t.id DESC),
           (SELECT count(*) FROM scored t WHERE t.s >= p_min)
    INTO ids, scores, n;

    IF p_min > 45 OR (cardinality(ids) >= k AND scores[k] > 45) THEN
        IF p_min <= 0 THEN
            n := cc_open_jobs_count();
        ELSIF p_min <= 45 THEN
            n := NULL; -- pairs outside X may count: below
        END IF;
        IF n IS NOT NULL THEN
            RETURN QUERY SELECT n, u.id, u.s FROM unnest(ids[p_offset + 1:k], scores[p_offset + 1:k])
                                 WITH ORDINALITY AS u (id, s, o) ORDER BY u.o;
            RETURN;
        END IF;
    END IF;

    -- every open job
    RETURN QUERY
    WITH ov AS (SELECT js.job_id, count(*) AS m FROM job_skills js
                WHERE js.skill_id = ANY (cs) GROUP BY js.job_id),
         scored AS (
             SELECT j.id, cc_match_points(
                        coalesce(ov.m, 0), cardinality(j.skill_ids),
                        CASE WHEN j.qualification_ids && cq
                             THEN (SELECT count(*) FROM unnest(j.qualification_ids) u WHERE u = ANY (cq))
                             ELSE 0 END,
                        cardinality(j.qualification_ids),
                        c.years_of_experience, j.min_experience_years,
                        cc_city_hit(c.city_key, c.preferred_location_keys, j.city_key),
                        cc_state_hit(c.state_key, c.preferred_location_keys, j.state_key),
                        c.preferred_job_types, j.job_type, c.expected_salary, j.salary_max) AS s
             FROM jobs j LEFT JOIN ov ON ov.job_id = j.id
             WHERE j.is_active AND (j.expires_at IS NULL OR j.expires_at > now())),
         counted AS (SELECT t.id, t.s, count(*) OVER () AS n FROM scored t WHERE t.s >= p_min)
    SELECT t.n, t.id, t.s FROM counted t ORDER BY t.s DESC, t.id DESC
    LIMIT p_limit OFFSET p_offset;
END
$$;

-- The number of candidates a recruiter's ranking covers (verified profiles of active users):
-- an index-only count of the verified profiles less the few of deactivated users
-- (users_inactive_idx).
CREATE OR REPLACE FUNCTION cc_match_candidates_count() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT (SELECT count(*) FROM candidate_profiles WHERE verification_status = 'verified')
         - (SELECT count(*) FROM users u JOIN candidate_profiles c ON c.user_id = u.id
            WHERE NOT u.is_active AND c.verification_status = 'verified')
$$;

-- Exact scores for a job of the eligible candidates among `ids` (verified, active users).
CREATE OR REPLACE FUNCTION cc_match_score_candidates(j jobs, ids bigint[])
RETURNS TABLE (id bigint, s integer) LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY SELECT c.id, cc_match_points(
               CASE WHEN c.skill_ids && j.skill_ids
                    THEN (SELECT count(*) FROM unnest(c.skill_ids) x WHERE x = ANY (j.skill_ids))
                    ELSE 0 END,
               cardinality(j.skill_ids),
               (SELECT count(*) FROM candidate_qualifications cq WHERE cq.profile_id = c.id
                  AND cq.qualification_id = ANY (j.qualification_ids)),
               cardinality(j.qualification_ids),
               c.years_of_experience, j.min_experience_years,
               cc_city_hit(c.city_key, c.preferred_location_keys, j.city_key),
               cc_state_hit(c.state_key, c.preferred_location_keys, j.state_key),
               c.preferred_job_types, j.job_type, c.expected_salary, j.salary_max)
    FROM candidate_profiles c JOIN users u ON u.id = c.user_id
    WHERE c.id = ANY (ids) AND c.verification_status = 'verified' AND u.is_active;
END
$$;

-- Candidates ranked for a job: verified candidate profiles of active users (the pool a
-- recruiter may approach), same formula, the same three steps
-- as for jobs (seed: the candidates of the job's city; then those that can still reach the
-- page: two shared skills anywhere, one in the job's state; else X, else everyone).
CREATE OR REPLACE FUNCTION cc_match_rank_candidates(p_job bigint, p_min integer, p_limit integer,
                                                    p_offset integer)
RETURNS TABLE (total bigint, id bigint, score integer) LANGUAGE plpgsql STABLE
-- generic plans of these queries are costed far above jit_above_cost: JIT compiling them cost
-- ~65 ms a call, the queries themselves a few
SET jit = off AS $$
#variable_conflict use_column
DECLARE
    j jobs;
    k integer := p_limit + p_offset;
    ids bigint[];
    scores integer[];
    n bigint;
    nq integer;
    nsk integer;
    t integer;
    jst bigint;
    seed_ids bigint[];
    seed_s integer[];
BEGIN
    SELECT * INTO j FROM jobs x WHERE x.id = p_job;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    nq := cardinality(j.qualification_ids);
    nsk := cardinality(j.skill_ids);

    -- steps 1 and 2
    IF nsk BETWEEN 1 AND 12 AND (p_min <= 0 OR p_min >= 54) THEN
        SELECT array_agg(x.id ORDER BY x.s DESC, x.id DESC),
               array_agg(x.s ORDER BY x.s DESC, x.id DESC)
        INTO seed_ids, seed_s
        FROM cc_match_score_candidates(j, ARRAY(
                 SELECT c.id FROM candidate_profiles c
                 WHERE c.verification_status = 'verified' AND c.city_key = j.city_key
                 UNION SELECT c.id FROM candidate_profiles c
                       WHERE c.verification_status = 'verified'
                         AND c.preferred_location_keys @> ARRAY[j.city_key])) x
        WHERE x.s >= p_min;
        seed_ids := coalesce(seed_ids, '{}');
        seed_s := coalesce(seed_s, '{}');
        t := CASE WHEN p_min >= 54 THEN p_min
                  WHEN cardinality(seed_s) >= k THEN seed_s[k] ELSE -1 END;
        -- m shared skills reach t only when 40 m / nsk + (8 in the job's state) + 45 >= t - 0.5:
        -- here none can with one skill outside the state, or with none at all
        IF t - 0.5 > 45 + 40.0 / nsk AND t - 0.5 > 53 THEN
            jst := (cc_job_match_keys('{}', j.state_key))[1];
            IF 40.0 / nsk + 53 < t - 0.5 THEN
                jst := NULL; -- a single shared skill falls short even in the state
            END IF;
            WITH cand AS (
                     SELECT c.id
                     FROM unnest(j.skill_ids) a, unnest(j.skill_ids) b,
                          LATERAL (SELECT c.id FROM candidate_profiles c
                                   WHERE c.verification_status = 'verified'
                                     AND cc_candidate_match_keys(c.skill_ids, c.state_key,
                                                                 c.preferred_location_keys)
                                         @> ARRAY[a, b]
                                   OFFSET 0) c
                     WHERE a < b
                     UNION SELECT c.id
                           FROM unnest(j.skill_ids) a,
                                LATERAL (SELECT c.id FROM candidate_profiles c
                                         WHERE c.verification_status = 'verified'
                                           AND cc_candidate_match_keys(c.skill_ids, c.state_key,
                                                                       c.preferred_location_keys)
                                               @> ARRAY[jst, a]
                                         OFFSET 0) c
                           WHERE jst IS NOT NULL),
                 scored AS (SELECT x.id, x.s FROM cc_match_score_candidates(
                                j, ARRAY(SELECT cand.id FROM cand
                                         WHERE cand.id <> ALL (seed_ids))) x
                            WHERE x.s >= p_min
                            UNION ALL
                            SELECT u.id, u.s FROM unnest(seed_ids, seed_s) u (id, s)),
                 top AS (SELECT x.id, x.s FROM scored x ORDER BY x.s DESC, x.id DESC LIMIT k)
            SELECT ARRAY(SELECT x.id FROM top x ORDER BY x.s DESC, x.id DESC),
                   ARRAY(SELECT x.s FROM top x ORDER BY x.s DESC, x.id DESC),
                   CASE WHEN p_min <= 0
                        THEN cc_match_candidates_count()
                        ELSE (SELECT count(*) FROM scored) END
            INTO ids, scores, n;
            IF p_min >= 54 OR cardinality(ids) >= k THEN
                RETURN QUERY SELECT n, u.id, u.s
                             FROM unnest(ids[p_offset + 1:k], scores[p_offset + 1:k])
                                  WITH ORDINALITY AS u (id, s, o) ORDER BY u.o;
                RETURN;
            END IF;
        END IF;
    END IF;

    -- step 3
    IF cardinality(j.skill_ids) > 0 THEN
        WITH ov AS (SELECT cs.profile_id, count(*) AS m FROM candidate_skills cs
                    WHERE cs.skill_id = ANY (j.skill_ids) GROUP BY cs.profile_id),
             x AS (SELECT ov.profile_id FROM ov
                   UNION SELECT c.id FROM candidate_profiles c WHERE c.city_key = j.city_key
                   UNION SELECT c.id FROM candidate_profiles c WHERE c.state_key = j.state_key
                   UNION SELECT c.id FROM candidate_profiles c
                         WHERE c.preferred_location_keys && ARRAY[j.city_key, j.state_key]),
             scored AS (
                 SELECT c.id, cc_match_points(
                            coalesce(ov.m, 0), cardinality(j.skill_ids),
                            (SELECT count(*) FROM candidate_qualifications cq
                             WHERE cq.profile_id = c.id
                               AND cq.qualification_id = ANY (j.qualification_ids)), nq,
                            c.years_of_experience, j.min_experience_years,
                            cc_city_hit(c.city_key, c.preferred_location_keys, j.city_key),
                            cc_state_hit(c.state_key, c.preferred_location_keys, j.state_key),
                            c.preferred_job_types, j.job_type, c.expected_salary,
                            j.salary_max) AS s
                 FROM x JOIN candidate_profiles c ON c.id = x.profile_id
                 JOIN users u ON u.id = c.user_id LEFT JOIN ov ON ov.profile_id = c.id
                 WHERE c.verification_status = 'verified' AND u.is_active),
             top AS (SELECT t.id, t.s FROM scored t WHERE t.s >= p_min
                     ORDER BY t.s DESC, t.id DESC LIMIT k)
        SELECT ARRAY(SELECT t.id FROM top t ORDER BY t.s DESC, t.id DESC),
               ARRAY(SELECT t.s FROM top t ORDER BY t.s DESC, t.id DESC),
               (SELECT count(*) FROM scored t WHERE t.s >= p_min)
        INTO ids, scores, n;

        IF p_min > 45 OR (cardinality(ids) >= k AND scores[k] > 45) THEN
            IF p_min <= 0 THEN
                n := cc_match_candidates_count();
            ELSIF p_min <= 45 THEN
                n := NULL;
            END IF;
            IF n IS NOT NULL THEN
                RETURN QUERY SELECT n, u.id, u.s
                             FROM unnest(ids[p_offset + 1:k], scores[p_offset + 1:k])
                                  WITH ORDINALITY AS u (id, s, o) ORDER BY u.o;
                RETURN;
            END IF;
        END IF;
    END IF;

    -- every eligible candidate
    RETURN QUERY
    WITH ov AS (SELECT cs.profile_id, count(*) AS m FROM candidate_skills cs
                WHERE cs.skill_id = ANY (j.skill_ids) GROUP BY cs.profile_id),
         oq AS (SELECT cq.profile_id, count(*) AS m FROM candidate_qualifications cq
                WHERE cq.qualification_id = ANY (j.qualification_ids) GROUP BY cq.profile_id),
         scored AS (
             SELECT c.id, cc_match_points(
                        coalesce(ov.m, 0), cardinality(j.skill_ids), coalesce(oq.m, 0), nq,
                        c.years_of_experience, j.min_experience_years,
                        cc_city_hit(c.city_key, c.preferred_location_keys, j.city_key),
                        cc_state_hit(c.state_key, c.preferred_location_keys, j.state_key),
                        c.preferred_job_types, j.job_type, c.expected_salary, j.salary_max) AS s
             FROM candidate_profiles c JOIN users u ON u.id = c.user_id
             LEFT JOIN ov ON ov.profile_id = c.id LEFT JOIN oq ON oq.profile_id = c.id
             WHERE c.verification_status = 'verified' AND u.is_active),
         counted AS (SELECT t.id, t.s, count(*) OVER () AS n FROM scored t WHERE t.s >= p_min)
    SELECT t.n, t.id, t.s FROM counted t ORDER BY t.s DESC, t.id DESC
    LIMIT p_limit OFFSET p_offset;
END
$$;

-- ---- the candidate's ranking cache (match_cache: schema/0009) ------------------------------

-- The search cache's idea (jobs.sql, cc_job_page_cached) for GET jobs/matches/ of a candidate:
-- the ranking (cc_match_rank_jobs) is kept per (candidate, min_score) as deep as it was asked
-- for (the ranking prunes by the depth it needs, so a miss costs what the uncached call costs; a
-- deeper page recomputes and keeps the deeper list, up to 100 results) and reused while
-- nothing it read has changed:
--   * the jobs: job_search_version again (skills and qualifications of a job reach the job row
--     through the triggers below, so they bump it too);
--   * the candidate: a digest of the profile row (skills ids, places, preferences, salary,
--     experience) and of its qualification ids, compared on every read;
--   * time: the earliest upcoming expiry of any open job (any job can enter a ranking), and at
--     most 5 minutes.
-- Scores and factors shown are computed from the current rows on every request (the
-- renderers above); only the order and the total are reused.

-- The candidate's digest: the profile row and its qualification ids.
CREATE OR REPLACE FUNCTION cc_candidate_match_digest(p candidate_profiles) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT md5(p::text || ARRAY(SELECT qualification_id FROM candidate_qualifications
                                WHERE profile_id = p.id ORDER BY qualification_id)::text)
$$;

-- cc_match_rank_jobs with the cache in front (same arguments and rows).
CREATE OR REPLACE FUNCTION cc_match_rank_jobs_cached(p_candidate bigint, p_min integer,
                                                     p_limit integer, p_offset integer)
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

-- ---- the id arrays the rankings read (columns and triggers: schema/0006) -------------------

-- jobs.skill_ids and jobs.qualification_ids from job_skills and job_qualifications.
-- Statement-level, set-based (one UPDATE per statement whatever the number of rows); rows
-- already right are not written (a loader that fills the arrays itself spares the jobs a write).
CREATE OR REPLACE FUNCTION cc_jobs_refresh_match_ids(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE jobs j SET skill_ids = n.skill_ids, qualification_ids = n.qualification_ids
    FROM (SELECT i.id,
                 ARRAY(SELECT skill_id FROM job_skills WHERE job_id = i.id
                       ORDER BY skill_id) AS skill_ids,
                 ARRAY(SELECT qualification_id FROM job_qualifications WHERE job_id = i.id
                       ORDER BY qualification_id) AS qualification_ids
          FROM unnest(ids) AS i (id)) n
    WHERE j.id = n.id
      AND (j.skill_ids, j.qualification_ids) IS DISTINCT FROM (n.skill_ids, n.qualification_ids)
$$;

-- The triggers job_skills_match_* and job_quals_match_*.
CREATE OR REPLACE FUNCTION cc_job_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM cc_jobs_refresh_match_ids(ARRAY(SELECT DISTINCT job_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cc_jobs_refresh_match_ids(ARRAY(SELECT DISTINCT job_id FROM old_rows));
    ELSE
        PERFORM cc_jobs_refresh_match_ids(ARRAY(SELECT job_id FROM new_rows
                                                UNION SELECT job_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;

-- candidate_profiles.skill_ids from candidate_skills (the recruiter's ranking looks candidates
-- up by skill pairs).
CREATE OR REPLACE FUNCTION cc_candidates_refresh_skill_ids(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE candidate_profiles c
    SET skill_ids = ARRAY(SELECT skill_id FROM candidate_skills WHERE profile_id = c.id
                          ORDER BY skill_id)
    WHERE c.id = ANY (ids)
$$;

-- The triggers candidate_skills_match_*.
CREATE OR REPLACE FUNCTION cc_candidate_skills_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM cc_candidates_refresh_skill_ids(ARRAY(SELECT DISTINCT profile_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cc_candidates_refresh_skill_ids(ARRAY(SELECT DISTINCT profile_id FROM old_rows));
    ELSE
        PERFORM cc_candidates_refresh_skill_ids(ARRAY(SELECT profile_id FROM new_rows
                                                      UNION SELECT profile_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;
