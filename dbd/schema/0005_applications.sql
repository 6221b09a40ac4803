-- 0005: applications and assignments (CONTRACT §4): the index the candidate's own list walks.
-- The tables are in 0003, their JSON renderers in sql/applications.sql and who may see them in
-- sql/visibility.sql. The index on jobs (posted_by) is 0004's jobs_posted_by_idx (the migration
-- this file replaces asked for one of that name IF NOT EXISTS, which never created anything).

CREATE INDEX applications_candidate_applied_idx ON applications (candidate_id, applied_at, id);
