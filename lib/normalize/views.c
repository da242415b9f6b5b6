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
    /* a number run has NUMERAL_RUN_MIN characters, one of them a numeral
     * (3 bytes), so a shorter view has none; the numerals view, when built
     * for this text already (the digit rows come before the byte view's
     * rows), tells whether any run can be read at all (most texts: none) */
    if (!rc && v->bytes.n >= NUMERAL_RUN_MIN + 2 &&
        (!(v->built & VIEW_NUMERALS) || v->numerals.candidates))
        numerals_bytes(ft, &v->bytes);
    return rc;
}

static int build_numerals(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                          size_t *consumed)
{
    (void)s;
    *consumed = len; /* the folded view's prefix */
    return numerals_build(ft, &v->folded, &v->numerals);
}

static int build_leet(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                      size_t *consumed)
{
    *consumed = len; /* the reading of the folded view's prefix */
    return leet_build(ft, s, len, &v->folded, &v->leet);
}

/* One row per view, at its bit's number (views are built in that order);
 * `needs` are views a row is built from. */
static const struct {
    unsigned needs;
    int (*build)(const fold_table *, const uint8_t *, size_t, views *, size_t *);
} table[VIEW_KINDS] = {
    [0] = {0, build_folded},              /* VIEW_FOLDED */
    [1] = {0, build_bytes},               /* VIEW_BYTES */
    [2] = {VIEW_FOLDED, build_numerals},  /* VIEW_NUMERALS */
    [3] = {VIEW_FOLDED, build_leet},      /* VIEW_LEET */
};
_Static_assert(VIEW_FOLDED == 1u << 0 && VIEW_BYTES == 1u << 1 && VIEW_NUMERALS == 1u << 2 &&
                   VIEW_LEET == 1u << 3,
               "the table is indexed by the views' bit numbers");

_Static_assert(VIEW_ALL == (1u << VIEW_KINDS) - 1, "views_len: one slot per view bit");

/* views_len of a view just built (and what it tells of views not built). */
static void set_len(views *v, unsigned bit)
{
    size_t *len = v->len;
    switch (bit) {
    case VIEW_FOLDED:
        len[__builtin_ctz(VIEW_FOLDED)] = v->folded.n;
        len[__builtin_ctz(VIEW_NUMERALS)] = v->folded.n; /* unit for unit */
        break;
    case VIEW_NUMERALS: len[__builtin_ctz(VIEW_NUMERALS)] = v->numerals.n; break;
    case VIEW_BYTES: len[__builtin_ctz(VIEW_BYTES)] = v->bytes.n; break;
    case VIEW_LEET: /* inactive: the reading is the text itself */
        len[__builtin_ctz(VIEW_LEET)] = v->leet.active ? v->leet.folded.n : 0;
        break;
    default: break;
    }
}

int views_build_more(const fold_table *ft, unsigned which, const uint8_t *s, views *v)
{
    for (unsigned w = which; w; w &= w - 1)
        which |= table[__builtin_ctz(w)].needs; /* (a view needs only the folded one) */
    /* the folded view, when this text may need it, is built first (lowest
     * bit): its budget sets the prefix the others cover (the byte view's
     * never stops earlier than it) */
    if (v->planned & VIEW_FOLDED)
        which |= VIEW_FOLDED;
    for (which &= ~v->built; which; which &= which - 1) {
        int k = __builtin_ctz(which);
        /* every view covers what the first one built covered */
        int rc = table[k].build(ft, s, v->consumed, v, &v->consumed);
        if (rc)
            return rc;
        v->built |= 1u << k;
        set_len(v, 1u << k);
    }
    return SCREENER_OK;
}

int views_build(const fold_table *ft, unsigned which, const uint8_t *s, size_t len, views *v)
{
    views_begin(v, which, len);
    return views_need(ft, which, s, v);
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
