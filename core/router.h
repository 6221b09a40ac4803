/* Route table matching: pure code (APR only) so the unit tests link it without httpd. */
#ifndef CC_ROUTER_H
#define CC_ROUTER_H

#include <apr_pools.h>

#define CC_MAX_PATH_IDS 4

/* Role bits a route may require. A route with roles == 0 is public. */
#define CC_ROLE_CANDIDATE 0x1
#define CC_ROLE_RECRUITER 0x2
#define CC_ROLE_ADMIN 0x4
#define CC_ROLE_ANY (CC_ROLE_CANDIDATE | CC_ROLE_RECRUITER | CC_ROLE_ADMIN)

/* Route flags. */
#define CC_RF_NOAUTH 0x1 /* never look at the Authorization header (login, refresh, ...) */
#define CC_RF_FORM 0x2   /* also accept application/x-www-form-urlencoded bodies */
#define CC_RF_STREAM 0x4 /* the handler reads the body itself (uploads); nothing is buffered */

/* The request a handler answers (core/cc.h): incomplete here, so the route table and its
 * matcher stay free of httpd headers. */
typedef struct cc_req cc_req_t;

/* A handler answers the request (sets the status, writes the JSON body) and returns OK. */
typedef int (*cc_handler_fn)(cc_req_t *q);

typedef struct {
    const char *method; /* "GET", "POST", ... ; GET routes also answer HEAD */
    const char
        *pattern; /* relative to /api/, canonical form with trailing slash, "{id}" captures */
    int roles;
    int flags;
    cc_handler_fn handler;
    const void *arg; /* the variant one handler serves for several routes (q->route->arg) */
} cc_route_t;

typedef enum { CC_ROUTE_FOUND, CC_ROUTE_NOT_FOUND, CC_ROUTE_BAD_METHOD } cc_route_result_t;

/* Matches `method` and `path` (relative to /api/, with or without the trailing slash) against
 * the table. On CC_ROUTE_FOUND *out and ids[0..*nids) are set; on CC_ROUTE_BAD_METHOD *allow
 * is a comma-separated method list allocated in p. An id capture accepts only a positive
 * integer of at most 18 digits; anything else does not match (so it ends as a 404). */
cc_route_result_t cc_route_match(apr_pool_t *p, const cc_route_t *table, int n, const char *method,
                                 const char *path, const cc_route_t **out, apr_int64_t *ids,
                                 int *nids, const char **allow);

#include <apr_tables.h>

/* Decodes a query string as HTML forms encode it (application/x-www-form-urlencoded: '+' is a
 * space, %XX escapes) into a new table in p; a key without '=' gets "". When a key repeats, the
 * first value is the one apr_table_get returns. Returns 0 when a key or value is not valid UTF-8
 * after decoding (the table then holds what came before it). */
int cc_query_parse(apr_pool_t *p, const char *args, apr_table_t **out);

#endif
