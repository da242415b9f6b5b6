/*
 * views.c — the table of views (see views.h).
 */
#include "views.h"

#include <string.h>

#include "common/utf8.h"

static size_t budget(const views *v)
{
    return v->unit_budget ? v->unit_budget : VIEW_UNIT_BUDGET;
}

/* What the views know once v->folded is built (build_folded,
 * views_build_on_folded). */
static inline void folded_built(views *v)
{
    v->len[VIEW_INDEX(VIEW_FOLDED)] = v->folded.n;
    v->len[VIEW_INDEX(VIEW_NUMERALS)] = v->folded.n; /* (a bound until built: unit for unit) */
    if ((v->planned & VIEW_LEET) && !leet_may_read(&v->folded)) {
        /* nothing to read (most Chinese text): the leet view is empty, and
         * its row is left out before anything builds it */
        leet_view_none(&v->leet);
        v->len[VIEW_INDEX(VIEW_LEET)] = 0;
        v->built |= VIEW_LEET; /* (built: what build_leet would make of it) */
    }
}

static int build_folded(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                        size_t *consumed)
{
    int rc = fold_text_upto(ft, s, len, budget(v), &v->folded);
    *consumed = v->folded.consumed;
    if (!rc)
        folded_built(v);
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
     * (3 bytes), so a shorter view has none; the numerals view, built
     * before this one when the text may need it (`after` below), tells
     * whether any run can be read at all (most texts: none) */
    if (!rc && v->bytes.n >= NUMERAL_RUN_MIN + 2 &&
        (!(v->built & VIEW_NUMERALS) || v->numerals.candidates))
        numerals_bytes(ft, &v->bytes);
    v->len[VIEW_INDEX(VIEW_BYTES)] = v->bytes.n;
    return rc;
}

static int build_numerals(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                          size_t *consumed)
{
    (void)s;
    *consumed = len; /* the folded view's prefix */
    int rc = numerals_build(ft, &v->folded, &v->numerals);
    v->len[VIEW_INDEX(VIEW_NUMERALS)] = v->numerals.n;
    return rc;
}

static __attribute__((noinline)) int read_leet(const fold_table *ft, const uint8_t *s,
                                                size_t len, views *v)
{
    /* planned, the folded view's flags were looked at when it was built */
    int rc = leet_build(ft, s, len, (v->planned & VIEW_LEET) ? NULL : &v->folded, &v->leet);
    v->len[VIEW_INDEX(VIEW_LEET)] = v->leet.active ? v->leet.folded.n : 0; /* inactive: the text */
    return rc;
}

static int build_leet(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                      size_t *consumed)
{
    *consumed = len; /* the reading of the folded view's prefix */
    if (!v->len[VIEW_INDEX(VIEW_LEET)]) { /* an empty text, or nothing to read (build_folded) */
        leet_view_none(&v->leet);
        return SCREENER_OK;
    }
    return read_leet(ft, s, len, v); /* (out of line: most texts stop above) */
}

static size_t bound_bytes(const fold_table *ft, const uint8_t *s, size_t len, size_t enough)
{
    return byte_view_bound(ft, s, len, enough);
}

/* max(1, the folded units) of the character at *i, moving *i past it */
static inline size_t next_char_units(const fold_table *ft, const uint8_t *s, size_t len,
                                     size_t *i)
{
    int32_t c = utf8_next(s, len, i);
    uint32_t u = c < 0 ? 1 : fold_units_of(fold_value(ft, c), (uint32_t)c);
    return u ? u : 1;
}

/* bound_leet from byte i on, n units counted before it */
static __attribute__((noinline)) size_t leet_bound_from(const fold_table *ft, const uint8_t *s,
                                                        size_t len, size_t i, size_t n,
                                                        size_t enough)
{
    while (i < len) {
        if (n >= enough)
            return SIZE_MAX;
        if (s[i] < 0x80)
            n++, i++;
        else
            n += next_char_units(ft, s, len, &i);
    }
    return n;
}

static size_t bound_leet(const fold_table *ft, const uint8_t *s, size_t len, size_t enough)
{
    /* The reading has at most one character per character of the text
     * (leet.h: the same characters, a substituted run becoming one ASCII
     * letter, the separators between joined repeats left out), each folding
     * to at most max(its own units, 1) units (an ASCII character folds to at
     * most one: fold_table_open refuses a table where one does not), and
     * collapsing repeats only shortens it. (0 when inactive: below this.)
     * An ASCII prefix: one unit a byte. */
    for (size_t i = 0; i < len; i++) {
        if (i >= enough)
            return SIZE_MAX;
        if (s[i] >= 0x80)
            return leet_bound_from(ft, s, len, i, i, enough);
    }
    return len;
}

/* In build order; `needs`: views a view is built from; `after`: views
 * built before it when the text may need them anyway (the numerals view
 * tells the byte view whether a number run can be read at all); `bound`
 * (optional): an upper bound on the view's views_len from the text alone
 * (its prefix the views cover), SIZE_MAX once it reaches `enough` (views_bound). */
static const struct {
    unsigned bit;
    unsigned needs, after;
    int (*build)(const fold_table *, const uint8_t *, size_t, views *, size_t *);
    size_t (*bound)(const fold_table *, const uint8_t *, size_t, size_t);
} table[] = {
    {VIEW_FOLDED, 0, 0, build_folded, NULL},
    {VIEW_NUMERALS, VIEW_FOLDED, 0, build_numerals, NULL}, /* (the folded length: build_folded) */
    {VIEW_BYTES, 0, VIEW_NUMERALS, build_bytes, bound_bytes},
    {VIEW_LEET, VIEW_FOLDED, 0, build_leet, bound_leet},
};

unsigned views_bounded(void)
{
    unsigned m = 0;
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (table[k].bound)
            m |= table[k].bit;
    return m;
}

size_t views_bound_more(const fold_table *ft, unsigned bit, const uint8_t *s, views *v,
                        size_t enough)
{
    size_t *len = &v->len[VIEW_INDEX(bit)];
#pragma GCC unroll 8
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (table[k].bit == bit && table[k].bound) {
            size_t b = table[k].bound(ft, s, v->consumed, enough);
            if (b < *len)
                *len = b; /* (SIZE_MAX: it says nothing) */
        }
    return *len;
}

_Static_assert(VIEW_ALL == (1u << VIEW_KINDS) - 1, "views_len: one slot per view bit");

static inline __attribute__((always_inline)) int build_row(const fold_table *ft, size_t k,
                                                            const uint8_t *s, views *v)
{
    /* every view covers what the first one built covered */
    int rc = table[k].build(ft, s, v->consumed, v, &v->consumed);
    if (!rc)
        v->built |= table[k].bit; /* (its build function set its views_len) */
    return rc;
}

/* `which` and what it is built from or after, in table order. */
static __attribute__((noinline)) int build_closure(const fold_table *ft, unsigned which,
                                                    const uint8_t *s, views *v)
{
    const size_t n = sizeof table / sizeof table[0];
    /* (both loops unrolled over the constant table: no loads of it, each
     * row's build a direct call) */
#pragma GCC unroll 8
    for (size_t k = n; k-- > 0;) /* (needs and after come earlier in the table) */
        if (which & table[k].bit)
            which |= table[k].needs | (table[k].after & v->planned);
    /* the folded view, when this text may need it, is built first: its
     * budget sets the prefix the others cover (the byte view's never stops
     * earlier than it) */
    which = (which | (v->planned & VIEW_FOLDED)) & ~v->built;
#pragma GCC unroll 8
    for (size_t k = 0; k < n; k++) {
        if (!(which & table[k].bit))
            continue;
        which &= ~table[k].bit;
        int rc = build_row(ft, k, s, v);
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

int views_build_more(const fold_table *ft, unsigned which, const uint8_t *s, views *v)
{
    /* most calls: the folded view first (when this text may need it: its
     * budget sets the prefix the others cover), then at most one view whose
     * inputs are built; then each alone is built, without the closure */
    const size_t n = sizeof table / sizeof table[0];
    _Static_assert(VIEW_FOLDED == 1u, "the folded view is table[0]");
    if ((which | v->planned) & VIEW_FOLDED & ~v->built) {
        int rc = build_row(ft, 0, s, v);
        if (rc)
            return rc;
    }
    unsigned miss = which & ~v->built;
    if (!miss)
        return SCREENER_OK;
    if (!(miss & (miss - 1))) {
        size_t k = 1;
        while (k < n - 1 && table[k].bit != miss)
            k++;
        unsigned inputs = table[k].needs | (table[k].after & v->planned);
        if (!(inputs & ~v->built))
            return build_row(ft, k, s, v);
    }
    return build_closure(ft, which, s, v);
}

int views_build(const fold_table *ft, unsigned which, const uint8_t *s, size_t len, views *v)
{
    views_begin(v, which, len);
    return views_need(ft, which, s, v);
}

int views_build_on_folded(const fold_table *ft, unsigned which, const uint8_t *s, size_t len,
                          views *v)
{
    views_begin(v, which, len);
    v->consumed = v->folded.consumed;
    v->built = VIEW_FOLDED;
    folded_built(v);
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
    return f->cap * (sizeof(uint16_t) + 1) + f->cap_marks * sizeof(fold_mark) + f->cap_bytes +
           byte_view_footprint(&v->bytes) + v->numerals.cap * sizeof(uint16_t) +
           leet_view_footprint(&v->leet);
}
