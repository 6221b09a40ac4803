/*
 * Unit tests for core/password_rules.c.
 *
 * Expected messages and verdicts were produced by running Django 3.2's own
 * django/contrib/auth/password_validation.py (Debian 12's python3-django) with the default
 * validators; expected ratios come from Python 3.11's difflib.SequenceMatcher(None, a, b).
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_tables.h>

#include "../../core/password_rules.h"
#include "suites.h"

/* Spelled out again rather than shared with the module so that a change of wording, which
 * clients may match on, fails here. */
#define SIMILAR_FIRST "The password is too similar to the first name."
#define SIMILAR_LAST "The password is too similar to the last name."
#define SIMILAR_EMAIL "The password is too similar to the email address."
#define TOO_SHORT "This password is too short. It must contain at least 8 characters."
#define TOO_COMMON "This password is too common."
#define NUMERIC "This password is entirely numeric."

#define RATIO_TOLERANCE 1e-12

/* Asserts that problems holds exactly the NULL-terminated list expected, in that order. */
static void expect_problems(const char *what, const apr_array_header_t *problems,
                            const char *const *expected)
{
    int n = 0, i;

    while (expected[n]) {
        n++;
    }
    ck_assert_msg(problems != NULL, "%s: expected %d problem(s), got none", what, n);
    ck_assert_msg(problems->nelts == n, "%s: expected %d problem(s), got %d", what, n,
                  problems->nelts);
    for (i = 0; i < n; i++) {
        const char *got = APR_ARRAY_IDX(problems, i, const char *);

        ck_assert_msg(strcmp(got, expected[i]) == 0, "%s: problem %d is \"%s\", expected \"%s\"",
                      what, i, got, expected[i]);
    }
}

static void expect_ok(const char *what, const apr_array_header_t *problems)
{
    ck_assert_msg(problems == NULL, "%s: expected no problems, got \"%s\"", what,
                  problems ? APR_ARRAY_IDX(problems, 0, const char *) : "");
}

#define EXPECT_OK(what, problems) expect_ok((what), (problems))

#define EXPECT(what, problems, ...)                                                                \
    expect_problems((what), (problems), (const char *const[]){__VA_ARGS__, NULL})

START_TEST(test_acceptable_password)
{
    EXPECT_OK("passphrase", cc_password_problems(cc_test_pool, "correct horse battery staple",
                                                 "jane.doe@example.com", "Jane", "Doe"));
    EXPECT_OK("8 mixed characters",
              cc_password_problems(cc_test_pool, "Xk9#mQ2z", NULL, NULL, NULL));
}
END_TEST

START_TEST(test_too_short)
{
    EXPECT("7 characters", cc_password_problems(cc_test_pool, "Xk9#mQ2", NULL, NULL, NULL),
           TOO_SHORT);
    EXPECT("empty", cc_password_problems(cc_test_pool, "", NULL, NULL, NULL), TOO_SHORT);
}
END_TEST

START_TEST(test_length_counts_code_points)
{
    /* 7 code points in 11 bytes, then 8 in 12. */
    EXPECT("7 accented", cc_password_problems(cc_test_pool, "Ünïcödé", NULL, NULL, NULL),
           TOO_SHORT);
    EXPECT_OK("8 accented", cc_password_problems(cc_test_pool, "Ünïcödé!", NULL, NULL, NULL));
    /* 4-byte sequences: 28 and 32 bytes. */
    EXPECT("7 emoji", cc_password_problems(cc_test_pool, "😀😀😀😀😀😀😀", NULL, NULL, NULL), TOO_SHORT);
    EXPECT_OK("8 emoji", cc_password_problems(cc_test_pool, "😀😀😀😀😀😀😀😀", NULL, NULL, NULL));
}
END_TEST

START_TEST(test_common)
{
    EXPECT("iloveyou", cc_password_problems(cc_test_pool, "iloveyou", NULL, NULL, NULL),
           TOO_COMMON);
    /* The list is lower-case; the lookup lower-cases and strips the candidate first. */
    EXPECT("Password1", cc_password_problems(cc_test_pool, "Password1", NULL, NULL, NULL),
           TOO_COMMON);
    EXPECT("padded qwerty", cc_password_problems(cc_test_pool, "  qwerty\t", NULL, NULL, NULL),
           TOO_COMMON);
}
END_TEST

START_TEST(test_is_common_hits)
{
    static const char *const hits[] = {
        "password", "PASSWORD", "Password1", "passw0rd", "123456", "trustno1", "letmein!", "dragon",
        "abc123",
        /* first and last entries in byte order, to catch an off-by-one in the search */
        "!", "zzzzzzzzzz",
        /* an entry with an inner space and one full of trigraph-prone question marks */
        "z k.lovemom", "??????@mail.ru",
        /* str.strip() also removes Unicode spaces such as U+3000 and U+00A0 */
        "\xe3\x80\x80monkey\xc2\xa0", "\tqwerty\n"};
    size_t i;

    for (i = 0; i < sizeof(hits) / sizeof(hits[0]); i++) {
        ck_assert_msg(cc_password_is_common(hits[i]) == 1, "\"%s\" should be common", hits[i]);
    }
}
END_TEST

START_TEST(test_is_common_misses)
{
    static const char *const misses[] = {"",
                                         "wG7#pLq9vZ",
                                         "correct horse battery staple",
                                         "passwordd",
                                         "passwor",
                                         "z k.lovemo",
                                         "zzzzzzzzzzz",
                                         "pass\xffword",
                                         "\xc3"};
    size_t i;

    for (i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
        ck_assert_msg(cc_password_is_common(misses[i]) == 0, "\"%s\" should not be common",
                      misses[i]);
    }
    ck_assert_int_eq(cc_password_is_common(NULL), 0);
}
END_TEST

START_TEST(test_numeric)
{
    EXPECT("ascii digits", cc_password_problems(cc_test_pool, "83920174", NULL, NULL, NULL),
           NUMERIC);
    /* str.isdigit() accepts any Unicode digit: Arabic-Indic and full-width here. */
    EXPECT("arabic-indic", cc_password_problems(cc_test_pool, "١٢٣٤٥٦٧٨٩", NULL, NULL, NULL),
           NUMERIC);
    EXPECT("full-width", cc_password_problems(cc_test_pool, "１２３４５６７８", NULL, NULL, NULL),
           NUMERIC);
    EXPECT_OK("one letter", cc_password_problems(cc_test_pool, "8392017a4", NULL, NULL, NULL));
}
END_TEST

START_TEST(test_message_order)
{
    EXPECT("common and numeric", cc_password_problems(cc_test_pool, "12345678", NULL, NULL, NULL),
           TOO_COMMON, NUMERIC);
    EXPECT("every rule",
           cc_password_problems(cc_test_pool, "12345", "12345@example.com", NULL, NULL),
           SIMILAR_EMAIL, TOO_SHORT, TOO_COMMON, NUMERIC);
}
END_TEST

START_TEST(test_similar_to_email_local_part)
{
    /* "margareth1" against the part "margaret": quick_ratio 16/18. */
    EXPECT("local part",
           cc_password_problems(cc_test_pool, "MargaretH1", "margaret.hamilton@example.org", NULL,
                                NULL),
           SIMILAR_EMAIL);
    EXPECT("leetspeak",
           cc_password_problems(cc_test_pool, "tr0ub4dor&3", "troubador@example.com", NULL, NULL),
           SIMILAR_EMAIL);
}
END_TEST

START_TEST(test_similar_to_names)
{
    EXPECT("first name",
           cc_password_problems(cc_test_pool, "bartholomew99", "b.jones@example.org", "Bartholomew",
                                "Jones"),
           SIMILAR_FIRST);
    /* Compared per code point after Unicode lower-casing: "MÜLLER" matches "Müller". */
    EXPECT("last name", cc_password_problems(cc_test_pool, "MÜLLER2024", NULL, NULL, "Müller"),
           SIMILAR_LAST);
    /* "İ" lower-cases to two code points, "i" and U+0307, giving 4 matches in 10, not 3 in 9. */
    EXPECT("dotted capital I", cc_password_problems(cc_test_pool, "iipek", NULL, "İpek", NULL),
           SIMILAR_FIRST, TOO_SHORT);
}
END_TEST

START_TEST(test_only_first_similar_attribute_reported)
{
    /* Similar to both the first name and the e-mail; Django stops at the first name. */
    EXPECT("first wins",
           cc_password_problems(cc_test_pool, "bartholomew99", "bartholomew@example.org",
                                "Bartholomew", "Jones"),
           SIMILAR_FIRST);
}
END_TEST

START_TEST(test_near_but_not_similar)
{
    /* quick_ratio 20/33 against the whole address and 10/16 against "smith": below 0.7. */
    EXPECT_OK("john.smith1", cc_password_problems(cc_test_pool, "john.smith1",
                                                  "john.smith@example.com", "John", "Smith"));
    EXPECT_OK("jonesy-2024",
              cc_password_problems(cc_test_pool, "jonesy-2024", "bartholomew@example.org",
                                   "Bartholomew", "Jones"));
    /* No accent folding: "muller2024" shares too little with "müller". */
    EXPECT_OK("unaccented", cc_password_problems(cc_test_pool, "MULLER2024", NULL, NULL, "Müller"));
}
END_TEST

START_TEST(test_empty_value_part_quirk)
{
    /* Django's re.split() yields an empty first part for "@x", and quick_ratio("", "") is 1.0,
     * so an empty password is "too similar". Reproduced for fidelity. */
    EXPECT("empty part", cc_password_problems(cc_test_pool, "", "@x", NULL, NULL), SIMILAR_EMAIL,
           TOO_SHORT);
    EXPECT("no empty part", cc_password_problems(cc_test_pool, "", "x", NULL, NULL), TOO_SHORT);
}
END_TEST

START_TEST(test_null_and_empty_attributes)
{
    EXPECT_OK("all NULL", cc_password_problems(cc_test_pool, "bartholomew99", NULL, NULL, NULL));
    EXPECT_OK("all empty", cc_password_problems(cc_test_pool, "bartholomew99", "", "", ""));
    EXPECT("NULL password", cc_password_problems(cc_test_pool, NULL, NULL, NULL, NULL), TOO_SHORT);
    EXPECT("NULL password, attributes",
           cc_password_problems(cc_test_pool, NULL, "jane.doe@example.com", "Jane", "Doe"),
           TOO_SHORT);
}
END_TEST

START_TEST(test_long_inputs_are_fast)
{
    size_t n = 100 * 1024, i;
    char *big = malloc(n + 1), *dotted = malloc(n + 1), *digits = malloc(n + 1);
    clock_t start = clock();

    ck_assert_ptr_nonnull(big);
    ck_assert_ptr_nonnull(dotted);
    ck_assert_ptr_nonnull(digits);
    for (i = 0; i < n; i++) {
        big[i] = "Qz7!xK2m"[i % 8];
        dotted[i] = (i % 3 == 2) ? '.' : 'b';
        digits[i] = (char)('0' + i % 10);
    }
    big[n] = dotted[n] = digits[n] = '\0';

    EXPECT_OK("100 KB",
              cc_password_problems(cc_test_pool, big, "jane.doe@example.com", "Jane", "Doe"));
    EXPECT("100 KB against 100 KB", cc_password_problems(cc_test_pool, big, dotted, big, dotted),
           SIMILAR_FIRST);
    EXPECT("100 KB numeric", cc_password_problems(cc_test_pool, digits, dotted, NULL, NULL),
           NUMERIC);
    ck_assert_int_eq(cc_password_is_common(big), 0);
    ck_assert(cc_similarity_ratio(big, dotted) >= 0.0);
    ck_assert(cc_similarity_ratio(big, big) > 0.99);

    /* CPU time, so a busy machine does not make this flaky; generous for sanitizer builds. */
    ck_assert_msg((double)(clock() - start) / CLOCKS_PER_SEC < 3.0, "long inputs took %.2fs",
                  (double)(clock() - start) / CLOCKS_PER_SEC);
    free(big);
    free(dotted);
    free(digits);
}
END_TEST

START_TEST(test_invalid_utf8)
{
    /* Each byte that is not part of valid UTF-8 counts as one character, as in Python with
     * "surrogateescape". */
    EXPECT_OK(
        "8 stray bytes",
        cc_password_problems(cc_test_pool, "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", NULL, NULL, NULL));
    EXPECT("e-acute and a stray byte",
           cc_password_problems(cc_test_pool, "\xc3\xa9\xff", NULL, NULL, NULL), TOO_SHORT);
    EXPECT_OK("truncated sequence", cc_password_problems(cc_test_pool,
                                                         "\xe2\x82"
                                                         "abcdef",
                                                         NULL, NULL, NULL));
    EXPECT_OK("overlong", cc_password_problems(cc_test_pool, "\xc0\xaf\xc0\xaf\xc0\xaf\xc0\xaf",
                                               NULL, NULL, NULL));
    EXPECT_OK("surrogate", cc_password_problems(cc_test_pool,
                                                "\xed\xa0\x80"
                                                "abcde",
                                                NULL, NULL, NULL));
    EXPECT_OK("above U+10FFFF", cc_password_problems(cc_test_pool,
                                                     "\xf4\x90\x80\x80"
                                                     "abcd",
                                                     NULL, NULL, NULL));
    EXPECT("in attribute",
           cc_password_problems(cc_test_pool, "\xffjohnny\xfe", "johnny\xff@example.com", "\xc3",
                                "\xe2\x82"),
           SIMILAR_EMAIL);
    ck_assert_double_eq_tol(cc_similarity_ratio("\xff\xfe", "\xff"), 0.6666666666666666,
                            RATIO_TOLERANCE);
}
END_TEST

START_TEST(test_similarity_ratio)
{
    static const struct {
        const char *a;
        const char *b;
        double ratio;
    } cases[] = {
        {"abcd", "bcde", 0.75},
        {"john.smith", "johnsmith", 0.9473684210526315},
        {"password", "passw0rd", 0.875},
        {"kitten", "sitting", 0.6153846153846154},
        {"abxcd", "abcd", 0.8888888888888888},
        /* Order matters to ratio(), unlike quick_ratio() (1.0 for this pair). */
        {"abcd", "dcba", 0.25},
        {"private Thread currentThread;", "private volatile Thread currentThread;",
         0.8656716417910447},
        /* Code points, not bytes. */
        {"Müller", "Muller", 0.8333333333333334},
        {"ñandú", "nandu", 0.6},
        {"", "", 1.0},
        {"abc", "", 0.0},
    };
    size_t i;
    char *a = malloc(252), *b = malloc(252);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_double_eq_tol(cc_similarity_ratio(cases[i].a, cases[i].b), cases[i].ratio,
                                RATIO_TOLERANCE);
    }
    ck_assert_double_eq_tol(cc_similarity_ratio(NULL, NULL), 1.0, RATIO_TOLERANCE);
    ck_assert_double_eq_tol(cc_similarity_ratio("abc", NULL), 0.0, RATIO_TOLERANCE);

    /* difflib's autojunk: in a b of 200 or more, "a" is too frequent to seed a match, which
     * leaves only the one-character block "b". */
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    memset(a, 'a', 250);
    a[250] = 'b';
    a[251] = '\0';
    b[0] = 'b';
    memset(b + 1, 'a', 250);
    b[251] = '\0';
    ck_assert_double_eq_tol(cc_similarity_ratio(a, b), 0.00398406374501992, RATIO_TOLERANCE);
    free(a);
    free(b);
}
END_TEST

START_TEST(test_similarity_ratio_oversized_falls_back)
{
    /* Beyond 65536 code points the result is quick_ratio(): 2 * 1 / 140000 here. */
    size_t n = 70000;
    char *a = malloc(n + 1), *b = malloc(n + 1);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    memset(a, 'a', n);
    a[n] = '\0';
    memset(b, 'b', n - 1);
    b[n - 1] = 'a';
    b[n] = '\0';
    ck_assert_double_eq_tol(cc_similarity_ratio(a, b), 1.4285714285714285e-05, RATIO_TOLERANCE);
    free(a);
    free(b);
}
END_TEST

Suite *cc_password_suite(void)
{
    Suite *s = suite_create("password");
    TCase *rules = tcase_create("rules");
    TCase *common = tcase_create("common");
    TCase *robustness = tcase_create("robustness");
    TCase *ratio = tcase_create("ratio");

    tcase_add_checked_fixture(rules, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(rules, test_acceptable_password);
    tcase_add_test(rules, test_too_short);
    tcase_add_test(rules, test_length_counts_code_points);
    tcase_add_test(rules, test_common);
    tcase_add_test(rules, test_numeric);
    tcase_add_test(rules, test_message_order);
    tcase_add_test(rules, test_similar_to_email_local_part);
    tcase_add_test(rules, test_similar_to_names);
    tcase_add_test(rules, test_only_first_similar_attribute_reported);
    tcase_add_test(rules, test_near_but_not_similar);
    tcase_add_test(rules, test_empty_value_part_quirk);
    tcase_add_test(rules, test_null_and_empty_attributes);
    suite_add_tcase(s, rules);

    tcase_add_test(common, test_is_common_hits);
    tcase_add_test(common, test_is_common_misses);
    suite_add_tcase(s, common);

    tcase_add_checked_fixture(robustness, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_set_timeout(robustness, 30);
    tcase_add_test(robustness, test_long_inputs_are_fast);
    tcase_add_test(robustness, test_invalid_utf8);
    suite_add_tcase(s, robustness);

    tcase_add_test(ratio, test_similarity_ratio);
    tcase_add_test(ratio, test_similarity_ratio_oversized_falls_back);
    suite_add_tcase(s, ratio);

    return s;
}
