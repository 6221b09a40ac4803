/* Unit tests for core/router.c: path matching, {id} captures, 404 versus 405 and Allow. */
#include <stdio.h>
#include <string.h>
#include <check.h>
#include <apr_general.h>
#include <apr_pools.h>

#include "../../core/router.h"
#include "../../core/utf8.h"
#include "suites.h"

/* Distinct static handlers, so a test can tell which route matched by its handler too. */
static int h_root(cc_req_t *r)
{
    (void)r;
    return 1;
}
static int h_login(cc_req_t *r)
{
    (void)r;
    return 2;
}
static int h_register(cc_req_t *r)
{
    (void)r;
    return 3;
}
static int h_me_get(cc_req_t *r)
{
    (void)r;
    return 4;
}
static int h_me_put(cc_req_t *r)
{
    (void)r;
    return 5;
}
static int h_me_patch(cc_req_t *r)
{
    (void)r;
    return 6;
}
static int h_user_get(cc_req_t *r)
{
    (void)r;
    return 7;
}
static int h_user_delete(cc_req_t *r)
{
    (void)r;
    return 8;
}
static int h_app_get(cc_req_t *r)
{
    (void)r;
    return 9;
}
static int h_app_create(cc_req_t *r)
{
    (void)r;
    return 10;
}
static int h_health(cc_req_t *r)
{
    (void)r;
    return 11;
}

static const cc_route_t routes[] = {
    {"GET", "", 0, CC_RF_NOAUTH, h_root, NULL},
    {"POST", "accounts/login/", 0, CC_RF_NOAUTH | CC_RF_FORM, h_login, NULL},
    {"POST", "accounts/register/", 0, CC_RF_NOAUTH, h_register, NULL},
    {"GET", "accounts/me/", CC_ROLE_ANY, 0, h_me_get, NULL},
    {"PUT", "accounts/me/", CC_ROLE_ANY, 0, h_me_put, NULL},
    {"PATCH", "accounts/me/", CC_ROLE_ANY, 0, h_me_patch, NULL},
    {"GET", "users/{id}/", CC_ROLE_ADMIN, 0, h_user_get, NULL},
    {"DELETE", "users/{id}/", CC_ROLE_ADMIN, 0, h_user_delete, NULL},
    {"GET", "jobs/{id}/applications/{id}/", CC_ROLE_RECRUITER, 0, h_app_get, NULL},
    {"POST", "jobs/{id}/applications/", CC_ROLE_CANDIDATE, 0, h_app_create, NULL},
    /* a pattern written without its trailing slash matches alike */
    {"GET", "health", 0, CC_RF_NOAUTH, h_health, NULL},
};
#define NROUTES ((int)(sizeof(routes) / sizeof(routes[0])))

static const cc_route_t *out;
static apr_int64_t ids[CC_MAX_PATH_IDS];
static int nids;
static const char *allow;

static cc_route_result_t match(const char *method, const char *path)
{
    int i;
    out = NULL;
    nids = -1;
    allow = NULL;
    for (i = 0; i < CC_MAX_PATH_IDS; i++)
        ids[i] = -7;
    return cc_route_match(cc_test_pool, routes, NROUTES, method, path, &out, ids, &nids, &allow);
}

/* Asserts a match on the route whose handler is h, with no id captured. */
#define ASSERT_FOUND(m_, p_, h_)                                                                   \
    do {                                                                                           \
        ck_assert_msg(match(m_, p_) == CC_ROUTE_FOUND, "%s '%s' should match", m_, p_);            \
        ck_assert_ptr_nonnull(out);                                                                \
        ck_assert_msg(out->handler == (h_), "%s '%s' matched the wrong route '%s %s'", m_, p_,     \
                      out->method, out->pattern);                                                  \
        ck_assert_int_eq(nids, 0);                                                                 \
    } while (0)

#define ASSERT_NOT_FOUND(m_, p_)                                                                   \
    ck_assert_msg(match(m_, p_) == CC_ROUTE_NOT_FOUND, "%s '%s' should be a 404", m_, p_)

#define ASSERT_BAD_METHOD(m_, p_, want_allow)                                                      \
    do {                                                                                           \
        ck_assert_msg(match(m_, p_) == CC_ROUTE_BAD_METHOD, "%s '%s' should be a 405", m_, p_);    \
        ck_assert_ptr_nonnull(allow);                                                              \
        ck_assert_str_eq(allow, want_allow);                                                       \
    } while (0)

START_TEST(test_exact_match)
{
    ASSERT_FOUND("POST", "accounts/login/", h_login);
    ck_assert_str_eq(out->method, "POST");
    ck_assert_str_eq(out->pattern, "accounts/login/");
    ck_assert_int_eq(out->flags, CC_RF_NOAUTH | CC_RF_FORM);
    ck_assert_int_eq(out->roles, 0);
    ASSERT_FOUND("POST", "accounts/register/", h_register);
    ASSERT_FOUND("GET", "accounts/me/", h_me_get);
    ck_assert_int_eq(out->roles, CC_ROLE_ANY);
    ASSERT_FOUND("PUT", "accounts/me/", h_me_put);
    ASSERT_FOUND("PATCH", "accounts/me/", h_me_patch);
}
END_TEST

START_TEST(test_trailing_slash_equivalence)
{
    ASSERT_FOUND("POST", "accounts/login", h_login);
    ASSERT_FOUND("POST", "accounts/login/", h_login);
    ASSERT_FOUND("GET", "accounts/me", h_me_get);
    /* a pattern stored without the slash answers both spellings too */
    ASSERT_FOUND("GET", "health", h_health);
    ASSERT_FOUND("GET", "health/", h_health);
}
END_TEST

START_TEST(test_root_path)
{
    ASSERT_FOUND("GET", "", h_root);
    ASSERT_FOUND("GET", "/", h_root);
    ASSERT_FOUND("HEAD", "", h_root);
    ASSERT_BAD_METHOD("POST", "", "GET, HEAD, OPTIONS");
    ASSERT_NOT_FOUND("GET", "//");
}
END_TEST

START_TEST(test_id_capture)
{
    ck_assert_int_eq(match("GET", "users/42/"), CC_ROUTE_FOUND);
    ck_assert(out->handler == h_user_get);
    ck_assert_int_eq(nids, 1);
    ck_assert_int_eq(ids[0], 42);

    ck_assert_int_eq(match("DELETE", "users/7"), CC_ROUTE_FOUND);
    ck_assert(out->handler == h_user_delete);
    ck_assert_int_eq(nids, 1);
    ck_assert_int_eq(ids[0], 7);

    ck_assert_int_eq(match("GET", "users/1"), CC_ROUTE_FOUND);
    ck_assert_int_eq(ids[0], 1);

    /* the largest accepted id: 18 digits */
    ck_assert_int_eq(match("GET", "users/999999999999999999/"), CC_ROUTE_FOUND);
    ck_assert_int_eq(nids, 1);
    ck_assert(ids[0] == APR_INT64_C(999999999999999999));

    ck_assert_int_eq(match("GET", "users/100000000000000000"), CC_ROUTE_FOUND);
    ck_assert(ids[0] == APR_INT64_C(100000000000000000));

    /* leading zeros are digits like any other, as Django's <int:pk> converter reads them */
    ck_assert_int_eq(match("GET", "users/007/"), CC_ROUTE_FOUND);
    ck_assert_int_eq(ids[0], 7);
}
END_TEST

START_TEST(test_two_ids)
{
    ck_assert_int_eq(match("GET", "jobs/12/applications/34/"), CC_ROUTE_FOUND);
    ck_assert(out->handler == h_app_get);
    ck_assert_int_eq(nids, 2);
    ck_assert_int_eq(ids[0], 12);
    ck_assert_int_eq(ids[1], 34);

    ck_assert_int_eq(match("HEAD", "jobs/5/applications/123456789012"), CC_ROUTE_FOUND);
    ck_assert(out->handler == h_app_get);
    ck_assert_int_eq(nids, 2);
    ck_assert_int_eq(ids[0], 5);
    ck_assert(ids[1] == APR_INT64_C(123456789012));

    ck_assert_int_eq(match("POST", "jobs/99/applications"), CC_ROUTE_FOUND);
    ck_assert(out->handler == h_app_create);
    ck_assert_int_eq(nids, 1);
    ck_assert_int_eq(ids[0], 99);
}
END_TEST

START_TEST(test_bad_ids_do_not_match)
{
    static const char *const bad[] = {
        "0",
        "00",
        "-1",
        "-0",
        "abc",
        "1e3",
        "+1",
        "+0",
        "1.0",
        "0x10",
        "12a",
        "a12",
        " 1",
        "1 ",
        "%31",                  /* percent-encoded "1" */
        "1000000000000000000",  /* 19 digits */
        "9223372036854775807",  /* INT64_MAX: 19 digits */
        "9223372036854775808",  /* INT64_MAX + 1 */
        "18446744073709551617", /* 2^64 + 1: wraps to 1 if parsed carelessly */
        "99999999999999999999999999999999",
    };
    size_t i;
    char path[128];
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(path, sizeof(path), "users/%s/", bad[i]);
        ck_assert_msg(match("GET", path) == CC_ROUTE_NOT_FOUND, "id '%s' must not match", bad[i]);
        snprintf(path, sizeof(path), "jobs/3/applications/%s", bad[i]);
        ck_assert_msg(match("GET", path) == CC_ROUTE_NOT_FOUND, "second id '%s' must not match",
                      bad[i]);
        snprintf(path, sizeof(path), "jobs/%s/applications/3", bad[i]);
        ck_assert_msg(match("GET", path) == CC_ROUTE_NOT_FOUND, "first id '%s' must not match",
                      bad[i]);
    }
    /* an empty id segment */
    ASSERT_NOT_FOUND("GET", "users//");
    ASSERT_NOT_FOUND("GET", "users/");
    ASSERT_NOT_FOUND("GET", "users");
    ASSERT_NOT_FOUND("GET", "jobs//applications/3/");
    ASSERT_NOT_FOUND("POST", "jobs//applications/");
    /* the literal pattern text is not an id either */
    ASSERT_NOT_FOUND("GET", "users/{id}/");
}
END_TEST

START_TEST(test_405_allow_without_get)
{
    ASSERT_BAD_METHOD("GET", "accounts/login/", "POST, OPTIONS");
    ASSERT_BAD_METHOD("GET", "accounts/login", "POST, OPTIONS");
    ASSERT_BAD_METHOD("PUT", "accounts/register/", "POST, OPTIONS");
    ASSERT_BAD_METHOD("DELETE", "jobs/4/applications/", "POST, OPTIONS");
    /* HEAD only rides on GET */
    ASSERT_BAD_METHOD("HEAD", "accounts/login/", "POST, OPTIONS");
    /* methods are case-sensitive (RFC 9110): "post" is another, unknown method */
    ASSERT_BAD_METHOD("post", "accounts/login/", "POST, OPTIONS");
    ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_405_allow_with_get)
{
    /* table order, then HEAD (implied by GET), then OPTIONS */
    ASSERT_BAD_METHOD("DELETE", "accounts/me/", "GET, PUT, PATCH, HEAD, OPTIONS");
    ASSERT_BAD_METHOD("POST", "accounts/me", "GET, PUT, PATCH, HEAD, OPTIONS");
    ASSERT_BAD_METHOD("OPTIONS", "accounts/me/", "GET, PUT, PATCH, HEAD, OPTIONS");
    ASSERT_BAD_METHOD("PUT", "users/5/", "GET, DELETE, HEAD, OPTIONS");
    ASSERT_BAD_METHOD("POST", "jobs/1/applications/2", "GET, HEAD, OPTIONS");
    ASSERT_BAD_METHOD("DELETE", "health", "GET, HEAD, OPTIONS");
}
END_TEST

START_TEST(test_405_needs_a_matching_path)
{
    /* a bad id is a 404 whatever the method: never a 405 */
    ASSERT_NOT_FOUND("PUT", "users/0/");
    ASSERT_NOT_FOUND("PUT", "users/abc/");
    ck_assert_ptr_null(allow);
    ASSERT_NOT_FOUND("BREW", "nowhere/");
}
END_TEST

START_TEST(test_head_matches_get)
{
    ASSERT_FOUND("HEAD", "accounts/me/", h_me_get);
    ck_assert_str_eq(out->method, "GET");
    ck_assert_int_eq(match("HEAD", "users/3"), CC_ROUTE_FOUND);
    ck_assert(out->handler == h_user_get);
    ck_assert_int_eq(ids[0], 3);
    ck_assert_int_eq(nids, 1);
}
END_TEST

START_TEST(test_double_slash_not_found)
{
    ASSERT_NOT_FOUND("POST", "accounts/login//");
    ASSERT_NOT_FOUND("POST", "accounts//login/");
    ASSERT_NOT_FOUND("POST", "accounts//login");
    ASSERT_NOT_FOUND("GET", "users/5//");
    ASSERT_NOT_FOUND("GET", "users//5/");
    ASSERT_NOT_FOUND("GET", "accounts/me///");
}
END_TEST

START_TEST(test_longer_and_shorter_paths)
{
    ASSERT_NOT_FOUND("POST", "accounts/login/extra/");
    ASSERT_NOT_FOUND("POST", "accounts/login/extra");
    ASSERT_NOT_FOUND("POST", "accounts/");
    ASSERT_NOT_FOUND("POST", "accounts");
    ASSERT_NOT_FOUND("GET", "users/5/6/");
    ASSERT_NOT_FOUND("GET", "jobs/1/applications/2/3");
    ASSERT_NOT_FOUND("GET", "jobs/1/");
    ASSERT_NOT_FOUND("GET", "jobs/1/applications/2/3/");
}
END_TEST

START_TEST(test_prefix_and_near_misses)
{
    ASSERT_NOT_FOUND("POST", "accounts/loginx");
    ASSERT_NOT_FOUND("POST", "accounts/loginx/");
    ASSERT_NOT_FOUND("POST", "accounts/logi");
    ASSERT_NOT_FOUND("POST", "account/login/");
    ASSERT_NOT_FOUND("POST", "accountsx/login/");
    ASSERT_NOT_FOUND("POST", "Accounts/login/");
    ASSERT_NOT_FOUND("GET", "healthz");
    ASSERT_NOT_FOUND("GET", "healt");
    ASSERT_NOT_FOUND("GET", "usersx/5/");
    /* the path is relative to /api/: a leading slash is not the same resource */
    ASSERT_NOT_FOUND("POST", "/accounts/login/");
}
END_TEST

START_TEST(test_ids_per_match)
{
    /* a match after a two-id match reports only its own ids */
    ck_assert_int_eq(match("GET", "jobs/8/applications/9"), CC_ROUTE_FOUND);
    ck_assert_int_eq(nids, 2);
    ck_assert_int_eq(match("GET", "accounts/me"), CC_ROUTE_FOUND);
    ck_assert_int_eq(nids, 0);
    ck_assert_int_eq(match("DELETE", "users/11"), CC_ROUTE_FOUND);
    ck_assert_int_eq(nids, 1);
    ck_assert_int_eq(ids[0], 11);
}
END_TEST

/* ---- query strings ---- */

START_TEST(test_query_form_decoding)
{
    apr_table_t *t;
    ck_assert_int_eq(cc_query_parse(cc_test_pool, "search=ICU+nurse&city=Navi%20Mumbai&x=%2B1", &t),
                     1);
    ck_assert_str_eq(apr_table_get(t, "search"), "ICU nurse");
    ck_assert_str_eq(apr_table_get(t, "city"), "Navi Mumbai");
    ck_assert_str_eq(apr_table_get(t, "x"), "+1");
}
END_TEST

START_TEST(test_query_first_value_wins_and_edges)
{
    apr_table_t *t;
    ck_assert_int_eq(cc_query_parse(cc_test_pool, "a=1&a=2&flag&&=v&b=&c=%zz%4&d=%e2%82%ac", &t),
                     1);
    ck_assert_str_eq(apr_table_get(t, "a"), "1");
    ck_assert_str_eq(apr_table_get(t, "flag"), "");
    ck_assert_str_eq(apr_table_get(t, "b"), "");
    ck_assert_str_eq(apr_table_get(t, "c"), "%zz%4");
    ck_assert_str_eq(apr_table_get(t, "d"), "\xe2\x82\xac");
    ck_assert_ptr_null(apr_table_get(t, ""));
    ck_assert_int_eq(cc_query_parse(cc_test_pool, NULL, &t), 1);
    ck_assert_int_eq(apr_table_elts(t)->nelts, 0);
}
END_TEST

START_TEST(test_query_refuses_bad_utf8)
{
    apr_table_t *t;
    ck_assert_int_eq(cc_query_parse(cc_test_pool, "q=%ff", &t), 0);
    ck_assert_int_eq(cc_query_parse(cc_test_pool, "q=%c0%af", &t), 0);    /* overlong '/' */
    ck_assert_int_eq(cc_query_parse(cc_test_pool, "q=a%00b", &t), 0);     /* NUL */
    ck_assert_int_eq(cc_query_parse(cc_test_pool, "%ed%a0%80=1", &t), 0); /* surrogate */
    ck_assert_int_eq(cc_query_parse(cc_test_pool, "q=%e2%82", &t), 0);    /* truncated */
    ck_assert_int_eq(cc_utf8_valid("\xf0\x9f\x98\x80", 4), 1);
    ck_assert_int_eq(cc_utf8_valid("\xf4\x90\x80\x80", 4), 0); /* > U+10FFFF */
}
END_TEST

Suite *cc_router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("match");
    tcase_add_checked_fixture(tc, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tc, test_exact_match);
    tcase_add_test(tc, test_trailing_slash_equivalence);
    tcase_add_test(tc, test_root_path);
    tcase_add_test(tc, test_id_capture);
    tcase_add_test(tc, test_two_ids);
    tcase_add_test(tc, test_bad_ids_do_not_match);
    tcase_add_test(tc, test_405_allow_without_get);
    tcase_add_test(tc, test_405_allow_with_get);
    tcase_add_test(tc, test_405_needs_a_matching_path);
    tcase_add_test(tc, test_head_matches_get);
    tcase_add_test(tc, test_double_slash_not_found);
    tcase_add_test(tc, test_longer_and_shorter_paths);
    tcase_add_test(tc, test_prefix_and_near_misses);
    tcase_add_test(tc, test_ids_per_match);
    tcase_add_test(tc, test_query_form_decoding);
    tcase_add_test(tc, test_query_first_value_wins_and_edges);
    tcase_add_test(tc, test_query_refuses_bad_utf8);
    suite_add_tcase(s, tc);
    return s;
}
