/* The one UTF-8 decoder of the module (pure: APR types only). The router's query check, the
 * field validators, the multipart filename cleaner and the password rules all read code points
 * through it, so they agree on what is valid UTF-8. */
#ifndef CC_UTF8_H
#define CC_UTF8_H

#include <apr.h>

/* Decodes the sequence at s (avail > 0 bytes). Returns its length and sets *cp to the code point
 * when it is well-formed (Unicode table 3-7: no overlong forms, surrogates or values above
 * U+10FFFF). When it is not, *cp is -1 and the length is that of its maximal subpart (at least
 * 1, never more than avail), which is what Unicode recommends replacing by one U+FFFD. */
apr_size_t cc_utf8_decode(const unsigned char *s, apr_size_t avail, long *cp);

/* 1 when s (len bytes) is well-formed UTF-8 without NUL bytes. */
int cc_utf8_valid(const char *s, apr_size_t len);

/* Number of code points of a NUL-terminated string; an ill-formed subpart counts as one. */
apr_size_t cc_utf8_len(const char *s);

/* 1 when the NUL-terminated s holds a control character: C0 (but tab, LF and CR when `text`),
 * DEL, C1, or the Unicode line and paragraph separators (U+2028, U+2029) unless `text`. Names,
 * titles and the like are one line; only long text fields (`text`) may break lines. */
int cc_utf8_has_controls(const char *s, int text);

#endif
