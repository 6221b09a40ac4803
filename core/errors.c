/* The errors httpd answers itself, in the contract's JSON shape for /api/ URLs.
 *
 * Two ways lead here. Errors httpd raises after it has chosen the /api location (a malformed
 * chunked body, LimitRequestBody, access control) may be sent by `ErrorDocument NNN
 * /api/_httpd_error` to the module as an internal redirect (cc_httpd_error). Errors raised
 * before any location applies (a request line or header httpd refuses, a URI over the line
 * limit, %00 in the path, TRACE, an unknown Transfer-Encoding, a rate limit of mod_qos) never
 * reach a handler: httpd renders its HTML page with ap_send_error_response, which first runs the
 * insert_error_filter hook. There the module adds an output filter that swaps the HTML body for
 * the JSON one when the request names an /api/ URL, whatever else is broken about it. */
#include <http_request.h>
#include <util_filter.h>
#include "cc.h"

#define FILTER_NAME "CARECHAIN_JSON_ERROR"

typedef struct {
    int status;
    const char *code, *detail;
} error_shape_t;

/* The code and wording of an error status; NULL detail: say the method (405). */
static error_shape_t shape_of(int status)
{
    static const error_shape_t map[] = {
        {400, "parse_error", "The request could not be parsed."},
        {401, "not_authenticated", "Authentication credentials were not provided."},
        {403, "permission_denied", "You do not have permission to perform this action."},
        {404, "not_found", "Not found."},
        {405, "method_not_allowed", NULL},
        {408, "request_timeout", "The request took too long to arrive."},
        {411, "length_required", "A Content-Length or chunked body is required."},
        {413, "request_too_large", "Request body is too large."},
        {414, "uri_too_long", "The request URI is too long."},
        {417, "expectation_failed", "Only the 100-continue expectation is supported."},
        {429, "throttled", "Too many requests. Try again later."},
        {431, "headers_too_large", "The request headers are too large."},
        {501, "not_implemented", "The request uses a feature the server does not implement."},
        {503, "service_unavailable", "The service is temporarily unavailable. Try again shortly."},
    };
    error_shape_t other = {status >= 400 && status < 600 ? status : 500, "server_error",
                           "A server error occurred."};
    unsigned i;
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].status == status)
            return map[i];
    if (status >= 400 && status < 500)
        other.code = "bad_request", other.detail = "The request could not be answered.";
    return other;
}

static const char *detail_of(request_rec *r, error_shape_t s)
{
    return s.detail
               ? s.detail
               : apr_psprintf(r->pool, "Method \"%s\" not allowed.", r->method ? r->method : "");
}

int cc_httpd_error(cc_req_t *q)
{
    const char *st = apr_table_get(q->r->subprocess_env, "REDIRECT_STATUS");
    error_shape_t s = shape_of(st ? atoi(st) : 500);
    return cc_error(q, s.status, s.code, s.detail ? s.detail : "Method not allowed.");
}

const char *cc_request_id(request_rec *r)
{
    const char *id = apr_table_get(r->subprocess_env, "UNIQUE_ID");
    request_rec *m = r;
    if (id)
        return id;
    /* made once per request and kept, so the header and the audit log name the same id */
    while (m->main)
        m = m->main;
    while (m->prev)
        m = m->prev;
    id = apr_table_get(m->notes, "cc_request_id");
    if (!id) {
        unsigned char b[12];
        apr_generate_random_bytes(b, sizeof(b));
        id = apr_pencode_base16_binary(m->pool, b, sizeof(b), APR_ENCODE_LOWER, NULL);
        apr_table_setn(m->notes, "cc_request_id", id);
    }
    return id;
}

/* 1 when path (a URI path, or an absolute URI) is /api or below it. */
static int api_path(const char *path)
{
    if (!path)
        return 0;
    if (!strncasecmp(path, "http://", 7) || !strncasecmp(path, "https://", 8)) {
        path = strchr(strstr(path, "//") + 2, '/');
        if (!path)
            return 0;
    }
    return !strncmp(path, "/api", 4) && (!path[4] || path[4] == '/' || path[4] == '?');
}

/* The request's target, from what httpd got of it: the parsed path, else the raw request line
 * ("METHOD target ..."), which is all there is when the line itself was refused. */
int cc_error_is_api(request_rec *r)
{
    const char *line, *sp;
    if (r->uri || r->unparsed_uri)
        return api_path(r->uri ? r->uri : r->unparsed_uri);
    line = r->the_request;
    if (!line || !(sp = strchr(line, ' ')))
        return 0;
    return api_path(sp + 1);
}

/* Replaces the body httpd writes for an error with the JSON text, once; later data is dropped. */
static apr_status_t json_error_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    apr_bucket *b, *next;
    if (!f->ctx) {
        error_shape_t s = shape_of(r->status);
        json_t *o = cc_json_own(r->pool,
                                json_pack("{s:s, s:s}", "detail", detail_of(r, s), "code", s.code));
        const char *text = o ? cc_json_dump(r->pool, o) : "{\"detail\":\"\",\"code\":\"error\"}";
        ap_set_content_type(r, "application/json; charset=utf-8");
        apr_table_unset(r->headers_out, "Content-Length");
        apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
        if (!apr_table_get(r->err_headers_out, "X-Request-Id"))
            apr_table_setn(r->err_headers_out, "X-Request-Id", cc_request_id(r));
        if (r->status == HTTP_UNAUTHORIZED
            && !apr_table_get(r->err_headers_out, "WWW-Authenticate"))
            apr_table_setn(r->err_headers_out, "WWW-Authenticate", "Bearer realm=\"api\"");
        f->ctx = f; /* the JSON is written: from now on every data bucket is dropped */
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = next) {
            next = APR_BUCKET_NEXT(b);
            if (!APR_BUCKET_IS_METADATA(b))
                apr_bucket_delete(b);
        }
        if (!r->header_only)
            APR_BRIGADE_INSERT_HEAD(
                bb, apr_bucket_pool_create(text, strlen(text), r->pool, f->c->bucket_alloc));
        return ap_pass_brigade(f->next, bb);
    }
    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = next) {
        next = APR_BUCKET_NEXT(b);
        if (!APR_BUCKET_IS_METADATA(b))
            apr_bucket_delete(b);
    }
    return ap_pass_brigade(f->next, bb);
}

static void insert_error_filter(request_rec *r)
{
    if (cc_error_is_api(r))
        ap_add_output_filter(FILTER_NAME, NULL, r, r->connection);
}

void cc_errors_register_hooks(void)
{
    ap_register_output_filter(FILTER_NAME, json_error_filter, NULL, AP_FTYPE_CONTENT_SET);
    ap_hook_insert_error_filter(insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
}
