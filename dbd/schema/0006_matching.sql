-- 0006: matching (CONTRACT §4 "Matching"): the per-row keys and id arrays the database keeps
-- current for the rankings, and the indexes the rankings walk. The formula, cc_match_score,
-- cc_match_json and the rankings behind GET jobs/matches/ are in sql/matching.sql.
--
-- requires: sql/matching.sql
-- (cc_job_links_changed and cc_candidate_skills_changed, the functions of the id triggers)

-- ---- keys kept by the database -------------------------------------------------------------

-- The key functions are here and not in sql/: generated columns and indexes store their
-- results, so a changed body needs a schema file that rewrites the columns and rebuilds the
-- indexes.

-- A place name as compared: trimmed, lower-cased; blank is NULL (matches nothing).
CREATE FUNCTION cc_loc_key(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT nullif(lower(btrim(t)), '') $$;

-- The keys of a list of places (preferred_locations), blanks dropped.
CREATE FUNCTION cc_loc_keys(t text[]) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce(array_agg(DISTINCT k), '{}') FROM unnest(t) x, cc_loc_key(x) k
   WHERE k IS NOT NULL $$;

ALTER TABLE jobs
    ADD COLUMN city_key  text GENERATED ALWAYS AS (cc_loc_key(city)) STORED,
    ADD COLUMN state_key text GENERATED ALWAYS AS (cc_loc_key(state)) STORED,
    -- the job's skill and qualification ids, kept by the triggers below
    ADD COLUMN skill_ids bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN qualification_ids bigint[] NOT NULL DEFAULT '{}';

ALTER TABLE candidate_profiles
    ADD COLUMN city_key  text GENERATED ALWAYS AS (cc_loc_key(city)) STORED,
    ADD COLUMN state_key text GENERATED ALWAYS AS (cc_loc_key(state)) STORED,
    ADD COLUMN preferred_location_keys text[] GENERATED ALWAYS AS
        (cc_loc_keys(preferred_locations)) STORED;

UPDATE jobs j SET skill_ids = ARRAY(SELECT skill_id FROM job_skills WHERE job_id = j.id
                                    ORDER BY skill_id),
                  qualification_ids = ARRAY(SELECT qualification_id FROM job_qualifications
                                            WHERE job_id = j.id ORDER BY qualification_id);

-- statement-level and set-based (cc_jobs_refresh_match_ids in sql/matching.sql)
CREATE TRIGGER job_skills_match_insert AFTER INSERT ON job_skills
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_job_links_changed();
CREATE TRIGGER job_skills_match_update AFTER UPDATE ON job_skills
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_job_links_changed();
CREATE TRIGGER job_skills_match_delete AFTER DELETE ON job_skills
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_job_links_changed();
CREATE TRIGGER job_quals_match_insert AFTER INSERT ON job_qualifications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_job_links_changed();
CREATE TRIGGER job_quals_match_update AFTER UPDATE ON job_qualifications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_job_links_changed();
CREATE TRIGGER job_quals_match_delete AFTER DELETE ON job_qualifications
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_job_links_changed();

-- The candidate's skill ids, kept by the triggers below (the recruiter's ranking looks
-- candidates up by skill pairs).
ALTER TABLE candidate_profiles ADD COLUMN skill_ids bigint[] NOT NULL DEFAULT '{}';
UPDATE candidate_profiles c SET skill_ids = ARRAY(SELECT skill_id FROM candidate_skills
                                                  WHERE profile_id = c.id ORDER BY skill_id);
CREATE TRIGGER candidate_skills_match_insert AFTER INSERT ON candidate_skills
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_candidate_skills_changed();
CREATE TRIGGER candidate_skills_match_update AFTER UPDATE ON candidate_skills
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_candidate_skills_changed();
CREATE TRIGGER candidate_skills_match_delete AFTER DELETE ON candidate_skills
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_candidate_skills_changed();

-- Open jobs (is_active, unexpired) by place and the ones without skills; candidates by place.
-- the seed filters the jobs of a city by their skills without reading the rows (index only)
CREATE INDEX jobs_open_city_idx ON jobs (city_key) INCLUDE (skill_ids, id) WHERE is_active;
CREATE INDEX jobs_open_state_idx ON jobs (state_key) WHERE is_active;
CREATE INDEX jobs_open_no_skills_idx ON jobs (id) WHERE is_active AND skill_ids = '{}';
CREATE INDEX jobs_open_expires_idx ON jobs (expires_at) WHERE is_active;
CREATE INDEX candidate_profiles_city_key_idx ON candidate_profiles (city_key);
CREATE INDEX candidate_profiles_state_key_idx ON candidate_profiles (state_key);
CREATE INDEX candidate_profiles_pref_keys_idx ON candidate_profiles
    USING gin (preferred_location_keys);
-- candidate_skills has (profile_id, skill_id) and (skill_id); the rankings aggregate by skill
CREATE INDEX candidate_skills_skill_profile_idx ON candidate_skills (skill_id, profile_id);
CREATE INDEX candidate_quals_q_profile_idx ON candidate_qualifications
    (qualification_id, profile_id);

-- ---- the rankings' GIN keys ----------------------------------------------------------------

-- The GIN keys of an open job for the ranking: its skill ids and, as a negative number, a hash
-- of its state key (a collision only adds jobs to score, never hides one). `@> ARRAY[a, b]`
-- finds the jobs with both skills, `@> ARRAY[state, a]` those of a state with skill a.
CREATE FUNCTION cc_job_match_keys(skill_ids bigint[], state_key text) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN state_key IS NULL THEN skill_ids
                ELSE skill_ids || (-1 - (hashtext(state_key)::bigint & 2147483647)) END
$$;
CREATE INDEX jobs_open_match_keys_idx ON jobs USING gin (cc_job_match_keys(skill_ids, state_key))
    WHERE is_active;
-- The same keys for verified candidates: skill ids, and the hashes of the state and of every
-- preferred location (a preferred location may name a state).
CREATE FUNCTION cc_candidate_match_keys(skill_ids bigint[], state_key text, prefs text[])
RETURNS bigint[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT skill_ids || ARRAY(SELECT (cc_job_match_keys('{}', k))[1]
                              FROM unnest(array_remove(state_key || prefs, NULL)) k)
$$;
CREATE INDEX candidate_profiles_match_keys_idx ON candidate_profiles
    USING gin (cc_candidate_match_keys(skill_ids, state_key, preferred_location_keys))
    WHERE verification_status = 'verified';
CREATE INDEX candidate_profiles_verified_city_idx ON candidate_profiles (city_key)
    WHERE verification_status = 'verified';
CREATE INDEX candidate_profiles_verified_prefs_idx ON candidate_profiles
    USING gin (preferred_location_keys) WHERE verification_status = 'verified';
-- open jobs with one, two or three skills (a single shared skill matters only on those)
CREATE INDEX jobs_open_1_skill_idx ON jobs USING gin (skill_ids)
    WHERE is_active AND cardinality(skill_ids) = 1;
CREATE INDEX jobs_open_2_skills_idx ON jobs USING gin (skill_ids)
    WHERE is_active AND cardinality(skill_ids) = 2;
CREATE INDEX jobs_open_3_skills_idx ON jobs USING gin (skill_ids)
    WHERE is_active AND cardinality(skill_ids) = 3;

-- The number of candidates a recruiter's ranking covers (verified profiles of active users,
-- cc_match_candidates_count): an index-only count of the verified profiles less the few of
-- deactivated users.
CREATE INDEX users_inactive_idx ON users (id) WHERE NOT is_active;
