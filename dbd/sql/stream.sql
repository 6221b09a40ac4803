-- The live stream's events (CONTRACT §7, docs/API.md "Live stream"): every notification and
-- every message becomes a numbered event of each user who should see it (the triggers of
-- schema/0017_messaging.sql, which requires this file: only scalar types in signatures), and the
-- stream reads them back rendered as the REST resources (services/stream.c).

-- Adds event (kind, ref) to `usr`'s stream: the next number of the user's counter (its row lock
-- held to commit orders the user's events by commit), the row, and a pg_notify at commit to
-- every node's listener with "<user> <seq>". Returns the seq.
CREATE OR REPLACE FUNCTION cc_stream_event(usr bigint, kind text, ref bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
BEGIN
    INSERT INTO stream_counters AS c (user_id, seq) VALUES (usr, 1)
    ON CONFLICT (user_id) DO UPDATE SET seq = c.seq + 1
    RETURNING c.seq INTO s;
    INSERT INTO stream_events (user_id, seq, kind, ref_id) VALUES (usr, s, kind, ref);
    PERFORM pg_notify('cc_stream', usr || ' ' || s);
    RETURN s;
END
$$;

-- Trigger function: a new notification is an event of its user.
CREATE OR REPLACE FUNCTION cc_stream_notification_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cc_stream_event(NEW.user_id, 'notification', NEW.id);
    RETURN NULL;
END
$$;

-- Trigger function: a new message is an event of every participant (its sender too, for its
-- other devices), taken in user id order so concurrent sends lock counters in one order.
CREATE OR REPLACE FUNCTION cc_stream_message_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    u bigint;
BEGIN
    FOR u IN SELECT user_id FROM conversation_participants
             WHERE conversation_id = NEW.conversation_id ORDER BY user_id LOOP
        PERFORM cc_stream_event(u, 'message', NEW.id);
    END LOOP;
    RETURN NULL;
END
$$;

-- The events of `usr` after seq `after`, oldest first, at most `lim`, each rendered as the REST
-- resource shows it (cc_notification_json, cc_message_json); an event whose row is gone (a
-- deleted notification) is left out.
CREATE OR REPLACE FUNCTION cc_stream_events_after(usr bigint, after bigint, lim integer)
RETURNS TABLE (seq bigint, kind text, body text) LANGUAGE sql STABLE AS $$
    SELECT e.seq, e.kind, d.body
    FROM stream_events e
    CROSS JOIN LATERAL (
        SELECT CASE e.kind
            WHEN 'notification' THEN (SELECT cc_notification_json(n)::text FROM notifications n
                                      WHERE n.id = e.ref_id)
            ELSE (SELECT cc_message_json(m, usr)::text FROM messages m WHERE m.id = e.ref_id)
            END AS body) d
    WHERE e.user_id = usr AND e.seq > after AND d.body IS NOT NULL
    ORDER BY e.seq LIMIT lim
$$;
