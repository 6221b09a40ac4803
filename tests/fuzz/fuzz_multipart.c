/* libFuzzer harness for core/multipart.c (`make fuzz-short`, `make fuzz`).
 *
 * Input: byte 0 picks how the body is cut into pieces, byte 1 the boundary, byte 2 whether a
 * callback aborts (and which), the rest is the body. The body is parsed cut that way and in one
 * piece; both runs must agree (status, error, every callback's content), and the callbacks
 * check the parser's promises as they come. The filename helpers run on the body as a string
 * and on every name and filename the parser hands out. A broken invariant aborts. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "../../core/multipart.h"
#include "../../core/validate.h"
#include "fuzz.h"

static const char *const BOUNDARIES[] = {
    "AaB03x",
    "b",
    "-",
    "----WebKitFormBoundary7MA4YWxkTrZu0gW",
    "a b'()+_,-./:=?z",
    "0123456789012345678901234567890123456789012345678901234567890123456789"};
#define NBOUNDARIES (sizeof(BOUNDARIES) / sizeof(BOUNDARIES[0]))

static apr_pool_t *root;

typedef struct {
    apr_pool_t *p;
    apr_size_t input; /* the body's size */
    apr_size_t data;  /* data bytes delivered */
    int in_part, begins, ends, calls, abort_at, aborted;
    uint64_t hash; /* FNV-1a over every callback's content: equal runs hash equal */
} run_t;

static void hash(run_t *r, const void *s, apr_size_t n)
{
    const unsigned char *u = s;
    apr_size_t i;
    for (i = 0; i < n; i++)
        r->hash = (r->hash ^ u[i]) * 1099511628211ULL;
}

/* Strictly valid UTF-8 with no controls (C0, DEL, C1)? */
static int clean_utf8(const unsigned char *u)
{
    while (*u) {
        int n = *u < 0x80                  ? 0
                : *u >= 0xc2 && *u <= 0xdf ? 1
                : *u >= 0xe0 && *u <= 0xef ? 2
                : *u >= 0xf0 && *u <= 0xf4 ? 3
                                           : -1;
        int i;
        if (n < 0 || *u < 0x20 || *u == 0x7f || (u[0] == 0xc2 && u[1] < 0xa0))
            return 0;
        for (i = 1; i <= n; i++)
            if ((u[i] & 0xc0) != 0x80)
                return 0;
        if ((u[0] == 0xe0 && u[1] < 0xa0) || (u[0] == 0xed && u[1] > 0x9f)
            || (u[0] == 0xf0 && u[1] < 0x90) || (u[0] == 0xf4 && u[1] > 0x8f))
            return 0;
        u += n + 1;
    }
    return 1;
}

/* The filename helpers on one raw string. */
static void check_filename(apr_pool_t *p, const char *raw)
{
    const char *s = cc_filename_sanitize(p, raw), *cd, *q, *e;
    apr_size_t n;
    char *decoded, *d;

    CHECK(s != NULL);
    n = strlen(s);
    CHECK(n >= 1 && n <= 255);
    CHECK(clean_utf8((const unsigned char *)s));
    CHECK(!strpbrk(s, "/\\<>:\"|?*\t"));
    CHECK(s[0] != '.' && s[0] != ' ' && s[n - 1] != '.' && s[n - 1] != ' ');
    CHECK(!strstr(s, "  "));
    CHECK(!strcmp(cc_filename_sanitize(p, s), s));

    cd = cc_content_disposition(p, s);
    CHECK(!strncmp(cd, "attachment; filename=\"", 22));
    for (q = cd; *q; q++)
        CHECK(*q >= 0x20 && *q < 0x7f);
    /* the fallback is exactly as long as the name and holds no quote or backslash */
    q = cd + 22;
    e = strchr(q, '"');
    CHECK(e && (apr_size_t)(e - q) == n && !memchr(q, '\\', n));
    CHECK(!strncmp(e, "\"; filename*=UTF-8''", 20));
    /* the encoded form decodes back to the name */
    decoded = d = apr_palloc(p, strlen(e) + 1);
    for (q = e + 20; *q; q++) {
        if (*q == '%') {
            CHECK(cc_hex_digit(q[1]) >= 0 && cc_hex_digit(q[2]) >= 0);
            *d++ = (char)(cc_hex_digit(q[1]) * 16 + cc_hex_digit(q[2]));
            q += 2;
        }
        else {
            CHECK(strchr("!#$&+-.^_`|~", *q) || (*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z')
                  || (*q >= 'A' && *q <= 'Z'));
            *d++ = *q;
        }
    }
    *d = '\0';
    CHECK(!strcmp(decoded, s));
}

static int on_begin(void *ctx, const cc_mp_part_t *part)
{
    run_t *r = ctx;
    CHECK(!r->aborted);
    CHECK(!r->in_part);
    CHECK(part && part->name && part->name[0]);
    r->in_part = 1;
    r->begins++;
    CHECK(r->begins <= CC_MP_MAX_PARTS);
    hash(r, "B", 1);
    hash(r, part->name, strlen(part->name) + 1);
    hash(r, part->filename ? part->filename : "", part->filename ? strlen(part->filename) + 1 : 0);
    hash(r, part->content_type ? part->content_type : "",
         part->content_type ? strlen(part->content_type) + 1 : 0);
    check_filename(r->p, part->name);
    if (part->filename)
        check_filename(r->p, part->filename);
    return (r->aborted = ++r->calls == r->abort_at);
}

static int on_data(void *ctx, const char *data, apr_size_t len)
{
    run_t *r = ctx;
    CHECK(!r->aborted);
    CHECK(r->in_part);
    CHECK(data && len > 0);
    r->data += len;
    CHECK(r->data <= r->input);
    hash(r, data, len);
    return (r->aborted = ++r->calls == r->abort_at);
}

static int on_end(void *ctx)
{
    run_t *r = ctx;
    CHECK(!r->aborted);
    CHECK(r->in_part);
    r->in_part = 0;
    r->ends++;
    hash(r, "E", 1);
    return (r->aborted = ++r->calls == r->abort_at);
}

static const cc_mp_callbacks_t CALLBACKS = {on_begin, on_data, on_end};

/* The size of the next piece under pattern `how`; *seed drives the random ones. */
static apr_size_t piece(unsigned how, uint32_t *seed, apr_size_t dlen)
{
    static const apr_size_t fixed[] = {(apr_size_t)-1, 1, 2, 3, 7, 64};
    if (how < sizeof(fixed) / sizeof(fixed[0]))
        return fixed[how];
    *seed = *seed * 1103515245u + 12345u;
    /* around the delimiter's length, where splits matter; or anything up to 4 KiB */
    return how == 6 ? 1 + (*seed >> 16) % (2 * dlen + 2) : 1 + (*seed >> 16) % 4096;
}

static cc_mp_status_t parse(run_t *r, const char *boundary, const char *body, apr_size_t len,
                            unsigned how, uint32_t seed, const char **error)
{
    cc_mp_t *mp = cc_mp_create(r->p, boundary, &CALLBACKS, r);
    cc_mp_status_t st = CC_MP_OK, prev = CC_MP_OK, fin;
    apr_size_t at = 0;

    CHECK(cc_mp_error(mp) == NULL);
    while (at < len) {
        apr_size_t n = piece(how, &seed, strlen(boundary) + 4);
        if (n > len - at)
            n = len - at;
        st = cc_mp_feed(mp, body + at, n);
        /* statuses only move away from OK, and stay */
        CHECK(prev == CC_MP_OK || st == prev);
        CHECK((st == CC_MP_ABORTED) == r->aborted);
        prev = st;
        at += n;
    }
    fin = cc_mp_finish(mp);
    CHECK(fin != CC_MP_OK);
    CHECK(st == CC_MP_OK || fin == st);
    CHECK(cc_mp_finish(mp) == fin);
    *error = cc_mp_error(mp);
    CHECK((fin == CC_MP_ERROR) == (*error != NULL));
    if (*error)
        CHECK(!strncmp(*error, "Malformed multipart body: ", 26));
    if (fin == CC_MP_DONE) {
        /* done means a close delimiter was in the body, and every part ended */
        const char *close = apr_pstrcat(r->p, "--", boundary, "--", NULL);
        CHECK(memmem(body, len, close, strlen(close)) != NULL);
        CHECK(!r->in_part && r->begins == r->ends);
    }
    CHECK(r->ends <= r->begins && r->begins - r->ends <= 1);
    if (fin == CC_MP_ABORTED)
        CHECK(r->aborted && r->calls == r->abort_at);
    return fin;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&root, NULL) != APR_SUCCESS)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
    apr_pool_t *p;
    const char *boundary, *body, *err1, *err2, *b;
    char *text;
    apr_size_t len;
    run_t r1, r2;
    cc_mp_status_t s1, s2;
    unsigned how;

    if (size < 3)
        return 0;
    apr_pool_create(&p, root);
    how = in[0] % 8;
    boundary = BOUNDARIES[in[1] % NBOUNDARIES];
    body = (const char *)in + 3;
    len = size - 3;

    memset(&r1, 0, sizeof(r1));
    r1.p = p;
    r1.input = len;
    r1.hash = 14695981039346656037ULL;
    r1.abort_at = in[2] >= 0xf0 ? in[2] - 0xef : 0;
    r2 = r1;
    r2.abort_at = 0;
    s1 = parse(&r1, boundary, body, len, how, in[0], &err1);
    s2 = parse(&r2, boundary, body, len, 0, 0, &err2);
    if (s1 != CC_MP_ABORTED) {
        /* however the body is cut, the same callbacks with the same content */
        CHECK(s1 == s2);
        CHECK((!err1 && !err2) || (err1 && err2 && !strcmp(err1, err2)));
        CHECK(r1.hash == r2.hash && r1.data == r2.data && r1.begins == r2.begins
              && r1.ends == r2.ends);
    }

    /* the body as a string: a filename, and a Content-Type */
    text = apr_pstrmemdup(p, body, len > 1024 ? 1024 : len);
    check_filename(p, text);
    b = cc_mp_boundary(p, text);
    if (!b)
        b = cc_mp_boundary(p, apr_pstrcat(p, "multipart/form-data; boundary=", text, NULL));
    if (b) {
        apr_size_t i, n = strlen(b);
        CHECK(n >= 1 && n <= CC_MP_MAX_BOUNDARY && b[n - 1] != ' ');
        for (i = 0; i < n; i++)
            CHECK(strchr("'()+_,-./:=? ", b[i]) || (b[i] >= '0' && b[i] <= '9')
                  || (b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z'));
        CHECK(cc_mp_error(cc_mp_create(p, b, NULL, NULL)) == NULL);
    }
    apr_pool_destroy(p);
    return 0;
}
