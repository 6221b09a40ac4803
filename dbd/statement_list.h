/* The statement list: every SQL statement of the module, one entry each, in one file so a
 * reader sees the whole data access at once. It is an X-macro list, expanded by statements.h
 * (the enum) and statements.c (the table), so the enum, the label, the parameter count and the
 * SQL cannot drift apart:
 *
 *     CC_STMT(name, nparams, CC_READ | CC_WRITE, sql)
 *
 * declares CC_ST_<name>, prepared as cc_<name> (a lower-case SQL identifier: the label is what
 * PostgreSQL's logs and pg_stat_statements show). Placeholders are libpq's $1..$n. CC_READ: safe
 * to run again on a fresh connection after the old one died (dbd/db.c). JSON shapes are built by
 * SQL functions (dbd/sql/), so every endpoint renders a user alike. No include guard: it is
 * meant to be included more than once. */
// clang-format off
CC_STMT(health_check, 0, CC_READ,
        "SELECT 1")
/* What a cached answer is checked against (services/cached.c,
 * dbd/schema/0011_content_version.sql): the versions of the groups catalog, jobs, applications
 * and candidates, the database clock and the first upcoming expiry of an open job (NULL: none),
 * both in microseconds since the epoch. */
CC_STMT(content_stamp, 0, CC_READ,
        "SELECT sum(v) FILTER (WHERE grp = 'catalog')::bigint,"
        " sum(v) FILTER (WHERE grp = 'jobs')::bigint,"
        " sum(v) FILTER (WHERE grp = 'applications')::bigint,"
        " sum(v) FILTER (WHERE grp = 'candidates')::bigint,"
        " (extract(epoch FROM now()) * 1000000)::bigint,"
        " (SELECT (extract(epoch FROM min(j.expires_at)) * 1000000)::bigint"
        " FROM jobs j WHERE j.is_active AND j.expires_at > now())"
        " FROM content_version")
CC_STMT(user_by_email, 1, CC_READ,
        "SELECT id, password, role, is_active, is_verified, token_version"
        " FROM users WHERE lower(email) = lower($1)")
CC_STMT(user_auth, 1, CC_READ,
        "SELECT role, is_active, token_version, email FROM users WHERE id = $1")
CC_STMT(user_json, 1, CC_READ,
        "SELECT cc_user_json(u) FROM users u WHERE id = $1")
CC_STMT(user_login_json, 1, CC_READ,
        "SELECT cc_user_json(u), cc_login_extra_json(u) FROM users u WHERE id = $1")
CC_STMT(user_insert, 5, CC_WRITE,
        "INSERT INTO users (email, password, first_name, last_name, role)"
        " VALUES (lower($1), $2, $3, $4, $5) RETURNING id")
CC_STMT(candidate_profile_insert, 1, CC_WRITE,
        "INSERT INTO candidate_profiles (user_id) VALUES ($1)")
CC_STMT(recruiter_profile_insert, 4, CC_WRITE,
        "INSERT INTO recruiter_profiles (user_id, company_name, designation, phone_number)"
        " VALUES ($1, coalesce($2, ''), coalesce($3, ''), coalesce($4, ''))")
/* a login: last_login, and a row of user_logins (active users per day, analytics) */
CC_STMT(user_touch_login, 1, CC_WRITE,
        "WITH l AS (INSERT INTO user_logins (user_id) VALUES ($1))"
        " UPDATE users SET last_login = now() WHERE id = $1")
CC_STMT(user_update_names, 3, CC_WRITE,
        "UPDATE users SET first_name = coalesce($2, first_name), last_name = coalesce($3, last_name)"
        " WHERE id = $1 RETURNING cc_user_json(users)")
CC_STMT(user_secrets, 1, CC_READ,
        "SELECT password, email, first_name, last_name FROM users WHERE id = $1")
/* bumping token_version kills every token issued before */
CC_STMT(user_set_password, 2, CC_WRITE,
        "UPDATE users SET password = $2, token_version = token_version + 1 WHERE id = $1"
        " RETURNING token_version, role")
CC_STMT(user_mark_verified, 1, CC_WRITE,
        "UPDATE users SET is_verified = true WHERE id = $1")
CC_STMT(refresh_insert, 2, CC_WRITE,
        "INSERT INTO refresh_tokens (user_id, expires_at)"
        " VALUES ($1, now() + make_interval(secs => $2::int))"
        " RETURNING jti, extract(epoch FROM issued_at)::bigint, extract(epoch FROM expires_at)::bigint")
/* the single UPDATE is the race-free check-and-revoke */
CC_STMT(refresh_rotate, 2, CC_WRITE,
        "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'rotated'"
        " WHERE jti = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()"
        " RETURNING user_id")
CC_STMT(refresh_reused, 1, CC_READ,
        "SELECT user_id FROM refresh_tokens"
        " WHERE jti = $1 AND revoked_reason IN ('rotated', 'logout')")
CC_STMT(refresh_revoke_one, 2, CC_WRITE,
        "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'logout'"
        " WHERE jti = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()"
        " RETURNING jti")
CC_STMT(refresh_revoke_all, 2, CC_WRITE,
        "UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2"
        " WHERE user_id = $1 AND revoked_at IS NULL")
/* only the hash of a single-use token is stored */
CC_STMT(ott_insert, 4, CC_WRITE,
        "INSERT INTO one_time_tokens (user_id, purpose, token_hash, expires_at)"
        " VALUES ($1, $2, sha256(convert_to($3, 'UTF8')), now() + make_interval(secs => $4::int))")
CC_STMT(ott_consume, 2, CC_WRITE,
        "UPDATE one_time_tokens SET used_at = now()"
        " WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND purpose = $2"
        " AND used_at IS NULL AND expires_at > now() RETURNING user_id")
CC_STMT(ott_invalidate, 2, CC_WRITE,
        "UPDATE one_time_tokens SET used_at = now()"
        " WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
CC_STMT(ott_recent, 2, CC_READ,
        "SELECT count(*) FROM one_time_tokens"
        " WHERE user_id = $1 AND purpose = $2 AND created_at > now() - interval '60 seconds'")
/* seconds until the max-th most recent failure leaves the window */
CC_STMT(throttle_email, 3, CC_READ,
        "SELECT greatest(1, ceil(extract(epoch FROM at + make_interval(secs => $2::int) - now())))::bigint"
        " FROM login_failures WHERE email = lower($1) AND at > now() - make_interval(secs => $2::int)"
        " ORDER BY at DESC OFFSET $3 LIMIT 1")
CC_STMT(throttle_client, 3, CC_READ,
        "SELECT greatest(1, ceil(extract(epoch FROM at + make_interval(secs => $2::int) - now())))::bigint"
        " FROM login_failures WHERE client = $1 AND at > now() - make_interval(secs => $2::int)"
        " ORDER BY at DESC OFFSET $3 LIMIT 1")
/* also drops rows too old to matter for any window */
CC_STMT(login_failure_insert, 2, CC_WRITE,
        "WITH old AS (DELETE FROM login_failures WHERE at < now() - interval '1 day')"
        " INSERT INTO login_failures (email, client) VALUES (lower($1), $2)")
/* the seconds until the $3-th most recent event of (kind $1, key $2) leaves the window of $4 s,
 * when there are more than $3 of them in it; no row otherwise */
CC_STMT(throttle_wait, 4, CC_READ,
        "SELECT greatest(1, ceil(extract(epoch FROM at + make_interval(secs => $4::int)"
        " - now())))::bigint FROM throttle_events WHERE kind = $1 AND key = $2"
        " AND at > now() - make_interval(secs => $4::int) ORDER BY at DESC OFFSET $3 LIMIT 1")
/* also drops rows too old to matter for any window */
CC_STMT(throttle_event, 2, CC_WRITE,
        "WITH old AS (DELETE FROM throttle_events WHERE at < now() - interval '1 day')"
        " INSERT INTO throttle_events (kind, key) VALUES ($1, $2)")
CC_STMT(login_failure_clear, 1, CC_WRITE,
        "DELETE FROM login_failures WHERE email = lower($1)")
/* a mail to $1 of template $2 (dbd/sql/templates.sql) with the values $3 and the base URL $4
 * (services/mail.c cc_mail_queue) */
CC_STMT(mail_insert, 4, CC_WRITE,
        "INSERT INTO mail_outbox (recipient, subject, body) SELECT $1, t.subject, t.body"
        " FROM cc_mail_template($2, $3::jsonb || jsonb_build_object('base', $4::text)) t"
        " RETURNING id")
/* SKIP LOCKED lets every process and node deliver without doubles */
CC_STMT(mail_claim, 0, CC_WRITE,
        "SELECT id, recipient, subject, body, extract(epoch FROM created_at)::bigint FROM mail_outbox"
        " WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()"
        " AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY id LIMIT 20"
        " FOR UPDATE SKIP LOCKED")
CC_STMT(mail_sent, 1, CC_WRITE,
        "UPDATE mail_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL"
        " WHERE id = $1")
/* exponential backoff, capped at an hour */
CC_STMT(mail_failed, 2, CC_WRITE,
        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2,"
        " next_attempt_at = now() + make_interval(secs => least(3600, 30 * power(2, attempts))::int)"
        " WHERE id = $1")
/* ---- profiles (handlers/profiles.c, hospitals.c, verification.c) ---- */
CC_STMT(candidate_get, 1, CC_READ,
        "SELECT p.id, cc_candidate_profile_json(p) FROM candidate_profiles p WHERE"
        " p.user_id = $1")
CC_STMT(candidate_create, 1, CC_WRITE,
        "INSERT INTO candidate_profiles (user_id) VALUES ($1) ON CONFLICT (user_id) DO"
        " NOTHING RETURNING id")
CC_STMT(candidate_update, 2, CC_WRITE,
        "UPDATE candidate_profiles p SET (phone_number, date_of_birth, gender, address,"
        " city, state, country, headline, summary, years_of_experience, specialization,"
        " certifications, expected_salary, available_from, preferred_job_types,"
        " preferred_locations, updated_at) = (SELECT r.phone_number, r.date_of_birth,"
        " r.gender, r.address, r.city, r.state, r.country, r.headline, r.summary,"
        " r.years_of_experience, r.specialization, r.certifications, r.expected_salary,"
        " r.available_from, r.preferred_job_types, r.preferred_locations, now() FROM"
        " jsonb_populate_record(p, $2::jsonb) r) WHERE p.id = $1")
CC_STMT(candidate_skills_missing, 2, CC_READ,
        "SELECT t.x FROM unnest($2::bigint[]) WITH ORDINALITY AS t(x, o) WHERE NOT EXISTS"
        " (SELECT 1 FROM skills s WHERE s.id = t.x AND (s.is_active OR EXISTS (SELECT 1"
        " FROM candidate_skills c WHERE c.profile_id = $1 AND c.skill_id = t.x))) ORDER BY"
        " t.o")
CC_STMT(candidate_skills_set, 2, CC_WRITE,
        "WITH gone AS (DELETE FROM candidate_skills WHERE profile_id = $1 AND skill_id <>"
        " ALL ($2::bigint[])) INSERT INTO candidate_skills (profile_id, skill_id) SELECT"
        " $1, x FROM unnest($2::bigint[]) x ON CONFLICT DO NOTHING")
CC_STMT(candidate_quals_missing, 2, CC_READ,
        "SELECT t.x FROM unnest($2::bigint[]) WITH ORDINALITY AS t(x, o) WHERE NOT EXISTS"
        " (SELECT 1 FROM qualifications s WHERE s.id = t.x AND (s.is_active OR EXISTS"
        " (SELECT 1 FROM candidate_qualifications c WHERE c.profile_id = $1 AND"
        " c.qualification_id = t.x))) ORDER BY t.o")
CC_STMT(candidate_quals_set, 2, CC_WRITE,
        "WITH gone AS (DELETE FROM candidate_qualifications WHERE profile_id = $1 AND"
        " qualification_id <> ALL ($2::bigint[])) INSERT INTO candidate_qualifications"
        " (profile_id, qualification_id) SELECT $1, x FROM unnest($2::bigint[]) x ON"
        " CONFLICT DO NOTHING")
CC_STMT(candidate_json, 1, CC_READ,
        "SELECT cc_candidate_profile_json(p) FROM candidate_profiles p WHERE p.id = $1")
CC_STMT(candidate_clear, 1, CC_WRITE,
        "UPDATE candidate_profiles SET phone_number = NULL, date_of_birth = NULL, gender"
        " = NULL, address = NULL, city = NULL, state = NULL, country = NULL, headline ="
        " NULL, summary = NULL, years_of_experience = NULL, specialization = NULL,"
        " certifications = '{}', expected_salary = NULL, available_from = NULL,"
        " preferred_job_types = '{}', preferred_locations = '{}', verification_status ="
        " 'pending', verified_at = NULL, verified_by = NULL, rejection_reason = NULL,"
        " updated_at = now() WHERE user_id = $1 RETURNING id")
CC_STMT(candidate_clear_links, 1, CC_WRITE,
        "WITH a AS (DELETE FROM candidate_skills WHERE profile_id = $1), b AS (DELETE"
        " FROM candidate_qualifications WHERE profile_id = $1) DELETE FROM"
        " verification_requests WHERE candidate_profile_id = $1")
CC_STMT(recruiter_get, 1, CC_READ,
        "SELECT p.id, cc_recruiter_profile_json(p) FROM recruiter_profiles p WHERE"
        " p.user_id = $1")
CC_STMT(recruiter_create, 1, CC_WRITE,
        "INSERT INTO recruiter_profiles (user_id) VALUES ($1) ON CONFLICT (user_id) DO"
        " NOTHING RETURNING id")
CC_STMT(recruiter_update, 2, CC_WRITE,
        "UPDATE recruiter_profiles p SET (company_name, designation, phone_number,"
        " company_address, updated_at) = (SELECT r.company_name, r.designation,"
        " r.phone_number, r.company_address, now() FROM jsonb_populate_record(p,"
        " $2::jsonb) r) WHERE p.user_id = $1")
CC_STMT(recruiter_link, 2, CC_WRITE,
        "UPDATE recruiter_profiles SET hospital_id = $2, verification_status = 'pending',"
        " verified_at = NULL, verified_by = NULL, rejection_reason = NULL, updated_at ="
        " now() WHERE user_id = $1 AND hospital_id IS DISTINCT FROM $2::bigint")
CC_STMT(recruiter_clear, 1, CC_WRITE,
        "UPDATE recruiter_profiles SET company_name = '', designation = '', phone_number"
        " = '', company_address = '', verification_status = 'pending', verified_at = NULL,"
        " verified_by = NULL, rejection_reason = NULL, updated_at = now() WHERE user_id ="
        " $1")
CC_STMT(hospital_exists, 1, CC_READ,
        "SELECT 1 FROM hospitals WHERE id = $1")
/* the caller's hospital as it may see it (cc_hospital_for_recruiter_json), and whether it is a
 * member of it (cc_hospital_member: the creator, or an accepted link) */
CC_STMT(hospital_of_recruiter, 1, CC_READ,
        "SELECT h.id, cc_hospital_for_recruiter_json(h, r), cc_hospital_member(h, r) FROM"
        " recruiter_profiles r JOIN hospitals h ON h.id = r.hospital_id WHERE r.user_id = $1")
/* the recruiters linked to the caller's hospital, when the caller is a member of it: what its
 * members need to accept or refuse the links that wait */
CC_STMT(hospital_recruiters_of_member, 1, CC_READ,
        "SELECT cc_hospital_json(h, true)->'recruiters' FROM recruiter_profiles r JOIN hospitals"
        " h ON h.id = r.hospital_id WHERE r.user_id = $1 AND cc_hospital_member(h, r)")
/* may the caller (user $1, a member of its hospital) decide recruiter profile $2's link? the
 * row says the caller is a member; no row: $2 is not linked to the caller's hospital (or is
 * the caller) */
CC_STMT(hospital_link_decider, 2, CC_READ,
        "SELECT cc_hospital_member(h, me) FROM recruiter_profiles me JOIN hospitals h ON h.id ="
        " me.hospital_id JOIN recruiter_profiles them ON them.hospital_id = h.id WHERE"
        " me.user_id = $1 AND them.id = $2 AND them.user_id <> $1")
CC_STMT(hospital_of_recruiter_lock, 1, CC_WRITE,
        "SELECT h.id, h.verification_status, h.created_by = $1 OR r.verification_status ="
        " 'verified', h.name, h.registration_number FROM recruiter_profiles r JOIN"
        " hospitals h ON h.id = r.hospital_id WHERE r.user_id = $1 FOR UPDATE OF h")
CC_STMT(hospital_insert, 2, CC_WRITE,
        "INSERT INTO hospitals (name, registration_number, address, city, state, country,"
        " phone_number, email, type, bed_capacity, website, created_by) SELECT r.name,"
        " r.registration_number, r.address, r.city, r.state, r.country, r.phone_number,"
        " r.email, r.type, r.bed_capacity, r.website, $1 FROM"
        " jsonb_populate_record(NULL::hospitals, $2::jsonb) r RETURNING id")
CC_STMT(hospital_update, 2, CC_WRITE,
        "UPDATE hospitals h SET (name, registration_number, address, city, state,"
        " country, phone_number, email, type, bed_capacity, website, updated_at) = (SELECT"
        " r.name, r.registration_number, r.address, r.city, r.state, r.country,"
        " r.phone_number, r.email, r.type, r.bed_capacity, r.website, now() FROM"
        " jsonb_populate_record(h, $2::jsonb) r) WHERE h.id = $1")
CC_STMT(hospital_reverify, 1, CC_WRITE,
        "UPDATE hospitals SET verification_status = 'pending', verified_at = NULL,"
        " verified_by = NULL, updated_at = now() WHERE id = $1")
CC_STMT(hospital_has_jobs, 1, CC_READ,
        "SELECT EXISTS (SELECT 1 FROM jobs WHERE hospital_id = $1)")
CC_STMT(hospital_delete, 1, CC_WRITE,
        "DELETE FROM hospitals WHERE id = $1")
/* with the hospital's rating (dbd/sql/testimonials.sql) */
CC_STMT(hospital_details, 2, CC_READ,
        "SELECT cc_json_concat(cc_hospital_json(h, $2::boolean), json_build_object('rating',"
        " cc_hospital_rating_json(h.id))) FROM hospitals h WHERE h.id = $1 AND"
        " ($2::boolean OR h.verification_status = 'verified')")
CC_STMT(verification_view_candidate, 1, CC_READ,
        "SELECT json_build_object('subject', 'candidate', 'candidate_profile', p.id,"
        " 'hospital', NULL, 'verification_status', p.verification_status, 'verified_at',"
        " cc_ts(p.verified_at), 'rejection_reason', p.rejection_reason, 'request', (SELECT"
        " cc_verification_request_json(v, true) FROM verification_requests v WHERE"
        " v.candidate_profile_id = p.id)) FROM candidate_profiles p WHERE p.user_id = $1")
CC_STMT(verification_view_hospital, 1, CC_READ,
        "SELECT json_build_object('subject', 'hospital', 'candidate_profile', NULL,"
        " 'hospital', h.id, 'verification_status', h.verification_status, 'verified_at',"
        " cc_ts(h.verified_at), 'rejection_reason', h.rejection_reason, 'request', (SELECT"
        " cc_verification_request_json(v, true) FROM verification_requests v WHERE"
        " v.hospital_id = h.id)) FROM hospitals h WHERE h.id = $1")
CC_STMT(verification_candidate_lock, 1, CC_WRITE,
        "SELECT p.id, p.verification_status, v.id, v.status, p.user_id, u.email,"
        " u.first_name FROM candidate_profiles p JOIN users u ON u.id = p.user_id LEFT"
        " JOIN verification_requests v ON v.candidate_profile_id = p.id WHERE p.id = $1"
        " FOR UPDATE OF p")
CC_STMT(verification_hospital_lock, 1, CC_WRITE,
        "SELECT h.id, h.verification_status, v.id, v.status, h.name FROM hospitals h LEFT"
        " JOIN verification_requests v ON v.hospital_id = h.id WHERE h.id = $1 FOR UPDATE"
        " OF h")
CC_STMT(documents_not_owned, 2, CC_READ,
        "SELECT t.x FROM unnest($2::bigint[]) WITH ORDINALITY AS t(x, o) WHERE NOT EXISTS"
        " (SELECT 1 FROM documents d WHERE d.id = t.x AND d.user_id = $1) ORDER BY t.o")
CC_STMT(verification_upsert_candidate, 3, CC_WRITE,
        "INSERT INTO verification_requests AS v (candidate_profile_id, submitted_by,"
        " license_number, registration_council, specialization, id_document_type,"
        " id_document_number, document_ids) SELECT $1, $2, r.license_number,"
        " r.registration_council, r.specialization, r.id_document_type,"
        " r.id_document_number, coalesce(r.document_ids, '{}') FROM"
        " jsonb_populate_record(NULL::verification_requests, $3::jsonb) r ON CONFLICT"
        " (candidate_profile_id) DO UPDATE SET submitted_by = EXCLUDED.submitted_by,"
        " license_number = EXCLUDED.license_number, registration_council ="
        " EXCLUDED.registration_council, specialization = EXCLUDED.specialization,"
        " id_document_type = EXCLUDED.id_document_type, id_document_number ="
        " EXCLUDED.id_document_number, document_ids = EXCLUDED.document_ids, submitted_at"
        " = CASE WHEN v.status = 'rejected' THEN now() ELSE v.submitted_at END, status ="
        " 'pending', notes = NULL, rejection_reason = NULL, decided_by = NULL, decided_at"
        " = NULL, updated_at = now() RETURNING v.id")
CC_STMT(verification_upsert_hospital, 3, CC_WRITE,
        "INSERT INTO verification_requests AS v (hospital_id, submitted_by,"
        " registration_number, document_ids) SELECT $1, $2, r.registration_number,"
        " coalesce(r.document_ids, '{}') FROM"
        " jsonb_populate_record(NULL::verification_requests, $3::jsonb) r ON CONFLICT"
        " (hospital_id) DO UPDATE SET submitted_by = EXCLUDED.submitted_by,"
        " registration_number = EXCLUDED.registration_number, document_ids ="
        " EXCLUDED.document_ids, submitted_at = CASE WHEN v.status = 'rejected' OR"
        " $3::jsonb ? 'resubmit' THEN now() ELSE v.submitted_at END, status = 'pending',"
        " notes = NULL, rejection_reason = NULL, decided_by = NULL, decided_at = NULL,"
        " updated_at = now() RETURNING v.id")
CC_STMT(verification_event, 4, CC_WRITE,
        "INSERT INTO verification_events (request_id, status, actor_id, reason) VALUES"
        " ($1, $2, $3, $4)")
CC_STMT(verification_decide, 5, CC_WRITE,
        "UPDATE verification_requests SET status = $2, decided_by = $3, decided_at ="
        " now(), notes = $4, rejection_reason = $5, updated_at = now() WHERE id = $1")
CC_STMT(candidate_set_pending, 2, CC_WRITE,
        "UPDATE candidate_profiles SET verification_status = 'pending', verified_at ="
        " NULL, verified_by = NULL, rejection_reason = NULL, specialization = coalesce($2,"
        " specialization), updated_at = now() WHERE id = $1")
CC_STMT(candidate_decide, 4, CC_WRITE,
        "UPDATE candidate_profiles SET verification_status = $2, verified_at = CASE WHEN"
        " $2 = 'verified' THEN now() END, verified_by = CASE WHEN $2 = 'verified' THEN"
        " $3::bigint END, rejection_reason = $4, updated_at = now() WHERE id = $1"
        " RETURNING cc_candidate_profile_json(candidate_profiles)")
CC_STMT(hospital_set_pending, 2, CC_WRITE,
        "UPDATE hospitals SET verification_status = 'pending', verified_at = NULL,"
        " verified_by = NULL, rejection_reason = NULL, registration_number = $2,"
        " updated_at = now() WHERE id = $1")
CC_STMT(hospital_decide, 4, CC_WRITE,
        "UPDATE hospitals SET verification_status = $2, verified_at = CASE WHEN $2 ="
        " 'verified' THEN now() END, verified_by = CASE WHEN $2 = 'verified' THEN"
        " $3::bigint END, rejection_reason = $4, updated_at = now() WHERE id = $1"
        " RETURNING cc_hospital_json(hospitals, true)")
CC_STMT(hospital_recruiters_verify, 2, CC_WRITE,
        "UPDATE recruiter_profiles SET verification_status = 'verified', verified_at ="
        " now(), verified_by = $2, rejection_reason = NULL, updated_at = now() WHERE"
        " hospital_id = $1 AND verification_status = 'pending'")
CC_STMT(hospital_recruiters, 1, CC_WRITE,
        "SELECT r.user_id, u.email, u.first_name FROM recruiter_profiles r JOIN users u"
        " ON u.id = r.user_id WHERE r.hospital_id = $1 ORDER BY r.id")
CC_STMT(recruiter_lock_by_id, 1, CC_WRITE,
        "SELECT r.verification_status, r.user_id, u.email, u.first_name,"
        " h.verification_status FROM recruiter_profiles r JOIN users u ON u.id = r.user_id"
        " LEFT JOIN hospitals h ON h.id = r.hospital_id WHERE r.id = $1 FOR UPDATE OF r")
CC_STMT(recruiter_decide, 4, CC_WRITE,
        "UPDATE recruiter_profiles SET verification_status = $2, verified_at = CASE WHEN"
        " $2 = 'verified' THEN now() END, verified_by = CASE WHEN $2 = 'verified' THEN"
        " $3::bigint END, rejection_reason = $4, updated_at = now() WHERE id = $1"
        " RETURNING cc_recruiter_profile_json(recruiter_profiles)")
CC_STMT(queue_candidates, 5, CC_READ,
        "SELECT count(*) OVER (), (cc_candidate_profile_json(p)::jsonb ||"
        " jsonb_build_object('submitted_at', cc_ts(v.submitted_at),"
        " 'verification_request', cc_verification_request_json(v, true)))::text FROM"
        " verification_requests v JOIN candidate_profiles p ON p.id ="
        " v.candidate_profile_id JOIN users u ON u.id = p.user_id WHERE v.status = $1 AND"
        " ($2::text IS NULL OR u.email ILIKE cc_like($2) OR (u.first_name || ' ' ||"
        " u.last_name) ILIKE cc_like($2) OR p.specialization ILIKE cc_like($2) OR p.city"
        " ILIKE cc_like($2) OR v.license_number ILIKE cc_like($2)) ORDER BY CASE WHEN $3 ="
        " 'submitted_at' THEN v.submitted_at END, CASE WHEN $3 = '-submitted_at' THEN"
        " v.submitted_at END DESC, CASE WHEN $3 = 'decided_at' THEN v.decided_at END, CASE"
        " WHEN $3 = '-decided_at' THEN v.decided_at END DESC, CASE WHEN $3 = 'created_at'"
        " THEN p.created_at END, CASE WHEN $3 = '-created_at' THEN p.created_at END DESC,"
        " v.id LIMIT $4 OFFSET $5")
CC_STMT(queue_hospitals, 5, CC_READ,
        "SELECT count(*) OVER (), (cc_hospital_json(h, true)::jsonb ||"
        " jsonb_build_object('submitted_at', cc_ts(v.submitted_at),"
        " 'verification_request', cc_verification_request_json(v, true)))::text FROM"
        " verification_requests v JOIN hospitals h ON h.id = v.hospital_id WHERE v.status"
        " = $1 AND ($2::text IS NULL OR h.name ILIKE cc_like($2) OR h.registration_number"
        " ILIKE cc_like($2) OR h.city ILIKE cc_like($2) OR h.email ILIKE cc_like($2))"
        " ORDER BY CASE WHEN $3 = 'submitted_at' THEN v.submitted_at END, CASE WHEN $3 ="
        " '-submitted_at' THEN v.submitted_at END DESC, CASE WHEN $3 = 'decided_at' THEN"
        " v.decided_at END, CASE WHEN $3 = '-decided_at' THEN v.decided_at END DESC, CASE"
        " WHEN $3 = 'created_at' THEN h.created_at END, CASE WHEN $3 = '-created_at' THEN"
        " h.created_at END DESC, v.id LIMIT $4 OFFSET $5")
CC_STMT(candidate_details, 3, CC_READ,
        "SELECT (cc_candidate_profile_json(p)::jsonb ||"
        " jsonb_build_object('verification_request', (SELECT"
        " cc_verification_request_json(v, $2::boolean) FROM verification_requests v WHERE"
        " v.candidate_profile_id = p.id), 'documents', (SELECT"
        " coalesce(jsonb_agg(jsonb_build_object('id', d.id, 'document_type',"
        " d.document_type, 'description', d.description, 'original_name', d.original_name,"
        " 'is_verified', d.is_verified, 'expires_on', d.expires_on, 'uploaded_at',"
        " cc_ts(d.uploaded_at)) ORDER BY d.id), '[]') FROM documents d WHERE d.user_id ="
        " p.user_id AND ($2::boolean OR d.document_type <> 'id')), 'rating',"
        " cc_candidate_rating_json(p.id)))::text FROM"
        " candidate_profiles p WHERE p.id = $1 AND ($2::boolean OR"
        " cc_recruiter_sees_candidate($3, p.id))")
CC_STMT(status_candidate, 1, CC_READ,
        "SELECT (jsonb_build_object('role', 'candidate', 'verification_status',"
        " p.verification_status) || cc_candidate_completion(p) ||"
        " jsonb_build_object('documents_count', (SELECT count(*) FROM documents d WHERE"
        " d.user_id = p.user_id), 'verified_documents_count', (SELECT count(*) FROM"
        " documents d WHERE d.user_id = p.user_id AND d.is_verified),"
        " 'hospital_verification_status', NULL))::text FROM candidate_profiles p WHERE"
        " p.user_id = $1")
CC_STMT(status_recruiter, 1, CC_READ,
        "SELECT (jsonb_build_object('role', 'recruiter', 'verification_status',"
        " p.verification_status) || cc_recruiter_completion(p) ||"
        " jsonb_build_object('documents_count', (SELECT count(*) FROM documents d WHERE"
        " d.user_id = p.user_id), 'verified_documents_count', (SELECT count(*) FROM"
        " documents d WHERE d.user_id = p.user_id AND d.is_verified),"
        " 'hospital_verification_status', (SELECT h.verification_status FROM hospitals h"
        " WHERE h.id = p.hospital_id)))::text FROM recruiter_profiles p WHERE p.user_id ="
        " $1")
CC_STMT(status_admin, 1, CC_READ,
        "SELECT jsonb_build_object('role', 'admin', 'verification_status', 'verified',"
        " 'profile_complete', true, 'completeness', 100, 'missing_fields', '[]'::jsonb,"
        " 'documents_count', (SELECT count(*) FROM documents d WHERE d.user_id = $1),"
        " 'verified_documents_count', (SELECT count(*) FROM documents d WHERE d.user_id ="
        " $1 AND d.is_verified), 'hospital_verification_status', NULL)::text")
/* ---- events ---- */
CC_STMT(notify, 5, CC_WRITE,
        "SELECT cc_notify($1, $2, $3, $4, $5::jsonb)")
CC_STMT(audit, 7, CC_WRITE,
        "INSERT INTO audit_log (actor_id, action, target_type, target_id, details, request_id,"
        " client) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)")
/* ---- notifications: always the caller's own ($1 = user id, or $2 next to an object id).
 * Lists walk notifications_user_idx (user_id, id) newest first; unread counts use the
 * partial notifications_unread_idx. Filters: $2 is_read (NULL = any), $3 type (NULL = any).
 * The one-row outer query keeps unread_count when the page itself is empty. ---- */
CC_STMT(notification_page, 5, CC_READ,
        "SELECT u.unread, p.total, p.body"
        " FROM (SELECT count(*) AS unread FROM notifications WHERE user_id = $1 AND NOT is_read) u"
        " LEFT JOIN LATERAL (SELECT n.id, count(*) OVER () AS total,"
        " cc_notification_json(n)::text AS body FROM notifications n"
        " WHERE n.user_id = $1 AND ($2::boolean IS NULL OR n.is_read = $2)"
        " AND ($3::text IS NULL OR n.notification_type = $3)"
        " ORDER BY n.id DESC LIMIT $4::bigint OFFSET $5::bigint) p ON true"
        " ORDER BY p.id DESC")
/* keyset feed, older direction: rows with id < $4, newest first; `more` = whether any
 * matching row lies at or above the boundary (the "previous" side) */
CC_STMT(notification_feed_older, 5, CC_READ,
        "SELECT u.unread, u.more, p.id, p.body"
        " FROM (SELECT (SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT is_read)"
        " AS unread, EXISTS (SELECT 1 FROM notifications m WHERE m.user_id = $1"
        " AND m.id >= $4::bigint AND ($2::boolean IS NULL OR m.is_read = $2)"
        " AND ($3::text IS NULL OR m.notification_type = $3)) AS more) u"
        " LEFT JOIN LATERAL (SELECT n.id, cc_notification_json(n)::text AS body"
        " FROM notifications n WHERE n.user_id = $1 AND n.id < $4::bigint"
        " AND ($2::boolean IS NULL OR n.is_read = $2)"
        " AND ($3::text IS NULL OR n.notification_type = $3)"
        " ORDER BY n.id DESC LIMIT $5::bigint) p ON true"
        " ORDER BY p.id DESC")
/* newer direction: the oldest rows with id > $4, answered newest first; `more` = whether
 * any matching row lies at or below the boundary (the "next" side) */
CC_STMT(notification_feed_newer, 5, CC_READ,
        "SELECT u.unread, u.more, p.id, p.body"
        " FROM (SELECT (SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT is_read)"
        " AS unread, EXISTS (SELECT 1 FROM notifications m WHERE m.user_id = $1"
        " AND m.id <= $4::bigint AND ($2::boolean IS NULL OR m.is_read = $2)"
        " AND ($3::text IS NULL OR m.notification_type = $3)) AS more) u"
        " LEFT JOIN LATERAL (SELECT n.id, cc_notification_json(n)::text AS body"
        " FROM notifications n WHERE n.user_id = $1 AND n.id > $4::bigint"
        " AND ($2::boolean IS NULL OR n.is_read = $2)"
        " AND ($3::text IS NULL OR n.notification_type = $3)"
        " ORDER BY n.id LIMIT $5::bigint) p ON true"
        " ORDER BY p.id DESC")
CC_STMT(notification_get, 2, CC_READ,
        "SELECT cc_notification_json(n)::text FROM notifications n"
        " WHERE n.id = $1 AND n.user_id = $2")
CC_STMT(notification_delete, 2, CC_WRITE,
        "DELETE FROM notifications WHERE id = $1 AND user_id = $2 RETURNING id")
/* idempotent: a second call keeps the first read_at */
CC_STMT(notification_mark_read, 2, CC_WRITE,
        "UPDATE notifications SET is_read = true, read_at = coalesce(read_at, now())"
        " WHERE id = $1 AND user_id = $2 RETURNING cc_notification_json(notifications)::text")
/* counts only the rows that changed */
CC_STMT(notification_mark_all_read, 1, CC_WRITE,
        "WITH changed AS (UPDATE notifications SET is_read = true, read_at = now()"
        " WHERE user_id = $1 AND NOT is_read RETURNING 1) SELECT count(*) FROM changed")
/* ---- master data ---- */
/* Lists: NULL parameters are absent filters; the search is a literal substring (cc_like
 * escapes % _ \); ordering is one of the fixed values the handler accepted. */
CC_STMT(skill_list, 6, CC_READ,
        "SELECT count(*) OVER (), cc_skill_json(s) FROM skills s"
        " WHERE ($1::text IS NULL OR s.name ILIKE cc_like($1) OR s.description ILIKE cc_like($1))"
        " AND ($2::text IS NULL OR s.category = $2) AND ($3::boolean IS NULL OR s.is_active = $3)"
        " ORDER BY CASE WHEN $4::text = '-name' THEN lower(s.name) END DESC,"
        " CASE WHEN $4::text = 'category' THEN s.category END,"
        " CASE WHEN $4::text = '-category' THEN s.category END DESC, lower(s.name), s.id"
        " LIMIT $5::bigint OFFSET $6::bigint")
CC_STMT(skill_get, 1, CC_READ,
        "SELECT cc_skill_json(s) FROM skills s WHERE s.id = $1")
CC_STMT(skill_insert, 4, CC_WRITE,
        "INSERT INTO skills (name, category, description, is_active)"
        " VALUES ($1, $2, $3, $4::boolean) RETURNING id, cc_skill_json(skills)")
/* NULL keeps a column; prev is the row as it was (for the audit log) */
CC_STMT(skill_update, 5, CC_WRITE,
        "UPDATE skills s SET name = coalesce($2, s.name), category = coalesce($3, s.category),"
        " description = coalesce($4, s.description),"
        " is_active = coalesce($5::boolean, s.is_active), updated_at = now()"
        " FROM skills prev WHERE s.id = $1 AND prev.id = s.id"
        " RETURNING cc_skill_json(s), cc_skill_json(prev)")
CC_STMT(skill_delete, 1, CC_WRITE,
        "DELETE FROM skills s WHERE s.id = $1 RETURNING cc_skill_json(s)")
CC_STMT(skill_in_use, 1, CC_READ,
        "SELECT EXISTS (SELECT 1 FROM candidate_skills WHERE skill_id = $1)"
        " OR EXISTS (SELECT 1 FROM job_skills WHERE skill_id = $1)")
CC_STMT(qualification_list, 7, CC_READ,
        "SELECT count(*) OVER (), cc_qualification_json(x) FROM qualifications x"
        " WHERE ($1::text IS NULL OR x.name ILIKE cc_like($1) OR x.field ILIKE cc_like($1))"
        " AND ($2::text IS NULL OR x.level = $2) AND ($3::text IS NULL OR x.level = $3)"
        " AND ($4::boolean IS NULL OR x.is_active = $4)"
        " ORDER BY CASE WHEN $5::text = '-name' THEN lower(x.name) END DESC,"
        " CASE WHEN $5::text = 'level' THEN array_position(ARRAY['certificate', 'diploma',"
        " 'bachelor', 'master', 'doctorate'], x.level) END,"
        " CASE WHEN $5::text = '-level' THEN array_position(ARRAY['certificate', 'diploma',"
        " 'bachelor', 'master', 'doctorate'], x.level) END DESC, lower(x.name), x.id"
        " LIMIT $6::bigint OFFSET $7::bigint")
CC_STMT(qualification_get, 1, CC_READ,
        "SELECT cc_qualification_json(x) FROM qualifications x WHERE x.id = $1")
CC_STMT(qualification_insert, 4, CC_WRITE,
        "INSERT INTO qualifications (name, level, field, is_active)"
        " VALUES ($1, $2, $3, $4::boolean) RETURNING id, cc_qualification_json(qualifications)")
CC_STMT(qualification_update, 5, CC_WRITE,
        "UPDATE qualifications x SET name = coalesce($2, x.name), level = coalesce($3, x.level),"
        " field = coalesce($4, x.field), is_active = coalesce($5::boolean, x.is_active),"
        " updated_at = now() FROM qualifications prev WHERE x.id = $1 AND prev.id = x.id"
        " RETURNING cc_qualification_json(x), cc_qualification_json(prev)")
CC_STMT(qualification_delete, 1, CC_WRITE,
        "DELETE FROM qualifications x WHERE x.id = $1 RETURNING cc_qualification_json(x)")
CC_STMT(qualification_in_use, 1, CC_READ,
        "SELECT EXISTS (SELECT 1 FROM candidate_qualifications WHERE qualification_id = $1)"
        " OR EXISTS (SELECT 1 FROM job_qualifications WHERE qualification_id = $1)")
CC_STMT(location_list, 7, CC_READ,
        "SELECT count(*) OVER (), cc_location_json(l) FROM locations l"
        " WHERE ($1::text IS NULL OR l.city ILIKE cc_like($1) OR l.state ILIKE cc_like($1))"
        " AND ($2::text IS NULL OR lower(l.state) = lower($2))"
        " AND ($3::text IS NULL OR lower(l.country) = lower($3))"
        " AND ($4::boolean IS NULL OR l.is_active = $4)"
        " ORDER BY CASE WHEN $5::text = 'city' THEN lower(l.city) END,"
        " CASE WHEN $5::text = '-city' THEN lower(l.city) END DESC,"
        " CASE WHEN $5::text = '-state' THEN lower(l.state) END DESC,"
        " lower(l.state), lower(l.city), l.id"
        " LIMIT $6::bigint OFFSET $7::bigint")
CC_STMT(location_get, 1, CC_READ,
        "SELECT cc_location_json(l) FROM locations l WHERE l.id = $1")
CC_STMT(location_insert, 4, CC_WRITE,
        "INSERT INTO locations (city, state, country, is_active)"
        " VALUES ($1, $2, $3, $4::boolean) RETURNING id, cc_location_json(locations)")
CC_STMT(location_update, 5, CC_WRITE,
        "UPDATE locations l SET city = coalesce($2, l.city), state = coalesce($3, l.state),"
        " country = coalesce($4, l.country), is_active = coalesce($5::boolean, l.is_active),"
        " updated_at = now() FROM locations prev WHERE l.id = $1 AND prev.id = l.id"
        " RETURNING cc_location_json(l), cc_location_json(prev)")
CC_STMT(location_delete, 1, CC_WRITE,
        "DELETE FROM locations l WHERE l.id = $1 RETURNING cc_location_json(l)")
/* ---- jobs and search (handlers/jobs.c) ---- */
/* who posts: the recruiter profile, its status, its hospital and the hospital's status */
CC_STMT(job_poster, 1, CC_READ,
        "SELECT p.id, p.verification_status, h.id, h.verification_status"
        " FROM recruiter_profiles p LEFT JOIN hospitals h ON h.id = p.hospital_id"
        " WHERE p.user_id = $1")
/* $3: the cleaned body over the defaults of the optional fields */
CC_STMT(job_insert, 3, CC_WRITE,
        "INSERT INTO jobs (hospital_id, posted_by, title, description, requirements, department,"
        " location, city, state, job_type, experience_level, min_experience_years, salary_min,"
        " salary_max, salary_currency, pay_unit, shift, start_date, end_date, vacancies,"
        " expires_at, is_active, required_documents) SELECT $1, $2, r.title, r.description,"
        " r.requirements, r.department, r.location, r.city, r.state, r.job_type,"
        " r.experience_level, r.min_experience_years, r.salary_min, r.salary_max,"
        " r.salary_currency, r.pay_unit, r.shift, r.start_date, r.end_date, r.vacancies,"
        " r.expires_at, r.is_active, r.required_documents"
        " FROM jsonb_populate_record(NULL::jobs, '{\"requirements\": \"\","
        " \"min_experience_years\": 0, \"salary_currency\": \"INR\","
        " \"pay_unit\": \"monthly\", \"vacancies\": 1, \"is_active\": true,"
        " \"required_documents\": []}'::jsonb || $3::jsonb) r RETURNING id")
/* ids that are unknown, or inactive and not already linked to job $1 (NULL on create) */
CC_STMT(job_skills_missing, 2, CC_READ,
        "SELECT t.x FROM unnest($2::bigint[]) WITH ORDINALITY AS t(x, o) WHERE NOT EXISTS"
        " (SELECT 1 FROM skills s WHERE s.id = t.x AND (s.is_active OR EXISTS (SELECT 1"
        " FROM job_skills js WHERE js.job_id = $1::bigint AND js.skill_id = t.x)))"
        " ORDER BY t.o")
CC_STMT(job_quals_missing, 2, CC_READ,
        "SELECT t.x FROM unnest($2::bigint[]) WITH ORDINALITY AS t(x, o) WHERE NOT EXISTS"
        " (SELECT 1 FROM qualifications s WHERE s.id = t.x AND (s.is_active OR EXISTS"
        " (SELECT 1 FROM job_qualifications jq WHERE jq.job_id = $1::bigint"
        " AND jq.qualification_id = t.x))) ORDER BY t.o")
CC_STMT(job_skills_set, 2, CC_WRITE,
        "WITH gone AS (DELETE FROM job_skills WHERE job_id = $1 AND skill_id <>"
        " ALL ($2::bigint[])) INSERT INTO job_skills (job_id, skill_id) SELECT $1, x"
        " FROM unnest($2::bigint[]) x ON CONFLICT DO NOTHING")
CC_STMT(job_quals_set, 2, CC_WRITE,
        "WITH gone AS (DELETE FROM job_qualifications WHERE job_id = $1 AND qualification_id"
        " <> ALL ($2::bigint[])) INSERT INTO job_qualifications (job_id, qualification_id)"
        " SELECT $1, x FROM unnest($2::bigint[]) x ON CONFLICT DO NOTHING")
/* a job the caller may write ($2 admin, else posted by user $3), locked for the write;
 * the current values a partial update is checked against */
CC_STMT(job_lock, 3, CC_WRITE,
        "SELECT j.is_active, j.salary_min::text, j.salary_max::text, j.start_date::text,"
        " j.end_date::text, EXISTS (SELECT 1 FROM applications a WHERE a.job_id = j.id)"
        " FROM jobs j WHERE j.id = $1 AND ($2::boolean OR j.posted_by ="
        " (SELECT p.id FROM recruiter_profiles p WHERE p.user_id = $3)) FOR UPDATE OF j")
/* PATCH semantics: keys absent from $2 keep their column */
CC_STMT(job_update, 2, CC_WRITE,
        "UPDATE jobs j SET (title, description, requirements, department, location, city,"
        " state, job_type, experience_level, min_experience_years, salary_min, salary_max,"
        " salary_currency, pay_unit, shift, start_date, end_date, vacancies, expires_at,"
        " is_active, required_documents, updated_at) = (SELECT r.title, r.description,"
        " r.requirements, r.department, r.location, r.city, r.state, r.job_type,"
        " r.experience_level, r.min_experience_years, r.salary_min, r.salary_max,"
        " r.salary_currency, r.pay_unit, r.shift, r.start_date, r.end_date, r.vacancies,"
        " r.expires_at, r.is_active, r.required_documents, now()"
        " FROM jsonb_populate_record(j, $2::jsonb) r) WHERE j.id = $1")
CC_STMT(job_json, 1, CC_READ,
        "SELECT cc_job_json(j, NULL)::text FROM jobs j WHERE j.id = $1")
/* one job for reader $2 (user id or NULL): the JSON, whether anyone may see it (active and
 * unexpired), and whether the reader posted it */
CC_STMT(job_get, 2, CC_READ,
        "SELECT cc_job_json(j, c.id)::text,"
        " j.is_active AND (j.expires_at IS NULL OR j.expires_at > now()),"
        " r.id IS NOT NULL AND j.posted_by = r.id"
        " FROM jobs j LEFT JOIN candidate_profiles c ON c.user_id = $2::bigint"
        " LEFT JOIN recruiter_profiles r ON r.user_id = $2::bigint WHERE j.id = $1")
CC_STMT(job_delete, 1, CC_WRITE,
        "DELETE FROM jobs WHERE id = $1 RETURNING id")
/* a job was closed: every applicant who has not withdrawn hears of it, in user id order (each
 * notification locks its user's stream counter to commit: one order everywhere, no deadlock;
 * OFFSET 0 keeps the ordered subquery from being flattened) */
CC_STMT(job_closed_notify, 1, CC_WRITE,
        "SELECT count(cc_notify(x.user_id, 'job_update', 'Job closed', 'The job \"' || x.title"
        " || '\" is no longer open.', jsonb_build_object('job', x.job, 'application', x.app)))"
        " FROM (SELECT c.user_id, j.title, j.id AS job, a.id AS app"
        " FROM applications a JOIN jobs j ON j.id = a.job_id"
        " JOIN candidate_profiles c ON c.id = a.candidate_id"
        " WHERE a.job_id = $1 AND a.status <> 'withdrawn' ORDER BY c.user_id OFFSET 0) x")
/* one page of jobs for the list and search endpoints, rendered: see cc_job_page (dbd/sql/jobs.sql)
 * and cc_job_page_cached in front of it (same file). Repeatable: the cache write is an upsert. */
CC_STMT(job_page, 1, CC_READ,
        "SELECT total, results, bad_skill FROM cc_job_page_cached($1::jsonb)")

/* ---- applications and assignments (handlers/applications.c) ---- */
/* Role scope of lists ($1 = user id, $2 = role): admins all, a candidate its own, a
 * recruiter the jobs it posted. `private` renderers (notes, contact details) for every role
 * but the candidate: the scope already limits recruiters to their own jobs. */
#define CC_APP_SCOPE(job, cand)                                                                \
" ($2 = 'admin' OR ($2 = 'candidate' AND " cand " = (SELECT p.id FROM candidate_profiles"  \
" p WHERE p.user_id = $1)) OR ($2 = 'recruiter' AND " job " IN (SELECT j.id FROM jobs j"   \
" JOIN recruiter_profiles r ON r.id = j.posted_by WHERE r.user_id = $1)))"
/* $3 statuses (comma list, validated) or NULL, $4 job id or NULL, $5 ordering */
CC_STMT(application_list, 7, CC_READ,
        "SELECT count(*) OVER (), cc_application_json(a, $2 <> 'candidate')::text"
        " FROM applications a WHERE" CC_APP_SCOPE("a.job_id", "a.candidate_id")
        " AND ($3::text IS NULL OR a.status = ANY (string_to_array($3, ',')))"
        " AND ($4::bigint IS NULL OR a.job_id = $4::bigint)"
        " ORDER BY CASE WHEN $5::text = 'applied_at' THEN a.applied_at END,"
        " CASE WHEN $5::text = '-applied_at' THEN a.applied_at END DESC,"
        " CASE WHEN $5::text = 'updated_at' THEN a.updated_at END,"
        " CASE WHEN $5::text = '-updated_at' THEN a.updated_at END DESC,"
        " CASE WHEN left($5::text, 1) = '-' THEN a.id END DESC, a.id"
        " LIMIT $6::bigint OFFSET $7::bigint")
CC_STMT(application_get, 3, CC_READ,
        "SELECT cc_application_json(a, $2 <> 'candidate')::text FROM applications a"
        " WHERE a.id = $3::bigint AND cc_assignment_visible(a.job_id, a.candidate_id, $1, $2)")
/* the job's recruiter and admins see a job's applications */
CC_STMT(application_job_visible, 3, CC_READ,
        "SELECT j.id FROM jobs j WHERE j.id = $3::bigint AND ($2 = 'admin' OR j.posted_by ="
        " (SELECT r.id FROM recruiter_profiles r WHERE r.user_id = $1))")
/* id, is_active, expired, title, the recruiter's user id */
CC_STMT(application_job_for_apply, 1, CC_READ,
        "SELECT j.id, j.is_active, j.expires_at IS NOT NULL AND j.expires_at <= now(), j.title,"
        " r.user_id FROM jobs j LEFT JOIN recruiter_profiles r ON r.id = j.posted_by"
        " WHERE j.id = $1::bigint")
/* the UNIQUE (job_id, candidate_id) constraint decides duplicates (23505) */
CC_STMT(application_insert, 3, CC_WRITE,
        "INSERT INTO applications (job_id, candidate_id, cover_letter)"
        " SELECT $1::bigint, p.id, $3 FROM candidate_profiles p WHERE p.user_id = $2"
        " RETURNING id")
/* the types job $1 requires that user $2 holds no unexpired document of, in the job's order;
 * the documents that qualify are locked (FOR SHARE) until the application commits, so none is
 * deleted or expired by an edit in between */
CC_STMT(application_missing_documents, 2, CC_WRITE,
        "WITH held AS (SELECT d.document_type FROM documents d WHERE d.user_id = $2::bigint"
        " AND NOT cc_document_expired(d.expires_on) FOR SHARE OF d)"
        " SELECT t.x FROM jobs j, unnest(j.required_documents) WITH ORDINALITY AS t(x, o)"
        " WHERE j.id = $1::bigint AND t.x <> ALL (ARRAY(SELECT h.document_type FROM held h))"
        " ORDER BY t.o")
CC_STMT(application_event, 3, CC_WRITE,
        "INSERT INTO application_events (application_id, status, changed_by)"
        " VALUES ($1, $2, $3)")
CC_STMT(application_render, 2, CC_READ,
        "SELECT cc_application_json(a, $2::boolean)::text FROM applications a"
        " WHERE a.id = $1::bigint")
/* id, status, cover_letter, notes, job id, candidate profile id, candidate user id,
 * recruiter user id, job title, candidate email, candidate first name */
CC_STMT(application_lock, 1, CC_WRITE,
        "SELECT a.id, a.status, a.cover_letter, a.notes, a.job_id, a.candidate_id, p.user_id,"
        " r.user_id, j.title, u.email, u.first_name FROM applications a"
        " JOIN jobs j ON j.id = a.job_id JOIN candidate_profiles p ON p.id = a.candidate_id"
        " JOIN users u ON u.id = p.user_id LEFT JOIN recruiter_profiles r ON r.id = j.posted_by"
        " WHERE a.id = $1::bigint FOR UPDATE OF a")
/* NULL keeps a column */
CC_STMT(application_update, 4, CC_WRITE,
        "UPDATE applications SET status = coalesce($2, status),"
        " cover_letter = coalesce($3, cover_letter), notes = coalesce($4, notes),"
        " updated_at = now() WHERE id = $1::bigint")
CC_STMT(active_job_from_hire, 1, CC_WRITE,
        "INSERT INTO active_jobs (application_id, job_id, candidate_id)"
        " SELECT a.id, a.job_id, a.candidate_id FROM applications a WHERE a.id = $1::bigint"
        " ON CONFLICT (application_id) DO NOTHING RETURNING id")
/* $3 status or NULL, $4 job id or NULL; newest first */
CC_STMT(active_job_list, 6, CC_READ,
        "SELECT count(*) OVER (), cc_active_job_json(x, $2 <> 'candidate')::text"
        " FROM active_jobs x WHERE" CC_APP_SCOPE("x.job_id", "x.candidate_id")
        " AND ($3::text IS NULL OR x.status = $3) AND ($4::bigint IS NULL OR x.job_id = $4::bigint)"
        " ORDER BY x.created_at DESC, x.id DESC LIMIT $5::bigint OFFSET $6::bigint")
CC_STMT(active_job_get, 3, CC_READ,
        "SELECT cc_active_job_json(x, $2 <> 'candidate')::text FROM active_jobs x"
        " WHERE x.id = $3::bigint AND cc_assignment_visible(x.job_id, x.candidate_id, $1, $2)")
/* id, status, start_date, end_date, job id, candidate user id, recruiter user id, title */
CC_STMT(active_job_lock, 1, CC_WRITE,
        "SELECT x.id, x.status, to_char(x.start_date, 'YYYY-MM-DD'),"
        " to_char(x.end_date, 'YYYY-MM-DD'), x.job_id, p.user_id,"
        " r.user_id, j.title FROM active_jobs x JOIN jobs j ON j.id = x.job_id"
        " JOIN candidate_profiles p ON p.id = x.candidate_id"
        " LEFT JOIN recruiter_profiles r ON r.id = j.posted_by"
        " WHERE x.id = $1::bigint FOR UPDATE OF x")
/* $2 status or NULL, $3 end date or NULL (kept); finishing without one ends today */
CC_STMT(active_job_update, 3, CC_WRITE,
        "UPDATE active_jobs x SET status = coalesce($2, x.status),"
        " end_date = CASE WHEN $2 IN ('completed', 'terminated')"
        " THEN coalesce($3::date, x.end_date, greatest(x.start_date, current_date))"
        " ELSE coalesce($3::date, x.end_date) END, updated_at = now()"
        " WHERE x.id = $1::bigint")
CC_STMT(active_job_render, 2, CC_READ,
        "SELECT cc_active_job_json(x, $2::boolean)::text FROM active_jobs x"
        " WHERE x.id = $1::bigint")
/* the completion date is the assignment's end date */
CC_STMT(completed_job_insert, 3, CC_WRITE,
        "INSERT INTO completed_jobs (active_job_id, job_id, candidate_id, completion_date,"
        " rating, feedback) SELECT x.id, x.job_id, x.candidate_id, x.end_date, $2::integer,"
        " coalesce($3, '') FROM active_jobs x WHERE x.id = $1::bigint RETURNING id")
CC_STMT(completed_job_list, 5, CC_READ,
        "SELECT count(*) OVER (), cc_completed_job_json(c, $2 <> 'candidate')::text"
        " FROM completed_jobs c WHERE" CC_APP_SCOPE("c.job_id", "c.candidate_id")
        " AND ($3::bigint IS NULL OR c.job_id = $3::bigint)"
        " ORDER BY c.created_at DESC, c.id DESC LIMIT $4::bigint OFFSET $5::bigint")
CC_STMT(completed_job_get, 3, CC_READ,
        "SELECT cc_completed_job_json(c, $2 <> 'candidate')::text FROM completed_jobs c"
        " WHERE c.id = $3::bigint AND cc_assignment_visible(c.job_id, c.candidate_id, $1, $2)")
#undef CC_APP_SCOPE

/* ---- matching (handlers/matches.c) ---- */
/* The ranking functions (dbd/sql/matching.sql; the candidate's behind cc_match_rank_jobs_cached)
 * return one page in rank order with the total; the rows are rendered here. $1 = the caller's
 * user id (candidate) or the job id; then min_score, limit, offset. The offset, (page - 1) *
 * page_size, reaches 10^14 for a 12-digit page while the functions add it to the limit in
 * integers: clamped to 10^9, such a page is past the end (404 Invalid page), not an integer
 * overflow (a 500 the schema fuzzer found with ?page=2147483648). */
CC_STMT(match_jobs_page, 4, CC_READ,
        "SELECT m.total, json_build_object('job', cc_match_job_json(j), 'match_score', m.score,"
        " 'match_factors', cc_match_json(p.id, j.id)->'match_factors')::text"
        " FROM candidate_profiles p"
        " CROSS JOIN LATERAL cc_match_rank_jobs_cached(p.id, $2::integer, $3::integer,"
        " least($4::bigint, 1000000000)::integer)"
        " WITH ORDINALITY AS m (total, id, score, o)"
        " JOIN jobs j ON j.id = m.id WHERE p.user_id = $1 ORDER BY m.o")
/* the job when the caller may rank candidates for it: its recruiter, or any admin ($2 NULL) */
CC_STMT(match_job_visible, 2, CC_READ,
        "SELECT j.id FROM jobs j WHERE j.id = $1 AND ($2::bigint IS NULL OR j.posted_by ="
        " (SELECT r.id FROM recruiter_profiles r WHERE r.user_id = $2))")
CC_STMT(match_candidates_page, 4, CC_READ,
        "SELECT m.total, json_build_object('candidate', cc_match_candidate_json(c),"
        " 'match_score', m.score, 'match_factors', cc_match_json(c.id, $1)->'match_factors')::text"
        " FROM cc_match_rank_candidates($1, $2::integer, $3::integer,"
        " least($4::bigint, 1000000000)::integer)"
        " WITH ORDINALITY AS m (total, id, score, o)"
        " JOIN candidate_profiles c ON c.id = m.id ORDER BY m.o")


/* a new open job: notify the candidates it matches at >= 80 (cc_notify_job_matches,
 * dbd/sql/events.sql) */
CC_STMT(job_notify_matches, 1, CC_WRITE,
        "SELECT cc_notify_job_matches($1::bigint)")

/* ---- documents (handlers/documents.c). Owner-or-admin checks are in the WHERE clause:
 * $2 = the caller's user id, $3 = true for an admin; $4 (or the last) = the base URL of
 * download_url. Another user's document is no row, answered 404. */
/* Locks the owner's users row: uploads of one user queue here, so two cannot both pass
 * the limits. The count is a separate statement so that it sees (READ COMMITTED) what an
 * upload that held the lock before committed. */
CC_STMT(document_lock_owner, 1, CC_WRITE,
        "SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE")
CC_STMT(document_quota, 1, CC_READ,
        "SELECT count(*), coalesce(sum(size), 0) FROM documents WHERE user_id = $1")
CC_STMT(document_insert, 8, CC_WRITE,
        "INSERT INTO documents (user_id, document_type, description, original_name,"
        " content_type, size, sha256, expires_on) VALUES ($1, $2, coalesce($3, ''), $4, $5,"
        " $6::bigint, $7, $8::date) RETURNING id")
/* $3 is a binary parameter (the chunk's bytes) */
CC_STMT(document_chunk_insert, 3, CC_WRITE,
        "INSERT INTO document_chunks (document_id, seq, data) VALUES ($1::bigint, $2::integer,"
        " $3::bytea)")
/* $1 owner (NULL: every owner, admins only), $2 base, $3 document_type, $4 is_verified,
 * $5 limit, $6 offset. The total comes from the outer row even when the page is empty. */
CC_STMT(document_page, 6, CC_READ,
        "SELECT t.total, CASE WHEN d.id IS NOT NULL THEN cc_document_json(d, $2)::text END"
        " FROM (SELECT count(*) AS total FROM"
        " documents x WHERE ($1::bigint IS NULL OR x.user_id = $1) AND ($3::text IS NULL OR"
        " x.document_type = $3) AND ($4::boolean IS NULL OR x.is_verified = $4)) t"
        " LEFT JOIN LATERAL (SELECT * FROM documents x WHERE ($1::bigint IS NULL OR"
        " x.user_id = $1) AND ($3::text IS NULL OR x.document_type = $3) AND ($4::boolean IS"
        " NULL OR x.is_verified = $4) ORDER BY x.id DESC LIMIT $5::bigint OFFSET $6::bigint) d"
        " ON true")
CC_STMT(document_get, 4, CC_READ,
        "SELECT cc_document_json(d, $4)::text FROM documents d WHERE d.id = $1 AND"
        " (d.user_id = $2 OR $3::boolean)")
/* $5 = the cleaned fields as jsonb (absent keys keep their value). An owner's change of
 * type or expiry withdraws a verification (the admin verified something else); an
 * admin's edit keeps it. */
CC_STMT(document_update, 5, CC_WRITE,
        "UPDATE documents d SET (document_type, description, expires_on, is_verified,"
        " verified_at, verified_by, updated_at) = (SELECT r.document_type, r.description,"
        " r.expires_on, d.is_verified AND k.keep, CASE WHEN k.keep THEN d.verified_at END,"
        " CASE WHEN k.keep THEN d.verified_by END, now()"
        " FROM jsonb_populate_record(d, $5::jsonb) r, LATERAL (SELECT $3::boolean OR"
        " (r.document_type = d.document_type AND r.expires_on IS NOT DISTINCT FROM"
        " d.expires_on) AS keep) k)"
        " WHERE d.id = $1 AND (d.user_id = $2 OR $3::boolean)"
        " RETURNING cc_document_json(d, $4)::text")
CC_STMT(document_delete, 3, CC_WRITE,
        "DELETE FROM documents d WHERE d.id = $1 AND (d.user_id = $2 OR $3::boolean)"
        " RETURNING d.id")
/* admin: $1 id, $2 admin's user id, $3 is_verified, $4 notes (NULL keeps none), $5 base */
CC_STMT(document_verify, 5, CC_WRITE,
        "UPDATE documents d SET is_verified = $3::boolean, verified_at = CASE WHEN"
        " $3::boolean THEN now() END, verified_by = CASE WHEN $3::boolean THEN $2::bigint END,"
        " verification_notes = coalesce($4, ''), updated_at = now() WHERE d.id = $1"
        " RETURNING d.user_id, d.document_type, cc_document_json(d, $5)::text")
/* What a download needs, when $2 (user id, role $3) may read the document. */
CC_STMT(document_download, 3, CC_READ,
        "SELECT d.original_name, d.content_type, d.size, d.sha256, (SELECT count(*) FROM"
        " document_chunks c WHERE c.document_id = d.id) FROM documents d WHERE d.id = $1 AND"
        " cc_document_readable(d, $2::bigint, $3)")
/* read with a binary result: the chunk's raw bytes */
CC_STMT(document_chunk, 2, CC_READ,
        "SELECT data FROM document_chunks WHERE document_id = $1::bigint AND seq ="
        " $2::integer")

/* ---- analytics (handlers/analytics.c, dbd/sql/analytics.sql) ---- */
/* $1 from, $2 to (dates or NULL), $3 the time zone: whether it is one, and the range with its
 * defaults (to: today in the zone; from: 29 days before to) */
CC_STMT(analytics_range, 3, CC_READ,
        "SELECT v, coalesce($1::date, d.t - 29), d.t"
        " FROM cc_tz_valid($3) v, LATERAL (SELECT CASE WHEN v THEN coalesce($2::date,"
        " (now() AT TIME ZONE $3)::date) END AS t) d")
/* one document: $5 users | jobs | applications; as CSV when $6 */
CC_STMT(analytics_document, 6, CC_READ,
        "SELECT CASE WHEN $6::boolean THEN cc_analytics_csv(d) ELSE d::text END FROM (SELECT"
        " CASE $5 WHEN 'users' THEN cc_analytics_users($1::date, $2::date, $3, $4)"
        " WHEN 'jobs' THEN cc_analytics_jobs($1::date, $2::date, $3, $4)"
        " ELSE cc_analytics_applications($1::date, $2::date, $3, $4) END AS d) x")

/* ---- testimonials (handlers/testimonials.c; dbd/sql/testimonials.sql) ---- */
/* The two parties of a completed job: the candidate's user and the user of the recruiter
 * profile that posted the job (NULL when that profile is gone). */
CC_STMT(testimonial_job_parties, 1, CC_READ,
        "SELECT p.user_id, r.user_id FROM completed_jobs c"
        " JOIN candidate_profiles p ON p.id = c.candidate_id JOIN jobs j ON j.id = c.job_id"
        " LEFT JOIN recruiter_profiles r ON r.id = j.posted_by WHERE c.id = $1::bigint")
CC_STMT(testimonial_user_exists, 1, CC_READ,
        "SELECT 1 FROM users WHERE id = $1::bigint")
/* $1 author, $2 subject, $3 completed job or NULL; a second one of an author on a job is the
 * unique violation of testimonials_one_per_job */
CC_STMT(testimonial_insert, 6, CC_WRITE,
        "INSERT INTO testimonials (given_by, given_to, completed_job_id, rating, title, content)"
        " VALUES ($1::bigint, $2::bigint, $3::bigint, $4::integer, $5, $6)"
        " RETURNING id, cc_testimonial_json(testimonials)::text")
/* $2 viewer's user id (NULL: anonymous), $3 its role */
CC_STMT(testimonial_get, 3, CC_READ,
        "SELECT cc_testimonial_json(t)::text FROM testimonials t WHERE t.id = $1::bigint AND"
        " cc_testimonial_readable(t, $2::bigint, $3)")
/* A testimonial to change, locked: id, author, subject, status, the author's email. */
CC_STMT(testimonial_lock, 1, CC_WRITE,
        "SELECT t.id, t.given_by, t.given_to, t.status, u.email FROM testimonials t"
        " JOIN users u ON u.id = t.given_by WHERE t.id = $1::bigint FOR UPDATE OF t")
/* $2 admin, $3 the cleaned fields as jsonb (absent keys keep their value). An author's change
 * re-queues it (pending, the rejection and the decision cleared); an admin's change, or none,
 * keeps its state. */
CC_STMT(testimonial_update, 3, CC_WRITE,
        "UPDATE testimonials t SET (rating, title, content, status, rejection_reason,"
        " decided_by, decided_at, updated_at) = (SELECT r.rating, r.title, r.content,"
        " CASE WHEN k.keep THEN t.status ELSE 'pending' END, CASE WHEN k.keep THEN"
        " t.rejection_reason END, CASE WHEN k.keep THEN t.decided_by END, CASE WHEN k.keep THEN"
        " t.decided_at END, CASE WHEN k.same THEN t.updated_at ELSE now() END"
        " FROM jsonb_populate_record(t, $3::jsonb) r, LATERAL (SELECT (r.rating, r.title,"
        " r.content) IS NOT DISTINCT FROM (t.rating, t.title, t.content) AS same) s,"
        " LATERAL (SELECT s.same, $2::boolean OR s.same AS keep) k)"
        " WHERE t.id = $1::bigint RETURNING cc_testimonial_json(t)::text")
CC_STMT(testimonial_delete, 1, CC_WRITE,
        "DELETE FROM testimonials WHERE id = $1::bigint")
/* admin: $2 approved|rejected, $3 the reason (rejections only), $4 the admin */
CC_STMT(testimonial_decide, 4, CC_WRITE,
        "UPDATE testimonials SET status = $2, rejection_reason = $3, decided_by = $4::bigint,"
        " decided_at = now(), updated_at = now() WHERE id = $1::bigint"
        " RETURNING cc_testimonial_json(testimonials)::text")
/* Lists, newest first: count and rendered rows, then $n limit and $n+1 offset. The public
 * list: approved ones ($1 ?is_approved, NULL: absent). */
CC_STMT(testimonial_page_public, 3, CC_READ,
        "SELECT count(*) OVER (), cc_testimonial_json(t)::text FROM testimonials t"
        " WHERE t.status = 'approved' AND ($1::boolean IS NULL OR $1::boolean)"
        " ORDER BY t.created_at DESC, t.id DESC LIMIT $2::bigint OFFSET $3::bigint")
/* admins: every state, $1 ?is_approved */
CC_STMT(testimonial_page_all, 3, CC_READ,
        "SELECT count(*) OVER (), cc_testimonial_json(t)::text FROM testimonials t"
        " WHERE ($1::boolean IS NULL OR (t.status = 'approved') = $1::boolean)"
        " ORDER BY t.created_at DESC, t.id DESC LIMIT $2::bigint OFFSET $3::bigint")
/* the approved ones about user $1 (user/<id>/, about-me/), $2 ?is_approved */
CC_STMT(testimonial_page_about, 4, CC_READ,
        "SELECT count(*) OVER (), cc_testimonial_json(t)::text FROM testimonials t"
        " WHERE t.given_to = $1::bigint AND t.status = 'approved'"
        " AND ($2::boolean IS NULL OR $2::boolean)"
        " ORDER BY t.created_at DESC, t.id DESC LIMIT $3::bigint OFFSET $4::bigint")
/* what user $1 wrote, in any state (my-reviews/), $2 ?is_approved */
CC_STMT(testimonial_page_by, 4, CC_READ,
        "SELECT count(*) OVER (), cc_testimonial_json(t)::text FROM testimonials t"
        " WHERE t.given_by = $1::bigint"
        " AND ($2::boolean IS NULL OR (t.status = 'approved') = $2::boolean)"
        " ORDER BY t.created_at DESC, t.id DESC LIMIT $3::bigint OFFSET $4::bigint")
/* ---- messaging (handlers/messaging.c, sql/messaging.sql): $1 the conversation, $2 the
 * caller, who must be a participant (no row: 404) ---- */
/* per requested user id (in the order sent): whether it exists, is active, and may talk with
 * the caller ($1) about job $3 (NULL: any) */
CC_STMT(msg_users_check, 3, CC_READ,
        "SELECT t.i, u.id IS NOT NULL, coalesce(u.is_active, false),"
        " coalesce(cc_messaging_may_talk($1::bigint, t.i, $3::bigint), false)"
        " FROM unnest($2::bigint[]) WITH ORDINALITY AS t (i, o) LEFT JOIN users u ON u.id = t.i"
        " ORDER BY t.o")
CC_STMT(msg_job_exists, 1, CC_READ,
        "SELECT 1 FROM jobs WHERE id = $1::bigint")
/* a two-person conversation: the existing one of the pair key, or a new one; `created` tells.
 * ON CONFLICT waits for a concurrent creation of the same pair, then answers its row */
CC_STMT(msg_conversation_upsert, 3, CC_WRITE,
        "WITH ins AS (INSERT INTO conversations (job_id, created_by, pair_key)"
        " VALUES ($1::bigint, $2::bigint, $3) ON CONFLICT (pair_key) DO NOTHING RETURNING id)"
        " SELECT id, true FROM ins UNION ALL"
        " SELECT id, false FROM conversations WHERE pair_key = $3 AND NOT EXISTS (SELECT 1 FROM ins)")
/* $1 job, $2 creator; groups have no pair key */
CC_STMT(msg_conversation_insert, 2, CC_WRITE,
        "INSERT INTO conversations (job_id, created_by) VALUES ($1::bigint, $2::bigint)"
        " RETURNING id, true")
/* $2 the user ids (the caller among them); an existing conversation is shown to the caller
 * again ($3) */
CC_STMT(msg_participants_add, 3, CC_WRITE,
        "WITH ins AS (INSERT INTO conversation_participants (conversation_id, user_id)"
        " SELECT $1::bigint, unnest($2::bigint[]) ON CONFLICT DO NOTHING)"
        " UPDATE conversation_participants SET hidden = false"
        " WHERE conversation_id = $1::bigint AND user_id = $3::bigint")
CC_STMT(msg_conversation_get, 2, CC_READ,
        "SELECT cc_conversation_json(c, $2::bigint)::text FROM conversations c"
        " JOIN conversation_participants p ON p.conversation_id = c.id AND p.user_id = $2::bigint"
        " WHERE c.id = $1::bigint")
/* the caller's ($1) visible conversations, newest activity first: count, rendered row; $2
 * limit, $3 offset */
CC_STMT(msg_conversation_page, 3, CC_READ,
        "SELECT count(*) OVER (), cc_conversation_json(c, $1::bigint)::text"
        " FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id"
        " WHERE p.user_id = $1::bigint AND NOT p.hidden"
        " ORDER BY c.updated_at DESC, c.id DESC LIMIT $2::bigint OFFSET $3::bigint")
CC_STMT(msg_conversation_hide, 2, CC_WRITE,
        "UPDATE conversation_participants SET hidden = true"
        " WHERE conversation_id = $1::bigint AND user_id = $2::bigint RETURNING 1")
/* $3 the content: the message (id, JSON as the sender sees it) when $2 is a participant; the
 * conversation's activity moves and every participant sees it again */
CC_STMT(msg_send, 3, CC_WRITE,
        "WITH m AS (INSERT INTO messages (conversation_id, sender_id, content)"
        " SELECT $1::bigint, $2::bigint, $3 WHERE EXISTS (SELECT 1 FROM conversation_participants"
        " WHERE conversation_id = $1::bigint AND user_id = $2::bigint) RETURNING *),"
        " c AS (UPDATE conversations SET last_message_id = m.id, updated_at = m.created_at"
        " FROM m WHERE conversations.id = m.conversation_id),"
        " p AS (UPDATE conversation_participants SET hidden = false FROM m"
        " WHERE conversation_participants.conversation_id = m.conversation_id"
        " AND conversation_participants.hidden)"
        " SELECT m.id, cc_message_json(m, $2::bigint)::text FROM m")
/* $3 the message: a notification `message` for every other participant, in user id order */
CC_STMT(msg_notify, 4, CC_WRITE,
        "SELECT count(cc_notify(p.user_id, 'message', 'New message from ' || btrim(u.first_name"
        " || ' ' || u.last_name), left($4, 200),"
        " jsonb_build_object('conversation', $1::bigint, 'message', $3::bigint)))"
        " FROM (SELECT user_id FROM conversation_participants WHERE conversation_id = $1::bigint"
        " AND user_id <> $2::bigint ORDER BY user_id) p, users u WHERE u.id = $2::bigint")
/* read/: how many messages to the caller were unread; its read mark moves to the newest
 * message and its `message` notifications of this conversation are read too. No row: not a
 * participant */
CC_STMT(msg_read, 2, CC_WRITE,
        "WITH p AS (SELECT last_read_id FROM conversation_participants"
        " WHERE conversation_id = $1::bigint AND user_id = $2::bigint FOR UPDATE),"
        " n AS (SELECT count(*) AS n FROM messages m, p WHERE m.conversation_id = $1::bigint"
        " AND m.id > p.last_read_id AND m.sender_id IS DISTINCT FROM $2::bigint),"
        " u AS (UPDATE conversation_participants SET last_read_id = greatest(last_read_id,"
        " coalesce((SELECT max(id) FROM messages WHERE conversation_id = $1::bigint), 0))"
        " WHERE conversation_id = $1::bigint AND user_id = $2::bigint),"
        " x AS (UPDATE notifications SET is_read = true, read_at = now() WHERE user_id ="
        " $2::bigint AND notification_type = 'message' AND NOT is_read"
        " AND data->>'conversation' = $1::text)"
        " SELECT n.n FROM n, p")
/* the feed: `member` (the caller is a participant), `more`, then the page rows (id, JSON);
 * older: id < $3 newest first, more = rows at or above the boundary; $4 limit */
CC_STMT(msg_feed_older, 4, CC_READ,
        "SELECT u.member, u.more, m.id, m.body"
        " FROM (SELECT EXISTS (SELECT 1 FROM conversation_participants WHERE conversation_id ="
        " $1::bigint AND user_id = $2::bigint) AS member, EXISTS (SELECT 1 FROM messages x"
        " WHERE x.conversation_id = $1::bigint AND x.id >= $3::bigint) AS more) u"
        " LEFT JOIN LATERAL (SELECT m.id, cc_message_json(m, $2::bigint)::text AS body"
        " FROM messages m WHERE u.member AND m.conversation_id = $1::bigint AND m.id < $3::bigint"
        " ORDER BY m.id DESC LIMIT $4::bigint) m ON true ORDER BY m.id DESC")
/* newer: the oldest rows with id > $3, answered newest first; more = rows at or below it */
CC_STMT(msg_feed_newer, 4, CC_READ,
        "SELECT u.member, u.more, m.id, m.body"
        " FROM (SELECT EXISTS (SELECT 1 FROM conversation_participants WHERE conversation_id ="
        " $1::bigint AND user_id = $2::bigint) AS member, EXISTS (SELECT 1 FROM messages x"
        " WHERE x.conversation_id = $1::bigint AND x.id <= $3::bigint) AS more) u"
        " LEFT JOIN LATERAL (SELECT m.id, cc_message_json(m, $2::bigint)::text AS body"
        " FROM messages m WHERE u.member AND m.conversation_id = $1::bigint AND m.id > $3::bigint"
        " ORDER BY m.id LIMIT $4::bigint) m ON true ORDER BY m.id DESC")
/* ---- the live stream (handlers/stream.c, sql/stream.sql) ---- */
/* a ticket for user $1 under token version $2; $3 the ticket (only its SHA-256 is stored).
 * Also drops expired tickets and this user's events older than the replay window (7 days) */
CC_STMT(stream_ticket_insert, 3, CC_WRITE,
        "WITH old AS (DELETE FROM stream_tickets WHERE expires_at < now() - interval '1 hour'),"
        " ev AS (DELETE FROM stream_events WHERE user_id = $1::bigint"
        " AND created_at < now() - interval '7 days')"
        " INSERT INTO stream_tickets (token_hash, user_id, token_version, expires_at)"
        " VALUES (sha256(convert_to($3, 'UTF8')), $1::bigint, $2::integer,"
        " now() + interval '60 seconds')")
/* uses ticket $1 once, within its 60 s: its user, token version, whether the user is still
 * active under that version, and the user's newest event number (where a stream without
 * Last-Event-ID starts) */
CC_STMT(stream_ticket_use, 1, CC_WRITE,
        "UPDATE stream_tickets t SET used_at = now() FROM users u"
        " WHERE t.token_hash = sha256(convert_to($1, 'UTF8')) AND t.used_at IS NULL"
        " AND t.expires_at > now() AND u.id = t.user_id"
        " RETURNING t.user_id, t.token_version, u.is_active AND u.token_version = t.token_version,"
        " (SELECT coalesce(max(c.seq), 0) FROM stream_counters c WHERE c.user_id = t.user_id)")
/* at every heartbeat: the user is still active under the ticket's token version */
CC_STMT(stream_user_ok, 2, CC_READ,
        "SELECT is_active AND token_version = $2::integer FROM users WHERE id = $1::bigint")
/* $1's events after $2, oldest first, at most $3: seq, kind, the resource's JSON text */
CC_STMT(stream_events, 3, CC_READ,
        "SELECT seq, kind, body FROM cc_stream_events_after($1::bigint, $2::bigint, $3::integer)")
/* ---- admin (handlers/admin.c; sql/admin.sql, schema/0016) ----
 * The user list: $1 role, $2 is_active, $3 is_verified (NULL: any), $4 joined at or after,
 * $5 search (email, first, last or full name; literal, wildcards escaped by cc_like), $6 the
 * ordering (validated), $7 limit, $8 offset. Never-logged-in users sort last both ways. */
CC_STMT(admin_user_page, 8, CC_READ,
        "SELECT count(*) OVER (), cc_user_json(u)::text FROM users u"
        " WHERE ($1::text IS NULL OR u.role = $1) AND ($2::boolean IS NULL OR u.is_active = $2)"
        " AND ($3::boolean IS NULL OR u.is_verified = $3)"
        " AND ($4::timestamptz IS NULL OR u.date_joined >= $4::timestamptz)"
        " AND ($5::text IS NULL OR u.email ILIKE cc_like($5) OR u.first_name ILIKE cc_like($5)"
        " OR u.last_name ILIKE cc_like($5) OR (u.first_name || ' ' || u.last_name) ILIKE cc_like($5))"
        " ORDER BY CASE WHEN $6 = 'date_joined' THEN u.date_joined END,"
        " CASE WHEN $6 = '-date_joined' THEN u.date_joined END DESC,"
        " CASE WHEN $6 = 'last_login' THEN u.last_login END NULLS LAST,"
        " CASE WHEN $6 = '-last_login' THEN u.last_login END DESC NULLS LAST,"
        " CASE WHEN $6 = 'email' THEN u.email END, CASE WHEN $6 = '-email' THEN u.email END DESC,"
        " CASE WHEN $6 LIKE '-%' THEN u.id END DESC, u.id"
        " LIMIT $7::bigint OFFSET $8::bigint")
/* Admin writes to users queue here first (a transaction lock): two admins deactivating each
 * other would otherwise lock their rows in opposite orders and deadlock. */
CC_STMT(admin_users_serialize, 0, CC_WRITE,
        "SELECT pg_advisory_xact_lock(724016)")
/* A user to change, locked: role, is_active, is_verified, first_name, last_name, email. */
CC_STMT(admin_user_lock, 1, CC_WRITE,
        "SELECT role, is_active, is_verified, first_name, last_name, email FROM users"
        " WHERE id = $1::bigint FOR UPDATE")
/* The active admins, locked (a concurrent deactivation waits here, then sees the other's
 * commit): the last one is never deactivated. */
CC_STMT(admin_active_admins_lock, 0, CC_WRITE,
        "SELECT count(*) FROM (SELECT id FROM users WHERE role = 'admin' AND is_active"
        " FOR UPDATE) a")
/* $2 first, $3 last, $4 is_verified (NULL keeps each) */
CC_STMT(admin_user_update, 4, CC_WRITE,
        "UPDATE users SET first_name = coalesce($2, first_name), last_name = coalesce($3,"
        " last_name), is_verified = coalesce($4::boolean, is_verified) WHERE id = $1::bigint")
/* deactivating kills every token at once (token_version) */
CC_STMT(admin_user_set_active, 2, CC_WRITE,
        "UPDATE users SET is_active = $2::boolean, token_version = token_version +"
        " CASE WHEN $2::boolean THEN 0 ELSE 1 END WHERE id = $1::bigint")
/* a user created by an admin: no password that could ever match (not a bcrypt hash) until
 * the invitation sets one */
CC_STMT(admin_user_insert, 4, CC_WRITE,
        "INSERT INTO users (email, password, first_name, last_name, role)"
        " VALUES (lower($1), '!invited', $2, $3, $4) RETURNING id")
/* Feeds (recent-activity/, audit-log/): $1 activity|audit, $2 filters as a jsonb object, $3
 * boundary id, $4 rows (page size + 1), $5 older (else newer); see cc_admin_feed. */
CC_STMT(admin_feed, 5, CC_READ,
        "SELECT more, id, body FROM cc_admin_feed($1, $2::jsonb, $3::bigint, $4::bigint,"
        " $5::boolean)")
CC_STMT(admin_dashboard, 0, CC_READ,
        "SELECT cc_dashboard_stats_json()::text")
/* a read of an identity document or a verification file by anyone but its owner ($2 the
 * reader, $3 request id, $4 client): recorded before the file is sent */
CC_STMT(audit_document_read, 4, CC_WRITE,
        "INSERT INTO audit_log (actor_id, action, target_type, target_id, details, request_id,"
        " client) SELECT $2::bigint, 'documents.download.read', 'document', d.id,"
        " jsonb_build_object('owner', d.user_id, 'document_type', d.document_type), $3, $4"
        " FROM documents d WHERE d.id = $1::bigint AND d.user_id <> $2::bigint"
        " AND cc_document_sensitive(d)")
/* an admin reading a candidate's details sees its identity document's number: recorded ($2
 * the reader, $3 request id, $4 client) when there is one */
CC_STMT(audit_identity_read, 4, CC_WRITE,
        "INSERT INTO audit_log (actor_id, action, target_type, target_id, details, request_id,"
        " client) SELECT $2::bigint, 'profiles.identity.read', 'candidate_profile', p.id,"
        " jsonb_build_object('owner', p.user_id, 'id_document_type', v.id_document_type), $3, $4"
        " FROM candidate_profiles p JOIN verification_requests v ON v.candidate_profile_id = p.id"
        " WHERE p.id = $1::bigint AND p.user_id <> $2::bigint AND v.id_document_number IS NOT NULL")
/* ---- background work (services/worker.c, on the watchdog's own connection; dbd/sql/background.sql) */
/* $1 node, $2 batch, $3 lease seconds: a committed claim (autocommit) */
CC_STMT(bg_mail_claim, 3, CC_WRITE,
        "SELECT id, recipient, subject, body, created, attempts"
        " FROM cc_bg_mail_claim($1, $2::int, $3::int)")
/* $1 id, $2 error (NULL: delivered), $3 permanent, $4 max attempts, $5 base, $6 cap seconds */
CC_STMT(bg_mail_result, 6, CC_WRITE,
        "SELECT cc_bg_mail_result($1::bigint, $2, $3::boolean, $4::int, $5::int, $6::int)")
CC_STMT(bg_expire_jobs, 1, CC_WRITE,
        "SELECT cc_bg_expire_jobs($1::int)")
CC_STMT(bg_document_expiry, 1, CC_WRITE,
        "SELECT cc_bg_document_expiry($1::int)")
/* $1 batch, $2 days delivered mail is kept, $3 days login failures are kept */
CC_STMT(bg_retention, 3, CC_WRITE,
        "SELECT cc_bg_retention($1::int, $2::int, $3::int)")
/* $1 task, $2 node, $3 started (epoch s), $4 ms, $5 result, $6 items, $7 detail, $8 next (epoch) */
CC_STMT(bg_task_run, 8, CC_WRITE,
        "INSERT INTO task_runs (task, node, started_at, duration_ms, result, items, detail,"
        " next_run_at) VALUES ($1, $2, to_timestamp($3::double precision), $4::double precision,"
        " $5, $6::int, $7, to_timestamp($8::double precision))")
/* operations: carechainctl mail status / tasks / mail retry, GET /api/health/?verbose=1 */
CC_STMT(ops_mail_status, 0, CC_READ,
        "SELECT cc_ops_mail_status()::text")
CC_STMT(ops_tasks, 0, CC_READ,
        "SELECT cc_ops_tasks()::text")
CC_STMT(ops_mail_retry, 1, CC_WRITE,
        "SELECT cc_ops_mail_retry($1::bigint)")
CC_STMT(health_verbose, 1, CC_READ,
        "SELECT json_build_object('status', 'ok', 'database', 'ok', 'version', $1::text,"
        " 'mail', cc_ops_mail_status(), 'tasks', cc_ops_tasks())::text")
/* notification preferences of user $1 (handlers/preferences.c) */
CC_STMT(prefs_get, 1, CC_READ,
        "SELECT cc_prefs_json($1::bigint)::text")
CC_STMT(prefs_put, 2, CC_WRITE,
        "SELECT cc_prefs_put($1::bigint, $2::jsonb)")
/* the same, of notification type $5, unless the address's user turned email of that type off
 * (services/mail.c cc_mail_queue_for) */
CC_STMT(mail_insert_pref, 5, CC_WRITE,
        "INSERT INTO mail_outbox (recipient, subject, body, kind) SELECT $1, t.subject, t.body, $5"
        " FROM cc_mail_template($2, $3::jsonb || jsonb_build_object('base', $4::text)) t"
        " WHERE cc_pref_allows((SELECT id FROM users WHERE email = lower($1)), $5, true)")
/* $1 delay seconds, $2 batch of notifications (services/worker.c task digest) */
CC_STMT(bg_message_digest, 2, CC_WRITE,
        "SELECT cc_bg_message_digest($1::int, $2::int)")
// clang-format on
