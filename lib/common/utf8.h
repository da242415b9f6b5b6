/*
 * utf8.h — UTF-8 decoding with U+FFFD per maximal subpart (Unicode 15 §3.9,
 * "U+FFFD Substitution of Maximal Subparts"), the rule used everywhere in
 * screener for ill-formed input. Header-only: it sits on the scan hot path.
 */
#ifndef SCREENER_COMMON_UTF8_H
#define SCREENER_COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_INVALID (-1)

/*
 * Decode the code point at s[*i] (requires *i < n) and advance *i past it.
 * Returns the code point, or UTF8_INVALID after advancing past one maximal
 * subpart of an ill-formed sequence (at least one byte). Never reads s[n].
 */
static inline int32_t utf8_next(const uint8_t *s, size_t n, size_t *i)
{
    size_t p = *i;
    uint8_t b0 = s[p];
    if (b0 < 0x80) {
        *i = p + 1;
        return b0;
    }
    int need;
    int32_t cp;
    uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0; /* no overlongs */
        else if (b0 == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90; /* no overlongs */
        else if (b0 == 0xF4)
            hi = 0x8F; /* <= U+10FFFF */
    } else {
        *i = p + 1; /* C0, C1, F5..FF, or a stray continuation byte */
        return UTF8_INVALID;
    }
    p++;
    for (int k = 0; k < need; k++, p++) {
        if (p >= n) {
            *i = p; /* truncated: the bytes so far are one maximal subpart */
            return UTF8_INVALID;
        }
        uint8_t b = s[p];
        if (b < lo || b > hi) {
            *i = p; /* the offending byte starts the next decode */
            return UTF8_INVALID;
        }
        lo = 0x80;
        hi = 0xBF;
        cp = (cp << 6) | (b & 0x3F);
    }
    *i = p;
    return cp;
}

/*
 * The code point of a well-formed 3-byte sequence at s[0..2] (U+0800..U+FFFF,
 * no surrogates), or 0 if the bytes are anything else. For the CJK fast
 * paths, which leave everything else to utf8_next. Reads exactly 3 bytes.
 * The shape test is one mask on the three bytes; overlong forms (< U+0800)
 * and surrogates (U+D800..U+DFFF) are the 2 KiB blocks 0 and 27, excluded
 * by one bit mask over cp >> 11.
 */
static inline uint32_t utf8_bmp3(const uint8_t *s)
{
    uint32_t w = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16;
    uint32_t cp = (w & 0x0Fu) << 12 | (w & 0x3F00u) >> 2 | (w & 0x3F0000u) >> 16;
    if ((w & 0xC0C0F0u) != 0x8080E0u || !((0xF7FFFFFEu >> (cp >> 11)) & 1u))
        return 0;
    return cp;
}

/* The code point at u[*i] of n UTF-16 units (a surrogate pair when one is
 * there; a lone surrogate as itself); advances *i past it. */
static inline uint32_t utf16_next(const uint16_t *u, size_t n, size_t *i)
{
    uint32_t x = u[(*i)++];
    if (x >= 0xD800 && x <= 0xDBFF && *i < n && u[*i] >= 0xDC00 && u[*i] <= 0xDFFF)
        x = 0x10000 + ((x - 0xD800) << 10) + (u[(*i)++] - 0xDC00u);
    return x;
}

/* Encode cp (valid scalar value) as UTF-8 into out (>= 4 bytes); returns length. */
static inline size_t utf8_put(uint8_t *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* 1 if (s, n) is entirely well-formed UTF-8; else 0 and *bad = offset of the
 * first ill-formed byte. */
static inline int utf8_valid(const uint8_t *s, size_t n, size_t *bad)
{
    size_t i = 0;
    while (i < n) {
        size_t at = i;
        if (utf8_next(s, n, &i) == UTF8_INVALID) {
            if (bad)
                *bad = at;
            return 0;
        }
    }
    return 1;
}

#endif
