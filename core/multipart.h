/* A streaming multipart/form-data parser (RFC 7578 over RFC 2046), and the filename helpers of
 * uploads and downloads. Pure code (APR only): the unit tests and the fuzz harness link it
 * without httpd.
 *
 * The parser is fed the body in pieces of any size (a boundary may be split across pieces) and
 * hands each part's data to a callback as it goes, so a file is never held in memory: it keeps
 * at most about one boundary's length of data back. It is strict where laxness would hide an
 * attack or a broken client: CRLF line ends only, a part must have a Content-Disposition of
 * form-data with a non-empty name, the closing boundary must come before the input ends, and
 * header blocks, parts and field counts are bounded. The preamble and the epilogue are ignored.
 * A repeated Content-Disposition or Content-Type header, or a repeated name, filename or
 * filename* parameter, is an error: another reader (a proxy, a scanner) might pick the other. */
#ifndef CC_MULTIPART_H
#define CC_MULTIPART_H

#include <apr_pools.h>

/* Limits (the body size itself is the caller's). The header block's size counts the empty line
 * that ends it. */
#define CC_MP_MAX_BOUNDARY 70        /* RFC 2046 */
#define CC_MP_MAX_HEADER_BLOCK 16384 /* bytes of one part's header lines, CRLFs included */
#define CC_MP_MAX_HEADERS 16         /* header lines per part */
#define CC_MP_MAX_PARTS 32

typedef struct cc_mp_t cc_mp_t;

/* One part, as its headers describe it. Strings are NUL-terminated, in the parser's pool, and
 * live as long as the parser. */
typedef struct {
    const char *name;         /* the form field name (always present) */
    const char *filename;     /* NULL when the part has no filename parameter; else the decoded
                               * filename* (RFC 5987, UTF-8 or ISO-8859-1 converted to UTF-8)
                               * when given, otherwise filename. Raw: may hold any bytes but
                               * NUL; sanitise with cc_filename_sanitize() before any use. */
    const char *content_type; /* the part's Content-Type value, or NULL */
} cc_mp_part_t;

/* Callbacks; a nonzero return aborts parsing (cc_mp_feed then answers CC_MP_ABORTED). Any of
 * them may be NULL. part_data is called zero or more times per part, with len > 0. part_end is
 * called once the delimiter line after the part has been read whole and well-formed, so never
 * after an error or an abort inside the part or its closing delimiter. */
typedef struct {
    int (*part_begin)(void *ctx, const cc_mp_part_t *part);
    int (*part_data)(void *ctx, const char *data, apr_size_t len);
    int (*part_end)(void *ctx);
} cc_mp_callbacks_t;

typedef enum {
    CC_MP_OK = 0,     /* more input expected */
    CC_MP_DONE = 1,   /* the closing boundary was seen; later input is epilogue, ignored */
    CC_MP_ERROR = 2,  /* malformed; cc_mp_error() says why. Sticky. */
    CC_MP_ABORTED = 3 /* a callback returned nonzero. Sticky. */
} cc_mp_status_t;

/* The boundary parameter of a Content-Type value "multipart/form-data; boundary=..." (type
 * and parameter names case-insensitive, the value token or quoted-string). Returns the
 * boundary in p, or NULL when the type is not multipart/form-data or the boundary is missing,
 * empty, longer than CC_MP_MAX_BOUNDARY or has characters RFC 2046 does not allow. */
const char *cc_mp_boundary(apr_pool_t *p, const char *content_type);

/* A parser for `boundary` (as returned by cc_mp_boundary), allocated in p. */
cc_mp_t *cc_mp_create(apr_pool_t *p, const char *boundary, const cc_mp_callbacks_t *cb, void *ctx);

/* Feeds the next len bytes of the body. Returns the parser's status after them; once it is not
 * CC_MP_OK, later input is ignored. */
cc_mp_status_t cc_mp_feed(cc_mp_t *mp, const char *buf, apr_size_t len);

/* The body has ended. Returns CC_MP_DONE when the closing boundary was seen, else CC_MP_ERROR
 * ("missing closing boundary", or an earlier error) or CC_MP_ABORTED. */
cc_mp_status_t cc_mp_finish(cc_mp_t *mp);

/* Why the parser failed: a short English sentence for a 400 answer ("Malformed multipart body:
 * ..."), or NULL while it has not (and after an abort, whose reason is the caller's). */
const char *cc_mp_error(const cc_mp_t *mp);

/* A filename that is safe to store and to show: the last path component of `raw` (after '/'
 * and '\\'), invalid UTF-8 sequences replaced by U+FFFD, control characters (C0, DEL, C1) and
 * the characters "<>:\"|?*" and the bidirectional formatting characters (U+061C, U+200E, U+200F,
 * U+202A to U+202E, U+2066 to U+2069: they make "x\u202Etxt.exe" display as "xexe.txt")
 * removed, runs of ASCII whitespace (HT, LF, VT, FF, CR, space) collapsed to one space,
 * leading dots and spaces and trailing dots and spaces stripped, cut to at most 255 bytes on a
 * character boundary keeping the extension (from the last dot) when it is short (<= 16 bytes,
 * the dot included). NULL, empty, or nothing left: "document". In p. */
const char *cc_filename_sanitize(apr_pool_t *p, const char *raw);

/* The Content-Disposition value for downloading a file named `name` (already sanitised):
 * attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded UTF-8> (RFC 6266;
 * the fallback replaces non-ASCII bytes, control bytes, '"' and '\\' with '_'; NULL or empty
 * is "document"). In p. */
const char *cc_content_disposition(apr_pool_t *p, const char *name);

#endif
