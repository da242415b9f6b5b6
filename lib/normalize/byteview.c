/*
 * byteview.c — building the byte view (see byteview.h).
 */
#include "byteview.h"

#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "fold.h"
#include "fold_simd.h"
#include "common/alloc.h"

/* Largest output of one character: FOLD_MAX_UNITS units, at most 3 bytes
 * per unit (a surrogate pair is 2 units and 4 bytes). */
#define BV_CHAR_MAX (FOLD_MAX_UNITS * 3 + 4)

void byte_view_free(byte_view *bv)
{
    mem_free(bv->text);
    mem_free(bv->flags);
    mem_free(bv->from);
    memset(bv, 0, sizeof *bv);
}

size_t byte_view_footprint(const byte_view *bv)
{
    return bv->cap * (1 + 1 + sizeof(uint32_t));
}

static int grow(byte_view *bv, size_t need)
{
    if (need <= bv->cap)
        return 0;
    size_t cap = bv->cap ? bv->cap : 256;
    while (cap < need)
        cap *= 2;
    uint8_t *t = mem_realloc(bv->text, cap);
    if (!t)
        return -1;
    bv->text = t;
    uint8_t *f = mem_realloc(bv->flags, cap);
    if (!f)
        return -1;
    bv->flags = f;
    uint32_t *o = mem_realloc(bv->from, cap * sizeof(uint32_t));
    if (!o)
        return -1;
    bv->from = o;
    bv->cap = cap; /* only once all three have the capacity */
    return 0;
}

size_t view_char_end(const uint8_t *s, size_t len, size_t b0)
{
    size_t i = b0;
    if (i < len)
        utf8_next(s, len, &i);
    return i;
}

/* The code points value v stands for (cp is the character itself); returns
 * how many, at most FOLD_MAX_UNITS. */
static size_t output_of(const fold_table *ft, uint32_t v, uint32_t cp, uint32_t *out)
{
    switch (FV_KIND(v)) {
    case FV_IDENT: out[0] = cp; return 1;
    case FV_ONE: out[0] = FV_CP(v); return 1;
    case FV_DROP:
        out[0] = FV_DROP_ASCII(v);
        return out[0] != 0;
    default: break;
    }
    const uint16_t *u = ft->expand + FV_OFF(v);
    size_t len = FV_LEN(v), n = 0;
    if (len > FOLD_MAX_UNITS)
        len = FOLD_MAX_UNITS;
    for (size_t q = 0; q < len;)
        out[n++] = utf16_next(u, len, &q);
    return n;
}

/* Bytes one_char writes for the character c (< 0: invalid input) of fold
 * value v: its output code points as UTF-8 (lowercasing A-Z keeps a
 * length). */
static inline size_t utf8_len(uint32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

static __attribute__((noinline)) size_t char_bytes(const fold_table *ft, uint32_t v, int32_t c)
{
    uint32_t cps[FOLD_MAX_UNITS];
    size_t n = c < 0 ? (cps[0] = 0xFFFD, 1) : output_of(ft, v, (uint32_t)c, cps), b = 0;
    for (size_t q = 0; q < n; q++)
        b += utf8_len(cps[q]);
    return b;
}

/* char_bytes of the character at *i (a non-ASCII one, or one the ASCII
 * table leaves to the general path), moving *i past it. */
static inline size_t next_char_bytes(const fold_table *ft, const uint8_t *s, size_t len,
                                     size_t *i)
{
    int32_t c = utf8_next(s, len, i);
    uint32_t v = fold_value(ft, c);
    if (c >= 0 && FV_KIND(v) != FV_MULTI) /* (what output_of makes of one code point) */
        return FV_KIND(v) == FV_DROP ? FV_DROP_ASCII(v) != 0
                                     : utf8_len(FV_KIND(v) == FV_ONE ? FV_CP(v) : (uint32_t)c);
    return char_bytes(ft, v, c);
}

/* byte_view_bound from byte i on, n bytes counted before it (out of line:
 * the ASCII loop below stays a leaf) */
static __attribute__((noinline)) size_t bound_from(const fold_table *ft, const uint8_t *s,
                                                   size_t len, size_t i, size_t n, size_t enough)
{
    while (i < len) {
        if (n >= enough)
            return SIZE_MAX;
        uint8_t b = s[i];
        if (b < 0x80 && !(ft->bytes_ascii[b] & BA_SLOW)) {
            n += (ft->bytes_ascii[b] & 0xFFu) != 0;
            i++;
        } else {
            n += next_char_bytes(ft, s, len, &i);
        }
    }
    return n;
}

size_t byte_view_bound(const fold_table *ft, const uint8_t *s, size_t len, size_t enough)
{
    /* The view is the concatenation of its characters' outputs (every path
     * of byte_view_build writes what one_char would: ascii_run and the
     * blocks the bytes_ascii byte, bmp3_run a 3-byte character or a dropped
     * one's ASCII form), then shortened: a budget stops it early, and
     * numerals_bytes turns a numeral's 3 bytes into one digit. So the sum of
     * char_bytes over the characters is an upper bound. */
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (n >= enough)
            return SIZE_MAX;
        uint8_t b = s[i];
        if (b >= 0x80 || (ft->bytes_ascii[b] & BA_SLOW))
            return bound_from(ft, s, len, i, n, enough);
        n += (ft->bytes_ascii[b] & 0xFFu) != 0;
    }
    return n;
}

/* A run of ASCII characters the table covers, from *i, writing at most
 * `room` bytes from w; returns the new w. */
static size_t ascii_run(const fold_table *ft, const uint8_t *s, size_t len, size_t *i,
                        size_t w, size_t room, uint8_t *gap, byte_view *bv)
{
    size_t k = *i, stop = w + room;
    uint8_t g = *gap;
    while (k < len && w < stop && s[k] < 0x80) {
        uint32_t a = ft->bytes_ascii[s[k]];
        if (a & BA_SLOW)
            break;
        if (a & 0xFFu) {
            bv->text[w] = (uint8_t)a;
            bv->flags[w] = g;
            bv->from[w] = (uint32_t)k;
            w++;
            g = 0;
        } else if (a & BA_GAP) {
            g = BV_GAP;
        }
        k++;
    }
    *i = k;
    *gap = g;
    return w;
}

/* A run of well-formed 3-byte characters (CJK) from *i that fold to one
 * character of 3 UTF-8 bytes or to nothing, writing at most `room` bytes
 * from w (or its ASCII form, for dropped punctuation that has one); returns
 * the new w. Anything else is left to one_char. */
static inline size_t bmp3_run(const fold_table *ft, const uint8_t *s, size_t len, size_t *i,
                              size_t w, size_t room, uint8_t *gap, byte_view *bv)
{
    const uint16_t *index = ft->trie->index;
    const uint32_t *data = ft->trie->data.ptr32;
    size_t k = *i, stop = w + room;
    uint8_t g = *gap;
    while (k + 2 < len && w + 3 <= stop) {
        uint32_t cp = utf8_bmp3(s + k);
        if (!cp)
            break;
        uint32_t v = data[index[cp >> UCPTRIE_FAST_SHIFT] + (cp & UCPTRIE_FAST_DATA_MASK)];
        uint32_t kind = FV_KIND(v), x;
        if (kind == FV_DROP) {
            if ((x = FV_DROP_ASCII(v)) != 0) { /* '。' -> '.' */
                bv->text[w] = (uint8_t)x;
                bv->flags[w] = g;
                bv->from[w] = (uint32_t)k;
                w++;
                g = 0;
            } else if (FV_CLASS(v) == FC_GAP) {
                g = BV_GAP;
            }
            k += 3;
            continue;
        }
        if (kind == FV_IDENT)
            x = cp;
        else if (kind == FV_ONE && (x = FV_CP(v)) >= 0x800u && x <= 0xFFFFu)
            ;
        else
            break;
        utf8_put(bv->text + w, x);
        bv->flags[w] = g;
        bv->flags[w + 1] = bv->flags[w + 2] = 0;
        bv->from[w] = bv->from[w + 1] = bv->from[w + 2] = (uint32_t)k;
        w += 3;
        g = 0;
        k += 3;
    }
    *i = k;
    *gap = g;
    return w;
}

/* One character at *i by the general path; returns the new w, or
 * (size_t)-1 when out of memory. */
static inline size_t one_char(const fold_table *ft, const uint8_t *s, size_t len, size_t *i, size_t w,
                       uint8_t *gap, byte_view *bv)
{
    size_t at = *i;
    int32_t c = utf8_next(s, len, i);
    uint32_t v = fold_value(ft, c), cps[FOLD_MAX_UNITS];
    size_t n = c < 0 ? (cps[0] = 0xFFFD, 1) : output_of(ft, v, (uint32_t)c, cps);
    if (n == 0) {
        if (FV_KIND(v) == FV_DROP && FV_CLASS(v) == FC_GAP)
            *gap = BV_GAP;
        return w;
    }
    if (w + BV_CHAR_MAX > bv->cap && grow(bv, w + BV_CHAR_MAX + (len - *i)))
        return (size_t)-1;
    for (size_t q = 0; q < n; q++) {
        uint32_t x = cps[q];
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        size_t k = utf8_put(bv->text + w, x);
        for (size_t b = 0; b < k; b++) {
            bv->flags[w + b] = (uint8_t)(b == 0 && q == 0 ? *gap : 0);
            bv->from[w + b] = (uint32_t)at;
        }
        w += k;
    }
    *gap = 0;
    return w;
}

int byte_view_build(const fold_table *ft, const uint8_t *s, size_t len, size_t max_bytes,
                    byte_view *bv)
{
    if (len > FOLD_MAX_INPUT)
        return SCREENER_E_TOO_LARGE;
    bv->n = 0;
    bv->consumed = 0;
    if (grow(bv, len + BV_CHAR_MAX))
        return SCREENER_E_NOMEM;
    size_t w = 0, i = 0;
    uint8_t gap = 0;
    while (i < len && w < max_bytes) {
        /* the runs write at most one byte per input byte: bounded by the
         * room and the budget */
        size_t room = bv->cap - w < max_bytes - w ? bv->cap - w : max_bytes - w;
        size_t i0 = i, stop = w + room;
        if (s[i] < 0x80) {
            /* blocks of 32 where the CPU and the table allow (fold_simd.h) */
            w = byte_view_blocks(ft, s, len, &i, w, stop, &gap, bv->text, bv->flags, bv->from);
            w = ascii_run(ft, s, len, &i, w, stop - w, &gap, bv);
        } else
            w = bmp3_run(ft, s, len, &i, w, room, &gap, bv);
        if (i != i0)
            continue;
        w = one_char(ft, s, len, &i, w, &gap, bv);
        if (w == (size_t)-1)
            return SCREENER_E_NOMEM;
    }
    bv->n = w;
    bv->consumed = i;
    return SCREENER_OK;
}
