/* GET /api/jobs/matches/ (CONTRACT §4 "Matching"): a candidate's open jobs ranked by match
 * score, or the candidates ranked for one job (?job=<id>) for its recruiter and for admins.
 * Scores, ranking and counts come from the database (cc_match_rank_jobs and
 * cc_match_rank_candidates in dbd/sql/matching.sql), computed from current data; a candidate's
 * pages are kept in the response cache, which answers only while nothing they read changed. */
#include "handlers.h"

/* ?min_score= as decimal text: "0" when absent. 0 when a 400 was sent. */
static int min_score(cc_req_t *q, const char **val)
{
    const char *v = apr_table_get(q->query, "min_score");
    const char *msg = NULL, *digits;
    apr_int64_t n = 0;
    *val = "0";
    if (!v)
        return 1;
    /* an optional sign and 1-9 digits, so the number cannot overflow */
    digits = v + (*v == '-' || *v == '+');
    if (!*digits || strlen(digits) > 9 || strspn(digits, "0123456789") != strlen(digits))
        msg = "A valid integer is required.";
    else {
        n = apr_atoi64(v);
        if (n < 0 || n > 100)
            msg = "Ensure this value is between 0 and 100.";
    }
    if (msg) {
        cc_invalid(q, "min_score", msg);
        return 0;
    }
    *val = apr_psprintf(q->pool, "%" APR_INT64_T_FMT, n);
    return 1;
}

/* The rows of a ranking statement (column 0 the total, column 1 the item JSON) as the JSON
 * array of the page; *total set. */
static const char *page_rows(cc_req_t *q, PGresult *res, apr_int64_t *total)
{
    int n = PQntuples(res);
    *total = n ? cc_val_int(res, 0, 0) : 0;
    return cc_rows_json_array(q, res, 1, 0, n);
}

int cc_h_matches(cc_req_t *q)
{
    const char *job, *min, *results;
    apr_int64_t total = 0;
    cc_page_t pg;
    PGresult *res;

    if (!min_score(q, &min))
        return OK;

    if (q->user->role_bit == CC_ROLE_CANDIDATE) {
        /* kept in the response cache per candidate and page (services/cached.c) */
        cc_cached_t cache;
        const char *key;
        int hit;
        if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg))
            return OK;
        key = apr_psprintf(q->pool,
                           "matches %" APR_INT64_T_FMT " %s %" APR_INT64_T_FMT " %" APR_INT64_T_FMT,
                           q->user->id, min, pg.size, pg.offset);
        /* a ranking reads master data, the open jobs and the candidate, never applications */
        if ((hit = cc_cached_get(q, key, CC_CV_CATALOG | CC_CV_JOBS | CC_CV_CANDIDATES, &cache,
                                 &total, &results))
            < 0)
            return cc_db_fail(q);
        if (!hit) {
            if (!cc_q(q, CC_ST_match_jobs_page, &res, cc_id_str(q, q->user->id), min,
                      cc_id_str(q, pg.size), cc_id_str(q, pg.offset)))
                return cc_db_fail(q);
            results = page_rows(q, res, &total);
            cc_cached_put(&cache, total, results);
        }
        return cc_paginated(q, &pg, total, results);
    }

    /* recruiters (their own jobs) and admins (any job) rank candidates for ?job= */
    if (!cc_query_id(q, "job", &job))
        return OK;
    if (!*job)
        return cc_invalid(q, "job", "This field is required.");
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg))
        return OK;
    if (!cc_q(q, CC_ST_match_job_visible, &res, job,
              q->user->role_bit == CC_ROLE_ADMIN ? NULL : cc_id_str(q, q->user->id)))
        return cc_db_fail(q);
    if (!PQntuples(res))
        return cc_not_found(q);
    if (!cc_q(q, CC_ST_match_candidates_page, &res, job, min, cc_id_str(q, pg.size),
              cc_id_str(q, pg.offset)))
        return cc_db_fail(q);
    results = page_rows(q, res, &total);
    return cc_paginated(q, &pg, total, results);
}
