/* GET /api/schema/: the API description (OpenAPI 3.1), bundled from openapi.yaml and
 * the parts in openapi/ at build time by cli/openapi_bundle.py into build/gen/openapi_json.c, which
 * also computed its strong ETag (a SHA-256 of the text) once. The document is the same for
 * every caller, so it is cacheable by anyone, token or not. */
#include "handlers.h"

extern const char cc_openapi_json[];
extern const size_t cc_openapi_json_len;
extern const char cc_openapi_etag[];

int cc_h_schema(cc_req_t *q)
{
    request_rec *r = q->r;
    /* Replaces the no-store the dispatcher sets when an Authorization header came along. */
    apr_table_setn(r->headers_out, "Cache-Control", "public, max-age=300");
    if (cc_etag_matches(q, cc_openapi_etag)) {
        r->status = HTTP_NOT_MODIFIED;
        return OK;
    }
    r->status = HTTP_OK;
    ap_set_content_type(r, "application/json; charset=utf-8");
    ap_set_content_length(r, cc_openapi_json_len);
    if (!r->header_only)
        ap_rwrite(cc_openapi_json, (int)cc_openapi_json_len, r);
    return OK;
}
