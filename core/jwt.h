/* JSON Web Tokens: every libjwt call of the project lives in jwt.c (libjwt 3 changed the API).
 * libjwt 1.10 verifies only the signature, with whatever algorithm the token names; this layer
 * pins the algorithm and checks the time and type claims itself (STYLE pitfalls 8 and 16). */
#ifndef CC_JWT_H
#define CC_JWT_H

#include <apr_pools.h>
#include <apr_time.h>

#define CC_JWT_MIN_KEY 32

typedef struct {
    const unsigned char *key;
    apr_size_t key_len;
    const char *alg; /* "HS256", "HS384" or "HS512" */
    const char *issuer;
} cc_jwt_conf_t;

typedef struct {
    const char *token_type; /* "access" or "refresh" */
    apr_int64_t user_id;
    const char *role;
    const char *jti;
    apr_int64_t iat;
    apr_int64_t exp;
    apr_int64_t ver; /* the user's token_version when issued: bumped to revoke every token */
} cc_claims_t;

typedef enum {
    CC_JWT_OK = 0,
    CC_JWT_MALFORMED,
    CC_JWT_BAD_ALG,
    CC_JWT_BAD_SIGNATURE,
    CC_JWT_EXPIRED,
    CC_JWT_NOT_YET_VALID,
    CC_JWT_BAD_ISSUER,
    CC_JWT_BAD_TYPE,
    CC_JWT_INTERNAL
} cc_jwt_status_t;

/* Allowed clock skew (seconds) for iat/nbf lying in the future: nodes' clocks differ a little. */
#define CC_JWT_LEEWAY 30

/* 1 when alg is an HMAC algorithm this module supports. */
int cc_jwt_alg_supported(const char *alg);

/* Signs the claims (iss from the conf). Returns the compact token in p, or NULL on failure. */
char *cc_jwt_issue(apr_pool_t *p, const cc_jwt_conf_t *conf, const cc_claims_t *claims);

/* Verifies signature, algorithm (exactly conf->alg), typ, exp, nbf/iat against `now` (seconds),
 * iss, and that token_type equals want_type. Strings in *out are allocated in p. */
cc_jwt_status_t cc_jwt_verify(apr_pool_t *p, const cc_jwt_conf_t *conf, const char *token,
                              const char *want_type, apr_int64_t now, cc_claims_t *out);

/* The user record facts a token is checked against on every request. */
typedef struct {
    int exists;
    int is_active;
    const char *role;
    apr_int64_t token_version;
} cc_token_user_t;

/* 1 when verified claims still hold for the user as stored now: it exists, is active, has the
 * same role, and its token_version has not moved since the token was issued. */
int cc_jwt_user_ok(const cc_claims_t *claims, const cc_token_user_t *user);

/* Short English description of a status, for the error detail (never includes the token). */
const char *cc_jwt_status_text(cc_jwt_status_t st);

#endif
