/* The background worker: each node runs its tasks (mail delivery, the job expiry sweep,
 * document expiry, retention) in one thread of one process, a singleton instance of httpd's
 * mod_watchdog (as mod_md runs its renewals). Nodes coordinate only through PostgreSQL: work
 * is claimed with FOR UPDATE SKIP LOCKED, a mail claim is committed before any network I/O
 * (dbd/sql/background.sql). The thread has its own libpq connection (mod_dbd's pools belong to
 * requests), reconnected when it breaks. Each run is recorded in task_runs and logged as one
 * JSON line at info. */
#include <http_core.h>
#include <mod_watchdog.h>
#include <libpq-fe.h>
#include <curl/curl.h>
#include <apr_date.h>
#include <apr_lib.h>
#include "services.h"

#define WATCHDOG_NAME "_carechain_worker"
#define BUDGET apr_time_from_sec(10) /* a run yields the thread to the other tasks after this */

static APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) * wd_get_instance;
static APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) * wd_register_callback;

/* One per process; only the watchdog thread touches it. */
typedef struct {
    server_rec *s;
    const cc_server_conf_t *c;
    const char *conninfo;
    PGconn *conn;
    apr_time_t down_logged; /* when a failed connect was last logged (one line a minute) */
} worker_t;

static worker_t worker;

typedef struct {
    int items;
    const char *detail; /* JSON object text for task_runs and the log line */
    const char *error;
} run_t;

/* ---- the connection --------------------------------------------------------------------- */

static int connected(worker_t *w)
{
    const char *keys[] = {"dbname", "application_name", NULL};
    const char *vals[] = {w->conninfo, "carechain-worker", NULL};
    if (w->conn && PQstatus(w->conn) == CONNECTION_OK)
        return 1;
    if (w->conn)
        PQfinish(w->conn);
    w->conn = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(w->conn) == CONNECTION_OK)
        return 1;
    if (apr_time_now() - w->down_logged > apr_time_from_sec(60)) {
        w->down_logged = apr_time_now();
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, w->s,
                     CC_LOGNO(01701) "background worker: no database connection (%s); "
                                     "retrying at each task run",
                     PQerrorMessage(w->conn));
    }
    PQfinish(w->conn);
    w->conn = NULL;
    return 0;
}

static apr_status_t clear_result(void *res)
{
    PQclear(res);
    return APR_SUCCESS;
}

/* Runs statement id (dbd/statement_list.h) with n text parameters; the result belongs to p.
 * NULL with r->error set on failure (a broken connection is dropped, the next run reconnects). */
static PGresult *exec(worker_t *w, apr_pool_t *p, run_t *r, cc_stmt_id_t id, int n,
                      const char *const *params)
{
    PGresult *res;
    ExecStatusType st;
    if (!connected(w)) {
        r->error = "no database connection";
        return NULL;
    }
    res = PQexecParams(w->conn, cc_statements[id].sql, n, NULL, params, NULL, NULL, 0);
    st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        r->error = apr_pstrdup(p, PQresultErrorMessage(res));
        PQclear(res);
        if (PQstatus(w->conn) != CONNECTION_OK) {
            PQfinish(w->conn);
            w->conn = NULL;
        }
        return NULL;
    }
    apr_pool_cleanup_register(p, res, clear_result, apr_pool_cleanup_null);
    return res;
}

static const char *num(apr_pool_t *p, apr_int64_t v)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, v);
}

/* ---- the tasks -------------------------------------------------------------------------- */

/* Claims due messages in batches (committed, so no lock is held while a server is talked to)
 * and delivers them; each outcome is written at once. The lease covers the whole batch at the
 * total timeout each: only a node that stopped loses its claim to another. */
static void task_mail(worker_t *w, apr_pool_t *p, run_t *r)
{
    const cc_server_conf_t *c = w->c;
    cc_mailer_t *m = cc_mailer_create(p, c);
    apr_time_t start = apr_time_now(), held_max = 0;
    int sent = 0, retried = 0, failed = 0;
    const char *lease = num(p, (apr_int64_t)c->mail_batch * c->mail_timeout + 30);
    if (!m) {
        r->error = "libcurl could not be initialised";
        return;
    }
    for (;;) {
        const char *cp[] = {c->node_name, num(p, c->mail_batch), lease};
        PGresult *res = exec(w, p, r, CC_ST_bg_mail_claim, 3, cp);
        apr_time_t claimed = apr_time_now();
        int i, n;
        if (!res)
            break;
        n = PQntuples(res);
        for (i = 0; i < n; i++) {
            apr_pool_t *mp;
            const char *id = PQgetvalue(res, i, 0), *err;
            int permanent = 0;
            apr_pool_create(&mp, p);
            err = cc_mail_deliver(m, mp, id, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                                  PQgetvalue(res, i, 3),
                                  apr_time_from_sec(apr_atoi64(PQgetvalue(res, i, 4))), &permanent);
            {
                const char *rp[] = {id,
                                    err,
                                    permanent ? "true" : "false",
                                    num(mp, c->mail_max_attempts),
                                    num(mp, c->mail_retry_base),
                                    num(mp, c->mail_retry_cap)};
                if (!exec(w, mp, r, CC_ST_bg_mail_result, 6, rp)) {
                    /* the claim lapses and the message goes again: at least once */
                    apr_pool_destroy(mp);
                    break;
                }
            }
            if (!err)
                sent++;
            else if (permanent || atoi(PQgetvalue(res, i, 5)) + 1 >= c->mail_max_attempts)
                failed++;
            else
                retried++;
            /* a server's answer may quote the recipient: only its codes go to the log (the
             * whole answer is in last_error) */
            if (err)
                ap_log_error(
                    APLOG_MARK, APLOG_INFO, 0, w->s, CC_LOGNO(01702) "mail %s not delivered: %.*s",
                    id, apr_isdigit(*err) ? (int)strspn(err, "0123456789. ") : (int)strlen(err),
                    err);
            apr_pool_destroy(mp);
        }
        if (apr_time_now() - claimed > held_max)
            held_max = apr_time_now() - claimed;
        if (r->error || n < c->mail_batch || apr_time_now() - start > BUDGET)
            break;
    }
    r->items = sent + retried + failed;
    r->detail = apr_psprintf(p,
                             "{\"sent\": %d, \"retried\": %d, \"failed\": %d, "
                             "\"claim_held_ms\": %.1f}",
                             sent, retried, failed, (double)held_max / 1000.0);
}

/* Calls a batch function (one transaction per call) while it finds a full batch. */
static void batches(worker_t *w, apr_pool_t *p, run_t *r, cc_stmt_id_t id, int batch, int n,
                    const char *const *params)
{
    apr_time_t start = apr_time_now();
    int rounds = 0;
    for (;;) {
        PGresult *res = exec(w, p, r, id, n, params);
        int k;
        if (!res)
            break;
        k = atoi(PQgetvalue(res, 0, 0));
        r->items += k;
        rounds++;
        if (k < batch || apr_time_now() - start > BUDGET)
            break;
    }
    r->detail = apr_psprintf(p, "{\"batches\": %d}", rounds);
}

static void task_expire_jobs(worker_t *w, apr_pool_t *p, run_t *r)
{
    const char *params[] = {"500"};
    batches(w, p, r, CC_ST_bg_expire_jobs, 500, 1, params);
}

static void task_documents(worker_t *w, apr_pool_t *p, run_t *r)
{
    const char *params[] = {"500"};
    batches(w, p, r, CC_ST_bg_document_expiry, 500, 1, params);
}

static void task_retention(worker_t *w, apr_pool_t *p, run_t *r)
{
    const char *params[] = {"1000", num(p, w->c->keep_mail_days), num(p, w->c->keep_failure_days)};
    batches(w, p, r, CC_ST_bg_retention, 1000, 3, params);
}

static void task_digest(worker_t *w, apr_pool_t *p, run_t *r)
{
    const char *params[] = {num(p, w->c->digest_delay), "1000"};
    batches(w, p, r, CC_ST_bg_message_digest, 1000, 2, params);
}

typedef void (*task_fn)(worker_t *, apr_pool_t *, run_t *);
static const task_fn task_fns[CC_TASK__COUNT] = {[CC_TASK_MAIL] = task_mail,
                                                 [CC_TASK_EXPIRE_JOBS] = task_expire_jobs,
                                                 [CC_TASK_DOCUMENTS] = task_documents,
                                                 [CC_TASK_RETENTION] = task_retention,
                                                 [CC_TASK_DIGEST] = task_digest};

/* ---- the watchdog callback -------------------------------------------------------------- */

static const int task_ids[CC_TASK__COUNT] = {0, 1, 2, 3, 4};

static apr_status_t run_task(int state, void *data, apr_pool_t *pool)
{
    worker_t *w = &worker;
    int task = *(const int *)data;
    run_t r = {0, "{}", NULL};
    apr_time_t started, next;
    double ms;
    const char *line;
    json_t *o;

    if (state == AP_WATCHDOG_STATE_STOPPING) {
        if (w->conn)
            PQfinish(w->conn);
        w->conn = NULL;
        return APR_SUCCESS;
    }
    if (state != AP_WATCHDOG_STATE_RUNNING)
        return APR_SUCCESS;
    started = apr_time_now();
    task_fns[task](w, pool, &r);
    ms = (double)(apr_time_now() - started) / 1000.0;
    next = started + apr_time_from_sec(w->c->task_interval[task]);
    {
        run_t rec = {0, NULL, NULL};
        const char *params[] = {cc_task_names[task],
                                w->c->node_name,
                                apr_psprintf(pool, "%.6f", (double)started / APR_USEC_PER_SEC),
                                apr_psprintf(pool, "%.3f", ms),
                                r.error ? "error" : "ok",
                                num(pool, r.items),
                                r.error ? r.error : r.detail,
                                apr_psprintf(pool, "%.6f", (double)next / APR_USEC_PER_SEC)};
        if (w->conn || !r.error)
            exec(w, pool, &rec, CC_ST_bg_task_run, 8, params);
    }
    {
        /* detail is our own JSON object text; an error is a message */
        json_t *detail = r.error ? json_string(r.error) : json_loads(r.detail, 0, NULL);
        char started_s[APR_RFC822_DATE_LEN], next_s[APR_RFC822_DATE_LEN];
        apr_rfc822_date(started_s, started);
        apr_rfc822_date(next_s, next);
        o = json_pack("{s:s, s:s, s:s, s:f, s:s, s:i, s:o?, s:s}", "task", cc_task_names[task],
                      "node", w->c->node_name, "started", started_s, "duration_ms", ms, "result",
                      r.error ? "error" : "ok", "items", r.items, "detail", detail, "next_run",
                      next_s);
    }
    line = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    if (line) {
        ap_log_error(APLOG_MARK, r.error ? APLOG_WARNING : APLOG_INFO, 0, w->s,
                     CC_LOGNO(01703) "task run %s", line);
        free((void *)line);
    }
    json_decref(o);
    return APR_SUCCESS; /* APR_SUCCESS keeps the callback registered */
}

int cc_worker_post_config(apr_pool_t *pconf, server_rec *s)
{
    const cc_server_conf_t *c = ap_get_module_config(s->module_config, &carechain_module);
    ap_watchdog_t *wd;
    apr_status_t rv;
    int i, any = 0;

    /* the first pass only checks the configuration (mod_watchdog skips it too) */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK;
    for (i = 0; i < CC_TASK__COUNT; i++)
        any |= c->task_interval[i] > 0;
    if (!any)
        return OK;
    worker.s = s;
    worker.c = c;
    worker.conninfo = cc_db_conninfo();
    if (!worker.conninfo) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     CC_LOGNO(01704) "no DBDParams: the background tasks do not run");
        return OK;
    }
    wd_get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    wd_register_callback = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (!wd_get_instance || !wd_register_callback) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     CC_LOGNO(01705) "mod_watchdog is not loaded: the background tasks "
                                     "(mail over SMTP, expiry sweeps, retention) do not run");
        return OK;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT); /* single-threaded here; libcurl counts the calls */
    /* parent 0: in a child; singleton 1: in one child per node, under mod_watchdog's mutex */
    if ((rv = wd_get_instance(&wd, WATCHDOG_NAME, 0, 1, pconf)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     CC_LOGNO(01706) "cannot create the watchdog instance %s", WATCHDOG_NAME);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (i = 0; i < CC_TASK__COUNT; i++) {
        if (c->task_interval[i] <= 0)
            continue;
        rv = wd_register_callback(wd, apr_time_from_sec(c->task_interval[i]), &task_ids[i],
                                  run_task);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         CC_LOGNO(01707) "cannot register the background task %s",
                         cc_task_names[i]);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}
