-- Events: notifications (the table is in schema/0002) and the features that create them in
-- bulk. Each runs inside the transaction of the change that causes it.

-- Every feature notifies through this, inside the transaction of the event itself: the row and
-- the event land together or not at all. pg_notify is delivered at commit, to every node that
-- listens (the live stream). A user who turned in-app notifications of the type off
-- (notification_preferences, sql/background.sql) gets none: NULL is returned.
CREATE OR REPLACE FUNCTION cc_notify(p_user bigint, p_type text, p_title text, p_message text,
                                     p_data jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    nid bigint;
BEGIN
    IF NOT cc_pref_allows(p_user, p_type, false) THEN
        RETURN NULL;
    END IF;
    INSERT INTO notifications (user_id, notification_type, title, message, data)
    VALUES (p_user, p_type, p_title, coalesce(p_message, ''), coalesce(p_data, '{}'))
    RETURNING id INTO nid;
    PERFORM pg_notify('cc_events', json_build_object('kind', 'notification', 'user_id', p_user,
                                                     'id', nid)::text);
    RETURN nid;
END
$$;

-- "A new job matching a candidate at >= 80" (CONTRACT §7). When a job is posted open
-- (active, unexpired), the candidates it scores 80 or more for are notified in the posting's
-- transaction: notification type `match`, data {"job", "match_score"}. The candidates are the
-- recruiters' pool the ranking uses (verified profiles of active users, cc_match_rank_candidates
-- of matching.sql, exact for the formula), best first, at most 1,000 per job so a posting stays a
-- short transaction. Returns how many were notified.
CREATE OR REPLACE FUNCTION cc_notify_job_matches(p_job bigint) RETURNS integer
LANGUAGE plpgsql VOLATILE SET jit = off AS $$
DECLARE
    n integer;
BEGIN
    -- in user id order: each notification locks its user's stream counter to commit
    -- (sql/stream.sql), so concurrent bulk notifications take the locks in one order
    SELECT count(cc_notify(x.user_id, 'match', 'A new job matches your profile',
                           x.title || ' at ' || x.hospital || ': a ' || x.score || '% match.',
                           jsonb_build_object('job', x.job, 'match_score', x.score)))
      INTO n
    FROM (SELECT p.user_id, j.title, h.name AS hospital, m.score, j.id AS job
          FROM jobs j
          JOIN hospitals h ON h.id = j.hospital_id
          CROSS JOIN LATERAL cc_match_rank_candidates(j.id, 80, 1000, 0) m
          JOIN candidate_profiles p ON p.id = m.id
          WHERE j.id = p_job AND j.is_active AND (j.expires_at IS NULL OR j.expires_at > now())
          ORDER BY p.user_id OFFSET 0) x;
    RETURN n;
END
$$;
