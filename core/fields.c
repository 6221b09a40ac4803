/* Declarative body validation; see fields.h. Messages follow Django REST Framework's words so
 * clients of the original backend keep their error handling. */
#include <stdio.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include "fields.h"
#include "validate.h"
#include "utf8.h"
#include "json.h"

void cc_field_error(json_t *errs, const char *field, const char *message)
{
    json_t *list = json_object_get(errs, field);
    if (!list) {
        list = json_array();
        json_object_set_new(errs, field, list);
    }
    json_array_append_new(list, json_string(message));
}

char *cc_trim(apr_pool_t *p, const char *s)
{
    const char *e;
    while (*s && apr_isspace(*s))
        s++;
    e = s + strlen(s);
    while (e > s && apr_isspace(e[-1]))
        e--;
    return apr_pstrmemdup(p, s, e - s);
}

static const char *too_long(apr_pool_t *p, apr_int64_t max)
{
    return apr_psprintf(p, "Ensure this field has no more than %" APR_INT64_T_FMT " characters.",
                        max);
}

static const char *type_name(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "dict";
    case JSON_ARRAY:
        return "list";
    case JSON_STRING:
        return "str";
    case JSON_INTEGER:
        return "int";
    case JSON_REAL:
        return "float";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    default:
        return "NoneType";
    }
}

/* ---- scalar parsers: each returns the canonical JSON value or NULL with *msg set ---------- */

/* Integers: JSON integers, or strings of an optional sign and digits (DRF accepts "12"). */
static int parse_int(json_t *v, apr_int64_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        /* the range first: casting a double outside int64's range is undefined */
        if (d > 1e15 || d < -1e15 || d != (double)(apr_int64_t)d)
            return 0;
        *out = (apr_int64_t)d;
        return 1;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v), *d;
        char *end;
        while (*s == ' ')
            s++;
        d = (*s == '-' || *s == '+') ? s + 1 : s;
        if (!apr_isdigit(*d) || strlen(d) > 15)
            return 0;
        *out = apr_strtoi64(s, &end, 10);
        while (*end == ' ')
            end++;
        return *end == 0;
    }
    return 0;
}

static json_t *clean_int(apr_pool_t *p, const cc_field_t *f, json_t *v, const char **msg)
{
    apr_int64_t n;
    if (!parse_int(v, &n)) {
        *msg = "A valid integer is required.";
        return NULL;
    }
    if (n < f->min) {
        *msg = apr_psprintf(
            p, "Ensure this value is greater than or equal to %" APR_INT64_T_FMT ".", f->min);
        return NULL;
    }
    if (n > f->max) {
        *msg = apr_psprintf(p, "Ensure this value is less than or equal to %" APR_INT64_T_FMT ".",
                            f->max);
        return NULL;
    }
    return json_integer(n);
}

/* Money: digits with at most two decimals, non-negative; canonical text with two places. */
static json_t *clean_decimal(apr_pool_t *p, const cc_field_t *f, json_t *v, const char **msg)
{
    const char *s, *dot;
    apr_size_t int_digits, frac_digits, i;
    char buf[64];

    if (json_is_integer(v)) {
        snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = buf;
    }
    else if (json_is_real(v)) {
        snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
        s = buf;
    }
    else if (json_is_string(v)) {
        s = cc_trim(p, json_string_value(v));
    }
    else {
        *msg = "A valid number is required.";
        return NULL;
    }
    if (*s == '-') {
        int all_zero = 1;
        for (i = 1; s[i]; i++)
            if (apr_isdigit(s[i]) && s[i] != '0')
                all_zero = 0;
        if (!all_zero) {
            *msg = "Ensure this value is greater than or equal to 0.";
            return NULL;
        }
        s++;
    }
    else if (*s == '+') {
        s++;
    }
    dot = strchr(s, '.');
    int_digits = dot ? (apr_size_t)(dot - s) : strlen(s);
    frac_digits = dot ? strlen(dot + 1) : 0;
    if (int_digits == 0 && frac_digits == 0) {
        *msg = "A valid number is required.";
        return NULL;
    }
    for (i = 0; i < int_digits; i++)
        if (!apr_isdigit(s[i])) {
            *msg = "A valid number is required.";
            return NULL;
        }
    for (i = 0; i < frac_digits; i++)
        if (!apr_isdigit(dot[1 + i])) {
            *msg = "A valid number is required.";
            return NULL;
        }
    /* Django counts digits without leading zeros of the integer part. */
    while (int_digits > 1 && *s == '0') {
        s++;
        int_digits--;
    }
    while (frac_digits > 2 && dot[frac_digits] == '0')
        frac_digits--; /* trailing zeros beyond two places carry no value */
    if (frac_digits > 2) {
        *msg = "Ensure that there are no more than 2 decimal places.";
        return NULL;
    }
    if (int_digits > (apr_size_t)(f->max - 2)) {
        *msg = apr_psprintf(p,
                            "Ensure that there are no more than %" APR_INT64_T_FMT
                            " digits before the decimal point.",
                            f->max - 2);
        return NULL;
    }
    return json_string(apr_psprintf(p, "%.*s.%.*s%s", (int)(int_digits ? int_digits : 1),
                                    int_digits ? s : "0", (int)frac_digits, dot ? dot + 1 : "",
                                    frac_digits == 0   ? "00"
                                    : frac_digits == 1 ? "0"
                                                       : ""));
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* 1 when s is YYYY-MM-DD naming a real day. */
int cc_date_valid(const char *s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, i;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !apr_isdigit(s[i]))
            return 0;
    y = atoi(s);
    m = atoi(s + 5);
    d = atoi(s + 8);
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= days[m - 1] + (m == 2 && leap(y));
}

static json_t *clean_date(apr_pool_t *p, json_t *v, const char **msg)
{
    const char *s = json_is_string(v) ? cc_trim(p, json_string_value(v)) : NULL;
    if (!s || !cc_date_valid(s)) {
        *msg = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";
        return NULL;
    }
    return json_string(s);
}

/* The value of the two digits at s. */
static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static int digits(const char *s, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (!apr_isdigit(s[i]))
            return 0;
    return 1;
}

int cc_datetime_valid(const char *s, int *naive)
{
    char date[11];
    *naive = 1;
    if (strlen(s) < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        return 0;
    memcpy(date, s, 10);
    date[10] = 0;
    if (!cc_date_valid(date))
        return 0;
    s += 11;
    if (!digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) || two(s) > 23 || two(s + 3) > 59)
        return 0;
    s += 5;
    if (*s == ':') {
        if (!digits(s + 1, 2) || two(s + 1) > 59)
            return 0;
        s += 3;
        if (*s == '.') {
            int n = 0;
            for (s++; apr_isdigit(*s); s++)
                n++;
            if (n < 1 || n > 6)
                return 0;
        }
    }
    if (!*s)
        return 1;
    *naive = 0;
    if ((*s == 'Z' || *s == 'z') && !s[1])
        return 1;
    if (*s != '+' && *s != '-')
        return 0;
    s++;
    /* PostgreSQL takes displacements up to 15:59 (every real zone is within -12:00..+14:00); a
     * larger one would fail the statement that reads the value, a 500 instead of a 400 */
    if (!digits(s, 2) || two(s) > 15)
        return 0;
    s += 2;
    if (*s == ':')
        s++;
    if (!*s)
        return 1;
    return digits(s, 2) && two(s) <= 59 && !s[2];
}

static json_t *clean_datetime(apr_pool_t *p, json_t *v, const char **msg)
{
    const char *s = json_is_string(v) ? cc_trim(p, json_string_value(v)) : NULL;
    int naive;
    if (!s || !cc_datetime_valid(s, &naive)) {
        *msg = "Datetime has wrong format. Use one of these formats instead: "
               "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";
        return NULL;
    }
    return json_string(naive ? apr_pstrcat(p, s, "Z", NULL) : s);
}

static const char *match_choice(apr_pool_t *p, const cc_field_t *f, const char *s)
{
    char *norm = apr_pstrdup(p, s), *c;
    int i;
    if (f->flags & CC_FF_HYPHENS)
        for (c = norm; *c; c++)
            if (*c == '-')
                *c = '_';
    for (i = 0; f->choices[i]; i++)
        if (!strcmp(norm, f->choices[i]))
            return f->choices[i];
    return NULL;
}

static json_t *clean_choice(apr_pool_t *p, const cc_field_t *f, json_t *v, const char **msg)
{
    const char *c = NULL;
    if (json_is_string(v))
        c = match_choice(p, f, json_string_value(v));
    if (!c) {
        char *dump = json_is_string(v) ? apr_pstrdup(p, json_string_value(v)) : NULL;
        if (!dump) {
            char *t = json_dumps(v, JSON_ENCODE_ANY);
            dump = apr_pstrdup(p, t ? t : "");
            free(t);
        }
        *msg = apr_psprintf(p, "\"%s\" is not a valid choice.", dump);
        return NULL;
    }
    return json_string(c);
}

static json_t *clean_bool(apr_pool_t *p, json_t *v, const char **msg)
{
    (void)p;
    if (json_is_boolean(v))
        return json_incref(v);
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
        return json_boolean(json_integer_value(v));
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!strcasecmp(s, "true") || !strcmp(s, "1"))
            return json_true();
        if (!strcasecmp(s, "false") || !strcmp(s, "0"))
            return json_false();
    }
    *msg = "Must be a valid boolean.";
    return NULL;
}

static int url_valid(const char *s)
{
    const char *host;
    if (!strncasecmp(s, "https://", 8))
        host = s + 8;
    else if (!strncasecmp(s, "http://", 7))
        host = s + 7;
    else
        return 0;
    if (!apr_isalnum(*host))
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == '"' || *s == '<' || *s == '>' || *s == '\\')
            return 0;
    return strchr(host, '.') != NULL || !strncasecmp(host, "localhost", 9);
}

static int phone_valid(const char *s)
{
    int digits = 0;
    apr_size_t n = strlen(s);
    if (n < 7 || n > 20)
        return 0;
    for (; *s; s++) {
        if (apr_isdigit(*s))
            digits++;
        else if (!strchr(" +-()", *s))
            return 0;
    }
    return digits >= 7;
}

/* Strings (STR, EMAIL, URL, PHONE): returns the trimmed value, JSON null for a blank optional
 * one, or NULL with *msg. */
const char *const CC_MSG_CONTROLS_LINE =
    "This field may not contain line breaks, tabs or other control characters.";
#define MSG_CONTROLS_LINE CC_MSG_CONTROLS_LINE
#define MSG_CONTROLS "This field may not contain control characters."

static json_t *clean_string(apr_pool_t *p, const cc_field_t *f, json_t *v, const char **msg)
{
    char *s;
    apr_int64_t max = f->max;
    if (json_is_integer(v) || json_is_real(v)) {
        char *t = json_dumps(v, JSON_ENCODE_ANY);
        s = apr_pstrdup(p, t ? t : "");
        free(t);
    }
    else if (json_is_string(v)) {
        s = cc_trim(p, json_string_value(v));
    }
    else {
        *msg = "Not a valid string.";
        return NULL;
    }
    if (!*s) {
        if (f->flags & CC_FF_REQUIRED) {
            *msg = "This field may not be blank.";
            return NULL;
        }
        return (f->flags & CC_FF_EMPTY) ? json_string("") : json_null();
    }
    if (cc_utf8_has_controls(s, (f->flags & CC_FF_TEXT) != 0)) {
        *msg = (f->flags & CC_FF_TEXT) ? MSG_CONTROLS : MSG_CONTROLS_LINE;
        return NULL;
    }
    if (f->type == CC_F_EMAIL && !max)
        max = 254;
    if (max && (apr_int64_t)cc_utf8_len(s) > max) {
        *msg = too_long(p, max);
        return NULL;
    }
    if (f->type == CC_F_EMAIL && !cc_email_valid(s)) {
        *msg = "Enter a valid email address.";
        return NULL;
    }
    if (f->type == CC_F_URL && !url_valid(s)) {
        *msg = "Enter a valid URL.";
        return NULL;
    }
    if (f->type == CC_F_PHONE && !phone_valid(s)) {
        *msg = "Enter a valid phone number.";
        return NULL;
    }
    return json_string(s);
}

static json_t *clean_id(apr_pool_t *p, json_t *v, const char **msg)
{
    apr_int64_t n;
    if (json_is_boolean(v) || !parse_int(v, &n) || json_is_real(v)) {
        *msg = apr_psprintf(p, "Incorrect type. Expected pk value, received %s.", type_name(v));
        return NULL;
    }
    if (n < 1) {
        *msg = apr_psprintf(p, "Invalid pk \"%" APR_INT64_T_FMT "\" - object does not exist.", n);
        return NULL;
    }
    return json_integer(n);
}

static int list_has(json_t *list, json_t *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) if (json_equal(x, v)) return 1;
    return 0;
}

/* Lists: every item is checked; item messages say which item ("Item 2: ..."), since the
 * contract's validation shape is a flat list of messages per field. */
static json_t *clean_list(apr_pool_t *p, const cc_field_t *f, json_t *v, json_t *errs)
{
    json_t *out, *item;
    size_t i;
    int bad = 0;
    if (!json_is_array(v)) {
        cc_field_error(
            errs, f->name,
            apr_psprintf(p, "Expected a list of items but got type \"%s\".", type_name(v)));
        return NULL;
    }
    if (f->max && (apr_int64_t)json_array_size(v) > f->max) {
        cc_field_error(
            errs, f->name,
            apr_psprintf(p, "Ensure this field has no more than %" APR_INT64_T_FMT " elements.",
                         f->max));
        return NULL;
    }
    out = json_array();
    json_array_foreach(v, i, item)
    {
        const char *msg = NULL;
        json_t *c = NULL;
        if (f->type == CC_F_IDLIST) {
            c = clean_id(p, item, &msg);
        }
        else if (f->type == CC_F_CHOICELIST) {
            c = clean_choice(p, f, item, &msg);
        }
        else if (!json_is_string(item)) {
            msg = "Not a valid string.";
        }
        else {
            const char *s = cc_trim(p, json_string_value(item));
            if (!*s)
                msg = "This field may not be blank.";
            else if (cc_utf8_has_controls(s, 0))
                msg = MSG_CONTROLS_LINE;
            else if (f->item_max && (apr_int64_t)cc_utf8_len(s) > f->item_max)
                msg = too_long(p, f->item_max);
            else
                c = json_string(s);
        }
        if (!c) {
            cc_field_error(errs, f->name,
                           f->type == CC_F_IDLIST
                               ? msg
                               : apr_psprintf(p, "Item %lu: %s", (unsigned long)i + 1, msg));
            bad = 1;
            continue;
        }
        if (list_has(out, c))
            json_decref(c);
        else
            json_array_append_new(out, c);
    }
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

json_t *cc_fields_clean(apr_pool_t *p, const cc_field_t *fields, int n, json_t *body, int partial,
                        json_t *errs)
{
    json_t *out = cc_json_own(p, json_object());
    int i;
    for (i = 0; i < n; i++) {
        const cc_field_t *f = &fields[i];
        json_t *v = body ? json_object_get(body, f->name) : NULL, *c = NULL;
        const char *msg = NULL;
        int is_list =
            f->type == CC_F_STRLIST || f->type == CC_F_CHOICELIST || f->type == CC_F_IDLIST;
        if (!v) {
            if (!partial && (f->flags & CC_FF_REQUIRED))
                cc_field_error(errs, f->name, "This field is required.");
            continue;
        }
        if (json_is_null(v)) {
            if (f->flags & CC_FF_REQUIRED)
                cc_field_error(errs, f->name, "This field may not be null.");
            else if (is_list)
                json_object_set_new(out, f->name, json_array());
            else if (f->flags & CC_FF_EMPTY)
                json_object_set_new(out, f->name, json_string(""));
            else
                json_object_set_new(out, f->name, json_null());
            continue;
        }
        switch (f->type) {
        case CC_F_STR:
        case CC_F_EMAIL:
        case CC_F_URL:
        case CC_F_PHONE:
            c = clean_string(p, f, v, &msg);
            break;
        case CC_F_INT:
            c = clean_int(p, f, v, &msg);
            break;
        case CC_F_DECIMAL:
            c = clean_decimal(p, f, v, &msg);
            break;
        case CC_F_DATE:
            c = clean_date(p, v, &msg);
            break;
        case CC_F_DATETIME:
            c = clean_datetime(p, v, &msg);
            break;
        case CC_F_CHOICE:
            c = clean_choice(p, f, v, &msg);
            break;
        case CC_F_BOOL:
            c = clean_bool(p, v, &msg);
            break;
        case CC_F_ID:
            c = clean_id(p, v, &msg);
            break;
        case CC_F_STRLIST:
        case CC_F_CHOICELIST:
        case CC_F_IDLIST:
            c = clean_list(p, f, v, errs);
            break;
        }
        if (c)
            json_object_set_new(out, f->name, c);
        else if (msg)
            cc_field_error(errs, f->name, msg);
    }
    return out;
}

const char *cc_fields_id_array(apr_pool_t *p, json_t *list)
{
    const char *s = "{";
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) s = apr_psprintf(p, "%s%s%" APR_INT64_T_FMT, s, i ? "," : "",
                                                    (apr_int64_t)json_integer_value(v));
    return apr_pstrcat(p, s, "}", NULL);
}
