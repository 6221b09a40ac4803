/* Unit tests for core/multipart.c: the streaming multipart/form-data parser, the boundary of a
 * Content-Type, and the filename helpers. */
#include <string.h>
#include <check.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "../../core/multipart.h"
#include "suites.h"

#define B "AaB03x"
#define M "Malformed multipart body: "
/* a string literal and its length, for bodies that may hold NUL bytes */
#define LIT(s) s, sizeof(s) - 1

/* ---- a parser run whose callbacks write an event log ---- */

/* The log: "<name|filename|content-type>" at part_begin ("-" for NULL), the data as delivered,
 * "</>" at part_end. Pieces of data join, so every chunking of a body logs the same. */
typedef struct {
    apr_pool_t *p;
    char *log;
    apr_size_t len, cap;
    int calls;    /* callbacks so far */
    int abort_at; /* the callback (1-based) that answers nonzero; 0: none */
    apr_size_t max_piece;
    int data_calls;
} coll_t;

typedef struct {
    cc_mp_status_t status;
    const char *error;
    const char *log;
    apr_size_t len;
    int data_calls;
} result_t;

static void append(coll_t *c, const char *s, apr_size_t n)
{
    if (c->len + n + 1 > c->cap) {
        char *grown;
        c->cap = (c->len + n + 1) * 2;
        grown = apr_palloc(c->p, c->cap);
        if (c->len)
            memcpy(grown, c->log, c->len);
        c->log = grown;
    }
    memcpy(c->log + c->len, s, n);
    c->len += n;
    c->log[c->len] = '\0';
}

static int on_begin(void *ctx, const cc_mp_part_t *part)
{
    coll_t *c = ctx;
    const char *s =
        apr_psprintf(c->p, "<%s|%s|%s>", part->name, part->filename ? part->filename : "-",
                     part->content_type ? part->content_type : "-");
    ck_assert_ptr_nonnull(part->name);
    append(c, s, strlen(s));
    return ++c->calls == c->abort_at;
}

static int on_data(void *ctx, const char *data, apr_size_t len)
{
    coll_t *c = ctx;
    ck_assert_uint_gt(len, 0);
    if (len > c->max_piece)
        c->max_piece = len;
    c->data_calls++;
    append(c, data, len);
    return ++c->calls == c->abort_at;
}

static int on_end(void *ctx)
{
    coll_t *c = ctx;
    append(c, "</>", 3);
    return ++c->calls == c->abort_at;
}

static const cc_mp_callbacks_t CALLBACKS = {on_begin, on_data, on_end};

/* Feeds body cut at cuts[0..ncuts) (increasing), then finishes. */
static result_t run_cuts(apr_pool_t *p, const char *boundary, const char *body, apr_size_t len,
                         const apr_size_t *cuts, int ncuts, int abort_at)
{
    coll_t c;
    result_t r;
    cc_mp_t *mp;
    apr_size_t at = 0;
    int i;

    memset(&c, 0, sizeof(c));
    c.p = p;
    c.abort_at = abort_at;
    append(&c, "", 0);
    mp = cc_mp_create(p, boundary, &CALLBACKS, &c);
    for (i = 0; i <= ncuts; i++) {
        apr_size_t to = i < ncuts ? cuts[i] : len;
        cc_mp_feed(mp, body + at, to - at);
        at = to;
    }
    r.status = cc_mp_finish(mp);
    r.error = cc_mp_error(mp);
    r.log = c.log;
    r.len = c.len;
    r.data_calls = c.data_calls;
    return r;
}

static result_t run(const char *body, apr_size_t len)
{
    return run_cuts(cc_test_pool, B, body, len, NULL, 0, 0);
}

static void assert_log(result_t r, const char *expected, apr_size_t len)
{
    ck_assert_msg(r.len == len && !memcmp(r.log, expected, len), "log is \"%s\", not \"%s\"", r.log,
                  expected);
}

static void assert_ok(result_t r, const char *expected_log, apr_size_t len)
{
    ck_assert_msg(r.status == CC_MP_DONE, "status %d: %s", r.status, r.error ? r.error : "");
    ck_assert_ptr_null(r.error);
    assert_log(r, expected_log, len);
}

static void assert_error(result_t r, const char *error)
{
    ck_assert_int_eq(r.status, CC_MP_ERROR);
    ck_assert_ptr_nonnull(r.error);
    ck_assert_str_eq(r.error, error);
}

static void assert_same(result_t a, result_t b, const char *how)
{
    ck_assert_msg(a.status == b.status, "%s: status %d, not %d", how, a.status, b.status);
    ck_assert_msg((!a.error && !b.error) || (a.error && b.error && !strcmp(a.error, b.error)),
                  "%s: error \"%s\", not \"%s\"", how, a.error ? a.error : "(null)",
                  b.error ? b.error : "(null)");
    ck_assert_msg(a.len == b.len && !memcmp(a.log, b.log, a.len), "%s: log \"%s\", not \"%s\"", how,
                  a.log, b.log);
}

/* Every chunking of body gives the one-shot result: 1-byte pieces, every split point and (for
 * short bodies) every pair of split points. */
static void assert_chunking_free(const char *body, apr_size_t len)
{
    result_t whole = run(body, len), r;
    apr_pool_t *sub;
    apr_size_t cuts[2], *ones;
    apr_size_t i, j;

    ck_assert_int_eq(apr_pool_create(&sub, cc_test_pool), APR_SUCCESS);
    ones = apr_palloc(cc_test_pool, (len + 1) * sizeof(*ones));
    for (i = 0; i < len; i++)
        ones[i] = i;
    r = run_cuts(sub, B, body, len, ones, (int)len, 0);
    assert_same(r, whole, "1-byte pieces");
    for (i = 0; i <= len; i++) {
        apr_pool_clear(sub);
        cuts[0] = i;
        r = run_cuts(sub, B, body, len, cuts, 1, 0);
        assert_same(r, whole, apr_psprintf(cc_test_pool, "split at %lu", (unsigned long)i));
    }
    if (len <= 400)
        for (i = 0; i <= len; i++)
            for (j = i; j <= len; j++) {
                apr_pool_clear(sub);
                cuts[0] = i;
                cuts[1] = j;
                r = run_cuts(sub, B, body, len, cuts, 2, 0);
                if (r.status != whole.status || r.len != whole.len)
                    assert_same(r, whole,
                                apr_psprintf(cc_test_pool, "split at %lu and %lu", (unsigned long)i,
                                             (unsigned long)j));
            }
    apr_pool_destroy(sub);
}

/* ---- bodies ---- */

#define SIMPLE                                                                                     \
    "--" B "\r\n"                                                                                  \
    "Content-Disposition: form-data; name=\"field1\"\r\n"                                          \
    "\r\n"                                                                                         \
    "Joe Blow\r\n"                                                                                 \
    "--" B "\r\n"                                                                                  \
    "Content-Disposition: form-data; name=\"empty\"\r\n"                                           \
    "\r\n"                                                                                         \
    "\r\n"                                                                                         \
    "--" B "\r\n"                                                                                  \
    "content-disposition: form-data; name=\"pics\"; filename=\"file1.txt\"\r\n"                    \
    "Content-Type: text/plain\r\n"                                                                 \
    "\r\n"                                                                                         \
    "...contents of file1.txt...\r\n"                                                              \
    "--" B "--\r\n"

#define SIMPLE_LOG                                                                                 \
    "<field1|-|->Joe Blow</><empty|-|-></><pics|file1.txt|text/plain>...contents of file1.txt..."  \
    "</>"

/* A field whose value is v. */
#define FIELD(v)                                                                                   \
    "--" B "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n" v "\r\n--" B "--\r\n"

/* A part with the header lines h (each with its CRLF) and data "x". */
#define HEADERS(h) "--" B "\r\n" h "\r\nx\r\n--" B "--\r\n"
#define CD "Content-Disposition: "

/* ---- parsing ---- */

START_TEST(test_simple)
{
    assert_ok(run(LIT(SIMPLE)), LIT(SIMPLE_LOG));
}
END_TEST

START_TEST(test_simple_every_chunking)
{
    assert_chunking_free(LIT(SIMPLE));
}
END_TEST

START_TEST(test_errors_every_chunking)
{
    /* an error found at different places must be the same error, with the same data before */
    assert_chunking_free(LIT(FIELD("abc\r\n--" B "x")));
    assert_chunking_free(LIT("--" B "\r\n" CD "form-data; name=a\r\n\r\nab\r\n--" B));
    assert_chunking_free(LIT(HEADERS(CD "form-data; name=a\r\nX-Bad\r\n")));
    assert_chunking_free(LIT(HEADERS(CD "form-data; name=a\n")));
}
END_TEST

START_TEST(test_delimiter_lookalikes_in_data)
{
    static const char *const values[] = {"\r\n",
                                         "a\r\nb",
                                         "\r\n-",
                                         "\r\n--",
                                         "\r\n--A",
                                         "\r\n--AaB03",
                                         "x\r\n--AaB03",
                                         "\r\n--AaB03\r\n--AaB03",
                                         "\r\r\n\r\n-\r\n--",
                                         "--" B,
                                         "a--" B "--",
                                         "\r",
                                         "-",
                                         "\n",
                                         "\r\n--AaB03y",
                                         "\r\n--aab03x"};
    apr_size_t i;
    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        const char *body = apr_pstrcat(
            cc_test_pool, "--" B "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n",
            values[i], "\r\n--" B "--\r\n", NULL);
        const char *log = apr_pstrcat(cc_test_pool, "<f|-|->", values[i], "</>", NULL);
        assert_ok(run(body, strlen(body)), log, strlen(log));
        assert_chunking_free(body, strlen(body));
    }
}
END_TEST

START_TEST(test_binary_data)
{
    const char *head = "--" B "\r\n" CD "form-data; name=bin; filename=b.bin\r\n\r\n";
    const char *tail = "\r\n--" B "--\r\n";
    apr_size_t n = 5000, hl = strlen(head), tl = strlen(tail), i;
    char *body = apr_palloc(cc_test_pool, hl + n + tl);
    char *log = apr_palloc(cc_test_pool, n + 64);
    unsigned int x = 12345;
    apr_size_t ll;

    memcpy(body, head, hl);
    for (i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        /* plenty of CRs, LFs and dashes among random bytes (NUL included) */
        body[hl + i] = "\r\n-A\0"[(x >> 16) % 5];
        if ((x >> 8) % 3 == 0)
            body[hl + i] = (char)(x >> 20);
    }
    memcpy(body + hl + n, tail, tl);
    ll = strlen("<bin|b.bin|->");
    memcpy(log, "<bin|b.bin|->", ll);
    memcpy(log + ll, body + hl, n);
    memcpy(log + ll + n, "</>", 3);
    assert_ok(run(body, hl + n + tl), log, ll + n + 3);
    {
        apr_size_t cuts[3] = {hl + 1, hl + 2000, hl + n + 3};
        assert_ok(run_cuts(cc_test_pool, B, body, hl + n + tl, cuts, 3, 0), log, ll + n + 3);
    }
}
END_TEST

START_TEST(test_streams_without_buffering)
{
    /* data is handed on as it comes; only a possible delimiter start is kept back */
    coll_t c;
    cc_mp_t *mp;
    static const char head[] = "--" B "\r\n" CD "form-data; name=f\r\n\r\n";
    static char big[1 << 16];

    memset(&c, 0, sizeof(c));
    c.p = cc_test_pool;
    append(&c, "", 0);
    mp = cc_mp_create(cc_test_pool, B, &CALLBACKS, &c);
    ck_assert_int_eq(cc_mp_feed(mp, LIT(head)), CC_MP_OK);
    assert_log((result_t){0, NULL, c.log, c.len, 0}, LIT("<f|-|->"));
    ck_assert_int_eq(cc_mp_feed(mp, LIT("abc\r\n--AaB")), CC_MP_OK);
    assert_log((result_t){0, NULL, c.log, c.len, 0}, LIT("<f|-|->abc"));
    ck_assert_int_eq(cc_mp_feed(mp, LIT("0")), CC_MP_OK); /* still a delimiter's start */
    assert_log((result_t){0, NULL, c.log, c.len, 0}, LIT("<f|-|->abc"));
    ck_assert_int_eq(cc_mp_feed(mp, LIT("1")), CC_MP_OK);
    assert_log((result_t){0, NULL, c.log, c.len, 0}, LIT("<f|-|->abc\r\n--AaB01"));
    ck_assert_int_eq(cc_mp_feed(mp, LIT("\r")), CC_MP_OK);
    assert_log((result_t){0, NULL, c.log, c.len, 0}, LIT("<f|-|->abc\r\n--AaB01"));
    ck_assert_int_eq(cc_mp_feed(mp, LIT("\r")), CC_MP_OK);
    assert_log((result_t){0, NULL, c.log, c.len, 0}, LIT("<f|-|->abc\r\n--AaB01\r"));

    /* a large piece goes out in one call, whatever its content */
    memset(big, 'z', sizeof(big));
    c.data_calls = 0;
    c.max_piece = 0;
    ck_assert_int_eq(cc_mp_feed(mp, big, sizeof(big)), CC_MP_OK);
    ck_assert_int_eq(c.data_calls, 2); /* the held CR, then the piece */
    ck_assert_uint_eq(c.max_piece, sizeof(big));
    ck_assert_int_eq(cc_mp_feed(mp, LIT("\r\n--" B "--")), CC_MP_DONE);
    ck_assert_int_eq(cc_mp_finish(mp), CC_MP_DONE);
}
END_TEST

START_TEST(test_preamble_and_epilogue)
{
    /* a preamble (with a boundary that does not start a line) and an epilogue are ignored */
    assert_ok(run(LIT("This is the preamble.\r\nx--" B "\r\n\r\n--" B "\r\n" CD
                      "form-data; name=a\r\n\r\n1\r\n--" B "--\r\nThis is the epilogue.\r\n--" B
                      "\r\n" CD "form-data; name=b\r\n\r\n2\r\n--" B "--\r\n")),
              LIT("<a|-|->1</>"));
    /* the body may start with CRLF before the first boundary */
    assert_ok(run(LIT("\r\n--" B "\r\n" CD "form-data; name=a\r\n\r\n1\r\n--" B "--")),
              LIT("<a|-|->1</>"));
    /* the closing boundary needs no CRLF; a form without fields has only it */
    assert_ok(run(LIT("--" B "--")), LIT(""));
    assert_ok(run(LIT("--" B "--\r\n")), LIT(""));
    /* garbage after the closing boundary is epilogue */
    assert_ok(run(LIT(FIELD("v") "\0\r\n--" B "\r\nnot a header\r\n")), LIT("<f|-|->v</>"));
    assert_chunking_free(LIT("pre\r\n--" B "--\r\n--" B "\r\npost"));
}
END_TEST

START_TEST(test_transport_padding)
{
    assert_ok(run(LIT("--" B " \t \r\n" CD "form-data; name=a\r\n\r\n1\r\n--" B "\t\r\n" CD
                      "form-data; name=b\r\n\r\n2\r\n--" B "-- \r\n")),
              LIT("<a|-|->1</><b|-|->2</>"));
    assert_error(run(LIT("--" B " x\r\n")), M "a boundary line has unexpected characters.");
    assert_error(run(LIT("--" B "x\r\n")), M "a boundary line has unexpected characters.");
    assert_error(run(LIT("--" B " -\r\n")), M "a boundary line has unexpected characters.");
    assert_error(run(LIT("--" B "-x")), M "a boundary line has unexpected characters.");
    assert_error(run(LIT("--" B "\rx")), M "a boundary line does not end in CRLF.");
    assert_error(run(LIT("--" B "\n")), M "a boundary line has unexpected characters.");
}
END_TEST

START_TEST(test_missing_closing_boundary)
{
    static const char *const bodies[] = {
        "",
        "preamble only",
        "--" B,
        "--" B "-",
        "--" B "\r",
        "--" B "\r\n",
        "--" B "\r\n" CD "form-data; name=a",     /* in a header line */
        "--" B "\r\n" CD "form-data; name=a\r\n", /* before the empty line */
        "--" B "\r\n" CD "form-data; name=a\r\n\r\n",
        "--" B "\r\n" CD "form-data; name=a\r\n\r\ndata",
        "--" B "\r\n" CD "form-data; name=a\r\n\r\ndata\r\n--" B,
        "--" B "\r\n" CD "form-data; name=a\r\n\r\ndata\r\n--" B "\r\n",
        "--" B "\r\n" CD "form-data; name=a\r\n\r\ndata\r\n--" B "-",
    };
    apr_size_t i;
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        result_t r = run(bodies[i], strlen(bodies[i]));
        assert_error(r, M "missing closing boundary.");
    }
    /* the data came out, but the part never ended */
    assert_log(run(LIT("--" B "\r\n" CD "form-data; name=a\r\n\r\ndata\r\n--" B)),
               LIT("<a|-|->data"));
}
END_TEST

START_TEST(test_bad_header_lines)
{
    assert_error(run(LIT(HEADERS(CD "form-data; name=a\r\nNo colon here\r\n"))),
                 M "a header line has no colon.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=a\r\nX-Long: 1\r\n\t2\r\n"))),
                 M "folded header lines are not allowed.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=a\nContent-Type: text/plain\r\n"))),
                 M "a header line does not end in CRLF.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=a\rContent-Type: text/plain\r\n"))),
                 M "a header line does not end in CRLF.");
    assert_error(run(LIT("--" B "\r\n" CD "form-data; name=a\r\n\n")),
                 M "a header line does not end in CRLF.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=\"a\0b\"\r\n"))),
                 M "a header holds a NUL byte.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=a\r\nX-Other: \0\r\n"))),
                 M "a header holds a NUL byte.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=a\r\n: value\r\n"))),
                 M "a header line has a malformed name.");
    assert_error(run(LIT(HEADERS("Content-Disposition : form-data; name=a\r\n"))),
                 M "a header line has a malformed name.");
    assert_error(run(LIT(HEADERS(""))), M "a part has no Content-Disposition header.");
    assert_error(run(LIT(HEADERS("Content-Type: text/plain\r\n"))),
                 M "a part has no Content-Disposition header.");
    assert_error(run(LIT(HEADERS(CD "attachment; name=a\r\n"))),
                 M "a part's Content-Disposition is not form-data.");
    assert_error(run(LIT(HEADERS(CD "form-datax; name=a\r\n"))),
                 M "a part's Content-Disposition is not form-data.");
    assert_error(run(LIT(HEADERS(CD "form-data\r\n"))), M "a part has no name.");
    assert_error(run(LIT(HEADERS(CD "form-data; filename=a.txt\r\n"))), M "a part has no name.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=\"\"\r\n"))), M "a part has no name.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=a\r\n" CD "form-data; name=b\r\n"))),
                 M "a part has two Content-Disposition headers.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=a\r\nContent-Type: a/b\r\n"
                                    "content-type: c/d\r\n"))),
                 M "a part has two Content-Type headers.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=a; NAME=b\r\n"))),
                 M "a Content-Disposition parameter is repeated.");
    assert_error(run(LIT(HEADERS(CD "form-data; name=a; filename=x; filename=y\r\n"))),
                 M "a Content-Disposition parameter is repeated.");
    {
        static const char *const bad[] = {"form-data; name=\"a\r\n",
                                          "form-data; name=\"a\\\"\r\n",
                                          "form-data; name\r\n",
                                          "form-data; name=\r\n",
                                          "form-data; name=a;\r\n",
                                          "form-data; name = a\r\n",
                                          "form-data name=a\r\n",
                                          "form-data; name=a b\r\n",
                                          "form-data; name=\xc3\xa9\r\n",
                                          "form-data;; name=a\r\n",
                                          "form-data; =a\r\n",
                                          "form-data; name=\"a\"x\r\n"};
        apr_size_t i;
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            const char *body =
                apr_pstrcat(cc_test_pool, "--" B "\r\n" CD, bad[i], "\r\nx\r\n--" B "--", NULL);
            assert_error(run(body, strlen(body)),
                         M "a part has a malformed Content-Disposition header.");
        }
    }
}
END_TEST

START_TEST(test_headers_case_and_whitespace)
{
    assert_ok(run(LIT(HEADERS("CONTENT-DISPOSITION:FORM-DATA; NAME=up; FileName=\"a.txt\"\r\n"
                              "content-TYPE: \t image/png ; q=1 \t\r\n"
                              "X-Ignored: yes\r\n"
                              "Content-Transfer-Encoding: 8bit\r\n"))),
              LIT("<up|a.txt|image/png ; q=1>x</>"));
    assert_ok(run(LIT(HEADERS(CD " form-data ;name=a;  filename=b\t; other=\"c\" \r\n"))),
              LIT("<a|b|->x</>"));
    /* an empty Content-Type value is present, and empty */
    assert_ok(run(LIT(HEADERS(CD "form-data; name=a\r\nContent-Type:\r\n"))), LIT("<a|-|>x</>"));
}
END_TEST

START_TEST(test_quoted_parameters)
{
    assert_ok(run(LIT(HEADERS(
                  CD "form-data; name=\"a\\\"b\\\\c\"; filename=\"x\\;y; z=\\\"w.txt\"\r\n"))),
              LIT("<a\"b\\c|x\\;y; z=\"w.txt|->x</>"));
    /* a backslash before anything but '"' or '\\' is itself: a Windows path, as browsers send it */
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f; filename=\"C:\\Users\\asha\\cv.pdf\"\r\n"))),
              LIT("<f|C:\\Users\\asha\\cv.pdf|->x</>"));
    /* bytes beyond ASCII are kept raw in quoted-strings (browsers send UTF-8 names so) */
    assert_ok(
        run(LIT(HEADERS(CD "form-data; name=\"caf\xc3\xa9\"; filename=\"\xe2\x82\xac.pdf\"\r\n"))),
        LIT("<caf\xc3\xa9|\xe2\x82\xac.pdf|->x</>"));
    /* browsers percent-encode quotes in names; that is left to the caller */
    assert_ok(run(LIT(HEADERS(CD "form-data; name=\"f\"; filename=\"a%22b\"\r\n"))),
              LIT("<f|a%22b|->x</>"));
}
END_TEST

static int keep_part(void *ctx, const cc_mp_part_t *part)
{
    *(cc_mp_part_t *)ctx = *part;
    return 0;
}

START_TEST(test_filename_null_or_empty)
{
    static const cc_mp_callbacks_t cb = {keep_part, NULL, NULL};
    cc_mp_part_t part;
    cc_mp_t *mp;

    /* absent and empty differ: a file input left empty sends filename="" */
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f; filename=\"\"\r\n"))), LIT("<f||->x</>"));
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f\r\n"))), LIT("<f|-|->x</>"));
    mp = cc_mp_create(cc_test_pool, B, &cb, &part);
    ck_assert_int_eq(cc_mp_feed(mp, LIT(HEADERS(CD "form-data; name=f; filename=\"\"\r\n"))),
                     CC_MP_DONE);
    ck_assert_ptr_nonnull(part.filename);
    ck_assert_str_eq(part.filename, "");
    ck_assert_ptr_null(part.content_type);
    mp = cc_mp_create(cc_test_pool, B, &cb, &part);
    ck_assert_int_eq(cc_mp_feed(mp, LIT(HEADERS(CD "form-data; name=f\r\n"))), CC_MP_DONE);
    ck_assert_ptr_null(part.filename);
    ck_assert_str_eq(part.name, "f");
}
END_TEST

START_TEST(test_filename_ext)
{
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f; filename*=UTF-8''%e2%82%AC%20rates.txt\r\n"))),
              LIT("<f|\xe2\x82\xac rates.txt|->x</>"));
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f; filename*=utf-8'en-GB'a%2Fb\r\n"))),
              LIT("<f|a/b|->x</>"));
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f; filename*=iso-8859-1'en'%A3%20rates%FF\r\n"))),
              LIT("<f|\xc2\xa3 rates\xc3\xbf|->x</>"));
    /* filename* wins over filename, in either order */
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f; filename=\"EURO rates\"; "
                                 "filename*=UTF-8''%E2%82%AC%20rates\r\n"))),
              LIT("<f|\xe2\x82\xac rates|->x</>"));
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f; FILENAME*=UTF-8''new; filename=old\r\n"))),
              LIT("<f|new|->x</>"));
    /* quoted is tolerated (the grammar is a token) */
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f; filename*=\"UTF-8''a.txt\"\r\n"))),
              LIT("<f|a.txt|->x</>"));
    assert_ok(run(LIT(HEADERS(CD "form-data; name=f; filename*=UTF-8''\r\n"))), LIT("<f||->x</>"));
    {
        static const char *const bad[] = {
            "UTF-8''%2",   "UTF-8''%",       "UTF-8''%G0",  "UTF-8''%0g",        "UTF-8''%00",
            "KOI8-R''abc", "UTF-8'abc",      "UTF-8",       "\"UTF-8'e n'abc\"", "UTF-8'en'a'b",
            "''abc",       "\"UTF-8''a b\"", "UTF-16''abc", "\"UTF-8''a\\\"b\""};
        apr_size_t i;
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            const char *body =
                apr_pstrcat(cc_test_pool, "--" B "\r\n" CD "form-data; name=f; filename*=", bad[i],
                            "\r\n\r\nx\r\n--" B "--", NULL);
            assert_error(run(body, strlen(body)), M "a part has a malformed filename* parameter.");
        }
    }
}
END_TEST

START_TEST(test_limits)
{
    apr_size_t i;
    char *body;
    const char *part = "--" B "\r\n" CD "form-data; name=p\r\n\r\nv\r\n";
    const char *hdrs, *parts = "";

    /* parts */
    for (i = 0; i < CC_MP_MAX_PARTS; i++)
        parts = apr_pstrcat(cc_test_pool, parts, part, NULL);
    body = apr_pstrcat(cc_test_pool, parts, "--" B "--", NULL);
    ck_assert_int_eq(run(body, strlen(body)).status, CC_MP_DONE);
    body = apr_pstrcat(cc_test_pool, parts, part, "--" B "--", NULL);
    assert_error(run(body, strlen(body)), M "too many parts.");

    /* header lines: the Content-Disposition and 15 more, then one too many */
    hdrs = CD "form-data; name=h\r\n";
    for (i = 1; i < CC_MP_MAX_HEADERS; i++)
        hdrs = apr_pstrcat(cc_test_pool, hdrs, "X-H: 1\r\n", NULL);
    body = apr_pstrcat(cc_test_pool, "--" B "\r\n", hdrs, "\r\nx\r\n--" B "--", NULL);
    assert_ok(run(body, strlen(body)), LIT("<h|-|->x</>"));
    body = apr_pstrcat(cc_test_pool, "--" B "\r\n", hdrs, "X-H: 1\r\n\r\nx\r\n--" B "--", NULL);
    assert_error(run(body, strlen(body)), M "a part has too many header lines.");

    /* the header block: exactly CC_MP_MAX_HEADER_BLOCK bytes with its empty line, then one more */
    {
        const char *cd = CD "form-data; name=h\r\n";
        apr_size_t fill = CC_MP_MAX_HEADER_BLOCK - strlen(cd) - strlen("X-F: \r\n") - 2;
        char *v = apr_palloc(cc_test_pool, fill + 2);
        memset(v, 'v', fill + 1);
        v[fill] = '\0';
        body = apr_pstrcat(cc_test_pool, "--" B "\r\n", cd, "X-F: ", v, "\r\n\r\nx\r\n--" B "--",
                           NULL);
        assert_ok(run(body, strlen(body)), LIT("<h|-|->x</>"));
        v[fill] = 'v';
        v[fill + 1] = '\0';
        body = apr_pstrcat(cc_test_pool, "--" B "\r\n", cd, "X-F: ", v, "\r\n\r\nx\r\n--" B "--",
                           NULL);
        assert_error(run(body, strlen(body)), M "a part's header block is too large.");
        /* a header line without an end is bounded too */
        body = apr_pstrcat(cc_test_pool, "--" B "\r\n", cd, "X-F: ", v, v, NULL);
        assert_error(run(body, strlen(body)), M "a part's header block is too large.");
    }
}
END_TEST

START_TEST(test_abort)
{
    int at;
    /* SIMPLE makes 8 callbacks: begin, data, end, begin, end, begin, data, end */
    for (at = 1; at <= 8; at++) {
        result_t r = run_cuts(cc_test_pool, B, LIT(SIMPLE), NULL, 0, at);
        ck_assert_int_eq(r.status, CC_MP_ABORTED);
        ck_assert_ptr_null(r.error);
    }
    {
        /* no callback after the abort, and the status stays */
        coll_t c;
        cc_mp_t *mp;
        memset(&c, 0, sizeof(c));
        c.p = cc_test_pool;
        c.abort_at = 2;
        append(&c, "", 0);
        mp = cc_mp_create(cc_test_pool, B, &CALLBACKS, &c);
        ck_assert_int_eq(cc_mp_feed(mp, LIT("--" B "\r\n" CD "form-data; name=a\r\n\r\nab")),
                         CC_MP_ABORTED);
        ck_assert_int_eq(cc_mp_feed(mp, LIT("cd\r\n--" B "--")), CC_MP_ABORTED);
        ck_assert_int_eq(cc_mp_finish(mp), CC_MP_ABORTED);
        ck_assert_ptr_null(cc_mp_error(mp));
        ck_assert_str_eq(c.log, "<a|-|->ab");
        ck_assert_int_eq(c.calls, 2);
    }
    /* an abort at part_end of the last part is an abort, not done */
    ck_assert_int_eq(run_cuts(cc_test_pool, B, LIT(FIELD("v")), NULL, 0, 3).status, CC_MP_ABORTED);
}
END_TEST

START_TEST(test_sticky_states)
{
    coll_t c;
    cc_mp_t *mp;
    memset(&c, 0, sizeof(c));
    c.p = cc_test_pool;
    append(&c, "", 0);

    mp = cc_mp_create(cc_test_pool, B, &CALLBACKS, &c);
    ck_assert_ptr_null(cc_mp_error(mp));
    ck_assert_int_eq(cc_mp_feed(mp, NULL, 0), CC_MP_OK);
    ck_assert_int_eq(cc_mp_feed(mp, LIT("--" B "\r\nBad\r\n")), CC_MP_ERROR);
    ck_assert_int_eq(cc_mp_feed(mp, LIT(CD "form-data; name=a\r\n\r\nx\r\n--" B "--")),
                     CC_MP_ERROR);
    ck_assert_int_eq(cc_mp_finish(mp), CC_MP_ERROR);
    ck_assert_str_eq(cc_mp_error(mp), M "a header line has no colon.");
    ck_assert_int_eq(c.len, 0);

    mp = cc_mp_create(cc_test_pool, B, &CALLBACKS, &c);
    ck_assert_int_eq(cc_mp_feed(mp, LIT(FIELD("v"))), CC_MP_DONE);
    ck_assert_int_eq(cc_mp_feed(mp, LIT("--" B "\r\nBad\r\n")), CC_MP_DONE);
    ck_assert_int_eq(cc_mp_finish(mp), CC_MP_DONE);
    ck_assert_int_eq(cc_mp_finish(mp), CC_MP_DONE);
    ck_assert_ptr_null(cc_mp_error(mp));
    ck_assert_str_eq(c.log, "<f|-|->v</>");

    /* no callbacks at all is fine */
    mp = cc_mp_create(cc_test_pool, B, NULL, NULL);
    ck_assert_int_eq(cc_mp_feed(mp, LIT(SIMPLE)), CC_MP_DONE);

    /* a boundary the parser cannot use */
    assert_error(run_cuts(cc_test_pool, "", LIT(SIMPLE), NULL, 0, 0), M "the boundary is invalid.");
    assert_error(run_cuts(cc_test_pool, "a\r\nb", LIT(SIMPLE), NULL, 0, 0),
                 M "the boundary is invalid.");
}
END_TEST

START_TEST(test_other_boundaries)
{
    /* the longest boundary, one with spaces and specials, and a short one, each with data that
     * holds its delimiter less the last character, split everywhere */
    static const char *const bounds[] = {
        "0123456789012345678901234567890123456789012345678901234567890123456789",
        "a b'()+_,-./:=?z", "xy"};
    apr_size_t k;
    for (k = 0; k < sizeof(bounds) / sizeof(bounds[0]); k++) {
        const char *b = bounds[k];
        const char *data = apr_pstrcat(cc_test_pool, "\r\n--",
                                       apr_pstrndup(cc_test_pool, b, strlen(b) - 1), "\r\n-", NULL);
        const char *body = apr_pstrcat(cc_test_pool, "--", b, "\r\n" CD "form-data; name=a\r\n\r\n",
                                       data, "\r\n--", b, "--", NULL);
        const char *log = apr_pstrcat(cc_test_pool, "<a|-|->", data, "</>", NULL);
        apr_size_t len = strlen(body), i;
        result_t r = run_cuts(cc_test_pool, b, body, len, NULL, 0, 0);
        assert_ok(r, log, strlen(log));
        for (i = 0; i <= len; i++) {
            apr_size_t cut = i;
            assert_same(run_cuts(cc_test_pool, b, body, len, &cut, 1, 0), r, b);
        }
    }
}
END_TEST

/* ---- cc_mp_boundary ---- */

START_TEST(test_boundary)
{
    apr_pool_t *p = cc_test_pool;
    const char *b71 = "01234567890123456789012345678901234567890123456789012345678901234567890";
    ck_assert_str_eq(cc_mp_boundary(p, "multipart/form-data; boundary=AaB03x"), "AaB03x");
    ck_assert_str_eq(cc_mp_boundary(p, "Multipart/Form-Data;BOUNDARY=AaB03x"), "AaB03x");
    ck_assert_str_eq(cc_mp_boundary(p, " multipart/form-data ; charset=utf-8; boundary=\"a b:c\" "),
                     "a b:c");
    /* only \" and \\ are escapes (see param_value): "x\yz" keeps its backslash, which no
     * boundary may hold */
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=\"x\\yz\""));
    ck_assert_str_eq(
        cc_mp_boundary(p, "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
        "----WebKitFormBoundary7MA4YWxkTrZu0gW");
    ck_assert_str_eq(
        cc_mp_boundary(p, apr_pstrcat(p, "multipart/form-data; boundary=", b71 + 1, NULL)),
        b71 + 1);
    /* case is kept: boundaries compare exactly */
    ck_assert_str_eq(cc_mp_boundary(p, "multipart/form-data; boundary=AbC"), "AbC");

    ck_assert_ptr_null(cc_mp_boundary(p, NULL));
    ck_assert_ptr_null(cc_mp_boundary(p, ""));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data"));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; charset=utf-8"));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary="));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=\"\""));
    ck_assert_ptr_null(
        cc_mp_boundary(p, apr_pstrcat(p, "multipart/form-data; boundary=", b71, NULL)));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=\"a;b\""));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=\"a\tb\""));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=\"ab \""));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=\"a\xc3\xa9\""));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=\"abc"));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=a b"));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary = abc"));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=a; boundary=a"));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data; boundary=abc;"));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/mixed; boundary=abc"));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-datax; boundary=abc"));
    ck_assert_ptr_null(cc_mp_boundary(p, "application/x-www-form-urlencoded"));
    ck_assert_ptr_null(cc_mp_boundary(p, "text/plain; boundary=abc"));
    ck_assert_ptr_null(cc_mp_boundary(p, "multipart/form-data boundary=abc"));
}
END_TEST

/* ---- cc_filename_sanitize ---- */

/* Strictly valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF)? */
static int valid_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        int n = *u < 0x80                  ? 0
                : *u >= 0xc2 && *u <= 0xdf ? 1
                : *u >= 0xe0 && *u <= 0xef ? 2
                : *u >= 0xf0 && *u <= 0xf4 ? 3
                                           : -1;
        int i;
        if (n < 0)
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

#define SAN(raw) cc_filename_sanitize(cc_test_pool, raw)

START_TEST(test_sanitize_basic)
{
    ck_assert_str_eq(SAN("report.pdf"), "report.pdf");
    ck_assert_str_eq(SAN("Lebenslauf M\xc3\xbcller \xe2\x82\xac.docx"),
                     "Lebenslauf M\xc3\xbcller \xe2\x82\xac.docx");
    ck_assert_str_eq(SAN("../../etc/passwd"), "passwd");
    ck_assert_str_eq(SAN("..\\..\\win.ini"), "win.ini");
    ck_assert_str_eq(SAN("C:\\Users\\me\\cv.pdf"), "cv.pdf");
    ck_assert_str_eq(SAN("dir/"), "document");
    ck_assert_str_eq(SAN("a/b\\"), "document");
    ck_assert_str_eq(SAN(".htaccess"), "htaccess");
    ck_assert_str_eq(SAN(" . .. hidden. . "), "hidden");
    ck_assert_str_eq(SAN("a\x01"
                         "b\x1f"
                         "c\x7f"
                         "d\xc2\x80"
                         "e\xc2\x9f"
                         "f.txt"),
                     "abcdef.txt");
    ck_assert_str_eq(SAN("a<b>c:d\"e|f?g*h.txt"), "abcdefgh.txt");
    ck_assert_str_eq(SAN("  my \t\r\n  cv   final .pdf  "), "my cv final .pdf");
    ck_assert_str_eq(SAN("a \x01 b"), "a b");
    /* the bidirectional override that shows "cvexe.txt" */
    ck_assert_str_eq(SAN("cv\xe2\x80\xaetxt.exe"), "cvtxt.exe");
    ck_assert_str_eq(SAN("a\xe2\x81\xa6"
                         "b\xe2\x80\x8f"
                         "c\xd8\x9c"),
                     "abc");
}
END_TEST

START_TEST(test_sanitize_nothing_left)
{
    ck_assert_str_eq(SAN(NULL), "document");
    ck_assert_str_eq(SAN(""), "document");
    ck_assert_str_eq(SAN("."), "document");
    ck_assert_str_eq(SAN(".."), "document");
    ck_assert_str_eq(SAN(" . . "), "document");
    ck_assert_str_eq(SAN("\x01\x02<>"), "document");
    ck_assert_str_eq(SAN("../.."), "document");
    ck_assert_str_eq(SAN("\t\r\n"), "document");
}
END_TEST

START_TEST(test_sanitize_invalid_utf8)
{
    /* each maximal ill-formed subpart is one U+FFFD */
    ck_assert_str_eq(SAN("a\xff"
                         "b"),
                     "a\xef\xbf\xbd"
                     "b");
    ck_assert_str_eq(SAN("caf\xe9.txt"), "caf\xef\xbf\xbd.txt");   /* Latin-1 */
    ck_assert_str_eq(SAN("\xe2\x82.txt"), "\xef\xbf\xbd.txt");     /* truncated */
    ck_assert_str_eq(SAN("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd"); /* overlong '/' */
    ck_assert_str_eq(SAN("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
    ck_assert_str_eq(SAN("\xf4\x90\x80\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    ck_assert_str_eq(SAN("\xf0\x9f\x98\x80.png"), "\xf0\x9f\x98\x80.png");
    ck_assert_str_eq(SAN("\xf0\x9f\x98"), "\xef\xbf\xbd");
    ck_assert_str_eq(SAN("\xe0\x80\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* overlong */
    ck_assert_str_eq(SAN("\xe0\xa0\x80"), "\xe0\xa0\x80");                         /* U+0800 */
    ck_assert_str_eq(SAN("a \xff"), "a \xef\xbf\xbd");
    ck_assert(valid_utf8(SAN("\x80\xbf\xfe\xfe\xc3\x28")));
}
END_TEST

START_TEST(test_sanitize_long)
{
    char raw[1200];
    const char *s;

    /* ASCII: the stem is cut, the extension kept */
    memset(raw, 'a', 300);
    strcpy(raw + 300, ".pdf");
    s = SAN(raw);
    ck_assert_uint_eq(strlen(s), 255);
    ck_assert_str_eq(s + 251, ".pdf");
    ck_assert_int_eq(strspn(s, "a"), 251);

    /* 2-byte characters: never cut inside one */
    strcpy(raw, "");
    while (strlen(raw) < 400)
        strcat(raw, "\xc3\xa9");
    strcat(raw, ".docx");
    s = SAN(raw);
    ck_assert(valid_utf8(s));
    ck_assert_uint_eq(strlen(s), 255); /* 125 characters of 2 bytes and ".docx" */
    ck_assert_str_eq(s + 250, ".docx");

    /* 3-byte characters, no extension */
    strcpy(raw, "");
    while (strlen(raw) < 400)
        strcat(raw, "\xe2\x82\xac");
    s = SAN(raw);
    ck_assert(valid_utf8(s));
    ck_assert_uint_eq(strlen(s), 255); /* 85 characters */

    /* 4-byte characters with an extension: 62 characters (248 bytes) and ".txt" */
    strcpy(raw, "");
    while (strlen(raw) < 400)
        strcat(raw, "\xf0\x9f\x98\x80");
    strcat(raw, ".txt");
    s = SAN(raw);
    ck_assert(valid_utf8(s));
    ck_assert_uint_eq(strlen(s), 252);
    ck_assert_str_eq(s + 248, ".txt");

    /* an extension over 16 bytes is not one: plain cut */
    memset(raw, 'b', 300);
    strcpy(raw + 300, ".abcdefghijklmnopq");
    s = SAN(raw);
    ck_assert_uint_eq(strlen(s), 255);
    ck_assert_int_eq(strspn(s, "b"), 255);
    /* 16 bytes, the dot included, still is */
    strcpy(raw + 300, ".abcdefghijklmno");
    s = SAN(raw);
    ck_assert_uint_eq(strlen(s), 255);
    ck_assert_str_eq(s + 239, ".abcdefghijklmno");

    /* the cut stem loses its trailing dots and spaces */
    memset(raw, 'c', 200);
    memset(raw + 200, '.', 100);
    strcpy(raw + 300, ".jpg");
    ck_assert_str_eq(SAN(raw) + 200, ".jpg");
    ck_assert_uint_eq(strlen(SAN(raw)), 204);

    /* invalid bytes triple in size before the cut */
    memset(raw, '\xff', 300);
    raw[300] = '\0';
    s = SAN(raw);
    ck_assert(valid_utf8(s));
    ck_assert_uint_eq(strlen(s), 255);

    /* exactly 255 bytes stay whole */
    memset(raw, 'd', 255);
    raw[255] = '\0';
    ck_assert_str_eq(SAN(raw), raw);
}
END_TEST

START_TEST(test_sanitize_idempotent)
{
    static const char *const raws[] = {"../a b.txt", "\xff\xfe.x", ".. x ..", "a\x01.\x02b",
                                       "\xe2\x80\xae.exe"};
    apr_size_t i;
    for (i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
        const char *once = SAN(raws[i]);
        ck_assert_str_eq(SAN(once), once);
    }
}
END_TEST

/* ---- cc_content_disposition ---- */

START_TEST(test_content_disposition)
{
    apr_pool_t *p = cc_test_pool;
    ck_assert_str_eq(cc_content_disposition(p, "report.pdf"),
                     "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
    ck_assert_str_eq(cc_content_disposition(p, "my cv (final).pdf"),
                     "attachment; filename=\"my cv (final).pdf\"; "
                     "filename*=UTF-8''my%20cv%20%28final%29.pdf");
    ck_assert_str_eq(cc_content_disposition(p, "a\"b\\c'd;e%f.txt"),
                     "attachment; filename=\"a_b_c'd;e%f.txt\"; "
                     "filename*=UTF-8''a%22b%5Cc%27d%3Be%25f.txt");
    ck_assert_str_eq(cc_content_disposition(p, "M\xc3\xbcller \xe2\x82\xac.docx"),
                     "attachment; filename=\"M__ller ___.docx\"; "
                     "filename*=UTF-8''M%C3%BCller%20%E2%82%AC.docx");
    ck_assert_str_eq(cc_content_disposition(p, "!#$&+-.^_`|~"),
                     "attachment; filename=\"!#$&+-.^_`|~\"; filename*=UTF-8''!#$&+-.^_`|~");
    ck_assert_str_eq(cc_content_disposition(p, "a\r\nb"),
                     "attachment; filename=\"a__b\"; filename*=UTF-8''a%0D%0Ab");
    ck_assert_str_eq(cc_content_disposition(p, NULL),
                     "attachment; filename=\"document\"; filename*=UTF-8''document");
    ck_assert_str_eq(cc_content_disposition(p, ""),
                     "attachment; filename=\"document\"; filename*=UTF-8''document");
}
END_TEST

Suite *cc_multipart_suite(void)
{
    Suite *s = suite_create("multipart");
    TCase *tp = tcase_create("parser");
    TCase *tb = tcase_create("boundary");
    TCase *tf = tcase_create("filenames");

    /* the every-split tests run thousands of parses (more under the sanitizers) */
    tcase_set_timeout(tp, 120);
    tcase_add_checked_fixture(tp, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tp, test_simple);
    tcase_add_test(tp, test_simple_every_chunking);
    tcase_add_test(tp, test_errors_every_chunking);
    tcase_add_test(tp, test_delimiter_lookalikes_in_data);
    tcase_add_test(tp, test_binary_data);
    tcase_add_test(tp, test_streams_without_buffering);
    tcase_add_test(tp, test_preamble_and_epilogue);
    tcase_add_test(tp, test_transport_padding);
    tcase_add_test(tp, test_missing_closing_boundary);
    tcase_add_test(tp, test_bad_header_lines);
    tcase_add_test(tp, test_headers_case_and_whitespace);
    tcase_add_test(tp, test_quoted_parameters);
    tcase_add_test(tp, test_filename_null_or_empty);
    tcase_add_test(tp, test_filename_ext);
    tcase_add_test(tp, test_limits);
    tcase_add_test(tp, test_abort);
    tcase_add_test(tp, test_sticky_states);
    tcase_add_test(tp, test_other_boundaries);
    suite_add_tcase(s, tp);

    tcase_add_checked_fixture(tb, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tb, test_boundary);
    suite_add_tcase(s, tb);

    tcase_add_checked_fixture(tf, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tf, test_sanitize_basic);
    tcase_add_test(tf, test_sanitize_nothing_left);
    tcase_add_test(tf, test_sanitize_invalid_utf8);
    tcase_add_test(tf, test_sanitize_long);
    tcase_add_test(tf, test_sanitize_idempotent);
    tcase_add_test(tf, test_content_disposition);
    suite_add_tcase(s, tf);
    return s;
}
