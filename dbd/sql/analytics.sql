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

-- The UTC offset of zone tz at a moment.
CREATE OR REPLACE FUNCTION cc_utc_offset(at timestamptz, tz text) RETURNS interval
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (at AT TIME ZONE tz) - (at AT TIME ZONE 'UTC')
$$;

-- How the reports tell the bucket of each of many moments of the local days f .. t without
-- applying the zone's rules to every row (cc_bucket per row is most of a 90-day report's time):
-- the moments each bucket starts at (bounds, in order), checked against cc_bucket, and the mode:
--   1: the buckets are days or weeks of one length in UTC too (the zone kept its offset), so a
--      moment's bucket starts at date_bin(stride, moment, origin);
--   2: it starts at bounds[width_bucket(moment, bounds)] (a binary search; months, or a day of
--      23 or 25 hours);
--   0: neither is sure: each moment goes through cc_bucket.
-- Either way the caller groups by that start and names its bucket by cc_bucket(start), so only
-- the bounds must be right: each start must be in its bucket and the moment before it in an
-- earlier one, and the local calendar must not run back across a bound or an end of the range (a
-- "fall back" that repeats the local moment just before it: mode 0). The offsets are compared 25
-- hours either side of each: no zone of the time zone database changes its offset twice, or by
-- more than a day, within 25 hours.
-- docs/notes/analytics.md: measurements.
CREATE OR REPLACE FUNCTION cc_bucket_plan(f date, t date, iv text, tz text, OUT mode integer,
                                          OUT origin timestamptz, OUT stride interval,
                                          OUT bounds timestamptz[])
LANGUAGE sql STABLE AS $$
    WITH b AS (SELECT d, d::timestamp AT TIME ZONE tz AS at,
                      lag(d::timestamp AT TIME ZONE tz) OVER (ORDER BY d) AS prev
               FROM cc_buckets(f, t, iv) d),
    r AS (SELECT * FROM cc_local_range(f, t, tz)),
    -- the local midnights the calendar must not run back across: the bounds and the range's ends
    guard AS (SELECT m, m - interval '1 microsecond' AS x,
                     cc_utc_offset(m AT TIME ZONE tz - interval '25 hours', tz) AS before,
                     cc_utc_offset(m AT TIME ZONE tz + interval '25 hours', tz) AS after
              FROM (SELECT d::timestamp AS m FROM b WHERE prev IS NOT NULL
                    UNION ALL SELECT f::timestamp UNION ALL SELECT (t + 1)::timestamp) g),
    checked AS (
        SELECT (SELECT bool_and(cc_bucket(at, iv, tz) = d
                                AND (prev IS NULL
                                     OR cc_bucket(at - interval '1 microsecond', iv, tz) < d))
                FROM b)
               AND (SELECT min(at) FROM b) <= (SELECT lo FROM r)
               -- a fall back near m runs back across it when the local moment just before m
               -- happens twice: once at each offset
               AND (SELECT bool_and(before <= after
                                    OR ((x - before) AT TIME ZONE 'UTC' AT TIME ZONE tz) <> x
                                    OR ((x - after) AT TIME ZONE 'UTC' AT TIME ZONE tz) <> x)
                    FROM guard) IS NOT FALSE AS safe,
               CASE iv WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '7 days' END
                   AS stride)
    SELECT CASE WHEN NOT c.safe THEN 0
                WHEN c.stride IS NOT NULL
                     AND (SELECT bool_and(at - prev = c.stride) FROM b WHERE prev IS NOT NULL)
                         IS NOT FALSE THEN 1
                ELSE 2 END,
           (SELECT min(at) FROM b), c.stride,
           (SELECT array_agg(at ORDER BY d) FROM b)
    FROM checked c
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
-- One pass over the range (grouping sets), read from jobs_analytics_idx alone, the buckets told
-- by cc_bucket_plan; the fill rate from the closed jobs of the range and the hired applications
-- (applications_hired_job_idx, 0019).
CREATE OR REPLACE FUNCTION cc_analytics_jobs(f date, t date, iv text, tz text) RETURNS json
LANGUAGE sql STABLE AS $$
    WITH r AS (SELECT * FROM cc_local_range(f, t, tz)),
    p AS MATERIALIZED (SELECT * FROM cc_bucket_plan(f, t, iv, tz)),
    g AS MATERIALIZED (
        SELECT grouping(k, d, job_type, city, hospital_id) AS set, k, d, job_type, city,
               hospital_id, count(*) AS n, count(*) FILTER (WHERE closed) AS closed
        FROM (SELECT CASE p.mode WHEN 1 THEN date_bin(p.stride, j.created_at, p.origin)
                                 WHEN 2 THEN p.bounds[width_bucket(j.created_at, p.bounds)] END
                         AS k,
                     CASE WHEN p.mode = 0 THEN cc_bucket(j.created_at, iv, tz) END AS d,
                     j.job_type, coalesce(j.city, '') AS city, j.hospital_id,
                     (NOT j.is_active OR j.expires_at <= now()) AS closed
              FROM p, r, jobs j WHERE j.created_at >= r.lo AND j.created_at < r.hi) x
        GROUP BY GROUPING SETS ((k, d), (job_type), (city), (hospital_id), ())),
    -- grouping() bits: k 16, d 8, job_type 4, city 2, hospital_id 1 (set when NOT grouped by it)
    per AS (SELECT coalesce(d, cc_bucket(k, iv, tz)) AS b, sum(n) AS n FROM g WHERE set = 7
            GROUP BY 1),
    cities AS (SELECT city AS key, n, row_number() OVER (ORDER BY n DESC, city) AS pos
               FROM g WHERE set = 29),
    -- 15,000 hospitals at make bench scale: the top 20 by a bounded sort, the rest as a sum
    hosp AS (SELECT hospital_id, n FROM g WHERE set = 30 ORDER BY n DESC, hospital_id LIMIT 20),
    -- the closed jobs of the range with a hired application: the few hired ones hashed
    filled AS (SELECT count(*) AS n
               FROM jobs j, r
               WHERE j.created_at >= r.lo AND j.created_at < r.hi
                 AND (NOT j.is_active OR j.expires_at <= now())
                 AND j.id IN (SELECT a.job_id FROM applications a WHERE a.status = 'hired'))
    SELECT (cc_analytics_head(f, t, iv, tz) || jsonb_build_object(
        'series', (SELECT jsonb_agg(jsonb_build_object('bucket', s.b, 'count', coalesce(per.n, 0))
                                    ORDER BY s.b)
                   FROM cc_buckets(f, t, iv) s(b) LEFT JOIN per ON per.b = s.b),
        'total', (SELECT n FROM g WHERE set = 31),
        'by_job_type', (SELECT coalesce(jsonb_agg(jsonb_build_object('key', job_type, 'count', n)
                                                  ORDER BY n DESC, job_type), '[]')
                        FROM g WHERE set = 27),
        'by_city', (SELECT coalesce(jsonb_agg(jsonb_build_object('key', key, 'count', n) ORDER BY pos)
                                    FILTER (WHERE pos <= 20), '[]')
                           || CASE WHEN count(*) > 20 THEN jsonb_build_array(jsonb_build_object(
                                  'key', 'other', 'count', sum(n) FILTER (WHERE pos > 20)))
                              ELSE '[]' END FROM cities),
        'by_hospital', (SELECT coalesce((SELECT jsonb_agg(jsonb_build_object(
                                             'key', h.name || ' (' || h.id || ')', 'count', x.n)
                                             ORDER BY x.n DESC, x.hospital_id)
                                         FROM hosp x JOIN hospitals h ON h.id = x.hospital_id),
                                        '[]')
                               || CASE WHEN count(*) > 20 THEN jsonb_build_array(jsonb_build_object(
                                      'key', 'other',
                                      'count', sum(n) - (SELECT sum(n) FROM hosp)))
                                  ELSE '[]' END FROM g WHERE set = 30),
        'fill_rate', (SELECT jsonb_build_object(
                          'closed', g.closed, 'filled', filled.n,
                          'rate', CASE WHEN g.closed > 0 THEN round(filled.n::numeric / g.closed, 4) END)
                      FROM g, filled WHERE g.set = 31)))::json
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

-- The percentile p of sorted durations v in microseconds as the interval percentile_cont(p)
-- gives over the same durations as intervals (justified to days and time, as timestamptz minus
-- timestamptz gives them): the same two rows, interpolated by the same interval arithmetic.
-- NULL for no values.
CREATE OR REPLACE FUNCTION cc_percentile_us(v bigint[], p float8) RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN lo = hi THEN a ELSE (b - a) * (pos - lo) + a END
    FROM (SELECT pos, lo, hi, justify_hours(interval '1 microsecond' * v[lo + 1]) AS a,
                 justify_hours(interval '1 microsecond' * v[hi + 1]) AS b
          FROM (SELECT pos, floor(pos)::bigint AS lo, ceil(pos)::bigint AS hi
                FROM (SELECT p * (cardinality(v) - 1) AS pos) x) y) z
$$;

-- Applications: those applied in the range per bucket with their current statuses; the funnel
-- (how many reached each stage, from their whole status history: an application that skipped a
-- stage counts as having passed it) with the conversion from the stage before; time to hire
-- (applied to the hired status) and time to first response (applied to the first status change
-- by anyone but the candidate), median and 90th percentile in hours. The history is read through
-- the facts 0015 keeps on each application. Two passes over the range, each read from
-- applications_applied_idx alone: a hashed count per (bucket, status, stage) group (the bucket
-- told by cc_bucket_plan), a few thousand at most, that the rest reads (collecting the times
-- into arrays there made it sort every row); then the two distributions (only the answered and
-- the hired rows are sorted, as the integers 0019 keeps; work_mem keeps 250,000 of them in
-- memory). docs/notes/analytics.md: measurements.
CREATE OR REPLACE FUNCTION cc_analytics_applications(f date, t date, iv text, tz text) RETURNS json
LANGUAGE sql STABLE SET work_mem = '32MB' AS $$
    WITH r AS (SELECT * FROM cc_local_range(f, t, tz)),
    p AS MATERIALIZED (SELECT * FROM cc_bucket_plan(f, t, iv, tz)),
    -- (bucket start, status, stage reached) groups: one hashed count per row, of the columns
    -- as they are (an expression of them per row costs more than the grouping)
    raw AS MATERIALIZED (
        SELECT CASE p.mode WHEN 1 THEN date_bin(p.stride, a.applied_at, p.origin)
                           WHEN 2 THEN p.bounds[width_bucket(a.applied_at, p.bounds)] END AS k,
               CASE WHEN p.mode = 0 THEN cc_bucket(a.applied_at, iv, tz) END AS d, a.status,
               a.reached, count(*) AS n
        FROM p, r, applications a
        WHERE a.applied_at >= r.lo AND a.applied_at < r.hi
        GROUP BY 1, 2, 3, 4),
    -- named by their buckets (two starts may share one: everything after sums), the stage
    -- reached at least the current status's
    grp AS MATERIALIZED (
        SELECT coalesce(d, cc_bucket(k, iv, tz)) AS b, status,
               greatest(reached, coalesce(cc_stage_rank(status), 0)) AS reached, n
        FROM raw),
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
    -- the waits 0019 keeps in microseconds, sorted as integers
    waits AS (
        SELECT array_agg(a.hire_us ORDER BY a.hire_us) FILTER (WHERE a.hire_us IS NOT NULL) AS hire,
               array_agg(a.answer_us ORDER BY a.answer_us) FILTER (WHERE a.answer_us IS NOT NULL)
                   AS answer
        FROM applications a, r
        WHERE a.applied_at >= r.lo AND a.applied_at < r.hi),
    times AS (
        SELECT coalesce(cardinality(hire), 0) AS hires,
               ARRAY[cc_percentile_us(hire, 0.5), cc_percentile_us(hire, 0.9)] AS hire,
               coalesce(cardinality(answer), 0) AS answers,
               ARRAY[cc_percentile_us(answer, 0.5), cc_percentile_us(answer, 0.9)] AS answer
        FROM waits)
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
