-- Who may see what: the read rules that depend on other rows (a recruiter and the candidates
-- who applied to its jobs). Handlers answer 404 when these say no. Write permission stays in C.

-- Whether a recruiter (by user id) may see a candidate profile: only when the candidate applied
-- to one of the recruiter's own jobs.
CREATE OR REPLACE FUNCTION cc_recruiter_sees_candidate(recruiter_user bigint, profile bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM applications a
        JOIN jobs j ON j.id = a.job_id
        JOIN recruiter_profiles r ON r.id = j.posted_by
        WHERE a.candidate_id = profile AND r.user_id = recruiter_user)
$$;

-- Who sees an application or assignment of (job, candidate profile): admins all, a candidate
-- its own, a recruiter those of the jobs it posted.
CREATE OR REPLACE FUNCTION cc_assignment_visible(job bigint, candidate bigint, viewer bigint,
                                                 role text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE role
        WHEN 'admin' THEN true
        WHEN 'candidate' THEN EXISTS (SELECT 1 FROM candidate_profiles p
                                      WHERE p.id = candidate AND p.user_id = viewer)
        WHEN 'recruiter' THEN EXISTS (SELECT 1 FROM jobs j
                                      JOIN recruiter_profiles r ON r.id = j.posted_by
                                      WHERE j.id = job AND r.user_id = viewer)
        ELSE false END
$$;

-- May `viewer` (a user id) download document `doc`? The owner and admins always; a recruiter
-- only a resume of a candidate who applied to one of the jobs it posted (the rule of
-- candidate-details/). Everyone else: no, answered as 404 by the caller.
CREATE OR REPLACE FUNCTION cc_document_readable(doc documents, viewer bigint, viewer_role text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT doc.user_id = viewer OR viewer_role = 'admin'
        OR (viewer_role = 'recruiter' AND doc.document_type = 'resume'
            AND EXISTS (SELECT 1 FROM candidate_profiles p
                        WHERE p.user_id = doc.user_id
                          AND cc_recruiter_sees_candidate(viewer, p.id)))
$$;

-- Whether a recruiter has the whole of its hospital: it created the hospital, or its link to it
-- was accepted (by an admin, or by one of the hospital's own accepted recruiters). A link that is
-- pending or rejected sees only what hospital-details/ shows anyone (docs/API.md).
CREATE OR REPLACE FUNCTION cc_hospital_member(h hospitals, r recruiter_profiles)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT r.hospital_id = h.id AND (h.created_by = r.user_id OR r.verification_status = 'verified')
$$;

-- The caller's hospital as profiles/hospital/ shows it: in full to a member; to a pending or
-- rejected link what anyone may see: a verified hospital in full (as hospital-details/ shows it),
-- an unverified one only by name and city, with the state of the caller's link.
CREATE OR REPLACE FUNCTION cc_hospital_for_recruiter_json(h hospitals, r recruiter_profiles)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN cc_hospital_member(h, r) OR h.verification_status = 'verified'
                THEN cc_hospital_json(h, false)
                ELSE json_build_object('id', h.id, 'name', h.name, 'city', h.city,
                                       'link_status', r.verification_status) END
$$;
