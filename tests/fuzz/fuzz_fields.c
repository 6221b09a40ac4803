/* libFuzzer harness for cc_fields_clean (core/fields.c), the cleaner every JSON body goes
 * through. Byte 0 says whether the body is a partial update (PATCH); the rest is JSON text. A
 * body that parses to an object is cleaned against a table with every field type; then:
 *   - errors are a dict of known field names to non-empty lists of strings;
 *   - the cleaned object holds only known fields, each of its type's canonical form (trimmed
 *     valid UTF-8 within its length, integers within range, money with two places, real dates,
 *     known choices, lists within their bounds and without repeats);
 *   - cleaning a body that had no error gives it back unchanged, with no error (canonical
 *     values are fixed points: what a PATCH stored reads back the same). */
#include <stdint.h>
#include <string.h>
#include <apr_strings.h>
#include <jansson.h>

#include "../../core/fields.h"
#include "../../core/utf8.h"
#include "fuzz.h"

static const char *const KINDS[] = {"full_time", "part_time", "per_diem", NULL};
static const char *const LEVELS[] = {"entry", "mid", "senior", NULL};

static const cc_field_t FIELDS[] = {
    {"title", CC_F_STR, CC_FF_REQUIRED, 0, 20, NULL, 0},
    {"about", CC_F_STR, CC_FF_EMPTY | CC_FF_TEXT, 0, 50, NULL, 0},
    {"years", CC_F_INT, 0, 0, 70, NULL, 0},
    {"salary", CC_F_DECIMAL, 0, 0, 8, NULL, 0},
    {"start", CC_F_DATE, 0, 0, 0, NULL, 0},
    {"kind", CC_F_CHOICE, CC_FF_HYPHENS, 0, 0, KINDS, 0},
    {"remote", CC_F_BOOL, 0, 0, 0, NULL, 0},
    {"email", CC_F_EMAIL, 0, 0, 0, NULL, 0},
    {"site", CC_F_URL, 0, 0, 60, NULL, 0},
    {"phone", CC_F_PHONE, 0, 0, 0, NULL, 0},
    {"skills", CC_F_STRLIST, 0, 0, 5, NULL, 12},
    {"levels", CC_F_CHOICELIST, 0, 0, 3, LEVELS, 0},
    {"ids", CC_F_IDLIST, 0, 0, 4, NULL, 0},
    {"owner", CC_F_ID, 0, 0, 0, NULL, 0},
    {"at", CC_F_DATETIME, 0, 0, 0, NULL, 0},
};
#define N ((int)(sizeof(FIELDS) / sizeof(FIELDS[0])))

static const cc_field_t *field(const char *name)
{
    int i;
    for (i = 0; i < N; i++)
        if (!strcmp(FIELDS[i].name, name))
            return &FIELDS[i];
    return NULL;
}

static int choice(const char *const *choices, const char *s)
{
    for (; *choices; choices++)
        if (!strcmp(*choices, s))
            return 1;
    return 0;
}

static void check_string(const char *s, apr_int64_t max)
{
    apr_size_t n = strlen(s);
    CHECK(cc_utf8_valid(s, n));
    CHECK(max <= 0 || (apr_int64_t)cc_utf8_len(s) <= max);
    if (n)
        CHECK(s[0] != ' ' && s[n - 1] != ' ' && s[0] != '\t' && s[n - 1] != '\n');
}

static void check_value(const cc_field_t *f, json_t *v)
{
    size_t i, j;
    int naive;
    if (json_is_null(v)) {
        CHECK(!(f->flags & CC_FF_REQUIRED));
        return;
    }
    switch (f->type) {
    case CC_F_STR:
    case CC_F_EMAIL:
    case CC_F_URL:
    case CC_F_PHONE:
        CHECK(json_is_string(v));
        check_string(json_string_value(v), f->type == CC_F_STR || f->type == CC_F_URL ? f->max : 0);
        if (f->flags & CC_FF_REQUIRED)
            CHECK(json_string_length(v) > 0);
        break;
    case CC_F_INT:
        CHECK(json_is_integer(v));
        CHECK(json_integer_value(v) >= f->min && json_integer_value(v) <= f->max);
        break;
    case CC_F_DECIMAL: {
        const char *s = json_string_value(v), *dot;
        CHECK(s && (dot = strchr(s, '.')) != NULL && strlen(dot) == 3);
        CHECK((apr_int64_t)strlen(s) - 1 <= f->max);
        for (; *s; s++)
            CHECK((*s >= '0' && *s <= '9') || *s == '.');
        break;
    }
    case CC_F_DATE:
        CHECK(json_is_string(v) && cc_date_valid(json_string_value(v)));
        break;
    case CC_F_DATETIME:
        CHECK(json_is_string(v) && cc_datetime_valid(json_string_value(v), &naive));
        break;
    case CC_F_CHOICE:
        CHECK(json_is_string(v) && choice(f->choices, json_string_value(v)));
        break;
    case CC_F_BOOL:
        CHECK(json_is_boolean(v));
        break;
    case CC_F_ID:
        CHECK(json_is_integer(v) && json_integer_value(v) > 0);
        break;
    case CC_F_STRLIST:
    case CC_F_CHOICELIST:
    case CC_F_IDLIST:
        CHECK(json_is_array(v));
        CHECK(f->max <= 0 || (apr_int64_t)json_array_size(v) <= f->max);
        for (i = 0; i < json_array_size(v); i++) {
            json_t *e = json_array_get(v, i);
            if (f->type == CC_F_IDLIST)
                CHECK(json_is_integer(e) && json_integer_value(e) > 0);
            else if (f->type == CC_F_CHOICELIST)
                CHECK(json_is_string(e) && choice(f->choices, json_string_value(e)));
            else {
                CHECK(json_is_string(e) && json_string_length(e) > 0);
                check_string(json_string_value(e), f->item_max);
            }
            for (j = 0; j < i; j++)
                CHECK(!json_equal(e, json_array_get(v, j)));
        }
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    json_t *body, *errs, *clean, *errs2, *again, *v;
    const char *k;
    int partial;
    if (size < 1)
        return 0;
    body = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, NULL);
    if (!body)
        return 0;
    if (!json_is_object(body)) {
        json_decref(body);
        return 0;
    }
    p = fuzz_pool();
    partial = data[0] & 1;
    errs = json_object();
    clean = cc_fields_clean(p, FIELDS, N, body, partial, errs);
    CHECK(clean && json_is_object(clean));
    json_object_foreach(errs, k, v)
    {
        size_t i;
        CHECK(field(k) != NULL);
        CHECK(json_is_array(v) && json_array_size(v) > 0);
        for (i = 0; i < json_array_size(v); i++)
            CHECK(json_is_string(json_array_get(v, i)));
    }
    json_object_foreach(clean, k, v)
    {
        CHECK(field(k) != NULL);
        CHECK(json_object_get(errs, k) == NULL);
        check_value(field(k), v);
    }
    if (json_object_size(errs) == 0) {
        errs2 = json_object();
        again = cc_fields_clean(p, FIELDS, N, clean, partial, errs2);
        CHECK(json_object_size(errs2) == 0);
        CHECK(json_equal(again, clean));
        json_decref(errs2);
    }
    json_decref(errs);
    json_decref(body);
    apr_pool_destroy(p);
    return 0;
}
