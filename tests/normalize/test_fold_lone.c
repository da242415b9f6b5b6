/* The spelled-out-word check (fold_locate_lone, normalize/fold.h) does not
 * depend on where the fold's checkpoints lie. A text's view is folded by
 * different callers with different checkpoints: a single scan has one every
 * FOLD_MARK_EVERY units from the text's start, a batch's slice of a joined
 * fold has only the first (fold_buf_slice), a window or a stream folds from
 * elsewhere. The same match must get the same verdict from each.
 *
 * Until 2026-12-01 it did not: the start side walked from the checkpoint
 * before the match and at most one more back, and a neighbour whose left
 * side lay further back was taken as not alone. A run of spaced repeats of
 * the match's first letter ("x a a a ... a s s") longer than about one
 * checkpoint interval was judged from its real neighbour ("x", a lone
 * letter: no boundary, no `ass`) or not (boundary: `ass`) depending on how
 * the run fell between checkpoints. Now the bound is the text's own: a run
 * of more than LONE_RUN_MAX letters (fold.c) has no neighbour, and the walk
 * goes back as many checkpoints as it takes to see the run's start or that
 * many letters.
 *
 * Here: every fold_loc field fold_locate_lone and fold_locate_span fill,
 * for every short span [p, e) of random texts full of spelled-out words
 * (spaced runs of 1 to 60 letters, `f u c k`, `s.h.1.t`, mixed CJK and
 * Latin, expansions that move the checkpoints), computed on the fold as
 * fold_text leaves it, on the same fold with only its first checkpoint (a
 * batch slice), and with random subsets of its checkpoints (every subset
 * is a valid set: each checkpoint records the fold's state where it lies);
 * and the rule itself at every alignment of the run to the checkpoints. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold_fixture.h"
#include "../scan/test_rng.h"
#include "normalize/fold.h"
#include "normalize/foldtable.h"

static fold_build fbuild;
static fold_table ft;
static fold_buf fb;

static void setup(void)
{
    memset(&fb, 0, sizeof fb);
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
}

static void teardown(void)
{
    fold_fixture_close(&fbuild, &ft);
    fold_buf_free(&fb);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define TEXT_MAX 4096

static void put(char *t, size_t *len, const char *x)
{
    size_t xl = strlen(x);
    if (*len + xl < TEXT_MAX)
        memcpy(t + *len, x, xl), *len += xl;
}

static const char *const seps[] = {" ", ".", "-", " . ", "  ", "_", "\xE2\x80\x8B" /* ZWSP */,
                                   "\xEF\xBC\x8C" /* ， */, " \xE2\x80\x8B"};
static const char *const words[] = {"class", "ass", "hello", "shit", "sex", "fuck", "kkk",
                                    "中文", "法，人", "说法", "\xEF\xAC\x81" /* ﬁ */,
                                    "\xC3\x9F" /* ß */, "\xEF\xB7\xBA" /* U+FDFA: 18 units */,
                                    "e\xCC\x81", "1990", "@me", "😀", "Ｆｕｃｋ", "ss", "aa"};
static const char *const letters[] = {"a", "s", "f", "u", "c", "k", "x", "h", "1", "i", "t",
                                      "S", "A", "ss", "\xC3\x9F", "中", "Ｆ", "4", "$"};

/* A spelled-out word: some lone letters, a run of one letter repeated r
 * times (often long: past a checkpoint interval), more lone letters, all
 * behind one separator (sometimes another one inside). */
static void spelled(uint64_t *st, char *t, size_t *len)
{
    const char *sep = seps[test_rnd(st, COUNT(seps))];
    unsigned before = test_rnd(st, 4), after = test_rnd(st, 5);
    unsigned r = test_rnd(st, 3) ? 1 + test_rnd(st, 60) : 1 + test_rnd(st, 4);
    const char *run = test_rnd(st, 2) ? "a" : letters[test_rnd(st, COUNT(letters))];
    for (unsigned q = 0; q < before; q++) {
        put(t, len, letters[test_rnd(st, COUNT(letters))]);
        put(t, len, sep);
    }
    for (unsigned q = 0; q < r; q++) {
        put(t, len, run);
        put(t, len, test_rnd(st, 40) ? sep : seps[test_rnd(st, COUNT(seps))]);
    }
    static const char *const tails[] = {"s", "s", "h", "u", "c", "k"};
    for (unsigned q = 0; q < after; q++) {
        put(t, len, test_rnd(st, 3) ? tails[test_rnd(st, COUNT(tails))]
                                    : letters[test_rnd(st, COUNT(letters))]);
        if (q + 1 < after || test_rnd(st, 2))
            put(t, len, sep);
    }
}

static size_t gen_text(uint64_t *st, char *t)
{
    size_t len = 0;
    unsigned pieces = 1 + test_rnd(st, 8);
    for (unsigned k = 0; k < pieces; k++) {
        unsigned r = test_rnd(st, 5);
        if (r < 3)
            spelled(st, t, &len);
        else
            put(t, &len, words[test_rnd(st, COUNT(words))]);
        if (test_rnd(st, 2))
            put(t, &len, seps[test_rnd(st, COUNT(seps))]);
    }
    return len;
}

static int same_lone(const fold_loc *x, const fold_loc *y)
{
    return x->lone == y->lone && x->gap0 == y->gap0 && x->gap1 == y->gap1;
}

static int same_loc(const fold_loc *x, const fold_loc *y)
{
    return x->byte == y->byte && x->boundary == y->boundary && x->partial == y->partial &&
           x->tight == y->tight;
}

/* fb with only the checkpoints `keep` selects (always the first): marks is
 * the caller's array of room fb.n_marks. */
static fold_buf with_marks(fold_mark *marks, uint64_t *st, int keep)
{
    fold_buf v = fb;
    v.marks = marks;
    v.n_marks = 0;
    for (size_t i = 0; i < fb.n_marks; i++)
        if (i == 0 || (keep == 1 && test_rnd(st, 2)) || (keep == 2 && test_rnd(st, 5) == 0))
            marks[v.n_marks++] = fb.marks[i];
    return v;
}

Test(fold_lone, verdict_does_not_depend_on_checkpoints, .init = setup, .fini = teardown)
{
    uint64_t st = 0x9e3779b97f4a7c15ull;
    static char t[TEXT_MAX];
    size_t compared = 0, lone_seen = 0, differs = 0;
    for (int round = 0; round < 600; round++) {
        size_t n = gen_text(&st, t);
        cr_assert_eq(fold_text(&ft, (const uint8_t *)t, n, &fb), SCREENER_OK);
        fold_mark *marks = malloc((fb.n_marks + 1) * sizeof *marks);
        cr_assert_not_null(marks);
        fold_buf views[3];
        views[0] = with_marks(marks, &st, 0); /* the first only: a batch slice */
        fold_mark *marks2 = malloc((fb.n_marks + 1) * sizeof *marks2);
        fold_mark *marks3 = malloc((fb.n_marks + 1) * sizeof *marks3);
        cr_assert(marks2 && marks3);
        views[1] = with_marks(marks2, &st, 1);
        views[2] = with_marks(marks3, &st, 2);
        for (size_t p = 0; p < fb.n; p++)
            for (size_t e = p + 1; e <= fb.n && e <= p + 6; e++) {
                fold_loc a0, b0;
                fold_locate_span_general(&ft, (const uint8_t *)t, n, p, e, &a0, &b0);
                fold_loc a = a0, b = b0;
                fold_locate_lone(&ft, (const uint8_t *)t, n, &fb, p, e, &a, &b);
                lone_seen += a.lone + b.lone;
                for (int v = 0; v < 3; v++) {
                    fold_loc a2 = a0, b2 = b0, a3, b3;
                    fold_locate_lone(&ft, (const uint8_t *)t, n, &views[v], p, e, &a2, &b2);
                    if (!same_lone(&a, &a2) || !same_lone(&b, &b2)) {
                        differs++;
                        cr_assert(0,
                                  "round %d, text \"%.*s\", [%zu, %zu), checkpoints %d: "
                                  "lone %d/%d, gap %zu-%zu, end lone %d/%d with %zu vs %zu "
                                  "checkpoints",
                                  round, (int)n, t, p, e, v, a.lone, a2.lone, a2.gap0, a2.gap1,
                                  b.lone, b2.lone, fb.n_marks, views[v].n_marks);
                    }
                    fold_locate_span(&ft, (const uint8_t *)t, n, &views[v], p, e, &a3, &b3);
                    cr_assert(same_loc(&a0, &a3) && same_loc(&b0, &b3),
                              "round %d [%zu, %zu) checkpoints %d: span differs", round, p, e,
                              v);
                }
                compared++;
            }
        free(marks);
        free(marks2);
        free(marks3);
    }
    cr_assert_eq(differs, 0);
    cr_assert_gt(compared, 100000);
    cr_assert_gt(lone_seen, 1000, "the texts must hold lone neighbours (%zu)", lone_seen);
}

/* The rule at every alignment: "x a ... a s s" with r a's, after k
 * characters of padding (which moves the run against the checkpoints): the
 * "ass" at the end has the lone "x" for its neighbour when the run has at
 * most LONE_RUN_MAX letters before the match's own "a", none beyond,
 * on the fold with all its checkpoints and with the first only. */
Test(fold_lone, long_spaced_runs_at_every_alignment, .init = setup, .fini = teardown)
{
    static char t[TEXT_MAX];
    fold_mark first[1];
    for (size_t pad = 0; pad < 2 * FOLD_MARK_EVERY; pad++)
        for (size_t r = 1; r <= 3 * FOLD_MARK_EVERY + 8; r++) {
            size_t n = 0;
            for (size_t q = 0; q < pad; q++)
                put(t, &n, q % 3 == 2 ? " " : "z");
            put(t, &n, " x ");
            for (size_t q = 0; q < r; q++)
                put(t, &n, "a ");
            put(t, &n, "s s");
            cr_assert_eq(fold_text(&ft, (const uint8_t *)t, n, &fb), SCREENER_OK);
            size_t p = fb.n - 3, e = fb.n; /* the last a, s, s */
            cr_assert_eq(fb.units[p], 'a');
            fold_buf only_first = fb;
            only_first.marks = first;
            first[0] = fb.marks[0];
            only_first.n_marks = 1;
            const fold_buf *bufs[2] = {&fb, &only_first};
            for (int v = 0; v < 2; v++) {
                fold_loc a, b;
                fold_locate_span(&ft, (const uint8_t *)t, n, bufs[v], p, e, &a, &b);
                fold_locate_lone(&ft, (const uint8_t *)t, n, bufs[v], p, e, &a, &b);
                int want = r - 1 <= 16; /* LONE_RUN_MAX */
                cr_assert_eq(a.lone, want, "pad %zu, %zu a's, %s: lone %d", pad, r,
                             v ? "first checkpoint only" : "all checkpoints", a.lone);
            }
        }
}

/* The end side's rule: "a s s s ... s x" with r more s's after the match's
 * own: the lone "x" after them continues the spelled-out word when at most
 * LONE_RUN_MAX of them lie between (no boundary), none beyond. (Unbounded,
 * every match of "ss" in "s s s ... s" walked the rest of the run.) */
Test(fold_lone, long_spaced_runs_after_the_match, .init = setup, .fini = teardown)
{
    static char t[TEXT_MAX];
    for (size_t r = 0; r <= 3 * FOLD_MARK_EVERY; r++) {
        size_t n = 0;
        put(t, &n, "a s s ");
        for (size_t q = 0; q < r; q++)
            put(t, &n, "s ");
        put(t, &n, "x");
        cr_assert_eq(fold_text(&ft, (const uint8_t *)t, n, &fb), SCREENER_OK);
        fold_loc a, b;
        fold_locate_span(&ft, (const uint8_t *)t, n, &fb, 0, 3, &a, &b);
        fold_locate_lone(&ft, (const uint8_t *)t, n, &fb, 0, 3, &a, &b);
        cr_assert_eq(b.lone, r <= 16, "%zu s's after the match: lone %d", r, b.lone);
    }
}
