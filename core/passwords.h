/* Password hashing with apr-util's bcrypt (pure: APR only). */
#ifndef CC_PASSWORDS_H
#define CC_PASSWORDS_H

#include <apr_pools.h>

/* bcrypt hash of pw at `cost`, in p; NULL on failure. */
char *cc_password_hash(apr_pool_t *p, const char *pw, int cost);
/* 1 when pw matches a stored bcrypt hash; any other hash kind is refused outright. */
int cc_password_verify(const char *pw, const char *hash);
/* Makes the per-process dummy hash (child init). */
void cc_password_init_dummy(apr_pool_t *p, int cost);
/* Spends the time of one verification against the dummy hash (unknown-email logins). */
void cc_password_burn(const char *pw);

#endif
