/*
 * numerals.c — the numerals view (see numerals.h).
 */
#include "numerals.h"

#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

void numeral_view_free(numeral_view *nv)
{
    free(nv->units);
    memset(nv, 0, sizeof *nv);
}

/* The digit a folded code point stands for: 0..9 for ASCII digits, 10..19
 * for numerals (digit + 10), -1 for anything else. */
static int number_char(const fold_table *ft, uint32_t c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c < 0x3000 || c > 0xFFFF)
        return -1; /* every numeral is a BMP character from U+3007 on */
    int d = fv_numeral(fold_value(ft, (int32_t)c));
    return d < 0 ? -1 : d + 10;
}

int numerals_build(const fold_table *ft, const fold_buf *fb, numeral_view *nv)
{
    size_t n = fb->n;
    if (n + 1 > nv->cap) {
        size_t cap = nv->cap ? nv->cap : 256;
        while (cap < n + 1)
            cap *= 2;
        uint16_t *u = realloc(nv->units, cap * sizeof(uint16_t));
        if (!u)
            return SCREENER_E_NOMEM;
        nv->units = u;
        nv->cap = cap;
    }
    const uint16_t *in = fb->units;
    uint16_t *out = nv->units;
    memcpy(out, in, n * sizeof(uint16_t));
    nv->n = n;
    size_t i = 0;
    while (i < n) {
        int d = number_char(ft, in[i]);
        if (d < 0) {
            i++;
            continue;
        }
        size_t b = i, numerals = 0;
        while (i < n && (d = number_char(ft, in[i])) >= 0) {
            numerals += d >= 10;
            i++;
        }
        int ascii_ends = in[b] <= '9' && in[i - 1] <= '9';
        if (!numerals_run_reads(i - b, numerals, ascii_ends))
            continue;
        for (size_t k = b; k < i; k++)
            out[k] = (uint16_t)('0' + number_char(ft, in[k]) % 10);
    }
    return SCREENER_OK;
}

/* Code point at bv->text[r] (the byte view is valid UTF-8); *len its bytes. */
static uint32_t char_at(const byte_view *bv, size_t r, size_t *len)
{
    size_t i = r;
    int32_t c = utf8_next(bv->text, bv->n, &i);
    *len = i - r;
    return c < 0 ? 0xFFFDu : (uint32_t)c;
}

/* 1 if the byte view has a character from U+3000 on (lead byte E3..EF):
 * without one there is no numeral and nothing to do. */
static int may_have_numerals(const byte_view *bv)
{
    for (size_t i = 0; i < bv->n; i++)
        if (bv->text[i] >= 0xE3 && bv->text[i] <= 0xEF)
            return 1;
    return 0;
}

void numerals_bytes(const fold_table *ft, byte_view *bv)
{
    size_t r = 0, w = 0, n = bv->n, len;
    if (!may_have_numerals(bv))
        return;
    while (r < n) {
        uint32_t c = char_at(bv, r, &len);
        if (number_char(ft, c) < 0) {
            if (w == r) {
                r += len;
                w += len;
                continue;
            }
            memmove(bv->text + w, bv->text + r, len);
            memmove(bv->flags + w, bv->flags + r, len);
            memmove(bv->from + w, bv->from + r, len * sizeof(uint32_t));
            r += len;
            w += len;
            continue;
        }
        /* a run of number characters: count, decide, then copy or read */
        size_t e = r, chars = 0, numerals = 0, last = 0;
        int d;
        while (e < n && (d = number_char(ft, c = char_at(bv, e, &len))) >= 0) {
            numerals += d >= 10;
            chars++;
            last = c;
            e += len;
        }
        int reads = numerals_run_reads(chars, numerals, bv->text[r] <= '9' && last <= '9');
        while (r < e) {
            c = char_at(bv, r, &len);
            bv->flags[w] = bv->flags[r];
            bv->from[w] = bv->from[r];
            if (reads) {
                bv->text[w++] = (uint8_t)('0' + number_char(ft, c) % 10);
            } else {
                memmove(bv->text + w, bv->text + r, len);
                for (size_t k = 1; k < len; k++) {
                    bv->flags[w + k] = bv->flags[r + k];
                    bv->from[w + k] = bv->from[r + k];
                }
                w += len;
            }
            r += len;
        }
    }
    bv->n = w;
}
