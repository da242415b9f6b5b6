/*
 * fold.c — the scan-time fold and the mapping of folded positions back to
 * original bytes. No ICU string API is called here: only trie lookups.
 */
#include "fold.h"
#include "fold_simd.h"
#include "fold_cjk.h"

#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "common/alloc.h"

void fold_buf_free(fold_buf *fb)
{
    mem_free(fb->units);
    mem_free(fb->flags);
    mem_free(fb->marks);
    mem_free(fb->bytes);
    memset(fb, 0, sizeof *fb);
}

static int grow_units(fold_buf *fb, size_t need)
{
    if (need <= fb->cap)
        return 0;
    size_t cap = fb->cap ? fb->cap : 256;
    while (cap < need)
        cap *= 2;
    uint16_t *u = mem_realloc(fb->units, cap * sizeof(uint16_t));
    if (!u)
        return -1;
    fb->units = u;
    uint8_t *f = mem_realloc(fb->flags, cap);
    if (!f)
        return -1; /* units grew, flags did not: cap unchanged, retried next time */
    fb->flags = f;
    uint8_t *b = mem_realloc(fb->bytes, cap); /* (fold_buf.bytes, fold_simd.c) */
    if (!b)
        return -1;
    fb->bytes = b;
    fb->cap_bytes = cap;
    fb->cap = cap;
    return 0;
}

int fold_push_mark(fold_buf *fb, size_t byte, size_t unit, uint32_t prev)
{
    if (fb->n_marks == fb->cap_marks) {
        size_t cap = fb->cap_marks ? fb->cap_marks * 2 : 64;
        fold_mark *m = mem_realloc(fb->marks, cap * sizeof(fold_mark));
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
            *prev = 0; /* a visible separator ends a run: "has sex" */
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

/* The first call's (and a longer text's) setup of fold_text_upto: size
 * check, buffers, the checkpoint at 0. Out of line: the common call skips it. */
static __attribute__((noinline, cold)) int fold_setup(fold_buf *fb, size_t n, size_t need)
{
    if (n > FOLD_MAX_INPUT)
        return SCREENER_E_TOO_LARGE;
    fb->n = 0;
    fb->consumed = 0;
    fb->n_marks = 0;
    fb->n_bytes = 0;
    if (grow_units(fb, need) || fold_push_mark(fb, 0, 0, 0))
        return SCREENER_E_NOMEM;
    return 0;
}

int fold_text(const fold_table *ft, const uint8_t *s, size_t n, fold_buf *fb)
{
    return fold_text_upto(ft, s, n, SIZE_MAX, fb);
}

/* Write BMP unit u of class `word` (FU_WORD or 0), collapsing a repeated
 * word letter. */
static inline void put_unit(fold_pass *p, int collapse, uint32_t u, uint32_t word)
{
    if (word && collapse && collapsible((uint16_t)u)) {
        if (u == p->prev)
            return; /* a repeated word letter */
        p->prev = u;
    } else {
        p->prev = 0;
    }
    p->fl[p->pos] = (uint8_t)(p->gap | word);
    p->gap = 0;
    p->o[p->pos++] = (uint16_t)u;
}

/* A run of ASCII from p->i (s[p->i] < 0x80) up to `stop`: at most one unit
 * per byte. Branch-free: always store, advance pos only for a kept,
 * non-repeated unit; update the run state with masks. */
static inline void ascii_run(const fold_table *ft, const uint8_t *s, size_t stop, fold_pass *p)
{
    size_t i = p->i, pos = p->pos;
    uint32_t prev = p->prev, gap = p->gap, b = s[i];
    for (;;) {
        uint32_t a = ft->ascii_fast[b];
        uint32_t u = a & 0xFFFFu;
        uint32_t keep = (a >> 16) & 1u, coll = (a >> 17) & 1u, gapb = (a >> 18) & 1u;
        uint32_t dup = coll & (uint32_t)(u == prev);
        uint32_t adv = keep & (dup ^ 1u);
        p->o[pos] = (uint16_t)u;
        p->fl[pos] = (uint8_t)(gap | ((a >> 18) & 2u)); /* FA_WORD -> FU_WORD */
        pos += adv;
        gap = (gap | gapb) & (adv - 1u);
        uint32_t set = keep | gapb; /* gap entries have u == 0 */
        prev = (prev & (set - 1u)) | ((u & (0u - coll)) & (0u - set));
        i++;
        if (i >= stop || (b = s[i]) >= 0x80)
            break;
    }
    p->i = i;
    p->pos = pos;
    p->prev = prev;
    p->gap = gap;
}

/* A run of well-formed 3-byte UTF-8 characters (CJK) from p->i that fold to
 * one BMP unit or to nothing, writing at most `room` units. Stops before
 * anything else (which the general path takes: overlong, surrogate,
 * truncated, expanding or supplementary). The pass state lives in locals:
 * the flag stores are byte stores, which the compiler must assume alias
 * *p, so working on p's fields would reload them after every character. */
static inline void bmp3_run(const fold_table *ft, const uint8_t *s, size_t n, size_t room,
                            fold_pass *p)
{
    const uint16_t *index = ft->trie->index;
    const uint32_t *data = ft->trie->data.ptr32;
    uint16_t *const o = p->o;
    uint8_t *const fl = p->fl;
    size_t pos = p->pos;
    uint32_t gap = p->gap, prev = p->prev;
    /* every character writes at most one unit: `room` characters at most */
    size_t chars = (n - p->i) / 3;
    if (chars > room)
        chars = room;
    const uint8_t *q = s + p->i, *end = q + 3 * chars;
    for (; q < end; q += 3) {
        uint32_t cp = utf8_bmp3(q);
        if (!cp)
            break;
        /* UCPTRIE_FAST_BMP_GET, with the trie's pointers read once */
        uint32_t v = data[index[cp >> UCPTRIE_FAST_SHIFT] + (cp & UCPTRIE_FAST_DATA_MASK)];
        uint32_t top = v >> 28; /* kind and class */
        if ((top & 7u) == 0) {
            /* FV_IDENT or FV_ONE, class FC_OTHER: the common case (Han) */
            uint32_t u = top ? FV_CP(v) : cp;
            if (u > 0xFFFF)
                break;
            fl[pos] = (uint8_t)gap;
            o[pos++] = (uint16_t)u;
            gap = 0, prev = 0;
            continue;
        }
        uint32_t kind = FV_KIND(v);
        if (kind == FV_DROP) {
            if (FV_CLASS(v) == FC_GAP)
                prev = 0, gap = FU_GAP;
            continue;
        }
        uint32_t u = kind == FV_IDENT ? cp : FV_CP(v);
        if (kind == FV_MULTI || u > 0xFFFF)
            break;
        /* a word letter (full-width Latin...) or other kept class: the
         * general writer, which collapses repeats of word letters */
        fold_pass w = {o, fl, pos, 0, prev, gap, 0};
        put_unit(&w, ft->collapse, u, FV_CLASS(v) == FC_WORD ? FU_WORD : 0);
        pos = w.pos, prev = w.prev, gap = w.gap;
    }
    p->i = (size_t)(q - s);
    p->pos = pos;
    p->gap = gap;
    p->prev = prev;
}

/* One character of any kind at p->i (the general path). Returns 0 or an
 * error status. Inlined into every caller (fold_text_upto, fold_step, fold_text_general):
 * called out of line, it takes the address of fold_text_upto's pass state,
 * which then lives in memory (the fold of English tweets lost ~10 %). */
static inline __attribute__((always_inline)) int one_char(const fold_table *ft, const uint8_t *s,
                                                          size_t n, fold_buf *fb, fold_pass *p)
{
    size_t i = p->i;
    int32_t c = utf8_next(s, n, &i);
    uint32_t v = fold_value(ft, c);
    uint32_t cp = c < 0 ? 0xFFFDu : (uint32_t)c;
    p->i = i;
    uint32_t kind = FV_KIND(v);
    uint32_t word = FV_CLASS(v) == FC_WORD ? FU_WORD : 0;
    if (kind == FV_DROP) {
        if (FV_CLASS(v) == FC_GAP)
            p->prev = 0, p->gap = FU_GAP;
        return SCREENER_OK;
    }
    if (kind == FV_IDENT || kind == FV_ONE) {
        uint32_t u = kind == FV_IDENT ? cp : FV_CP(v);
        if (u <= 0xFFFF) {
            put_unit(p, ft->collapse, u, word);
            return SCREENER_OK;
        }
        p->prev = 0;
        p->fl[p->pos] = (uint8_t)(p->gap | word);
        p->fl[p->pos + 1] = (uint8_t)word;
        p->gap = 0;
        p->pos += put_cp(p->o + p->pos, u);
        return SCREENER_OK;
    }
    /* an expansion: the only case that may need more room */
    if (fb->cap - p->pos < (n - i) + ft->max_units + 8) {
        if (p->pos > FOLD_MAX_INPUT * 2)
            return SCREENER_E_TOO_LARGE;
        if (grow_units(fb, p->pos + (n - i) + 2 * ft->max_units + 8))
            return SCREENER_E_NOMEM;
        p->o = fb->units;
        p->fl = fb->flags;
    }
    size_t raw, k = emit(ft, v, cp, &p->prev, p->o + p->pos, &raw);
    for (size_t q = 0; q < k; q++)
        p->fl[p->pos + q] = (uint8_t)((q ? 0 : p->gap) | word);
    if (k)
        p->gap = 0;
    p->pos += k;
    return SCREENER_OK;
}

/* A pass's setup: the buffers for n bytes, the checkpoint at 0. Once the
 * buffers are there (every call after the first few), two compares and the
 * first checkpoint's stores. */
static inline __attribute__((always_inline)) int fold_begin(const fold_table *ft, size_t n,
                                                            fold_buf *fb)
{
    size_t need = n + ft->max_units + 8;
    if (__builtin_expect(n > FOLD_MAX_INPUT || need > fb->cap || !fb->cap_marks, 0))
        return fold_setup(fb, n, need);
    fb->n = 0;
    fb->consumed = 0;
    fb->n_bytes = 0;
    fb->marks[0] = (fold_mark){0, 0, 0};
    fb->n_marks = 1;
    return SCREENER_OK;
}

int fold_text_upto(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                   fold_buf *fb)
{
    /* Invariant: room for every remaining byte as one unit plus one maximal
     * expansion. A character never yields more units than it has bytes
     * unless it expands (FV_MULTI), so only expansions check and grow. */
    int st = fold_begin(ft, n, fb);
    if (st)
        return st;
    fold_pass p = {fb->units, fb->flags, 0, 0, 0, 0, FOLD_MARK_EVERY};
    const int vector = ft->ascii_path != FOLD_PATH_SCALAR;
    const int cjk_vector = ft->ascii_path >= FOLD_PATH_AVX2;
    while (p.i < n) {
        if (p.pos >= p.next_mark) {
            if (p.pos >= max_units)
                break; /* the budget: stop at this character boundary */
            if (fold_push_mark(fb, p.i, p.pos, p.prev))
                return SCREENER_E_NOMEM;
            p.next_mark = p.pos - p.pos % FOLD_MARK_EVERY + FOLD_MARK_EVERY;
        }
        /* the runs write at most one unit per character: no checkpoint is
         * due before next_mark - pos more units */
        size_t room = p.next_mark - p.pos, i0 = p.i;
        if (s[p.i] < 0x80) {
            /* the vector path (which pushes the checkpoints inside its
             * blocks) where the table and the CPU have one */
            if (vector && n - p.i >= FOLD_VECTOR_MIN &&
                fold_ascii8(s + p.i)) {
                /* a copy: p itself stays in registers */
                fold_pass q = p;
                int rc = SCREENER_OK;
                size_t took = fold_ascii_blocks(ft, s, n, max_units, fb, &q, &rc);
                if (rc)
                    return rc;
                p = q;
                if (took)
                    continue;
            }
            ascii_run(ft, s, n - p.i > room ? p.i + room : n, &p);
            continue;
        }
        if (cjk_vector && n - p.i >= FOLD_CJK_MIN) {
            /* up to 16 characters at a time, else this one character; on
             * a copy, so that p stays in registers (as for the ASCII blocks) */
            fold_pass q = p;
            int rc = SCREENER_OK;
            size_t took = fold_cjk_run(ft, s, n, max_units, fb, &q, &rc);
            if (rc)
                return rc;
            p = q;
            if (!took) {
                rc = one_char(ft, s, n, fb, &p);
                if (rc)
                    return rc;
            }
            continue;
        }
        bmp3_run(ft, s, n, room, &p);
        if (p.i != i0)
            continue;
        int rc = one_char(ft, s, n, fb, &p);
        if (rc)
            return rc;
    }
    fb->n = p.pos;
    fb->consumed = p.i;
    return SCREENER_OK;
}

/* One step of a fold pass at p->i: a run of ASCII (vector blocks or
 * scalar), of CJK (vector or scalar) or one character of any kind, writing
 * at most `room` units in the scalar runs. Returns 0 or an error status.
 * (fold_texts_joined and _buf; fold_text_upto has the same steps written out in its
 * loop: through this function, with p copied in and out, it cost 1-2 % more
 * instructions a message on chat and Weibo, callgrind.) */
static inline __attribute__((always_inline)) int fold_step(const fold_table *ft,
                                                           const uint8_t *s, size_t n,
                                                           size_t max_units, size_t room,
                                                           int vector, size_t cjk_min,
                                                           fold_buf *fb, fold_pass *pp)
{
    fold_pass p = *pp;
    size_t i0 = p.i;
    int rc = SCREENER_OK;
    if (s[p.i] < 0x80) {
        /* the vector path (which pushes the checkpoints inside its
         * blocks) where the table and the CPU have one */
        if (vector && n - p.i >= FOLD_VECTOR_MIN && fold_ascii8(s + p.i)) {
            size_t took = fold_ascii_blocks(ft, s, n, max_units, fb, &p, &rc);
            if (rc || took) {
                *pp = p;
                return rc;
            }
        }
        ascii_run(ft, s, n - p.i > room ? p.i + room : n, &p);
    } else if (n - p.i >= cjk_min) {
        /* up to 16 characters at a time, else this one character */
        size_t took = fold_cjk_run(ft, s, n, max_units, fb, &p, &rc);
        if (!rc && !took)
            rc = one_char(ft, s, n, fb, &p);
    } else {
        bmp3_run(ft, s, n, room, &p);
        if (p.i == i0)
            rc = one_char(ft, s, n, fb, &p);
    }
    *pp = p;
    return rc;
}

int fold_texts_joined_buf(const fold_table *ft, const uint8_t *s, size_t n, const size_t *at,
                          size_t k, fold_buf *fb, size_t *unit_at)
{
    int rc = fold_begin(ft, n, fb);
    if (rc)
        return rc;
    /* no checkpoint is read: next_mark keeps the vector blocks from pushing any */
    fold_pass p = {fb->units, fb->flags, 0, 0, 0, 0, SIZE_MAX};
    const int vector = ft->ascii_path != FOLD_PATH_SCALAR;
    const size_t cjk_min = ft->ascii_path >= FOLD_PATH_AVX2 ? FOLD_CJK_MIN : SIZE_MAX;
    size_t j = 0, sep = k ? at[1] - 1 : n;
    unit_at[0] = 0;
    while (p.i < n) {
        if (p.i == sep) {
            /* the separator: unit 0xFFFF, flags 0; the next text starts afresh */
            p.fl[p.pos] = 0;
            p.o[p.pos++] = 0xFFFFu;
            p.prev = 0, p.gap = 0;
            p.i++;
            unit_at[++j] = p.pos;
            sep = j < k ? at[j + 1] - 1 : n;
            continue;
        }
        rc = fold_step(ft, s, n, SIZE_MAX, SIZE_MAX, vector, cjk_min, fb, &p);
        if (rc)
            return rc;
    }
    fb->n = p.pos;
    fb->consumed = p.i;
    return SCREENER_OK;
}

/* The AVX-512 CJK run (fold_cjk.c) reads a text's last bytes with a
 * masked load, so in a group it takes every run of 1+ characters: what it
 * did when the group was copied into one buffer (a run ended at the 0xFF
 * byte, not at fold_text's FOLD_CJK_MIN), and on chat (10 characters a
 * line) 1 % faster than leaving tails under FOLD_CJK_MIN to the scalar run
 * (farm-bench, 25 pairs, houbb 10k terms, bench/RESULTS.md 2026-12-01,
 * join13c: measured against the limit of 24 bytes the trie-reading run had;
 * since cjk13c's code table the single-text limit is FOLD_CJK_MIN, 12, and
 * this one was not measured again). The AVX2 run keeps FOLD_CJK_MIN. */
#define FOLD_JOINED_CJK_MIN 3
int fold_texts_joined(const fold_table *ft, const fold_text_ref *texts, size_t k, fold_buf *fb,
                      size_t *unit_at)
{
    size_t total = 0; /* bytes folded, one per separator included */
    int rc = fold_begin(ft, 0, fb);
    if (rc)
        return rc;
    /* no checkpoint is read: next_mark keeps the vector blocks from pushing any */
    fold_pass p = {fb->units, fb->flags, 0, 0, 0, 0, SIZE_MAX};
    const int vector = ft->ascii_path != FOLD_PATH_SCALAR;
    const size_t cjk_min = ft->ascii_path == FOLD_PATH_AVX512 ? FOLD_JOINED_CJK_MIN
                           : ft->ascii_path == FOLD_PATH_AVX2 ? FOLD_CJK_MIN
                                                              : SIZE_MAX;
    unit_at[0] = 0;
    for (size_t j = 0; j < k; j++) {
        const uint8_t *s = texts[j].s;
        const size_t n = texts[j].n;
        /* fold_text_upto's invariant (room for every byte of the text and
         * its separator as one unit plus one expansion), text by text: an
         * expansion grows the buffers for its own text only (one_char) */
        if (__builtin_expect(n > FOLD_MAX_INPUT, 0))
            return SCREENER_E_TOO_LARGE;
        if (__builtin_expect(fb->cap - p.pos < n + 1 + ft->max_units + 8, 0)) {
            if (grow_units(fb, p.pos + n + 1 + ft->max_units + 8))
                return SCREENER_E_NOMEM;
            p.o = fb->units;
            p.fl = fb->flags;
        }
        /* text j alone: every step reads below its own end n */
        p.i = 0;
        while (p.i < n) {
            rc = fold_step(ft, s, n, SIZE_MAX, SIZE_MAX, vector, cjk_min, fb, &p);
            if (rc)
                return rc;
        }
        /* the separator: unit 0xFFFF, flags 0; the next text starts afresh */
        p.fl[p.pos] = 0;
        p.o[p.pos++] = 0xFFFFu;
        p.prev = 0, p.gap = 0;
        unit_at[j + 1] = p.pos;
        total += n + 1;
    }
    fb->n = p.pos;
    fb->consumed = total;
    return SCREENER_OK;
}

int fold_buf_slice(fold_buf *dst, const fold_buf *src, size_t a, size_t b, size_t consumed)
{
    size_t n = b - a;
    if (grow_units(dst, n + 16) || (!dst->cap_marks && fold_push_mark(dst, 0, 0, 0)))
        return SCREENER_E_NOMEM;
    memcpy(dst->units, src->units + a, n * sizeof(uint16_t));
    memcpy(dst->flags, src->flags + a, n);
    dst->n = n;
    dst->consumed = consumed;
    dst->marks[0] = (fold_mark){0, 0, 0};
    dst->n_marks = 1;
    dst->n_bytes = 0;
    return SCREENER_OK;
}

int fold_text_general(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                      fold_buf *fb)
{
    int rc = fold_begin(ft, n, fb);
    if (rc)
        return rc;
    fold_pass p = {fb->units, fb->flags, 0, 0, 0, 0, FOLD_MARK_EVERY};
    while (p.i < n) {
        if (p.pos >= p.next_mark) {
            if (p.pos >= max_units)
                break;
            if (fold_push_mark(fb, p.i, p.pos, p.prev))
                return SCREENER_E_NOMEM;
            p.next_mark = p.pos - p.pos % FOLD_MARK_EVERY + FOLD_MARK_EVERY;
        }
        if ((rc = one_char(ft, s, n, fb, &p)))
            return rc;
    }
    fb->n = p.pos;
    fb->consumed = p.i;
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
    int general; /* every character through walk() (fold_locate_span_general) */
} walker;

/* Fold the next character: returns the units it emits (written to tmp, room
 * for FOLD_MAX_UNITS + 2); *v gets its value, *collapsed is 1 for a word
 * letter swallowed by the run before it, *raw the units before collapsing. */
static inline size_t walk_units(walker *w, uint32_t *v, int *collapsed, size_t *raw,
                                uint16_t *tmp)
{
    int32_t c = utf8_next(w->s, w->n, &w->i);
    *v = fold_value(w->ft, c);
    size_t k = emit(w->ft, *v, c < 0 ? 0xFFFDu : (uint32_t)c, &w->prev, tmp, raw);
    *collapsed = k == 0 && FV_KIND(*v) != FV_DROP;
    return k;
}

static inline size_t walk(walker *w, uint32_t *v, int *collapsed, size_t *raw)
{
    uint16_t tmp[FOLD_MAX_UNITS + 2];
    return walk_units(w, v, collapsed, raw, tmp);
}

/* walk() out of line, for walk_next's rare cases (so that its common ones
 * inline into the walks). */
static __attribute__((noinline)) size_t walk_general(walker *w, uint32_t *v, int *collapsed)
{
    size_t raw;
    return walk(w, v, collapsed, &raw);
}

/* The units of a character of value v (code point cp) when they do not
 * depend on the collapse state: 0 for a dropped character, 1 or 2 for one
 * kept as one code point that cannot collapse (not a word letter, a digit,
 * or repeats kept). -1 otherwise (an expansion, or a word letter that may
 * collapse into the one before it). */
static inline int fixed_units(uint32_t v, uint32_t cp, int collapse)
{
    uint32_t kind = FV_KIND(v);
    if (kind == FV_DROP)
        return 0;
    if (kind == FV_MULTI)
        return -1;
    uint32_t out = kind == FV_IDENT ? cp : FV_CP(v);
    if (out > 0xFFFF)
        return 2;
    return collapse && FV_CLASS(v) == FC_WORD && collapsible((uint16_t)out) ? -1 : 1;
}

/* walk() for the mapping walks, which need no units: emit()'s cases for one
 * code point written out (no units copied, no run loop), walk() for
 * expansions and supplementary code points. ASCII and well-formed 3-byte
 * characters (nearly all of Chinese text) are decoded inline. trie and
 * collapse: w->ft's, which the caller keeps in registers. */
static inline __attribute__((always_inline)) size_t walk_next(walker *w, const UCPTrie *trie,
                                                              int collapse, uint32_t *v,
                                                              int *collapsed)
{
    const uint8_t *c = w->s + w->i;
    uint32_t cp, x;
    size_t len;
    if (w->general)
        return walk_general(w, v, collapsed);
    if (c[0] < 0x80) {
        cp = c[0];
        x = w->ft->ascii[cp];
        len = 1;
    } else if (w->n - w->i >= 3 && (cp = utf8_bmp3(c)) != 0) {
        x = UCPTRIE_FAST_BMP_GET(trie, UCPTRIE_32, cp);
        len = 3;
    } else {
        return walk_general(w, v, collapsed);
    }
    uint32_t kind = FV_KIND(x);
    *v = x;
    *collapsed = 0;
    if (kind == FV_DROP) {
        w->i += len;
        if (FV_CLASS(x) == FC_GAP)
            w->prev = 0; /* a visible separator ends a run */
        return 0;
    }
    uint32_t out = kind == FV_IDENT ? cp : FV_CP(x);
    if (kind == FV_MULTI || out > 0xFFFF)
        return walk_general(w, v, collapsed);
    w->i += len;
    if (!collapse || FV_CLASS(x) != FC_WORD || !collapsible((uint16_t)out)) {
        w->prev = 0;
        return 1;
    }
    if (out == w->prev) {
        *collapsed = 1;
        return 0;
    }
    w->prev = out;
    return 1;
}

/* The character that ends at byte b of s, read backwards when that is
 * exact: ASCII, or a well-formed 3-byte sequence (its lead byte starts a
 * character of the forward decode whatever precedes it, and the sequence
 * ends at b). Its first byte in *at, value in *v; returns fixed_units, or
 * -1 for any other character (or none: b = 0). */
static inline int char_before(const walker *w, const UCPTrie *trie, int collapse, size_t b,
                              size_t *at, uint32_t *v)
{
    uint32_t cp;
    if (b >= 1 && w->s[b - 1] < 0x80) {
        *at = b - 1;
        *v = w->ft->ascii[w->s[b - 1]];
        return fixed_units(*v, w->s[b - 1], collapse);
    }
    if (b >= 3 && (cp = utf8_bmp3(w->s + b - 3)) != 0) {
        *at = b - 3;
        *v = UCPTRIE_FAST_BMP_GET(trie, UCPTRIE_32, cp);
        return fixed_units(*v, cp, collapse);
    }
    return -1;
}

/* A kept character seen by the boundary walks. */
typedef struct kept_char {
    size_t at; /* its first byte (next_kept) */
    int have;
    int word, other;
    int single;      /* one unit from one unit, no adjacent repeats ("xx") */
    uint16_t unit;   /* its last unit */
    int gap_before;  /* a visible separator was dropped right before it */
    int word_before; /* the kept character before it is a word letter */
} kept_char;

/* A word letter standing alone, judged from its left side and the gap on
 * its right: a letter of a spelled-out word. */
static int alone_left(const kept_char *x)
{
    return x->have && x->word && x->single && (x->gap_before || !x->word_before);
}

/* The longest run of spaced repeats of a match's first letter ("a a a s s")
 * whose neighbour before it is looked at: a longer run has none (lone 0).
 * A bound of the text's own, so that hostile spaced runs stay linear
 * whatever checkpoints the fold has (see fold_locate_lone). */
#define LONE_RUN_MAX 16

/* The start side of fold_locate_lone from checkpoint mi: out->lone,
 * gap0, gap1. Returns 1 if `lone` depended on characters before that
 * checkpoint (then out->lone is 0 and the caller retries from an earlier
 * one): the last kept character before p is the first one after the
 * checkpoint, or the run of spaced repeats it ends began before it and has
 * at most LONE_RUN_MAX letters after it. */
static int lone_start_from(const fold_table *ft, const uint8_t *s, size_t n,
                             const fold_buf *fb, size_t mi, size_t p, fold_loc *out)
{
    const fold_mark *m = &fb->marks[mi];
    walker w = {ft, s, n, m->byte, m->prev, 0};
    uint16_t tmp[FOLD_MAX_UNITS + 2];
    size_t pos = m->unit;
    /* x: the last kept character; y: the one before the run of spaced
     * repeats of one letter that x ends ("a a a"), run_gap: a separator
     * between y and that run; left_known: the walk began at the text's
     * start, so the first character's left side is known */
    kept_char x = {0, 0, 0, 0, 0, 0, 0, 0}, y = x;
    int gap = 0, run_gap = 0, left_known = m->byte == 0, x_known = 0, y_known = left_known;
    size_t run = 0; /* the letters of that run seen (x included) */
    size_t x_end = m->byte;
    out->lone = 0;
    out->gap0 = out->gap1 = 0;
    while (w.i < n) {
        size_t at = w.i, raw;
        uint32_t v;
        int coll;
        size_t k = walk_units(&w, &v, &coll, &raw, tmp);
        if (k == 0) {
            if (coll)
                x.single = 0; /* "xx": a run, not a single letter */
            else if (FV_CLASS(v) == FC_GAP)
                gap = 1;
            continue;
        }
        if (pos + k > p) {
            if (pos != p)
                return 0;
            out->gap0 = x_end;
            out->gap1 = at;
            if (!gap)
                return 0;
            if (x.single && x.unit == fb->units[p]) {
                /* "a a a s s": the neighbour is what precedes the run,
                 * if it is not too long */
                if (run > LONE_RUN_MAX)
                    return 0;
                if (!y_known)
                    return 1;
                out->lone = run_gap && alone_left(&y);
            } else {
                if (!x_known && x.word && x.single)
                    return 1;
                out->lone = alone_left(&x);
            }
            return 0;
        }
        kept_char c = {at, 1, FV_CLASS(v) == FC_WORD, FV_CLASS(v) == FC_OTHER, k == 1 && raw == 1,
                       tmp[k - 1], gap, x.have && x.word};
        int c_known = x.have || left_known;
        if (!(x.have && c.single && x.single && c.unit == x.unit && gap)) {
            y = x;
            y_known = x.have ? x_known : left_known;
            run_gap = gap;
            run = 0;
        }
        run++;
        x = c;
        x_known = c_known;
        x_end = w.i;
        gap = 0;
        pos += k;
    }
    return 0;
}

/* Walk from w (at unit *pos, boundary state st: the kept character before
 * w and a separator dropped since, as fold_cursor says) to the kept
 * character that emits unit p and fill out as fold_locate_start says.
 * Returns that character's unit count k (0 if the text ends first); w is
 * left after it, *pos at its first unit and *st at the state just before it
 * (a cursor a later start at or after p may walk on from). */
static size_t start_walk(walker *wp, size_t *pos, size_t p, fold_loc *out, fold_cursor *st)
{
    /* (on copies of the walker, the unit count and the trie, so that they
     * stay in registers; the kept character before is held as its class,
     * PREV_NONE for none, and only turned into st's flags at the end) */
    enum { PREV_NONE = 4 };
    walker w = *wp;
    const UCPTrie *trie = w.ft->trie;
    const int collapse = w.ft->collapse;
    size_t u = *pos, k = 0;
    uint32_t prev_class = !st->have_prev ? PREV_NONE
                        : st->prev_word  ? FC_WORD
                        : st->prev_other ? FC_OTHER
                                         : FC_GAP; /* (kept, neither: any other class) */
    int gap = st->gap, exact = st->valid;
    out->byte = w.n;
    out->boundary = 1;
    out->partial = 0;
    out->lone = 0;
    out->tight = 0;
    out->gap0 = out->gap1 = 0;
    while (w.i < w.n) {
        size_t at = w.i;
        uint32_t v, prev = w.prev;
        int coll;
        k = walk_next(&w, trie, collapse, &v, &coll);
        if (k == 0) {
            gap |= !coll && FV_CLASS(v) == FC_GAP;
            continue;
        }
        if (u + k > p) {
            int have_prev = prev_class != PREV_NONE, prev_word = prev_class == FC_WORD,
                prev_other = prev_class == FC_OTHER;
            out->byte = at;
            out->partial = u != p;
            out->boundary = u == p && (!have_prev || !prev_word || gap);
            out->tight = u == p && prev_other && !gap;
            *st = (fold_cursor){(uint32_t)at, (uint32_t)u, prev, (uint8_t)have_prev,
                                (uint8_t)prev_word, (uint8_t)prev_other, (uint8_t)gap,
                                (uint8_t)exact};
            break;
        }
        prev_class = FV_CLASS(v);
        exact = 1;
        gap = 0;
        u += k;
        k = 0;
    }
    *wp = w;
    *pos = u;
    return k;
}

/* start_walk's result found from checkpoint m2 (the first one after unit p)
 * backwards, when every character on the way back to the one that emits p,
 * and back to the kept character before that, is one char_before reads and
 * whose units do not depend on the collapse state (fixed_units): then each
 * one's units are known without the walk that leads to it, and the state
 * before the character that emits p is what lies between it and the kept
 * one before (a dropped visible separator or not). At most
 * BACK_MAX characters. Returns 1 (out, *st, *w, *pos as start_walk leaves
 * them, k = 1), or 0 when some character on the way is not such a one, or
 * the one that emits p emits more than p (nothing changed: walk forward). */
#define BACK_MAX 32
static size_t start_back(walker *w, size_t *pos, const fold_mark *m2, size_t p, fold_loc *out,
                         fold_cursor *st)
{
    const UCPTrie *trie = w->ft->trie;
    const int collapse = w->ft->collapse;
    size_t b = m2->byte, u = m2->unit, c, at;
    uint32_t v;
    int k, steps = 0;
    for (;;) { /* back to the character that emits p */
        if (++steps > BACK_MAX || (k = char_before(w, trie, collapse, b, &at, &v)) < 0)
            return 0;
        b = at;
        if (k == 0)
            continue;
        if (u - (size_t)k > p) {
            u -= (size_t)k;
            continue;
        }
        if (k != 1)
            return 0; /* (p inside a surrogate pair: forward) */
        break;
    }
    c = b;
    int have_prev = 0, prev_word = 0, prev_other = 0, gap = 0;
    while (b > 0) { /* back to the kept character before it */
        if (++steps > BACK_MAX || (k = char_before(w, trie, collapse, b, &at, &v)) < 0)
            return 0;
        b = at;
        if (k == 0) {
            gap |= FV_CLASS(v) == FC_GAP;
            continue;
        }
        have_prev = 1;
        prev_word = FV_CLASS(v) == FC_WORD;
        prev_other = FV_CLASS(v) == FC_OTHER;
        break;
    }
    out->byte = c;
    out->boundary = !have_prev || !prev_word || gap;
    out->partial = 0;
    out->lone = 0;
    out->tight = prev_other && !gap;
    out->gap0 = out->gap1 = 0;
    /* (the collapse state before c: c's units do not depend on it) */
    *st = (fold_cursor){(uint32_t)c, (uint32_t)p, 0, (uint8_t)have_prev, (uint8_t)prev_word,
                        (uint8_t)prev_other, (uint8_t)gap, 1};
    w->i = c;
    w->prev = 0;
    uint32_t cv;
    int coll;
    walk_next(w, trie, collapse, &cv, &coll); /* past c (one unit, as above) */
    *pos = p;
    return 1;
}

/* The walk state at checkpoint m: nothing kept before it is known, nor a
 * separator dropped since (a start walked to from it always passes a kept
 * character first, as m's unit is below the start's, or lies inside the
 * first one's output). So the state is exact (valid) only at the text's
 * start, and a walk from m is a cursor only once it passed a kept
 * character. */
static inline fold_cursor mark_state(const fold_mark *m)
{
    return (fold_cursor){m->byte, m->unit, m->prev, 0, 0, 0, 0, (uint8_t)(m->byte == 0)};
}

void fold_locate_start(const fold_table *ft, const uint8_t *s, size_t n,
                       const fold_buf *fb, size_t p, fold_loc *out)
{
    fold_cursor st = mark_state(&fb->marks[p ? mark_before(fb, p) : 0]);
    walker w = {ft, s, n, st.byte, st.prev, 0};
    size_t pos = st.unit;
    start_walk(&w, &pos, p, out, &st);
}

/* The next kept character after w (and over its adjacent repeats and
 * invisible characters); 0 at the end of the text. */
static int next_kept(walker *w, kept_char *c)
{
    uint16_t tmp[FOLD_MAX_UNITS + 2];
    uint32_t v;
    int coll, gap = 0;
    size_t raw;
    while (w->i < w->n) {
        size_t at = w->i;
        size_t k = walk_units(w, &v, &coll, &raw, tmp);
        if (k == 0) {
            if (!coll && FV_CLASS(v) == FC_GAP)
                gap = 1;
            continue;
        }
        c->at = at;
        c->have = 1;
        c->word = FV_CLASS(v) == FC_WORD;
        c->other = FV_CLASS(v) == FC_OTHER;
        c->single = k == 1 && raw == 1;
        c->unit = tmp[k - 1];
        c->gap_before = gap;
        c->word_before = 0; /* not used after a match */
        for (;;) {
            walker save = *w;
            if (w->i >= w->n)
                break;
            size_t k2 = walk_units(w, &v, &coll, &raw, tmp);
            if (coll) {
                c->single = 0;
                continue;
            }
            if (k2 == 0 && FV_CLASS(v) == FC_IGNORABLE)
                continue;
            *w = save;
            break;
        }
        return 1;
    }
    return 0;
}

/* After a match (w at its end byte): across a visible separator, the
 * characters after the next kept one say whether that neighbour stands alone
 * (out->lone), looking past spaced repeats of the match's last letter
 * ("a s s s"), at most LONE_RUN_MAX of them: a longer run has no neighbour
 * (as on the start side; unbounded, every match of "ss" in "s s s ... s"
 * walked the rest of the run: 20,000 letters took 8 s). */
static void end_neighbour(walker *w, uint16_t last, fold_loc *out)
{
    kept_char y, z;
    if (!next_kept(w, &y))
        return;
    out->gap0 = out->byte;
    out->gap1 = y.at;
    if (!(y.gap_before && y.word))
        return;
    for (size_t run = 0; y.single && y.unit == last && y.gap_before; run++)
        if (run == LONE_RUN_MAX || !next_kept(w, &y))
            return;
    if (!(y.gap_before && y.word && y.single))
        return;
    out->lone = !next_kept(w, &z) || z.gap_before || !z.word;
}

static void end_init(size_t n, fold_loc *out)
{
    out->byte = n;
    out->boundary = 1;
    out->partial = 0;
    out->lone = 0;
    out->tight = 0;
    out->gap0 = out->gap1 = 0;
}

/* w is right after the character that emits unit e-1 (inside: the match
 * ends inside that character's output): fill out as fold_locate_end says. */
static void end_after(walker *w, int inside, fold_loc *out)
{
    const UCPTrie *trie = w->ft->trie;
    const int collapse = w->ft->collapse;
    uint32_t v;
    int coll;
    out->byte = w->i;
    /* extend over the rest of a collapsed run ("fuckkk") and over
     * characters that extend the last one (variation selectors,
     * combining marks), looking through other invisible characters */
    for (;;) {
        walker save = *w;
        if (w->i >= w->n)
            break;
        size_t k2 = walk_next(w, trie, collapse, &v, &coll);
        if (coll || FV_EXTENDS(v)) {
            out->byte = w->i;
            continue;
        }
        if (k2 == 0 && FV_CLASS(v) == FC_IGNORABLE)
            continue;
        *w = save;
        break;
    }
    if (inside) {
        out->boundary = 0;
        out->partial = 1;
        return;
    }
    while (w->i < w->n) {
        size_t k3 = walk_next(w, trie, collapse, &v, &coll);
        if (k3 == 0) {
            if (!coll && FV_CLASS(v) == FC_GAP)
                return; /* a visible separator follows */
            continue;
        }
        out->boundary = FV_CLASS(v) != FC_WORD;
        out->tight = FV_CLASS(v) == FC_OTHER;
        return;
    }
}

/* Walk from w (at unit pos) to the character that emits unit e-1, then
 * end_after. */
static void end_walk(walker *w, size_t pos, size_t e, fold_loc *out)
{
    const UCPTrie *trie = w->ft->trie;
    const int collapse = w->ft->collapse;
    uint32_t v;
    int coll;
    while (w->i < w->n) {
        size_t k = walk_next(w, trie, collapse, &v, &coll);
        if (k == 0 || pos + k < e) {
            pos += k;
            continue;
        }
        end_after(w, pos + k != e, out);
        return;
    }
}

void fold_locate_end(const fold_table *ft, const uint8_t *s, size_t n,
                     const fold_buf *fb, size_t e, fold_loc *out)
{
    const fold_mark *m = &fb->marks[mark_before(fb, e)];
    walker w = {ft, s, n, m->byte, m->prev, 0};
    end_init(n, out);
    end_walk(&w, m->unit, e, out);
}

void fold_locate_span_at(const fold_table *ft, const uint8_t *s, size_t n, const fold_buf *fb,
                         fold_cursor *cur, size_t p, size_t e, fold_loc *a, fold_loc *b)
{
    size_t mp = p ? mark_before(fb, p) : 0;
    const fold_mark *m = &fb->marks[mp];
    /* from the cursor when it lies at or after the checkpoint and at or
     * before the start (then the walk from it is the shorter one) */
    fold_cursor st = cur && cur->valid && cur->byte >= m->byte && cur->unit <= p
                         ? *cur
                         : mark_state(m);
    walker w = {ft, s, n, st.byte, st.prev, 0};
    size_t pos = st.unit, k = 0;
    /* back from the next checkpoint when that one is nearer (in Chinese
     * text, where start_back nearly always can) */
    if (mp + 1 < fb->n_marks && fb->marks[mp + 1].unit > p &&
        fb->marks[mp + 1].unit - p < p - pos)
        k = start_back(&w, &pos, &fb->marks[mp + 1], p, a, &st);
    if (!k)
        k = start_walk(&w, &pos, p, a, &st);
    end_init(n, b);
    if (k == 0)
        return;
    if (cur && st.valid)
        *cur = st;
    if (pos + k >= e)
        end_after(&w, pos + k != e, b); /* the match ends in its first character */
    else if (e - p > 4 * FOLD_MARK_EVERY && mark_before(fb, e) > mp + 1)
        fold_locate_end(ft, s, n, fb, e, b); /* a long match: from its own checkpoint */
    else
        end_walk(&w, pos + k, e, b);
}

void fold_locate_span(const fold_table *ft, const uint8_t *s, size_t n, const fold_buf *fb,
                      size_t p, size_t e, fold_loc *a, fold_loc *b)
{
    fold_locate_span_at(ft, s, n, fb, NULL, p, e, a, b);
}

void fold_locate_span_general(const fold_table *ft, const uint8_t *s, size_t n, size_t p,
                              size_t e, fold_loc *a, fold_loc *b)
{
    fold_cursor st = {0, 0, 0, 0, 0, 0, 0, 1}; /* the text's start */
    walker w = {ft, s, n, 0, 0, 1};
    size_t pos = 0;
    size_t k = start_walk(&w, &pos, p, a, &st);
    end_init(n, b);
    if (k == 0)
        return;
    if (pos + k >= e)
        end_after(&w, pos + k != e, b);
    else
        end_walk(&w, pos + k, e, b);
}

void fold_locate_lone(const fold_table *ft, const uint8_t *s, size_t n, const fold_buf *fb,
                      size_t p, size_t e, fold_loc *a, fold_loc *b)
{
    /* back checkpoint by checkpoint until the answer is known: the walk
     * from the text's start (checkpoint 0) always knows it, and so the
     * answer does not depend on where the checkpoints lie (a single scan's
     * every FOLD_MARK_EVERY units, a batch slice's first only, a window's).
     * At most LONE_RUN_MAX + 2 kept characters back: a few walks. */
    size_t mi = p ? mark_before(fb, p) : 0;
    while (lone_start_from(ft, s, n, fb, mi, p, a) && mi > 0)
        mi--;
    walker w = {ft, s, n, b->byte, 0, 0};
    b->lone = 0;
    b->gap0 = b->gap1 = 0;
    if (!b->partial && e > 0)
        end_neighbour(&w, fb->units[e - 1], b);
}

/* ---- verification of word-letter matches -------------------------------- */

#define MAX_RUNS 64

/* The runs of word letters of a text, in order: a run is one letter repeated,
 * adjacent or spaced out. gap[i]: a visible separator lies between run i-1
 * and run i; pair[i]: run i-1 is the word letter right before run i. */
typedef struct run_seq {
    uint16_t count[MAX_RUNS];
    uint8_t gap[MAX_RUNS];
    uint8_t pair[MAX_RUNS];
    size_t n;
    int overflow;
    int has_word;
} run_seq;

/* With `numerals`, a kept Chinese numeral counts as the word letter of its
 * digit (a term's 3 against the text's 三). */
static void runs_of(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1, int numerals,
                    run_seq *r)
{
    walker w = {ft, s, b1, b0, 0, 0};
    uint16_t tmp[FOLD_MAX_UNITS + 2];
    uint32_t letter = 0, v;
    int prev_word = 0, gap = 0, started = 0, coll;
    size_t raw;
    memset(r, 0, sizeof *r);
    while (w.i < b1) {
        size_t k = walk_units(&w, &v, &coll, &raw, tmp);
        if (coll) {
            if (r->n && r->count[r->n - 1] < 0xFFFF - raw)
                r->count[r->n - 1] = (uint16_t)(r->count[r->n - 1] + raw);
            continue;
        }
        if (k == 0) {
            if (started && FV_CLASS(v) == FC_GAP)
                gap = 1;
            continue;
        }
        started = 1;
        int word = FV_CLASS(v) == FC_WORD;
        if (numerals && !word && k == 1 && fv_numeral(v) >= 0) {
            tmp[0] = (uint16_t)('0' + fv_numeral(v));
            word = 1;
        }
        r->has_word |= word;
        if (!word) {
            letter = 0;
            prev_word = 0;
            gap = 0;
            continue;
        }
        /* one event per folded letter, so that "ﬁ" reads as f, i and "㎏" as
         * k, g; a character folded to one repeated letter ("ß" -> "ss",
         * collapsed to one unit) counts its raw units */
        for (size_t q = 0; q < k; q++) {
            uint32_t u = tmp[q];
            uint16_t add = (uint16_t)(k == 1 ? raw : 1);
            if (ft->collapse && collapsible((uint16_t)u) && u == letter && r->n) {
                /* the same letter again, after a separator: "a s s" */
                if (r->count[r->n - 1] < 0xFFFF - add)
                    r->count[r->n - 1] = (uint16_t)(r->count[r->n - 1] + add);
            } else if (r->n == MAX_RUNS) {
                r->overflow = 1;
            } else {
                r->count[r->n] = add;
                r->gap[r->n] = (uint8_t)(q == 0 ? gap : 0);
                r->pair[r->n] = (uint8_t)(q == 0 ? prev_word : 1);
                r->n++;
            }
            letter = collapsible((uint16_t)u) ? u : 0;
        }
        prev_word = 1;
        gap = 0;
    }
}

int fold_term_has_word(const fold_table *ft, const uint8_t *term, size_t len)
{
    run_seq r;
    runs_of(ft, term, 0, len, 0, &r);
    return r.has_word;
}

int fold_span_check(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1,
                    const uint8_t *term, size_t term_len, int numerals)
{
    run_seq t, x;
    runs_of(ft, term, 0, term_len, 0, &t);
    runs_of(ft, s, b0, b1, numerals, &x);
    if (t.overflow || x.overflow)
        return 1; /* over 64 runs: matched on the folded form alone */
    if (t.n != x.n)
        return 0;
    size_t pairs = 0, gapped = 0;
    for (size_t i = 0; i < t.n; i++) {
        size_t have = x.count[i], want = t.count[i];
        if (!(have == want || have >= 3)) /* exact, or stretched to 3+ */
            return 0;
        if (i && t.pair[i] && x.pair[i] && !t.gap[i]) {
            pairs++;
            gapped += x.gap[i];
        }
    }
    return gapped == 0 || gapped == pairs;
}

static int is_space(int32_t c)
{
    return c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200A);
}

size_t fold_span_max_gap(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1)
{
    size_t i = b0, gap = 0, max = 0;
    while (i < b1) {
        int32_t c = utf8_next(s, b1, &i);
        uint32_t v = fold_value(ft, c);
        if (FV_KIND(v) != FV_DROP) {
            if (gap > max)
                max = gap;
            gap = 0;
        } else if (!is_space(c) && !FV_EXTENDS(v)) {
            gap++; /* (a keycap's U+FE0F U+20E3 belong to its digit) */
        }
    }
    return max;
}

int fold_span_clause(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1)
{
    size_t i = b0;
    int prev_other = 0, clause = 0;
    while (i < b1) {
        int32_t c = utf8_next(s, b1, &i);
        uint32_t v = fold_value(ft, c);
        if (FV_KIND(v) == FV_DROP) {
            clause |= FV_IS_CLAUSE(v) ? 1 : 0;
            continue;
        }
        int other = FV_CLASS(v) == FC_OTHER;
        if (other && prev_other && clause)
            return 1;
        prev_other = other;
        clause = 0;
    }
    return 0;
}

void fold_span_first_gap(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1,
                         size_t *g0, size_t *g1)
{
    size_t i = b0;
    int kept = 0;
    *g0 = *g1 = b0;
    while (i < b1) {
        size_t at = i;
        int32_t c = utf8_next(s, b1, &i);
        if (FV_KIND(fold_value(ft, c)) != FV_DROP) {
            if (kept) {
                *g1 = at;
                return;
            }
            kept = 1;
            *g0 = i;
        }
    }
    *g1 = *g0;
}

int fold_has_gap(const fold_buf *fb, size_t p, size_t e)
{
    for (size_t q = p + 1; q < e; q++)
        if (fb->flags[q] & FU_GAP)
            return 1;
    return 0;
}

int fold_spelled_out(const fold_buf *fb, size_t p, size_t e)
{
    if (e < p + 2)
        return 0;
    for (size_t q = p + 1; q < e; q++) {
        uint16_t u = fb->units[q];
        if (u >= 0xDC00 && u <= 0xDFFF)
            continue; /* second half of a surrogate pair */
        if (!(fb->flags[q] & FU_GAP))
            return 0;
    }
    return 1;
}
