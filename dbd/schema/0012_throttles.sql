-- 0012: throttles other than login's (which counts failures in login_failures): an event per
-- attempt, counted per (kind, key) over a window. Registration counts per client address
-- (kind 'register_client') and per domain of the address it mails (kind 'register_domain'),
-- so one client cannot mail a thousand strangers and many clients cannot flood one hospital's
-- mail domain. Rows older than a day are deleted by the statement that adds one (dbd/statement_list.h).
CREATE TABLE throttle_events (
    id   bigserial PRIMARY KEY,
    kind text NOT NULL,
    key  text NOT NULL,
    at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX throttle_events_key_idx ON throttle_events (kind, key, at);
CREATE INDEX throttle_events_at_idx ON throttle_events (at);
