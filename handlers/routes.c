/* The one route table: method, path pattern (relative to /api/), roles, flags, handler.
 * The handler of a route lives in handlers/<resource>.c. */
#include "../core/cc.h"
#include "handlers.h"

#define ANY CC_ROLE_ANY
#define NOAUTH CC_RF_NOAUTH
#define FORM CC_RF_FORM
#define CAND CC_ROLE_CANDIDATE
#define RECR CC_ROLE_RECRUITER
#define ADMIN CC_ROLE_ADMIN

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
    {"GET", "profiles/candidate/", CAND, 0, cc_h_candidate_get},
    {"POST", "profiles/candidate/", CAND, 0, cc_h_candidate_post},
    {"PUT", "profiles/candidate/", CAND, 0, cc_h_candidate_put},
    {"PATCH", "profiles/candidate/", CAND, 0, cc_h_candidate_patch},
    {"DELETE", "profiles/candidate/", CAND, 0, cc_h_candidate_delete},
    {"GET", "profiles/recruiter/", RECR, 0, cc_h_recruiter_get},
    {"POST", "profiles/recruiter/", RECR, 0, cc_h_recruiter_post},
    {"PUT", "profiles/recruiter/", RECR, 0, cc_h_recruiter_put},
    {"PATCH", "profiles/recruiter/", RECR, 0, cc_h_recruiter_patch},
    {"DELETE", "profiles/recruiter/", RECR, 0, cc_h_recruiter_delete},
    {"GET", "profiles/hospital/", RECR, 0, cc_h_hospital_get},
    {"POST", "profiles/hospital/", RECR, 0, cc_h_hospital_post},
    {"PUT", "profiles/hospital/", RECR, 0, cc_h_hospital_put},
    {"PATCH", "profiles/hospital/", RECR, 0, cc_h_hospital_patch},
    {"DELETE", "profiles/hospital/", RECR, 0, cc_h_hospital_delete},
    {"GET", "profiles/verification/", CAND | RECR, 0, cc_h_verification_get},
    {"POST", "profiles/verification/", CAND | RECR, 0, cc_h_verification_post},
    {"PUT", "profiles/verification/", CAND | RECR, 0, cc_h_verification_put},
    {"GET", "profiles/verification-status/", ANY, 0, cc_h_verification_status},
    {"GET", "profiles/pending-verifications/", ADMIN, 0, cc_h_queue_pending},
    {"GET", "profiles/verified-profiles/", ADMIN, 0, cc_h_queue_verified},
    {"GET", "profiles/rejected-verifications/", ADMIN, 0, cc_h_queue_rejected},
    {"GET", "profiles/pending-hospital-verifications/", ADMIN, 0, cc_h_queue_hospitals_pending},
    {"GET", "profiles/verified-hospitals/", ADMIN, 0, cc_h_queue_hospitals_verified},
    {"GET", "profiles/rejected-hospital-verifications/", ADMIN, 0, cc_h_queue_hospitals_rejected},
    {"POST", "profiles/approve-verification/", ADMIN, 0, cc_h_approve_verification},
    {"POST", "profiles/approve-verification/{id}/", ADMIN, 0, cc_h_approve_verification},
    {"POST", "profiles/reject-verification/", ADMIN, 0, cc_h_reject_verification},
    {"POST", "profiles/reject-verification/{id}/", ADMIN, 0, cc_h_reject_verification},
    {"POST", "profiles/approve-hospital-verification/", ADMIN, 0, cc_h_approve_hospital},
    {"POST", "profiles/approve-hospital-verification/{id}/", ADMIN, 0, cc_h_approve_hospital},
    {"POST", "profiles/reject-hospital-verification/", ADMIN, 0, cc_h_reject_hospital},
    {"POST", "profiles/reject-hospital-verification/{id}/", ADMIN, 0, cc_h_reject_hospital},
    {"GET", "profiles/candidate-details/{id}/", ADMIN | RECR, 0, cc_h_candidate_details},
    {"GET", "profiles/hospital-details/{id}/", 0, 0, cc_h_hospital_details},
    /* "{id}" takes digits only, so the literal mark-all-read/ never reaches an id route */
    {"GET", "notifications/", ANY, 0, cc_h_notifications_list},
    {"POST", "notifications/mark-all-read/", ANY, 0, cc_h_notifications_mark_all_read},
    {"GET", "notifications/{id}/", ANY, 0, cc_h_notification_get},
    {"DELETE", "notifications/{id}/", ANY, 0, cc_h_notification_delete},
    {"POST", "notifications/{id}/mark-read/", ANY, 0, cc_h_notification_mark_read},
    {"GET", "masters/skills/", 0, 0, cc_h_master_list},
    {"POST", "masters/skills/", ADMIN, 0, cc_h_master_create},
    {"GET", "masters/skills/{id}/", 0, 0, cc_h_master_get},
    {"PUT", "masters/skills/{id}/", ADMIN, 0, cc_h_master_put},
    {"PATCH", "masters/skills/{id}/", ADMIN, 0, cc_h_master_patch},
    {"DELETE", "masters/skills/{id}/", ADMIN, 0, cc_h_master_delete},
    {"GET", "masters/qualifications/", 0, 0, cc_h_master_list},
    {"POST", "masters/qualifications/", ADMIN, 0, cc_h_master_create},
    {"GET", "masters/qualifications/{id}/", 0, 0, cc_h_master_get},
    {"PUT", "masters/qualifications/{id}/", ADMIN, 0, cc_h_master_put},
    {"PATCH", "masters/qualifications/{id}/", ADMIN, 0, cc_h_master_patch},
    {"DELETE", "masters/qualifications/{id}/", ADMIN, 0, cc_h_master_delete},
    {"GET", "masters/locations/", 0, 0, cc_h_master_list},
    {"POST", "masters/locations/", ADMIN, 0, cc_h_master_create},
    {"GET", "masters/locations/{id}/", 0, 0, cc_h_master_get},
    {"PUT", "masters/locations/{id}/", ADMIN, 0, cc_h_master_put},
    {"PATCH", "masters/locations/{id}/", ADMIN, 0, cc_h_master_patch},
    {"DELETE", "masters/locations/{id}/", ADMIN, 0, cc_h_master_delete},
    /* ---- jobs and search (handlers/jobs.c) ---- */

    /* ---- applications and assignments (handlers/applications.c) ---- */

    /* ---- matching (handlers/matches.c) ---- */
    {"GET", "jobs/matches/", ANY, 0, cc_h_matches},

};
const int cc_routes_count = sizeof(cc_routes) / sizeof(cc_routes[0]);
