/* Service endpoints: the API index and the health check (CONTRACT §11). */
#include "../dbd/db.h"
#include "handlers.h"

int cc_h_index(cc_req_t *q)
{
    const char *b = cc_base_url(q);
    static const char *const groups[] = {"accounts", "profiles",  "notifications", "masters",
                                         "jobs",     "documents", "testimonials",  "admin",
                                         "health",   "schema"};
    json_t *out = cc_jobject(q);
    unsigned i;
    for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        json_object_set_new(out, groups[i],
                            json_string(apr_pstrcat(q->pool, b, "/api/", groups[i], "/", NULL)));
    return cc_json(q, HTTP_OK, out);
}

/* ?verbose=1 (admins only): the mail queue and the background tasks as well, the figures of
 * `carechainctl mail status` and `carechainctl tasks`. */
static int health_verbose(cc_req_t *q)
{
    PGresult *res;
    if (!cc_authenticate(q))
        return OK;
    if (!q->user)
        return cc_error(q, HTTP_UNAUTHORIZED, "not_authenticated",
                        "Authentication credentials were not provided.");
    if (q->user->role_bit != CC_ROLE_ADMIN)
        return cc_error(q, HTTP_FORBIDDEN, "permission_denied",
                        "You do not have permission to perform this action.");
    apr_table_setn(q->r->headers_out, "Cache-Control", "no-store");
    if (!cc_q(q, CC_ST_health_verbose, &res, CC_VERSION))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

int cc_h_health(cc_req_t *q)
{
    PGresult *res;
    const char *verbose = apr_table_get(q->query, "verbose");
    if (verbose && strcmp(verbose, "0"))
        return health_verbose(q);
    if (!cc_q(q, CC_ST_health_check, &res))
        return cc_db_fail(q);
    return cc_json(
        q, HTTP_OK,
        cc_jpack(q, "{s:s, s:s, s:s}", "status", "ok", "database", "ok", "version", CC_VERSION));
}

/* Every /api/ request of a server that cannot serve the API yet (no CarechainJWTKeyFile or no
 * DBDriver): 503 saying what is missing; /api/health/ in the health check's shape. */
int cc_h_unconfigured(cc_req_t *q)
{
    const char *db = q->sc->db_unconfigured ? "not configured" : "not checked";
    apr_table_setn(q->r->headers_out, "Cache-Control", "no-store");
    if (!strcmp(q->path, "health/") && (q->r->method_number == M_GET))
        return cc_json(q, HTTP_SERVICE_UNAVAILABLE,
                       cc_jpack(q, "{s:s, s:s, s:s, s:s, s:s}", "status", "unavailable", "database",
                                db, "code", "not_configured", "detail", q->sc->unconfigured,
                                "version", CC_VERSION));
    return cc_error(q, HTTP_SERVICE_UNAVAILABLE, "not_configured", q->sc->unconfigured);
}
