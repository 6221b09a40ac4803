-- 0003: the jobs schema of CONTRACT §4. Jobs get every field, their skills and qualifications,
-- a full-text search vector the database keeps current; applications get their text, history and
-- status machine values; active and completed assignments. Renderers, search and matching are
-- functions in sql/jobs.sql, sql/applications.sql and sql/matching.sql.
--
-- requires: sql/jobs.sql
-- (cc_job_skills_changed and cc_skills_renamed, the functions of the skill_names triggers)

-- ---- jobs ----------------------------------------------------------------------------------

ALTER TABLE jobs
    ADD COLUMN description          text NOT NULL DEFAULT '',
    ADD COLUMN requirements         text NOT NULL DEFAULT '',
    ADD COLUMN department           text,
    ADD COLUMN location             text,
    ADD COLUMN city                 text,
    ADD COLUMN state                text,
    ADD COLUMN job_type             text NOT NULL DEFAULT 'full_time'
                                    CHECK (job_type IN ('full_time', 'part_time', 'contract',
                                                        'temporary', 'locum', 'per_diem')),
    ADD COLUMN experience_level     text NOT NULL DEFAULT 'entry'
                                    CHECK (experience_level IN ('entry', 'mid', 'senior',
                                                                'executive')),
    ADD COLUMN min_experience_years integer NOT NULL DEFAULT 0
                                    CHECK (min_experience_years BETWEEN 0 AND 70),
    ADD COLUMN salary_min           numeric(12, 2) NOT NULL DEFAULT 0 CHECK (salary_min >= 0),
    ADD COLUMN salary_max           numeric(12, 2) NOT NULL DEFAULT 0,
    ADD COLUMN salary_currency      text NOT NULL DEFAULT 'INR'
                                    CHECK (salary_currency ~ '^[A-Z]{3}$'),
    ADD COLUMN pay_unit             text NOT NULL DEFAULT 'monthly'
                                    CHECK (pay_unit IN ('hourly', 'daily', 'weekly', 'monthly',
                                                        'yearly', 'per_shift')),
    ADD COLUMN shift                text CHECK (shift IN ('day', 'night', 'rotating',
                                                          'flexible')),
    ADD COLUMN start_date           date,
    ADD COLUMN end_date             date,
    ADD COLUMN vacancies            integer NOT NULL DEFAULT 1 CHECK (vacancies >= 1),
    ADD COLUMN expires_at           timestamptz,
    -- the names of the job's skills, space separated, kept by the triggers below (search)
    ADD COLUMN skill_names          text NOT NULL DEFAULT '',
    ADD CONSTRAINT jobs_salary_range CHECK (salary_min <= salary_max),
    ADD CONSTRAINT jobs_date_range CHECK (end_date IS NULL OR start_date IS NULL
                                          OR end_date >= start_date);

-- Weighted full-text vector: title A, requirements and skills B, description C. A generated
-- column: PostgreSQL recomputes it on every write, so it cannot go stale.
ALTER TABLE jobs ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A')
    || setweight(to_tsvector('english'::regconfig, requirements || ' ' || skill_names), 'B')
    || setweight(to_tsvector('english'::regconfig, description), 'C')) STORED;

CREATE TABLE job_skills (
    job_id   bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    skill_id bigint NOT NULL REFERENCES skills (id) ON DELETE RESTRICT,
    PRIMARY KEY (job_id, skill_id)
);
CREATE INDEX job_skills_skill_idx ON job_skills (skill_id, job_id);

CREATE TABLE job_qualifications (
    job_id           bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    qualification_id bigint NOT NULL REFERENCES qualifications (id) ON DELETE RESTRICT,
    PRIMARY KEY (job_id, qualification_id)
);
CREATE INDEX job_qualifications_q_idx ON job_qualifications (qualification_id, job_id);

-- skill_names follows job_skills and skill renames (statement-level: one UPDATE per statement,
-- whatever the number of rows, so bulk loads stay set-based; cc_jobs_refresh_skill_names in
-- sql/jobs.sql).
CREATE TRIGGER job_skills_insert AFTER INSERT ON job_skills
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_job_skills_changed();
CREATE TRIGGER job_skills_delete AFTER DELETE ON job_skills
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_job_skills_changed();
CREATE TRIGGER skills_renamed AFTER UPDATE ON skills
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_skills_renamed();

-- ---- applications --------------------------------------------------------------------------

ALTER TABLE applications
    ADD COLUMN cover_letter text NOT NULL DEFAULT '',
    ADD COLUMN notes        text NOT NULL DEFAULT '',
    ADD CONSTRAINT applications_status_check
        CHECK (status IN ('applied', 'reviewed', 'shortlisted', 'interviewing', 'offered',
                          'hired', 'rejected', 'withdrawn'));
CREATE INDEX applications_job_idx ON applications (job_id, id);
CREATE INDEX applications_status_idx ON applications (status, id);

-- Every status an application took, the first ('applied') included.
CREATE TABLE application_events (
    id             bigserial PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    status         text NOT NULL,
    changed_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    changed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_events_app_idx ON application_events (application_id, id);

-- A job's application count is not stored: renderers count through applications_job_idx
-- (an index-only range of a few entries), so applying never writes (or locks) the job row.

-- ---- assignments ---------------------------------------------------------------------------

-- Created when an application becomes 'hired', in the same transaction.
CREATE TABLE active_jobs (
    id             bigserial PRIMARY KEY,
    application_id bigint NOT NULL UNIQUE REFERENCES applications (id) ON DELETE CASCADE,
    job_id         bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    candidate_id   bigint NOT NULL REFERENCES candidate_profiles (id) ON DELETE CASCADE,
    start_date     date NOT NULL DEFAULT current_date,
    end_date       date,
    status         text NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'completed', 'terminated')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX active_jobs_job_idx ON active_jobs (job_id, id);
CREATE INDEX active_jobs_candidate_idx ON active_jobs (candidate_id, id);

-- Created when an active job is completed, in the same transaction.
CREATE TABLE completed_jobs (
    id              bigserial PRIMARY KEY,
    active_job_id   bigint NOT NULL UNIQUE REFERENCES active_jobs (id) ON DELETE CASCADE,
    job_id          bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    candidate_id    bigint NOT NULL REFERENCES candidate_profiles (id) ON DELETE CASCADE,
    completion_date date NOT NULL DEFAULT current_date,
    rating          integer CHECK (rating BETWEEN 1 AND 5),
    feedback        text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX completed_jobs_job_idx ON completed_jobs (job_id, id);
CREATE INDEX completed_jobs_candidate_idx ON completed_jobs (candidate_id, id);
