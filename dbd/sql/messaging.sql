-- Messaging (CONTRACT §6, docs/API.md "Messaging") and the live stream's events (§7, "Live
-- stream"): who may talk to whom, the JSON of conversations and messages as one viewer sees
-- them, and the per-user event rows the stream reads. Tables: schema/0017_messaging.sql.
-- Validation, the throttle and the errors' wording are in handlers/messaging.c.

-- May user `a` start a conversation with user `b`? An admin with anyone (and anyone with an
-- admin); a recruiter with a candidate who applied to one of the recruiter's jobs and back;
-- with `job` (not NULL), the application must be to that job. Deactivated users: never.
CREATE OR REPLACE FUNCTION cc_messaging_may_talk(a bigint, b bigint, job bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT ua.is_active AND ub.is_active AND ua.id <> ub.id AND (
        ua.role = 'admin' OR ub.role = 'admin'
        OR EXISTS (
            SELECT 1 FROM users rec
            JOIN recruiter_profiles r ON r.user_id = rec.id
            JOIN jobs j ON j.posted_by = r.id
            JOIN applications ap ON ap.job_id = j.id
            JOIN candidate_profiles c ON c.id = ap.candidate_id
            WHERE (job IS NULL OR j.id = job)
              AND ((rec.id = ua.id AND rec.role = 'recruiter' AND c.user_id = ub.id
                    AND ub.role = 'candidate')
                   OR (rec.id = ub.id AND rec.role = 'recruiter' AND c.user_id = ua.id
                       AND ua.role = 'candidate'))))
    FROM users ua, users ub WHERE ua.id = a AND ub.id = b
$$;

-- A participant as a conversation shows it.
CREATE OR REPLACE FUNCTION cc_participant_json(u users) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', u.id, 'first_name', u.first_name, 'last_name', u.last_name,
                             'role', u.role, 'is_active', u.is_active)
$$;

-- A message as `viewer` sees it: is_read is "read by me" for a message the viewer received and
-- "read by every other participant" for one the viewer sent.
CREATE OR REPLACE FUNCTION cc_message_json(m messages, viewer bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', m.id, 'conversation', m.conversation_id,
        'sender', (SELECT cc_participant_json(u) FROM users u WHERE u.id = m.sender_id),
        'content', m.content,
        'is_read', CASE WHEN m.sender_id IS NOT DISTINCT FROM viewer THEN
                       NOT EXISTS (SELECT 1 FROM conversation_participants p
                                   WHERE p.conversation_id = m.conversation_id
                                     AND p.user_id <> viewer AND p.last_read_id < m.id)
                   ELSE EXISTS (SELECT 1 FROM conversation_participants p
                                WHERE p.conversation_id = m.conversation_id
                                  AND p.user_id = viewer AND p.last_read_id >= m.id) END,
        'created_at', cc_ts(m.created_at))
$$;

-- Messages to `viewer` in conversation `conv` that it has not read.
CREATE OR REPLACE FUNCTION cc_conversation_unread(conv bigint, viewer bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM messages m
    JOIN conversation_participants p ON p.conversation_id = m.conversation_id AND p.user_id = viewer
    WHERE m.conversation_id = conv AND m.id > p.last_read_id
      AND m.sender_id IS DISTINCT FROM viewer
$$;

-- A conversation as `viewer` (a participant) sees it.
CREATE OR REPLACE FUNCTION cc_conversation_json(c conversations, viewer bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'job', c.job_id,
        'job_title', (SELECT j.title FROM jobs j WHERE j.id = c.job_id),
        'participants', (SELECT coalesce(json_agg(cc_participant_json(u) ORDER BY u.id), '[]')
                         FROM conversation_participants p JOIN users u ON u.id = p.user_id
                         WHERE p.conversation_id = c.id),
        'last_message', (SELECT cc_message_json(m, viewer) FROM messages m
                         WHERE m.id = c.last_message_id),
        'unread_count', cc_conversation_unread(c.id, viewer),
        'created_at', cc_ts(c.created_at), 'updated_at', cc_ts(c.updated_at))
$$;
