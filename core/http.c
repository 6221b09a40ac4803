/* Responses, errors, JSON values, query parameters and pagination output for every /api/
 * answer. */
#include <apr_encode.h>
#include <apr_lib.h>
#include <apr_md5.h>
#include <apr_escape.h>
#include <http_core.h>
#include "cc.h"

static int send_typed(cc_req_t *q, int status, const char *type, const char *text, apr_size_t len)
{
    request_rec *r = q->r;
    r->status = status;
    ap_set_content_type(r, type);
    if (status == HTTP_UNAUTHORIZED)
        apr_table_setn(r->headers_out, "WWW-Authenticate", "Bearer realm=\"api\"");
    ap_set_content_length(r, len);
    if (!r->header_only)
        ap_rwrite(text, (int)len, r);
    return OK;
}

static int send_text(cc_req_t *q, int status, const char *text, apr_size_t len)
{
    return send_typed(q, status, "application/json; charset=utf-8", text, len);
}

int cc_send_file(cc_req_t *q, const char *type, const char *filename, const char *text)
{
    apr_table_setn(q->r->headers_out, "Content-Disposition",
                   apr_pstrcat(q->pool, "attachment; filename=\"", filename, "\"", NULL));
    return send_typed(q, HTTP_OK, type, text, strlen(text));
}

int cc_json_text(cc_req_t *q, int status, const char *text)
{
    return send_text(q, status, text, strlen(text));
}

int cc_json(cc_req_t *q, int status, json_t *body)
{
    char *s;
    int rv;
    if (!body)
        return cc_server_error(q);
    s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!s)
        return cc_server_error(q);
    rv = send_text(q, status, s, strlen(s));
    free(s);
    return rv;
}

int cc_error(cc_req_t *q, int status, const char *code, const char *detail)
{
    return cc_json(q, status, cc_jpack(q, "{s:s, s:s}", "detail", detail, "code", code));
}

int cc_validation(cc_req_t *q, json_t *fields)
{
    return cc_json(q, HTTP_BAD_REQUEST, fields);
}

int cc_invalid(cc_req_t *q, const char *field, const char *message)
{
    json_t *errs = cc_jobject(q);
    cc_field_error(errs, field, message);
    return cc_validation(q, errs);
}

int cc_not_found(cc_req_t *q)
{
    return cc_error(q, HTTP_NOT_FOUND, "not_found", "Not found.");
}

int cc_unavailable(cc_req_t *q)
{
    apr_table_setn(q->r->headers_out, "Retry-After", "5");
    return cc_error(q, HTTP_SERVICE_UNAVAILABLE, "service_unavailable",
                    "The service is temporarily unavailable. Try again shortly.");
}

int cc_server_error(cc_req_t *q)
{
    return cc_error(q, HTTP_INTERNAL_SERVER_ERROR, "server_error", "A server error occurred.");
}

int cc_unsupported_media_type(cc_req_t *q, const char *ct)
{
    /* The type named in the message is the client's, but only printable and short. */
    char *shown = apr_pstrndup(q->pool, ct ? ct : "", 100);
    char *c;
    for (c = shown; *c; c++)
        if (!apr_isprint(*c) || *c == '"' || *c == '\\')
            *c = '?';
    return cc_error(q, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    apr_psprintf(q->pool, "Unsupported media type \"%s\" in request.", shown));
}

int cc_no_content(cc_req_t *q)
{
    q->r->status = HTTP_NO_CONTENT;
    return OK;
}

int cc_cors(cc_req_t *q)
{
    const char *origin = apr_table_get(q->r->headers_in, "Origin");
    int i;
    apr_table_mergen(q->r->headers_out, "Vary", "Origin");
    if (!origin || !q->dc->cors_origins)
        return 0;
    for (i = 0; i < q->dc->cors_origins->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(q->dc->cors_origins, i, const char *), origin)) {
            apr_table_setn(q->r->headers_out, "Access-Control-Allow-Origin", origin);
            apr_table_setn(q->r->headers_out, "Access-Control-Expose-Headers",
                           "X-Request-Id, Retry-After, ETag");
            return 1;
        }
    }
    return 0;
}

const char *cc_base_url(cc_req_t *q)
{
    if (q->sc->public_base_url)
        return q->sc->public_base_url;
    /* ap_construct_url uses ServerName/UseCanonicalName rules, not the raw Host header. */
    return ap_construct_url(q->pool, "", q->r);
}

static int invalid_page(cc_req_t *q)
{
    return cc_error(q, HTTP_NOT_FOUND, "not_found", "Invalid page.");
}

int cc_page_from_query(cc_req_t *q, apr_int64_t max_size, cc_page_t *pg)
{
    const char *bad = cc_page_parse(apr_table_get(q->query, "page"),
                                    apr_table_get(q->query, "page_size"), max_size, pg);
    if (!bad)
        return 1;
    if (!strcmp(bad, "page"))
        invalid_page(q);
    else
        cc_invalid(q, bad, "A valid positive integer is required.");
    return 0;
}

/* The envelope text of one page, or NULL when the page does not exist (one implementation for
 * the plain and the cacheable answer). */
static const char *paginated_text(cc_req_t *q, const cc_page_t *pg, apr_int64_t count,
                                  const char *results, const char *key, const char *value)
{
    const char *base = cc_base_url(q);
    const char *path = q->r->uri;
    const char *args = q->link_query ? q->link_query : q->r->args;
    cc_jtext_t t;
    if (!cc_page_exists(pg, count))
        return NULL;
    cc_jtext_begin(&t, q->pool);
    cc_jtext_int(&t, "count", count);
    cc_jtext_str(&t, "next",
                 pg->offset + pg->size < count
                     ? cc_page_link(q->pool, base, path, args, pg->page + 1)
                     : NULL);
    cc_jtext_str(&t, "previous",
                 pg->page > 1 ? cc_page_link(q->pool, base, path, args, pg->page - 1) : NULL);
    if (key)
        cc_jtext_raw(&t, key, value);
    cc_jtext_raw(&t, "results", results ? results : "[]");
    return cc_jtext_end(&t);
}

int cc_paginated(cc_req_t *q, const cc_page_t *pg, apr_int64_t count, const char *results)
{
    return cc_paginated_ex(q, pg, count, results, NULL, NULL);
}

int cc_paginated_ex(cc_req_t *q, const cc_page_t *pg, apr_int64_t count, const char *results,
                    const char *key, const char *value)
{
    const char *text = paginated_text(q, pg, count, results, key, value);
    if (!text)
        return invalid_page(q);
    return cc_json_text(q, HTTP_OK, text);
}

int cc_paginated_cacheable(cc_req_t *q, const cc_page_t *pg, apr_int64_t count, const char *results)
{
    const char *text = paginated_text(q, pg, count, results, NULL, NULL);
    if (!text)
        return invalid_page(q);
    return cc_json_cacheable(q, text);
}

json_t *cc_jobject(cc_req_t *q)
{
    return cc_json_own(q->pool, json_object());
}

json_t *cc_jarray(cc_req_t *q)
{
    return cc_json_own(q->pool, json_array());
}

json_t *cc_jpack(cc_req_t *q, const char *fmt, ...)
{
    va_list ap;
    json_t *o;
    va_start(ap, fmt);
    o = json_vpack_ex(NULL, 0, fmt, ap);
    va_end(ap);
    return cc_json_own(q->pool, o);
}

const char *cc_jpack_text(cc_req_t *q, const char *fmt, ...)
{
    va_list ap;
    json_t *o;
    va_start(ap, fmt);
    o = cc_json_own(q->pool, json_vpack_ex(NULL, 0, fmt, ap));
    va_end(ap);
    return o ? cc_json_dump(q->pool, o) : "{}";
}

json_t *cc_jparse(cc_req_t *q, const char *text)
{
    return text ? cc_json_own(q->pool, json_loads(text, JSON_DECODE_ANY, NULL)) : NULL;
}

/* A strong validator: the MD5 of the exact body (not a secret, just a fingerprint). */
int cc_json_cacheable(cc_req_t *q, const char *text)
{
    unsigned char digest[APR_MD5_DIGESTSIZE];
    const char *etag;
    apr_md5(digest, text, strlen(text));
    etag =
        apr_pstrcat(q->pool, "\"", apr_pescape_hex(q->pool, digest, sizeof(digest), 0), "\"", NULL);
    if (cc_etag_matches(q, etag)) {
        q->r->status = HTTP_NOT_MODIFIED;
        return OK;
    }
    return cc_json_text(q, HTTP_OK, text);
}

int cc_etag_matches(cc_req_t *q, const char *etag)
{
    const char *inm = apr_table_get(q->r->headers_in, "If-None-Match");
    apr_table_setn(q->r->headers_out, "ETag", etag);
    return inm
           && (ap_find_etag_strong(q->pool, inm, etag) || ap_find_etag_weak(q->pool, inm, etag)
               || !strcmp(inm, "*"));
}

/* ---- query parameters ------------------------------------------------------------------- */

static int query_error(cc_req_t *q, const char *name, const char *msg)
{
    cc_invalid(q, name, msg);
    return 0;
}

const char *cc_query_text(cc_req_t *q, const char *name)
{
    const char *v = apr_table_get(q->query, name);
    v = v ? cc_trim(q->pool, v) : NULL;
    return v && *v ? v : NULL;
}

int cc_query_bool(cc_req_t *q, const char *name, int *val)
{
    const char *v = apr_table_get(q->query, name);
    *val = -1;
    if (!v)
        return 1;
    if (!strcasecmp(v, "true") || !strcmp(v, "1"))
        *val = 1;
    else if (!strcasecmp(v, "false") || !strcmp(v, "0"))
        *val = 0;
    else
        return query_error(q, name, "Must be one of: true, false, 1, 0.");
    return 1;
}

int cc_query_choice(cc_req_t *q, const char *name, const char *const *choices, const char **val)
{
    const char *v = apr_table_get(q->query, name);
    int i;
    *val = NULL;
    if (!v)
        return 1;
    for (i = 0; choices[i]; i++)
        if (!strcmp(v, choices[i])) {
            *val = choices[i];
            return 1;
        }
    return query_error(q, name,
                       apr_psprintf(q->pool,
                                    "Select a valid choice. %s is not one of the "
                                    "available choices.",
                                    v));
}

int cc_query_id(cc_req_t *q, const char *name, const char **val)
{
    const char *v = apr_table_get(q->query, name);
    apr_int64_t n;
    char *end;
    *val = "";
    if (!v)
        return 1;
    n = apr_strtoi64(v, &end, 10);
    if (!*v || *end || n < 1 || !apr_isdigit(*v))
        return query_error(q, name, "A valid positive integer is required.");
    *val = apr_psprintf(q->pool, "%" APR_INT64_T_FMT, n);
    return 1;
}

int cc_query_ordering(cc_req_t *q, const char *const *fields, const char *dflt, const char **val)
{
    const char *v = apr_table_get(q->query, "ordering");
    int i;
    *val = dflt;
    if (!v)
        return 1;
    for (i = 0; fields[i]; i++)
        if (!strcmp(v, fields[i]) || (v[0] == '-' && !strcmp(v + 1, fields[i]))) {
            *val = v;
            return 1;
        }
    return query_error(q, "ordering", apr_psprintf(q->pool, "Invalid ordering \"%s\".", v));
}

const char *cc_id_str(cc_req_t *q, apr_int64_t id)
{
    return apr_psprintf(q->pool, "%" APR_INT64_T_FMT, id);
}

const char *cc_my_id(cc_req_t *q)
{
    return cc_id_str(q, q->user->id);
}

cc_write_kind_t cc_write_kind(const cc_req_t *q)
{
    switch (q->r->method_number) {
    case M_POST:
        return CC_CREATE;
    case M_PUT:
        return CC_REPLACE;
    default:
        return CC_UPDATE;
    }
}

int cc_is_admin(const cc_req_t *q)
{
    return q->user && q->user->role_bit == CC_ROLE_ADMIN;
}

int cc_role_bit(const char *role)
{
    if (!role)
        return 0;
    if (!strcmp(role, "candidate"))
        return CC_ROLE_CANDIDATE;
    if (!strcmp(role, "recruiter"))
        return CC_ROLE_RECRUITER;
    if (!strcmp(role, "admin"))
        return CC_ROLE_ADMIN;
    return 0;
}

const char *cc_client_ip(cc_req_t *q)
{
    return q->r->useragent_ip ? q->r->useragent_ip : "";
}

char *cc_random_token(apr_pool_t *p, apr_size_t bytes)
{
    unsigned char buf[64];
    if (bytes > sizeof(buf))
        bytes = sizeof(buf);
    if (apr_generate_random_bytes(buf, bytes) != APR_SUCCESS)
        return NULL;
    return (char *)apr_pencode_base64_binary(p, buf, bytes,
                                             APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING, NULL);
}
