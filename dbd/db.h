/* The data layer: connections from mod_dbd's pool, statements from the table prepared per
 * connection through libpq, transactions that roll back unless committed, and deliberate
 * recovery after a PostgreSQL restart (STYLE pitfall 1). */
#ifndef CC_DB_H
#define CC_DB_H

#include <libpq-fe.h>
#include "../core/cc.h"
#include "../core/cursor.h"
#include "../core/pagination.h"
#include "statements.h"

/* Runs statement `id` with its parameters (const char *, NULL = SQL NULL; the count comes from
 * the table). On success *res is a result freed with r->pool and 1 is returned. On failure 0:
 * answer with cc_db_fail(). Reads are retried once on a fresh connection when the old one died;
 * anything else that loses the connection answers 503. */
int cc_q(cc_req_t *q, cc_stmt_id_t id, PGresult **res, ...);

/* cc_q with explicit libpq parameter arrays: lengths and formats as PQexecPrepared takes them
 * (format 1 = binary, e.g. a bytea chunk), and the result in binary form when binary_result
 * (cc_val then points at raw bytes; PQgetlength gives their length). Same retry rules. */
int cc_q_bin(cc_req_t *q, cc_stmt_id_t id, PGresult **res, const char *const *params,
             const int *lengths, const int *formats, int binary_result);

/* Clears a result of cc_q/cc_q_bin now instead of at request end (loops over many rows). */
void cc_q_done(cc_req_t *q, PGresult *res);

/* Hands the request's connection back to the pool now (rolling back an open transaction):
 * before a long transfer to or from the client. The next statement takes one again. */
void cc_db_release(cc_req_t *q);
/* 1 when the request holds one of mod_dbd's pooled connections (taken by an earlier statement
 * and not released yet): such a request must never wait for another request's statement, which
 * may itself be waiting for a pooled connection (services/cached.c). */
int cc_db_held(const cc_req_t *q);

/* Starts a transaction that rolls back at request end unless cc_db_commit() is reached. */
int cc_db_begin(cc_req_t *q);
int cc_db_commit(cc_req_t *q);
/* Rolls back now (e.g. after a validation failure found inside the transaction). */
void cc_db_rollback(cc_req_t *q);

/* Rolls back the open transaction (if any) and answers 400 {field: [message]}: a validation
 * error found inside a transaction. Returns OK for the handler. */
int cc_db_invalid(cc_req_t *q, const char *field, const char *message);
/* Checks the ids of the list cleaned[field] (absent or empty: nothing to check) with statement
 * `st`, which takes (owner, ids as an array literal) and returns the ids that do not qualify.
 * 1 when all do; else 0 after answering (400 naming the first that does not, with a rollback;
 * or the database failure). */
int cc_db_ids_exist(cc_req_t *q, cc_stmt_id_t st, const char *owner, json_t *cleaned,
                    const char *field);
/* Rolls back and answers 409 {"detail", "code"} (a state conflict). Returns OK. */
int cc_db_conflict(cc_req_t *q, const char *code, const char *detail);

/* Answers the failure of the last database call: 503 + Retry-After when the database is
 * unreachable, else 500. */
int cc_db_fail(cc_req_t *q);
/* SQLSTATE of the last failed statement ("" when none or unreachable). */
const char *cc_db_sqlstate(cc_req_t *q);
/* 1 when the last failure was a unique violation (23505). */
int cc_db_unique_violation(cc_req_t *q);

/* Value of a result cell copied into r->pool; NULL for SQL NULL. */
const char *cc_val(cc_req_t *q, PGresult *res, int row, int col);
apr_int64_t cc_val_int(PGresult *res, int row, int col);
/* The non-NULL JSON texts of column `col` in rows [from, to) joined into one JSON array text,
 * in r->pool (list endpoints whose rows come out of PostgreSQL already rendered). */
const char *cc_rows_json_array(cc_req_t *q, PGresult *res, int col, int from, int to);
/* The page of a keyset feed (CONTRACT §1 cursors, core/cursor.h) from its query's rows: those
 * whose column id_col is set are the page, newest first, one more than `size` telling that the
 * walk goes on in the cursor's direction; row 0's boolean column more_col tells that rows lie
 * beyond the boundary the other way. Sets [*from, *to), the rows to render, and the links to the
 * next and previous pages (NULL: none). `first`: no cursor was given (the newest rows). */
void cc_feed_page(cc_req_t *q, PGresult *res, int id_col, int more_col, apr_int64_t size,
                  const cc_cursor_t *c, int first, int *from, int *to, const char **next,
                  const char **prev);
/* A keyset feed's request: ?page_size= and the cursor text (NULL or empty: the newest rows). */
typedef struct {
    cc_page_t pg;
    cc_cursor_t c;
    int first;            /* no cursor: the newest rows */
    const char *boundary; /* the statement's id boundary (above every id on the first page) */
    const char *limit;    /* the rows the statement returns at most: the page size + 1 */
} cc_feed_t;
/* Reads ?page_size= and the cursor `text` into *f. 0 after a 400 (page_size, cursor). */
int cc_feed_parse(cc_req_t *q, const char *text, cc_feed_t *f);
/* 200 {"next", "previous", [count_name: count,] "results"} from a feed query's rows
 * (cc_feed_page with id_col and more_col; results: the JSON texts of column body_col).
 * count_name NULL: no count. */
int cc_feed_answer(cc_req_t *q, PGresult *res, const cc_feed_t *f, int id_col, int more_col,
                   int body_col, const char *count_name, apr_int64_t count);
int cc_val_bool(PGresult *res, int row, int col);

/* Registered at child init: fetches mod_dbd's optional functions. 0 when mod_dbd is absent. */
int cc_db_init(apr_pool_t *p);
/* At post_config (after cc_config_post_config): the database's address for the outage probe,
 * from the first DBDParams, and for every server that no DBDriver reaches, db_unconfigured and
 * its `unconfigured` reason (logged once per server). */
void cc_db_post_config(apr_pool_t *p, server_rec *s);
/* The libpq conninfo of the first DBDParams of the configuration (pconf, read at post_config),
 * for connections of our own outside mod_dbd's pool (the live stream's listener, the background
 * worker); NULL when there is none. */
const char *cc_db_conninfo(void);

#endif
