/* Content-based file type decisions for uploads; see filetype.h. */
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <magic.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "filetype.h"

/* ---- libmagic --------------------------------------------------------------------------- */

struct cc_magic_t {
    magic_t cookie;
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;
#endif
};

static apr_status_t magic_cleanup(void *data)
{
    cc_magic_t *m = data;
    if (m->cookie)
        magic_close(m->cookie);
    m->cookie = NULL;
    return APR_SUCCESS;
}

cc_magic_t *cc_magic_open(apr_pool_t *p, const char **err)
{
    cc_magic_t *m = apr_pcalloc(p, sizeof(*m));
    /* No decompression (a gzip bomb is not ours to unpack) and no following of anything. */
    m->cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);
    if (!m->cookie) {
        *err = "magic_open failed";
        return NULL;
    }
    apr_pool_cleanup_register(p, m, magic_cleanup, apr_pool_cleanup_null);
    if (magic_load(m->cookie, NULL) != 0) {
        *err = apr_pstrcat(p, "magic_load: ", magic_error(m->cookie), NULL);
        return NULL;
    }
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&m->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS) {
        *err = "cannot create the libmagic mutex";
        return NULL;
    }
#endif
    return m;
}

const char *cc_magic_fd(cc_magic_t *m, apr_pool_t *p, int fd)
{
    const char *t, *out = NULL;
    off_t pos = lseek(fd, 0, SEEK_CUR);
    if (pos < 0 || lseek(fd, 0, SEEK_SET) < 0)
        return NULL;
#if APR_HAS_THREADS
    apr_thread_mutex_lock(m->lock);
#endif
    t = magic_descriptor(m->cookie, fd);
    if (t)
        out = apr_pstrdup(p, t); /* libmagic's buffer is reused by the next call */
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(m->lock);
#endif
    lseek(fd, pos, SEEK_SET);
    return out;
}

/* ---- the streaming scan ----------------------------------------------------------------- */

/* Markup a browser, an XML processor or PHP would act on. Lower case; matched in any case.
 * At most sizeof(tail) bytes long. */
static const char *const MARKUP[] = {"<script",
                                     "<html",
                                     "<svg",
                                     "<?php",
                                     "<?=",
                                     "<!doctype html",
                                     "<iframe",
                                     "<body",
                                     "<head>",
                                     "<object",
                                     "<embed",
                                     "<img",
                                     "<form",
                                     "<style",
                                     "<link",
                                     "<base",
                                     "<frame",
                                     "<meta",
                                     "<?xml-stylesheet",
                                     "<x:script",
                                     "<math",
                                     NULL};

#define TAIL_MAX 24 /* sizeof(cc_scan_t.tail); longer than every marker */

static int markup_at(const unsigned char *p, apr_size_t avail)
{
    int i;
    for (i = 0; MARKUP[i]; i++) {
        apr_size_t n = strlen(MARKUP[i]);
        /* a NUL in the data differs from every marker byte, so strncasecmp stops there */
        if (n <= avail && !strncasecmp((const char *)p, MARKUP[i], n))
            return 1;
    }
    return 0;
}

/* Looks for every marker that starts at an offset in [from, to) of buf (len bytes in all);
 * `base` is the file offset of buf[0]. */
static void scan_range(cc_scan_t *s, const unsigned char *buf, apr_size_t len, apr_size_t from,
                       apr_size_t to, apr_off_t base)
{
    const unsigned char *p, *end = buf + to, *pdf_end;
    for (p = buf + from; p < end && (p = memchr(p, '<', (apr_size_t)(end - p))); p++)
        if (markup_at(p, len - (apr_size_t)(p - buf)))
            s->found |= CC_SCAN_MARKUP;
    /* PDF readers look for their header in the first 1024 bytes only */
    pdf_end = base >= 1024 ? buf + from : base + (apr_off_t)to > 1024 ? buf + (1024 - base) : end;
    for (p = buf + from; p < pdf_end && (p = memchr(p, '%', (apr_size_t)(pdf_end - p))); p++)
        if (len - (apr_size_t)(p - buf) >= 5 && !memcmp(p, "%PDF-", 5))
            s->found |= CC_SCAN_PDF;
    for (p = buf + from; p < end && (p = memchr(p, 'P', (apr_size_t)(end - p))); p++)
        if (len - (apr_size_t)(p - buf) >= 4 && !memcmp(p, "PK\005\006", 4))
            s->last_eocd = base + (p - buf);
}

void cc_scan_init(cc_scan_t *s)
{
    memset(s, 0, sizeof(*s));
    s->last_eocd = -1;
}

void cc_scan_feed(cc_scan_t *s, const void *data, apr_size_t len)
{
    const unsigned char *buf = data;
    if (!len)
        return;
    if (s->head_len < sizeof(s->head)) {
        apr_size_t n = sizeof(s->head) - s->head_len;
        if (n > len)
            n = len;
        memcpy(s->head + s->head_len, buf, n);
        s->head_len += n;
    }
    if (s->tail_len) {
        /* markers that start in the kept tail and end in this piece */
        unsigned char joined[2 * TAIL_MAX];
        apr_size_t n = len < TAIL_MAX ? len : TAIL_MAX;
        memcpy(joined, s->tail, s->tail_len);
        memcpy(joined + s->tail_len, buf, n);
        scan_range(s, joined, s->tail_len + n, 0, s->tail_len, s->size - (apr_off_t)s->tail_len);
    }
    scan_range(s, buf, len, 0, len, s->size);
    s->size += (apr_off_t)len;
    if (len >= TAIL_MAX) {
        memcpy(s->tail, buf + len - TAIL_MAX, TAIL_MAX);
        s->tail_len = TAIL_MAX;
    }
    else {
        apr_size_t keep = s->tail_len + len > TAIL_MAX ? TAIL_MAX - len : s->tail_len;
        memmove(s->tail, s->tail + s->tail_len - keep, keep);
        memcpy(s->tail + keep, buf, len);
        s->tail_len = keep + len;
    }
}

/* ---- the decision ----------------------------------------------------------------------- */

static const struct {
    const char *mime;      /* as libmagic names it, and as stored */
    const char *signature; /* the first bytes every such file has */
    apr_size_t siglen;
    int zip; /* a ZIP container: its own end record is expected */
} ACCEPTED[] = {
    {"application/pdf", "%PDF-", 5, 0},
    {"application/msword", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, 0},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\003\004", 4, 1},
    {"image/jpeg", "\xff\xd8\xff", 3, 0},
    {"image/png", "\x89PNG\r\n\x1a\n", 8, 0},
};

const char *cc_filetype_decide(apr_pool_t *p, const char *magic_mime, const cc_scan_t *s,
                               const char **reason)
{
    unsigned i;
    const char *shown = magic_mime && *magic_mime ? magic_mime : "unknown";
    for (i = 0; i < sizeof(ACCEPTED) / sizeof(ACCEPTED[0]); i++) {
        if (!magic_mime || strcmp(magic_mime, ACCEPTED[i].mime))
            continue;
        if (s->head_len < ACCEPTED[i].siglen
            || memcmp(s->head, ACCEPTED[i].signature, ACCEPTED[i].siglen)) {
            *reason = "The file does not start like the type its content claims; only PDF, "
                      "DOC, DOCX, JPEG and PNG files are accepted.";
            return NULL;
        }
        if (s->found & CC_SCAN_MARKUP) {
            *reason = "The file contains HTML, SVG, script or PHP markup and could be read as "
                      "more than one type; it is refused.";
            return NULL;
        }
        if ((s->found & CC_SCAN_PDF) && strcmp(ACCEPTED[i].mime, "application/pdf")) {
            *reason = "The file also carries a PDF header and could be read as more than one "
                      "type; it is refused.";
            return NULL;
        }
        if (!ACCEPTED[i].zip && s->last_eocd >= 0 && s->size - s->last_eocd <= 65535 + 22) {
            *reason = "The file ends with a ZIP archive and could be read as more than one "
                      "type; it is refused.";
            return NULL;
        }
        return ACCEPTED[i].mime;
    }
    *reason = apr_psprintf(p,
                           "Unsupported file type (%s): only PDF, DOC, DOCX, JPEG and PNG "
                           "files are accepted.",
                           shown);
    return NULL;
}
