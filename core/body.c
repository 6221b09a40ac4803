/* Request bodies: read with a capped loop (dechunked by httpd), decoded as JSON or, where a route
 * allows it, as an HTML form, and validated against a field table. */
#include <apr_lib.h>
#include <apr_strings.h>
#include "cc.h"

/* ---- reading ---------------------------------------------------------------------------- */

int cc_body_begin(cc_req_t *q, cc_body_reader_t *rd)
{
    int rv = ap_setup_client_block(q->r, REQUEST_CHUNKED_DECHUNK);
    rd->r = q->r;
    rd->bb = apr_brigade_create(q->pool, q->r->connection->bucket_alloc);
    rd->done = rv != OK || !ap_should_client_block(q->r);
    return rv;
}

/* What ap_get_client_block does, but the status of a failed read is kept: a client too slow
 * for mod_reqtimeout or httpd's Timeout (APR_TIMEUP) is told 408, not 400. */
apr_status_t cc_body_read(cc_body_reader_t *rd, char *buf, apr_size_t len, apr_size_t *got)
{
    apr_status_t rv;
    apr_bucket *last;
    *got = 0;
    if (rd->done)
        return APR_SUCCESS;
    rv = ap_get_brigade(rd->r->input_filters, rd->bb, AP_MODE_READBYTES, APR_BLOCK_READ, len);
    if (rv != APR_SUCCESS) {
        apr_brigade_cleanup(rd->bb);
        rd->done = 1;
        rd->r->connection->keepalive = AP_CONN_CLOSE; /* the rest of the body is unread */
        return rv;
    }
    last = APR_BRIGADE_LAST(rd->bb);
    if (last != APR_BRIGADE_SENTINEL(rd->bb) && APR_BUCKET_IS_EOS(last))
        rd->done = 1;
    rv = apr_brigade_flatten(rd->bb, buf, &len);
    apr_brigade_cleanup(rd->bb);
    *got = len;
    return rv;
}

int cc_body_read_failed(cc_req_t *q, apr_status_t rv)
{
    if (APR_STATUS_IS_TIMEUP(rv))
        return cc_error(q, HTTP_REQUEST_TIME_OUT, "request_timeout",
                        "The request body took too long to arrive.");
    return cc_error(q, HTTP_BAD_REQUEST, "parse_error", "The request body could not be read.");
}

/* Reads the whole body into the request pool, at most `max` bytes. APR_SUCCESS, APR_ENOSPC for
 * a body over max (or over LimitRequestBody), APR_EGENERAL when httpd refuses its framing, or
 * the status of the failed read. */
static apr_status_t read_body(cc_req_t *q, apr_off_t max, char **out, apr_size_t *outlen)
{
    cc_body_reader_t rd;
    apr_size_t cap = 8192, len = 0, got;
    char *buf;
    apr_status_t rv;
    int st = cc_body_begin(q, &rd);
    *out = NULL;
    *outlen = 0;
    if (st != OK)
        return st == HTTP_REQUEST_ENTITY_TOO_LARGE ? APR_ENOSPC : APR_EGENERAL;
    if (q->r->remaining > max)
        return APR_ENOSPC;
    buf = apr_palloc(q->pool, cap + 1);
    for (;;) {
        if (len == cap) {
            char *nb;
            if ((apr_off_t)cap > max)
                return APR_ENOSPC;
            cap *= 2;
            nb = apr_palloc(q->pool, cap + 1);
            memcpy(nb, buf, len);
            buf = nb;
        }
        if ((rv = cc_body_read(&rd, buf + len, cap - len, &got)) != APR_SUCCESS)
            return rv;
        if (got == 0 && rd.done)
            break;
        len += got;
        if ((apr_off_t)len > max)
            return APR_ENOSPC;
    }
    buf[len] = 0;
    *out = buf;
    *outlen = len;
    return APR_SUCCESS;
}

/* Decodes a form body into obj (strings; the first of repeated keys wins). 0 when a value is not
 * valid UTF-8 after decoding (a key that is not is dropped, as jansson refuses it). */
static int parse_form(cc_req_t *q, char *buf, json_t *obj)
{
    char *pair, *state;
    for (pair = apr_strtok(buf, "&", &state); pair; pair = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(pair, '=');
        char *k, *v;
        if (eq)
            *eq = 0;
        k = apr_pstrdup(q->pool, pair);
        v = apr_pstrdup(q->pool, eq ? eq + 1 : "");
        if (ap_unescape_urlencoded(k) != OK || ap_unescape_urlencoded(v) != OK
            || !cc_utf8_valid(v, strlen(v)))
            return 0;
        if (!json_object_get(obj, k))
            json_object_set_new(obj, k, json_string(v));
    }
    return 1;
}

/* The JSON type name DRF uses in "Expected a dictionary, but got ...". */
static const char *json_type_name(json_t *v)
{
    return json_is_array(v)     ? "list"
           : json_is_string(v)  ? "str"
           : json_is_boolean(v) ? "bool"
           : json_is_null(v)    ? "NoneType"
           : json_is_integer(v) ? "int"
                                : "float";
}

/* The media type of Content-Type, lower case without parameters; the whole header when it names
 * a charset other than UTF-8 (only UTF-8 is spoken, so that is an unsupported type). */
static const char *media_type(cc_req_t *q, const char *ct)
{
    char *mt = apr_pstrdup(q->pool, ct ? ct : "");
    if (strchr(mt, ';'))
        *strchr(mt, ';') = 0;
    mt = cc_trim(q->pool, mt);
    ap_str_tolower(mt);
    if (ct && ap_strcasestr(ct, "charset=") && !ap_strcasestr(ct, "charset=utf-8")
        && !ap_strcasestr(ct, "charset=\"utf-8\""))
        return ct;
    return mt;
}

static int is_json_type(const char *mt)
{
    apr_size_t n = strlen(mt);
    return !strcmp(mt, "application/json")
           || (!strncmp(mt, "application/", 12) && n > 5 && !strcmp(mt + n - 5, "+json"));
}

int cc_body_load(cc_req_t *q)
{
    request_rec *r = q->r;
    const char *ct = apr_table_get(r->headers_in, "Content-Type"), *mt;
    char *buf;
    apr_size_t len;
    apr_status_t rv = read_body(q, cc_config_max_body(q->dc), &buf, &len);

    q->body = cc_jobject(q);
    if (rv == APR_ENOSPC) {
        r->connection->keepalive = AP_CONN_CLOSE; /* do not read the rest */
        cc_error(q, HTTP_REQUEST_ENTITY_TOO_LARGE, "request_too_large",
                 "Request body is too large.");
        return 0;
    }
    if (rv != APR_SUCCESS) {
        cc_body_read_failed(q, rv);
        return 0;
    }
    if (len == 0)
        return 1; /* an empty body is an empty object: fields are then "required" */
    mt = media_type(q, ct);
    if (is_json_type(mt)) {
        json_error_t e;
        json_t *v = cc_json_own(q->pool, json_loadb(buf, len, JSON_DECODE_ANY, &e));
        if (!v) {
            cc_error(q, HTTP_BAD_REQUEST, "parse_error",
                     apr_psprintf(q->pool, "JSON parse error - %s: line %d column %d", e.text,
                                  e.line, e.column));
            return 0;
        }
        if (!json_is_object(v)) {
            json_t *errs = cc_jobject(q);
            cc_field_error(errs, "non_field_errors",
                           apr_psprintf(q->pool, "Invalid data. Expected a dictionary, but got %s.",
                                        json_type_name(v)));
            cc_validation(q, errs);
            return 0;
        }
        q->body = v;
        return 1;
    }
    if (!strcmp(mt, "application/x-www-form-urlencoded") && (q->route->flags & CC_RF_FORM)) {
        if (!parse_form(q, buf, q->body)) {
            cc_error(q, HTTP_BAD_REQUEST, "parse_error", "Form parse error - invalid encoding.");
            return 0;
        }
        return 1;
    }
    cc_unsupported_media_type(q, ct);
    return 0;
}

json_t *cc_body_clean(cc_req_t *q, const cc_field_t *fields, int n, int partial)
{
    json_t *errs = cc_jobject(q);
    json_t *c = cc_fields_clean(q->pool, fields, n, q->body, partial, errs);
    if (json_object_size(errs)) {
        cc_validation(q, errs);
        return NULL;
    }
    return c;
}

/* ---- fields of a JSON body -------------------------------------------------------------- */

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

const char *cc_body_raw_str(cc_req_t *q, json_t *errs, const char *name, int required)
{
    json_t *v = json_object_get(q->body, name);
    if (!v) {
        if (required)
            cc_field_error(errs, name, "This field is required.");
        return NULL;
    }
    if (json_is_null(v)) {
        cc_field_error(errs, name, "This field may not be null.");
        return NULL;
    }
    if (!json_is_string(v)) {
        cc_field_error(errs, name, "Not a valid string.");
        return NULL;
    }
    return json_string_value(v);
}
