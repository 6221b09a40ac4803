/* Private header of every httpd-facing file of mod_carechain: the logging tag, the
 * configuration, the per-request context and the helpers every answer is built with
 * (core/http.c, core/body.c). Nothing declared here touches the database: that is dbd/, and
 * what is built on it is services/. */
#ifndef CC_H
#define CC_H

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>
#include <apr_strings.h>
#include <apr_encode.h>
#include <jansson.h>

#include "router.h"
#include "jwt.h"
#include "pagination.h"
#include "fields.h"
#include "config.h"
#include "utf8.h"
#include "json.h"

APLOG_USE_MODULE(carechain);
extern module AP_MODULE_DECLARE_DATA carechain_module;

/* Our own log tags (httpd's AHnnnnn numbers belong to httpd). */
#define CC_LOGNO(n) "CC" #n ": "

/* The release, from the VERSION file (the Makefile passes it; packages take theirs from it). */
#ifndef CC_VERSION
#define CC_VERSION "unknown"
#endif

/* ---- request context -------------------------------------------------------------------- */

typedef struct cc_db cc_db_t; /* dbd/db.c */

typedef struct {
    apr_int64_t id;
    const char *role;
    int role_bit;
    const char *email;
    apr_int64_t token_version;
} cc_user_t;

struct cc_req {
    request_rec *r;
    apr_pool_t *pool;
    const cc_server_conf_t *sc;
    const cc_dir_conf_t *dc;
    const cc_route_t *route;
    apr_int64_t ids[CC_MAX_PATH_IDS];
    int nids;
    const char *path;       /* relative to /api/ */
    apr_table_t *query;     /* decoded query parameters (first value wins) */
    json_t *body;           /* parsed body for POST/PUT/PATCH: always an object (pool-owned) */
    cc_user_t *user;        /* NULL when anonymous */
    cc_db_t *db;            /* acquired on first use */
    const char *link_query; /* the query of next/previous links when not the request's own
                             * (a POSTed search: its filters as query parameters) */
};

/* ---- JSON values: every json_t is owned by the request pool from the moment it exists ----- */
/* (core/json.h: cc_json_own, cc_json_dump, cc_json_quote and the cc_jtext_* object texts.) */

/* A new object / array owned by the request pool. */
json_t *cc_jobject(cc_req_t *q);
json_t *cc_jarray(cc_req_t *q);
/* json_pack owned by the request pool; NULL when the format or a value is invalid. */
json_t *cc_jpack(cc_req_t *q, const char *fmt, ...);
/* JSON text (NULL allowed) parsed into a value owned by the request pool; NULL when invalid. */
json_t *cc_jparse(cc_req_t *q, const char *text);
/* json_pack's value as compact JSON text in the request pool ("{}" when it cannot be built):
 * a notification's data or an audit record's details. */
const char *cc_jpack_text(cc_req_t *q, const char *fmt, ...);

/* ---- responses (core/http.c) ------------------------------------------------------------ */

/* Sends `body` (borrowed) with `status` as JSON; returns OK for the handler. */
int cc_json(cc_req_t *q, int status, json_t *body);
/* 200 with a download that is not JSON (a CSV export): `type` its Content-Type, `filename` (plain
 * ASCII of ours, no quotes) the name Content-Disposition: attachment gives it. */
int cc_send_file(cc_req_t *q, const char *type, const char *filename, const char *text);
/* Sends a pre-serialized JSON text. */
int cc_json_text(cc_req_t *q, int status, const char *text);
/* The {"detail", "code"} error shape. */
int cc_error(cc_req_t *q, int status, const char *code, const char *detail);
/* The 400 validation shape; `fields` (borrowed) maps field -> [messages]. */
int cc_validation(cc_req_t *q, json_t *fields);
/* 400 {field: [message]}. */
int cc_invalid(cc_req_t *q, const char *field, const char *message);
/* 404 {"detail": "Not found.", "code": "not_found"}: unknown routes and objects the caller may
 * not see (never reveal existence). */
int cc_not_found(cc_req_t *q);
/* 503 with Retry-After when the database cannot be reached. */
int cc_unavailable(cc_req_t *q);
/* 500 without internals. */
int cc_server_error(cc_req_t *q);
/* 415 naming the client's Content-Type (printable and short). */
int cc_unsupported_media_type(cc_req_t *q, const char *content_type);
/* 204 No Content. */
int cc_no_content(cc_req_t *q);
/* The JSON answer to an error httpd raised itself and sent to `ErrorDocument NNN
 * /api/_httpd_error` (REDIRECT_STATUS). core/errors.c. */
int cc_httpd_error(cc_req_t *q);
/* The request's id (mod_unique_id's when loaded, else random), for X-Request-Id. */
const char *cc_request_id(request_rec *r);
/* 1 when the request (however broken) names an /api/ URL: its errors are answered in JSON. */
int cc_error_is_api(request_rec *r);
/* Registers the output filter that turns httpd's own error pages for /api/ URLs into the JSON
 * error shape, and the insert_error_filter hook that adds it (register_hooks). */
void cc_errors_register_hooks(void);
/* Sets the CORS headers when the Origin is one of CarechainCORSOrigins; 1 when it is. */
int cc_cors(cc_req_t *q);

/* Absolute base URL (scheme://host[:port]) from CarechainPublicBaseURL or the request. */
const char *cc_base_url(cc_req_t *q);
/* Paginated response: results_json is a JSON array text. */
int cc_paginated(cc_req_t *q, const cc_page_t *pg, apr_int64_t count, const char *results_json);
/* The same with one more member (`key`: the JSON text `value`) after "previous". */
int cc_paginated_ex(cc_req_t *q, const cc_page_t *pg, apr_int64_t count, const char *results_json,
                    const char *key, const char *value);
/* Parses ?page/?page_size; answers 404 (bad page) or 400 (bad page_size) itself and returns 0,
 * after which the handler returns OK. */
int cc_page_from_query(cc_req_t *q, apr_int64_t max_size, cc_page_t *pg);
/* Sets the ETag header; 1 when If-None-Match names it (strong or weak match, or "*"): the
 * caller then answers 304. */
int cc_etag_matches(cc_req_t *q, const char *etag);
/* 200 with a strong ETag over the body, or 304 when If-None-Match names it (public GETs). */
int cc_json_cacheable(cc_req_t *q, const char *text);
/* cc_paginated through cc_json_cacheable: the same envelope with an ETag (public lists). */
int cc_paginated_cacheable(cc_req_t *q, const cc_page_t *pg, apr_int64_t count,
                           const char *results);

/* ---- query parameters ------------------------------------------------------------------- */

/* ?name= as free text, trimmed; NULL when absent or blank (no filter). */
const char *cc_query_text(cc_req_t *q, const char *name);
/* ?name= as a boolean (true|false|1|0, any case). Returns 1 and sets *val (-1 when absent);
 * on anything else answers 400 {"name": [...]} and returns 0. */
int cc_query_bool(cc_req_t *q, const char *name, int *val);
/* ?name= among `choices` (NULL-terminated). Returns 1 with *val (NULL when absent); else 400
 * naming the parameter and 0. */
int cc_query_choice(cc_req_t *q, const char *name, const char *const *choices, const char **val);
/* ?name= as a positive integer id. Returns 1 with *val ("" when absent) as decimal text; else
 * 400 and 0. */
int cc_query_id(cc_req_t *q, const char *name, const char **val);
/* ?ordering= among `fields` (each also allowed with a leading '-'). Returns 1 with *val
 * (`dflt` when absent); else 400 {"ordering": [...]} and 0. */
int cc_query_ordering(cc_req_t *q, const char *const *fields, const char *dflt, const char **val);

/* ---- bodies (core/body.c) --------------------------------------------------------------- */

/* Reading a body piece by piece (uploads; cc_body_load reads JSON and form bodies with it). */
typedef struct {
    request_rec *r;
    apr_bucket_brigade *bb;
    int done; /* the body ended (or there is none) */
} cc_body_reader_t;
/* Prepares reading q's body, dechunked (ap_setup_client_block): OK, or the HTTP status httpd
 * found (413 over LimitRequestBody, 400 or 411 for its framing). */
int cc_body_begin(cc_req_t *q, cc_body_reader_t *rd);
/* Reads at most len bytes into buf; *got is 0 (with rd->done) at the end. APR_SUCCESS, or the
 * status of a failed read (APR_TIMEUP: the client was too slow); the connection then closes. */
apr_status_t cc_body_read(cc_body_reader_t *rd, char *buf, apr_size_t len, apr_size_t *got);
/* Answers a failed read: 408 request_timeout for a timeout, else 400 parse_error. OK. */
int cc_body_read_failed(cc_req_t *q, apr_status_t rv);

/* Reads and decodes the body of a POST/PUT/PATCH into q->body (JSON, or a form where the route
 * allows it), at most CarechainMaxBodySize bytes. 1 to continue; 0 when an error was answered. */
int cc_body_load(cc_req_t *q);
/* q->body validated against the field table: the cleaned object (pool-owned), or NULL after
 * answering 400 with every field's messages. */
json_t *cc_body_clean(cc_req_t *q, const cc_field_t *fields, int n, int partial);
/* Reads a string field. Returns the value, or NULL when absent/null. When present but not a
 * string, adds "Not a valid string." to errs and returns NULL; *present tells absence apart. */
const char *cc_body_str(cc_req_t *q, json_t *errs, const char *name, int *present);
/* A required, non-blank string field (max_len characters, 0 = no limit); adds DRF's messages. */
const char *cc_body_required(cc_req_t *q, json_t *errs, const char *name, apr_size_t max_len);
/* A string field exactly as sent (not trimmed; numbers refused): NULL when absent (with
 * `required`, "This field is required." in errs), null or not a string (a message in errs). */
const char *cc_body_raw_str(cc_req_t *q, json_t *errs, const char *name, int required);

/* ---- the caller and small values -------------------------------------------------------- */

/* 1 when the caller is an authenticated admin. */
int cc_is_admin(const cc_req_t *q);
/* Role name -> CC_ROLE_* bit (0 for anything else). */
int cc_role_bit(const char *role);
/* Client address as httpd saw it (mod_remoteip may rewrite it). */
const char *cc_client_ip(cc_req_t *q);
/* A random URL-safe token of `bytes` random bytes, allocated in p. */
char *cc_random_token(apr_pool_t *p, apr_size_t bytes);
/* Decimal text of an id, in the request pool. */
const char *cc_id_str(cc_req_t *q, apr_int64_t id);
/* The caller's user id as decimal text (routes with a role only). */
const char *cc_my_id(cc_req_t *q);

/* What a write asks for, by its method: POST creates, PUT replaces (fields left out are
 * required or take their defaults), PATCH updates only the fields sent. */
typedef enum { CC_CREATE, CC_REPLACE, CC_UPDATE } cc_write_kind_t;
/* POST -> CC_CREATE, PUT -> CC_REPLACE, PATCH (and anything else) -> CC_UPDATE. */
cc_write_kind_t cc_write_kind(const cc_req_t *q);

#endif
