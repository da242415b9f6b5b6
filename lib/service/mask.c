/*
 * mask.c — screener_mask(): replace matched spans, one mask character per
 * original character.
 */
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "scan/scratch.h"
#include "common/alloc.h"

SCREENER_API void screener_free(void *ptr)
{
    mem_free(ptr);
}

SCREENER_API int screener_mask(const screener_db *db, screener_scratch *scratch,
                               const char *text, size_t len, unsigned flags,
                               uint32_t mask_char, char **out, size_t *out_len)
{
    if (out)
        *out = NULL;
    if (!out || flags > SCREENER_MASK_ALL || mask_char > 0x10FFFF ||
        (mask_char >= 0xD800 && mask_char <= 0xDFFF))
        return SCREENER_E_INVALID_ARGUMENT;
    const screener_result *r;
    int rc = screener_scan(db, scratch, text, len, &r);
    if (rc)
        return rc;
    uint8_t mc[4];
    size_t mn = utf8_put(mc, mask_char ? mask_char : '*');
    /* Worst case every byte is one character masked by a 4-byte character. */
    if (len > (SIZE_MAX - 1) / 4)
        return SCREENER_E_TOO_LARGE;
    uint8_t *o = mem_malloc(len * (mn > 1 ? mn : 1) + 1);
    if (!o)
        return SCREENER_E_NOMEM;
    const uint8_t *s = (const uint8_t *)(text ? text : "");
    size_t w = 0, i = 0;
    /* matches are sorted by start: sweep, merging overlapping spans */
    for (size_t k = 0; k < r->n_matches; k++) {
        const screener_match *m = &r->matches[k];
        if (m->flags & SCREENER_MATCH_SUPPRESSED)
            continue;
        if (flags == SCREENER_MASK_BY_ACTION && m->action < SCREENER_ACTION_MASK)
            continue;
        if (m->end <= i)
            continue; /* inside what is already masked */
        size_t start = m->start > i ? m->start : i;
        memcpy(o + w, s + i, start - i);
        w += start - i;
        size_t p = start;
        while (p < m->end) {
            utf8_next(s, m->end, &p); /* one character or one maximal subpart */
            memcpy(o + w, mc, mn);
            w += mn;
        }
        i = m->end;
    }
    memcpy(o + w, s + i, len - i);
    w += len - i;
    o[w] = '\0';
    *out = (char *)o;
    if (out_len)
        *out_len = w;
    return SCREENER_OK;
}
