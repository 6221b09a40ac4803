/* What an uploaded file is, decided by its content (CONTRACT §8): libmagic names the type, and
 * a stricter second look refuses what libmagic would wave through. Pure code (APR + libmagic):
 * the unit tests link it without httpd.
 *
 * Accepted: PDF, DOC, DOCX, JPEG, PNG. Refused besides every other type:
 *   - a file whose first bytes are not the signature of the type libmagic named (libmagic
 *     also matches some types by content further in);
 *   - polyglots: a file that browsers or other tools could read as markup or active content
 *     (an HTML, SVG, XML stylesheet or PHP marker anywhere in the bytes), or a non-ZIP type
 *     carrying a ZIP end-of-central-directory record in its last 64 KiB (a ZIP reader would
 *     open it: the classic JPEG+JAR/ZIP polyglot).
 * The scan runs while the file streams in (cc_scan_feed), so nothing is read twice but the
 * head libmagic looks at. */
#ifndef CC_FILETYPE_H
#define CC_FILETYPE_H

#include <apr_pools.h>

/* A libmagic handle behind a mutex (libmagic handles are not thread-safe). */
typedef struct cc_magic_t cc_magic_t;

/* Opens libmagic with the system database. NULL on failure, with *err (in p) saying why.
 * Closed when p is destroyed. */
cc_magic_t *cc_magic_open(apr_pool_t *p, const char **err);

/* libmagic's MIME type for the file open on `fd` (read from offset 0; the offset is restored).
 * In p; NULL when libmagic fails. */
const char *cc_magic_fd(cc_magic_t *m, apr_pool_t *p, int fd);

/* The markers the streaming scan looks for. */
#define CC_SCAN_MARKUP 0x1 /* "<script", "<html", "<svg", "<?php", ... (any case) */
#define CC_SCAN_PDF 0x2    /* "%PDF-" in the first 1024 bytes (where PDF readers look) */

/* State of the streaming scan over a file's bytes. */
typedef struct {
    unsigned found;        /* CC_SCAN_* bits */
    apr_off_t size;        /* bytes seen */
    apr_off_t last_eocd;   /* offset of the last "PK\5\6" seen, -1 when none */
    unsigned char head[8]; /* the first bytes (signature check) */
    apr_size_t head_len;
    unsigned char tail[24]; /* the last bytes seen, for markers split between feeds */
    apr_size_t tail_len;
} cc_scan_t;

void cc_scan_init(cc_scan_t *s);
/* Scans the next len bytes of the file. */
void cc_scan_feed(cc_scan_t *s, const void *buf, apr_size_t len);

/* The accepted content type of a file that libmagic called `magic_mime` and the scan saw, or
 * NULL when it is refused, with *reason (a sentence for the client; static or in p). */
const char *cc_filetype_decide(apr_pool_t *p, const char *magic_mime, const cc_scan_t *s,
                               const char **reason);

#endif
