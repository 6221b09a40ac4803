/* Bearer authentication and token issuing on top of core/jwt.c. */
#include "services.h"

static int token_error(cc_req_t *q, const char *detail)
{
    return cc_error(q, HTTP_UNAUTHORIZED, "token_not_valid", detail);
}

int cc_token_user_load(cc_req_t *q, apr_int64_t uid, cc_token_user_t *u, const char **email)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_user_auth, &res, apr_psprintf(q->pool, "%" APR_INT64_T_FMT, uid)))
        return 0;
    u->exists = PQntuples(res) == 1;
    u->role = cc_val(q, res, 0, 0);
    u->is_active = cc_val_bool(res, 0, 1);
    u->token_version = cc_val_int(res, 0, 2);
    if (email)
        *email = cc_val(q, res, 0, 3);
    return 1;
}

int cc_authenticate(cc_req_t *q)
{
    const char *h = apr_table_get(q->r->headers_in, "Authorization");
    const char *tok;
    cc_claims_t c;
    cc_jwt_status_t st;
    cc_token_user_t u;
    const char *email;

    q->user = NULL;
    if (!h || !*h)
        return 1;
    if (strncasecmp(h, "Bearer ", 7) != 0) {
        /* Another scheme (Basic from a proxy, say) is not ours: treat as anonymous, like DRF. */
        return 1;
    }
    tok = h + 7;
    while (*tok == ' ')
        tok++;
    if (!*tok || strchr(tok, ' ')) {
        token_error(q, "Invalid Authorization header.");
        return 0;
    }
    st = cc_jwt_verify(q->pool, &q->sc->jwt, tok, "access", apr_time_sec(apr_time_now()), &c);
    if (st != CC_JWT_OK) {
        token_error(q, cc_jwt_status_text(st));
        return 0;
    }
    if (!cc_token_user_load(q, c.user_id, &u, &email)) {
        cc_db_fail(q);
        return 0;
    }
    if (!cc_jwt_user_ok(&c, &u)) {
        token_error(q, "Token is invalid or expired.");
        return 0;
    }
    q->user = apr_pcalloc(q->pool, sizeof(*q->user));
    q->user->id = c.user_id;
    q->user->role = u.role;
    q->user->role_bit = cc_role_bit(u.role);
    q->user->email = email;
    q->user->token_version = u.token_version;
    /* Logs name the user by id only. */
    q->r->user = apr_psprintf(q->pool, "%" APR_INT64_T_FMT, c.user_id);
    return 1;
}

int cc_issue_tokens(cc_req_t *q, apr_int64_t user_id, const char *role, apr_int64_t ver,
                    json_t *into)
{
    PGresult *res;
    cc_claims_t c = {0};
    char *access, *refresh;
    apr_int64_t now = apr_time_sec(apr_time_now());
    const char *uid = apr_ltoa(q->pool, (long)user_id);

    if (!cc_q(q, CC_ST_refresh_insert, &res, uid, apr_ltoa(q->pool, (long)q->sc->refresh_ttl)))
        return 0;
    c.token_type = "refresh";
    c.user_id = user_id;
    c.role = role;
    c.ver = ver;
    c.jti = cc_val(q, res, 0, 0);
    c.iat = cc_val_int(res, 0, 1);
    c.exp = cc_val_int(res, 0, 2);
    refresh = cc_jwt_issue(q->pool, &q->sc->jwt, &c);

    c.token_type = "access";
    c.jti = cc_random_token(q->pool, 16);
    c.iat = now;
    c.exp = now + q->sc->access_ttl;
    access = cc_jwt_issue(q->pool, &q->sc->jwt, &c);
    if (!access || !refresh || !c.jti) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, q->r, CC_LOGNO(01201) "token signing failed");
        return 0;
    }
    json_object_set_new(into, "access", json_string(access));
    json_object_set_new(into, "refresh", json_string(refresh));
    json_object_set_new(into, "token", json_string(access));
    return 1;
}
