/*
 * mask.c — screener_mask(): replace matched spans, one mask character per
 * original character.
 */
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "db/db.h"
#include "scan/scratch.h"
#include "common/alloc.h"

SCREENER_API void screener_free(void *ptr)
{
    mem_free(ptr);
}

typedef struct mask_span {
    size_t start, end;
} mask_span;

static int cmp_mask_span(const void *a, const void *b)
{
    const mask_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* The byte spans to mask, sorted by start: the chosen matches, a rule's
 * match by the parts that fired (whole when they cannot be found). */
static int mask_spans(const screener_db *db, screener_scratch *scratch, const char *text,
                      size_t len, const screener_result *r, unsigned flags, mask_span **out,
                      size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    mask_span *sp = mem_malloc((2 * r->n_matches + 1) * sizeof *sp);
    if (!sp)
        return SCREENER_E_NOMEM;
    size_t n = 0;
    for (size_t k = 0; k < r->n_matches; k++) {
        const screener_match *m = &r->matches[k];
        if (m->flags & SCREENER_MATCH_SUPPRESSED)
            continue;
        if (flags == SCREENER_MASK_BY_ACTION && m->action < SCREENER_ACTION_MASK)
            continue;
        size_t st[2], en[2], np = 0;
        if (db->entries[m->entry_id].options & DB_OPT_RULE) {
            int rc = screener_rule_parts(db, scratch, text, len, m, st, en, &np);
            if (rc) {
                mem_free(sp);
                return rc;
            }
        }
        for (size_t q = 0; q < np; q++)
            sp[n++] = (mask_span){st[q], en[q]};
        if (!np)
            sp[n++] = (mask_span){m->start, m->end};
    }
    qsort(sp, n, sizeof *sp, cmp_mask_span);
    *out = sp;
    *n_out = n;
    return SCREENER_OK;
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
    size_t ns = 0;
    mask_span *sp = NULL;
    rc = mask_spans(db, scratch, text, len, r, flags, &sp, &ns);
    if (rc) {
        mem_free(o);
        return rc;
    }
    size_t w = 0, i = 0;
    /* spans sorted by start: sweep, merging overlapping ones */
    for (size_t k = 0; k < ns; k++) {
        if (sp[k].end <= i)
            continue; /* inside what is already masked */
        size_t start = sp[k].start > i ? sp[k].start : i;
        memcpy(o + w, s + i, start - i);
        w += start - i;
        size_t p = start;
        while (p < sp[k].end) {
            utf8_next(s, sp[k].end, &p); /* one character or one maximal subpart */
            memcpy(o + w, mc, mn);
            w += mn;
        }
        i = sp[k].end;
    }
    mem_free(sp);
    memcpy(o + w, s + i, len - i);
    w += len - i;
    o[w] = '\0';
    *out = (char *)o;
    if (out_len)
        *out_len = w;
    return SCREENER_OK;
}
