/* Page-number pagination arithmetic and link building (APR only). */
#ifndef CC_PAGINATION_H
#define CC_PAGINATION_H

#include <apr_pools.h>

#define CC_PAGE_SIZE_DEFAULT 10
#define CC_PAGE_SIZE_MAX 100

typedef struct {
    apr_int64_t page; /* 1-based */
    apr_int64_t size;
    apr_int64_t offset;
} cc_page_t;

/* Parses ?page= and ?page_size= values (NULL when absent). Returns NULL on success, else the
 * name of the offending parameter ("page" or "page_size"). A page_size above max_size is
 * clamped to it, as DRF does; a non-numeric or < 1 value is an error. */
const char *cc_page_parse(const char *page, const char *size, apr_int64_t max_size, cc_page_t *out);

/* 1 when the page exists for `count` rows (page 1 always exists, even when empty). */
int cc_page_exists(const cc_page_t *pg, apr_int64_t count);

/* Absolute URL of page `page` of the current list: base (scheme://host[:port]) + path + the
 * query `args` with its `page` parameter replaced (page 1 drops it, as DRF does). Other
 * parameters keep their order and encoding. Allocated in p. */
char *cc_page_link(apr_pool_t *p, const char *base, const char *path, const char *args,
                   apr_int64_t page);

#endif
