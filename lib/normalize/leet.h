/*
 * leet.h — the leet view: a second reading of a text in which digits and
 * symbols that stand for letters inside Latin words are read as those
 * letters (`sh1t`, `a$s`, `@ss`, `b!tch`, `5lut`, `phuck`, `f 4 c k`), and
 * spaced repeats of a letter inside a spelled-out word are joined
 * (`f u u u c k`, `a a a a s s`). docs/leet.md has the table and the rule.
 *
 * The reading is a rewritten copy of the text (same characters except the
 * substituted ones, which become one ASCII letter, and the separators between
 * joined repeats, which are left out), folded with the database's own fold
 * table, so every rule of the folded view (word boundaries, spelled-out
 * words, clause punctuation, span checks) applies to it unchanged. Each
 * byte of the copy records the original byte it comes from, so a span maps
 * back exactly: [orig[b0], orig[b1]).
 *
 * Cost: every text pays one pass over its bytes looking for a candidate (an
 * ASCII digit or leet symbol next to a letter, a word starting with "ph", or
 * two equal letters standing alone on either side of one separator): blocks
 * of 32 bytes (AVX2, or the same compiled for AVX-512; chosen at run time)
 * or 16 (SSE2) whose masks name only
 * the bytes whose neighbours fit the rule's shape; only those are tested,
 * and only a text with a candidate gets a reading, decoded and rewritten only
 * in the regions around the bytes that can take part in one (the same
 * reading as the whole text's: tested), then folded. A text whose folded
 * view has no word letter or digit never builds this view (leet_may_read,
 * asked by views.c right after the fold); a database without Latin-letter
 * terms never builds it at all (views.c, matchers.c).
 */
#ifndef SCREENER_NORMALIZE_LEET_H
#define SCREENER_NORMALIZE_LEET_H

#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "fold.h"

/* At most this many spaced repeats of one letter are joined ("u u u"); a
 * longer run is left as it is. Bounds how many folded units of the text one
 * unit of the reading stands for (windows carry that much: matchers.c). */
#define LEET_MAX_REPEAT 8

/* A chunk (bytes between ASCII whitespace) longer than this is not read,
 * and a chunk holding a link or an e-mail address is not either: whether a
 * byte is read depends on its whole chunk, which windows wait for
 * (scan/window.c leet_open). */
#define LEET_CHUNK_MAX 256

/* 1 if byte b ends a chunk (ASCII whitespace: space, \t \n \v \f \r). */
static inline int leet_is_space(uint8_t b)
{
    return b == ' ' || (b >= '\t' && b <= '\r');
}

/* One character of the text, as the leet rule sees it (leet.c). */
typedef struct leet_char {
    uint32_t b0, b1; /* original bytes */
    uint16_t unit;   /* folded unit of a letter (0 if it folds to several) */
    uint8_t cls;     /* LC_* (leet.c) */
    uint8_t out;     /* the letter it is read as, or 0 */
} leet_char;

/* A view starts zeroed (memset, calloc) and is used build after build;
 * leet_view_free leaves it zeroed again. */
typedef struct leet_view {
    int active;       /* the reading differs from the text: the row runs */
    uint8_t *text;    /* the reading (UTF-8) */
    uint32_t *orig;   /* per reading byte (and one past the end): original byte */
    uint8_t *sub;     /* per reading byte: 1 if read differently (substituted or joined) */
    size_t len, cap;
    leet_char *chars; /* scratch for the rule */
    size_t cap_chars;
    fold_buf folded;  /* the reading, folded */
    /* the rule's classes of the ASCII bytes (leet.c), kept from one build
     * to the next while the fold table's ASCII values are ascii_values
     * (ascii_seen[b]: ascii[b] is set) */
    leet_char ascii[128];
    uint32_t ascii_values[128];
    uint8_t ascii_seen[128];
} leet_view;

/* The reading of (s, len) without the first pass: what leet_build makes of
 * a text with a candidate. The rule is applied only in the regions around
 * the bytes that can take part in a reading (whole 0: what leet_build does)
 * or to the whole text (whole 1: the reference the tests compare with);
 * both make the same reading. Returns as leet_build. */
int leet_build_with(const fold_table *ft, const uint8_t *s, size_t len, leet_view *lv, int whole);

/* 0 if the text whose folded view is `folded` has nothing the leet rule
 * can read (no word letter or digit in it: most Chinese text), 1 if it may
 * (one look at the unit flags, eight at a time). The views table asks it
 * right after the fold, so that such a text never builds this view. */
static inline int leet_may_read(const fold_buf *folded)
{
    const uint8_t *f = folded->flags;
    size_t n = folded->n, q = 0;
    if (n && (f[0] & FU_WORD)) /* (English, mostly) */
        return 1;
#if defined(__SSE2__)
    /* sixteen flags at a time, the last block masked to the text (the
     * flags buffer has room past n when folded->cap says so) */
    if (n <= 16 && folded->cap >= 16) { /* (a chat message: one block) */
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)f);
        return ((unsigned)_mm_movemask_epi8(_mm_slli_epi16(v, 6)) & ((1u << n) - 1)) != 0;
    }
    for (; q < n && q + 16 <= folded->cap; q += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(f + q));
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_slli_epi16(v, 6)); /* FU_WORD (bit 1) */
        if (n - q < 16)
            bits &= (1u << (n - q)) - 1;
        if (bits)
            return 1;
    }
#endif
    for (; q < n; q++)
        if (f[q] & FU_WORD)
            return 1;
    return 0;
}

/* The view of a text with nothing to read (what leet_build makes of it). */
static inline void leet_view_none(leet_view *lv)
{
    lv->active = 0;
    lv->len = 0;
}

/* 1 if (s, len) has a candidate for the reading (the first pass alone). */
int leet_candidate(const uint8_t *s, size_t len);

/* The same decision without the block filter: the first pass's test at
 * every byte (slow; the reference the tests compare leet_candidate with). */
int leet_candidate_ref(const uint8_t *s, size_t len);

/* leet_candidate with the 16-byte blocks (wide 0) or, where the CPU has
 * AVX2, the 32-byte ones: compiled for AVX2 (wide 1) or, where the fold's
 * path is AVX-512, compiled for AVX-512 (wide 2: what leet_candidate uses;
 * elsewhere the same as 1); for tests. */
int leet_candidate_with(const uint8_t *s, size_t len, int wide);

void leet_view_free(leet_view *lv);
size_t leet_view_footprint(const leet_view *lv);

/* Build the reading of (s, len): sets lv->active to 0 when no character is
 * read differently (most texts: a single pass, nothing allocated). folded,
 * if not NULL, is the folded view of the same text: without a word letter
 * or digit in it the bytes are not looked at. Returns SCREENER_OK,
 * SCREENER_E_NOMEM or SCREENER_E_TOO_LARGE. (Inline: the first pass is
 * called straight from the views table, one call less per text.) */
static inline int leet_build(const fold_table *ft, const uint8_t *s, size_t len,
                             const fold_buf *folded, leet_view *lv)
{
    leet_view_none(lv);
    if ((folded && !leet_may_read(folded)) || !leet_candidate(s, len))
        return SCREENER_OK;
    return leet_build_with(ft, s, len, lv, 0);
}

#endif
