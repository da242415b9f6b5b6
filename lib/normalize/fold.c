/*
 * fold.c — the scan-time fold and the mapping of folded positions back to
 * original bytes. No ICU string API is called here: only trie lookups.
 */
#include "fold.h"

#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

void fold_buf_free(fold_buf *fb)
{
    free(fb->units);
    free(fb->marks);
    memset(fb, 0, sizeof *fb);
}

static int grow_units(fold_buf *fb, size_t need)
{
    if (need <= fb->cap)
        return 0;
    size_t cap = fb->cap ? fb->cap : 256;
    while (cap < need)
        cap *= 2;
    uint16_t *u = realloc(fb->units, cap * sizeof(uint16_t));
    if (!u)
        return -1;
    fb->units = u;
    fb->cap = cap;
    return 0;
}

static int push_mark(fold_buf *fb, size_t byte, size_t unit)
{
    if (fb->n_marks == fb->cap_marks) {
        size_t cap = fb->cap_marks ? fb->cap_marks * 2 : 64;
        fold_mark *m = realloc(fb->marks, cap * sizeof(fold_mark));
        if (!m)
            return -1;
        fb->marks = m;
        fb->cap_marks = cap;
    }
    fb->marks[fb->n_marks].byte = (uint32_t)byte;
    fb->marks[fb->n_marks].unit = (uint32_t)unit;
    fb->n_marks++;
    return 0;
}

static inline size_t put_cp(uint16_t *o, uint32_t c)
{
    if (c <= 0xFFFF) {
        o[0] = (uint16_t)c;
        return 1;
    }
    c -= 0x10000;
    o[0] = (uint16_t)(0xD800 | (c >> 10));
    o[1] = (uint16_t)(0xDC00 | (c & 0x3FF));
    return 2;
}

/* Write the output of value v for code point cp at o; returns units written. */
static inline size_t emit(const fold_table *ft, uint32_t v, uint32_t cp, uint16_t *o)
{
    switch (FV_KIND(v)) {
    case FV_IDENT: return put_cp(o, cp);
    case FV_DROP: return 0;
    case FV_ONE: return put_cp(o, FV_CP(v));
    default: {
        size_t len = FV_LEN(v);
        memcpy(o, ft->expand + FV_OFF(v), len * sizeof(uint16_t));
        return len;
    }
    }
}

int fold_text(const fold_table *ft, const uint8_t *s, size_t n, fold_buf *fb)
{
    if (n > FOLD_MAX_INPUT)
        return SCREENER_E_TOO_LARGE;
    fb->n = 0;
    fb->n_marks = 0;
    /* Invariant: room for every remaining byte as one unit, plus one
     * maximal expansion. ASCII never expands, so only non-ASCII checks. */
    if (grow_units(fb, n + ft->max_units + 8))
        return SCREENER_E_NOMEM;
    if (push_mark(fb, 0, 0))
        return SCREENER_E_NOMEM;
    uint16_t *o = fb->units;
    size_t pos = 0, next_mark = FOLD_MARK_EVERY;
    size_t i = 0;
    while (i < n) {
        if (pos >= next_mark) {
            if (push_mark(fb, i, pos))
                return SCREENER_E_NOMEM;
            next_mark = pos - pos % FOLD_MARK_EVERY + FOLD_MARK_EVERY;
        }
        uint8_t b = s[i];
        if (b < 0x80) {
            uint32_t v = ft->ascii[b];
            i++;
            if (FV_KIND(v) == FV_IDENT)
                o[pos++] = b;
            else if (FV_KIND(v) == FV_ONE)
                o[pos++] = (uint16_t)FV_CP(v); /* ASCII folds within the BMP */
            continue;
        }
        int32_t cp = utf8_next(s, n, &i);
        uint32_t v = fold_value(ft, cp);
        if (fb->cap - pos < (n - i) + ft->max_units + 8) {
            if (pos > FOLD_MAX_INPUT * 2)
                return SCREENER_E_TOO_LARGE;
            if (grow_units(fb, pos + (n - i) + 2 * ft->max_units + 8))
                return SCREENER_E_NOMEM;
            o = fb->units;
        }
        pos += emit(ft, v, (uint32_t)cp, o + pos);
    }
    fb->n = pos;
    return SCREENER_OK;
}

/* Index of the last checkpoint whose unit is < t (or 0). */
static size_t mark_before(const fold_buf *fb, size_t t)
{
    size_t lo = 0, hi = fb->n_marks; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (fb->marks[mid].unit < t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Decode the character at *i and return its value; *cp gets the code point
 * (or U+FFFD for invalid input). */
static inline uint32_t step(const fold_table *ft, const uint8_t *s, size_t n,
                            size_t *i, uint32_t *cp)
{
    int32_t c = utf8_next(s, n, i);
    *cp = c < 0 ? 0xFFFD : (uint32_t)c;
    return fold_value(ft, c);
}

void fold_locate_start(const fold_table *ft, const uint8_t *s, size_t n,
                       const fold_buf *fb, size_t p, fold_loc *out)
{
    const fold_mark *m = &fb->marks[p ? mark_before(fb, p) : 0];
    size_t i = m->byte, pos = m->unit;
    int have_prev = 0, prev_word = 0, gap = 0;
    out->byte = n;
    out->boundary = 1;
    while (i < n) {
        size_t at = i;
        uint32_t cp;
        uint32_t v = step(ft, s, n, &i, &cp);
        size_t k = fold_units_of(v, cp);
        if (k == 0) {
            if (FV_CLASS(v) == FC_GAP)
                gap = 1;
            continue;
        }
        if (pos + k > p) {
            out->byte = at;
            out->boundary = pos == p && (!have_prev || !prev_word || gap);
            return;
        }
        have_prev = 1;
        prev_word = FV_CLASS(v) == FC_WORD;
        gap = 0;
        pos += k;
    }
}

void fold_locate_end(const fold_table *ft, const uint8_t *s, size_t n,
                     const fold_buf *fb, size_t e, fold_loc *out)
{
    const fold_mark *m = &fb->marks[mark_before(fb, e)];
    size_t i = m->byte, pos = m->unit;
    out->byte = n;
    out->boundary = 1;
    while (i < n) {
        uint32_t cp;
        uint32_t v = step(ft, s, n, &i, &cp);
        size_t k = fold_units_of(v, cp);
        if (k == 0 || pos + k < e) {
            pos += k;
            continue;
        }
        out->byte = i;
        if (pos + k != e) {
            out->boundary = 0; /* the match ends inside one character's output */
            return;
        }
        while (i < n) {
            v = step(ft, s, n, &i, &cp);
            if (fold_units_of(v, cp) == 0) {
                if (FV_CLASS(v) == FC_GAP)
                    return; /* a visible separator follows */
                continue;
            }
            out->boundary = FV_CLASS(v) != FC_WORD;
            return;
        }
        return;
    }
}

int fold_span_gaps_ok(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1,
                      uint64_t term_breaks)
{
    size_t i = b0, rel = 0, pairs = 0, gapped = 0;
    int prev_word = 0, gap = 0, started = 0;
    while (i < b1) {
        uint32_t cp;
        uint32_t v = step(ft, s, b1, &i, &cp);
        size_t k = fold_units_of(v, cp);
        if (k == 0) {
            if (FV_CLASS(v) == FC_GAP && started)
                gap = 1;
            continue;
        }
        int word = FV_CLASS(v) == FC_WORD;
        if (prev_word && word && !(rel < 64 && (term_breaks >> rel) & 1)) {
            pairs++;
            gapped += (size_t)gap;
        }
        started = 1;
        prev_word = word;
        gap = 0;
        rel += k;
    }
    return gapped == 0 || gapped == pairs;
}
