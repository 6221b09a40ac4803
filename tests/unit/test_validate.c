/* Unit tests for core/validate.c: cc_email_valid. */
#include <stdio.h>
#include <string.h>
#include <check.h>

#include "../../core/validate.h"
#include "suites.h"

/* n copies of c, in a static buffer per call site (buf must hold n + 1). */
static char *rep(char *buf, char c, size_t n)
{
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

START_TEST(test_email_accepted)
{
    static const char *const ok[] = {
        "user@example.com",
        "first.last@example.com",
        "user+tag@example.com",
        "user+tag+more@example.com",
        "o'brien@example.ie",
        "user@mail.sub.example.co.uk",
        "a@b.co",
        "USER@EXAMPLE.COM",
        "User.Name@Example.Org",
        "user_name-1@ex-ample.org",
        "1234@123.example.com",
        "user@xn--80ak6aa92e.xn--p1ai", /* IDNA TLD */
        "user@example.xn--p1ai",
        "x!#$%&*/=?^`{|}~-@example.com", /* every atext special */
        "a.b.c.d@e-f.g-h.museum",
        "user@a-b-c.example",
    };
    size_t i;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        ck_assert_msg(cc_email_valid(ok[i]) == 1, "'%s' should be accepted", ok[i]);
}
END_TEST

START_TEST(test_email_refused)
{
    static const char *const bad[] = {
        "",
        "userexample.com",            /* no @ */
        "user@",                      /* no domain */
        "@example.com",               /* no local part */
        "user@@example.com",          /* two @ */
        "us@er@example.com",          /* two @ */
        ".user@example.com",          /* leading dot in the local part */
        "user.@example.com",          /* trailing dot in the local part */
        "us..er@example.com",         /* double dot in the local part */
        "user@-example.com",          /* hyphen-edged label */
        "user@example-.com",          /* hyphen-edged label */
        "user@mail.-sub.example.com", /* hyphen-edged inner label */
        "user@example.com-",          /* hyphen-edged TLD */
        "user@localhost",             /* single-label domain */
        "user@example.123",           /* numeric TLD */
        "user@1.2.3.4",               /* an IP address, no TLD */
        "user@example.c0m",           /* digit in the TLD */
        "user@example.c",             /* one-letter TLD */
        "user@[127.0.0.1]",           /* IP literal */
        "us er@example.com",          /* space */
        " user@example.com",
        "user@example.com ",
        "user@exa mple.com",
        "user@example.com\n",
        "user\t@example.com",
        "\xc3\xbcser@example.com", /* unicode local part */
        "user@ex\xc3\xa4mple.com", /* unicode domain */
        "\"quoted\"@example.com",  /* quoted local part */
        "\"us er\"@example.com",
        "User <user@example.com>",   /* display name */
        "user(comment)@example.com", /* comment */
        "user@example..com",         /* empty label */
        "user@.example.com",
        "user@example.com.", /* trailing dot: empty last label */
        "user@exa_mple.com", /* underscore in the domain */
        "user@example.c-m",
        "user,x@example.com",
        "user;x@example.com",
        "user\\x@example.com",
    };
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(cc_email_valid(bad[i]) == 0, "'%s' should be refused", bad[i]);
    ck_assert_int_eq(cc_email_valid(NULL), 0);
}
END_TEST

START_TEST(test_email_local_part_length)
{
    char local[70], addr[128];
    /* 64 characters: the most RFC 5321 allows */
    snprintf(addr, sizeof(addr), "%s@example.com", rep(local, 'a', 64));
    ck_assert_int_eq(cc_email_valid(addr), 1);
    /* 65 characters */
    snprintf(addr, sizeof(addr), "%s@example.com", rep(local, 'a', 65));
    ck_assert_int_eq(cc_email_valid(addr), 0);
    /* 64 with dots in it still counts dots */
    rep(local, 'a', 64);
    local[10] = '.';
    local[20] = '.';
    snprintf(addr, sizeof(addr), "%s@example.com", local);
    ck_assert_int_eq(cc_email_valid(addr), 1);
}
END_TEST

START_TEST(test_email_total_length)
{
    char local[70], l1[70], l2[70], l3[70], addr[400];
    /* 64 + 1 + 63 + 1 + 63 + 1 + 57 + 4 = 254 characters: the maximum */
    snprintf(addr, sizeof(addr), "%s@%s.%s.%s.com", rep(local, 'a', 64), rep(l1, 'b', 63),
             rep(l2, 'c', 63), rep(l3, 'd', 57));
    ck_assert_uint_eq(strlen(addr), 254);
    ck_assert_int_eq(cc_email_valid(addr), 1);
    /* one more in an otherwise valid label: 255 */
    snprintf(addr, sizeof(addr), "%s@%s.%s.%s.com", rep(local, 'a', 64), rep(l1, 'b', 63),
             rep(l2, 'c', 63), rep(l3, 'd', 58));
    ck_assert_uint_eq(strlen(addr), 255);
    ck_assert_int_eq(cc_email_valid(addr), 0);
    /* far too long */
    snprintf(addr, sizeof(addr), "a@%s.%s.%s.%s.%s.com", rep(l1, 'b', 63), rep(l2, 'c', 63),
             rep(l3, 'd', 63), l1, l2);
    ck_assert_uint_gt(strlen(addr), 254);
    ck_assert_int_eq(cc_email_valid(addr), 0);
}
END_TEST

START_TEST(test_email_label_length)
{
    char label[70], addr[128];
    snprintf(addr, sizeof(addr), "user@%s.com", rep(label, 'x', 63));
    ck_assert_int_eq(cc_email_valid(addr), 1);
    snprintf(addr, sizeof(addr), "user@%s.com", rep(label, 'x', 64));
    ck_assert_int_eq(cc_email_valid(addr), 0);
    snprintf(addr, sizeof(addr), "user@example.%s", rep(label, 'x', 63));
    ck_assert_int_eq(cc_email_valid(addr), 1);
    snprintf(addr, sizeof(addr), "user@example.%s", rep(label, 'x', 64));
    ck_assert_int_eq(cc_email_valid(addr), 0);
}
END_TEST

Suite *cc_validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("email");
    tcase_add_test(tc, test_email_accepted);
    tcase_add_test(tc, test_email_refused);
    tcase_add_test(tc, test_email_local_part_length);
    tcase_add_test(tc, test_email_total_length);
    tcase_add_test(tc, test_email_label_length);
    suite_add_tcase(s, tc);
    return s;
}
