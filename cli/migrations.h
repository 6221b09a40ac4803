/* The SQL carechainctl applies, embedded by cli/gen_migrations.sh (dbd/README.md): the schema
 * files (dbd/schema/NNNN_name.sql: forward-only, applied once each, checksummed) and the
 * function files (dbd/sql/<topic>.sql: applied again whenever their checksum changes). */
#ifndef CC_MIGRATIONS_H
#define CC_MIGRATIONS_H

typedef struct {
    const char *path; /* relative to dbd/: "schema/0001_accounts.sql" or "sql/render.sql" */
    const char *text; /* the file's bytes, NUL-terminated */
} cc_sql_source_t;

/* The schema files in version order, then the function files by name. */
extern const cc_sql_source_t cc_embedded_sql[];
extern const int cc_embedded_sql_count;

#endif
