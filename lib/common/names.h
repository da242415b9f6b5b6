/*
 * names.h — the one table of each name set the library, the CLI and the
 * bindings spell: fold families, built-in detectors and actions. Everything
 * that prints or parses one of these names goes through these tables (or
 * the public functions built on them in names.c), so a new family, detector
 * or action is added in one place.
 *
 * The built-in categories and their display names are owned by
 * categories.c (their rows carry two display names, not a value).
 */
#ifndef SCREENER_COMMON_NAMES_H
#define SCREENER_COMMON_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* Built-in detectors (`@detect NAME`). The values are stored in databases:
 * never renumber them. */
enum {
    DETECT_CN_MOBILE = 1,
    DETECT_CN_ID = 2,
    DETECT_BANK_CARD = 3,
    DETECT_EMAIL = 4, /* text detectors: run on the light view (scan/detect.h) */
    DETECT_URL = 5,
    DETECT_LAST = DETECT_URL
};

/* Generated variants an entry asks for (`@variants`, `variants=`): bit
 * values of dict_entry.variants. */
enum {
    VARIANT_REQ_PINYIN = 1u << 0,    /* full pinyin: joined, spaced, tone marks, tone digits */
    VARIANT_REQ_INITIALS = 1u << 1,  /* first letters, terms of 3+ characters only */
    VARIANT_REQ_MIXED = 1u << 2,     /* some characters as pinyin, the rest as written */
    VARIANT_REQ_HOMOPHONE = 1u << 3  /* one character replaced by a common homophone */
};

/* One name of a set: the spelling users type, the value it stands for, and
 * a one-line description for usage texts and documentation. */
typedef struct name_entry {
    const char *name;
    uint32_t value;
    const char *description;
} name_entry;

typedef struct name_table {
    const name_entry *entries;
    size_t n;
    const char *what; /* "fold family", ... for messages */
} name_table;

/* Fold families, in SCREENER_FOLD_* bit order; value = the flag. */
extern const name_table names_fold_families;
/* Detectors, in DETECT_* order; value = the DETECT_* id. */
extern const name_table names_detectors;
/* Actions, in SCREENER_ACTION_* order; value = the action. */
extern const name_table names_actions;

/* Variant requests (`@variants pinyin,initials`); value = VARIANT_REQ_* bit. */
extern const name_table names_variant_requests;
/* Kinds of generated entries, in SCREENER_VARIANT_* order (stored in
 * databases); value = the kind. */
extern const name_table names_variant_kinds;

/* Value of the name s[0..len) in table t, or -1 if t has no such name.
 * Every value in these tables fits an int. Cost: O(t->n). */
int names_find(const name_table *t, const char *s, size_t len);

/* Name of value in table t, or NULL. Cost: O(t->n). */
const char *names_name(const name_table *t, uint32_t value);

/* Write the names of t into buf as "a, b, c" (truncated to cap, always
 * NUL-terminated when cap > 0), for "known: ..." messages. Returns buf. */
char *names_list(const name_table *t, char *buf, size_t cap);

#endif
