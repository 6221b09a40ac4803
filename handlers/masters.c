/* /api/masters/: skills, qualifications and locations (CONTRACT §10). Public reads with ETags,
 * admin writes recorded in the audit log. The three kinds differ only in their fields, filters
 * and statements, so one set of handlers serves all of them from a descriptor per kind. */
#include "../core/cc.h"
#include "../dbd/db.h"
#include "handlers.h"

#define LIST_MAX_PAGE_SIZE 1000

/* ---- the three kinds -------------------------------------------------------------------- */

typedef enum { F_TEXT, F_CHOICE, F_BOOL } field_type_t;

typedef struct {
    const char *name;
    field_type_t type;
    int required;
    int allow_blank;
    apr_size_t max_len;         /* characters; F_TEXT */
    const char *const *choices; /* F_CHOICE */
    const char *dflt;           /* value on create when absent (optional fields) */
} field_t;

/* A query filter: exact match among `choices`, or free text (case-insensitive) when NULL. */
typedef struct {
    const char *name;
    const char *const *choices;
} filter_t;

#define NFIELDS 4 /* every kind has four writable fields, in statement order */
#define MAX_FILTERS 2

typedef struct {
    const char *kind;   /* audit target_type and action "masters.<kind>.<verb>" */
    const char *prefix; /* route pattern prefix */
    field_t fields[NFIELDS];
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
    {"skill", "masters/skills/",
     {{"name", F_TEXT, 1, 0, 100, NULL, NULL},
      {"category", F_CHOICE, 1, 0, 0, SKILL_CATEGORIES, NULL},
      {"description", F_TEXT, 0, 1, 1000, NULL, ""},
      {"is_active", F_BOOL, 0, 0, 0, NULL, "true"}},
     {{"category", SKILL_CATEGORIES}}, 1,
     SKILL_ORDERINGS, "name", "name", "skill with this name already exists.",
     CC_ST_SKILL_LIST, CC_ST_SKILL_GET, CC_ST_SKILL_INSERT, CC_ST_SKILL_UPDATE,
     CC_ST_SKILL_DELETE, CC_ST_SKILL_IN_USE},
    {"qualification", "masters/qualifications/",
     {{"name", F_TEXT, 1, 0, 150, NULL, NULL},
      {"level", F_CHOICE, 1, 0, 0, LEVELS, NULL},
      {"field", F_TEXT, 0, 1, 150, NULL, ""},
      {"is_active", F_BOOL, 0, 0, 0, NULL, "true"}},
     /* `category` is accepted as another name of `level` (the contract's filter name) */
     {{"level", LEVELS}, {"category", LEVELS}}, 2,
     QUALIFICATION_ORDERINGS, "name", "name", "qualification with this name already exists.",
     CC_ST_QUALIFICATION_LIST, CC_ST_QUALIFICATION_GET, CC_ST_QUALIFICATION_INSERT,
     CC_ST_QUALIFICATION_UPDATE, CC_ST_QUALIFICATION_DELETE, CC_ST_QUALIFICATION_IN_USE},
    {"location", "masters/locations/",
     {{"city", F_TEXT, 1, 0, 100, NULL, NULL},
      {"state", F_TEXT, 1, 0, 100, NULL, NULL},
      {"country", F_TEXT, 0, 0, 100, NULL, "India"},
      {"is_active", F_BOOL, 0, 0, 0, NULL, "true"}},
     {{"state", NULL}, {"country", NULL}}, 2,
     LOCATION_ORDERINGS, "state", "non_field_errors",
     "The fields city, state, country must make a unique set.",
     CC_ST_LOCATION_LIST, CC_ST_LOCATION_GET, CC_ST_LOCATION_INSERT, CC_ST_LOCATION_UPDATE,
     CC_ST_LOCATION_DELETE, -1},
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

static apr_size_t utf8_len(const char *s)
{
    apr_size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* DRF's BooleanField: these spellings, the numbers 1/0 and JSON booleans. */
static int parse_bool(json_t *v, int *out)
{
    static const char *const yes[] = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True",
                                      "TRUE", "on", "On", "ON", "1", NULL};
    static const char *const no[] = {"f", "F", "n", "N", "no", "No", "NO", "false", "False",
                                     "FALSE", "off", "Off", "OFF", "0", NULL};
    int i;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 1;
    }
    if (json_is_integer(v) || json_is_real(v)) {
        double d = json_number_value(v);
        if (d == 1 || d == 0) {
            *out = d == 1;
            return 1;
        }
        return 0;
    }
    if (!json_is_string(v))
        return 0;
    for (i = 0; yes[i]; i++)
        if (!strcmp(json_string_value(v), yes[i])) {
            *out = 1;
            return 1;
        }
    for (i = 0; no[i]; i++)
        if (!strcmp(json_string_value(v), no[i])) {
            *out = 0;
            return 1;
        }
    return 0;
}

/* The text DRF's ChoiceField compares (str() of the value). */
static const char *choice_text(cc_req_t *q, json_t *v)
{
    char *s;
    const char *out;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_true(v))
        return "True";
    if (json_is_false(v))
        return "False";
    s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    out = apr_pstrdup(q->pool, s ? s : "");
    free(s);
    return out;
}

/* One field of the body: its SQL value (NULL = keep the stored one / absent), errors into errs. */
static const char *field_value(cc_req_t *q, json_t *errs, const field_t *f, write_mode_t mode)
{
    json_t *v = json_object_get(q->body, f->name);
    if (!v) {
        if (mode == MODE_PATCH)
            return NULL;
        if (f->required) {
            cc_field_error(errs, f->name, "This field is required.");
            return NULL;
        }
        /* PUT keeps an absent optional field, as DRF does */
        return mode == MODE_CREATE ? f->dflt : NULL;
    }
    if (json_is_null(v)) {
        cc_field_error(errs, f->name, "This field may not be null.");
        return NULL;
    }
    switch (f->type) {
    case F_TEXT: {
        const char *s;
        if (f->required)
            return cc_body_required(q, errs, f->name, f->max_len);
        s = cc_body_str(q, errs, f->name, NULL);
        if (!s)
            return NULL;
        if (!*s && !f->allow_blank) {
            cc_field_error(errs, f->name, "This field may not be blank.");
            return NULL;
        }
        if (f->max_len && utf8_len(s) > f->max_len) {
            cc_field_error(errs, f->name,
                           apr_psprintf(q->pool,
                                        "Ensure this field has no more than %lu characters.",
                                        (unsigned long)f->max_len));
            return NULL;
        }
        return s;
    }
    case F_CHOICE: {
        const char *s = choice_text(q, v);
        int i;
        for (i = 0; f->choices[i]; i++)
            if (!strcmp(s, f->choices[i]))
                return f->choices[i];
        cc_field_error(errs, f->name,
                       apr_psprintf(q->pool, "\"%s\" is not a valid choice.", s));
        return NULL;
    }
    case F_BOOL: {
        int b;
        if (!parse_bool(v, &b)) {
            cc_field_error(errs, f->name, "Must be a valid boolean.");
            return NULL;
        }
        return b ? "true" : "false";
    }
    }
    return NULL;
}

/* Validates the body into vals[NFIELDS]. 1 when valid; else the 400 was sent and 0. */
static int read_fields(cc_req_t *q, const master_t *m, write_mode_t mode, const char **vals)
{
    json_t *errs = json_object();
    int i;
    for (i = 0; i < NFIELDS; i++)
        vals[i] = field_value(q, errs, &m->fields[i], mode);
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
    const char *p[MAX_FILTERS + 5] = {NULL}, *search, *ordering;
    apr_array_header_t *items;
    apr_int64_t count = 0;
    PGresult *res;
    cc_page_t pg;
    int i, n = 0, active, rows;

    if (!m)
        return cc_server_error(q);
    search = apr_table_get(q->query, "search");
    search = search ? cc_trim(q->pool, search) : NULL;
    p[n++] = search && *search ? search : NULL;
    for (i = 0; i < m->nfilters; i++) {
        const filter_t *f = &m->filters[i];
        const char *val;
        if (f->choices) {
            if (!cc_query_choice(q, f->name, f->choices, &val))
                return OK;
        }
        else {
            val = apr_table_get(q->query, f->name);
            val = val ? cc_trim(q->pool, val) : NULL;
            if (val && !*val)
                val = NULL;
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
    if (!cc_q(q, m->st_list, &res, p[0], p[1], p[2], p[3], p[4], p[5], p[6]))
        return cc_db_fail(q);
    rows = PQntuples(res);
    items = apr_array_make(q->pool, rows ? rows : 1, sizeof(const char *));
    for (i = 0; i < rows; i++)
        APR_ARRAY_PUSH(items, const char *) = cc_val(q, res, i, 1);
    if (rows)
        count = cc_val_int(res, 0, 0);
    return cc_paginated_cacheable(q, &pg, count,
                                  apr_pstrcat(q->pool, "[", apr_array_pstrcat(q->pool, items, ','),
                                              "]", NULL));
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
