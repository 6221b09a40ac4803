/* /api/profiles/candidate/ and recruiter/: the caller's own role profile; candidate-details/:
 * a candidate as an admin or a recruiter may see it (CONTRACT §3). Hospitals are in
 * hospitals.c, the verification workflow in verification.c. */
#include "../services/services.h"
#include "handlers.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const GENDERS[] = {"male", "female", "other", "undisclosed", NULL};
static const char *const JOB_TYPES[] = {"full_time", "part_time", "contract", "temporary",
                                        "locum",     "per_diem",  NULL};

// clang-format off
static const cc_field_t CANDIDATE_FIELDS[] = {
    {"phone_number",        CC_F_PHONE,      0,             0, 20,   NULL,      0},
    {"date_of_birth",       CC_F_DATE,       0,             0, 0,    NULL,      0},
    {"gender",              CC_F_CHOICE,     0,             0, 0,    GENDERS,   0},
    {"address",             CC_F_STR,        CC_FF_TEXT,             0, 500,  NULL,      0},
    {"city",                CC_F_STR,        0,             0, 100,  NULL,      0},
    {"state",               CC_F_STR,        0,             0, 100,  NULL,      0},
    {"country",             CC_F_STR,        0,             0, 100,  NULL,      0},
    {"headline",            CC_F_STR,        0,             0, 200,  NULL,      0},
    {"summary",             CC_F_STR,        CC_FF_TEXT,             0, 5000, NULL,      0},
    {"years_of_experience", CC_F_INT,        0,             0, 70,   NULL,      0},
    {"specialization",      CC_F_STR,        0,             0, 200,  NULL,      0},
    {"skills",              CC_F_IDLIST,     0,             0, 100,  NULL,      0},
    {"qualifications",      CC_F_IDLIST,     0,             0, 50,   NULL,      0},
    {"certifications",      CC_F_STRLIST,    0,             0, 50,   NULL,      200},
    {"expected_salary",     CC_F_DECIMAL,    0,             0, 12,   NULL,      0},
    {"available_from",      CC_F_DATE,       0,             0, 0,    NULL,      0},
    {"preferred_job_types", CC_F_CHOICELIST, CC_FF_HYPHENS, 0, 6,    JOB_TYPES, 0},
    {"preferred_locations", CC_F_STRLIST,    0,             0, 20,   NULL,      100},
};

static const cc_field_t RECRUITER_FIELDS[] = {
    {"company_name",    CC_F_STR,   CC_FF_EMPTY, 0, 200, NULL, 0},
    {"designation",     CC_F_STR,   CC_FF_EMPTY, 0, 100, NULL, 0},
    {"phone_number",    CC_F_PHONE, CC_FF_EMPTY, 0, 20,  NULL, 0},
    {"company_address", CC_F_STR,   CC_FF_EMPTY | CC_FF_TEXT, 0, 500, NULL, 0},
    {"hospital",        CC_F_ID,    0,           0, 0,   NULL, 0},
};
// clang-format on

/* ---- candidate profile ------------------------------------------------------------------ */

/* Applies a cleaned candidate body to profile `pid` in the open transaction. 1 ok; 0 answered. */
static int candidate_apply(cc_req_t *q, const char *pid, json_t *c)
{
    PGresult *res;
    json_t *skills = json_object_get(c, "skills"), *quals = json_object_get(c, "qualifications");
    if (!cc_db_ids_exist(q, CC_ST_candidate_skills_missing, pid, c, "skills")
        || !cc_db_ids_exist(q, CC_ST_candidate_quals_missing, pid, c, "qualifications"))
        return 0;
    if (!cc_q(q, CC_ST_candidate_update, &res, pid, cc_json_dump(q->pool, c))
        || (skills
            && !cc_q(q, CC_ST_candidate_skills_set, &res, pid, cc_fields_id_array(q->pool, skills)))
        || (quals
            && !cc_q(q, CC_ST_candidate_quals_set, &res, pid,
                     cc_fields_id_array(q->pool, quals)))) {
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

/* POST creates the profile (every field optional), PUT and PATCH change it; PUT validates every
 * field as given, PATCH only those sent. */
int cc_h_candidate_write(cc_req_t *q)
{
    cc_write_kind_t kind = cc_write_kind(q);
    int create = kind == CC_CREATE;
    json_t *c = cc_body_clean(q, CANDIDATE_FIELDS, N(CANDIDATE_FIELDS), kind != CC_REPLACE);
    PGresult *res;
    const char *pid, *out;
    if (!c)
        return OK;
    if (!date_in_past(c, "date_of_birth"))
        return cc_db_invalid(q, "date_of_birth", "Date of birth must be in the past.");
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!cc_q(q, create ? CC_ST_candidate_create : CC_ST_candidate_get, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return create ? cc_db_invalid(q, "non_field_errors",
                                      "A candidate profile already exists for this user; update "
                                      "it with PUT or PATCH.")
                      : cc_not_found(q);
    pid = cc_val(q, res, 0, 0);
    if (!candidate_apply(q, pid, c))
        return OK;
    if (!cc_q(q, CC_ST_candidate_json, &res, pid))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, create ? HTTP_CREATED : HTTP_OK, out);
}

int cc_h_candidate_get(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_candidate_get, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 1));
}

int cc_h_candidate_delete(cc_req_t *q)
{
    PGresult *res;
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_candidate_clear, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    if (!cc_q(q, CC_ST_candidate_clear_links, &res, cc_val(q, res, 0, 0)) || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_no_content(q);
}

/* ---- recruiter profile ------------------------------------------------------------------ */

/* Links the caller to the hospital of cleaned["hospital"] (null unlinks). 1 when done (or
 * nothing to do); 0 after answering. */
static int recruiter_link(cc_req_t *q, json_t *c)
{
    json_t *hosp = json_object_get(c, "hospital");
    PGresult *res;
    const char *hid;
    if (!hosp)
        return 1;
    hid = json_is_integer(hosp) ? cc_id_str(q, json_integer_value(hosp)) : NULL;
    if (hid) {
        if (!cc_q(q, CC_ST_hospital_exists, &res, hid)) {
            cc_db_fail(q);
            return 0;
        }
        if (PQntuples(res) == 0) {
            cc_db_invalid(q, "hospital",
                          apr_psprintf(q->pool, "Invalid pk \"%s\" - object does not exist.", hid));
            return 0;
        }
    }
    if (!cc_q(q, CC_ST_recruiter_link, &res, cc_my_id(q), hid)) {
        cc_db_fail(q);
        return 0;
    }
    return 1;
}

/* POST creates the profile, PUT and PATCH change it (all fields optional alike). */
int cc_h_recruiter_write(cc_req_t *q)
{
    cc_write_kind_t kind = cc_write_kind(q);
    int create = kind == CC_CREATE;
    json_t *c = cc_body_clean(q, RECRUITER_FIELDS, N(RECRUITER_FIELDS), kind != CC_REPLACE);
    PGresult *res;
    const char *out;
    if (!c)
        return OK;
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (create) {
        if (!cc_q(q, CC_ST_recruiter_create, &res, cc_my_id(q)))
            return cc_db_fail(q);
        if (PQntuples(res) == 0)
            return cc_db_invalid(q, "non_field_errors",
                                 "A recruiter profile already exists for this user; update it "
                                 "with PUT or PATCH.");
    }
    else {
        /* no profile (created at registration, so only a broken account): 404 as on GET */
        if (!cc_q(q, CC_ST_recruiter_get, &res, cc_my_id(q)))
            return cc_db_fail(q);
        if (PQntuples(res) == 0)
            return cc_not_found(q);
    }
    if (!recruiter_link(q, c))
        return OK;
    if (!cc_q(q, CC_ST_recruiter_update, &res, cc_my_id(q), cc_json_dump(q->pool, c))
        || !cc_q(q, CC_ST_recruiter_get, &res, cc_my_id(q)) || PQntuples(res) == 0)
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 1);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, create ? HTTP_CREATED : HTTP_OK, out);
}

int cc_h_recruiter_get(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_recruiter_get, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 1));
}

int cc_h_recruiter_delete(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_recruiter_clear, &res, cc_my_id(q)))
        return cc_db_fail(q);
    if (!strcmp(PQcmdTuples(res), "0"))
        return cc_not_found(q);
    return cc_no_content(q);
}

/* ---- a candidate for an admin or a recruiter -------------------------------------------- */

int cc_h_candidate_details(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_candidate_details, &res, cc_id_str(q, q->ids[0]),
              cc_is_admin(q) ? "true" : "false", cc_my_id(q)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    /* an admin sees the identity document's number: the read is in the audit log first */
    if (cc_is_admin(q)) {
        PGresult *audit;
        const char *body = cc_val(q, res, 0, 0);
        if (!cc_q(q, CC_ST_audit_identity_read, &audit, cc_id_str(q, q->ids[0]), cc_my_id(q),
                  cc_request_id(q->r), cc_client_ip(q)))
            return cc_db_fail(q);
        return cc_json_text(q, HTTP_OK, body);
    }
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}
