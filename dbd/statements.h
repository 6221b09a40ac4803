/* The statement table: every SQL statement the module runs, by label. Plain data (no httpd),
 * so carechainctl can prepare each one against a database (`carechainctl check`).
 * Placeholders are libpq's $1..$n; labels are lower-case SQL identifiers cc_<resource>_<verb>. */
#ifndef CC_STATEMENTS_H
#define CC_STATEMENTS_H

typedef struct {
    const char *label;
    const char *sql;
    int nparams;
    int readonly; /* 1: safe to retry once on a fresh connection after the old one died */
} cc_stmt_t;

typedef enum {
    CC_ST_HEALTH,
    CC_ST_USER_BY_EMAIL,
    CC_ST_USER_AUTH,
    CC_ST_USER_JSON,
    CC_ST_LOGIN_JSON,
    CC_ST_USER_INSERT,
    CC_ST_CANDIDATE_PROFILE_INSERT,
    CC_ST_RECRUITER_PROFILE_INSERT,
    CC_ST_USER_TOUCH_LOGIN,
    CC_ST_USER_UPDATE_NAMES,
    CC_ST_USER_SECRETS,
    CC_ST_USER_SET_PASSWORD,
    CC_ST_USER_MARK_VERIFIED,
    CC_ST_REFRESH_INSERT,
    CC_ST_REFRESH_ROTATE,
    CC_ST_REFRESH_REUSED,
    CC_ST_REFRESH_REVOKE_ONE,
    CC_ST_REFRESH_REVOKE_ALL,
    CC_ST_OTT_INSERT,
    CC_ST_OTT_CONSUME,
    CC_ST_OTT_INVALIDATE,
    CC_ST_OTT_RECENT,
    CC_ST_THROTTLE_EMAIL,
    CC_ST_THROTTLE_CLIENT,
    CC_ST_LOGIN_FAILURE_INSERT,
    CC_ST_LOGIN_FAILURE_CLEAR,
    CC_ST_MAIL_INSERT,
    CC_ST_MAIL_CLAIM,
    CC_ST_MAIL_SENT,
    CC_ST_MAIL_FAILED,
    CC_ST_NOTIFY,
    CC_ST_AUDIT,
    CC_ST_NOTIFICATION_PAGE,
    CC_ST_NOTIFICATION_FEED_OLDER,
    CC_ST_NOTIFICATION_FEED_NEWER,
    CC_ST_NOTIFICATION_GET,
    CC_ST_NOTIFICATION_DELETE,
    CC_ST_NOTIFICATION_MARK_READ,
    CC_ST_NOTIFICATION_MARK_ALL_READ,
    CC_ST__COUNT
} cc_stmt_id_t;

extern const cc_stmt_t cc_statements[CC_ST__COUNT];

#endif
