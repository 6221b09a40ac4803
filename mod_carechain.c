/* mod_carechain: module record, directives, hooks and the dispatcher. Business logic lives in
 * handlers/, plumbing in core/ and dbd/. */
#include <apr_file_io.h>
#include <apr_lib.h>
#include <http_request.h>
#include <util_script.h>
#include "core/cc.h"
#include "dbd/db.h"
#include "handlers/handlers.h"

/* ---- configuration ---------------------------------------------------------------------- */

static void *create_server_conf(apr_pool_t *p, server_rec *s)
{
    cc_server_conf_t *c = apr_pcalloc(p, sizeof(*c));
    (void)s;
    c->jwt.alg = "HS256";
    c->jwt.issuer = "carechain";
    c->access_ttl = 3600;
    c->refresh_ttl = 7 * 24 * 3600;
    c->bcrypt_cost = 10;
    c->mail_transport = "file:/var/spool/carechain/mail";
    c->mail_from = "CareChain <no-reply@localhost>";
    c->throttle_email = 5;
    c->throttle_client = 50;
    c->throttle_window = 900;
    c->doc_max_size = 10 * 1024 * 1024;
    c->doc_max_count = 50;
    c->doc_max_total = 100 * 1024 * 1024;
    c->response_cache = 32 * 1024 * 1024;
    return c;
}

static void *merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    cc_server_conf_t *b = basev, *a = addv, *c = apr_pcalloc(p, sizeof(*c));
    c->jwt_key_file = a->jwt_key_file ? a->jwt_key_file : b->jwt_key_file;
    c->jwt.alg = a->jwt_alg_set ? a->jwt.alg : b->jwt.alg;
    c->jwt.issuer = a->jwt_issuer_set ? a->jwt.issuer : b->jwt.issuer;
    c->access_ttl = a->access_ttl_set ? a->access_ttl : b->access_ttl;
    c->refresh_ttl = a->refresh_ttl_set ? a->refresh_ttl : b->refresh_ttl;
    c->bcrypt_cost = a->bcrypt_cost_set ? a->bcrypt_cost : b->bcrypt_cost;
    c->public_base_url = a->public_base_url ? a->public_base_url : b->public_base_url;
    c->mail_transport = a->mail_transport ? a->mail_transport : b->mail_transport;
    c->mail_from = a->mail_from ? a->mail_from : b->mail_from;
    if (a->throttle_set) {
        c->throttle_email = a->throttle_email;
        c->throttle_client = a->throttle_client;
        c->throttle_window = a->throttle_window;
    }
    else {
        c->throttle_email = b->throttle_email;
        c->throttle_client = b->throttle_client;
        c->throttle_window = b->throttle_window;
    }
    c->doc_max_size = a->doc_max_size_set ? a->doc_max_size : b->doc_max_size;
    c->doc_max_count = a->doc_limits_set ? a->doc_max_count : b->doc_max_count;
    c->doc_max_total = a->doc_limits_set ? a->doc_max_total : b->doc_max_total;
    c->upload_dir = a->upload_dir ? a->upload_dir : b->upload_dir;
    c->response_cache = a->response_cache_set ? a->response_cache : b->response_cache;
    c->response_cache_set = a->response_cache_set || b->response_cache_set;
    c->doc_max_size_set = a->doc_max_size_set || b->doc_max_size_set;
    c->doc_limits_set = a->doc_limits_set || b->doc_limits_set;
    c->jwt_alg_set = a->jwt_alg_set || b->jwt_alg_set;
    c->jwt_issuer_set = a->jwt_issuer_set || b->jwt_issuer_set;
    c->access_ttl_set = a->access_ttl_set || b->access_ttl_set;
    c->refresh_ttl_set = a->refresh_ttl_set || b->refresh_ttl_set;
    c->bcrypt_cost_set = a->bcrypt_cost_set || b->bcrypt_cost_set;
    c->throttle_set = a->throttle_set || b->throttle_set;
    return c;
}

static void *create_dir_conf(apr_pool_t *p, char *dir)
{
    cc_dir_conf_t *c = apr_pcalloc(p, sizeof(*c));
    (void)dir;
    c->max_body = -1;
    return c;
}

static void *merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    cc_dir_conf_t *b = basev, *a = addv, *c = apr_pcalloc(p, sizeof(*c));
    c->max_body = a->max_body >= 0 ? a->max_body : b->max_body;
    c->cors_origins = a->cors_origins ? a->cors_origins : b->cors_origins;
    return c;
}

#define SCONF(cmd) ((cc_server_conf_t *)ap_get_module_config((cmd)->server->module_config, \
                                                             &carechain_module))

static const char *server_only(cmd_parms *cmd)
{
    return ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);
}

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

static const char *set_key_file(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    (void)d;
    if (err)
        return err;
    SCONF(cmd)->jwt_key_file = ap_server_root_relative(cmd->pool, arg);
    return NULL;
}

static const char *set_alg(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    (void)d;
    if (err)
        return err;
    if (!cc_jwt_alg_supported(arg))
        return "CarechainJWTAlgorithm must be HS256, HS384 or HS512";
    SCONF(cmd)->jwt.alg = arg;
    SCONF(cmd)->jwt_alg_set = 1;
    return NULL;
}

static const char *set_issuer(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    (void)d;
    if (err)
        return err;
    SCONF(cmd)->jwt.issuer = arg;
    SCONF(cmd)->jwt_issuer_set = 1;
    return NULL;
}

static const char *set_lifetime(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    long v = 0;
    (void)d;
    if (err || (err = parse_int(cmd, arg, 30, 365L * 24 * 3600, &v)))
        return err;
    if (cmd->info) {
        SCONF(cmd)->refresh_ttl = v;
        SCONF(cmd)->refresh_ttl_set = 1;
    }
    else {
        SCONF(cmd)->access_ttl = v;
        SCONF(cmd)->access_ttl_set = 1;
    }
    return NULL;
}

static const char *set_bcrypt_cost(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    long v = 0;
    (void)d;
    if (err || (err = parse_int(cmd, arg, 4, 31, &v)))
        return err;
    SCONF(cmd)->bcrypt_cost = (int)v;
    SCONF(cmd)->bcrypt_cost_set = 1;
    return NULL;
}

static const char *set_base_url(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    apr_size_t n = strlen(arg);
    (void)d;
    if (err)
        return err;
    if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8))
        return "CarechainPublicBaseURL must start with http:// or https://";
    while (n > 0 && arg[n - 1] == '/')
        n--;
    SCONF(cmd)->public_base_url = apr_pstrndup(cmd->pool, arg, n);
    return NULL;
}

static const char *set_mail_transport(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    (void)d;
    if (err)
        return err;
    if (strncmp(arg, "file:", 5) != 0 || !arg[5])
        return "CarechainMailTransport must be file:DIRECTORY (SMTP comes later)";
    SCONF(cmd)->mail_transport =
        apr_pstrcat(cmd->pool, "file:", ap_server_root_relative(cmd->pool, arg + 5), NULL);
    return NULL;
}

static const char *set_mail_from(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    (void)d;
    if (err)
        return err;
    if (strpbrk(arg, "\r\n") || !strchr(arg, '@'))
        return "CarechainMailFrom must be one address, e.g. \"CareChain <no-reply@example.org>\"";
    SCONF(cmd)->mail_from = arg;
    return NULL;
}

static const char *set_throttle(cmd_parms *cmd, void *d, const char *e, const char *c,
                                const char *w)
{
    const char *err = server_only(cmd);
    long ev = 0, cv = 0, wv = 0;
    (void)d;
    if (err || (err = parse_int(cmd, e, 1, 100000, &ev)) || (err = parse_int(cmd, c, 1, 1000000, &cv))
        || (err = parse_int(cmd, w, 1, 86400, &wv)))
        return err;
    SCONF(cmd)->throttle_email = (int)ev;
    SCONF(cmd)->throttle_client = (int)cv;
    SCONF(cmd)->throttle_window = (int)wv;
    SCONF(cmd)->throttle_set = 1;
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
        return apr_psprintf(cmd->pool, "%s: '%s' is not a size in %" APR_OFF_T_FMT "..%"
                            APR_OFF_T_FMT " bytes (a number, optionally with K, M or G)",
                            cmd->directive->directive, arg, lo, hi);
    *out = (apr_off_t)(v * mul);
    return NULL;
}

static const char *set_doc_max_size(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    apr_off_t v = 0;
    (void)d;
    if (err || (err = parse_size(cmd, arg, 1024, APR_INT64_C(1) << 30, &v)))
        return err;
    SCONF(cmd)->doc_max_size = v;
    SCONF(cmd)->doc_max_size_set = 1;
    return NULL;
}

static const char *set_doc_limits(cmd_parms *cmd, void *d, const char *count, const char *total)
{
    const char *err = server_only(cmd);
    long n = 0;
    apr_off_t v = 0;
    (void)d;
    if (err || (err = parse_int(cmd, count, 1, 100000, &n))
        || (err = parse_size(cmd, total, 1024, APR_INT64_C(1) << 40, &v)))
        return err;
    SCONF(cmd)->doc_max_count = (int)n;
    SCONF(cmd)->doc_max_total = v;
    SCONF(cmd)->doc_limits_set = 1;
    return NULL;
}

static const char *set_response_cache(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    apr_off_t v = 0;
    (void)d;
    if (err)
        return err;
    if (strcmp(arg, "0") && (err = parse_size(cmd, arg, 64 * 1024, APR_INT64_C(1) << 34, &v)))
        return err;
    SCONF(cmd)->response_cache = v;
    SCONF(cmd)->response_cache_set = 1;
    return NULL;
}

static const char *set_upload_dir(cmd_parms *cmd, void *d, const char *arg)
{
    const char *err = server_only(cmd);
    (void)d;
    if (err)
        return err;
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

static const command_rec cc_cmds[] = {
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
                  "file:DIRECTORY: one RFC 5322 file per message"),
    AP_INIT_TAKE1("CarechainMailFrom", set_mail_from, NULL, RSRC_CONF,
                  "Sender address of outgoing mail"),
    AP_INIT_TAKE3("CarechainLoginThrottle", set_throttle, NULL, RSRC_CONF,
                  "Failed logins allowed per email and per client address, and the window in "
                  "seconds (default 5 50 900)"),
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
    {NULL}
};

/* ---- startup ---------------------------------------------------------------------------- */

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    server_rec *sv;
    (void)plog;
    (void)ptemp;
    for (sv = s; sv; sv = sv->next) {
        cc_server_conf_t *c = ap_get_module_config(sv->module_config, &carechain_module);
        apr_file_t *f;
        apr_finfo_t fi;
        unsigned char *key;
        apr_size_t got;
        apr_status_t rv;
        if (!c->jwt_key_file) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, sv,
                         CC_LOGNO(01001) "CarechainJWTKeyFile is not set: mod_carechain cannot "
                         "sign or verify tokens without a key of at least %d bytes",
                         CC_JWT_MIN_KEY);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        rv = apr_file_open(&f, c->jwt_key_file, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, pconf);
        if (rv == APR_SUCCESS)
            rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, sv,
                         CC_LOGNO(01002) "CarechainJWTKeyFile %s cannot be read",
                         c->jwt_key_file);
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
    }
    return OK;
}

static void child_init(apr_pool_t *p, server_rec *s)
{
    cc_server_conf_t *c = ap_get_module_config(s->module_config, &carechain_module);
    if (!cc_db_init())
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     CC_LOGNO(01004) "mod_dbd is not loaded: the API will answer 503");
    cc_password_init_dummy(p, c->bcrypt_cost);
    cc_documents_child_init(p, s);
    cc_cached_child_init(p, s, (apr_size_t)c->response_cache);
}

/* ---- request handling ------------------------------------------------------------------- */


/* Returns 1 when the Origin is allowed (and sets the CORS headers). */
static int cors(cc_req_t *q)
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

static int read_body(cc_req_t *q, char **out, apr_size_t *outlen)
{
    request_rec *r = q->r;
    apr_off_t max = q->dc->max_body >= 0 ? q->dc->max_body : CC_DEFAULT_MAX_BODY;
    apr_size_t cap = 8192, len = 0;
    char *buf;
    long n;
    int rv = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK);
    *out = NULL;
    *outlen = 0;
    if (rv != OK)
        return rv;
    if (r->remaining > max)
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    if (!ap_should_client_block(r))
        return OK;
    buf = apr_palloc(q->pool, cap + 1);
    for (;;) {
        if (len == cap) {
            char *nb;
            if ((apr_off_t)cap > max)
                return HTTP_REQUEST_ENTITY_TOO_LARGE;
            cap *= 2;
            nb = apr_palloc(q->pool, cap + 1);
            memcpy(nb, buf, len);
            buf = nb;
        }
        n = ap_get_client_block(r, buf + len, cap - len);
        if (n == 0)
            break;
        if (n < 0)
            return HTTP_BAD_REQUEST;
        len += (apr_size_t)n;
        if ((apr_off_t)len > max)
            return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    buf[len] = 0;
    *out = buf;
    *outlen = len;
    return OK;
}

static int parse_form(cc_req_t *q, char *buf, json_t *obj)
{
    char *pair, *state;
    for (pair = apr_strtok(buf, "&", &state); pair; pair = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(pair, '=');
        const char *k = pair, *v = "";
        json_t *s;
        if (eq) {
            *eq = 0;
            v = eq + 1;
        }
        k = apr_pstrdup(q->pool, k);
        v = apr_pstrdup(q->pool, v);
        if (ap_unescape_urlencoded((char *)k) != OK || ap_unescape_urlencoded((char *)v) != OK)
            return 0;
        s = json_string(v);
        if (!s)
            return 0; /* not UTF-8 */
        if (!json_object_get(obj, k))
            json_object_set_new(obj, k, s);
        else
            json_decref(s);
    }
    return 1;
}

/* Reads and decodes the body into q->body. Returns 1 to continue, 0 when answered. */
static int load_body(cc_req_t *q)
{
    request_rec *r = q->r;
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    char *buf, *mt;
    apr_size_t len;
    int rv = read_body(q, &buf, &len);

    q->body = cc_json_own(q->pool, json_object());
    if (rv == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        r->connection->keepalive = AP_CONN_CLOSE; /* do not read the rest */
        cc_error(q, rv, "request_too_large", "Request body is too large.");
        return 0;
    }
    if (rv != OK) {
        cc_error(q, HTTP_BAD_REQUEST, "parse_error", "The request body could not be read.");
        return 0;
    }
    if (len == 0)
        return 1; /* an empty body is an empty object: fields are then "required" */
    mt = apr_pstrdup(q->pool, ct ? ct : "");
    if (strchr(mt, ';'))
        *strchr(mt, ';') = 0;
    mt = cc_trim(q->pool, mt);
    ap_str_tolower(mt);
    if (ct && ap_strcasestr(ct, "charset=") && !ap_strcasestr(ct, "charset=utf-8")
        && !ap_strcasestr(ct, "charset=\"utf-8\"")) {
        /* Only UTF-8 is spoken; any other charset is an unsupported media type. */
        mt = apr_pstrdup(q->pool, ct);
    }
    if (!strcmp(mt, "application/json") || (strncmp(mt, "application/", 12) == 0
                                            && strlen(mt) > 5 && !strcmp(mt + strlen(mt) - 5, "+json"))) {
        json_error_t e;
        json_t *v = json_loadb(buf, len, JSON_DECODE_ANY, &e);
        if (!v) {
            cc_error(q, HTTP_BAD_REQUEST, "parse_error",
                     apr_psprintf(q->pool, "JSON parse error - %s: line %d column %d", e.text,
                                  e.line, e.column));
            return 0;
        }
        cc_json_own(q->pool, v);
        if (!json_is_object(v)) {
            const char *got = json_is_array(v)    ? "list"
                              : json_is_string(v) ? "str"
                              : json_is_boolean(v) ? "bool"
                              : json_is_null(v)   ? "NoneType"
                              : json_is_integer(v) ? "int"
                                                   : "float";
            json_t *errs = json_object();
            cc_field_error(errs, "non_field_errors",
                           apr_psprintf(q->pool,
                                        "Invalid data. Expected a dictionary, but got %s.", got));
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

/* httpd answers some errors itself before or around the handler (a malformed chunked body,
 * LimitRequestBody, access control). `ErrorDocument NNN /api/_httpd_error` in the /api location
 * sends them here as an internal redirect, so they too get the JSON error shape. */
static int httpd_error(cc_req_t *q)
{
    static const struct {
        int status;
        const char *code, *detail;
    } map[] = {
        {400, "parse_error", "The request could not be parsed."},
        {401, "not_authenticated", "Authentication credentials were not provided."},
        {403, "permission_denied", "You do not have permission to perform this action."},
        {404, "not_found", "Not found."},
        {405, "method_not_allowed", "Method not allowed."},
        {408, "request_timeout", "The request took too long to arrive."},
        {411, "length_required", "A Content-Length or chunked body is required."},
        {413, "request_too_large", "Request body is too large."},
        {417, "expectation_failed", "Only the 100-continue expectation is supported."},
        {503, "service_unavailable", "The service is temporarily unavailable. Try again shortly."},
    };
    const char *st = apr_table_get(q->r->subprocess_env, "REDIRECT_STATUS");
    int status = st ? atoi(st) : 500;
    unsigned i;
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].status == status)
            return cc_error(q, status, map[i].code, map[i].detail);
    return cc_error(q, status >= 400 && status < 600 ? status : 500, "server_error",
                    "A server error occurred.");
}

static const char *request_id(request_rec *r)
{
    const char *id = apr_table_get(r->subprocess_env, "UNIQUE_ID");
    if (!id) {
        unsigned char b[12];
        apr_generate_random_bytes(b, sizeof(b));
        id = apr_pencode_base16_binary(r->pool, b, sizeof(b), APR_ENCODE_LOWER, NULL);
    }
    return id;
}

static int cc_handler(request_rec *r)
{
    cc_req_t *q;
    cc_route_result_t rr;
    const char *allow = NULL;
    const char *uri = r->uri;
    int is_preflight;

    if (!r->handler || strcmp(r->handler, "carechain") != 0)
        return DECLINED;

    q = apr_pcalloc(r->pool, sizeof(*q));
    q->r = r;
    q->pool = r->pool;
    q->sc = ap_get_module_config(r->server->module_config, &carechain_module);
    q->dc = ap_get_module_config(r->per_dir_config, &carechain_module);
    /* err_headers_out survives error responses too. */
    apr_table_setn(r->err_headers_out, "X-Request-Id", request_id(r));
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");

    if (!strcmp(uri, "/api"))
        q->path = "";
    else if (!strncmp(uri, "/api/", 5))
        q->path = uri + 5;
    else
        return cc_not_found(q);

    if (r->prev && !strcmp(q->path, "_httpd_error"))
        return httpd_error(q);
    /* Our own parser: httpd's ap_args_to_table keeps '+' (a space in forms) and lets the last
     * of repeated keys win. */
    if (!cc_query_parse(r->pool, r->args, &q->query))
        return cc_error(q, HTTP_BAD_REQUEST, "parse_error",
                        "The query string is not valid UTF-8.");
    is_preflight = r->method_number == M_OPTIONS
                   && apr_table_get(r->headers_in, "Access-Control-Request-Method");
    if (cors(q) && is_preflight) {
        apr_table_setn(r->headers_out, "Access-Control-Allow-Methods",
                       "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        apr_table_setn(r->headers_out, "Access-Control-Allow-Headers",
                       "Authorization, Content-Type, Last-Event-ID");
        apr_table_setn(r->headers_out, "Access-Control-Max-Age", "600");
        return cc_no_content(q);
    }

    rr = cc_route_match(r->pool, cc_routes, cc_routes_count,
                        r->method_number == M_OPTIONS ? "GET" : r->method, q->path, &q->route,
                        q->ids, &q->nids, &allow);
    if (r->method_number == M_OPTIONS) {
        if (rr == CC_ROUTE_NOT_FOUND)
            return cc_not_found(q);
        if (rr == CC_ROUTE_FOUND) /* the route answers GET; list every method it has */
            cc_route_match(r->pool, cc_routes, cc_routes_count, "OPTIONS", q->path, &q->route,
                           q->ids, &q->nids, &allow);
        apr_table_setn(r->headers_out, "Allow", allow);
        return cc_no_content(q);
    }
    if (rr == CC_ROUTE_NOT_FOUND)
        return cc_not_found(q);
    if (rr == CC_ROUTE_BAD_METHOD) {
        apr_table_setn(r->headers_out, "Allow", allow);
        return cc_error(q, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                        apr_psprintf(r->pool, "Method \"%s\" not allowed.",
                                     r->method));
    }

    if (!(q->route->flags & CC_RF_NOAUTH) && !cc_authenticate(q))
        return OK;
    if (q->user || apr_table_get(r->headers_in, "Authorization") || r->method_number != M_GET)
        apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (q->route->roles) {
        if (!q->user)
            return cc_error(q, HTTP_UNAUTHORIZED, "not_authenticated",
                            "Authentication credentials were not provided.");
        if (!(q->route->roles & q->user->role_bit))
            return cc_error(q, HTTP_FORBIDDEN, "permission_denied",
                            "You do not have permission to perform this action.");
    }
    if ((r->method_number == M_POST || r->method_number == M_PUT
         || r->method_number == M_PATCH) && !(q->route->flags & CC_RF_STREAM) && !load_body(q))
        return OK;
    return q->route->handler(q);
}

static void register_hooks(apr_pool_t *p)
{
    static const char *const after[] = {"mod_dbd.c", NULL};
    (void)p;
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, after, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(cc_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA carechain_module = {
    STANDARD20_MODULE_STUFF,
    create_dir_conf,
    merge_dir_conf,
    create_server_conf,
    merge_server_conf,
    cc_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
