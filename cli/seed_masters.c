/* carechainctl seed-masters: loads the curated master data (cli/data/, embedded at build
 * time) into skills, qualifications and locations. Each file is parsed by PostgreSQL itself in
 * one parameterised statement; rows whose unique key already exists are left alone, so a second
 * run adds nothing and changes nothing (no updated_at, no sequence values consumed). */
#include <stdio.h>
#include <string.h>
#include "seed_data.h"

/* The lines of $1 that are neither comments (#) nor blank, TAB-split, in file order. */
#define SEED_ROWS(cols)                                                                            \
    "WITH lines AS (SELECT rtrim(t.l, E'\\r') AS l, t.n"                                           \
    " FROM regexp_split_to_table($1, E'\\n') WITH ORDINALITY AS t(l, n)),"                         \
    " rows AS (SELECT " cols ", n FROM lines WHERE l !~ '^\\s*(#|$)'),"

#define COL(i) "btrim(split_part(l, E'\\t', " #i "))"

typedef struct {
    const char *file;
    const char *table;
    const char *sql;
} seed_t;

static const seed_t SEEDS[] = {
    {"skills.tsv", "skills",
     SEED_ROWS(COL(1) " AS name, " COL(2) " AS category, " COL(
         3) " AS description") " ins AS (INSERT INTO skills (name, category, description)"
                               " SELECT r.name, r.category, r.description FROM rows r"
                               " WHERE NOT EXISTS (SELECT 1 FROM skills s WHERE lower(s.name) = "
                               "lower(r.name))"
                               " ORDER BY r.n ON CONFLICT (lower(name)) DO NOTHING RETURNING 1)"
                               " SELECT (SELECT count(*) FROM rows), (SELECT count(*) FROM ins)"},
    {"qualifications.tsv", "qualifications",
     SEED_ROWS(COL(1) " AS name, " COL(2) " AS level, " COL(
         3) " AS field") " ins AS (INSERT INTO qualifications (name, level, field)"
                         " SELECT r.name, r.level, r.field FROM rows r"
                         " WHERE NOT EXISTS (SELECT 1 FROM qualifications x WHERE lower(x.name) = "
                         "lower(r.name))"
                         " ORDER BY r.n ON CONFLICT (lower(name)) DO NOTHING RETURNING 1)"
                         " SELECT (SELECT count(*) FROM rows), (SELECT count(*) FROM ins)"},
    {"locations.tsv", "locations",
     SEED_ROWS(COL(1) " AS city, " COL(2) " AS state, coalesce(nullif(" COL(
         3) ", ''), 'India') AS country") " ins AS (INSERT INTO locations (city, state, country)"
                                          " SELECT r.city, r.state, r.country FROM rows r"
                                          " WHERE NOT EXISTS (SELECT 1 FROM locations l WHERE "
                                          "lower(l.city) = lower(r.city)"
                                          " AND lower(l.state) = lower(r.state) AND "
                                          "lower(l.country) = lower(r.country))"
                                          " ORDER BY r.n ON CONFLICT (lower(city), lower(state), "
                                          "lower(country)) DO NOTHING"
                                          " RETURNING 1)"
                                          " SELECT (SELECT count(*) FROM rows), (SELECT count(*) "
                                          "FROM ins)"},
};

#define NSEEDS ((int)(sizeof(SEEDS) / sizeof(SEEDS[0])))

static const char *seed_text(const char *file)
{
    int i;
    for (i = 0; i < cc_seed_files_count; i++)
        if (!strcmp(cc_seed_files[i].name, file))
            return cc_seed_files[i].text;
    return NULL;
}

static int exec_simple(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "carechainctl: %s failed: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

int cc_ctl_seed_masters(PGconn *c)
{
    char lines[NSEEDS][160];
    int i;

    /* All tables or none: a bad line in one file leaves the database as it was. */
    if (!exec_simple(c, "BEGIN"))
        return 1;
    for (i = 0; i < NSEEDS; i++) {
        const char *text = seed_text(SEEDS[i].file);
        const char *params[1] = {text};
        PGresult *r;
        if (!text) {
            fprintf(stderr, "carechainctl: %s is not embedded in this binary\n", SEEDS[i].file);
            exec_simple(c, "ROLLBACK");
            return 1;
        }
        r = PQexecParams(c, SEEDS[i].sql, 1, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "carechainctl: loading %s into %s failed: %s", SEEDS[i].file,
                    SEEDS[i].table, PQresultErrorMessage(r));
            PQclear(r);
            exec_simple(c, "ROLLBACK");
            return 1;
        }
        snprintf(lines[i], sizeof(lines[i]), "%s: %s added, %s in data\n", SEEDS[i].table,
                 PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    if (!exec_simple(c, "COMMIT"))
        return 1;
    /* Printed only once committed: the numbers are true. */
    for (i = 0; i < NSEEDS; i++)
        fputs(lines[i], stdout);
    return 0;
}
