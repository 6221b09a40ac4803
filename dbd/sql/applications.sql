-- Applications and assignments (CONTRACT §4): the JSON of applications, active and completed
-- jobs. The tables are in schema/0003; who may see them is in visibility.sql.

-- An application; `private` (the job's recruiter and admins) adds the recruiter's notes and
-- the candidate's contact details. The candidate's own view never carries the notes key.
CREATE OR REPLACE FUNCTION cc_application_json(a applications, private boolean) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN private THEN
        json_build_object('id', a.id, 'job', cc_application_job_json(a.job_id),
                          'candidate', cc_application_candidate_json(a.candidate_id, true),
                          'status', a.status, 'cover_letter', a.cover_letter, 'notes', a.notes,
                          'match_score', cc_match_score(a.candidate_id, a.job_id),
                          'applied_at', cc_ts(a.applied_at), 'updated_at', cc_ts(a.updated_at),
                          'status_history', cc_application_history_json(a.id))
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
