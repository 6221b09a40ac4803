/* carechainctl: the administration tool of mod_carechain.
 *   migrate                       apply the embedded schema migrations (idempotent)
 *   createsuperuser --email E     create an admin (password from --password-file F, or asked)
 *   check [--key-file F]          database reachable, schema current, every statement valid
 *   seed-masters                  add the missing curated skills, qualifications and locations
 *                                 (embedded from cli/data/; idempotent)
 *   sample-data [--scale N] [--credentials FILE|-]
 *                                 sample accounts, profiles and hospitals (cli/sample_data.c)
 *   statement LABEL               print the SQL of one statement of the statement table (no
 *                                 database needed; `make bench` runs it with pgbench)
 * The database comes from --db CONNINFO, $CARECHAIN_DB, <binary dir>/../var/conninfo (the
 * development stack of `make run`) or /etc/carechain/conninfo, in that order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include <termios.h>
#include <ctype.h>
#include <libpq-fe.h>
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

/* Serialises concurrent `migrate` runs from several nodes. */
#define MIGRATE_LOCK_KEY 724007

static void usage(void)
{
    fprintf(stderr, "usage: carechainctl [--db CONNINFO] COMMAND\n"
                    "  migrate\n"
                    "  createsuperuser --email EMAIL [--password-file FILE] [--first-name N] "
                    "[--last-name N] [--bcrypt-cost N]\n"
                    "  check [--key-file FILE]\n"
                    "  seed-masters\n"
                    "  sample-data [--scale N] [--credentials FILE|-] [--bcrypt-cost N]\n"
                    "  statement LABEL\n");
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

static int applied_version(PGconn *c, int version)
{
    char v[16];
    const char *params[1] = {v};
    PGresult *r;
    int yes;
    snprintf(v, sizeof(v), "%d", version);
    r = PQexecParams(c, "SELECT 1 FROM cc_schema_migrations WHERE version = $1", 1, NULL, params,
                     NULL, NULL, 0);
    yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
    PQclear(r);
    return yes;
}

static int cmd_migrate(PGconn *c)
{
    int i, applied = 0;
    if (!exec_ok(c,
                 "CREATE TABLE IF NOT EXISTS cc_schema_migrations (version integer PRIMARY KEY,"
                 " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                 "creating cc_schema_migrations"))
        return 1;
    for (i = 0; i < cc_migrations_count; i++) {
        const cc_migration_t *m = &cc_migrations[i];
        char lock[80], ver[16];
        const char *params[2] = {ver, m->name};
        PGresult *r;
        /* Each migration in its own transaction: it lands whole or not at all. */
        if (!exec_ok(c, "BEGIN", "BEGIN"))
            return 1;
        snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%d)", MIGRATE_LOCK_KEY);
        if (!exec_ok(c, lock, "taking the migration lock"))
            return 1;
        if (applied_version(c, m->version)) {
            exec_ok(c, "ROLLBACK", "ROLLBACK");
            continue;
        }
        if (!exec_ok(c, m->sql, m->name)) {
            exec_ok(c, "ROLLBACK", "ROLLBACK");
            return 1;
        }
        snprintf(ver, sizeof(ver), "%d", m->version);
        r = PQexecParams(c, "INSERT INTO cc_schema_migrations (version, name) VALUES ($1, $2)", 2,
                         NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "carechainctl: recording %s failed: %s", m->name,
                    PQresultErrorMessage(r));
            PQclear(r);
            exec_ok(c, "ROLLBACK", "ROLLBACK");
            return 1;
        }
        PQclear(r);
        if (!exec_ok(c, "COMMIT", "COMMIT"))
            return 1;
        printf("applied %s\n", m->name);
        applied++;
    }
    printf("migrations: %d applied, %d total\n", applied, cc_migrations_count);
    return 0;
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

static int cmd_check(apr_pool_t *p, PGconn *c, const char *keyfile)
{
    int i, bad = 0, latest = 0;
    PGresult *r;
    for (i = 0; i < cc_migrations_count; i++)
        if (cc_migrations[i].version > latest)
            latest = cc_migrations[i].version;
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
    r = PQexec(c, "SELECT coalesce(max(version), 0) FROM cc_schema_migrations");
    if (PQresultStatus(r) != PGRES_TUPLES_OK || atoi(PQgetvalue(r, 0, 0)) != latest) {
        fprintf(stderr, "check: schema is not current (run carechainctl migrate)\n");
        PQclear(r);
        return 1;
    }
    PQclear(r);
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
    (void)p;
    printf("check: %d statements, %d failed\n", (int)CC_ST__COUNT, bad);
    return bad ? 1 : 0;
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *p;
    const char *db = NULL, *cmd = NULL, *email = NULL, *pwfile = NULL, *keyfile = NULL;
    const char *first = "", *last = "", *scale = NULL, *credentials = NULL, *label = NULL;
    int cost = 10, i, rc;
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
        else if (a[0] != '-' && !cmd)
            cmd = a;
        else if (a[0] != '-' && !label && !strcmp(cmd, "statement"))
            label = a;
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
    if (!db) {
        fprintf(stderr, "carechainctl: no database: give --db, set CARECHAIN_DB, or start "
                        "`make run` (which writes var/conninfo)\n");
        return 2;
    }
    c = connect_db(db);
    if (!c)
        return 1;
    if (!strcmp(cmd, "migrate"))
        rc = cmd_migrate(c);
    else if (!strcmp(cmd, "createsuperuser"))
        rc = cmd_createsuperuser(p, c, email, pwfile, first, last, cost);
    else if (!strcmp(cmd, "check"))
        rc = cmd_check(p, c, keyfile);
    else if (!strcmp(cmd, "seed-masters"))
        rc = cc_ctl_seed_masters(c);
    else if (!strcmp(cmd, "sample-data"))
        rc = cc_sample_data(p, c, scale, credentials, cost);
    else {
        usage();
        rc = 2;
    }
    PQfinish(c);
    apr_pool_destroy(p);
    return rc;
}
