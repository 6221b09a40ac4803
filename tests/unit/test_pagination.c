/* Unit tests for core/pagination.c: ?page= / ?page_size= parsing, page existence, links. */
#include <string.h>
#include <check.h>
#include <apr_general.h>
#include <apr_pools.h>

#include "../../core/pagination.h"
#include "suites.h"

static cc_page_t page_of(apr_int64_t page, apr_int64_t size)
{
    cc_page_t pg;
    pg.page = page;
    pg.size = size;
    pg.offset = (page - 1) * size;
    return pg;
}

#define ASSERT_PAGE(pg, want_page, want_size, want_offset)                                         \
    do {                                                                                           \
        ck_assert_int_eq((pg).page, want_page);                                                    \
        ck_assert_int_eq((pg).size, want_size);                                                    \
        ck_assert_int_eq((pg).offset, want_offset);                                                \
    } while (0)

/* ---- cc_page_parse ---- */

START_TEST(test_parse_defaults)
{
    cc_page_t pg;
    memset(&pg, 0x5a, sizeof(pg));
    ck_assert_ptr_null(cc_page_parse(NULL, NULL, CC_PAGE_SIZE_MAX, &pg));
    ASSERT_PAGE(pg, 1, CC_PAGE_SIZE_DEFAULT, 0);
    ck_assert_int_eq(CC_PAGE_SIZE_DEFAULT, 10);

    /* an empty value (?page=&page_size=) counts as absent */
    memset(&pg, 0x5a, sizeof(pg));
    ck_assert_ptr_null(cc_page_parse("", "", CC_PAGE_SIZE_MAX, &pg));
    ASSERT_PAGE(pg, 1, 10, 0);
}
END_TEST

START_TEST(test_parse_values)
{
    cc_page_t pg;
    ck_assert_ptr_null(cc_page_parse("3", "25", 100, &pg));
    ASSERT_PAGE(pg, 3, 25, 50);

    ck_assert_ptr_null(cc_page_parse("2", NULL, 100, &pg));
    ASSERT_PAGE(pg, 2, 10, 10);

    ck_assert_ptr_null(cc_page_parse(NULL, "7", 100, &pg));
    ASSERT_PAGE(pg, 1, 7, 0);

    ck_assert_ptr_null(cc_page_parse("1", "1", 100, &pg));
    ASSERT_PAGE(pg, 1, 1, 0);

    ck_assert_ptr_null(cc_page_parse("10", "1", 100, &pg));
    ASSERT_PAGE(pg, 10, 1, 9);

    /* leading zeros are still the number */
    ck_assert_ptr_null(cc_page_parse("007", "020", 100, &pg));
    ASSERT_PAGE(pg, 7, 20, 120);

    /* the largest page number accepted: 12 digits; the offset does not overflow */
    ck_assert_ptr_null(cc_page_parse("999999999999", "100", 100, &pg));
    ck_assert(pg.page == APR_INT64_C(999999999999));
    ck_assert_int_eq(pg.size, 100);
    ck_assert(pg.offset == APR_INT64_C(99999999999800));
}
END_TEST

START_TEST(test_parse_invalid_page)
{
    static const char *const bad[] = {"0",
                                      "00",
                                      "-1",
                                      "-0",
                                      "abc",
                                      "1.5",
                                      " 1",
                                      "1 ",
                                      "+1",
                                      "0x10",
                                      "1e3",
                                      "1,2",
                                      "\xd9\xa1",
                                      "2a",
                                      "%32",
                                      "9999999999999", /* 13 digits */
                                      "99999999999999999999999"};
    size_t i;
    cc_page_t pg;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *r = cc_page_parse(bad[i], NULL, 100, &pg);
        ck_assert_msg(r != NULL, "page '%s' must be refused", bad[i]);
        ck_assert_str_eq(r, "page");
        /* a valid page_size does not hide the bad page */
        r = cc_page_parse(bad[i], "20", 100, &pg);
        ck_assert_msg(r != NULL, "page '%s' must be refused", bad[i]);
        ck_assert_str_eq(r, "page");
    }
}
END_TEST

START_TEST(test_parse_invalid_page_size)
{
    static const char *const bad[] = {"0",   "-5",  "x",   "10a", "1.0",          " 10",
                                      "10 ", "+10", "1e2", "0x1", "9999999999999"};
    size_t i;
    cc_page_t pg;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *r = cc_page_parse("2", bad[i], 100, &pg);
        ck_assert_msg(r != NULL, "page_size '%s' must be refused", bad[i]);
        ck_assert_str_eq(r, "page_size");
        r = cc_page_parse(NULL, bad[i], 100, &pg);
        ck_assert_msg(r != NULL, "page_size '%s' must be refused", bad[i]);
        ck_assert_str_eq(r, "page_size");
    }
    /* both wrong: page is named first */
    ck_assert_str_eq(cc_page_parse("x", "y", 100, &pg), "page");
}
END_TEST

START_TEST(test_parse_clamps_to_max)
{
    cc_page_t pg;
    ck_assert_ptr_null(cc_page_parse(NULL, "500", 100, &pg));
    ASSERT_PAGE(pg, 1, 100, 0);

    ck_assert_ptr_null(cc_page_parse("1", "100", 100, &pg));
    ASSERT_PAGE(pg, 1, 100, 0);

    ck_assert_ptr_null(cc_page_parse("1", "101", 100, &pg));
    ASSERT_PAGE(pg, 1, 100, 0);

    ck_assert_ptr_null(cc_page_parse("1", "99", 100, &pg));
    ASSERT_PAGE(pg, 1, 99, 0);

    /* the offset uses the clamped size */
    ck_assert_ptr_null(cc_page_parse("4", "1000", 100, &pg));
    ASSERT_PAGE(pg, 4, 100, 300);

    ck_assert_ptr_null(cc_page_parse("3", "51", 50, &pg));
    ASSERT_PAGE(pg, 3, 50, 100);

    ck_assert_ptr_null(cc_page_parse("2", "999999999999", 25, &pg));
    ASSERT_PAGE(pg, 2, 25, 25);
}
END_TEST

START_TEST(test_parse_offset_arithmetic)
{
    static const struct {
        const char *page, *size;
        apr_int64_t offset;
    } cases[] = {
        {"1", "10", 0},  {"2", "10", 10},      {"3", "10", 20}, {"5", "3", 12},
        {"11", "7", 70}, {"100", "100", 9900}, {"2", NULL, 10}, {"9", NULL, 80},
    };
    size_t i;
    cc_page_t pg;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_ptr_null(cc_page_parse(cases[i].page, cases[i].size, 100, &pg));
        ck_assert_msg(pg.offset == cases[i].offset, "page %s size %s: offset %lld, want %lld",
                      cases[i].page, cases[i].size ? cases[i].size : "(default)",
                      (long long)pg.offset, (long long)cases[i].offset);
        ck_assert_int_eq(pg.offset, (pg.page - 1) * pg.size);
    }
}
END_TEST

/* ---- cc_page_exists ---- */

START_TEST(test_exists)
{
    cc_page_t pg;

    /* page 1 always exists, even for an empty list */
    pg = page_of(1, 10);
    ck_assert_int_eq(cc_page_exists(&pg, 0), 1);
    ck_assert_int_eq(cc_page_exists(&pg, 1), 1);
    ck_assert_int_eq(cc_page_exists(&pg, 10), 1);
    ck_assert_int_eq(cc_page_exists(&pg, 1000), 1);

    /* page 2 of size 10 needs an 11th row */
    pg = page_of(2, 10);
    ck_assert_int_eq(cc_page_exists(&pg, 0), 0);
    ck_assert_int_eq(cc_page_exists(&pg, 9), 0);
    ck_assert_int_eq(cc_page_exists(&pg, 10), 0);
    ck_assert_int_eq(cc_page_exists(&pg, 11), 1);
    ck_assert_int_eq(cc_page_exists(&pg, 20), 1);

    pg = page_of(3, 10);
    ck_assert_int_eq(cc_page_exists(&pg, 20), 0);
    ck_assert_int_eq(cc_page_exists(&pg, 21), 1);

    pg = page_of(5, 1);
    ck_assert_int_eq(cc_page_exists(&pg, 4), 0);
    ck_assert_int_eq(cc_page_exists(&pg, 5), 1);

    pg = page_of(2, 100);
    ck_assert_int_eq(cc_page_exists(&pg, 100), 0);
    ck_assert_int_eq(cc_page_exists(&pg, 101), 1);
}
END_TEST

START_TEST(test_exists_from_parse)
{
    cc_page_t pg;
    ck_assert_ptr_null(cc_page_parse("2", NULL, 100, &pg));
    ck_assert_int_eq(cc_page_exists(&pg, 10), 0);
    ck_assert_int_eq(cc_page_exists(&pg, 11), 1);
    ck_assert_ptr_null(cc_page_parse("999999999999", "100", 100, &pg));
    ck_assert_int_eq(cc_page_exists(&pg, 5), 0);
}
END_TEST

/* ---- cc_page_link ---- */

#define BASE "https://api.example.com:8443"
#define PATH "/api/jobs/"

START_TEST(test_link_no_args)
{
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, NULL, 2), BASE PATH "?page=2");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "", 2), BASE PATH "?page=2");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, NULL, 1), BASE PATH);
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "", 1), BASE PATH);
    ck_assert_str_eq(cc_page_link(cc_test_pool, "http://h", "/", NULL, 12), "http://h/?page=12");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, NULL, APR_INT64_C(999999999999)),
                     BASE PATH "?page=999999999999");
}
END_TEST

START_TEST(test_link_only_page)
{
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "page=3", 1), BASE PATH);
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "page=3", 2), BASE PATH "?page=2");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "page=3", 4), BASE PATH "?page=4");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "page=3", 3), BASE PATH "?page=3");
    /* a bare "page" or "page=" is the page parameter too */
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "page", 1), BASE PATH);
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "page=", 2), BASE PATH "?page=2");
    /* a repeated page parameter does not survive */
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "page=1&page=2", 5),
                     BASE PATH "?page=5");
}
END_TEST

START_TEST(test_link_keeps_other_params)
{
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "search=bob&page=3&ordering=-id", 4),
                     BASE PATH "?search=bob&ordering=-id&page=4");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "search=bob&page=3&ordering=-id", 1),
                     BASE PATH "?search=bob&ordering=-id");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "page=2&z=1&a=2", 3),
                     BASE PATH "?z=1&a=2&page=3");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "z=1&a=2", 2),
                     BASE PATH "?z=1&a=2&page=2");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "z=1&a=2", 1), BASE PATH "?z=1&a=2");
    /* page_size and other names beginning with "page" are not the page parameter */
    ck_assert_str_eq(
        cc_page_link(cc_test_pool, BASE, PATH, "page_size=5&pages=2&page=2&xpage=9", 3),
        BASE PATH "?page_size=5&pages=2&xpage=9&page=3");
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "page_size=5&page=2", 1),
                     BASE PATH "?page_size=5");
    /* the encoding of the other parameters is kept byte for byte */
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "q=a%20b+c&x=%26%3D&page=9", 10),
                     BASE PATH "?q=a%20b+c&x=%26%3D&page=10");
    /* empty pieces between ampersands are dropped */
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, "&a=1&&b=2&", 2),
                     BASE PATH "?a=1&b=2&page=2");
}
END_TEST

START_TEST(test_link_does_not_modify_args)
{
    char args[] = "a=1&page=7&b=2";
    ck_assert_str_eq(cc_page_link(cc_test_pool, BASE, PATH, args, 8), BASE PATH "?a=1&b=2&page=8");
    ck_assert_str_eq(args, "a=1&page=7&b=2");
}
END_TEST

Suite *cc_pagination_suite(void)
{
    Suite *s = suite_create("pagination");
    TCase *tp = tcase_create("parse");
    TCase *te = tcase_create("exists");
    TCase *tl = tcase_create("link");

    tcase_add_checked_fixture(tp, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tp, test_parse_defaults);
    tcase_add_test(tp, test_parse_values);
    tcase_add_test(tp, test_parse_invalid_page);
    tcase_add_test(tp, test_parse_invalid_page_size);
    tcase_add_test(tp, test_parse_clamps_to_max);
    tcase_add_test(tp, test_parse_offset_arithmetic);
    suite_add_tcase(s, tp);

    tcase_add_checked_fixture(te, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(te, test_exists);
    tcase_add_test(te, test_exists_from_parse);
    suite_add_tcase(s, te);

    tcase_add_checked_fixture(tl, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tl, test_link_no_args);
    tcase_add_test(tl, test_link_only_page);
    tcase_add_test(tl, test_link_keeps_other_params);
    tcase_add_test(tl, test_link_does_not_modify_args);
    suite_add_tcase(s, tl);
    return s;
}
