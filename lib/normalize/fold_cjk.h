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
 * surrogate tests per lane; then each character's two-bit code
 * (fold_table.cjk_codes, derived from the trie at open: plain — folds to
 * itself, one unit of class FC_OTHER: most Han, Kana — or a dropped
 * visible separator) by ONE gather from a 16 KiB table, so a block of
 * plain characters and punctuation writes its code points without a trie
 * lookup; a block with any other character (traditional Han folded to
 * one unit, or one the block cannot take) reads the trie by scalar loads
 * (two dependent gathers were slower, bench/RESULTS.md) and tests the
 * values per lane. The kept units and their flags are left-packed
 * (vpcompressw; pshufb with a control made by pext) — no branch per
 * character. Output identical to the scalar run and to the general path:
 * tests/normalize/test_fold_cjk.c.
 */
#ifndef SCREENER_NORMALIZE_FOLD_CJK_H
#define SCREENER_NORMALIZE_FOLD_CJK_H

#include <stddef.h>

#include "fold_simd.h"

/* The vector step takes a run only where 12 or more bytes (4 characters)
 * remain: shorter tails cost less in the scalar run (fold.c, bmp3_run).
 * Both paths take a text's last bytes by masked loads. Measured
 * (bench/RESULTS.md): with the trie read per character a block cost ~26 ns
 * whatever it held and the limit was 24 bytes (session 7); with the codes
 * read by one gather (cjk13c), 12 bytes: chat lines (~10 characters) fold
 * 1.2x faster on AVX-512 than from 24, AVX2 1.03x, Weibo within 1-2 %;
 * 15 bytes about the same, 6 bytes slower. */
#define FOLD_CJK_MIN 12

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
