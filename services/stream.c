/* The live stream's machinery in each httpd process (docs/API.md "Live stream"): the slots of
 * the open streams, the cap, and one listener thread.
 *
 * httpd 2.4 cannot park a handler, so an open stream holds its worker thread (and nothing else:
 * no database connection while it waits). The slots are a fixed array of CarechainStreamMax
 * entries made at child init; a stream takes a free one or is refused (503). Under prefork a
 * process has one thread, so the cap counts the whole server in a shared-memory counter.
 *
 * The listener is one thread per process with its own libpq connection outside mod_dbd's pool,
 * started with the first stream: LISTEN cc_stream, poll() on the socket, and for each
 * notification ("<user> <seq>", sent at commit by sql/stream.sql cc_stream_event) marks the slots
 * of that user pending and wakes them through their eventfd. The rows stay the truth: a stream
 * reads what follows its last sent id from the tables, so after the listener reconnects (a
 * database restart) it marks every slot pending and nothing is lost or sent twice. It also
 * watches the MPM's state: a graceful restart or stop ends every stream within half a second. */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <ap_mpm.h>
#include <apr_atomic.h>
#include <apr_shm.h>
#include <apr_thread_mutex.h>
#include <apr_thread_proc.h>
#include "services.h"

#define TICK_MS 500         /* the listener's longest wait: how fast it sees a stop */
#define STREAM_TICK_MS 1000 /* a stream's: a stop seen while the listener cannot run */

struct cc_stream_slot {
    int in_use;
    apr_int64_t user_id;
    int efd; /* eventfd: written by the listener on an event (or a reconnect), read by the
              * stream; polled together with the client's socket, so a client that goes away
              * frees its slot at once */
};

static struct {
    int enabled;
    int nslots;
    cc_stream_slot_t *slots;
    volatile apr_uint32_t stopping;
    volatile apr_uint32_t listener_done;
    apr_uint32_t *shared_open; /* prefork: open streams of the whole server (shared memory) */
    int shared_max;
#if APR_HAS_THREADS
    apr_thread_mutex_t *mutex;
    apr_thread_t *listener;
    apr_pool_t *pool;     /* the listener's (used once, before its thread starts) */
    const char *conninfo; /* DBDParams and our timeouts */
#endif
    server_rec *server;
} st;

/* ---- startup -------------------------------------------------------------------------------- */

static int threaded(void)
{
    int v = AP_MPMQ_NOT_SUPPORTED;
    return ap_mpm_query(AP_MPMQ_IS_THREADED, &v) == APR_SUCCESS && v != AP_MPMQ_NOT_SUPPORTED;
}

int cc_stream_cap(server_rec *s)
{
    const cc_server_conf_t *c = ap_get_module_config(s->module_config, &carechain_module);
    int daemons = 0, quarter;
    if (threaded())
        return c->stream_max;
    /* prefork: a stream takes a whole process; at most a quarter of them */
    if (ap_mpm_query(AP_MPMQ_MAX_DAEMONS, &daemons) != APR_SUCCESS || daemons <= 0)
        daemons = 4;
    quarter = daemons / 4 > 0 ? daemons / 4 : 1;
    return c->stream_max < quarter ? c->stream_max : quarter;
}

void cc_stream_post_config(apr_pool_t *pconf, server_rec *s, int max)
{
    apr_shm_t *shm;
    st.shared_open = NULL;
    if (threaded() || max <= 0)
        return;
    if (apr_shm_create(&shm, sizeof(apr_uint32_t), NULL, pconf) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     CC_LOGNO(01601) "no shared memory for the stream counter: the live "
                                     "stream is off under this MPM");
        return;
    }
    st.shared_open = apr_shm_baseaddr_get(shm);
    apr_atomic_set32(st.shared_open, 0);
    st.shared_max = max;
}

void cc_stream_child_init(apr_pool_t *p, server_rec *s, int max)
{
    int i;
    st.server = s;
    st.enabled = 0;
#if APR_HAS_THREADS
    if (max <= 0 || (!threaded() && !st.shared_open))
        return;
    st.nslots = threaded() ? max : 1;
    st.slots = apr_pcalloc(p, sizeof(*st.slots) * (apr_size_t)st.nslots);
    if (apr_thread_mutex_create(&st.mutex, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS
        || apr_pool_create(&st.pool, p) != APR_SUCCESS)
        return;
    for (i = 0; i < st.nslots; i++)
        if ((st.slots[i].efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
            ap_log_error(APLOG_MARK, APLOG_ERR, APR_FROM_OS_ERROR(errno), s,
                         CC_LOGNO(01606) "no eventfd for the stream's slots: the stream is off");
            return;
        }
    st.enabled = 1;
#else
    (void)p;
    (void)i;
    (void)max;
#endif
}

#if APR_HAS_THREADS

/* ---- the listener ------------------------------------------------------------------------------
 */

static void poke(cc_stream_slot_t *slot)
{
    uint64_t one = 1;
    if (write(slot->efd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is already non-zero, the stream will wake anyway */
    }
}

/* Under the mutex: wakes the slots of `user` (0: all). */
static void wake(apr_int64_t user)
{
    int i;
    for (i = 0; i < st.nslots; i++)
        if (st.slots[i].in_use && (user == 0 || st.slots[i].user_id == user)) {
            poke(&st.slots[i]);
        }
}

static void wake_locked(apr_int64_t user)
{
    apr_thread_mutex_lock(st.mutex);
    wake(user);
    apr_thread_mutex_unlock(st.mutex);
}

/* 1 once the process is stopping (graceful or not): the streams end. */
static int mpm_stopping(void)
{
    int state = AP_MPMQ_RUNNING;
    if (apr_atomic_read32(&st.stopping))
        return 1;
    if (ap_mpm_query(AP_MPMQ_MPM_STATE, &state) == APR_SUCCESS && state == AP_MPMQ_STOPPING) {
        apr_atomic_set32(&st.stopping, 1);
        return 1;
    }
    return 0;
}

/* libpq's message on one log line (it ends lines with newlines); the listener's buffer. */
static const char *one_line(PGconn *c)
{
    static char m[512];
    char *p;
    apr_cpystrn(m, PQerrorMessage(c), sizeof(m));
    for (p = m; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    while (p > m && p[-1] == ' ')
        *--p = '\0';
    return m;
}

/* libpq prints the server's messages outside a query (the FATAL of a shutdown) to stderr,
 * i.e. into the error log as stray lines; the listener reports what matters itself. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *listen_connect(int *logged_down)
{
    PGconn *c;
    PGresult *res;
    if (!st.conninfo)
        return NULL;
    c = PQconnectdb(st.conninfo);
    if (PQstatus(c) == CONNECTION_OK) {
        PQsetNoticeProcessor(c, quiet, NULL);
        res = PQexec(c, "LISTEN cc_stream");
        if (PQresultStatus(res) == PGRES_COMMAND_OK) {
            PQclear(res);
            PQsetnonblocking(c, 1);
            if (*logged_down)
                ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, st.server,
                             CC_LOGNO(01603) "stream listener: reconnected");
            *logged_down = 0;
            return c;
        }
        PQclear(res);
    }
    if (!*logged_down)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, st.server,
                     CC_LOGNO(01602) "stream listener: cannot listen: %s; retrying every second",
                     one_line(c));
    *logged_down = 1;
    PQfinish(c);
    return NULL;
}

static void *APR_THREAD_FUNC listener_main(apr_thread_t *t, void *data)
{
    PGconn *c = NULL;
    int down = 0;
    apr_time_t next_try = 0;
    (void)data;
    while (!mpm_stopping()) {
        struct pollfd pfd;
        PGnotify *n;
        if (!c) {
            if (apr_time_now() < next_try) {
                apr_sleep(apr_time_from_msec(TICK_MS / 5));
                continue;
            }
            next_try = apr_time_now() + apr_time_from_sec(1);
            if (!(c = listen_connect(&down)))
                continue;
            wake_locked(0); /* what committed while nobody listened is read from the tables */
        }
        pfd.fd = PQsocket(c);
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll(&pfd, 1, TICK_MS) <= 0)
            continue;
        if (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, st.server,
                         CC_LOGNO(01604) "stream listener: connection lost: %s", one_line(c));
            down = 1;
            PQfinish(c);
            c = NULL;
            continue;
        }
        apr_thread_mutex_lock(st.mutex);
        while ((n = PQnotifies(c))) {
            apr_int64_t user = apr_atoi64(n->extra);
            if (user > 0)
                wake(user);
            PQfreemem(n);
        }
        apr_thread_mutex_unlock(st.mutex);
    }
    if (c)
        PQfinish(c);
    wake_locked(0);
    apr_atomic_set32(&st.listener_done, 1);
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

/* At child exit: stop the listener before the pools it uses go. Under prefork this may run in
 * a signal handler (SIGTERM) that interrupted the stream's thread while it held the mutex, so
 * the wait is bounded: the listener then cannot finish, and the process exits around it. */
static apr_status_t listener_cleanup(void *data)
{
    apr_status_t rv;
    int i;
    (void)data;
    apr_atomic_set32(&st.stopping, 1);
    for (i = 0; st.listener && i < 40 && !apr_atomic_read32(&st.listener_done); i++)
        apr_sleep(apr_time_from_msec(25));
    if (st.listener && apr_atomic_read32(&st.listener_done))
        apr_thread_join(&rv, st.listener);
    st.listener = NULL;
    return APR_SUCCESS;
}

/* Under the mutex: starts the listener if it does not run yet. */
static void listener_start(void)
{
    apr_threadattr_t *attr;
    const char *ci = cc_db_conninfo();
    sigset_t all, old;
    apr_status_t rv;
    if (st.listener)
        return;
    st.conninfo =
        ci ? apr_pstrcat(st.pool, ci, " connect_timeout=3 keepalives_idle=30", NULL) : NULL;
    /* The listener takes no signal: under prefork the process's signals (SIGTERM, graceful
     * restart) belong to its one worker thread, whose handlers httpd runs. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rv = apr_threadattr_create(&attr, st.pool);
    if (rv == APR_SUCCESS)
        rv = apr_thread_create(&st.listener, attr, listener_main, NULL, st.pool);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rv != APR_SUCCESS) {
        st.listener = NULL;
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, st.server,
                     CC_LOGNO(01605) "stream listener: cannot start its thread");
        return;
    }
    /* a pre-cleanup: the thread's own pool is a subpool of st.pool, destroyed before the pool's
     * ordinary cleanups run, i.e. under the running thread */
    apr_pool_pre_cleanup_register(st.pool, NULL, listener_cleanup);
}

/* ---- the slots
 * ----------------------------------------------------------------------------------- */

static apr_status_t slot_cleanup(void *data)
{
    cc_stream_slot_t *slot = data;
    int i, locked = 0;
    /* bounded, for the same reason as listener_cleanup: a dying prefork child may run this in a
     * signal handler over its own locked mutex */
    for (i = 0; i < 100 && !locked; i++)
        if (!(locked = apr_thread_mutex_trylock(st.mutex) == APR_SUCCESS))
            apr_sleep(apr_time_from_msec(1));
    slot->in_use = 0;
    slot->user_id = 0;
    if (locked)
        apr_thread_mutex_unlock(st.mutex);
    if (st.shared_open)
        apr_atomic_dec32(st.shared_open);
    return APR_SUCCESS;
}

cc_stream_slot_t *cc_stream_open(apr_pool_t *p, apr_int64_t user_id)
{
    cc_stream_slot_t *slot = NULL;
    int i;
    if (!st.enabled || mpm_stopping())
        return NULL;
    if (st.shared_open && apr_atomic_inc32(st.shared_open) >= (apr_uint32_t)st.shared_max) {
        apr_atomic_dec32(st.shared_open);
        return NULL;
    }
    apr_thread_mutex_lock(st.mutex);
    for (i = 0; i < st.nslots && !slot; i++)
        if (!st.slots[i].in_use)
            slot = &st.slots[i];
    if (slot) {
        uint64_t stale;
        slot->in_use = 1;
        slot->user_id = user_id;
        while (read(slot->efd, &stale, sizeof(stale)) > 0) /* a previous stream's wake-up */
            ;
        listener_start();
    }
    apr_thread_mutex_unlock(st.mutex);
    if (!slot) {
        if (st.shared_open)
            apr_atomic_dec32(st.shared_open);
        return NULL;
    }
    apr_pool_cleanup_register(p, slot, slot_cleanup, apr_pool_cleanup_null);
    return slot;
}

void cc_stream_bind(cc_stream_slot_t *slot, apr_int64_t user_id)
{
    apr_thread_mutex_lock(st.mutex);
    slot->user_id = user_id;
    poke(slot);
    apr_thread_mutex_unlock(st.mutex);
}

cc_stream_wait_t cc_stream_wait(cc_stream_slot_t *slot, apr_time_t until, int client_fd)
{
    for (;;) {
        struct pollfd pfd[2];
        apr_time_t left = until - apr_time_now();
        uint64_t count;
        int ms;
        if (mpm_stopping())
            return CC_STREAM_STOP;
        if (left <= 0)
            return CC_STREAM_TIMEOUT;
        /* at most a tick: a stop the listener has not seen (it may be down) is seen here */
        ms = left < apr_time_from_msec(STREAM_TICK_MS) ? (int)(left / 1000) + 1 : STREAM_TICK_MS;
        pfd[0].fd = slot->efd;
        pfd[0].events = POLLIN;
        pfd[1].fd = client_fd;
        pfd[1].events = POLLRDHUP; /* the client closed (or reset) its side */
        pfd[0].revents = pfd[1].revents = 0;
        if (poll(pfd, client_fd >= 0 ? 2 : 1, ms) <= 0)
            continue;
        if (pfd[1].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
            return CC_STREAM_GONE;
        if ((pfd[0].revents & POLLIN) && read(slot->efd, &count, sizeof(count)) > 0)
            return CC_STREAM_EVENT;
    }
}

#else /* no threads: no stream */

cc_stream_slot_t *cc_stream_open(apr_pool_t *p, apr_int64_t user_id)
{
    (void)p;
    (void)user_id;
    return NULL;
}

void cc_stream_bind(cc_stream_slot_t *slot, apr_int64_t user_id)
{
    (void)slot;
    (void)user_id;
}

cc_stream_wait_t cc_stream_wait(cc_stream_slot_t *slot, apr_time_t until, int client_fd)
{
    (void)slot;
    (void)until;
    (void)client_fd;
    return CC_STREAM_STOP;
}

#endif
