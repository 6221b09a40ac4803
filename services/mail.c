/* Outgoing mail: queued in the mail_outbox table inside the transaction of the change that
 * causes it, delivered afterwards by the configured transport: file:DIR right after the
 * request (development), SMTP with libcurl from the background worker (services/worker.c).
 * A failed delivery leaves the row queued with a backoff, so nothing is lost: delivery is
 * at-least-once. */
#include <apr_file_io.h>
#include <apr_date.h>
#include <curl/curl.h>
#include "../core/validate.h"
#include "services.h"

/* The texts are SQL's (cc_mail_template in dbd/sql/templates.sql, with the background tasks'
 * mails); the subject and body are made by the INSERT itself, so the mail is queued in the
 * caller's transaction exactly as before. */
int cc_mail_queue(cc_req_t *q, const char *to, const char *kind, const char *values)
{
    PGresult *res;
    return cc_q(q, CC_ST_mail_insert, &res, to, kind, values, cc_base_url(q));
}

int cc_mail_queue_for(cc_req_t *q, const char *to, const char *type, const char *kind,
                      const char *values)
{
    PGresult *res;
    return cc_q(q, CC_ST_mail_insert_pref, &res, to, kind, values, cc_base_url(q), type);
}

/* ---- the message (RFC 5322 + MIME) --------------------------------------------------------- */

/* Header values come from our own templates and validated addresses; a line break would let
 * one message forge headers, so such a message is refused rather than "cleaned". */
static int header_safe(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

static int ascii_only(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x7f || (unsigned char)*s < 0x20)
            return 0;
    return 1;
}

/* RFC 2047: text with anything but printable ASCII becomes UTF-8 "B" encoded-words of at most
 * 45 bytes each (75 characters encoded), never splitting a UTF-8 sequence, folded onto
 * continuation lines. ASCII stays as it is. */
static const char *encode_header(apr_pool_t *p, const char *s)
{
    apr_size_t len = strlen(s), pos = 0;
    const char *out = NULL;
    if (ascii_only(s))
        return s;
    while (pos < len) {
        apr_size_t n = len - pos > 45 ? 45 : len - pos;
        const char *word;
        while (pos + n < len && ((unsigned char)s[pos + n] & 0xC0) == 0x80)
            n--; /* back to the start of a character */
        word = apr_pstrcat(p, "=?UTF-8?B?",
                           apr_pencode_base64(p, s + pos, (apr_ssize_t)n, APR_ENCODE_NONE, NULL),
                           "?=", NULL);
        out = out ? apr_pstrcat(p, out, "\r\n ", word, NULL) : word;
        pos += n;
    }
    return out;
}

/* The address in "Name <addr>" (or a bare addr). */
static const char *addr_spec(apr_pool_t *p, const char *from)
{
    const char *lt = strrchr(from, '<');
    return lt ? apr_pstrndup(p, lt + 1, strcspn(lt + 1, ">")) : from;
}

/* "Name <addr>" with the name encoded when it is not ASCII. */
static const char *encode_mailbox(apr_pool_t *p, const char *from)
{
    const char *lt = strrchr(from, '<');
    apr_size_t n;
    if (!lt)
        return from;
    n = (apr_size_t)(lt - from);
    while (n > 0 && from[n - 1] == ' ')
        n--;
    if (!n)
        return apr_pstrcat(p, "<", addr_spec(p, from), ">", NULL);
    return apr_pstrcat(p, encode_header(p, apr_pstrndup(p, from, n)), " ", lt, NULL);
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

/* The HTML part: the text with every character that means something in HTML escaped, blank
 * lines making paragraphs and single line breaks <br>. Nothing else goes into it, so no value
 * of a template can inject markup. */
static const char *html_of(apr_pool_t *p, const char *text)
{
    apr_size_t n = 0;
    const char *c;
    char *out, *o;
    for (c = text; *c; c++)
        n += 12;
    out = o = apr_palloc(p, n + 64);
    o = stpcpy(o, "<p>");
    for (c = text; *c; c++) {
        switch (*c) {
        case '&':
            o = stpcpy(o, "&amp;");
            break;
        case '<':
            o = stpcpy(o, "&lt;");
            break;
        case '>':
            o = stpcpy(o, "&gt;");
            break;
        case '"':
            o = stpcpy(o, "&quot;");
            break;
        case '\'':
            o = stpcpy(o, "&#39;");
            break;
        case '\r':
            break;
        case '\n':
            if (c[1] == '\n') {
                o = stpcpy(o, "</p>\n<p>");
                while (c[1] == '\n')
                    c++;
            }
            else if (c[1])
                o = stpcpy(o, "<br>\n");
            break;
        default:
            *o++ = *c;
        }
    }
    o = stpcpy(o, "</p>");
    *o = 0;
    return apr_pstrcat(p,
                       "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>"
                       "<body style=\"font-family: sans-serif\">\n",
                       out, "\n</body></html>\n", NULL);
}

/* A body part: 8bit while every line fits SMTP's 998 octets, base64 otherwise. */
static const char *part(apr_pool_t *p, const char *boundary, const char *type, const char *text)
{
    const char *c = text, *nl;
    int long_line = 0;
    for (; *c; c = nl + 1) {
        nl = strchr(c, '\n');
        if ((nl ? (apr_size_t)(nl - c) : strlen(c)) > 990)
            long_line = 1;
        if (!nl)
            break;
    }
    if (long_line) {
        const char *b64 = apr_pencode_base64(p, text, APR_ENCODE_STRING, APR_ENCODE_NONE, NULL);
        apr_size_t len = strlen(b64), i;
        const char *wrapped = "";
        for (i = 0; i < len; i += 76)
            wrapped = apr_pstrcat(p, wrapped, apr_pstrndup(p, b64 + i, 76), "\r\n", NULL);
        return apr_pstrcat(p, "--", boundary, "\r\nContent-Type: ", type,
                           "; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", wrapped,
                           NULL);
    }
    return apr_pstrcat(p, "--", boundary, "\r\nContent-Type: ", type,
                       "; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", crlf(p, text),
                       /* the line break before a boundary belongs to the boundary: a text's
                        * own last line break needs one more */
                       "\r\n", NULL);
}

const char *cc_mail_render(apr_pool_t *p, const char *from, const char *id, const char *to,
                           const char *subject, const char *body, apr_time_t created,
                           const char **err)
{
    char date[APR_RFC822_DATE_LEN];
    const char *domain = strrchr(addr_spec(p, from), '@');
    const char *boundary = apr_pstrcat(p, "=_cc_", cc_random_token(p, 18), NULL);

    if (!header_safe(to) || !header_safe(subject) || !header_safe(from)) {
        *err = "line break in a header value";
        return NULL;
    }
    domain = domain ? domain + 1 : "localhost";
    apr_rfc822_date(date, created);
    *err = NULL;
    /* The Message-ID is the outbox row's: a retried delivery that reaches the recipient twice
     * carries the same id, which mail clients use to show it once. */
    return apr_pstrcat(
        p, "From: ", encode_mailbox(p, from), "\r\nTo: ", to,
        "\r\nSubject: ", encode_header(p, subject), "\r\nDate: ", date,
        "\r\nMessage-ID: <carechain.", id, ".",
        apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)apr_time_sec(created)), "@", domain,
        ">\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"", boundary,
        "\"\r\n\r\nThis is a multi-part message in MIME format.\r\n",
        part(p, boundary, "text/plain", body), part(p, boundary, "text/html", html_of(p, body)),
        "--", boundary, "--\r\n", NULL);
}

/* ---- transports ----------------------------------------------------------------------------- */

struct cc_mailer_s {
    const cc_server_conf_t *c;
    CURL *curl; /* SMTP only; one per mailer, so a batch reuses its connection */
    char errbuf[CURL_ERROR_SIZE];
    char reply[512];  /* the server's last answer line */
    const char *data; /* the message being uploaded */
    apr_size_t len, off;
};

static apr_status_t mailer_cleanup(void *data)
{
    cc_mailer_t *m = data;
    if (m->curl)
        curl_easy_cleanup(m->curl);
    m->curl = NULL;
    return APR_SUCCESS;
}

static size_t upload(char *buf, size_t size, size_t nitems, void *ud)
{
    cc_mailer_t *m = ud;
    size_t n = size * nitems;
    if (n > m->len - m->off)
        n = m->len - m->off;
    memcpy(buf, m->data + m->off, n);
    m->off += n;
    return n;
}

/* Keeps the server's last answer line (libcurl's "header in" data), for last_error. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
    cc_mailer_t *m = ud;
    (void)h;
    /* only refusals (4xx, 5xx): the "221 Bye" of the QUIT after one is not the reason */
    if (type == CURLINFO_HEADER_IN && size > 3 && (data[0] == '4' || data[0] == '5')) {
        size_t n = size;
        while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
            n--;
        if (n >= sizeof(m->reply))
            n = sizeof(m->reply) - 1;
        memcpy(m->reply, data, n);
        m->reply[n] = 0;
    }
    return 0;
}

int cc_mail_smtp(const cc_server_conf_t *c)
{
    return c->mail_transport && strncmp(c->mail_transport, "file:", 5) != 0;
}

cc_mailer_t *cc_mailer_create(apr_pool_t *p, const cc_server_conf_t *c)
{
    cc_mailer_t *m = apr_pcalloc(p, sizeof(*m));
    CURL *h;
    m->c = c;
    if (!cc_mail_smtp(c))
        return m;
    if (!(m->curl = h = curl_easy_init()))
        return NULL;
    apr_pool_cleanup_register(p, m, mailer_cleanup, apr_pool_cleanup_null);
    curl_easy_setopt(h, CURLOPT_URL, c->mail_transport);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    /* smtp:// must upgrade with STARTTLS or fail: never plain text (smtps:// is TLS anyway) */
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->mail_ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->mail_ca_file);
    if (c->mail_user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->mail_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->mail_password);
    }
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)c->mail_connect_timeout);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->mail_timeout);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM,
                     apr_pstrcat(p, "<", addr_spec(p, c->mail_from), ">", NULL));
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, upload);
    curl_easy_setopt(h, CURLOPT_READDATA, m);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, m->errbuf);
    /* verbose only to see the server's answers through the debug function (nothing printed) */
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, m);
    return m;
}

static const char *deliver_file(apr_pool_t *p, const char *dir, const char *id, const char *msg,
                                apr_time_t created)
{
    const char *tmp, *final;
    apr_file_t *f;
    apr_size_t len;
    apr_status_t rv;

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

/* SMTP answers that are about us, not the message: a wrong password must not fail mail. */
static int auth_reply(long code)
{
    return code == 530 || code == 534 || code == 535 || code == 538;
}

static const char *deliver_smtp(cc_mailer_t *m, apr_pool_t *p, const char *to, const char *msg,
                                int *permanent)
{
    struct curl_slist *rcpt;
    CURLcode rc;
    long code = 0;

    rcpt = curl_slist_append(NULL, apr_pstrcat(p, "<", to, ">", NULL));
    if (!rcpt)
        return "out of memory";
    m->data = msg;
    m->len = strlen(msg);
    m->off = 0;
    m->errbuf[0] = m->reply[0] = 0;
    curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(m->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
    rc = curl_easy_perform(m->curl);
    curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, NULL);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_OK)
        return NULL;
    curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &code);
    *permanent = code >= 500 && code < 600 && !auth_reply(code);
    if (code >= 400 && m->reply[0])
        return apr_psprintf(p, "%s (%s)", m->reply,
                            m->errbuf[0] ? m->errbuf : curl_easy_strerror(rc));
    return apr_pstrcat(p, rc == CURLE_USE_SSL_FAILED ? "TLS required, nothing sent: " : "",
                       m->errbuf[0] ? m->errbuf : curl_easy_strerror(rc), NULL);
}

const char *cc_mail_deliver(cc_mailer_t *m, apr_pool_t *p, const char *id, const char *to,
                            const char *subject, const char *body, apr_time_t created,
                            int *permanent)
{
    const char *err, *msg;
    *permanent = 0;
    if (!cc_email_valid(to)) {
        *permanent = 1;
        return "invalid recipient address";
    }
    msg = cc_mail_render(p, m->c->mail_from, id, to, subject, body, created, &err);
    if (!msg) {
        *permanent = 1;
        return err;
    }
    if (!m->curl)
        return deliver_file(p, m->c->mail_transport + 5, id, msg, created);
    return deliver_smtp(m, p, to, msg, permanent);
}

void cc_mail_flush(cc_req_t *q)
{
    PGresult *res;
    cc_mailer_t *m;
    int i, n;

    if (cc_mail_smtp(q->sc))
        return; /* the background worker delivers over SMTP: no request waits for a server */
    m = cc_mailer_create(q->pool, q->sc);
    if (!cc_db_begin(q))
        return;
    if (!cc_q(q, CC_ST_mail_claim, &res)) {
        cc_db_rollback(q);
        return;
    }
    n = PQntuples(res);
    for (i = 0; i < n; i++) {
        const char *id = cc_val(q, res, i, 0);
        int permanent;
        const char *err = cc_mail_deliver(m, q->pool, id, cc_val(q, res, i, 1),
                                          cc_val(q, res, i, 2), cc_val(q, res, i, 3),
                                          apr_time_from_sec(cc_val_int(res, i, 4)), &permanent);
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
