/* Field validators shared by handlers (pure: APR only). */
#ifndef CC_VALIDATE_H
#define CC_VALIDATE_H

/* 1 when s is an email address we accept: ASCII local@domain, dot-atom local part of at most 64
 * characters, a domain of at least two LDH labels with an alphabetic TLD, 254 characters at
 * most (no display names, comments, quoted local parts or IP literals). */
int cc_email_valid(const char *s);

/* The value of a hexadecimal digit (either case), or -1 for any other character. */
int cc_hex_digit(char c);

#endif
