-- 0005: applications and assignments (CONTRACT §4): the index the candidate's own list walks.
-- The tables are in 0003, their JSON renderers in sql/applications.sql and who may see them in
-- sql/visibility.sql. (The recruiter's list walks jobs_posted_by_idx of 0004.)

CREATE INDEX applications_candidate_applied_idx ON applications (candidate_id, applied_at, id);
