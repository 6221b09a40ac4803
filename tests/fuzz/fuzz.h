/* What the libFuzzer harnesses of tests/fuzz share: a broken invariant aborts (libFuzzer keeps
 * the input), and one APR root pool for the process. */
#ifndef CC_FUZZ_H
#define CC_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <apr_general.h>
#include <apr_pools.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static apr_pool_t *fuzz_root;

/* A fresh pool for one input, below the process's root pool. */
static inline apr_pool_t *fuzz_pool(void)
{
    apr_pool_t *p;
    if (!fuzz_root) {
        apr_initialize();
        apr_pool_create(&fuzz_root, NULL);
    }
    apr_pool_create(&p, fuzz_root);
    return p;
}

#endif
