/* /api/masters/: skills, qualifications and locations (CONTRACT §10). Public reads with ETags,
 * admin writes recorded in the audit log. The three kinds differ only in their fields, filters
 * and statements, so one set of handlers serves all of them from a descriptor per kind. */
#include "../core/cc.h"
#include "../dbd/db.h"
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

typedef struct {
    const char *kind;              /* audit target_type and action "masters.<kind>.<verb>" */
    const char *prefix;            /* route pattern prefix */
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
} master_t;

static const char *const SKILL_CATEGORIES[] = {"clinical", "administrative", "technical", NULL};
static const char *const LEVELS[] = {"certificate", "diploma", "bachelor", "master", "doctorate",
                                     NULL};
static const char *const SKILL_ORDERINGS[] = {"name", "category", NULL};
static const char *const QUALIFICATION_ORDERINGS[] = {"name", "level", NULL};
static const char *const LOCATION_ORDERINGS[] = {"state", "city", NULL};

static const master_t MASTERS[] = {
    {.kind = "skill",
     .prefix = "masters/skills/",
     .fields = {{"name", CC_F_STR, CC_FF_REQUIRED, 0, 100, NULL, 0},
                {"category", CC_F_CHOICE, CC_FF_REQUIRED, 0, 0, SKILL_CATEGORIES, 0},
                {"description", CC_F_STR, CC_FF_EMPTY, 0, 1000, NULL, 0},
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
     .st_in_use = CC_ST_skill_in_use},
    {.kind = "qualification",
     .prefix = "masters/qualifications/",
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
     .st_in_use = CC_ST_qualification_in_use},
    {.kind = "location",
     .prefix = "masters/locations/",
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
     .st_in_use = -1},
};

/* The kind a route serves, from its pattern. */
static const master_t *master_of(cc_req_t *q)
{
    apr_size_t i;
    for (i = 0; i < sizeof(MASTERS) / sizeof(MASTERS[0]); i++)
        if (!strncmp(q->route->pattern, MASTERS[i].prefix, strlen(MASTERS[i].prefix)))
            return &MASTERS[i];
    return NULL;
}

/* ---- body validation -------------------------------------------------------------------- */

typedef enum { MODE_CREATE, MODE_PUT, MODE_PATCH } write_mode_t;

/* Validates the body into vals[NFIELDS] (SQL text; NULL keeps the stored value). 1 when valid;
 * else the 400 was sent and 0. */
static int read_fields(cc_req_t *q, const master_t *m, write_mode_t mode, const char **vals)
{
    json_t *errs = json_object(), *clean;
    int i;
    clean = cc_fields_clean(q->pool, m->fields, NFIELDS, q->body, mode == MODE_PATCH, errs);
    for (i = 0; i < NFIELDS; i++) {
        const char *name = m->fields[i].name;
        json_t *v = json_object_get(clean, name);
        vals[i] = NULL;
        if (!v) {
            /* absent: the default on create; PUT keeps an absent optional field, as DRF does */
            if (mode == MODE_CREATE)
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
    json_decref(clean);
    if (json_object_size(errs)) {
        cc_validation(q, errs);
        return 0;
    }
    json_decref(errs);
    return 1;
}

/* ---- answers ---------------------------------------------------------------------------- */

static int unique_violation(cc_req_t *q, const master_t *m)
{
    json_t *errs = json_object();
    cc_db_rollback(q);
    cc_field_error(errs, m->unique_field, m->unique_msg);
    return cc_validation(q, errs);
}

static int in_use(cc_req_t *q, const master_t *m)
{
    cc_db_rollback(q);
    return cc_error(q, HTTP_CONFLICT, "in_use",
                    apr_psprintf(q->pool, "This %s is in use and cannot be deleted; deactivate "
                                 "it instead (is_active=false).", m->kind));
}

static int audit(cc_req_t *q, const master_t *m, const char *verb, apr_int64_t id,
                 const char *before, const char *after)
{
    const char *details = apr_pstrcat(q->pool, "{", before ? "\"before\":" : "",
                                      before ? before : "", before && after ? "," : "",
                                      after ? "\"after\":" : "", after ? after : "", "}", NULL);
    return cc_audit(q, apr_pstrcat(q->pool, "masters.", m->kind, ".", verb, NULL), m->kind, id,
                    details);
}

/* ---- handlers --------------------------------------------------------------------------- */

int cc_h_master_list(void *v)
{
    cc_req_t *q = v;
    const master_t *m = master_of(q);
    const char *p[MAX_FILTERS + 5] = {NULL}, *ordering, *key, *results;
    apr_int64_t count = 0;
    PGresult *res;
    cc_page_t pg;
    cc_cached_t cache;
    int i, n = 0, active, rows, hit;

    if (!m)
        return cc_server_error(q);
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
    /* the same answer for every reader: kept in the response cache (dbd/cached.c) */
    key = apr_pstrcat(q->pool, "masters ", m->kind, NULL);
    for (i = 0; i < n; i++)
        key = apr_pstrcat(q->pool, key, p[i] ? " =" : " -", p[i] ? cc_json_quote(q->pool, p[i])
                          : "", NULL);
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

int cc_h_master_get(void *v)
{
    cc_req_t *q = v;
    const master_t *m = master_of(q);
    PGresult *res;
    if (!m)
        return cc_server_error(q);
    if (!cc_q(q, m->st_get, &res, cc_id_str(q, q->ids[0])))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    return cc_json_cacheable(q, cc_val(q, res, 0, 0));
}

int cc_h_master_create(void *v)
{
    cc_req_t *q = v;
    const master_t *m = master_of(q);
    const char *vals[NFIELDS], *json;
    apr_int64_t id;
    PGresult *res;

    if (!m)
        return cc_server_error(q);
    if (!read_fields(q, m, MODE_CREATE, vals))
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

static int update(cc_req_t *q, write_mode_t mode)
{
    const master_t *m = master_of(q);
    const char *vals[NFIELDS], *id = cc_id_str(q, q->ids[0]), *after;
    PGresult *res;

    if (!m)
        return cc_server_error(q);
    /* An unknown object is a 404 whatever the body holds, as in DRF. */
    if (!cc_q(q, m->st_get, &res, id))
        return cc_db_fail(q);
    if (PQntuples(res) == 0)
        return cc_not_found(q);
    if (!read_fields(q, m, mode, vals))
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

int cc_h_master_put(void *v)
{
    return update(v, MODE_PUT);
}

int cc_h_master_patch(void *v)
{
    return update(v, MODE_PATCH);
}

int cc_h_master_delete(void *v)
{
    cc_req_t *q = v;
    const master_t *m = master_of(q);
    const char *id = cc_id_str(q, q->ids[0]);
    PGresult *res;

    if (!m)
        return cc_server_error(q);
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
