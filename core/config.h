/* The module's configuration: the directives (every one documented with its default in
 * conf/carechain.conf), the per-server and per-directory records and their merging. Every field
 * starts unset (CC_UNSET or NULL); merging takes the nearer value that is set, and
 * cc_config_post_config() gives what is still unset the value of the one defaults record, then
 * reads the signing keys. */
#ifndef CC_CONFIG_H
#define CC_CONFIG_H

#include <httpd.h>
#include <http_config.h>
#include "jwt.h"

/* "not configured here" for numeric fields (pointers use NULL). */
#define CC_UNSET (-1)

/* The background tasks (services/worker.c), each on its own CarechainTaskInterval. */
enum {
    CC_TASK_MAIL,
    CC_TASK_EXPIRE_JOBS,
    CC_TASK_DOCUMENTS,
    CC_TASK_RETENTION,
    CC_TASK_DIGEST,
    CC_TASK__COUNT
};
/* Their names, as CarechainTaskInterval, task_runs and the logs spell them. */
extern const char *const *const cc_task_names;

typedef struct {
    const char *jwt_key_file;
    cc_jwt_conf_t jwt;       /* alg and issuer configured; key read at post_config (pconf) */
    apr_int64_t access_ttl;  /* seconds */
    apr_int64_t refresh_ttl; /* seconds */
    int bcrypt_cost;
    const char *public_base_url; /* NULL after defaults too: derived from the request */
    const char *mail_transport;  /* "file:DIR", "smtp://host:port" or "smtps://host:port" */
    const char *mail_from;
    int throttle_email;       /* failed logins per email per window */
    int throttle_client;      /* failed logins per client address per window */
    int throttle_window;      /* seconds */
    int register_client;      /* registrations per client address per window */
    int register_domain;      /* registrations per mail domain per window */
    int register_window;      /* seconds */
    apr_off_t doc_max_size;   /* bytes of one uploaded file */
    int doc_max_count;        /* documents per user */
    apr_off_t doc_max_total;  /* bytes of documents per user */
    const char *upload_dir;   /* where uploads are spooled (NULL: the system temp dir) */
    apr_off_t response_cache; /* bytes of each process's response cache (0: none) */
    int message_max;          /* messages a user may send per window (CarechainMessageThrottle) */
    int message_window;       /* seconds */
    int stream_max;           /* open streams per process (prefork: per server) */
    int stream_heartbeat;     /* seconds between heartbeat comments */
    /* Set at post_config when this server cannot serve the API (no CarechainJWTKeyFile, no
     * DBDriver): why, for its 503 answers. httpd still starts and serves everything else. */
    const char *unconfigured;
    int db_unconfigured; /* no DBDriver reaches this server */
    /* background work (services/worker.c) */
    const char *node_name;                  /* this node in task_runs and claims (hostname) */
    int task_interval[CC_TASK__COUNT];      /* seconds; 0: the task does not run on this node */
    const char *mail_auth_file;             /* SMTP user and password, read at startup */
    const char *mail_user, *mail_password;  /* from it (pconf); NULL: no AUTH */
    const char *mail_ca_file;               /* NULL: the system's CA certificates */
    int mail_connect_timeout, mail_timeout; /* seconds */
    int mail_retry_base, mail_retry_cap, mail_max_attempts;
    int mail_batch;                        /* messages claimed at once */
    int keep_mail_days, keep_failure_days; /* retention */
    int digest_delay;                      /* seconds a message stays unread before a digest */
} cc_server_conf_t;

typedef struct {
    apr_off_t max_body;               /* CC_UNSET: the default */
    apr_array_header_t *cors_origins; /* NULL = unset; empty = CORS off */
} cc_dir_conf_t;

/* The directives, and the record constructors and mergers for the module record. */
extern const command_rec cc_config_cmds[];
void *cc_config_create_server(apr_pool_t *p, server_rec *s);
void *cc_config_merge_server(apr_pool_t *p, void *base, void *add);
void *cc_config_create_dir(apr_pool_t *p, char *dir);
void *cc_config_merge_dir(apr_pool_t *p, void *base, void *add);

/* At post_config, for every server: fills unset fields from the defaults and reads the JWT
 * key file into pconf. Logs why and returns an HTTP error status (httpd then refuses to start)
 * when a configured key is unreadable or too short; OK otherwise. A server without
 * CarechainJWTKeyFile starts with `unconfigured` set (its /api/ answers 503): installing the
 * module must not take a site's httpd down. */
int cc_config_post_config(apr_pool_t *pconf, server_rec *s);

/* The largest JSON or form body a location accepts (CarechainMaxBodySize or its default). */
apr_off_t cc_config_max_body(const cc_dir_conf_t *dc);

#endif
