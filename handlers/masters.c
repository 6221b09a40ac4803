/* /api/masters/: skills, qualifications and locations (CONTRACT §10). Public reads with ETags,
 * admin writes recorded in the audit log. The three kinds differ only in their fields, filters
 * and statements, so one set of handlers serves all of them from a descriptor per kind: the
 * route's arg. */
#include "handlers.h"

#define LIST_MAX_PAGE_SIZE 1000

/* ---- the three kinds -------------------------------------------------------------------- */

/* A query filter: exact match among `choices`, or free text (case-insensitive) when NULL. */
typedef struct {
    const char *name;
    const char *const *choices;
} filter_t;

#define NFIELDS 4 /* every kind has four writable fields, in statement order */
#define MAX_FILTERS 2

struct cc_master {
    const char *kind;              /* audit target_type and action "masters.<kind>.<verb>" */
    cc_field_t fields[NFIELDS];    /* validated by cc_fields_clean */
    const char *dflt[NFIELDS];     /* SQL value on create when absent (NULL: required) */
    unsigned nonnull;              /* bit i: optional field i may be neither null nor blank */
    filter_t filters[MAX_FILTERS]; /* statement parameters $2.. of the list */
    int nfilters;
    const char *const *orderings;
    const char *dflt_ordering;
    const char *unique_field; /* where a unique violation is reported */
    const char *unique_msg;
    cc_stmt_id_t st_list, st_get, st_insert, st_update, st_delete;
    int st_in_use; /* -1: nothing references this kind */
};
typedef struct cc_master master_t;

static const char *const SKILL_CATEGORIES[] = {"clinical", "administrative", "technical", NULL};
static const char *const LEVELS[] = {"certificate", "diploma",   "bachelor",
                                     "master",      "doctorate", NULL};
static const char *const SKILL_ORDERINGS[] = {"name", "category", NULL};
static const char *const QUALIFICATION_ORDERINGS[] = {"name", "level", NULL};
static const char *const LOCATION_ORDERINGS[] = {"state", "city", NULL};

const master_t cc_master_skills = {
    .kind = "skill",
    .fields = {{"name", CC_F_STR, CC_FF_REQUIRED, 0, 100, NULL, 0},
               {"category", CC_F_CHOICE, CC_FF_REQUIRED, 0, 0, SKILL_CATEGORIES, 0},
               {"description", CC_F_STR, CC_FF_EMPTY | CC_FF_TEXT, 0, 1000, NULL, 0},
               {"is_active", CC_F_BOOL, 0, 0, 0, NULL, 0}},
    .dflt = {NULL, NULL, "", "true"},
    .nonnull = 1u << 3,
    .filters = {{"category", SKILL_CATEGORIES}},
    .nfilters = 1,
    .orderings = SKILL_ORDERINGS,
    .dflt_ordering = "name",
    .unique_field = "name",
    .unique_msg = "skill with this name already exists.",
    .st_list = CC_ST_skill_list,
    .st_get = CC_ST_skill_get,
    .st_insert = CC_ST_skill_insert,
    .st_update = CC_ST_skill_update,
    .st_delete = CC_ST_skill_delete,
    .st_in_use = CC_ST_skill_in_use};

const master_t cc_master_qualifications = {
    .kind = "qualification",
    .fields = {{"name", CC_F_STR, CC_FF_REQUIRED, 0, 150, NULL, 0},
               {"level", CC_F_CHOICE, CC_FF_REQUIRED, 0, 0, LEVELS, 0},
               {"field", CC_F_STR, CC_FF_EMPTY, 0, 150, NULL, 0},
               {"is_active", CC_F_BOOL, 0, 0, 0, NULL, 0}},
    .dflt = {NULL, NULL, "", "true"},
    .nonnull = 1u << 3,
    /* `category` is accepted as another name of `level` (the contract's filter name) */
    .filters = {{"level", LEVELS}, {"category", LEVELS}},
    .nfilters = 2,
    .orderings = QUALIFICATION_ORDERINGS,
    .dflt_ordering = "name",
    .unique_field = "name",
    .unique_msg = "qualification with this name already exists.",
    .st_list = CC_ST_qualification_list,
    .st_get = CC_ST_qualification_get,
    .st_insert = CC_ST_qualification_insert,
    .st_update = CC_ST_qualification_update,
    .st_delete = CC_ST_qualification_delete,
    .st_in_use = CC_ST_qualification_in_use};

const master_t cc_master_locations = {
    .kind = "location",
    .fields = {{"city", CC_F_STR, CC_FF_REQUIRED, 0, 100, NULL, 0},
               {"state", CC_F_STR, CC_FF_REQUIRED, 0, 100, NULL, 0},
               {"country", CC_F_STR, 0, 0, 100, NULL, 0},
               {"is_active", CC_F_BOOL, 0, 0, 0, NULL, 0}},
    .dflt = {NULL, NULL, "India", "true"},
    .nonnull = 1u << 2 | 1u << 3,
    .filters = {{"state", NULL}, {"country", NULL}},
    .nfilters = 2,
    .orderings = LOCATION_ORDERINGS,
    .dflt_ordering = "state",
    .unique_field = "non_field_errors",
    .unique_msg = "The fields city, state, country must make a unique set.",
    .st_list = CC_ST_location_list,
    .st_get = CC_ST_location_get,
    .st_insert = CC_ST_location_insert,
    .st_update = CC_ST_location_update,
    .st_delete = CC_ST_location_delete,
    .st_in_use = -1};

/* ---- body validation -------------------------------------------------------------------- */

/* Validates the body into vals[NFIELDS] (SQL text; NULL keeps the stored value) for a create,
 * a PUT or a PATCH. 1 when valid; else the 400 was sent and 0. */
static int read_fields(cc_req_t *q, const master_t *m, cc_write_kind_t mode, const char **vals)
{
    json_t *errs = cc_jobject(q), *clean;
    int i;
    clean = cc_fields_clean(q->pool, m->fields, NFIELDS, q->body, mode == CC_UPDATE, errs);
    for (i = 0; i < NFIELDS; i++) {
        const char *name = m->fields[i].name;
        json_t *v = json_object_get(clean, name);
        vals[i] = NULL;
        if (!v) {
            /* absent: the default on create; PUT keeps an absent optional field, as DRF does */
            if (mode == CC_CREATE)
                vals[i] = m->dflt[i];
        }
        else if (json_is_null(v)) {
            /* cc_fields_clean lets an optional field be cleared; these columns cannot be */
            if ((m->nonnull >> i) & 1)
                cc_field_error(errs, name,
                               json_is_null(json_object_get(q->body, name))
                                   ? "This field may not be null."
                                   : "This field may not be blank.");
        }
        else if (json_is_boolean(v)) {
            vals[i] = json_is_true(v) ? "true" : "false";
        }
        else {
            vals[i] = apr_pstrdup(q->pool, json_string_value(v));
        }
    }
    if (json_object_size(errs)) {
        cc_validation(q, errs);
        return 0;
    }
    return 1;
}

/* ---- answers ---------------------------------------------------------------------------- */

static int unique_violation(cc_req_t *q, const master_t *m)
{
    return cc_db_invalid(q, m->unique_field, m->unique_msg);
}

static int in_use(cc_req_t *q, const master_t *m)
{
    cc_db_rollback(q);
    return cc_error(q, HTTP_CONFLICT, "in_use",
                    apr_psprintf(q->pool,
                                 "This %s is in use and cannot be deleted; deactivate "
                                 "it instead (is_active=false).",
                                 m->kind));
}

/* The audit record of a write: the entry before and after it (JSON texts; NULL: none). */
static int audit(cc_req_t *q, const master_t *m, const char *verb, apr_int64_t id,
                 const char *before, const char *after)
{
    cc_jtext_t details;
    cc_jtext_begin(&details, q->pool);
    if (before)
        cc_jtext_raw(&details, "before", before);
    if (after)
        cc_jtext_raw(&details, "after", after);
    return cc_audit(q, apr_pstrcat(q->pool, "masters.", m->kind, ".", verb, NULL), m->kind, id,
                    cc_jtext_end(&details));
}

/* ---- handlers --------------------------------------------------------------------------- */

int cc_h_master_list(cc_req_t *q)
{
    const master_t *m = q->route->arg;
    const char *p[MAX_FILTERS + 5] = {NULL}, *ordering, *key, *results;
    apr_int64_t count = 0;
    PGresult *res;
    cc_page_t pg;
    cc_cached_t cache;
    int i, n = 0, active, rows, hit;

    p[n++] = cc_query_text(q, "search");
    for (i = 0; i < m->nfilters; i++) {
        const filter_t *f = &m->filters[i];
        const char *val;
        if (f->choices) {
            if (!cc_query_choice(q, f->name, f->choices, &val))
                return OK;
        }
        else {
            val = cc_query_text(q, f->name);
        }
        p[n++] = val;
    }
    if (!cc_query_bool(q, "is_active", &active)
        || !cc_query_ordering(q, m->orderings, m->dflt_ordering, &ordering)
        || !cc_page_from_query(q, LIST_MAX_PAGE_SIZE, &pg))
        return OK;
    /* Active entries only unless is_active says otherwise (what pickers want). */
    p[n++] = active == 0 ? "false" : "true";
    p[n++] = ordering;
    p[n++] = apr_psprintf(q->pool, "%" APR_INT64_T_FMT, pg.size);
    p[n++] = apr_psprintf(q->pool, "%" APR_INT64_T_FMT, pg.offset);
    /* the same answer for every reader: kept in the response cache (services/cached.c) */
    key = apr_pstrcat(q->pool, "masters ", m->kind, NULL);
    for (i = 0; i < n; i++)
        key = apr_pstrcat(q->pool, key, p[i] ? " =" : " -",
                          p[i] ? cc_json_quote(q->pool, p[i]) : "", NULL);
    if ((hit = cc_cached_get(q, key, CC_CV_CATALOG, &cache, &count, &results)) < 0)
        return cc_db_fail(q);
    if (!hit) {
        if (!cc_q(q, m->st_list, &res, p[0], p[1], p[2], p[3], p[4], p[5], p[6]))
            return cc_db_fail(q);
        rows = PQntuples(res);
        if (rows)
            count = cc_val_int(res, 0, 0);
        results = cc_rows_json_array(q, res, 1, 0, rows);
        cc_cached_put(&cache, count, results);
    }
    return cc_paginated_cacheable(q, &pg, count, results);
}

int cc_h_master_get(cc_req_t *q)
{
    const master_t *m = q->route->arg;
    PGresult *res;
    if (!cc_q(q, m->st_get, &res, cc_id_str(q, q->ids[0])))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_cacheable(q, cc_val(q, res, 0, 0));
}

int cc_h_master_create(cc_req_t *q)
{
    const master_t *m = q->route->arg;
    const char *vals[NFIELDS], *json;
    apr_int64_t id;
    PGresult *res;

    if (!read_fields(q, m, CC_CREATE, vals))
        return OK;
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!cc_q(q, m->st_insert, &res, vals[0], vals[1], vals[2], vals[3]))
        return cc_db_unique_violation(q) ? unique_violation(q, m) : cc_db_fail(q);
    id = cc_val_int(res, 0, 0);
    json = cc_val(q, res, 0, 1);
    if (!audit(q, m, "create", id, NULL, json) || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_CREATED, json);
}

/* PUT (required fields must be given; absent optional ones are kept) or PATCH. */
int cc_h_master_write(cc_req_t *q)
{
    const master_t *m = q->route->arg;
    const char *vals[NFIELDS], *id = cc_id_str(q, q->ids[0]), *after;
    PGresult *res;

    /* An unknown object is a 404 whatever the body holds, as in DRF. */
    if (!cc_q(q, m->st_get, &res, id))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    if (!read_fields(q, m, cc_write_kind(q), vals))
        return OK;
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!cc_q(q, m->st_update, &res, id, vals[0], vals[1], vals[2], vals[3]))
        return cc_db_unique_violation(q) ? unique_violation(q, m) : cc_db_fail(q);
    if (PQntuples(res) == 0) { /* deleted meanwhile */
        cc_db_rollback(q);
        return cc_not_found(q);
    }
    after = cc_val(q, res, 0, 0);
    if (!audit(q, m, "update", q->ids[0], cc_val(q, res, 0, 1), after) || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, after);
}

int cc_h_master_delete(cc_req_t *q)
{
    const master_t *m = q->route->arg;
    const char *id = cc_id_str(q, q->ids[0]);
    PGresult *res;

    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (m->st_in_use >= 0) {
        if (!cc_q(q, (cc_stmt_id_t)m->st_in_use, &res, id))
            return cc_db_fail(q);
        if (cc_val_bool(res, 0, 0))
            return in_use(q, m);
    }
    if (!cc_q(q, m->st_delete, &res, id)) {
        /* a reference added after the check (ON DELETE RESTRICT) */
        if (!strcmp(cc_db_sqlstate(q), "23503"))
            return in_use(q, m);
        return cc_db_fail(q);
    }
    if (PQntuples(res) == 0) {
        cc_db_rollback(q);
        return cc_not_found(q);
    }
    if (!audit(q, m, "delete", q->ids[0], cc_val(q, res, 0, 0), NULL) || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_no_content(q);
}
