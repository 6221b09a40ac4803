/* /api/profiles/: candidate, recruiter and hospital profiles, the verification workflow with
 * its admin queues and decisions, and the privacy-scoped detail views (CONTRACT §3).
 *
 * Verification state machine (candidate profiles, hospitals, and recruiters' links to a
 * hospital): pending --approve--> verified, pending --reject(reason)--> rejected,
 * rejected --resubmit--> pending. Anything else is 409 invalid_transition. A subject is in an
 * admin queue only once a request was submitted. */
#include "../core/cc.h"
#include "../dbd/db.h"
#include "handlers.h"

static const char *const GENDERS[] = {"male", "female", "other", "undisclosed", NULL};
static const char *const JOB_TYPES[] = {"full_time", "part_time", "contract", "temporary",
                                        "locum", "per_diem", NULL};
static const char *const HOSPITAL_TYPES[] = {"public", "private", "specialty", "clinic",
                                             "nursing_home", NULL};
static const char *const ID_DOC_TYPES[] = {"aadhaar", "pan", "passport", "voter_id",
                                           "driving_licence", NULL};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const cc_field_t CANDIDATE_FIELDS[] = {
    {"phone_number", CC_F_PHONE, 0, 0, 20, NULL, 0},
    {"date_of_birth", CC_F_DATE, 0, 0, 0, NULL, 0},
    {"gender", CC_F_CHOICE, 0, 0, 0, GENDERS, 0},
    {"address", CC_F_STR, 0, 0, 500, NULL, 0},
    {"city", CC_F_STR, 0, 0, 100, NULL, 0},
    {"state", CC_F_STR, 0, 0, 100, NULL, 0},
    {"country", CC_F_STR, 0, 0, 100, NULL, 0},
    {"headline", CC_F_STR, 0, 0, 200, NULL, 0},
    {"summary", CC_F_STR, 0, 0, 5000, NULL, 0},
    {"years_of_experience", CC_F_INT, 0, 0, 70, NULL, 0},
    {"specialization", CC_F_STR, 0, 0, 200, NULL, 0},
    {"skills", CC_F_IDLIST, 0, 0, 100, NULL, 0},
    {"qualifications", CC_F_IDLIST, 0, 0, 50, NULL, 0},
    {"certifications", CC_F_STRLIST, 0, 0, 50, NULL, 200},
    {"expected_salary", CC_F_DECIMAL, 0, 0, 12, NULL, 0},
    {"available_from", CC_F_DATE, 0, 0, 0, NULL, 0},
    {"preferred_job_types", CC_F_CHOICELIST, CC_FF_HYPHENS, 0, 6, JOB_TYPES, 0},
    {"preferred_locations", CC_F_STRLIST, 0, 0, 20, NULL, 100},
};

static const cc_field_t RECRUITER_FIELDS[] = {
    {"company_name", CC_F_STR, CC_FF_EMPTY, 0, 200, NULL, 0},
    {"designation", CC_F_STR, CC_FF_EMPTY, 0, 100, NULL, 0},
    {"phone_number", CC_F_PHONE, CC_FF_EMPTY, 0, 20, NULL, 0},
    {"company_address", CC_F_STR, CC_FF_EMPTY, 0, 500, NULL, 0},
    {"hospital", CC_F_ID, 0, 0, 0, NULL, 0},
};

static const cc_field_t HOSPITAL_FIELDS[] = {
    {"name", CC_F_STR, CC_FF_REQUIRED, 0, 200, NULL, 0},
    {"registration_number", CC_F_STR, CC_FF_REQUIRED, 0, 100, NULL, 0},
    {"type", CC_F_CHOICE, CC_FF_REQUIRED | CC_FF_HYPHENS, 0, 0, HOSPITAL_TYPES, 0},
    {"address", CC_F_STR, 0, 0, 500, NULL, 0},
    {"city", CC_F_STR, 0, 0, 100, NULL, 0},
    {"state", CC_F_STR, 0, 0, 100, NULL, 0},
    {"country", CC_F_STR, 0, 0, 100, NULL, 0},
    {"phone_number", CC_F_PHONE, 0, 0, 20, NULL, 0},
    {"email", CC_F_EMAIL, 0, 0, 254, NULL, 0},
    {"bed_capacity", CC_F_INT, 0, 0, 100000, NULL, 0},
    {"website", CC_F_URL, 0, 0, 200, NULL, 0},
};

static const cc_field_t CANDIDATE_VERIFICATION_FIELDS[] = {
    {"license_number", CC_F_STR, CC_FF_REQUIRED, 0, 100, NULL, 0},
    {"registration_council", CC_F_STR, CC_FF_REQUIRED, 0, 200, NULL, 0},
    {"specialization", CC_F_STR, 0, 0, 200, NULL, 0},
    {"id_document_type", CC_F_CHOICE, 0, 0, 0, ID_DOC_TYPES, 0},
    {"id_document_number", CC_F_STR, 0, 0, 50, NULL, 0},
    {"document_ids", CC_F_IDLIST, 0, 0, 20, NULL, 0},
};

static const cc_field_t HOSPITAL_VERIFICATION_FIELDS[] = {
    {"registration_number", CC_F_STR, CC_FF_REQUIRED, 0, 100, NULL, 0},
    {"document_ids", CC_F_IDLIST, 0, 0, 20, NULL, 0},
};

/* ---- helpers ---------------------------------------------------------------------------- */

static const char *my_id(cc_req_t *q)
{
    return cc_id_str(q, q->user->id);
}

/* Validates the body; answers 400 and returns NULL on errors. Caller owns the object. */
static json_t *clean_body(cc_req_t *q, const cc_field_t *f, int n, int partial)
{
    json_t *errs = json_object();
    json_t *c = cc_fields_clean(q->pool, f, n, q->body, partial, errs);
    if (json_object_size(errs)) {
        json_decref(c);
        cc_validation(q, errs);
        return NULL;
    }
    json_decref(errs);
    return c;
}

/* {"key": "value"} as text (audit details). */
static const char *kv_json(cc_req_t *q, const char *key, const char *value)
{
    json_t *o = json_pack("{s:s}", key, value);
    const char *out = cc_json_dump(q->pool, o);
    json_decref(o);
    return out;
}

/* Checks every id of cleaned[field] with `st` (profile, ids) -> the ids that do not qualify.
 * Returns 1 when all are fine, 0 after answering (400 naming the first bad id, or a db error). */
static int ids_exist(cc_req_t *q, json_t *cleaned, const char *field, cc_stmt_id_t st,
                     const char *owner)
{
    json_t *list = json_object_get(cleaned, field);
    PGresult *res;
    if (!list || json_array_size(list) == 0)
        return 1;
    if (!cc_q(q, st, &res, owner, cc_fields_id_array(q->pool, list))) {
        cc_db_fail(q);
        return 0;
    }
    if (PQntuples(res) > 0) {
        cc_db_invalid(q, field,
                  apr_psprintf(q->pool, "Invalid pk \"%s\" - object does not exist.",
                               cc_val(q, res, 0, 0)));
        return 0;
    }
    return 1;
}

/* Sends the candidate/recruiter mail that says a decision was made. */
static int decision_mail(cc_req_t *q, const char *to, const char *first, const char *what,
                         int approved, const char *reason)
{
    const char *subject = apr_psprintf(q->pool, "Your CareChain %s was %s", what,
                                       approved ? "verified" : "not verified");
    const char *body;
    if (approved)
        body = apr_psprintf(q->pool,
                            "Hello %s,\n\nGood news: an administrator has verified your %s on "
                            "CareChain.\n\nSign in at %s/ to continue.\n",
                            first && *first ? first : "there", what, cc_base_url(q));
    else
        body = apr_psprintf(q->pool,
                            "Hello %s,\n\nAn administrator could not verify your %s on CareChain."
                            "\n\nReason: %s\n\nYou can correct the details and submit again at "
                            "%s/.\n",
                            first && *first ? first : "there", what, reason, cc_base_url(q));
    return cc_mail_queue(q, to, subject, body);
}

/* ---- candidate profile ------------------------------------------------------------------ */

/* Applies a cleaned candidate body to profile `pid` in the open transaction. 1 ok; 0 answered. */
static int candidate_apply(cc_req_t *q, const char *pid, json_t *c)
{
    PGresult *res;
    if (!ids_exist(q, c, "skills", CC_ST_candidate_skills_missing, pid)
        || !ids_exist(q, c, "qualifications", CC_ST_candidate_quals_missing, pid))
        return 0;
    if (!cc_q(q, CC_ST_candidate_update, &res, pid, cc_json_dump(q->pool, c))
        || (json_object_get(c, "skills")
            && !cc_q(q, CC_ST_candidate_skills_set, &res, pid,
                     cc_fields_id_array(q->pool, json_object_get(c, "skills"))))
        || (json_object_get(c, "qualifications")
            && !cc_q(q, CC_ST_candidate_quals_set, &res, pid,
                     cc_fields_id_array(q->pool, json_object_get(c, "qualifications"))))) {
        cc_db_fail(q);
        return 0;
    }
    return 1;
}

/* 1 when the date is not in the future (date_of_birth). */
static int date_in_past(json_t *c, const char *field)
{
    json_t *v = json_object_get(c, field);
    apr_time_exp_t now;
    char today[16];
    if (!json_is_string(v))
        return 1;
    apr_time_exp_gmt(&now, apr_time_now());
    apr_snprintf(today, sizeof(today), "%04d-%02d-%02d", now.tm_year + 1900, now.tm_mon + 1,
                 now.tm_mday);
    return strcmp(json_string_value(v), today) < 0;
}

static int candidate_write(cc_req_t *q, int partial, int create)
{
    json_t *c = clean_body(q, CANDIDATE_FIELDS, N(CANDIDATE_FIELDS), partial);
    PGresult *res;
    const char *pid, *out;
    int ok;
    if (!c)
        return OK;
    if (!date_in_past(c, "date_of_birth")) {
        json_decref(c);
        return cc_db_invalid(q, "date_of_birth", "Date of birth must be in the past.");
    }
    if (!cc_db_begin(q)) {
        json_decref(c);
        return cc_db_fail(q);
    }
    if (create) {
        if (!cc_q(q, CC_ST_candidate_create, &res, my_id(q))) {
            json_decref(c);
            return cc_db_fail(q);
        }
        if (PQntuples(res) == 0) {
            json_decref(c);
            return cc_db_invalid(q, "non_field_errors",
                             "A candidate profile already exists for this user; update it with "
                             "PUT or PATCH.");
        }
        pid = cc_val(q, res, 0, 0);
    }
    else {
        if (!cc_q(q, CC_ST_candidate_get, &res, my_id(q))) {
            json_decref(c);
            return cc_db_fail(q);
        }
        if (PQntuples(res) == 0) {
            json_decref(c);
            return cc_not_found(q);
        }
        pid = cc_val(q, res, 0, 0);
    }
    ok = candidate_apply(q, pid, c);
    json_decref(c);
    if (!ok)
        return OK;
    if (!cc_q(q, CC_ST_candidate_json, &res, pid))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, create ? HTTP_CREATED : HTTP_OK, out);
}

int cc_h_candidate_get(void *v)
{
    cc_req_t *q = v;
    PGresult *res;
    if (!cc_q(q, CC_ST_candidate_get, &res, my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 1));
}

int cc_h_candidate_post(void *v)
{
    return candidate_write(v, 1, 1);
}

int cc_h_candidate_put(void *v)
{
    return candidate_write(v, 0, 0);
}

int cc_h_candidate_patch(void *v)
{
    return candidate_write(v, 1, 0);
}

int cc_h_candidate_delete(void *v)
{
    cc_req_t *q = v;
    PGresult *res;
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_candidate_clear, &res, my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    if (!cc_q(q, CC_ST_candidate_clear_links, &res, cc_val(q, res, 0, 0)) || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_no_content(q);
}

/* ---- recruiter profile ------------------------------------------------------------------ */

static int recruiter_write(cc_req_t *q, int partial, int create)
{
    json_t *c = clean_body(q, RECRUITER_FIELDS, N(RECRUITER_FIELDS), partial);
    json_t *hosp;
    PGresult *res;
    if (!c)
        return OK;
    if (!cc_db_begin(q))
        goto dbfail;
    if (create) {
        if (!cc_q(q, CC_ST_recruiter_create, &res, my_id(q)))
            goto dbfail;
        if (PQntuples(res) == 0) {
            json_decref(c);
            return cc_db_invalid(q, "non_field_errors",
                             "A recruiter profile already exists for this user; update it with "
                             "PUT or PATCH.");
        }
    }
    hosp = json_object_get(c, "hospital");
    if (hosp && json_is_integer(hosp)) {
        const char *hid = cc_id_str(q, json_integer_value(hosp));
        if (!cc_q(q, CC_ST_hospital_exists, &res, hid))
            goto dbfail;
        if (PQntuples(res) == 0) {
            json_decref(c);
            return cc_db_invalid(q, "hospital",
                             apr_psprintf(q->pool, "Invalid pk \"%s\" - object does not exist.",
                                          hid));
        }
        if (!cc_q(q, CC_ST_recruiter_link, &res, my_id(q), hid))
            goto dbfail;
    }
    else if (hosp && !cc_q(q, CC_ST_recruiter_link, &res, my_id(q), NULL)) {
        goto dbfail;
    }
    if (!cc_q(q, CC_ST_recruiter_update, &res, my_id(q), cc_json_dump(q->pool, c)))
        goto dbfail;
    json_decref(c);
    if (!cc_q(q, CC_ST_recruiter_get, &res, my_id(q)) || PQntuples(res) == 0)
        return cc_db_fail(q);
    {
        const char *out = cc_val(q, res, 0, 1);
        if (!cc_db_commit(q))
            return cc_db_fail(q);
        return cc_json_text(q, create ? HTTP_CREATED : HTTP_OK, out);
    }
dbfail:
    json_decref(c);
    return cc_db_fail(q);
}

int cc_h_recruiter_get(void *v)
{
    cc_req_t *q = v;
    PGresult *res;
    if (!cc_q(q, CC_ST_recruiter_get, &res, my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 1));
}

int cc_h_recruiter_post(void *v)
{
    return recruiter_write(v, 1, 1);
}

int cc_h_recruiter_put(void *v)
{
    return recruiter_write(v, 0, 0);
}

int cc_h_recruiter_patch(void *v)
{
    return recruiter_write(v, 1, 0);
}

int cc_h_recruiter_delete(void *v)
{
    cc_req_t *q = v;
    PGresult *res;
    if (!cc_q(q, CC_ST_recruiter_clear, &res, my_id(q)))
        return cc_db_fail(q);
    if (!strcmp(PQcmdTuples(res), "0"))
        return cc_not_found(q);
    return cc_no_content(q);
}

/* ---- hospital --------------------------------------------------------------------------- */

/* The caller's hospital, locked. Returns 1 with the row in *res; 0 after answering (403 when
 * the caller may not change it; when it has no hospital, 404, or 400 non_field_errors with
 * `unlinked` when that is given). */
static int my_hospital_locked(cc_req_t *q, PGresult **res, const char *unlinked)
{
    if (!cc_q(q, CC_ST_hospital_of_recruiter_lock, res, my_id(q))) {
        cc_db_fail(q);
        return 0;
    }
    if (PQntuples(*res) == 0) {
        if (unlinked)
            cc_db_invalid(q, "non_field_errors", unlinked);
        else
            cc_not_found(q);
        return 0;
    }
    if (!cc_val_bool(*res, 0, 2)) {
        cc_db_rollback(q);
        cc_error(q, HTTP_FORBIDDEN, "permission_denied",
                 "Only the recruiter who created this hospital or a verified recruiter of it "
                 "may change it.");
        return 0;
    }
    return 1;
}

/* Answers with the caller's hospital and commits. */
static int hospital_json_answer(cc_req_t *q, int status)
{
    PGresult *res;
    const char *out;
    if (!cc_q(q, CC_ST_hospital_of_recruiter, &res, my_id(q)) || PQntuples(res) == 0)
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 1);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, status, out);
}

static int registration_taken(cc_req_t *q)
{
    return cc_db_invalid(q, "registration_number",
                     "hospital with this registration number already exists.");
}

int cc_h_hospital_get(void *v)
{
    cc_req_t *q = v;
    PGresult *res;
    if (!cc_q(q, CC_ST_hospital_of_recruiter, &res, my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 1));
}

int cc_h_hospital_post(void *v)
{
    cc_req_t *q = v;
    json_t *c = clean_body(q, HOSPITAL_FIELDS, N(HOSPITAL_FIELDS), 0);
    PGresult *res;
    const char *hid, *body;
    if (!c)
        return OK;
    body = cc_json_dump(q->pool, c);
    json_decref(c);
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_hospital_of_recruiter, &res, my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) > 0)
        return cc_db_invalid(q, "non_field_errors",
                         "You are already linked to a hospital; unlink it first (PATCH "
                         "recruiter/ with \"hospital\": null).");
    if (!cc_q(q, CC_ST_hospital_insert, &res, my_id(q), body)) {
        if (cc_db_unique_violation(q))
            return registration_taken(q);
        return cc_db_fail(q);
    }
    hid = cc_val(q, res, 0, 0);
    /* The creator's link is verified together with the hospital. */
    if (!cc_q(q, CC_ST_recruiter_link, &res, my_id(q), hid))
        return cc_db_fail(q);
    return hospital_json_answer(q, HTTP_CREATED);
}

/* Puts a hospital whose identity changed back into the admin queue. */
static int hospital_requeue(cc_req_t *q, const char *hid, const char *regno)
{
    PGresult *res;
    json_t *o = json_pack("{s:s, s:b}", "registration_number", regno, "resubmit", 1);
    const char *body = cc_json_dump(q->pool, o);
    json_decref(o);
    if (!cc_q(q, CC_ST_hospital_reverify, &res, hid)
        || !cc_q(q, CC_ST_verification_upsert_hospital, &res, hid, my_id(q), body)
        || !cc_q(q, CC_ST_verification_event, &res, cc_val(q, res, 0, 0), "pending", my_id(q),
                 "Name or registration number changed after verification."))
        return 0;
    return 1;
}

static int hospital_write(cc_req_t *q, int partial)
{
    json_t *c = clean_body(q, HOSPITAL_FIELDS, N(HOSPITAL_FIELDS), partial);
    json_t *name, *reg;
    PGresult *h, *res;
    const char *hid, *body, *regno;
    int changed;
    if (!c)
        return OK;
    name = json_object_get(c, "name");
    reg = json_object_get(c, "registration_number");
    body = cc_json_dump(q->pool, c);
    if (!cc_db_begin(q)) {
        json_decref(c);
        return cc_db_fail(q);
    }
    if (!my_hospital_locked(q, &h, NULL)) {
        json_decref(c);
        return OK;
    }
    hid = cc_val(q, h, 0, 0);
    changed = (name && strcmp(json_string_value(name), cc_val(q, h, 0, 3)) != 0)
              || (reg && strcmp(json_string_value(reg), cc_val(q, h, 0, 4)) != 0);
    regno = reg ? apr_pstrdup(q->pool, json_string_value(reg)) : cc_val(q, h, 0, 4);
    json_decref(c);
    if (!cc_q(q, CC_ST_hospital_update, &res, hid, body)) {
        if (cc_db_unique_violation(q))
            return registration_taken(q);
        return cc_db_fail(q);
    }
    if (changed && !strcmp(cc_val(q, h, 0, 1), "verified") && !hospital_requeue(q, hid, regno))
        return cc_db_fail(q);
    return hospital_json_answer(q, HTTP_OK);
}

int cc_h_hospital_put(void *v)
{
    return hospital_write(v, 0);
}

int cc_h_hospital_patch(void *v)
{
    return hospital_write(v, 1);
}

int cc_h_hospital_delete(void *v)
{
    cc_req_t *q = v;
    PGresult *h, *res;
    const char *hid;
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!my_hospital_locked(q, &h, NULL))
        return OK;
    hid = cc_val(q, h, 0, 0);
    if (!cc_q(q, CC_ST_hospital_has_jobs, &res, hid))
        return cc_db_fail(q);
    if (cc_val_bool(res, 0, 0))
        return cc_db_conflict(q, "hospital_has_jobs",
                        "This hospital has jobs and cannot be deleted.");
    if (!cc_q(q, CC_ST_hospital_delete, &res, hid)) {
        if (!strcmp(cc_db_sqlstate(q), "23503")) /* a job was posted meanwhile */
            return cc_db_conflict(q, "hospital_has_jobs",
                            "This hospital has jobs and cannot be deleted.");
        return cc_db_fail(q);
    }
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_no_content(q);
}

/* ---- verification: the subject's side --------------------------------------------------- */

/* Answers with the caller's verification record; `commit` ends the open transaction first. */
static int verification_view(cc_req_t *q, int status, int commit)
{
    PGresult *res;
    const char *out;
    if (q->user->role_bit == CC_ROLE_CANDIDATE) {
        if (!cc_q(q, CC_ST_verification_view_candidate, &res, my_id(q)))
            return cc_db_fail(q);
    }
    else {
        if (!cc_q(q, CC_ST_hospital_of_recruiter, &res, my_id(q)))
            return cc_db_fail(q);
        if (PQntuples(res) == 0)
            return cc_json_text(q, HTTP_OK,
                                "{\"subject\":\"hospital\",\"candidate_profile\":null,"
                                "\"hospital\":null,\"verification_status\":null,"
                                "\"verified_at\":null,\"rejection_reason\":null,"
                                "\"request\":null}");
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

int cc_h_verification_get(void *v)
{
    return verification_view(v, HTTP_OK, 0);
}

/* Submit (create=1) or update/resubmit (create=0) the caller's request. */
static int verification_submit(cc_req_t *q, int create)
{
    int cand = q->user->role_bit == CC_ROLE_CANDIDATE;
    const cc_field_t *f = cand ? CANDIDATE_VERIFICATION_FIELDS : HOSPITAL_VERIFICATION_FIELDS;
    json_t *c = clean_body(q, f, cand ? N(CANDIDATE_VERIFICATION_FIELDS)
                                      : N(HOSPITAL_VERIFICATION_FIELDS), 0);
    PGresult *s, *res;
    const char *subject, *status, *body, *req_status, *reason;
    if (!c)
        return OK;
    if (cand && json_is_string(json_object_get(c, "id_document_type"))
        && !json_is_string(json_object_get(c, "id_document_number"))) {
        json_decref(c);
        return cc_db_invalid(q, "id_document_number",
                         "This field is required when id_document_type is given.");
    }
    body = cc_json_dump(q->pool, c);
    if (!cc_db_begin(q))
        goto dbfail;
    if (!ids_exist(q, c, "document_ids", CC_ST_documents_not_owned, my_id(q))) {
        json_decref(c);
        return OK;
    }
    if (cand) {
        if (!cc_q(q, CC_ST_candidate_get, &s, my_id(q)))
            goto dbfail;
        if (PQntuples(s) == 0) {
            json_decref(c);
            return cc_not_found(q);
        }
        if (!cc_q(q, CC_ST_verification_candidate_lock, &s, cc_val(q, s, 0, 0)))
            goto dbfail;
    }
    else {
        if (!my_hospital_locked(q, &s, "Create or link a hospital before asking for its "
                                       "verification.")) {
            json_decref(c);
            return OK;
        }
        if (!cc_q(q, CC_ST_verification_hospital_lock, &s, cc_val(q, s, 0, 0)))
            goto dbfail;
    }
    subject = cc_val(q, s, 0, 0);
    status = cc_val(q, s, 0, 1);
    req_status = cc_val(q, s, 0, 3); /* NULL: nothing submitted yet */
    if (!strcmp(status, "verified")) {
        json_decref(c);
        return cc_db_conflict(q, "invalid_transition",
                        cand ? "This profile is already verified."
                             : "This hospital is already verified.");
    }
    if (create && req_status) {
        json_decref(c);
        return cc_db_invalid(q, "non_field_errors",
                         "A verification request was already submitted; update it with PUT.");
    }
    if (!create && !req_status) {
        json_decref(c);
        return cc_db_invalid(q, "non_field_errors",
                         "No verification request was submitted yet; submit one with POST.");
    }
    reason = !req_status ? "Submitted." : !strcmp(req_status, "rejected") ? "Resubmitted."
                                                                          : "Updated.";
    if (!cc_q(q, cand ? CC_ST_verification_upsert_candidate : CC_ST_verification_upsert_hospital, &res, subject,
              my_id(q), body)
        || !cc_q(q, CC_ST_verification_event, &res, cc_val(q, res, 0, 0), "pending", my_id(q), reason))
        goto dbfail;
    if (cand) {
        json_t *spec = json_object_get(c, "specialization");
        if (!cc_q(q, CC_ST_candidate_set_pending, &res, subject,
                  json_is_string(spec) ? json_string_value(spec) : NULL))
            goto dbfail;
    }
    else if (!cc_q(q, CC_ST_hospital_set_pending, &res, subject,
                   json_string_value(json_object_get(c, "registration_number")))) {
        json_decref(c);
        if (cc_db_unique_violation(q))
            return registration_taken(q);
        return cc_db_fail(q);
    }
    json_decref(c);
    return verification_view(q, create ? HTTP_CREATED : HTTP_OK, 1);
dbfail:
    json_decref(c);
    return cc_db_fail(q);
}

int cc_h_verification_post(void *v)
{
    return verification_submit(v, 1);
}

int cc_h_verification_put(void *v)
{
    return verification_submit(v, 0);
}

int cc_h_verification_status(void *v)
{
    cc_req_t *q = v;
    PGresult *res;
    cc_stmt_id_t st = q->user->role_bit == CC_ROLE_CANDIDATE   ? CC_ST_status_candidate
                      : q->user->role_bit == CC_ROLE_RECRUITER ? CC_ST_status_recruiter
                                                               : CC_ST_status_admin;
    if (!cc_q(q, st, &res, my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

/* ---- admin queues ----------------------------------------------------------------------- */

static const char *const QUEUE_ORDERING[] = {"submitted_at", "decided_at", "created_at", NULL};

static int queue(cc_req_t *q, cc_stmt_id_t st, const char *status, const char *dflt)
{
    cc_page_t pg;
    const char *ordering, *search;
    PGresult *res;
    apr_int64_t count = 0;
    int n;
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg)
        || !cc_query_ordering(q, QUEUE_ORDERING, dflt, &ordering))
        return OK;
    search = cc_query_text(q, "search");
    if (!cc_q(q, st, &res, status, search, ordering, apr_ltoa(q->pool, (long)pg.size),
              apr_ltoa(q->pool, (long)pg.offset)))
        return cc_db_fail(q);
    n = PQntuples(res);
    if (n)
        count = cc_val_int(res, 0, 0);
    /* no row on a page past the end: count 0, which cc_paginated answers as an invalid page */
    return cc_paginated(q, &pg, count, cc_rows_json_array(q, res, 1, 0, n));
}

int cc_h_queue_pending(void *v)
{
    return queue(v, CC_ST_queue_candidates, "pending", "submitted_at");
}

int cc_h_queue_verified(void *v)
{
    return queue(v, CC_ST_queue_candidates, "verified", "-decided_at");
}

int cc_h_queue_rejected(void *v)
{
    return queue(v, CC_ST_queue_candidates, "rejected", "-decided_at");
}

int cc_h_queue_hospitals_pending(void *v)
{
    return queue(v, CC_ST_queue_hospitals, "pending", "submitted_at");
}

int cc_h_queue_hospitals_verified(void *v)
{
    return queue(v, CC_ST_queue_hospitals, "verified", "-decided_at");
}

int cc_h_queue_hospitals_rejected(void *v)
{
    return queue(v, CC_ST_queue_hospitals, "rejected", "-decided_at");
}

/* ---- admin decisions -------------------------------------------------------------------- */

/* The subject id from the path, or from body[field]. 0 after answering 400. */
static apr_int64_t subject_id(cc_req_t *q, const char *field)
{
    json_t *v;
    cc_field_t f = {field, CC_F_ID, CC_FF_REQUIRED, 0, 0, NULL, 0};
    json_t *errs, *c;
    apr_int64_t id;
    if (q->nids > 0)
        return q->ids[0];
    errs = json_object();
    c = cc_fields_clean(q->pool, &f, 1, q->body, 0, errs);
    v = json_object_get(c, field);
    id = v ? json_integer_value(v) : 0;
    json_decref(c);
    if (json_object_size(errs)) {
        cc_validation(q, errs);
        return 0;
    }
    json_decref(errs);
    return id;
}

/* notes (approve, optional) or reason (reject, required), cleaned; NULL after answering 400
 * when *ok is 0. */
static const char *decision_text(cc_req_t *q, int approve, int *ok)
{
    cc_field_t f = {approve ? "notes" : "reason", CC_F_STR, approve ? 0 : CC_FF_REQUIRED, 0,
                    2000, NULL, 0};
    json_t *errs = json_object();
    json_t *c = cc_fields_clean(q->pool, &f, 1, q->body, 0, errs), *v;
    const char *out = NULL;
    *ok = json_object_size(errs) == 0;
    if (!*ok) {
        json_decref(c);
        cc_validation(q, errs);
        return NULL;
    }
    json_decref(errs);
    v = json_object_get(c, f.name);
    if (json_is_string(v))
        out = apr_pstrdup(q->pool, json_string_value(v));
    json_decref(c);
    return out;
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
        why = apr_psprintf(q->pool, approve ? "This %s was rejected; it must be resubmitted "
                                              "before it can be approved."
                                            : "This %s is already rejected.", what);
    if (!why)
        return 1;
    cc_db_conflict(q, "invalid_transition", why);
    return 0;
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
                        "The recruiter's hospital is not verified; verify the hospital first.");
    if (!cc_q(q, CC_ST_recruiter_decide, &res, id, new_status, my_id(q), approve ? NULL : text))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_notify(q, cc_val_int(s, 0, 1), "verification",
                   approve ? "Your recruiter account was verified"
                           : "Your recruiter account was not verified",
                   approve ? "You can now act for your hospital on CareChain."
                           : apr_pstrcat(q->pool, "Reason: ", text, NULL),
                   apr_psprintf(q->pool, "{\"recruiter_profile\":%s,\"verification_status\":"
                                "\"%s\"}", id, new_status))
        || !decision_mail(q, cc_val(q, s, 0, 2), cc_val(q, s, 0, 3), "recruiter account",
                          approve, text)
        || !cc_audit(q, approve ? "verification.recruiter.approve"
                                : "verification.recruiter.reject",
                     "recruiter_profile", rid, NULL)
        || !cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_json_text(q, HTTP_OK, out);
}

static int decide_candidate(cc_req_t *q, int approve)
{
    PGresult *s, *res;
    const char *text, *pid, *out, *new_status = approve ? "verified" : "rejected";
    apr_int64_t id;
    int ok;
    json_t *rid = q->nids == 0 ? json_object_get(q->body, "recruiter_profile_id") : NULL;
    text = decision_text(q, approve, &ok);
    if (!ok)
        return OK;
    if (rid && !json_object_get(q->body, "profile_id")) {
        if (!(id = subject_id(q, "recruiter_profile_id")))
            return OK;
        return decide_recruiter(q, id, approve, text);
    }
    if (!(id = subject_id(q, "profile_id")))
        return OK;
    pid = cc_id_str(q, id);
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_verification_candidate_lock, &s, pid))
        return cc_db_fail(q);
    if (PQntuples(s) == 0)
        return cc_not_found(q);
    if (!transition_ok(q, cc_val(q, s, 0, 1), cc_val(q, s, 0, 3), approve, "profile"))
        return OK;
    if (!cc_q(q, CC_ST_verification_decide, &res, cc_val(q, s, 0, 2), new_status, my_id(q),
              approve ? text : NULL, approve ? NULL : text)
        || !cc_q(q, CC_ST_verification_event, &res, cc_val(q, s, 0, 2), new_status, my_id(q),
                 text)
        || !cc_q(q, CC_ST_candidate_decide, &res, pid, new_status, my_id(q), approve ? NULL : text))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_notify(q, cc_val_int(s, 0, 4), "verification",
                   approve ? "Your profile was verified" : "Your profile was not verified",
                   approve ? "An administrator verified your candidate profile."
                           : apr_pstrcat(q->pool, "Reason: ", text, NULL),
                   apr_psprintf(q->pool, "{\"candidate_profile\":%s,\"verification_status\":"
                                "\"%s\"}", pid, new_status))
        || !decision_mail(q, cc_val(q, s, 0, 5), cc_val(q, s, 0, 6), "profile", approve, text)
        || !cc_audit(q, approve ? "verification.candidate.approve"
                                : "verification.candidate.reject",
                     "candidate_profile", id,
                     text ? kv_json(q, approve ? "notes" : "reason", text) : NULL)
        || !cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_json_text(q, HTTP_OK, out);
}

static int decide_hospital(cc_req_t *q, int approve)
{
    PGresult *s, *res, *rec;
    const char *text, *hid, *out, *new_status = approve ? "verified" : "rejected";
    apr_int64_t id;
    int ok, i;
    text = decision_text(q, approve, &ok);
    if (!ok || !(id = subject_id(q, "hospital_id")))
        return OK;
    hid = cc_id_str(q, id);
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_verification_hospital_lock, &s, hid))
        return cc_db_fail(q);
    if (PQntuples(s) == 0)
        return cc_not_found(q);
    if (!transition_ok(q, cc_val(q, s, 0, 1), cc_val(q, s, 0, 3), approve, "hospital"))
        return OK;
    if (!cc_q(q, CC_ST_verification_decide, &res, cc_val(q, s, 0, 2), new_status, my_id(q),
              approve ? text : NULL, approve ? NULL : text)
        || !cc_q(q, CC_ST_verification_event, &res, cc_val(q, s, 0, 2), new_status, my_id(q), text)
        || (approve && !cc_q(q, CC_ST_hospital_recruiters_verify, &rec, hid, my_id(q)))
        || !cc_q(q, CC_ST_hospital_decide, &res, hid, new_status, my_id(q), approve ? NULL : text)
        || !cc_q(q, CC_ST_hospital_recruiters, &rec, hid))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    for (i = 0; i < PQntuples(rec); i++) {
        const char *title = apr_psprintf(q->pool, "%s was %s", cc_val(q, s, 0, 4),
                                         approve ? "verified" : "not verified");
        if (!cc_notify(q, cc_val_int(rec, i, 0), "verification", title,
                       approve ? "An administrator verified your hospital."
                               : apr_pstrcat(q->pool, "Reason: ", text, NULL),
                       apr_psprintf(q->pool, "{\"hospital\":%s,\"verification_status\":\"%s\"}",
                                    hid, new_status))
            || !decision_mail(q, cc_val(q, rec, i, 1), cc_val(q, rec, i, 2), "hospital",
                              approve, text))
            return cc_db_fail(q);
    }
    if (!cc_audit(q, approve ? "verification.hospital.approve" : "verification.hospital.reject",
                  "hospital", id,
                  text ? kv_json(q, approve ? "notes" : "reason", text) : NULL)
        || !cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_json_text(q, HTTP_OK, out);
}

int cc_h_approve_verification(void *v)
{
    return decide_candidate(v, 1);
}

int cc_h_reject_verification(void *v)
{
    return decide_candidate(v, 0);
}

int cc_h_approve_hospital(void *v)
{
    return decide_hospital(v, 1);
}

int cc_h_reject_hospital(void *v)
{
    return decide_hospital(v, 0);
}

/* ---- detail views ----------------------------------------------------------------------- */

int cc_h_candidate_details(void *v)
{
    cc_req_t *q = v;
    PGresult *res;
    int admin = q->user->role_bit == CC_ROLE_ADMIN;
    if (!cc_q(q, CC_ST_candidate_details, &res, cc_id_str(q, q->ids[0]), admin ? "true" : "false",
              my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

int cc_h_hospital_details(void *v)
{
    cc_req_t *q = v;
    PGresult *res;
    int admin = q->user && q->user->role_bit == CC_ROLE_ADMIN;
    if (!cc_q(q, CC_ST_hospital_details, &res, cc_id_str(q, q->ids[0]), admin ? "true" : "false"))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_cacheable(q, cc_val(q, res, 0, 0));
}
