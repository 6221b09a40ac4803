#include <string.h>
#include "validate.h"

static int atext(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static int ldh(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

int cc_email_valid(const char *s)
{
    const char *at, *p, *label, *last_label = NULL;
    size_t n;
    int labels = 0;

    if (!s)
        return 0;
    n = strlen(s);
    at = strrchr(s, '@');
    if (n > 254 || !at || at == s || at - s > 64 || strchr(s, '@') != at)
        return 0;
    /* local part: dot-atom */
    if (s[0] == '.' || at[-1] == '.')
        return 0;
    for (p = s; p < at; p++) {
        if (*p == '.') {
            if (p[1] == '.')
                return 0;
        }
        else if (!atext((unsigned char)*p)) {
            return 0;
        }
    }
    /* domain: LDH labels of 1..63, no leading/trailing hyphen */
    label = at + 1;
    for (;;) {
        const char *e = strchr(label, '.');
        size_t len = e ? (size_t)(e - label) : strlen(label);
        if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
            return 0;
        for (p = label; p < label + len; p++)
            if (!ldh((unsigned char)*p))
                return 0;
        labels++;
        last_label = label;
        if (!e)
            break;
        label = e + 1;
    }
    if (labels < 2)
        return 0;
    /* TLD: letters (or an IDNA "xn--" label), at least two characters */
    if (strncmp(last_label, "xn--", 4) != 0) {
        if (strlen(last_label) < 2)
            return 0;
        for (p = last_label; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
                return 0;
    }
    return 1;
}

int cc_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
