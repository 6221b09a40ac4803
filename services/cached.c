/* The response cache of this httpd process (core/respcache.c) and the content stamp it is checked
 * against (dbd/schema/0011_content_version.sql, dbd/sql/versions.sql): exact answers, from memory,
 * on every node. */
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>
#include "services.h"

static cc_rcache_t *cache;

/* At most this long in any case (a bound on memory kept for keys nobody asks again, and a last
 * guard should a write ever reach a table without the version trigger). */
#define MAX_AGE_US (300 * APR_INT64_C(1000000))

/* What cc_content_stamp reads: a version per group, the clock, the end of validity. */
typedef struct {
    apr_int64_t v[CC_CV_GROUPS];
    apr_int64_t now_us, valid_until;
} stamp_t;

/* Stamp reads shared by the threads of the process. A request may use any stamp whose read
 * began after the request arrived: that read saw every write committed before the request
 * came, which is all a read of its own would promise. So under load one read (one round trip,
 * no connection taken by the others) serves every request that arrived while it was pending or
 * just before it began, and an answer is never older than its request. */
static struct {
#if APR_HAS_THREADS
    apr_thread_mutex_t *mutex;
    apr_thread_cond_t *cond;
#endif
    apr_uint64_t begun;  /* stamp reads begun */
    apr_uint64_t last_n; /* the number of the last read that succeeded (0: none) */
    int pending;         /* a read is under way */
    stamp_t last;        /* its stamp */
} share;

static void share_lock(void)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(share.mutex);
#endif
}

static void share_unlock(void)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(share.mutex);
#endif
}

void cc_cached_child_init(apr_pool_t *p, server_rec *s, apr_size_t bytes)
{
    cache = cc_rcache_create(p, bytes);
#if APR_HAS_THREADS
    if (cache
        && (apr_thread_mutex_create(&share.mutex, APR_THREAD_MUTEX_DEFAULT, p)
            || apr_thread_cond_create(&share.cond, p)))
        cache = NULL;
#endif
    if (bytes && !cache)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     CC_LOGNO(01106) "could not create the response cache; answers are"
                                     " computed every time");
}

static int read_stamp(cc_req_t *q, stamp_t *st)
{
    PGresult *res;
    apr_int64_t next;
    int i;
    if (!cc_q(q, CC_ST_content_stamp, &res))
        return 0;
    for (i = 0; i < CC_CV_GROUPS; i++)
        st->v[i] = cc_val_int(res, 0, i);
    st->now_us = cc_val_int(res, 0, CC_CV_GROUPS);
    st->valid_until = st->now_us + MAX_AGE_US;
    if (!PQgetisnull(res, 0, CC_CV_GROUPS + 1)
        && (next = cc_val_int(res, 0, CC_CV_GROUPS + 1)) < st->valid_until)
        st->valid_until = next;
    return 1;
}

/* A stamp read after the request arrived: shared (see `share`) or read now. 0 on failure.
 * Only a request that holds no pooled connection waits for another's read: the pending read
 * may itself be waiting for a connection, and when the requests waiting for it held every
 * connection of the process's pool (authenticated requests keep the one their token check took)
 * nothing could move again, the whole process hung (found by bench/soak.py after a PostgreSQL
 * restart; tests/api/test_db_pool.py). A request with a connection reads the stamp on it,
 * sharing what it read with the others like any read. */
static int current_stamp(cc_req_t *q, stamp_t *st)
{
    apr_uint64_t arrived, n;
    int ok, own = 0;
    share_lock();
    arrived = share.begun; /* reads numbered above this began after we came */
    for (;;) {
        if (share.last_n > arrived) {
            *st = share.last;
            share_unlock();
            return 1;
        }
        if (!share.pending)
            break;
        if (cc_db_held(q)) {
            own = 1; /* a read of its own beside the pending one */
            break;
        }
#if APR_HAS_THREADS
        apr_thread_cond_wait(share.cond, share.mutex);
#endif
    }
    if (!own)
        share.pending = 1;
    n = ++share.begun;
    share_unlock();
    ok = read_stamp(q, st);
    share_lock();
    if (!own)
        share.pending = 0;
    if (ok && n > share.last_n) {
        share.last = *st;
        share.last_n = n;
    }
#if APR_HAS_THREADS
    apr_thread_cond_broadcast(share.cond);
#endif
    share_unlock();
    return ok;
}

int cc_cached_get(cc_req_t *q, const char *key, unsigned groups, cc_cached_t *c, apr_int64_t *total,
                  const char **text)
{
    stamp_t st;
    int i;
    c->key = NULL;
    if (!cache)
        return 0;
    if (!current_stamp(q, &st))
        return -1;
    /* Each group's version only grows, so their sum changes whenever one of them does. */
    c->stamp.version = 0;
    for (i = 0; i < CC_CV_GROUPS; i++)
        if (groups & (1u << i))
            c->stamp.version += st.v[i];
    c->stamp.now_us = st.now_us;
    c->stamp.valid_until = st.valid_until;
    c->key = key;
    if (cc_rcache_get(cache, key, &c->stamp, q->pool, total, text)) {
        apr_table_setn(q->r->headers_out, "X-Carechain-Cache", "hit");
        return 1;
    }
    apr_table_setn(q->r->headers_out, "X-Carechain-Cache", "miss");
    return 0;
}

void cc_cached_put(const cc_cached_t *c, apr_int64_t total, const char *text)
{
    if (c->key && text)
        cc_rcache_put(cache, c->key, &c->stamp, total, text);
}
