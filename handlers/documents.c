/* /api/documents/: uploads, metadata, downloads and the admin's verification (CONTRACT §8).
 *
 * An upload is streamed: the multipart parser (core/multipart.c) hands the file's bytes over as
 * they arrive; they are hashed, scanned for polyglot markers and written to a spool file that is
 * unlinked the moment it is created (so no crash, disconnect or error can leave it behind), in
 * CarechainUploadTempDir. Only when the whole body has arrived and the file is accepted does a
 * short transaction copy the spool into PostgreSQL in 256 KiB chunks
 * (dbd/schema/0007_documents.sql) with its metadata. A slow client therefore holds a worker but not
 * a database connection (the one authentication took goes back to the pool first), and the database
 * never sees a half-written document. A download reads the chunks one statement at a time and
 * writes each to the client with the connection handed back meanwhile. */
#include <string.h>
#include <openssl/evp.h>
#include <apr_file_io.h>
#include <apr_escape.h>
#include "../core/multipart.h"
#include "../core/filetype.h"
#include "handlers.h"

#define CHUNK (256 * 1024)        /* bytes per stored chunk: the CHECK of document_chunks.data */
#define READ_BUF (64 * 1024)      /* bytes read from the client per call */
#define FIELD_MAX 8192            /* bytes of one text field of the form */
#define FORM_OVERHEAD (64 * 1024) /* multipart headers and text fields next to the file */

static cc_magic_t *magic; /* per process; NULL when libmagic could not be loaded */

void cc_documents_child_init(apr_pool_t *p, server_rec *s)
{
    const char *err = NULL;
    magic = cc_magic_open(p, &err);
    if (!magic)
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     CC_LOGNO(01401) "libmagic: %s; uploads will answer 503", err);
}

const char *const cc_document_types[] = {"resume", "certificate", "id", "medical_license", NULL};

const char *cc_document_type_words(const char *type)
{
    /* in the order of cc_document_types */
    static const char *const words[] = {"resume", "certificate", "identity document",
                                        "medical license"};
    int i;
    for (i = 0; cc_document_types[i]; i++)
        if (!strcmp(type, cc_document_types[i]))
            return words[i];
    return type;
}

/* The editable metadata (upload form fields, PUT and PATCH bodies). */
static const cc_field_t META_FIELDS[] = {
    {"document_type", CC_F_CHOICE, CC_FF_REQUIRED, 0, 0, cc_document_types, 0},
    {"description", CC_F_STR, CC_FF_EMPTY | CC_FF_TEXT, 0, 1000, NULL, 0},
    {"expires_on", CC_F_DATE, 0, 0, 0, NULL, 0},
};
#define NMETA ((int)(sizeof(META_FIELDS) / sizeof(META_FIELDS[0])))

static const char *admin_flag(cc_req_t *q)
{
    return cc_is_admin(q) ? "true" : "false";
}

/* "A resume has no expiry date." when a cleaned metadata object gives a resume an expiry. */
static void expiry_rule(json_t *clean, json_t *errs)
{
    json_t *t = json_object_get(clean, "document_type");
    json_t *e = json_object_get(clean, "expires_on");
    if (json_is_string(t) && !strcmp(json_string_value(t), "resume") && json_is_string(e))
        cc_field_error(errs, "expires_on", "A resume has no expiry date.");
}

/* ---- upload ----------------------------------------------------------------------------- */

typedef enum { PART_IGNORED, PART_FILE, PART_FIELD } part_kind_t;

typedef struct {
    apr_file_t *spool;
    EVP_MD_CTX *md;
    cc_scan_t scan;
    apr_off_t max; /* largest file */
    int too_large; /* the file passed max: answer 413 */
    int io_failed; /* the spool could not be written */
    int files;     /* parts named "file" with a filename */
    const char *filename;
    part_kind_t kind;
    const char *field; /* current text field */
    char *buf;         /* its bytes so far */
    apr_size_t len;
    json_t *form; /* text fields: first value wins */
    json_t *errs; /* validation errors found while parsing */
} upload_t;

static apr_status_t free_md(void *md)
{
    EVP_MD_CTX_free(md);
    return APR_SUCCESS;
}

static int on_begin(void *ctx, const cc_mp_part_t *part)
{
    upload_t *u = ctx;
    int i;
    u->kind = PART_IGNORED;
    if (!strcmp(part->name, "file")) {
        if (!part->filename) {
            cc_field_error(u->errs, "file",
                           "The submitted data was not a file. Check the "
                           "encoding type on the form.");
            return 1;
        }
        if (++u->files > 1) {
            cc_field_error(u->errs, "file", "Only one file may be uploaded at a time.");
            return 1;
        }
        u->filename = part->filename;
        u->kind = PART_FILE;
        return 0;
    }
    for (i = 0; i < NMETA; i++) {
        if (!strcmp(part->name, META_FIELDS[i].name)) {
            u->kind = PART_FIELD;
            u->field = part->name;
            u->len = 0;
            break;
        }
    }
    return 0; /* other fields are ignored, as DRF ignores unknown keys */
}

static int on_data(void *ctx, const char *data, apr_size_t len)
{
    upload_t *u = ctx;
    apr_size_t wrote;
    if (u->kind == PART_FILE) {
        if (u->scan.size + (apr_off_t)len > u->max) {
            u->too_large = 1;
            return 1;
        }
        cc_scan_feed(&u->scan, data, len);
        EVP_DigestUpdate(u->md, data, len);
        if (apr_file_write_full(u->spool, data, len, &wrote) != APR_SUCCESS) {
            u->io_failed = 1;
            return 1;
        }
    }
    else if (u->kind == PART_FIELD) {
        if (u->len + len > FIELD_MAX) {
            cc_field_error(u->errs, u->field, "This field is too long.");
            return 1;
        }
        memcpy(u->buf + u->len, data, len);
        u->len += len;
    }
    return 0;
}

static int on_end(void *ctx)
{
    upload_t *u = ctx;
    if (u->kind == PART_FIELD && !json_object_get(u->form, u->field)) {
        json_t *s = json_stringn(u->buf, u->len);
        if (!s) {
            cc_field_error(u->errs, u->field, "This field is not valid UTF-8.");
            return 1;
        }
        json_object_set_new(u->form, u->field, s);
    }
    u->kind = PART_IGNORED;
    return 0;
}

static int too_large(cc_req_t *q, apr_off_t max)
{
    /* 413 drops the connection, so httpd does not read the rest of the body either. */
    q->r->connection->keepalive = AP_CONN_CLOSE;
    return cc_error(q, HTTP_REQUEST_ENTITY_TOO_LARGE, "file_too_large",
                    apr_psprintf(q->pool,
                                 "The file is larger than the limit of %" APR_OFF_T_FMT " bytes.",
                                 max));
}

/* Creates the spool file and unlinks it at once: it lives while it is open, and nothing of it
 * outlives the request (or a crash of the process). */
static apr_status_t open_spool(cc_req_t *q, apr_file_t **f)
{
    const char *dir = q->sc->upload_dir, *name;
    char *tmpl;
    apr_status_t rv;
    if (!dir && (rv = apr_temp_dir_get(&dir, q->pool)) != APR_SUCCESS)
        return rv;
    tmpl = apr_pstrcat(q->pool, dir, "/carechain-upload-XXXXXX", NULL);
    rv = apr_file_mktemp(f, tmpl,
                         APR_FOPEN_CREATE | APR_FOPEN_READ | APR_FOPEN_WRITE | APR_FOPEN_EXCL
                             | APR_FOPEN_BINARY,
                         q->pool);
    if (rv != APR_SUCCESS)
        return rv;
    if (apr_file_name_get(&name, *f) == APR_SUCCESS)
        rv = apr_file_remove(name, q->pool);
    return rv;
}

/* Reads and parses the whole body into u. Returns 1 when it was read and is well-formed
 * multipart (validation is the caller's), 0 when an answer was sent. */
static int receive(cc_req_t *q, upload_t *u, const char *boundary)
{
    request_rec *r = q->r;
    apr_off_t body_max = u->max + FORM_OVERHEAD, total = 0;
    cc_mp_callbacks_t cb = {on_begin, on_data, on_end};
    cc_mp_t *mp = cc_mp_create(q->pool, boundary, &cb, u);
    cc_mp_status_t st = CC_MP_OK;
    char *buf = apr_palloc(q->pool, READ_BUF);
    cc_body_reader_t rd;

    if (cc_body_begin(q, &rd) != OK) {
        cc_error(q, HTTP_BAD_REQUEST, "parse_error", "The request body could not be read.");
        return 0;
    }
    if (r->remaining > body_max) { /* a declared length over the limit: refused unread */
        too_large(q, u->max);
        return 0;
    }
    for (;;) {
        apr_size_t n;
        apr_status_t rv = cc_body_read(&rd, buf, READ_BUF, &n);
        if (rv != APR_SUCCESS) {
            /* The client went away, was too slow or sent a broken chunked body. Nothing was
             * stored: the spool is already unlinked and the database was not touched. */
            ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r,
                          CC_LOGNO(01402) "upload aborted after %" APR_OFF_T_FMT " bytes", total);
            cc_body_read_failed(q, rv);
            return 0;
        }
        if (n == 0 && rd.done)
            break;
        total += (apr_off_t)n;
        if (total > body_max) {
            too_large(q, u->max);
            return 0;
        }
        if (st == CC_MP_OK)
            st = cc_mp_feed(mp, buf, n);
        if (st == CC_MP_ERROR || st == CC_MP_ABORTED)
            break; /* answered below; the rest is not read (the connection closes) */
    }
    if (st == CC_MP_OK || st == CC_MP_DONE)
        st = cc_mp_finish(mp);
    if (u->too_large) {
        too_large(q, u->max);
        return 0;
    }
    if (u->io_failed) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CC_LOGNO(01403) "cannot write the upload spool file");
        r->connection->keepalive = AP_CONN_CLOSE;
        cc_unavailable(q);
        return 0;
    }
    if (st == CC_MP_ABORTED) { /* a validation error found while parsing */
        r->connection->keepalive = AP_CONN_CLOSE;
        cc_validation(q, u->errs);
        return 0;
    }
    if (st != CC_MP_DONE) {
        r->connection->keepalive = AP_CONN_CLOSE;
        cc_error(q, HTTP_BAD_REQUEST, "parse_error", cc_mp_error(mp));
        return 0;
    }
    return 1;
}

/* Copies the spool into document_chunks of document `id`. 1 when done, 0 on a database failure
 * (answer with cc_db_fail), -1 when the spool cannot be read back. */
static int store_chunks(cc_req_t *q, apr_file_t *spool, const char *id, apr_off_t size)
{
    char *buf = apr_palloc(q->pool, CHUNK);
    apr_off_t off = 0;
    int seq = 0;
    if (apr_file_seek(spool, APR_SET, &off) != APR_SUCCESS)
        return 0;
    while (off < size) {
        apr_size_t want = size - off > CHUNK ? CHUNK : (apr_size_t)(size - off), got = 0;
        const char *params[3];
        int lengths[3] = {0, 0, 0}, formats[3] = {0, 0, 1};
        PGresult *res;
        if (apr_file_read_full(spool, buf, want, &got) != APR_SUCCESS || got != want)
            return -1;
        params[0] = id;
        params[1] = apr_itoa(q->pool, seq++);
        params[2] = buf;
        lengths[2] = (int)got;
        if (!cc_q_bin(q, CC_ST_document_chunk_insert, &res, params, lengths, formats, 0))
            return 0;
        cc_q_done(q, res); /* 40 results per 10 MiB: not kept until the request ends */
        off += (apr_off_t)got;
    }
    return 1;
}

int cc_h_document_upload(cc_req_t *q)
{
    request_rec *r = q->r;
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    const char *boundary, *type = NULL, *reason = NULL, *sha, *uid = cc_id_str(q, q->user->id);
    const char *id, *body, *name;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    json_t *clean, *errs;
    upload_t u;
    PGresult *res;
    int fd, stored;
    apr_os_file_t osf;

    if (!ct || strncasecmp(ct, "multipart/form-data", 19))
        return cc_unsupported_media_type(q, ct);
    boundary = cc_mp_boundary(q->pool, ct);
    if (!boundary)
        return cc_error(q, HTTP_BAD_REQUEST, "parse_error",
                        "Malformed multipart body: the Content-Type has no valid boundary.");
    if (!magic)
        return cc_unavailable(q);

    /* The connection authentication used goes back to the pool while the body arrives, at
     * whatever pace the client sends it. */
    cc_db_release(q);
    memset(&u, 0, sizeof(u));
    u.max = q->sc->doc_max_size;
    u.buf = apr_palloc(q->pool, FIELD_MAX);
    u.form = cc_jobject(q);
    u.errs = cc_jobject(q);
    cc_scan_init(&u.scan);
    u.md = EVP_MD_CTX_new();
    if (!u.md || !EVP_DigestInit_ex(u.md, EVP_sha256(), NULL)) {
        if (u.md)
            EVP_MD_CTX_free(u.md);
        return cc_server_error(q);
    }
    apr_pool_cleanup_register(q->pool, u.md, free_md, apr_pool_cleanup_null);
    if (open_spool(q, &u.spool) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CC_LOGNO(01404) "cannot create an upload spool file in %s",
                      q->sc->upload_dir ? q->sc->upload_dir : "the temporary directory");
        r->connection->keepalive = AP_CONN_CLOSE;
        return cc_unavailable(q);
    }
    if (!receive(q, &u, boundary))
        return OK;

    /* The form as a whole: metadata like a JSON body, then the file. */
    errs = cc_jobject(q);
    clean = cc_fields_clean(q->pool, META_FIELDS, NMETA, u.form, 0, errs);
    expiry_rule(clean, errs);
    if (!u.files)
        cc_field_error(errs, "file", "No file was submitted.");
    else if (u.scan.size == 0)
        cc_field_error(errs, "file", "The submitted file is empty.");
    else {
        if (apr_os_file_get(&osf, u.spool) != APR_SUCCESS)
            return cc_server_error(q);
        fd = osf;
        type = cc_filetype_decide(q->pool, cc_magic_fd(magic, q->pool, fd), &u.scan, &reason);
        if (!type)
            cc_field_error(errs, "file", reason);
    }
    if (json_object_size(errs))
        return cc_validation(q, errs);
    EVP_DigestFinal_ex(u.md, digest, &dlen);
    sha = apr_pescape_hex(q->pool, digest, dlen, 0);
    name = cc_filename_sanitize(q->pool, u.filename);

    /* The one transaction: limits under the owner's lock, the row, the chunks. */
    if (!cc_db_begin(q) || !cc_q(q, CC_ST_document_lock_owner, &res, uid)
        || !cc_q(q, CC_ST_document_quota, &res, uid))
        return cc_db_fail(q);
    if (cc_val_int(res, 0, 0) >= q->sc->doc_max_count)
        return cc_db_invalid(q, "file",
                             apr_psprintf(q->pool,
                                          "You have %d documents, the most allowed; "
                                          "delete one before uploading another.",
                                          q->sc->doc_max_count));
    if (cc_val_int(res, 0, 1) + u.scan.size > q->sc->doc_max_total)
        return cc_db_invalid(q, "file",
                             apr_psprintf(q->pool,
                                          "This file would take your documents over "
                                          "the total of %" APR_OFF_T_FMT " bytes "
                                          "allowed; delete some first.",
                                          q->sc->doc_max_total));
    {
        json_t *desc = json_object_get(clean, "description");
        json_t *exp = json_object_get(clean, "expires_on");
        if (!cc_q(q, CC_ST_document_insert, &res, uid,
                  json_string_value(json_object_get(clean, "document_type")),
                  json_is_string(desc) ? json_string_value(desc) : NULL, name, type,
                  apr_off_t_toa(q->pool, u.scan.size), sha,
                  json_is_string(exp) ? json_string_value(exp) : NULL))
            return cc_db_fail(q);
    }
    id = apr_pstrdup(q->pool, cc_val(q, res, 0, 0));
    stored = store_chunks(q, u.spool, id, u.scan.size);
    if (stored < 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      CC_LOGNO(01405) "cannot read back the upload spool file");
        cc_db_rollback(q);
        return cc_server_error(q);
    }
    if (!stored || !cc_q(q, CC_ST_document_get, &res, id, uid, "false", cc_base_url(q)))
        return cc_db_fail(q);
    body = cc_val(q, res, 0, 0);
    if (!body || !cc_db_commit(q))
        return cc_db_fail(q);
    apr_table_setn(r->headers_out, "Location",
                   apr_pstrcat(q->pool, cc_base_url(q), "/api/documents/", id, "/", NULL));
    return cc_json_text(q, HTTP_CREATED, body);
}

/* ---- list, detail, edit, delete --------------------------------------------------------- */

int cc_h_documents_list(cc_req_t *q)
{
    const char *owner = cc_id_str(q, q->user->id), *type, *user_param;
    int verified;
    cc_page_t pg;
    PGresult *res;

    if (!cc_query_choice(q, "document_type", cc_document_types, &type)
        || !cc_query_bool(q, "is_verified", &verified) || !cc_query_id(q, "user", &user_param))
        return OK;
    /* admins: every document, or one user's with ?user= */
    if (cc_is_admin(q))
        owner = *user_param ? user_param : NULL;
    if (!cc_page_from_query(q, CC_PAGE_SIZE_MAX, &pg))
        return OK;
    if (!cc_q(q, CC_ST_document_page, &res, owner, cc_base_url(q), type,
              verified < 0 ? NULL
              : verified   ? "true"
                           : "false",
              cc_id_str(q, pg.size), cc_id_str(q, pg.offset)))
        return cc_db_fail(q);
    return cc_paginated(q, &pg, cc_val_int(res, 0, 0),
                        cc_rows_json_array(q, res, 1, 0, PQntuples(res)));
}

int cc_h_document_get(cc_req_t *q)
{
    PGresult *res;
    const char *body;
    if (!cc_q(q, CC_ST_document_get, &res, cc_id_str(q, q->ids[0]), cc_id_str(q, q->user->id),
              admin_flag(q), cc_base_url(q)))
        return cc_db_fail(q);
    body = cc_val(q, res, 0, 0);
    return body ? cc_json_text(q, HTTP_OK, body) : cc_not_found(q);
}

/* PUT (document_type required) or PATCH (the fields sent) of the metadata. */
int cc_h_document_write(cc_req_t *q)
{
    json_t *errs = cc_jobject(q), *clean;
    PGresult *res;
    const char *body;

    clean =
        cc_fields_clean(q->pool, META_FIELDS, NMETA, q->body, cc_write_kind(q) == CC_UPDATE, errs);
    expiry_rule(clean, errs);
    if (json_object_size(errs))
        return cc_validation(q, errs);
    if (!cc_q(q, CC_ST_document_update, &res, cc_id_str(q, q->ids[0]), cc_id_str(q, q->user->id),
              admin_flag(q), cc_base_url(q), cc_json_dump(q->pool, clean))) {
        if (q->db && !strcmp(cc_db_sqlstate(q), "23514")) /* documents_expiry_kind */
            return cc_db_invalid(q, "expires_on", "A resume has no expiry date.");
        return cc_db_fail(q);
    }
    body = cc_val(q, res, 0, 0);
    return body ? cc_json_text(q, HTTP_OK, body) : cc_not_found(q);
}

int cc_h_document_delete(cc_req_t *q)
{
    PGresult *res;
    /* the chunks go with the row (ON DELETE CASCADE), in the same statement */
    if (!cc_q(q, CC_ST_document_delete, &res, cc_id_str(q, q->ids[0]), cc_id_str(q, q->user->id),
              admin_flag(q)))
        return cc_db_fail(q);
    return PQntuples(res) ? cc_no_content(q) : cc_not_found(q);
}

/* ---- verification (admin) --------------------------------------------------------------- */

static const cc_field_t VERIFY_FIELDS[] = {
    {"is_verified", CC_F_BOOL, CC_FF_REQUIRED, 0, 0, NULL, 0},
    {"notes", CC_F_STR, CC_FF_EMPTY | CC_FF_TEXT, 0, 1000, NULL, 0},
};

int cc_h_document_verify(cc_req_t *q)
{
    json_t *clean = cc_body_clean(q, VERIFY_FIELDS, 2, 0);
    PGresult *res;
    const char *body, *notes, *id = cc_id_str(q, q->ids[0]), *doc_type;
    int ok;
    apr_int64_t owner;

    if (!clean)
        return OK;
    ok = json_is_true(json_object_get(clean, "is_verified"));
    notes = json_string_value(json_object_get(clean, "notes"));
    if (!cc_db_begin(q)
        || !cc_q(q, CC_ST_document_verify, &res, id, cc_id_str(q, q->user->id),
                 ok ? "true" : "false", notes, cc_base_url(q)))
        return cc_db_fail(q);
    if (!PQntuples(res)) {
        cc_db_rollback(q);
        return cc_not_found(q);
    }
    owner = cc_val_int(res, 0, 0);
    doc_type = apr_pstrdup(q->pool, cc_val(q, res, 0, 1));
    body = apr_pstrdup(q->pool, cc_val(q, res, 0, 2));
    if (!cc_notify(q, owner, "verification", ok ? "Document verified" : "Document not verified",
                   ok ? "An administrator verified one of your documents."
                      : "An administrator marked one of your documents as not verified.",
                   cc_jpack_text(q, "{s:I, s:s, s:b}", "document_id", (json_int_t)q->ids[0],
                                 "document_type", doc_type, "is_verified", ok))
        || !cc_audit(q, ok ? "documents.verify" : "documents.unverify", "document", q->ids[0], NULL)
        || !cc_db_commit(q))
        return cc_db_fail(q);
    return cc_json_text(q, HTTP_OK, body);
}

/* ---- download --------------------------------------------------------------------------- */

int cc_h_document_download(cc_req_t *q)
{
    request_rec *r = q->r;
    PGresult *res;
    const char *id = cc_id_str(q, q->ids[0]), *etag;
    apr_int64_t size, chunks, seq;

    if (!cc_q(q, CC_ST_document_download, &res, id, cc_id_str(q, q->user->id), q->user->role))
        return cc_db_fail(q);
    if (!PQntuples(res))
        return cc_not_found(q);
    size = cc_val_int(res, 0, 2);
    chunks = cc_val_int(res, 0, 4);
    /* an identity document or a verification file read by someone else than its owner is in
     * the audit log before a byte of it leaves (no record, no file) */
    {
        PGresult *audit;
        if (!cc_q(q, CC_ST_audit_document_read, &audit, id, cc_id_str(q, q->user->id),
                  cc_request_id(r), cc_client_ip(q)))
            return cc_db_fail(q);
    }
    etag = apr_pstrcat(q->pool, "\"", cc_val(q, res, 0, 3), "\"", NULL);

    /* The file is inert wherever it lands: never rendered inline, never sniffed, never
     * allowed to run script or load anything if a browser opens it anyway. */
    apr_table_setn(r->headers_out, "Content-Disposition",
                   cc_content_disposition(q->pool, cc_val(q, res, 0, 0)));
    apr_table_setn(r->headers_out, "Content-Security-Policy",
                   "default-src 'none'; sandbox; frame-ancestors 'none'");
    apr_table_setn(r->headers_out, "Cross-Origin-Resource-Policy", "same-origin");
    apr_table_setn(r->headers_out, "Cache-Control", "private, no-store");
    if (cc_etag_matches(q, etag)) {
        r->status = HTTP_NOT_MODIFIED;
        return OK;
    }
    ap_set_content_type(r, apr_pstrdup(q->pool, cc_val(q, res, 0, 1)));
    ap_set_content_length(r, size);
    r->status = HTTP_OK;
    if (r->header_only)
        return OK;
    /* Chunks never change once written; a document deleted meanwhile loses its chunks, and
     * then the connection is closed short of Content-Length so the client sees it. */
    for (seq = 0; seq < chunks; seq++) {
        const char *params[2] = {id, apr_off_t_toa(q->pool, seq)};
        int ok = cc_q_bin(q, CC_ST_document_chunk, &res, params, NULL, NULL, 1);
        if (!ok || PQntuples(res) != 1) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          CC_LOGNO(01406) "document %s: chunk %" APR_INT64_T_FMT
                                          " unavailable; download cut short",
                          id, seq);
            r->connection->keepalive = AP_CONN_CLOSE;
            r->connection->aborted = 1;
            return OK;
        }
        /* The chunk is in memory: hand the connection back while the client takes it. */
        cc_db_release(q);
        ok = ap_rwrite(PQgetvalue(res, 0, 0), PQgetlength(res, 0, 0), r) >= 0;
        cc_q_done(q, res);
        if (!ok)
            return OK; /* the client went away */
    }
    return OK;
}
