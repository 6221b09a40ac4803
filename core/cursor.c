#include <string.h>
#include <apr_strings.h>
#include "cursor.h"

/* Longest payload: "o:" + 18 digits. Its encoding is at most 27 characters. */
#define PAYLOAD_MAX 20
#define TEXT_MAX ((PAYLOAD_MAX * 4 + 2) / 3)

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64url_value(char c)
{
    const char *hit = c ? strchr(B64URL, c) : NULL;
    return hit ? (int)(hit - B64URL) : -1;
}

/* base64url without padding; dst holds at least (len * 4 + 2) / 3 + 1 bytes. */
static void b64url_encode(char *dst, const unsigned char *src, apr_size_t len)
{
    apr_size_t i;
    for (i = 0; i + 2 < len; i += 3) {
        *dst++ = B64URL[src[i] >> 2];
        *dst++ = B64URL[((src[i] & 0x03) << 4) | (src[i + 1] >> 4)];
        *dst++ = B64URL[((src[i + 1] & 0x0f) << 2) | (src[i + 2] >> 6)];
        *dst++ = B64URL[src[i + 2] & 0x3f];
    }
    if (len - i == 1) {
        *dst++ = B64URL[src[i] >> 2];
        *dst++ = B64URL[(src[i] & 0x03) << 4];
    }
    else if (len - i == 2) {
        *dst++ = B64URL[src[i] >> 2];
        *dst++ = B64URL[((src[i] & 0x03) << 4) | (src[i + 1] >> 4)];
        *dst++ = B64URL[(src[i + 1] & 0x0f) << 2];
    }
    *dst = '\0';
}

/* Strict base64url without padding: every character in the alphabet, no length of 4k+1, and the
 * unused low bits of the last character zero (so each byte string has exactly one encoding).
 * Returns the decoded length, or -1. */
static int b64url_decode(unsigned char *dst, apr_size_t cap, const char *src, apr_size_t len)
{
    apr_size_t i, n = 0;
    unsigned int acc = 0;
    int bits = 0;
    if (len % 4 == 1 || (len / 4) * 3 + (len % 4 ? len % 4 - 1 : 0) > cap)
        return -1;
    for (i = 0; i < len; i++) {
        int v = b64url_value(src[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned int)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0)
        return -1; /* leftover bits must be zero */
    return (int)n;
}

const char *cc_cursor_encode(apr_pool_t *p, cc_cursor_dir_t dir, apr_int64_t position)
{
    char payload[PAYLOAD_MAX + 1];
    char *out = apr_palloc(p, TEXT_MAX + 1);
    int len;
    if (position < 0)
        position = 0;
    if (position > CC_CURSOR_POSITION_MAX)
        position = CC_CURSOR_POSITION_MAX;
    len = apr_snprintf(payload, sizeof(payload), "%c:%" APR_INT64_T_FMT,
                       dir == CC_CURSOR_NEWER ? 'n' : 'o', position);
    b64url_encode(out, (const unsigned char *)payload, (apr_size_t)len);
    return out;
}

int cc_cursor_decode(const char *text, cc_cursor_t *out)
{
    unsigned char payload[PAYLOAD_MAX + 1];
    apr_size_t tlen;
    apr_int64_t v = 0;
    int n, i;
    if (!text)
        return 0;
    tlen = strlen(text);
    if (tlen == 0 || tlen > TEXT_MAX)
        return 0;
    n = b64url_decode(payload, PAYLOAD_MAX, text, tlen);
    /* "o:" or "n:" and 1 to 18 digits, no leading zero unless the number is 0 */
    if (n < 3 || n > PAYLOAD_MAX || (payload[0] != 'o' && payload[0] != 'n') || payload[1] != ':')
        return 0;
    if (payload[2] == '0' && n > 3)
        return 0;
    for (i = 2; i < n; i++) {
        if (payload[i] < '0' || payload[i] > '9')
            return 0;
        v = v * 10 + (payload[i] - '0');
    }
    if (v > CC_CURSOR_POSITION_MAX)
        return 0;
    out->dir = payload[0] == 'n' ? CC_CURSOR_NEWER : CC_CURSOR_OLDER;
    out->position = v;
    return 1;
}

/* 1 when the query-string token `tok` is the parameter `name` (with or without a value). */
static int is_param(const char *tok, const char *name)
{
    apr_size_t l = strlen(name);
    return strncmp(tok, name, l) == 0 && (tok[l] == '=' || tok[l] == '\0');
}

char *cc_cursor_link(apr_pool_t *p, const char *base, const char *path, const char *args,
                     const char *cursor)
{
    char *q = "";
    if (args && *args) {
        char *copy = apr_pstrdup(p, args), *tok, *state;
        for (tok = apr_strtok(copy, "&", &state); tok; tok = apr_strtok(NULL, "&", &state)) {
            if (is_param(tok, "cursor") || is_param(tok, "page"))
                continue;
            q = apr_pstrcat(p, q, tok, "&", NULL);
        }
    }
    return apr_pstrcat(p, base, path, "?", q, "cursor=", cursor, NULL);
}
