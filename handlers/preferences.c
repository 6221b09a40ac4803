/* /api/notifications/preferences/: per notification type, whether the caller wants it in the
 * app and by email. Security mails (email verification, password reset, invitations) are not
 * a type here: they cannot be turned off. The notifications (cc_notify) and the mails of a type
 * (cc_mail_queue_for, the background tasks) read the same rows (dbd/sql/background.sql). */
#include "handlers.h"

static const char *const TYPES[] = {
    "job_update", "application_status", "message", "verification", "match",
    "system",     "credential_expiry",  NULL};
static const char *const CHANNELS[] = {"in_app", "email", NULL};

static int listed(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (!strcmp(*list, s))
            return 1;
    return 0;
}

static int answer(cc_req_t *q)
{
    PGresult *res;
    if (!cc_q(q, CC_ST_prefs_get, &res, cc_id_str(q, q->user->id)))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}

int cc_h_preferences_get(cc_req_t *q)
{
    return answer(q);
}

/* Body: {type: {"in_app"?: bool, "email"?: bool}, ...}; the types and channels left out keep
 * their values. Every problem is reported, by type. */
int cc_h_preferences_put(cc_req_t *q)
{
    json_t *errs = cc_jobject(q), *clean = cc_jobject(q), *v, *c;
    const char *type, *ch;
    PGresult *res;

    json_object_foreach(q->body, type, v)
    {
        const char *problem = NULL;
        if (!strcmp(type, "security"))
            problem = "Security mails cannot be turned off.";
        else if (!listed(TYPES, type))
            problem = "Unknown notification type.";
        else if (!json_is_object(v) || !json_object_size(v))
            problem = "Expected an object with in_app and/or email.";
        else {
            json_object_foreach(v, ch, c)
            {
                if (!listed(CHANNELS, ch))
                    problem = apr_psprintf(q->pool, "Unknown channel \"%s\": in_app or email.", ch);
                else if (!json_is_boolean(c))
                    problem = apr_psprintf(q->pool, "%s must be true or false.", ch);
            }
        }
        if (problem)
            json_object_set_new(errs, type, json_pack("[s]", problem));
        else
            json_object_set(clean, type, v);
    }
    if (json_object_size(errs))
        return cc_validation(q, errs);
    if (!json_object_size(clean))
        return cc_invalid(q, "non_field_errors", "No notification type given.");
    if (!cc_q(q, CC_ST_prefs_put, &res, cc_id_str(q, q->user->id), cc_json_dump(q->pool, clean)))
        return cc_db_fail(q);
    return answer(q);
}
