/* The one route table: method, path pattern (relative to /api/), roles, flags, handler.
 * The handler of a route lives in handlers/<resource>.c. */
#include "../core/cc.h"
#include "handlers.h"

#define ANY CC_ROLE_ANY
#define NOAUTH CC_RF_NOAUTH
#define FORM CC_RF_FORM

const cc_route_t cc_routes[] = {
    {"GET", "", 0, 0, cc_h_index},
    {"GET", "health/", 0, NOAUTH, cc_h_health},
    {"POST", "accounts/register/", 0, NOAUTH | FORM, cc_h_register},
    {"POST", "accounts/login/", 0, NOAUTH | FORM, cc_h_login},
    {"POST", "accounts/recruiter-login/", 0, NOAUTH | FORM, cc_h_recruiter_login},
    {"POST", "accounts/admin-login/", 0, NOAUTH | FORM, cc_h_admin_login},
    {"POST", "accounts/token/refresh/", 0, NOAUTH | FORM, cc_h_refresh},
    {"POST", "accounts/logout/", ANY, FORM, cc_h_logout},
    {"POST", "accounts/verify-email/", 0, NOAUTH, cc_h_verify_email},
    {"POST", "accounts/resend-verification/", 0, NOAUTH, cc_h_resend_verification},
    {"POST", "accounts/password-reset/", 0, NOAUTH, cc_h_password_reset},
    {"POST", "accounts/password-reset/confirm/", 0, NOAUTH, cc_h_password_reset_confirm},
    {"GET", "accounts/profile/", ANY, 0, cc_h_profile_get},
    {"PUT", "accounts/profile/", ANY, 0, cc_h_profile_put},
    {"PATCH", "accounts/profile/", ANY, 0, cc_h_profile_patch},
    {"POST", "accounts/change-password/", ANY, 0, cc_h_change_password},
    {"PUT", "accounts/change-password/", ANY, 0, cc_h_change_password},
    {"PATCH", "accounts/change-password/", ANY, 0, cc_h_change_password},
    /* "{id}" takes digits only, so the literal mark-all-read/ never reaches an id route */
    {"GET", "notifications/", ANY, 0, cc_h_notifications_list},
    {"POST", "notifications/mark-all-read/", ANY, 0, cc_h_notifications_mark_all_read},
    {"GET", "notifications/{id}/", ANY, 0, cc_h_notification_get},
    {"DELETE", "notifications/{id}/", ANY, 0, cc_h_notification_delete},
    {"POST", "notifications/{id}/mark-read/", ANY, 0, cc_h_notification_mark_read},
};
const int cc_routes_count = sizeof(cc_routes) / sizeof(cc_routes[0]);
