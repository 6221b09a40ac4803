#include <string.h>
#include <apr_strings.h>
#include "router.h"
#include "validate.h"
#include "utf8.h"

/* Parses a path segment as a positive id of at most 18 digits (fits in 63 bits); 0 otherwise. */
static apr_int64_t parse_id(const char *s, apr_size_t len)
{
    apr_int64_t v = 0;
    apr_size_t i;
    if (len == 0 || len > 18)
        return 0;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Walks pattern and path segment by segment. `path` has no trailing slash handling here:
 * both are compared up to their last segment. */
static int path_matches(const char *pat, const char *path, apr_size_t plen, apr_int64_t *ids,
                        int *nids)
{
    apr_size_t i = 0;
    int n = 0;
    while (*pat) {
        const char *pend = strchr(pat, '/');
        apr_size_t seglen = pend ? (apr_size_t)(pend - pat) : strlen(pat);
        apr_size_t j = i;
        while (j < plen && path[j] != '/')
            j++;
        if (seglen == 4 && strncmp(pat, "{id}", 4) == 0) {
            apr_int64_t id = parse_id(path + i, j - i);
            if (id <= 0 || n >= CC_MAX_PATH_IDS)
                return 0;
            ids[n++] = id;
        }
        else if (seglen != j - i || strncmp(pat, path + i, seglen) != 0) {
            return 0;
        }
        pat += seglen;
        if (*pat == '/')
            pat++;
        if (j < plen)
            j++; /* skip the slash */
        else if (*pat)
            return 0; /* pattern has more segments than the path */
        i = j;
    }
    if (i != plen)
        return 0;
    *nids = n;
    return 1;
}

cc_route_result_t cc_route_match(apr_pool_t *p, const cc_route_t *table, int n, const char *method,
                                 const char *path, const cc_route_t **out, apr_int64_t *ids,
                                 int *nids, const char **allow)
{
    apr_size_t plen = strlen(path);
    const char *methods[16];
    int nm = 0, k, i, is_head = strcmp(method, "HEAD") == 0;
    apr_int64_t tmp[CC_MAX_PATH_IDS];
    int tn;

    /* "accounts/login" and "accounts/login/" are the same resource; the root is "". */
    if (plen > 0 && path[plen - 1] == '/')
        plen--;
    if (plen > 0 && path[plen - 1] == '/')
        return CC_ROUTE_NOT_FOUND; /* a double slash is not a canonical path */

    for (i = 0; i < n; i++) {
        const char *pat = table[i].pattern;
        char *canon;
        apr_size_t l = strlen(pat);
        if (l > 0 && pat[l - 1] == '/')
            l--;
        canon = apr_pstrmemdup(p, pat, l);
        if (!path_matches(canon, path, plen, tmp, &tn))
            continue;
        if (strcmp(table[i].method, method) == 0
            || (is_head && strcmp(table[i].method, "GET") == 0)) {
            *out = &table[i];
            memcpy(ids, tmp, sizeof(tmp));
            *nids = tn;
            return CC_ROUTE_FOUND;
        }
        for (k = 0; k < nm; k++)
            if (strcmp(methods[k], table[i].method) == 0)
                break;
        if (k == nm && nm < 14)
            methods[nm++] = table[i].method;
    }
    if (nm == 0)
        return CC_ROUTE_NOT_FOUND;
    {
        /* GET implies HEAD; every known route answers OPTIONS. */
        char *list = "";
        int has_get = 0;
        for (k = 0; k < nm; k++) {
            list = apr_pstrcat(p, list, k ? ", " : "", methods[k], NULL);
            has_get |= strcmp(methods[k], "GET") == 0;
        }
        if (has_get)
            list = apr_pstrcat(p, list, ", HEAD", NULL);
        *allow = apr_pstrcat(p, list, ", OPTIONS", NULL);
    }
    return CC_ROUTE_BAD_METHOD;
}

/* ---- query strings ---------------------------------------------------------------------- */

/* Form-decodes s[0..len) into a new string in p; *outlen is its length (it may hold NUL bytes,
 * which the UTF-8 check then refuses). A '%' not followed by two hex digits stays as it is. */
static char *form_decode(apr_pool_t *p, const char *s, apr_size_t len, apr_size_t *outlen)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    apr_size_t i;
    for (i = 0; i < len; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        }
        else if (s[i] == '%' && i + 2 < len && cc_hex_digit(s[i + 1]) >= 0
                 && cc_hex_digit(s[i + 2]) >= 0) {
            *o++ = (char)(cc_hex_digit(s[i + 1]) * 16 + cc_hex_digit(s[i + 2]));
            i += 2;
        }
        else {
            *o++ = s[i];
        }
    }
    *o = 0;
    *outlen = (apr_size_t)(o - out);
    return out;
}

int cc_query_parse(apr_pool_t *p, const char *args, apr_table_t **out)
{
    const char *s = args ? args : "";
    *out = apr_table_make(p, 8);
    while (*s) {
        const char *amp = strchr(s, '&'), *end = amp ? amp : s + strlen(s);
        const char *eq = memchr(s, '=', (apr_size_t)(end - s));
        const char *kend = eq ? eq : end;
        apr_size_t klen, vlen;
        char *k, *v;
        if (kend > s) {
            k = form_decode(p, s, (apr_size_t)(kend - s), &klen);
            v = eq ? form_decode(p, eq + 1, (apr_size_t)(end - eq - 1), &vlen)
                   : (vlen = 0, apr_pstrdup(p, ""));
            if (!cc_utf8_valid(k, klen) || !cc_utf8_valid(v, vlen))
                return 0;
            apr_table_addn(*out, k, v);
        }
        s = amp ? amp + 1 : end;
    }
    return 1;
}
