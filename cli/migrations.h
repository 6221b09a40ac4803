/* The schema migrations embedded in carechainctl (generated from dbd/migrations/). */
#ifndef CC_MIGRATIONS_H
#define CC_MIGRATIONS_H

typedef struct {
    int version;
    const char *name;
    const char *sql;
} cc_migration_t;

extern const cc_migration_t cc_migrations[];
extern const int cc_migrations_count;

#endif
