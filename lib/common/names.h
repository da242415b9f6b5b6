/*
 * names.h — the one table of each name set the library, the CLI and the
 * bindings spell: fold families, built-in detectors, actions, region kinds
 * (and the link-wrapper hosts). Everything that prints or parses one of
 * these names goes through these tables (or
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

/* Generated-form rules (`@forms`, `forms=`; compile/forms.c). The bits are
 * a compile-time switch per entry; never stored in databases. */
enum {
    FORM_S = 1u << 0,      /* plural / third person: -s, -es, -ies */
    FORM_ED = 1u << 1,     /* past: -ed, -d, -ied, doubled consonant */
    FORM_ING = 1u << 2,    /* -ing, e-drop, -ying, doubled consonant */
    FORM_ER = 1u << 3,     /* -er (and -ers) */
    FORM_Y = 1u << 4,      /* adjective -y (shitty, slutty: doubled consonant) */
    FORM_A = 1u << 5,      /* coded spelling: -er written -a, -ah, -uh (+ plurals) */
    FORM_DOUBLE = 1u << 6, /* coded spelling: one single letter written twice */
    FORM_DROP = 1u << 7,   /* coded spelling: one doubled letter written once */
    FORM_ENGLISH = FORM_S | FORM_ED | FORM_ING | FORM_ER | FORM_Y,
    /* Chinese (compile/pinyin_forms.c) */
    FORM_PINYIN = 1u << 8,    /* full pinyin: joined, spaced, tone marks, tone digits */
    FORM_INITIALS = 1u << 9,  /* pinyin initials, terms of 3+ characters only */
    FORM_MIXED = 1u << 10,    /* some characters as pinyin, the rest as written */
    FORM_HOMOPHONE = 1u << 11, /* one character replaced by a frequent homophone */
    FORM_SPLIT = 1u << 12,     /* characters written as their components (compile/split_forms.c) */
    FORM_CHINESE = FORM_PINYIN | FORM_INITIALS | FORM_MIXED | FORM_HOMOPHONE | FORM_SPLIT,
    FORM_EXPLICIT = 1u << 30 /* set by the entry's own forms= attribute */
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

/* Region kinds (SCREENER_REGION_*), in bit order; value = the flag. */
extern const name_table names_regions;
/* Platform link wrapper hosts (scan/regions.c), lowercase; value unused,
 * description = the platform. */
extern const name_table names_link_wrappers;

/* Region kinds (SCREENER_REGION_*), in bit order; value = the flag. */
extern const name_table names_regions;
/* Platform link wrapper hosts (scan/regions.c), lowercase; value unused,
 * description = the platform. */
extern const name_table names_link_wrappers;

/* Generated-form rules and groups (`english`, `none`); value = FORM_* bits. */
extern const name_table names_forms;

/* Value of the name s[0..len) in table t, or -1 if t has no such name.
 * Every value in these tables fits an int. Cost: O(t->n). */
int names_find(const name_table *t, const char *s, size_t len);

/* Name of value in table t, or NULL. Cost: O(t->n). */
const char *names_name(const name_table *t, uint32_t value);

/* Write the names of t into buf as "a, b, c" (truncated to cap, always
 * NUL-terminated when cap > 0), for "known: ..." messages. Returns buf. */
char *names_list(const name_table *t, char *buf, size_t cap);

#endif
