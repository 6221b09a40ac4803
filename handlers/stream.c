/* /api/notifications/stream-ticket/ and stream/: the live stream of a user's notifications and
 * messages as server-sent events (CONTRACT §7; the decisions in docs/API.md "Live stream").
 *
 * EventSource cannot send an Authorization header, so a stream is opened with a ticket in the
 * query string: random, single use, 60 s, stored only as a SHA-256, bound to the user and its
 * token version. The stream's events are the rows of stream_events (schema/0017), numbered per
 * user: `id:` is that number, so Last-Event-ID replays exactly what followed. A stream holds its
 * worker thread (httpd 2.4 has no way to park a handler) but no database connection while it
 * waits: it takes one to read, and gives it back (cc_db_release) before waiting on its slot
 * (services/stream.c), which the process's listener wakes. */
#include <apr_lib.h>
#include <apr_portable.h>
#include <http_core.h>
#include "handlers.h"

#define TICKET_BYTES 32
#define BATCH 100         /* events read per statement */
#define RETRY_MS 3000     /* the reconnection delay advised to clients */
#define CAP_RETRY_AFTER 5 /* seconds, with the 503 of a full server */

/* ---- stream-ticket/ ----------------------------------------------------------------------------
 */

int cc_h_stream_ticket(cc_req_t *q)
{
    const char *ticket = cc_random_token(q->pool, TICKET_BYTES);
    PGresult *res;
    if (!cc_q(q, CC_ST_stream_ticket_insert, &res, cc_my_id(q),
              apr_ltoa(q->pool, (long)q->user->token_version), ticket))
        return cc_db_fail(q);
    return cc_json(q, HTTP_CREATED, cc_jpack(q, "{s:s, s:i}", "ticket", ticket, "expires_in", 60));
}

/* ---- stream/ -----------------------------------------------------------------------------------
 */

/* A non-negative integer of at most 18 digits (an event number), or -1. */
static apr_int64_t event_number(const char *s)
{
    apr_int64_t v = 0;
    int n = 0;
    if (!s)
        return -1;
    while (apr_isspace(*s))
        s++;
    for (; apr_isdigit(*s) && n < 18; s++, n++)
        v = v * 10 + (*s - '0');
    while (apr_isspace(*s))
        s++;
    return n == 0 || *s ? -1 : v;
}

/* Writes `text` and flushes it to the client: 0 when the client is gone. */
static int put(request_rec *r, const char *text)
{
    if (ap_rputs(text, r) < 0 || ap_rflush(r) < 0)
        return 0;
    return !r->connection->aborted;
}

/* Sends every event of the user after *last, in batches, each followed by a flush; *last moves
 * with them. 1 when the stream goes on (a database failure included: the next wake reads
 * again); 0 when the client is gone. Uses and releases the pool's database connection. */
static int send_events(cc_req_t *q, apr_int64_t user, apr_int64_t *last)
{
    for (;;) {
        PGresult *res;
        int i, n;
        if (!cc_q(q, CC_ST_stream_events, &res, cc_id_str(q, user), cc_id_str(q, *last),
                  apr_itoa(q->pool, BATCH))) {
            cc_db_release(q);
            return 1;
        }
        n = PQntuples(res);
        for (i = 0; i < n; i++) {
            const char *body = cc_val(q, res, i, 2);
            apr_int64_t seq = cc_val_int(res, i, 0);
            /* one line: the JSON of PostgreSQL's renderers never holds a raw line break */
            if (ap_rprintf(q->r, "id: %" APR_INT64_T_FMT "\nevent: %s\ndata: %s\n\n", seq,
                           cc_val(q, res, i, 1), body)
                < 0)
                return 0;
            *last = seq;
        }
        cc_q_done(q, res);
        cc_db_release(q);
        if (n > 0 && ap_rflush(q->r) < 0)
            return 0;
        if (n < BATCH)
            return !q->r->connection->aborted;
    }
}

/* Hides the ticket from the access log: %r and %q show "ticket=-" (the log is written after the
 * handler, from these fields). */
static void redact(request_rec *r)
{
    r->args = apr_pstrdup(r->pool, "ticket=-");
    r->the_request = apr_pstrcat(r->pool, r->method, " ", r->uri, "?ticket=- ", r->protocol, NULL);
    r->unparsed_uri = apr_pstrcat(r->pool, r->uri, "?ticket=-", NULL);
}

int cc_h_stream(cc_req_t *q)
{
    request_rec *r = q->r;
    const char *ticket = apr_table_get(q->query, "ticket"), *lei;
    apr_int64_t user, version, last;
    apr_time_t beat;
    apr_pool_t *iter, *req_pool = q->pool;
    cc_stream_slot_t *slot;
    PGresult *res;
    apr_os_sock_t fd = -1;
    apr_socket_t *sock = ap_get_conn_socket(r->connection);
    int ok = 1;

    redact(r);
    lei = apr_table_get(r->headers_in, "Last-Event-ID");
    if (!lei)
        lei = apr_table_get(q->query, "last_event_id");
    last = lei ? event_number(lei) : 0;
    if (last < 0)
        return cc_invalid(q, "last_event_id", "A valid non-negative integer is required.");
    if (!ticket || !*ticket || strlen(ticket) > 200)
        return cc_error(q, HTTP_UNAUTHORIZED, "token_not_valid",
                        "The stream ticket is missing, invalid, expired or already used.");
    /* the cap first: a full server does not use up the ticket */
    slot = cc_stream_open(r->pool, 0);
    if (!slot) {
        apr_table_setn(r->err_headers_out, "Retry-After", apr_itoa(r->pool, CAP_RETRY_AFTER));
        return cc_error(q, HTTP_SERVICE_UNAVAILABLE, "service_unavailable",
                        "Too many open event streams on this server. Try again later.");
    }
    if (!cc_q(q, CC_ST_stream_ticket_use, &res, ticket))
        return cc_db_fail(q);
    if (PQntuples(res) == 0 || !cc_val_bool(res, 0, 2))
        return cc_error(q, HTTP_UNAUTHORIZED, "token_not_valid",
                        "The stream ticket is missing, invalid, expired or already used.");
    user = cc_val_int(res, 0, 0);
    version = cc_val_int(res, 0, 1);
    if (!lei)
        last = cc_val_int(res, 0, 3); /* from now on */
    cc_stream_bind(slot, user);
    cc_db_release(q);

    /* the answer: no compression (each event must leave at once), never cached */
    apr_table_setn(r->subprocess_env, "no-gzip", "1");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store, no-transform");
    apr_table_setn(r->headers_out, "X-Accel-Buffering", "no");
    ap_set_content_type(r, "text/event-stream; charset=utf-8");
    r->status = HTTP_OK;
    if (r->header_only)
        return OK; /* HEAD: the headers only */
    if (!put(r, apr_psprintf(r->pool, "retry: %d\n\n", RETRY_MS)))
        return OK;

    if (!sock || apr_os_sock_get(&fd, sock) != APR_SUCCESS)
        fd = -1;
    /* each round's statements, results and copies live in a pool cleared after it */
    apr_pool_create(&iter, req_pool);
    beat = apr_time_now() + apr_time_from_sec(q->sc->stream_heartbeat);
    while (ok) {
        q->pool = iter;
        switch (cc_stream_wait(slot, beat, fd)) {
        case CC_STREAM_STOP:
        case CC_STREAM_GONE:
            ok = 0;
            break;
        case CC_STREAM_EVENT:
            ok = send_events(q, user, &last);
            break;
        case CC_STREAM_TIMEOUT:
            /* a deactivated or password-changed user's stream ends within one heartbeat */
            if (cc_q(q, CC_ST_stream_user_ok, &res, cc_id_str(q, user),
                     apr_ltoa(q->pool, (long)version))
                && (PQntuples(res) == 0 || !cc_val_bool(res, 0, 0))) {
                ok = 0;
                break;
            }
            cc_db_release(q);
            ok = put(r, ": heartbeat\n\n");
            beat = apr_time_now() + apr_time_from_sec(q->sc->stream_heartbeat);
            break;
        }
        cc_db_release(q);
        q->pool = req_pool;
        apr_pool_clear(iter);
    }
    q->pool = req_pool;
    return OK;
}
