/* Opaque cursors for keyset-paginated feeds (CONTRACT §1 "?cursor="), and the links that carry
 * them. Pure code (APR only) so the unit tests link it without httpd.
 *
 * A feed is ordered newest first by a strictly increasing key (a row id). A cursor is a boundary
 * in that order and a direction:
 *   older: the rows with key <  position, newest first (the "next" link)
 *   newer: the rows with key >  position, taken oldest first and shown newest first ("previous")
 * Rows inserted later get larger keys, so walking with cursors never repeats or skips a row.
 *
 * The text form is base64url without padding of "o:<position>" or "n:<position>", position a
 * decimal integer in [0, CC_CURSOR_POSITION_MAX] without leading zeros. It is not signed: a
 * cursor only moves within rows the caller may see anyway. */
#ifndef CC_CURSOR_H
#define CC_CURSOR_H

#include <apr_pools.h>

/* The largest position a cursor carries: 18 digits, like ids in paths. */
#define CC_CURSOR_POSITION_MAX APR_INT64_C(999999999999999999)

typedef enum { CC_CURSOR_OLDER = 0, CC_CURSOR_NEWER = 1 } cc_cursor_dir_t;

typedef struct {
    cc_cursor_dir_t dir;
    apr_int64_t position; /* exclusive boundary, 0..CC_CURSOR_POSITION_MAX */
} cc_cursor_t;

/* The text form of `c`, allocated in p. A position outside 0..CC_CURSOR_POSITION_MAX is clamped
 * into it (both ends still select the same rows, since keys are positive ids). */
const char *cc_cursor_encode(apr_pool_t *p, cc_cursor_dir_t dir, apr_int64_t position);

/* Parses the text form strictly: only the canonical encoding of a valid payload is accepted
 * (no padding, no standard-alphabet characters, no stray bits, no whitespace). Returns 1 and
 * fills *out, or 0 for anything else (including NULL and ""). */
int cc_cursor_decode(const char *text, cc_cursor_t *out);

/* Absolute URL of the current list with `cursor` as its ?cursor=: base (scheme://host[:port]) +
 * path + the query `args` without its `cursor` and `page` parameters (a cursor replaces the page
 * number), then "cursor=<cursor>". Other parameters keep their order and encoding. The cursor
 * text is URL-safe as it is. Allocated in p. */
char *cc_cursor_link(apr_pool_t *p, const char *base, const char *path, const char *args,
                     const char *cursor);

#endif
