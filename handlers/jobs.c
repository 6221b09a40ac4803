/* /api/jobs/: job postings and their search (CONTRACT §4). Verified recruiters of verified
 * hospitals post; the poster and admins edit; everyone reads active, unexpired jobs. Lists,
 * search/ and advanced-search/ share one filter reader and one statement (cc_job_page), which
 * answers the count and the page already rendered as JSON. */
#include <stdlib.h>
#include <apr_lib.h>
#include "handlers.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const JOB_TYPES[] = {"full_time", "part_time", "contract", "temporary",
                                        "locum",     "per_diem",  NULL};
static const char *const LEVELS[] = {"entry", "mid", "senior", "executive", NULL};
static const char *const PAY_UNITS[] = {"hourly", "daily",     "weekly", "monthly",
                                        "yearly", "per_shift", NULL};
static const char *const SHIFTS[] = {"day", "night", "rotating", "flexible", NULL};
static const char *const HOSPITAL_TYPES[] = {"public", "private",      "specialty",
                                             "clinic", "nursing_home", NULL};
static const char *const ORDERINGS[] = {"created_at", "salary_min", "salary_max",
                                        "start_date", "expires_at", NULL};
static const char *const SEARCH_ORDERINGS[] = {
    "rank", "created_at", "salary_min", "salary_max", "start_date", "expires_at", NULL};

static const cc_field_t JOB_FIELDS[] = {
    {"title", CC_F_STR, CC_FF_REQUIRED, 0, 200, NULL, 0},
    {"description", CC_F_STR, CC_FF_REQUIRED | CC_FF_TEXT, 0, 10000, NULL, 0},
    {"requirements", CC_F_STR, CC_FF_EMPTY | CC_FF_TEXT, 0, 10000, NULL, 0},
    {"department", CC_F_STR, 0, 0, 100, NULL, 0},
    {"location", CC_F_STR, 0, 0, 200, NULL, 0},
    {"city", CC_F_STR, 0, 0, 100, NULL, 0},
    {"state", CC_F_STR, 0, 0, 100, NULL, 0},
    {"job_type", CC_F_CHOICE, CC_FF_REQUIRED | CC_FF_HYPHENS, 0, 0, JOB_TYPES, 0},
    {"experience_level", CC_F_CHOICE, CC_FF_REQUIRED, 0, 0, LEVELS, 0},
    {"min_experience_years", CC_F_INT, 0, 0, 70, NULL, 0},
    {"salary_min", CC_F_DECIMAL, CC_FF_REQUIRED, 0, 12, NULL, 0},
    {"salary_max", CC_F_DECIMAL, CC_FF_REQUIRED, 0, 12, NULL, 0},
    {"salary_currency", CC_F_STR, 0, 0, 3, NULL, 0},
    {"pay_unit", CC_F_CHOICE, CC_FF_HYPHENS, 0, 0, PAY_UNITS, 0},
    {"skills", CC_F_IDLIST, 0, 0, 50, NULL, 0},
    {"qualifications", CC_F_IDLIST, 0, 0, 20, NULL, 0},
    {"shift", CC_F_CHOICE, 0, 0, 0, SHIFTS, 0},
    {"start_date", CC_F_DATE, 0, 0, 0, NULL, 0},
    {"end_date", CC_F_DATE, 0, 0, 0, NULL, 0},
    {"vacancies", CC_F_INT, 0, 1, 10000, NULL, 0},
    {"expires_at", CC_F_DATETIME, 0, 0, 0, NULL, 0},
    {"is_active", CC_F_BOOL, 0, 0, 0, NULL, 0},
    /* document types an applicant must hold unexpired (applications.c); duplicates dropped */
    {"required_documents", CC_F_CHOICELIST, 0, 0, 10, cc_document_types, 0},
};

/* Optional fields whose columns cannot hold NULL. */
static const char *const NOT_NULL[] = {
    "min_experience_years", "salary_currency", "pay_unit", "vacancies", "is_active", NULL};

/* List filters (the same names in a query string and in an advanced-search body). */
static const cc_field_t FILTER_FIELDS[] = {
    {"q", CC_F_STR, 0, 0, 500, NULL, 0},
    {"search", CC_F_STR, 0, 0, 500, NULL, 0},
    {"location", CC_F_STR, 0, 0, 200, NULL, 0},
    {"city", CC_F_STR, 0, 0, 100, NULL, 0},
    {"state", CC_F_STR, 0, 0, 100, NULL, 0},
    {"department", CC_F_STR, 0, 0, 100, NULL, 0},
    {"job_type", CC_F_CHOICELIST, CC_FF_HYPHENS, 0, 0, JOB_TYPES, 0},
    {"experience_level", CC_F_CHOICELIST, 0, 0, 0, LEVELS, 0},
    {"hospital_type", CC_F_CHOICELIST, CC_FF_HYPHENS, 0, 0, HOSPITAL_TYPES, 0},
    {"skills", CC_F_STRLIST, 0, 0, 20, NULL, 100},
    {"salary_min", CC_F_DECIMAL, 0, 0, 12, NULL, 0},
    {"salary_max", CC_F_DECIMAL, 0, 0, 12, NULL, 0},
    {"hospital", CC_F_ID, 0, 0, 0, NULL, 0},
    {"posted_after", CC_F_DATE, 0, 0, 0, NULL, 0},
    {"mine", CC_F_BOOL, 0, 0, 0, NULL, 0},
    {"is_active", CC_F_BOOL, 0, 0, 0, NULL, 0},
};

/* Filters that take a comma list in a query string (or a JSON list in a body). */
static const char *const LIST_FILTERS[] = {"job_type", "experience_level", "hospital_type",
                                           "skills", NULL};

/* ---- helpers ---------------------------------------------------------------------------- */

/* What a job reads, for the response cache: master data names, the job and its hospital, and
 * its applications (applications_count); a candidate's own fields read the candidate too. */
#define JOB_READS (CC_CV_CATALOG | CC_CV_JOBS | CC_CV_APPLICATIONS)

static int is_candidate(cc_req_t *q)
{
    return q->user && q->user->role_bit == CC_ROLE_CANDIDATE;
}

static int in_list(const char *const *list, const char *s)
{
    int i;
    for (i = 0; list[i]; i++)
        if (!strcmp(list[i], s))
            return 1;
    return 0;
}

/* ---- job bodies ------------------------------------------------------------------------- */

/* The text of cleaned[field], else of the stored value (partial updates), else NULL. */
static const char *merged(json_t *c, const char *field, const char *stored)
{
    json_t *v = json_object_get(c, field);
    if (v)
        return json_is_string(v) ? json_string_value(v) : NULL;
    return stored;
}

/* Validates a job body: fields, the columns that refuse null, the currency, and the ranges
 * against the stored values (`cur`: salary_min, salary_max, start_date, end_date; NULL on
 * create). Returns the cleaned object (pool-owned) or NULL after answering 400. */
static json_t *clean_job(cc_req_t *q, int partial, const char *const *cur)
{
    json_t *errs = cc_jobject(q), *c, *v;
    const char *lo, *hi;
    int i;
    c = cc_fields_clean(q->pool, JOB_FIELDS, N(JOB_FIELDS), q->body, partial, errs);
    for (i = 0; NOT_NULL[i]; i++)
        if (json_is_null(json_object_get(c, NOT_NULL[i]))) {
            cc_field_error(errs, NOT_NULL[i],
                           json_is_null(json_object_get(q->body, NOT_NULL[i]))
                               ? "This field may not be null."
                               : "This field may not be blank.");
            json_object_del(c, NOT_NULL[i]);
        }
    v = json_object_get(c, "salary_currency");
    if (json_is_string(v)) {
        char *s = apr_pstrdup(q->pool, json_string_value(v)), *p;
        int ok = strlen(s) == 3;
        for (p = s; *p; p++) {
            *p = apr_toupper(*p);
            ok = ok && *p >= 'A' && *p <= 'Z';
        }
        if (ok)
            json_object_set_new(c, "salary_currency", json_string(s));
        else
            cc_field_error(errs, "salary_currency", "Enter a three-letter ISO 4217 currency code.");
    }
    lo = merged(c, "salary_min", cur ? cur[0] : NULL);
    hi = merged(c, "salary_max", cur ? cur[1] : NULL);
    if (!json_object_get(errs, "salary_min") && !json_object_get(errs, "salary_max") && lo && hi
        && strtod(lo, NULL) > strtod(hi, NULL))
        cc_field_error(errs, "salary_max", "Must be greater than or equal to salary_min.");
    lo = merged(c, "start_date", cur ? cur[2] : NULL);
    hi = merged(c, "end_date", cur ? cur[3] : NULL);
    if (!json_object_get(errs, "start_date") && !json_object_get(errs, "end_date") && lo && hi
        && strcmp(lo, hi) > 0)
        cc_field_error(errs, "end_date", "Must be greater than or equal to start_date.");
    if (json_object_size(errs)) {
        cc_db_rollback(q);
        cc_validation(q, errs);
        return NULL;
    }
    return c;
}

/* Checks the skill and qualification ids of a cleaned body (active, or already on job `job`),
 * then links them. 1 when done; 0 after answering. */
static int check_links(cc_req_t *q, json_t *c, const char *job)
{
    return cc_db_ids_exist(q, CC_ST_job_skills_missing, job, c, "skills")
           && cc_db_ids_exist(q, CC_ST_job_quals_missing, job, c, "qualifications");
}

static int set_links(cc_req_t *q, json_t *c, const char *job)
{
    PGresult *res;
    json_t *s = json_object_get(c, "skills"), *x = json_object_get(c, "qualifications");
    return (!s || cc_q(q, CC_ST_job_skills_set, &res, job, cc_fields_id_array(q->pool, s)))
           && (!x || cc_q(q, CC_ST_job_quals_set, &res, job, cc_fields_id_array(q->pool, x)));
}

/* ---- create ----------------------------------------------------------------------------- */

int cc_h_job_create(cc_req_t *q)
{
    PGresult *res;
    const char *recruiter, *hospital, *job, *out;
    json_t *c;

    /* permission before validation, as DRF does */
    if (!cc_q(q, CC_ST_job_poster, &res, cc_id_str(q, q->user->id)))
        return cc_db_fail(q);
    if (PQntuples(res) == 0 || !cc_val(q, res, 0, 2))
        return cc_error(q, HTTP_FORBIDDEN, "hospital_not_verified",
                        "Link your recruiter profile to a verified hospital before posting "
                        "jobs.");
    if (strcmp(cc_val(q, res, 0, 3), "verified"))
        return cc_error(q, HTTP_FORBIDDEN, "hospital_not_verified",
                        "Your hospital must be verified before you can post jobs.");
    if (strcmp(cc_val(q, res, 0, 1), "verified"))
        return cc_error(q, HTTP_FORBIDDEN, "hospital_not_verified",
                        "Your link to this hospital must be verified before you can post "
                        "jobs.");
    recruiter = cc_val(q, res, 0, 0);
    hospital = cc_val(q, res, 0, 2);
    if (!(c = clean_job(q, 0, NULL)))
        return OK;
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!check_links(q, c, NULL))
        return OK;
    if (!cc_q(q, CC_ST_job_insert, &res, hospital, recruiter, cc_json_dump(q->pool, c)))
        return cc_db_fail(q);
    job = cc_val(q, res, 0, 0);
    if (!set_links(q, c, job))
        return cc_db_fail(q);
    /* the candidates it matches at >= 80 hear of it in the same transaction (CONTRACT §7) */
    if (!cc_q(q, CC_ST_job_notify_matches, &res, job) || !cc_q(q, CC_ST_job_json, &res, job))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_CREATED, out);
}

/* ---- read one --------------------------------------------------------------------------- */

int cc_h_job_get(cc_req_t *q)
{
    PGresult *res;
    cc_cached_t cache;
    const char *key, *text;
    apr_int64_t unused;
    int open, mine, hit;
    /* An open job is the same for every reader but a candidate (who gets its own fields), and
     * only open jobs are kept in the response cache: a hit is an open job. */
    key = is_candidate(q) ? apr_psprintf(q->pool, "job %" APR_INT64_T_FMT " %" APR_INT64_T_FMT,
                                         q->ids[0], q->user->id)
                          : apr_psprintf(q->pool, "job %" APR_INT64_T_FMT, q->ids[0]);
    if ((hit = cc_cached_get(q, key, is_candidate(q) ? JOB_READS | CC_CV_CANDIDATES : JOB_READS,
                             &cache, &unused, &text))
        < 0)
        return cc_db_fail(q);
    if (!hit) {
        if (!cc_q(q, CC_ST_job_get, &res, cc_id_str(q, q->ids[0]),
                  q->user ? cc_id_str(q, q->user->id) : NULL))
            return cc_db_fail(q);
        if (PQntuples(res) == 0)
            return cc_not_found(q);
        open = cc_val_bool(res, 0, 1);
        mine = cc_val_bool(res, 0, 2);
        if (!open && !mine && !cc_is_admin(q))
            return cc_not_found(q);
        text = cc_val(q, res, 0, 0);
        if (!open)
            return cc_json_text(q, HTTP_OK, text);
        cc_cached_put(&cache, 0, text);
    }
    /* the same bytes for every reader of an open job, except a candidate's own fields */
    if (!is_candidate(q))
        return cc_json_cacheable(q, text);
    return cc_json_text(q, HTTP_OK, text);
}

/* ---- update and delete ------------------------------------------------------------------ */

/* Locks the job for a write by the caller inside a new transaction. Returns the row (1) or
 * answers (404 / failure) and returns 0. */
static int lock_job(cc_req_t *q, const char *id, PGresult **res)
{
    if (!cc_db_begin(q)) {
        cc_db_fail(q);
        return 0;
    }
    if (!cc_q(q, CC_ST_job_lock, res, id, cc_is_admin(q) ? "true" : "false",
              cc_id_str(q, q->user->id))) {
        cc_db_fail(q);
        return 0;
    }
    if (PQntuples(*res) == 0) {
        cc_db_rollback(q);
        cc_not_found(q);
        return 0;
    }
    return 1;
}

/* Tells the applicants of a job that was open and is now closed. */
static int closed(cc_req_t *q, const char *id)
{
    PGresult *res;
    return cc_q(q, CC_ST_job_closed_notify, &res, id);
}

/* PUT validates the whole job, PATCH the fields sent; closing an open job tells its applicants. */
int cc_h_job_write(cc_req_t *q)
{
    int partial = cc_write_kind(q) == CC_UPDATE;
    const char *id = cc_id_str(q, q->ids[0]), *cur[4], *out;
    PGresult *res;
    json_t *c, *active;
    int was_active, i;

    if (!lock_job(q, id, &res))
        return OK;
    was_active = cc_val_bool(res, 0, 0);
    for (i = 0; i < 4; i++)
        cur[i] = cc_val(q, res, 0, 1 + i);
    if (!(c = clean_job(q, partial, cur)))
        return OK;
    if (!check_links(q, c, id))
        return OK;
    active = json_object_get(c, "is_active");
    if (!cc_q(q, CC_ST_job_update, &res, id, cc_json_dump(q->pool, c)) || !set_links(q, c, id)
        || (was_active && json_is_false(active) && !closed(q, id)))
        return cc_db_fail(q);
    /* an admin's edit of someone's job is an admin action */
    if (cc_is_admin(q)
        && !cc_audit(q, "jobs.update", "job", q->ids[0], cc_jpack_text(q, "{s:O}", "fields", c)))
        return cc_db_fail(q);
    if (!cc_q(q, CC_ST_job_json, &res, id))
        return cc_db_fail(q);
    out = cc_val(q, res, 0, 0);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, out);
}

/* A job with applications is closed instead of deleted: they are the candidates' history. */
int cc_h_job_delete(cc_req_t *q)
{
    const char *id = cc_id_str(q, q->ids[0]);
    PGresult *res;
    if (!lock_job(q, id, &res))
        return OK;
    if (cc_val_bool(res, 0, 5)) {
        if (cc_val_bool(res, 0, 0)
            && (!cc_q(q, CC_ST_job_update, &res, id, "{\"is_active\": false}") || !closed(q, id)))
            return cc_db_fail(q);
    }
    else if (!cc_q(q, CC_ST_job_delete, &res, id)) {
        return cc_db_fail(q);
    }
    if (cc_is_admin(q) && !cc_audit(q, "jobs.delete", "job", q->ids[0], NULL))
        return cc_db_fail(q);
    if (!cc_db_commit(q))
        return cc_db_fail(q);
    return cc_no_content(q);
}

/* ---- lists and search ------------------------------------------------------------------- */

/* A list filter given as "a,b" (query strings, or a string in a body) becomes a JSON list;
 * numbers in a body list (skill ids) become strings. Anything else is returned as it is (the
 * cleaning reports its type). */
static json_t *as_list(cc_req_t *q, json_t *v)
{
    json_t *out, *x;
    size_t i;
    if (json_is_string(v)) {
        char *copy = apr_pstrdup(q->pool, json_string_value(v)), *tok, *last = NULL;
        out = cc_jarray(q);
        for (tok = apr_strtok(copy, ",", &last); tok; tok = apr_strtok(NULL, ",", &last)) {
            tok = cc_trim(q->pool, tok);
            if (*tok)
                json_array_append_new(out, json_string(tok));
        }
        return out;
    }
    if (!json_is_array(v))
        return v;
    out = cc_jarray(q);
    json_array_foreach(v, i, x)
    {
        if (json_is_integer(x))
            json_array_append_new(out, json_string(cc_id_str(q, json_integer_value(x))));
        else
            json_array_append(out, x);
    }
    return out;
}

/* Reads the filters, ordering and page of a list or search from `src` (an object: the query
 * parameters as strings, or an advanced-search body) into the cc_job_page argument. Absent,
 * null and empty values are no filter. 1 when valid; else the answer (400, or 404 for a bad
 * page) was sent and 0. */
static int read_filters(cc_req_t *q, json_t *src, int ranked, json_t **out)
{
    json_t *in = cc_jobject(q), *errs = cc_jobject(q), *f, *v;
    const char *key, *ordering = NULL, *page = NULL, *size = NULL, *bad;
    const char *const *orderings = ranked ? SEARCH_ORDERINGS : ORDERINGS;
    cc_page_t pg;
    int i, mine = 0;

    json_object_foreach(src, key, v)
    {
        if (json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
            continue;
        json_object_set(in, key, in_list(LIST_FILTERS, key) ? as_list(q, v) : v);
    }
    f = cc_fields_clean(q->pool, FILTER_FIELDS, N(FILTER_FIELDS), in, 1, errs);
    /* blank text filters and empty lists filter nothing */
    for (i = 0; i < N(FILTER_FIELDS); i++) {
        v = json_object_get(f, FILTER_FIELDS[i].name);
        if (json_is_null(v) || (json_is_array(v) && !json_array_size(v)))
            json_object_del(f, FILTER_FIELDS[i].name);
    }
    if ((v = json_object_get(in, "ordering"))) {
        ordering = json_is_string(v) ? json_string_value(v) : "";
        for (i = 0; orderings[i]; i++)
            if (!strcmp(ordering, orderings[i])
                || (ordering[0] == '-' && !strcmp(ordering + 1, orderings[i])))
                break;
        if (!orderings[i])
            cc_field_error(errs, "ordering",
                           apr_psprintf(q->pool, "Invalid ordering \"%s\".",
                                        json_is_string(v) ? ordering : cc_json_dump(q->pool, v)));
    }
    if (json_object_size(errs)) {
        cc_validation(q, errs);
        return 0;
    }
    /* `search` is another name of `q` */
    if (!json_object_get(f, "q") && json_object_get(f, "search"))
        json_object_set(f, "q", json_object_get(f, "search"));
    json_object_del(f, "search");
    if (ordering)
        json_object_set_new(f, "ordering", json_string(ordering));
    else if (ranked && json_object_get(f, "q"))
        json_object_set_new(f, "ordering", json_string("-rank"));
    if (ranked)
        json_object_set_new(f, "ranked", json_true());

    /* page and page_size: numbers or numeric strings */
    for (i = 0; i < 2; i++) {
        const char **dst = i ? &size : &page;
        v = json_object_get(in, i ? "page_size" : "page");
        if (json_is_integer(v))
            *dst = apr_psprintf(q->pool, "%" APR_INT64_T_FMT, (apr_int64_t)json_integer_value(v));
        else if (json_is_string(v))
            *dst = apr_pstrdup(q->pool, json_string_value(v));
        else if (v)
            *dst = "x";
    }
    bad = cc_page_parse(page, size, CC_PAGE_SIZE_MAX, &pg);
    if (bad) {
        if (!strcmp(bad, "page"))
            cc_error(q, HTTP_NOT_FOUND, "not_found", "Invalid page.");
        else
            cc_db_invalid(q, bad, "A valid positive integer is required.");
        return 0;
    }
    json_object_set_new(f, "limit", json_integer(pg.size));
    json_object_set_new(f, "offset", json_integer(pg.offset));
    json_object_set_new(f, "page", json_integer(pg.page));

    /* who sees what: admins every job, a recruiter with mine=true its own, else the open ones */
    if (json_is_true(json_object_get(f, "mine")) && q->user
        && q->user->role_bit == CC_ROLE_RECRUITER)
        mine = 1;
    json_object_del(f, "mine");
    json_object_set_new(f, "scope", json_string(cc_is_admin(q) ? "all" : mine ? "mine" : "public"));
    if (q->user)
        json_object_set_new(f, "user", json_integer(q->user->id));
    *out = f;
    return 1;
}

/* Runs the page statement and answers; public answers that do not depend on the caller get an
 * ETag. Those are also what the response cache keeps (services/cached.c), keyed by the canonical
 * argument of the statement: every reader but a candidate gets the same bytes. */
static int answer_page(cc_req_t *q, json_t *f, int cacheable)
{
    PGresult *res;
    cc_page_t pg;
    cc_cached_t cache = {NULL, {0, 0, 0}};
    const char *arg, *bad, *results = NULL;
    apr_int64_t total = 0;
    int hit = 0;
    int pub = !strcmp(json_string_value(json_object_get(f, "scope")), "public");
    int shared = pub && !is_candidate(q);
    pg.page = json_integer_value(json_object_get(f, "page"));
    pg.size = json_integer_value(json_object_get(f, "limit"));
    pg.offset = json_integer_value(json_object_get(f, "offset"));
    if (shared)
        json_object_del(f, "user"); /* only a candidate's pages depend on the reader */
    /* keys sorted: the statement's argument is also the cache key, so equal filters must give
     * equal text whatever order they came in */
    {
        char *k = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
        arg = apr_pstrdup(q->pool, k ? k : "{}");
        free(k);
    }
    if (shared
        && (hit = cc_cached_get(q, apr_pstrcat(q->pool, "jobs ", arg, NULL), JOB_READS, &cache,
                                &total, &results))
               < 0)
        return cc_db_fail(q);
    if (!hit) {
        if (!cc_q(q, CC_ST_job_page, &res, arg))
            return cc_db_fail(q);
        if ((bad = cc_val(q, res, 0, 2)))
            return cc_db_invalid(q, "skills",
                                 apr_psprintf(q->pool,
                                              "Select a valid choice. %s is not one of "
                                              "the available choices.",
                                              bad));
        total = cc_val_int(res, 0, 0);
        results = cc_val(q, res, 0, 1);
        cc_cached_put(&cache, total, results);
    }
    if (cacheable && shared)
        return cc_paginated_cacheable(q, &pg, total, results);
    return cc_paginated(q, &pg, total, results);
}

/* The query parameters of the list as a JSON object of strings (the first value wins). */
static json_t *query_object(cc_req_t *q)
{
    static const char *const extra[] = {"ordering", "page", "page_size", NULL};
    json_t *o = cc_jobject(q);
    const char *val;
    int i;
    for (i = 0; i < N(FILTER_FIELDS); i++)
        if ((val = apr_table_get(q->query, FILTER_FIELDS[i].name)))
            json_object_set_new(o, FILTER_FIELDS[i].name, json_string(val));
    for (i = 0; extra[i]; i++)
        if ((val = apr_table_get(q->query, extra[i])))
            json_object_set_new(o, extra[i], json_string(val));
    return o;
}

/* search/ ranks by relevance where the list orders by date; its route's arg says so. */
struct cc_jobs_order {
    int ranked;
};

const struct cc_jobs_order cc_jobs_ranked = {1};

int cc_h_jobs_list(cc_req_t *q)
{
    const struct cc_jobs_order *order = q->route->arg;
    json_t *f;
    if (!read_filters(q, query_object(q), order && order->ranked, &f))
        return OK;
    return answer_page(q, f, 1);
}

/* A body's filter value as a query parameter's: lists joined with commas (as query strings
 * write them), numbers and booleans as their JSON text. NULL for what a query cannot say. */
static const char *query_value(cc_req_t *q, json_t *v)
{
    size_t i;
    json_t *x;
    const char *out = NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v))
        return cc_json_dump(q->pool, v);
    if (!json_is_array(v))
        return NULL;
    json_array_foreach(v, i, x)
    {
        const char *s = json_is_string(x) || json_is_integer(x) ? query_value(q, x) : NULL;
        if (!s)
            return NULL;
        out = out ? apr_pstrcat(q->pool, out, ",", s, NULL) : s;
    }
    return out ? out : "";
}

/* The filters, ordering and page size of an advanced-search body as the query string of the
 * same search by GET, for its next/previous links. */
static const char *body_as_query(cc_req_t *q)
{
    static const char *const extra[] = {"ordering", "page_size", NULL};
    const char *out = "";
    int i;
    for (i = 0; i < N(FILTER_FIELDS) + 2; i++) {
        const char *key =
            i < N(FILTER_FIELDS) ? FILTER_FIELDS[i].name : extra[i - N(FILTER_FIELDS)];
        const char *v = query_value(q, json_object_get(q->body, key));
        if (v && *v)
            out = apr_pstrcat(q->pool, out, *out ? "&" : "", key, "=",
                              ap_escape_urlencoded(q->pool, v), NULL);
    }
    return out;
}

/* POST with the filters in a JSON body, or GET with them in the query as search/ takes them:
 * the next and previous links of a POST are GET links that carry its filters, so following them
 * walks the same result list. */
int cc_h_jobs_advanced_search(cc_req_t *q)
{
    json_t *f;
    if (q->r->method_number != M_POST)
        return read_filters(q, query_object(q), 1, &f) ? answer_page(q, f, 1) : OK;
    if (!read_filters(q, q->body, 1, &f))
        return OK;
    q->link_query = body_as_query(q);
    return answer_page(q, f, 0);
}
