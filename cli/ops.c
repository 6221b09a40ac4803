/* carechainctl mail status | mail retry ID|--failed | tasks: the SQL is the module's own
 * (dbd/statement_list.h ops_*, dbd/sql/background.sql), so these print exactly what
 * GET /api/health/?verbose=1 shows admins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "../dbd/statements.h"
#include "ops.h"

/* The one JSON value statement id returns; NULL after printing why. Free with json_decref. */
static json_t *query_json(PGconn *c, cc_stmt_id_t id)
{
    PGresult *r = PQexecParams(c, cc_statements[id].sql, 0, NULL, NULL, NULL, NULL, 0);
    json_t *v = NULL;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fprintf(stderr, "carechainctl: %s", PQresultErrorMessage(r));
    else
        v = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
    PQclear(r);
    return v;
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "-";
}

int cc_ctl_mail_status(PGconn *c)
{
    json_t *m = query_json(c, CC_ST_ops_mail_status), *f;
    size_t i;
    if (!m)
        return 1;
    printf("queued:              %" JSON_INTEGER_FORMAT "\n",
           json_integer_value(json_object_get(m, "queued")));
    printf("  due now:           %" JSON_INTEGER_FORMAT "\n",
           json_integer_value(json_object_get(m, "due")));
    printf("  in flight:         %" JSON_INTEGER_FORMAT "\n",
           json_integer_value(json_object_get(m, "in_flight")));
    printf("oldest undelivered:  %s (%.0f s ago)\n", str(m, "oldest_undelivered"),
           json_number_value(json_object_get(m, "oldest_undelivered_age_s")));
    printf("sent in 24 h:        %" JSON_INTEGER_FORMAT "\n",
           json_integer_value(json_object_get(m, "sent_last_24h")));
    printf("failed:              %" JSON_INTEGER_FORMAT "\n",
           json_integer_value(json_object_get(m, "failed")));
    json_array_foreach(json_object_get(m, "failures_by_reason"), i, f)
        printf("  %6" JSON_INTEGER_FORMAT "  %s\n", json_integer_value(json_object_get(f, "count")),
               str(f, "reason"));
    json_decref(m);
    return 0;
}

int cc_ctl_mail_retry(PGconn *c, const char *id)
{
    const char *params[1] = {id};
    PGresult *r;
    int n;
    if (id && (!*id || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18)) {
        fprintf(stderr, "carechainctl: mail retry takes a message id (a number) or --failed\n");
        return 2;
    }
    r = PQexecParams(c, cc_statements[CC_ST_ops_mail_retry].sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "carechainctl: %s", PQresultErrorMessage(r));
        PQclear(r);
        return 1;
    }
    n = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (id && !n) {
        fprintf(stderr, "carechainctl: no undelivered message %s\n", id);
        return 1;
    }
    printf("mail retry: %d message%s due again\n", n, n == 1 ? "" : "s");
    return 0;
}

int cc_ctl_tasks(PGconn *c)
{
    json_t *t = query_json(c, CC_ST_ops_tasks), *row;
    size_t i;
    if (!t)
        return 1;
    printf("%-12s %-20s %-27s %10s %-6s %7s  %-27s %s\n", "TASK", "NODE", "LAST RUN", "MS",
           "RESULT", "ITEMS", "NEXT RUN", "DETAIL");
    json_array_foreach(t, i, row)
    {
        char *detail = json_dumps(json_object_get(row, "detail"), JSON_COMPACT | JSON_ENCODE_ANY);
        printf("%-12s %-20s %-27s %10.1f %-6s %7" JSON_INTEGER_FORMAT "  %-27s %s\n",
               str(row, "task"), str(row, "node"), str(row, "last_run"),
               json_number_value(json_object_get(row, "duration_ms")), str(row, "result"),
               json_integer_value(json_object_get(row, "items")), str(row, "next_run"),
               detail ? detail : "");
        free(detail);
    }
    json_decref(t);
    return 0;
}
