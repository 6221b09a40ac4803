/* The one route table: method, path pattern (relative to /api/), roles, flags, handler and the
 * variant it serves. The handler of a route lives in handlers/<resource>.c. */
#include "handlers.h"

#define ANY CC_ROLE_ANY
#define NOAUTH CC_RF_NOAUTH
#define FORM CC_RF_FORM
#define STREAM CC_RF_STREAM
#define CAND CC_ROLE_CANDIDATE
#define RECR CC_ROLE_RECRUITER
#define ADMIN CC_ROLE_ADMIN

// clang-format off
const cc_route_t cc_routes[] = {
    {"GET",    "",                                          0,            0,             cc_h_index,                NULL},
    {"GET",    "health/",                                   0,            NOAUTH,        cc_h_health,               NULL},
    {"GET",    "schema/",                                   0,            NOAUTH,        cc_h_schema,               NULL},

    /* ---- accounts (handlers/accounts.c) ---- */
    {"POST",   "accounts/register/",                        0,            NOAUTH | FORM, cc_h_register,             NULL},
    {"POST",   "accounts/login/",                           0,            NOAUTH | FORM, cc_h_login,                NULL},
    {"POST",   "accounts/recruiter-login/",                 0,            NOAUTH | FORM, cc_h_login,                "recruiter"},
    {"POST",   "accounts/admin-login/",                     0,            NOAUTH | FORM, cc_h_login,                "admin"},
    {"POST",   "accounts/token/refresh/",                   0,            NOAUTH | FORM, cc_h_refresh,              NULL},
    {"POST",   "accounts/logout/",                          ANY,          FORM,          cc_h_logout,               NULL},
    {"POST",   "accounts/verify-email/",                    0,            NOAUTH,        cc_h_verify_email,         NULL},
    {"POST",   "accounts/resend-verification/",             0,            NOAUTH,        cc_h_token_mail,           &cc_verification_mail},
    {"POST",   "accounts/password-reset/",                  0,            NOAUTH,        cc_h_token_mail,           &cc_password_reset_mail},
    {"POST",   "accounts/password-reset/confirm/",          0,            NOAUTH,        cc_h_password_reset_confirm, NULL},
    {"GET",    "accounts/profile/",                         ANY,          0,             cc_h_profile_get,          NULL},
    {"PUT",    "accounts/profile/",                         ANY,          0,             cc_h_profile_write,        NULL},
    {"PATCH",  "accounts/profile/",                         ANY,          0,             cc_h_profile_write,        NULL},
    {"POST",   "accounts/change-password/",                 ANY,          0,             cc_h_change_password,      NULL},
    {"PUT",    "accounts/change-password/",                 ANY,          0,             cc_h_change_password,      NULL},
    {"PATCH",  "accounts/change-password/",                 ANY,          0,             cc_h_change_password,      NULL},

    /* ---- profiles (handlers/profiles.c, hospitals.c, verification.c) ---- */
    {"GET",    "profiles/candidate/",                       CAND,         0,             cc_h_candidate_get,        NULL},
    {"POST",   "profiles/candidate/",                       CAND,         0,             cc_h_candidate_write,      NULL},
    {"PUT",    "profiles/candidate/",                       CAND,         0,             cc_h_candidate_write,      NULL},
    {"PATCH",  "profiles/candidate/",                       CAND,         0,             cc_h_candidate_write,      NULL},
    {"DELETE", "profiles/candidate/",                       CAND,         0,             cc_h_candidate_delete,     NULL},
    {"GET",    "profiles/recruiter/",                       RECR,         0,             cc_h_recruiter_get,        NULL},
    {"POST",   "profiles/recruiter/",                       RECR,         0,             cc_h_recruiter_write,      NULL},
    {"PUT",    "profiles/recruiter/",                       RECR,         0,             cc_h_recruiter_write,      NULL},
    {"PATCH",  "profiles/recruiter/",                       RECR,         0,             cc_h_recruiter_write,      NULL},
    {"DELETE", "profiles/recruiter/",                       RECR,         0,             cc_h_recruiter_delete,     NULL},
    {"GET",    "profiles/hospital/",                        RECR,         0,             cc_h_hospital_get,         NULL},
    {"POST",   "profiles/hospital/",                        RECR,         0,             cc_h_hospital_create,      NULL},
    {"PUT",    "profiles/hospital/",                        RECR,         0,             cc_h_hospital_write,       NULL},
    {"PATCH",  "profiles/hospital/",                        RECR,         0,             cc_h_hospital_write,       NULL},
    {"DELETE", "profiles/hospital/",                        RECR,         0,             cc_h_hospital_delete,      NULL},
    {"GET",    "profiles/hospital/recruiters/",             RECR,         0,             cc_h_hospital_recruiters,  NULL},
    {"POST",   "profiles/hospital/recruiters/{id}/approve/", RECR,        0,             cc_h_verification_decide,  &cc_approve_link},
    {"POST",   "profiles/hospital/recruiters/{id}/reject/", RECR,         0,             cc_h_verification_decide,  &cc_reject_link},
    {"GET",    "profiles/verification/",                    CAND | RECR,  0,             cc_h_verification_get,     NULL},
    {"POST",   "profiles/verification/",                    CAND | RECR,  0,             cc_h_verification_submit,  NULL},
    {"PUT",    "profiles/verification/",                    CAND | RECR,  0,             cc_h_verification_submit,  NULL},
    {"GET",    "profiles/verification-status/",             ANY,          0,             cc_h_verification_status,  NULL},
    {"GET",    "profiles/pending-verifications/",           ADMIN,        0,             cc_h_verification_queue,   &cc_queue_candidates_pending},
    {"GET",    "profiles/verified-profiles/",               ADMIN,        0,             cc_h_verification_queue,   &cc_queue_candidates_verified},
    {"GET",    "profiles/rejected-verifications/",          ADMIN,        0,             cc_h_verification_queue,   &cc_queue_candidates_rejected},
    {"GET",    "profiles/pending-hospital-verifications/",  ADMIN,        0,             cc_h_verification_queue,   &cc_queue_hospitals_pending},
    {"GET",    "profiles/verified-hospitals/",              ADMIN,        0,             cc_h_verification_queue,   &cc_queue_hospitals_verified},
    {"GET",    "profiles/rejected-hospital-verifications/", ADMIN,        0,             cc_h_verification_queue,   &cc_queue_hospitals_rejected},
    {"POST",   "profiles/approve-verification/",            ADMIN,        0,             cc_h_verification_decide,  &cc_approve_candidate},
    {"POST",   "profiles/approve-verification/{id}/",       ADMIN,        0,             cc_h_verification_decide,  &cc_approve_candidate},
    {"POST",   "profiles/reject-verification/",             ADMIN,        0,             cc_h_verification_decide,  &cc_reject_candidate},
    {"POST",   "profiles/reject-verification/{id}/",        ADMIN,        0,             cc_h_verification_decide,  &cc_reject_candidate},
    {"POST",   "profiles/approve-hospital-verification/",   ADMIN,        0,             cc_h_verification_decide,  &cc_approve_hospital},
    {"POST",   "profiles/approve-hospital-verification/{id}/", ADMIN,     0,             cc_h_verification_decide,  &cc_approve_hospital},
    {"POST",   "profiles/reject-hospital-verification/",    ADMIN,        0,             cc_h_verification_decide,  &cc_reject_hospital},
    {"POST",   "profiles/reject-hospital-verification/{id}/", ADMIN,      0,             cc_h_verification_decide,  &cc_reject_hospital},
    {"GET",    "profiles/candidate-details/{id}/",          ADMIN | RECR, 0,             cc_h_candidate_details,    NULL},
    {"GET",    "profiles/hospital-details/{id}/",           0,            0,             cc_h_hospital_details,     NULL},

    /* ---- notifications (handlers/notifications.c); "{id}" takes digits only, so the literal
     * mark-all-read/ never reaches an id route ---- */
    {"GET",    "notifications/",                            ANY,          0,             cc_h_notifications_list,   NULL},
    {"POST",   "notifications/mark-all-read/",              ANY,          0,             cc_h_notifications_mark_all_read, NULL},
    {"GET",    "notifications/{id}/",                       ANY,          0,             cc_h_notification_one,     &cc_notification_view},
    {"DELETE", "notifications/{id}/",                       ANY,          0,             cc_h_notification_delete,  NULL},
    {"POST",   "notifications/{id}/mark-read/",             ANY,          0,             cc_h_notification_one,     &cc_notification_read},

    /* ---- master data (handlers/masters.c) ---- */
    {"GET",    "masters/skills/",                           0,            0,             cc_h_master_list,          &cc_master_skills},
    {"POST",   "masters/skills/",                           ADMIN,        0,             cc_h_master_create,        &cc_master_skills},
    {"GET",    "masters/skills/{id}/",                      0,            0,             cc_h_master_get,           &cc_master_skills},
    {"PUT",    "masters/skills/{id}/",                      ADMIN,        0,             cc_h_master_write,         &cc_master_skills},
    {"PATCH",  "masters/skills/{id}/",                      ADMIN,        0,             cc_h_master_write,         &cc_master_skills},
    {"DELETE", "masters/skills/{id}/",                      ADMIN,        0,             cc_h_master_delete,        &cc_master_skills},
    {"GET",    "masters/qualifications/",                   0,            0,             cc_h_master_list,          &cc_master_qualifications},
    {"POST",   "masters/qualifications/",                   ADMIN,        0,             cc_h_master_create,        &cc_master_qualifications},
    {"GET",    "masters/qualifications/{id}/",              0,            0,             cc_h_master_get,           &cc_master_qualifications},
    {"PUT",    "masters/qualifications/{id}/",              ADMIN,        0,             cc_h_master_write,         &cc_master_qualifications},
    {"PATCH",  "masters/qualifications/{id}/",              ADMIN,        0,             cc_h_master_write,         &cc_master_qualifications},
    {"DELETE", "masters/qualifications/{id}/",              ADMIN,        0,             cc_h_master_delete,        &cc_master_qualifications},
    {"GET",    "masters/locations/",                        0,            0,             cc_h_master_list,          &cc_master_locations},
    {"POST",   "masters/locations/",                        ADMIN,        0,             cc_h_master_create,        &cc_master_locations},
    {"GET",    "masters/locations/{id}/",                   0,            0,             cc_h_master_get,           &cc_master_locations},
    {"PUT",    "masters/locations/{id}/",                   ADMIN,        0,             cc_h_master_write,         &cc_master_locations},
    {"PATCH",  "masters/locations/{id}/",                   ADMIN,        0,             cc_h_master_write,         &cc_master_locations},
    {"DELETE", "masters/locations/{id}/",                   ADMIN,        0,             cc_h_master_delete,        &cc_master_locations},

    /* ---- jobs and search (handlers/jobs.c) ---- */
    {"GET",    "jobs/",                                     0,            0,             cc_h_jobs_list,            NULL},
    {"POST",   "jobs/",                                     RECR,         0,             cc_h_job_create,           NULL},
    {"GET",    "jobs/search/",                              0,            0,             cc_h_jobs_list,            &cc_jobs_ranked},
    {"GET",    "jobs/advanced-search/",                     0,            0,             cc_h_jobs_advanced_search, NULL},
    {"POST",   "jobs/advanced-search/",                     0,            0,             cc_h_jobs_advanced_search, NULL},
    {"GET",    "jobs/{id}/",                                0,            0,             cc_h_job_get,              NULL},
    {"PUT",    "jobs/{id}/",                                RECR | ADMIN, 0,             cc_h_job_write,            NULL},
    {"PATCH",  "jobs/{id}/",                                RECR | ADMIN, 0,             cc_h_job_write,            NULL},
    {"DELETE", "jobs/{id}/",                                RECR | ADMIN, 0,             cc_h_job_delete,           NULL},

    /* ---- applications and assignments (handlers/applications.c) ---- */
    {"GET",    "jobs/applications/",                        ANY,          0,             cc_h_applications_list,    NULL},
    {"POST",   "jobs/applications/",                        CAND,         0,             cc_h_application_create,   NULL},
    {"GET",    "jobs/applications/{id}/",                   ANY,          0,             cc_h_application_get,      NULL},
    {"PUT",    "jobs/applications/{id}/",                   CAND | RECR,  0,             cc_h_application_write,    NULL},
    {"PATCH",  "jobs/applications/{id}/",                   CAND | RECR,  0,             cc_h_application_write,    NULL},
    {"DELETE", "jobs/applications/{id}/",                   CAND,         0,             cc_h_application_delete,   NULL},
    /* any role: a job whose applications the caller may not see is a 404, never a 403 */
    {"GET",    "jobs/{id}/applications/",                   ANY,          0,             cc_h_applications_list,    NULL},
    {"POST",   "jobs/{id}/applications/",                   CAND,         0,             cc_h_application_create,   NULL},
    {"GET",    "jobs/active/",                              ANY,          0,             cc_h_active_list,          NULL},
    {"GET",    "jobs/active/{id}/",                         ANY,          0,             cc_h_active_get,           NULL},
    {"PUT",    "jobs/active/{id}/",                         RECR | ADMIN, 0,             cc_h_active_write,         NULL},
    {"PATCH",  "jobs/active/{id}/",                         RECR | ADMIN, 0,             cc_h_active_write,         NULL},
    {"GET",    "jobs/completed/",                           ANY,          0,             cc_h_completed_list,       NULL},
    {"GET",    "jobs/completed/{id}/",                      ANY,          0,             cc_h_completed_get,        NULL},

    /* ---- matching (handlers/matches.c) ---- */
    {"GET",    "jobs/matches/",                             ANY,          0,             cc_h_matches,              NULL},

    /* ---- documents (handlers/documents.c); who may see one is checked per object (404) ---- */
    {"GET",    "documents/",                                ANY,          0,             cc_h_documents_list,       NULL},
    {"POST",   "documents/upload/",                         CAND | RECR,  STREAM,        cc_h_document_upload,      NULL},
    {"GET",    "documents/{id}/",                           ANY,          0,             cc_h_document_get,         NULL},
    {"PUT",    "documents/{id}/",                           ANY,          0,             cc_h_document_write,       NULL},
    {"PATCH",  "documents/{id}/",                           ANY,          0,             cc_h_document_write,       NULL},
    {"DELETE", "documents/{id}/",                           ANY,          0,             cc_h_document_delete,      NULL},
    {"GET",    "documents/{id}/download/",                  ANY,          0,             cc_h_document_download,    NULL},
    {"POST",   "documents/{id}/verify/",                    ADMIN,        0,             cc_h_document_verify,      NULL},

    /* ---- admin analytics (handlers/analytics.c) ---- */
    {"GET",    "admin/analytics/users/",                    ADMIN,        0,             cc_h_analytics,            &cc_analytics_users},
    {"GET",    "admin/analytics/jobs/",                     ADMIN,        0,             cc_h_analytics,            &cc_analytics_jobs},
    {"GET",    "admin/analytics/applications/",             ADMIN,        0,             cc_h_analytics,            &cc_analytics_applications},

    /* ---- testimonials (handlers/testimonials.c); reading is public (what the caller may read
     * is decided per object and list), writing needs a token; "{id}" takes digits only ---- */
    {"GET",    "testimonials/",                             0,            0,             cc_h_testimonials_list,    NULL},
    {"POST",   "testimonials/",                             ANY,          0,             cc_h_testimonial_create,   NULL},
    {"GET",    "testimonials/my-reviews/",                  ANY,          0,             cc_h_testimonials_list,    &cc_testimonials_mine},
    {"GET",    "testimonials/about-me/",                    ANY,          0,             cc_h_testimonials_list,    &cc_testimonials_about_me},
    {"GET",    "testimonials/user/{id}/",                   0,            0,             cc_h_testimonials_list,    &cc_testimonials_of_user},
    {"GET",    "testimonials/{id}/",                        0,            0,             cc_h_testimonial_get,      NULL},
    {"PUT",    "testimonials/{id}/",                        ANY,          0,             cc_h_testimonial_write,    NULL},
    {"PATCH",  "testimonials/{id}/",                        ANY,          0,             cc_h_testimonial_write,    NULL},
    {"DELETE", "testimonials/{id}/",                        ANY,          0,             cc_h_testimonial_delete,   NULL},
    {"POST",   "testimonials/{id}/approve/",                ADMIN,        0,             cc_h_testimonial_decide,   &cc_testimonial_approve},
    {"POST",   "testimonials/{id}/reject/",                 ADMIN,        0,             cc_h_testimonial_decide,   &cc_testimonial_reject},

    /* ---- messaging (handlers/messaging.c); a conversation is seen by its participants only
     * (404 for anyone else); "{id}" takes digits only, so create/ never reaches an id route ---- */
    {"GET",    "messaging/conversations/",                  ANY,          0,             cc_h_conversations_list,   NULL},
    {"POST",   "messaging/conversations/create/",           ANY,          0,             cc_h_conversation_create,  NULL},
    {"GET",    "messaging/conversations/{id}/",             ANY,          0,             cc_h_conversation_get,     NULL},
    {"DELETE", "messaging/conversations/{id}/",             ANY,          0,             cc_h_conversation_hide,    NULL},
    {"GET",    "messaging/conversations/{id}/messages/",    ANY,          0,             cc_h_messages_list,        NULL},
    {"POST",   "messaging/conversations/{id}/send/",        ANY,          0,             cc_h_message_send,         NULL},
    {"PUT",    "messaging/conversations/{id}/read/",        ANY,          0,             cc_h_conversation_read,    NULL},

    /* ---- the live stream (handlers/stream.c): the ticket needs a token, the stream only the
     * ticket (EventSource sends no Authorization header) ---- */
    {"POST",   "notifications/stream-ticket/",              ANY,          0,             cc_h_stream_ticket,        NULL},
    {"GET",    "notifications/stream/",                     0,            NOAUTH,        cc_h_stream,               NULL},
    /* ---- admin (handlers/admin.c): users, dashboard, activity, audit log; the invitation's
     * password (accounts.c) ---- */
    {"GET",    "admin/users/",                              ADMIN,        0,             cc_h_admin_users_list,     NULL},
    {"POST",   "admin/users/",                              ADMIN,        0,             cc_h_admin_user_create,    NULL},
    {"GET",    "admin/users/{id}/",                         ADMIN,        0,             cc_h_admin_user_get,       NULL},
    {"PUT",    "admin/users/{id}/",                         ADMIN,        0,             cc_h_admin_user_write,     NULL},
    {"PATCH",  "admin/users/{id}/",                         ADMIN,        0,             cc_h_admin_user_write,     NULL},
    {"DELETE", "admin/users/{id}/",                         ADMIN,        0,             cc_h_admin_user_activation, &cc_admin_delete},
    {"POST",   "admin/users/{id}/activate/",                ADMIN,        0,             cc_h_admin_user_activation, &cc_admin_activate},
    {"POST",   "admin/users/{id}/deactivate/",              ADMIN,        0,             cc_h_admin_user_activation, &cc_admin_deactivate},
    {"GET",    "admin/dashboard-stats/",                    ADMIN,        0,             cc_h_admin_dashboard,      NULL},
    {"GET",    "admin/recent-activity/",                    ADMIN,        0,             cc_h_admin_activity,       NULL},
    {"GET",    "admin/audit-log/",                          ADMIN,        0,             cc_h_admin_audit_log,      NULL},
    {"POST",   "accounts/set-password/",                    0,            NOAUTH,        cc_h_password_reset_confirm, "invite"},
    /* ---- notification preferences (handlers/preferences.c): the caller's own ---- */
    {"GET",    "notifications/preferences/",                ANY,          0,             cc_h_preferences_get,      NULL},
    {"PUT",    "notifications/preferences/",                ANY,          0,             cc_h_preferences_put,      NULL},
    {"PATCH",  "notifications/preferences/",                ANY,          0,             cc_h_preferences_put,      NULL},
};
// clang-format on
const int cc_routes_count = sizeof(cc_routes) / sizeof(cc_routes[0]);
