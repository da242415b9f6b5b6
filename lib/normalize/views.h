/*
 * views.h — the texts a scan derives from a message. Each view has exactly
 * one way back to the original bytes.
 *
 *   VIEW_FOLDED  fold.h: folded UTF-16 units with unit flags; mapped back by
 *                re-folding from checkpoints (fold_locate_*). Literals and
 *                the digit detectors read it.
 *   VIEW_BYTES   byteview.h: lowercase UTF-8 with ASCII punctuation kept
 *                and number runs of Chinese numerals read as digits
 *                (numerals.h); mapped back through a per-byte origin. Regex
 *                entries and the e-mail/link detectors read it.
 *   VIEW_NUMERALS numerals.h: the folded units with number runs of Chinese
 *                numerals read as digits, unit for unit, so it maps back
 *                like the folded view (which it is built from). The digit
 *                detectors read it.
 *   VIEW_LEET    leet.h: the text read with leet digits and symbols as
 *                letters and spaced repeats joined, folded; mapped back
 *                through a per-byte origin. The leet literal row reads it.
 *
 * A database records the views its matchers read (db_header.views); a scan
 * builds only those. A new view (pinyin, leetspeak...) is one file in
 * normalize/ with a build function, plus one row in views.c and one VIEW_*
 * bit; nothing else changes.
 */
#ifndef SCREENER_NORMALIZE_VIEWS_H
#define SCREENER_NORMALIZE_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#include "byteview.h"
#include "fold.h"
#include "leet.h"
#include "numerals.h"

#define VIEW_FOLDED 1u
#define VIEW_BYTES 2u
#define VIEW_NUMERALS 4u /* built from VIEW_FOLDED, which it implies */
#define VIEW_LEET 8u     /* leet.h: the leet reading, folded (the literal row's text too) */
#define VIEW_ALL (VIEW_FOLDED | VIEW_BYTES | VIEW_NUMERALS | VIEW_LEET)
#define VIEW_KINDS 4 /* bits of VIEW_ALL */
#define VIEW_INDEX(bit) __builtin_ctz(bit) /* a view's slot in per-view arrays */

/* Largest folded view one build makes (units): a text that folds to more
 * is covered by the views only up to `consumed`, and the scan goes on in
 * windows (scan/window.c). Bounds a scan's working memory whatever the text
 * expands to (U+FDFA folds to 18 characters). */
#define VIEW_UNIT_BUDGET ((size_t)64 << 10)

/* The views of one text (owned by a scratch, reused across scans). */
typedef struct views {
    fold_buf folded;
    byte_view bytes;
    numeral_view numerals;
    leet_view leet;
    unsigned built;   /* VIEW_* bits built for this text */
    size_t len[VIEW_KINDS]; /* per view (index: its bit's number): views_len */
    unsigned planned; /* VIEW_* bits this text may need (views_begin) */
    size_t consumed; /* the views cover text bytes [0, consumed) */
    size_t unit_budget; /* 0: VIEW_UNIT_BUDGET (tests raise it to compare) */
} views;

/* Build the views in `which` (VIEW_* bits) for (s, len), each within its
 * budget; all of them cover the same prefix [0, v->consumed). */
int views_build(const fold_table *ft, unsigned which, const uint8_t *s, size_t len, views *v);

/* views_build for a text whose folded view is in v->folded already (its
 * fold, covering the whole text: e.g. a slice of a joined fold,
 * fold_buf_slice): the others are built from it as views_build would. */
int views_build_on_folded(const fold_table *ft, unsigned which, const uint8_t *s, size_t len,
                          views *v);

/* The same in steps, so that a view no reader needs for this text is never
 * built: views_begin starts a text for which the views in `which` may be
 * needed (nothing is built; the folded view, if among them, is built first
 * by the first views_need, its budget setting the prefix); views_need builds
 * those of `which` (and what they are built from) not built yet. */
static inline void views_begin(views *v, unsigned which, size_t len)
{
    v->consumed = len;
    v->built = 0;
    v->planned = which;
    for (int k = 0; k < VIEW_KINDS; k++)
        v->len[k] = len ? SIZE_MAX : 0; /* no view of an empty text has anything */
}

int views_build_more(const fold_table *ft, unsigned which, const uint8_t *s, views *v);

static inline int views_need(const fold_table *ft, unsigned which, const uint8_t *s, views *v)
{
    return (which & ~v->built) ? views_build_more(ft, which, s, v) : 0;
}

/* Length of view `bit` (one VIEW_* bit) of the current text, in the units
 * its readers count (folded units; bytes of the byte view; units of the
 * leet reading, 0 when the reading is the text itself). Exact once built;
 * before that an upper bound from what is built (the numerals view has the
 * folded view's length; nothing is in a view of an empty text; views_bound
 * narrows it from the text's bytes). O(1). */
static inline size_t views_len(const views *v, unsigned bit)
{
    return v->len[VIEW_INDEX(bit)];
}

/* views_len of view `bit` made tighter, before the view is built, by its
 * row's bound in the views table (a bound on its length from the text's
 * bytes alone, e.g. byte_view_bound) when that is below `enough`: a reader
 * whose shortest match is `enough` then skips the view without building it.
 * Kept in views_len (still an upper bound until built; exact after). Cost:
 * O(1) for a built view or one without a bound, else the bound's
 * (byte_view_bound: O(bytes until `enough`)). */
size_t views_bound_more(const fold_table *ft, unsigned bit, const uint8_t *s, views *v,
                        size_t enough);

/* The views whose row in the views table has a bound (views_bounded()
 * returns the same from the table: tests/normalize check they agree), so
 * that the others cost no call. */
#define VIEW_BOUNDED (VIEW_BYTES | VIEW_LEET)
unsigned views_bounded(void);

static inline size_t views_bound(const fold_table *ft, unsigned bit, const uint8_t *s, views *v,
                                 size_t enough)
{
    size_t n = v->len[VIEW_INDEX(bit)];
    /* (tried on texts shorter than `enough` bytes: in a longer one the
     * view is seldom that short, and the bound's pass would cost more than
     * it saves — chat lines of two Chinese characters paid 0.7 %) */
    if (!(bit & VIEW_BOUNDED) || v->consumed >= enough || n < enough || (v->built & bit))
        return n;
    return views_bound_more(ft, bit, s, v, enough);
}

void views_free(views *v);

/* Bytes the views' buffers hold. */
size_t views_footprint(const views *v);

#endif
