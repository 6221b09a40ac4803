/* libFuzzer harness for cc_query_parse (core/router.h): any byte string is parsed without a
 * crash; an accepted query holds valid UTF-8 only, and encoding its pairs again and parsing that
 * gives the same pairs in the same order (nothing lost, added or reordered by the decoder). */
#include <stdint.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "../../core/router.h"
#include "../../core/utf8.h"
#include "fuzz.h"

static char *encode(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, strlen(s) * 3 + 1), *o = out;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || c == '_' || c == '.' || c == '~')
            *o++ = (char)c;
        else if (c == ' ')
            *o++ = '+';
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *args = apr_pstrmemdup(p, (const char *)data, size);
    apr_table_t *t = NULL, *again = NULL;
    const apr_array_header_t *a, *b;
    char *re = "";
    int ok = cc_query_parse(p, args, &t), i;
    CHECK(ok == 0 || ok == 1);
    CHECK(t != NULL);
    if (ok) {
        a = apr_table_elts(t);
        for (i = 0; i < a->nelts; i++) {
            const apr_table_entry_t *e = &APR_ARRAY_IDX(a, i, apr_table_entry_t);
            CHECK(e->key && e->val);
            CHECK(cc_utf8_valid(e->key, strlen(e->key)));
            CHECK(cc_utf8_valid(e->val, strlen(e->val)));
            re = apr_pstrcat(p, re, i ? "&" : "", encode(p, e->key), "=", encode(p, e->val), NULL);
        }
        CHECK(cc_query_parse(p, re, &again) == 1);
        b = apr_table_elts(again);
        CHECK(b->nelts == a->nelts);
        for (i = 0; i < a->nelts; i++) {
            CHECK(!strcmp(APR_ARRAY_IDX(a, i, apr_table_entry_t).key,
                          APR_ARRAY_IDX(b, i, apr_table_entry_t).key));
            CHECK(!strcmp(APR_ARRAY_IDX(a, i, apr_table_entry_t).val,
                          APR_ARRAY_IDX(b, i, apr_table_entry_t).val));
        }
    }
    apr_pool_destroy(p);
    return 0;
}
