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

/* Queues an email in the outbox in the current transaction: the mail `kind` of
 * cc_mail_template (dbd/sql/templates.sql) filled with `values` (a JSON object's text, plain
 * text values; "base", the public base URL, is added). 0 on database failure, which an
 * unknown kind or a missing value is too. */
int cc_mail_queue(cc_req_t *q, const char *to, const char *kind, const char *values);
/* The same for a mail of a notification type (job_update, application_status, ...): not queued
 * when the address's user turned email of that type off. Security mails use cc_mail_queue. */
int cc_mail_queue_for(cc_req_t *q, const char *to, const char *type, const char *kind,
                      const char *values);
/* Delivers queued mail through the file: transport (after commit). Best effort. With SMTP it
 * does nothing: the background worker delivers. */
void cc_mail_flush(cc_req_t *q);
/* 1 when the configured transport is SMTP (smtp:// or smtps://), 0 for file:. */
int cc_mail_smtp(const cc_server_conf_t *c);
/* The whole message of an outbox row (headers, multipart/alternative text + HTML, CRLF), in p;
 * NULL with *err set when it cannot be sent (a line break in a header value). */
const char *cc_mail_render(apr_pool_t *p, const char *from, const char *id, const char *to,
                           const char *subject, const char *body, apr_time_t created,
                           const char **err);
/* A delivery context for the configured transport; for SMTP it owns a libcurl handle (freed
 * with p) whose connection successive deliveries reuse. NULL when libcurl fails. One thread. */
typedef struct cc_mailer_s cc_mailer_t;
cc_mailer_t *cc_mailer_create(apr_pool_t *p, const cc_server_conf_t *c);
/* Delivers one message: NULL when delivered; otherwise why not (the server's answer when it
 * gave one; in p), with *permanent set when retrying cannot help (5xx, invalid address). */
const char *cc_mail_deliver(cc_mailer_t *m, apr_pool_t *p, const char *id, const char *to,
                            const char *subject, const char *body, apr_time_t created,
                            int *permanent);

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

/* ---- the live stream's slots and listener (services/stream.c) ----------------------------- */

typedef struct cc_stream_slot cc_stream_slot_t;
typedef enum {
    CC_STREAM_EVENT,
    CC_STREAM_TIMEOUT,
    CC_STREAM_STOP,
    CC_STREAM_GONE
} cc_stream_wait_t;

/* The cap of open streams: CarechainStreamMax per process under a threaded MPM; under prefork
 * for the whole server, and at most a quarter of MaxRequestWorkers (a stream holds a process). */
int cc_stream_cap(server_rec *s);
/* At post_config: under prefork, the server-wide counter of open streams (shared memory in
 * pconf) with the cap `max`. Nothing under a threaded MPM (the cap is per process). */
void cc_stream_post_config(apr_pool_t *pconf, server_rec *s, int max);
/* At child init: `max` slots (threaded MPMs; one under prefork), their condition variables. */
void cc_stream_child_init(apr_pool_t *p, server_rec *s, int max);
/* Takes a free slot for a stream of `user_id`, released by a cleanup of `p` (the request's
 * pool), and starts the process's listener if it does not run yet. NULL when the cap is reached,
 * the stream is off, or the process is stopping (answer 503). The slot starts pending. */
cc_stream_slot_t *cc_stream_open(apr_pool_t *p, apr_int64_t user_id);
/* Names the slot's user (once the ticket told it) and marks it pending. */
void cc_stream_bind(cc_stream_slot_t *slot, apr_int64_t user_id);
/* Waits until an event of the slot's user (or a listener reconnect) arrived: CC_STREAM_EVENT
 * (read the tables from the last id sent); until `until`: CC_STREAM_TIMEOUT (heartbeat); the
 * process is stopping: CC_STREAM_STOP; or the client closed `client_fd` (-1: not watched):
 * CC_STREAM_GONE (end the stream either way). Holds no lock and no connection while it waits. */
cc_stream_wait_t cc_stream_wait(cc_stream_slot_t *slot, apr_time_t until, int client_fd);
/* ---- the background worker (services/worker.c) --------------------------------------------- */

/* At post_config (second pass): registers each task whose CarechainTaskInterval is not off as
 * a callback of this node's singleton watchdog instance (mod_watchdog), so one process per
 * node runs them. */
int cc_worker_post_config(apr_pool_t *pconf, server_rec *s);

#endif
