/* Service endpoints: the API index and the health check (CONTRACT §11). */
#include "../dbd/db.h"
#include "handlers.h"

int cc_h_index(cc_req_t *q)
{
    const char *b = cc_base_url(q);
    static const char *const groups[] = {"accounts",     "profiles", "notifications",
                                         "masters",      "jobs",     "documents",
                                         "testimonials", "admin",    "health"};
    json_t *out = cc_jobject(q);
    unsigned i;
    for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        json_object_set_new(out, groups[i],
                            json_string(apr_pstrcat(q->pool, b, "/api/", groups[i], "/", NULL)));
    return cc_json(q, HTTP_OK, out);
}

int cc_h_health(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_health_check, &res))
        return cc_db_fail(q);
    return cc_json(
        q, HTTP_OK,
        cc_jpack(q, "{s:s, s:s, s:s}", "status", "ok", "database", "ok", "version", CC_VERSION));
}
