/* Declarative request-body validation (pure: APR + jansson): a table of fields in, a cleaned
 * JSON object of canonical values and DRF-worded errors out. The cleaned object goes to SQL as
 * one jsonb parameter (jsonb_populate_record keeps the columns whose keys are absent), so a
 * PATCH touches exactly the fields the client sent. */
#ifndef CC_FIELDS_H
#define CC_FIELDS_H

#include <apr_pools.h>
#include <jansson.h>

typedef enum {
    CC_F_STR,        /* trimmed string, max = characters */
    CC_F_INT,        /* integer in [min, max]; JSON integers or decimal strings */
    CC_F_DECIMAL,    /* non-negative money: max = total digits, 2 places -> "45000.00" */
    CC_F_DATE,       /* "YYYY-MM-DD", a real calendar date */
    CC_F_CHOICE,     /* one of choices */
    CC_F_BOOL,       /* true/false, "true"/"false"/"1"/"0", 1/0 */
    CC_F_EMAIL,      /* an email address (max 254) */
    CC_F_URL,        /* http(s)://host... (max characters) */
    CC_F_PHONE,      /* digits, spaces, + - ( ), 7..20 characters with at least 7 digits */
    CC_F_STRLIST,    /* list of non-blank strings of at most item_max characters, max items */
    CC_F_CHOICELIST, /* list of choices, max items */
    CC_F_IDLIST,     /* list of positive integer ids, max items */
    CC_F_ID,         /* one positive integer id */
    CC_F_DATETIME    /* ISO-8601 "YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM]"; naive = UTC */
} cc_ftype_t;

#define CC_FF_REQUIRED 0x1 /* must be present (unless partial) and not null/blank */
#define CC_FF_EMPTY 0x2    /* an absent value is "" rather than null (NOT NULL text columns) */
#define CC_FF_HYPHENS 0x4  /* choices: accept '-' for '_' ("full-time") */
#define CC_FF_TEXT 0x8     /* strings: long text, line breaks and tabs allowed (else one line) */

typedef struct {
    const char *name;
    cc_ftype_t type;
    unsigned flags;
    apr_int64_t min, max;       /* INT range; STR/URL: max characters; DECIMAL: max digits;
                                 * lists: max items (0 = no limit) */
    const char *const *choices; /* CHOICE, CHOICELIST: NULL-terminated */
    int item_max;               /* STRLIST: max characters per item */
} cc_field_t;

/* Validates `body` (a JSON object) against the `n` fields. With `partial` only the keys present
 * are validated and required fields may be absent. Returns a new object (owned by p) holding the
 * canonical value of every present, valid field: strings trimmed (blank optional strings become
 * null, or "" with CC_FF_EMPTY), integers as integers, decimals as "123.45", choices normalised,
 * lists de-duplicated in order. Messages are added to `errs` keyed by field name. Unknown keys are
 * ignored. Messages are allocated in p. */
json_t *cc_fields_clean(apr_pool_t *p, const cc_field_t *fields, int n, json_t *body, int partial,
                        json_t *errs);

/* The message for a one-line field that holds a control character. */
extern const char *const CC_MSG_CONTROLS_LINE;

/* Adds `message` to the list errs[field] of a validation dict, creating it on first use. */
void cc_field_error(json_t *errs, const char *field, const char *message);

/* "{1,2,3}": a PostgreSQL array literal of the integers of a JSON array (as cleaned by
 * CC_F_IDLIST), in p. */
const char *cc_fields_id_array(apr_pool_t *p, json_t *list);

/* 1 when s is an ISO-8601 datetime as CC_F_DATETIME accepts it; *naive tells whether it lacks
 * a zone (then it is UTC). */
int cc_datetime_valid(const char *s, int *naive);

/* Trims leading/trailing whitespace (DRF CharField trim_whitespace) into p. */
char *cc_trim(apr_pool_t *p, const char *s);
/* 1 when s is "YYYY-MM-DD" naming a real calendar day. */
int cc_date_valid(const char *s);

#endif
