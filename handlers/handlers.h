/* The handlers, one file per resource in handlers/, and the route table that names them
 * (handlers/routes.c). A handler answers one request: it validates, runs its statements, sends
 * the JSON answer and returns OK.
 *
 * One handler may serve several routes:
 *   - POST (create), PUT (replace) and PATCH (update the fields sent) of one resource are told
 *     apart by the method, as HTTP defines them (cc_write_kind);
 *   - any other variant comes from the route's `arg`, a descriptor the handler's file defines
 *     (declared below as an incomplete type: only its address is needed here). */
#ifndef CC_HANDLERS_H
#define CC_HANDLERS_H

#include "../services/services.h"

extern const cc_route_t cc_routes[];
extern const int cc_routes_count;

/* service.c */
int cc_h_index(cc_req_t *q);
int cc_h_health(cc_req_t *q);

/* schema.c */
int cc_h_schema(cc_req_t *q);

/* accounts.c. cc_h_login's arg is the only role it admits (a string), or NULL for any. */
extern const struct cc_token_mail cc_verification_mail, cc_password_reset_mail;
int cc_h_register(cc_req_t *q);
int cc_h_login(cc_req_t *q);
int cc_h_refresh(cc_req_t *q);
int cc_h_logout(cc_req_t *q);
int cc_h_verify_email(cc_req_t *q);
int cc_h_token_mail(cc_req_t *q); /* arg: &cc_verification_mail or &cc_password_reset_mail */
int cc_h_password_reset_confirm(cc_req_t *q); /* arg: NULL, or "invite" (set-password/) */
int cc_h_change_password(cc_req_t *q);
int cc_h_profile_get(cc_req_t *q);
int cc_h_profile_write(cc_req_t *q);

/* profiles.c: the caller's candidate and recruiter profiles, a candidate for a recruiter */
int cc_h_candidate_get(cc_req_t *q);
int cc_h_candidate_write(cc_req_t *q);
int cc_h_candidate_delete(cc_req_t *q);
int cc_h_recruiter_get(cc_req_t *q);
int cc_h_recruiter_write(cc_req_t *q);
int cc_h_recruiter_delete(cc_req_t *q);
int cc_h_candidate_details(cc_req_t *q);

/* hospitals.c */
int cc_h_hospital_get(cc_req_t *q);
int cc_h_hospital_create(cc_req_t *q);
int cc_h_hospital_write(cc_req_t *q);
int cc_h_hospital_delete(cc_req_t *q);
int cc_h_hospital_details(cc_req_t *q);
int cc_h_hospital_recruiters(cc_req_t *q); /* the links of the caller's hospital, for members */
/* The caller's hospital, locked in the open transaction (for verification.c too). 1 with the
 * row in *res (id, verification status, may-change flag, name, registration number); 0 after
 * answering: 403 when the caller may not change it; when it has none, 404, or 400
 * non_field_errors `unlinked` when that is given. */
int cc_hospital_lock_mine(cc_req_t *q, PGresult **res, const char *unlinked);
/* 400: the registration number belongs to another hospital (a unique violation). */
int cc_hospital_registration_taken(cc_req_t *q);

/* verification.c: the subject's request, the admin queues and decisions */
extern const struct cc_queue cc_queue_candidates_pending, cc_queue_candidates_verified,
    cc_queue_candidates_rejected, cc_queue_hospitals_pending, cc_queue_hospitals_verified,
    cc_queue_hospitals_rejected;
extern const struct cc_decision cc_approve_candidate, cc_reject_candidate, cc_approve_hospital,
    cc_reject_hospital, cc_approve_link, cc_reject_link;
int cc_h_verification_get(cc_req_t *q);
int cc_h_verification_submit(cc_req_t *q);
int cc_h_verification_status(cc_req_t *q);
int cc_h_verification_queue(cc_req_t *q);  /* arg: a cc_queue */
int cc_h_verification_decide(cc_req_t *q); /* arg: a cc_decision */

/* notifications.c */
extern const struct cc_notification_op cc_notification_view, cc_notification_read;
int cc_h_notifications_list(cc_req_t *q);
int cc_h_notifications_mark_all_read(cc_req_t *q);
int cc_h_notification_one(cc_req_t *q); /* arg: cc_notification_view or cc_notification_read */
int cc_h_notification_delete(cc_req_t *q);

/* masters.c: one set of handlers for the three kinds; arg: the kind */
extern const struct cc_master cc_master_skills, cc_master_qualifications, cc_master_locations;
int cc_h_master_list(cc_req_t *q);
int cc_h_master_get(cc_req_t *q);
int cc_h_master_create(cc_req_t *q);
int cc_h_master_write(cc_req_t *q);
int cc_h_master_delete(cc_req_t *q);

/* jobs.c; cc_h_jobs_list's arg: &cc_jobs_ranked for search/, NULL for the plain list */
extern const struct cc_jobs_order cc_jobs_ranked;
int cc_h_jobs_list(cc_req_t *q);
int cc_h_jobs_advanced_search(cc_req_t *q);
int cc_h_job_create(cc_req_t *q);
int cc_h_job_get(cc_req_t *q);
int cc_h_job_write(cc_req_t *q);
int cc_h_job_delete(cc_req_t *q);

/* applications.c */
int cc_h_applications_list(cc_req_t *q);  /* all, or of the job in the path */
int cc_h_application_create(cc_req_t *q); /* the job from the path, or from the body */
int cc_h_application_get(cc_req_t *q);
int cc_h_application_write(cc_req_t *q);
int cc_h_application_delete(cc_req_t *q);
int cc_h_active_list(cc_req_t *q);
int cc_h_active_get(cc_req_t *q);
int cc_h_active_write(cc_req_t *q);
int cc_h_completed_list(cc_req_t *q);
int cc_h_completed_get(cc_req_t *q);

/* matches.c */
int cc_h_matches(cc_req_t *q);

/* documents.c */
int cc_h_documents_list(cc_req_t *q);
int cc_h_document_upload(cc_req_t *q);
int cc_h_document_get(cc_req_t *q);
int cc_h_document_write(cc_req_t *q);
int cc_h_document_delete(cc_req_t *q);
int cc_h_document_download(cc_req_t *q);
int cc_h_document_verify(cc_req_t *q);
/* Opens the process's libmagic handle (child init). Uploads answer 503 when it failed. */
void cc_documents_child_init(apr_pool_t *p, server_rec *s);

/* analytics.c; arg: which document */
extern const struct cc_analytics cc_analytics_users, cc_analytics_jobs, cc_analytics_applications;
int cc_h_analytics(cc_req_t *q);

/* testimonials.c. cc_h_testimonials_list's arg: which list (NULL: testimonials/ itself);
 * cc_h_testimonial_decide's: approve or reject. */
extern const struct cc_testimonial_list cc_testimonials_of_user, cc_testimonials_about_me,
    cc_testimonials_mine;
extern const struct cc_testimonial_decision cc_testimonial_approve, cc_testimonial_reject;
int cc_h_testimonials_list(cc_req_t *q);
int cc_h_testimonial_get(cc_req_t *q);
int cc_h_testimonial_create(cc_req_t *q);
int cc_h_testimonial_write(cc_req_t *q); /* PUT and PATCH */
int cc_h_testimonial_delete(cc_req_t *q);
int cc_h_testimonial_decide(cc_req_t *q); /* arg: cc_testimonial_approve or _reject */

/* messaging.c */
int cc_h_conversations_list(cc_req_t *q);
int cc_h_conversation_create(cc_req_t *q);
int cc_h_conversation_get(cc_req_t *q);
int cc_h_conversation_hide(cc_req_t *q);
int cc_h_messages_list(cc_req_t *q);
int cc_h_message_send(cc_req_t *q);
int cc_h_conversation_read(cc_req_t *q);

/* stream.c */
int cc_h_stream_ticket(cc_req_t *q);
int cc_h_stream(cc_req_t *q);
/* admin.c; cc_h_admin_user_activation's arg: which state it sets, and the answer */
extern const struct cc_admin_activation cc_admin_activate, cc_admin_deactivate, cc_admin_delete;
int cc_h_admin_users_list(cc_req_t *q);
int cc_h_admin_user_create(cc_req_t *q);
int cc_h_admin_user_get(cc_req_t *q);
int cc_h_admin_user_write(cc_req_t *q); /* PUT and PATCH */
int cc_h_admin_user_activation(cc_req_t *q);
int cc_h_admin_dashboard(cc_req_t *q);
int cc_h_admin_activity(cc_req_t *q);
int cc_h_admin_audit_log(cc_req_t *q);
/* packaging: every /api/ request of a server without a key or a database (handlers/service.c) */
int cc_h_unconfigured(cc_req_t *q);
/* preferences.c: the caller's notification preferences (PUT and PATCH both change only the
 * types and channels given) */
int cc_h_preferences_get(cc_req_t *q);
int cc_h_preferences_put(cc_req_t *q);

#endif
