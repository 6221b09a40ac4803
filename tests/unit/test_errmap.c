/* Unit tests for dbd/errmap.c: SQLSTATE classes and their HTTP statuses. */
#include <check.h>

#include "../../dbd/errmap.h"
#include "suites.h"

static const struct {
    const char *sqlstate;
    cc_sql_class_t cls;
    int status;
} cases[] = {
    {"23505", CC_SQL_UNIQUE, 409},       /* unique_violation */
    {"23503", CC_SQL_FOREIGN_KEY, 400},  /* foreign_key_violation */
    {"23514", CC_SQL_CHECK, 400},        /* check_violation */
    {"23502", CC_SQL_CHECK, 400},        /* not_null_violation */
    {"40001", CC_SQL_RETRY, 503},        /* serialization_failure */
    {"40P01", CC_SQL_RETRY, 503},        /* deadlock_detected */
    {"26000", CC_SQL_STMT_MISSING, 500}, /* invalid_sql_statement_name */
    {"08006", CC_SQL_UNAVAILABLE, 503},  /* connection_failure */
    {"08000", CC_SQL_UNAVAILABLE, 503},  /* connection_exception */
    {"08001", CC_SQL_UNAVAILABLE, 503},  /* sqlclient_unable_to_establish_sqlconnection */
    {"08003", CC_SQL_UNAVAILABLE, 503},  /* connection_does_not_exist */
    {"08P01", CC_SQL_UNAVAILABLE, 503},  /* protocol_violation */
    {"57P01", CC_SQL_UNAVAILABLE, 503},  /* admin_shutdown */
    {"57P02", CC_SQL_UNAVAILABLE, 503},  /* crash_shutdown */
    {"57P03", CC_SQL_UNAVAILABLE, 503},  /* cannot_connect_now */
    {"57014", CC_SQL_UNAVAILABLE, 503},  /* query_canceled (statement_timeout) */
    {"53300", CC_SQL_UNAVAILABLE, 503},  /* too_many_connections */
    {"53100", CC_SQL_UNAVAILABLE, 503},  /* disk_full */
    {"53200", CC_SQL_UNAVAILABLE, 503},  /* out_of_memory */
    {"42P01", CC_SQL_OTHER, 500},        /* undefined_table: a bug */
    {"42703", CC_SQL_OTHER, 500},        /* undefined_column */
    {"42601", CC_SQL_OTHER, 500},        /* syntax_error */
    {"22P02", CC_SQL_OTHER, 500},        /* invalid_text_representation */
    {"23000", CC_SQL_OTHER, 500},        /* integrity_constraint_violation (generic) */
    {"23P01", CC_SQL_OTHER, 500},        /* exclusion_violation */
    {"40000", CC_SQL_OTHER, 500},        /* transaction_rollback (generic) */
    {"57000", CC_SQL_OTHER, 500},        /* operator_intervention (generic) */
    {"57P04", CC_SQL_OTHER, 500},        /* database_dropped */
    {"XX000", CC_SQL_OTHER, 500},        /* internal_error */
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

START_TEST(test_sqlstate_class)
{
    size_t i;
    for (i = 0; i < NCASES; i++)
        ck_assert_msg(cc_sqlstate_class(cases[i].sqlstate) == cases[i].cls, "%s: class %d, want %d",
                      cases[i].sqlstate, (int)cc_sqlstate_class(cases[i].sqlstate),
                      (int)cases[i].cls);
}
END_TEST

START_TEST(test_sqlstate_status)
{
    size_t i;
    for (i = 0; i < NCASES; i++)
        ck_assert_msg(cc_sql_class_status(cc_sqlstate_class(cases[i].sqlstate)) == cases[i].status,
                      "%s: status %d, want %d", cases[i].sqlstate,
                      cc_sql_class_status(cc_sqlstate_class(cases[i].sqlstate)), cases[i].status);
}
END_TEST

START_TEST(test_sqlstate_connection_level)
{
    /* no SQLSTATE at all: the connection failed before the server answered */
    ck_assert_int_eq(cc_sqlstate_class(NULL), CC_SQL_UNAVAILABLE);
    ck_assert_int_eq(cc_sqlstate_class(""), CC_SQL_UNAVAILABLE);
    ck_assert_int_eq(cc_sql_class_status(cc_sqlstate_class(NULL)), 503);
    ck_assert_int_eq(cc_sql_class_status(cc_sqlstate_class("")), 503);
}
END_TEST

START_TEST(test_sqlstate_exact_codes)
{
    /* whole codes are compared, not prefixes */
    ck_assert_int_eq(cc_sqlstate_class("23505"), CC_SQL_UNIQUE);
    ck_assert_int_eq(cc_sqlstate_class("2350"), CC_SQL_UNAVAILABLE);   /* not a SQLSTATE */
    ck_assert_int_eq(cc_sqlstate_class("235050"), CC_SQL_UNAVAILABLE); /* not a SQLSTATE */
    ck_assert_int_ne(cc_sqlstate_class("23506"), CC_SQL_UNIQUE);
    ck_assert_int_ne(cc_sqlstate_class("40002"), CC_SQL_RETRY);
    ck_assert_int_ne(cc_sqlstate_class("26001"), CC_SQL_STMT_MISSING);
}
END_TEST

START_TEST(test_class_status)
{
    ck_assert_int_eq(cc_sql_class_status(CC_SQL_UNAVAILABLE), 503);
    ck_assert_int_eq(cc_sql_class_status(CC_SQL_RETRY), 503);
    ck_assert_int_eq(cc_sql_class_status(CC_SQL_UNIQUE), 409);
    ck_assert_int_eq(cc_sql_class_status(CC_SQL_FOREIGN_KEY), 400);
    ck_assert_int_eq(cc_sql_class_status(CC_SQL_CHECK), 400);
    ck_assert_int_eq(cc_sql_class_status(CC_SQL_STMT_MISSING), 500);
    ck_assert_int_eq(cc_sql_class_status(CC_SQL_OTHER), 500);
}
END_TEST

Suite *cc_errmap_suite(void)
{
    Suite *s = suite_create("errmap");
    TCase *tc = tcase_create("sqlstate");
    tcase_add_test(tc, test_sqlstate_class);
    tcase_add_test(tc, test_sqlstate_status);
    tcase_add_test(tc, test_sqlstate_connection_level);
    tcase_add_test(tc, test_sqlstate_exact_codes);
    tcase_add_test(tc, test_class_status);
    suite_add_tcase(s, tc);
    return s;
}
