#include <string.h>
#include "errmap.h"

cc_sql_class_t cc_sqlstate_class(const char *s)
{
    if (!s || strlen(s) != 5)
        return CC_SQL_UNAVAILABLE;
    if (!strcmp(s, "23505"))
        return CC_SQL_UNIQUE;
    if (!strcmp(s, "23503"))
        return CC_SQL_FOREIGN_KEY;
    if (!strcmp(s, "23514") || !strcmp(s, "23502"))
        return CC_SQL_CHECK;
    if (!strcmp(s, "40001") || !strcmp(s, "40P01"))
        return CC_SQL_RETRY;
    if (!strcmp(s, "26000"))
        return CC_SQL_STMT_MISSING;
    /* 08: connection exceptions; 57P01-57P03: admin shutdown, crash shutdown, cannot connect
     * now; 57014: statement timeout / cancel; 53: insufficient resources (too many
     * connections, out of memory or disk). */
    if (!strncmp(s, "08", 2) || !strcmp(s, "57P01") || !strcmp(s, "57P02") || !strcmp(s, "57P03")
        || !strcmp(s, "57014") || !strncmp(s, "53", 2))
        return CC_SQL_UNAVAILABLE;
    return CC_SQL_OTHER;
}

int cc_sql_class_status(cc_sql_class_t c)
{
    switch (c) {
    case CC_SQL_UNAVAILABLE:
    case CC_SQL_RETRY:
        return 503;
    case CC_SQL_UNIQUE:
        return 409;
    case CC_SQL_FOREIGN_KEY:
    case CC_SQL_CHECK:
        return 400;
    default:
        return 500;
    }
}
