/* mod_carechain: the module record, its hooks and the dispatcher. The directives are in
 * core/config.c, body reading in core/body.c, the routes in handlers/routes.c and what they do
 * in handlers/<resource>.c. Includes go one way: core -> dbd -> services -> handlers -> here. */
#include <http_request.h>
#include "core/cc.h"
#include "core/passwords.h"
#include "dbd/db.h"
#include "services/services.h"
#include "handlers/handlers.h"

/* ---- startup ---------------------------------------------------------------------------- */

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    int rv;
    (void)plog;
    (void)ptemp;
    if ((rv = cc_config_post_config(pconf, s)) != OK)
        return rv;
    cc_db_post_config(pconf, s);
    cc_stream_post_config(pconf, s, cc_stream_cap(s));
    return cc_worker_post_config(pconf, s);
}

static void child_init(apr_pool_t *p, server_rec *s)
{
    cc_server_conf_t *c = ap_get_module_config(s->module_config, &carechain_module);
    if (!cc_db_init(p))
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     CC_LOGNO(01004) "mod_dbd is not loaded: the API will answer 503");
    cc_password_init_dummy(p, c->bcrypt_cost);
    cc_documents_child_init(p, s);
    cc_cached_child_init(p, s, (apr_size_t)c->response_cache);
    cc_stream_child_init(p, s, cc_stream_cap(s));
}

/* ---- the dispatcher --------------------------------------------------------------------- */

/* OPTIONS: a CORS preflight from an allowed origin, or the methods of a known path. */
static int options(cc_req_t *q, int allowed_origin)
{
    request_rec *r = q->r;
    const char *allow = NULL;
    if (allowed_origin && apr_table_get(r->headers_in, "Access-Control-Request-Method")) {
        apr_table_setn(r->headers_out, "Access-Control-Allow-Methods",
                       "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        apr_table_setn(r->headers_out, "Access-Control-Allow-Headers",
                       "Authorization, Content-Type, Last-Event-ID");
        apr_table_setn(r->headers_out, "Access-Control-Max-Age", "600");
        return cc_no_content(q);
    }
    /* "OPTIONS" matches no route, so the table lists every method the path has */
    if (cc_route_match(r->pool, cc_routes, cc_routes_count, "OPTIONS", q->path, &q->route, q->ids,
                       &q->nids, &allow)
        == CC_ROUTE_NOT_FOUND)
        return cc_not_found(q);
    apr_table_setn(r->headers_out, "Allow", allow);
    return cc_no_content(q);
}

static int cc_handler(request_rec *r)
{
    cc_req_t *q;
    const char *allow = NULL;
    int allowed_origin;

    if (!r->handler || strcmp(r->handler, "carechain") != 0)
        return DECLINED;

    q = apr_pcalloc(r->pool, sizeof(*q));
    q->r = r;
    q->pool = r->pool;
    q->sc = ap_get_module_config(r->server->module_config, &carechain_module);
    q->dc = ap_get_module_config(r->per_dir_config, &carechain_module);
    /* err_headers_out survives error responses too. */
    apr_table_setn(r->err_headers_out, "X-Request-Id", cc_request_id(r));
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");

    if (!strcmp(r->uri, "/api"))
        q->path = "";
    else if (!strncmp(r->uri, "/api/", 5))
        q->path = r->uri + 5;
    else
        return cc_not_found(q);

    if (r->prev && !strcmp(q->path, "_httpd_error"))
        return cc_httpd_error(q);
    /* Our own parser: httpd's ap_args_to_table keeps '+' (a space in forms) and lets the last
     * of repeated keys win. */
    if (!cc_query_parse(r->pool, r->args, &q->query))
        return cc_error(q, HTTP_BAD_REQUEST, "parse_error", "The query string is not valid UTF-8.");
    /* A server without a key or a database still starts (a package installed before the site
     * is configured must not take httpd down); its API says what is missing. */
    if (q->sc->unconfigured)
        return cc_h_unconfigured(q);
    allowed_origin = cc_cors(q);
    if (r->method_number == M_OPTIONS)
        return options(q, allowed_origin);

    switch (cc_route_match(r->pool, cc_routes, cc_routes_count, r->method, q->path, &q->route,
                           q->ids, &q->nids, &allow)) {
    case CC_ROUTE_NOT_FOUND:
        return cc_not_found(q);
    case CC_ROUTE_BAD_METHOD:
        apr_table_setn(r->headers_out, "Allow", allow);
        return cc_error(q, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                        apr_psprintf(r->pool, "Method \"%s\" not allowed.", r->method));
    case CC_ROUTE_FOUND:
        break;
    }

    if (!(q->route->flags & CC_RF_NOAUTH) && !cc_authenticate(q))
        return OK;
    if (q->user || apr_table_get(r->headers_in, "Authorization") || r->method_number != M_GET)
        apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (q->route->roles) {
        if (!q->user)
            return cc_error(q, HTTP_UNAUTHORIZED, "not_authenticated",
                            "Authentication credentials were not provided.");
        if (!(q->route->roles & q->user->role_bit))
            return cc_error(q, HTTP_FORBIDDEN, "permission_denied",
                            "You do not have permission to perform this action.");
    }
    if ((r->method_number == M_POST || r->method_number == M_PUT || r->method_number == M_PATCH)
        && !(q->route->flags & CC_RF_STREAM)) {
        /* The body arrives at the client's pace: the connection authentication took goes back
         * to mod_dbd's pool meanwhile, so slow bodies cannot hold the database's connections. */
        cc_db_release(q);
        if (!cc_body_load(q))
            return OK;
    }
    return q->route->handler(q);
}

/* ---- the module ------------------------------------------------------------------------- */

static void register_hooks(apr_pool_t *p)
{
    static const char *const after[] = {"mod_dbd.c", NULL};
    (void)p;
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, after, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(cc_handler, NULL, NULL, APR_HOOK_MIDDLE);
    cc_errors_register_hooks();
}

module AP_MODULE_DECLARE_DATA carechain_module = {
    STANDARD20_MODULE_STUFF, cc_config_create_dir, cc_config_merge_dir, cc_config_create_server,
    cc_config_merge_server,  cc_config_cmds,       register_hooks,      AP_MODULE_FLAG_NONE};
