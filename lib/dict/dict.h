/*
 * dict.h — dictionary parsing: source text -> raw entries (not yet folded).
 *
 * The format is documented in docs/dictionary-format.md. Every malformed line
 * is an error naming the source, the line and the offending text; nothing is
 * skipped silently except blank lines and comments.
 */
#ifndef SCREENER_DICT_H
#define SCREENER_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "screener.h"

#define DICT_MAX_TERM_BYTES 1024
#define DICT_MAX_CATEGORY_LEN 64
#define DICT_DEFAULT_SEVERITY 2

/* A co-occurrence rule (`@rule A NEAR/n B`, `A AND NOT B`, `A THEN B`):
 * the operator (DICT_RULE_*, the values of db.h's DB_RULE_*) and its two
 * parts as written. */
typedef struct dict_rule {
    uint8_t op;
    uint16_t distance;  /* NEAR: 1..DICT_RULE_MAX_DISTANCE */
    char *part[2];      /* NUL-terminated, valid UTF-8, owned */
    size_t part_len[2];
} dict_rule;

#define DICT_RULE_NEAR 1u
#define DICT_RULE_AND_NOT 2u
#define DICT_RULE_THEN 3u
#define DICT_RULE_MAX_DISTANCE 500u

void dict_rule_free(dict_rule *r);

typedef struct dict_entry {
    char *term;        /* as written (unescaped), NUL-terminated, valid UTF-8 */
    size_t term_len;
    uint32_t category; /* index into dict_set.categories */
    uint32_t source;   /* index into dict_set.sources */
    uint32_t line;     /* 1-based */
    uint8_t severity;  /* 1..4 */
    uint8_t flags;     /* SCREENER_ENTRY_* */
    uint8_t detector;  /* DETECT_* for SCREENER_ENTRY_DETECTOR entries */
    uint32_t forms;    /* FORM_* rules asked for (`@forms`, `forms=`), see compile/forms.c */
    char *reason;      /* generated forms: why it exists ("inflection of fuck"),
                          owned; NULL for entries written in a dictionary */
    uint8_t options;   /* DICT_OPT_* */
    uint8_t host_word; /* generated allow entry that suppresses only its parent term
                          (compile/host_words.c) */
    dict_rule *rule;   /* DICT_OPT_RULE entries: the rule (owned); else NULL */
} dict_entry;

/* Entry options (matching rules that are not SCREENER_ENTRY_* flags). */
#define DICT_OPT_NUMERALS 1u /* the term's ASCII digits also match Chinese numerals */
#define DICT_OPT_RULE 8u     /* a co-occurrence rule: term = the rule's text (DB_OPT_RULE) */
#define DICT_OPT_PART 16u    /* a generated part of a rule (DB_OPT_PART) */

/* Per-category metadata set by directives (@action, @name-zh, @name-en). */
typedef struct dict_category_meta {
    int8_t actions[4];       /* SCREENER_ACTION_* per severity 1..4, -1 = not set */
    uint32_t action_source[4], action_line[4];
    uint8_t action_default;  /* bit i: actions[i] came from `@action *` (explicit ones win) */
    char *name_zh, *name_en; /* display names, or NULL */
    uint32_t name_source[2], name_line[2];
} dict_category_meta;

/* Lenient compile (SCREENER_COMPILE_LENIENT): lines with a per-line error are
 * skipped and reported through warning as "FILE:LINE: skipped: <reason>". */
typedef struct dict_lenient {
    void (*warning)(const char *, void *); /* may be NULL */
    void *user_data;
    size_t skipped; /* lines skipped so far */
} dict_lenient;

typedef struct dict_set {
    dict_entry *entries;
    size_t n_entries, cap_entries;
    char **categories; /* identifiers, [a-z0-9_]+ */
    dict_category_meta *cat_meta; /* parallel to categories */
    size_t n_categories, cap_categories;
    char **sources;    /* display names of the sources */
    size_t n_sources, cap_sources;
    size_t max_entries;       /* limit; 0 = none */
    size_t max_term_bytes;    /* limit; 0 = DICT_MAX_TERM_BYTES */
    dict_lenient *lenient;    /* NULL: strict (every bad line is an error) */
} dict_set;

/*
 * Parse one dictionary source and append its entries to set. name is used in
 * messages and, via its base name without extension, as the default category.
 * Duplicates are left in place: the compiler merges or rejects them.
 * On error returns a negative status with *err_out naming name:line; entries
 * appended before the error stay in set (the caller discards the set).
 * With set->lenient, a line with a per-line error (syntax, bad attribute,
 * invalid UTF-8, empty or too long term, unknown directive or detector) is
 * skipped and reported instead; errors that change how the following lines
 * read (a bad @category, @severity, @forms, @numerals or @action) and limits
 * (max_entries, memory) still stop the parse.
 */
int dict_parse(dict_set *set, const char *name, const char *text, size_t len,
               screener_error **err_out);

/* Lenient mode: report the per-line error *e as skipped (through
 * l->warning, "FILE:LINE: skipped: <reason>"), count it, free it. Returns
 * SCREENER_OK, or SCREENER_E_NOMEM when the report could not be made (*e
 * NULL because its allocation failed, or the message): then the line must
 * not be skipped silently and the caller fails. */
int dict_skip(dict_lenient *l, screener_error **e);

/* Warn (through warning, "FILE:LINE: ...") about entries that parse but are
 * probably mistakes: a term ending in attributes written with spaces instead
 * of a TAB (lint.c). No-op when warning is NULL. */
void dict_lint(const dict_set *set, void (*warning)(const char *, void *), void *user_data);

/* Find or add a category identifier; returns its index or -1 on ENOMEM. */
long dict_category_id(dict_set *set, const char *name);

void dict_set_free(dict_set *set);

#endif
