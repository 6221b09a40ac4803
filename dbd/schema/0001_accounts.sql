-- 0001: accounts. Users, role profiles (filled out by later schema files), refresh tokens,
-- single-use tokens, login throttling and the mail outbox. Their JSON renderers are in
-- sql/render.sql.

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
    password      text NOT NULL,
    first_name    text NOT NULL DEFAULT '',
    last_name     text NOT NULL DEFAULT '',
    role          text NOT NULL CHECK (role IN ('candidate', 'recruiter', 'admin')),
    is_active     boolean NOT NULL DEFAULT true,
    is_verified   boolean NOT NULL DEFAULT false,
    -- bumped on password change/reset and deactivation: every token carries the value it was
    -- issued under, so older tokens stop working at once
    token_version integer NOT NULL DEFAULT 0,
    date_joined   timestamptz NOT NULL DEFAULT now(),
    last_login    timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_role_idx ON users (role, date_joined);

CREATE TABLE candidate_profiles (
    id                  bigserial PRIMARY KEY,
    user_id             bigint NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    verification_status text NOT NULL DEFAULT 'pending'
                        CHECK (verification_status IN ('pending', 'verified', 'rejected')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recruiter_profiles (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    company_name text NOT NULL DEFAULT '',
    designation  text NOT NULL DEFAULT '',
    phone_number text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refresh_tokens (
    jti        text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issued_at  timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    -- rotated | logout | password | reuse: presenting a rotated or logged-out token again means a copy
    -- is in someone else's hands; a token revoked by a password change does not
    revoked_reason text CHECK (revoked_reason IN ('rotated', 'logout', 'password', 'reuse'))
);
CREATE INDEX refresh_tokens_live_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

-- Email verification and password reset tokens: only a SHA-256 of the token is stored.
CREATE TABLE one_time_tokens (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, purpose);

-- Failed logins, shared by every process and node through the database.
CREATE TABLE login_failures (
    id     bigserial PRIMARY KEY,
    email  text NOT NULL,
    client text NOT NULL,
    at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_client_idx ON login_failures (client, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);

CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    recipient       text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text
);
CREATE INDEX mail_outbox_pending_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
