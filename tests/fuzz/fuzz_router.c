/* libFuzzer harness for cc_route_match (core/router.c) over a table shaped like the API's (fixed
 * segments, id captures, prefixes of each other, one path with several methods). Byte 0 picks
 * the method, the rest is the path. A match names a route of that method (HEAD finds GET) whose
 * pattern has as many captures as ids came out, each a positive integer of at most 18 digits;
 * the path with and without its trailing slash matches alike; a 405 lists methods the path has,
 * never the one asked (but OPTIONS, which every route lists). */
#include <stdint.h>
#include <string.h>
#include <apr_strings.h>

#include "../../core/router.h"
#include "fuzz.h"

static int h(cc_req_t *q)
{
    (void)q;
    return 0;
}

static const cc_route_t TABLE[] = {
    {"GET", "health/", 0, 0, h, NULL},
    {"GET", "jobs/", 0, 0, h, NULL},
    {"POST", "jobs/", CC_ROLE_RECRUITER, 0, h, NULL},
    {"GET", "jobs/search/", 0, 0, h, NULL},
    {"GET", "jobs/{id}/", 0, 0, h, NULL},
    {"PUT", "jobs/{id}/", CC_ROLE_RECRUITER, 0, h, NULL},
    {"PATCH", "jobs/{id}/", CC_ROLE_RECRUITER, 0, h, NULL},
    {"DELETE", "jobs/{id}/", CC_ROLE_RECRUITER, 0, h, NULL},
    {"GET", "jobs/{id}/applications/", CC_ROLE_RECRUITER, 0, h, NULL},
    {"PATCH", "jobs/applications/{id}/status/", CC_ROLE_RECRUITER, 0, h, NULL},
    {"GET", "messaging/conversations/{id}/messages/{id}/", CC_ROLE_ANY, 0, h, NULL},
    {"POST", "documents/upload/", CC_ROLE_ANY, CC_RF_STREAM, h, NULL},
    {"GET", "masters/skills/", 0, 0, h, NULL},
};
#define N ((int)(sizeof(TABLE) / sizeof(TABLE[0])))

static const char *const METHODS[] = {"GET",    "POST", "PUT",     "PATCH",
                                      "DELETE", "HEAD", "OPTIONS", ""};

static int captures(const char *pattern)
{
    int n = 0;
    const char *s = pattern;
    while ((s = strstr(s, "{id}")) != NULL) {
        n++;
        s += 4;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *method, *path, *other, *allow = NULL, *allow2 = NULL;
    const cc_route_t *r = NULL, *r2 = NULL;
    apr_int64_t ids[CC_MAX_PATH_IDS], ids2[CC_MAX_PATH_IDS];
    int nids = -1, nids2 = -1, i;
    cc_route_result_t res, res2;
    apr_size_t n;
    if (size < 1)
        return 0;
    p = fuzz_pool();
    method = METHODS[data[0] % (sizeof(METHODS) / sizeof(METHODS[0]))];
    path = apr_pstrmemdup(p, (const char *)data + 1, size - 1);
    res = cc_route_match(p, TABLE, N, method, path, &r, ids, &nids, &allow);
    n = strlen(path);
    other =
        n && path[n - 1] == '/' ? apr_pstrmemdup(p, path, n - 1) : apr_pstrcat(p, path, "/", NULL);
    res2 = cc_route_match(p, TABLE, N, method, other, &r2, ids2, &nids2, &allow2);
    if (n && path[n - 1] == '/' && n > 1 && path[n - 2] == '/')
        goto done; /* "x//" without its last slash is "x/", another path */
    CHECK(res == res2);
    if (res == CC_ROUTE_FOUND) {
        CHECK(r >= TABLE && r < TABLE + N);
        CHECK(!strcmp(r->method, method) || (!strcmp(method, "HEAD") && !strcmp(r->method, "GET")));
        CHECK(nids == captures(r->pattern));
        for (i = 0; i < nids; i++)
            CHECK(ids[i] >= 1 && ids[i] <= APR_INT64_C(999999999999999999));
        if (res2 == CC_ROUTE_FOUND) {
            CHECK(r2 == r && nids2 == nids);
            for (i = 0; i < nids; i++)
                CHECK(ids2[i] == ids[i]);
        }
    }
    else if (res == CC_ROUTE_BAD_METHOD) {
        CHECK(allow && *allow);
        if (strcmp(method, "OPTIONS") != 0) /* every route lists OPTIONS (the module answers it) */
            CHECK(strstr(apr_pstrcat(p, ", ", allow, ", ", NULL),
                         apr_pstrcat(p, ", ", method, ", ", NULL))
                  == NULL);
    }
    else
        CHECK(res == CC_ROUTE_NOT_FOUND);
done:
    apr_pool_destroy(p);
    return 0;
}
