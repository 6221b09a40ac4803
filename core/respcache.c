/* The in-memory answer cache: a hash of entries on a least-recently-used list, under one mutex.
 * Entries are malloc'd (an APR pool cannot give memory back one entry at a time); the hash
 * lives in the cache's own pool, touched only under the mutex, and reuses the slots of removed
 * keys, so the pool stops growing once the hash has reached its largest size. */
#include <stdlib.h>
#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include "respcache.h"

typedef struct entry {
    struct entry *prev, *next; /* the LRU list: head most recently used */
    apr_int64_t version, valid_until, total;
    apr_size_t klen, tlen, size;
    char data[]; /* key NUL text NUL */
} entry_t;

struct cc_rcache {
    apr_hash_t *hash;
#if APR_HAS_THREADS
    apr_thread_mutex_t *mutex;
#endif
    entry_t *head, *tail;
    cc_rcache_stats_t st;
};

/* What an entry costs: itself, its key and text, and about what the hash spends on it. */
#define ENTRY_OVERHEAD 64

static void lock(cc_rcache_t *c)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(c->mutex);
#else
    (void)c;
#endif
}

static void unlock(cc_rcache_t *c)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(c->mutex);
#else
    (void)c;
#endif
}

static void unlink_entry(cc_rcache_t *c, entry_t *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(cc_rcache_t *c, entry_t *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
}

static void drop(cc_rcache_t *c, entry_t *e)
{
    apr_hash_set(c->hash, e->data, (apr_ssize_t)e->klen, NULL);
    unlink_entry(c, e);
    c->st.entries--;
    c->st.bytes -= e->size;
    free(e);
}

static apr_status_t destroy(void *data)
{
    cc_rcache_t *c = data;
    entry_t *e = c->head, *next;
    for (; e; e = next) {
        next = e->next;
        free(e);
    }
    c->head = c->tail = NULL;
    return APR_SUCCESS;
}

cc_rcache_t *cc_rcache_create(apr_pool_t *p, apr_size_t max_bytes)
{
    cc_rcache_t *c;
    apr_pool_t *own;
    if (!max_bytes || apr_pool_create(&own, p) != APR_SUCCESS)
        return NULL;
    c = apr_pcalloc(own, sizeof(*c));
    c->hash = apr_hash_make(own);
    c->st.max_bytes = max_bytes;
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&c->mutex, APR_THREAD_MUTEX_DEFAULT, own) != APR_SUCCESS) {
        apr_pool_destroy(own);
        return NULL;
    }
#endif
    apr_pool_cleanup_register(own, c, destroy, apr_pool_cleanup_null);
    return c;
}

int cc_rcache_get(cc_rcache_t *c, const char *key, const cc_stamp_t *st, apr_pool_t *p,
                  apr_int64_t *total, const char **text)
{
    entry_t *e;
    int hit = 0;
    if (!c)
        return 0;
    lock(c);
    e = apr_hash_get(c->hash, key, APR_HASH_KEY_STRING);
    if (e && e->version == st->version && st->now_us < e->valid_until) {
        unlink_entry(c, e);
        push_front(c, e);
        *total = e->total;
        *text = apr_pstrmemdup(p, e->data + e->klen + 1, e->tlen);
        c->st.hits++;
        hit = 1;
    }
    else {
        if (e && (e->version < st->version || st->now_us >= e->valid_until))
            drop(c, e);
        c->st.misses++;
    }
    unlock(c);
    return hit;
}

void cc_rcache_put(cc_rcache_t *c, const char *key, const cc_stamp_t *st, apr_int64_t total,
                   const char *text)
{
    apr_size_t klen, tlen, size;
    entry_t *e, *old;
    if (!c || st->now_us >= st->valid_until)
        return;
    klen = strlen(key);
    tlen = strlen(text);
    size = sizeof(*e) + klen + tlen + 2 + ENTRY_OVERHEAD;
    if (size > c->st.max_bytes / 4)
        return;
    e = malloc(sizeof(*e) + klen + tlen + 2);
    if (!e)
        return;
    e->prev = e->next = NULL;
    e->version = st->version;
    e->valid_until = st->valid_until;
    e->total = total;
    e->klen = klen;
    e->tlen = tlen;
    e->size = size;
    memcpy(e->data, key, klen + 1);
    memcpy(e->data + klen + 1, text, tlen + 1);

    lock(c);
    old = apr_hash_get(c->hash, key, APR_HASH_KEY_STRING);
    if (old && old->version > st->version) {
        unlock(c); /* a newer answer is there already */
        free(e);
        return;
    }
    if (old)
        drop(c, old);
    while (c->tail && c->st.bytes + size > c->st.max_bytes) {
        drop(c, c->tail);
        c->st.evictions++;
    }
    apr_hash_set(c->hash, e->data, (apr_ssize_t)klen, e);
    push_front(c, e);
    c->st.entries++;
    c->st.bytes += size;
    c->st.stores++;
    unlock(c);
}

void cc_rcache_stats(cc_rcache_t *c, cc_rcache_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!c)
        return;
    lock(c);
    *out = c->st;
    unlock(c);
}
