/* Unit tests for core/cursor.c: the opaque feed cursor (encoding, strict decoding) and links. */
#include <string.h>
#include <check.h>
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>

#include "../../core/cursor.h"
#include "suites.h"

#define BASE "http://api.example:8080"
#define PATH "/api/notifications/"

/* ---- encode ---- */

START_TEST(test_encode_known_values)
{
    /* base64url("o:5") and friends, computed independently (Python's urlsafe_b64encode) */
    ck_assert_str_eq(cc_cursor_encode(cc_test_pool, CC_CURSOR_OLDER, 5), "bzo1");
    ck_assert_str_eq(cc_cursor_encode(cc_test_pool, CC_CURSOR_NEWER, 5), "bjo1");
    ck_assert_str_eq(cc_cursor_encode(cc_test_pool, CC_CURSOR_OLDER, 0), "bzow");
    ck_assert_str_eq(cc_cursor_encode(cc_test_pool, CC_CURSOR_OLDER, 42), "bzo0Mg");
    ck_assert_str_eq(cc_cursor_encode(cc_test_pool, CC_CURSOR_NEWER, 123), "bjoxMjM");
    ck_assert_str_eq(cc_cursor_encode(cc_test_pool, CC_CURSOR_OLDER, CC_CURSOR_POSITION_MAX),
                     "bzo5OTk5OTk5OTk5OTk5OTk5OTk");
}
END_TEST

START_TEST(test_encode_clamps)
{
    ck_assert_str_eq(cc_cursor_encode(cc_test_pool, CC_CURSOR_NEWER, -1),
                     cc_cursor_encode(cc_test_pool, CC_CURSOR_NEWER, 0));
    ck_assert_str_eq(cc_cursor_encode(cc_test_pool, CC_CURSOR_OLDER, CC_CURSOR_POSITION_MAX + 1),
                     cc_cursor_encode(cc_test_pool, CC_CURSOR_OLDER, CC_CURSOR_POSITION_MAX));
    ck_assert_str_eq(cc_cursor_encode(cc_test_pool, CC_CURSOR_OLDER, APR_INT64_MAX),
                     "bzo5OTk5OTk5OTk5OTk5OTk5OTk");
}
END_TEST

START_TEST(test_encode_is_url_safe)
{
    apr_int64_t v;
    for (v = 0; v < 5000; v += 7) {
        const char *s =
            cc_cursor_encode(cc_test_pool, v % 2 ? CC_CURSOR_NEWER : CC_CURSOR_OLDER, v * 104729);
        ck_assert_uint_eq(strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789-_"),
                          strlen(s));
    }
}
END_TEST

/* ---- decode ---- */

START_TEST(test_round_trip)
{
    // clang-format off
    static const apr_int64_t values[] = {
        0, 1, 9, 10, 99, 100, 12345, 4294967296LL, APR_INT64_C(100000000000000000),
        CC_CURSOR_POSITION_MAX - 1, CC_CURSOR_POSITION_MAX};
    // clang-format on
    apr_size_t i;
    int d;
    for (d = 0; d < 2; d++)
        for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
            cc_cursor_t c;
            const char *s =
                cc_cursor_encode(cc_test_pool, d ? CC_CURSOR_NEWER : CC_CURSOR_OLDER, values[i]);
            memset(&c, 0x5a, sizeof(c));
            ck_assert_msg(cc_cursor_decode(s, &c), "%s does not decode", s);
            ck_assert_int_eq(c.dir, d ? CC_CURSOR_NEWER : CC_CURSOR_OLDER);
            ck_assert(c.position == values[i]);
        }
}
END_TEST

START_TEST(test_decode_known_values)
{
    cc_cursor_t c;
    ck_assert_int_eq(cc_cursor_decode("bzo1", &c), 1);
    ck_assert_int_eq(c.dir, CC_CURSOR_OLDER);
    ck_assert_int_eq(c.position, 5);
    ck_assert_int_eq(cc_cursor_decode("bjoxMjM", &c), 1);
    ck_assert_int_eq(c.dir, CC_CURSOR_NEWER);
    ck_assert_int_eq(c.position, 123);
    ck_assert_int_eq(cc_cursor_decode("bzow", &c), 1);
    ck_assert_int_eq(c.position, 0);
}
END_TEST

START_TEST(test_decode_rejects)
{
    /* each with why it is refused; the payload is shown where it is valid base64url */
    static const char *const bad[] = {
        "",                             /* empty */
        "bzo",                          /* "o:" without a number */
        "bw",                           /* "o" */
        "eDo1",                         /* "x:5": unknown direction */
        "Tzo1",                         /* "O:5": directions are lower case */
        "bzs1",                         /* "o;5" */
        "bzotNQ",                       /* "o:-5" */
        "bzorNQ",                       /* "o:+5" */
        "bzowNQ",                       /* "o:05": leading zero */
        "bzowMA",                       /* "o:00" */
        "bzo1IA",                       /* "o:5 " */
        "IG86NQ",                       /* " o:5" */
        "bzo1YQ",                       /* "o:5a" */
        "bzo1LjA",                      /* "o:5.0" */
        "bzoxMDAwMDAwMDAwMDAwMDAwMDAw", /* "o:1000000000000000000": 19 digits */
        "bzo5MjIzMzcyMDM2ODU0Nzc1ODA4", /* "o:9223372036854775808": overflows int64 */
        "bzo1AA",                       /* "o:5\0": an embedded NUL */
        "bzo1bzo2",                     /* "o:5o:6" */
        "bzo1=",                        /* padding */
        "bzo0Mg==",                     /* padding */
        "bzo1 ",                        /* whitespace */
        " bzo1",
        "bzo1\n",
        "bz o1",
        "bzo+Mg", /* standard alphabet '+' */
        "bzo/Mg", /* standard alphabet '/' */
        "bzo0Mh", /* "o:42" with stray low bits: not canonical */
        "bzo0M",  /* a length of 4k+1 */
        "b",
        "bzo1!",
        "%62zo1",                       /* still percent-encoded */
        "YQ",                           /* "a" */
        "bzo5OTk5OTk5OTk5OTk5OTk5OTk5", /* "o:9999999999999999999": too long */
        "bzo1bzo1bzo1bzo1bzo1bzo1bzo1bzo1bzo1bzo1bzo1bzo1bzo1bzo1bzo1bzo1", /* far too long */
        NULL};
    int i;
    cc_cursor_t c;
    for (i = 0; bad[i]; i++)
        ck_assert_msg(!cc_cursor_decode(bad[i], &c), "\"%s\" was accepted", bad[i]);
    ck_assert_int_eq(cc_cursor_decode(NULL, &c), 0);
}
END_TEST

START_TEST(test_decode_leaves_output_alone_on_failure)
{
    cc_cursor_t c;
    c.dir = CC_CURSOR_NEWER;
    c.position = 77;
    ck_assert_int_eq(cc_cursor_decode("bzowNQ", &c), 0);
    ck_assert_int_eq(c.dir, CC_CURSOR_NEWER);
    ck_assert_int_eq(c.position, 77);
}
END_TEST

START_TEST(test_decode_every_single_character_change)
{
    /* Changing any one character of a valid cursor gives either another valid cursor (which
     * must then re-encode to exactly that text) or a refusal: no two texts mean the same. */
    const char *good = cc_cursor_encode(cc_test_pool, CC_CURSOR_NEWER, 31415926);
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_+/=. ";
    apr_size_t i, k;
    for (i = 0; good[i]; i++)
        for (k = 0; alphabet[k]; k++) {
            char *t = apr_pstrdup(cc_test_pool, good);
            cc_cursor_t c;
            t[i] = alphabet[k];
            if (cc_cursor_decode(t, &c))
                ck_assert_str_eq(cc_cursor_encode(cc_test_pool, c.dir, c.position), t);
        }
}
END_TEST

/* ---- links ---- */

START_TEST(test_link_no_args)
{
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH, NULL, "bzo1"),
                     BASE PATH "?cursor=bzo1");
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH, "", "bzo1"),
                     BASE PATH "?cursor=bzo1");
}
END_TEST

START_TEST(test_link_replaces_cursor_and_drops_page)
{
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH, "cursor=", "bzo1"),
                     BASE PATH "?cursor=bzo1");
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH, "cursor=bjo5", "bzo1"),
                     BASE PATH "?cursor=bzo1");
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH, "cursor", "bzo1"),
                     BASE PATH "?cursor=bzo1");
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH, "page=3&cursor=x&page", "bzo1"),
                     BASE PATH "?cursor=bzo1");
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH,
                                    "is_read=false&cursor=bjo5&page_size=5&notification_type=match",
                                    "bzo1"),
                     BASE PATH "?is_read=false&page_size=5&notification_type=match&cursor=bzo1");
    /* only exact parameter names go */
    ck_assert_str_eq(
        cc_cursor_link(cc_test_pool, BASE, PATH, "cursors=1&xcursor=2&pages=3&page_size=4", "bzo1"),
        BASE PATH "?cursors=1&xcursor=2&pages=3&page_size=4&cursor=bzo1");
}
END_TEST

START_TEST(test_link_keeps_encoding_and_skips_empty_pieces)
{
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH, "q=a%20b+c&x=%26%3D", "bjo3"),
                     BASE PATH "?q=a%20b+c&x=%26%3D&cursor=bjo3");
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH, "&a=1&&b=2&", "bjo3"),
                     BASE PATH "?a=1&b=2&cursor=bjo3");
}
END_TEST

START_TEST(test_link_does_not_modify_args)
{
    char args[] = "a=1&cursor=x&b=2";
    ck_assert_str_eq(cc_cursor_link(cc_test_pool, BASE, PATH, args, "bjo3"),
                     BASE PATH "?a=1&b=2&cursor=bjo3");
    ck_assert_str_eq(args, "a=1&cursor=x&b=2");
}
END_TEST

Suite *cc_cursor_suite(void)
{
    Suite *s = suite_create("cursor");
    TCase *te = tcase_create("encode");
    TCase *td = tcase_create("decode");
    TCase *tl = tcase_create("link");

    tcase_add_checked_fixture(te, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(te, test_encode_known_values);
    tcase_add_test(te, test_encode_clamps);
    tcase_add_test(te, test_encode_is_url_safe);
    suite_add_tcase(s, te);

    tcase_add_checked_fixture(td, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(td, test_round_trip);
    tcase_add_test(td, test_decode_known_values);
    tcase_add_test(td, test_decode_rejects);
    tcase_add_test(td, test_decode_leaves_output_alone_on_failure);
    tcase_add_test(td, test_decode_every_single_character_change);
    suite_add_tcase(s, td);

    tcase_add_checked_fixture(tl, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tl, test_link_no_args);
    tcase_add_test(tl, test_link_replaces_cursor_and_drops_page);
    tcase_add_test(tl, test_link_keeps_encoding_and_skips_empty_pieces);
    tcase_add_test(tl, test_link_does_not_modify_args);
    suite_add_tcase(s, tl);
    return s;
}
