-- 0014: testimonials (CONTRACT §9, docs/API.md "Testimonials"): what one party of a completed
-- job writes about the other (a candidate about the job's recruiter and back), or an admin about
-- anyone, moderated by admins before anyone else may read it. The JSON, who may read one and the
-- ratings of candidate-details/ and hospital-details/ are in sql/testimonials.sql.
--
-- status: pending (new, or edited by its author) -> approved | rejected (admin); the object's
-- is_approved is status = 'approved'. A rejection carries its reason and nothing else does.
-- One testimonial per author and completed job is the UNIQUE constraint (an admin's without a
-- job is not limited: NULLs are distinct). Deleting a user deletes what it wrote and what was
-- written about it; a completed job's testimonials go with it (they stand for that job).
-- Not read by any cached answer (tests/api/test_response_cache.py excuses the table).

CREATE TABLE testimonials (
    id               bigserial PRIMARY KEY,
    given_by         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    given_to         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    completed_job_id bigint REFERENCES completed_jobs (id) ON DELETE CASCADE,
    rating           integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    content          text NOT NULL CHECK (length(content) BETWEEN 1 AND 5000),
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected')),
    rejection_reason text,
    decided_by       bigint REFERENCES users (id) ON DELETE SET NULL,
    decided_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT testimonials_one_per_job UNIQUE (given_by, completed_job_id),
    CONSTRAINT testimonials_not_self CHECK (given_by <> given_to),
    CONSTRAINT testimonials_reason CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
);
-- the public list, and the admins' list (every state), newest first
CREATE INDEX testimonials_approved_idx ON testimonials (created_at DESC, id DESC)
    WHERE status = 'approved';
CREATE INDEX testimonials_created_idx ON testimonials (created_at DESC, id DESC);
-- user/<id>/, about-me/ and a candidate's rating (the ones about a user), and the cascade from
-- users
CREATE INDEX testimonials_given_to_idx ON testimonials (given_to, created_at DESC, id DESC);
-- my-reviews/ (the unique constraint's index leads with given_by too, but is not ordered by date)
CREATE INDEX testimonials_given_by_idx ON testimonials (given_by, created_at DESC, id DESC);
-- a completed job's testimonials: the ratings, and the cascade from completed_jobs
CREATE INDEX testimonials_job_idx ON testimonials (completed_job_id);
