/*
 * fold_cjk.h — the vector step of the fold for runs of 3-byte UTF-8 (CJK),
 * internal to normalize/ (fold.c calls it).
 *
 * The scalar CJK run (fold.c, bmp3_run) decodes one character at a time
 * (~50 instructions per Han character) and branches on every punctuation
 * mark. Where the fold's path is AVX-512 (BW, VBMI, VBMI2: FOLD_PATH_AVX512)
 * or AVX2 (FOLD_PATH_AVX2, with BMI2), fold_cjk_run takes 16 or 8
 * characters a block: the three bytes of each gathered into a 32-bit lane
 * (one vpermb; two 16-byte loads and a pshufb), shape, overlong and
 * surrogate tests and the trie's BMP index computed per lane; the trie
 * itself read by scalar loads (no gathers: they were slow on the machine
 * measured, bench/RESULTS.md), the values tested per lane, and the kept
 * units and their flags left-packed (vpcompressw; pshufb with a control
 * made by pext) — no branch per character. Output identical to the scalar
 * run and to the general path: tests/normalize/test_fold_cjk.c.
 */
#ifndef SCREENER_NORMALIZE_FOLD_CJK_H
#define SCREENER_NORMALIZE_FOLD_CJK_H

#include <stddef.h>

#include "fold_simd.h"

/* The vector step takes a run only where 24 or more bytes (8 characters:
 * an AVX2 block) remain: shorter tails cost less in the scalar run, whose branches are
 * predicted where a block's length waits for its lookups (measured: chat
 * lines, 10 characters, 1.27x the scalar fold with every run taken here,
 * 1.36-1.41x from 12 or 24 bytes on, 1.21x from 48; again with the lookups
 * inline: a block ~26 ns for 5 or 10 characters, the scalar run ~7.5 ns +
 * ~2.1 ns a character, 15 bytes lost chat 4 %: bench/RESULTS.md session 7). */
#define FOLD_CJK_MIN 24

/*
 * From p->i, 16 characters at a time: the longest run of characters that are
 * each a well-formed 3-byte character kept as one BMP unit of class FC_OTHER
 * (FV_IDENT, FV_ONE: Han, Kana) or dropped as a visible separator (FV_DROP
 * of class FC_GAP: punctuation); folds them exactly as the general path
 * would and advances p (i, pos, gap, prev, next_mark), pushing the
 * checkpoints due inside the run and stopping at the budget as
 * fold_text_upto does (p->pos < p->next_mark on entry). Returns the bytes
 * taken: 0 if the first character is anything else (the caller takes it one
 * character at a time), or where x86-64 vectors are not compiled in (call
 * it only with ft->ascii_path AVX2 or AVX-512, and with FOLD_CJK_MIN bytes
 * left); *rc gets SCREENER_E_NOMEM if a checkpoint could not be stored.
 */
size_t fold_cjk_run(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                    fold_buf *fb, fold_pass *p, int *rc);

#endif
