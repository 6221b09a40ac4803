/* /api/admin/analytics/users/, jobs/ and applications/ (CONTRACT §5): time series over the local
 * days of a time zone with their breakdowns, as JSON or CSV. The documents are made by SQL
 * (dbd/sql/analytics.sql); this file reads and checks the parameters. */
#include "handlers.h"

/* Which document a route answers. */
struct cc_analytics {
    const char *kind; /* users | jobs | applications: the SQL function, and the file's name */
};

const struct cc_analytics cc_analytics_users = {"users"};
const struct cc_analytics cc_analytics_jobs = {"jobs"};
const struct cc_analytics cc_analytics_applications = {"applications"};

static const char *const INTERVALS[] = {"day", "week", "month", NULL};
static const char *const FORMATS[] = {"json", "csv", NULL};

/* The longest range a day series covers, and any series. */
#define MAX_DAYS_BY_DAY 1096    /* 3 years */
#define MAX_DAYS_ANY (20 * 366) /* 20 years */

/* ?name= as a date (NULL when absent); 0 after answering 400. */
static int query_date(cc_req_t *q, const char *name, const char **out)
{
    const char *v = cc_query_text(q, name);
    *out = v;
    if (!v || cc_date_valid(v))
        return 1;
    cc_invalid(q, name, "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.");
    return 0;
}

/* The time zone's name: UTC by default; letters, digits and "/_+-" only (an IANA name). */
static int query_tz(cc_req_t *q, const char **out)
{
    const char *v = cc_query_text(q, "tz");
    *out = v ? v : "UTC";
    if (!v
        || (strlen(v) <= 64
            && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789/_+-")
                   == strlen(v)))
        return 1;
    cc_invalid(q, "tz", apr_psprintf(q->pool, "Unknown time zone \"%s\".", v));
    return 0;
}

int cc_h_analytics(cc_req_t *q)
{
    const struct cc_analytics *a = q->route->arg;
    const char *from, *to, *iv, *tz, *format;
    PGresult *res;
    apr_int64_t days;
    int csv;

    if (!query_date(q, "from", &from) || !query_date(q, "to", &to) || !query_tz(q, &tz)
        || !cc_query_choice(q, "interval", INTERVALS, &iv)
        || !cc_query_choice(q, "format", FORMATS, &format))
        return OK;
    iv = iv ? iv : "day";
    csv = format && !strcmp(format, "csv");
    if (!cc_q(q, CC_ST_analytics_range, &res, from, to, tz))
        return cc_db_fail(q);
    if (!cc_val_bool(res, 0, 0))
        return cc_invalid(q, "tz", apr_psprintf(q->pool, "Unknown time zone \"%s\".", tz));
    from = cc_val(q, res, 0, 1);
    to = cc_val(q, res, 0, 2);
    if (strcmp(from, to) > 0)
        return cc_invalid(q, "from", "Must be on or before to.");
    /* days between two valid dates: their difference in the proleptic calendar */
    {
        apr_time_exp_t ef = {0}, et = {0};
        apr_time_t tf, tt;
        ef.tm_year = atoi(from) - 1900, ef.tm_mon = atoi(from + 5) - 1, ef.tm_mday = atoi(from + 8);
        et.tm_year = atoi(to) - 1900, et.tm_mon = atoi(to + 5) - 1, et.tm_mday = atoi(to + 8);
        apr_time_exp_gmt_get(&tf, &ef);
        apr_time_exp_gmt_get(&tt, &et);
        days = (tt - tf) / (APR_USEC_PER_SEC * 86400) + 1;
    }
    if (!strcmp(iv, "day") && days > MAX_DAYS_BY_DAY)
        return cc_invalid(q, "interval",
                          apr_psprintf(q->pool,
                                       "A day interval covers at most %d days (3 years); "
                                       "use week or month.",
                                       MAX_DAYS_BY_DAY));
    if (days > MAX_DAYS_ANY)
        return cc_invalid(q, "from", "The range may cover at most 20 years.");
    if (!cc_q(q, CC_ST_analytics_document, &res, from, to, iv, tz, a->kind, csv ? "true" : "false"))
        return cc_db_fail(q);
    if (csv)
        return cc_send_file(
            q, "text/csv; charset=utf-8",
            apr_pstrcat(q->pool, "carechain-", a->kind, "-", from, "-", to, ".csv", NULL),
            cc_val(q, res, 0, 0));
    return cc_json_text(q, HTTP_OK, cc_val(q, res, 0, 0));
}
