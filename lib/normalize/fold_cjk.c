/*
 * fold_cjk.c — the fold's vector step for runs of 3-byte UTF-8 (CJK); see
 * fold_cjk.h. AVX-512 (BW, VL, VBMI, VBMI2, with BMI2) and AVX2 (with
 * BMI2), each compiled for its target only in its own functions and called
 * only where the fold's path is that one (fold_simd.c checks the CPU).
 */
#include "fold_cjk.h"

#include "foldtable.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(SCREENER_NO_SIMD)
#include <immintrin.h>

#define CJK_TARGET                                                                           \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,avx2,bmi,bmi2,"  \
                          "popcnt")))

/* vpermb indices: 32-bit lane j gets bytes 3j, 3j+1, 3j+2 (and 3j+2 again) */
static const uint8_t lanes3[64] = {
    0,  1,  2,  2,  3,  4,  5,  5,  6,  7,  8,  8,  9,  10, 11, 11, 12, 13, 14, 14, 15, 16,
    17, 17, 18, 19, 20, 20, 21, 22, 23, 23, 24, 25, 26, 26, 27, 28, 29, 29, 30, 31, 32, 32,
    33, 34, 35, 35, 36, 37, 38, 38, 39, 40, 41, 41, 42, 43, 44, 44, 45, 46, 47, 47};

/* The lane of the r-th (from 0) set bit of m. */
CJK_TARGET static inline unsigned nth_bit(uint32_t m, unsigned r)
{
    return (unsigned)__builtin_ctz(_pdep_u32(1u << r, m));
}

/* The pass state after a run from byte i0 to i: a character was taken
 * (so the collapse state is reset and the gap is the last lane's) or not.
 * Returns the bytes taken. */
static inline size_t run_end(fold_pass *p, size_t i0, size_t i, size_t pos, size_t next_mark,
                             uint32_t gap)
{
    if (i != i0) {
        p->prev = 0;
        p->gap = gap;
    }
    p->i = i;
    p->pos = pos;
    p->next_mark = next_mark;
    return i - i0;
}

/* The words of fold_table.cjk_codes that hold the codes of the 16 code
 * points cp, by 16 scalar loads (fold_table.cjk_gather 0: a CPU whose
 * gathers are slow); the indices stored and read back, the words stored
 * and loaded as one vector. */
CJK_TARGET static inline __m512i codes_by_loads16(const uint32_t *codes, __m512i cp)
{
    uint32_t ix[16], w[16];
    _mm512_storeu_si512(ix, _mm512_srli_epi32(cp, 4));
    __asm__("" : "+m"(ix));
    for (int j = 0; j < 16; j++)
        w[j] = codes[ix[j]];
    return _mm512_loadu_si512(w);
}

CJK_TARGET static size_t run_avx512(const fold_table *ft, const uint8_t *s, size_t n,
                                    size_t max_units, fold_buf *fb, fold_pass *p, int *rc)
{
    const uint16_t *index = ft->trie->index;
    const uint32_t *data = ft->trie->data.ptr32;
    const uint32_t *codes = ft->cjk_codes;
    const int gather = ft->cjk_gather;
    const __m512i sel = _mm512_loadu_si512(lanes3), m6 = _mm512_set1_epi32(0x3F);
    /* pos < whole: room for 16 units and 16 flags from pos on (fb->cap
     * each); 0 (never) in a buffer of fewer than 16 */
    const size_t whole = fb->cap >= 16 ? fb->cap - 15 : 0;
    size_t i0 = p->i, i = i0, pos = p->pos, next_mark = p->next_mark;
    uint32_t gap = p->gap;
    for (;;) {
        size_t avail = n - i, lim = avail / 3;
        if (lim > 16)
            lim = 16;
        if (!lim)
            break;
        /* the text's last bytes: a masked load (no fault past the end) */
        __m512i raw = avail >= 64
                          ? _mm512_loadu_si512(s + i)
                          : _mm512_maskz_loadu_epi8(_bzhi_u64(~0ull, (unsigned)avail), s + i);
        __m512i x = _mm512_permutexvar_epi8(sel, raw);
        /* shape 1110xxxx 10xxxxxx 10xxxxxx */
        __mmask16 ok = _mm512_cmpeq_epi32_mask(
            _mm512_and_si512(x, _mm512_set1_epi32(0x00C0C0F0)), _mm512_set1_epi32(0x008080E0));
        __m512i h = _mm512_or_si512(
            _mm512_slli_epi32(_mm512_and_si512(x, _mm512_set1_epi32(0xF)), 6),
            _mm512_and_si512(_mm512_srli_epi32(x, 8), m6));
        __m512i l = _mm512_and_si512(_mm512_srli_epi32(x, 16), m6);
        __m512i cp = _mm512_or_si512(_mm512_slli_epi32(h, 6), l);
        /* no overlong form (cp < 0x800) and no surrogate (0xD800..0xDFFF):
         * the 2 KiB blocks 0 and 27 */
        __m512i blk = _mm512_srli_epi32(cp, 11);
        ok = _mm512_mask_cmpneq_epi32_mask(ok, blk, _mm512_setzero_si512());
        ok = _mm512_mask_cmpneq_epi32_mask(ok, blk, _mm512_set1_epi32(27));
        ok &= (__mmask16)_bzhi_u32(0xFFFFu, (unsigned)lim);
        /* the block's length from the bytes alone, so that the branches
         * below (another block, or the end of the run) do not wait for the
         * trie lookups; a character the lookups reject shortens it (rare) */
        unsigned k = (unsigned)__builtin_ctz(~(uint32_t)ok);
        if (!k)
            break;
        /* the codes (fold_table.cjk_codes) by one gather from the 16 KiB
         * table (its Han part, 5 KiB, stays in L1), each lane's two bits
         * shifted down: where every character of the block is plain or a
         * separator, the units are the code points themselves and the trie
         * is not read (one gather here: fold alone 1.3-1.4x the 16 scalar
         * trie lookups on AVX-512; the same codes by 16 scalar loads: no
         * gain; bench/RESULTS.md, cjk13c) */
        uint32_t want = _bzhi_u32(~0u, k);
        __mmask16 ident = 0, gapd = 0, one = 0;
        {
            __m512i w = gather ? _mm512_i32gather_epi32(_mm512_srli_epi32(cp, 4), codes, 4)
                               : codes_by_loads16(codes, cp);
            __m512i c2 = _mm512_srlv_epi32(
                w, _mm512_slli_epi32(_mm512_and_si512(cp, _mm512_set1_epi32(15)), 1));
            ident = _mm512_test_epi32_mask(c2, _mm512_set1_epi32(FCJK_PLAIN));
            gapd = _mm512_test_epi32_mask(c2, _mm512_set1_epi32(FCJK_GAP));
        }
        __m512i v = cp;
        if (__builtin_expect(((ident | gapd) & want) != want, 0)) {
            /* a character with code 0 (traditional Han folded to one unit,
             * or anything the block does not take): the trie's values by
             * 16 scalar loads, inline: the code points read back from a
             * 256-bit store (the asm: not extracted lane by lane; loads
             * from a 512-bit store were not forwarded, measured), the
             * values stored and loaded as one vector (built by 16 inserts
             * instead: Weibo 3 % slower; bench/RESULTS.md session 7) */
            uint16_t cv[16];
            uint32_t vv[16];
            _mm256_storeu_si256((__m256i *)cv, _mm512_cvtepi32_epi16(cp));
            __asm__("" : "+m"(cv));
            for (int j = 0; j < 16; j++)
                vv[j] = data[(uint32_t)index[cv[j] >> UCPTRIE_FAST_SHIFT] +
                             (cv[j] & UCPTRIE_FAST_DATA_MASK)];
            v = _mm512_loadu_si512(vv);
            __m512i top = _mm512_srli_epi32(v, 28); /* kind << 2 | class */
            /* kept as one unit of class FC_OTHER (FV_IDENT 0, FV_ONE 8), a BMP
             * one (no payload bits 16..20), or dropped as a visible separator
             * (FV_DROP, FC_GAP: 6) */
            __mmask16 bmp = _mm512_testn_epi32_mask(v, _mm512_set1_epi32(0x1F0000));
            ident = bmp & _mm512_cmpeq_epi32_mask(top, _mm512_setzero_si512());
            one = bmp & _mm512_cmpeq_epi32_mask(top, _mm512_set1_epi32(8));
            gapd = bmp & _mm512_cmpeq_epi32_mask(top, _mm512_set1_epi32(6));
            uint32_t easy = (uint32_t)(ident | one | gapd);
            if ((easy & want) != want) {
                k = (unsigned)__builtin_ctz(~easy); /* leading characters taken */
                if (!k)
                    break;
            }
        }
        uint32_t K = (uint32_t)(ident | one) & _bzhi_u32(~0u, k);
        unsigned c = (unsigned)__builtin_popcount(K);
        int stop = 0;
        if (pos + c >= next_mark) {
            /* the unit that reaches the checkpoint: a checkpoint right after
             * its character, or the end of the pass at the budget */
            unsigned jm = nth_bit(K, (unsigned)(next_mark - pos - 1));
            if (next_mark >= max_units) {
                k = jm + 1;
                K &= _bzhi_u32(~0u, k);
                c = (unsigned)(next_mark - pos);
                stop = 1;
            } else if (i + 3 * (size_t)(jm + 1) < n) { /* (none at the text's end) */
                if (fold_push_mark(fb, i + 3 * (size_t)(jm + 1), next_mark, 0)) {
                    *rc = SCREENER_E_NOMEM;
                    break;
                }
                next_mark += FOLD_MARK_EVERY;
            }
        }
        uint32_t G = (uint32_t)gapd & _bzhi_u32(~0u, k);
        __m256i u = _mm512_cvtepi32_epi16(_mm512_mask_blend_epi32(ident, v, cp));
        /* a kept unit has FU_GAP iff the character before it is a dropped
         * separator (only kept and separator characters are taken) */
        uint32_t F = _pext_u32(((G << 1) | gap) & K, K);
        __m256i units = _mm256_maskz_compress_epi16((__mmask16)K, u);
        __m128i flags = _mm_maskz_set1_epi8((__mmask16)F, (char)FU_GAP);
        if (__builtin_expect(pos < whole, 1)) {
            /* 16 units and flags whatever the block keeps (room for them:
             * `whole`): a load of them right after the fold (the literal
             * scan's first unit, leet_may_read's flags) is forwarded from
             * a whole store, not from a masked one, which it would wait
             * for until the store is written to the cache */
            _mm256_storeu_si256((__m256i *)(void *)(p->o + pos), units);
            _mm_storeu_si128((__m128i *)(void *)(p->fl + pos), flags);
        } else {
            __mmask16 cm = (__mmask16)_bzhi_u32(~0u, c);
            _mm256_mask_storeu_epi16(p->o + pos, cm, units);
            _mm_mask_storeu_epi8(p->fl + pos, cm, flags);
        }
        pos += c;
        gap = (G >> (k - 1)) & 1u;
        if (k == 16 && !stop) {
            i += 48; /* a branch, not 3 * k: the next block need not wait for this one */
            continue;
        }
        i += 3 * (size_t)k;
        break;
    }
    return run_end(p, i0, i, pos, next_mark, gap);
}

/* ------------------------------------------------------------------ */
/* AVX2 (with BMI2): 8 characters a block                              */
/* ------------------------------------------------------------------ */

#define CJK_AVX2_TARGET __attribute__((target("avx2,bmi,bmi2,popcnt")))

/* pshufb control putting the 16-bit lanes whose bits are set in m (8 bits)
 * first, in order: the byte indices of the kept lanes by pext, each made a
 * pair of byte indices (2j, 2j + 1). */
CJK_AVX2_TARGET static inline __m128i pack_control(uint32_t m)
{
    uint64_t sel = _pext_u64(0x0706050403020100ull, _pdep_u64(m, 0x0101010101010101ull) * 0xFF);
    __m128i x = _mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)sel));
    return _mm_add_epi16(_mm_mullo_epi16(x, _mm_set1_epi16(0x0202)), _mm_set1_epi16(0x0100));
}

/* The same without PEXT/PDEP (fold_table.pdep_fast 0): the 8 kept byte
 * indices from fold_pack8 (0x80 past them: garbage lanes, as above). */
CJK_AVX2_TARGET static inline __m128i pack_control_table(uint32_t m)
{
    __m128i x = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)fold_pack8[m]));
    return _mm_add_epi16(_mm_mullo_epi16(x, _mm_set1_epi16(0x0202)), _mm_set1_epi16(0x0100));
}

/* The flag bytes of the kept lanes K (8 bits) from the gap bits g, one
 * byte (0 or 1 = FU_GAP) per kept lane, in order, 0 after them. pdep:
 * PEXT and PDEP; else each bit made a byte by a compare and the bytes
 * left-packed by fold_pack8. */
CJK_AVX2_TARGET static inline uint64_t kept_gaps(uint32_t g, uint32_t K, int pdep)
{
    if (pdep)
        return _pdep_u64(_pext_u32(g & K, K), 0x0101010101010101ull);
    const __m128i bit = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
    __m128i b = _mm_and_si128(_mm_cmpeq_epi8(_mm_and_si128(_mm_set1_epi8((char)g), bit), bit),
                              _mm_set1_epi8(1));
    b = _mm_shuffle_epi8(b, _mm_loadl_epi64((const __m128i *)fold_pack8[K]));
    return (uint64_t)_mm_cvtsi128_si64(b);
}

/* The words of fold_table.cjk_codes holding the codes of the 8 code points
 * cp by 8 scalar loads (fold_table.cjk_gather 0), as codes_by_loads16. */
CJK_AVX2_TARGET static inline __m256i codes_by_loads8(const uint32_t *codes, __m256i cp)
{
    uint32_t ix[8];
    _mm256_storeu_si256((__m256i *)ix, _mm256_srli_epi32(cp, 4));
    __asm__("" : "+m"(ix));
    return _mm256_setr_epi32((int)codes[ix[0]], (int)codes[ix[1]], (int)codes[ix[2]],
                             (int)codes[ix[3]], (int)codes[ix[4]], (int)codes[ix[5]],
                             (int)codes[ix[6]], (int)codes[ix[7]]);
}

/* The same step as run_avx512, 8 characters (24 bytes) a block (the last
 * one by masked 4-byte loads: the characters in the whole words before the
 * text's end); stores 8 units and 8 flags whatever it keeps (the fold's
 * buffer has room for every byte left as one unit, plus 8 or more). */
CJK_AVX2_TARGET static size_t run_avx2(const fold_table *ft, const uint8_t *s, size_t n,
                                       size_t max_units, fold_buf *fb, fold_pass *p, int *rc)
{
    const uint16_t *index = ft->trie->index;
    const uint32_t *data = ft->trie->data.ptr32;
    const uint32_t *codes = ft->cjk_codes;
    const int gather = ft->cjk_gather, pdep = ft->pdep_fast;
    /* lane 0: bytes 0..11 of the first load; lane 1: bytes 4..15 of the
     * second (which starts 8 bytes later: bytes 12..23 of the block) */
    const __m256i sel = _mm256_setr_epi8(0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11, 4, 5,
                                         6, 6, 7, 8, 9, 9, 10, 11, 12, 12, 13, 14, 15, 15);
    const __m256i m6 = _mm256_set1_epi32(0x3F);
    size_t i0 = p->i, i = i0, pos = p->pos, next_mark = p->next_mark;
    uint32_t gap = p->gap;
    for (;;) {
        size_t avail = n - i;
        __m256i raw;
        if (avail >= 24) {
            raw = _mm256_loadu2_m128i((const __m128i *)(s + i + 8), (const __m128i *)(s + i));
        } else {
            /* the text's last bytes: the whole 4-byte words before its end
             * by masked loads (no fault past the end); the other bytes read
             * as 0, so a character not wholly loaded fails the shape test */
            unsigned words = (unsigned)(avail / 4);
            __m128i lo = _mm_maskload_epi32(
                (const int *)(s + i),
                _mm_cmpgt_epi32(_mm_set1_epi32((int)words), _mm_setr_epi32(0, 1, 2, 3)));
            __m128i hi = _mm_maskload_epi32(
                (const int *)(s + i + 8),
                _mm_cmpgt_epi32(_mm_set1_epi32((int)words), _mm_setr_epi32(2, 3, 4, 5)));
            raw = _mm256_set_m128i(hi, lo);
        }
        __m256i x = _mm256_shuffle_epi8(raw, sel);
        __m256i shape = _mm256_cmpeq_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x00C0C0F0)),
                                           _mm256_set1_epi32(0x008080E0));
        __m256i h = _mm256_or_si256(
            _mm256_slli_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0xF)), 6),
            _mm256_and_si256(_mm256_srli_epi32(x, 8), m6));
        __m256i cp = _mm256_or_si256(_mm256_slli_epi32(h, 6),
                                     _mm256_and_si256(_mm256_srli_epi32(x, 16), m6));
        __m256i blk = _mm256_srli_epi32(cp, 11);
        __m256i bad = _mm256_or_si256(_mm256_cmpeq_epi32(blk, _mm256_setzero_si256()),
                                      _mm256_cmpeq_epi32(blk, _mm256_set1_epi32(27)));
        uint32_t ok = (uint32_t)_mm256_movemask_ps(
            _mm256_castsi256_ps(_mm256_andnot_si256(bad, shape)));
        unsigned k = (unsigned)__builtin_ctz(~ok);
        if (!k)
            break;
        /* the codes by one gather, as run_avx512's (fold alone, Weibo
         * 1.19x; chat, where few lines have a block of 8, 1.0x) */
        uint32_t want = _bzhi_u32(~0u, k);
        uint32_t ident = 0, gapd = 0, one = 0;
        {
            __m256i w = gather ? _mm256_i32gather_epi32((const int *)codes,
                                                        _mm256_srli_epi32(cp, 4), 4)
                               : codes_by_loads8(codes, cp);
            __m256i c2 = _mm256_srlv_epi32(
                w, _mm256_slli_epi32(_mm256_and_si256(cp, _mm256_set1_epi32(15)), 1));
            /* (each code bit moved to the lane's sign bit) */
            ident = (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(c2, 31)));
            gapd = (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(c2, 30)));
        }
        __m256i v = cp, identv = cp; /* (v = cp: the blend below gives cp whatever identv is) */
        if (__builtin_expect(((ident | gapd) & want) != want, 0)) {
            uint32_t cv[8], vv[8];
            _mm256_storeu_si256((__m256i *)cv, cp);
            __asm__("" : "+m"(cv)); /* (inline, as run_avx512's) */
            for (int j = 0; j < 8; j++)
                vv[j] = data[(uint32_t)index[cv[j] >> UCPTRIE_FAST_SHIFT] +
                             (cv[j] & UCPTRIE_FAST_DATA_MASK)];
            v = _mm256_loadu_si256((const __m256i *)vv);
            __m256i top = _mm256_srli_epi32(v, 28);
            identv = _mm256_cmpeq_epi32(top, _mm256_setzero_si256());
            ident = (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(identv));
            one = (uint32_t)_mm256_movemask_ps(
                _mm256_castsi256_ps(_mm256_cmpeq_epi32(top, _mm256_set1_epi32(8))));
            gapd = (uint32_t)_mm256_movemask_ps(
                _mm256_castsi256_ps(_mm256_cmpeq_epi32(top, _mm256_set1_epi32(6))));
            uint32_t bmp = (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(
                _mm256_cmpeq_epi32(_mm256_and_si256(v, _mm256_set1_epi32(0x1F0000)),
                                   _mm256_setzero_si256())));
            uint32_t easy = bmp & (ident | one | gapd);
            if ((easy & want) != want) {
                k = (unsigned)__builtin_ctz(~easy);
                if (!k)
                    break;
            }
        }
        uint32_t K = (ident | one) & _bzhi_u32(~0u, k);
        unsigned c = (unsigned)__builtin_popcount(K);
        int stop = 0;
        if (pos + c >= next_mark) {
            unsigned jm = pdep ? (unsigned)__builtin_ctz(_pdep_u32(1u << (next_mark - pos - 1), K))
                               : fold_select8[K][next_mark - pos - 1];
            if (next_mark >= max_units) {
                k = jm + 1;
                K &= _bzhi_u32(~0u, k);
                c = (unsigned)(next_mark - pos);
                stop = 1;
            } else if (i + 3 * (size_t)(jm + 1) < n) {
                if (fold_push_mark(fb, i + 3 * (size_t)(jm + 1), next_mark, 0)) {
                    *rc = SCREENER_E_NOMEM;
                    break;
                }
                next_mark += FOLD_MARK_EVERY;
            }
        }
        uint32_t G = gapd & _bzhi_u32(~0u, k);
        /* (the value's low 16 bits: packus saturates a value with its top bit set) */
        __m256i u32 = _mm256_blendv_epi8(_mm256_and_si256(v, _mm256_set1_epi32(0xFFFF)), cp, identv);
        __m128i u = _mm_packus_epi32(_mm256_castsi256_si128(u32), _mm256_extracti128_si256(u32, 1));
        _mm_storeu_si128((__m128i *)(p->o + pos),
                         _mm_shuffle_epi8(u, pdep ? pack_control(K) : pack_control_table(K)));
        uint64_t F = kept_gaps((G << 1) | gap, K, pdep);
        memcpy(p->fl + pos, &F, 8);
        pos += c;
        gap = (G >> (k - 1)) & 1u;
        if (k == 8 && !stop) {
            i += 24;
            continue;
        }
        i += 3 * (size_t)k;
        break;
    }
    return run_end(p, i0, i, pos, next_mark, gap);
}

size_t fold_cjk_run(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                    fold_buf *fb, fold_pass *p, int *rc)
{
    if (ft->ascii_path == FOLD_PATH_AVX512)
        return run_avx512(ft, s, n, max_units, fb, p, rc);
    return run_avx2(ft, s, n, max_units, fb, p, rc);
}

#else

size_t fold_cjk_run(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                    fold_buf *fb, fold_pass *p, int *rc)
{
    (void)ft, (void)s, (void)n, (void)max_units, (void)fb, (void)p, (void)rc;
    return 0;
}

#endif
