-- 0020: the documents a job requires of its applicants (CONTRACT §4 `required_documents`,
-- docs/API.md "Jobs" and "Applications and assignments"): a list of document types (the types
-- of documents.document_type, schema/0002), each of which an applicant must hold valid (not
-- expired) to apply. A column of jobs, not a table: it is read with the job by every job
-- renderer, it is small (at most the four types), and every write of it is a write of jobs, so
-- the job caches (job_search_version, the content version of the group jobs) follow it with the
-- triggers jobs already has.
--
-- The handler removes duplicates and refuses unknown types with a 400; the CHECK keeps any
-- other writer to the same types (an array holding NULL fails `<@` too). The constant default
-- adds the column without rewriting the table; the CHECK is validated by one scan.

ALTER TABLE jobs
    ADD COLUMN required_documents text[] NOT NULL DEFAULT '{}'
        CONSTRAINT jobs_required_documents_types
        CHECK (required_documents <@ ARRAY['resume', 'certificate', 'id', 'medical_license']);
