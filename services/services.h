/* Services: what the handlers use that needs the database but is no resource of its own —
 * authentication, notifications and the audit log, the mail outbox, the response cache. They
 * run inside the caller's request and, where it has one, its transaction. */
#ifndef CC_SERVICES_H
#define CC_SERVICES_H

#include "../core/cc.h"
#include "../core/respcache.h"
#include "../dbd/db.h"

/* ---- authentication (services/auth.c) ----------------------------------------------------- */

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

/* ---- mail (services/mail.c) --------------------------------------------------------------- */

/* Queues an email in the outbox in the current transaction. 0 on database failure. */
int cc_mail_queue(cc_req_t *q, const char *to, const char *subject, const char *body);
/* Delivers queued mail through the configured transport (after commit). Best effort. */
void cc_mail_flush(cc_req_t *q);

/* ---- events (services/events.c): called inside the transaction of the change -------------- */

/* Notifies a user (notification row + live event at commit). `data_json` is a JSON object text
 * (NULL = {}). 0 on database failure. */
int cc_notify(cc_req_t *q, apr_int64_t user_id, const char *type, const char *title,
              const char *message, const char *data_json);
/* Records an admin action in the audit log (actor = the caller). 0 on database failure. */
int cc_audit(cc_req_t *q, const char *action, const char *target_type, apr_int64_t target_id,
             const char *details_json);

/* ---- the response cache (services/cached.c on core/respcache.c) ------------------------- */

/* The groups of tables an answer reads (dbd/schema/0011_content_version.sql). */
enum {
    CC_CV_CATALOG = 1,      /* skills, qualifications, locations */
    CC_CV_JOBS = 2,         /* jobs, their links, hospitals, recruiter profiles */
    CC_CV_APPLICATIONS = 4, /* applications, assignments */
    CC_CV_CANDIDATES = 8    /* candidate profiles, their links, verification requests */
};
#define CC_CV_GROUPS 4

/* A lookup in progress: the key and the stamp read for it. */
typedef struct {
    const char *key; /* NULL: no cache (store nothing) */
    cc_stamp_t stamp;
} cc_cached_t;

/* Creates this process's cache of `bytes` (0: none). At child init. */
void cc_cached_child_init(apr_pool_t *p, server_rec *s, apr_size_t bytes);
/* Looks up `key`, an answer that reads the tables of `groups` (CC_CV_*), against the content
 * stamp current when the request arrived: 1 and (*total, *text) on a hit; 0 on a miss
 * (compute the answer, then cc_cached_put it); -1 when the stamp could not be read (answer with
 * cc_db_fail). Sets the X-Carechain-Cache response header (hit or miss) when a cache exists. */
int cc_cached_get(cc_req_t *q, const char *key, unsigned groups, cc_cached_t *c, apr_int64_t *total,
                  const char **text);
/* Stores what a miss computed (statements run after cc_cached_get read its stamp). */
void cc_cached_put(const cc_cached_t *c, apr_int64_t total, const char *text);

#endif
