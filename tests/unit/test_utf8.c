/* Unit tests for core/utf8.c: the decoder against an independent encoder, for every code point
 * and every byte sequence of up to three bytes; the maximal subparts of Unicode's own example;
 * and the two helpers built on it. */
#include <string.h>
#include <check.h>

#include "../../core/utf8.h"
#include "suites.h"

/* The UTF-8 form of cp (no checks): the reference the decoder is compared with. */
static int encode(long cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Check records every passed assertion (a message to the parent in fork mode): the loops below
 * test with plain ifs and fail with ck_abort_msg. */
START_TEST(test_every_code_point_round_trips)
{
    long cp, got;
    for (cp = 0; cp <= 0x10ffff; cp++) {
        unsigned char b[4];
        int n;
        if (cp >= 0xd800 && cp <= 0xdfff)
            continue;
        n = encode(cp, b);
        if (cc_utf8_decode(b, (apr_size_t)n, &got) != (apr_size_t)n || got != cp)
            ck_abort_msg("U+%04lX decoded as %ld", cp, got);
        /* one byte short is never a code point */
        if (n > 1 && (cc_utf8_decode(b, (apr_size_t)n - 1, &got), got != -1))
            ck_abort_msg("U+%04lX cut short decoded as %ld", cp, got);
    }
}
END_TEST

/* Every sequence of one to three bytes is well-formed exactly when it is the encoding of the
 * code point it decodes to (the decoder may stop early, at the end of a shorter sequence), and
 * no surrogate is ever accepted. */
START_TEST(test_every_short_sequence)
{
    unsigned a, b, c;
    long accepted = 0;
    for (a = 0; a < 256; a++)
        for (b = 0; b < 256; b++)
            for (c = 0; c < 256; c++) {
                unsigned char s[3] = {(unsigned char)a, (unsigned char)b, (unsigned char)c};
                unsigned char e[4];
                long cp;
                apr_size_t n = cc_utf8_decode(s, 3, &cp);
                if (n < 1 || n > 3)
                    ck_abort_msg("%02X %02X %02X: length %lu", a, b, c, (unsigned long)n);
                if (cp < 0)
                    continue;
                if ((cp >= 0xd800 && cp <= 0xdfff) || encode(cp, e) != (int)n || memcmp(e, s, n))
                    ck_abort_msg("%02X %02X %02X is not the encoding of %lX", a, b, c, cp);
                if (n == 3)
                    accepted++;
            }
    /* three-byte sequences: U+0800..U+FFFF without the 2,048 surrogates */
    ck_assert_int_eq(accepted, 0x10000 - 0x800 - 0x800);
}
END_TEST

/* Unicode 15, section 3.9, table 3-8: each maximal subpart is one replacement. */
START_TEST(test_maximal_subparts)
{
    static const unsigned char s[] = {0x61, 0xf1, 0x80, 0x80, 0xe1, 0x80, 0xc2,
                                      0x62, 0x80, 0x63, 0x80, 0xbf, 0x64};
    static const long want[] = {0x61, -1, -1, -1, 0x62, -1, 0x63, -1, -1, 0x64};
    apr_size_t i = 0;
    int k = 0;
    while (i < sizeof(s)) {
        long cp;
        i += cc_utf8_decode(s + i, sizeof(s) - i, &cp);
        ck_assert_int_lt(k, 10);
        ck_assert_int_eq(cp, want[k]);
        k++;
    }
    ck_assert_int_eq(k, 10);
}
END_TEST

START_TEST(test_valid_and_len)
{
    ck_assert_int_eq(cc_utf8_valid("h\xc3\xa9llo", 6), 1);
    ck_assert_int_eq(cc_utf8_valid("", 0), 1);
    ck_assert_int_eq(cc_utf8_valid("a\0b", 3), 0);             /* NUL */
    ck_assert_int_eq(cc_utf8_valid("\xc0\xaf", 2), 0);         /* overlong '/' */
    ck_assert_int_eq(cc_utf8_valid("\xed\xa0\x80", 3), 0);     /* surrogate */
    ck_assert_int_eq(cc_utf8_valid("\xe2\x82", 2), 0);         /* truncated */
    ck_assert_int_eq(cc_utf8_valid("\xf4\x8f\xbf\xbf", 4), 1); /* U+10FFFF */
    ck_assert_uint_eq(cc_utf8_len("h\xc3\xa9llo \xf0\x9f\x98\x80"), 7);
    ck_assert_uint_eq(cc_utf8_len(""), 0);
}
END_TEST

Suite *cc_utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("decode");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_every_code_point_round_trips);
    tcase_add_test(tc, test_every_short_sequence);
    tcase_add_test(tc, test_maximal_subparts);
    tcase_add_test(tc, test_valid_and_len);
    suite_add_tcase(s, tc);
    return s;
}
