/* /api/profiles/verification*: the verification workflow (CONTRACT §3) — a subject's request,
 * the admin queues and the admin's decisions.
 *
 * State machine (candidate profiles, hospitals, and recruiters' links to a hospital):
 * pending --approve--> verified, pending --reject(reason)--> rejected,
 * rejected --resubmit--> pending. Anything else is 409 invalid_transition. A subject is in an
 * admin queue only once a request was submitted. */
#include "../services/services.h"
#include "handlers.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const ID_DOC_TYPES[] = {"aadhaar",         "pan", "passport", "voter_id",
                                           "driving_licence", NULL};

// clang-format off
static const cc_field_t CANDIDATE_VERIFICATION_FIELDS[] = {
    {"license_number",       CC_F_STR,    CC_FF_REQUIRED, 0, 100, NULL,         0},
    {"registration_council", CC_F_STR,    CC_FF_REQUIRED, 0, 200, NULL,         0},
    {"specialization",       CC_F_STR,    0,              0, 200, NULL,         0},
    {"id_document_type",     CC_F_CHOICE, 0,              0, 0,   ID_DOC_TYPES, 0},
    {"id_document_number",   CC_F_STR,    0,              0, 50,  NULL,         0},
    {"document_ids",         CC_F_IDLIST, 0,              0, 20,  NULL,         0},
};

static const cc_field_t HOSPITAL_VERIFICATION_FIELDS[] = {
    {"registration_number", CC_F_STR,    CC_FF_REQUIRED, 0, 100, NULL, 0},
    {"document_ids",        CC_F_IDLIST, 0,              0, 20,  NULL, 0},
};
// clang-format on

/* ---- the subject's side ----------------------------------------------------------------- */

/* Answers with the caller's verification record; `commit` ends the open transaction first. */
static int verification_view(cc_req_t *q, int status, int commit)
{
    PGresult *res;
    const char *out;
    if (q->user->role_bit == CC_ROLE_CANDIDATE) {
        if (!cc_q(q, CC_ST_verification_view_candidate, &res, cc_my_id(q)))
            return cc_db_fail(q);
    }
    else {
        if (!cc_q(q, CC_ST_hospital_of_recruiter, &res, cc_my_id(q)))
            return cc_db_fail(q);
        if (PQntuples(res) == 0)
            return cc_json(q, HTTP_OK,
                           cc_jpack(q, "{s:s, s:n, s:n, s:n, s:n, s:n, s:n}", "subject", "hospital",
                                    "candidate_profile", "hospital", "verification_status",
                                    "verified_at", "rejection_reason", "request"));
        /* a link that waits (or was refused) sees nothing of the hospital's own request */
        if (!cc_val_bool(res, 0, 2))
            return cc_json(q, HTTP_OK,
                           cc_jpack(q, "{s:s, s:n, s:I, s:n, s:n, s:n, s:n}", "subject", "hospital",
                                    "candidate_profile", "hospital",
                                    (json_int_t)cc_val_int(res, 0, 0), "verification_status",
                                    "verified_at", "rejection_reason", "request"));
        if (!cc_q(q, CC_ST_verification_view_hospital, &res, cc_val(q, res, 0, 0)))
            return cc_db_fail(q);
    }
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    out = cc_val(q, res, 0, 0);
    if (commit && !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, status, out);
}

int cc_h_verification_get(cc_req_t *q)
{
    return verification_view(q, HTTP_OK, 0);
}

/* The caller's subject (candidate profile or hospital), locked: its id, status and the status
 * of its request (NULL: nothing submitted yet) in *s. 1, or 0 after answering. */
static int lock_subject(cc_req_t *q, int cand, PGresult **s)
{
    if (cand) {
        if (!cc_q(q, CC_ST_candidate_get, s, cc_my_id(q))) {
            cc_db_fail(q);
            return 0;
        }
        if (PQntuples(*s) == 0) {
            cc_not_found(q);
            return 0;
        }
        if (!cc_q(q, CC_ST_verification_candidate_lock, s, cc_val(q, *s, 0, 0))) {
            cc_db_fail(q);
            return 0;
        }
        return 1;
    }
    if (!cc_hospital_lock_mine(q, s,
                               "Create or link a hospital before asking for its "
                               "verification."))
        return 0;
    if (!cc_q(q, CC_ST_verification_hospital_lock, s, cc_val(q, *s, 0, 0))) {
        cc_db_fail(q);
        return 0;
    }
    return 1;
}

/* POST submits the caller's first request; PUT updates it or, after a rejection, resubmits. */
int cc_h_verification_submit(cc_req_t *q)
{
    int create = cc_write_kind(q) == CC_CREATE;
    int cand = q->user->role_bit == CC_ROLE_CANDIDATE;
    json_t *c =
        cand ? cc_body_clean(q, CANDIDATE_VERIFICATION_FIELDS, N(CANDIDATE_VERIFICATION_FIELDS), 0)
             : cc_body_clean(q, HOSPITAL_VERIFICATION_FIELDS, N(HOSPITAL_VERIFICATION_FIELDS), 0);
    PGresult *s, *res;
    const char *subject, *status, *req_status, *reason;
    json_t *spec;
    if (!c)
        return OK;
    if (cand && json_is_string(json_object_get(c, "id_document_type"))
        && !json_is_string(json_object_get(c, "id_document_number")))
        return cc_db_invalid(q, "id_document_number",
                             "This field is required when id_document_type is given.");
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!cc_db_ids_exist(q, CC_ST_documents_not_owned, cc_my_id(q), c, "document_ids")
        || !lock_subject(q, cand, &s))
        return OK;
    subject = cc_val(q, s, 0, 0);
    status = cc_val(q, s, 0, 1);
    req_status = cc_val(q, s, 0, 3); /* NULL: nothing submitted yet */
    if (!strcmp(status, "verified"))
        return cc_db_conflict(q, "invalid_transition",
                              cand ? "This profile is already verified."
                                   : "This hospital is already verified.");
    if (create && req_status)
        return cc_db_invalid(q, "non_field_errors",
                             "A verification request was already submitted; update it with PUT.");
    if (!create && !req_status)
        return cc_db_invalid(q, "non_field_errors",
                             "No verification request was submitted yet; submit one with POST.");
    reason = !req_status                       ? "Submitted."
             : !strcmp(req_status, "rejected") ? "Resubmitted."
                                               : "Updated.";
    if (!cc_q(q, cand ? CC_ST_verification_upsert_candidate : CC_ST_verification_upsert_hospital,
              &res, subject, cc_my_id(q), cc_json_dump(q->pool, c))
        || !cc_q(q, CC_ST_verification_event, &res, cc_val(q, res, 0, 0), "pending", cc_my_id(q),
                 reason))
        return cc_db_fail(q);
    spec = json_object_get(c, "specialization");
    if (cand
        && !cc_q(q, CC_ST_candidate_set_pending, &res, subject,
                 json_is_string(spec) ? json_string_value(spec) : NULL))
        return cc_db_fail(q);
    if (!cand
        && !cc_q(q, CC_ST_hospital_set_pending, &res, subject,
                 json_string_value(json_object_get(c, "registration_number"))))
        return cc_db_unique_violation(q) ? cc_hospital_registration_taken(q) : cc_db_fail(q);
    return verification_view(q, create ? HTTP_CREATED : HTTP_OK, 1);
}

int cc_h_verification_status(cc_req_t *q)
{
    PGresult *res;
    cc_stmt_id_t st = q->user->role_bit == CC_ROLE_CANDIDATE   ? CC_ST_status_candidate
                      : q->user->role_bit == CC_ROLE_RECRUITER ? CC_ST_status_recruiter
                                                               : CC_ST_status_admin;
    if (!cc_q(q, st, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

/* ---- admin queues ----------------------------------------------------------------------- */

/* A queue: which subjects, in which state, oldest submission first or latest decision first. */
struct cc_queue {
    cc_stmt_id_t st;
    const char *status, *ordering;
};

const struct cc_queue cc_queue_candidates_pending = {CC_ST_queue_candidates, "pending",
                                                     "submitted_at"};
const struct cc_queue cc_queue_candidates_verified = {CC_ST_queue_candidates, "verified",
                                                      "-decided_at"};
const struct cc_queue cc_queue_candidates_rejected = {CC_ST_queue_candidates, "rejected",
                                                      "-decided_at"};
const struct cc_queue cc_queue_hospitals_pending = {CC_ST_queue_hospitals, "pending",
                                                    "submitted_at"};
const struct cc_queue cc_queue_hospitals_verified = {CC_ST_queue_hospitals, "verified",
                                                     "-decided_at"};
const struct cc_queue cc_queue_hospitals_rejected = {CC_ST_queue_hospitals, "rejected",
                                                     "-decided_at"};

static const char *const QUEUE_ORDERING[] = {"submitted_at", "decided_at", "created_at", NULL};

/* A page of a candidate queue shows the admin the identity document numbers of its requests:
 * one audit record of the page names the profiles whose number it showed (none: no record).
 * 0 on a database failure. */
static int identity_reads(cc_req_t *q, const struct cc_queue *queue, PGresult *res)
{
    json_t *ids = cc_jarray(q);
    int i;
    for (i = 0; i < PQntuples(res); i++) {
        json_t *row = cc_jparse(q, cc_val(q, res, i, 1));
        json_t *v = json_object_get(row, "verification_request");
        if (json_is_string(json_object_get(v, "id_document_number")))
            json_array_append(ids, json_object_get(row, "id"));
    }
    if (json_array_size(ids) == 0)
        return 1;
    return cc_audit(
        q, "profiles.identity.read", "verification_queue", 0,
        cc_jpack_text(q, "{s:s, s:O}", "status", queue->status, "candidate_profile_ids", ids));
}

int cc_h_verification_queue(cc_req_t *q)
{
    const struct cc_queue *queue = q->route->arg;
    cc_page_t pg;
    const char *ordering;
    PGresult *res;
    int n;
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg)
        || !cc_query_ordering(q, QUEUE_ORDERING, queue->ordering, &ordering))
        return OK;
    if (!cc_q(q, queue->st, &res, queue->status, cc_query_text(q, "search"), ordering,
              cc_id_str(q, pg.size), cc_id_str(q, pg.offset)))
        return cc_db_fail(q);
    n = PQntuples(res);
    if (queue->st == CC_ST_queue_candidates && !identity_reads(q, queue, res))
        return cc_db_fail(q);
    /* no row on a page past the end: count 0, which cc_paginated answers as an invalid page */
    return cc_paginated(q, &pg, n ? cc_val_int(res, 0, 0) : 0, cc_rows_json_array(q, res, 1, 0, n));
}

/* ---- admin decisions -------------------------------------------------------------------- */

/* A decision: an admin's on a candidate's profile (or, with recruiter_profile_id in the body, on
 * a recruiter's link to its hospital) or on a hospital; or a hospital member's on a colleague's
 * link (profiles/hospital/recruiters/<id>/...). Approve or reject. */
struct cc_decision {
    enum { ON_CANDIDATE, ON_HOSPITAL, ON_LINK } subject;
    int approve;
};

const struct cc_decision cc_approve_candidate = {ON_CANDIDATE, 1};
const struct cc_decision cc_reject_candidate = {ON_CANDIDATE, 0};
const struct cc_decision cc_approve_hospital = {ON_HOSPITAL, 1};
const struct cc_decision cc_reject_hospital = {ON_HOSPITAL, 0};
const struct cc_decision cc_approve_link = {ON_LINK, 1};
const struct cc_decision cc_reject_link = {ON_LINK, 0};

/* Sends the candidate/recruiter mail that says a decision was made (cc_mail_template's
 * verification_approved / verification_rejected; the admin's reason, the only free text, comes
 * after our words, labelled). */
static int decision_mail(cc_req_t *q, const char *to, const char *what, int approved,
                         const char *reason)
{
    return cc_mail_queue(q, to, approved ? "verification_approved" : "verification_rejected",
                         cc_jpack_text(q, "{s:s, s:s?}", "what", what, "reason", reason));
}

/* The subject id from the path, or from body[field]. 0 after answering 400. */
static apr_int64_t subject_id(cc_req_t *q, const char *field)
{
    cc_field_t f = {field, CC_F_ID, CC_FF_REQUIRED, 0, 0, NULL, 0};
    json_t *c;
    if (q->nids > 0)
        return q->ids[0];
    c = cc_body_clean(q, &f, 1, 0);
    return c ? json_integer_value(json_object_get(c, field)) : 0;
}

/* notes (approve, optional) or reason (reject, required), cleaned; NULL after answering 400
 * when *ok is 0. */
static const char *decision_text(cc_req_t *q, int approve, int *ok)
{
    cc_field_t f = {approve ? "notes" : "reason",
                    CC_F_STR,
                    approve ? CC_FF_TEXT : CC_FF_REQUIRED | CC_FF_TEXT,
                    0,
                    2000,
                    NULL,
                    0};
    json_t *c = cc_body_clean(q, &f, 1, 0), *v;
    *ok = c != NULL;
    v = json_object_get(c, f.name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* 409 unless the transition pending -> verified|rejected applies to a submitted request. */
static int transition_ok(cc_req_t *q, const char *status, const char *req_status, int approve,
                         const char *what)
{
    const char *why = NULL;
    if (!req_status)
        why = apr_psprintf(q->pool, "No verification request was submitted for this %s.", what);
    else if (!strcmp(status, "verified"))
        why = apr_psprintf(q->pool, "This %s is already verified.", what);
    else if (!strcmp(status, "rejected"))
        why = apr_psprintf(q->pool,
                           approve ? "This %s was rejected; it must be resubmitted "
                                     "before it can be approved."
                                   : "This %s is already rejected.",
                           what);
    if (!why)
        return 1;
    cc_db_conflict(q, "invalid_transition", why);
    return 0;
}

/* {"<key>": text} as audit details, or NULL without a text. */
static const char *text_details(cc_req_t *q, int approve, const char *text)
{
    return text ? cc_jpack_text(q, "{s:s}", approve ? "notes" : "reason", text) : NULL;
}

static int decide_recruiter(cc_req_t *q, apr_int64_t rid, int approve, const char *text)
{
    PGresult *s, *res;
    const char *id = cc_id_str(q, rid), *status, *hstatus, *out;
    const char *new_status = approve ? "verified" : "rejected";
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_recruiter_lock_by_id, &s, id))
        return cc_db_fail(q);
    if (PQntuples(s) == 0)
        return cc_not_found(q);
    status = cc_val(q, s, 0, 0);
    hstatus = cc_val(q, s, 0, 4);
    if (strcmp(status, "pending") != 0)
        return cc_db_conflict(q, "invalid_transition",
                              apr_psprintf(q->pool, "This recruiter is already %s.", status));
    if (approve && (!hstatus || strcmp(hstatus, "verified") != 0))
        return cc_db_conflict(q, "invalid_transition",
                              "The recruiter's hospital is not verified; verify the hospital "
                              "first.");
    if (!cc_q(q, CC_ST_recruiter_decide, &res, id, new_status, cc_my_id(q), approve ? NULL : text))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_notify(q, cc_val_int(s, 0, 1), "verification",
                   approve ? "Your recruiter account was verified"
                           : "Your recruiter account was not verified",
                   approve ? "You can now act for your hospital on CareChain."
                           : apr_pstrcat(q->pool, "Reason: ", text, NULL),
                   cc_jpack_text(q, "{s:I, s:s}", "recruiter_profile", (json_int_t)rid,
                                 "verification_status", new_status))
        || !decision_mail(q, cc_val(q, s, 0, 2), "recruiter account", approve, text)
        || !cc_audit(q,
                     approve ? "verification.recruiter.approve" : "verification.recruiter.reject",
                     "recruiter_profile", rid, NULL)
        || !cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_json_text(q, HTTP_OK, out);
}

static int decide_candidate(cc_req_t *q, int approve, const char *text)
{
    PGresult *s, *res;
    const char *pid, *out, *new_status = approve ? "verified" : "rejected";
    apr_int64_t id;
    if (!(id = subject_id(q, "profile_id")))
        return OK;
    pid = cc_id_str(q, id);
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_verification_candidate_lock, &s, pid))
        return cc_db_fail(q);
    if (PQntuples(s) == 0)
        return cc_not_found(q);
    if (!transition_ok(q, cc_val(q, s, 0, 1), cc_val(q, s, 0, 3), approve, "profile"))
        return OK;
    if (!cc_q(q, CC_ST_verification_decide, &res, cc_val(q, s, 0, 2), new_status, cc_my_id(q),
              approve ? text : NULL, approve ? NULL : text)
        || !cc_q(q, CC_ST_verification_event, &res, cc_val(q, s, 0, 2), new_status, cc_my_id(q),
                 text)
        || !cc_q(q, CC_ST_candidate_decide, &res, pid, new_status, cc_my_id(q),
                 approve ? NULL : text))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_notify(q, cc_val_int(s, 0, 4), "verification",
                   approve ? "Your profile was verified" : "Your profile was not verified",
                   approve ? "An administrator verified your candidate profile."
                           : apr_pstrcat(q->pool, "Reason: ", text, NULL),
                   cc_jpack_text(q, "{s:I, s:s}", "candidate_profile", (json_int_t)id,
                                 "verification_status", new_status))
        || !decision_mail(q, cc_val(q, s, 0, 5), "profile", approve, text)
        || !cc_audit(q,
                     approve ? "verification.candidate.approve" : "verification.candidate.reject",
                     "candidate_profile", id, text_details(q, approve, text))
        || !cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_json_text(q, HTTP_OK, out);
}

static int decide_hospital(cc_req_t *q, int approve, const char *text)
{
    PGresult *s, *res, *rec;
    const char *hid, *out, *new_status = approve ? "verified" : "rejected";
    apr_int64_t id;
    int i;
    if (!(id = subject_id(q, "hospital_id")))
        return OK;
    hid = cc_id_str(q, id);
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_verification_hospital_lock, &s, hid))
        return cc_db_fail(q);
    if (PQntuples(s) == 0)
        return cc_not_found(q);
    if (!transition_ok(q, cc_val(q, s, 0, 1), cc_val(q, s, 0, 3), approve, "hospital"))
        return OK;
    if (!cc_q(q, CC_ST_verification_decide, &res, cc_val(q, s, 0, 2), new_status, cc_my_id(q),
              approve ? text : NULL, approve ? NULL : text)
        || !cc_q(q, CC_ST_verification_event, &res, cc_val(q, s, 0, 2), new_status, cc_my_id(q),
                 text)
        || (approve && !cc_q(q, CC_ST_hospital_recruiters_verify, &rec, hid, cc_my_id(q)))
        || !cc_q(q, CC_ST_hospital_decide, &res, hid, new_status, cc_my_id(q),
                 approve ? NULL : text)
        || !cc_q(q, CC_ST_hospital_recruiters, &rec, hid))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    for (i = 0; i < PQntuples(rec); i++) {
        const char *title = apr_psprintf(q->pool, "%s was %s", cc_val(q, s, 0, 4),
                                         approve ? "verified" : "not verified");
        if (!cc_notify(q, cc_val_int(rec, i, 0), "verification", title,
                       approve ? "An administrator verified your hospital."
                               : apr_pstrcat(q->pool, "Reason: ", text, NULL),
                       cc_jpack_text(q, "{s:I, s:s}", "hospital", (json_int_t)id,
                                     "verification_status", new_status))
            || !decision_mail(q, cc_val(q, rec, i, 1), "hospital", approve, text))
            return cc_db_fail(q);
    }
    if (!cc_audit(q, approve ? "verification.hospital.approve" : "verification.hospital.reject",
                  "hospital", id, text_details(q, approve, text))
        || !cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_json_text(q, HTTP_OK, out);
}

/* The subject comes from the path ({id}) or from the body: profile_id, recruiter_profile_id
 * (a recruiter's link, on the candidate routes) or hospital_id. */
int cc_h_verification_decide(cc_req_t *q)
{
    const struct cc_decision *d = q->route->arg;
    const char *text;
    apr_int64_t rid;
    int ok;
    PGresult *res;
    if (d->subject == ON_LINK) {
        /* a member of the hospital (its creator or an accepted recruiter) decides a colleague's
         * link; a recruiter of another hospital is told nothing about the profile */
        if (!cc_q(q, CC_ST_hospital_link_decider, &res, cc_my_id(q), cc_id_str(q, q->ids[0])))
            return cc_db_fail(q);
        if (PQntuples(res) == 0)
            return cc_not_found(q);
        if (!cc_val_bool(res, 0, 0))
            return cc_error(q, HTTP_FORBIDDEN, "permission_denied",
                            "Only the recruiter who created this hospital or a verified recruiter "
                            "of it may accept or refuse a link to it.");
        text = decision_text(q, d->approve, &ok);
        return ok ? decide_recruiter(q, q->ids[0], d->approve, text) : OK;
    }
    text = decision_text(q, d->approve, &ok);
    if (!ok)
        return OK;
    if (d->subject == ON_HOSPITAL)
        return decide_hospital(q, d->approve, text);
    if (q->nids == 0 && json_object_get(q->body, "recruiter_profile_id")
        && !json_object_get(q->body, "profile_id")) {
        if (!(rid = subject_id(q, "recruiter_profile_id")))
            return OK;
        return decide_recruiter(q, rid, d->approve, text);
    }
    return decide_candidate(q, d->approve, text);
}
