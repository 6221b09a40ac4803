#include <string.h>
#include <apr_strings.h>
#include "pagination.h"

static int parse_positive(const char *s, apr_int64_t *out)
{
    apr_int64_t v = 0;
    if (!*s || strlen(s) > 12)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
    }
    if (v < 1)
        return 0;
    *out = v;
    return 1;
}

const char *cc_page_parse(const char *page, const char *size, apr_int64_t max_size, cc_page_t *out)
{
    out->page = 1;
    out->size = CC_PAGE_SIZE_DEFAULT;
    if (page && *page && !parse_positive(page, &out->page))
        return "page";
    if (size && *size) {
        if (!parse_positive(size, &out->size))
            return "page_size";
        if (out->size > max_size)
            out->size = max_size;
    }
    out->offset = (out->page - 1) * out->size;
    return NULL;
}

int cc_page_exists(const cc_page_t *pg, apr_int64_t count)
{
    return pg->page == 1 || pg->offset < count;
}

char *cc_page_link(apr_pool_t *p, const char *base, const char *path, const char *args,
                   apr_int64_t page)
{
    char *q = "";
    int first = 1;
    if (args && *args) {
        char *copy = apr_pstrdup(p, args), *tok, *state;
        for (tok = apr_strtok(copy, "&", &state); tok; tok = apr_strtok(NULL, "&", &state)) {
            if (strncmp(tok, "page=", 5) == 0 || strcmp(tok, "page") == 0)
                continue;
            q = apr_pstrcat(p, q, first ? "" : "&", tok, NULL);
            first = 0;
        }
    }
    if (page > 1)
        q = apr_pstrcat(p, q, first ? "" : "&", "page=", apr_ltoa(p, (long)page), NULL);
    return apr_pstrcat(p, base, path, *q ? "?" : "", q, NULL);
}
