/*
 * Password rules equivalent to Django's default AUTH_PASSWORD_VALIDATORS
 * (UserAttributeSimilarityValidator, MinimumLengthValidator, CommonPasswordValidator,
 * NumericPasswordValidator), so that accounts created through mod_carechain obey the same
 * policy, with the same English messages, as accounts created through the Django REST
 * Framework back end.
 *
 * Strings are NUL-terminated UTF-8. Bytes that are not valid UTF-8 are accepted and count as
 * one character each, the way Python's "surrogateescape" error handler treats them.
 */

#ifndef CC_PASSWORD_RULES_H
#define CC_PASSWORD_RULES_H

#include <apr_pools.h>
#include <apr_tables.h>

/* Checks a candidate password against the account's attributes. Returns NULL when the password
 * is acceptable, else an array of `const char *` messages allocated in p, in Django's wording
 * and order: similarity to an attribute (first name, last name, email address; only the first
 * similar one is reported), fewer than 8 characters, common password, entirely numeric. The
 * array lives in p; the messages are static strings, not to be modified or freed. Temporary
 * memory comes from a subpool of p that is destroyed before returning. NULL or empty attributes
 * are skipped; a NULL password is treated as the empty string. */
apr_array_header_t *cc_password_problems(apr_pool_t *p, const char *password, const char *email,
                                         const char *first_name, const char *last_name);

/* 1 if the (case-insensitive) password is in the common-password list, else 0. Like Django, the
 * password is lower-cased and stripped of surrounding whitespace before the lookup. Uses no heap
 * memory; NULL gives 0. */
int cc_password_is_common(const char *password);

/* difflib.SequenceMatcher(None, a, b).ratio() over the code points of a and b, 0.0..1.0,
 * including difflib's "autojunk" heuristic; NULL counts as the empty string, and two empty
 * strings give 1.0. When either input exceeds 65536 code points, or matching would take more
 * than a fixed amount of work, returns quick_ratio() instead, an upper bound of ratio(). Working
 * memory is malloc()ed and freed before returning; if it cannot be had, the result is 0.0. */
double cc_similarity_ratio(const char *a, const char *b);

#endif /* CC_PASSWORD_RULES_H */
