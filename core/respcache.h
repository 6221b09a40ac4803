/* An in-memory cache of rendered answers, one per httpd process, shared by its threads.
 *
 * An entry is a key, a total and a text (a page of results), stamped with the content version
 * it was computed from and the time until which it is valid. The caller reads the current stamp
 * from the database (cc_content_stamp: the version, the database clock, the next job expiry) and
 * gets an entry only when its version is that version and the clock is before its end: the
 * cache never answers anything the database would not answer now
 * (dbd/schema/0011_content_version.sql).
 *
 * Bounded in bytes; the least recently used entries go first. Plain APR, no httpd: the unit
 * tests link it. Thread-safe when APR has threads. */
#ifndef CC_RESPCACHE_H
#define CC_RESPCACHE_H

#include <apr_pools.h>

typedef struct cc_rcache cc_rcache_t;

typedef struct {
    apr_int64_t version;     /* the content version */
    apr_int64_t now_us;      /* the database clock, microseconds since the epoch */
    apr_int64_t valid_until; /* for a put: the end of validity (same clock) */
} cc_stamp_t;

typedef struct {
    apr_size_t entries, bytes, max_bytes;
    apr_uint64_t hits, misses, stores, evictions;
} cc_rcache_stats_t;

/* A cache of at most max_bytes (entries and keys counted), living as long as p. NULL when
 * max_bytes is 0 (no cache) or on failure; every function accepts a NULL cache. */
cc_rcache_t *cc_rcache_create(apr_pool_t *p, apr_size_t max_bytes);

/* 1 and the entry (total, and the text copied into p) when key holds an entry of st->version
 * valid at st->now_us; else 0 (and an entry of an older version, or past its end, is dropped). */
int cc_rcache_get(cc_rcache_t *c, const char *key, const cc_stamp_t *st, apr_pool_t *p,
                  apr_int64_t *total, const char **text);

/* Stores the entry (replacing one of the same or an older version; never a newer one). An
 * entry larger than a quarter of the cache, or already past its end, is not stored. */
void cc_rcache_put(cc_rcache_t *c, const char *key, const cc_stamp_t *st, apr_int64_t total,
                   const char *text);

void cc_rcache_stats(cc_rcache_t *c, cc_rcache_stats_t *out);

#endif
