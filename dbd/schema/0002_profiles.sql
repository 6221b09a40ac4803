-- 0002: master data, candidate/recruiter profiles, hospitals, the verification workflow, document
-- metadata, notifications and the admin audit log (their JSON renderers are in sql/render.sql,
-- cc_notify in sql/events.sql). Also the first columns of jobs and applications: hospital
-- deletion and the recruiter's view of a candidate (sql/visibility.sql) depend on them, and
-- 0003 adds the rest.

-- ---- master data ---------------------------------------------------------------------------

CREATE TABLE skills (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    category    text NOT NULL CHECK (category IN ('clinical', 'administrative', 'technical')),
    description text NOT NULL DEFAULT '',
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX skills_name_key ON skills (lower(name));

CREATE TABLE qualifications (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 150),
    level      text NOT NULL CHECK (level IN ('certificate', 'diploma', 'bachelor', 'master',
                                               'doctorate')),
    field      text NOT NULL DEFAULT '',
    is_active  boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX qualifications_name_key ON qualifications (lower(name));

CREATE TABLE locations (
    id         bigserial PRIMARY KEY,
    city       text NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    state      text NOT NULL CHECK (length(state) BETWEEN 1 AND 100),
    country    text NOT NULL DEFAULT 'India' CHECK (length(country) BETWEEN 1 AND 100),
    is_active  boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX locations_place_key ON locations (lower(city), lower(state), lower(country));

-- ---- hospitals -----------------------------------------------------------------------------

CREATE TABLE hospitals (
    id                  bigserial PRIMARY KEY,
    name                text NOT NULL,
    registration_number text NOT NULL,
    address             text,
    city                text,
    state               text,
    country             text,
    phone_number        text,
    email               text,
    type                text NOT NULL CHECK (type IN ('public', 'private', 'specialty', 'clinic',
                                                      'nursing_home')),
    bed_capacity        integer CHECK (bed_capacity >= 0),
    website             text,
    verification_status text NOT NULL DEFAULT 'pending'
                        CHECK (verification_status IN ('pending', 'verified', 'rejected')),
    verified_at         timestamptz,
    verified_by         bigint REFERENCES users (id) ON DELETE SET NULL,
    rejection_reason    text,
    created_by          bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX hospitals_registration_number_key ON hospitals (lower(registration_number));
CREATE INDEX hospitals_status_idx ON hospitals (verification_status, id);

-- ---- profiles ------------------------------------------------------------------------------

ALTER TABLE candidate_profiles
    ADD COLUMN phone_number        text,
    ADD COLUMN date_of_birth       date,
    ADD COLUMN gender              text CHECK (gender IN ('male', 'female', 'other', 'undisclosed')),
    ADD COLUMN address             text,
    ADD COLUMN city                text,
    ADD COLUMN state               text,
    ADD COLUMN country             text,
    ADD COLUMN headline            text,
    ADD COLUMN summary             text,
    ADD COLUMN years_of_experience integer CHECK (years_of_experience BETWEEN 0 AND 70),
    ADD COLUMN specialization      text,
    ADD COLUMN certifications      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN expected_salary     numeric(12, 2) CHECK (expected_salary >= 0),
    ADD COLUMN available_from      date,
    ADD COLUMN preferred_job_types text[] NOT NULL DEFAULT '{}',
    ADD COLUMN preferred_locations text[] NOT NULL DEFAULT '{}',
    ADD COLUMN verified_at         timestamptz,
    ADD COLUMN verified_by         bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN rejection_reason    text;
CREATE INDEX candidate_profiles_status_idx ON candidate_profiles (verification_status, id);

CREATE TABLE candidate_skills (
    profile_id bigint NOT NULL REFERENCES candidate_profiles (id) ON DELETE CASCADE,
    skill_id   bigint NOT NULL REFERENCES skills (id) ON DELETE RESTRICT,
    PRIMARY KEY (profile_id, skill_id)
);
CREATE INDEX candidate_skills_skill_idx ON candidate_skills (skill_id);

CREATE TABLE candidate_qualifications (
    profile_id       bigint NOT NULL REFERENCES candidate_profiles (id) ON DELETE CASCADE,
    qualification_id bigint NOT NULL REFERENCES qualifications (id) ON DELETE RESTRICT,
    PRIMARY KEY (profile_id, qualification_id)
);
CREATE INDEX candidate_qualifications_q_idx ON candidate_qualifications (qualification_id);

-- A recruiter's own verification_status: verified when an admin approves the hospital it is
-- linked to (or approves the recruiter itself), so linking to someone else's verified hospital
-- by id does not by itself let a stranger act for that hospital.
ALTER TABLE recruiter_profiles
    ADD COLUMN company_address     text NOT NULL DEFAULT '',
    ADD COLUMN hospital_id         bigint REFERENCES hospitals (id) ON DELETE SET NULL,
    ADD COLUMN verification_status text NOT NULL DEFAULT 'pending'
                                   CHECK (verification_status IN ('pending', 'verified',
                                                                  'rejected')),
    ADD COLUMN verified_at         timestamptz,
    ADD COLUMN verified_by         bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN rejection_reason    text;
CREATE INDEX recruiter_profiles_hospital_idx ON recruiter_profiles (hospital_id);

-- ---- documents (metadata; 0007 adds storage) -----------------------------------------------

CREATE TABLE documents (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    document_type text NOT NULL CHECK (document_type IN ('resume', 'certificate', 'id',
                                                         'medical_license')),
    description   text NOT NULL DEFAULT '',
    original_name text NOT NULL DEFAULT '',
    content_type  text NOT NULL DEFAULT 'application/octet-stream',
    size          bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
    sha256        text NOT NULL DEFAULT '',
    is_verified   boolean NOT NULL DEFAULT false,
    verified_at   timestamptz,
    verified_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    expires_on    date,
    uploaded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_user_idx ON documents (user_id, id);

-- ---- jobs and applications (first columns; 0003 completes them) ----------------------------

CREATE TABLE jobs (
    id          bigserial PRIMARY KEY,
    hospital_id bigint NOT NULL REFERENCES hospitals (id) ON DELETE RESTRICT,
    posted_by   bigint REFERENCES recruiter_profiles (id) ON DELETE SET NULL,
    title       text NOT NULL,
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_hospital_idx ON jobs (hospital_id);

CREATE TABLE applications (
    id           bigserial PRIMARY KEY,
    job_id       bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    candidate_id bigint NOT NULL REFERENCES candidate_profiles (id) ON DELETE CASCADE,
    status       text NOT NULL DEFAULT 'applied',
    applied_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, candidate_id)
);
CREATE INDEX applications_candidate_idx ON applications (candidate_id);

-- ---- verification --------------------------------------------------------------------------

-- One request per subject (a candidate profile or a hospital), updated on resubmission; every
-- transition is also kept in verification_events.
CREATE TABLE verification_requests (
    id                   bigserial PRIMARY KEY,
    candidate_profile_id bigint UNIQUE REFERENCES candidate_profiles (id) ON DELETE CASCADE,
    hospital_id          bigint UNIQUE REFERENCES hospitals (id) ON DELETE CASCADE,
    submitted_by         bigint REFERENCES users (id) ON DELETE SET NULL,
    status               text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'verified', 'rejected')),
    license_number       text,
    registration_council text,
    specialization       text,
    id_document_type     text CHECK (id_document_type IN ('aadhaar', 'pan', 'passport',
                                                          'voter_id', 'driving_licence')),
    id_document_number   text,
    registration_number  text,
    document_ids         bigint[] NOT NULL DEFAULT '{}',
    notes                text,
    rejection_reason     text,
    decided_by           bigint REFERENCES users (id) ON DELETE SET NULL,
    decided_at           timestamptz,
    submitted_at         timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((candidate_profile_id IS NULL) <> (hospital_id IS NULL))
);
CREATE INDEX verification_requests_queue_idx ON verification_requests (status, submitted_at, id);

CREATE TABLE verification_events (
    id         bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES verification_requests (id) ON DELETE CASCADE,
    status     text NOT NULL,
    actor_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    reason     text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verification_events_request_idx ON verification_events (request_id, id);

-- ---- notifications -------------------------------------------------------------------------

CREATE TABLE notifications (
    id                bigserial PRIMARY KEY,
    user_id           bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notification_type text NOT NULL CHECK (notification_type IN ('job_update',
                          'application_status', 'message', 'verification', 'match', 'system')),
    title             text NOT NULL,
    message           text NOT NULL DEFAULT '',
    data              jsonb NOT NULL DEFAULT '{}',
    is_read           boolean NOT NULL DEFAULT false,
    read_at           timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE NOT is_read;

-- ---- audit log -----------------------------------------------------------------------------

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    actor_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    action      text NOT NULL,
    target_type text NOT NULL,
    target_id   bigint,
    details     jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at, id);
