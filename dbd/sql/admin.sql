-- The admin API (CONTRACT §5, handlers/admin.c, schema/0016): the audit log's guard and
-- renderer, the activity feed's triggers and renderer, the dashboard's counters and figures,
-- the admin's user list.

-- ---- audit log -------------------------------------------------------------------------------

-- The trigger audit_log_fill: the actor's email is kept with the row (the account may go).
CREATE OR REPLACE FUNCTION cc_audit_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor_id IS NOT NULL AND NEW.actor_email IS NULL THEN
        NEW.actor_email := (SELECT email FROM users WHERE id = NEW.actor_id);
    END IF;
    RETURN NEW;
END
$$;

-- The triggers audit_log_no_update and audit_log_no_truncate: the log is append-only.
CREATE OR REPLACE FUNCTION cc_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- {"id", "email"} of an actor (the email as the row kept it), or null without one.
CREATE OR REPLACE FUNCTION cc_actor_json(id bigint, email text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN id IS NULL THEN NULL
                ELSE json_build_object('id', id, 'email',
                                       coalesce(email, (SELECT u.email FROM users u
                                                        WHERE u.id = cc_actor_json.id))) END
$$;

-- An audit-log row as audit-log/ shows it.
CREATE OR REPLACE FUNCTION cc_audit_json(a audit_log) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'actor', cc_actor_json(a.actor_id, a.actor_email), 'action', a.action,
        'target', json_build_object('type', a.target_type, 'id', a.target_id),
        'details', a.details, 'request_id', a.request_id, 'client', a.client,
        'created_at', cc_ts(a.created_at))
$$;

-- A from/to bound: a date is the start of its UTC day (a `to` date: of the next day); a datetime
-- is itself (a `to` datetime: the next microsecond, so the instant is included).
CREATE OR REPLACE FUNCTION cc_admin_bound(v text, upper boolean) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN length(v) = 10
                THEN ((v::date + CASE WHEN upper THEN 1 ELSE 0 END)::timestamp AT TIME ZONE 'UTC')
                ELSE v::timestamptz + CASE WHEN upper THEN interval '1 microsecond'
                                           ELSE interval '0' END END
$$;

-- Whether reading a document is recorded in the audit log when someone else than its owner
-- reads it: an identity document, or a file attached to a verification request.
CREATE OR REPLACE FUNCTION cc_document_sensitive(d documents) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT d.document_type = 'id'
        OR EXISTS (SELECT 1 FROM verification_requests v WHERE d.id = ANY (v.document_ids))
$$;

-- ---- activity --------------------------------------------------------------------------------

-- The trigger users_activity: a registration per new user (by itself, or by the admin who
-- created it: the audit log says which).
CREATE OR REPLACE FUNCTION cc_activity_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO activity (type, actor_id, summary, object_type, object_id, created_at)
    SELECT 'registration', n.id, format('%s joined as %s', n.email, n.role), 'user', n.id,
           n.date_joined
    FROM new_rows n ORDER BY n.id;
    RETURN NULL;
END
$$;

-- The trigger jobs_activity: a job posted.
CREATE OR REPLACE FUNCTION cc_activity_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO activity (type, actor_id, summary, object_type, object_id, created_at)
    SELECT 'job_posted', r.user_id, format('Job posted: %s (%s)', n.title, h.name), 'job', n.id,
           n.created_at
    FROM new_rows n
    LEFT JOIN recruiter_profiles r ON r.id = n.posted_by
    LEFT JOIN hospitals h ON h.id = n.hospital_id
    ORDER BY n.id;
    RETURN NULL;
END
$$;

-- The trigger applications_activity: an application sent.
CREATE OR REPLACE FUNCTION cc_activity_applications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO activity (type, actor_id, summary, object_type, object_id, created_at)
    SELECT 'application', p.user_id, format('%s applied to %s', u.email, j.title),
           'application', n.id, n.applied_at
    FROM new_rows n
    JOIN candidate_profiles p ON p.id = n.candidate_id
    JOIN users u ON u.id = p.user_id
    JOIN jobs j ON j.id = n.job_id
    ORDER BY n.id;
    RETURN NULL;
END
$$;

-- The trigger application_events_activity: a status change (the first event, 'applied', is
-- the application itself).
CREATE OR REPLACE FUNCTION cc_activity_application_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- most inserts are the first event of a new application: nothing to join for them
    IF NOT EXISTS (SELECT 1 FROM new_rows WHERE status <> 'applied') THEN
        RETURN NULL;
    END IF;
    INSERT INTO activity (type, actor_id, summary, object_type, object_id, created_at)
    SELECT 'status_change', n.changed_by,
           format('Application %s to %s: %s', n.application_id, j.title, n.status),
           'application', n.application_id, n.changed_at
    FROM new_rows n
    JOIN applications a ON a.id = n.application_id
    JOIN jobs j ON j.id = a.job_id
    WHERE n.status <> 'applied'
    ORDER BY n.id;
    RETURN NULL;
END
$$;

-- The trigger verification_events_activity: a verification decided (approved or rejected).
CREATE OR REPLACE FUNCTION cc_activity_verification_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO activity (type, actor_id, summary, object_type, object_id, created_at)
    SELECT 'verification', n.actor_id,
           CASE WHEN v.hospital_id IS NOT NULL
                THEN format('Hospital %s %s', h.name, n.status)
                ELSE format('Candidate %s %s', u.email, n.status) END,
           CASE WHEN v.hospital_id IS NOT NULL THEN 'hospital' ELSE 'candidate_profile' END,
           coalesce(v.hospital_id, v.candidate_profile_id), n.created_at
    FROM new_rows n
    JOIN verification_requests v ON v.id = n.request_id
    LEFT JOIN hospitals h ON h.id = v.hospital_id
    LEFT JOIN candidate_profiles p ON p.id = v.candidate_profile_id
    LEFT JOIN users u ON u.id = p.user_id
    WHERE n.status IN ('verified', 'rejected')
    ORDER BY n.id;
    RETURN NULL;
END
$$;

-- The trigger audit_log_activity: an admin action. Reads (".read") are not actions, and the
-- verification decisions are in the feed as "verification" already.
CREATE OR REPLACE FUNCTION cc_activity_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO activity (type, actor_id, summary, object_type, object_id, created_at)
    SELECT 'admin_action', n.actor_id,
           format('%s: %s %s', n.action, n.target_type, coalesce(n.target_id::text, '')),
           n.target_type, n.target_id, n.created_at
    FROM new_rows n
    WHERE n.action NOT LIKE '%.read' AND n.action NOT LIKE 'verification.%'
    ORDER BY n.id;
    RETURN NULL;
END
$$;

-- ---- dashboard counters (admin_counts: schema/0016) --------------------------------------------

-- What a row counts in (the counter names).
CREATE OR REPLACE FUNCTION cc_admin_count_keys_users(u users) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY['users', 'users.' || u.role] $$;
CREATE OR REPLACE FUNCTION cc_admin_count_keys_jobs(j jobs) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY['jobs'] $$;
-- applications also by UTC day of applying and, once hired, by UTC day of the first hire (the
-- windows of cc_admin_window_count)
CREATE OR REPLACE FUNCTION cc_admin_count_keys_applications(a applications) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY['applications', 'applications.day.' || cc_admin_day(a.applied_at)]
           || CASE WHEN a.hired_at IS NOT NULL THEN ARRAY['hires.day.' || cc_admin_day(a.hired_at)]
                   ELSE '{}'::text[] END
$$;

-- The UTC day of t as the counters name it ("2026-12-02": names of one kind sort by day).
CREATE OR REPLACE FUNCTION cc_admin_day(t timestamptz) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD') $$;
CREATE OR REPLACE FUNCTION cc_admin_count_keys_verification_requests(v verification_requests)
RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['verifications.'
                 || CASE WHEN v.hospital_id IS NOT NULL THEN 'hospital' ELSE 'candidate' END
                 || '.' || v.status]
$$;
-- documents waiting for an admin: licences, certificates and identity documents not verified
CREATE OR REPLACE FUNCTION cc_admin_count_keys_documents(d documents) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN NOT d.is_verified
                     AND d.document_type IN ('medical_license', 'certificate', 'id')
                THEN ARRAY['documents.pending'] ELSE '{}'::text[] END
$$;

-- Moves the counters: +1 for each name in `plus`, -1 for each in `minus` (a name once per row
-- that counts in it), the sum per name added to this backend's slot; names whose moves cancel
-- (an update that left a row's keys alone) untouched, in name order so concurrent writers lock
-- the rows in one order. plpgsql: the INSERT's plan is kept for the session.
CREATE OR REPLACE FUNCTION cc_admin_counts_shift(plus text[], minus text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(plus) > 0 OR cardinality(minus) > 0 THEN
        INSERT INTO admin_counts AS c (name, slot, n)
        SELECT u.k, pg_backend_pid() % 16, sum(u.n)
        FROM (SELECT k, 1::bigint AS n FROM unnest(plus) k
              UNION ALL
              SELECT k, -1::bigint FROM unnest(minus) k) u
        GROUP BY u.k HAVING sum(u.n) <> 0 ORDER BY u.k
        ON CONFLICT (name, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
END
$$;

-- The counters' triggers, one per table: the keys of the statement's new rows and of its old
-- rows (a transition table exists only for the events its trigger names: INSERT has no old
-- rows, DELETE no new ones), moved by cc_admin_counts_shift. One function per table because
-- the trigger functions of schema/0016 are named by table and the keys of a row depend on its
-- type; static SQL because plpgsql keeps its plans, where EXECUTE planned anew on every write.
CREATE OR REPLACE FUNCTION cc_admin_counted_users() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plus text[];
    minus text[];
BEGIN
    IF TG_OP <> 'DELETE' THEN
        plus := ARRAY(SELECT unnest(cc_admin_count_keys_users(r)) FROM new_rows r);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        minus := ARRAY(SELECT unnest(cc_admin_count_keys_users(r)) FROM old_rows r);
    END IF;
    PERFORM cc_admin_counts_shift(plus, minus);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cc_admin_counted_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plus text[];
    minus text[];
BEGIN
    IF TG_OP <> 'DELETE' THEN
        plus := ARRAY(SELECT unnest(cc_admin_count_keys_jobs(r)) FROM new_rows r);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        minus := ARRAY(SELECT unnest(cc_admin_count_keys_jobs(r)) FROM old_rows r);
    END IF;
    PERFORM cc_admin_counts_shift(plus, minus);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cc_admin_counted_applications() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plus text[];
    minus text[];
BEGIN
    IF TG_OP <> 'DELETE' THEN
        plus := ARRAY(SELECT unnest(cc_admin_count_keys_applications(r)) FROM new_rows r);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        minus := ARRAY(SELECT unnest(cc_admin_count_keys_applications(r)) FROM old_rows r);
    END IF;
    PERFORM cc_admin_counts_shift(plus, minus);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cc_admin_counted_verification_requests() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plus text[];
    minus text[];
BEGIN
    IF TG_OP <> 'DELETE' THEN
        plus := ARRAY(SELECT unnest(cc_admin_count_keys_verification_requests(r)) FROM new_rows r);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        minus := ARRAY(SELECT unnest(cc_admin_count_keys_verification_requests(r)) FROM old_rows r);
    END IF;
    PERFORM cc_admin_counts_shift(plus, minus);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cc_admin_counted_documents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plus text[];
    minus text[];
BEGIN
    IF TG_OP <> 'DELETE' THEN
        plus := ARRAY(SELECT unnest(cc_admin_count_keys_documents(r)) FROM new_rows r);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        minus := ARRAY(SELECT unnest(cc_admin_count_keys_documents(r)) FROM old_rows r);
    END IF;
    PERFORM cc_admin_counts_shift(plus, minus);
    RETURN NULL;
END
$$;

-- One counter's value (plpgsql: its plan is kept for the session).
CREATE OR REPLACE FUNCTION cc_admin_count(key text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT sum(n) FROM admin_counts WHERE name = key), 0)::bigint;
END
$$;

-- The applications applied (kind 'applications') or first hired ('hires') after now - `days`,
-- exactly: the day counters of the UTC days after the window's first day, plus the rows of that
-- first day inside the window (a range of at most one day of an index).
CREATE OR REPLACE FUNCTION cc_admin_window_count(kind text, days integer) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    since timestamptz := now() - make_interval(days => days);
    first_end timestamptz := ((since AT TIME ZONE 'UTC')::date + 1)::timestamp AT TIME ZONE 'UTC';
    later bigint;
    edge bigint;
BEGIN
    later := coalesce((SELECT sum(n) FROM admin_counts
                       WHERE name > kind || '.day.' || cc_admin_day(since)
                         AND name < kind || '.day/'), 0);
    IF kind = 'applications' THEN
        edge := (SELECT count(*) FROM applications
                 WHERE applied_at > since AND applied_at < first_end);
    ELSE
        edge := (SELECT count(*) FROM applications WHERE hired_at > since AND hired_at < first_end);
    END IF;
    RETURN later + edge;
END
$$;

-- dashboard-stats/ (docs/API.md "Admin" defines each figure). Windows end now and are
-- measured in exact intervals (7 days = the last 168 hours), so they do not depend on a zone.
CREATE OR REPLACE FUNCTION cc_dashboard_stats_json() RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN json_build_object(
        'total_users', cc_admin_count('users'),
        'total_candidates', cc_admin_count('users.candidate'),
        'total_recruiters', cc_admin_count('users.recruiter'),
        'total_admins', cc_admin_count('users.admin'),
        'total_jobs', cc_admin_count('jobs'),
        'active_jobs', cc_open_jobs_count(),
        'total_applications', cc_admin_count('applications'),
        'pending_verifications', cc_admin_count('verifications.candidate.pending'),
        'verified_profiles', cc_admin_count('verifications.candidate.verified'),
        'recent_registrations', (SELECT count(*) FROM users
                                 WHERE date_joined > now() - interval '7 days'),
        'pending_hospital_verifications', cc_admin_count('verifications.hospital.pending'),
        'pending_documents', cc_admin_count('documents.pending'),
        'applications_last_7_days', cc_admin_window_count('applications', 7),
        'hires_last_30_days', cc_admin_window_count('hires', 30));
END
$$;
