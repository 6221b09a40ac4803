/* /api/messaging/: conversations between users and their messages (CONTRACT §6; the decisions
 * in docs/API.md "Messaging").
 *
 * Who may start one (sql/messaging.sql cc_messaging_may_talk): a recruiter with a candidate who
 * applied to one of its jobs and back, an admin with anyone; otherwise 403. Two users have one
 * conversation per job (the pair key's UNIQUE constraint decides, so concurrent creations end in
 * one): create/ answers an existing one with 200. Only participants see a conversation (404 for
 * anyone else, on every route). Sending is throttled per user (CarechainMessageThrottle) and
 * notifies every other participant (type `message`) in the message's transaction; the live
 * stream shows both (the triggers of schema/0017). */
#include <apr_lib.h>
#include "../core/cursor.h"
#include "handlers.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define CONTENT_MAX 5000    /* characters */
#define PARTICIPANTS_MAX 10 /* others than the caller, in one conversation */

// clang-format off
static const cc_field_t CREATE_FIELDS[] = {
    {"participant_ids", CC_F_IDLIST, CC_FF_REQUIRED, 0, PARTICIPANTS_MAX, NULL, 0},
    {"job",             CC_F_ID,     0,              0, 0,                NULL, 0},
};
// clang-format on

/* ---- helpers ---------------------------------------------------------------------------- */

/* A message's content from body[name]: kept exactly as sent (not trimmed), 1..5000 characters,
 * not only white space, line breaks and tabs allowed but no other control character. NULL when
 * absent (with `required`, a message in errs) or invalid (a message in errs). */
static const char *content_of(cc_req_t *q, json_t *errs, const char *name, int required)
{
    const char *s = cc_body_raw_str(q, errs, name, required), *p;
    if (!s)
        return NULL;
    for (p = s; *p && apr_isspace(*p); p++)
        ;
    if (!*p) {
        cc_field_error(errs, name, "This field may not be blank.");
        return NULL;
    }
    if (cc_utf8_len(s) > CONTENT_MAX) {
        cc_field_error(errs, name,
                       apr_psprintf(q->pool, "Ensure this field has no more than %d characters.",
                                    CONTENT_MAX));
        return NULL;
    }
    if (cc_utf8_has_controls(s, 1)) {
        cc_field_error(errs, name, "This field may not contain control characters.");
        return NULL;
    }
    return s;
}

/* Seconds until the caller may send one more message (0: now; -1: database failure): the
 * throttle_events of kind "message" keyed by the user id, as registration counts its own. */
static long send_wait(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_throttle_wait, &res, "message", cc_my_id(q),
              apr_itoa(q->pool, q->sc->message_max - 1), apr_itoa(q->pool, q->sc->message_window)))
        return -1;
    return PQntuples(res) ? (long)cc_val_int(res, 0, 0) : 0;
}

/* 1 when the caller may send now; else 0 after answering 429 with Retry-After (or 503). */
static int send_allowed(cc_req_t *q)
{
    long wait = send_wait(q);
    if (wait < 0) {
        cc_db_fail(q);
        return 0;
    }
    if (wait == 0)
        return 1;
    apr_table_setn(q->r->headers_out, "Retry-After", apr_ltoa(q->pool, wait));
    cc_error(q, HTTP_TOO_MANY_REQUESTS, "throttled",
             apr_psprintf(q->pool, "Too many messages. Try again in %ld seconds.", wait));
    return 0;
}

/* Sends `content` from the caller into conversation `conv` inside the open transaction: the
 * message, the notifications of the others, the throttle's count. 1 with the message's JSON in
 * *out; 0 when the caller is no participant (nothing answered: the caller answers 404) or, with
 * *failed set, on a database failure. */
static int send_in_tx(cc_req_t *q, const char *conv, const char *content, const char **out,
                      int *failed)
{
    PGresult *res, *n;
    *failed = 1;
    if (!cc_q(q, CC_ST_msg_send, &res, conv, cc_my_id(q), content))
        return 0;
    if (PQntuples(res) == 0) {
        *failed = 0;
        return 0;
    }
    if (!cc_q(q, CC_ST_msg_notify, &n, conv, cc_my_id(q), cc_val(q, res, 0, 0), content)
        || !cc_q(q, CC_ST_throttle_event, &n, "message", cc_my_id(q)))
        return 0;
    *out = cc_val(q, res, 0, 1);
    *failed = 0;
    return 1;
}

/* ---- conversations ---------------------------------------------------------------------- */

/* conversations/: the caller's conversations it has not hidden, newest activity first. */
int cc_h_conversations_list(cc_req_t *q)
{
    cc_page_t pg;
    PGresult *res;
    int n;
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg))
        return OK;
    if (!cc_q(q, CC_ST_msg_conversation_page, &res, cc_my_id(q), cc_id_str(q, pg.size),
              apr_ltoa(q->pool, (long)pg.offset)))
        return cc_db_fail(q);
    n = PQntuples(res);
    return cc_paginated(q, &pg, n ? cc_val_int(res, 0, 0) : 0, cc_rows_json_array(q, res, 1, 0, n));
}

/* Checks the other participants `ids` (cleaned, the caller left out) against the caller and
 * `job`: 1 when all may take part; else 0 after answering 400 (an unknown or inactive user),
 * 403 (a user the caller may not talk to) or the database failure. */
static int check_participants(cc_req_t *q, json_t *ids, const char *job)
{
    PGresult *res;
    int i;
    if (!cc_q(q, CC_ST_msg_users_check, &res, cc_my_id(q), cc_fields_id_array(q->pool, ids), job))
        return cc_db_fail(q), 0;
    for (i = 0; i < PQntuples(res); i++) {
        const char *id = cc_val(q, res, i, 0);
        if (!cc_val_bool(res, i, 1))
            return cc_invalid(
                       q, "participant_ids",
                       apr_psprintf(q->pool, "Invalid pk \"%s\" - object does not exist.", id)),
                   0;
        if (!cc_val_bool(res, i, 2))
            return cc_invalid(q, "participant_ids",
                              apr_psprintf(q->pool, "User %s is not active.", id)),
                   0;
    }
    for (i = 0; i < PQntuples(res); i++)
        if (!cc_val_bool(res, i, 3))
            return cc_error(q, HTTP_FORBIDDEN, "permission_denied",
                            job ? "You may not start a conversation with this user about this job."
                                : "You may not start a conversation with this user."),
                   0;
    return 1;
}

/* conversations/create/: {"participant_ids", "job"?, "message"?}. 201 with a new conversation;
 * 200 with the existing one of the same two users about the same job (shown to the caller
 * again if it had hidden it). A first message is sent in the same transaction (and into an
 * existing conversation too), so an invalid or throttled one creates nothing. */
int cc_h_conversation_create(cc_req_t *q)
{
    json_t *errs = cc_jobject(q), *c, *list, *others = cc_jarray(q), *v;
    const char *job = NULL, *message, *conv, *pair = NULL, *out;
    apr_int64_t me = q->user->id;
    apr_size_t i;
    int created, failed;
    PGresult *res;

    c = cc_fields_clean(q->pool, CREATE_FIELDS, N(CREATE_FIELDS), q->body, 0, errs);
    message = content_of(q, errs, "message", 0);
    list = json_object_get(c, "participant_ids");
    if (list && json_array_size(list) == 0 && !json_object_get(errs, "participant_ids"))
        cc_field_error(errs, "participant_ids", "This list may not be empty.");
    if (json_object_size(errs))
        return cc_validation(q, errs);
    json_array_foreach(list, i, v) if (json_integer_value(v) != me) json_array_append(others, v);
    if (json_array_size(others) == 0)
        return cc_invalid(q, "participant_ids", "You cannot start a conversation with yourself.");
    if (json_is_integer(json_object_get(c, "job"))) {
        job = cc_id_str(q, json_integer_value(json_object_get(c, "job")));
        if (!cc_q(q, CC_ST_msg_job_exists, &res, job))
            return cc_db_fail(q);
        if (PQntuples(res) == 0)
            return cc_invalid(
                q, "job", apr_psprintf(q->pool, "Invalid pk \"%s\" - object does not exist.", job));
    }
    if (!check_participants(q, others, job))
        return OK;
    if (message && !send_allowed(q))
        return OK;

    if (json_array_size(others) == 1) {
        apr_int64_t o = json_integer_value(json_array_get(others, 0));
        pair = apr_psprintf(q->pool, "%" APR_INT64_T_FMT ":%" APR_INT64_T_FMT ":%s",
                            o < me ? o : me, o < me ? me : o, job ? job : "0");
    }
    if (!cc_db_begin(q)
        || !(pair ? cc_q(q, CC_ST_msg_conversation_upsert, &res, job, cc_my_id(q), pair)
                  : cc_q(q, CC_ST_msg_conversation_insert, &res, job, cc_my_id(q))))
        return cc_db_fail(q);
    conv = cc_val(q, res, 0, 0);
    created = cc_val_bool(res, 0, 1);
    json_array_append_new(others, json_integer(me));
    if (!cc_q(q, CC_ST_msg_participants_add, &res, conv, cc_fields_id_array(q->pool, others),
              cc_my_id(q)))
        return cc_db_fail(q);
    if (message && !send_in_tx(q, conv, message, &out, &failed))
        return failed ? cc_db_fail(q) : cc_server_error(q);
    if (!cc_q(q, CC_ST_msg_conversation_get, &res, conv, cc_my_id(q)))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, created ? HTTP_CREATED : HTTP_OK, out);
}

int cc_h_conversation_get(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_msg_conversation_get, &res, cc_id_str(q, q->ids[0]), cc_my_id(q)))
        return cc_db_fail(q);
    return PQntuples(res) ? cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0)) : cc_not_found(q);
}

/* DELETE: hidden from the caller's list (only its own); a new message shows it again. */
int cc_h_conversation_hide(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_msg_conversation_hide, &res, cc_id_str(q, q->ids[0]), cc_my_id(q)))
        return cc_db_fail(q);
    return PQntuples(res) ? cc_no_content(q) : cc_not_found(q);
}

/* ---- messages --------------------------------------------------------------------------- */

/* messages/: always a keyset feed, newest first ({"next", "previous", "results"}, see
 * core/cursor.h); no ?cursor= (or an empty one) starts at the newest message. */
int cc_h_messages_list(cc_req_t *q)
{
    cc_feed_t f;
    PGresult *res;
    if (!cc_feed_parse(q, apr_table_get(q->query, "cursor"), &f))
        return OK;
    if (!cc_q(q, f.c.dir == CC_CURSOR_OLDER ? CC_ST_msg_feed_older : CC_ST_msg_feed_newer, &res,
              cc_id_str(q, q->ids[0]), cc_my_id(q), f.boundary, f.limit))
        return cc_db_fail(q);
    if (!cc_val_bool(res, 0, 0))
        return cc_not_found(q);
    return cc_feed_answer(q, res, &f, 2, 1, 3, NULL, 0);
}

/* send/: {"content"} -> 201 with the message. */
int cc_h_message_send(cc_req_t *q)
{
    json_t *errs = cc_jobject(q);
    const char *content = content_of(q, errs, "content", 1), *out;
    int failed;
    if (json_object_size(errs))
        return cc_validation(q, errs);
    if (!send_allowed(q))
        return OK;
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!send_in_tx(q, cc_id_str(q, q->ids[0]), content, &out, &failed)) {
        if (failed)
            return cc_db_fail(q);
        cc_db_rollback(q);
        return cc_not_found(q);
    }
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_CREATED, out);
}

/* read/: every message to the caller is read -> {"updated": how many were not}. */
int cc_h_conversation_read(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_msg_read, &res, cc_id_str(q, q->ids[0]), cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json(q, HTTP_OK, cc_jpack(q, "{s:I}", "updated", (json_int_t)cc_val_int(res, 0, 0)));
}
