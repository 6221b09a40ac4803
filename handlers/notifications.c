/* /api/notifications/: the caller's own notifications, paginated or as a keyset feed, reading
 * them and deleting them (CONTRACT §7; the live stream is elsewhere). Rows are written by the
 * features through cc_notify() (services/events.c). */
#include "../core/cursor.h"
#include "handlers.h"

static const char *const TYPES[] = {
    "job_update", "application_status", "message", "verification", "match", "system", NULL};

/* ---- helpers ---------------------------------------------------------------------------- */

/* The list filters as statement parameters (NULL = no filter). 0 when a 400 was sent. */
static int filters(cc_req_t *q, const char **is_read, const char **type)
{
    int b;
    if (!cc_query_bool(q, "is_read", &b) || !cc_query_choice(q, "notification_type", TYPES, type))
        return 0;
    *is_read = b < 0 ? NULL : b ? "true" : "false";
    return 1;
}

/* ---- list ------------------------------------------------------------------------------- */

/* ?cursor= form: {"next", "previous", "unread_count", "results"}, keyset on id (see
 * core/cursor.h). An empty ?cursor= starts at the newest notification. */
static int feed(cc_req_t *q, const char *uid, const char *is_read, const char *type,
                const char *text)
{
    cc_feed_t f;
    PGresult *res;
    if (!cc_feed_parse(q, text, &f))
        return OK;
    if (!cc_q(q,
              f.c.dir == CC_CURSOR_OLDER ? CC_ST_notification_feed_older
                                         : CC_ST_notification_feed_newer,
              &res, uid, is_read, type, f.boundary, f.limit))
        return cc_db_fail(q);
    /* One row at least (the outer one, with the unread count); the page rows are those with an
     * id, newest first. One row more than the page size tells whether the walk goes on in this
     * direction. */
    return cc_feed_answer(q, res, &f, 2, 1, 3, "unread_count", cc_val_int(res, 0, 0));
}

int cc_h_notifications_list(cc_req_t *q)
{
    const char *uid = cc_id_str(q, q->user->id), *is_read, *type, *cursor;
    cc_page_t pg;
    PGresult *res;

    if (!filters(q, &is_read, &type))
        return OK;
    cursor = apr_table_get(q->query, "cursor");
    if (cursor)
        return feed(q, uid, is_read, type, cursor);
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg))
        return OK;
    if (!cc_q(q, CC_ST_notification_page, &res, uid, is_read, type, cc_id_str(q, pg.size),
              cc_id_str(q, pg.offset)))
        return cc_db_fail(q);
    /* an empty page leaves one row with a NULL total: count 0, so a page past the end is 404 */
    return cc_paginated_ex(q, &pg, cc_val_int(res, 0, 1),
                           cc_rows_json_array(q, res, 2, 0, PQntuples(res)), "unread_count",
                           cc_id_str(q, cc_val_int(res, 0, 0)));
}

/* ---- one notification ------------------------------------------------------------------- */

/* Reading one notification, or marking it read: the statement (taking the notification's and the
 * caller's id) answers its JSON text, or no row when it is not the caller's. */
struct cc_notification_op {
    cc_stmt_id_t st;
};

const struct cc_notification_op cc_notification_view = {CC_ST_notification_get};
const struct cc_notification_op cc_notification_read = {CC_ST_notification_mark_read};

int cc_h_notification_one(cc_req_t *q)
{
    const struct cc_notification_op *op = q->route->arg;
    PGresult *res;
    const char *body;
    if (!cc_q(q, op->st, &res, cc_id_str(q, q->ids[0]), cc_my_id(q)))
        return cc_db_fail(q);
    body = cc_val(q, res, 0, 0);
    return body ? cc_json_text(q, HTTP_OK, body) : cc_not_found(q);
}

int cc_h_notification_delete(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_notification_delete, &res, cc_id_str(q, q->ids[0]),
              cc_id_str(q, q->user->id)))
        return cc_db_fail(q);
    return PQntuples(res) ? cc_no_content(q) : cc_not_found(q);
}

int cc_h_notifications_mark_all_read(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_notification_mark_all_read, &res, cc_my_id(q)))
        return cc_db_fail(q);
    return cc_json(q, HTTP_OK, cc_jpack(q, "{s:I}", "updated", (json_int_t)cc_val_int(res, 0, 0)));
}
