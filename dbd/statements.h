/* The statement table: every SQL statement the module runs, by label. Plain data (no httpd),
 * so carechainctl can prepare each one against a database (`carechainctl check`).
 * Placeholders are libpq's $1..$n; labels are lower-case SQL identifiers cc_<resource>_<verb>. */
#ifndef CC_STATEMENTS_H
#define CC_STATEMENTS_H

typedef struct {
    const char *label;
    const char *sql;
    int nparams;
    int readonly; /* 1: safe to retry once on a fresh connection after the old one died */
} cc_stmt_t;

#define CC_READ 1 /* may be retried on a fresh connection */
#define CC_WRITE 0

typedef enum {
#define CC_STMT(name, nparams, mode, sql) CC_ST_##name,
#include "statement_list.h"
#undef CC_STMT
    CC_ST__COUNT
} cc_stmt_id_t;

extern const cc_stmt_t cc_statements[CC_ST__COUNT];

#endif
