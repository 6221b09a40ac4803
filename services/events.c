/* Notifications and the audit log: written by the features inside their own transactions, so an
 * event and its record land together or not at all. */
#include "services.h"

int cc_notify(cc_req_t *q, apr_int64_t user_id, const char *type, const char *title,
              const char *message, const char *data_json)
{
    PGresult *res;
    return cc_q(q, CC_ST_notify, &res, cc_id_str(q, user_id), type, title, message,
                data_json ? data_json : "{}");
}

int cc_audit(cc_req_t *q, const char *action, const char *target_type, apr_int64_t target_id,
             const char *details_json)
{
    PGresult *res;
    return cc_q(q, CC_ST_audit, &res, q->user ? cc_id_str(q, q->user->id) : NULL, action,
                target_type, target_id > 0 ? cc_id_str(q, target_id) : NULL,
                details_json ? details_json : "{}", cc_request_id(q->r), cc_client_ip(q));
}
