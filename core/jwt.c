#include <string.h>
#include <errno.h>
#include <jwt.h>
#include <jansson.h>
#include <apr_strings.h>
#include <apr_encode.h>
#include "jwt.h"

int cc_jwt_alg_supported(const char *alg)
{
    return alg && (!strcmp(alg, "HS256") || !strcmp(alg, "HS384") || !strcmp(alg, "HS512"));
}

static apr_status_t free_jwt(void *j)
{
    jwt_free(j);
    return APR_SUCCESS;
}

char *cc_jwt_issue(apr_pool_t *p, const cc_jwt_conf_t *conf, const cc_claims_t *c)
{
    jwt_t *jwt = NULL;
    char *s, *out;
    if (!cc_jwt_alg_supported(conf->alg) || conf->key_len < CC_JWT_MIN_KEY)
        return NULL;
    if (jwt_new(&jwt) != 0)
        return NULL;
    apr_pool_cleanup_register(p, jwt, free_jwt, apr_pool_cleanup_null);
    if (jwt_set_alg(jwt, jwt_str_alg(conf->alg), conf->key, (int)conf->key_len) != 0
        || jwt_add_grant(jwt, "token_type", c->token_type) != 0
        || jwt_add_grant_int(jwt, "user_id", (long)c->user_id) != 0
        || jwt_add_grant(jwt, "role", c->role) != 0 || jwt_add_grant(jwt, "jti", c->jti) != 0
        || jwt_add_grant_int(jwt, "iat", (long)c->iat) != 0
        || jwt_add_grant_int(jwt, "exp", (long)c->exp) != 0
        || jwt_add_grant_int(jwt, "ver", (long)c->ver) != 0
        || jwt_add_grant(jwt, "iss", conf->issuer) != 0)
        return NULL;
    s = jwt_encode_str(jwt);
    if (!s)
        return NULL;
    out = apr_pstrdup(p, s);
    free(s);
    return out;
}

/* Reads the header segment ourselves so the algorithm is refused before libjwt sees the token
 * (libjwt 1.10 accepts "none" and any algorithm the key can compute), and so are a typ other
 * than JWT and any "crit" (libjwt ignores it). */
static cc_jwt_status_t check_header(apr_pool_t *p, const char *token, const char *want_alg)
{
    const char *dot = strchr(token, '.');
    apr_size_t len;
    const char *raw;
    json_t *h, *alg, *typ;
    cc_jwt_status_t st = CC_JWT_OK;
    if (!dot || !strchr(dot + 1, '.'))
        return CC_JWT_MALFORMED;
    raw = apr_pdecode_base64(p, token, dot - token, APR_ENCODE_BASE64URL, &len);
    if (!raw)
        return CC_JWT_MALFORMED;
    h = json_loadb(raw, len, 0, NULL);
    if (!h || !json_is_object(h)) {
        json_decref(h);
        return CC_JWT_MALFORMED;
    }
    alg = json_object_get(h, "alg");
    typ = json_object_get(h, "typ");
    if (!json_is_string(alg) || strcmp(json_string_value(alg), want_alg) != 0)
        st = CC_JWT_BAD_ALG;
    else if (typ && (!json_is_string(typ) || strcmp(json_string_value(typ), "JWT") != 0))
        st = CC_JWT_MALFORMED;
    /* RFC 7515 4.1.11: critical extensions we do not understand (we understand none) */
    else if (json_object_get(h, "crit"))
        st = CC_JWT_MALFORMED;
    json_decref(h);
    return st;
}

/* A numeric claim that must be a JSON integer: libjwt's jwt_get_grant_int() reads a string, null
 * or boolean as 0 without an error, so the claims are read from the decoded JSON instead.
 * Returns 1 (set), 0 (absent) or -1 (present but not an integer). */
static int get_int(json_t *claims, const char *name, apr_int64_t *out)
{
    json_t *v = json_object_get(claims, name);
    if (!v)
        return 0;
    if (!json_is_integer(v))
        return -1;
    *out = json_integer_value(v);
    return 1;
}

static const char *get_str(apr_pool_t *p, json_t *claims, const char *name)
{
    json_t *v = json_object_get(claims, name);
    return json_is_string(v) ? apr_pstrdup(p, json_string_value(v)) : NULL;
}

static apr_status_t free_json(void *j)
{
    json_decref(j);
    return APR_SUCCESS;
}

cc_jwt_status_t cc_jwt_verify(apr_pool_t *p, const cc_jwt_conf_t *conf, const char *token,
                              const char *want_type, apr_int64_t now, cc_claims_t *out)
{
    jwt_t *jwt = NULL;
    const char *s;
    apr_int64_t nbf;
    int has_nbf;
    json_t *claims;
    cc_jwt_status_t st;

    memset(out, 0, sizeof(*out));
    if (!token || !*token || strlen(token) > 4096)
        return CC_JWT_MALFORMED;
    if (!cc_jwt_alg_supported(conf->alg) || conf->key_len < CC_JWT_MIN_KEY)
        return CC_JWT_INTERNAL; /* never verify against an empty or short key */
    st = check_header(p, token, conf->alg);
    if (st != CC_JWT_OK)
        return st;
    if (jwt_decode(&jwt, token, conf->key, (int)conf->key_len) != 0 || !jwt)
        return CC_JWT_BAD_SIGNATURE;
    apr_pool_cleanup_register(p, jwt, free_jwt, apr_pool_cleanup_null);
    if (jwt_get_alg(jwt) != jwt_str_alg(conf->alg))
        return CC_JWT_BAD_ALG;

    {
        char *text = jwt_get_grants_json(jwt, NULL);
        claims = text ? json_loads(text, 0, NULL) : NULL;
        free(text);
        if (!claims || !json_is_object(claims)) {
            json_decref(claims);
            return CC_JWT_MALFORMED;
        }
        apr_pool_cleanup_register(p, claims, free_json, apr_pool_cleanup_null);
    }
    if (get_int(claims, "exp", &out->exp) != 1 || get_int(claims, "iat", &out->iat) != 1
        || get_int(claims, "user_id", &out->user_id) != 1 || get_int(claims, "ver", &out->ver) != 1)
        return CC_JWT_MALFORMED;
    has_nbf = get_int(claims, "nbf", &nbf);
    if (has_nbf < 0)
        return CC_JWT_MALFORMED;
    if (now >= out->exp)
        return CC_JWT_EXPIRED;
    if (out->iat > now + CC_JWT_LEEWAY || (has_nbf && nbf > now + CC_JWT_LEEWAY))
        return CC_JWT_NOT_YET_VALID;
    s = get_str(p, claims, "iss");
    if (!s || strcmp(s, conf->issuer) != 0)
        return CC_JWT_BAD_ISSUER;
    s = get_str(p, claims, "token_type");
    if (!s || strcmp(s, want_type) != 0)
        return CC_JWT_BAD_TYPE;
    out->token_type = s;
    out->role = get_str(p, claims, "role");
    out->jti = get_str(p, claims, "jti");
    if (!out->role || !out->jti || out->user_id <= 0)
        return CC_JWT_MALFORMED;
    return CC_JWT_OK;
}

int cc_jwt_user_ok(const cc_claims_t *c, const cc_token_user_t *u)
{
    return u->exists && u->is_active && u->role && c->role && strcmp(u->role, c->role) == 0
           && u->token_version == c->ver;
}

const char *cc_jwt_status_text(cc_jwt_status_t st)
{
    switch (st) {
    case CC_JWT_OK:
        return "Token is valid.";
    case CC_JWT_EXPIRED:
        return "Token is expired.";
    case CC_JWT_NOT_YET_VALID:
        return "Token is not yet valid.";
    case CC_JWT_BAD_TYPE:
        return "Token has wrong type.";
    case CC_JWT_BAD_ISSUER:
        return "Token has wrong issuer.";
    case CC_JWT_BAD_ALG:
        return "Token uses a disallowed algorithm.";
    default:
        return "Token is invalid or expired.";
    }
}
