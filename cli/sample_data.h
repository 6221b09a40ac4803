/* carechainctl sample-data: realistic sample accounts, profiles, hospitals and verification
 * history for development and demonstrations (cli/sample_data.c, SQL in cli/sample_data.sql). */
#ifndef CC_SAMPLE_DATA_H
#define CC_SAMPLE_DATA_H

#include <libpq-fe.h>
#include <apr_pools.h>

/* The SQL of cli/sample_data.sql (generated into build/gen/sample_data_sql.c). */
extern const char cc_sample_data_sql[];

/* Creates the sample data on connection c in one transaction. scale: the --scale argument
 * (NULL = 1); credentials: NULL or "-" to print the credentials JSON on stdout, else a file to
 * merge them into (mode 0600, other keys kept); cost: bcrypt cost. Progress and notes go to
 * stderr. Returns the exit status: 0 done (or nothing to do), 1 failure, 2 bad usage. */
int cc_sample_data(apr_pool_t *p, PGconn *c, const char *scale, const char *credentials, int cost);

#endif
