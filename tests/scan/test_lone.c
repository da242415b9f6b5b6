/* A spelled-out word's verdict is the same whichever fold produced the
 * view (issue 13): "PAD x a a ... a s s" with r spaced a's after padding
 * of 0 to 2 * FOLD_MARK_EVERY characters (which moves the run against the
 * single scan's checkpoints), and the same after "sh1t " (the batch's
 * per-message leet test marks such a message and scans it at once on its
 * slice of the group's fold), scanned alone, in a batch on a fresh scratch
 * (joined groups, each message's slice of them), and as a stream
 * written in chunks of 1, 7 and all bytes. Every way must report the same
 * matches (spans relative to the padding), and the rule itself holds: the
 * lone "x" before a run of at most LONE_RUN_MAX (16, lib/normalize/fold.c)
 * a's before the match's own continues the spelled-out word (no "ass"); a
 * longer run has no neighbour ("ass" matches); for runs of 3 to 8 the leet
 * view's reading (spaced repeats joined) matches anyway. Until 2026-12-01 the
 * single scan's verdict for runs of about 15 to 32 letters depended on the
 * padding (tests/normalize/test_fold_lone.c has the fold-level test). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize/fold.h"
#include "screener.h"

static screener_db *ldb;
static screener_scratch *lsc;

static void setup(void)
{
    static const char dict[] = "ass\nfuck\nshit\n";
    screener_source src = {.name = "lone.txt", .text = dict, .len = sizeof dict - 1};
    cr_assert_eq(screener_compile(NULL, &src, 1, &ldb, NULL), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(ldb, &lsc), SCREENER_OK);
}

static void teardown(void)
{
    screener_scratch_free(lsc);
    screener_db_free(ldb);
}

#define MAXM 8

typedef struct found {
    size_t n;
    size_t start[MAXM], end[MAXM];
    uint32_t entry[MAXM];
} found;

/* The unsuppressed matches of r at or after byte `from`, shifted by -from. */
static void take(found *f, const screener_result *r, size_t from)
{
    for (size_t i = 0; i < r->n_matches; i++) {
        const screener_match *m = &r->matches[i];
        if ((m->flags & SCREENER_MATCH_SUPPRESSED) || m->start < from)
            continue;
        cr_assert_lt(f->n, MAXM);
        f->start[f->n] = m->start - from;
        f->end[f->n] = m->end - from;
        f->entry[f->n] = m->entry_id;
        f->n++;
    }
}

static int same_found(const found *a, const found *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->start[i] != b->start[i] || a->end[i] != b->end[i] || a->entry[i] != b->entry[i])
            return 0;
    return 1;
}

/* "[sh1t ]PAD x a ... a s s": with the bait, the leet view's per-message
 * test marks the message in a batch, which then scans it at once on its
 * slice of the group's fold (batch_filter.c, joined_readings). */
static size_t make(char *t, int bait, size_t pad, size_t r, size_t *from)
{
    size_t n = 0;
    if (bait)
        memcpy(t, "sh1t ", 5), n = 5;
    for (size_t q = 0; q < pad; q++)
        t[n++] = q % 3 == 2 ? ' ' : 'z';
    t[n++] = ' ';
    *from = n;
    memcpy(t + n, "x ", 2), n += 2;
    for (size_t q = 0; q < r; q++)
        memcpy(t + n, "a ", 2), n += 2;
    memcpy(t + n, "s s", 3), n += 3;
    return n;
}

static void stream_found(const char *t, size_t n, size_t chunk, size_t from, found *f)
{
    screener_stream *st;
    const screener_result *r;
    cr_assert_eq(screener_stream_open(ldb, &st), SCREENER_OK);
    for (size_t i = 0; i < n; i += chunk) {
        size_t len = n - i < chunk ? n - i : chunk;
        cr_assert_eq(screener_stream_write(st, lsc, t + i, len, &r), SCREENER_OK);
        take(f, r, from);
    }
    cr_assert_eq(screener_stream_close(st, lsc, &r), SCREENER_OK);
    take(f, r, from);
    screener_stream_free(st);
}

#define NPAD (2 * FOLD_MARK_EVERY)

Test(scan_lone, spelled_out_verdict_is_the_same_at_every_alignment_and_every_way,
     .init = setup, .fini = teardown)
{
    static char texts[2 * NPAD][512];
    for (size_t r = 1; r <= 3 * FOLD_MARK_EVERY + 8; r++) {
        found ref = {0};
        screener_message msgs[2 * NPAD + 1];
        size_t froms[2 * NPAD];
        for (size_t i = 0; i < 2 * NPAD; i++) {
            size_t pad = i % NPAD;
            int bait = i >= NPAD;
            size_t n = make(texts[i], bait, pad, r, &froms[i]);
            msgs[i] = (screener_message){texts[i], n};
            const screener_result *res;
            cr_assert_eq(screener_scan(ldb, lsc, texts[i], n, &res), SCREENER_OK);
            found single = {0};
            take(&single, res, froms[i]);
            if (i == 0) {
                ref = single;
                /* the rule: "ass" only when the run hides the lone x (up to
                 * 8 a's the leet view joins the run, docs/leet.md rule 6,
                 * and matches from 3 a's on: not this test's business) */
                int want = r - 1 > 16;
                if (r > 8)
                    cr_assert_eq(ref.n, (size_t)want, "%zu a's: %zu matches, want %d", r,
                                 ref.n, want);
            }
            cr_assert(same_found(&ref, &single),
                      "%zu a's, padding %zu%s: single scan gives %zu matches, %zu without",
                      r, pad, bait ? " after sh1t" : "", single.n, ref.n);
            static const size_t chunks[] = {1, 7, 512};
            for (size_t c = 0; c < 3; c++) {
                found f = {0};
                stream_found(texts[i], n, chunks[c], froms[i], &f);
                cr_assert(same_found(&ref, &f), "%zu a's, padding %zu, chunks of %zu: %zu vs %zu",
                          r, pad, chunks[c], f.n, ref.n);
            }
        }
        /* a batch of all of them and one message more (joined groups), on
         * a fresh scratch (the batch filter is on: it switches itself off
         * for a while after groups where most messages match) */
        msgs[2 * NPAD] = (screener_message){"s h i t", 7};
        const screener_result *results;
        screener_scratch *bs;
        cr_assert_eq(screener_scratch_alloc(ldb, &bs), SCREENER_OK);
        cr_assert_eq(screener_scan_batch(ldb, bs, msgs, 2 * NPAD + 1, &results), SCREENER_OK);
        for (size_t i = 0; i < 2 * NPAD; i++) {
            found f = {0};
            take(&f, &results[i], froms[i]);
            cr_assert(same_found(&ref, &f), "%zu a's, padding %zu%s, batch: %zu vs %zu", r,
                      i % NPAD, i >= NPAD ? " after sh1t" : "", f.n, ref.n);
        }
        screener_scratch_free(bs);
    }
}
