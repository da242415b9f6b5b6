/*
 * numerals.c — the numerals view (see numerals.h).
 */
#include "common/alloc.h"
#include "numerals.h"

#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

void numeral_view_free(numeral_view *nv)
{
    mem_free(nv->units);
    memset(nv, 0, sizeof *nv);
}

/* The digit a folded code point stands for: 0..9 for ASCII digits, 10..19
 * for numerals (digit + 10), -1 for anything else. One bit test for all but
 * numerals. */
static inline int number_char(const fold_table *ft, uint32_t c)
{
    if (c - '0' < 10u)
        return (int)(c - '0');
    if (!fold_unit_is_numeral(ft, c))
        return -1;
    return fv_numeral(fold_value(ft, (int32_t)c)) + 10;
}

/* The end of the number run that starts at in[b] (a number character), and
 * whether it is read as a number. */
static size_t run_end(const fold_table *ft, const uint16_t *in, size_t n, size_t b, int *reads)
{
    size_t i = b, numerals = 0;
    int d;
    while (i < n && (d = number_char(ft, in[i])) >= 0) {
        numerals += d >= 10;
        i++;
    }
    *reads = numerals > 0 && i - b >= NUMERAL_RUN_MIN; /* both readings are tried */
    return i;
}

/* Index of the first numeral unit at or after i, or n. */
static size_t next_numeral_unit(const fold_table *ft, const uint16_t *in, size_t n, size_t i)
{
    while (i < n && !fold_unit_is_numeral(ft, in[i]))
        i++;
    return i;
}

int numerals_build(const fold_table *ft, const fold_buf *fb, numeral_view *nv)
{
    const uint16_t *in = fb->units;
    size_t n = fb->n, i = 0;
    nv->n = n;
    nv->changed = 0;
    nv->candidates = 0;
    /* only runs with a numeral change anything: jump from numeral to
     * numeral, back over the ASCII digits before each */
    while ((i = next_numeral_unit(ft, in, n, i)) < n) {
        size_t b = i;
        while (b > 0 && (unsigned)(in[b - 1] - '0') < 10u)
            b--;
        int reads;
        i = run_end(ft, in, n, b, &reads);
        nv->candidates += i - b >= NUMERAL_RUN_MIN;
        if (!reads)
            continue;
        if (!nv->changed) { /* the first run read: copy the folded units */
            if (n > nv->cap) {
                size_t cap = nv->cap ? nv->cap : 256;
                while (cap < n)
                    cap *= 2;
                uint16_t *u = mem_realloc(nv->units, cap * sizeof(uint16_t));
                if (!u)
                    return SCREENER_E_NOMEM;
                nv->units = u;
                nv->cap = cap;
            }
            memcpy(nv->units, in, n * sizeof(uint16_t));
            nv->changed = 1;
        }
        for (size_t k = b; k < i; k++)
            nv->units[k] = (uint16_t)('0' + number_char(ft, in[k]) % 10);
    }
    return SCREENER_OK;
}

/* The code point at bv->text[r] if it may be a number character (ASCII, or
 * a 3-byte sequence, where every numeral is), else 0xFFFF; *len its bytes.
 * The byte view is valid UTF-8. */
static inline uint32_t char_at(const byte_view *bv, size_t r, size_t *len)
{
    uint8_t b = bv->text[r];
    if (b < 0x80) {
        *len = 1;
        return b;
    }
    if ((b & 0xF0) == 0xE0 && r + 2 < bv->n) {
        *len = 3;
        return ((b & 0x0Fu) << 12) | ((bv->text[r + 1] & 0x3Fu) << 6) | (bv->text[r + 2] & 0x3Fu);
    }
    *len = b >= 0xF0 ? 4 : 2;
    if (r + *len > bv->n)
        *len = bv->n - r;
    return 0xFFFF;
}

/* A number run of the byte view at r: its end, and whether it is read. */
static size_t byte_run_end(const fold_table *ft, const byte_view *bv, size_t r, int *reads)
{
    size_t e = r, chars = 0, numerals = 0, len;
    uint32_t c, last = 0;
    int d;
    while (e < bv->n && (d = number_char(ft, c = char_at(bv, e, &len))) >= 0) {
        numerals += d >= 10;
        chars++;
        last = c;
        e += len;
    }
    *reads = numerals_run_reads(chars, numerals, bv->text[r] <= '9' && last <= '9');
    return e;
}

/* Offset of the first numeral of the byte view at or after r, or bv->n.
 * Every numeral is a 3-byte sequence with lead byte E3..E9 (U+3000..U+9FFF);
 * continuation bytes are never in that range. */
static size_t next_numeral_byte(const fold_table *ft, const byte_view *bv, size_t r)
{
    const uint8_t *t = bv->text;
    size_t n = bv->n;
    for (; r + 2 < n; r++) {
        if (t[r] < 0xE3 || t[r] > 0xE9)
            continue;
        uint32_t c = ((t[r] & 0x0Fu) << 12) | ((t[r + 1] & 0x3Fu) << 6) | (t[r + 2] & 0x3Fu);
        if (fold_unit_is_numeral(ft, c))
            return r;
    }
    return n;
}

/* Move bytes [r, e) of the view to w (compaction; w <= r). */
static void move_bytes(byte_view *bv, size_t w, size_t r, size_t e)
{
    if (w == r || e == r)
        return;
    memmove(bv->text + w, bv->text + r, e - r);
    memmove(bv->flags + w, bv->flags + r, e - r);
    memmove(bv->from + w, bv->from + r, (e - r) * sizeof(uint32_t));
}

void numerals_bytes(const fold_table *ft, byte_view *bv)
{
    size_t r = 0, w = 0, n = bv->n, len;
    for (;;) {
        size_t p = next_numeral_byte(ft, bv, r);
        if (p == n) {
            move_bytes(bv, w, r, n);
            w += n - r;
            break;
        }
        size_t b = p; /* the run starts at the ASCII digits before the numeral */
        while (b > r && (unsigned)(bv->text[b - 1] - '0') < 10u)
            b--;
        int reads;
        size_t e = byte_run_end(ft, bv, b, &reads);
        if (!reads) {
            move_bytes(bv, w, r, e);
            w += e - r;
            r = e;
            continue;
        }
        move_bytes(bv, w, r, b);
        w += b - r;
        for (r = b; r < e; r += len) { /* each character becomes its digit, keeping its origin */
            uint32_t c = char_at(bv, r, &len);
            bv->flags[w] = bv->flags[r];
            bv->from[w] = bv->from[r];
            bv->text[w++] = (uint8_t)('0' + number_char(ft, c) % 10);
        }
    }
    bv->n = w;
}
