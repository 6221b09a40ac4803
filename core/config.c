/* The directives of mod_carechain and their records (see config.h). */
#include <apr_file_io.h>
#include <apr_strings.h>
#include "cc.h"

/* What a field is when no directive sets it (conf/carechain.conf documents the same values). */
static const cc_server_conf_t defaults = {
    .jwt = {.alg = "HS256", .issuer = "carechain"},
    .access_ttl = 3600,
    .refresh_ttl = 7 * 24 * 3600,
    .bcrypt_cost = 10,
    .mail_transport = "file:/var/spool/carechain/mail",
    .mail_from = "CareChain <no-reply@localhost>",
    .throttle_email = 5,
    .throttle_client = 50,
    .throttle_window = 900,
    .register_client = 50,
    .register_domain = 200,
    .register_window = 3600,
    .doc_max_size = 10 * 1024 * 1024,
    .doc_max_count = 50,
    .doc_max_total = 100 * 1024 * 1024,
    .response_cache = 32 * 1024 * 1024,
    .message_max = 30,
    .message_window = 60,
    .stream_max = 16,
    .stream_heartbeat = 25,
    .task_interval = {[CC_TASK_MAIL] = 10,
                      [CC_TASK_EXPIRE_JOBS] = 60,
                      [CC_TASK_DOCUMENTS] = 3600,
                      [CC_TASK_RETENTION] = 3600,
                      [CC_TASK_DIGEST] = 300},
    .digest_delay = 3600,
    .mail_connect_timeout = 10,
    .mail_timeout = 60,
    .mail_retry_base = 60,
    .mail_retry_cap = 3600,
    .mail_max_attempts = 10,
    .mail_batch = 50,
    .keep_mail_days = 30,
    .keep_failure_days = 7,
};

static const char *const task_names[] = {"mail", "expire_jobs", "documents", "retention", "digest"};
_Static_assert(sizeof(task_names) / sizeof(task_names[0]) == CC_TASK__COUNT,
               "a name for every background task");
const char *const *const cc_task_names = task_names;

#define DEFAULT_MAX_BODY (1024 * 1024)

/* ---- records ---------------------------------------------------------------------------- */

void *cc_config_create_server(apr_pool_t *p, server_rec *s)
{
    cc_server_conf_t *c = apr_pcalloc(p, sizeof(*c));
    (void)s;
    c->access_ttl = c->refresh_ttl = CC_UNSET;
    c->bcrypt_cost = CC_UNSET;
    c->throttle_email = c->throttle_client = c->throttle_window = CC_UNSET;
    c->register_client = c->register_domain = c->register_window = CC_UNSET;
    c->doc_max_size = c->doc_max_total = CC_UNSET;
    c->doc_max_count = CC_UNSET;
    c->response_cache = CC_UNSET;
    c->message_max = c->message_window = c->stream_max = c->stream_heartbeat = CC_UNSET;
    for (int i = 0; i < CC_TASK__COUNT; i++)
        c->task_interval[i] = CC_UNSET;
    c->mail_connect_timeout = c->mail_timeout = CC_UNSET;
    c->mail_retry_base = c->mail_retry_cap = c->mail_max_attempts = CC_UNSET;
    c->mail_batch = c->keep_mail_days = c->keep_failure_days = CC_UNSET;
    c->digest_delay = CC_UNSET;
    return c;
}

#define NEAR(f) (a->f != CC_UNSET ? a->f : b->f)
#define NEAR_PTR(f) (a->f ? a->f : b->f)

void *cc_config_merge_server(apr_pool_t *p, void *basev, void *addv)
{
    const cc_server_conf_t *b = basev, *a = addv;
    cc_server_conf_t *c = apr_pcalloc(p, sizeof(*c));
    c->jwt_key_file = NEAR_PTR(jwt_key_file);
    c->jwt.alg = NEAR_PTR(jwt.alg);
    c->jwt.issuer = NEAR_PTR(jwt.issuer);
    c->access_ttl = NEAR(access_ttl);
    c->refresh_ttl = NEAR(refresh_ttl);
    c->bcrypt_cost = NEAR(bcrypt_cost);
    c->public_base_url = NEAR_PTR(public_base_url);
    c->mail_transport = NEAR_PTR(mail_transport);
    c->mail_from = NEAR_PTR(mail_from);
    /* the three numbers of CarechainLoginThrottle are set together */
    c->throttle_email = NEAR(throttle_email);
    c->throttle_client = NEAR(throttle_client);
    c->throttle_window = NEAR(throttle_window);
    /* and the three of CarechainRegisterThrottle */
    c->register_client = NEAR(register_client);
    c->register_domain = NEAR(register_domain);
    c->register_window = NEAR(register_window);
    c->doc_max_size = NEAR(doc_max_size);
    /* and so are the two of CarechainDocumentLimits */
    c->doc_max_count = NEAR(doc_max_count);
    c->doc_max_total = NEAR(doc_max_total);
    c->upload_dir = NEAR_PTR(upload_dir);
    c->response_cache = NEAR(response_cache);
    /* the two numbers of CarechainMessageThrottle are set together */
    c->message_max = NEAR(message_max);
    c->message_window = NEAR(message_window);
    c->stream_max = NEAR(stream_max);
    c->stream_heartbeat = NEAR(stream_heartbeat);
    c->node_name = NEAR_PTR(node_name);
    for (int i = 0; i < CC_TASK__COUNT; i++)
        c->task_interval[i] = NEAR(task_interval[i]);
    c->mail_auth_file = NEAR_PTR(mail_auth_file);
    c->mail_user = NEAR_PTR(mail_user);
    c->mail_password = NEAR_PTR(mail_password);
    c->mail_ca_file = NEAR_PTR(mail_ca_file);
    /* set together (CarechainMailTimeouts, CarechainMailRetry, CarechainRetention) */
    c->mail_connect_timeout = NEAR(mail_connect_timeout);
    c->mail_timeout = NEAR(mail_timeout);
    c->mail_retry_base = NEAR(mail_retry_base);
    c->mail_retry_cap = NEAR(mail_retry_cap);
    c->mail_max_attempts = NEAR(mail_max_attempts);
    c->mail_batch = NEAR(mail_batch);
    c->keep_mail_days = NEAR(keep_mail_days);
    c->keep_failure_days = NEAR(keep_failure_days);
    c->digest_delay = NEAR(digest_delay);
    return c;
}

void *cc_config_create_dir(apr_pool_t *p, char *dir)
{
    cc_dir_conf_t *c = apr_pcalloc(p, sizeof(*c));
    (void)dir;
    c->max_body = CC_UNSET;
    return c;
}

void *cc_config_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    const cc_dir_conf_t *b = basev, *a = addv;
    cc_dir_conf_t *c = apr_pcalloc(p, sizeof(*c));
    c->max_body = NEAR(max_body);
    c->cors_origins = NEAR_PTR(cors_origins);
    return c;
}

apr_off_t cc_config_max_body(const cc_dir_conf_t *dc)
{
    return dc->max_body != CC_UNSET ? dc->max_body : DEFAULT_MAX_BODY;
}

#undef NEAR
#undef NEAR_PTR

/* ---- directive values ------------------------------------------------------------------- */

#define SCONF(cmd)                                                                                 \
    ((cc_server_conf_t *)ap_get_module_config((cmd)->server->module_config, &carechain_module))

static const char *parse_int(cmd_parms *cmd, const char *arg, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (!*arg || *end || v < lo || v > hi)
        return apr_psprintf(cmd->pool, "%s: '%s' is not an integer in %ld..%ld",
                            cmd->directive->directive, arg, lo, hi);
    *out = v;
    return NULL;
}

/* A byte count with an optional K, M or G suffix (powers of 1024). */
static const char *parse_size(cmd_parms *cmd, const char *arg, apr_off_t lo, apr_off_t hi,
                              apr_off_t *out)
{
    char *end;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);
    apr_int64_t mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1024 * 1024 * 1024, end++;
    if (!*arg || *end || v < 0 || v > hi / mul || v * mul < lo || v * mul > hi)
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not a size in %" APR_OFF_T_FMT "..%" APR_OFF_T_FMT
                            " bytes (a number, optionally with K, M or G)",
                            cmd->directive->directive, arg, lo, hi);
    *out = (apr_off_t)(v * mul);
    return NULL;
}

/* ---- directives ------------------------------------------------------------------------- */

/* Every server directive is server-scoped: secrets and keys never come from .htaccess or a
 * <Location>. Each setter starts with this check. */
#define SERVER_ONLY(cmd)                                                                           \
    do {                                                                                           \
        const char *scope_err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);                     \
        if (scope_err)                                                                             \
            return scope_err;                                                                      \
    } while (0)

static const char *set_key_file(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    SERVER_ONLY(cmd);
    SCONF(cmd)->jwt_key_file = ap_server_root_relative(cmd->pool, arg);
    return NULL;
}

static const char *set_alg(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    SERVER_ONLY(cmd);
    if (!cc_jwt_alg_supported(arg))
        return "CarechainJWTAlgorithm must be HS256, HS384 or HS512";
    SCONF(cmd)->jwt.alg = arg;
    return NULL;
}

static const char *set_issuer(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    SERVER_ONLY(cmd);
    SCONF(cmd)->jwt.issuer = arg;
    return NULL;
}

/* cmd->info: NULL for the access token, non-NULL for the refresh token. */
static const char *set_lifetime(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err;
    long v = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, arg, 30, 365L * 24 * 3600, &v)))
        return err;
    if (cmd->info)
        SCONF(cmd)->refresh_ttl = v;
    else
        SCONF(cmd)->access_ttl = v;
    return NULL;
}

static const char *set_bcrypt_cost(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err;
    long v = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, arg, 4, 31, &v)))
        return err;
    SCONF(cmd)->bcrypt_cost = (int)v;
    return NULL;
}

static const char *set_base_url(cmd_parms *cmd, void *d, const char *arg)
{
    apr_size_t n = strlen(arg);
    (void)d;
    SERVER_ONLY(cmd);
    if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8))
        return "CarechainPublicBaseURL must start with http:// or https://";
    while (n > 0 && arg[n - 1] == '/')
        n--;
    SCONF(cmd)->public_base_url = apr_pstrndup(cmd->pool, arg, n);
    return NULL;
}

/* file:DIR, or smtp://host[:port] (STARTTLS required) or smtps://host[:port] (TLS from the
 * start): never SMTP in plain text. */
static const char *set_mail_transport(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    SERVER_ONLY(cmd);
    if (!strncmp(arg, "file:", 5) && arg[5]) {
        SCONF(cmd)->mail_transport =
            apr_pstrcat(cmd->pool, "file:", ap_server_root_relative(cmd->pool, arg + 5), NULL);
        return NULL;
    }
    if ((!strncmp(arg, "smtp://", 7) && arg[7]) || (!strncmp(arg, "smtps://", 8) && arg[8])) {
        const char *host = strstr(arg, "://") + 3;
        if (strpbrk(host, "/?#@ ") || *host == ':')
            return "CarechainMailTransport: smtp://HOST[:PORT] or smtps://HOST[:PORT], no path, "
                   "no user (the credentials go in CarechainMailAuthFile)";
        SCONF(cmd)->mail_transport = arg;
        return NULL;
    }
    return "CarechainMailTransport must be file:DIRECTORY, smtp://HOST[:PORT] (STARTTLS) or "
           "smtps://HOST[:PORT]";
}

static const char *set_node_name(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    SERVER_ONLY(cmd);
    if (!*arg || strlen(arg) > 100 || strpbrk(arg, " \t\r\n\"\\"))
        return "CarechainNodeName: a name of 1..100 characters without spaces or quotes";
    SCONF(cmd)->node_name = arg;
    return NULL;
}

static const char *set_task_interval(cmd_parms *cmd, void *d, const char *task, const char *secs)
{
    const char *err;
    long v = 0;
    int i;
    (void)d;
    SERVER_ONLY(cmd);
    for (i = 0; i < CC_TASK__COUNT && strcmp(task, cc_task_names[i]); i++)
        ;
    if (i == CC_TASK__COUNT)
        return "CarechainTaskInterval: the task is mail, expire_jobs, documents, retention or "
               "digest";
    if (!strcasecmp(secs, "off"))
        v = 0;
    else if ((err = parse_int(cmd, secs, 1, 86400, &v)))
        return err;
    SCONF(cmd)->task_interval[i] = (int)v;
    return NULL;
}

static const char *set_mail_file(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    SERVER_ONLY(cmd);
    if (cmd->info)
        SCONF(cmd)->mail_ca_file = ap_server_root_relative(cmd->pool, arg);
    else
        SCONF(cmd)->mail_auth_file = ap_server_root_relative(cmd->pool, arg);
    return NULL;
}

static const char *set_mail_timeouts(cmd_parms *cmd, void *d, const char *conn, const char *total)
{
    const char *err;
    long c = 0, t = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, conn, 1, 600, &c)) || (err = parse_int(cmd, total, 1, 3600, &t)))
        return err;
    SCONF(cmd)->mail_connect_timeout = (int)c;
    SCONF(cmd)->mail_timeout = (int)t;
    return NULL;
}

static const char *set_mail_retry(cmd_parms *cmd, void *d, const char *base, const char *cap,
                                  const char *attempts)
{
    const char *err;
    long b = 0, c = 0, a = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, base, 1, 86400, &b)) || (err = parse_int(cmd, cap, b, 7 * 86400, &c))
        || (err = parse_int(cmd, attempts, 1, 100, &a)))
        return err;
    SCONF(cmd)->mail_retry_base = (int)b;
    SCONF(cmd)->mail_retry_cap = (int)c;
    SCONF(cmd)->mail_max_attempts = (int)a;
    return NULL;
}

static const char *set_mail_batch(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err;
    long v = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, arg, 1, 1000, &v)))
        return err;
    SCONF(cmd)->mail_batch = (int)v;
    return NULL;
}

static const char *set_digest_delay(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err;
    long v = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, arg, 0, 7 * 86400, &v)))
        return err;
    SCONF(cmd)->digest_delay = (int)v;
    return NULL;
}

static const char *set_retention(cmd_parms *cmd, void *d, const char *mail, const char *failures)
{
    const char *err;
    long m = 0, f = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, mail, 0, 3650, &m)) || (err = parse_int(cmd, failures, 1, 3650, &f)))
        return err;
    SCONF(cmd)->keep_mail_days = (int)m;
    SCONF(cmd)->keep_failure_days = (int)f;
    return NULL;
}

static const char *set_mail_from(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    SERVER_ONLY(cmd);
    if (strpbrk(arg, "\r\n") || !strchr(arg, '@'))
        return "CarechainMailFrom must be one address, e.g. \"CareChain <no-reply@example.org>\"";
    SCONF(cmd)->mail_from = arg;
    return NULL;
}

static const char *set_throttle(cmd_parms *cmd, void *d, const char *e, const char *c,
                                const char *w)
{
    const char *err;
    long ev = 0, cv = 0, wv = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, e, 1, 100000, &ev)) || (err = parse_int(cmd, c, 1, 1000000, &cv))
        || (err = parse_int(cmd, w, 1, 86400, &wv)))
        return err;
    SCONF(cmd)->throttle_email = (int)ev;
    SCONF(cmd)->throttle_client = (int)cv;
    SCONF(cmd)->throttle_window = (int)wv;
    return NULL;
}

static const char *set_register_throttle(cmd_parms *cmd, void *d, const char *c, const char *m,
                                         const char *w)
{
    const char *err;
    long cv = 0, mv = 0, wv = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, c, 1, 1000000, &cv)) || (err = parse_int(cmd, m, 1, 1000000, &mv))
        || (err = parse_int(cmd, w, 1, 86400, &wv)))
        return err;
    SCONF(cmd)->register_client = (int)cv;
    SCONF(cmd)->register_domain = (int)mv;
    SCONF(cmd)->register_window = (int)wv;
    return NULL;
}

static const char *set_doc_max_size(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err;
    apr_off_t v = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_size(cmd, arg, 1024, APR_INT64_C(1) << 30, &v)))
        return err;
    SCONF(cmd)->doc_max_size = v;
    return NULL;
}

static const char *set_doc_limits(cmd_parms *cmd, void *d, const char *count, const char *total)
{
    const char *err;
    long n = 0;
    apr_off_t v = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, count, 1, 100000, &n))
        || (err = parse_size(cmd, total, 1024, APR_INT64_C(1) << 40, &v)))
        return err;
    SCONF(cmd)->doc_max_count = (int)n;
    SCONF(cmd)->doc_max_total = v;
    return NULL;
}

static const char *set_response_cache(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err;
    apr_off_t v = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if (strcmp(arg, "0") && (err = parse_size(cmd, arg, 64 * 1024, APR_INT64_C(1) << 34, &v)))
        return err;
    SCONF(cmd)->response_cache = v;
    return NULL;
}

static const char *set_upload_dir(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    SERVER_ONLY(cmd);
    SCONF(cmd)->upload_dir = ap_server_root_relative(cmd->pool, arg);
    return NULL;
}

static const char *set_max_body(cmd_parms *cmd, void *dv, const char *arg)
{
    cc_dir_conf_t *d = dv;
    long v = 0;
    const char *err = parse_int(cmd, arg, 1024, 1024L * 1024 * 1024, &v);
    if (err)
        return err;
    d->max_body = v;
    return NULL;
}

static const char *add_cors_origin(cmd_parms *cmd, void *dv, const char *arg)
{
    cc_dir_conf_t *d = dv;
    if (!strcmp(arg, "*"))
        return "CarechainCORSOrigins takes explicit origins, never *";
    if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8) && strcasecmp(arg, "none"))
        return "CarechainCORSOrigins: each origin is scheme://host[:port]";
    if (!d->cors_origins)
        d->cors_origins = apr_array_make(cmd->pool, 2, sizeof(const char *));
    if (strcasecmp(arg, "none"))
        APR_ARRAY_PUSH(d->cors_origins, const char *) = arg;
    return NULL;
}

static const char *set_message_throttle(cmd_parms *cmd, void *d, const char *m, const char *w)
{
    const char *err;
    long mv = 0, wv = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, m, 1, 1000000, &mv)) || (err = parse_int(cmd, w, 1, 86400, &wv)))
        return err;
    SCONF(cmd)->message_max = (int)mv;
    SCONF(cmd)->message_window = (int)wv;
    return NULL;
}

static const char *set_stream_max(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err;
    long v = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, arg, 0, 100000, &v)))
        return err;
    SCONF(cmd)->stream_max = (int)v;
    return NULL;
}

static const char *set_stream_heartbeat(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err;
    long v = 0;
    (void)d;
    SERVER_ONLY(cmd);
    if ((err = parse_int(cmd, arg, 1, 3600, &v)))
        return err;
    SCONF(cmd)->stream_heartbeat = (int)v;
    return NULL;
}

const command_rec cc_config_cmds[] = {
    AP_INIT_TAKE1("CarechainJWTKeyFile", set_key_file, NULL, RSRC_CONF,
                  "File with the JWT signing key (at least 32 bytes)"),
    AP_INIT_TAKE1("CarechainJWTAlgorithm", set_alg, NULL, RSRC_CONF,
                  "HS256 (default), HS384 or HS512"),
    AP_INIT_TAKE1("CarechainJWTIssuer", set_issuer, NULL, RSRC_CONF,
                  "The iss claim issued and required (default carechain)"),
    AP_INIT_TAKE1("CarechainAccessTokenLifetime", set_lifetime, NULL, RSRC_CONF,
                  "Access token lifetime in seconds (default 3600)"),
    AP_INIT_TAKE1("CarechainRefreshTokenLifetime", set_lifetime, (void *)1, RSRC_CONF,
                  "Refresh token lifetime in seconds (default 604800)"),
    AP_INIT_TAKE1("CarechainBcryptCost", set_bcrypt_cost, NULL, RSRC_CONF,
                  "bcrypt cost for new password hashes, 4..31 (default 10)"),
    AP_INIT_TAKE1("CarechainPublicBaseURL", set_base_url, NULL, RSRC_CONF,
                  "scheme://host[:port] used for absolute links (default: from the request)"),
    AP_INIT_TAKE1("CarechainMailTransport", set_mail_transport, NULL, RSRC_CONF,
                  "file:DIRECTORY (one RFC 5322 file per message), smtp://HOST[:PORT] (STARTTLS "
                  "required) or smtps://HOST[:PORT]"),
    AP_INIT_TAKE1("CarechainMailFrom", set_mail_from, NULL, RSRC_CONF,
                  "Sender address of outgoing mail"),
    AP_INIT_TAKE3("CarechainLoginThrottle", set_throttle, NULL, RSRC_CONF,
                  "Failed logins allowed per email and per client address, and the window in "
                  "seconds (default 5 50 900)"),
    AP_INIT_TAKE3("CarechainRegisterThrottle", set_register_throttle, NULL, RSRC_CONF,
                  "Registrations allowed per client address and per mail domain, and the window "
                  "in seconds (default 50 200 3600)"),
    AP_INIT_TAKE1("CarechainMaxBodySize", set_max_body, NULL, RSRC_CONF | ACCESS_CONF,
                  "Largest JSON or form body in bytes (default 1048576)"),
    AP_INIT_TAKE1("CarechainDocumentMaxSize", set_doc_max_size, NULL, RSRC_CONF,
                  "Largest uploaded document, bytes with optional K/M/G (default 10M)"),
    AP_INIT_TAKE2("CarechainDocumentLimits", set_doc_limits, NULL, RSRC_CONF,
                  "Documents per user and their total size (default 50 100M)"),
    AP_INIT_TAKE1("CarechainResponseCache", set_response_cache, NULL, RSRC_CONF,
                  "memory of each process's cache of public lists, rankings and master data"
                  " (e.g. 32M; 0 turns it off)"),
    AP_INIT_TAKE1("CarechainUploadTempDir", set_upload_dir, NULL, RSRC_CONF,
                  "Directory where uploads are spooled, unlinked, before they are stored "
                  "(default: the system temporary directory)"),
    AP_INIT_ITERATE("CarechainCORSOrigins", add_cors_origin, NULL, RSRC_CONF | ACCESS_CONF,
                    "Origins allowed for cross-origin requests (default: none)"),
    AP_INIT_TAKE2("CarechainMessageThrottle", set_message_throttle, NULL, RSRC_CONF,
                  "Messages a user may send per window, and the window in seconds (default 30 60)"),
    AP_INIT_TAKE1("CarechainStreamMax", set_stream_max, NULL, RSRC_CONF,
                  "Open event streams per httpd process; under prefork per server (default 16; "
                  "0 turns the stream off)"),
    AP_INIT_TAKE1("CarechainStreamHeartbeat", set_stream_heartbeat, NULL, RSRC_CONF,
                  "Seconds between the event stream's heartbeat comments (default 25)"),
    AP_INIT_TAKE1("CarechainNodeName", set_node_name, NULL, RSRC_CONF,
                  "This node's name in task runs and mail claims (default: the host name)"),
    AP_INIT_TAKE2("CarechainTaskInterval", set_task_interval, NULL, RSRC_CONF,
                  "A background task (mail, expire_jobs, documents, retention, digest) and its "
                  "interval "
                  "in seconds, or off"),
    AP_INIT_TAKE1("CarechainMailAuthFile", set_mail_file, NULL, RSRC_CONF,
                  "Root-only file: SMTP user on the first line, password on the second"),
    AP_INIT_TAKE1("CarechainMailCAFile", set_mail_file, (void *)1, RSRC_CONF,
                  "CA certificates (PEM) the SMTP server's certificate is verified against"),
    AP_INIT_TAKE2("CarechainMailTimeouts", set_mail_timeouts, NULL, RSRC_CONF,
                  "SMTP connect and total timeouts in seconds (default 10 60)"),
    AP_INIT_TAKE3("CarechainMailRetry", set_mail_retry, NULL, RSRC_CONF,
                  "Backoff base and cap in seconds, and attempts before a mail fails "
                  "(default 60 3600 10)"),
    AP_INIT_TAKE1("CarechainMailBatch", set_mail_batch, NULL, RSRC_CONF,
                  "Messages one mail task run claims at once (default 50)"),
    AP_INIT_TAKE2("CarechainRetention", set_retention, NULL, RSRC_CONF,
                  "Days delivered mail and login failures are kept (default 30 7)"),
    AP_INIT_TAKE1("CarechainDigestDelay", set_digest_delay, NULL, RSRC_CONF,
                  "Seconds a message stays unread before it goes into a digest mail "
                  "(default 3600)"),
    {NULL}};

/* ---- startup ---------------------------------------------------------------------------- */

/* Reads the server's JWT key into pconf; an HTTP error status after logging why. */
static int read_key(apr_pool_t *pconf, server_rec *sv, cc_server_conf_t *c)
{
    apr_file_t *f;
    apr_finfo_t fi;
    unsigned char *key;
    apr_size_t got;
    apr_status_t rv;
    if (!c->jwt_key_file) {
        c->unconfigured = "CarechainJWTKeyFile is not set: the API cannot sign or verify tokens.";
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, sv,
                     CC_LOGNO(01001) "CarechainJWTKeyFile is not set: mod_carechain cannot sign or "
                                     "verify tokens without a key of at least %d bytes, so /api/ "
                                     "answers 503 here",
                     CC_JWT_MIN_KEY);
        return OK;
    }
    rv = apr_file_open(&f, c->jwt_key_file, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, pconf);
    if (rv == APR_SUCCESS)
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, sv,
                     CC_LOGNO(01002) "CarechainJWTKeyFile %s cannot be read", c->jwt_key_file);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    key = apr_palloc(pconf, (apr_size_t)fi.size + 1);
    rv = apr_file_read_full(f, key, (apr_size_t)fi.size, &got);
    apr_file_close(f);
    /* A trailing newline from `echo > key` is not key material. */
    while (got > 0 && (key[got - 1] == '\n' || key[got - 1] == '\r'))
        got--;
    if (rv != APR_SUCCESS || got < CC_JWT_MIN_KEY) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, sv,
                     CC_LOGNO(01003) "CarechainJWTKeyFile %s holds %lu bytes: at least %d "
                                     "are required (e.g. head -c 48 /dev/urandom > %s)",
                     c->jwt_key_file, (unsigned long)got, CC_JWT_MIN_KEY, c->jwt_key_file);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    c->jwt.key = key;
    c->jwt.key_len = got;
    return OK;
}

/* Reads CarechainMailAuthFile (user, then password, one per line) into pconf. Read by root
 * before httpd switches users, so it must be root's alone: a file others may read is refused. */
static int read_mail_auth(apr_pool_t *pconf, server_rec *sv, cc_server_conf_t *c)
{
    apr_file_t *f;
    apr_finfo_t fi;
    char buf[1024], *nl, *pw;
    apr_size_t got = 0;
    apr_status_t rv;
    rv = apr_file_open(&f, c->mail_auth_file, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, pconf);
    if (rv == APR_SUCCESS)
        rv = apr_file_info_get(&fi, APR_FINFO_PROT, f);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, sv,
                     CC_LOGNO(01005) "CarechainMailAuthFile %s cannot be read", c->mail_auth_file);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (fi.protection & (APR_FPROT_GREAD | APR_FPROT_GWRITE | APR_FPROT_WREAD | APR_FPROT_WWRITE)) {
        apr_file_close(f);
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, sv,
                     CC_LOGNO(01006) "CarechainMailAuthFile %s may be read by others: chmod 600 "
                                     "it",
                     c->mail_auth_file);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv = apr_file_read_full(f, buf, sizeof(buf) - 1, &got);
    apr_file_close(f);
    buf[got] = 0;
    nl = strchr(buf, '\n');
    pw = nl ? nl + 1 : NULL;
    if (nl)
        *nl = 0;
    if (pw)
        pw[strcspn(pw, "\r\n")] = 0;
    buf[strcspn(buf, "\r")] = 0;
    if (!*buf || !pw || !*pw) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, sv,
                     CC_LOGNO(01007) "CarechainMailAuthFile %s must hold the user on its first "
                                     "line and the password on its second",
                     c->mail_auth_file);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    c->mail_user = apr_pstrdup(pconf, buf);
    c->mail_password = apr_pstrdup(pconf, pw);
    memset(buf, 0, sizeof(buf));
    return OK;
}

int cc_config_post_config(apr_pool_t *pconf, server_rec *s)
{
    server_rec *sv;
    int rv;
    for (sv = s; sv; sv = sv->next) {
        /* What is still unset takes the default: the defaults are merged in as the base. Each
         * server gets its own record: a virtual host without directives of ours shares the main
         * server's, and what post_config finds (the key, `unconfigured`) is per server. */
        cc_server_conf_t *c = cc_config_merge_server(
            pconf, (void *)&defaults, ap_get_module_config(sv->module_config, &carechain_module));
        ap_set_module_config(sv->module_config, &carechain_module, c);
        if ((rv = read_key(pconf, sv, c)) != OK)
            return rv;
        if (!c->node_name) {
            char host[APRMAXHOSTLEN + 1];
            c->node_name = apr_gethostname(host, sizeof(host), pconf) == APR_SUCCESS
                               ? apr_pstrdup(pconf, host)
                               : "node";
        }
        if (c->mail_auth_file && !c->mail_user && (rv = read_mail_auth(pconf, sv, c)) != OK)
            return rv;
    }
    return OK;
}
