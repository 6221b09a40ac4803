/* /api/accounts/: registration, email verification, login, tokens, passwords, own profile
 * (CONTRACT §2). */
#include "../core/validate.h"
#include "../core/password_rules.h"
#include "../core/passwords.h"
#include "../services/services.h"
#include "handlers.h"

#define VERIFY_TTL (24 * 3600)
#define RESET_TTL 3600
#define NAME_MAX_LEN 150

static const char *MSG_BAD_CREDENTIALS = "Invalid email or password.";

/* ---- helpers ---------------------------------------------------------------------------- */

/* A password field: never trimmed (spaces are part of a password), required and non-blank. */
static const char *password_field(cc_req_t *q, json_t *errs, const char *name)
{
    const char *s = cc_body_raw_str(q, errs, name, 1);
    if (!s)
        return NULL;
    if (!*s) {
        cc_field_error(errs, name, "This field may not be blank.");
        return NULL;
    }
    if (strlen(s) > 4096) {
        cc_field_error(errs, name, "Ensure this field has no more than 4096 characters.");
        return NULL;
    }
    return apr_pstrdup(q->pool, s);
}

static const char *email_field(cc_req_t *q, json_t *errs)
{
    const char *email = cc_body_required(q, errs, "email", 254);
    if (email && !cc_email_valid(email)) {
        cc_field_error(errs, "email", "Enter a valid email address.");
        return NULL;
    }
    if (!email)
        return NULL;
    {
        char *lower = apr_pstrdup(q->pool, email);
        ap_str_tolower(lower);
        return lower;
    }
}

/* Adds the password-rule messages for `field`; 1 when there were any. */
static int password_rules(cc_req_t *q, json_t *errs, const char *field, const char *pw,
                          const char *email, const char *first, const char *last)
{
    apr_array_header_t *probs = cc_password_problems(q->pool, pw, email, first, last);
    int i;
    if (!probs)
        return 0;
    for (i = 0; i < probs->nelts; i++)
        cc_field_error(errs, field, APR_ARRAY_IDX(probs, i, const char *));
    return 1;
}

/* The hash of "new_password" pw for `user` (a CC_ST_user_secrets row: email, first and last name
 * in columns 1-3) when it passes the password rules; NULL after answering (400 with the rules'
 * messages in errs, 500 when hashing failed). */
static const char *new_password_hash(cc_req_t *q, json_t *errs, const char *pw, PGresult *user)
{
    const char *hash;
    if (password_rules(q, errs, "new_password", pw, cc_val(q, user, 0, 1), cc_val(q, user, 0, 2),
                       cc_val(q, user, 0, 3))) {
        cc_validation(q, errs);
        return NULL;
    }
    hash = cc_password_hash(q->pool, pw, q->sc->bcrypt_cost);
    if (!hash)
        cc_server_error(q);
    return hash;
}

/* v, unless it holds a line break, a tab or another control character (then the message is
 * added for `name` and NULL returned): names and the like are one line, and they are shown in
 * lists, mails and logs where a line break would let them pass for something else. */
static const char *one_line(json_t *errs, const char *name, const char *v)
{
    if (v && cc_utf8_has_controls(v, 0)) {
        cc_field_error(errs, name, CC_MSG_CONTROLS_LINE);
        return NULL;
    }
    return v;
}

/* A name: required, at most NAME_MAX_LEN characters, one line. */
static const char *name_field(cc_req_t *q, json_t *errs, const char *name)
{
    return one_line(errs, name, cc_body_required(q, errs, name, NAME_MAX_LEN));
}

/* Answers 400 with errs when it holds any message; 1 when it did. */
static int finish_errors(cc_req_t *q, json_t *errs)
{
    if (json_object_size(errs) == 0)
        return 0;
    cc_validation(q, errs);
    return 1;
}

/* Creates a single-use token for `purpose` and queues its email, in the open transaction. The
 * mail (cc_mail_template's verify_email or password_reset) holds nothing the registering client
 * typed (not even the name): anyone can register any address, so the message must read as ours
 * alone. The texts state the TTLs below (24 hours, one hour). */
static int send_token_mail(cc_req_t *q, const char *uid, const char *email, const char *purpose)
{
    PGresult *res;
    char *token = cc_random_token(q->pool, 32);
    int verify = !strcmp(purpose, "verify_email");
    if (!token)
        return 0;
    if (!cc_q(q, CC_ST_ott_invalidate, &res, uid, purpose)
        || !cc_q(q, CC_ST_ott_insert, &res, uid, purpose, token,
                 apr_itoa(q->pool, verify ? VERIFY_TTL : RESET_TTL)))
        return 0;
    return cc_mail_queue(q, email, verify ? "verify_email" : "password_reset",
                         cc_jpack_text(q, "{s:s}", "token", token));
}

/* ---- register --------------------------------------------------------------------------- */

/* Resolves the role from `role`, or the original backend's is_candidate / is_recruiter. */
static const char *role_field(cc_req_t *q, json_t *errs)
{
    json_t *role = json_object_get(q->body, "role");
    int cand = json_is_true(json_object_get(q->body, "is_candidate"))
               || (json_is_string(json_object_get(q->body, "is_candidate"))
                   && !strcmp(json_string_value(json_object_get(q->body, "is_candidate")), "true"));
    int recr = json_is_true(json_object_get(q->body, "is_recruiter"))
               || (json_is_string(json_object_get(q->body, "is_recruiter"))
                   && !strcmp(json_string_value(json_object_get(q->body, "is_recruiter")), "true"));
    if (role && !json_is_null(role)) {
        const char *r = json_is_string(role) ? json_string_value(role) : NULL;
        if (r && (!strcmp(r, "candidate") || !strcmp(r, "recruiter"))) {
            if ((cand && strcmp(r, "candidate")) || (recr && strcmp(r, "recruiter"))) {
                cc_field_error(errs, "role", "The role contradicts is_candidate/is_recruiter.");
                return NULL;
            }
            return r;
        }
        if (r && !strcmp(r, "admin")) {
            cc_field_error(errs, "role", "Admin accounts cannot be registered.");
            return NULL;
        }
        cc_field_error(
            errs, "role",
            apr_psprintf(q->pool, "\"%s\" is not a valid choice.", r ? r : "(not a string)"));
        return NULL;
    }
    if (cand && recr) {
        cc_field_error(errs, "non_field_errors",
                       "A user is either a candidate or a recruiter, not both.");
        return NULL;
    }
    if (cand)
        return "candidate";
    if (recr)
        return "recruiter";
    cc_field_error(errs, "role", "This field is required.");
    return NULL;
}

static const char *optional_str(cc_req_t *q, json_t *errs, const char *name, apr_size_t max)
{
    const char *v = one_line(errs, name, cc_body_str(q, errs, name, NULL));
    if (v && strlen(v) > max) {
        cc_field_error(errs, name,
                       apr_psprintf(q->pool, "Ensure this field has no more than %lu characters.",
                                    (unsigned long)max));
        return NULL;
    }
    return v;
}

/* Seconds until one more event of (kind, key) fits in `window`, when `max` are already in it;
 * 0 when it fits now; -1 on a database failure. */
static long event_wait(cc_req_t *q, const char *kind, const char *key, int max, int window)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_throttle_wait, &res, kind, key, apr_itoa(q->pool, max - 1),
              apr_itoa(q->pool, window)))
        return -1;
    return PQntuples(res) ? (long)cc_val_int(res, 0, 0) : 0;
}

/* 429 with Retry-After for `wait` seconds (0 after answering). */
static int too_many(cc_req_t *q, long wait, const char *what)
{
    apr_table_setn(q->r->headers_out, "Retry-After", apr_ltoa(q->pool, wait));
    cc_error(q, HTTP_TOO_MANY_REQUESTS, "throttled",
             apr_psprintf(q->pool, "Too many %s. Try again in %ld seconds.", what, wait));
    return 0;
}

/* Registrations per client address and per domain of the address mailed (CarechainRegister-
 * Throttle): every registration mails the address it names, so this bounds what one client, or
 * many aimed at one hospital's domain, can make us send. The attempt is counted before the
 * account is made, outside its transaction, so a refused duplicate counts too. 1 to go on; 0
 * after answering 429 or 503. */
static int register_throttle(cc_req_t *q, const char *email)
{
    const char *domain = strrchr(email, '@') + 1;
    PGresult *res;
    long wait = event_wait(q, "register_client", cc_client_ip(q), q->sc->register_client,
                           q->sc->register_window);
    if (wait == 0)
        wait = event_wait(q, "register_domain", domain, q->sc->register_domain,
                          q->sc->register_window);
    if (wait < 0) {
        cc_db_fail(q);
        return 0;
    }
    if (wait > 0)
        return too_many(q, wait, "registrations from here or for this email domain");
    if (!cc_q(q, CC_ST_throttle_event, &res, "register_client", cc_client_ip(q))
        || !cc_q(q, CC_ST_throttle_event, &res, "register_domain", domain)) {
        cc_db_fail(q);
        return 0;
    }
    return 1;
}

int cc_h_register(cc_req_t *q)
{
    json_t *errs = cc_jobject(q), *out;
    const char *email, *password, *password2, *first, *last, *role, *hash, *uid;
    const char *company = NULL, *designation = NULL, *phone = NULL;
    PGresult *res;
    int present;

    email = email_field(q, errs);
    password = password_field(q, errs, "password");
    first = name_field(q, errs, "first_name");
    last = name_field(q, errs, "last_name");
    role = role_field(q, errs);
    password2 = cc_body_str(q, errs, "password2", &present);
    if (password && present && json_is_string(json_object_get(q->body, "password2"))
        && strcmp(json_string_value(json_object_get(q->body, "password2")), password) != 0)
        cc_field_error(errs, "password2", "Password fields didn't match.");
    (void)password2;
    if (role && !strcmp(role, "recruiter")) {
        company = optional_str(q, errs, "company_name", 200);
        designation = optional_str(q, errs, "designation", 100);
        phone = optional_str(q, errs, "phone_number", 20);
    }
    if (password)
        password_rules(q, errs, "password", password, email, first, last);
    if (finish_errors(q, errs) || !register_throttle(q, email))
        return OK;

    /* Hash before the transaction: bcrypt takes tens of milliseconds. */
    hash = cc_password_hash(q->pool, password, q->sc->bcrypt_cost);
    if (!hash)
        return cc_server_error(q);
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!cc_q(q, CC_ST_user_insert, &res, email, hash, first, last, role)) {
        if (cc_db_unique_violation(q))
            return cc_db_invalid(q, "email", "user with this email address already exists.");
        return cc_db_fail(q);
    }
    uid = cc_val(q, res, 0, 0);
    if (!strcmp(role, "candidate")
            ? !cc_q(q, CC_ST_candidate_profile_insert, &res, uid)
            : !cc_q(q, CC_ST_recruiter_profile_insert, &res, uid, company, designation, phone))
        return cc_db_fail(q);
    if (!send_token_mail(q, uid, apr_pstrdup(q->pool, email), "verify_email"))
        return cc_db_fail(q);
    if (!cc_q(q, CC_ST_user_json, &res, uid))
        return cc_db_fail(q);
    out = cc_jpack(q, "{s:O?, s:s}", "user", cc_jparse(q, cc_val(q, res, 0, 0)), "message",
                   "Registration successful. Check your email for the code that verifies your "
                   "address, then log in.");
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_json(q, HTTP_CREATED, out);
}

/* ---- login ------------------------------------------------------------------------------ */

/* Seconds to wait when `key` has too many recent failures, else 0; -1 on database failure. */
static long throttled(cc_req_t *q, cc_stmt_id_t st, const char *key, int max)
{
    PGresult *res;
    if (!cc_q(q, st, &res, key, apr_itoa(q->pool, q->sc->throttle_window),
              apr_itoa(q->pool, max - 1)))
        return -1;
    return PQntuples(res) ? (long)cc_val_int(res, 0, 0) : 0;
}

/* 1 to continue; 0 when a 429/503 was sent. */
static int check_throttle(cc_req_t *q, const char *email)
{
    long wait = throttled(q, CC_ST_throttle_email, email, q->sc->throttle_email);
    if (wait == 0)
        wait = throttled(q, CC_ST_throttle_client, cc_client_ip(q), q->sc->throttle_client);
    if (wait < 0) {
        cc_db_fail(q);
        return 0;
    }
    if (wait > 0)
        return too_many(q, wait, "failed attempts");
    return 1;
}

static int record_failure(cc_req_t *q, const char *email)
{
    PGresult *res;
    return cc_q(q, CC_ST_login_failure_insert, &res, email, cc_client_ip(q));
}

/* The route's arg is the only role this login admits (recruiter-login/, admin-login/), or NULL
 * for any. */
int cc_h_login(cc_req_t *q)
{
    const char *only_role = q->route->arg;
    json_t *errs = cc_jobject(q), *out;
    const char *email, *password, *uid, *role;
    apr_int64_t ver;
    PGresult *res;
    int ok;

    email = cc_body_required(q, errs, "email", 254);
    password = password_field(q, errs, "password");
    if (finish_errors(q, errs))
        return OK;
    if (!check_throttle(q, email))
        return OK;
    if (!cc_q(q, CC_ST_user_by_email, &res, email))
        return cc_db_fail(q);
    if (PQntuples(res) == 0) {
        /* The same bcrypt work as for a real account, so timing does not tell. */
        cc_password_burn(password);
        ok = 0;
    }
    else {
        ok = cc_password_verify(password, cc_val(q, res, 0, 1));
    }
    if (!ok) {
        if (!record_failure(q, email))
            return cc_db_fail(q);
        return cc_error(q, HTTP_UNAUTHORIZED, "invalid_credentials", MSG_BAD_CREDENTIALS);
    }
    uid = cc_val(q, res, 0, 0);
    role = cc_val(q, res, 0, 2);
    ver = cc_val_int(res, 0, 5);
    /* Account state is revealed only to someone who knows the password. */
    if (!cc_val_bool(res, 0, 3))
        return cc_error(q, HTTP_FORBIDDEN, "account_disabled", "This account has been disabled.");
    if (!cc_val_bool(res, 0, 4))
        return cc_error(q, HTTP_FORBIDDEN, "email_not_verified",
                        "Verify your email address before logging in.");
    if (only_role && strcmp(role, only_role) != 0)
        return cc_error(q, HTTP_FORBIDDEN, "wrong_role",
                        apr_psprintf(q->pool, "This login is for %ss only.", only_role));
    if (!cc_q(q, CC_ST_login_failure_clear, &res, email)
        || !cc_q(q, CC_ST_user_touch_login, &res, uid)
        || !cc_q(q, CC_ST_user_login_json, &res, uid))
        return cc_db_fail(q);
    out = cc_jparse(q, cc_val(q, res, 0, 0));
    if (!out)
        return cc_server_error(q);
    if (strcmp(role, "admin") != 0) {
        json_t *extra = cc_jparse(q, cc_val(q, res, 0, 1));
        json_object_set(out, strcmp(role, "candidate") ? "recruiter_profile" : "profile",
                        extra ? extra : json_null());
    }
    if (!cc_issue_tokens(q, apr_atoi64(uid), role, ver, out))
        return cc_db_fail(q);
    return cc_json(q, HTTP_OK, out);
}

/* ---- tokens ----------------------------------------------------------------------------- */

static int bad_token(cc_req_t *q)
{
    return cc_error(q, HTTP_UNAUTHORIZED, "token_not_valid", "Token is invalid or expired.");
}

/* Reads the body's "refresh" and verifies it as a refresh token. 1 with *c filled; 0 when a
 * 400 or 401 was sent. */
static int refresh_from_body(cc_req_t *q, cc_claims_t *c)
{
    json_t *errs = cc_jobject(q);
    const char *tok = cc_body_required(q, errs, "refresh", 4096);
    if (finish_errors(q, errs))
        return 0;
    if (cc_jwt_verify(q->pool, &q->sc->jwt, tok, "refresh", apr_time_sec(apr_time_now()), c)
        != CC_JWT_OK) {
        bad_token(q);
        return 0;
    }
    return 1;
}

int cc_h_refresh(cc_req_t *q)
{
    json_t *out;
    const char *uid;
    cc_claims_t c;
    cc_token_user_t u;
    PGresult *res;

    if (!refresh_from_body(q, &c))
        return OK;
    uid = cc_id_str(q, c.user_id);
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_refresh_rotate, &res, c.jti, uid))
        return cc_db_fail(q);
    if (PQntuples(res) == 0) {
        /* A rotated token presented again means a copy exists somewhere: revoke the user's
         * whole set so the thief's copy dies with it. */
        if (!cc_q(q, CC_ST_refresh_reused, &res, c.jti))
            return cc_db_fail(q);
        if (PQntuples(res) > 0) {
            if (!cc_q(q, CC_ST_refresh_revoke_all, &res, uid, "reuse") || !cc_db_commit(q))
                return cc_db_fail(q);
            ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, q->r,
                          CC_LOGNO(01501) "revoked refresh token reused for user %s: "
                                          "all of its refresh tokens revoked",
                          uid);
        }
        return bad_token(q);
    }
    if (!cc_token_user_load(q, c.user_id, &u, NULL))
        return cc_db_fail(q);
    if (!cc_jwt_user_ok(&c, &u))
        return bad_token(q); /* rollback keeps the old token as it was; it cannot work anyway */
    out = cc_jobject(q);
    if (!cc_issue_tokens(q, c.user_id, u.role, u.token_version, out) || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json(q, HTTP_OK, out);
}

int cc_h_logout(cc_req_t *q)
{
    cc_claims_t c;
    PGresult *res;

    if (!refresh_from_body(q, &c))
        return OK;
    if (c.user_id != q->user->id)
        return bad_token(q);
    if (!cc_q(q, CC_ST_refresh_revoke_one, &res, c.jti, cc_id_str(q, q->user->id)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return bad_token(q);
    return cc_no_content(q);
}

/* ---- email verification ----------------------------------------------------------------- */

int cc_h_verify_email(cc_req_t *q)
{
    json_t *errs = cc_jobject(q);
    const char *tok;
    PGresult *res;

    tok = cc_body_required(q, errs, "token", 200);
    if (finish_errors(q, errs))
        return OK;
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_ott_consume, &res, tok, "verify_email"))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_invalid(q, "token", "Invalid or expired token.");
    if (!cc_q(q, CC_ST_user_mark_verified, &res, cc_val(q, res, 0, 0)) || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_error(q, HTTP_OK, "email_verified", "Email verified.");
}

/* What resend-verification/ and password-reset/ mail: the token's purpose, and the answer. */
struct cc_token_mail {
    const char *purpose, *detail, *code;
};

const struct cc_token_mail cc_verification_mail = {
    "verify_email",
    "If an unverified account uses this email, a new verification email is on its way.",
    "verification_sent"};
const struct cc_token_mail cc_password_reset_mail = {
    "password_reset", "If an account uses this email, a password reset email is on its way.",
    "password_reset_sent"};

/* Looks the email up and, when the account may have one, mails a fresh token (route arg: a
 * cc_token_mail). Always answers 202, so the answer never tells whether an account exists. */
int cc_h_token_mail(cc_req_t *q)
{
    const struct cc_token_mail *m = q->route->arg;
    const char *purpose = m->purpose;
    json_t *errs = cc_jobject(q);
    const char *email, *uid;
    PGresult *res, *r2;
    int send;

    email = email_field(q, errs);
    if (finish_errors(q, errs))
        return OK;
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_user_by_email, &res, email))
        return cc_db_fail(q);
    send = PQntuples(res) == 1 && cc_val_bool(res, 0, 3);
    if (send && !strcmp(purpose, "verify_email"))
        send = !cc_val_bool(res, 0, 4);
    if (send) {
        uid = cc_val(q, res, 0, 0);
        /* At most one mail a minute per account: the endpoint cannot be used to flood. */
        if (!cc_q(q, CC_ST_ott_recent, &r2, uid, purpose))
            return cc_db_fail(q);
        if (cc_val_int(r2, 0, 0) == 0) {
            if (!cc_q(q, CC_ST_user_secrets, &r2, uid)
                || !send_token_mail(q, uid, cc_val(q, r2, 0, 1), purpose))
                return cc_db_fail(q);
        }
    }
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_error(q, HTTP_ACCEPTED, m->code, m->detail);
}

/* ---- passwords -------------------------------------------------------------------------- */

/* Sets a new password in the open transaction: bumps token_version (every earlier token dies)
 * and revokes the refresh tokens. Returns the new token_version, or -1 on failure. */
static apr_int64_t set_password(cc_req_t *q, const char *uid, const char *hash)
{
    PGresult *res, *r2;
    if (!cc_q(q, CC_ST_user_set_password, &res, uid, hash)
        || !cc_q(q, CC_ST_refresh_revoke_all, &r2, uid, "password"))
        return -1;
    return cc_val_int(res, 0, 0);
}

/* password-reset/confirm/, and set-password/ (route arg "invite"): the first password of a user
 * an admin created, from the invitation's token; using it also verifies the email (the mail
 * reached its owner). */
int cc_h_password_reset_confirm(cc_req_t *q)
{
    const char *purpose = q->route->arg ? (const char *)q->route->arg : "password_reset";
    int invite = !strcmp(purpose, "invite");
    json_t *errs = cc_jobject(q);
    const char *tok, *pw, *uid, *hash;
    PGresult *res, *user;

    tok = cc_body_required(q, errs, "token", 200);
    pw = password_field(q, errs, "new_password");
    if (finish_errors(q, errs))
        return OK;
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_ott_consume, &res, tok, purpose))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_invalid(q, "token", "Invalid or expired token.");
    uid = cc_val(q, res, 0, 0);
    if (!cc_q(q, CC_ST_user_secrets, &user, uid))
        return cc_db_fail(q);
    /* On a rule failure the rollback keeps the token usable for a better password. */
    if (!(hash = new_password_hash(q, errs, pw, user)))
        return OK;
    if (set_password(q, uid, hash) < 0
        || !cc_q(q, CC_ST_ott_invalidate, &res, uid, "password_reset")
        || !cc_q(q, CC_ST_ott_invalidate, &res, uid, "invite")
        || (invite && !cc_q(q, CC_ST_user_mark_verified, &res, uid))
        || !cc_q(q, CC_ST_login_failure_clear, &res, cc_val(q, user, 0, 1)) || !cc_db_commit(q))
        return cc_db_fail(q);
    if (invite)
        return cc_error(q, HTTP_OK, "password_set", "Password set. You can log in now.");
    return cc_error(q, HTTP_OK, "password_reset", "Password has been reset.");
}

int cc_h_change_password(cc_req_t *q)
{
    json_t *errs = cc_jobject(q), *out;
    const char *cur, *pw, *uid = cc_id_str(q, q->user->id), *hash;
    PGresult *user;
    apr_int64_t ver;

    cur = password_field(q, errs, "current_password");
    pw = password_field(q, errs, "new_password");
    if (finish_errors(q, errs))
        return OK;
    if (!check_throttle(q, q->user->email))
        return OK;
    if (!cc_q(q, CC_ST_user_secrets, &user, uid))
        return cc_db_fail(q);
    if (!cc_password_verify(cur, cc_val(q, user, 0, 0))) {
        if (!record_failure(q, q->user->email))
            return cc_db_fail(q);
        return cc_invalid(q, "current_password", "Current password is incorrect.");
    }
    if (!(hash = new_password_hash(q, errs, pw, user)))
        return OK;
    if (!cc_db_begin(q) || (ver = set_password(q, uid, hash)) < 0)
        return cc_db_fail(q);
    /* The caller's own tokens just died with the others: hand it a fresh pair. */
    out = cc_jpack(q, "{s:s, s:s}", "detail", "Password changed.", "code", "password_changed");
    if (!cc_issue_tokens(q, q->user->id, q->user->role, ver, out) || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json(q, HTTP_OK, out);
}

/* ---- own profile ------------------------------------------------------------------------ */

int cc_h_profile_get(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_user_json, &res, cc_id_str(q, q->user->id)))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

/* PUT needs both names; PATCH changes the ones sent. */
int cc_h_profile_write(cc_req_t *q)
{
    int partial = cc_write_kind(q) == CC_UPDATE;
    json_t *errs = cc_jobject(q);
    const char *first = NULL, *last = NULL;
    PGresult *res;

    if (!partial || json_object_get(q->body, "first_name"))
        first = name_field(q, errs, "first_name");
    if (!partial || json_object_get(q->body, "last_name"))
        last = name_field(q, errs, "last_name");
    if (finish_errors(q, errs))
        return OK;
    if (!cc_q(q, CC_ST_user_update_names, &res, cc_id_str(q, q->user->id), first, last))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}
