/*
 * regex.h — compiling the regex entries of a dictionary set into one
 * Hyperscan database (ids = entry ids), run on the byte view of the text.
 */
#ifndef SCREENER_COMPILE_REGEX_H
#define SCREENER_COMPILE_REGEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <hs.h>

#include "db/db.h"
#include "dict/dict.h"

#define REGEX_MAX_ENTRIES 1000
#define REGEX_MAX_BYTES 512
/* Longest match a regex may have, in bytes of the byte view. Long messages
 * are scanned in windows and streams in chunks, carrying the last stretch of
 * text over: a match longer than that carry could be cut in two, so a regex
 * that can match more (unbounded `+`, `*`, `{n,}`) is rejected at compile
 * time with its file and line. */
#define REGEX_MAX_WIDTH DB_REGEX_MAX_WIDTH
/* No HS_FLAG_SOM_LEFTMOST: Vectorscan 5.4.9 aborts inside hs_scan ("buffer
 * overflow detected") for some SOM patterns, e.g. (a|aa)*b, on any input of
 * 255+ bytes. Match ends come from the regex database; where a match starts
 * is found by the anchored start database (see db.h DB_REGEX_START_ID and
 * scan/m_regex.c), which needs no SOM either. */
#define REGEX_FLAGS (HS_FLAG_UTF8 | HS_FLAG_CASELESS)

/* What compile_regexes produces (all NULL/0 without regex entries; free with
 * regex_out_free). */
typedef struct regex_out {
    char *bytes;       /* serialized regex database (ends) */
    size_t len;
    char *start_bytes; /* serialized start database (anchored) */
    size_t start_len;
    db_regex *table;   /* one per regex entry, by entry id */
    size_t n;
    uint32_t max_width; /* longest match any of them can have (bytes) */
} regex_out;

/* Status for a failed Hyperscan compile or expression check: Hyperscan
 * reports an allocation failure as a compile error with one of these fixed
 * messages (its hs_enomem and the bytecode allocation); anything else is
 * `otherwise` (the pattern's or Hyperscan's fault). */
static inline int hs_compile_status(const hs_compile_error_t *herr, int otherwise)
{
    if (herr && herr->message &&
        (strcmp(herr->message, "Unable to allocate memory.") == 0 ||
         strcmp(herr->message, "Could not allocate memory for bytecode.") == 0))
        return SCREENER_E_NOMEM;
    return otherwise;
}

/*
 * Validate each regex entry of set alone (so an error names its line), then
 * compile them into the two databases. Returns SCREENER_OK or an error
 * status with *err set.
 */
int compile_regexes(const dict_set *set, screener_error **err, const hs_platform_info_t *plat,
                    regex_out *out);
void regex_out_free(regex_out *out);

/*
 * The start-database form of regex re (len bytes): with ctx 0 `^(?:re)`;
 * with ctx 1 `^(?s:.)(?:re')`, re' being re with every start anchor (`^`,
 * `\A` outside classes and quotes) replaced by the never-matching `\b\B`
 * (after a character of context no start anchor can hold). Returns a
 * malloc'ed NUL-terminated string or NULL (out of memory).
 */
char *regex_start_form(const char *re, size_t len, int ctx);

/* The ends-database form of re: `(?:re'')`, re'' being re with its word
 * boundary assertions `\b` and `\B` (outside classes and quotes) dropped,
 * so it matches wherever re does and maybe more; the start probe checks the
 * assertions. malloc'ed, or NULL. */
char *regex_end_form(const char *re, size_t len);

/* Check regex entry e alone with Hyperscan (syntax, empty match, length
 * bounds: SCREENER_E_DICT_SYNTAX or SCREENER_E_LIMIT naming its line); its
 * widest match goes to *width, its shortest to *min_width (if not NULL). compile_regexes runs it on every regex entry;
 * a lenient compile runs it first to skip such lines. */
int regex_check(const dict_set *s, const dict_entry *e, screener_error **err, uint32_t *width,
                uint32_t *min_width);

#endif
