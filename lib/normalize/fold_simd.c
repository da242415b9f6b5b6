/*
 * fold_simd.c — the vector paths of the fold for ASCII runs (see
 * fold_simd.h), the plan they read, and the choice of path.
 *
 * One block (16 or 32 bytes, all ASCII) is folded in four steps:
 *  1. classify: each byte's class byte (FP_*) and unit from the table's
 *     plan, as a step function of the byte value (one compare per step);
 *  2. collapse: a word letter equal to the collapse state before it is a
 *     repeat. Every byte of a block is kept or a gap (a table with bytes
 *     that are neither has no plan), so the state before byte k is the byte
 *     k-1's own (its unit if it collapses, else 0): one shift and a compare;
 *  3. flags: a kept unit has FU_GAP iff the byte before it is a gap (gaps and
 *     repeats are the only bytes not kept, and a repeat never follows a
 *     gap), FU_WORD from its class;
 *  4. left-pack the kept units and their flags (AVX2: pshufb by a table per
 *     8 lanes; SSE2 has no byte shuffle: a branch-free store per lane), and
 *     push the checkpoints that fall inside the block.
 *
 * The same scheme builds the byte view's ASCII runs (byte_view_blocks: its
 * own plan of bytes_ascii, and an origin per byte instead of checkpoints),
 * and fold_units_utf8 writes folded units as UTF-8 (screener_fold_utf8).
 */
#include "fold_simd.h"

#include "common/alloc.h"
#include "common/env.h"

#include <screener.h>

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* SCREENER_NO_SIMD: build the scalar loop only (as off x86-64) */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(SCREENER_NO_SIMD)
#define FOLD_X86 1
#include <immintrin.h>
#else
#define FOLD_X86 0
#endif

#ifndef FOLD_VECTOR_MIN
#define FOLD_VECTOR_MIN 12
#endif

static const char *const path_names[FOLD_PATH_COUNT] = {"scalar", "sse2", "avx2", "avx512"};

const char *fold_path_name(int path)
{
    return path >= 0 && path < FOLD_PATH_COUNT ? path_names[path] : "?";
}

/* ------------------------------------------------------------------ */
/* The choice of path, made once per process                           */
/* ------------------------------------------------------------------ */

static pthread_once_t path_once = PTHREAD_ONCE_INIT;
static int path_best, path_chosen;
#if FOLD_X86
/* pshufb controls of the AVX2 left-pack, per 8-lane mask: the kept bytes
 * (fold_simd.h; fold_cjk.c reads them too) */
uint8_t fold_pack8[256][16];
/* per 8-bit mask, the lane of its r-th set bit (fold_simd.h) */
uint8_t fold_select8[256][8];
/* the same reading lanes 8..15 of a 16-byte source */
static uint8_t pack8h[256][16];
static uint8_t popcount8[256];
#endif

#if FOLD_X86
#include <cpuid.h>

/* AMD before family 0x19 (Zen 1 and 2, and the AVX2 Bulldozer family).
 * These run PDEP/PEXT in microcode: tens to hundreds of cycles each, where
 * Intel and Zen 3+ take 3. Such a CPU still takes the AVX2 path, with the
 * PDEP-free variants of its few PDEP/PEXT steps (fold_table.pdep_fast 0:
 * the checkpoint lanes by a table select, the CJK step's left-pack control
 * and flags by tables and a shuffle). Until 2026-12-01 it took the SSE2
 * path instead. Their gathers are slow too (many micro-ops): the CJK step
 * reads its codes by scalar loads there (fold_table.cjk_gather 0). Both
 * measured on a Zen 2 EPYC (family 0x17), bench/RESULTS.md "AVX2 without
 * fast PDEP". */
static int amd_before_zen3(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d) || b != 0x68747541u) /* "Auth"enticAMD */
        return 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    unsigned family = (a >> 8) & 0xFu;
    if (family == 0xFu)
        family += (a >> 20) & 0xFFu;
    return family < 0x19u;
}

/* Gathers are slow where the microcode mitigates Gather Data Sampling
 * (Intel Skylake to Ice Lake and Tiger Lake, CVE-2022-40982: Intel documents
 * gather-heavy code as up to 50 % slower, and Linux enables the mitigation
 * by default). The kernel says whether it is on; without that file (another
 * system, an older kernel, a sandbox) gathers count as fast. The CJK step
 * then reads its codes by scalar loads (fold_table.cjk_gather 0), as on
 * AMD before Zen 3 (above); not measured on such an Intel CPU here. */
static int gathers_mitigated(void)
{
    FILE *f = fopen("/sys/devices/system/cpu/vulnerabilities/gather_data_sampling", "r");
    if (!f)
        return 0;
    char line[128] = "";
    int slow = fgets(line, sizeof line, f) && !strncmp(line, "Mitigation: Microcode", 21);
    fclose(f);
    return slow;
}

#endif

static int gather_fast, pdep_fast;
/* screener_cpu_path's text, made once after the choice */
static char path_text[96];

static void path_init(void)
{
    path_best = FOLD_PATH_SCALAR;
#if FOLD_X86
    for (unsigned m = 0; m < 256; m++) {
        unsigned t = 0;
        memset(fold_pack8[m], 0x80, 16);
        for (unsigned b = 0; b < 8; b++)
            if (m >> b & 1u) {
                fold_pack8[m][t] = (uint8_t)b;
                t++;
            }
        popcount8[m] = (uint8_t)t;
        for (unsigned r = 0; r < 8; r++)
            fold_select8[m][r] = r < t ? fold_pack8[m][r] : 0;
        for (unsigned b = 0; b < 16; b++)
            pack8h[m][b] = fold_pack8[m][b] == 0x80 ? 0x80 : (uint8_t)(fold_pack8[m][b] + 8);
    }
    __builtin_cpu_init();
    path_best = FOLD_PATH_SSE2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
        __builtin_cpu_supports("popcnt"))
        path_best = FOLD_PATH_AVX2;
    pdep_fast = !amd_before_zen3() && !env_is("SCREENER_PDEP", "slow");
    if (path_best == FOLD_PATH_AVX2 && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") &&
        __builtin_cpu_supports("avx512vbmi2"))
        path_best = FOLD_PATH_AVX512;
    gather_fast = !gathers_mitigated() && !amd_before_zen3() && !env_is("SCREENER_GATHER", "slow");
#endif
    path_chosen = path_best;
    const char *want = getenv("SCREENER_CPU");
    for (int p = 0; want && p < FOLD_PATH_COUNT; p++)
        if (!strcmp(want, path_names[p]))
            path_chosen = p < path_best ? p : path_best;
    /* (the PDEP switch matters on the AVX2 path only; the gather one on
     * both vector paths, which run the CJK step) */
    snprintf(path_text, sizeof path_text, "%s%s%s", path_names[path_chosen],
             path_chosen == FOLD_PATH_AVX2 && !pdep_fast ? ", without PDEP" : "",
             path_chosen >= FOLD_PATH_AVX2 && !gather_fast ? ", without gathers" : "");
}

int fold_cpu_path(void)
{
    pthread_once(&path_once, path_init);
    return path_chosen;
}

int fold_gathers_fast(void)
{
    pthread_once(&path_once, path_init);
    return gather_fast;
}

SCREENER_API const char *screener_cpu_path(void)
{
    pthread_once(&path_once, path_init);
    return path_text;
}

int fold_pdep_fast(void)
{
    pthread_once(&path_once, path_init);
    return pdep_fast;
}

int fold_path_supported(int path)
{
    pthread_once(&path_once, path_init);
    return path >= 0 && path <= path_best;
}

/* ------------------------------------------------------------------ */
/* The plan                                                            */
/* ------------------------------------------------------------------ */

/* The steps of the class bytes cls[0..128) into above/dflags (rows of 32
 * bytes; rows past the steps add nothing: no ASCII byte is above 0x7F).
 * Returns the steps, or max + 1 if there are more than max. */
static unsigned plan_steps(const uint8_t *cls, unsigned max, uint8_t (*above)[32],
                           uint8_t (*dflags)[32])
{
    unsigned n = 0;
    for (uint32_t c = 1; c < 128; c++) {
        if (cls[c] == cls[c - 1])
            continue;
        if (n == max)
            return max + 1;
        memset(above[n], (int)c - 1, 32);
        memset(dflags[n], cls[c] - cls[c - 1], 32);
        n++;
    }
    for (unsigned j = n; j < max; j++) {
        memset(above[j], 0x7F, 32);
        memset(dflags[j], 0, 32);
    }
    return n;
}

/* The byte view's plan (ft->bplan_*): every ASCII byte kept as one byte
 * (its value, or shifted by the one amount the table uses: lowercase), a
 * gap, or BA_SLOW (the general path's), in at most BV_PLAN_STEPS steps;
 * else none (bplan_ok 0: the byte view's scalar loop). */
static void byte_view_plan(fold_table *ft)
{
    uint8_t cls[128];
    uint32_t delta = 0;
    ft->bplan_ok = 0;
    for (uint32_t c = 0; c < 128; c++) {
        uint32_t a = ft->bytes_ascii[c], x = a & 0xFFu;
        if (a & BA_SLOW) {
            cls[c] = BP_SLOW;
        } else if (x) {
            cls[c] = BP_KEEP;
            if (x != c) {
                if (delta && delta != ((x - c) & 0xFFu))
                    return; /* two shifts */
                delta = (x - c) & 0xFFu;
                cls[c] |= BP_DELTA;
            }
        } else if (a & BA_GAP) {
            cls[c] = BP_GAP;
        } else {
            return; /* dropped without a gap: the gap state passes over it */
        }
    }
    unsigned n = plan_steps(cls, BV_PLAN_STEPS, ft->bplan_above, ft->bplan_dflags);
    if (n > BV_PLAN_STEPS)
        return;
    ft->bplan_n = (uint8_t)n;
    ft->bplan_flags0 = cls[0];
    ft->bplan_delta = (uint8_t)delta;
    ft->bplan_ok = 1;
}

void fold_simd_plan(fold_table *ft)
{
    byte_view_plan(ft);
    uint8_t cls[128];
    uint32_t delta = 0;
    ft->plan_ok = 0;
    ft->plan_narrow = 0;
    ft->plan_n = 0;
    ft->ascii_path = FOLD_PATH_SCALAR;
    ft->cjk_gather = (uint8_t)fold_gathers_fast();
    ft->pdep_fast = (uint8_t)fold_pdep_fast();
    for (uint32_t c = 0; c < 128; c++) {
        uint32_t a = ft->ascii_fast[c], u = a & 0xFFFFu;
        if (a & FA_KEEP) {
            if (u > 0xFF || ((a & FA_COLL) && u == 0))
                return; /* a unit the block cannot carry in a byte */
            cls[c] = (uint8_t)(FP_KEEP | (a & FA_COLL ? FP_COLL : 0) | (a & FA_WORD ? FP_WORD : 0));
            if (u != c) {
                if (delta && delta != ((u - c) & 0xFFu))
                    return; /* two shifts */
                delta = (u - c) & 0xFFu;
                cls[c] |= FP_DELTA;
            }
        } else if (a & FA_GAP) {
            /* no unit: FP_DELTA as the byte before, so as not to add a step */
            cls[c] = (uint8_t)(FP_GAP | (c ? cls[c - 1] & FP_DELTA : 0));
        } else {
            return; /* dropped without a gap: the collapse state passes over it */
        }
    }
    unsigned n = plan_steps(cls, FOLD_PLAN_STEPS, ft->plan_above, ft->plan_dflags);
    if (n > FOLD_PLAN_STEPS)
        return;
    for (uint32_t c = 0; c < 128; c++) {
        ft->plan_cls[c] = cls[c];
        ft->plan_unit[c] = (uint8_t)(ft->ascii_fast[c] & FA_KEEP ? ft->ascii_fast[c] : 0);
    }
    ft->plan_n = (uint8_t)n;
    ft->plan_flags0 = cls[0];
    ft->plan_delta = (uint8_t)delta;
    ft->plan_ok = 1;
    ft->plan_narrow = 1;
    for (uint32_t c = 0; c < 128; c++)
        if (ft->plan_unit[c] >= 0x80)
            ft->plan_narrow = 0;
    ft->ascii_path = (uint8_t)fold_cpu_path();
}

#if FOLD_X86

/* ------------------------------------------------------------------ */
/* Shared by both paths                                                */
/* ------------------------------------------------------------------ */

/* Index of the r-th (from 0) set bit of m, r < popcount(m). */
static inline unsigned select_loop(uint64_t m, size_t r)
{
    while (r--)
        m &= m - 1;
    return (unsigned)__builtin_ctzll(m);
}

/* The same for m of at most 32 bits without PDEP or a loop per bit (the
 * AVX2 blocks where PDEP is slow, fold_table.pdep_fast 0): the byte that
 * holds it from the bytes' running counts (SWAR: each count is at most 32,
 * so a byte's top bit after (count | 0x80) - (r + 1) says count > r), then
 * fold_select8 within that byte. */
static inline unsigned select32_table(uint64_t m, size_t r)
{
    uint32_t x = (uint32_t)m;
    uint32_t c = x - ((x >> 1) & 0x55555555u);
    c = (c & 0x33333333u) + ((c >> 2) & 0x33333333u);
    c = (c + (c >> 4)) & 0x0F0F0F0Fu;
    uint32_t run = c * 0x01010101u; /* byte b: the set bits in bytes 0..b */
    uint32_t past = ((run | 0x80808080u) - (uint32_t)(r + 1) * 0x01010101u) & 0x80808080u;
    unsigned b = (unsigned)__builtin_ctz(past) >> 3;
    unsigned before = (run << 8) >> (8 * b) & 0xFFu; /* the set bits in bytes 0..b-1 */
    return 8 * b + fold_select8[(x >> (8 * b)) & 0xFFu][r - before];
}

/*
 * Room in fb for the checkpoints the block loop may push from byte i of a
 * text of n bytes (at most one per FOLD_MARK_EVERY units, at most one unit
 * per ASCII byte, no further than the budget allows), so that block_marks
 * stores them without a check. Returns 0, or -1 when out of memory.
 */
static int marks_reserve(fold_buf *fb, size_t i, size_t n, size_t pos, size_t max_units)
{
    size_t units = n - i;
    if (max_units > pos && max_units - pos < units)
        units = max_units - pos;
    size_t extra = units / FOLD_MARK_EVERY + 2;
    if (fb->cap_marks - fb->n_marks >= extra)
        return 0;
    size_t cap = fb->cap_marks ? fb->cap_marks : 64;
    while (cap - fb->n_marks < extra)
        cap *= 2;
    fold_mark *m = mem_realloc(fb->marks, cap * sizeof *m);
    if (!m)
        return -1;
    fb->marks = m;
    fb->cap_marks = cap;
    return 0;
}

/* The checkpoint at lane k of a block at byte i (block_marks and
 * block_marks32): pushed at *mkp, and 1 returned; or, when it reaches
 * max_units, *am trimmed to the lanes before k and 0 returned (the block
 * is cut there). */
static inline int push_mark(fold_mark **mkp, size_t i, unsigned k, size_t *next_mark,
                            size_t max_units, uint64_t *am, const uint8_t *vb)
{
    if (*next_mark >= max_units) {
        *am &= (1ull << k) - 1;
        return 0;
    }
    fold_mark *mk = (*mkp)++;
    mk->byte = (uint32_t)(i + k);
    mk->unit = (uint32_t)*next_mark;
    mk->prev = vb[k - 1];
    *next_mark += FOLD_MARK_EVERY;
    return 1;
}

/*
 * The checkpoints inside a block of `lanes` bytes at byte i whose kept
 * lanes are *am (cnt of them); vb: the collapse state after each lane;
 * sel: select_loop or a faster equivalent. Pushes each checkpoint that
 * falls before the block's last lane at *mkp (the next free entry of
 * fb->marks, where marks_reserve made room; the caller stores the count
 * back: stores through the unit and flag pointers, which may alias
 * anything, would make fb->n_marks a load and a store per push); at one that
 * reaches max_units the block is cut there (returns the lanes to take, *am
 * trimmed).
 */
static inline size_t block_marks(fold_mark **mkp, size_t i, size_t pos, size_t *next_mark,
                                 size_t max_units, uint64_t *am, unsigned cnt, unsigned lanes,
                                 const uint8_t *vb, unsigned (*sel)(uint64_t, size_t))
{
    size_t need = *next_mark - pos;
    while (cnt >= need) {
        unsigned k = sel(*am, need - 1) + 1;
        if (k >= lanes)
            break; /* due at the next block's first byte: the caller's loop */
        if (!push_mark(mkp, i, k, next_mark, max_units, am, vb))
            return k; /* the budget: the pass ends at this checkpoint */
        need += FOLD_MARK_EVERY;
    }
    return lanes;
}

/* Where a block loop starting at unit pos writes the units' bytes too
 * (fold_buf.bytes): when the table folds ASCII to ASCII and every unit
 * before pos has its byte (the loop keeps the run going: it sets n_bytes to
 * its last unit); else NULL. The buffer grows with the units' (fold.c,
 * grow_units), so its stores have the same room as the flags'. */
static inline uint8_t *bytes_out(const fold_table *ft, fold_buf *fb, size_t pos)
{
    return ft->plan_narrow && fb->n_bytes == pos && fb->cap_bytes >= fb->cap ? fb->bytes : NULL;
}

/* The gap state after the first `lim` lanes: 1 if a gap lane follows the
 * last kept lane (or, with none kept, if there was one before or any gap). */
static inline uint32_t block_gap(uint64_t am, uint64_t gm, uint32_t gap, size_t lim)
{
    if (lim < 64)
        gm &= (1ull << lim) - 1;
    if (am)
        return (gm >> (63 - __builtin_clzll(am))) ? FU_GAP : 0;
    return gap || gm ? FU_GAP : 0;
}

/* Lanes of the window at s[i..n) that a block takes: up to W bytes, and
 * only its ASCII prefix (nonascii: the window's bytes >= 0x80). */
static inline size_t window_lanes(size_t i, size_t n, size_t w, uint64_t nonascii)
{
    size_t lanes = n - i < w ? n - i : w;
    if (nonascii && (size_t)__builtin_ctzll(nonascii) < lanes)
        lanes = (size_t)__builtin_ctzll(nonascii);
    return lanes;
}

/* The window of w bytes at s + i: the text itself, or for the text's last
 * bytes a copy padded with NULs (no read past the end). */
static inline const uint8_t *window_at(const uint8_t *s, size_t i, size_t n, size_t w,
                                       uint8_t *tail)
{
    if (n - i >= w)
        return s + i;
    memset(tail, 0, w);
    memcpy(tail, s + i, n - i);
    return tail;
}

/* The pass state a block loop keeps in locals, and its write-back. */
#define PASS_LOCALS(p)                                                                       \
    size_t i = (p)->i, pos = (p)->pos, next_mark = (p)->next_mark;                          \
    uint32_t prev = (p)->prev, gap = (p)->gap;                                               \
    uint16_t *o = (p)->o;                                                                    \
    uint8_t *fl = (p)->fl

static inline size_t pass_store(fold_pass *p, size_t i, size_t pos, size_t next_mark,
                                uint32_t prev, uint32_t gap)
{
    size_t took = i - p->i;
    p->i = i;
    p->pos = pos;
    p->prev = prev;
    p->gap = gap;
    p->next_mark = next_mark;
    return took;
}

/* ------------------------------------------------------------------ */
/* SSE2: 16 bytes a block                                              */
/* ------------------------------------------------------------------ */

static inline unsigned popcount16(uint32_t m)
{
    return popcount8[m & 0xFF] + popcount8[(m >> 8) & 0xFF];
}

static size_t blocks_sse2(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                          fold_buf *fb, fold_pass *p, int *rc)
{
    PASS_LOCALS(p);
    if (marks_reserve(fb, i, n, pos, max_units)) {
        *rc = SCREENER_E_NOMEM;
        return 0;
    }
    fold_mark *mk = fb->marks + fb->n_marks;
    uint8_t *ob = bytes_out(ft, fb, pos);
    const unsigned steps = ft->plan_n;
    const __m128i coll = _mm_set1_epi8((char)FP_COLL), one = _mm_set1_epi8(1),
                  word = _mm_set1_epi8((char)FP_WORD), zero = _mm_setzero_si128(),
                  dbit = _mm_set1_epi8((char)FP_DELTA),
                  delta = _mm_set1_epi8((char)ft->plan_delta),
                  flags0 = _mm_set1_epi8((char)ft->plan_flags0);
    uint8_t tail[16];
    while (i < n && pos < next_mark) {
        __m128i x = _mm_loadu_si128((const __m128i *)window_at(s, i, n, 16, tail));
        size_t lanes = window_lanes(i, n, 16, (uint32_t)_mm_movemask_epi8(x));
        if (!lanes)
            break;
        uint32_t lm = (1u << lanes) - 1;
        /* 1. classify */
        __m128i f = flags0;
        for (unsigned j = 0; j < steps; j++) {
            __m128i ge = _mm_cmpgt_epi8(x, _mm_loadu_si128((const __m128i *)ft->plan_above[j]));
            f = _mm_add_epi8(f,
                             _mm_and_si128(ge, _mm_loadu_si128((const __m128i *)ft->plan_dflags[j])));
        }
        __m128i dm8 = _mm_cmpeq_epi8(_mm_and_si128(f, dbit), dbit);
        __m128i u = _mm_add_epi8(x, _mm_and_si128(dm8, delta));
        /* 2. collapse */
        __m128i cm = _mm_cmpeq_epi8(_mm_and_si128(f, coll), coll);
        __m128i v = _mm_and_si128(u, cm);
        __m128i before = _mm_or_si128(_mm_slli_si128(v, 1),
                                      _mm_cvtsi32_si128(prev < 0x100 ? (int)prev : 0));
        uint32_t dm = (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(u, before), cm));
        uint64_t am = (uint32_t)_mm_movemask_epi8(f) & ~dm & lm; /* FP_KEEP is bit 7 */
        uint32_t gm = (uint32_t)_mm_movemask_epi8(_mm_slli_epi16(f, 7)) & lm;
        /* 3. flags */
        __m128i fo = _mm_or_si128(_mm_slli_si128(_mm_and_si128(f, one), 1),
                                  _mm_cvtsi32_si128((int)gap));
        fo = _mm_or_si128(fo, _mm_and_si128(f, word));
        uint8_t vb[16];
        _mm_storeu_si128((__m128i *)vb, v);
        size_t lim = block_marks(&mk, i, pos, &next_mark, max_units, &am, popcount16((uint32_t)am),
                                 (unsigned)lanes, vb, select_loop);
        /* 4. left-pack */
        if (am == 0xFFFF) {
            _mm_storeu_si128((__m128i *)(o + pos), _mm_unpacklo_epi8(u, zero));
            _mm_storeu_si128((__m128i *)(o + pos + 8), _mm_unpackhi_epi8(u, zero));
            _mm_storeu_si128((__m128i *)(fl + pos), fo);
            if (ob)
                _mm_storeu_si128((__m128i *)(ob + pos), u);
            pos += 16;
        } else {
            uint8_t ub[16], fb8[16];
            _mm_storeu_si128((__m128i *)ub, u);
            _mm_storeu_si128((__m128i *)fb8, fo);
            size_t p0 = pos;
            for (unsigned k = 0; k < 16; k++) {
                o[pos] = ub[k];
                fl[pos] = fb8[k];
                pos += (am >> k) & 1u;
            }
            for (unsigned k = 0; ob && k < 16; k++) {
                ob[p0] = ub[k];
                p0 += (am >> k) & 1u;
            }
        }
        prev = vb[lim - 1];
        gap = block_gap(am, gm, gap, lim);
        i += lim;
        if (lim < 16)
            break;
    }
    fb->n_marks = (size_t)(mk - fb->marks);
    if (ob)
        fb->n_bytes = pos;
    return pass_store(p, i, pos, next_mark, prev, gap);
}

/* ------------------------------------------------------------------ */
/* AVX2: 32 bytes a block                                              */
/* ------------------------------------------------------------------ */

#define AVX2_TARGET __attribute__((target("avx2,bmi,bmi2,popcnt")))

_Static_assert(FOLD_MARK_EVERY == 16, "block_marks32: ranks every 16 (the PDEP pattern)");

/* block_marks for the 32-byte blocks: the kept lanes at which a checkpoint
 * falls (the need-th kept lane, then every FOLD_MARK_EVERY-th: at most two
 * in a block) are one PDEP of their ranks into the kept lanes *am, instead
 * of a search per checkpoint through a function pointer (which stayed a
 * call); their collapse states from vb. (The same for the 64-byte blocks,
 * with the states from one compress of the block instead of vb, was no
 * faster by the clock: not kept.) */
AVX2_TARGET static inline size_t block_marks32(fold_mark **mkp, size_t i, size_t pos,
                                               size_t *next_mark, size_t max_units, uint64_t *am,
                                               unsigned cnt, unsigned lanes, const uint8_t *vb)
{
    size_t need = *next_mark - pos;
    if (cnt < need)
        return lanes;
    /* ranks need, need + 16, ... up to cnt (need <= cnt <= 32) */
    uint64_t at = _pdep_u64(_bzhi_u64(0x0001000100010001ull << (need - 1), cnt), *am);
    for (; at; at &= at - 1) {
        unsigned k = (unsigned)__builtin_ctzll(at) + 1;
        if (k >= lanes)
            break; /* due at the next block's first byte: the caller's loop */
        if (!push_mark(mkp, i, k, next_mark, max_units, am, vb))
            return k; /* the budget: the pass ends at this checkpoint */
    }
    return lanes;
}

/* Left-pack the kept lanes (mask m) of the 32 unit bytes u and flags f:
 * four groups of 8 lanes, each one pshufb for the bytes (zero-extended to
 * the units; stored as they are at ob too, the fold's byte copy, unless ob
 * is NULL) and one for the flags, by the same control; the tables for the
 * upper 8 lanes of a 16-byte half read bytes 8..15 (no shift of the
 * source). */
AVX2_TARGET static inline size_t pack8_lanes(__m128i us, __m128i fs, uint32_t b,
                                             const uint8_t (*t8)[16], uint16_t *o, uint8_t *fl,
                                             uint8_t *ob, size_t pos)
{
    const __m128i c = _mm_loadu_si128((const __m128i *)t8[b]);
    const __m128i by = _mm_shuffle_epi8(us, c);
    _mm_storeu_si128((__m128i *)(o + pos), _mm_cvtepu8_epi16(by));
    _mm_storel_epi64((__m128i *)(fl + pos), _mm_shuffle_epi8(fs, c));
    if (ob)
        _mm_storel_epi64((__m128i *)(ob + pos), by);
    return pos + (size_t)_mm_popcnt_u32(b);
}

AVX2_TARGET static inline size_t pack32_lanes(__m256i u, __m256i f, uint32_t m, uint16_t *o,
                                              uint8_t *fl, uint8_t *ob, size_t pos)
{
    const __m128i u0 = _mm256_castsi256_si128(u), u1 = _mm256_extracti128_si256(u, 1),
                  f0 = _mm256_castsi256_si128(f), f1 = _mm256_extracti128_si256(f, 1);
    pos = pack8_lanes(u0, f0, m & 0xFF, fold_pack8, o, fl, ob, pos);
    pos = pack8_lanes(u0, f0, (m >> 8) & 0xFF, pack8h, o, fl, ob, pos);
    pos = pack8_lanes(u1, f1, (m >> 16) & 0xFF, fold_pack8, o, fl, ob, pos);
    return pack8_lanes(u1, f1, m >> 24, pack8h, o, fl, ob, pos);
}

/* Class bytes f plus step j of the plan for the 32 bytes x. */
AVX2_TARGET static inline __m256i step32(const fold_table *ft, unsigned j, __m256i x, __m256i f)
{
    __m256i ge = _mm256_cmpgt_epi8(x, _mm256_loadu_si256((const __m256i *)ft->plan_above[j]));
    return _mm256_add_epi8(
        f, _mm256_and_si256(ge, _mm256_loadu_si256((const __m256i *)ft->plan_dflags[j])));
}

/* The class bytes (FP_*) of the 32 bytes x from the plan's steps; rows past
 * plan_n add nothing (fold_simd_plan), so a plan of up to 6 (8) steps runs 6
 * (8) unrolled steps. */
AVX2_TARGET static inline __m256i classify32(const fold_table *ft, __m256i x, __m256i flags0)
{
    __m256i f = flags0;
    if (ft->plan_n <= 6) { /* the built tables */
#pragma GCC unroll 6
        for (unsigned j = 0; j < 6; j++)
            f = step32(ft, j, x, f);
    } else if (ft->plan_n <= 8) {
#pragma GCC unroll 8
        for (unsigned j = 0; j < 8; j++)
            f = step32(ft, j, x, f);
    } else {
        for (unsigned j = 0; j < ft->plan_n; j++)
            f = step32(ft, j, x, f);
    }
    return f;
}

/* one byte per lane: 0xFF at lane 0 of the window at onehot + 32 - k
 * shifted to lane k */
static const uint8_t onehot[64] = {[32] = 0xFF};

/* v shifted up one lane, `in` (a byte, broadcast in `inv`) at lane k: the
 * window's lane k is the block's first byte (k > 0 only for the text's last
 * block, read as the window that ends at the text's end) */
AVX2_TARGET static inline __m256i shift_in_at(__m256i v, __m256i inv, __m256i at_k)
{
    __m256i t = _mm256_permute2x128_si256(v, v, 0x08); /* [0, v.lo] */
    return _mm256_blendv_epi8(_mm256_alignr_epi8(v, t, 15), inv, at_k);
}

/*
 * The AVX2 block loop. A block is the 32-byte window at s + base whose
 * lanes [k0, end) are the text's bytes i.. that it folds: k0 = 0 and base =
 * i except for the text's last bytes, read as the window that ends at the
 * text's end (k0 = the lanes already folded; no copy, no read past the
 * end); a text shorter than a window goes through a padded copy.
 */
AVX2_TARGET static size_t blocks_avx2(const fold_table *ft, const uint8_t *s, size_t n,
                                      size_t max_units, fold_buf *fb, fold_pass *p, int *rc)
{
    PASS_LOCALS(p);
    if (marks_reserve(fb, i, n, pos, max_units)) {
        *rc = SCREENER_E_NOMEM;
        return 0;
    }
    fold_mark *mk = fb->marks + fb->n_marks;
    uint8_t *ob = bytes_out(ft, fb, pos);
    const int pdep = ft->pdep_fast;
    const __m256i coll = _mm256_set1_epi8((char)FP_COLL), one = _mm256_set1_epi8(1),
                  word = _mm256_set1_epi8((char)FP_WORD), dbit = _mm256_set1_epi8((char)FP_DELTA),
                  delta = _mm256_set1_epi8((char)ft->plan_delta),
                  flags0 = _mm256_set1_epi8((char)ft->plan_flags0);
    uint8_t tail[32];
    while (i < n && pos < next_mark) {
        size_t base = i, k0 = 0;
        const uint8_t *src = s + i;
        if (n - i < 32) {
            if (n >= 32) {
                base = n - 32;
                k0 = i - base;
                src = s + base;
            } else {
                memset(tail, 0, 32);
                memcpy(tail, s + i, n - i);
                src = tail;
            }
        }
        __m256i x = _mm256_loadu_si256((const __m256i *)src);
        uint32_t from = ~0u << k0; /* the lanes not folded yet */
        uint32_t nonascii = (uint32_t)_mm256_movemask_epi8(x) & from;
        size_t end = n - base < 32 ? n - base : 32;
        if (nonascii && (size_t)__builtin_ctz(nonascii) < end)
            end = (size_t)__builtin_ctz(nonascii);
        if (end <= k0)
            break;
        uint32_t lm = (end == 32 ? ~0u : (1u << end) - 1) & from;
        __m256i f = classify32(ft, x, flags0);
        __m256i dm8 = _mm256_cmpeq_epi8(_mm256_and_si256(f, dbit), dbit);
        __m256i u = _mm256_add_epi8(x, _mm256_and_si256(dm8, delta));
        __m256i cm = _mm256_cmpeq_epi8(_mm256_and_si256(f, coll), coll);
        __m256i v = _mm256_and_si256(u, cm);
        __m256i at_k = _mm256_loadu_si256((const __m256i *)(onehot + 32 - k0));
        __m256i before =
            shift_in_at(v, _mm256_set1_epi8((char)(prev < 0x100 ? prev : 0)), at_k);
        uint32_t dm =
            (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(u, before), cm));
        uint64_t am = (uint32_t)_mm256_movemask_epi8(f) & ~dm & lm;
        uint32_t gm = (uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(f, 7)) & lm;
        __m256i fo = _mm256_or_si256(
            shift_in_at(_mm256_and_si256(f, one), _mm256_set1_epi8((char)gap), at_k),
            _mm256_and_si256(f, word));
        uint8_t vb[32];
        _mm256_storeu_si256((__m256i *)vb, v);
        unsigned cnt = (unsigned)__builtin_popcountll(am);
        size_t lim = pdep ? block_marks32(&mk, base, pos, &next_mark, max_units, &am, cnt,
                                          (unsigned)end, vb)
                          : block_marks(&mk, base, pos, &next_mark, max_units, &am, cnt,
                                        (unsigned)end, vb, select32_table);
        if (am == 0xFFFFFFFFu) {
            _mm256_storeu_si256((__m256i *)(o + pos),
                                _mm256_cvtepu8_epi16(_mm256_castsi256_si128(u)));
            _mm256_storeu_si256((__m256i *)(o + pos + 16),
                                _mm256_cvtepu8_epi16(_mm256_extracti128_si256(u, 1)));
            _mm256_storeu_si256((__m256i *)(fl + pos), fo);
            if (ob)
                _mm256_storeu_si256((__m256i *)(ob + pos), u);
            pos += 32;
        } else {
            pos = pack32_lanes(u, fo, (uint32_t)am, o, fl, ob, pos);
        }
        prev = vb[lim - 1];
        gap = block_gap(am, gm, gap, lim);
        i = base + lim;
        if (lim < 32)
            break;
    }
    fb->n_marks = (size_t)(mk - fb->marks);
    if (ob)
        fb->n_bytes = pos;
    return pass_store(p, i, pos, next_mark, prev, gap);
}

/* ------------------------------------------------------------------ */
/* The byte view's ASCII runs, AVX2 (also on the AVX-512 path)          */
/* ------------------------------------------------------------------ */

/* Byte classes (BP_*) of the 32 bytes x from the byte view's plan. */
AVX2_TARGET static inline __m256i bclassify32(const fold_table *ft, __m256i x)
{
    __m256i f = _mm256_set1_epi8((char)ft->bplan_flags0);
#pragma GCC unroll 8
    for (unsigned j = 0; j < BV_PLAN_STEPS; j++) {
        if (j >= 4 && ft->bplan_n <= 4)
            break; /* (the built tables: 4 steps) */
        __m256i ge = _mm256_cmpgt_epi8(x, _mm256_loadu_si256((const __m256i *)ft->bplan_above[j]));
        f = _mm256_add_epi8(
            f, _mm256_and_si256(ge, _mm256_loadu_si256((const __m256i *)ft->bplan_dflags[j])));
    }
    return f;
}

/* Left-pack 8 lanes (mask b, table t8) of the view bytes t, flags f and
 * lane numbers (iota) into the view at w; from = base + lane. */
AVX2_TARGET static inline size_t bpack8(__m128i t, __m128i f, __m128i iota, uint32_t b,
                                        const uint8_t (*t8)[16], uint32_t base, uint8_t *text,
                                        uint8_t *flags, uint32_t *from, size_t w)
{
    const __m128i c = _mm_loadu_si128((const __m128i *)t8[b]);
    _mm_storel_epi64((__m128i *)(text + w), _mm_shuffle_epi8(t, c));
    _mm_storel_epi64((__m128i *)(flags + w), _mm_shuffle_epi8(f, c));
    __m256i lane = _mm256_cvtepu8_epi32(_mm_shuffle_epi8(iota, c));
    _mm256_storeu_si256((__m256i *)(from + w),
                        _mm256_add_epi32(lane, _mm256_set1_epi32((int)base)));
    return w + (size_t)_mm_popcnt_u32(b);
}

/*
 * The byte view's blocks of 32 ASCII bytes from *i, as the fold's: classify
 * (keep, shift, gap, slow), a kept byte's BV_GAP from the lane before it
 * (every byte of a planned table is kept, a gap or slow, and a slow byte
 * ends the block), left-pack bytes, flags and origins. The text's last
 * bytes are read as the window that ends at its end. Only while a block
 * fits below stop (the buffers' room and the budget: a block writes at most
 * 32 entries). Returns the new w.
 */
AVX2_TARGET static size_t bv_blocks_avx2(const fold_table *ft, const uint8_t *s, size_t len,
                                         size_t *ip, size_t w, size_t stop, uint8_t *gap,
                                         uint8_t *text, uint8_t *flags, uint32_t *from)
{
    const __m256i dbit = _mm256_set1_epi8((char)BP_DELTA), one = _mm256_set1_epi8(1),
                  delta = _mm256_set1_epi8((char)ft->bplan_delta),
                  iota = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                          17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
                                          31);
    size_t k = *ip;
    uint32_t g = *gap;
    while (k < len && stop - w >= 32) {
        size_t base = k, k0 = 0;
        if (len - k < 32) {
            base = len - 32; /* (len >= 32: the caller's check) */
            k0 = k - base;
        }
        __m256i x = _mm256_loadu_si256((const __m256i *)(s + base));
        __m256i f = bclassify32(ft, x);
        uint32_t fresh = ~0u << k0;
        uint32_t ends = ((uint32_t)_mm256_movemask_epi8(x) |
                         (uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(f, 1))) & fresh;
        size_t end = ends ? (size_t)__builtin_ctz(ends) : 32;
        if (end <= k0)
            break;
        uint32_t lm = (end == 32 ? ~0u : (1u << end) - 1) & fresh;
        uint32_t km = (uint32_t)_mm256_movemask_epi8(f) & lm;
        uint32_t gm = (uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(f, 7)) & lm;
        __m256i t = _mm256_add_epi8(
            x, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(f, dbit), dbit), delta));
        __m256i at_k = _mm256_loadu_si256((const __m256i *)(onehot + 32 - k0));
        __m256i fo = shift_in_at(_mm256_and_si256(f, one), _mm256_set1_epi8((char)g), at_k);
        const __m128i t0 = _mm256_castsi256_si128(t), t1 = _mm256_extracti128_si256(t, 1),
                      f0 = _mm256_castsi256_si128(fo), f1 = _mm256_extracti128_si256(fo, 1),
                      i0 = _mm256_castsi256_si128(iota), i1 = _mm256_extracti128_si256(iota, 1);
        uint32_t b32 = (uint32_t)base;
        w = bpack8(t0, f0, i0, km & 0xFF, fold_pack8, b32, text, flags, from, w);
        w = bpack8(t0, f0, i0, (km >> 8) & 0xFF, pack8h, b32, text, flags, from, w);
        w = bpack8(t1, f1, i1, (km >> 16) & 0xFF, fold_pack8, b32, text, flags, from, w);
        w = bpack8(t1, f1, i1, km >> 24, pack8h, b32, text, flags, from, w);
        g = block_gap(km, gm, g, end) ? BP_GAP : 0;
        k = base + end;
        if (end < 32)
            break;
    }
    *ip = k;
    *gap = (uint8_t)g;
    return w;
}

/* ------------------------------------------------------------------ */
/* AVX-512 (BW, VBMI, VBMI2): 64 bytes a block                         */
/* ------------------------------------------------------------------ */

#define AVX512_TARGET                                                                        \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,avx2,bmi,bmi2,"  \
                          "popcnt")))

/* vpermb indices that move every byte up one lane (lane 0 is set apart) */
static const uint8_t up_one[64] = {
    0,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,
    43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62};

AVX512_TARGET static inline unsigned select_pdep64(uint64_t m, size_t r)
{
    return (unsigned)__builtin_ctzll(_pdep_u64(1ull << r, m));
}

/* The classification is two 128-entry byte lookups (vpermi2b) instead of
 * the steps; the left-pack is vpcompressw/vpcompressb with masked stores. */
AVX512_TARGET static size_t blocks_avx512(const fold_table *ft, const uint8_t *s, size_t n,
                                          size_t max_units, fold_buf *fb, fold_pass *p, int *rc)
{
    PASS_LOCALS(p);
    if (marks_reserve(fb, i, n, pos, max_units)) {
        *rc = SCREENER_E_NOMEM;
        return 0;
    }
    fold_mark *mk = fb->marks + fb->n_marks;
    uint8_t *ob = bytes_out(ft, fb, pos);
    const __m512i clo = _mm512_loadu_si512(ft->plan_cls), chi = _mm512_loadu_si512(ft->plan_cls + 64),
                  ulo = _mm512_loadu_si512(ft->plan_unit),
                  uhi = _mm512_loadu_si512(ft->plan_unit + 64),
                  up = _mm512_loadu_si512(up_one), coll = _mm512_set1_epi8((char)FP_COLL),
                  one = _mm512_set1_epi8(1), word = _mm512_set1_epi8((char)FP_WORD);
    while (i < n && pos < next_mark) {
        /* the text's last bytes: a masked load (no fault past the end) */
        __m512i x = n - i >= 64 ? _mm512_loadu_si512(s + i)
                                : _mm512_maskz_loadu_epi8(_bzhi_u64(~0ull, (unsigned)(n - i)),
                                                          s + i);
        size_t lanes = window_lanes(i, n, 64, (uint64_t)_mm512_movepi8_mask(x));
        if (!lanes)
            break;
        uint64_t lm = lanes == 64 ? ~0ull : (1ull << lanes) - 1;
        __m512i f = _mm512_permutex2var_epi8(clo, x, chi);
        __m512i u = _mm512_permutex2var_epi8(ulo, x, uhi);
        __mmask64 cm = _mm512_test_epi8_mask(f, coll);
        __m512i v = _mm512_maskz_mov_epi8(cm, u);
        __m512i before = _mm512_mask_set1_epi8(_mm512_permutexvar_epi8(up, v), 1,
                                               (char)(prev < 0x100 ? prev : 0));
        uint64_t dm = (uint64_t)_mm512_mask_cmpeq_epi8_mask(cm, u, before);
        uint64_t am = (uint64_t)_mm512_movepi8_mask(f) & ~dm & lm;
        uint64_t g = (uint64_t)_mm512_test_epi8_mask(f, one);
        uint64_t gm = g & lm;
        __m512i fo = _mm512_or_si512(_mm512_maskz_mov_epi8((g << 1) | gap, one),
                                     _mm512_and_si512(f, word));
        uint8_t vb[64];
        _mm512_storeu_si512(vb, v);
        size_t lim = block_marks(&mk, i, pos, &next_mark, max_units, &am,
                                 (unsigned)__builtin_popcountll(am), (unsigned)lanes, vb,
                                 select_pdep64);
        uint32_t m0 = (uint32_t)am, m1 = (uint32_t)(am >> 32);
        unsigned c0 = (unsigned)__builtin_popcount(m0), c1 = (unsigned)__builtin_popcount(m1);
        __m512i w0 = _mm512_cvtepu8_epi16(_mm512_castsi512_si256(u));
        __m512i w1 = _mm512_cvtepu8_epi16(_mm512_extracti64x4_epi64(u, 1));
        _mm512_mask_storeu_epi16(o + pos, (__mmask32)_bzhi_u32(~0u, c0),
                                 _mm512_maskz_compress_epi16((__mmask32)m0, w0));
        _mm512_mask_storeu_epi16(o + pos + c0, (__mmask32)_bzhi_u32(~0u, c1),
                                 _mm512_maskz_compress_epi16((__mmask32)m1, w1));
        _mm512_mask_storeu_epi8(fl + pos, (__mmask64)_bzhi_u64(~0ull, c0 + c1),
                                _mm512_maskz_compress_epi8((__mmask64)am, fo));
        if (ob)
            _mm512_mask_storeu_epi8(ob + pos, (__mmask64)_bzhi_u64(~0ull, c0 + c1),
                                    _mm512_maskz_compress_epi8((__mmask64)am, u));
        pos += c0 + c1;
        prev = vb[lim - 1];
        gap = block_gap(am, gm, gap, lim);
        i += lim;
        if (lim < 64)
            break;
    }
    fb->n_marks = (size_t)(mk - fb->marks);
    if (ob)
        fb->n_bytes = pos;
    return pass_store(p, i, pos, next_mark, prev, gap);
}

#endif /* FOLD_X86 */

size_t fold_ascii_blocks(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                         fold_buf *fb, fold_pass *p, int *rc)
{
#if FOLD_X86
    if (ft->ascii_path == FOLD_PATH_AVX512)
        return blocks_avx512(ft, s, n, max_units, fb, p, rc);
    if (ft->ascii_path == FOLD_PATH_AVX2)
        return blocks_avx2(ft, s, n, max_units, fb, p, rc);
    if (ft->ascii_path == FOLD_PATH_SSE2)
        return blocks_sse2(ft, s, n, max_units, fb, p, rc);
#else
    (void)ft, (void)s, (void)n, (void)max_units, (void)fb, (void)p, (void)rc;
#endif
    return 0;
}

/* ------------------------------------------------------------------ */
/* Folded units to UTF-8 (screener_fold_utf8's output)                 */
/* ------------------------------------------------------------------ */

/* Units u[*i..stop) one at a time (a surrogate pair may take one unit past
 * stop); returns the new w. The same bytes as utf16_next + utf8_put. */
static inline __attribute__((always_inline)) size_t units_utf8_scalar(const uint16_t *u, size_t n, size_t *i, size_t stop,
                                       uint8_t *out, size_t w)
{
    size_t k = *i;
    while (k < stop) {
        uint32_t x = u[k++];
        if (x < 0x80) {
            out[w++] = (uint8_t)x;
        } else if (x < 0x800) {
            out[w] = (uint8_t)(0xC0 | (x >> 6));
            out[w + 1] = (uint8_t)(0x80 | (x & 0x3F));
            w += 2;
        } else if (x < 0xD800 || x > 0xDBFF || k >= n || u[k] < 0xDC00 || u[k] > 0xDFFF) {
            out[w] = (uint8_t)(0xE0 | (x >> 12)); /* (a lone surrogate too) */
            out[w + 1] = (uint8_t)(0x80 | ((x >> 6) & 0x3F));
            out[w + 2] = (uint8_t)(0x80 | (x & 0x3F));
            w += 3;
        } else {
            x = 0x10000 + ((x - 0xD800) << 10) + (u[k++] - 0xDC00u);
            out[w] = (uint8_t)(0xF0 | (x >> 18));
            out[w + 1] = (uint8_t)(0x80 | ((x >> 12) & 0x3F));
            out[w + 2] = (uint8_t)(0x80 | ((x >> 6) & 0x3F));
            out[w + 3] = (uint8_t)(0x80 | (x & 0x3F));
            w += 4;
        }
    }
    *i = k;
    return w;
}

#if FOLD_X86
/* 16 units at u: if all are ASCII, their bytes at out; returns 1 if so. */
static inline int ascii16_utf8(const uint16_t *u, uint8_t *out)
{
    __m128i a = _mm_loadu_si128((const __m128i *)u), b = _mm_loadu_si128((const __m128i *)(u + 8));
    __m128i hi = _mm_and_si128(_mm_or_si128(a, b), _mm_set1_epi16((short)0xFF80));
    if (_mm_movemask_epi8(_mm_cmpeq_epi16(hi, _mm_setzero_si128())) != 0xFFFF)
        return 0;
    _mm_storeu_si128((__m128i *)out, _mm_packus_epi16(a, b));
    return 1;
}

static size_t units_utf8_sse2(const uint16_t *u, size_t n, uint8_t *out)
{
    size_t i = 0, w = 0;
    while (i < n) {
        if (n - i >= 16 && ascii16_utf8(u + i, out + w)) {
            i += 16, w += 16;
            continue;
        }
        w = units_utf8_scalar(u, n, &i, n - i > 16 ? i + 16 : n, out, w);
    }
    return w;
}

/* 8 units at u: if all take 3 bytes (U+0800..U+FFFF, no surrogate), their
 * 24 bytes at out; returns 1 if so. */
AVX2_TARGET static inline int bmp3x8_utf8(const uint16_t *u, uint8_t *out)
{
    __m128i v = _mm_loadu_si128((const __m128i *)u);
    __m128i ge = _mm_cmpeq_epi16(_mm_max_epu16(v, _mm_set1_epi16(0x800)), v);
    __m128i sur = _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16((short)0xF800)),
                                  _mm_set1_epi16((short)0xD800));
    if (_mm_movemask_epi8(_mm_andnot_si128(sur, ge)) != 0xFFFF)
        return 0;
    __m256i d = _mm256_cvtepu16_epi32(v), m6 = _mm256_set1_epi32(0x3F);
    __m256i b0 = _mm256_or_si256(_mm256_srli_epi32(d, 12), _mm256_set1_epi32(0xE0));
    __m256i b1 = _mm256_and_si256(_mm256_srli_epi32(d, 6), m6);
    __m256i b2 = _mm256_and_si256(d, m6);
    __m256i t = _mm256_or_si256(
        _mm256_or_si256(b0, _mm256_slli_epi32(b1, 8)),
        _mm256_or_si256(_mm256_slli_epi32(b2, 16), _mm256_set1_epi32(0x808000)));
    /* 3 bytes of each 32-bit lane, 12 per 128-bit half */
    const __m256i take3 = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                           0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    t = _mm256_shuffle_epi8(t, take3);
    __m128i hi = _mm256_extracti128_si256(t, 1);
    _mm_storeu_si128((__m128i *)out, _mm256_castsi256_si128(t));
    _mm_storel_epi64((__m128i *)(out + 12), hi);
    uint32_t last = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(hi, 8));
    memcpy(out + 20, &last, 4);
    return 1;
}

AVX2_TARGET static size_t units_utf8_avx2(const uint16_t *u, size_t n, uint8_t *out)
{
    size_t i = 0, w = 0;
    while (i < n) {
        if (n - i >= 16 && ascii16_utf8(u + i, out + w)) {
            i += 16, w += 16;
            continue;
        }
        if (n - i >= 8 && bmp3x8_utf8(u + i, out + w)) {
            i += 8, w += 24;
            continue;
        }
        w = units_utf8_scalar(u, n, &i, n - i > 8 ? i + 8 : n, out, w);
    }
    return w;
}
#endif /* FOLD_X86 */

/* path: one this CPU supports */
static size_t units_utf8(int path, const uint16_t *u, size_t n, uint8_t *out)
{
#if FOLD_X86
    if (path >= FOLD_PATH_AVX2)
        return units_utf8_avx2(u, n, out);
    if (path == FOLD_PATH_SSE2)
        return units_utf8_sse2(u, n, out);
#else
    (void)path;
#endif
    size_t i = 0;
    return units_utf8_scalar(u, n, &i, n, out, 0);
}

size_t fold_units_utf8_path(int path, const uint16_t *u, size_t n, uint8_t *out)
{
    while (path > FOLD_PATH_SCALAR && !fold_path_supported(path))
        path--;
    return units_utf8(path, u, n, out);
}

size_t fold_units_utf8(const uint16_t *u, size_t n, uint8_t *out)
{
    return units_utf8(fold_cpu_path(), u, n, out);
}

size_t byte_view_blocks(const fold_table *ft, const uint8_t *s, size_t len, size_t *i, size_t w,
                        size_t stop, uint8_t *gap, uint8_t *text, uint8_t *flags, uint32_t *from)
{
#if FOLD_X86
    if (ft->ascii_path >= FOLD_PATH_AVX2 && ft->bplan_ok && len >= 32 && len - *i >= FOLD_VECTOR_MIN &&
        fold_ascii8(s + *i))
        return bv_blocks_avx2(ft, s, len, i, w, stop, gap, text, flags, from);
#else
    (void)ft, (void)s, (void)len, (void)i, (void)stop, (void)gap, (void)text, (void)flags,
        (void)from;
#endif
    return w;
}
