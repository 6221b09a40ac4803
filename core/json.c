/* JSON values and texts in APR pools (pure: APR + jansson). */
#include <stdlib.h>
#include <apr_strings.h>
#include "json.h"

const char *cc_json_dump(apr_pool_t *p, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *out = apr_pstrdup(p, s ? s : "{}");
    free(s);
    return out;
}

static apr_status_t json_release(void *j)
{
    json_decref(j);
    return APR_SUCCESS;
}

json_t *cc_json_own(apr_pool_t *p, json_t *o)
{
    if (o)
        apr_pool_cleanup_register(p, o, json_release, apr_pool_cleanup_null);
    return o;
}

/* On hot paths (every page's envelope): the string lives only while it is written out, so it
 * needs no pool cleanup. */
const char *cc_json_quote(apr_pool_t *p, const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    const char *out = j ? cc_json_dump(p, j) : "null";
    json_decref(j);
    return out;
}

/* ---- object texts of JSON members ------------------------------------------------------- */

void cc_jtext_begin(cc_jtext_t *t, apr_pool_t *p)
{
    t->pool = p;
    t->parts = apr_array_make(p, 16, sizeof(const char *));
}

void cc_jtext_raw(cc_jtext_t *t, const char *key, const char *json)
{
    APR_ARRAY_PUSH(t->parts, const char *) = t->parts->nelts ? "," : "{";
    APR_ARRAY_PUSH(t->parts, const char *) = cc_json_quote(t->pool, key);
    APR_ARRAY_PUSH(t->parts, const char *) = ":";
    APR_ARRAY_PUSH(t->parts, const char *) = json ? json : "null";
}

void cc_jtext_str(cc_jtext_t *t, const char *key, const char *s)
{
    cc_jtext_raw(t, key, cc_json_quote(t->pool, s));
}

void cc_jtext_int(cc_jtext_t *t, const char *key, apr_int64_t v)
{
    cc_jtext_raw(t, key, apr_psprintf(t->pool, "%" APR_INT64_T_FMT, v));
}

const char *cc_jtext_end(cc_jtext_t *t)
{
    if (!t->parts->nelts)
        return "{}";
    APR_ARRAY_PUSH(t->parts, const char *) = "}";
    return apr_array_pstrcat(t->pool, t->parts, 0);
}
