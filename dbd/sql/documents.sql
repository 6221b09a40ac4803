-- Documents (CONTRACT §8): the JSON of documents and of the documents a verification request
-- names. The tables are in schema/0002 and 0007; who may download one is in visibility.sql.

-- The verification queue shows whether a credential has expired (UTC date).
CREATE OR REPLACE FUNCTION cc_document_expired(expires_on date) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT expires_on IS NOT NULL AND expires_on < (now() AT TIME ZONE 'UTC')::date
$$;

-- The document as the owner and admins see it. `base` is scheme://host[:port] for download_url.
CREATE OR REPLACE FUNCTION cc_document_json(d documents, base text) RETURNS json
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

-- The documents a verification request names, as the queues show them (with is_expired).
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
