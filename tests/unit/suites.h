/* Every Check suite of the unit test runner (tests/unit/main.c). */
#ifndef CC_TEST_SUITES_H
#define CC_TEST_SUITES_H

#include <check.h>
#include <apr_pools.h>

/* The per-test pool of the suites that need one: created by cc_test_pool_setup, destroyed by
 * cc_test_pool_teardown (a Check checked fixture, so every test starts from a fresh pool). */
extern apr_pool_t *cc_test_pool;
void cc_test_pool_setup(void);
void cc_test_pool_teardown(void);

Suite *cc_password_suite(void);   /* test_password.c: core/password_rules.c */
Suite *cc_router_suite(void);     /* test_router.c: core/router.c */
Suite *cc_pagination_suite(void); /* test_pagination.c: core/pagination.c */
Suite *cc_jwt_suite(void);        /* test_jwt.c: core/jwt.c */
Suite *cc_validate_suite(void);   /* test_validate.c: core/validate.c */
Suite *cc_errmap_suite(void);     /* test_errmap.c: dbd/errmap.c */
Suite *cc_statements_suite(void); /* test_statements.c: dbd/statements.c */
Suite *cc_fields_suite(void);     /* test_fields.c: core/fields.c */
Suite *cc_cursor_suite(void);     /* test_cursor.c: core/cursor.c */
Suite *cc_multipart_suite(void);  /* test_multipart.c: core/multipart.c */
Suite *cc_filetype_suite(void);   /* test_filetype.c: core/filetype.c */
Suite *cc_respcache_suite(void);  /* test_respcache.c: core/respcache.c */
Suite *cc_utf8_suite(void);       /* test_utf8.c: core/utf8.c */

#endif
