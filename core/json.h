/* JSON values and texts in APR pools (pure: APR + jansson, so core/fields.c and the unit tests
 * use it without httpd). */
#ifndef CC_JSON_H
#define CC_JSON_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>

/* Hands the reference o (NULL allowed) to pool p: json_decref at its cleanup. Returns o. */
json_t *cc_json_own(apr_pool_t *p, json_t *o);
/* o as compact JSON text in p ("{}" if it cannot be encoded): a jsonb statement parameter. */
const char *cc_json_dump(apr_pool_t *p, json_t *o);
/* s as a JSON string literal (quoted, escaped), or null for NULL or invalid UTF-8; in p. */
const char *cc_json_quote(apr_pool_t *p, const char *s);

/* An object's text built from members whose values are already JSON (SQL renders rows and lists
 * as JSON text, and copying them into jansson values only to write them out again would cost
 * twice): keys are written as JSON strings, values as given, NULL as null. Everything lives in
 * the pool given to cc_jtext_begin; the text is joined once, by cc_jtext_end. */
typedef struct {
    apr_pool_t *pool;
    apr_array_header_t *parts;
} cc_jtext_t;
void cc_jtext_begin(cc_jtext_t *t, apr_pool_t *p);
void cc_jtext_raw(cc_jtext_t *t, const char *key, const char *json);
void cc_jtext_str(cc_jtext_t *t, const char *key, const char *s); /* a string; NULL: null */
void cc_jtext_int(cc_jtext_t *t, const char *key, apr_int64_t v);
const char *cc_jtext_end(cc_jtext_t *t);

#endif
