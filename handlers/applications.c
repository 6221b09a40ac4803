/* /api/jobs/applications/, /api/jobs/<id>/applications/, /api/jobs/active/ and
 * /api/jobs/completed/: applying, the application status machine, and the assignments a hire
 * creates (CONTRACT §4).
 *
 * Application status machine: applied -> reviewed -> shortlisted -> interviewing -> offered ->
 * hired, forward only (skipping allowed), set by the job's recruiter; any non-final status ->
 * rejected (recruiter) or withdrawn (candidate). hired, rejected and withdrawn are final.
 * Assignment: active -> completed | terminated (the job's recruiter or an admin).
 * Every change runs under a row lock in one transaction with its history row, notification and
 * mail; a second application to a job is refused by the UNIQUE constraint, not by a check. */
#include "handlers.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The forward progression first (its index is the rank), then the two other final states. */
static const char *const STATUSES[] = {"applied",      "reviewed",  "shortlisted",
                                       "interviewing", "offered",   "hired",
                                       "rejected",     "withdrawn", NULL};
#define PROGRESSION 6 /* applied .. hired */

static const char *const ASSIGNMENT_STATUSES[] = {"active", "completed", "terminated", NULL};
static const char *const APP_ORDERING[] = {"applied_at", "updated_at", NULL};

static const cc_field_t APPLY_FIELDS[] = {
    {"job", CC_F_ID, CC_FF_REQUIRED, 0, 0, NULL, 0},
    {"cover_letter", CC_F_STR, CC_FF_EMPTY | CC_FF_TEXT, 0, 5000, NULL, 0},
};

static const cc_field_t RECRUITER_FIELDS[] = {
    {"status", CC_F_CHOICE, CC_FF_REQUIRED, 0, 0, STATUSES, 0},
    {"notes", CC_F_STR, CC_FF_EMPTY | CC_FF_TEXT, 0, 5000, NULL, 0},
};

static const cc_field_t CANDIDATE_FIELDS[] = {
    {"status", CC_F_CHOICE, CC_FF_REQUIRED, 0, 0, STATUSES, 0},
    {"cover_letter", CC_F_STR, CC_FF_EMPTY | CC_FF_TEXT, 0, 5000, NULL, 0},
};

static const cc_field_t ASSIGNMENT_FIELDS[] = {
    {"status", CC_F_CHOICE, CC_FF_REQUIRED, 0, 0, ASSIGNMENT_STATUSES, 0},
    {"end_date", CC_F_DATE, CC_FF_REQUIRED, 0, 0, NULL, 0},
    {"rating", CC_F_INT, 0, 1, 5, NULL, 0},
    {"feedback", CC_F_STR, CC_FF_EMPTY | CC_FF_TEXT, 0, 5000, NULL, 0},
};

/* ---- helpers ---------------------------------------------------------------------------- */

static int is_candidate(cc_req_t *q)
{
    return q->user->role_bit == CC_ROLE_CANDIDATE;
}

/* A string member of a cleaned (pool-owned) body; NULL when absent or null. */
static const char *str_of(json_t *c, const char *name)
{
    json_t *v = json_object_get(c, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* Index of a status in STATUSES, -1 when unknown. */
static int status_index(const char *s)
{
    int i;
    for (i = 0; STATUSES[i]; i++)
        if (!strcmp(s, STATUSES[i]))
            return i;
    return -1;
}

static int is_final(const char *s)
{
    return same(s, "hired") || same(s, "rejected") || same(s, "withdrawn");
}

/* NULL when `from -> to` is allowed for the actor, else why not. */
static const char *transition_error(cc_req_t *q, const char *from, const char *to, int recruiter)
{
    int f = status_index(from), t = status_index(to);
    if (is_final(from))
        return apr_psprintf(q->pool, "This application is %s; its status can no longer change.",
                            from);
    if (!recruiter)
        return same(to, "withdrawn") ? NULL : "A candidate can only withdraw an application.";
    if (same(to, "withdrawn"))
        return "Only the candidate can withdraw an application.";
    if (same(to, "rejected") || (t < PROGRESSION && t > f))
        return NULL;
    return apr_psprintf(q->pool, "An application cannot go back from %s to %s.", from, to);
}

/* 400 naming the status of ?status= that is not one (0, for status_filter). */
static int bad_status(cc_req_t *q, const char *v)
{
    cc_invalid(q, "status",
               apr_psprintf(q->pool,
                            "Select a valid choice. %s is not one of the available "
                            "choices.",
                            v));
    return 0;
}

/* ?status= as a validated comma list (normalised text, NULL when absent). 0 after a 400. */
static int status_filter(cc_req_t *q, const char *const *choices, const char **out)
{
    const char *v = apr_table_get(q->query, "status");
    char *list, *item, *state;
    const char *norm = NULL;
    *out = NULL;
    if (!v)
        return 1;
    list = apr_pstrdup(q->pool, v);
    /* an empty value or an empty item is invalid, as is any unknown status */
    if (!*list || list[strlen(list) - 1] == ',' || strstr(list, ",,") || *list == ',')
        return bad_status(q, v);
    for (item = apr_strtok(list, ",", &state); item; item = apr_strtok(NULL, ",", &state)) {
        int i, ok = 0;
        item = cc_trim(q->pool, item);
        for (i = 0; choices[i]; i++)
            if (!strcmp(item, choices[i]))
                ok = 1;
        if (!ok)
            return bad_status(q, item);
        norm = norm ? apr_pstrcat(q->pool, norm, ",", item, NULL) : item;
    }
    *out = norm;
    return 1;
}

/* A notification's data: {"application": id, "job": id, "status": "..."}. */
static const char *app_data(cc_req_t *q, const char *app, const char *job, const char *status)
{
    return cc_jpack_text(q, "{s:I, s:I, s:s}", "application", (json_int_t)apr_atoi64(app), "job",
                         (json_int_t)apr_atoi64(job), "status", status);
}

/* ---- applications: lists and detail ----------------------------------------------------- */

/* The caller's applications (a candidate's own, a recruiter's jobs', every one for an admin), of
 * one job with jobs/<id>/applications/ or ?job=. A job from the path must be one whose
 * applications the caller may see (its own for a recruiter, any for an admin, one it applied to
 * for a candidate): otherwise 404, never an empty list. */
int cc_h_applications_list(cc_req_t *q)
{
    cc_page_t pg;
    const char *ordering, *status, *job;
    PGresult *res;
    int n;
    if (q->nids) {
        job = cc_id_str(q, q->ids[0]);
        if (!cc_q(q, CC_ST_application_job_visible, &res, cc_my_id(q), q->user->role, job))
            return cc_db_fail(q);
        if (PQntuples(res) == 0)
            return cc_not_found(q);
    }
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg)
        || !cc_query_ordering(q, APP_ORDERING, "-applied_at", &ordering)
        || !status_filter(q, STATUSES, &status))
        return OK;
    if (!q->nids) {
        if (!cc_query_id(q, "job", &job))
            return OK;
        job = *job ? job : NULL;
    }
    if (!cc_q(q, CC_ST_application_list, &res, cc_my_id(q), q->user->role, status, job, ordering,
              cc_id_str(q, pg.size), cc_id_str(q, pg.offset)))
        return cc_db_fail(q);
    n = PQntuples(res);
    return cc_paginated(q, &pg, n ? cc_val_int(res, 0, 0) : 0, cc_rows_json_array(q, res, 1, 0, n));
}

int cc_h_application_get(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_application_get, &res, cc_my_id(q), q->user->role, cc_id_str(q, q->ids[0])))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

/* ---- applying --------------------------------------------------------------------------- */

/* Checks the job's required_documents: the caller must hold an unexpired document of each type
 * (verified or not). 1 when none is missing; else 0 after answering 400 with one message per
 * missing type in the job's order (rolled back), or after a failure. In the apply transaction. */
static int missing_documents(cc_req_t *q, const char *job)
{
    PGresult *res;
    json_t *errs;
    int i, n;
    if (!cc_q(q, CC_ST_application_missing_documents, &res, job, cc_my_id(q))) {
        cc_db_fail(q);
        return 0;
    }
    if (!(n = PQntuples(res)))
        return 1;
    errs = cc_jobject(q);
    for (i = 0; i < n; i++)
        cc_field_error(errs, "required_documents",
                       apr_psprintf(q->pool, "A valid %s is required to apply.",
                                    cc_document_type_words(cc_val(q, res, i, 0))));
    cc_db_rollback(q);
    cc_validation(q, errs);
    return 0;
}

/* POST applications/ (the job in the body) or <id>/applications/ (the job from the path). */
int cc_h_application_create(cc_req_t *q)
{
    apr_int64_t path_job = q->nids ? q->ids[0] : 0;
    const cc_field_t *f = path_job ? APPLY_FIELDS + 1 : APPLY_FIELDS;
    json_t *c = cc_body_clean(q, f, path_job ? N(APPLY_FIELDS) - 1 : N(APPLY_FIELDS), 0);
    PGresult *job, *res;
    const char *jid, *cover, *app, *out;
    if (!c)
        return OK;
    jid = cc_id_str(q, path_job ? path_job
                                : (apr_int64_t)json_integer_value(json_object_get(c, "job")));
    cover = str_of(c, "cover_letter");
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_application_job_for_apply, &job, jid))
        return cc_db_fail(q);
    if (PQntuples(job) == 0) {
        if (path_job)
            return cc_not_found(q);
        return cc_db_invalid(
            q, "job", apr_psprintf(q->pool, "Invalid pk \"%s\" - object does not exist.", jid));
    }
    if (!cc_val_bool(job, 0, 1))
        return cc_db_invalid(q, "job", "This job is not accepting applications.");
    if (cc_val_bool(job, 0, 2))
        return cc_db_invalid(q, "job", "This job has expired.");
    if (!cc_q(q, CC_ST_application_insert, &res, jid, cc_my_id(q), cover ? cover : "")) {
        if (cc_db_unique_violation(q))
            return cc_db_conflict(q, "already_applied", "You have already applied to this job.");
        return cc_db_fail(q);
    }
    if (PQntuples(res) == 0) /* profiles are made at registration: only a broken account */
        return cc_db_invalid(q, "non_field_errors", "Create your candidate profile first.");
    app = cc_val(q, res, 0, 0);
    /* after the insert, so a second application is still 409 already_applied; a refusal rolls
     * the insert back */
    if (!missing_documents(q, jid))
        return OK;
    if (!cc_q(q, CC_ST_application_event, &res, app, "applied", cc_my_id(q)))
        return cc_db_fail(q);
    if (cc_val(q, job, 0, 4)
        && !cc_notify(q, cc_val_int(job, 0, 4), "application_status",
                      apr_psprintf(q->pool, "New application for %s", cc_val(q, job, 0, 3)),
                      "A candidate applied to your job.", app_data(q, app, jid, "applied")))
        return cc_db_fail(q);
    if (!cc_q(q, CC_ST_application_render, &res, app, "false"))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_CREATED, out);
}

/* ---- changing an application ------------------------------------------------------------ */

/* Columns of CC_ST_application_lock. */
// clang-format off
enum { L_ID, L_STATUS, L_COVER, L_NOTES, L_JOB, L_CAND, L_CAND_USER, L_RECR_USER, L_TITLE,
       L_EMAIL, L_FIRST };
// clang-format on

/* Locks the application and checks the caller is its candidate or its job's recruiter.
 * 1 with the row in *lk; 0 after answering (404). */
static int lock_application(cc_req_t *q, PGresult **lk)
{
    apr_int64_t owner;
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_application_lock, lk, cc_id_str(q, q->ids[0]))) {
        cc_db_fail(q);
        return 0;
    }
    if (PQntuples(*lk) == 0) {
        cc_not_found(q);
        return 0;
    }
    owner = cc_val(q, *lk, 0, is_candidate(q) ? L_CAND_USER : L_RECR_USER)
                ? cc_val_int(*lk, 0, is_candidate(q) ? L_CAND_USER : L_RECR_USER)
                : 0; /* a job whose recruiter is gone has no owner */
    if (owner != q->user->id) {
        cc_db_rollback(q);
        cc_not_found(q);
        return 0;
    }
    return 1;
}

/* The candidate's mail of a status change (cc_mail_template's application_status). It opens
 * with our words, not the candidate's name (no user's free text in a mail's first lines); the
 * job's title is a verified recruiter's. */
static int status_mail(cc_req_t *q, PGresult *lk, const char *status)
{
    return cc_mail_queue_for(
        q, cc_val(q, lk, 0, L_EMAIL), "application_status", "application_status",
        cc_jpack_text(q, "{s:s, s:s}", "job", cc_val(q, lk, 0, L_TITLE), "status", status));
}

/* Applies a change to the locked application (NULL = unchanged): the row, its history, the
 * assignment on a hire, the other party's notification and the candidate's mail. 1 ok, 0 on a
 * database failure (not answered). */
static int apply_change(cc_req_t *q, PGresult *lk, const char *status, const char *cover,
                        const char *notes)
{
    PGresult *res;
    int recruiter = !is_candidate(q);
    const char *app = cc_val(q, lk, 0, L_ID), *job = cc_val(q, lk, 0, L_JOB);
    const char *title = cc_val(q, lk, 0, L_TITLE);
    const char *now_status = status ? status : cc_val(q, lk, 0, L_STATUS);
    if (!cc_q(q, CC_ST_application_update, &res, app, status, cover, notes))
        return 0;
    if (status) {
        if (!cc_q(q, CC_ST_application_event, &res, app, status, cc_my_id(q))
            || (same(status, "hired") && !cc_q(q, CC_ST_active_job_from_hire, &res, app))
            || !status_mail(q, lk, status))
            return 0;
    }
    if (recruiter) {
        /* notes are the recruiter's own: the candidate hears of status changes only */
        if (status
            && !cc_notify(q, cc_val_int(lk, 0, L_CAND_USER), "application_status",
                          apr_psprintf(q->pool, "Your application for %s is now %s", title, status),
                          "", app_data(q, app, job, status)))
            return 0;
    }
    else if (cc_val(q, lk, 0, L_RECR_USER)
             && !cc_notify(q, cc_val_int(lk, 0, L_RECR_USER), "application_status",
                           status ? apr_psprintf(q->pool, "A candidate withdrew from %s", title)
                                  : apr_psprintf(q->pool,
                                                 "A candidate updated a cover letter "
                                                 "for %s",
                                                 title),
                           "", app_data(q, app, job, now_status)))
        return 0;
    return 1;
}

/* Answers with the (possibly changed) application and commits. */
static int app_answer(cc_req_t *q, int status, int mail)
{
    PGresult *res;
    const char *out;
    if (!cc_q(q, CC_ST_application_render, &res, cc_id_str(q, q->ids[0]),
              is_candidate(q) ? "false" : "true"))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    if (mail)
        cc_mail_flush(q);
    if (status == HTTP_NO_CONTENT)
        return cc_no_content(q);
    return cc_json_text(q, status, out);
}

/* PUT and PATCH alike: no field is required, fields left out stay as they are. */
int cc_h_application_write(cc_req_t *q)
{
    int cand = is_candidate(q);
    json_t *c = cand ? cc_body_clean(q, CANDIDATE_FIELDS, N(CANDIDATE_FIELDS), 1)
                     : cc_body_clean(q, RECRUITER_FIELDS, N(RECRUITER_FIELDS), 1);
    const char *status, *cover, *notes, *cur, *why;
    PGresult *lk;
    if (!c)
        return OK;
    status = str_of(c, "status");
    cover = cand ? str_of(c, "cover_letter") : NULL;
    notes = cand ? NULL : str_of(c, "notes");
    if (!lock_application(q, &lk))
        return OK;
    cur = cc_val(q, lk, 0, L_STATUS);
    /* values equal to the stored ones are no change (a PUT may send the object back) */
    if (same(status, cur))
        status = NULL;
    if (same(cover, cc_val(q, lk, 0, L_COVER)))
        cover = NULL;
    if (same(notes, cc_val(q, lk, 0, L_NOTES)))
        notes = NULL;
    if (status && (why = transition_error(q, cur, status, !cand)))
        return cc_db_conflict(q, "invalid_transition", why);
    if (cover && strcmp(cur, "applied") != 0)
        return cc_db_conflict(q, "invalid_transition",
                              "The cover letter can only be changed while the application is "
                              "applied.");
    if (!status && !cover && !notes)
        return app_answer(q, HTTP_OK, 0);
    if (!apply_change(q, lk, status, cover, notes))
        return cc_db_fail(q);
    return app_answer(q, HTTP_OK, status != NULL);
}

/* DELETE by the candidate: withdraws (the row stays); withdrawing again changes nothing. */
int cc_h_application_delete(cc_req_t *q)
{
    PGresult *lk;
    const char *cur, *why;
    if (!lock_application(q, &lk))
        return OK;
    cur = cc_val(q, lk, 0, L_STATUS);
    if (!strcmp(cur, "withdrawn")) {
        cc_db_rollback(q);
        return cc_no_content(q);
    }
    if ((why = transition_error(q, cur, "withdrawn", 0)))
        return cc_db_conflict(q, "invalid_transition", why);
    if (!apply_change(q, lk, "withdrawn", NULL, NULL))
        return cc_db_fail(q);
    return app_answer(q, HTTP_NO_CONTENT, 1);
}

/* ---- assignments ------------------------------------------------------------------------ */

int cc_h_active_list(cc_req_t *q)
{
    cc_page_t pg;
    const char *status, *job;
    PGresult *res;
    int n;
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg)
        || !cc_query_choice(q, "status", ASSIGNMENT_STATUSES, &status)
        || !cc_query_id(q, "job", &job))
        return OK;
    if (!cc_q(q, CC_ST_active_job_list, &res, cc_my_id(q), q->user->role, status, *job ? job : NULL,
              cc_id_str(q, pg.size), apr_ltoa(q->pool, (long)pg.offset)))
        return cc_db_fail(q);
    n = PQntuples(res);
    return cc_paginated(q, &pg, n ? cc_val_int(res, 0, 0) : 0, cc_rows_json_array(q, res, 1, 0, n));
}

int cc_h_active_get(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_active_job_get, &res, cc_my_id(q), q->user->role, cc_id_str(q, q->ids[0])))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

/* Columns of CC_ST_active_job_lock. */
enum { A_ID, A_STATUS, A_START, A_END, A_JOB, A_CAND_USER, A_RECR_USER, A_TITLE };

/* PUT and PATCH alike: the job's recruiter or an admin ends or extends an active assignment. */
int cc_h_active_write(cc_req_t *q)
{
    json_t *c = cc_body_clean(q, ASSIGNMENT_FIELDS, N(ASSIGNMENT_FIELDS), 1), *rating;
    const char *status, *end, *feedback, *rating_s = NULL, *cur, *id, *title, *out;
    int admin = q->user->role_bit == CC_ROLE_ADMIN;
    PGresult *lk, *res;
    if (!c)
        return OK;
    status = str_of(c, "status");
    end = str_of(c, "end_date");
    feedback = str_of(c, "feedback");
    rating = json_object_get(c, "rating");
    if (json_is_integer(rating))
        rating_s = cc_id_str(q, json_integer_value(rating));
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_active_job_lock, &lk, cc_id_str(q, q->ids[0])))
        return cc_db_fail(q);
    if (PQntuples(lk) == 0
        || (!admin
            && (!cc_val(q, lk, 0, A_RECR_USER) || cc_val_int(lk, 0, A_RECR_USER) != q->user->id))) {
        cc_db_rollback(q);
        return cc_not_found(q);
    }
    id = cc_val(q, lk, 0, A_ID);
    title = cc_val(q, lk, 0, A_TITLE);
    cur = cc_val(q, lk, 0, A_STATUS);
    if (same(status, cur))
        status = NULL;
    if (same(end, cc_val(q, lk, 0, A_END)))
        end = NULL;
    if (feedback && !*feedback)
        feedback = NULL;
    if (rating_s && !same(status, "completed"))
        return cc_db_invalid(q, "rating",
                             "A rating can only be given when completing the "
                             "assignment.");
    if (feedback && !same(status, "completed"))
        return cc_db_invalid(q, "feedback",
                             "Feedback can only be given when completing the "
                             "assignment.");
    if (end && strcmp(end, cc_val(q, lk, 0, A_START)) < 0)
        return cc_db_invalid(q, "end_date",
                             apr_psprintf(q->pool,
                                          "End date must be on or after the start date "
                                          "(%s).",
                                          cc_val(q, lk, 0, A_START)));
    if ((status || end) && strcmp(cur, "active") != 0)
        return cc_db_conflict(
            q, "invalid_transition",
            apr_psprintf(q->pool, "This assignment is %s; it can no longer change.", cur));
    if (status || end) {
        if (!cc_q(q, CC_ST_active_job_update, &res, id, status, end)
            || (same(status, "completed")
                && !cc_q(q, CC_ST_completed_job_insert, &res, id, rating_s, feedback))
            || !cc_notify(
                q, cc_val_int(lk, 0, A_CAND_USER), "job_update",
                status ? apr_psprintf(q->pool, "Your assignment for %s was %s", title, status)
                       : apr_psprintf(q->pool, "Your assignment for %s was updated", title),
                "",
                cc_jpack_text(q, "{s:I, s:I, s:s}", "active_job", (json_int_t)apr_atoi64(id), "job",
                              (json_int_t)cc_val_int(lk, 0, A_JOB), "status",
                              status ? status : cur))
            || (admin
                && !cc_audit(q, "assignment.update", "active_job", q->ids[0],
                             cc_jpack_text(q, "{s:s?, s:s?}", "status", status, "end_date", end))))
            return cc_db_fail(q);
    }
    if (!cc_q(q, CC_ST_active_job_render, &res, id, "true"))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, out);
}

int cc_h_completed_list(cc_req_t *q)
{
    cc_page_t pg;
    const char *job;
    PGresult *res;
    int n;
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg) || !cc_query_id(q, "job", &job))
        return OK;
    if (!cc_q(q, CC_ST_completed_job_list, &res, cc_my_id(q), q->user->role, *job ? job : NULL,
              cc_id_str(q, pg.size), apr_ltoa(q->pool, (long)pg.offset)))
        return cc_db_fail(q);
    n = PQntuples(res);
    return cc_paginated(q, &pg, n ? cc_val_int(res, 0, 0) : 0, cc_rows_json_array(q, res, 1, 0, n));
}

int cc_h_completed_get(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_completed_job_get, &res, cc_my_id(q), q->user->role,
              cc_id_str(q, q->ids[0])))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}
