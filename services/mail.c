/* Outgoing mail: queued in the mail_outbox table inside the transaction of the change that
 * causes it, delivered afterwards by the configured transport. A delivery failure leaves the
 * row queued with a backoff, so nothing is lost (delivery is at-least-once). */
#include <apr_file_io.h>
#include <apr_date.h>
#include "services.h"

int cc_mail_queue(cc_req_t *q, const char *to, const char *subject, const char *body)
{
    PGresult *res;
    return cc_q(q, CC_ST_mail_insert, &res, to, subject, body);
}

/* Header values come from our own templates and validated addresses; a line break would let
 * one message forge headers, so such a message is refused rather than "cleaned". */
static int header_safe(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

/* Turns LF into CRLF as RFC 5322 wants. */
static char *crlf(apr_pool_t *p, const char *s)
{
    apr_size_t n = 0;
    const char *c;
    char *out, *o;
    for (c = s; *c; c++)
        n += (*c == '\n') ? 2 : 1;
    out = o = apr_palloc(p, n + 1);
    for (c = s; *c; c++) {
        if (*c == '\n' && (c == s || c[-1] != '\r'))
            *o++ = '\r';
        *o++ = *c;
    }
    *o = 0;
    return out;
}

static const char *deliver_file(cc_req_t *q, const char *dir, const char *id, const char *to,
                                const char *subject, const char *body, apr_time_t created)
{
    apr_pool_t *p = q->pool;
    char date[APR_RFC822_DATE_LEN];
    const char *from = q->sc->mail_from, *at = strrchr(from, '@'), *domain;
    const char *tmp, *final, *msg;
    apr_file_t *f;
    apr_size_t len;
    apr_status_t rv;

    if (!header_safe(to) || !header_safe(subject) || !header_safe(from))
        return "line break in a header value";
    domain = at ? apr_pstrndup(p, at + 1, strcspn(at + 1, ">")) : "localhost";
    apr_rfc822_date(date, created);
    msg =
        apr_pstrcat(p, "From: ", from, "\r\nTo: ", to, "\r\nSubject: ", subject, "\r\nDate: ", date,
                    "\r\nMessage-ID: <", id, ".", cc_random_token(p, 9), "@", domain, ">",
                    "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8"
                    "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
                    crlf(p, body), NULL);
    tmp = apr_pstrcat(p, dir, "/.tmp-", id, NULL);
    final = apr_psprintf(p, "%s/%" APR_INT64_T_FMT "-%s.eml", dir,
                         (apr_int64_t)apr_time_sec(created), id);
    rv = apr_file_open(&f, tmp, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                       APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD, p);
    if (rv != APR_SUCCESS)
        return "cannot create the message file";
    len = strlen(msg);
    rv = apr_file_write_full(f, msg, len, NULL);
    if (rv == APR_SUCCESS)
        rv = apr_file_sync(f);
    apr_file_close(f);
    if (rv == APR_SUCCESS)
        rv = apr_file_rename(tmp, final, p); /* readers never see half a message */
    if (rv != APR_SUCCESS) {
        apr_file_remove(tmp, p);
        return "cannot write the message file";
    }
    return NULL;
}

void cc_mail_flush(cc_req_t *q)
{
    PGresult *res;
    const char *transport = q->sc->mail_transport;
    int i, n;

    if (!transport || strncmp(transport, "file:", 5) != 0)
        return; /* SMTP arrives with the background worker */
    if (!cc_db_begin(q))
        return;
    if (!cc_q(q, CC_ST_mail_claim, &res)) {
        cc_db_rollback(q);
        return;
    }
    n = PQntuples(res);
    for (i = 0; i < n; i++) {
        const char *id = cc_val(q, res, i, 0);
        const char *err =
            deliver_file(q, transport + 5, id, cc_val(q, res, i, 1), cc_val(q, res, i, 2),
                         cc_val(q, res, i, 3), apr_time_from_sec(cc_val_int(res, i, 4)));
        PGresult *r2;
        if (err)
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, q->r,
                          CC_LOGNO(01301) "mail %s not delivered (%s): stays queued", id, err);
        if (!(err ? cc_q(q, CC_ST_mail_failed, &r2, id, err) : cc_q(q, CC_ST_mail_sent, &r2, id))) {
            cc_db_rollback(q);
            return;
        }
    }
    cc_db_commit(q);
}
