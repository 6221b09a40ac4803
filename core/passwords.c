/* Password hashing with apr-util's bcrypt (no hand-written crypto). */
#include <apr_md5.h>
#include <apr_general.h>
#include <string.h>
#include <apr_strings.h>
#include "passwords.h"

char *cc_password_hash(apr_pool_t *p, const char *pw, int cost)
{
    unsigned char salt[16];
    char out[128];
    if (apr_generate_random_bytes(salt, sizeof(salt)) != APR_SUCCESS)
        return NULL;
    if (apr_bcrypt_encode(pw, (unsigned int)cost, salt, sizeof(salt), out, sizeof(out))
        != APR_SUCCESS)
        return NULL;
    return apr_pstrdup(p, out);
}

int cc_password_verify(const char *pw, const char *hash)
{
    /* apr_password_validate also accepts MD5, SHA-1 and crypt(3) hashes: only bcrypt is ours. */
    if (!hash || strncmp(hash, "$2", 2) != 0 || strlen(hash) != 60)
        return 0;
    return apr_password_validate(pw, hash) == APR_SUCCESS;
}

/* Hash of a password nobody knows, at the configured cost, made once per child process so that
 * a login for an unknown email costs the same bcrypt work as one for a known email. */
static char dummy_hash[64];

void cc_password_init_dummy(apr_pool_t *p, int cost)
{
    char *h = cc_password_hash(p, "cc-dummy-password-for-timing", cost);
    if (h)
        apr_cpystrn(dummy_hash, h, sizeof(dummy_hash));
}

void cc_password_burn(const char *pw)
{
    (void)cc_password_verify(pw, dummy_hash);
}
