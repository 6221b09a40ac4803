/* /api/admin/ (CONTRACT §5; decisions in docs/API.md "Admin"): the users an admin manages,
 * dashboard-stats/, recent-activity/ and audit-log/. Analytics are in analytics.c.
 *
 * Users: an admin edits first_name, last_name, is_active and is_verified (role, email and
 * password never); deactivating (DELETE, deactivate/, or is_active false) bumps the user's
 * token_version (every access token dies at once) and revokes its refresh tokens; an admin
 * never deactivates itself, and the last active admin is never deactivated (the active admins
 * are locked first, so two admins deactivating each other cannot both pass). POST users/
 * creates a user of any role without a password and mails a single-use invitation to choose one
 * (accounts/set-password/). Every change is in the audit log, in its transaction. */
#include "../core/cursor.h"
#include "../core/validate.h"
#include "handlers.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define NAME_MAX_LEN 150
#define INVITE_TTL (72 * 3600)

static const char *const ROLES[] = {"candidate", "recruiter", "admin", NULL};
static const char *const USER_ORDERING[] = {"date_joined", "last_login", "email", NULL};
static const char *const ACTIVITY_TYPES[] = {
    "registration", "job_posted",   "application", "status_change",
    "verification", "admin_action", NULL};

// clang-format off
static const cc_field_t EDIT_FIELDS[] = {
    {"first_name",  CC_F_STR,  CC_FF_REQUIRED, 0, NAME_MAX_LEN, NULL, 0},
    {"last_name",   CC_F_STR,  CC_FF_REQUIRED, 0, NAME_MAX_LEN, NULL, 0},
    {"is_active",   CC_F_BOOL, CC_FF_REQUIRED, 0, 0,            NULL, 0},
    {"is_verified", CC_F_BOOL, CC_FF_REQUIRED, 0, 0,            NULL, 0},
};
static const cc_field_t CREATE_FIELDS[] = {
    {"email",       CC_F_EMAIL,  CC_FF_REQUIRED, 0, 254,          NULL,  0},
    {"first_name",  CC_F_STR,    CC_FF_REQUIRED, 0, NAME_MAX_LEN, NULL,  0},
    {"last_name",   CC_F_STR,    CC_FF_REQUIRED, 0, NAME_MAX_LEN, NULL,  0},
    {"role",        CC_F_CHOICE, CC_FF_REQUIRED, 0, 0,            ROLES, 0},
};
// clang-format on

/* ---- helpers ---------------------------------------------------------------------------- */

/* "true"/"false" of cleaned[name], or NULL when absent. */
static const char *bool_of(json_t *c, const char *name)
{
    json_t *v = json_object_get(c, name);
    return json_is_boolean(v) ? (json_is_true(v) ? "true" : "false") : NULL;
}

static const char *str_of(json_t *c, const char *name)
{
    json_t *v = json_object_get(c, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ?name= as a date (a UTC day) or an ISO-8601 datetime (naive = UTC), as text SQL reads with
 * cc_admin_bound (a naive one gets its "Z"). NULL when absent. 0 after answering 400. */
static int query_when(cc_req_t *q, const char *name, const char **out)
{
    const char *v = cc_query_text(q, name);
    int naive = 0;
    *out = NULL;
    if (!v)
        return 1;
    if (cc_date_valid(v)) {
        *out = v;
        return 1;
    }
    if (strlen(v) > 10 && cc_datetime_valid(v, &naive)) {
        *out = naive ? apr_pstrcat(q->pool, v, "Z", NULL) : v;
        return 1;
    }
    cc_invalid(
        q, name,
        "Enter a date (YYYY-MM-DD) or a datetime (YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|Z]).");
    return 0;
}

/* The user's JSON text in the open transaction (or outside one). */
static const char *user_json(cc_req_t *q, const char *uid)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_user_json, &res, uid) || PQntuples(res) != 1)
        return NULL;
    return cc_val(q, res, 0, 0);
}

/* ---- users/ ----------------------------------------------------------------------------- */

int cc_h_admin_users_list(cc_req_t *q)
{
    const char *role, *joined, *ordering, *search;
    int active, verified;
    cc_page_t pg;
    PGresult *res;

    if (!cc_query_choice(q, "role", ROLES, &role) || !cc_query_bool(q, "is_active", &active)
        || !cc_query_bool(q, "is_verified", &verified) || !query_when(q, "joined_after", &joined)
        || !cc_query_ordering(q, USER_ORDERING, "-date_joined", &ordering)
        || !cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg))
        return OK;
    search = cc_query_text(q, "search");
    if (joined && strlen(joined) == 10)
        joined = apr_pstrcat(q->pool, joined, "T00:00:00Z", NULL);
    if (!cc_q(q, CC_ST_admin_user_page, &res, role,
              active < 0 ? NULL
              : active   ? "true"
                         : "false",
              verified < 0 ? NULL
              : verified   ? "true"
                           : "false",
              joined, search, ordering, cc_id_str(q, pg.size), cc_id_str(q, pg.offset)))
        return cc_db_fail(q);
    return cc_paginated(q, &pg, PQntuples(res) ? cc_val_int(res, 0, 0) : 0,
                        cc_rows_json_array(q, res, 1, 0, PQntuples(res)));
}

int cc_h_admin_user_get(cc_req_t *q)
{
    const char *body = NULL;
    PGresult *res;
    if (!cc_q(q, CC_ST_user_json, &res, cc_id_str(q, q->ids[0])))
        return cc_db_fail(q);
    if (PQntuples(res))
        body = cc_val(q, res, 0, 0);
    return body ? cc_json_text(q, HTTP_OK, body) : cc_not_found(q);
}

/* Sets is_active of the locked user `uid` (role `role`, now `was_active`) in the open
 * transaction, with its audit record: deactivating refuses the caller itself and the last
 * active admin (409 answered, after a rollback: returns 0 with *answered), then kills the
 * user's tokens. 1 when done (or nothing to do); 0 on failure (database or answered). */
static int set_active(cc_req_t *q, const char *uid, const char *role, int was_active, int active,
                      int *answered)
{
    PGresult *res;
    *answered = 0;
    if (was_active == active)
        return 1;
    if (!active) {
        if (apr_atoi64(uid) == q->user->id) {
            cc_db_conflict(q, "cannot_deactivate_self", "An admin cannot deactivate itself.");
            *answered = 1;
            return 0;
        }
        if (!strcmp(role, "admin")) {
            if (!cc_q(q, CC_ST_admin_active_admins_lock, &res))
                return 0;
            if (cc_val_int(res, 0, 0) <= 1) {
                cc_db_conflict(q, "last_admin", "The last active admin cannot be deactivated.");
                *answered = 1;
                return 0;
            }
        }
    }
    if (!cc_q(q, CC_ST_admin_user_set_active, &res, uid, active ? "true" : "false"))
        return 0;
    if (!active && !cc_q(q, CC_ST_refresh_revoke_all, &res, uid, "deactivated"))
        return 0;
    return cc_audit(q, active ? "users.activate" : "users.deactivate", "user", apr_atoi64(uid),
                    cc_jpack_text(q, "{s:s}", "role", role));
}

/* Locks the path's user: 1 with its row in *res; 0 after answering (404, database). */
static int lock_user(cc_req_t *q, PGresult **res)
{
    PGresult *r0;
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_admin_users_serialize, &r0)
        || !cc_q(q, CC_ST_admin_user_lock, res, cc_id_str(q, q->ids[0]))) {
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

/* PUT (all four fields) and PATCH (the fields sent) of users/<id>/. */
int cc_h_admin_user_write(cc_req_t *q)
{
    const char *uid = cc_id_str(q, q->ids[0]), *first, *last, *verified, *active, *body;
    json_t *c, *before, *after;
    PGresult *u, *res;
    int answered;

    c = cc_body_clean(q, EDIT_FIELDS, N(EDIT_FIELDS), cc_write_kind(q) == CC_UPDATE);
    if (!c)
        return OK;
    first = str_of(c, "first_name");
    last = str_of(c, "last_name");
    verified = bool_of(c, "is_verified");
    active = bool_of(c, "is_active");
    if (!lock_user(q, &u))
        return OK;
    before = cc_jpack(q, "{s:s?, s:s?, s:b, s:b}", "first_name", cc_val(q, u, 0, 3), "last_name",
                      cc_val(q, u, 0, 4), "is_active", cc_val_bool(u, 0, 1), "is_verified",
                      cc_val_bool(u, 0, 2));
    if (active
        && !set_active(q, uid, cc_val(q, u, 0, 0), cc_val_bool(u, 0, 1), !strcmp(active, "true"),
                       &answered))
        return answered ? OK : cc_db_fail(q);
    if (first || last || verified) {
        if (!cc_q(q, CC_ST_admin_user_update, &res, uid, first, last, verified))
            return cc_db_fail(q);
        after = cc_jobject(q);
        if (first && strcmp(first, cc_val(q, u, 0, 3)))
            json_object_set_new(after, "first_name", json_string(first));
        if (last && strcmp(last, cc_val(q, u, 0, 4)))
            json_object_set_new(after, "last_name", json_string(last));
        if (verified && (strcmp(verified, "true") == 0) != cc_val_bool(u, 0, 2))
            json_object_set_new(after, "is_verified", json_boolean(!strcmp(verified, "true")));
        /* a write that changes nothing leaves no record */
        if (json_object_size(after)
            && !cc_audit(q, "users.update", "user", q->ids[0],
                         cc_jpack_text(q, "{s:O, s:O}", "before", before, "after", after)))
            return cc_db_fail(q);
    }
    body = user_json(q, uid);
    if (!body || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, body);
}

/* What DELETE users/<id>/, activate/ and deactivate/ do. */
struct cc_admin_activation {
    int active;  /* the state they set */
    int no_body; /* 204 (DELETE) rather than 200 with the user */
};

const struct cc_admin_activation cc_admin_activate = {1, 0};
const struct cc_admin_activation cc_admin_deactivate = {0, 0};
const struct cc_admin_activation cc_admin_delete = {0, 1};

int cc_h_admin_user_activation(cc_req_t *q)
{
    const struct cc_admin_activation *a = q->route->arg;
    const char *uid = cc_id_str(q, q->ids[0]), *body;
    PGresult *u;
    int answered;

    if (!lock_user(q, &u))
        return OK;
    if (!set_active(q, uid, cc_val(q, u, 0, 0), cc_val_bool(u, 0, 1), a->active, &answered))
        return answered ? OK : cc_db_fail(q);
    body = user_json(q, uid);
    if (!body || !cc_db_commit(q))
        return cc_db_fail(q);
    return a->no_body ? cc_no_content(q) : cc_json_text(q, HTTP_OK, body);
}

/* The invitation: a single-use token (only its hash is stored) and the mail (cc_mail_template's
 * invitation, which says 72 hours) with the link <base>/set-password?token= that sets the first
 * password. In our words only: nothing the admin typed is in it. */
static int invite(cc_req_t *q, const char *uid, const char *email)
{
    PGresult *res;
    char *token = cc_random_token(q->pool, 32);
    if (!token || !cc_q(q, CC_ST_ott_invalidate, &res, uid, "invite")
        || !cc_q(q, CC_ST_ott_insert, &res, uid, "invite", token, apr_itoa(q->pool, INVITE_TTL)))
        return 0;
    return cc_mail_queue(q, email, "invitation", cc_jpack_text(q, "{s:s}", "token", token));
}

int cc_h_admin_user_create(cc_req_t *q)
{
    json_t *c = cc_body_clean(q, CREATE_FIELDS, N(CREATE_FIELDS), 0);
    const char *email, *role, *uid, *body;
    PGresult *res;

    if (!c)
        return OK;
    email = str_of(c, "email");
    role = str_of(c, "role");
    if (!cc_db_begin(q))
        return cc_db_fail(q);
    if (!cc_q(q, CC_ST_admin_user_insert, &res, email, str_of(c, "first_name"),
              str_of(c, "last_name"), role)) {
        if (cc_db_unique_violation(q))
            return cc_db_invalid(q, "email", "user with this email address already exists.");
        return cc_db_fail(q);
    }
    uid = cc_val(q, res, 0, 0);
    if ((!strcmp(role, "candidate") && !cc_q(q, CC_ST_candidate_profile_insert, &res, uid))
        || (!strcmp(role, "recruiter")
            && !cc_q(q, CC_ST_recruiter_profile_insert, &res, uid, "", "", ""))
        || !invite(q, uid, email)
        || !cc_audit(q, "users.create", "user", apr_atoi64(uid),
                     cc_jpack_text(q, "{s:s, s:s}", "role", role, "email", email))
        || !(body = user_json(q, uid)) || !cc_db_commit(q))
        return cc_db_fail(q);
    cc_mail_flush(q);
    return cc_json_text(q, HTTP_CREATED, body);
}

/* ---- dashboard-stats/ ------------------------------------------------------------------- */

int cc_h_admin_dashboard(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_admin_dashboard, &res))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

/* ---- feeds: recent-activity/ and audit-log/ --------------------------------------------- */

/* {"next", "previous", "results"}, keyset on id newest first (core/cursor.h); no ?cursor= (or
 * an empty one) starts at the newest row. kind: the feed of cc_admin_feed. */
static int feed(cc_req_t *q, const char *kind, json_t *filters)
{
    cc_feed_t f;
    PGresult *res;
    if (!cc_feed_parse(q, apr_table_get(q->query, "cursor"), &f))
        return OK;
    if (!cc_q(q, CC_ST_admin_feed, &res, kind, cc_json_dump(q->pool, filters), f.boundary, f.limit,
              f.c.dir == CC_CURSOR_OLDER ? "true" : "false"))
        return cc_db_fail(q);
    return cc_feed_answer(q, res, &f, 1, 0, 2, NULL, 0);
}

int cc_h_admin_activity(cc_req_t *q)
{
    const char *type;
    json_t *f = cc_jobject(q);
    if (!cc_query_choice(q, "type", ACTIVITY_TYPES, &type))
        return OK;
    if (type)
        json_object_set_new(f, "type", json_string(type));
    return feed(q, "activity", f);
}

/* ?name= as a one-line text of at most 100 characters (NULL: absent). 0 after a 400. */
static int query_name(cc_req_t *q, const char *name, const char **out)
{
    *out = cc_query_text(q, name);
    if (!*out || (strlen(*out) <= 100 && !cc_utf8_has_controls(*out, 0)))
        return 1;
    cc_invalid(q, name, "Enter at most 100 characters on one line.");
    return 0;
}

int cc_h_admin_audit_log(cc_req_t *q)
{
    const char *actor, *action, *ttype, *tid, *from, *to;
    json_t *f = cc_jobject(q);
    if (!cc_query_id(q, "actor", &actor) || !query_name(q, "action", &action)
        || !query_name(q, "target_type", &ttype) || !cc_query_id(q, "target_id", &tid)
        || !query_when(q, "from", &from) || !query_when(q, "to", &to))
        return OK;
    if (*actor)
        json_object_set_new(f, "actor", json_string(actor));
    if (action)
        json_object_set_new(f, "action", json_string(action));
    if (ttype)
        json_object_set_new(f, "target_type", json_string(ttype));
    if (*tid)
        json_object_set_new(f, "target_id", json_string(tid));
    if (from)
        json_object_set_new(f, "from", json_string(from));
    if (to)
        json_object_set_new(f, "to", json_string(to));
    return feed(q, "audit", f);
}
