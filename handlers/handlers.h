/* Handler entry points, one group per file in handlers/. Each takes a cc_req_t *. */
#ifndef CC_HANDLERS_H
#define CC_HANDLERS_H

/* service.c */
int cc_h_index(void *q);
int cc_h_health(void *q);

/* accounts.c */
int cc_h_register(void *q);
int cc_h_login(void *q);
int cc_h_recruiter_login(void *q);
int cc_h_admin_login(void *q);
int cc_h_refresh(void *q);
int cc_h_logout(void *q);
int cc_h_verify_email(void *q);
int cc_h_resend_verification(void *q);
int cc_h_password_reset(void *q);
int cc_h_password_reset_confirm(void *q);
int cc_h_change_password(void *q);
int cc_h_profile_get(void *q);
int cc_h_profile_put(void *q);
int cc_h_profile_patch(void *q);

/* profiles.c */
int cc_h_candidate_get(void *q);
int cc_h_candidate_post(void *q);
int cc_h_candidate_put(void *q);
int cc_h_candidate_patch(void *q);
int cc_h_candidate_delete(void *q);
int cc_h_recruiter_get(void *q);
int cc_h_recruiter_post(void *q);
int cc_h_recruiter_put(void *q);
int cc_h_recruiter_patch(void *q);
int cc_h_recruiter_delete(void *q);
int cc_h_hospital_get(void *q);
int cc_h_hospital_post(void *q);
int cc_h_hospital_put(void *q);
int cc_h_hospital_patch(void *q);
int cc_h_hospital_delete(void *q);
int cc_h_verification_get(void *q);
int cc_h_verification_post(void *q);
int cc_h_verification_put(void *q);
int cc_h_verification_status(void *q);
int cc_h_queue_pending(void *q);
int cc_h_queue_verified(void *q);
int cc_h_queue_rejected(void *q);
int cc_h_queue_hospitals_pending(void *q);
int cc_h_queue_hospitals_verified(void *q);
int cc_h_queue_hospitals_rejected(void *q);
int cc_h_approve_verification(void *q);
int cc_h_reject_verification(void *q);
int cc_h_approve_hospital(void *q);
int cc_h_reject_hospital(void *q);
int cc_h_candidate_details(void *q);
int cc_h_hospital_details(void *q);
/* notifications.c */
int cc_h_notifications_list(void *q);
int cc_h_notifications_mark_all_read(void *q);
int cc_h_notification_get(void *q);
int cc_h_notification_delete(void *q);
int cc_h_notification_mark_read(void *q);

/* masters.c: one set of handlers for skills, qualifications and locations (the route's
 * pattern tells the kind) */
int cc_h_master_list(void *q);
int cc_h_master_get(void *q);
int cc_h_master_create(void *q);
int cc_h_master_put(void *q);
int cc_h_master_patch(void *q);
int cc_h_master_delete(void *q);

/* jobs.c */
int cc_h_jobs_list(void *q);
int cc_h_job_create(void *q);
int cc_h_jobs_search(void *q);
int cc_h_jobs_advanced_search(void *q);
int cc_h_job_get(void *q);
int cc_h_job_put(void *q);
int cc_h_job_patch(void *q);
int cc_h_job_delete(void *q);

/* applications.c */
int cc_h_applications_list(void *q);
int cc_h_applications_create(void *q);
int cc_h_application_get(void *q);
int cc_h_application_put(void *q);
int cc_h_application_patch(void *q);
int cc_h_application_delete(void *q);
int cc_h_job_applications_list(void *q);
int cc_h_job_applications_create(void *q);
int cc_h_active_list(void *q);
int cc_h_active_get(void *q);
int cc_h_active_put(void *q);
int cc_h_active_patch(void *q);
int cc_h_completed_list(void *q);
int cc_h_completed_get(void *q);

/* matches.c */
int cc_h_matches(void *q);

/* documents.c */
int cc_h_documents_list(void *q);
int cc_h_document_upload(void *q);
int cc_h_document_get(void *q);
int cc_h_document_put(void *q);
int cc_h_document_patch(void *q);
int cc_h_document_delete(void *q);
int cc_h_document_download(void *q);
int cc_h_document_verify(void *q);
/* Opens the process's libmagic handle (child init). Uploads answer 503 when it failed. */
void cc_documents_child_init(apr_pool_t *p, server_rec *s);

#endif
