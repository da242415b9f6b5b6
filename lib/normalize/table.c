/*
 * table.c — opening a serialized fold table for scanning.
 */
#include <string.h>
#if defined(__SSE2__) && !defined(SCREENER_NO_SIMD)
#include <emmintrin.h>
#endif

#include "foldtable.h"
#include "fold_simd.h"

/*
 * Check that every lookup the scanner can make stays inside the trie's data:
 * ucptrie_openFromBinary checks the header and lengths but not the index
 * entries, and a damaged (re-sealed) table otherwise reads past its data,
 * also inside ICU's own ucptrie_getRange. The index layout is ICU's stable
 * binary format (ICU 63+): the BMP fast index, then for supplementary code
 * points below highStart a three-level index (shifts 14/9/4, 16-bit or
 * 18-bit third-level entries), as in ucptrie_internalSmallIndex.
 */
static int trie_index_ok(const UCPTrie *t)
{
    enum { SHIFT_1 = 14, SHIFT_2 = 9, SHIFT_3 = 4, INDEX_2_MASK = 31, INDEX_3_MASK = 31,
           BMP_INDEX_LENGTH = 0x10000 >> UCPTRIE_FAST_SHIFT, OMITTED_BMP_INDEX_1_LENGTH = 4,
           SMALL_DATA_MASK = 15 };
    const uint16_t *ix = t->index;
    int32_t il = t->indexLength, dl = t->dataLength;
    if (t->type != UCPTRIE_TYPE_FAST || t->valueWidth != UCPTRIE_VALUE_BITS_32 || !ix ||
        il < BMP_INDEX_LENGTH || dl < UCPTRIE_FAST_DATA_BLOCK_LENGTH ||
        t->highStart < 0x10000 || t->highStart > 0x110000)
        return 0;
    for (int32_t i = 0; i < BMP_INDEX_LENGTH; i++)
        if ((int32_t)ix[i] + UCPTRIE_FAST_DATA_MASK >= dl)
            return 0;
    /* Every lookup path, one per 16 code points; a block already walked
     * whole (the index-2 block of the last index-1 entry, the index-3 block
     * of the last index-2 entry: tries share them, most of all across the
     * unassigned planes) is not walked again. */
    int32_t last_i2 = -1, last_i3 = -1;
    for (UChar32 c = 0x10000; c < t->highStart; c += SMALL_DATA_MASK + 1) {
        int32_t i1 = (c >> SHIFT_1) + BMP_INDEX_LENGTH - OMITTED_BMP_INDEX_1_LENGTH;
        if (i1 >= il)
            return 0;
        int32_t i2Block = ix[i1];
        if (i2Block == last_i2 && ((c >> SHIFT_2) & INDEX_2_MASK) == 0 &&
            c + (1 << SHIFT_1) <= t->highStart) {
            c += (1 << SHIFT_1) - (SMALL_DATA_MASK + 1); /* this whole index-2 block */
            continue;
        }
        int32_t i2 = i2Block + ((c >> SHIFT_2) & INDEX_2_MASK);
        if (i2 >= il)
            return 0;
        if (((c >> SHIFT_2) & INDEX_2_MASK) == INDEX_2_MASK &&
            ((c >> SHIFT_3) & INDEX_3_MASK) == INDEX_3_MASK)
            last_i2 = i2Block; /* (set when its last entry is reached: walked whole) */
        int32_t i3Block0 = ix[i2];
        if (i3Block0 == last_i3 && ((c >> SHIFT_3) & INDEX_3_MASK) == 0 &&
            c + (1 << SHIFT_2) <= t->highStart) {
            c += (1 << SHIFT_2) - (SMALL_DATA_MASK + 1); /* this whole index-3 block */
            continue;
        }
        if (((c >> SHIFT_3) & INDEX_3_MASK) == INDEX_3_MASK)
            last_i3 = i3Block0;
        int32_t i3Block = i3Block0, i3 = (c >> SHIFT_3) & INDEX_3_MASK, block;
        if ((i3Block & 0x8000) == 0) {
            if (i3Block + i3 >= il)
                return 0;
            block = ix[i3Block + i3];
        } else {
            i3Block = (i3Block & 0x7FFF) + (i3 & ~7) + (i3 >> 3);
            int32_t k = i3 & 7;
            if (i3Block + 1 + k >= il)
                return 0;
            block = ((int32_t)ix[i3Block] << (2 + 2 * k)) & 0x30000;
            block |= ix[i3Block + 1 + k];
        }
        if (block + SMALL_DATA_MASK >= dl)
            return 0;
    }
    return dl >= UCPTRIE_HIGH_VALUE_NEG_DATA_OFFSET;
}

/*
 * 1 if value v describes output the scanner can produce without reading
 * outside expand[] (n_expand units) or writing more than FOLD_MAX_UNITS
 * units; *units gets the most units it can produce.
 */
static int value_ok(uint32_t v, size_t n_expand, uint32_t *units)
{
    *units = 2; /* FV_IDENT of a supplementary code point */
    if (FV_KIND(v) == FV_MULTI) {
        *units = FV_LEN(v);
        return FV_LEN(v) != 0 && FV_LEN(v) <= FOLD_MAX_UNITS &&
               (size_t)FV_OFF(v) + FV_LEN(v) <= n_expand;
    }
    if (FV_KIND(v) == FV_ONE) {
        uint32_t cp = FV_CP(v);
        return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    return 1;
}

/*
 * Validate EVERY entry of the trie's data array, not the ranges that
 * ucptrie_getRange reports: getRange skips the null data block (and reports
 * the null value for it), although the fast lookups read it for every code
 * point mapped there. The data array also holds the high value (code points
 * from highStart) and the error value, so this covers every value a lookup
 * can return. Sets *max_units to the longest output. Cost: one pass over
 * dataLength 32-bit values (a few ten thousand).
 */
static int trie_values_ok(const UCPTrie *t, size_t n_expand, uint32_t *max_units)
{
    const uint32_t *d = t->data.ptr32;
    *max_units = 2;
    for (int32_t i = 0; i < t->dataLength; i++) {
        uint32_t u;
        if (!value_ok(d[i], n_expand, &u))
            return 0;
        if (u > *max_units)
            *max_units = u;
    }
    uint32_t u;
    return value_ok(t->nullValue, n_expand, &u);
}

/*
 * The scanner's ASCII fast path assumes ASCII folds to at most one BMP
 * unit; a table that says otherwise is not ours. Fills ft->ascii.
 */
static int ascii_ok(fold_table *ft)
{
    for (uint32_t c = 0; c < 128; c++) {
        uint32_t a = UCPTRIE_FAST_BMP_GET(ft->trie, UCPTRIE_32, c);
        if (FV_KIND(a) == FV_MULTI || (FV_KIND(a) == FV_ONE && FV_CP(a) > 0xFFFF))
            return 0;
        ft->ascii[c] = a;
    }
    return 1;
}

/* The byte view's ASCII table (fold_table.bytes_ascii): what
 * byteview.c's general path would write for each ASCII character. */
static void bytes_ascii_of(fold_table *ft)
{
    for (uint32_t c = 0; c < 128; c++) {
        uint32_t v = ft->ascii[c], kind = FV_KIND(v), x;
        if (kind == FV_DROP) {
            x = FV_DROP_ASCII(v);
            if (!x && FV_CLASS(v) == FC_GAP)
                x = BA_GAP;
        } else {
            x = kind == FV_IDENT ? c : kind == FV_ONE ? FV_CP(v) : 0x80;
            if (x >= 'A' && x <= 'Z')
                x += 'a' - 'A';
            if (x == 0 || x >= 0x80)
                x = BA_SLOW; /* a NUL or non-ASCII output, or an expansion */
        }
        ft->bytes_ascii[c] = (uint16_t)x;
    }
}

/* The bitmaps derived from the BMP values, for one 64-unit block of the
 * trie's data (the FAST trie's BMP index points each block of 64 code
 * points at one data block; blocks with the same data have the same bits). */
typedef struct bmp_block_bits {
    int32_t data_off; /* the data block's offset, -1: none yet */
    uint64_t numerals;
    uint32_t cjk[4];
} bmp_block_bits;

/* One data block's bits: the numerals bit of a kept BMP character whose
 * value carries a digit (table_digits.c), and the vector CJK step's code
 * (fold_table.cjk_codes): exactly as that step classifies a value it looked
 * up (a kept FV_IDENT of class FC_OTHER, or a FV_DROP of class FC_GAP,
 * neither with payload bits 16..20). SSE2 (every x86-64): four values a
 * step, ~6 instructions a value against ~18 one at a time (callgrind). */
#if defined(__SSE2__) && !defined(SCREENER_NO_SIMD)
static void block_bits_of(const uint32_t *d, bmp_block_bits *b)
{
    /* 4 bits abcd -> 0a0b0c0d: four plain (or, shifted, gap) bits as codes */
    _Static_assert(FCJK_PLAIN == 1 && FCJK_GAP == 2, "the codes spread[] writes");
    static const uint8_t spread[16] = {0x00, 0x01, 0x04, 0x05, 0x10, 0x11, 0x14, 0x15,
                                       0x40, 0x41, 0x44, 0x45, 0x50, 0x51, 0x54, 0x55};
    const __m128i zero = _mm_setzero_si128();
    const __m128i k_plain = _mm_set1_epi32((int)(FV_IDENT << 2 | FC_OTHER));
    const __m128i k_gap = _mm_set1_epi32((int)(FV_DROP << 2 | FC_GAP));
    const __m128i k_pay = _mm_set1_epi32(0x1F0000);
    const __m128i k_num = _mm_set1_epi32((int)(15u << FV_NUMERAL_SHIFT));
    const __m128i k_ident = _mm_set1_epi32((int)FV_IDENT);
    uint64_t num = 0;
    memset(b->cjk, 0, sizeof b->cjk);
    for (uint32_t k = 0; k < 64; k += 4) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + k));
        __m128i top = _mm_srli_epi32(v, 28);
        __m128i nopay = _mm_cmpeq_epi32(_mm_and_si128(v, k_pay), zero);
        int plain = _mm_movemask_ps(
            _mm_castsi128_ps(_mm_and_si128(_mm_cmpeq_epi32(top, k_plain), nopay)));
        int gap = _mm_movemask_ps(
            _mm_castsi128_ps(_mm_and_si128(_mm_cmpeq_epi32(top, k_gap), nopay)));
        b->cjk[k >> 4] |= (uint32_t)(spread[plain] | spread[gap] << 1) << 2 * (k & 15);
        __m128i ident = _mm_cmpeq_epi32(_mm_srli_epi32(v, 30), k_ident);
        __m128i nonum = _mm_cmpeq_epi32(_mm_and_si128(v, k_num), zero);
        num |= (uint64_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_andnot_si128(nonum, ident))) << k;
    }
    b->numerals = num;
}
#else
static void block_bits_of(const uint32_t *d, bmp_block_bits *b)
{
    b->numerals = 0;
    memset(b->cjk, 0, sizeof b->cjk);
    for (uint32_t k = 0; k < 64; k++) {
        uint32_t v = d[k], code = 0;
        if (FV_KIND(v) == FV_IDENT && fv_numeral(v) >= 0)
            b->numerals |= (uint64_t)1 << k;
        if (v & 0x1F0000u)
            continue;
        if (v >> 28 == (FV_IDENT << 2 | FC_OTHER))
            code = FCJK_PLAIN;
        else if (v >> 28 == (FV_DROP << 2 | FC_GAP))
            code = FCJK_GAP;
        b->cjk[k >> 4] |= code << 2 * (k & 15);
    }
}
#endif

/* The numerals bitmap (fold_table.numerals: U+3000..U+FFFF) and the vector
 * CJK step's codes (fold_table.cjk_codes: the 3-byte code points
 * U+0800..U+FFFF), walked one 64-unit block of the BMP index at a time:
 * a block's bits are derived once per data block in a small cache by data
 * offset (few hits: most Han blocks have data of their own), not by 116k
 * trie lookups (fold_table_open 3.35 M -> 1.53 M instructions, callgrind;
 * bench/RESULTS.md 2026-12-01 load13). The bits
 * are the same as those lookups give: tests/normalize compares them with
 * a lookup per code point (test_table.c the_derived_bmp_bitmaps_...). */
static void bmp_bits_of(fold_table *ft)
{
    enum { CACHE = 64 };
    bmp_block_bits cache[CACHE];
    for (int i = 0; i < CACHE; i++)
        cache[i].data_off = -1;
    const uint16_t *index = ft->trie->index;
    const uint32_t *data = ft->trie->data.ptr32;
    for (uint32_t blk = 0x800 >> 6; blk < 0x10000 >> 6; blk++) {
        int32_t off = index[blk]; /* (trie_index_ok: off + 63 < dataLength) */
        bmp_block_bits *b = &cache[(off >> 6) & (CACHE - 1)];
        if (b->data_off != off) {
            block_bits_of(data + off, b);
            b->data_off = off;
        }
        memcpy(&ft->cjk_codes[blk * 4], b->cjk, sizeof b->cjk);
        if (blk >= 0x3000 >> 6)
            ft->numerals[blk] = b->numerals;
    }
}

int fold_table_open(fold_table *ft, const void *trie_bin, size_t trie_len,
                    const uint16_t *expand, size_t n_expand)
{
    memset(ft, 0, sizeof *ft);
    if (((uintptr_t)trie_bin & 3) || trie_len > INT32_MAX || n_expand > 0xFFFFF)
        return SCREENER_E_DB_FORMAT;
    UErrorCode st = U_ZERO_ERROR;
    int32_t used = 0;
    UCPTrie *t = ucptrie_openFromBinary(UCPTRIE_TYPE_FAST, UCPTRIE_VALUE_BITS_32,
                                        trie_bin, (int32_t)trie_len, &used, &st);
    uint32_t max_units = 0;
    if (U_FAILURE(st) || !t || (size_t)used != trie_len || !trie_index_ok(t) ||
        !trie_values_ok(t, n_expand, &max_units)) {
        ucptrie_close(t);
        return SCREENER_E_DB_FORMAT;
    }
    ft->trie = t;
    ft->expand = expand;
    ft->n_expand = (uint32_t)n_expand;
    ft->max_units = max_units;
    if (!ascii_ok(ft)) {
        fold_table_close(ft);
        return SCREENER_E_DB_FORMAT;
    }
    bytes_ascii_of(ft); /* (before the plans, which fold_table_set_collapse derives) */
    fold_table_set_collapse(ft, 0);
    bmp_bits_of(ft);
    return SCREENER_OK;
}

void fold_table_set_collapse(fold_table *ft, int collapse)
{
    ft->collapse = collapse;
    for (uint32_t c = 0; c < 128; c++) {
        uint32_t v = ft->ascii[c], kind = FV_KIND(v), f = 0;
        if (kind == FV_IDENT || kind == FV_ONE) {
            uint32_t u = kind == FV_IDENT ? c : FV_CP(v);
            f = u | FA_KEEP;
            if (FV_CLASS(v) == FC_WORD)
                f |= FA_WORD;
            if (collapse && FV_CLASS(v) == FC_WORD && !(u >= '0' && u <= '9'))
                f |= FA_COLL;
        } else if (FV_CLASS(v) == FC_GAP) {
            f = FA_GAP;
        }
        ft->ascii_fast[c] = f;
    }
    fold_simd_plan(ft);
}

void fold_table_close(fold_table *ft)
{
    if (ft->trie)
        ucptrie_close(ft->trie);
    memset(ft, 0, sizeof *ft);
}
