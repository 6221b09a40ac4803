-- 0017: messaging (CONTRACT §6) and the live stream's events and tickets (§7); docs/API.md
-- "Messaging" and "Live stream". Renderers and rules are in sql/messaging.sql, the stream's
-- event functions (the triggers below) in sql/stream.sql.
-- requires: sql/stream.sql

CREATE TABLE conversations (
    id              bigserial PRIMARY KEY,
    job_id          bigint REFERENCES jobs (id) ON DELETE SET NULL,
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    -- two-person conversations: "<lower id>:<higher id>:<job id or 0>", so one pair has one
    -- conversation per job (create/ answers the existing one); NULL for groups
    pair_key        text UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_message_id bigint,
    updated_at      timestamptz NOT NULL DEFAULT now() -- the last activity (creation, a message)
);

CREATE TABLE conversation_participants (
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_id    bigint NOT NULL DEFAULT 0, -- messages up to this id are read by this user
    hidden          boolean NOT NULL DEFAULT false, -- DELETE by this user; a new message clears it
    joined_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_participants_user_idx ON conversation_participants (user_id, conversation_id);

CREATE TABLE messages (
    id              bigserial PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_id       bigint REFERENCES users (id) ON DELETE SET NULL,
    content         text NOT NULL CHECK (char_length(content) BETWEEN 1 AND 5000),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);

-- ---- the live stream ------------------------------------------------------------------------
-- Every event a user's stream shows is a row here, numbered per user: seq is taken from the
-- user's counter row, whose lock is held until commit, so a user's events commit in seq order
-- and "everything after seq N" read from the table never misses one that commits later.
CREATE TABLE stream_counters (
    user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    seq     bigint NOT NULL
);
CREATE TABLE stream_events (
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seq        bigint NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('notification', 'message')),
    ref_id     bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, seq)
);
CREATE INDEX stream_events_created_idx ON stream_events (created_at);

-- Stream tickets: only a SHA-256 of the ticket is stored; single use, 60 s. token_version
-- binds the stream to the password and activity state the ticket was issued under.
CREATE TABLE stream_tickets (
    token_hash    bytea PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_version integer NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
CREATE INDEX stream_tickets_expires_idx ON stream_tickets (expires_at);

CREATE TRIGGER notifications_stream AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION cc_stream_notification_trigger();
CREATE TRIGGER messages_stream AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION cc_stream_message_trigger();
