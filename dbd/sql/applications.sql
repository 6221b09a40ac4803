-- Applications and assignments (CONTRACT §4): the JSON of applications, active and completed
-- jobs. The tables are in schema/0003; who may see them is in visibility.sql.

-- An application; `private` (the job's recruiter and admins) adds the recruiter's notes, the
-- candidate's contact details and the candidate's lapsed and lapsing credentials. The
-- candidate's own view never carries these keys.
CREATE OR REPLACE FUNCTION cc_application_json(a applications, private boolean) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN private THEN
        json_build_object('id', a.id, 'job', cc_application_job_json(a.job_id),
                          'candidate', cc_application_candidate_json(a.candidate_id, true),
                          'status', a.status, 'cover_letter', a.cover_letter, 'notes', a.notes,
                          'match_score', cc_match_score(a.candidate_id, a.job_id),
                          'applied_at', cc_ts(a.applied_at), 'updated_at', cc_ts(a.updated_at),
                          'status_history', cc_application_history_json(a.id),
                          'credentials', cc_application_credentials_json(a.candidate_id))
    ELSE
        json_build_object('id', a.id, 'job', cc_application_job_json(a.job_id),
                          'candidate', cc_application_candidate_json(a.candidate_id, false),
                          'status', a.status, 'cover_letter', a.cover_letter,
                          'match_score', cc_match_score(a.candidate_id, a.job_id),
                          'applied_at', cc_ts(a.applied_at), 'updated_at', cc_ts(a.updated_at),
                          'status_history', cc_application_history_json(a.id))
    END
$$;

-- The job as an application or assignment shows it.
CREATE OR REPLACE FUNCTION cc_application_job_json(job bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', j.id, 'title', j.title, 'hospital', cc_hospital_brief_json(h))
    FROM jobs j JOIN hospitals h ON h.id = j.hospital_id WHERE j.id = job
$$;

-- The candidate as an application or assignment shows it; `private` (the job's recruiter and
-- admins) adds email and phone_number.
CREATE OR REPLACE FUNCTION cc_application_candidate_json(profile bigint, private boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN private THEN
        json_build_object('id', p.id, 'first_name', u.first_name, 'last_name', u.last_name,
                          'headline', p.headline, 'years_of_experience', p.years_of_experience,
                          'verification_status', p.verification_status, 'email', u.email,
                          'phone_number', p.phone_number)
    ELSE
        json_build_object('id', p.id, 'first_name', u.first_name, 'last_name', u.last_name,
                          'headline', p.headline, 'years_of_experience', p.years_of_experience,
                          'verification_status', p.verification_status)
    END
    FROM candidate_profiles p JOIN users u ON u.id = p.user_id WHERE p.id = profile
$$;

-- The candidate's documents with an expiry date that has passed (`expired`: expires_on before
-- today, UTC, as the document's is_expired says) or comes within 30 days (`expiring_soon`:
-- today up to today + 30), each ordered by expires_on then id. A document whose expires_on was
-- moved into the future after the expiry sweep marked it (expired_at) is judged by its date.
-- Bounded by the per-user document limit; documents_user_idx finds them. plpgsql: its plan is
-- kept for the session (a list renders it once per application).
CREATE OR REPLACE FUNCTION cc_application_credentials_json(profile bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    RETURN (SELECT json_build_object(
                'expired', coalesce(json_agg(x.doc ORDER BY x.expires_on, x.id)
                                    FILTER (WHERE x.expires_on < today), '[]'),
                'expiring_soon', coalesce(json_agg(x.doc ORDER BY x.expires_on, x.id)
                                          FILTER (WHERE x.expires_on >= today), '[]'))
            FROM (SELECT d.id, d.expires_on,
                         json_build_object('id', d.id, 'document_type', d.document_type,
                                           'description', d.description,
                                           'original_name', d.original_name,
                                           'expires_on', d.expires_on,
                                           'is_verified', d.is_verified) AS doc
                  FROM candidate_profiles p JOIN documents d ON d.user_id = p.user_id
                  WHERE p.id = profile AND d.expires_on <= today + 30) x);
END
$$;

-- Every status the application took, oldest first.
CREATE OR REPLACE FUNCTION cc_application_history_json(application bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('status', e.status, 'changed_by', e.changed_by,
                                               'changed_at', cc_ts(e.changed_at))
                             ORDER BY e.id), '[]')
    FROM application_events e WHERE e.application_id = application
$$;

-- An active job (an assignment); `private` as for applications.
CREATE OR REPLACE FUNCTION cc_active_job_json(x active_jobs, private boolean) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', x.id, 'application', x.application_id,
                             'job', cc_application_job_json(x.job_id),
                             'candidate', cc_application_candidate_json(x.candidate_id, private),
                             'start_date', x.start_date, 'end_date', x.end_date,
                             'status', x.status, 'created_at', cc_ts(x.created_at))
$$;

-- A completed job, with its rating and feedback; `private` as for applications.
CREATE OR REPLACE FUNCTION cc_completed_job_json(c completed_jobs, private boolean) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id, 'active_job', c.active_job_id,
                             'job', cc_application_job_json(c.job_id),
                             'candidate', cc_application_candidate_json(c.candidate_id, private),
                             'completion_date', c.completion_date, 'rating', c.rating,
                             'feedback', c.feedback, 'created_at', cc_ts(c.created_at))
$$;
