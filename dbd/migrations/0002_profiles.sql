-- 0002: master data, candidate/recruiter profiles, hospitals, the verification workflow, document
-- metadata, notifications and the admin audit log, with their JSON renderers. Also the first
-- columns of jobs and applications: hospital deletion and the recruiter's view of a candidate
-- depend on them, and the jobs migration adds the rest.

-- A LIKE pattern that matches `s` literally anywhere (search parameters are client text).
CREATE FUNCTION cc_like(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT '%' || replace(replace(replace(s, '\', '\\'), '%', '\%'), '_', '\_') || '%' $$;

-- ---- master data -------------------------------------------------------------------------

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

CREATE FUNCTION cc_skill_json(s skills) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', s.id, 'name', s.name, 'category', s.category,
                             'description', s.description, 'is_active', s.is_active)
$$;
CREATE FUNCTION cc_qualification_json(x qualifications) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', x.id, 'name', x.name, 'level', x.level, 'field', x.field,
                             'is_active', x.is_active)
$$;
CREATE FUNCTION cc_location_json(l locations) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', l.id, 'city', l.city, 'state', l.state,
                             'country', l.country, 'is_active', l.is_active)
$$;

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

-- ---- documents (metadata; the documents migration adds storage) ---------------------------

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

-- ---- jobs and applications (first columns; the jobs migration completes them) -------------

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

CREATE FUNCTION cc_notification_json(n notifications) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', n.id, 'title', n.title, 'message', n.message,
                             'notification_type', n.notification_type, 'is_read', n.is_read,
                             'data', n.data, 'created_at', cc_ts(n.created_at))
$$;

-- Every feature notifies through this, inside the transaction of the event itself: the row and
-- the event land together or not at all. pg_notify is delivered at commit, to every node that
-- listens (the live stream).
CREATE FUNCTION cc_notify(p_user bigint, p_type text, p_title text, p_message text,
                          p_data jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    nid bigint;
BEGIN
    INSERT INTO notifications (user_id, notification_type, title, message, data)
    VALUES (p_user, p_type, p_title, coalesce(p_message, ''), coalesce(p_data, '{}'))
    RETURNING id INTO nid;
    PERFORM pg_notify('cc_events', json_build_object('kind', 'notification', 'user_id', p_user,
                                                     'id', nid)::text);
    RETURN nid;
END
$$;

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

-- ---- JSON renderers ------------------------------------------------------------------------

-- Completeness of a profile: {"profile_complete", "completeness" (floor of the percentage of the
-- listed fields that are filled in), "missing_fields" (in the order listed)}. The list lives in
-- one place, so the total and the missing names cannot drift apart.
CREATE FUNCTION cc_completion(fields text[], filled boolean[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'profile_complete', bool_and(f.ok),
        'completeness', (100 * count(*) FILTER (WHERE f.ok)) / count(*),
        'missing_fields', coalesce(jsonb_agg(f.name ORDER BY f.ord) FILTER (WHERE NOT f.ok), '[]'))
    FROM unnest(fields, filled) WITH ORDINALITY AS f(name, ok, ord)
$$;

CREATE FUNCTION cc_candidate_completion(p candidate_profiles) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT cc_completion(
        ARRAY['first_name', 'last_name', 'phone_number', 'date_of_birth', 'gender', 'address',
              'city', 'state', 'headline', 'summary', 'years_of_experience', 'specialization',
              'skills', 'qualifications', 'expected_salary', 'preferred_job_types',
              'preferred_locations'],
        ARRAY[u.first_name <> '', u.last_name <> '', p.phone_number IS NOT NULL,
              p.date_of_birth IS NOT NULL, p.gender IS NOT NULL, p.address IS NOT NULL,
              p.city IS NOT NULL, p.state IS NOT NULL, p.headline IS NOT NULL,
              p.summary IS NOT NULL, p.years_of_experience IS NOT NULL,
              p.specialization IS NOT NULL,
              EXISTS (SELECT 1 FROM candidate_skills s WHERE s.profile_id = p.id),
              EXISTS (SELECT 1 FROM candidate_qualifications q WHERE q.profile_id = p.id),
              p.expected_salary IS NOT NULL, cardinality(p.preferred_job_types) > 0,
              cardinality(p.preferred_locations) > 0])
    FROM users u WHERE u.id = p.user_id
$$;

CREATE FUNCTION cc_recruiter_completion(p recruiter_profiles) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT cc_completion(
        ARRAY['first_name', 'last_name', 'company_name', 'designation', 'phone_number',
              'company_address', 'hospital'],
        ARRAY[u.first_name <> '', u.last_name <> '', p.company_name <> '', p.designation <> '',
              p.phone_number <> '', p.company_address <> '', p.hospital_id IS NOT NULL])
    FROM users u WHERE u.id = p.user_id
$$;

-- The candidate profile of CONTRACT §3 (replaces the short one of 0001, which login uses too).
CREATE OR REPLACE FUNCTION cc_candidate_profile_json(p candidate_profiles) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', p.id, 'user', p.user_id, 'email', u.email, 'first_name', u.first_name,
        'last_name', u.last_name, 'phone_number', p.phone_number,
        'date_of_birth', p.date_of_birth, 'gender', p.gender, 'address', p.address,
        'city', p.city, 'state', p.state, 'country', p.country, 'headline', p.headline,
        'summary', p.summary, 'years_of_experience', p.years_of_experience,
        'specialization', p.specialization,
        'skills', coalesce((SELECT json_agg(json_build_object('id', s.id, 'name', s.name,
                                                              'category', s.category)
                                            ORDER BY s.name, s.id)
                            FROM candidate_skills cs JOIN skills s ON s.id = cs.skill_id
                            WHERE cs.profile_id = p.id), '[]'),
        'qualifications', coalesce((SELECT json_agg(json_build_object('id', x.id, 'name', x.name,
                                                                      'level', x.level,
                                                                      'field', x.field)
                                                    ORDER BY x.name, x.id)
                                    FROM candidate_qualifications cq
                                    JOIN qualifications x ON x.id = cq.qualification_id
                                    WHERE cq.profile_id = p.id), '[]'),
        'certifications', to_json(p.certifications),
        'expected_salary', to_char(p.expected_salary, 'FM9999999999990.00'),
        'available_from', p.available_from,
        'preferred_job_types', to_json(p.preferred_job_types),
        'preferred_locations', to_json(p.preferred_locations),
        'verification_status', p.verification_status, 'verified_at', cc_ts(p.verified_at),
        'rejection_reason', p.rejection_reason,
        'created_at', cc_ts(p.created_at), 'updated_at', cc_ts(p.updated_at))
    FROM users u WHERE u.id = p.user_id
$$;

CREATE FUNCTION cc_recruiter_profile_json(p recruiter_profiles) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', p.id, 'user', p.user_id, 'email', u.email, 'first_name', u.first_name,
        'last_name', u.last_name, 'company_name', p.company_name, 'designation', p.designation,
        'phone_number', p.phone_number, 'company_address', p.company_address,
        'hospital', p.hospital_id, 'verification_status', p.verification_status,
        'created_at', cc_ts(p.created_at), 'updated_at', cc_ts(p.updated_at))
    FROM users u WHERE u.id = p.user_id
$$;

-- The hospital of CONTRACT §3. Admins also see the recruiters linked to it.
CREATE FUNCTION cc_hospital_json(h hospitals, with_recruiters boolean) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT (json_build_object(
        'id', h.id, 'name', h.name, 'registration_number', h.registration_number,
        'address', h.address, 'city', h.city, 'state', h.state, 'country', h.country,
        'phone_number', h.phone_number, 'email', h.email, 'type', h.type,
        'bed_capacity', h.bed_capacity, 'website', h.website,
        'verification_status', h.verification_status, 'verified_at', cc_ts(h.verified_at),
        'rejection_reason', h.rejection_reason,
        'created_at', cc_ts(h.created_at), 'updated_at', cc_ts(h.updated_at))::jsonb
        || CASE WHEN with_recruiters THEN jsonb_build_object('recruiters', coalesce(
               (SELECT jsonb_agg(jsonb_build_object('id', r.id, 'user', r.user_id,
                                                    'email', u.email,
                                                    'first_name', u.first_name,
                                                    'last_name', u.last_name,
                                                    'designation', r.designation,
                                                    'verification_status', r.verification_status,
                                                    'created_hospital', h.created_by = r.user_id)
                                 ORDER BY r.id)
                FROM recruiter_profiles r JOIN users u ON u.id = r.user_id
                WHERE r.hospital_id = h.id), '[]'))
           ELSE '{}' END)::json
$$;

CREATE FUNCTION cc_documents_brief_json(ids bigint[]) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('id', d.id, 'document_type', d.document_type,
                                               'original_name', d.original_name,
                                               'is_verified', d.is_verified,
                                               'expires_on', d.expires_on) ORDER BY d.id), '[]')
    FROM documents d WHERE d.id = ANY (ids)
$$;

-- A verification request; id_document_number only for the subject itself and admins.
CREATE FUNCTION cc_verification_request_json(v verification_requests, full_view boolean) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', v.id, 'status', v.status,
        'subject', CASE WHEN v.candidate_profile_id IS NOT NULL THEN 'candidate' ELSE 'hospital' END,
        'candidate_profile', v.candidate_profile_id, 'hospital', v.hospital_id,
        'submitted_by', v.submitted_by,
        'license_number', v.license_number, 'registration_council', v.registration_council,
        'specialization', v.specialization, 'id_document_type', v.id_document_type,
        'id_document_number', CASE WHEN full_view THEN v.id_document_number END,
        'registration_number', v.registration_number,
        'document_ids', to_json(v.document_ids),
        'documents', cc_documents_brief_json(v.document_ids),
        'notes', v.notes, 'rejection_reason', v.rejection_reason,
        'decided_by', v.decided_by, 'decided_at', cc_ts(v.decided_at),
        'submitted_at', cc_ts(v.submitted_at), 'updated_at', cc_ts(v.updated_at),
        'history', coalesce((SELECT json_agg(json_build_object('status', e.status,
                                                               'changed_by', e.actor_id,
                                                               'reason', e.reason,
                                                               'changed_at', cc_ts(e.created_at))
                                             ORDER BY e.id)
                             FROM verification_events e WHERE e.request_id = v.id), '[]'))
$$;

-- Whether a recruiter (by user id) may see a candidate profile: only when the candidate applied
-- to one of the recruiter's own jobs.
CREATE FUNCTION cc_recruiter_sees_candidate(recruiter_user bigint, profile bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM applications a
        JOIN jobs j ON j.id = a.job_id
        JOIN recruiter_profiles r ON r.id = j.posted_by
        WHERE a.candidate_id = profile AND r.user_id = recruiter_user)
$$;
