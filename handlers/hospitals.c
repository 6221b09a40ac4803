/* /api/profiles/hospital/: the hospital of the calling recruiter (create, change, delete), and
 * hospital-details/<id>/, a hospital as anyone may see it (CONTRACT §3). A recruiter that
 * creates a hospital is linked to it; the link and the hospital are verified together
 * (verification.c). */
#include "../services/services.h"
#include "handlers.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const HOSPITAL_TYPES[] = {"public", "private",      "specialty",
                                             "clinic", "nursing_home", NULL};

// clang-format off
static const cc_field_t HOSPITAL_FIELDS[] = {
    {"name",                CC_F_STR,    CC_FF_REQUIRED,                 0, 200,    NULL,           0},
    {"registration_number", CC_F_STR,    CC_FF_REQUIRED,                 0, 100,    NULL,           0},
    {"type",                CC_F_CHOICE, CC_FF_REQUIRED | CC_FF_HYPHENS, 0, 0,      HOSPITAL_TYPES, 0},
    {"address",             CC_F_STR,    CC_FF_TEXT,                              0, 500,    NULL,           0},
    {"city",                CC_F_STR,    0,                              0, 100,    NULL,           0},
    {"state",               CC_F_STR,    0,                              0, 100,    NULL,           0},
    {"country",             CC_F_STR,    0,                              0, 100,    NULL,           0},
    {"phone_number",        CC_F_PHONE,  0,                              0, 20,     NULL,           0},
    {"email",               CC_F_EMAIL,  0,                              0, 254,    NULL,           0},
    {"bed_capacity",        CC_F_INT,    0,                              0, 100000, NULL,           0},
    {"website",             CC_F_URL,    0,                              0, 200,    NULL,           0},
};
// clang-format on

/* ---- shared with verification.c --------------------------------------------------------- */

int cc_hospital_lock_mine(cc_req_t *q, PGresult **res, const char *unlinked)
{
    if (!cc_q(q, CC_ST_hospital_of_recruiter_lock, res, cc_my_id(q))) {
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

int cc_hospital_registration_taken(cc_req_t *q)
{
    return cc_db_invalid(q, "registration_number",
                         "hospital with this registration number already exists.");
}

/* ---- the caller's hospital -------------------------------------------------------------- */

/* Answers with the caller's hospital and commits. */
static int hospital_answer(cc_req_t *q, int status)
{
    PGresult *res;
    const char *out;
    if (!cc_q(q, CC_ST_hospital_of_recruiter, &res, cc_my_id(q)) || PQntuples(res) == 0)
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 1);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, status, out);
}

int cc_h_hospital_get(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_hospital_of_recruiter, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 1));
}

int cc_h_hospital_create(cc_req_t *q)
{
    json_t *c = cc_body_clean(q, HOSPITAL_FIELDS, N(HOSPITAL_FIELDS), 0);
    PGresult *res;
    const char *hid;
    if (!c)
        return OK;
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_hospital_of_recruiter, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) > 0)
        return cc_db_invalid(q, "non_field_errors",
                             "You are already linked to a hospital; unlink it first (PATCH "
                             "recruiter/ with \"hospital\": null).");
    if (!cc_q(q, CC_ST_hospital_insert, &res, cc_my_id(q), cc_json_dump(q->pool, c)))
        return cc_db_unique_violation(q) ? cc_hospital_registration_taken(q) : cc_db_fail(q);
    hid = cc_val(q, res, 0, 0);
    /* The creator's link is verified together with the hospital. */
    if (!cc_q(q, CC_ST_recruiter_link, &res, cc_my_id(q), hid))
        return cc_db_fail(q);
    return hospital_answer(q, HTTP_CREATED);
}

/* Puts a hospital whose identity changed back into the admin queue. */
static int hospital_requeue(cc_req_t *q, const char *hid, const char *regno)
{
    PGresult *res;
    const char *body = cc_jpack_text(q, "{s:s, s:b}", "registration_number", regno, "resubmit", 1);
    return cc_q(q, CC_ST_hospital_reverify, &res, hid)
           && cc_q(q, CC_ST_verification_upsert_hospital, &res, hid, cc_my_id(q), body)
           && cc_q(q, CC_ST_verification_event, &res, cc_val(q, res, 0, 0), "pending", cc_my_id(q),
                   "Name or registration number changed after verification.");
}

/* PUT (every required field) or PATCH (the fields sent). A verified hospital whose name or
 * registration number changes goes back to the admin queue. */
int cc_h_hospital_write(cc_req_t *q)
{
    json_t *c =
        cc_body_clean(q, HOSPITAL_FIELDS, N(HOSPITAL_FIELDS), cc_write_kind(q) == CC_UPDATE);
    json_t *name, *reg;
    PGresult *h, *res;
    const char *hid, *regno;
    int changed;
    if (!c)
        return OK;
    name = json_object_get(c, "name");
    reg = json_object_get(c, "registration_number");
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!cc_hospital_lock_mine(q, &h, NULL))
        return OK;
    hid = cc_val(q, h, 0, 0);
    changed = (name && strcmp(json_string_value(name), cc_val(q, h, 0, 3)) != 0)
              || (reg && strcmp(json_string_value(reg), cc_val(q, h, 0, 4)) != 0);
    regno = reg ? json_string_value(reg) : cc_val(q, h, 0, 4);
    if (!cc_q(q, CC_ST_hospital_update, &res, hid, cc_json_dump(q->pool, c)))
        return cc_db_unique_violation(q) ? cc_hospital_registration_taken(q) : cc_db_fail(q);
    if (changed && !strcmp(cc_val(q, h, 0, 1), "verified") && !hospital_requeue(q, hid, regno))
        return cc_db_fail(q);
    return hospital_answer(q, HTTP_OK);
}

int cc_h_hospital_delete(cc_req_t *q)
{
    PGresult *h, *res;
    const char *hid;
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!cc_hospital_lock_mine(q, &h, NULL))
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

/* The recruiters linked to the caller's hospital, for its members (the creator and accepted
 * recruiters), who accept or refuse the links that wait (verification.c). */
int cc_h_hospital_recruiters(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_hospital_recruiters_of_member, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 1)
        return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
    if (!cc_q(q, CC_ST_hospital_of_recruiter, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_error(q, HTTP_FORBIDDEN, "permission_denied",
                    "Only the recruiter who created this hospital or a verified recruiter of it "
                    "may see its recruiters.");
}

/* ---- any hospital, as anyone may see it ------------------------------------------------- */

int cc_h_hospital_details(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_hospital_details, &res, cc_id_str(q, q->ids[0]),
              cc_is_admin(q) ? "true" : "false"))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_cacheable(q, cc_val(q, res, 0, 0));
}
