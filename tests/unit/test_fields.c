/* Unit tests for core/fields.c: declarative body validation and its canonical output. */
#include <string.h>
#include <check.h>
#include <apr_strings.h>

#include "../../core/fields.h"
#include "../../core/utf8.h"
#include "suites.h"

static const char *const GENDERS[] = {"male", "female", "other", "undisclosed", NULL};
static const char *const JOB_TYPES[] = {"full_time", "part_time", "contract", NULL};

static const cc_field_t FIELDS[] = {
    {"name", CC_F_STR, CC_FF_REQUIRED, 0, 10, NULL, 0},
    {"note", CC_F_STR, 0, 0, 20, NULL, 0},
    {"company", CC_F_STR, CC_FF_EMPTY, 0, 20, NULL, 0},
    {"years", CC_F_INT, 0, 0, 70, NULL, 0},
    {"salary", CC_F_DECIMAL, 0, 0, 12, NULL, 0},
    {"born", CC_F_DATE, 0, 0, 0, NULL, 0},
    {"gender", CC_F_CHOICE, 0, 0, 0, GENDERS, 0},
    {"kind", CC_F_CHOICE, CC_FF_HYPHENS, 0, 0, JOB_TYPES, 0},
    {"active", CC_F_BOOL, 0, 0, 0, NULL, 0},
    {"mail", CC_F_EMAIL, 0, 0, 0, NULL, 0},
    {"site", CC_F_URL, 0, 0, 200, NULL, 0},
    {"phone", CC_F_PHONE, 0, 0, 0, NULL, 0},
    {"certs", CC_F_STRLIST, 0, 0, 3, NULL, 5},
    {"types", CC_F_CHOICELIST, CC_FF_HYPHENS, 0, 0, JOB_TYPES, 0},
    {"skills", CC_F_IDLIST, 0, 0, 4, NULL, 0},
    {"hospital", CC_F_ID, 0, 0, 0, NULL, 0},
    {"expires", CC_F_DATETIME, 0, 0, 0, NULL, 0},
};
#define NFIELDS ((int)(sizeof(FIELDS) / sizeof(FIELDS[0])))

/* Cleans `body_text` and returns the cleaned object and the errors as compact JSON texts. */
static void run(const char *body_text, int partial, char **clean, char **errs)
{
    json_error_t je;
    json_t *body = json_loads(body_text, 0, &je), *e = json_object(), *c;
    ck_assert_msg(body != NULL, "bad test JSON: %s", je.text);
    c = cc_fields_clean(cc_test_pool, FIELDS, NFIELDS, body, partial, e);
    *clean = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    *errs = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    json_decref(e);
}

#define CHECK(body, partial, want_clean, want_errs)                                                \
    do {                                                                                           \
        char *c_, *e_;                                                                             \
        run(body, partial, &c_, &e_);                                                              \
        ck_assert_str_eq(e_, want_errs);                                                           \
        ck_assert_str_eq(c_, want_clean);                                                          \
        free(c_);                                                                                  \
        free(e_);                                                                                  \
    } while (0)

START_TEST(test_required)
{
    CHECK("{}", 0, "{}", "{\"name\":[\"This field is required.\"]}");
    CHECK("{}", 1, "{}", "{}");
    CHECK("{\"name\":null}", 1, "{}", "{\"name\":[\"This field may not be null.\"]}");
    CHECK("{\"name\":\"  \"}", 0, "{}", "{\"name\":[\"This field may not be blank.\"]}");
    CHECK("{\"name\":\" Asha \"}", 0, "{\"name\":\"Asha\"}", "{}");
}
END_TEST

START_TEST(test_strings)
{
    CHECK("{\"note\":\"\"}", 1, "{\"note\":null}", "{}");
    CHECK("{\"note\":null}", 1, "{\"note\":null}", "{}");
    CHECK("{\"company\":\"  \"}", 1, "{\"company\":\"\"}", "{}");
    CHECK("{\"company\":null}", 1, "{\"company\":\"\"}", "{}");
    CHECK("{\"note\":12}", 1, "{\"note\":\"12\"}", "{}");
    CHECK("{\"note\":[1]}", 1, "{}", "{\"note\":[\"Not a valid string.\"]}");
    CHECK("{\"name\":\"abcdefghijk\"}", 1, "{}",
          "{\"name\":[\"Ensure this field has no more than 10 characters.\"]}");
    /* characters, not bytes: ten two-byte letters fit */
    CHECK("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
          "\xc3\xa9\"}",
          1,
          "{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
          "\xc3\xa9\"}",
          "{}");
}
END_TEST

START_TEST(test_integers)
{
    CHECK("{\"years\":7}", 1, "{\"years\":7}", "{}");
    CHECK("{\"years\":\"12\"}", 1, "{\"years\":12}", "{}");
    CHECK("{\"years\":3.0}", 1, "{\"years\":3}", "{}");
    CHECK("{\"years\":3.5}", 1, "{}", "{\"years\":[\"A valid integer is required.\"]}");
    CHECK("{\"years\":\"7y\"}", 1, "{}", "{\"years\":[\"A valid integer is required.\"]}");
    CHECK("{\"years\":true}", 1, "{}", "{\"years\":[\"A valid integer is required.\"]}");
    CHECK("{\"years\":-1}", 1, "{}",
          "{\"years\":[\"Ensure this value is greater than or equal to 0.\"]}");
    CHECK("{\"years\":71}", 1, "{}",
          "{\"years\":[\"Ensure this value is less than or equal to 70.\"]}");
    CHECK("{\"years\":null}", 1, "{\"years\":null}", "{}");
}
END_TEST

START_TEST(test_decimals)
{
    CHECK("{\"salary\":45000}", 1, "{\"salary\":\"45000.00\"}", "{}");
    CHECK("{\"salary\":\"45000.5\"}", 1, "{\"salary\":\"45000.50\"}", "{}");
    CHECK("{\"salary\":1234.56}", 1, "{\"salary\":\"1234.56\"}", "{}");
    CHECK("{\"salary\":\"0.10\"}", 1, "{\"salary\":\"0.10\"}", "{}");
    CHECK("{\"salary\":\".5\"}", 1, "{\"salary\":\"0.50\"}", "{}");
    CHECK("{\"salary\":\"007.250\"}", 1, "{\"salary\":\"7.25\"}", "{}");
    CHECK("{\"salary\":\"1.234\"}", 1, "{}",
          "{\"salary\":[\"Ensure that there are no more than 2 decimal places.\"]}");
    CHECK("{\"salary\":\"-5\"}", 1, "{}",
          "{\"salary\":[\"Ensure this value is greater than or equal to 0.\"]}");
    CHECK("{\"salary\":\"12e3\"}", 1, "{}", "{\"salary\":[\"A valid number is required.\"]}");
    CHECK("{\"salary\":\"\"}", 1, "{}", "{\"salary\":[\"A valid number is required.\"]}");
    CHECK("{\"salary\":\"12345678901\"}", 1, "{}",
          "{\"salary\":[\"Ensure that there are no more than 10 digits before the decimal "
          "point.\"]}");
    CHECK("{\"salary\":\"1234567890.99\"}", 1, "{\"salary\":\"1234567890.99\"}", "{}");
}
END_TEST

START_TEST(test_dates)
{
    CHECK("{\"born\":\"1990-02-28\"}", 1, "{\"born\":\"1990-02-28\"}", "{}");
    CHECK("{\"born\":\"2000-02-29\"}", 1, "{\"born\":\"2000-02-29\"}", "{}");
    CHECK("{\"born\":\"1900-02-29\"}", 1, "{}",
          "{\"born\":[\"Date has wrong format. Use one of these formats instead: "
          "YYYY-MM-DD.\"]}");
    CHECK("{\"born\":\"1990-13-01\"}", 1, "{}",
          "{\"born\":[\"Date has wrong format. Use one of these formats instead: "
          "YYYY-MM-DD.\"]}");
    CHECK("{\"born\":\"01/02/1990\"}", 1, "{}",
          "{\"born\":[\"Date has wrong format. Use one of these formats instead: "
          "YYYY-MM-DD.\"]}");
    ck_assert_int_eq(cc_date_valid("2024-04-31"), 0);
    ck_assert_int_eq(cc_date_valid("2024-04-30"), 1);
    ck_assert_int_eq(cc_date_valid("0000-01-01"), 0);
}
END_TEST

#define BAD_DATETIME                                                                               \
    "{\"expires\":[\"Datetime has wrong format. Use one of these formats instead: "                \
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].\"]}"

START_TEST(test_datetimes)
{
    int naive;
    /* a naive datetime is UTC: the canonical value says so */
    CHECK("{\"expires\":\"2026-12-01T10:30\"}", 1, "{\"expires\":\"2026-12-01T10:30Z\"}", "{}");
    CHECK("{\"expires\":\" 2026-12-01T10:30:05.123456Z \"}", 1,
          "{\"expires\":\"2026-12-01T10:30:05.123456Z\"}", "{}");
    CHECK("{\"expires\":\"2026-12-01 10:30:05+05:30\"}", 1,
          "{\"expires\":\"2026-12-01 10:30:05+05:30\"}", "{}");
    CHECK("{\"expires\":\"2026-12-01\"}", 1, "{}", BAD_DATETIME);
    CHECK("{\"expires\":\"2026-02-30T10:00Z\"}", 1, "{}", BAD_DATETIME);
    CHECK("{\"expires\":\"2026-12-01T24:00Z\"}", 1, "{}", BAD_DATETIME);
    CHECK("{\"expires\":\"2026-12-01T10:00:00.1234567Z\"}", 1, "{}", BAD_DATETIME);
    CHECK("{\"expires\":\"2026-12-01T10:00+5\"}", 1, "{}", BAD_DATETIME);
    CHECK("{\"expires\":12}", 1, "{}", BAD_DATETIME);
    CHECK("{\"expires\":null}", 1, "{\"expires\":null}", "{}");
    ck_assert_int_eq(cc_datetime_valid("2026-12-01T10:00-0330", &naive), 1);
    ck_assert_int_eq(naive, 0);
    ck_assert_int_eq(cc_datetime_valid("2026-12-01T10:00:59", &naive), 1);
    ck_assert_int_eq(naive, 1);
    ck_assert_int_eq(cc_datetime_valid("2026-12-01T10:00:60", &naive), 0);
    ck_assert_int_eq(cc_datetime_valid("2026-12-01T10:00Zx", &naive), 0);
    /* offsets within what PostgreSQL reads (up to 15:59), no further */
    ck_assert_int_eq(cc_datetime_valid("2026-12-01T10:00-15:59", &naive), 1);
    ck_assert_int_eq(cc_datetime_valid("2026-12-01T10:00+14", &naive), 1);
    ck_assert_int_eq(cc_datetime_valid("2026-12-01T10:00-16:00", &naive), 0);
    ck_assert_int_eq(cc_datetime_valid("0001-01-01T00:00:00-23:59", &naive), 0);
}
END_TEST

START_TEST(test_choices)
{
    CHECK("{\"gender\":\"female\"}", 1, "{\"gender\":\"female\"}", "{}");
    CHECK("{\"gender\":\"Female\"}", 1, "{}",
          "{\"gender\":[\"\\\"Female\\\" is not a valid choice.\"]}");
    CHECK("{\"gender\":\"full-time\"}", 1, "{}",
          "{\"gender\":[\"\\\"full-time\\\" is not a valid choice.\"]}");
    CHECK("{\"kind\":\"full-time\"}", 1, "{\"kind\":\"full_time\"}", "{}");
    CHECK("{\"gender\":3}", 1, "{}", "{\"gender\":[\"\\\"3\\\" is not a valid choice.\"]}");
}
END_TEST

START_TEST(test_booleans)
{
    CHECK("{\"active\":false}", 1, "{\"active\":false}", "{}");
    CHECK("{\"active\":\"true\"}", 1, "{\"active\":true}", "{}");
    CHECK("{\"active\":0}", 1, "{\"active\":false}", "{}");
    CHECK("{\"active\":\"yes\"}", 1, "{}", "{\"active\":[\"Must be a valid boolean.\"]}");
    CHECK("{\"active\":2}", 1, "{}", "{\"active\":[\"Must be a valid boolean.\"]}");
}
END_TEST

START_TEST(test_formats)
{
    CHECK("{\"mail\":\"hr@aiims.edu\"}", 1, "{\"mail\":\"hr@aiims.edu\"}", "{}");
    CHECK("{\"mail\":\"not-an-email\"}", 1, "{}", "{\"mail\":[\"Enter a valid email address.\"]}");
    CHECK("{\"site\":\"https://www.aiims.edu/en\"}", 1, "{\"site\":\"https://www.aiims.edu/en\"}",
          "{}");
    CHECK("{\"site\":\"javascript:alert(1)\"}", 1, "{}", "{\"site\":[\"Enter a valid URL.\"]}");
    CHECK("{\"site\":\"https://a b.com\"}", 1, "{}", "{\"site\":[\"Enter a valid URL.\"]}");
    CHECK("{\"site\":\"http://nodot\"}", 1, "{}", "{\"site\":[\"Enter a valid URL.\"]}");
    CHECK("{\"phone\":\"+91 98450 12345\"}", 1, "{\"phone\":\"+91 98450 12345\"}", "{}");
    CHECK("{\"phone\":\"(080) 2222-3333\"}", 1, "{\"phone\":\"(080) 2222-3333\"}", "{}");
    CHECK("{\"phone\":\"12345\"}", 1, "{}", "{\"phone\":[\"Enter a valid phone number.\"]}");
    CHECK("{\"phone\":\"98450x12345\"}", 1, "{}", "{\"phone\":[\"Enter a valid phone number.\"]}");
}
END_TEST

START_TEST(test_lists)
{
    CHECK("{\"certs\":[\" BLS \",\"ACLS\",\"BLS\"]}", 1, "{\"certs\":[\"BLS\",\"ACLS\"]}", "{}");
    CHECK("{\"certs\":null}", 1, "{\"certs\":[]}", "{}");
    CHECK("{\"certs\":\"BLS\"}", 1, "{}",
          "{\"certs\":[\"Expected a list of items but got type \\\"str\\\".\"]}");
    CHECK("{\"certs\":[\"a\",\"b\",\"c\",\"d\"]}", 1, "{}",
          "{\"certs\":[\"Ensure this field has no more than 3 elements.\"]}");
    CHECK("{\"certs\":[\"ok\",\"\",\"toolong\"]}", 1, "{}",
          "{\"certs\":[\"Item 2: This field may not be blank.\",\"Item 3: Ensure this field has "
          "no more than 5 characters.\"]}");
    CHECK("{\"types\":[\"full-time\",\"contract\",\"full_time\"]}", 1,
          "{\"types\":[\"full_time\",\"contract\"]}", "{}");
    CHECK("{\"types\":[\"gig\"]}", 1, "{}",
          "{\"types\":[\"Item 1: \\\"gig\\\" is not a valid choice.\"]}");
    CHECK("{\"skills\":[3,\"5\",3]}", 1, "{\"skills\":[3,5]}", "{}");
    CHECK("{\"skills\":[\"x\"]}", 1, "{}",
          "{\"skills\":[\"Incorrect type. Expected pk value, received str.\"]}");
    CHECK("{\"skills\":[0]}", 1, "{}",
          "{\"skills\":[\"Invalid pk \\\"0\\\" - object does not exist.\"]}");
    CHECK("{\"skills\":[1.5]}", 1, "{}",
          "{\"skills\":[\"Incorrect type. Expected pk value, received float.\"]}");
    /* far outside int64: refused before any cast (fuzz_fields found the cast under UBSan) */
    CHECK("{\"skills\":[1e100]}", 1, "{}",
          "{\"skills\":[\"Incorrect type. Expected pk value, received float.\"]}");
}
END_TEST

START_TEST(test_ids)
{
    CHECK("{\"hospital\":4}", 1, "{\"hospital\":4}", "{}");
    CHECK("{\"hospital\":null}", 1, "{\"hospital\":null}", "{}");
    CHECK("{\"hospital\":true}", 1, "{}",
          "{\"hospital\":[\"Incorrect type. Expected pk value, received bool.\"]}");
}
END_TEST

START_TEST(test_unknown_keys_and_id_array)
{
    json_t *list = json_pack("[iii]", 4, 17, 9);
    CHECK("{\"role\":\"admin\",\"name\":\"x\"}", 1, "{\"name\":\"x\"}", "{}");
    ck_assert_str_eq(cc_fields_id_array(cc_test_pool, list), "{4,17,9}");
    json_decref(list);
    list = json_array();
    ck_assert_str_eq(cc_fields_id_array(cc_test_pool, list), "{}");
    json_decref(list);
    ck_assert_uint_eq(cc_utf8_len("h\xc3\xa9llo"), 5);
}
END_TEST

Suite *cc_fields_suite(void)
{
    Suite *s = suite_create("fields");
    TCase *tc = tcase_create("clean");
    tcase_add_checked_fixture(tc, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_add_test(tc, test_required);
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_integers);
    tcase_add_test(tc, test_decimals);
    tcase_add_test(tc, test_dates);
    tcase_add_test(tc, test_datetimes);
    tcase_add_test(tc, test_choices);
    tcase_add_test(tc, test_booleans);
    tcase_add_test(tc, test_formats);
    tcase_add_test(tc, test_lists);
    tcase_add_test(tc, test_ids);
    tcase_add_test(tc, test_unknown_keys_and_id_array);
    suite_add_tcase(s, tc);
    return s;
}
