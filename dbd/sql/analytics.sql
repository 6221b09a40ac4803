-- The admin analytics (CONTRACT §5, docs/API.md "Analytics"): time series over local days of an
-- IANA time zone, every bucket present (zero-filled), and their breakdowns, rendered as JSON; and
-- the same documents flattened into CSV. The handler (handlers/analytics.c) validates the
-- parameters; these functions trust them.

-- The bucket (its first local day) a moment falls in: a day, a week (from Monday) or a month of
-- the local calendar of zone tz.
CREATE OR REPLACE FUNCTION cc_bucket(at timestamptz, iv text, tz text) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT date_trunc(iv, at AT TIME ZONE tz)::date
$$;

-- Every bucket from the one holding day f to the one holding day t, in order.
CREATE OR REPLACE FUNCTION cc_buckets(f date, t date, iv text) RETURNS SETOF date
LANGUAGE sql IMMUTABLE AS $$
    SELECT b::date FROM generate_series(date_trunc(iv, f::timestamp), t::timestamp,
                                        ('1 ' || iv)::interval) b
$$;

-- The moments [lo, hi) of the local days f .. t of zone tz.
CREATE OR REPLACE FUNCTION cc_local_range(f date, t date, tz text, OUT lo timestamptz,
                                          OUT hi timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT f::timestamp AT TIME ZONE tz, (t + 1)::timestamp AT TIME ZONE tz
$$;

-- Whether tz names a time zone PostgreSQL knows (an IANA name such as Asia/Kolkata, or UTC).
CREATE OR REPLACE FUNCTION cc_tz_valid(tz text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM now() AT TIME ZONE tz;
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END
$$;

-- The head every analytics document starts with.
CREATE OR REPLACE FUNCTION cc_analytics_head(f date, t date, iv text, tz text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('from', f, 'to', t, 'interval', iv, 'tz', tz)
$$;

-- Users: new users per bucket with their roles, and active users (who logged in) per bucket.
CREATE OR REPLACE FUNCTION cc_analytics_users(f date, t date, iv text, tz text) RETURNS json
LANGUAGE sql STABLE AS $$
    WITH r AS (SELECT * FROM cc_local_range(f, t, tz)),
    joined AS MATERIALIZED (
        SELECT cc_bucket(u.date_joined, iv, tz) AS b, count(*) AS n,
               count(*) FILTER (WHERE u.role = 'candidate') AS candidate,
               count(*) FILTER (WHERE u.role = 'recruiter') AS recruiter,
               count(*) FILTER (WHERE u.role = 'admin') AS admin
        FROM users u, r WHERE u.date_joined >= r.lo AND u.date_joined < r.hi
        GROUP BY 1),
    active AS MATERIALIZED (
        SELECT cc_bucket(l.at, iv, tz) AS b, count(DISTINCT l.user_id) AS n
        FROM user_logins l, r WHERE l.at >= r.lo AND l.at < r.hi
        GROUP BY 1)
    SELECT (cc_analytics_head(f, t, iv, tz) || jsonb_build_object(
        'series', (SELECT jsonb_agg(jsonb_build_object(
                       'bucket', s.b, 'count', coalesce(j.n, 0),
                       'by_role', jsonb_build_object('candidate', coalesce(j.candidate, 0),
                                                     'recruiter', coalesce(j.recruiter, 0),
                                                     'admin', coalesce(j.admin, 0)))
                       ORDER BY s.b)
                   FROM cc_buckets(f, t, iv) s(b) LEFT JOIN joined j ON j.b = s.b),
        'active_series', (SELECT jsonb_agg(jsonb_build_object('bucket', s.b,
                                                              'count', coalesce(a.n, 0))
                                           ORDER BY s.b)
                          FROM cc_buckets(f, t, iv) s(b) LEFT JOIN active a ON a.b = s.b),
        'totals', (SELECT jsonb_build_object(
                       'new', coalesce(sum(n), 0),
                       'by_role', jsonb_build_object('candidate', coalesce(sum(candidate), 0),
                                                     'recruiter', coalesce(sum(recruiter), 0),
                                                     'admin', coalesce(sum(admin), 0)),
                       'active', (SELECT count(DISTINCT l.user_id) FROM user_logins l, r
                                  WHERE l.at >= r.lo AND l.at < r.hi))
                   FROM joined)))::json
$$;

-- Jobs: posted per bucket; the jobs posted in the range by job type, city and hospital (the top
-- 20 by count, ties by name for cities and by id for hospitals, and the rest as "other"); and
-- their fill rate: of those closed (inactive or expired), the share with a hired application.
-- One pass over the range (grouping sets), read from jobs_analytics_idx alone.
CREATE OR REPLACE FUNCTION cc_analytics_jobs(f date, t date, iv text, tz text) RETURNS json
LANGUAGE sql STABLE AS $$
    WITH r AS (SELECT * FROM cc_local_range(f, t, tz)),
    g AS MATERIALIZED (
        SELECT grouping(b, job_type, city, hospital_id) AS set, b, job_type, city, hospital_id,
               count(*) AS n, count(*) FILTER (WHERE closed) AS closed
        FROM (SELECT cc_bucket(j.created_at, iv, tz) AS b, j.job_type,
                     coalesce(j.city, '') AS city, j.hospital_id,
                     (NOT j.is_active OR j.expires_at <= now()) AS closed
              FROM jobs j, r WHERE j.created_at >= r.lo AND j.created_at < r.hi) x
        GROUP BY GROUPING SETS ((b), (job_type), (city), (hospital_id), ())),
    -- grouping() bits: b 8, job_type 4, city 2, hospital_id 1 (set when NOT grouped by it)
    cities AS (SELECT city AS key, n, row_number() OVER (ORDER BY n DESC, city) AS pos
               FROM g WHERE set = 13),
    hosp AS (SELECT hospital_id, n, row_number() OVER (ORDER BY n DESC, hospital_id) AS pos
             FROM g WHERE set = 14),
    filled AS (SELECT count(DISTINCT a.job_id) AS n
               FROM applications a JOIN jobs j ON j.id = a.job_id, r
               WHERE a.status = 'hired' AND j.created_at >= r.lo AND j.created_at < r.hi
                 AND (NOT j.is_active OR j.expires_at <= now()))
    SELECT (cc_analytics_head(f, t, iv, tz) || jsonb_build_object(
        'series', (SELECT jsonb_agg(jsonb_build_object('bucket', s.b, 'count', coalesce(g.n, 0))
                                    ORDER BY s.b)
                   FROM cc_buckets(f, t, iv) s(b) LEFT JOIN g ON g.set = 7 AND g.b = s.b),
        'total', (SELECT n FROM g WHERE set = 15),
        'by_job_type', (SELECT coalesce(jsonb_agg(jsonb_build_object('key', job_type, 'count', n)
                                                  ORDER BY n DESC, job_type), '[]')
                        FROM g WHERE set = 11),
        'by_city', (SELECT coalesce(jsonb_agg(jsonb_build_object('key', key, 'count', n) ORDER BY pos)
                                    FILTER (WHERE pos <= 20), '[]')
                           || CASE WHEN count(*) > 20 THEN jsonb_build_array(jsonb_build_object(
                                  'key', 'other', 'count', sum(n) FILTER (WHERE pos > 20)))
                              ELSE '[]' END FROM cities),
        'by_hospital', (SELECT coalesce((SELECT jsonb_agg(jsonb_build_object(
                                             'key', h.name || ' (' || h.id || ')', 'count', x.n)
                                             ORDER BY x.pos)
                                         FROM hosp x JOIN hospitals h ON h.id = x.hospital_id
                                         WHERE x.pos <= 20), '[]')
                               || CASE WHEN count(*) > 20 THEN jsonb_build_array(jsonb_build_object(
                                      'key', 'other', 'count', sum(n) FILTER (WHERE pos > 20)))
                                  ELSE '[]' END FROM hosp),
        'fill_rate', (SELECT jsonb_build_object(
                          'closed', g.closed, 'filled', filled.n,
                          'rate', CASE WHEN g.closed > 0 THEN round(filled.n::numeric / g.closed, 4) END)
                      FROM g, filled WHERE g.set = 15)))::json
$$;

-- The rank of a status on the progression applied -> hired (0..5), NULL for rejected/withdrawn.
CREATE OR REPLACE FUNCTION cc_stage_rank(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_position(ARRAY['applied', 'reviewed', 'shortlisted', 'interviewing', 'offered',
                                'hired'], status) - 1
$$;

-- What the history rows `events` (ids of application_events) say of their applications: the
-- furthest stage reached, the first hired moment, the first answer (a status change by anyone
-- but the candidate).
CREATE OR REPLACE FUNCTION cc_application_history_facts(events bigint[])
RETURNS TABLE (application_id bigint, reached integer, hired_at timestamptz,
               responded_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT e.application_id, coalesce(max(cc_stage_rank(e.status)), 0),
           min(e.changed_at) FILTER (WHERE e.status = 'hired'),
           min(e.changed_at) FILTER (WHERE e.changed_by IS DISTINCT FROM p.user_id
                                       AND e.status <> 'applied')
    FROM unnest(events) k(id)
    JOIN application_events e ON e.id = k.id
    JOIN applications a ON a.id = e.application_id
    JOIN candidate_profiles p ON p.id = a.candidate_id
    GROUP BY e.application_id
$$;

-- The trigger of application_events (dbd/schema/0015_analytics.sql): the new history rows move
-- their applications' facts forward, never back (a first moment stays the first).
CREATE OR REPLACE FUNCTION cc_application_events_facts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE applications a
    SET reached = greatest(a.reached, x.reached),
        hired_at = coalesce(a.hired_at, x.hired_at),
        responded_at = coalesce(a.responded_at, x.responded_at)
    FROM cc_application_history_facts((SELECT array_agg(id) FROM new_events)) x
    WHERE a.id = x.application_id
      AND (a.reached < x.reached OR (a.hired_at IS NULL AND x.hired_at IS NOT NULL)
           OR (a.responded_at IS NULL AND x.responded_at IS NOT NULL));
    RETURN NULL;
END
$$;

-- Applications: those applied in the range per bucket with their current statuses; the funnel
-- (how many reached each stage, from their whole status history: an application that skipped a
-- stage counts as having passed it) with the conversion from the stage before; time to hire
-- (applied to the hired status) and time to first response (applied to the first status change
-- by anyone but the candidate), median and 90th percentile in hours. The history is read through
-- the facts 0015 keeps on each application. Two passes over the range, each read from
-- applications_applied_idx alone: a hashed count per (bucket, status, stage) group, a few
-- thousand at most, that the rest reads (collecting the times into arrays there made it sort
-- every row); then the two distributions (only the answered and the hired rows are sorted, as
-- intervals; work_mem keeps 250,000 of them in memory). docs/notes/analytics.md: measurements.
CREATE OR REPLACE FUNCTION cc_analytics_applications(f date, t date, iv text, tz text) RETURNS json
LANGUAGE sql STABLE SET work_mem = '32MB' AS $$
    WITH r AS (SELECT * FROM cc_local_range(f, t, tz)),
    -- (bucket, status, stage reached) groups: one hashed count per row
    grp AS MATERIALIZED (
        SELECT cc_bucket(a.applied_at, iv, tz) AS b, a.status,
               greatest(a.reached, coalesce(cc_stage_rank(a.status), 0)) AS reached, count(*) AS n
        FROM applications a, r
        WHERE a.applied_at >= r.lo AND a.applied_at < r.hi
        GROUP BY 1, 2, 3),
    per AS MATERIALIZED (
        SELECT b, sum(n) AS n,
               jsonb_build_object(
                   'applied', coalesce(sum(n) FILTER (WHERE status = 'applied'), 0),
                   'reviewed', coalesce(sum(n) FILTER (WHERE status = 'reviewed'), 0),
                   'shortlisted', coalesce(sum(n) FILTER (WHERE status = 'shortlisted'), 0),
                   'interviewing', coalesce(sum(n) FILTER (WHERE status = 'interviewing'), 0),
                   'offered', coalesce(sum(n) FILTER (WHERE status = 'offered'), 0),
                   'hired', coalesce(sum(n) FILTER (WHERE status = 'hired'), 0),
                   'rejected', coalesce(sum(n) FILTER (WHERE status = 'rejected'), 0),
                   'withdrawn', coalesce(sum(n) FILTER (WHERE status = 'withdrawn'), 0)) AS by_status
        FROM grp GROUP BY b),
    stages AS (
        SELECT s.stage, s.pos,
               coalesce((SELECT sum(g.n) FROM grp g WHERE g.reached >= s.pos - 1), 0) AS n
        FROM unnest(ARRAY['applied', 'reviewed', 'shortlisted', 'interviewing', 'offered',
                          'hired']) WITH ORDINALITY AS s(stage, pos)),
    times AS (
        SELECT count(a.hired_at) AS hires,
               percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY a.hired_at - a.applied_at)
                   FILTER (WHERE a.hired_at IS NOT NULL) AS hire,
               count(a.responded_at) AS answers,
               percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY a.responded_at - a.applied_at)
                   FILTER (WHERE a.responded_at IS NOT NULL) AS answer
        FROM applications a, r
        WHERE a.applied_at >= r.lo AND a.applied_at < r.hi)
    SELECT (cc_analytics_head(f, t, iv, tz) || jsonb_build_object(
        'series', (SELECT jsonb_agg(jsonb_build_object(
                       'bucket', s.b, 'count', coalesce(per.n, 0),
                       'by_status', coalesce(per.by_status, jsonb_build_object(
                           'applied', 0, 'reviewed', 0, 'shortlisted', 0, 'interviewing', 0,
                           'offered', 0, 'hired', 0, 'rejected', 0, 'withdrawn', 0)))
                       ORDER BY s.b)
                   FROM cc_buckets(f, t, iv) s(b) LEFT JOIN per ON per.b = s.b),
        'total', (SELECT coalesce(sum(n), 0) FROM per),
        'funnel', (SELECT jsonb_agg(jsonb_build_object(
                       'stage', stage, 'count', n,
                       'conversion', CASE WHEN prev IS NULL OR prev = 0 THEN NULL
                                          ELSE round(n::numeric / prev, 4) END)
                       ORDER BY pos)
                   FROM (SELECT stage, pos, n, lag(n) OVER (ORDER BY pos) AS prev FROM stages) z),
        'time_to_hire_hours', (SELECT jsonb_build_object(
                                   'count', hires,
                                   'median', round(extract(epoch FROM hire[1]) / 3600, 2),
                                   'p90', round(extract(epoch FROM hire[2]) / 3600, 2)) FROM times),
        'time_to_first_response_hours', (SELECT jsonb_build_object(
                                   'count', answers,
                                   'median', round(extract(epoch FROM answer[1]) / 3600, 2),
                                   'p90', round(extract(epoch FROM answer[2]) / 3600, 2))
                                   FROM times)))::json
$$;

-- A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
CREATE OR REPLACE FUNCTION cc_csv_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v ~ '[",\r\n]' THEN '"' || replace(v, '"', '""') || '"' ELSE coalesce(v, '') END
$$;

-- An analytics document as CSV: a header row "metric,label,field,value", then one row per value:
-- the members of each list (series, funnel, breakdowns) labelled by their bucket, stage or key,
-- nested objects' members as "by_role.candidate"; the other members (totals, fill rate, times)
-- with an empty label. The head (from, to, interval, tz) comes first.
CREATE OR REPLACE FUNCTION cc_analytics_csv(doc json) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    WITH d AS (SELECT doc::jsonb AS j),
    rows AS (
        -- lists of objects
        SELECT s.key AS metric, i.ord AS o1, coalesce(i.item->>'bucket', i.item->>'stage',
                                                    i.item->>'key', i.ord::text) AS label,
               f.key AS field, f.value AS v, f.ord AS o2
        FROM d, jsonb_each(d.j) WITH ORDINALITY s(key, value, sord)
        CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.value) = 'array'
                                                     THEN s.value ELSE '[]' END)
                           WITH ORDINALITY i(item, ord)
        CROSS JOIN LATERAL jsonb_each(i.item) WITH ORDINALITY f(key, value, ord)
        WHERE f.key NOT IN ('bucket', 'stage', 'key')
        UNION ALL
        -- objects (totals, fill_rate, times) and scalars
        SELECT s.key, 0, '', coalesce(f.key, ''), coalesce(f.value, s.value), coalesce(f.ord, 0)
        FROM d, jsonb_each(d.j) s(key, value)
        LEFT JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(s.value) = 'object' THEN s.value
                                          ELSE '{}' END) WITH ORDINALITY f(key, value, ord) ON true
        WHERE jsonb_typeof(s.value) <> 'array'),
    flat AS (
        -- one more level: {"by_role": {"candidate": 3}} -> field "by_role.candidate"
        SELECT metric, o1, label, field || coalesce('.' || n.key, '') AS field,
               coalesce(n.value, r.v) AS v, o2, coalesce(n.ord, 0) AS o3
        FROM rows r
        LEFT JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(r.v) = 'object' THEN r.v
                                          ELSE '{}' END) WITH ORDINALITY n(key, value, ord) ON true)
    SELECT 'metric,label,field,value' || E'\r\n' || coalesce(string_agg(
               cc_csv_field(metric) || ',' || cc_csv_field(label) || ',' || cc_csv_field(field)
               || ',' || cc_csv_field(CASE jsonb_typeof(v) WHEN 'string' THEN v #>> '{}'
                                                         WHEN 'null' THEN ''
                                                         ELSE v::text END),
               E'\r\n' ORDER BY metric, o1, o2, o3), '') || E'\r\n'
    FROM flat
$$;
