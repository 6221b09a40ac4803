/* The single unit test runner: every suite of tests/unit in one SRunner.
 * CK_FORK=no (as `make unit-asan` sets) runs every test in this process, for the sanitizers. */
#include <stdlib.h>
#include <check.h>
#include <apr_general.h>

#include "suites.h"

apr_pool_t *cc_test_pool;

void cc_test_pool_setup(void)
{
    ck_assert_int_eq(apr_initialize(), APR_SUCCESS);
    ck_assert_int_eq(apr_pool_create(&cc_test_pool, NULL), APR_SUCCESS);
}

void cc_test_pool_teardown(void)
{
    apr_pool_destroy(cc_test_pool);
    cc_test_pool = NULL;
    apr_terminate();
}

int main(void)
{
    SRunner *sr;
    int failed;

    /* Kept initialised for the whole run; fixtures that initialise and terminate APR around
     * each test only move the reference count. */
    if (apr_initialize() != APR_SUCCESS)
        return 1;
    sr = srunner_create(cc_password_suite());
    srunner_add_suite(sr, cc_router_suite());
    srunner_add_suite(sr, cc_pagination_suite());
    srunner_add_suite(sr, cc_jwt_suite());
    srunner_add_suite(sr, cc_validate_suite());
    srunner_add_suite(sr, cc_errmap_suite());
    srunner_add_suite(sr, cc_statements_suite());
    srunner_add_suite(sr, cc_fields_suite());
    srunner_add_suite(sr, cc_cursor_suite());
    srunner_add_suite(sr, cc_multipart_suite());
    srunner_add_suite(sr, cc_filetype_suite());
    srunner_add_suite(sr, cc_respcache_suite());
    srunner_add_suite(sr, cc_utf8_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed ? 1 : 0;
}
