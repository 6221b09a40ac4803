#include <string.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include "multipart.h"
#include "validate.h"
#include "utf8.h"

#define MALFORMED "Malformed multipart body: "

/* What the parser expects next. A delimiter is "\r\n--" boundary; what follows it decides
 * between the next part ("\r\n", after optional transport padding) and the end ("--"). */
typedef enum {
    ST_PREAMBLE,   /* scanning for the first delimiter; the bytes before it are dropped */
    ST_DELIM,      /* just after a delimiter */
    ST_DELIM_DASH, /* after the first '-' of a close delimiter */
    ST_PADDING,    /* in transport padding, before the CR */
    ST_DELIM_LF,   /* after the CR of a delimiter line */
    ST_HEADERS,    /* in a part's header block */
    ST_DATA,       /* in a part's data, scanning for the next delimiter */
    ST_DONE
} state_t;

struct cc_mp_t {
    apr_pool_t *pool;
    cc_mp_callbacks_t cb;
    void *ctx;
    cc_mp_status_t status;
    const char *error;
    state_t state;

    char delim[4 + CC_MP_MAX_BOUNDARY];
    apr_size_t dlen;
    /* The end of the previous piece when it is a proper prefix of the delimiter: not data yet,
     * as the next piece may complete the delimiter. Starts as a virtual CRLF, so that a body
     * opening with "--boundary" finds its first delimiter like any other. */
    char held[4 + CC_MP_MAX_BOUNDARY];
    apr_size_t hlen;

    int in_part; /* part_begin was called and part_end was not */
    int nparts;

    /* The current header line (a line may be as long as the whole block), the block's size
     * so far, and what the part's headers said. */
    char *line;
    apr_size_t llen;
    apr_size_t block;
    int nheaders;
    cc_mp_part_t *part;
    int has_disposition;
};

static int fail(cc_mp_t *mp, const char *why)
{
    if (mp->status == CC_MP_OK) {
        mp->status = CC_MP_ERROR;
        mp->error = why;
    }
    return -1;
}

/* Records an abort when a callback answered nonzero; returns that answer. */
static int called(cc_mp_t *mp, int rc)
{
    if (rc && mp->status == CC_MP_OK)
        mp->status = CC_MP_ABORTED;
    return rc;
}

/* ---- tokens and parameters (RFC 7230 section 3.2.6) ---- */

static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static const char *skip_token(const char *s)
{
    while (is_tchar((unsigned char)*s))
        s++;
    return s;
}

/* A parameter value at s, token or quoted-string, into *out; returns the end of the value, or
 * NULL when there is none or the quoted-string is not closed. In a quoted-string only \" and
 * \\ are escapes; any other backslash is kept, as browsers send Windows paths raw in
 * filename="C:\Users\..." (the WHATWG form encoding; Django reads them so too), and the
 * sanitiser then keeps the last path component. */
static const char *param_value(apr_pool_t *p, const char *s, char **out)
{
    const char *e;
    char *o;
    if (*s != '"') {
        e = skip_token(s);
        if (e == s)
            return NULL;
        *out = apr_pstrmemdup(p, s, (apr_size_t)(e - s));
        return e;
    }
    *out = o = apr_palloc(p, strlen(s));
    for (s++; *s != '"'; s++) {
        if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
            s++;
        if (!*s)
            return NULL;
        *o++ = *s;
    }
    *o = '\0';
    return s + 1;
}

/* The next ";" name "=" value of the parameter list at *s (no whitespace around '=', as RFC
 * 7231 has none), moving *s past it. Returns 1 for a parameter, 0 at the end of the list, -1
 * when malformed. */
static int next_param(apr_pool_t *p, const char **s, char **name, char **value)
{
    const char *n, *e = skip_ows(*s);
    if (!*e)
        return 0;
    if (*e != ';')
        return -1;
    n = skip_ows(e + 1);
    e = skip_token(n);
    if (e == n || *e != '=')
        return -1;
    *name = apr_pstrmemdup(p, n, (apr_size_t)(e - n));
    *s = param_value(p, e + 1, value);
    return *s ? 1 : -1;
}

/* ---- cc_mp_boundary ---- */

static int is_bchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c && strchr("'()+_,-./:=? ", c));
}

const char *cc_mp_boundary(apr_pool_t *p, const char *content_type)
{
    static const char type[] = "multipart/form-data";
    const char *s, *e;
    char *name, *value, *boundary = NULL;
    apr_size_t i, n;
    int rc;

    if (!content_type)
        return NULL;
    s = skip_ows(content_type);
    e = skip_token(s);
    if (*e == '/')
        e = skip_token(e + 1);
    if ((apr_size_t)(e - s) != sizeof(type) - 1 || strncasecmp(s, type, sizeof(type) - 1))
        return NULL;
    while ((rc = next_param(p, &e, &name, &value)) == 1) {
        if (!strcasecmp(name, "boundary")) {
            /* two boundaries: whichever we chose, another reader might choose the other */
            if (boundary)
                return NULL;
            boundary = value;
        }
    }
    if (rc < 0 || !boundary)
        return NULL;
    n = strlen(boundary);
    if (n == 0 || n > CC_MP_MAX_BOUNDARY || boundary[n - 1] == ' ')
        return NULL;
    for (i = 0; i < n; i++)
        if (!is_bchar((unsigned char)boundary[i]))
            return NULL;
    return boundary;
}

/* ---- headers ---- */

static int is_attr_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c && strchr("!#$&+-.^_`|~", c));
}

/* RFC 5987 ext-value: charset "'" [ language ] "'" value-chars, as UTF-8. NULL when malformed,
 * in a charset other than UTF-8 and ISO-8859-1, or decoding to a NUL. */
static const char *ext_value(apr_pool_t *p, const char *v)
{
    const char *q = strchr(v, '\''), *s;
    char *out, *o;
    int latin1;

    if (!q)
        return NULL;
    if (q - v == 5 && !strncasecmp(v, "UTF-8", 5))
        latin1 = 0;
    else if (q - v == 10 && !strncasecmp(v, "ISO-8859-1", 10))
        latin1 = 1;
    else
        return NULL;
    for (s = q + 1; *s != '\''; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
              || *s == '-'))
            return NULL;
    /* at most one byte per input character, doubled by ISO-8859-1 */
    out = o = apr_palloc(p, 2 * strlen(s) + 1);
    for (s++; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '%') {
            int hi = cc_hex_digit(s[1]), lo = hi < 0 ? -1 : cc_hex_digit(s[2]);
            if (lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            c = (unsigned char)(hi * 16 + lo);
            s += 2;
        }
        else if (!is_attr_char(c))
            return NULL;
        if (latin1 && c >= 0x80) {
            *o++ = (char)(0xc0 | (c >> 6));
            *o++ = (char)(0x80 | (c & 0x3f));
        }
        else
            *o++ = (char)c;
    }
    *o = '\0';
    return out;
}

/* Content-Disposition: form-data with name, filename and filename* parameters (others are
 * ignored). A repeated parameter is an error: which one counts would be a guess, and another
 * reader (a proxy, a scanner) might guess otherwise. */
static int parse_disposition(cc_mp_t *mp, const char *v)
{
    static const char type[] = "form-data";
    apr_pool_t *p = mp->pool;
    const char *s = v, *e;
    char *name, *value, *filename = NULL, *filename_ext = NULL, *field = NULL;
    int rc;

    e = skip_token(s);
    if ((apr_size_t)(e - s) != sizeof(type) - 1 || strncasecmp(s, type, sizeof(type) - 1))
        return fail(mp, MALFORMED "a part's Content-Disposition is not form-data.");
    while ((rc = next_param(p, &e, &name, &value)) == 1) {
        if (!strcasecmp(name, "name") || !strcasecmp(name, "filename")
            || !strcasecmp(name, "filename*")) {
            char **slot = !strcasecmp(name, "name")       ? &field
                          : !strcasecmp(name, "filename") ? &filename
                                                          : &filename_ext;
            if (*slot)
                return fail(mp, MALFORMED "a Content-Disposition parameter is repeated.");
            *slot = value;
        }
    }
    if (rc < 0)
        return fail(mp, MALFORMED "a part has a malformed Content-Disposition header.");
    if (!field || !*field)
        return fail(mp, MALFORMED "a part has no name.");
    mp->part->name = field;
    mp->part->filename = filename;
    if (filename_ext) {
        mp->part->filename = ext_value(p, filename_ext);
        if (!mp->part->filename)
            return fail(mp, MALFORMED "a part has a malformed filename* parameter.");
    }
    mp->has_disposition = 1;
    return 0;
}

/* One complete header line in mp->line (its LF included). */
static int header_line(cc_mp_t *mp)
{
    char *line = mp->line, *colon, *v, *end;
    apr_size_t len = mp->llen;

    mp->llen = 0;
    if (len < 2 || line[len - 2] != '\r' || memchr(line, '\r', len - 2))
        return fail(mp, MALFORMED "a header line does not end in CRLF.");
    if (memchr(line, '\0', len))
        return fail(mp, MALFORMED "a header holds a NUL byte.");
    if (len == 2)
        return 1;
    if (++mp->nheaders > CC_MP_MAX_HEADERS)
        return fail(mp, MALFORMED "a part has too many header lines.");
    if (line[0] == ' ' || line[0] == '\t')
        return fail(mp, MALFORMED "folded header lines are not allowed.");
    colon = memchr(line, ':', len - 2);
    if (!colon)
        return fail(mp, MALFORMED "a header line has no colon.");
    if (colon == line || skip_token(line) != colon)
        return fail(mp, MALFORMED "a header line has a malformed name.");
    *colon = '\0';
    end = line + len - 2;
    while (end > colon + 1 && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *end = '\0';
    v = (char *)skip_ows(colon + 1);
    if (!strcasecmp(line, "Content-Disposition")) {
        if (mp->has_disposition)
            return fail(mp, MALFORMED "a part has two Content-Disposition headers.");
        return parse_disposition(mp, v);
    }
    if (!strcasecmp(line, "Content-Type")) {
        if (mp->part->content_type)
            return fail(mp, MALFORMED "a part has two Content-Type headers.");
        mp->part->content_type = apr_pstrdup(mp->pool, v);
    }
    return 0;
}

static void headers_begin(cc_mp_t *mp)
{
    mp->state = ST_HEADERS;
    mp->llen = mp->block = 0;
    mp->nheaders = 0;
    mp->has_disposition = 0;
    mp->part = apr_pcalloc(mp->pool, sizeof(*mp->part));
}

/* Takes header bytes up to and including the next LF; returns how many it took. */
static apr_size_t headers(cc_mp_t *mp, const char *buf, apr_size_t len)
{
    const char *lf = memchr(buf, '\n', len);
    apr_size_t n = lf ? (apr_size_t)(lf - buf) + 1 : len;
    int rc;

    if (mp->block + n > CC_MP_MAX_HEADER_BLOCK) {
        fail(mp, MALFORMED "a part's header block is too large.");
        return n;
    }
    memcpy(mp->line + mp->llen, buf, n);
    mp->llen += n;
    mp->block += n;
    if (!lf)
        return n;
    rc = header_line(mp);
    if (rc != 1)
        return n;
    if (!mp->has_disposition) {
        fail(mp, MALFORMED "a part has no Content-Disposition header.");
        return n;
    }
    mp->state = ST_DATA;
    mp->in_part = 1;
    if (mp->cb.part_begin)
        called(mp, mp->cb.part_begin(mp->ctx, mp->part));
    return n;
}

/* ---- data ---- */

static int deliver(cc_mp_t *mp, const char *data, apr_size_t len)
{
    if (mp->state != ST_DATA || !len || !mp->cb.part_data)
        return 0;
    return called(mp, mp->cb.part_data(mp->ctx, data, len));
}

/* Scans data (or preamble) for the delimiter; returns how many bytes it consumed. Every
 * delimiter starts with the only CR it holds, so a match can only start at a CR, and held
 * bytes that the next piece does not complete are data with no delimiter starting in them. */
static apr_size_t scan(cc_mp_t *mp, const char *buf, apr_size_t len)
{
    const char *d = mp->delim, *cr;
    apr_size_t dlen = mp->dlen, i = 0;

    if (mp->hlen) {
        apr_size_t need = dlen - mp->hlen, n = len < need ? len : need;
        if (!memcmp(buf, d + mp->hlen, n)) {
            if (n < need) {
                memcpy(mp->held + mp->hlen, buf, n);
                mp->hlen += n;
            }
            else {
                mp->hlen = 0;
                mp->state = ST_DELIM;
            }
            return n;
        }
        n = mp->hlen;
        mp->hlen = 0;
        if (deliver(mp, mp->held, n))
            return len;
    }
    while ((cr = memchr(buf + i, '\r', len - i))) {
        apr_size_t rest;
        i = (apr_size_t)(cr - buf);
        rest = len - i;
        if (rest >= dlen ? !memcmp(cr, d, dlen) : !memcmp(cr, d, rest)) {
            if (deliver(mp, buf, i))
                return len;
            if (rest < dlen) {
                memcpy(mp->held, cr, rest);
                mp->hlen = rest;
                return len;
            }
            mp->state = ST_DELIM;
            return i + dlen;
        }
        i++;
    }
    deliver(mp, buf, len);
    return len;
}

/* A delimiter line ended well: the part before it (if any) is complete. */
static int part_end(cc_mp_t *mp)
{
    if (!mp->in_part)
        return 0;
    mp->in_part = 0;
    return mp->cb.part_end ? called(mp, mp->cb.part_end(mp->ctx)) : 0;
}

/* ---- the parser ---- */

cc_mp_t *cc_mp_create(apr_pool_t *p, const char *boundary, const cc_mp_callbacks_t *cb, void *ctx)
{
    cc_mp_t *mp = apr_pcalloc(p, sizeof(*mp));
    apr_size_t n = boundary ? strlen(boundary) : 0;

    mp->pool = p;
    if (cb)
        mp->cb = *cb;
    mp->ctx = ctx;
    mp->state = ST_PREAMBLE;
    mp->line = apr_palloc(p, CC_MP_MAX_HEADER_BLOCK);
    /* A boundary with a CR or LF would break the scanner's reasoning; cc_mp_boundary never
     * returns one, but a caller might pass its own. */
    if (n == 0 || n > CC_MP_MAX_BOUNDARY || strpbrk(boundary, "\r\n")) {
        fail(mp, MALFORMED "the boundary is invalid.");
        return mp;
    }
    memcpy(mp->delim, "\r\n--", 4);
    memcpy(mp->delim + 4, boundary, n);
    mp->dlen = n + 4;
    memcpy(mp->held, "\r\n", 2);
    mp->hlen = 2;
    return mp;
}

cc_mp_status_t cc_mp_feed(cc_mp_t *mp, const char *buf, apr_size_t len)
{
    apr_size_t pos = 0;

    while (mp->status == CC_MP_OK && pos < len) {
        char c;
        switch (mp->state) {
        case ST_PREAMBLE:
        case ST_DATA:
            pos += scan(mp, buf + pos, len - pos);
            break;
        case ST_HEADERS:
            pos += headers(mp, buf + pos, len - pos);
            break;
        case ST_DELIM:
        case ST_PADDING:
            c = buf[pos++];
            if (c == '-' && mp->state == ST_DELIM)
                mp->state = ST_DELIM_DASH;
            else if (c == ' ' || c == '\t')
                mp->state = ST_PADDING;
            else if (c == '\r')
                mp->state = ST_DELIM_LF;
            else
                fail(mp, MALFORMED "a boundary line has unexpected characters.");
            break;
        case ST_DELIM_DASH:
            if (buf[pos++] != '-') {
                fail(mp, MALFORMED "a boundary line has unexpected characters.");
                break;
            }
            mp->state = ST_DONE;
            if (!part_end(mp))
                mp->status = CC_MP_DONE;
            break;
        case ST_DELIM_LF:
            if (buf[pos++] != '\n') {
                fail(mp, MALFORMED "a boundary line does not end in CRLF.");
                break;
            }
            if (part_end(mp))
                break;
            if (++mp->nparts > CC_MP_MAX_PARTS) {
                fail(mp, MALFORMED "too many parts.");
                break;
            }
            headers_begin(mp);
            break;
        case ST_DONE:
            /* not reached: the status is CC_MP_DONE */
            pos = len;
            break;
        }
    }
    return mp->status;
}

cc_mp_status_t cc_mp_finish(cc_mp_t *mp)
{
    fail(mp, MALFORMED "missing closing boundary.");
    return mp->status;
}

const char *cc_mp_error(const cc_mp_t *mp)
{
    return mp->status == CC_MP_ERROR ? mp->error : NULL;
}

/* ---- filenames ---- */

/* Code points that are removed: controls, the characters Windows forbids in names, and the
 * bidirectional formatting characters that make "evil\u202Etxt.exe" display as "evilexe.txt". */
static int dropped(long cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp < 0x80 && strchr("<>:\"|?*", (int)cp))
           || cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e)
           || (cp >= 0x2066 && cp <= 0x2069);
}

static int is_strip(char c)
{
    return c == '.' || c == ' ';
}

/* Length of s[0..len) with trailing dots and spaces stripped. */
static apr_size_t rstrip(const char *s, apr_size_t len)
{
    while (len && is_strip(s[len - 1]))
        len--;
    return len;
}

/* Largest length <= max that does not cut s inside a UTF-8 sequence (s is well-formed). */
static apr_size_t char_cut(const char *s, apr_size_t max)
{
    while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

const char *cc_filename_sanitize(apr_pool_t *p, const char *raw)
{
    const char *s, *q, *dot;
    char *out, *o;
    apr_size_t len, extlen;
    int space = 0;

    if (!raw)
        return "document";
    for (s = q = raw; *q; q++)
        if (*q == '/' || *q == '\\')
            s = q + 1;
    /* the worst case: every byte ill-formed, each a 3-byte U+FFFD */
    out = o = apr_palloc(p, 3 * strlen(s) + 1);
    while (*s) {
        long cp;
        apr_size_t n = cc_utf8_decode((const unsigned char *)s, (apr_size_t)(q - s), &cp);
        if (cp == ' ' || (cp >= '\t' && cp <= '\r')) {
            space = 1;
        }
        else if (cp < 0) {
            if (space && o > out)
                *o++ = ' ';
            space = 0;
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
        }
        else if (!dropped(cp)) {
            if (space && o > out)
                *o++ = ' ';
            space = 0;
            memcpy(o, s, n);
            o += n;
        }
        s += n;
    }
    *o = '\0';
    for (s = out; is_strip(*s); s++)
        ;
    len = rstrip(s, (apr_size_t)(o - s));
    if (!len)
        return "document";
    if (len <= 255)
        return apr_pstrmemdup(p, s, len);

    /* Too long: keep a short extension whole and cut the stem before it. The stem keeps its
     * first character (not a dot), so it cannot become empty. */
    dot = NULL;
    for (q = s + len; q > s + 1; q--)
        if (q[-1] == '.') {
            dot = q - 1;
            break;
        }
    extlen = dot ? (apr_size_t)(s + len - dot) : 0;
    if (extlen > 16)
        extlen = 0;
    {
        apr_size_t stem = rstrip(s, char_cut(s, 255 - extlen));
        char *r = apr_palloc(p, stem + extlen + 1);
        memcpy(r, s, stem);
        memcpy(r + stem, s + len - extlen, extlen);
        r[stem + extlen] = '\0';
        return r;
    }
}

const char *cc_content_disposition(apr_pool_t *p, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    apr_size_t n, i;
    char *fallback, *enc, *e;

    if (!name || !*name)
        name = "document";
    n = strlen(name);
    fallback = apr_palloc(p, n + 1);
    enc = e = apr_palloc(p, 3 * n + 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        /* controls too: the name should be sanitised, but a CR or LF here would split the
         * response header */
        fallback[i] = (c >= 0x80 || c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '_' : (char)c;
        if (is_attr_char(c))
            *e++ = (char)c;
        else {
            *e++ = '%';
            *e++ = hex[c >> 4];
            *e++ = hex[c & 15];
        }
    }
    fallback[n] = '\0';
    *e = '\0';
    return apr_pstrcat(p, "attachment; filename=\"", fallback, "\"; filename*=UTF-8''", enc, NULL);
}
