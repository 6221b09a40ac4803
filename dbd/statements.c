#include "statements.h"

/* Every SQL statement of the module, by label, in one file so a reader sees the whole data
 * access at once. JSON shapes are built by SQL functions defined in the migrations
 * (cc_user_json, cc_login_json), so every endpoint renders a user alike. */
const cc_stmt_t cc_statements[CC_ST__COUNT] = {
    [CC_ST_HEALTH] = {"cc_health_check",
        "SELECT 1", 0, 1},
    [CC_ST_USER_BY_EMAIL] = {"cc_user_by_email",
        "SELECT id, password, role, is_active, is_verified, token_version"
        " FROM users WHERE lower(email) = lower($1)", 1, 1},
    [CC_ST_USER_AUTH] = {"cc_user_auth",
        "SELECT role, is_active, token_version, email FROM users WHERE id = $1", 1, 1},
    [CC_ST_USER_JSON] = {"cc_user_json",
        "SELECT cc_user_json(u) FROM users u WHERE id = $1", 1, 1},
    [CC_ST_LOGIN_JSON] = {"cc_user_login_json",
        "SELECT cc_user_json(u), cc_login_extra_json(u) FROM users u WHERE id = $1", 1, 1},
    [CC_ST_USER_INSERT] = {"cc_user_insert",
        "INSERT INTO users (email, password, first_name, last_name, role)"
        " VALUES (lower($1), $2, $3, $4, $5) RETURNING id", 5, 0},
    [CC_ST_CANDIDATE_PROFILE_INSERT] = {"cc_candidate_profile_insert",
        "INSERT INTO candidate_profiles (user_id) VALUES ($1)", 1, 0},
    [CC_ST_RECRUITER_PROFILE_INSERT] = {"cc_recruiter_profile_insert",
        "INSERT INTO recruiter_profiles (user_id, company_name, designation, phone_number)"
        " VALUES ($1, coalesce($2, ''), coalesce($3, ''), coalesce($4, ''))", 4, 0},
    [CC_ST_USER_TOUCH_LOGIN] = {"cc_user_touch_login",
        "UPDATE users SET last_login = now() WHERE id = $1", 1, 0},
    [CC_ST_USER_UPDATE_NAMES] = {"cc_user_update_names",
        "UPDATE users SET first_name = coalesce($2, first_name), last_name = coalesce($3, last_name)"
        " WHERE id = $1 RETURNING cc_user_json(users)", 3, 0},
    [CC_ST_USER_SECRETS] = {"cc_user_secrets",
        "SELECT password, email, first_name, last_name FROM users WHERE id = $1", 1, 1},
    /* bumping token_version kills every token issued before */
    [CC_ST_USER_SET_PASSWORD] = {"cc_user_set_password",
        "UPDATE users SET password = $2, token_version = token_version + 1 WHERE id = $1"
        " RETURNING token_version, role", 2, 0},
    [CC_ST_USER_MARK_VERIFIED] = {"cc_user_mark_verified",
        "UPDATE users SET is_verified = true WHERE id = $1", 1, 0},
    [CC_ST_REFRESH_INSERT] = {"cc_refresh_insert",
        "INSERT INTO refresh_tokens (user_id, expires_at)"
        " VALUES ($1, now() + make_interval(secs => $2::int))"
        " RETURNING jti, extract(epoch FROM issued_at)::bigint, extract(epoch FROM expires_at)::bigint", 2, 0},
    /* the single UPDATE is the race-free check-and-revoke */
    [CC_ST_REFRESH_ROTATE] = {"cc_refresh_rotate",
        "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'rotated'"
        " WHERE jti = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()"
        " RETURNING user_id", 2, 0},
    [CC_ST_REFRESH_REUSED] = {"cc_refresh_reused",
        "SELECT user_id FROM refresh_tokens"
        " WHERE jti = $1 AND revoked_reason IN ('rotated', 'logout')", 1, 1},
    [CC_ST_REFRESH_REVOKE_ONE] = {"cc_refresh_revoke_one",
        "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'logout'"
        " WHERE jti = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()"
        " RETURNING jti", 2, 0},
    [CC_ST_REFRESH_REVOKE_ALL] = {"cc_refresh_revoke_all",
        "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2"
        " WHERE user_id = $1 AND revoked_at IS NULL", 2, 0},
    /* only the hash of a single-use token is stored */
    [CC_ST_OTT_INSERT] = {"cc_ott_insert",
        "INSERT INTO one_time_tokens (user_id, purpose, token_hash, expires_at)"
        " VALUES ($1, $2, sha256(convert_to($3, 'UTF8')), now() + make_interval(secs => $4::int))", 4, 0},
    [CC_ST_OTT_CONSUME] = {"cc_ott_consume",
        "UPDATE one_time_tokens SET used_at = now()"
        " WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND purpose = $2"
        " AND used_at IS NULL AND expires_at > now() RETURNING user_id", 2, 0},
    [CC_ST_OTT_INVALIDATE] = {"cc_ott_invalidate",
        "UPDATE one_time_tokens SET used_at = now()"
        " WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL", 2, 0},
    [CC_ST_OTT_RECENT] = {"cc_ott_recent",
        "SELECT count(*) FROM one_time_tokens"
        " WHERE user_id = $1 AND purpose = $2 AND created_at > now() - interval '60 seconds'", 2, 1},
    /* seconds until the max-th most recent failure leaves the window */
    [CC_ST_THROTTLE_EMAIL] = {"cc_throttle_email",
        "SELECT greatest(1, ceil(extract(epoch FROM at + make_interval(secs => $2::int) - now())))::bigint"
        " FROM login_failures WHERE email = lower($1) AND at > now() - make_interval(secs => $2::int)"
        " ORDER BY at DESC OFFSET $3 LIMIT 1", 3, 1},
    [CC_ST_THROTTLE_CLIENT] = {"cc_throttle_client",
        "SELECT greatest(1, ceil(extract(epoch FROM at + make_interval(secs => $2::int) - now())))::bigint"
        " FROM login_failures WHERE client = $1 AND at > now() - make_interval(secs => $2::int)"
        " ORDER BY at DESC OFFSET $3 LIMIT 1", 3, 1},
    /* also drops rows too old to matter for any window */
    [CC_ST_LOGIN_FAILURE_INSERT] = {"cc_login_failure_insert",
        "WITH old AS (DELETE FROM login_failures WHERE at < now() - interval '1 day')"
        " INSERT INTO login_failures (email, client) VALUES (lower($1), $2)", 2, 0},
    [CC_ST_LOGIN_FAILURE_CLEAR] = {"cc_login_failure_clear",
        "DELETE FROM login_failures WHERE email = lower($1)", 1, 0},
    [CC_ST_MAIL_INSERT] = {"cc_mail_insert",
        "INSERT INTO mail_outbox (recipient, subject, body) VALUES ($1, $2, $3) RETURNING id", 3, 0},
    /* SKIP LOCKED lets every process and node deliver without doubles */
    [CC_ST_MAIL_CLAIM] = {"cc_mail_claim",
        "SELECT id, recipient, subject, body, extract(epoch FROM created_at)::bigint FROM mail_outbox"
        " WHERE sent_at IS NULL AND next_attempt_at <= now() ORDER BY id LIMIT 20"
        " FOR UPDATE SKIP LOCKED", 0, 0},
    [CC_ST_MAIL_SENT] = {"cc_mail_sent",
        "UPDATE mail_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL"
        " WHERE id = $1", 1, 0},
    /* exponential backoff, capped at an hour */
    [CC_ST_MAIL_FAILED] = {"cc_mail_failed",
        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2,"
        " next_attempt_at = now() + make_interval(secs => least(3600, 30 * power(2, attempts))::int)"
        " WHERE id = $1", 2, 0},
    /* ---- events ---- */
    [CC_ST_NOTIFY] = {"cc_notify",
        "SELECT cc_notify($1, $2, $3, $4, $5::jsonb)", 5, 0},
    [CC_ST_AUDIT] = {"cc_audit",
        "INSERT INTO audit_log (actor_id, action, target_type, target_id, details)"
        " VALUES ($1, $2, $3, $4, $5::jsonb)", 5, 0},
    /* ---- notifications: always the caller's own ($1 = user id, or $2 next to an object id).
     * Lists walk notifications_user_idx (user_id, id) newest first; unread counts use the
     * partial notifications_unread_idx. Filters: $2 is_read (NULL = any), $3 type (NULL = any).
     * The one-row outer query keeps unread_count when the page itself is empty. ---- */
    [CC_ST_NOTIFICATION_PAGE] = {"cc_notification_page",
        "SELECT u.unread, p.total, p.body"
        " FROM (SELECT count(*) AS unread FROM notifications WHERE user_id = $1 AND NOT is_read) u"
        " LEFT JOIN LATERAL (SELECT n.id, count(*) OVER () AS total,"
        " cc_notification_json(n)::text AS body FROM notifications n"
        " WHERE n.user_id = $1 AND ($2::boolean IS NULL OR n.is_read = $2)"
        " AND ($3::text IS NULL OR n.notification_type = $3)"
        " ORDER BY n.id DESC LIMIT $4::bigint OFFSET $5::bigint) p ON true"
        " ORDER BY p.id DESC", 5, 1},
    /* keyset feed, older direction: rows with id < $4, newest first; `more` = whether any
     * matching row lies at or above the boundary (the "previous" side) */
    [CC_ST_NOTIFICATION_FEED_OLDER] = {"cc_notification_feed_older",
        "SELECT u.unread, u.more, p.id, p.body"
        " FROM (SELECT (SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT is_read)"
        " AS unread, EXISTS (SELECT 1 FROM notifications m WHERE m.user_id = $1"
        " AND m.id >= $4::bigint AND ($2::boolean IS NULL OR m.is_read = $2)"
        " AND ($3::text IS NULL OR m.notification_type = $3)) AS more) u"
        " LEFT JOIN LATERAL (SELECT n.id, cc_notification_json(n)::text AS body"
        " FROM notifications n WHERE n.user_id = $1 AND n.id < $4::bigint"
        " AND ($2::boolean IS NULL OR n.is_read = $2)"
        " AND ($3::text IS NULL OR n.notification_type = $3)"
        " ORDER BY n.id DESC LIMIT $5::bigint) p ON true"
        " ORDER BY p.id DESC", 5, 1},
    /* newer direction: the oldest rows with id > $4, answered newest first; `more` = whether
     * any matching row lies at or below the boundary (the "next" side) */
    [CC_ST_NOTIFICATION_FEED_NEWER] = {"cc_notification_feed_newer",
        "SELECT u.unread, u.more, p.id, p.body"
        " FROM (SELECT (SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT is_read)"
        " AS unread, EXISTS (SELECT 1 FROM notifications m WHERE m.user_id = $1"
        " AND m.id <= $4::bigint AND ($2::boolean IS NULL OR m.is_read = $2)"
        " AND ($3::text IS NULL OR m.notification_type = $3)) AS more) u"
        " LEFT JOIN LATERAL (SELECT n.id, cc_notification_json(n)::text AS body"
        " FROM notifications n WHERE n.user_id = $1 AND n.id > $4::bigint"
        " AND ($2::boolean IS NULL OR n.is_read = $2)"
        " AND ($3::text IS NULL OR n.notification_type = $3)"
        " ORDER BY n.id LIMIT $5::bigint) p ON true"
        " ORDER BY p.id DESC", 5, 1},
    [CC_ST_NOTIFICATION_GET] = {"cc_notification_get",
        "SELECT cc_notification_json(n)::text FROM notifications n"
        " WHERE n.id = $1 AND n.user_id = $2", 2, 1},
    [CC_ST_NOTIFICATION_DELETE] = {"cc_notification_delete",
        "DELETE FROM notifications WHERE id = $1 AND user_id = $2 RETURNING id", 2, 0},
    /* idempotent: a second call keeps the first read_at */
    [CC_ST_NOTIFICATION_MARK_READ] = {"cc_notification_mark_read",
        "UPDATE notifications SET is_read = true, read_at = coalesce(read_at, now())"
        " WHERE id = $1 AND user_id = $2 RETURNING cc_notification_json(notifications)::text",
        2, 0},
    /* counts only the rows that changed */
    [CC_ST_NOTIFICATION_MARK_ALL_READ] = {"cc_notification_mark_all_read",
        "WITH changed AS (UPDATE notifications SET is_read = true, read_at = now()"
        " WHERE user_id = $1 AND NOT is_read RETURNING 1) SELECT count(*) FROM changed", 1, 0},
};
