-- Testimonials (CONTRACT §9, docs/API.md "Testimonials"): their JSON, who may read one, and the
-- ratings that candidate-details/ and hospital-details/ show. The table is in
-- schema/0014_testimonials.sql; who may write one (the parties of a completed job, admins) and
-- the moderation's transitions are decided in handlers/testimonials.c.

-- A user as a testimonial shows its author and its subject.
CREATE OR REPLACE FUNCTION cc_testimonial_party_json(p_user bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', u.id, 'first_name', u.first_name, 'last_name', u.last_name,
                             'role', u.role)
    FROM users u WHERE u.id = p_user
$$;

-- The testimonial of CONTRACT §9, plus its moderation state: status (pending|approved|rejected),
-- the admin's rejection_reason (only while rejected) and updated_at. One shape for every reader:
-- whoever may read an unapproved one is its author or an admin.
CREATE OR REPLACE FUNCTION cc_testimonial_json(t testimonials) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', t.id, 'given_by', cc_testimonial_party_json(t.given_by),
        'given_to', cc_testimonial_party_json(t.given_to), 'job', t.completed_job_id,
        'rating', t.rating, 'title', t.title, 'content', t.content,
        'is_approved', t.status = 'approved', 'status', t.status,
        'rejection_reason', t.rejection_reason,
        'created_at', cc_ts(t.created_at), 'updated_at', cc_ts(t.updated_at))
$$;

-- Who may read a testimonial: anyone once approved; before that its author and admins only (its
-- subject too waits for the approval). `viewer` is NULL for an anonymous request.
CREATE OR REPLACE FUNCTION cc_testimonial_readable(t testimonials, viewer bigint,
                                                   viewer_role text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT t.status = 'approved' OR coalesce(t.given_by = viewer OR viewer_role = 'admin', false)
$$;

-- {"average", "count"} of a list of ratings: the mean rounded to one decimal (half away from
-- zero, numeric arithmetic: exact), null when there is none.
CREATE OR REPLACE FUNCTION cc_rating_json(ratings integer[]) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT json_build_object('average', round(avg(r), 1), 'count', count(r))
    FROM unnest(ratings) r
$$;

-- A candidate's rating: the approved testimonials about its user, and the ratings its
-- completed jobs were given at completion (completed_jobs.rating, by the job's recruiter or an
-- admin). A completed job counts once: when an approved testimonial about the candidate names
-- it, that testimonial's rating stands for the job and the completion rating is left out.
-- Read at every request, over testimonials_given_to_idx, completed_jobs_candidate_idx and
-- testimonials_job_idx.
CREATE OR REPLACE FUNCTION cc_candidate_rating_json(profile bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT cc_rating_json(ARRAY(
        SELECT t.rating FROM candidate_profiles p
        JOIN testimonials t ON t.given_to = p.user_id AND t.status = 'approved'
        WHERE p.id = profile
        UNION ALL
        SELECT c.rating FROM completed_jobs c
        JOIN candidate_profiles p ON p.id = c.candidate_id
        WHERE c.candidate_id = profile AND c.rating IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM testimonials t
                          WHERE t.completed_job_id = c.id AND t.given_to = p.user_id
                            AND t.status = 'approved')))
$$;

-- A hospital's rating: the approved testimonials written on its completed jobs (a job's
-- hospital, whatever its recruiter's hospital is today) about the job's recruiter (the user of
-- jobs.posted_by). Completion ratings rate candidates, not hospitals, and are left out. Over
-- jobs_hospital_idx, completed_jobs_job_idx and testimonials_job_idx.
CREATE OR REPLACE FUNCTION cc_hospital_rating_json(hospital bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT cc_rating_json(ARRAY(
        SELECT t.rating FROM jobs j
        JOIN recruiter_profiles r ON r.id = j.posted_by
        JOIN completed_jobs c ON c.job_id = j.id
        JOIN testimonials t ON t.completed_job_id = c.id AND t.given_to = r.user_id
                           AND t.status = 'approved'
        WHERE j.hospital_id = hospital))
$$;
