/* Responses, errors, body fields and pagination output for every /api/ answer. */
#include <apr_encode.h>
#include <apr_lib.h>
#include <apr_md5.h>
#include <apr_escape.h>
#include <http_core.h>
#include "cc.h"

static int send_text(cc_req_t *q, int status, const char *text, apr_size_t len)
{
    request_rec *r = q->r;
    r->status = status;
    ap_set_content_type(r, "application/json; charset=utf-8");
    if (status == HTTP_UNAUTHORIZED)
        apr_table_setn(r->headers_out, "WWW-Authenticate", "Bearer realm=\"api\"");
    ap_set_content_length(r, len);
    if (!r->header_only)
        ap_rwrite(text, (int)len, r);
    return OK;
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
    json_decref(body);
    if (!s)
        return cc_server_error(q);
    rv = send_text(q, status, s, strlen(s));
    free(s);
    return rv;
}

int cc_error(cc_req_t *q, int status, const char *code, const char *detail)
{
    return cc_json(q, status, json_pack("{s:s, s:s}", "detail", detail, "code", code));
}

int cc_validation(cc_req_t *q, json_t *fields)
{
    return cc_json(q, HTTP_BAD_REQUEST, fields);
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
    json_t *e;
    if (!bad)
        return 1;
    if (!strcmp(bad, "page")) {
        invalid_page(q);
        return 0;
    }
    e = json_object();
    cc_field_error(e, bad, "A valid positive integer is required.");
    cc_validation(q, e);
    return 0;
}

/* The envelope text of one page, or NULL when the page does not exist (one implementation for
 * the plain and the cacheable answer). */
static const char *paginated_text(cc_req_t *q, const cc_page_t *pg, apr_int64_t count,
                                  const char *results, const char *extra)
{
    const char *base = cc_base_url(q);
    const char *path = q->r->uri;
    const char *next = "null", *prev = "null";
    if (!cc_page_exists(pg, count))
        return NULL;
    if (pg->offset + pg->size < count)
        next = cc_json_quote(q->pool, cc_page_link(q->pool, base, path, q->r->args,
                                                   pg->page + 1));
    if (pg->page > 1)
        prev = cc_json_quote(q->pool, cc_page_link(q->pool, base, path, q->r->args,
                                                   pg->page - 1));
    return apr_psprintf(q->pool, "{\"count\":%" APR_INT64_T_FMT
                        ",\"next\":%s,\"previous\":%s,%s%s\"results\":%s}",
                        count, next, prev, extra ? extra : "", extra ? "," : "",
                        results ? results : "[]");
}

int cc_paginated(cc_req_t *q, const cc_page_t *pg, apr_int64_t count, const char *results)
{
    return cc_paginated_ex(q, pg, count, results, NULL);
}

int cc_paginated_ex(cc_req_t *q, const cc_page_t *pg, apr_int64_t count, const char *results,
                    const char *extra)
{
    const char *text = paginated_text(q, pg, count, results, extra);
    if (!text)
        return invalid_page(q);
    return cc_json_text(q, HTTP_OK, text);
}

int cc_paginated_cacheable(cc_req_t *q, const cc_page_t *pg, apr_int64_t count,
                           const char *results)
{
    const char *text = paginated_text(q, pg, count, results, NULL);
    if (!text)
        return invalid_page(q);
    return cc_json_cacheable(q, text);
}

const char *cc_json_dump(apr_pool_t *p, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *out = apr_pstrdup(p, s ? s : "{}");
    free(s);
    return out;
}

static apr_status_t json_release(void *j)
{
    json_decref(j);
    return APR_SUCCESS;
}

json_t *cc_json_own(apr_pool_t *p, json_t *o)
{
    if (o)
        apr_pool_cleanup_register(p, o, json_release, apr_pool_cleanup_null);
    return o;
}

const char *cc_json_quote(apr_pool_t *p, const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    const char *out = apr_pstrdup(p, t ? t : "null");
    free(t);
    json_decref(j);
    return out;
}

/* A strong validator: the MD5 of the exact body (not a secret, just a fingerprint). */
int cc_json_cacheable(cc_req_t *q, const char *text)
{
    unsigned char digest[APR_MD5_DIGESTSIZE];
    const char *etag;
    apr_md5(digest, text, strlen(text));
    etag = apr_pstrcat(q->pool, "\"",
                       apr_pescape_hex(q->pool, digest, sizeof(digest), 0), "\"", NULL);
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
    return inm && (ap_find_etag_strong(q->pool, inm, etag) || ap_find_etag_weak(q->pool, inm, etag)
                   || !strcmp(inm, "*"));
}

/* ---- query parameters ------------------------------------------------------------------- */

static int query_error(cc_req_t *q, const char *name, const char *msg)
{
    json_t *e = json_object();
    cc_field_error(e, name, msg);
    cc_validation(q, e);
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
                       apr_psprintf(q->pool, "Select a valid choice. %s is not one of the "
                                    "available choices.", v));
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
    return query_error(q, "ordering",
                       apr_psprintf(q->pool, "Invalid ordering \"%s\".", v));
}

const char *cc_id_str(cc_req_t *q, apr_int64_t id)
{
    return apr_psprintf(q->pool, "%" APR_INT64_T_FMT, id);
}

/* ---- body fields ------------------------------------------------------------------------ */

const char *cc_body_str(cc_req_t *q, json_t *errs, const char *name, int *present)
{
    json_t *v = q->body ? json_object_get(q->body, name) : NULL;
    if (present)
        *present = v != NULL;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return cc_trim(q->pool, json_string_value(v));
    if (json_is_integer(v) || json_is_real(v)) {
        /* DRF's CharField accepts numbers and keeps their text. */
        char *s = json_dumps(v, JSON_ENCODE_ANY);
        char *out = apr_pstrdup(q->pool, s ? s : "");
        free(s);
        return out;
    }
    cc_field_error(errs, name, "Not a valid string.");
    return NULL;
}

const char *cc_body_required(cc_req_t *q, json_t *errs, const char *name, apr_size_t max_len)
{
    int present;
    const char *v = cc_body_str(q, errs, name, &present);
    if (json_object_get(errs, name))
        return NULL;
    if (!present) {
        cc_field_error(errs, name, "This field is required.");
        return NULL;
    }
    if (!v) {
        cc_field_error(errs, name, "This field may not be null.");
        return NULL;
    }
    if (!*v) {
        cc_field_error(errs, name, "This field may not be blank.");
        return NULL;
    }
    if (max_len && cc_utf8_len(v) > max_len) {
        cc_field_error(errs, name,
                       apr_psprintf(q->pool, "Ensure this field has no more than %lu characters.",
                                    (unsigned long)max_len));
        return NULL;
    }
    return v;
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
