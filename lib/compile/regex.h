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

#include "dict/dict.h"

#define REGEX_MAX_ENTRIES 1000
#define REGEX_MAX_BYTES 512
/* Longest match a regex may have, in bytes of the byte view. Long messages
 * are scanned in windows and streams in chunks, carrying the last stretch of
 * text over: a match longer than that carry could be cut in two, so a regex
 * that can match more (unbounded `+`, `*`, `{n,}`) is rejected at compile
 * time with its file and line. */
#define REGEX_MAX_WIDTH 1024
#define REGEX_FLAGS (HS_FLAG_UTF8 | HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST)

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
 * compile them into one database. *bytes and *len get the serialized database
 * (NULL and 0 without regex entries; mem_free() it), *max_width the
 * longest match any of them can have (bytes). Returns SCREENER_OK or an
 * error status with *err set.
 */
int compile_regexes(const dict_set *set, screener_error **err, const hs_platform_info_t *plat,
                    char **bytes, size_t *len, uint32_t *max_width);

#endif
