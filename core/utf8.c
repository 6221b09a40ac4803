/* See utf8.h. */
#include <string.h>
#include "utf8.h"

apr_size_t cc_utf8_decode(const unsigned char *s, apr_size_t avail, long *cp)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    apr_size_t need, i;
    long v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        v = c & 0x1f;
    }
    else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        v = c & 0x0f;
        if (c == 0xe0)
            lo = 0xa0; /* below: overlong */
        else if (c == 0xed)
            hi = 0x9f; /* above: surrogates */
    }
    else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        v = c & 0x07;
        if (c == 0xf0)
            lo = 0x90; /* below: overlong */
        else if (c == 0xf4)
            hi = 0x8f; /* above: past U+10FFFF */
    }
    else {
        *cp = -1; /* a continuation byte, C0, C1 or F5..FF */
        return 1;
    }
    for (i = 1; i <= need; i++) {
        if (i >= avail || s[i] < lo || s[i] > hi) {
            *cp = -1;
            return i;
        }
        v = (v << 6) | (s[i] & 0x3f);
        lo = 0x80;
        hi = 0xbf;
    }
    *cp = v;
    return need + 1;
}

int cc_utf8_valid(const char *str, apr_size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    apr_size_t i = 0;
    while (i < len) {
        long cp;
        i += cc_utf8_decode(s + i, len - i, &cp);
        if (cp <= 0)
            return 0;
    }
    return 1;
}

apr_size_t cc_utf8_len(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    apr_size_t len = strlen(str), i = 0, n = 0;
    while (i < len) {
        long cp;
        i += cc_utf8_decode(s + i, len - i, &cp);
        n++;
    }
    return n;
}

int cc_utf8_has_controls(const char *str, int text)
{
    const unsigned char *s = (const unsigned char *)str;
    apr_size_t len = strlen(str), i = 0;
    while (i < len) {
        long cp;
        i += cc_utf8_decode(s + i, len - i, &cp);
        if (cp < 0x20 && !(text && (cp == '\t' || cp == '\n' || cp == '\r')))
            return 1; /* also an ill-formed sequence (-1) */
        if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
            return 1;
        if (!text && (cp == 0x2028 || cp == 0x2029))
            return 1;
    }
    return 0;
}
