-- The JSON of accounts, profiles, master data, hospitals, verification requests and
-- notifications (CONTRACT §2, §3, §7), and the formats every renderer uses. Renderers of other
-- resources are in jobs.sql, applications.sql, matching.sql and documents.sql.
--
-- Like every file in dbd/sql: each function once, CREATE OR REPLACE, applied again by
-- `carechainctl migrate` whenever the file changes (dbd/README.md).

-- ---- formats -------------------------------------------------------------------------------

-- Datetimes leave the database as ISO-8601 UTC with microseconds and Z (CONTRACT §1).
CREATE OR REPLACE FUNCTION cc_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

-- b's members appended to object a (json keeps the members in the order written, jsonb would
-- sort them). Both must be non-empty objects.
CREATE OR REPLACE FUNCTION cc_json_concat(a json, b json) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (left(a::text, -1) || ', ' || substr(b::text, 2))::json $$;

-- ---- accounts and profiles -----------------------------------------------------------------

-- <user> of CONTRACT §2.
CREATE OR REPLACE FUNCTION cc_user_json(u users) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', u.id, 'email', u.email, 'first_name', u.first_name, 'last_name', u.last_name,
        'role', u.role, 'is_candidate', u.role = 'candidate',
        'is_recruiter', u.role = 'recruiter', 'is_admin', u.role = 'admin',
        'is_active', u.is_active, 'is_verified', u.is_verified,
        'date_joined', cc_ts(u.date_joined), 'last_login', cc_ts(u.last_login))
$$;

-- What login adds to <user>: the candidate profile object, or the recruiter profile id.
CREATE OR REPLACE FUNCTION cc_login_extra_json(u users) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT CASE u.role
        WHEN 'candidate' THEN (SELECT cc_candidate_profile_json(p) FROM candidate_profiles p
                               WHERE p.user_id = u.id)
        WHEN 'recruiter' THEN (SELECT to_json(p.id) FROM recruiter_profiles p
                               WHERE p.user_id = u.id)
    END
$$;

-- The candidate profile of CONTRACT §3, which login shows too (cc_login_extra_json).
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

-- The completeness of a candidate profile (cc_completion): the fields a complete one fills in.
CREATE OR REPLACE FUNCTION cc_candidate_completion(p candidate_profiles) RETURNS jsonb
LANGUAGE sql STABLE AS $$
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

CREATE OR REPLACE FUNCTION cc_recruiter_profile_json(p recruiter_profiles) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', p.id, 'user', p.user_id, 'email', u.email, 'first_name', u.first_name,
        'last_name', u.last_name, 'company_name', p.company_name, 'designation', p.designation,
        'phone_number', p.phone_number, 'company_address', p.company_address,
        'hospital', p.hospital_id, 'verification_status', p.verification_status,
        'created_at', cc_ts(p.created_at), 'updated_at', cc_ts(p.updated_at))
    FROM users u WHERE u.id = p.user_id
$$;

-- The completeness of a recruiter profile (cc_completion).
CREATE OR REPLACE FUNCTION cc_recruiter_completion(p recruiter_profiles) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT cc_completion(
        ARRAY['first_name', 'last_name', 'company_name', 'designation', 'phone_number',
              'company_address', 'hospital'],
        ARRAY[u.first_name <> '', u.last_name <> '', p.company_name <> '', p.designation <> '',
              p.phone_number <> '', p.company_address <> '', p.hospital_id IS NOT NULL])
    FROM users u WHERE u.id = p.user_id
$$;

-- Completeness of a profile: {"profile_complete", "completeness" (floor of the percentage of the
-- listed fields that are filled in), "missing_fields" (in the order listed)}. The list lives in
-- one place, so the total and the missing names cannot drift apart.
CREATE OR REPLACE FUNCTION cc_completion(fields text[], filled boolean[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'profile_complete', bool_and(f.ok),
        'completeness', (100 * count(*) FILTER (WHERE f.ok)) / count(*),
        'missing_fields', coalesce(jsonb_agg(f.name ORDER BY f.ord) FILTER (WHERE NOT f.ok), '[]'))
    FROM unnest(fields, filled) WITH ORDINALITY AS f(name, ok, ord)
$$;

-- ---- master data ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cc_skill_json(s skills) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', s.id, 'name', s.name, 'category', s.category,
                             'description', s.description, 'is_active', s.is_active)
$$;

CREATE OR REPLACE FUNCTION cc_qualification_json(x qualifications) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', x.id, 'name', x.name, 'level', x.level, 'field', x.field,
                             'is_active', x.is_active)
$$;

CREATE OR REPLACE FUNCTION cc_location_json(l locations) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', l.id, 'city', l.city, 'state', l.state,
                             'country', l.country, 'is_active', l.is_active)
$$;

-- ---- hospitals, verification, notifications ------------------------------------------------

-- The hospital of CONTRACT §3. Admins also see the recruiters linked to it.
CREATE OR REPLACE FUNCTION cc_hospital_json(h hospitals, with_recruiters boolean) RETURNS json
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
                                                    'created_hospital',
                                                    coalesce(h.created_by = r.user_id, false))
                                 ORDER BY r.id)
                FROM recruiter_profiles r JOIN users u ON u.id = r.user_id
                WHERE r.hospital_id = h.id), '[]'))
           ELSE '{}' END)::json
$$;

-- The hospital as jobs and applications show it.
CREATE OR REPLACE FUNCTION cc_hospital_brief_json(h hospitals) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', h.id, 'name', h.name, 'type', h.type, 'city', h.city,
                             'verification_status', h.verification_status)
$$;

-- A verification request; id_document_number only for the subject itself and admins.
CREATE OR REPLACE FUNCTION cc_verification_request_json(v verification_requests, full_view boolean)
RETURNS json LANGUAGE sql STABLE AS $$
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

-- A notification of CONTRACT §7.
CREATE OR REPLACE FUNCTION cc_notification_json(n notifications) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', n.id, 'title', n.title, 'message', n.message,
                             'notification_type', n.notification_type, 'is_read', n.is_read,
                             'data', n.data, 'created_at', cc_ts(n.created_at))
$$;
