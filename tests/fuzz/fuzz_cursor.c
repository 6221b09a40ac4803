/* libFuzzer harness for core/cursor.c. Byte 0 picks what the rest is:
 *   even: a cursor's text: decoding accepts only the canonical form, so an accepted text
 *         encodes back to itself, with a position in range;
 *   odd:  a query string: the link to the next page keeps the base and path, ends with the
 *         cursor, and carries no other cursor or page parameter (a page number and a cursor
 *         together would contradict each other). */
#include <stdint.h>
#include <string.h>
#include <apr_strings.h>

#include "../../core/cursor.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *text;
    cc_cursor_t c;
    if (size < 1)
        return 0;
    p = fuzz_pool();
    text = apr_pstrmemdup(p, (const char *)data + 1, size - 1);
    if (!(data[0] & 1)) {
        if (cc_cursor_decode(text, &c)) {
            CHECK(c.dir == CC_CURSOR_OLDER || c.dir == CC_CURSOR_NEWER);
            CHECK(c.position >= 0 && c.position <= CC_CURSOR_POSITION_MAX);
            CHECK(!strcmp(cc_cursor_encode(p, c.dir, c.position), text));
        }
    }
    else {
        const char *cur = cc_cursor_encode(p, CC_CURSOR_OLDER, (apr_int64_t)size * 7919);
        const char *base = "https://node.example:8443", *path = "/api/notifications/";
        char *link = cc_cursor_link(p, base, path, text, cur), *q, *tok, *last;
        const char *tail = apr_pstrcat(p, "cursor=", cur, NULL);
        apr_size_t n = strlen(link);
        int cursors = 0;
        CHECK(!strncmp(link, base, strlen(base)));
        CHECK(!strncmp(link + strlen(base), path, strlen(path)));
        CHECK(link[strlen(base) + strlen(path)] == '?');
        CHECK(n >= strlen(tail) && !strcmp(link + n - strlen(tail), tail));
        q = apr_pstrdup(p, link + strlen(base) + strlen(path) + 1);
        for (tok = apr_strtok(q, "&", &last); tok; tok = apr_strtok(NULL, "&", &last)) {
            CHECK(strncmp(tok, "page=", 5) && strcmp(tok, "page"));
            if (!strncmp(tok, "cursor=", 7) || !strcmp(tok, "cursor"))
                cursors++;
        }
        CHECK(cursors == 1);
    }
    /* and any position: encoding clamps it into range, decoding gives it back */
    if (size >= 9) {
        apr_int64_t pos;
        memcpy(&pos, data + 1, sizeof(pos));
        CHECK(cc_cursor_decode(cc_cursor_encode(p, (data[0] >> 1) & 1, pos), &c));
        CHECK(c.position
              == (pos < 0                        ? 0
                  : pos > CC_CURSOR_POSITION_MAX ? CC_CURSOR_POSITION_MAX
                                                 : pos));
    }
    apr_pool_destroy(p);
    return 0;
}
