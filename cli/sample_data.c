/* carechainctl sample-data [--scale N] [--credentials FILE|-] [--bcrypt-cost C]
 *
 * Curated sample data (10 candidates, 5 recruiters, 5 hospitals under sample.carechain.test,
 * each account with its own random password; 20 jobs and 50 applications with their history and
 * assignments) plus, with --scale N > 1, N - 1 generated "units" of the same shape (10
 * candidates, 5 recruiters, 5 hospitals, 20 jobs, 50 applications each, under
 * scale.carechain.test, all accounts sharing one random password). The SQL lives in
 * cli/sample_data.sql; this file decides what is missing, chooses and hashes the passwords, runs
 * the SQL steps in one transaction and hands the credentials out as JSON.
 *
 * Idempotency: the curated accounts are created only when none of them exists (some but not all:
 * refused). Generated units are numbered; a run adds the units above the highest one present, up
 * to N - 1, and never removes any. Added units reuse the password hash of the generated accounts
 * already present, so all of them keep sharing one password. A run that adds nothing changes
 * nothing and outputs {}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <libpq-fe.h>
#include <jansson.h>
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_time.h>
#include <apr_base64.h>
#include <apr_md5.h>
#include "sample_data.h"
#include "../core/password_rules.h"

/* Serialises concurrent sample-data runs (migrate uses 724007). */
#define SAMPLE_LOCK_KEY 724008
#define SCALE_MAX 100000
#define SCALED_DOMAIN "scale.carechain.test"
/* Appended to 16 random base64url characters: a fixed tail of mixed character classes. */
#define PASSWORD_SUFFIX "-Cc9"

typedef struct {
    const char *name;
    const char *sql;
} step_t;

typedef struct {
    apr_pool_t *p;
    PGconn *c;
    int cost;
    apr_array_header_t *steps;
} run_t;

static apr_status_t json_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

static void json_cleanup_register(apr_pool_t *p, json_t *j)
{
    if (j)
        apr_pool_cleanup_register(p, j, json_cleanup, apr_pool_cleanup_null);
}

/* ---- SQL ----------------------------------------------------------------------------------- */

/* The steps of cli/sample_data.sql: a line "-- step: NAME" starts one. */
static apr_array_header_t *load_steps(apr_pool_t *p)
{
    static const char marker[] = "\n-- step: ";
    apr_array_header_t *steps = apr_array_make(p, 24, sizeof(step_t));
    char *s = apr_pstrdup(p, cc_sample_data_sql), *m;
    while ((m = strstr(s, marker)) != NULL) {
        char *name = m + sizeof(marker) - 1, *eol = strchr(name, '\n');
        step_t *st;
        *m = 0; /* ends the previous step's SQL */
        if (!eol)
            break;
        *eol = 0;
        st = apr_array_push(steps);
        st->name = name;
        st->sql = eol + 1;
        s = eol + 1;
    }
    return steps;
}

static int ok_result(PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static int exec_sql(PGconn *c, const char *sql, const char *what)
{
    PGresult *r = PQexec(c, sql);
    int ok = ok_result(r);
    if (!ok)
        fprintf(stderr, "carechainctl: %s failed: %s", what, PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

/* A query with text parameters; NULL (and a message) on failure. */
static PGresult *query(PGconn *c, const char *sql, int n, const char *const *params,
                       const char *what)
{
    PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    if (!ok_result(r)) {
        fprintf(stderr, "carechainctl: %s failed: %s", what, PQresultErrorMessage(r));
        PQclear(r);
        return NULL;
    }
    return r;
}

/* Runs every step whose name starts with prefix, in file order, timing each on stderr. */
static int run_steps(run_t *x, const char *prefix)
{
    size_t len = strlen(prefix);
    int i;
    for (i = 0; i < x->steps->nelts; i++) {
        const step_t *st = &APR_ARRAY_IDX(x->steps, i, step_t);
        apr_time_t t0;
        if (strncmp(st->name, prefix, len) != 0)
            continue;
        t0 = apr_time_now();
        if (!exec_sql(x->c, st->sql, apr_psprintf(x->p, "sample-data step \"%s\"", st->name)))
            return 0;
        fprintf(stderr, "sample-data:   %-45s %7.2f s\n", st->name,
                (double)(apr_time_now() - t0) / APR_USEC_PER_SEC);
    }
    return 1;
}

/* ---- passwords ----------------------------------------------------------------------------- */

/* 16 random base64url characters plus PASSWORD_SUFFIX, checked against the password rules for
 * this account (drawn again in the unlikely case it is too similar to the email or a name). */
static char *new_password(apr_pool_t *p, const char *email, const char *first, const char *last)
{
    unsigned char raw[12];
    char enc[32];
    int tries, i;
    for (tries = 0; tries < 16; tries++) {
        char *pw;
        if (apr_generate_random_bytes(raw, sizeof(raw)) != APR_SUCCESS)
            return NULL;
        apr_base64_encode_binary(enc, raw, sizeof(raw)); /* 12 bytes: 16 chars, no padding */
        for (i = 0; enc[i]; i++) {
            if (enc[i] == '+')
                enc[i] = '-';
            else if (enc[i] == '/')
                enc[i] = '_';
        }
        pw = apr_pstrcat(p, enc, PASSWORD_SUFFIX, NULL);
        if (!cc_password_problems(p, pw, email, first, last))
            return pw;
    }
    return NULL;
}

static char *hash_password(apr_pool_t *p, const char *pw, int cost)
{
    unsigned char salt[16];
    char out[128];
    if (apr_generate_random_bytes(salt, sizeof(salt)) != APR_SUCCESS
        || apr_bcrypt_encode(pw, (unsigned)cost, salt, sizeof(salt), out, sizeof(out))
               != APR_SUCCESS)
        return NULL;
    return apr_pstrdup(p, out);
}

/* ---- the credentials file ------------------------------------------------------------------ */

/* The JSON object in path (an empty one when the file does not exist); NULL when it cannot be
 * read or holds something else than an object. */
static json_t *read_credentials(apr_pool_t *p, const char *path)
{
    struct stat sb;
    json_error_t err;
    json_t *j;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT) {
            j = json_object();
            json_cleanup_register(p, j);
            return j;
        }
        fprintf(stderr, "carechainctl: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    j = json_load_file(path, 0, &err);
    json_cleanup_register(p, j);
    if (!j || !json_is_object(j)) {
        fprintf(stderr, "carechainctl: %s does not hold a JSON object%s%s\n", path, j ? "" : ": ",
                j ? "" : err.text);
        return NULL;
    }
    return j;
}

/* Writes obj to a new 0600 file next to path; returns its name (to be renamed over path once the
 * data is committed) or NULL. */
static char *write_temp(apr_pool_t *p, const char *path, json_t *obj)
{
    const char *slash = strrchr(path, '/');
    char *tmp = slash ? apr_psprintf(p, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
                      : apr_psprintf(p, ".%s.XXXXXX", path);
    char *text = json_dumps(obj, JSON_INDENT(2));
    size_t len, off = 0;
    int fd, ok = 0;
    if (!text) {
        fprintf(stderr, "carechainctl: cannot encode the credentials\n");
        return NULL;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "carechainctl: cannot create %s: %s\n", tmp, strerror(errno));
        free(text);
        return NULL;
    }
    len = strlen(text);
    if (fchmod(fd, 0600) == 0) {
        ok = 1;
        while (ok && off < len) {
            ssize_t n = write(fd, text + off, len - off);
            if (n <= 0)
                ok = 0;
            else
                off += (size_t)n;
        }
        ok = ok && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    }
    free(text);
    if (close(fd) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "carechainctl: cannot write %s: %s\n", tmp, strerror(errno));
        unlink(tmp);
        return NULL;
    }
    return tmp;
}

/* ---- the two parts ------------------------------------------------------------------------- */

/* The curated accounts: a password each, hashed; then the "curated" steps. Fills the
 * "candidates" and "recruiters" arrays of out. */
static int make_curated(run_t *x, json_t *out)
{
    PGresult *r = query(x->c,
                        "SELECT email, first_name, last_name, role FROM cc_sample_people"
                        " ORDER BY ord",
                        0, NULL, "reading the sample accounts");
    json_t *cands = json_array(), *recs = json_array();
    const char *params[2];
    char *emails = "{", *hashes = "{";
    int i, n;
    json_object_set_new(out, "candidates", cands);
    json_object_set_new(out, "recruiters", recs);
    if (!r)
        return 0;
    n = PQntuples(r);
    for (i = 0; i < n; i++) {
        const char *email = PQgetvalue(r, i, 0), *role = PQgetvalue(r, i, 3);
        char *pw = new_password(x->p, email, PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
        char *hash = pw ? hash_password(x->p, pw, x->cost) : NULL;
        json_t *acct;
        if (!hash) {
            fprintf(stderr, "carechainctl: choosing a password for %s failed\n", email);
            PQclear(r);
            return 0;
        }
        /* emails and bcrypt hashes hold no quote, backslash, comma or brace */
        emails = apr_psprintf(x->p, "%s%s\"%s\"", emails, i ? "," : "", email);
        hashes = apr_psprintf(x->p, "%s%s\"%s\"", hashes, i ? "," : "", hash);
        acct = json_pack("{s:s, s:s}", "email", email, "password", pw);
        json_array_append_new(strcmp(role, "candidate") == 0 ? cands : recs, acct);
    }
    PQclear(r);
    params[0] = apr_pstrcat(x->p, emails, "}", NULL);
    params[1] = apr_pstrcat(x->p, hashes, "}", NULL);
    if (!exec_sql(x->c,
                  "CREATE TEMP TABLE cc_sample_pw (email text PRIMARY KEY,"
                  " hash text NOT NULL) ON COMMIT DROP",
                  "creating cc_sample_pw"))
        return 0;
    r = query(x->c, "INSERT INTO cc_sample_pw SELECT * FROM unnest($1::text[], $2::text[])", 2,
              params, "storing the password hashes");
    if (!r)
        return 0;
    PQclear(r);
    return run_steps(x, "curated ");
}

/* ---- entry --------------------------------------------------------------------------------- */

static int parse_scale(const char *s, long *out)
{
    char *end;
    long v;
    if (!s) {
        *out = 1;
        return 1;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > SCALE_MAX)
        return 0;
    *out = v;
    return 1;
}

/* What is there already, in one row: the highest generated unit present, the password hash of
 * the generated accounts, the admin who decides sample verifications, active skills and
 * qualifications. Generated emails are "candidate<n>@", "recruiter<n>@" (users) and
 * "hospital<n>@" (hospitals) SCALED_DOMAIN; string functions, not regular expressions, pick the
 * numbers out (a regex costs ~3 us a row, too slow for 150,000 rows). */
#define SCALED_USERS                                                                               \
    " WHERE email LIKE '%@" SCALED_DOMAIN "'"                                                      \
    "   AND (email LIKE 'candidate%' OR email LIKE 'recruiter%')"
#define NUMBER_OK " WHERE num <> '' AND length(num) <= 9 AND translate(num, '0123456789', '') = ''"
static const char STATE_SQL[] =
    "SELECT greatest("
    "  (SELECT coalesce(max(CASE WHEN candidate THEN (num::bigint + 9) / 10"
    "                            ELSE (num::bigint + 4) / 5 END), 0)"
    "   FROM (SELECT email LIKE 'candidate%' AS candidate,"
    "                substr(email, 10, length(email) - 9 - length('@" SCALED_DOMAIN "')) AS num"
    "         FROM users" SCALED_USERS ") s" NUMBER_OK "),"
    "  (SELECT coalesce(max((num::bigint + 4) / 5), 0)"
    "   FROM (SELECT substr(email, 9, length(email) - 8 - length('@" SCALED_DOMAIN "')) AS num"
    "         FROM hospitals WHERE email LIKE 'hospital%@" SCALED_DOMAIN "') s" NUMBER_OK ")),"
    " (SELECT password FROM users" SCALED_USERS " ORDER BY id LIMIT 1),"
    " (SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id LIMIT 1),"
    " (SELECT count(*) FROM skills WHERE is_active),"
    " (SELECT count(*) FROM qualifications WHERE is_active)";

static const char PARAM_SQL[] =
    "INSERT INTO cc_sample_param VALUES ($1::bigint, $2::integer, $3::integer, $4,"
    " extract(year FROM current_date)::integer)";

/* Inside the transaction: decides, creates, fills out. -1 failure, 0 nothing to do, 1 created. */
static int generate(run_t *x, long scale, json_t *out, const char **summary)
{
    PGresult *r;
    long have_units, want_units = scale - 1, present, total;
    const char *admin = NULL, *scaled_hash = NULL, *scaled_pw = NULL;
    int curated, scaled, skills, quals;
    const char *params[4];

    if (!exec_sql(x->c, "SET LOCAL statement_timeout = 0", "SET")
        || !exec_sql(x->c, "SET LOCAL idle_in_transaction_session_timeout = 0", "SET")
        || !exec_sql(x->c, "SET LOCAL temp_buffers = '256MB'", "SET")
        /* JIT compiles for ~0.4 s per statement here and gains nothing on INSERT ... SELECT */
        || !exec_sql(x->c, "SET LOCAL jit = off", "SET")
        || !exec_sql(x->c, apr_psprintf(x->p, "SELECT pg_advisory_xact_lock(%d)", SAMPLE_LOCK_KEY),
                     "taking the sample-data lock"))
        return -1;
    r = query(x->c, "SELECT to_regclass('verification_events') IS NOT NULL", 0, NULL,
              "checking the schema");
    if (!r)
        return -1;
    if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
        fprintf(stderr, "carechainctl: the schema is not there: run carechainctl migrate first\n");
        PQclear(r);
        return -1;
    }
    PQclear(r);

    if (!run_steps(x, "setup "))
        return -1;
    r = query(x->c,
              "SELECT count(u.id), count(*) FROM cc_sample_people p"
              " LEFT JOIN users u ON u.email = p.email",
              0, NULL, "looking for the sample accounts");
    if (!r)
        return -1;
    present = atol(PQgetvalue(r, 0, 0));
    total = atol(PQgetvalue(r, 0, 1));
    PQclear(r);
    if (present > 0 && present < total) {
        fprintf(stderr,
                "carechainctl: %ld of the %ld sample accounts (*@sample.carechain.test)"
                " exist: delete them, or restore the others, before running sample-data"
                " again\n",
                present, total);
        return -1;
    }
    curated = present == 0;

    r = query(x->c, STATE_SQL, 0, NULL, "inspecting the database");
    if (!r)
        return -1;
    have_units = atol(PQgetvalue(r, 0, 0));
    if (!PQgetisnull(r, 0, 1))
        scaled_hash = apr_pstrdup(x->p, PQgetvalue(r, 0, 1));
    if (!PQgetisnull(r, 0, 2))
        admin = apr_pstrdup(x->p, PQgetvalue(r, 0, 2));
    skills = atoi(PQgetvalue(r, 0, 3));
    quals = atoi(PQgetvalue(r, 0, 4));
    PQclear(r);
    scaled = want_units > have_units;

    if (!curated)
        fprintf(stderr, "sample-data: the curated sample accounts are already there\n");
    if (!scaled && have_units > 0)
        fprintf(stderr, "sample-data: generated data up to --scale %ld is already there\n",
                have_units + 1);
    if (!curated && !scaled)
        return 0;
    if (!skills)
        fprintf(stderr, "sample-data: warning: the skills table is empty, so sample candidates and"
                        " jobs get no skills; run `carechainctl seed-masters` first\n");
    if (!quals)
        fprintf(stderr, "sample-data: warning: the qualifications table is empty, so sample"
                        " candidates and jobs get no qualifications; run `carechainctl"
                        " seed-masters` first\n");
    if (!admin)
        fprintf(stderr, "sample-data: no admin account yet: verification decisions are recorded"
                        " without a deciding admin\n");

    if (scaled) {
        if (!scaled_hash) {
            scaled_pw = new_password(x->p, "candidate1@" SCALED_DOMAIN, "", "");
            scaled_hash = scaled_pw ? hash_password(x->p, scaled_pw, x->cost) : NULL;
            if (!scaled_hash) {
                fprintf(stderr, "carechainctl: choosing the generated accounts' password"
                                " failed\n");
                return -1;
            }
        }
        else {
            fprintf(stderr, "sample-data: the added accounts share the password of the"
                            " generated accounts already present\n");
        }
    }
    if (!exec_sql(x->c,
                  "CREATE TEMP TABLE cc_sample_param (admin_id bigint, unit_from integer,"
                  " unit_to integer, scaled_hash text, this_year integer) ON COMMIT DROP",
                  "creating cc_sample_param"))
        return -1;
    params[0] = admin;
    params[1] = apr_ltoa(x->p, have_units + 1);
    params[2] = apr_ltoa(x->p, want_units);
    params[3] = scaled ? scaled_hash : NULL;
    r = query(x->c, PARAM_SQL, 4, params, "storing the parameters");
    if (!r)
        return -1;
    PQclear(r);

    *summary = "";
    if (curated) {
        if (!make_curated(x, out))
            return -1;
        *summary = "10 candidates, 5 recruiters, 5 hospitals, 20 jobs and 50 applications"
                   " (curated)";
    }
    if (scaled) {
        json_t *s = json_object();
        long units = want_units - have_units;
        json_object_set_new(out, "scaled", s);
        if (!run_steps(x, "scaled "))
            return -1;
        if (scaled_pw)
            json_object_set_new(s, "password", json_string(scaled_pw));
        json_object_set_new(s, "candidate_email_pattern",
                            json_string("candidate{n}@" SCALED_DOMAIN));
        json_object_set_new(s, "recruiter_email_pattern",
                            json_string("recruiter{n}@" SCALED_DOMAIN));
        json_object_set_new(s, "candidates", json_integer(10 * want_units));
        json_object_set_new(s, "recruiters", json_integer(5 * want_units));
        json_object_set_new(s, "hospitals", json_integer(5 * want_units));
        json_object_set_new(s, "jobs", json_integer(20 * want_units));
        json_object_set_new(s, "applications", json_integer(50 * want_units));
        *summary = apr_psprintf(x->p,
                                "%s%s%ld candidates, %ld recruiters, %ld hospitals,"
                                " %ld jobs and %ld applications (generated, n = %ld..%ld)",
                                *summary, curated ? "; " : "", 10 * units, 5 * units, 5 * units,
                                20 * units, 50 * units, 10 * have_units + 1, 10 * want_units);
    }
    /* Jobs and applications that the parts above planned, written together. */
    if (!run_steps(x, "jobs "))
        return -1;
    return 1;
}

int cc_sample_data(apr_pool_t *p, PGconn *c, const char *scale_arg, const char *credentials,
                   int cost)
{
    run_t x;
    long scale;
    int to_file = credentials && strcmp(credentials, "-") != 0, made;
    json_t *file_obj = NULL, *out;
    const char *summary = "";
    char *tmp = NULL;
    apr_time_t t0 = apr_time_now();

    if (!parse_scale(scale_arg, &scale)) {
        fprintf(stderr, "carechainctl: --scale must be a whole number from 1 to %d\n", SCALE_MAX);
        return 2;
    }
    if (to_file && !(file_obj = read_credentials(p, credentials)))
        return 1;
    x.p = p;
    x.c = c;
    x.cost = cost;
    x.steps = load_steps(p);
    out = json_object();
    json_cleanup_register(p, out);

    if (!exec_sql(c, "BEGIN", "BEGIN"))
        return 1;
    made = generate(&x, scale, out, &summary);
    if (made <= 0) {
        exec_sql(c, "ROLLBACK", "ROLLBACK");
        if (made < 0) {
            fprintf(stderr, "carechainctl: sample-data failed; nothing was changed\n");
            return 1;
        }
        fprintf(stderr, "sample-data: nothing to add; nothing was changed\n");
        if (!to_file)
            printf("{}\n");
        return 0;
    }
    if (to_file) {
        json_t *old = json_object_get(file_obj, "scaled"), *add = json_object_get(out, "scaled");
        json_t *cands = json_object_get(out, "candidates");
        if (cands) {
            json_object_set(file_obj, "candidates", cands);
            json_object_set(file_obj, "recruiters", json_object_get(out, "recruiters"));
        }
        if (add && json_is_object(old))
            json_object_update(old, add); /* keeps the password of an earlier run */
        else if (add)
            json_object_set(file_obj, "scaled", add);
        tmp = write_temp(p, credentials, file_obj);
        if (!tmp) {
            exec_sql(c, "ROLLBACK", "ROLLBACK");
            fprintf(stderr, "carechainctl: sample-data failed; nothing was changed\n");
            return 1;
        }
    }
    if (!exec_sql(c, "COMMIT", "COMMIT")) {
        if (tmp)
            unlink(tmp);
        fprintf(stderr, "carechainctl: sample-data failed; nothing was changed\n");
        return 1;
    }
    fprintf(stderr, "sample-data: created %s in %.1f s\n", summary,
            (double)(apr_time_now() - t0) / APR_USEC_PER_SEC);
    if (tmp) {
        if (rename(tmp, credentials) != 0) {
            fprintf(stderr,
                    "carechainctl: the sample data is committed, but %s could not be"
                    " replaced (%s): its credentials are in %s\n",
                    credentials, strerror(errno), tmp);
            return 1;
        }
        fprintf(stderr, "sample-data: credentials merged into %s\n", credentials);
    }
    else {
        char *text = json_dumps(out, JSON_INDENT(2));
        if (!text)
            return 1;
        printf("%s\n", text);
        free(text);
    }
    return 0;
}
