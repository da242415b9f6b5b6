/*
 * views.c — the table of views (see views.h).
 */
#include "views.h"

#include <string.h>

static size_t budget(const views *v)
{
    return v->unit_budget ? v->unit_budget : VIEW_UNIT_BUDGET;
}

static int build_folded(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                        size_t *consumed)
{
    int rc = fold_text_upto(ft, s, len, budget(v), &v->folded);
    *consumed = v->folded.consumed;
    return rc;
}

static int build_bytes(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                       size_t *consumed)
{
    /* a character's UTF-8 never has more bytes than 3 per folded unit, plus
     * one for a kept punctuation character: after the folded view, this
     * budget never stops the byte view early */
    size_t u = budget(v);
    int rc = byte_view_build(ft, s, len, u > SIZE_MAX / 4 ? SIZE_MAX : 3 * u + len, &v->bytes);
    *consumed = v->bytes.consumed;
    /* the numerals view, built first when a matcher reads it, tells whether
     * any run can be read at all (most texts: none) */
    if (!rc && (!v->numerals_built || v->numerals.candidates))
        numerals_bytes(ft, &v->bytes);
    return rc;
}

static int build_numerals(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                          size_t *consumed)
{
    (void)s;
    *consumed = len; /* the folded view's prefix */
    int rc = numerals_build(ft, &v->folded, &v->numerals);
    v->numerals_built = rc == SCREENER_OK;
    return rc;
}

static int build_leet(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                      size_t *consumed)
{
    *consumed = len; /* the reading of the folded view's prefix */
    return leet_build(ft, s, len, &v->folded, &v->leet);
}

/* In build order; `needs` are views a row is built from. */
static const struct {
    unsigned bit;
    unsigned needs;
    int (*build)(const fold_table *, const uint8_t *, size_t, views *, size_t *);
} table[] = {
    {VIEW_FOLDED, 0, build_folded},
    {VIEW_LEET, VIEW_FOLDED, build_leet}, /* (early: most scans need no later view) */
    {VIEW_NUMERALS, VIEW_FOLDED, build_numerals},
    {VIEW_BYTES, 0, build_bytes},
};

int views_build(const fold_table *ft, unsigned which, const uint8_t *s, size_t len, views *v)
{
    v->consumed = len;
    v->numerals_built = 0;
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (which & table[k].bit)
            which |= table[k].needs; /* needs come earlier in the table */
    for (size_t k = 0; which && k < sizeof table / sizeof table[0]; k++) {
        if (!(which & table[k].bit))
            continue;
        which &= ~table[k].bit;
        /* every view covers what the first one built covered */
        int rc = table[k].build(ft, s, v->consumed, v, &v->consumed);
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

void views_free(views *v)
{
    fold_buf_free(&v->folded);
    byte_view_free(&v->bytes);
    numeral_view_free(&v->numerals);
    leet_view_free(&v->leet);
}

size_t views_footprint(const views *v)
{
    const fold_buf *f = &v->folded;
    return f->cap * (sizeof(uint16_t) + 1) + f->cap_marks * sizeof(fold_mark) +
           byte_view_footprint(&v->bytes) + v->numerals.cap * sizeof(uint16_t) +
           leet_view_footprint(&v->leet);
}
