/* Service endpoints: the API index and the health check (CONTRACT §11). */
#include "../core/cc.h"
#include "../dbd/db.h"
#include "handlers.h"

int cc_h_index(void *v)
{
    cc_req_t *q = v;
    const char *b = cc_base_url(q);
    return cc_json(q, HTTP_OK,
                   json_pack("{s:s, s:s}", "accounts", apr_pstrcat(q->pool, b, "/api/accounts/", NULL),
                             "health", apr_pstrcat(q->pool, b, "/api/health/", NULL)));
}

int cc_h_health(void *v)
{
    cc_req_t *q = v;
    PGresult *res;
    if (!cc_q(q, CC_ST_HEALTH, &res))
        return cc_db_fail(q);
    return cc_json(q, HTTP_OK, json_pack("{s:s, s:s, s:s}", "status", "ok", "database", "ok",
                                         "version", CC_VERSION));
}

