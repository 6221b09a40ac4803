/* carechainctl: the administration tool of mod_carechain.
 *   migrate                       apply the embedded schema files and function files of dbd/
 *                                 (dbd/README.md; idempotent, one transaction)
 *   createsuperuser --email E     create an admin (password from --password-file F, or asked)
 *   check [--key-file F]          database reachable, schema current, every statement valid
 *   seed-masters                  add the missing curated skills, qualifications and locations
 *                                 (embedded from cli/data/; idempotent)
 *   sample-data [--scale N] [--credentials FILE|-]
 *                                 sample accounts, profiles and hospitals (cli/sample_data.c)
 *   statement LABEL               print the SQL of one statement of the statement table (no
 *                                 database needed; `make bench` runs it with pgbench)
 * The database comes from --db CONNINFO, $CARECHAIN_DB, <binary dir>/../var/conninfo (the
 * development stack of `make run`) or /etc/carechain/conninfo, in that order.
 * --sql-dir DIR makes migrate and check read DIR/schema/NNNN_name.sql and DIR/sql/name.sql
 * (DIR is a dbd/ directory) instead of the copies built in: for tests and developers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <termios.h>
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_md5.h>
#include "migrations.h"
#include "seed_data.h"
#include "../dbd/statements.h"
#include "../core/password_rules.h"
#include "../core/validate.h"
#include "sample_data.h"
#include "ops.h"

/* Serialises concurrent `migrate` runs from several nodes. */
#define MIGRATE_LOCK_KEY 724007

static void usage(void)
{
    fprintf(stderr, "usage: carechainctl [--db CONNINFO] [--sql-dir DIR] COMMAND | --version\n"
                    "  migrate\n"
                    "  createsuperuser --email EMAIL [--password-file FILE] [--first-name N] "
                    "[--last-name N] [--bcrypt-cost N]\n"
                    "  check [--key-file FILE]\n"
                    "  seed-masters\n"
                    "  sample-data [--scale N] [--credentials FILE|-] [--bcrypt-cost N]\n"
                    "  statement LABEL\n"
                    "  mail status | mail retry ID | mail retry --failed\n"
                    "  tasks\n");
}

/* The SQL of the statement labelled label, newline-terminated, on stdout; 1 when unknown. */
static int cmd_statement(const char *label)
{
    int i;
    for (i = 0; label && i < CC_ST__COUNT; i++) {
        if (cc_statements[i].label && !strcmp(cc_statements[i].label, label)) {
            printf("%s\n", cc_statements[i].sql);
            return 0;
        }
    }
    fprintf(stderr, "carechainctl: no statement labelled %s\n", label ? label : "(none)");
    return 1;
}

static char *read_file_line(apr_pool_t *p, const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[4096];
    size_t n;
    if (!f)
        return NULL;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = 0;
    return apr_pstrdup(p, buf);
}

static const char *find_conninfo(apr_pool_t *p, const char *given)
{
    char exe[PATH_MAX];
    ssize_t n;
    const char *s;
    if (given)
        return given;
    if ((s = getenv("CARECHAIN_DB")) && *s)
        return s;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        char *slash;
        exe[n] = 0;
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            s = read_file_line(p, apr_pstrcat(p, exe, "/../var/conninfo", NULL));
            if (s)
                return s;
        }
    }
    return read_file_line(p, "/etc/carechain/conninfo");
}

static PGconn *connect_db(const char *conninfo)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "carechainctl: cannot connect to the database: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

static int exec_ok(PGconn *c, const char *sql, const char *what)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fprintf(stderr, "carechainctl: %s failed: %s", what, PQresultErrorMessage(r));
        PQclear(r);
        return 0;
    }
    PQclear(r);
    return 1;
}

/* ---- migrate: the schema files and the function files (dbd/README.md) -------------------- */

/* One file of dbd/schema/ or dbd/sql/, as shipped (embedded, or read from --sql-dir), with what
 * the database's ledgers say about it. */
typedef struct {
    int version;                  /* schema files: NNNN; function files: 0 */
    const char *name;             /* the ledger's name: "0001_accounts", or "sql/render.sql" */
    const char *path;             /* for messages: "dbd/schema/0001_accounts.sql" */
    const char *text;             /* the file's bytes */
    char sha256[65];              /* hex SHA-256 of text */
    apr_array_header_t *requires; /* schema files: the function files named by `-- requires:` */
    int recorded;                 /* the ledger has a row for it */
    const char *recorded_sha256;  /* that row's sha256 (NULL: a row of an earlier carechainctl) */
    int applied;                  /* applied in this run */
} sqlfile_t;

typedef struct {
    apr_array_header_t *schema; /* sqlfile_t, ascending version */
    apr_array_header_t *funcs;  /* sqlfile_t, by name */
} sqlset_t;

static void sha256_hex(const char *text, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    if (!EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL))
        n = 0;
    for (i = 0; i < n && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[2 * i] = 0;
}

static sqlfile_t *find_func(sqlset_t *set, const char *name)
{
    int i;
    for (i = 0; i < set->funcs->nelts; i++) {
        sqlfile_t *f = &APR_ARRAY_IDX(set->funcs, i, sqlfile_t);
        if (!strcmp(f->name, name))
            return f;
    }
    return NULL;
}

/* Adds one file given by its path relative to dbd/ ("schema/0001_x.sql", "sql/x.sql"); shown is
 * the path messages name. Returns 0, or 1 (after a message) when the name is not one of those. */
static int sqlset_add(apr_pool_t *p, sqlset_t *set, const char *rel, const char *shown,
                      const char *text)
{
    sqlfile_t f;
    const char *base = strchr(rel, '/') + 1;
    memset(&f, 0, sizeof(f));
    f.path = shown;
    f.text = text;
    sha256_hex(text, f.sha256);
    if (!strncmp(rel, "schema/", 7)) {
        const char *s;
        if (!(isdigit((unsigned char)base[0]) && isdigit((unsigned char)base[1])
              && isdigit((unsigned char)base[2]) && isdigit((unsigned char)base[3])
              && base[4] == '_' && strlen(base) > 9)) {
            fprintf(stderr, "carechainctl: %s: a schema file is named NNNN_name.sql\n", shown);
            return 1;
        }
        f.version = atoi(apr_pstrndup(p, base, 4));
        f.name = apr_pstrndup(p, base, strlen(base) - 4);
        f.requires = apr_array_make(p, 2, sizeof(const char *));
        /* `-- requires: sql/a.sql [sql/b.sql ...]` among the comment lines the file starts with */
        for (s = text; *s == '-' || *s == '\n'; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : "") {
            const char *end = strchr(s, '\n');
            char *line, *tok, *last;
            if (*s == '\n')
                continue;
            if (strncmp(s, "--", 2) != 0)
                break;
            line = apr_pstrndup(p, s, end ? (apr_size_t)(end - s) : strlen(s));
            if (strncmp(line, "-- requires:", 12) != 0)
                continue;
            for (tok = apr_strtok(line + 12, " \t,", &last); tok;
                 tok = apr_strtok(NULL, " \t,", &last))
                APR_ARRAY_PUSH(f.requires, const char *) = tok;
        }
        if (set->schema->nelts
            && APR_ARRAY_IDX(set->schema, set->schema->nelts - 1, sqlfile_t).version >= f.version) {
            fprintf(stderr, "carechainctl: %s: version %04d comes twice or out of order\n", shown,
                    f.version);
            return 1;
        }
        APR_ARRAY_PUSH(set->schema, sqlfile_t) = f;
    }
    else {
        f.name = rel;
        APR_ARRAY_PUSH(set->funcs, sqlfile_t) = f;
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The *.sql files of dir/sub, sorted; NULL (after a message) when the directory is unreadable. */
static apr_array_header_t *list_sql(apr_pool_t *p, const char *dir, const char *sub)
{
    const char *path = apr_pstrcat(p, dir, "/", sub, NULL);
    apr_array_header_t *names = apr_array_make(p, 16, sizeof(const char *));
    DIR *d = opendir(path);
    struct dirent *e;
    if (!d) {
        fprintf(stderr, "carechainctl: --sql-dir: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && e->d_name[0] != '.' && !strcmp(e->d_name + n - 4, ".sql"))
            APR_ARRAY_PUSH(names, const char *) = apr_pstrdup(p, e->d_name);
    }
    closedir(d);
    qsort(names->elts, (size_t)names->nelts, sizeof(const char *), cmp_names);
    return names;
}

static char *read_whole_file(apr_pool_t *p, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "carechainctl: cannot read %s: %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    buf = apr_palloc(p, (apr_size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "carechainctl: cannot read %s\n", path);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = 0;
    if (strlen(buf) != (size_t)n) {
        fprintf(stderr, "carechainctl: %s holds a NUL byte\n", path);
        return NULL;
    }
    return buf;
}

/* The files carechainctl ships (embedded), or those under sqldir (DIR/schema, DIR/sql) with
 * --sql-dir. NULL (after a message) when they are not a consistent set. */
static sqlset_t *sqlset_load(apr_pool_t *p, const char *sqldir)
{
    sqlset_t *set = apr_pcalloc(p, sizeof(*set));
    int i, j;
    set->schema = apr_array_make(p, 16, sizeof(sqlfile_t));
    set->funcs = apr_array_make(p, 16, sizeof(sqlfile_t));
    if (!sqldir) {
        for (i = 0; i < cc_embedded_sql_count; i++) {
            const cc_sql_source_t *s = &cc_embedded_sql[i];
            if (sqlset_add(p, set, s->path, apr_pstrcat(p, "dbd/", s->path, NULL), s->text))
                return NULL;
        }
    }
    else {
        static const char *const subs[] = {"schema", "sql"};
        for (j = 0; j < 2; j++) {
            apr_array_header_t *names = list_sql(p, sqldir, subs[j]);
            if (!names)
                return NULL;
            for (i = 0; i < names->nelts; i++) {
                const char *rel =
                    apr_pstrcat(p, subs[j], "/", APR_ARRAY_IDX(names, i, const char *), NULL);
                const char *shown = apr_pstrcat(p, sqldir, "/", rel, NULL);
                char *text = read_whole_file(p, shown);
                if (!text || sqlset_add(p, set, rel, shown, text))
                    return NULL;
            }
        }
    }
    for (i = 0; i < set->schema->nelts; i++) {
        sqlfile_t *f = &APR_ARRAY_IDX(set->schema, i, sqlfile_t);
        for (j = 0; j < f->requires->nelts; j++) {
            const char *r = APR_ARRAY_IDX(f->requires, j, const char *);
            if (!find_func(set, r)) {
                fprintf(stderr, "carechainctl: %s requires %s, which is not shipped\n", f->path, r);
                return NULL;
            }
        }
    }
    return set;
}

/* Whether relation rel (in the search path) has column col; -1 on a query error. */
static int has_column(PGconn *c, const char *rel, const char *col)
{
    const char *params[2] = {rel, col};
    PGresult *r = PQexecParams(c,
                               "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass($1)"
                               " AND attname = $2 AND attnum > 0 AND NOT attisdropped",
                               2, NULL, params, NULL, NULL, 0);
    int yes = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
        yes = atoi(PQgetvalue(r, 0, 0)) > 0;
    else
        fprintf(stderr, "carechainctl: reading the catalog failed: %s", PQresultErrorMessage(r));
    PQclear(r);
    return yes;
}

/* Reads the ledgers into set (recorded, recorded_sha256) and appends to problems (strings) what
 * forbids migrating: schema versions this carechainctl does not ship or ships under another
 * name, schema files changed after they were applied, and a schema file missing below applied
 * ones. Either ledger may be missing (nothing recorded), cc_schema_migrations may lack sha256
 * (rows of an earlier carechainctl). Returns 0, or 1 on a query error. */
static int ledger_read(apr_pool_t *p, PGconn *c, sqlset_t *set, apr_array_header_t *problems)
{
    PGresult *r;
    int i, j, with_sha, highest = 0;
    with_sha = has_column(c, "cc_schema_migrations", "sha256");
    if (with_sha < 0)
        return 1;
    if (has_column(c, "cc_schema_migrations", "version") == 1) {
        r = PQexec(c, with_sha ? "SELECT version, name, sha256 FROM cc_schema_migrations"
                                 " ORDER BY version"
                               : "SELECT version, name, NULL FROM cc_schema_migrations"
                                 " ORDER BY version");
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "carechainctl: reading cc_schema_migrations failed: %s",
                    PQresultErrorMessage(r));
            PQclear(r);
            return 1;
        }
        for (i = 0; i < PQntuples(r); i++) {
            int v = atoi(PQgetvalue(r, i, 0));
            const char *name = PQgetvalue(r, i, 1);
            sqlfile_t *f = NULL;
            for (j = 0; j < set->schema->nelts; j++)
                if (APR_ARRAY_IDX(set->schema, j, sqlfile_t).version == v)
                    f = &APR_ARRAY_IDX(set->schema, j, sqlfile_t);
            if (v > highest)
                highest = v;
            if (!f) {
                APR_ARRAY_PUSH(problems, const char *) = apr_psprintf(
                    p,
                    "the database has schema version %d (%s), which this carechainctl does not"
                    " ship: it was migrated by a newer one",
                    v, name);
                continue;
            }
            if (strcmp(f->name, name) != 0) {
                APR_ARRAY_PUSH(problems, const char *) = apr_psprintf(
                    p, "schema version %d is recorded as %s, but this carechainctl ships %s", v,
                    name, f->path);
                continue;
            }
            f->recorded = 1;
            f->recorded_sha256 = PQgetisnull(r, i, 2) ? NULL : apr_pstrdup(p, PQgetvalue(r, i, 2));
            if (f->recorded_sha256 && strcmp(f->recorded_sha256, f->sha256) != 0)
                APR_ARRAY_PUSH(problems, const char *) = apr_psprintf(
                    p,
                    "%s was changed after it was applied to this database (recorded sha256 %s,"
                    " shipped %s): schema files are never edited once released; add a new"
                    " schema file instead",
                    f->path, f->recorded_sha256, f->sha256);
        }
        PQclear(r);
    }
    for (j = 0; j < set->schema->nelts; j++) {
        sqlfile_t *f = &APR_ARRAY_IDX(set->schema, j, sqlfile_t);
        if (!f->recorded && f->version < highest)
            APR_ARRAY_PUSH(problems, const char *) = apr_psprintf(
                p,
                "%s is not applied, but schema version %d is: the ledger cc_schema_migrations"
                " does not match the schema files",
                f->path, highest);
    }
    if (has_column(c, "cc_sql_files", "sha256") == 1) {
        r = PQexec(c, "SELECT name, sha256 FROM cc_sql_files");
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "carechainctl: reading cc_sql_files failed: %s",
                    PQresultErrorMessage(r));
            PQclear(r);
            return 1;
        }
        for (i = 0; i < PQntuples(r); i++) {
            sqlfile_t *f = find_func(set, PQgetvalue(r, i, 0));
            if (f) { /* rows of files no longer shipped stay as they are */
                f->recorded = 1;
                f->recorded_sha256 = apr_pstrdup(p, PQgetvalue(r, i, 1));
            }
        }
        PQclear(r);
    }
    return 0;
}

static int func_current(const sqlfile_t *f)
{
    return f->recorded_sha256 && !strcmp(f->recorded_sha256, f->sha256);
}

/* Runs sql (several statements) in the open transaction; PGRES_EMPTY_QUERY (only comments) is
 * fine. On failure prints what names. */
static int exec_file(PGconn *c, const char *sql, const char *what)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        fprintf(stderr, "carechainctl: migrate: %s failed: %s", what, PQresultErrorMessage(r));
        PQclear(r);
        return 0;
    }
    PQclear(r);
    return 1;
}

/* Applies a function file and records it: with function bodies unchecked (as pg_dump's
 * restores do), so the order of functions and files does not matter. */
static int apply_func(PGconn *c, sqlfile_t *f, const char *why)
{
    const char *params[2] = {f->name, f->sha256};
    PGresult *r;
    if (!exec_file(c, "SET LOCAL check_function_bodies = off", "SET")
        || !exec_file(c, f->text, f->path) || !exec_file(c, "RESET check_function_bodies", "RESET"))
        return 0;
    r = PQexecParams(c,
                     "INSERT INTO cc_sql_files (name, sha256) VALUES ($1, $2)"
                     " ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256,"
                     " applied_at = now()",
                     2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "carechainctl: migrate: recording %s failed: %s", f->name,
                PQresultErrorMessage(r));
        PQclear(r);
        return 0;
    }
    PQclear(r);
    f->recorded = 1;
    f->recorded_sha256 = f->sha256;
    f->applied = 1;
    printf("applied %s%s\n", f->name, why);
    return 1;
}

static int migrate_steps(apr_pool_t *p, PGconn *c, sqlset_t *set)
{
    apr_array_header_t *problems = apr_array_make(p, 4, sizeof(const char *));
    int i, j, schema_applied = 0, funcs_applied = 0, adopted = 0;
    char lock[80];

    snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%d)", MIGRATE_LOCK_KEY);
    if (!exec_file(c, lock, "taking the migration lock")
        || !exec_file(c,
                      "CREATE TABLE IF NOT EXISTS cc_schema_migrations (version integer"
                      " PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL"
                      " DEFAULT now())",
                      "creating cc_schema_migrations")
        || !exec_file(c, "ALTER TABLE cc_schema_migrations ADD COLUMN IF NOT EXISTS sha256 text",
                      "adding cc_schema_migrations.sha256")
        || !exec_file(c,
                      "CREATE TABLE IF NOT EXISTS cc_sql_files (name text PRIMARY KEY,"
                      " sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                      "creating cc_sql_files"))
        return 1;
    if (ledger_read(p, c, set, problems))
        return 1;
    if (problems->nelts) {
        for (i = 0; i < problems->nelts; i++)
            fprintf(stderr, "carechainctl: migrate: %s\n",
                    APR_ARRAY_IDX(problems, i, const char *));
        fprintf(stderr, "carechainctl: migrate: refused, nothing was changed\n");
        return 1;
    }

    /* Rows of an earlier carechainctl (no sha256): they are trusted to describe the tables the
     * shipped schema files of the same version create (dbd/README.md), and every function file
     * is applied, which replaces whatever function bodies that database kept. */
    for (i = 0; i < set->schema->nelts; i++) {
        sqlfile_t *f = &APR_ARRAY_IDX(set->schema, i, sqlfile_t);
        char ver[16];
        const char *params[2] = {f->sha256, ver};
        PGresult *r;
        if (!f->recorded || f->recorded_sha256)
            continue;
        snprintf(ver, sizeof(ver), "%d", f->version);
        r = PQexecParams(c, "UPDATE cc_schema_migrations SET sha256 = $1 WHERE version = $2", 2,
                         NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "carechainctl: migrate: adopting %s failed: %s", f->name,
                    PQresultErrorMessage(r));
            PQclear(r);
            return 1;
        }
        PQclear(r);
        f->recorded_sha256 = f->sha256;
        printf("adopted %s (recorded by an earlier carechainctl): sha256 %s\n", f->name, f->sha256);
        adopted++;
    }
    if (adopted)
        printf("adopted %d schema files: every sql file is applied\n", adopted);

    /* Pending schema files, in order, each after the function files it requires. */
    for (i = 0; i < set->schema->nelts; i++) {
        sqlfile_t *f = &APR_ARRAY_IDX(set->schema, i, sqlfile_t);
        char ver[16];
        const char *params[3] = {ver, f->name, f->sha256};
        PGresult *r;
        if (f->recorded)
            continue;
        for (j = 0; j < f->requires->nelts; j++) {
            sqlfile_t *g = find_func(set, APR_ARRAY_IDX(f->requires, j, const char *));
            if (!func_current(g)
                && !apply_func(c, g, apr_pstrcat(p, " (required by ", f->name, ")", NULL)))
                return 1;
        }
        if (!exec_file(c, f->text, f->path))
            return 1;
        snprintf(ver, sizeof(ver), "%d", f->version);
        r = PQexecParams(c,
                         "INSERT INTO cc_schema_migrations (version, name, sha256)"
                         " VALUES ($1, $2, $3)",
                         3, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "carechainctl: migrate: recording %s failed: %s", f->name,
                    PQresultErrorMessage(r));
            PQclear(r);
            return 1;
        }
        PQclear(r);
        f->recorded = 1;
        f->recorded_sha256 = f->sha256;
        printf("applied %s\n", f->name);
        schema_applied++;
    }

    /* Then every function file that is new or changed; all of them on adoption, and after any
     * schema file (which may have dropped or changed what a function defines or refers to,
     * also one applied as required before it). */
    for (i = 0; i < set->funcs->nelts; i++) {
        sqlfile_t *g = &APR_ARRAY_IDX(set->funcs, i, sqlfile_t);
        if (func_current(g) && !adopted && !schema_applied)
            continue;
        if (!apply_func(c, g, ""))
            return 1;
    }
    for (i = 0; i < set->funcs->nelts; i++)
        funcs_applied += APR_ARRAY_IDX(set->funcs, i, sqlfile_t).applied;
    printf("schema files: %d applied, %d total\n", schema_applied, set->schema->nelts);
    printf("sql files: %d applied, %d total\n", funcs_applied, set->funcs->nelts);
    return 0;
}

/* One transaction for the whole run, under an advisory lock: a second migrate (another node)
 * waits, then finds nothing to do; a failure or a refusal changes nothing. */
static int cmd_migrate(apr_pool_t *p, PGconn *c, const char *sqldir)
{
    sqlset_t *set = sqlset_load(p, sqldir);
    if (!set)
        return 1;
    /* The role's statement_timeout would cut a long rewrite, or the wait for another node. */
    if (!exec_ok(c, "SET statement_timeout = 0", "SET statement_timeout")
        || !exec_ok(c, "BEGIN", "BEGIN"))
        return 1;
    if (migrate_steps(p, c, set)) {
        exec_ok(c, "ROLLBACK", "ROLLBACK");
        return 1;
    }
    return exec_ok(c, "COMMIT", "COMMIT") ? 0 : 1;
}

/* check: what migrate would do, or forbid, without changing anything. Prints the reasons and
 * returns 1 when the schema is not current. */
static int schema_not_current(apr_pool_t *p, PGconn *c, sqlset_t *set, int *latest)
{
    apr_array_header_t *problems = apr_array_make(p, 4, sizeof(const char *));
    int i, legacy = 0;
    if (ledger_read(p, c, set, problems))
        return 1;
    for (i = 0; i < set->schema->nelts; i++) {
        sqlfile_t *f = &APR_ARRAY_IDX(set->schema, i, sqlfile_t);
        if (!f->recorded)
            APR_ARRAY_PUSH(problems, const char *) = apr_psprintf(p, "%s is pending", f->path);
        else if (!f->recorded_sha256)
            legacy++;
        if (f->version > *latest)
            *latest = f->version;
    }
    if (legacy)
        APR_ARRAY_PUSH(problems, const char *) = apr_psprintf(
            p, "%d schema files were recorded without checksums by an earlier carechainctl",
            legacy);
    for (i = 0; i < set->funcs->nelts; i++) {
        sqlfile_t *g = &APR_ARRAY_IDX(set->funcs, i, sqlfile_t);
        if (!func_current(g))
            APR_ARRAY_PUSH(problems, const char *) = apr_psprintf(
                p, "%s is %s", g->path, g->recorded ? "changed since it was applied" : "pending");
    }
    if (!problems->nelts)
        return 0;
    fprintf(stderr, "check: schema is not current (run carechainctl migrate):\n");
    for (i = 0; i < problems->nelts; i++)
        fprintf(stderr, "check:   %s\n", APR_ARRAY_IDX(problems, i, const char *));
    return 1;
}

static char *prompt_password(apr_pool_t *p, const char *prompt)
{
    struct termios old, quiet;
    char buf[1024];
    int tty = isatty(STDIN_FILENO);
    if (tty) {
        fputs(prompt, stderr);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    if (!fgets(buf, sizeof(buf), stdin))
        buf[0] = 0;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    buf[strcspn(buf, "\r\n")] = 0;
    return apr_pstrdup(p, buf);
}

static int cmd_createsuperuser(apr_pool_t *p, PGconn *c, const char *email, const char *pwfile,
                               const char *first, const char *last, int cost)
{
    char *pw, hash[128], *lower;
    unsigned char salt[16];
    apr_array_header_t *probs;
    const char *params[4];
    PGresult *r;
    int i;

    if (!email || !cc_email_valid(email)) {
        fprintf(stderr, "carechainctl: --email must be a valid email address\n");
        return 2;
    }
    lower = apr_pstrdup(p, email);
    for (i = 0; lower[i]; i++)
        lower[i] = (char)tolower((unsigned char)lower[i]);
    if (pwfile) {
        pw = read_file_line(p, pwfile);
        if (!pw) {
            fprintf(stderr, "carechainctl: cannot read %s\n", pwfile);
            return 2;
        }
    }
    else {
        char *again;
        pw = prompt_password(p, "Password: ");
        again = prompt_password(p, "Password (again): ");
        if (strcmp(pw, again) != 0) {
            fprintf(stderr, "carechainctl: the passwords differ\n");
            return 2;
        }
    }
    probs = cc_password_problems(p, pw, lower, first, last);
    if (probs) {
        for (i = 0; i < probs->nelts; i++)
            fprintf(stderr, "carechainctl: %s\n", APR_ARRAY_IDX(probs, i, const char *));
        return 2;
    }
    if (apr_generate_random_bytes(salt, sizeof(salt)) != APR_SUCCESS
        || apr_bcrypt_encode(pw, (unsigned)cost, salt, sizeof(salt), hash, sizeof(hash))
               != APR_SUCCESS) {
        fprintf(stderr, "carechainctl: hashing failed\n");
        return 1;
    }
    params[0] = lower;
    params[1] = hash;
    params[2] = first ? first : "";
    params[3] = last ? last : "";
    r = PQexecParams(c,
                     "INSERT INTO users (email, password, first_name, last_name, role, is_verified)"
                     " VALUES ($1, $2, $3, $4, 'admin', true) RETURNING id",
                     4, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        const char *ss = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (ss && !strcmp(ss, "23505"))
            fprintf(stderr, "carechainctl: a user with this email already exists\n");
        else
            fprintf(stderr, "carechainctl: creating the admin failed: %s", PQresultErrorMessage(r));
        PQclear(r);
        return 1;
    }
    printf("created admin %s (id %s)\n", lower, PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

static int cmd_check(apr_pool_t *p, PGconn *c, const char *keyfile, const char *sqldir)
{
    int i, bad = 0, latest = 0;
    PGresult *r;
    sqlset_t *set = sqlset_load(p, sqldir);
    if (!set)
        return 1;
    if (keyfile) {
        FILE *f = fopen(keyfile, "rb");
        long n = -1;
        if (f && fseek(f, 0, SEEK_END) == 0)
            n = ftell(f);
        if (f)
            fclose(f);
        if (n < 32) {
            fprintf(stderr, "check: key file %s: %s\n", keyfile,
                    n < 0 ? "cannot be read" : "shorter than 32 bytes");
            bad++;
        }
        else {
            printf("check: key file ok (%ld bytes)\n", n);
        }
    }
    if (schema_not_current(p, c, set, &latest))
        return 1;
    printf("check: database reachable, schema at version %d\n", latest);
    for (i = 0; i < CC_ST__COUNT; i++) {
        const cc_stmt_t *s = &cc_statements[i];
        r = PQprepare(c, s->label, s->sql, s->nparams, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "check: statement %s does not prepare: %s", s->label,
                    PQresultErrorMessage(r));
            bad++;
        }
        PQclear(r);
    }
    printf("check: %d statements, %d failed\n", (int)CC_ST__COUNT, bad);
    return bad ? 1 : 0;
}

/* The files of a packaged installation (README "Install on Debian/Ubuntu"). */
#define DEFAULT_KEY "/etc/carechain/jwt.key"
#define HTTPD_DB_CONF "/etc/carechain/database.conf"

/* check, on a packaged installation (/etc/carechain exists): does httpd have a database? */
static void check_installed_files(const char *keyfile)
{
    if (access("/etc/carechain", F_OK) != 0)
        return;
    if (access(HTTPD_DB_CONF, F_OK) != 0)
        fprintf(stderr,
                "check: %s is missing: httpd has no database and /api/ answers 503 "
                "(DBDriver pgsql and DBDParams go there)\n",
                HTTPD_DB_CONF);
    else
        printf("check: %s present\n", HTTPD_DB_CONF);
    if (!keyfile)
        fprintf(stderr,
                "check: %s is missing (the package creates it; reinstall or create 48 "
                "random bytes)\n",
                DEFAULT_KEY);
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *p;
    const char *db = NULL, *cmd = NULL, *email = NULL, *pwfile = NULL, *keyfile = NULL;
    const char *first = "", *last = "", *scale = NULL, *credentials = NULL, *label = NULL;
    const char *sqldir = NULL, *sub = NULL, *mail_id = NULL;
    int cost = 10, i, rc, all_failed = 0;
    PGconn *c;

    apr_app_initialize(&argc, &argv, NULL);
    atexit(apr_terminate);
    apr_pool_create(&p, NULL);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage();
            return 0;
        }
        if (!strcmp(a, "--version")) {
            printf("carechainctl %s\n", CC_VERSION);
            return 0;
        }
        if (!strcmp(a, "--failed")) {
            all_failed = 1;
            continue;
        }
        if (a[0] == '-' && !next) {
            usage();
            return 2;
        }
        if (!strcmp(a, "--db"))
            db = argv[++i];
        else if (!strcmp(a, "--email"))
            email = argv[++i];
        else if (!strcmp(a, "--password-file"))
            pwfile = argv[++i];
        else if (!strcmp(a, "--first-name"))
            first = argv[++i];
        else if (!strcmp(a, "--last-name"))
            last = argv[++i];
        else if (!strcmp(a, "--key-file"))
            keyfile = argv[++i];
        else if (!strcmp(a, "--bcrypt-cost"))
            cost = atoi(argv[++i]);
        else if (!strcmp(a, "--scale"))
            scale = argv[++i];
        else if (!strcmp(a, "--credentials"))
            credentials = argv[++i];
        else if (!strcmp(a, "--sql-dir"))
            sqldir = argv[++i];
        else if (a[0] != '-' && !cmd)
            cmd = a;
        else if (a[0] != '-' && !label && !strcmp(cmd, "statement"))
            label = a;
        else if (a[0] != '-' && !strcmp(cmd, "mail") && !sub)
            sub = a;
        else if (a[0] != '-' && !strcmp(cmd, "mail") && !mail_id)
            mail_id = a;
        else {
            usage();
            return 2;
        }
    }
    if (!cmd) {
        usage();
        return 2;
    }
    if (cost < 4 || cost > 31) {
        fprintf(stderr, "carechainctl: --bcrypt-cost must be 4..31\n");
        return 2;
    }
    if (!strcmp(cmd, "statement")) {
        if (!label) {
            usage();
            return 2;
        }
        return cmd_statement(label);
    }
    db = find_conninfo(p, db);
    if (!strcmp(cmd, "check") && !keyfile && access(DEFAULT_KEY, F_OK) == 0)
        keyfile = DEFAULT_KEY; /* the packages' key */
    if (!strcmp(cmd, "check"))
        check_installed_files(keyfile);
    if (!db) {
        if (!strcmp(cmd, "check")) {
            fprintf(stderr, "check: no database is configured for carechainctl: write its libpq "
                            "conninfo to /etc/carechain/conninfo (or give --db, set "
                            "CARECHAIN_DB), then run carechainctl migrate and "
                            "carechainctl createsuperuser\n");
            return 1;
        }
        fprintf(stderr, "carechainctl: no database: give --db, set CARECHAIN_DB, write "
                        "/etc/carechain/conninfo, or start `make run` (which writes "
                        "var/conninfo)\n");
        return 2;
    }
    c = connect_db(db);
    if (!c)
        return 1;
    if (!strcmp(cmd, "migrate"))
        rc = cmd_migrate(p, c, sqldir);
    else if (!strcmp(cmd, "createsuperuser"))
        rc = cmd_createsuperuser(p, c, email, pwfile, first, last, cost);
    else if (!strcmp(cmd, "check"))
        rc = cmd_check(p, c, keyfile, sqldir);
    else if (!strcmp(cmd, "seed-masters"))
        rc = cc_ctl_seed_masters(c);
    else if (!strcmp(cmd, "sample-data"))
        rc = cc_sample_data(p, c, scale, credentials, cost);
    else if (!strcmp(cmd, "mail") && sub && !strcmp(sub, "status") && !mail_id)
        rc = cc_ctl_mail_status(c);
    else if (!strcmp(cmd, "mail") && sub && !strcmp(sub, "retry") && (!mail_id != !all_failed))
        rc = cc_ctl_mail_retry(c, mail_id);
    else if (!strcmp(cmd, "tasks"))
        rc = cc_ctl_tasks(c);
    else {
        usage();
        rc = 2;
    }
    PQfinish(c);
    apr_pool_destroy(p);
    return rc;
}
