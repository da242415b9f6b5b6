/*
 * fold_cjk.c — the fold's vector step for runs of 3-byte UTF-8 (CJK); see
 * fold_cjk.h. AVX-512 (BW, VL, VBMI, VBMI2, with BMI2), compiled for that
 * target only in the functions below and called only where the fold's path
 * is FOLD_PATH_AVX512 (fold_simd.c checks the CPU).
 */
#include "fold_cjk.h"

#include "foldtable.h"

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

/* The trie values of 16 characters from their code points (UCPTRIE_FAST_BMP_GET
 * by scalar loads; lanes that are not characters read some entry in bounds:
 * any BMP code point does). Out of line, so that the compiler reads the
 * code points from memory (a 256-bit store: loads from a 512-bit one were
 * not forwarded, measured) instead of extracting lanes one by one. */
static __attribute__((noinline)) void lookup16(const uint16_t *index, const uint32_t *data,
                                               const uint16_t *cp, uint32_t *v)
{
    for (int j = 0; j < 16; j++)
        v[j] = data[(uint32_t)index[cp[j] >> UCPTRIE_FAST_SHIFT] +
                    (cp[j] & UCPTRIE_FAST_DATA_MASK)];
}

/* The lane of the r-th (from 0) set bit of m. */
CJK_TARGET static inline unsigned nth_bit(uint32_t m, unsigned r)
{
    return (unsigned)__builtin_ctz(_pdep_u32(1u << r, m));
}

CJK_TARGET size_t fold_cjk_run(const fold_table *ft, const uint8_t *s, size_t n,
                               size_t max_units, fold_buf *fb, fold_pass *p, int *rc)
{
    const uint16_t *index = ft->trie->index;
    const uint32_t *data = ft->trie->data.ptr32;
    const __m512i sel = _mm512_loadu_si512(lanes3), m6 = _mm512_set1_epi32(0x3F);
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
        uint16_t cv[16];
        uint32_t vv[16];
        _mm256_storeu_si256((__m256i *)cv, _mm512_cvtepi32_epi16(cp));
        lookup16(index, data, cv, vv);
        __m512i v = _mm512_loadu_si512(vv);
        __m512i top = _mm512_srli_epi32(v, 28); /* kind << 2 | class */
        /* kept as one unit of class FC_OTHER (FV_IDENT 0, FV_ONE 8), a BMP
         * one (no payload bits 16..20), or dropped as a visible separator
         * (FV_DROP, FC_GAP: 6) */
        __mmask16 ident = _mm512_cmpeq_epi32_mask(top, _mm512_setzero_si512());
        __mmask16 one = _mm512_cmpeq_epi32_mask(top, _mm512_set1_epi32(8));
        __mmask16 gapd = _mm512_cmpeq_epi32_mask(top, _mm512_set1_epi32(6));
        __mmask16 bmp = _mm512_testn_epi32_mask(v, _mm512_set1_epi32(0x1F0000));
        uint32_t easy = (uint32_t)(bmp & (ident | one | gapd)), want = _bzhi_u32(~0u, k);
        if (__builtin_expect((easy & want) != want, 0)) {
            k = (unsigned)__builtin_ctz(~easy); /* leading characters taken */
            if (!k)
                break;
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
        __mmask16 cm = (__mmask16)_bzhi_u32(~0u, c);
        _mm256_mask_storeu_epi16(p->o + pos, cm, _mm256_maskz_compress_epi16((__mmask16)K, u));
        _mm_mask_storeu_epi8(p->fl + pos, cm, _mm_maskz_set1_epi8((__mmask16)F, (char)FU_GAP));
        pos += c;
        gap = (G >> (k - 1)) & 1u;
        if (k == 16 && !stop) {
            i += 48; /* a branch, not 3 * k: the next block need not wait for this one */
            continue;
        }
        i += 3 * (size_t)k;
        break;
    }
    if (i != i0) {
        p->prev = 0;
        p->gap = gap;
    }
    p->i = i;
    p->pos = pos;
    p->next_mark = next_mark;
    return i - i0;
}

#else

size_t fold_cjk_run(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                    fold_buf *fb, fold_pass *p, int *rc)
{
    (void)ft, (void)s, (void)n, (void)max_units, (void)fb, (void)p, (void)rc;
    return 0;
}

#endif
