/* libFuzzer harness for cc_jwt_verify (core/jwt.c), before and after the signature. Byte 0
 * picks what the rest is:
 *   even: a token as a client sends it; without the key it must never verify;
 *   odd:  a header and a payload (JSON, split at the first newline) that the harness encodes
 *         and signs with the key, so the claim checks behind the signature are reached: a token
 *         that verifies has the algorithm pinned by the configuration, an unexpired time, the
 *         issuer and type asked for, a positive user id, a role and an id.
 * Nothing may crash or leak whatever the input (libjwt and jansson parse it). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memchr's friends */
#endif
#include <stdint.h>
#include <string.h>
#include <apr_encode.h>
#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../../core/jwt.h"
#include "fuzz.h"

static const unsigned char KEY[] = "fuzzing-key-of-more-than-32-bytes-0123456789";
#define NOW APR_INT64_C(1800000000)

static const char *b64url(apr_pool_t *p, const void *s, apr_size_t n)
{
    return apr_pencode_base64_binary(p, s, n, APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_jwt_conf_t conf = {KEY, sizeof(KEY) - 1, "HS256", "carechain"};
    apr_pool_t *p;
    const char *token, *nl;
    cc_claims_t c;
    cc_jwt_status_t st;
    if (size < 1)
        return 0;
    p = fuzz_pool();
    if (!(data[0] & 1)) {
        token = apr_pstrmemdup(p, (const char *)data + 1, size - 1);
        st = cc_jwt_verify(p, &conf, token, "access", NOW, &c);
        CHECK(st != CC_JWT_OK); /* nobody without the key signs */
    }
    else {
        const char *body = (const char *)data + 1, *input;
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int maclen = 0;
        apr_size_t n = size - 1, hl;
        nl = memchr(body, '\n', n);
        hl = nl ? (apr_size_t)(nl - body) : n;
        input =
            apr_pstrcat(p, b64url(p, body, hl), ".", nl ? b64url(p, nl + 1, n - hl - 1) : "", NULL);
        CHECK(HMAC(EVP_sha256(), KEY, sizeof(KEY) - 1, (const unsigned char *)input, strlen(input),
                   mac, &maclen));
        token = apr_pstrcat(p, input, ".", b64url(p, mac, maclen), NULL);
        memset(&c, 0, sizeof(c));
        st = cc_jwt_verify(p, &conf, token, "access", NOW, &c);
        if (st == CC_JWT_OK) {
            CHECK(c.token_type && !strcmp(c.token_type, "access"));
            CHECK(c.exp > NOW && c.iat <= NOW + CC_JWT_LEEWAY);
            CHECK(c.user_id > 0 && c.role && c.jti);
        }
    }
    CHECK(st >= CC_JWT_OK && st <= CC_JWT_INTERNAL);
    CHECK(cc_jwt_status_text(st) != NULL);
    apr_pool_destroy(p);
    return 0;
}
