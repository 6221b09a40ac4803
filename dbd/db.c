#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <apr_atomic.h>
#include <apr_optional.h>
#include <apr_thread_mutex.h>
#include <apr_dbd.h>
#include <mod_dbd.h>
#include <http_config.h>
#include <http_request.h>
#include "db.h"
#include "errmap.h"

/* ap_dbd_open/ap_dbd_close rather than ap_dbd_acquire: the same pooled connections, but the
 * request may hand its connection back early (cc_db_release) before a long transfer. */
static APR_OPTIONAL_FN_TYPE(ap_dbd_open) * dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) * dbd_close;

struct cc_db {
    ap_dbd_t *dbd;
    PGconn *conn;
    server_rec *server;
    int in_tx;
    int cleanup_registered;
    cc_sql_class_t failure;
    char sqlstate[6];
};

/* Which statements are prepared on a pooled connection. Kept in the connection's own pool and
 * keyed by the backend PID: after PQreset (by mod_dbd's check or by us) the PID changes and
 * every statement is prepared again, which is what mod_dbd itself fails to do. */
typedef struct {
    int backend_pid;
    unsigned char prepared[CC_ST__COUNT];
} cc_conn_prep_t;

/* ---- outages ----------------------------------------------------------------------------
 * When PostgreSQL is down every request would ask mod_dbd for a connection, and mod_dbd logs two
 * errors for each failed connect: a busy site wrote megabytes of error log a second. So this
 * process notes the outage once (and its end, with how many requests it answered 503), and while
 * it lasts asks the server with PQping (no log, no authentication, about a millisecond when the
 * server is down) before going to mod_dbd: the first request after the server is back gets a
 * connection, so recovery is as quick as before. The address comes from the first connection that
 * worked, or else from the configuration's DBDParams (cc_db_post_config); without either, a
 * process asks mod_dbd at most once a second. */

#define BLIND_PROBE_INTERVAL apr_time_from_sec(1)

static struct {
#if APR_HAS_THREADS
    apr_thread_mutex_t *mutex;
#endif
    volatile apr_uint32_t down;   /* read without the mutex on every request */
    apr_time_t since, next_blind; /* when it began; next mod_dbd attempt without a ping */
    apr_uint32_t refused;         /* requests answered 503 without asking mod_dbd */
    char ping[512];               /* "host=... port=... dbname=... user=..." or "" */
} outage;

static void outage_lock(void)
{
#if APR_HAS_THREADS
    if (outage.mutex)
        apr_thread_mutex_lock(outage.mutex);
#endif
}

static void outage_unlock(void)
{
#if APR_HAS_THREADS
    if (outage.mutex)
        apr_thread_mutex_unlock(outage.mutex);
#endif
}

/* Remembers where the server is, from a connection that works (once per process). */
static void outage_learn(PGconn *c)
{
    static const char *const keys[] = {"host", "hostaddr", "port", "dbname", "user", NULL};
    char buf[sizeof(outage.ping)] = "";
    int i;
    if (outage.ping[0] || !c)
        return;
    for (i = 0; keys[i]; i++) {
        const char *v = !strcmp(keys[i], "host")       ? PQhost(c)
                        : !strcmp(keys[i], "hostaddr") ? PQhostaddr(c)
                        : !strcmp(keys[i], "port")     ? PQport(c)
                        : !strcmp(keys[i], "dbname")   ? PQdb(c)
                                                       : PQuser(c);
        if (v && *v && !strpbrk(v, "' \\"))
            apr_snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s=%s ", keys[i], v);
    }
    apr_cpystrn(buf + strlen(buf), "connect_timeout=2", sizeof(buf) - strlen(buf));
    outage_lock();
    if (!outage.ping[0])
        apr_cpystrn(outage.ping, buf, sizeof(outage.ping));
    outage_unlock();
}

static void outage_begin(request_rec *r)
{
    int first = 0;
    outage_lock();
    if (!outage.down) {
        outage.since = apr_time_now();
        outage.next_blind = outage.since + BLIND_PROBE_INTERVAL;
        outage.refused = 0;
        apr_atomic_set32(&outage.down, 1);
        first = 1;
    }
    outage_unlock();
    if (first)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CC_LOGNO(01107) "the database cannot be reached: requests answer 503 "
                                      "until it is back (logged once for this process; mod_dbd "
                                      "says why above)");
}

static void outage_end(request_rec *r)
{
    apr_time_t since = 0;
    apr_uint32_t refused = 0;
    if (!apr_atomic_read32(&outage.down))
        return;
    outage_lock();
    if (outage.down) {
        since = outage.since;
        refused = outage.refused;
        apr_atomic_set32(&outage.down, 0);
    }
    outage_unlock();
    if (since)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      CC_LOGNO(01108) "the database is reachable again after %.1f s; this process "
                                      "answered %u requests 503 meanwhile without logging each",
                      (double)(apr_time_now() - since) / APR_USEC_PER_SEC, refused);
}

/* 1 when the request should not ask mod_dbd for a connection (the server is still down). */
static int outage_refuse(void)
{
    int refuse;
    char ping[sizeof(outage.ping)];
    if (!apr_atomic_read32(&outage.down))
        return 0;
    outage_lock();
    apr_cpystrn(ping, outage.ping, sizeof(ping));
    if (ping[0]) {
        refuse = -1; /* decided by the ping, outside the lock */
    }
    else {
        refuse = apr_time_now() < outage.next_blind;
        if (!refuse)
            outage.next_blind = apr_time_now() + BLIND_PROBE_INTERVAL;
    }
    outage_unlock();
    if (refuse < 0)
        refuse = PQping(ping) != PQPING_OK;
    if (refuse)
        apr_atomic_inc32(&outage.refused);
    return refuse;
}

/* The first DBDParams of the directive tree, depth first (a <VirtualHost> holds it in the site
 * example); NULL when there is none. */
static const ap_directive_t *find_dbd_params(const ap_directive_t *d)
{
    for (; d; d = d->next) {
        const ap_directive_t *in;
        if (!strcasecmp(d->directive, "DBDParams") && d->args)
            return d;
        if (d->first_child && (in = find_dbd_params(d->first_child)))
            return in;
    }
    return NULL;
}

/* The first DBDParams as written (the stream's listener connects with it; services/stream.c). */
static const char *dbd_params;

const char *cc_db_conninfo(void)
{
    return dbd_params;
}

/* A DBDriver among d and its children, <VirtualHost> sections left out when skip_vhosts. */
static int has_dbdriver(const ap_directive_t *d, int skip_vhosts)
{
    for (; d; d = d->next) {
        if (!strcasecmp(d->directive, "DBDriver"))
            return 1;
        if (skip_vhosts && !strcasecmp(d->directive, "<VirtualHost"))
            continue;
        if (d->first_child && has_dbdriver(d->first_child, skip_vhosts))
            return 1;
    }
    return 0;
}

/* The <VirtualHost> section that defined server s (httpd records its file and line). */
static const ap_directive_t *vhost_section(const ap_directive_t *d, const server_rec *s)
{
    for (; d; d = d->next) {
        const ap_directive_t *in;
        if (!strcasecmp(d->directive, "<VirtualHost")
            && (unsigned)d->line_num == s->defn_line_number && d->filename && s->defn_name
            && !strcmp(d->filename, s->defn_name))
            return d;
        if (d->first_child && (in = vhost_section(d->first_child, s)))
            return in;
    }
    return NULL;
}

void cc_db_post_config(apr_pool_t *p, server_rec *s)
{
    server_rec *sv;
    int main_has = has_dbdriver(ap_conftree, 1);
    /* mod_dbd answers "Not configured" (and logs it) for a server no DBDriver reaches: such a
     * server's /api/ answers 503 saying so, without asking mod_dbd */
    for (sv = s; sv; sv = sv->next) {
        cc_server_conf_t *c = ap_get_module_config(sv->module_config, &carechain_module);
        const ap_directive_t *vh;
        if (main_has
            || (sv->is_virtual && (vh = vhost_section(ap_conftree, sv))
                && has_dbdriver(vh->first_child, 0)))
            continue;
        c->db_unconfigured = 1;
        if (!c->unconfigured)
            c->unconfigured = "No database is configured: set DBDriver pgsql and DBDParams "
                              "(carechainctl check says what else is missing).";
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, sv,
                     CC_LOGNO(01109) "no DBDriver is configured for this server: /api/ answers "
                                     "503 until DBDriver pgsql and DBDParams are set");
    }

    /* mod_dbd keeps its parameters to itself; the directive tree still has them (the first
     * DBDParams, which for the usual single database is the one every server uses) */
    const ap_directive_t *d = find_dbd_params(ap_conftree);
    dbd_params = NULL;
    if (d) {
        const char *args = d->args;
        char *conninfo = ap_getword_conf(p, &args);
        dbd_params = *conninfo ? conninfo : NULL;
        if (*conninfo && strlen(conninfo) + 20 < sizeof(outage.ping))
            apr_snprintf(outage.ping, sizeof(outage.ping), "%s connect_timeout=2", conninfo);
    }
}

int cc_db_init(apr_pool_t *p)
{
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
#if APR_HAS_THREADS
    apr_thread_mutex_create(&outage.mutex, APR_THREAD_MUTEX_DEFAULT, p);
#else
    (void)p;
#endif
    return dbd_open && dbd_close;
}

static apr_status_t rollback_cleanup(void *data);

static apr_status_t clear_result_fn(void *res)
{
    PQclear(res);
    return APR_SUCCESS;
}

/* Gives the connection back to mod_dbd's pool (registered when it is taken; LIFO order runs
 * the rollback cleanup, registered later, first). */
static apr_status_t release_cleanup(void *data)
{
    cc_db_t *db = data;
    if (db->dbd) {
        dbd_close(db->server, db->dbd);
        db->dbd = NULL;
        db->conn = NULL;
    }
    return APR_SUCCESS;
}

static int reconnect(cc_req_t *q, cc_db_t *db);

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A pooled connection whose server went away while it sat idle in the pool (a PostgreSQL
 * restart) has a readable socket though no query is pending: the server's FATAL message, then
 * the end of the stream. Found before the request's first statement, it is re-established
 * then, so a write gets a working connection instead of answering 503 (bench/soak.py,
 * tests/api/test_stream.py after test_db_restart.py). The FATAL read here is not printed to
 * stderr (libpq's default for a message outside a query). 0 when it is dead and cannot be
 * re-established (the database is down: the outage is noted once, like any failed connect). */
static int revive_if_dead(cc_req_t *q, cc_db_t *db)
{
    PQnoticeProcessor old = PQsetNoticeProcessor(db->conn, quiet_notice, NULL);
    int i;
    for (i = 0; i < 2 && PQstatus(db->conn) == CONNECTION_OK; i++) {
        struct pollfd p;
        p.fd = PQsocket(db->conn);
        p.events = POLLIN;
        p.revents = 0;
        if (p.fd < 0 || poll(&p, 1, 0) <= 0 || !PQconsumeInput(db->conn))
            break;
    }
    PQsetNoticeProcessor(db->conn, old, NULL);
    return PQstatus(db->conn) == CONNECTION_OK || reconnect(q, db);
}

static cc_db_t *get_db(cc_req_t *q)
{
    ap_dbd_t *d;
    if (q->db)
        return q->db->conn ? q->db : NULL;
    q->db = apr_pcalloc(q->pool, sizeof(*q->db));
    q->db->failure = CC_SQL_UNAVAILABLE;
    q->db->server = q->r->server;
    if (!dbd_open) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, q->r,
                      CC_LOGNO(01101) "mod_dbd is not loaded: add LoadModule dbd_module");
        return NULL;
    }
    if (outage_refuse())
        return NULL;
    d = dbd_open(q->pool, q->r->server);
    if (!d) {
        outage_begin(q->r);
        return NULL;
    }
    q->db->dbd = d;
    q->db->conn = apr_dbd_native_handle(d->driver, d->handle);
    apr_pool_cleanup_register(q->pool, q->db, release_cleanup, apr_pool_cleanup_null);
    if (!q->db->conn)
        return NULL;
    if (!revive_if_dead(q, q->db)) {
        q->db->conn = NULL; /* this request answers 503; the pool drops the dead handle */
        return NULL;
    }
    outage_learn(q->db->conn);
    outage_end(q->r);
    return q->db;
}

void cc_db_release(cc_req_t *q)
{
    if (!q->db)
        return;
    if (q->db->cleanup_registered)
        apr_pool_cleanup_run(q->pool, q->db, rollback_cleanup);
    if (q->db->dbd)
        apr_pool_cleanup_run(q->pool, q->db, release_cleanup);
    q->db = NULL; /* the next statement takes a connection again */
}

int cc_db_held(const cc_req_t *q)
{
    return q->db && q->db->dbd;
}

void cc_q_done(cc_req_t *q, PGresult *res)
{
    apr_pool_cleanup_run(q->pool, res, clear_result_fn);
}

static cc_conn_prep_t *conn_state(cc_db_t *db)
{
    void *v = NULL;
    cc_conn_prep_t *st;
    int pid = PQbackendPID(db->conn);
    apr_pool_userdata_get(&v, "cc.conn_state", db->dbd->pool);
    st = v;
    if (!st) {
        st = apr_pcalloc(db->dbd->pool, sizeof(*st));
        apr_pool_userdata_setn(st, "cc.conn_state", NULL, db->dbd->pool);
    }
    if (st->backend_pid != pid) {
        memset(st->prepared, 0, sizeof(st->prepared));
        st->backend_pid = pid;
    }
    return st;
}

static PGresult *run(cc_db_t *db, cc_stmt_id_t id, const char *const *params, const int *lengths,
                     const int *formats, int result_format)
{
    const cc_stmt_t *s = &cc_statements[id];
    cc_conn_prep_t *st = conn_state(db);
    if (!st->prepared[id]) {
        PGresult *pr = PQprepare(db->conn, s->label, s->sql, s->nparams, NULL);
        ExecStatusType es = PQresultStatus(pr);
        const char *ss = pr ? PQresultErrorField(pr, PG_DIAG_SQLSTATE) : NULL;
        if (es != PGRES_COMMAND_OK && !(ss && !strcmp(ss, "42P05")))
            return pr; /* the failure is reported like an execution failure */
        PQclear(pr);
        st->prepared[id] = 1;
    }
    return PQexecPrepared(db->conn, s->label, s->nparams, params, lengths, formats, result_format);
}

static void record_failure(cc_req_t *q, cc_db_t *db, const char *label, PGresult *res)
{
    const char *ss = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    int lost = PQstatus(db->conn) != CONNECTION_OK;
    apr_cpystrn(db->sqlstate, ss ? ss : "", sizeof(db->sqlstate));
    db->failure = lost ? CC_SQL_UNAVAILABLE : cc_sqlstate_class(ss);
    if (db->failure == CC_SQL_UNIQUE || db->failure == CC_SQL_FOREIGN_KEY
        || db->failure == CC_SQL_CHECK) {
        /* Expected outcomes the handler turns into 400/409. The message would contain the
         * conflicting values (personal data), so only the constraint is logged. */
        const char *cn = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, q->r,
                      CC_LOGNO(01103) "statement %s: SQLSTATE %s on constraint %s", label,
                      db->sqlstate, cn ? cn : "-");
        return;
    }
    if (lost && apr_atomic_read32(&outage.down))
        return; /* the outage is logged once, not per statement */
    ap_log_rerror(APLOG_MARK, lost ? APLOG_WARNING : APLOG_ERR, 0, q->r,
                  CC_LOGNO(01104) "statement %s failed%s: SQLSTATE %s: %s", label,
                  lost ? " (connection lost)" : "", *db->sqlstate ? db->sqlstate : "-",
                  res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                            ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                            : PQerrorMessage(db->conn)
                      : PQerrorMessage(db->conn));
}

/* After the server went away: reconnect this pooled handle in place. */
static int reconnect(cc_req_t *q, cc_db_t *db)
{
    PQreset(db->conn);
    if (PQstatus(db->conn) == CONNECTION_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, q->r,
                      CC_LOGNO(01105) "database connection re-established");
        outage_end(q->r);
        return 1;
    }
    outage_begin(q->r);
    return 0;
}

static int exec(cc_req_t *q, cc_stmt_id_t id, PGresult **out, const char *const *params,
                const int *lengths, const int *formats, int result_format)
{
    const cc_stmt_t *s = &cc_statements[id];
    int attempt;
    cc_db_t *db = get_db(q);

    *out = NULL;
    if (!db)
        return 0;
    for (attempt = 0; attempt < 2; attempt++) {
        PGresult *res = run(db, id, params, lengths, formats, result_format);
        ExecStatusType es = PQresultStatus(res);
        int lost, missing;
        if (es == PGRES_TUPLES_OK || es == PGRES_COMMAND_OK) {
            apr_pool_cleanup_register(q->pool, res, clear_result_fn, apr_pool_cleanup_null);
            *out = res;
            return 1;
        }
        record_failure(q, db, s->label, res);
        PQclear(res);
        lost = PQstatus(db->conn) != CONNECTION_OK;
        missing = db->failure == CC_SQL_STMT_MISSING;
        if (db->in_tx) {
            if (lost)
                db->in_tx = 0; /* the server rolled it back with the connection */
            return 0;
        }
        if (lost) {
            /* A read is safe to repeat; a write might have been applied before the reply was
             * lost, so it answers 503 and the client decides. */
            if (reconnect(q, db) && s->readonly && attempt == 0)
                continue;
            db->failure = CC_SQL_UNAVAILABLE;
            return 0;
        }
        if (missing && attempt == 0) {
            memset(conn_state(db)->prepared, 0, sizeof(conn_state(db)->prepared));
            continue;
        }
        return 0;
    }
    return 0;
}

int cc_q(cc_req_t *q, cc_stmt_id_t id, PGresult **out, ...)
{
    const char *params[16];
    va_list ap;
    int i, n = cc_statements[id].nparams;
    va_start(ap, out);
    for (i = 0; i < n && i < 16; i++)
        params[i] = va_arg(ap, const char *);
    va_end(ap);
    return exec(q, id, out, params, NULL, NULL, 0);
}

int cc_q_bin(cc_req_t *q, cc_stmt_id_t id, PGresult **out, const char *const *params,
             const int *lengths, const int *formats, int binary_result)
{
    return exec(q, id, out, params, lengths, formats, binary_result ? 1 : 0);
}

static apr_status_t rollback_cleanup(void *data)
{
    cc_db_t *db = data;
    if (db->in_tx && db->conn) {
        PQclear(PQexec(db->conn, "ROLLBACK"));
        db->in_tx = 0;
    }
    return APR_SUCCESS;
}

int cc_db_begin(cc_req_t *q)
{
    cc_db_t *db = get_db(q);
    int attempt;
    if (!db)
        return 0;
    for (attempt = 0; attempt < 2; attempt++) {
        PGresult *res = PQexec(db->conn, "BEGIN");
        if (PQresultStatus(res) == PGRES_COMMAND_OK) {
            PQclear(res);
            db->in_tx = 1;
            /* Registered after mod_dbd's release cleanup, so it runs first (LIFO): the
             * connection goes back to the pool with no transaction open. */
            if (!db->cleanup_registered) {
                apr_pool_cleanup_register(q->pool, db, rollback_cleanup, apr_pool_cleanup_null);
                db->cleanup_registered = 1;
            }
            return 1;
        }
        record_failure(q, db, "BEGIN", res);
        PQclear(res);
        /* Nothing of the transaction was sent yet, so it is safe to reconnect and retry. */
        if (PQstatus(db->conn) == CONNECTION_OK || !reconnect(q, db))
            break;
    }
    db->failure = CC_SQL_UNAVAILABLE;
    return 0;
}

int cc_db_commit(cc_req_t *q)
{
    cc_db_t *db = get_db(q);
    PGresult *res;
    int ok;
    if (!db || !db->in_tx)
        return 0;
    res = PQexec(db->conn, "COMMIT");
    /* COMMIT of an aborted transaction "succeeds" with the tag ROLLBACK. */
    ok = PQresultStatus(res) == PGRES_COMMAND_OK && !strcmp(PQcmdStatus(res), "COMMIT");
    if (!ok) {
        record_failure(q, db, "COMMIT", res);
        if (db->failure == CC_SQL_OTHER)
            db->failure = CC_SQL_RETRY;
    }
    PQclear(res);
    db->in_tx = 0;
    return ok;
}

void cc_db_rollback(cc_req_t *q)
{
    if (q->db)
        rollback_cleanup(q->db);
}

int cc_db_invalid(cc_req_t *q, const char *field, const char *message)
{
    cc_db_rollback(q);
    return cc_invalid(q, field, message);
}

int cc_db_ids_exist(cc_req_t *q, cc_stmt_id_t st, const char *owner, json_t *cleaned,
                    const char *field)
{
    json_t *list = json_object_get(cleaned, field);
    PGresult *res;
    if (!list || json_array_size(list) == 0)
        return 1;
    if (!cc_q(q, st, &res, owner, cc_fields_id_array(q->pool, list))) {
        cc_db_fail(q);
        return 0;
    }
    if (PQntuples(res) > 0) {
        cc_db_invalid(q, field,
                      apr_psprintf(q->pool, "Invalid pk \"%s\" - object does not exist.",
                                   cc_val(q, res, 0, 0)));
        return 0;
    }
    return 1;
}

int cc_db_conflict(cc_req_t *q, const char *code, const char *detail)
{
    cc_db_rollback(q);
    return cc_error(q, HTTP_CONFLICT, code, detail);
}

int cc_db_fail(cc_req_t *q)
{
    cc_sql_class_t c = q->db ? q->db->failure : CC_SQL_UNAVAILABLE;
    if (cc_sql_class_status(c) == 503)
        return cc_unavailable(q);
    return cc_server_error(q);
}

const char *cc_db_sqlstate(cc_req_t *q)
{
    return q->db ? q->db->sqlstate : "";
}

int cc_db_unique_violation(cc_req_t *q)
{
    return q->db && q->db->failure == CC_SQL_UNIQUE;
}

const char *cc_val(cc_req_t *q, PGresult *res, int row, int col)
{
    (void)q;
    if (row >= PQntuples(res) || col >= PQnfields(res) || PQgetisnull(res, row, col))
        return NULL;
    return PQgetvalue(res, row, col); /* lives until the result is cleared with r->pool */
}

apr_int64_t cc_val_int(PGresult *res, int row, int col)
{
    if (row >= PQntuples(res) || PQgetisnull(res, row, col))
        return 0;
    return apr_atoi64(PQgetvalue(res, row, col));
}

int cc_val_bool(PGresult *res, int row, int col)
{
    return row < PQntuples(res) && !PQgetisnull(res, row, col)
           && PQgetvalue(res, row, col)[0] == 't';
}

const char *cc_rows_json_array(cc_req_t *q, PGresult *res, int col, int from, int to)
{
    apr_array_header_t *items =
        apr_array_make(q->pool, to > from ? to - from : 1, sizeof(const char *));
    int i;
    for (i = from; i < to; i++) {
        const char *body = cc_val(q, res, i, col);
        if (body)
            APR_ARRAY_PUSH(items, const char *) = body;
    }
    return apr_pstrcat(q->pool, "[", apr_array_pstrcat(q->pool, items, ','), "]", NULL);
}

static const char *feed_link(cc_req_t *q, cc_cursor_dir_t dir, apr_int64_t position)
{
    return cc_cursor_link(q->pool, cc_base_url(q), q->r->uri, q->r->args,
                          cc_cursor_encode(q->pool, dir, position));
}

void cc_feed_page(cc_req_t *q, PGresult *res, int id_col, int more_col, apr_int64_t size,
                  const cc_cursor_t *c, int first, int *from, int *to, const char **next,
                  const char **prev)
{
    int i, nrows = 0, extra;
    apr_int64_t top = 0, bottom = 0;
    for (i = 0; i < PQntuples(res); i++)
        if (cc_val(q, res, i, id_col))
            nrows++;
    extra = nrows > size;
    *from = c->dir == CC_CURSOR_NEWER && extra ? 1 : 0; /* the surplus row is the newest */
    *to = *from + (extra ? (int)size : nrows);
    *next = *prev = NULL;
    if (*to > *from) {
        top = cc_val_int(res, *from, id_col);
        bottom = cc_val_int(res, *to - 1, id_col);
    }
    if (c->dir == CC_CURSOR_OLDER) {
        if (extra)
            *next = feed_link(q, CC_CURSOR_OLDER, bottom);
        if (!first && cc_val_bool(res, 0, more_col))
            *prev = feed_link(q, CC_CURSOR_NEWER, *to > *from ? top : c->position - 1);
    }
    else {
        if (extra)
            *prev = feed_link(q, CC_CURSOR_NEWER, top);
        if (cc_val_bool(res, 0, more_col))
            *next = feed_link(q, CC_CURSOR_OLDER, *to > *from ? bottom : c->position + 1);
    }
}

int cc_feed_parse(cc_req_t *q, const char *text, cc_feed_t *f)
{
    f->c.dir = CC_CURSOR_OLDER;
    f->c.position = 0;
    f->first = !text || !*text;
    if (cc_page_parse(NULL, apr_table_get(q->query, "page_size"), CC_PAGE_SIZE_MAX, &f->pg)) {
        cc_invalid(q, "page_size", "A valid positive integer is required.");
        return 0;
    }
    if (!f->first && !cc_cursor_decode(text, &f->c)) {
        cc_invalid(q, "cursor", "Invalid cursor");
        return 0;
    }
    f->boundary = f->first ? "9223372036854775807" : cc_id_str(q, f->c.position);
    f->limit = cc_id_str(q, f->pg.size + 1);
    return 1;
}

int cc_feed_answer(cc_req_t *q, PGresult *res, const cc_feed_t *f, int id_col, int more_col,
                   int body_col, const char *count_name, apr_int64_t count)
{
    int from, to;
    const char *next, *prev;
    cc_jtext_t out;
    cc_feed_page(q, res, id_col, more_col, f->pg.size, &f->c, f->first, &from, &to, &next, &prev);
    cc_jtext_begin(&out, q->pool);
    cc_jtext_str(&out, "next", next);
    cc_jtext_str(&out, "previous", prev);
    if (count_name)
        cc_jtext_int(&out, count_name, count);
    cc_jtext_raw(&out, "results", cc_rows_json_array(q, res, body_col, from, to));
    return cc_json_text(q, HTTP_OK, cc_jtext_end(&out));
}
