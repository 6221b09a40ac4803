/* Unit tests for core/respcache.c: the in-memory response cache (hits only for the exact
 * content version before the end of validity, replacement rules, the byte bound and its LRU
 * order, and many threads at once). */
#include <string.h>
#include <check.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>

#include "../../core/respcache.h"
#include "suites.h"

static cc_stamp_t stamp(apr_int64_t version, apr_int64_t now, apr_int64_t until)
{
    cc_stamp_t st = {version, now, until};
    return st;
}

/* The text under key at (version, now), or NULL on a miss; *total set on a hit. */
static const char *get(cc_rcache_t *c, const char *key, apr_int64_t version, apr_int64_t now,
                       apr_int64_t *total)
{
    cc_stamp_t st = stamp(version, now, 0);
    const char *text = NULL;
    apr_int64_t t = -1;
    if (!cc_rcache_get(c, key, &st, cc_test_pool, &t, &text))
        return NULL;
    if (total)
        *total = t;
    return text;
}

static void put(cc_rcache_t *c, const char *key, apr_int64_t version, apr_int64_t now,
                apr_int64_t until, apr_int64_t total, const char *text)
{
    cc_stamp_t st = stamp(version, now, until);
    cc_rcache_put(c, key, &st, total, text);
}

START_TEST(test_hit_needs_the_same_version_and_time_before_the_end)
{
    cc_rcache_t *c = cc_rcache_create(cc_test_pool, 1 << 20);
    cc_rcache_stats_t s;
    apr_int64_t total = 0;
    const char *text;
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_null(get(c, "k", 7, 100, NULL)); /* empty */
    put(c, "k", 7, 100, 200, 42, "[1,2,3]");
    text = get(c, "k", 7, 150, &total);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "[1,2,3]");
    ck_assert_int_eq(total, 42);
    ck_assert_str_eq(get(c, "k", 7, 199, NULL), "[1,2,3]");
    ck_assert_ptr_null(get(c, "other", 7, 150, NULL));
    /* a request that read an older version does not get it, and leaves it */
    ck_assert_ptr_null(get(c, "k", 6, 150, NULL));
    ck_assert_str_eq(get(c, "k", 7, 150, NULL), "[1,2,3]");
    cc_rcache_stats(c, &s);
    ck_assert_uint_eq(s.entries, 1);
    ck_assert_uint_eq(s.hits, 3);
    ck_assert_uint_eq(s.misses, 3);
    /* at its end: gone for good */
    ck_assert_ptr_null(get(c, "k", 7, 200, NULL));
    cc_rcache_stats(c, &s);
    ck_assert_uint_eq(s.entries, 0);
    ck_assert_uint_eq(s.bytes, 0);
    ck_assert_ptr_null(get(c, "k", 7, 150, NULL));
}
END_TEST

START_TEST(test_a_newer_version_drops_the_entry)
{
    cc_rcache_t *c = cc_rcache_create(cc_test_pool, 1 << 20);
    cc_rcache_stats_t s;
    put(c, "k", 7, 100, 200, 1, "old");
    ck_assert_ptr_null(get(c, "k", 8, 120, NULL));
    cc_rcache_stats(c, &s);
    ck_assert_uint_eq(s.entries, 0);
    ck_assert_ptr_null(get(c, "k", 7, 120, NULL));
}
END_TEST

START_TEST(test_put_replaces_same_or_older_never_newer)
{
    cc_rcache_t *c = cc_rcache_create(cc_test_pool, 1 << 20);
    cc_rcache_stats_t s;
    apr_int64_t total = 0;
    put(c, "k", 5, 100, 200, 1, "five");
    put(c, "k", 5, 110, 300, 2, "five again");
    ck_assert_str_eq(get(c, "k", 5, 250, &total), "five again");
    ck_assert_int_eq(total, 2);
    put(c, "k", 9, 120, 300, 3, "nine");
    put(c, "k", 6, 130, 300, 4, "six, computed by a slower request");
    ck_assert_str_eq(get(c, "k", 9, 140, &total), "nine");
    ck_assert_int_eq(total, 3);
    cc_rcache_stats(c, &s);
    ck_assert_uint_eq(s.entries, 1);
    ck_assert_uint_eq(s.stores, 3);
}
END_TEST

START_TEST(test_nothing_stored_past_its_end_or_too_large)
{
    cc_rcache_t *c = cc_rcache_create(cc_test_pool, 4096);
    cc_rcache_stats_t s;
    char big[2048];
    put(c, "late", 1, 200, 200, 0, "x");
    memset(big, 'b', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    put(c, "big", 1, 100, 200, 0, big); /* over a quarter of 4 KiB */
    ck_assert_ptr_null(get(c, "late", 1, 150, NULL));
    ck_assert_ptr_null(get(c, "big", 1, 150, NULL));
    cc_rcache_stats(c, &s);
    ck_assert_uint_eq(s.entries, 0);
    ck_assert_uint_eq(s.stores, 0);
}
END_TEST

START_TEST(test_bounded_with_least_recently_used_evicted_first)
{
    cc_rcache_t *c = cc_rcache_create(cc_test_pool, 8192);
    cc_rcache_stats_t s;
    char text[851], key[16]; /* 8 entries fit in 8 KiB, 9 do not */
    int i;
    memset(text, 't', sizeof(text) - 1);
    text[sizeof(text) - 1] = 0;
    for (i = 0; i < 8; i++) {
        apr_snprintf(key, sizeof(key), "k%d", i);
        put(c, key, 1, 100, 200, i, text);
    }
    cc_rcache_stats(c, &s);
    ck_assert_uint_le(s.bytes, 8192);
    ck_assert_uint_eq(s.entries, 8);
    ck_assert_uint_eq(s.evictions, 0);
    /* k0 was used last: the next entries evict k1, k2, ... first */
    ck_assert_ptr_nonnull(get(c, "k0", 1, 150, NULL));
    for (i = 8; i < 12; i++) {
        apr_snprintf(key, sizeof(key), "k%d", i);
        put(c, key, 1, 100, 200, i, text);
    }
    cc_rcache_stats(c, &s);
    ck_assert_uint_le(s.bytes, 8192);
    ck_assert_uint_eq(s.entries, 8);
    ck_assert_uint_eq(s.evictions, 4);
    ck_assert_ptr_nonnull(get(c, "k0", 1, 150, NULL));
    for (i = 1; i <= 4; i++) {
        apr_snprintf(key, sizeof(key), "k%d", i);
        ck_assert_msg(!get(c, key, 1, 150, NULL), "%s should have been evicted", key);
    }
    for (i = 5; i < 12; i++) {
        apr_snprintf(key, sizeof(key), "k%d", i);
        ck_assert_msg(get(c, key, 1, 150, NULL) != NULL, "%s should be there", key);
    }
}
END_TEST

START_TEST(test_no_cache_accepts_everything_and_keeps_nothing)
{
    cc_rcache_stats_t s;
    ck_assert_ptr_null(cc_rcache_create(cc_test_pool, 0));
    put(NULL, "k", 1, 100, 200, 1, "x");
    ck_assert_ptr_null(get(NULL, "k", 1, 150, NULL));
    cc_rcache_stats(NULL, &s);
    ck_assert_uint_eq(s.entries, 0);
    ck_assert_uint_eq(s.max_bytes, 0);
}
END_TEST

START_TEST(test_keys_are_compared_whole)
{
    cc_rcache_t *c = cc_rcache_create(cc_test_pool, 1 << 20);
    put(c, "jobs {\"page\":1}", 1, 100, 200, 1, "one");
    put(c, "jobs {\"page\":10}", 1, 100, 200, 10, "ten");
    ck_assert_str_eq(get(c, "jobs {\"page\":1}", 1, 150, NULL), "one");
    ck_assert_str_eq(get(c, "jobs {\"page\":10}", 1, 150, NULL), "ten");
    ck_assert_ptr_null(get(c, "jobs {\"page\":", 1, 150, NULL));
    ck_assert_ptr_null(get(c, "", 1, 150, NULL));
}
END_TEST

/* ---- threads ---- */

#define THREADS 8
#define ROUNDS 4000

typedef struct {
    cc_rcache_t *c;
    int id;
    int wrong; /* hits whose text was not the one stored for that key and version */
} worker_t;

static void *APR_THREAD_FUNC worker(apr_thread_t *t, void *data)
{
    worker_t *w = data;
    apr_pool_t *p;
    int i;
    apr_pool_create(&p, NULL);
    for (i = 0; i < ROUNDS; i++) {
        char key[16], want[64];
        const char *text;
        apr_int64_t total;
        int k = (i * 7 + w->id) % 50, version = i / 500;
        cc_stamp_t st = {version, 1000 + i, 1000 + i + 100};
        apr_snprintf(key, sizeof(key), "key%d", k);
        apr_snprintf(want, sizeof(want), "text of %s at version %d", key, version);
        if (cc_rcache_get(w->c, key, &st, p, &total, &text)) {
            if (strcmp(text, want) || total != k)
                w->wrong++;
        }
        else {
            cc_rcache_put(w->c, key, &st, k, want);
        }
        if (i % 256 == 0)
            apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    (void)t; /* returning, not apr_thread_exit: ASan reports pthread_exit's unwinding */
    return NULL;
}

START_TEST(test_threads_only_ever_see_what_was_stored)
{
    /* small, so eviction runs concurrently with gets and puts */
    cc_rcache_t *c = cc_rcache_create(cc_test_pool, 16 * 1024);
    apr_thread_t *t[THREADS];
    worker_t w[THREADS];
    cc_rcache_stats_t s;
    apr_status_t rv;
    int i;
    for (i = 0; i < THREADS; i++) {
        w[i].c = c;
        w[i].id = i;
        w[i].wrong = 0;
        ck_assert_int_eq(apr_thread_create(&t[i], NULL, worker, &w[i], cc_test_pool), APR_SUCCESS);
    }
    for (i = 0; i < THREADS; i++) {
        apr_thread_join(&rv, t[i]);
        ck_assert_int_eq(w[i].wrong, 0);
    }
    cc_rcache_stats(c, &s);
    ck_assert_uint_eq(s.hits + s.misses, (apr_uint64_t)THREADS * ROUNDS);
    ck_assert_uint_gt(s.hits, 0);
    ck_assert_uint_le(s.bytes, 16 * 1024);
}
END_TEST

Suite *cc_respcache_suite(void)
{
    Suite *s = suite_create("respcache");
    TCase *tc = tcase_create("cache");
    tcase_add_checked_fixture(tc, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tc, test_hit_needs_the_same_version_and_time_before_the_end);
    tcase_add_test(tc, test_a_newer_version_drops_the_entry);
    tcase_add_test(tc, test_put_replaces_same_or_older_never_newer);
    tcase_add_test(tc, test_nothing_stored_past_its_end_or_too_large);
    tcase_add_test(tc, test_bounded_with_least_recently_used_evicted_first);
    tcase_add_test(tc, test_no_cache_accepts_everything_and_keeps_nothing);
    tcase_add_test(tc, test_keys_are_compared_whole);
    tcase_add_test(tc, test_threads_only_ever_see_what_was_stored);
    suite_add_tcase(s, tc);
    return s;
}
