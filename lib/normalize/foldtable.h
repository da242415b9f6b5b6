/*
 * foldtable.h — the per-code-point fold table shared by the compiler (which
 * builds it with ICU) and the scanner (which only looks values up).
 *
 * Every code point maps to a 32-bit value:
 *
 *   bits 30..31  kind   FV_IDENT  output the code point itself
 *                       FV_DROP   output nothing (noise); bit 0 set if the
 *                                 character extends the one before it (a
 *                                 variation selector, combining mark, ZWJ):
 *                                 a match's span then includes it; bits 1..7
 *                                 the ASCII punctuation it stands for, if any
 *                                 ('＠' -> '@', '。' -> '.'), for the link and
 *                                 e-mail detectors; bit 8 set if it is
 *                                 sentence or clause punctuation (Unicode
 *                                 Terminal_Punctuation: ，。！？；：、 , . ! ? ; :)
 *                       FV_ONE    output the code point in bits 0..20
 *   bits 21..24  for FV_IDENT and FV_ONE: 1 + the digit the output stands
 *                for if it is a Chinese numeral (一 -> 2, 零 -> 1), else 0;
 *                the fold ignores it, the numerals view reads it
 *                       FV_MULTI  output `len` (bits 20..27) UTF-16 units
 *                                 starting at expand[bits 0..19]
 *   bits 28..29  class  of the output (or, for FV_DROP, of the dropped char):
 *                       FC_OTHER  a letter of a script written without spaces
 *                                 (Han, Kana, Hangul, Thai...), U+FFFD, others
 *                       FC_WORD   a letter/digit of a script written with
 *                                 spaces (Latin, Cyrillic, Greek, digits...):
 *                                 terms made of these need word boundaries
 *                       FC_GAP    a dropped visible separator (space,
 *                                 punctuation, symbol, emoji): a word gap
 *                       FC_IGNORABLE a dropped invisible character (zero-width,
 *                                 variation selector, combining accent)
 *
 * The folded stream is UTF-16 (host order, little-endian in practice): dense
 * for Chinese, and measured faster in Hyperscan than UTF-8 (see
 * docs/ARCHITECTURE.md).
 */
#ifndef SCREENER_NORMALIZE_FOLDTABLE_H
#define SCREENER_NORMALIZE_FOLDTABLE_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/ucptrie.h>

#include "screener.h"

#define FV_IDENT 0u
#define FV_DROP 1u
#define FV_ONE 2u
#define FV_MULTI 3u

#define FC_OTHER 0u
#define FC_WORD 1u
#define FC_GAP 2u
#define FC_IGNORABLE 3u

#define FV_KIND(v) ((v) >> 30)
#define FV_CLASS(v) (((v) >> 28) & 3u)
#define FV_CP(v) ((v)&0x1FFFFFu)
#define FV_OFF(v) ((v)&0xFFFFFu)
#define FV_LEN(v) (((v) >> 20) & 0xFFu)
#define FV_EXTENDS(v) (FV_KIND(v) == FV_DROP && ((v)&1u))
#define FV_DROP_ASCII(v) (((v) >> 1) & 0x7Fu)
#define FV_NUMERAL_SHIFT 21
/* the digit (0..9) a kept Chinese numeral stands for, or -1 */
static inline int fv_numeral(uint32_t v)
{
    if (FV_KIND(v) != FV_IDENT && FV_KIND(v) != FV_ONE)
        return -1;
    return (int)((v >> FV_NUMERAL_SHIFT) & 15u) - 1;
}
#define FV_DROP_CLAUSE 0x100u /* in a FV_DROP payload: Terminal_Punctuation */
#define FV_IS_CLAUSE(v) (FV_KIND(v) == FV_DROP && ((v)&FV_DROP_CLAUSE))
#define FV_MAKE(kind, cls, payload) (((uint32_t)(kind) << 30) | ((uint32_t)(cls) << 28) | (uint32_t)(payload))

/* The value used for each maximal subpart of invalid UTF-8: U+FFFD, a
 * non-word character that is never dropped, so invalid bytes separate. */
#define FV_INVALID FV_MAKE(FV_ONE, FC_OTHER, 0xFFFDu)

/* Largest number of UTF-16 units a single code point may fold to. The builder
 * never makes longer expansions and fold_table_open rejects a table with a
 * longer one anywhere in its data, so output buffers sized FOLD_MAX_UNITS
 * (+2 for a surrogate pair) are enough for one character. */
#define FOLD_MAX_UNITS 64

/* Number of UTF-16 units value v produces for code point cp. */
static inline uint32_t fold_units_of(uint32_t v, uint32_t cp)
{
    switch (FV_KIND(v)) {
    case FV_IDENT: return cp > 0xFFFF ? 2 : 1;
    case FV_DROP: return 0;
    case FV_ONE: return FV_CP(v) > 0xFFFF ? 2 : 1;
    default: return FV_LEN(v);
    }
}

/* Most steps (changes of behaviour between adjacent ASCII bytes) a table's
 * ASCII part may have for the vector paths; the built tables have 6. */
#define FOLD_PLAN_STEPS 15
#define FP_GAP 1u    /* = FU_GAP */
#define FP_WORD 2u   /* = FU_WORD */
#define FP_COLL 8u
#define FP_DELTA 0x20u
#define FP_KEEP 0x80u

/* The byte view's plan (bytes_ascii): steps, and class bits */
#define BV_PLAN_STEPS 8
#define BP_GAP 1u    /* = BV_GAP */
#define BP_DELTA 0x20u
#define BP_SLOW 0x40u
#define BP_KEEP 0x80u

/* Run-time view of a fold table. Points into memory owned by the database. */
typedef struct fold_table {
    UCPTrie *trie;
    const uint16_t *expand;
    uint32_t n_expand;
    uint32_t max_units; /* largest output of one code point, in units */
    int collapse;       /* SCREENER_FOLD_REPEATS: runs of one word letter fold to one */
    uint32_t ascii[128]; /* values for U+0000..U+007F, the common case */
    /* ASCII fast path: unit in bits 0..15 and the FA_* flags below */
    uint32_t ascii_fast[128];
    /* Byte view fast path (byteview.c): the byte ASCII character c leaves in
     * the byte view (0: none), BA_GAP for a dropped visible separator,
     * BA_SLOW where the general path must take it */
    uint16_t bytes_ascii[128];
    /* bit u set: the BMP unit u is a kept Chinese numeral (fv_numeral of its
     * value), so the numerals view tests a unit without a trie lookup */
    uint64_t numerals[1024];
    /* The vector plan of ascii_fast (fold_simd.h): ASCII byte b's class
     * byte (FP_*) is plan_flags0 plus, mod 256, plan_dflags[j] for every
     * step j with b > plan_above[j]; its unit is b, plus plan_delta if the
     * class has FP_DELTA (a table shifts kept ASCII by one amount at most:
     * case folding). Each row holds its byte 32 times (a vector). */
    uint8_t plan_ok; /* 1 if the ASCII table has a plan (else the scalar loop only) */
    uint8_t plan_narrow; /* 1 if the plan's every unit is below 0x80 (fold_buf.bytes) */
    uint8_t plan_n, plan_flags0, plan_delta;
    uint8_t plan_above[FOLD_PLAN_STEPS][32], plan_dflags[FOLD_PLAN_STEPS][32];
    uint8_t plan_cls[128], plan_unit[128]; /* the same per byte (AVX-512 VBMI lookups) */
    uint8_t ascii_path; /* FOLD_PATH_* (fold_simd.h) the fold takes for ASCII runs */
    /* 1: the vector CJK step reads cjk_codes by one gather a block; 0 (a CPU
     * whose gathers are slow, fold_gathers_fast: the GDS mitigation, AMD
     * before Zen 3): by one scalar load per character */
    uint8_t cjk_gather;
    /* 1: the AVX2 steps use PDEP/PEXT (checkpoint lanes, the CJK step's
     * left-pack); 0 (a CPU that runs them in microcode, fold_pdep_fast):
     * tables and shuffles instead, the same output */
    uint8_t pdep_fast;
    /* The byte view's vector plan of bytes_ascii, in the same form (class
     * bits BP_*, at most BV_PLAN_STEPS steps; rows past bplan_n add nothing):
     * read by byte_view_blocks (fold_simd.h) on the AVX2 and AVX-512 paths */
    uint8_t bplan_ok, bplan_n, bplan_flags0, bplan_delta;
    uint8_t bplan_above[BV_PLAN_STEPS][32], bplan_dflags[BV_PLAN_STEPS][32];
    /* The vector CJK step's codes (fold_cjk.c), two bits per BMP code point
     * u at bits 2 * (u % 16) of cjk_codes[u / 16]: FCJK_PLAIN if u folds to
     * itself as one unit of class FC_OTHER (most Han, Kana), FCJK_GAP if it
     * is dropped as a visible separator (punctuation), 0 for anything else
     * (the trie's value decides). Derived from the trie at open (16 KiB,
     * the Han block's part 5 KiB; last, after the fields every text reads). */
    uint32_t cjk_codes[4096];
} fold_table;

#define FCJK_PLAIN 1u
#define FCJK_GAP 2u

/* 1 if the folded unit u is a Chinese numeral (see fold_table.numerals). */
static inline int fold_unit_is_numeral(const fold_table *ft, uint32_t u)
{
    return u <= 0xFFFF && ((ft->numerals[u >> 6] >> (u & 63)) & 1u);
}

#define FA_KEEP (1u << 16) /* emits its unit */
#define FA_COLL (1u << 17) /* a word letter that repeats collapse */
#define FA_GAP (1u << 18)  /* a dropped visible separator (ends a run) */
#define FA_WORD (1u << 19) /* a word letter (for the unit flags) */

#define BA_GAP (1u << 8)
#define BA_SLOW (1u << 9)

/* Switch repeat collapsing on or off (SCREENER_FOLD_REPEATS); keeps the
 * ASCII fast-path table in step. */
void fold_table_set_collapse(fold_table *ft, int collapse);

/* Result of building a table (compile time). */
typedef struct fold_build {
    void *trie_bin;   /* ucptrie_toBinary bytes (malloc) */
    size_t trie_len;
    uint16_t *expand; /* expansion units (malloc) */
    size_t n_expand;
} fold_build;

/*
 * Build the fold table for the SCREENER_FOLD_* flags with ICU. Takes
 * ~0.1 s for all of them (Zen 4; 0.15 s before the shortcuts of
 * table_build.c: the code points visited by ranges, the transliterator
 * asked only within its source set, the normalizer's quick check first).
 * Returns SCREENER_OK, SCREENER_E_ICU or SCREENER_E_NOMEM.
 */
int fold_build_table(uint32_t flags, fold_build *out, screener_error **err_out);

/* The same table built without the build's shortcuts (for the tests, which
 * compare the two byte for byte): every code point tested one by one for
 * whether it gets a value, every Han one through the ICU transliterator,
 * every one through the normalizer: slower, as the build was before them. */
int fold_build_table_exhaustive(uint32_t flags, fold_build *out, screener_error **err_out);
void fold_build_free(fold_build *b);

/* The same table, a copy of the one this process built before for the
 * same flags when there is one (table_cache.c; SCREENER_FOLD_CACHE=off
 * builds anew). What compile calls. Same returns. */
int fold_table_for(uint32_t flags, fold_build *out, screener_error **err_out);

/*
 * Open a table over serialized bytes (which must stay alive and be 4-byte
 * aligned). Checks every index path against the data array and EVERY value
 * of the data array (including the null data block, which ucptrie_getRange
 * skips, and the high and error values): each expansion of 1..FOLD_MAX_UNITS
 * units inside expand[], each code point a scalar value. A damaged table is
 * thus rejected rather than read or written out of bounds. Returns
 * SCREENER_OK or SCREENER_E_DB_FORMAT.
 */
int fold_table_open(fold_table *ft, const void *trie_bin, size_t trie_len,
                    const uint16_t *expand, size_t n_expand);
void fold_table_close(fold_table *ft);

#endif
