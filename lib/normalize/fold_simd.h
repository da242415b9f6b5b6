/*
 * fold_simd.h — vector paths of the fold for runs of ASCII, chosen at run
 * time (internal to normalize/; fold.c calls them, table.c plans them); the
 * byte view's ASCII blocks (byteview.c) and the folded units' UTF-8
 * (screener_fold_utf8) take the same path.
 *
 * The scalar ASCII loop (fold.c, ascii_run) reads one 128-entry table per
 * byte. The vector paths read 16 (SSE2), 32 (AVX2) or 64 (AVX-512 with
 * VBMI2) bytes at a time and do the same thing with compares and masks:
 * classify every byte from a plan derived from the table when it is opened
 * (fold_simd_plan), collapse
 * repeats against the byte before, carry the gap flag, left-pack the kept
 * units and push the checkpoints (fold.h) that fall inside the block. Their
 * output (units, unit flags, checkpoints, collapse and gap state at block
 * edges) is byte-identical to the scalar loop's; tests/normalize/test_fold_paths.c
 * checks it for every path against the scalar one.
 *
 * The path is chosen once per process from the CPU (the best supported) and
 * the environment variable SCREENER_CPU=scalar|sse2|avx2|avx512 (read once; asks
 * for a path, capped at what the CPU supports; any other value is ignored),
 * then per fold table: a table whose ASCII part has no plan (a byte dropped
 * without a gap, a unit above 0xFF, more than FOLD_PLAN_STEPS runs) always
 * takes the scalar loop. Off x86-64, or built with -DSCREENER_NO_SIMD,
 * there is only the scalar loop.
 */
#ifndef SCREENER_NORMALIZE_FOLD_SIMD_H
#define SCREENER_NORMALIZE_FOLD_SIMD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fold.h"

#define FOLD_PATH_SCALAR 0
#define FOLD_PATH_SSE2 1
#define FOLD_PATH_AVX2 2
#define FOLD_PATH_AVX512 3
#define FOLD_PATH_COUNT 4

/* The vector paths take an ASCII run only if its first 8 bytes are ASCII:
 * shorter runs (between Chinese characters) cost less in the scalar loop. */
#define FOLD_VECTOR_MIN 8

/* 1 if s[0..8) is ASCII. */
static inline int fold_ascii8(const uint8_t *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return !(w & 0x8080808080808080ull);
}

/* The state of one fold_text_upto pass (kept in registers in fold.c: the
 * step functions there are inlined into it). */
typedef struct fold_pass {
    uint16_t *o;      /* fb->units */
    uint8_t *fl;      /* fb->flags */
    size_t pos;       /* units written */
    size_t i;         /* next input byte */
    uint32_t prev;    /* collapse state: the last word letter, 0 after a break */
    uint32_t gap;     /* FU_GAP if a visible separator was dropped since the last unit */
    size_t next_mark; /* the unit count at which the next checkpoint is due */
} fold_pass;

/* Record a checkpoint (fold.c). Returns 0 or -1 when out of memory. */
int fold_push_mark(fold_buf *fb, size_t byte, size_t unit, uint32_t prev);

/* The path this process uses where a table allows one: FOLD_PATH_*, decided
 * on the first call (CPU and SCREENER_CPU), the same afterwards. */
int fold_cpu_path(void);

/* 1 unless the CPU's gathers are slow: slowed by the Gather Data Sampling
 * mitigation (the kernel's report, read once), or AMD before Zen 3, or the
 * environment variable SCREENER_GATHER=slow asks for scalar loads
 * (benchmarks, tests): fold_simd_plan copies it to fold_table.cjk_gather. */
int fold_gathers_fast(void);

/* 1 unless the CPU runs PDEP/PEXT in microcode (AMD before Zen 3) or the
 * environment variable SCREENER_PDEP=slow asks for the variants without
 * them (benchmarks, tests): fold_simd_plan copies it to
 * fold_table.pdep_fast. */
int fold_pdep_fast(void);

/* Tables made on the first fold_cpu_path() call (x86-64 only): per 8-lane
 * mask m, fold_pack8[m] is the pshufb control putting the lanes set in m
 * first, in order (0x80: a zero byte after them), and fold_select8[m][r]
 * the lane of m's r-th (from 0) set bit (0 past the last). */
extern uint8_t fold_pack8[256][16];
extern uint8_t fold_select8[256][8];

/* 1 if this CPU can run path (for tests forcing each path in turn). */
int fold_path_supported(int path);

/* Name of a path ("scalar", "sse2", "avx2", "avx512"). */
const char *fold_path_name(int path);

/* Derive the vector plan of ft's ASCII table (ft->ascii_fast) and set
 * ft->ascii_path: fold_cpu_path() if the table has a plan, else scalar. */
void fold_simd_plan(fold_table *ft);

/*
 * Fold whole blocks of ASCII from p->i with path ft->ascii_path, while a
 * block is all ASCII and n - p->i allows a whole block; stops at the block
 * where a checkpoint is due at its first byte (the caller's loop pushes it)
 * or where the checkpoint inside it reaches max_units (the budget: the pass
 * ends there, as in the scalar loop). Returns the bytes consumed (0: the
 * caller takes the scalar loop); *rc gets SCREENER_E_NOMEM if a checkpoint
 * could not be stored.
 */
size_t fold_ascii_blocks(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                         fold_buf *fb, fold_pass *p, int *rc);

/*
 * The byte view's ASCII runs (byteview.c) 32 bytes at a time, where the
 * table has a byte view plan (ft->bplan_ok) and ft->ascii_path is AVX2 or
 * AVX-512, for a run of 8+ ASCII bytes in a text of 32+ bytes: from *i,
 * while whole blocks fit below `stop` (entries of text/flags/from, the
 * buffers' room and the budget), up to the first non-ASCII or BA_SLOW byte.
 * Advances *i and *gap (BV_GAP state) as byteview.c's scalar loop would;
 * returns the new w (unchanged when it took nothing).
 */
size_t byte_view_blocks(const fold_table *ft, const uint8_t *s, size_t len, size_t *i, size_t w,
                        size_t stop, uint8_t *gap, uint8_t *text, uint8_t *flags, uint32_t *from);

/*
 * Write the UTF-8 of the folded units u[0..n) at out (room for 3 * n
 * bytes); returns the bytes written. The same bytes as utf16_next +
 * utf8_put unit by unit (a lone surrogate is written as its 3-byte form):
 * runs of ASCII units 16 at a time (SSE2, every x86-64), CJK units (3 bytes
 * each) 8 at a time with AVX2 where fold_cpu_path() allows it, the rest one
 * unit at a time. Cost: O(n).
 */
size_t fold_units_utf8(const uint16_t *u, size_t n, uint8_t *out);

/* The same with path FOLD_PATH_* (capped at what the CPU supports; tests
 * compare every path with the scalar one). */
size_t fold_units_utf8_path(int path, const uint16_t *u, size_t n, uint8_t *out);

#endif
