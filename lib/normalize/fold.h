/*
 * fold.h — scan-time folding: original UTF-8 bytes -> folded UTF-16 units,
 * and mapping folded positions back to original byte offsets.
 *
 * The fold keeps no dense offset map. It records a checkpoint (byte offset,
 * unit offset, collapse state) at the first character boundary after every
 * FOLD_MARK_EVERY units; a folded position is mapped back by re-folding at
 * most one interval from the nearest checkpoint. Messages without matches pay
 * one compare per character for this; each match endpoint costs
 * O(FOLD_MARK_EVERY) lookups (16: measured on match-heavy dictionaries, mapping
 * spans back cost more than folding with 64).
 *
 * Repeated letters (SCREENER_FOLD_REPEATS): adjacent identical units of word
 * letters (Latin-like scripts) are emitted once, in text and terms alike;
 * invisible characters do not interrupt a run, a visible separator does (so
 * "has sex" keeps both s). "fuuuck" and "fuck" both fold to "fuck", "ass" to
 * "as". A spaced-out "f o l l o w" folds to "follow", so the compiler also
 * registers each term's uncollapsed form. Because collapsing alone would let
 * "as" match the term "ass", every match of a term with word letters is
 * verified on the original text by fold_span_check(). CJK repeats (嘻嘻哈哈)
 * are never collapsed.
 */
#ifndef SCREENER_NORMALIZE_FOLD_H
#define SCREENER_NORMALIZE_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "foldtable.h"

#define FOLD_MARK_EVERY 16

typedef struct fold_mark {
    uint32_t byte; /* original byte offset of a character start */
    uint32_t unit; /* folded unit offset of its output */
    uint32_t prev; /* collapse state: last word-letter unit emitted, or 0 */
} fold_mark;

/* Folded text with its checkpoints; owned by a scratch and reused. */
typedef struct fold_buf {
    uint16_t *units;
    uint8_t *flags;  /* per unit: FU_GAP | FU_WORD (same capacity as units) */
    size_t cap;      /* capacity in units */
    size_t n;        /* units produced */
    size_t consumed; /* input bytes folded (all of them unless a budget stopped it) */
    fold_mark *marks;
    size_t n_marks, cap_marks;
    /* units[0, n_bytes) as one byte each, written by the ASCII blocks
     * (fold_simd.h) as they fold, while every unit so far came from them
     * and the table's plan folds ASCII to ASCII: n_bytes == n means the
     * whole view is ASCII and `bytes` is it, one byte per unit (the narrow
     * literal scan reads it instead of packing the units again) */
    uint8_t *bytes;
    size_t n_bytes, cap_bytes;
} fold_buf;

/* Unit flags, so the Hyperscan callback can reject candidates that break a
 * word-boundary rule without mapping them back to the original text. */
#define FU_GAP 1u  /* a visible separator was dropped right before this unit */
#define FU_WORD 2u /* the unit comes from a word letter (Latin-like) */

/* Largest message fold_text accepts (bytes): offsets fit in uint32_t and the
 * folded bytes in Hyperscan's unsigned int length. */
#define FOLD_MAX_INPUT ((size_t)1 << 30)

/*
 * Fold (s, n) into fb->units. Invalid UTF-8 becomes one U+FFFD per maximal
 * subpart. Cost: one table lookup per character (ASCII from a 128-entry
 * array; runs of 8+ ASCII bytes 16, 32 or 64 bytes at a time where the CPU and
 * the table allow, see fold_simd.h), amortised O(1) buffer growth.
 * Returns SCREENER_OK, SCREENER_E_NOMEM or SCREENER_E_TOO_LARGE.
 */
int fold_text(const fold_table *ft, const uint8_t *s, size_t n, fold_buf *fb);

/* The same, stopping at the first character boundary after max_units
 * units (give or take FOLD_MARK_EVERY and one expansion); fb->consumed says
 * how many input bytes were folded. Windows use it to bound their memory
 * whatever the text expands to. */
int fold_text_upto(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                   fold_buf *fb);

/* One text of a group folded by fold_texts_joined (its bytes stay where
 * they are: nothing is copied). s may be NULL when n is 0. */
typedef struct fold_text_ref {
    const uint8_t *s;
    size_t n;
} fold_text_ref;

/*
 * Fold k texts at once, each where it lies (texts[j]), into one run of
 * units: text j's units, then the separator unit 0xFFFF (flags 0), for
 * every j. The fold's state (collapse, dropped separator) starts again
 * after each separator, so text j's units are exactly those fold_text
 * gives it alone, at [unit_at[j], unit_at[j + 1] - 1) (unit_at has k + 1
 * entries); every fast path stops at a text's end as fold_text's does (no
 * read past it). fb->consumed is the texts' bytes plus k; fb->bytes as
 * fold_texts_joined_buf leaves it. No checkpoint is usable in fb (it is
 * for the batch prefilter). Cost: fold_text's per byte, one compare per
 * text for the buffers' room.
 */
int fold_texts_joined(const fold_table *ft, const fold_text_ref *texts, size_t k, fold_buf *fb,
                      size_t *unit_at);

/*
 * The same output from the texts copied one after another into s, text j
 * at [at[j], at[j + 1] - 1) followed by one byte 0xFF (at[k] == n): the
 * 0xFF byte (never part of a UTF-8 sequence: every fast path and a
 * truncated sequence stop before it) becomes the separator unit. What the
 * batch filter did before fold_texts_joined; kept as the reference the
 * differential test (tests/normalize/test_fold_joined.c) compares it with.
 */
int fold_texts_joined_buf(const fold_table *ft, const uint8_t *s, size_t n, const size_t *at,
                          size_t k, fold_buf *fb, size_t *unit_at);

/*
 * Units [a, b) of src (with their flags) as the fold of one text of
 * `consumed` bytes in dst: text j of a joined fold, [unit_at[j],
 * unit_at[j + 1] - 1), is what fold_text gives it alone (fold_texts_joined).
 * dst gets the one checkpoint at 0 (fold_text pushes one every
 * FOLD_MARK_EVERY units): mapping spans back (fold_locate_*) gives the same
 * results with any subset of the checkpoints, only walking further from the
 * text's start in a longer slice (tests/normalize/test_fold_lone.c; until
 * 2026-12-01 a longer slice was folded again before mapping). dst->bytes
 * is left empty (n_bytes 0: a reader packs the units itself). Cost: a copy
 * of b - a units and flags. Returns SCREENER_OK or SCREENER_E_NOMEM.
 */
int fold_buf_slice(fold_buf *dst, const fold_buf *src, size_t a, size_t b, size_t consumed);

/* fold_text_upto taking every character through the general path, one at a
 * time (no fast path for ASCII or CJK runs): the reference the differential
 * tests compare the fast paths with. The same output, only slower. */
int fold_text_general(const fold_table *ft, const uint8_t *s, size_t n, size_t max_units,
                      fold_buf *fb);

void fold_buf_free(fold_buf *fb);

/* Where a folded position falls in the original text. */
typedef struct fold_loc {
    size_t byte;  /* start byte (for a start) or end byte (for an end) */
    int boundary; /* 1 if a word boundary holds at that side */
    int partial;  /* 1 if the match edge falls inside one character's output
                     ("s" inside the "ss" of "ß") */
    int lone;     /* (fold_locate_lone) 1 if the neighbouring kept character, across a dropped
                     visible separator, is a word letter standing alone (a
                     letter of a spelled-out word: the "l" before "a s s" in
                     "c l a s s"), other than the match's own edge letter
                     repeated ("a a a s s", at most LONE_RUN_MAX times) */
    size_t gap0, gap1; /* (fold_locate_lone) the dropped characters between the match edge and
                          the neighbouring kept character (byte range) */
    int tight;    /* 1 if the neighbouring kept character is a letter of a
                     script written without spaces (FC_OTHER) and no visible
                     separator lies in between */
} fold_loc;

/*
 * Map folded unit p (the first unit of a match) to the first byte of the
 * original character that produced it. boundary is 1 if p is the first unit
 * of that character and the previous kept character is not a word character,
 * or a visible separator was dropped between them, or there is none.
 */
void fold_locate_start(const fold_table *ft, const uint8_t *s, size_t n,
                       const fold_buf *fb, size_t p, fold_loc *out);

/*
 * Map folded unit e (one past the last unit of a match, e > 0) to one past
 * the last byte of the original character that produced unit e-1, extended
 * over the rest of a collapsed run of that letter ("fuckkk"). boundary as
 * above, looking at the next kept character.
 */
void fold_locate_end(const fold_table *ft, const uint8_t *s, size_t n,
                     const fold_buf *fb, size_t e, fold_loc *out);

/*
 * fold_locate_start(p) and fold_locate_end(e) for a match [p, e), p < e, in
 * one walk from the checkpoint before p (the same results; a match much
 * longer than a checkpoint interval locates its end from its own).
 */
void fold_locate_span(const fold_table *ft, const uint8_t *s, size_t n, const fold_buf *fb,
                      size_t p, size_t e, fold_loc *a, fold_loc *b);

/*
 * Where a walk toward match starts stands: a character boundary (its byte,
 * the units emitted before it, the collapse state there) and what lies
 * before it (a kept character, whether that one is a word letter or an
 * FC_OTHER letter, a visible separator dropped since). valid: all of it is
 * known (a walk from a checkpoint knows nothing kept before the checkpoint
 * until it passes a kept character); 0: no cursor yet.
 */
typedef struct fold_cursor {
    uint32_t byte, unit, prev;
    uint8_t have_prev, prev_word, prev_other, gap;
    uint8_t valid;
} fold_cursor;

/*
 * fold_locate_span for the matches of one text, with a cursor: a start at
 * or after the cursor's unit walks on from the cursor instead of from its
 * checkpoint when the cursor lies at or after that checkpoint, and the
 * cursor moves to the character that emits p. The same results as
 * fold_locate_span in any order (a start before the cursor walks from its
 * checkpoint); matches taken in order of start pay for the characters of
 * one checkpoint interval once. cur = NULL: fold_locate_span. Either way,
 * a start nearer the next checkpoint than the walk's origin is found
 * walking back from that checkpoint when every character on the way emits
 * units that do not depend on the collapse state (ASCII or 3-byte: Chinese
 * text), at most 32 characters.
 */
void fold_locate_span_at(const fold_table *ft, const uint8_t *s, size_t n, const fold_buf *fb,
                         fold_cursor *cur, size_t p, size_t e, fold_loc *a, fold_loc *b);

/*
 * fold_locate_span the slow way, the reference the differential tests
 * compare it with: one walk from the text's start (no checkpoint, no
 * cursor, never backwards), every character folded by the general path
 * (emit), as fold_text_general folds. The same results, in O(e) steps.
 */
void fold_locate_span_general(const fold_table *ft, const uint8_t *s, size_t n, size_t p,
                              size_t e, fold_loc *a, fold_loc *b);

/*
 * For a spelled-out match [p, e) already located (a, b from
 * fold_locate_start/_end): fill a->lone, b->lone and the gap byte ranges
 * gap0/gap1 on both sides. Walks back checkpoint by checkpoint until the
 * neighbour before p is known (a run of spaced repeats of p's letter longer
 * than LONE_RUN_MAX, fold.c, has none), and a few characters after the
 * match. The result depends on the text only, not on fb's checkpoints (any
 * subset of fold_text's gives the same: tests/normalize/test_fold_lone.c).
 * Only spelled-out matches need it.
 */
void fold_locate_lone(const fold_table *ft, const uint8_t *s, size_t n, const fold_buf *fb,
                      size_t p, size_t e, fold_loc *a, fold_loc *b);

/* 1 if any folded unit in (p, e) has a visible separator dropped before it
 * (FU_GAP). Cost: O(e - p). */
int fold_has_gap(const fold_buf *fb, size_t p, size_t e);

/* 1 if the term (original text) has word letters: its matches need
 * fold_span_check. */
int fold_term_has_word(const fold_table *ft, const uint8_t *term, size_t len);

/*
 * Verify a match of a term with word letters by comparing the original span
 * [b0, b1) with the term's own text, run by run (a run is one letter
 * repeated, possibly spaced out):
 * - repeats: each run of the span has the term's length, or 3 or more
 *   ("fuuuck", "asss" match; "as" does not match "ass", "fuuck" not "fuck");
 * - separators: among adjacent runs of word letters at which the term has no
 *   word break, either none or all are separated by a dropped visible
 *   separator ("s e x" and "sex" match, "it's hit" does not match "shit").
 * Invisible characters never count as separators. With `numerals` (entries
 * whose digits also match Chinese numerals), a numeral in the span counts as
 * its digit. Returns 1 if the span passes. Cost: O(span length + term length).
 */
int fold_span_check(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1,
                    const uint8_t *term, size_t term_len, int numerals);

/* 1 if sentence or clause punctuation (FV_IS_CLAUSE) was dropped between two
 * adjacent kept characters of class FC_OTHER (Han, Kana...) inside the
 * original span [b0, b1): "法，人". Cost: O(span length). */
int fold_span_clause(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1);

/* The byte range [*g0, *g1) of the dropped characters between the first and
 * the second kept character of the span [b0, b1) (empty if none). */
void fold_span_first_gap(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1,
                         size_t *g0, size_t *g1);

/* 1 if every folded unit in (p, e) that starts a character has a visible
 * separator dropped before it (FU_GAP): the match is spelled out ("s e x",
 * "法.轮.功"). 0 for matches of fewer than two units. Cost: O(e - p). */
int fold_spelled_out(const fold_buf *fb, size_t p, size_t e);

/* Longest run of dropped characters other than spaces and characters that
 * extend the one before them (variation selectors, enclosing keycaps) between two kept
 * characters inside the original span [b0, b1): detectors use it to tell "138 0013 8000" (a
 * disguised number) from digits that only meet because markup between them
 * was dropped ("&#128553;&#128553;"). Cost: O(span length). */
size_t fold_span_max_gap(const fold_table *ft, const uint8_t *s, size_t b0, size_t b1);

/* Fold value of code point cp (cp < 0 means invalid input). */
static inline uint32_t fold_value(const fold_table *ft, int32_t cp)
{
    if (cp < 0)
        return FV_INVALID;
    if (cp < 128)
        return ft->ascii[cp];
    if (cp <= 0xFFFF)
        return UCPTRIE_FAST_BMP_GET(ft->trie, UCPTRIE_32, cp);
    return UCPTRIE_FAST_SUPP_GET(ft->trie, UCPTRIE_32, cp);
}

#endif
