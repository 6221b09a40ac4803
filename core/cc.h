/* Private header every httpd-facing file of mod_carechain includes: the module's logging tag,
 * configuration, the per-request context and the helpers handlers use. */
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

APLOG_USE_MODULE(carechain);
extern module AP_MODULE_DECLARE_DATA carechain_module;

/* Our own log tags (httpd's AHnnnnn numbers belong to httpd). */
#define CC_LOGNO(n) "CC" #n ": "

#define CC_VERSION "0.1.0"

/* ---- configuration ---------------------------------------------------------------------- */

typedef struct {
    const char *jwt_key_file;
    cc_jwt_conf_t jwt;          /* key read at post_config, lives in pconf */
    apr_int64_t access_ttl;     /* seconds */
    apr_int64_t refresh_ttl;    /* seconds */
    int bcrypt_cost;
    const char *public_base_url;
    const char *mail_transport; /* "file:DIR" */
    const char *mail_from;
    int throttle_email;         /* failed logins per email per window */
    int throttle_client;        /* failed logins per client address per window */
    int throttle_window;        /* seconds */
    apr_off_t doc_max_size;     /* bytes of one uploaded file */
    int doc_max_count;          /* documents per user */
    apr_off_t doc_max_total;    /* bytes of documents per user */
    const char *upload_dir;     /* where uploads are spooled (NULL: the system temp dir) */
    apr_off_t response_cache;   /* bytes of each process's response cache (0: none) */
    /* set flags for the merge */
    int doc_max_size_set, doc_limits_set, response_cache_set;
    int jwt_alg_set, jwt_issuer_set, access_ttl_set, refresh_ttl_set, bcrypt_cost_set,
        throttle_set;
} cc_server_conf_t;

typedef struct {
    apr_off_t max_body; /* -1 = unset */
    apr_array_header_t *cors_origins; /* NULL = unset; empty = CORS off */
} cc_dir_conf_t;

#define CC_DEFAULT_MAX_BODY (1024 * 1024)

/* ---- request context -------------------------------------------------------------------- */

typedef struct cc_db cc_db_t;

typedef struct {
    apr_int64_t id;
    const char *role;
    int role_bit;
    const char *email;
    apr_int64_t token_version;
} cc_user_t;

typedef struct cc_req {
    request_rec *r;
    apr_pool_t *pool;
    const cc_server_conf_t *sc;
    const cc_dir_conf_t *dc;
    const cc_route_t *route;
    apr_int64_t ids[CC_MAX_PATH_IDS];
    int nids;
    const char *path;       /* relative to /api/ */
    apr_table_t *query;     /* decoded query parameters (first value wins) */
    json_t *body;           /* parsed body for POST/PUT/PATCH: always an object */
    cc_user_t *user;        /* NULL when anonymous */
    cc_db_t *db;            /* acquired on first use */
} cc_req_t;

/* ---- responses (core/http.c) ------------------------------------------------------------ */

/* Sends `body` (reference stolen) with `status` as JSON; returns OK for the handler. */
int cc_json(cc_req_t *q, int status, json_t *body);
/* Sends a pre-serialized JSON text. */
int cc_json_text(cc_req_t *q, int status, const char *text);
/* The {"detail", "code"} error shape. */
int cc_error(cc_req_t *q, int status, const char *code, const char *detail);
/* The 400 validation shape; `fields` (stolen) maps field -> [messages]. */
int cc_validation(cc_req_t *q, json_t *fields);
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

/* Absolute base URL (scheme://host[:port]) from CarechainPublicBaseURL or the request. */
const char *cc_base_url(cc_req_t *q);
/* Paginated response: results_json is a JSON array text. */
int cc_paginated(cc_req_t *q, const cc_page_t *pg, apr_int64_t count, const char *results_json);
/* The same with `extra` (NULL or JSON members without braces, e.g. "\"unread_count\":3")
 * inserted after "previous". */
int cc_paginated_ex(cc_req_t *q, const cc_page_t *pg, apr_int64_t count, const char *results_json,
                    const char *extra);
/* Parses ?page/?page_size; answers 404 (bad page) or 400 (bad page_size) itself and returns 0,
 * after which the handler returns OK. */
int cc_page_from_query(cc_req_t *q, apr_int64_t max_size, cc_page_t *pg);
/* o as compact JSON text in p ("{}" if it cannot be encoded): a jsonb statement parameter. */
const char *cc_json_dump(apr_pool_t *p, json_t *o);
/* Hands the reference o to pool p (json_decref at its cleanup); returns o. */
json_t *cc_json_own(apr_pool_t *p, json_t *o);
/* Sets the ETag header; 1 when If-None-Match names it (strong or weak match, or "*"): the
 * caller then answers 304. */
int cc_etag_matches(cc_req_t *q, const char *etag);
/* s as a JSON string literal (quoted, escaped), or null for NULL or invalid UTF-8; in p. */
const char *cc_json_quote(apr_pool_t *p, const char *s);
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

/* ---- body field helpers ----------------------------------------------------------------- */

/* Reads a string field. Returns the value, or NULL when absent/null. When present but not a
 * string, adds "Not a valid string." to errs and returns NULL; *present tells absence apart. */
const char *cc_body_str(cc_req_t *q, json_t *errs, const char *name, int *present);
/* A required, non-blank string field (max_len characters, 0 = no limit); adds DRF's messages. */
const char *cc_body_required(cc_req_t *q, json_t *errs, const char *name, apr_size_t max_len);
/* Client address as httpd saw it (mod_remoteip may rewrite it). */
const char *cc_client_ip(cc_req_t *q);
/* A random URL-safe token of `bytes` random bytes, allocated in p. */
char *cc_random_token(apr_pool_t *p, apr_size_t bytes);

/* ---- auth (core/auth.c) ----------------------------------------------------------------- */

/* Authenticates the Authorization header if present. Returns 1 when the request may proceed
 * (q->user set or anonymous), 0 when a response was already sent. */
int cc_authenticate(cc_req_t *q);
/* Issues an access+refresh pair for the user, recording the refresh token. Fills a JSON object
 * with "access", "refresh", "token". Returns 0 on a database failure (response not sent). */
int cc_issue_tokens(cc_req_t *q, apr_int64_t user_id, const char *role, apr_int64_t ver,
                    json_t *into);
/* Loads what a token is checked against (exists, active, role, token_version) for a user;
 * *email (optional) is set too. 0 on database failure (answer with cc_db_fail). */
int cc_token_user_load(cc_req_t *q, apr_int64_t uid, cc_token_user_t *u, const char **email);
/* 1 when the caller is an authenticated admin. */
int cc_is_admin(const cc_req_t *q);
/* Role name -> CC_ROLE_* bit. */
int cc_role_bit(const char *role);

/* ---- passwords (core/passwords.c) ------------------------------------------------------- */

/* bcrypt hash of pw at the configured cost, in p; NULL on failure. */
char *cc_password_hash(apr_pool_t *p, const char *pw, int cost);
/* 1 when pw matches a stored bcrypt hash; any other hash kind is refused outright. */
int cc_password_verify(const char *pw, const char *hash);
/* Makes the per-process dummy hash (child init). */
void cc_password_init_dummy(apr_pool_t *p, int cost);
/* Spends the time of one verification against the dummy hash (unknown-email logins). */
void cc_password_burn(const char *pw);

/* ---- mail (core/mail.c) ----------------------------------------------------------------- */

/* Queues an email in the outbox in the current transaction. 0 on database failure. */
int cc_mail_queue(cc_req_t *q, const char *to, const char *subject, const char *body);
/* Delivers queued mail through the configured transport (after commit). Best effort. */
void cc_mail_flush(cc_req_t *q);

/* ---- events (core/events.c): called inside the transaction of the change ------------- */

/* Notifies a user (notification row + live event at commit). `data_json` is a JSON object text
 * (NULL = {}). 0 on database failure. */
int cc_notify(cc_req_t *q, apr_int64_t user_id, const char *type, const char *title,
              const char *message, const char *data_json);
/* Records an admin action in the audit log (actor = the caller). 0 on database failure. */
int cc_audit(cc_req_t *q, const char *action, const char *target_type, apr_int64_t target_id,
             const char *details_json);

/* Decimal text of an id, in the request pool. */
const char *cc_id_str(cc_req_t *q, apr_int64_t id);

/* ---- handlers (one file per resource group in handlers/) ------------------------------- */

extern const cc_route_t cc_routes[];
extern const int cc_routes_count;

#endif
