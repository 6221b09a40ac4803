/* /api/testimonials/: what one party of a completed job writes about the other, moderated by
 * admins (CONTRACT §9; the decisions in docs/API.md "Testimonials").
 *
 * Who may write one: the candidate of a completed job about the job's recruiter (the user of
 * jobs.posted_by) and back; an admin about anyone. One per author and completed job: the UNIQUE
 * constraint decides (409), not a check before the insert.
 * Moderation: a new testimonial is pending; pending|rejected --approve--> approved,
 * pending|approved --reject(reason)--> rejected; approving an approved one or rejecting a
 * rejected one is 409 invalid_transition. An author's edit that changes something puts it back
 * to pending from any state (the rejection is cleared); an admin's edit keeps the state.
 * Only approved ones are public; the others only their author and admins read (404 otherwise,
 * the subject included). Every admin action is in the audit log, in the same transaction. */
#include "handlers.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define TITLE_MAX 200    /* characters, one line */
#define CONTENT_MAX 5000 /* characters, long text */
#define REASON_MAX 1000  /* an admin's reason for a rejection */

/* job and given_to are fixed at creation; an edit takes the other three (FIELDS + 2) */
// clang-format off
static const cc_field_t FIELDS[] = {
    {"job",      CC_F_ID,  0,                           0, 0,           NULL, 0},
    {"given_to", CC_F_ID,  0,                           0, 0,           NULL, 0},
    {"rating",   CC_F_INT, CC_FF_REQUIRED,              1, 5,           NULL, 0},
    {"title",    CC_F_STR, CC_FF_REQUIRED,              0, TITLE_MAX,   NULL, 0},
    {"content",  CC_F_STR, CC_FF_REQUIRED | CC_FF_TEXT, 0, CONTENT_MAX, NULL, 0},
};
static const cc_field_t REASON_FIELD[] = {
    {"reason",   CC_F_STR, CC_FF_REQUIRED | CC_FF_TEXT, 0, REASON_MAX,  NULL, 0},
};
// clang-format on

#define NOT_ELIGIBLE "Not a completed job you took part in."

/* ---- helpers ---------------------------------------------------------------------------- */

/* The decimal text of cleaned[name] when it is an id, else NULL (absent or null). */
static const char *id_of(cc_req_t *q, json_t *c, const char *name)
{
    json_t *v = json_object_get(c, name);
    return json_is_integer(v) ? cc_id_str(q, json_integer_value(v)) : NULL;
}

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* "This field is required." / "... may not be null." for a field the caller's role must send,
 * unless the field already has a message. */
static void require(json_t *body, json_t *errs, const char *name)
{
    json_t *v = json_object_get(body, name);
    if (json_object_get(errs, name))
        return;
    if (!v)
        cc_field_error(errs, name, "This field is required.");
    else if (json_is_null(v))
        cc_field_error(errs, name, "This field may not be null.");
}

/* Columns of CC_ST_testimonial_lock. */
enum { T_ID, T_BY, T_TO, T_STATUS, T_EMAIL };

/* Begins the transaction and locks testimonial {id}; with `own`, only its author or an admin may
 * go on (anyone else: 404, as for a testimonial that does not exist). 1 with the row in *lk;
 * 0 after answering. */
static int lock_testimonial(cc_req_t *q, int own, PGresult **lk)
{
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_testimonial_lock, lk, cc_id_str(q, q->ids[0]))) {
        cc_db_fail(q);
        return 0;
    }
    if (PQntuples(*lk) == 0
        || (own && !cc_is_admin(q) && cc_val_int(*lk, 0, T_BY) != q->user->id)) {
        cc_db_rollback(q);
        cc_not_found(q);
        return 0;
    }
    return 1;
}

/* Commits and answers `status` with the JSON text `out`. */
static int commit_answer(cc_req_t *q, int status, const char *out)
{
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, status, out);
}

/* ---- lists ------------------------------------------------------------------------------ */

/* Which testimonials a list shows (the route's arg; NULL: testimonials/ itself). */
struct cc_testimonial_list {
    enum { ABOUT_USER, ABOUT_ME, MINE } kind;
};
const struct cc_testimonial_list cc_testimonials_of_user = {ABOUT_USER};
const struct cc_testimonial_list cc_testimonials_about_me = {ABOUT_ME};
const struct cc_testimonial_list cc_testimonials_mine = {MINE};

/* testimonials/: approved ones (admins: every state); user/<id>/ and about-me/: the approved
 * ones about a user (an unknown user has none: an empty page, so ids tell nothing);
 * my-reviews/: the caller's own in any state. ?is_approved= filters what the caller may see. */
int cc_h_testimonials_list(cc_req_t *q)
{
    const struct cc_testimonial_list *l = q->route->arg;
    cc_page_t pg;
    int approved, n;
    const char *flt, *size, *offset;
    PGresult *res;
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg)
        || !cc_query_bool(q, "is_approved", &approved))
        return OK;
    flt = approved < 0 ? NULL : approved ? "true" : "false";
    size = cc_id_str(q, pg.size);
    offset = apr_ltoa(q->pool, (long)pg.offset);
    if (!l) {
        if (!cc_q(q, cc_is_admin(q) ? CC_ST_testimonial_page_all : CC_ST_testimonial_page_public,
                  &res, flt, size, offset))
            return cc_db_fail(q);
    }
    else if (l->kind == MINE) {
        if (!cc_q(q, CC_ST_testimonial_page_by, &res, cc_my_id(q), flt, size, offset))
            return cc_db_fail(q);
    }
    else if (!cc_q(q, CC_ST_testimonial_page_about, &res,
                   l->kind == ABOUT_ME ? cc_my_id(q) : cc_id_str(q, q->ids[0]), flt, size, offset))
        return cc_db_fail(q);
    n = PQntuples(res);
    return cc_paginated(q, &pg, n ? cc_val_int(res, 0, 0) : 0, cc_rows_json_array(q, res, 1, 0, n));
}

int cc_h_testimonial_get(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_testimonial_get, &res, cc_id_str(q, q->ids[0]), q->user ? cc_my_id(q) : NULL,
              q->user ? q->user->role : NULL))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

/* ---- writing ---------------------------------------------------------------------------- */

/* The subject of a testimonial on completed job `job` by the caller, checked against the job's
 * parties; `to` is the given_to the client sent (NULL: none). A non-admin must be one of the two
 * parties and writes about the other; an admin names either party. The subject's id, or NULL
 * after answering 400 (with a rollback). */
static const char *job_subject(cc_req_t *q, const char *job, const char *to)
{
    PGresult *res;
    const char *cand, *recr, *other;
    if (!cc_q(q, CC_ST_testimonial_job_parties, &res, job)) {
        cc_db_fail(q);
        return NULL;
    }
    if (PQntuples(res) == 0) {
        cc_db_invalid(q, "job",
                      cc_is_admin(q)
                          ? apr_psprintf(q->pool, "Invalid pk \"%s\" - object does not exist.", job)
                          : NOT_ELIGIBLE);
        return NULL;
    }
    cand = cc_val(q, res, 0, 0);
    recr = cc_val(q, res, 0, 1); /* NULL: the recruiter profile that posted it is gone */
    if (cc_is_admin(q)) {
        if (same(to, cand) || same(to, recr))
            return to;
        cc_db_invalid(q, "given_to", "Must be the candidate or the recruiter of this job.");
        return NULL;
    }
    other = same(cc_my_id(q), cand) ? recr : same(cc_my_id(q), recr) ? cand : "";
    if (other && !*other) {
        cc_db_invalid(q, "job", NOT_ELIGIBLE);
        return NULL;
    }
    if (!other) {
        cc_db_invalid(q, "job", "This job's recruiter is no longer on CareChain.");
        return NULL;
    }
    if (to && strcmp(to, other) != 0) {
        cc_db_invalid(q, "given_to", "A testimonial on this job is about its other party.");
        return NULL;
    }
    return other;
}

/* POST: a non-admin names the completed job (given_to optional, the job's other party); an
 * admin names given_to (job optional). 201 with the new, pending testimonial. */
int cc_h_testimonial_create(cc_req_t *q)
{
    int admin = cc_is_admin(q);
    json_t *errs = cc_jobject(q),
           *c = cc_fields_clean(q->pool, FIELDS, N(FIELDS), q->body, 0, errs);
    const char *job, *to, *out;
    PGresult *res;
    require(q->body, errs, admin ? "given_to" : "job");
    if (json_object_size(errs))
        return cc_validation(q, errs);
    job = id_of(q, c, "job");
    to = id_of(q, c, "given_to");
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (job) {
        if (!(to = job_subject(q, job, to)))
            return OK;
    }
    else { /* an admin's, about anyone */
        if (!cc_q(q, CC_ST_testimonial_user_exists, &res, to))
            return cc_db_fail(q);
        if (PQntuples(res) == 0)
            return cc_db_invalid(
                q, "given_to",
                apr_psprintf(q->pool, "Invalid pk \"%s\" - object does not exist.", to));
    }
    if (same(to, cc_my_id(q)))
        return cc_db_invalid(q, "given_to", "You cannot write a testimonial about yourself.");
    if (!cc_q(q, CC_ST_testimonial_insert, &res, cc_my_id(q), to, job,
              cc_id_str(q, json_integer_value(json_object_get(c, "rating"))),
              json_string_value(json_object_get(c, "title")),
              json_string_value(json_object_get(c, "content")))) {
        if (cc_db_unique_violation(q))
            return cc_db_conflict(q, "already_reviewed",
                                  "You have already written a testimonial for this job.");
        return cc_db_fail(q);
    }
    out = cc_val(q, res, 0, 1);
    if (admin
        && !cc_audit(q, "testimonials.create", "testimonial", cc_val_int(res, 0, 0),
                     cc_jpack_text(q, "{s:I, s:O?}", "given_to", (json_int_t)apr_atoi64(to), "job",
                                   json_object_get(c, "job"))))
        return cc_db_fail(q);
    return commit_answer(q, HTTP_CREATED, out);
}

/* PUT (rating, title and content required) or PATCH (the fields sent), by the author or an
 * admin. job and given_to are not editable (ignored). */
int cc_h_testimonial_write(cc_req_t *q)
{
    json_t *c = cc_body_clean(q, FIELDS + 2, N(FIELDS) - 2, cc_write_kind(q) == CC_UPDATE);
    json_t *fields = cc_jarray(q);
    const char *key, *out;
    json_t *v;
    PGresult *lk, *res;
    if (!c || !lock_testimonial(q, 1, &lk))
        return OK;
    if (!cc_q(q, CC_ST_testimonial_update, &res, cc_val(q, lk, 0, T_ID),
              cc_is_admin(q) ? "true" : "false", cc_json_dump(q->pool, c)))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    json_object_foreach(c, key, v) json_array_append_new(fields, json_string(key));
    if (cc_is_admin(q) && json_array_size(fields)
        && !cc_audit(q, "testimonials.update", "testimonial", q->ids[0],
                     cc_jpack_text(q, "{s:O}", "fields", fields)))
        return cc_db_fail(q);
    return commit_answer(q, HTTP_OK, out);
}

int cc_h_testimonial_delete(cc_req_t *q)
{
    PGresult *lk, *res;
    if (!lock_testimonial(q, 1, &lk))
        return OK;
    if (!cc_q(q, CC_ST_testimonial_delete, &res, cc_val(q, lk, 0, T_ID))
        || (cc_is_admin(q)
            && !cc_audit(q, "testimonials.delete", "testimonial", q->ids[0],
                         cc_jpack_text(q, "{s:I, s:I}", "given_by",
                                       (json_int_t)cc_val_int(lk, 0, T_BY), "given_to",
                                       (json_int_t)cc_val_int(lk, 0, T_TO))))
        || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_no_content(q);
}

/* ---- moderation (admins) ---------------------------------------------------------------- */

struct cc_testimonial_decision {
    int approve;
};
const struct cc_testimonial_decision cc_testimonial_approve = {1};
const struct cc_testimonial_decision cc_testimonial_reject = {0};

/* The author's mail of a rejection (cc_mail_template's testimonial_rejected): our words first,
 * then the admin's reason, labelled. */
static int rejection_mail(cc_req_t *q, const char *to, const char *reason)
{
    return cc_mail_queue(q, to, "testimonial_rejected",
                         cc_jpack_text(q, "{s:s}", "reason", reason));
}

/* approve/ (no body) publishes it and notifies its subject; reject/ ({"reason"}) hides it,
 * notifies and mails its author. 200 with the testimonial. */
int cc_h_testimonial_decide(cc_req_t *q)
{
    const struct cc_testimonial_decision *d = q->route->arg;
    const char *reason = NULL, *status, *out, *data;
    json_t *c;
    PGresult *lk, *res;
    if (!d->approve) {
        if (!(c = cc_body_clean(q, REASON_FIELD, N(REASON_FIELD), 0)))
            return OK;
        reason = json_string_value(json_object_get(c, "reason"));
    }
    if (!lock_testimonial(q, 0, &lk))
        return OK;
    status = cc_val(q, lk, 0, T_STATUS);
    if (same(status, d->approve ? "approved" : "rejected"))
        return cc_db_conflict(q, "invalid_transition",
                              d->approve ? "This testimonial is already approved."
                                         : "This testimonial is already rejected.");
    if (!cc_q(q, CC_ST_testimonial_decide, &res, cc_val(q, lk, 0, T_ID),
              d->approve ? "approved" : "rejected", reason, cc_my_id(q)))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    data = cc_jpack_text(q, "{s:I}", "testimonial", (json_int_t)q->ids[0]);
    if (d->approve) {
        if (!cc_notify(q, cc_val_int(lk, 0, T_TO), "system", "A new testimonial about you",
                       "A testimonial about you was published on CareChain.", data)
            || !cc_audit(q, "testimonials.approve", "testimonial", q->ids[0],
                         cc_jpack_text(q, "{s:I, s:I}", "given_by",
                                       (json_int_t)cc_val_int(lk, 0, T_BY), "given_to",
                                       (json_int_t)cc_val_int(lk, 0, T_TO))))
            return cc_db_fail(q);
        return commit_answer(q, HTTP_OK, out);
    }
    if (!cc_notify(q, cc_val_int(lk, 0, T_BY), "system", "Your testimonial was not published",
                   apr_pstrcat(q->pool, "Reason: ", reason, NULL), data)
        || !rejection_mail(q, cc_val(q, lk, 0, T_EMAIL), reason)
        || !cc_audit(q, "testimonials.reject", "testimonial", q->ids[0],
                     cc_jpack_text(q, "{s:s}", "reason", reason))
        || !cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_json_text(q, HTTP_OK, out);
}
