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

static int push_mark(fold_buf *fb, size_t byte, size_t unit, uint32_t prev)
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
    fb->marks[fb->n_marks].prev = prev;
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

/* Digits are word characters for boundaries but never collapse ("1000"). */
static inline int collapsible(uint16_t u)
{
    return !(u >= '0' && u <= '9') && !(u >= 0xD800 && u <= 0xDFFF);
}

/*
 * Write the output of value v for code point cp at o (room for
 * FOLD_MAX_UNITS + 2 units), collapsing repeats of word letters against
 * *prev (the collapse state). Returns the units written; *raw gets the units
 * before collapsing.
 */
static inline size_t emit(const fold_table *ft, uint32_t v, uint32_t cp, uint32_t *prev,
                          uint16_t *o, size_t *raw)
{
    uint32_t kind = FV_KIND(v);
    if (kind == FV_DROP) {
        if (FV_CLASS(v) == FC_GAP)
            *prev = 0;
        *raw = 0;
        return 0;
    }
    size_t n;
    if (kind == FV_MULTI) {
        n = FV_LEN(v);
        memcpy(o, ft->expand + FV_OFF(v), n * sizeof(uint16_t));
    } else {
        n = put_cp(o, kind == FV_IDENT ? cp : FV_CP(v));
    }
    *raw = n;
    if (!ft->collapse || FV_CLASS(v) != FC_WORD) {
        *prev = 0;
        return n;
    }
    size_t w = 0;
    for (size_t k = 0; k < n; k++) {
        uint16_t u = o[k];
        if (!collapsible(u)) {
            o[w++] = u;
            *prev = 0;
        } else if (u != *prev) {
            o[w++] = u;
            *prev = u;
        }
    }
    return w;
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
    if (push_mark(fb, 0, 0, 0))
        return SCREENER_E_NOMEM;
    uint16_t *o = fb->units;
    size_t pos = 0, next_mark = FOLD_MARK_EVERY;
    size_t i = 0;
    uint32_t prev = 0;
    const int collapse = ft->collapse;
    while (i < n) {
        if (pos >= next_mark) {
            if (push_mark(fb, i, pos, prev))
                return SCREENER_E_NOMEM;
            next_mark = pos - pos % FOLD_MARK_EVERY + FOLD_MARK_EVERY;
        }
        uint8_t b = s[i];
        if (b < 0x80) {
            /* ASCII: at most one BMP unit (checked when the table opened) */
            uint32_t v = ft->ascii[b];
            i++;
            uint32_t kind = FV_KIND(v);
            if (kind == FV_DROP) {
                if (FV_CLASS(v) == FC_GAP)
                    prev = 0;
                continue;
            }
            uint16_t u = kind == FV_IDENT ? b : (uint16_t)FV_CP(v);
            if (collapse && FV_CLASS(v) == FC_WORD && collapsible(u)) {
                if (u == prev)
                    continue;
                prev = u;
            } else {
                prev = 0;
            }
            o[pos++] = u;
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
        size_t raw;
        pos += emit(ft, v, (uint32_t)cp, &prev, o + pos, &raw);
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

/* Re-folds the original text one character at a time, exactly like
 * fold_text, for the mapping and verification walks. */
typedef struct walker {
    const fold_table *ft;
    const uint8_t *s;
    size_t n; /* walk limit */
    size_t i; /* next byte */
    uint32_t prev;
} walker;

/* Fold the next character: returns the units it emits; *v gets its value,
 * *collapsed is 1 for a word letter swallowed by the run before it, *raw the
 * units before collapsing. */
static inline size_t walk(walker *w, uint32_t *v, int *collapsed, size_t *raw)
{
    uint16_t tmp[FOLD_MAX_UNITS + 2];
    int32_t c = utf8_next(w->s, w->n, &w->i);
    *v = fold_value(w->ft, c);
    size_t k = emit(w->ft, *v, c < 0 ? 0xFFFDu : (uint32_t)c, &w->prev, tmp, raw);
    *collapsed = k == 0 && FV_KIND(*v) != FV_DROP;
    return k;
}

void fold_locate_start(const fold_table *ft, const uint8_t *s, size_t n,
                       const fold_buf *fb, size_t p, fold_loc *out)
{
    const fold_mark *m = &fb->marks[p ? mark_before(fb, p) : 0];
    walker w = {ft, s, n, m->byte, m->prev};
    size_t pos = m->unit;
    int have_prev = 0, prev_word = 0, gap = 0;
    out->byte = n;
    out->boundary = 1;
    while (w.i < n) {
        size_t at = w.i, raw;
        uint32_t v;
        int coll;
        size_t k = walk(&w, &v, &coll, &raw);
        if (k == 0) {
            if (!coll && FV_CLASS(v) == FC_GAP)
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
    walker w = {ft, s, n, m->byte, m->prev};
    size_t pos = m->unit, raw;
    uint32_t v;
    int coll;
    out->byte = n;
    out->boundary = 1;
    while (w.i < n) {
        size_t k = walk(&w, &v, &coll, &raw);
        if (k == 0 || pos + k < e) {
            pos += k;
            continue;
        }
        out->byte = w.i;
        if (pos + k != e) {
            out->boundary = 0; /* the match ends inside one character's output */
            return;
        }
        /* extend over the rest of a collapsed run ("fuckkk") and over
         * characters that extend the last one (variation selectors,
         * combining marks), looking through other invisible characters */
        for (;;) {
            walker save = w;
            if (w.i >= n)
                break;
            size_t k2 = walk(&w, &v, &coll, &raw);
            if (coll || FV_EXTENDS(v)) {
                out->byte = w.i;
                continue;
            }
            if (k2 == 0 && FV_CLASS(v) == FC_IGNORABLE)
                continue;
            w = save;
            break;
        }
        while (w.i < n) {
            size_t k3 = walk(&w, &v, &coll, &raw);
            if (k3 == 0) {
                if (!coll && FV_CLASS(v) == FC_GAP)
                    return; /* a visible separator follows */
                continue;
            }
            out->boundary = FV_CLASS(v) != FC_WORD;
            return;
        }
        return;
    }
}

/* ---- term shapes and span verification ----------------------------------- */

/* Visit the runs, word pairs and separators of (s, [b0, b1)) the way the
 * fold sees them. Calls on_run(ctx, rel, len) for each run of one word
 * letter, on_pair(ctx, rel, gapped) for adjacent word letters. */
typedef struct shape_walk {
    void (*on_run)(void *ctx, size_t rel, size_t len);
    void (*on_pair)(void *ctx, size_t rel, int gapped);
    void *ctx;
    int has_word;
} shape_walk;

static void walk_shape(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1,
                       shape_walk *sw)
{
    walker w = {ft, s, b1, b0, 0};
    size_t rel = 0, run_len = 0, run_rel = 0, raw;
    int prev_word = 0, gap = 0, started = 0, coll;
    uint32_t v;
    sw->has_word = 0;
    while (w.i < b1) {
        size_t k = walk(&w, &v, &coll, &raw);
        if (coll) {
            run_len += raw;
            continue;
        }
        if (k == 0) {
            if (started && FV_CLASS(v) == FC_GAP)
                gap = 1;
            continue;
        }
        if (run_len) {
            sw->on_run(sw->ctx, run_rel, run_len);
            run_len = 0;
        }
        int word = FV_CLASS(v) == FC_WORD;
        sw->has_word |= word;
        if (prev_word && word)
            sw->on_pair(sw->ctx, rel, gap);
        if (word) {
            /* the run continues from this character's last unit */
            run_rel = rel + k - 1;
            run_len = k == 1 ? raw : 1;
        }
        started = 1;
        prev_word = word;
        gap = 0;
        rel += k;
    }
    if (run_len)
        sw->on_run(sw->ctx, run_rel, run_len);
}

static void shape_run(void *ctx, size_t rel, size_t len)
{
    fold_shape *sh = ctx;
    if (rel < 64 && len == 2)
        sh->run2 |= (uint64_t)1 << rel;
    else if (rel < 64 && len >= 3)
        sh->run3 |= (uint64_t)1 << rel;
}

static void shape_pair(void *ctx, size_t rel, int gapped)
{
    fold_shape *sh = ctx;
    if (gapped && rel < 64)
        sh->breaks |= (uint64_t)1 << rel;
}

void fold_term_shape(const fold_table *ft, const uint8_t *term, size_t len, fold_shape *out)
{
    memset(out, 0, sizeof *out);
    shape_walk sw = {shape_run, shape_pair, out, 0};
    walk_shape(ft, term, 0, len, &sw);
    out->has_word = sw.has_word;
}

typedef struct check_ctx {
    const fold_shape *shape;
    size_t pairs, gapped;
    int runs_ok;
} check_ctx;

static void check_run(void *ctx, size_t rel, size_t t)
{
    check_ctx *c = ctx;
    if (rel >= 64)
        return;
    size_t r = (c->shape->run3 >> rel) & 1 ? 3 : (c->shape->run2 >> rel) & 1 ? 2 : 1;
    if (!(t == r || t >= 3)) /* exact, or stretched to 3+ */
        c->runs_ok = 0;
}

static void check_pair(void *ctx, size_t rel, int gapped)
{
    check_ctx *c = ctx;
    if (rel < 64 && (c->shape->breaks >> rel) & 1)
        return; /* the term itself has a word break here */
    c->pairs++;
    c->gapped += (size_t)gapped;
}

int fold_span_check(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1,
                    const fold_shape *shape)
{
    check_ctx c = {shape, 0, 0, 1};
    shape_walk sw = {check_run, check_pair, &c, 0};
    walk_shape(ft, s, b0, b1, &sw);
    return c.runs_ok && (c.gapped == 0 || c.gapped == c.pairs);
}
