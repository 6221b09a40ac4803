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
