-- Background work (services/worker.c runs these from each node's watchdog thread, on its own
-- connection). Every function here is safe on several nodes at once: rows are taken with
-- FOR UPDATE SKIP LOCKED, and what has been done is recorded in the same transaction as the
-- doing (a job's is_active, a document's reminded_*_at), so a second node finds nothing left.

-- Whether a user wants notifications of a type on a channel (email or in-app). No row: yes.
CREATE OR REPLACE FUNCTION cc_pref_allows(p_user bigint, p_type text, p_email boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT CASE WHEN p_email THEN email ELSE in_app END
                     FROM notification_preferences WHERE user_id = p_user AND type = p_type), true)
$$;

-- Queues a mail to a user unless the user turned email of that type off. Returns the outbox
-- id, or NULL when not queued.
CREATE OR REPLACE FUNCTION cc_mail_to_user(p_user bigint, p_type text, p_subject text,
                                           p_body text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    mid bigint;
BEGIN
    IF NOT cc_pref_allows(p_user, p_type, true) THEN
        RETURN NULL;
    END IF;
    INSERT INTO mail_outbox (recipient, subject, body, kind)
    SELECT u.email, p_subject, p_body, p_type FROM users u WHERE u.id = p_user AND u.is_active
    RETURNING id INTO mid;
    RETURN mid;
END
$$;

-- Claims up to p_limit due messages for p_node for p_lease seconds. The statement commits on
-- its own (autocommit), before any message is sent: no row lock is held while a mail server is
-- talked to, and a node that dies mid-batch loses its claim when the lease ends.
CREATE OR REPLACE FUNCTION cc_bg_mail_claim(p_node text, p_limit integer, p_lease integer)
RETURNS TABLE (id bigint, recipient text, subject text, body text, created bigint,
               attempts integer)
LANGUAGE sql AS $$
    UPDATE mail_outbox m
       SET claimed_until = now() + make_interval(secs => p_lease), claimed_by = p_node
      FROM (SELECT o.id FROM mail_outbox o
             WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= now()
               AND (o.claimed_until IS NULL OR o.claimed_until < now())
             ORDER BY o.next_attempt_at, o.id LIMIT p_limit FOR UPDATE SKIP LOCKED) c
     WHERE m.id = c.id
    RETURNING m.id, m.recipient, m.subject, m.body, extract(epoch FROM m.created_at)::bigint,
              m.attempts
$$;

-- The outcome of one delivery attempt. p_error NULL: delivered. Otherwise the attempt failed:
-- p_permanent (a 5xx answer, an invalid address) or the p_max-th attempt fails the message
-- for good; else it is due again after base * 2^attempts seconds (at most p_cap), with +-25%
-- jitter so that messages that failed together do not all come back together.
CREATE OR REPLACE FUNCTION cc_bg_mail_result(p_id bigint, p_error text, p_permanent boolean,
                                             p_max integer, p_base integer, p_cap integer)
RETURNS void LANGUAGE sql AS $$
    UPDATE mail_outbox SET
        attempts = attempts + 1,
        claimed_until = NULL,
        sent_at = CASE WHEN p_error IS NULL THEN now() END,
        last_error = p_error,
        failed_at = CASE WHEN p_error IS NOT NULL AND (p_permanent OR attempts + 1 >= p_max)
                         THEN now() END,
        next_attempt_at = CASE WHEN p_error IS NULL THEN next_attempt_at ELSE now()
            + make_interval(secs => least(p_cap, p_base * power(2, attempts))
                                    * (0.75 + random() * 0.5)) END
     WHERE id = p_id AND sent_at IS NULL
$$;

-- Closes up to p_limit open jobs whose expires_at has passed and tells their applicants whose
-- application is still in progress (in-app and by mail, as their preferences say). The update
-- of is_active and the notifications are one transaction, and a job is taken only while still
-- active under its row lock: each applicant hears of it once, whatever the number of nodes.
-- Returns how many jobs were closed.
CREATE OR REPLACE FUNCTION cc_bg_expire_jobs(p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    WITH due AS (
        SELECT j.id FROM jobs j WHERE j.is_active AND j.expires_at <= now()
         ORDER BY j.expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED),
    closed AS (
        UPDATE jobs j SET is_active = false, updated_at = now() FROM due WHERE j.id = due.id
        RETURNING j.id)
    SELECT array_agg(closed.id) INTO ids FROM closed;
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM CASE WHEN cc_pref_allows(c.user_id, 'job_update', false)
                 THEN cc_notify(c.user_id, 'job_update', 'Job expired',
                                'The job "' || j.title || '" has expired and is no longer open.',
                                jsonb_build_object('job', j.id, 'application', a.id)) END,
            cc_mail_to_user(c.user_id, 'job_update', t.subject, t.body)
      FROM applications a
      JOIN jobs j ON j.id = a.job_id
      JOIN hospitals h ON h.id = j.hospital_id
      JOIN candidate_profiles c ON c.id = a.candidate_id
      JOIN users u ON u.id = c.user_id
      CROSS JOIN LATERAL cc_mail_template('job_expired', jsonb_build_object(
          'first_name', u.first_name, 'job', j.title, 'hospital', h.name)) t
     WHERE a.job_id = ANY (ids)
       AND a.status IN ('applied', 'reviewed', 'shortlisted', 'interviewing', 'offered');
    RETURN cardinality(ids);
END
$$;

-- Documents with an expiry date (licences, certificates): a reminder 30 and 7 days before
-- (once each; a document uploaded 10 days before its expiry gets only the 7-day one), and the
-- day after expires_on the document is marked expired and its owner told. Dates are UTC.
-- Up to p_limit documents per step. Returns how many documents were handled.
CREATE OR REPLACE FUNCTION cc_bg_document_expiry(p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
    total integer := 0;
    n integer;
    notified integer;
    mailed integer;
    step record;
BEGIN
    FOR step IN SELECT * FROM (VALUES ('expired', -1), ('7', 7), ('30', 30)) s (kind, days) LOOP
        WITH due AS (
            SELECT d.id FROM documents d
             WHERE d.expires_on IS NOT NULL AND d.expired_at IS NULL
               AND CASE step.kind WHEN 'expired' THEN d.expires_on < today
                                  WHEN '7' THEN d.reminded_7_at IS NULL
                                                AND d.expires_on <= today + 7
                                  ELSE d.reminded_30_at IS NULL AND d.reminded_7_at IS NULL
                                       AND d.expires_on <= today + 30 END
             ORDER BY d.expires_on LIMIT p_limit FOR UPDATE SKIP LOCKED),
        marked AS (
            UPDATE documents d SET
                expired_at = CASE WHEN step.kind = 'expired' THEN now() ELSE d.expired_at END,
                reminded_7_at = CASE WHEN step.kind = '7' THEN now() ELSE d.reminded_7_at END,
                reminded_30_at = CASE WHEN step.kind = '30' THEN now() ELSE d.reminded_30_at END
              FROM due WHERE d.id = due.id
            RETURNING d.id, d.user_id, d.document_type, d.expires_on, d.original_name)
        SELECT count(CASE WHEN cc_pref_allows(m.user_id, 'credential_expiry', false)
                          THEN cc_notify(m.user_id, 'system', t.subject, t.summary,
                                         jsonb_build_object('document', m.id,
                                                            'expires_on', m.expires_on)) END),
               count(cc_mail_to_user(m.user_id, 'credential_expiry', t.subject, t.body)),
               count(*)
          INTO notified, mailed, n
          FROM marked m JOIN users u ON u.id = m.user_id
          CROSS JOIN LATERAL cc_mail_template(
              CASE step.kind WHEN 'expired' THEN 'document_expired' ELSE 'document_expiring' END,
              jsonb_build_object('first_name', u.first_name,
                                 'document', replace(m.document_type, '_', ' '),
                                 'name', m.original_name, 'expires_on', m.expires_on::text,
                                 'days', (m.expires_on - today)::text)) t;
        total := total + n;
    END LOOP;
    RETURN total;
END
$$;

-- Deletes what nobody needs any more, at most p_batch rows per table per call (short
-- transactions; the task calls again while rows go): used or expired one-time tokens past
-- their expiry, revoked refresh tokens past their expiry (a rotated token is kept until then
-- so that its reuse is still detected), login failures older than p_failure_days, delivered
-- mail older than p_mail_days, task runs older than 7 days. Returns how many rows went.
CREATE OR REPLACE FUNCTION cc_bg_retention(p_batch integer, p_mail_days integer,
                                           p_failure_days integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    total integer := 0;
    n integer;
BEGIN
    DELETE FROM one_time_tokens WHERE id IN (
        SELECT id FROM one_time_tokens WHERE expires_at < now() ORDER BY expires_at
         LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
    DELETE FROM refresh_tokens WHERE jti IN (
        SELECT jti FROM refresh_tokens WHERE revoked_at IS NOT NULL AND expires_at < now()
         ORDER BY expires_at LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
    DELETE FROM login_failures WHERE id IN (
        SELECT id FROM login_failures WHERE at < now() - make_interval(days => p_failure_days)
         ORDER BY at LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
    DELETE FROM mail_outbox WHERE id IN (
        SELECT id FROM mail_outbox WHERE sent_at < now() - make_interval(days => p_mail_days)
         ORDER BY sent_at LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
    DELETE FROM task_runs WHERE id IN (
        SELECT id FROM task_runs WHERE started_at < now() - interval '7 days'
         ORDER BY started_at LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
    -- the live stream: tickets an hour past their 60 s, events past the 7-day replay window
    -- (a ticket request also drops its own user's; these are the users who stopped asking)
    DELETE FROM stream_tickets WHERE token_hash IN (
        SELECT token_hash FROM stream_tickets WHERE expires_at < now() - interval '1 hour'
         ORDER BY expires_at LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
    DELETE FROM stream_events WHERE (user_id, seq) IN (
        SELECT user_id, seq FROM stream_events WHERE created_at < now() - interval '7 days'
         ORDER BY created_at LIMIT p_batch FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN total + n;
END
$$;

-- ---- operations (carechainctl mail status / tasks, GET /api/health/?verbose=1) ---------------

-- The outbox at a glance: queued (not yet delivered, not failed), due now, in flight (claimed
-- by a node), the oldest undelivered message and its age, delivered in the last 24 hours,
-- failed for good, and the failures by reason (the 20 most frequent).
CREATE OR REPLACE FUNCTION cc_ops_mail_status() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'queued', count(*),
        'due', count(*) FILTER (WHERE next_attempt_at <= now()
                                  AND (claimed_until IS NULL OR claimed_until < now())),
        'in_flight', count(*) FILTER (WHERE claimed_until >= now()),
        'oldest_undelivered', cc_ts(min(created_at)),
        'oldest_undelivered_age_s', coalesce(round(extract(epoch FROM now() - min(created_at))), 0),
        'sent_last_24h', (SELECT count(*) FROM mail_outbox WHERE sent_at > now() - interval '1 day'),
        'failed', (SELECT count(*) FROM mail_outbox WHERE failed_at IS NOT NULL),
        'failures_by_reason', (SELECT coalesce(jsonb_agg(jsonb_build_object('reason', r, 'count', n)
                                                         ORDER BY n DESC, r), '[]')
                                 FROM (SELECT left(last_error, 200) AS r, count(*) AS n
                                         FROM mail_outbox WHERE failed_at IS NOT NULL
                                        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20) f))
      FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL
$$;

-- The last run of each task on each node: when, how long, its result, what it did, when it
-- runs next (nodes that stopped keep their last row until retention removes it).
CREATE OR REPLACE FUNCTION cc_ops_tasks() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'task', task, 'node', node, 'last_run', cc_ts(started_at),
               'duration_ms', round(duration_ms::numeric, 3), 'result', result, 'items', items,
               'detail', CASE WHEN result = 'ok' THEN detail::jsonb ELSE to_jsonb(detail) END,
               'next_run', cc_ts(next_run_at)) ORDER BY task, node), '[]')
      FROM (SELECT DISTINCT ON (task, node) * FROM task_runs ORDER BY task, node, id DESC) r
$$;

-- Makes failed messages (p_id, or every failed one when NULL) due again with a fresh count of
-- attempts; a queued one is made due now. Returns how many.
CREATE OR REPLACE FUNCTION cc_ops_mail_retry(p_id bigint) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    UPDATE mail_outbox SET failed_at = NULL, attempts = 0, next_attempt_at = now(),
                           claimed_until = NULL
     WHERE sent_at IS NULL AND (CASE WHEN p_id IS NULL THEN failed_at IS NOT NULL
                                     ELSE id = p_id END);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- ---- notification preferences (handlers/preferences.c) --------------------------------------

-- The types a user can choose for (in this order), each {"in_app", "email", "locked"}; the
-- security mails (email verification, password reset, invitations) are listed locked: always on.
CREATE OR REPLACE FUNCTION cc_prefs_json(p_user bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_object_agg(t.type, jsonb_build_object(
               'in_app', coalesce(np.in_app, true), 'email', coalesce(np.email, true),
               'locked', false))
           || jsonb_build_object('security', jsonb_build_object('in_app', true, 'email', true,
                                                                'locked', true))
      FROM unnest(ARRAY['job_update', 'application_status', 'message', 'verification', 'match',
                        'system', 'credential_expiry']) t (type)
      LEFT JOIN notification_preferences np ON np.user_id = p_user AND np.type = t.type
$$;

-- Sets what p_prefs ({type: {"in_app"?: bool, "email"?: bool}}, validated by the handler)
-- says; a channel it leaves out keeps its value.
CREATE OR REPLACE FUNCTION cc_prefs_put(p_user bigint, p_prefs jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO notification_preferences AS np (user_id, type, in_app, email)
    SELECT p_user, e.key, coalesce((e.value ->> 'in_app')::boolean, true),
           coalesce((e.value ->> 'email')::boolean, true)
      FROM jsonb_each(p_prefs) e
    ON CONFLICT (user_id, type) DO UPDATE SET
        in_app = CASE WHEN p_prefs -> EXCLUDED.type ? 'in_app' THEN EXCLUDED.in_app
                      ELSE np.in_app END,
        email = CASE WHEN p_prefs -> EXCLUDED.type ? 'email' THEN EXCLUDED.email
                     ELSE np.email END
$$;

-- ---- the digest of unread messages ----------------------------------------------------------

-- Message notifications still unread p_delay seconds after they arrived go into one digest
-- mail per user (not one mail per message), each notification into one digest at most
-- (digested_at, in the transaction that queues the mail); a message read in time is never
-- mailed. Up to p_limit notifications per call. Returns how many notifications were covered.
CREATE OR REPLACE FUNCTION cc_bg_message_digest(p_delay integer, p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    mailed integer;
BEGIN
    WITH due AS (
        SELECT x.id FROM notifications x
         WHERE x.notification_type = 'message' AND NOT x.is_read AND x.digested_at IS NULL
           AND x.created_at <= now() - make_interval(secs => p_delay)
         ORDER BY x.created_at LIMIT p_limit FOR UPDATE SKIP LOCKED),
    marked AS (
        UPDATE notifications x SET digested_at = now() FROM due WHERE x.id = due.id
        RETURNING x.user_id, x.title, x.message, x.created_at),
    per_user AS (
        SELECT m.user_id, count(*) AS k,
               string_agg('- ' || m.title || CASE WHEN m.message <> ''
                                                  THEN ': ' || left(m.message, 200) ELSE '' END,
                          E'\n' ORDER BY m.created_at) AS lines
          FROM marked m GROUP BY m.user_id)
    SELECT coalesce(sum(p.k), 0), count(cc_mail_to_user(p.user_id, 'message', t.subject, t.body))
      INTO n, mailed
      FROM per_user p JOIN users u ON u.id = p.user_id
      CROSS JOIN LATERAL cc_mail_template('message_digest', jsonb_build_object(
          'first_name', u.first_name, 'count', p.k::text, 'lines', p.lines)) t;
    RETURN n;
END
$$;
