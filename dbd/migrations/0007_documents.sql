-- 0007: document storage (CONTRACT §8). The bytes live in PostgreSQL beside their metadata:
-- one transaction writes both (an upload lands completely or not at all), every httpd node
-- sharing the database serves every document, and a pg_dump or a base backup captures the
-- bytes consistently with the rows that describe them. README "Documents" gives the
-- measurement behind the choice.
--
-- A document's bytes are split into chunks of at most 256 KiB so that neither httpd nor
-- PostgreSQL ever holds a whole file: the upload inserts the chunks one by one and the download
-- reads them one by one. Chunks are written once and never changed; deleting the document
-- deletes them (ON DELETE CASCADE).

ALTER TABLE documents
    ADD COLUMN verification_notes text NOT NULL DEFAULT '',
    ADD COLUMN updated_at         timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT documents_sha256_form CHECK (sha256 ~ '^([0-9a-f]{64})?$'),
    -- resumes do not expire; certificates, licences and identity documents may
    ADD CONSTRAINT documents_expiry_kind CHECK (expires_on IS NULL OR document_type <> 'resume');

CREATE TABLE document_chunks (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq         integer NOT NULL CHECK (seq >= 0),
    data        bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 262144),
    PRIMARY KEY (document_id, seq)
);
-- PDF, DOCX, JPEG and PNG are compressed already: storing out of line without trying pglz
-- saves the CPU of a compression attempt that would not pay.
ALTER TABLE document_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- The verification queue shows whether a credential has expired (UTC date).
CREATE FUNCTION cc_document_expired(expires_on date) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT expires_on IS NOT NULL AND expires_on < (now() AT TIME ZONE 'UTC')::date
$$;

-- The document as the owner and admins see it. `base` is scheme://host[:port] for download_url.
CREATE FUNCTION cc_document_json(d documents, base text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id, 'user', d.user_id, 'document_type', d.document_type,
        'description', d.description, 'original_name', d.original_name,
        'content_type', d.content_type, 'size', d.size, 'sha256', d.sha256,
        'is_verified', d.is_verified, 'verified_at', cc_ts(d.verified_at),
        'verification_notes', d.verification_notes,
        'expires_on', d.expires_on, 'is_expired', cc_document_expired(d.expires_on),
        'uploaded_at', cc_ts(d.uploaded_at), 'updated_at', cc_ts(d.updated_at),
        'download_url', base || '/api/documents/' || d.id || '/download/')
$$;

-- The documents a verification request names, as the queues show them: now with is_expired.
CREATE OR REPLACE FUNCTION cc_documents_brief_json(ids bigint[]) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('id', d.id, 'document_type', d.document_type,
                                               'original_name', d.original_name,
                                               'is_verified', d.is_verified,
                                               'expires_on', d.expires_on,
                                               'is_expired', cc_document_expired(d.expires_on))
                             ORDER BY d.id), '[]')
    FROM documents d WHERE d.id = ANY (ids)
$$;

-- May `viewer` (a user id) download document `doc`? The owner and admins always; a recruiter
-- only a resume of a candidate who applied to one of the jobs it posted (the rule of
-- candidate-details/). Everyone else: no, answered as 404 by the caller.
CREATE FUNCTION cc_document_readable(doc documents, viewer bigint, viewer_role text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT doc.user_id = viewer OR viewer_role = 'admin'
        OR (viewer_role = 'recruiter' AND doc.document_type = 'resume'
            AND EXISTS (SELECT 1 FROM candidate_profiles p
                        WHERE p.user_id = doc.user_id
                          AND cc_recruiter_sees_candidate(viewer, p.id)))
$$;
