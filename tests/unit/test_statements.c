/* Unit tests for dbd/statements.c and dbd/statement_list.h: the statement table is well formed. */
#include <ctype.h>
#include <string.h>
#include <check.h>

#include "../../dbd/statements.h"
#include "suites.h"

/* The highest $N placeholder in sql; *used gets bit k set for each $k seen (k < 64). */
static int highest_param(const char *sql, unsigned long long *used)
{
    const char *p;
    int max = 0;
    *used = 0;
    for (p = sql; *p; p++) {
        int n = 0, digits = 0;
        if (*p != '$')
            continue;
        while (isdigit((unsigned char)p[1 + digits])) {
            n = n * 10 + (p[1 + digits] - '0');
            digits++;
        }
        if (!digits)
            continue;
        if (n < 64)
            *used |= 1ULL << n;
        if (n > max)
            max = n;
    }
    return max;
}

START_TEST(test_entries_present)
{
    int i;
    ck_assert_int_gt(CC_ST__COUNT, 0);
    for (i = 0; i < CC_ST__COUNT; i++) {
        ck_assert_msg(cc_statements[i].label != NULL, "statement %d has no label", i);
        ck_assert_msg(cc_statements[i].sql != NULL, "statement %d (%s) has no SQL", i,
                      cc_statements[i].label);
        ck_assert_msg(cc_statements[i].label[0] != '\0', "statement %d: empty label", i);
        ck_assert_msg(cc_statements[i].sql[0] != '\0', "statement %d: empty SQL", i);
        ck_assert_msg(cc_statements[i].readonly == 0 || cc_statements[i].readonly == 1,
                      "%s: readonly is %d", cc_statements[i].label, cc_statements[i].readonly);
    }
}
END_TEST

START_TEST(test_labels_unique)
{
    int i, j;
    for (i = 0; i < CC_ST__COUNT; i++)
        for (j = i + 1; j < CC_ST__COUNT; j++)
            ck_assert_msg(strcmp(cc_statements[i].label, cc_statements[j].label) != 0,
                          "statements %d and %d share the label %s", i, j, cc_statements[i].label);
}
END_TEST

START_TEST(test_labels_are_identifiers)
{
    int i;
    for (i = 0; i < CC_ST__COUNT; i++) {
        const char *l = cc_statements[i].label, *p;
        ck_assert_msg(strncmp(l, "cc_", 3) == 0, "label %s does not start with cc_", l);
        ck_assert_msg(strlen(l) > 3, "label %s has nothing after cc_", l);
        /* PostgreSQL truncates names to 63 bytes: two long labels could collide */
        ck_assert_msg(strlen(l) <= 63, "label %s is longer than 63 bytes", l);
        for (p = l; *p; p++)
            ck_assert_msg((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_',
                          "label %s has the character '%c'", l, *p);
    }
}
END_TEST

START_TEST(test_nparams_match_placeholders)
{
    int i, k;
    for (i = 0; i < CC_ST__COUNT; i++) {
        unsigned long long used;
        int max = highest_param(cc_statements[i].sql, &used);
        ck_assert_msg(max == cc_statements[i].nparams, "%s: nparams %d but highest $%d",
                      cc_statements[i].label, cc_statements[i].nparams, max);
        /* no gap: PostgreSQL cannot infer the type of a parameter never referenced */
        for (k = 1; k <= max && k < 64; k++)
            ck_assert_msg(used & (1ULL << k), "%s: $%d is never used (nparams %d)",
                          cc_statements[i].label, k, max);
        ck_assert_msg(!(used & 1ULL), "%s: uses $0", cc_statements[i].label);
    }
}
END_TEST

START_TEST(test_placeholder_parser)
{
    unsigned long long used;
    ck_assert_int_eq(highest_param("SELECT 1", &used), 0);
    ck_assert_int_eq(used, 0);
    ck_assert_int_eq(highest_param("x = $2::int AND y = $1", &used), 2);
    ck_assert_int_eq(used, (1ULL << 1) | (1ULL << 2));
    ck_assert_int_eq(highest_param("($10, $9)", &used), 10);
    ck_assert_int_eq(highest_param("$", &used), 0);
    ck_assert_int_eq(highest_param("costs $ 5", &used), 0);
}
END_TEST

START_TEST(test_no_printf_conversions)
{
    /* apr_dbd's own statements read %s/%d as placeholders: none may linger in libpq SQL */
    int i;
    for (i = 0; i < CC_ST__COUNT; i++) {
        const char *p;
        for (p = cc_statements[i].sql; (p = strchr(p, '%')) != NULL; p++)
            ck_assert_msg(!isalpha((unsigned char)p[1]), "%s: SQL contains \"%%%c\"",
                          cc_statements[i].label, p[1]);
    }
}
END_TEST

START_TEST(test_readonly_statements_are_plain_selects)
{
    /* readonly ones are retried on a fresh connection: they must not change anything */
    int i;
    for (i = 0; i < CC_ST__COUNT; i++) {
        const char *sql = cc_statements[i].sql;
        if (!cc_statements[i].readonly)
            continue;
        ck_assert_msg(strncmp(sql, "SELECT ", 7) == 0, "%s is readonly but not a SELECT",
                      cc_statements[i].label);
        ck_assert_msg(strstr(sql, "FOR UPDATE") == NULL && strstr(sql, "INSERT") == NULL
                          && strstr(sql, "UPDATE ") == NULL && strstr(sql, "DELETE") == NULL,
                      "%s is readonly but writes or locks", cc_statements[i].label);
    }
}
END_TEST

START_TEST(test_known_entries)
{
    /* spot checks that the enum and the table line up */
    ck_assert_str_eq(cc_statements[CC_ST_health_check].label, "cc_health_check");
    ck_assert_str_eq(cc_statements[CC_ST_health_check].sql, "SELECT 1");
    ck_assert_int_eq(cc_statements[CC_ST_health_check].nparams, 0);
    ck_assert_int_eq(cc_statements[CC_ST_health_check].readonly, 1);
    ck_assert_str_eq(cc_statements[CC_ST_user_insert].label, "cc_user_insert");
    ck_assert_int_eq(cc_statements[CC_ST_user_insert].nparams, 5);
    ck_assert_int_eq(cc_statements[CC_ST_user_insert].readonly, 0);
    ck_assert_str_eq(cc_statements[CC_ST_mail_failed].label, "cc_mail_failed");
    ck_assert_int_eq(cc_statements[CC_ST_mail_claim].readonly, 0);
    ck_assert_ptr_nonnull(
        strstr(cc_statements[CC_ST_user_set_password].sql, "token_version = token_version + 1"));
}
END_TEST

Suite *cc_statements_suite(void)
{
    Suite *s = suite_create("statements");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_entries_present);
    tcase_add_test(tc, test_labels_unique);
    tcase_add_test(tc, test_labels_are_identifiers);
    tcase_add_test(tc, test_nparams_match_placeholders);
    tcase_add_test(tc, test_placeholder_parser);
    tcase_add_test(tc, test_no_printf_conversions);
    tcase_add_test(tc, test_readonly_statements_are_plain_selects);
    tcase_add_test(tc, test_known_entries);
    suite_add_tcase(s, tc);
    return s;
}
