/* SQLSTATE classification (pure, unit tested): decisions are made on codes, never on text. */
#ifndef CC_ERRMAP_H
#define CC_ERRMAP_H

typedef enum {
    CC_SQL_OTHER = 0,   /* a bug or unexpected state: 500 */
    CC_SQL_UNAVAILABLE, /* connection lost, server shutting down, timeout: 503 */
    CC_SQL_UNIQUE,      /* 23505: 409 or a 400 on the field */
    CC_SQL_FOREIGN_KEY, /* 23503 */
    CC_SQL_CHECK,       /* 23514, 23502: validation missed something: 400 */
    CC_SQL_RETRY,       /* 40001, 40P01: serialization failure or deadlock: retry/503 */
    CC_SQL_STMT_MISSING /* 26000: prepared statement gone (reset connection) */
} cc_sql_class_t;

/* Classifies a five-character SQLSTATE (NULL or "" = connection-level failure). */
cc_sql_class_t cc_sqlstate_class(const char *sqlstate);

/* The HTTP status for a class: 503, 409, 400 or 500. */
int cc_sql_class_status(cc_sql_class_t c);

#endif
