/*
 * m_leet.c — the leet matcher: the Latin-letter literals (SEC_HS_LEET) on
 * the leet view (normalize/leet.h).
 *
 *   leet reading, folded --hs_scan (Latin literals only)--> candidates
 *        --the literal row's checks, on the reading--> spans of the reading
 *        --covers a character read differently? --orig map--> original spans
 *        --> collect (flag SCREENER_MATCH_LEET)
 *
 * Most texts have no reading (leet_build found no candidate): scan_text
 * does not call the row then (and the row returns at once if called).
 *
 * A match of the folded view that lies inside a leet match of the same
 * entry is the same term read less fully ("a s s" inside "a a a a s s"): it
 * is given the leet match's span, so collect_finish drops it as a repeat and
 * one match covers the whole run.
 */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "common/alloc.h"
#include "db/db.h"
#include "matcher.h"

/* Pairs compared directly; more go through absorb_sorted. */
#define ABSORB_MAX_PAIRS ((size_t)1 << 20)

/* One match of absorb_sorted's lists. */
typedef struct absorb_ref {
    size_t start, end, idx;
    uint32_t entry;
} absorb_ref;

static int cmp_ref(const void *a, const void *b)
{
    const absorb_ref *x = a, *y = b;
    if (x->entry != y->entry)
        return x->entry < y->entry ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* absorb_inner for many matches: both lists sorted by (entry, start), one
 * sweep; an inner match takes the span of the leet match of its entry that
 * starts at or before it and reaches furthest (it then repeats that match,
 * as with the pairwise loop, whichever containing match it takes).
 * O(k log k) for k matches; a temporary list of k. Until 2026-12-01 the
 * absorption was skipped past ABSORB_MAX_PAIRS pairs, so a long text (a
 * message of ~5 KB of "a a a ss ", and streams' and windows' rounds, which
 * cut it differently) reported inner matches a short one did not. */
static int absorb_sorted(screener_scratch *s, size_t first)
{
    size_t n = s->n_matches, nl = n - first;
    absorb_ref *r = mem_malloc(n * sizeof *r);
    if (!r)
        return SCREENER_E_NOMEM;
    absorb_ref *lv = r, *in = r + nl;
    for (size_t i = 0; i < n; i++) {
        const screener_match *m = &s->matches[i];
        absorb_ref x = {m->start, m->end, i, m->entry_id};
        if (i < first)
            in[i] = x;
        else
            lv[i - first] = x;
    }
    qsort(lv, nl, sizeof *lv, cmp_ref);
    qsort(in, first, sizeof *in, cmp_ref);
    size_t j = 0, best = 0;
    int have = 0;
    for (size_t i = 0; i < first; i++) {
        if (i == 0 || in[i].entry != in[i - 1].entry) {
            have = 0;
            while (j < nl && lv[j].entry < in[i].entry)
                j++;
        }
        for (; j < nl && lv[j].entry == in[i].entry && lv[j].start <= in[i].start; j++)
            if (!have || lv[j].end > lv[best].end)
                best = j, have = 1;
        if (have && lv[best].end >= in[i].end) {
            screener_match *f = &s->matches[in[i].idx];
            f->start = lv[best].start;
            f->end = lv[best].end;
            f->flags |= SCREENER_MATCH_LEET;
        }
    }
    mem_free(r);
    return SCREENER_OK;
}

/* Give matches [0, first) lying inside a leet match [first, n) of the same
 * entry that match's span (see above). */
static int absorb_inner(screener_scratch *s, size_t first)
{
    size_t n = s->n_matches;
    if (first == 0 || n == first)
        return SCREENER_OK;
    if (first * (n - first) > ABSORB_MAX_PAIRS)
        return absorb_sorted(s, first);
    for (size_t j = first; j < n; j++) {
        const screener_match *l = &s->matches[j];
        for (size_t i = 0; i < first; i++) {
            screener_match *f = &s->matches[i];
            if (f->entry_id == l->entry_id && f->start >= l->start && f->end <= l->end) {
                f->start = l->start;
                f->end = l->end;
                f->flags |= SCREENER_MATCH_LEET;
            }
        }
    }
    return SCREENER_OK;
}

int run_leet(const scan_ctx *c, const matcher *m)
{
    (void)m;
    const screener_db *db = c->db;
    screener_scratch *s = c->s;
    const leet_view *lv = &s->v.leet;
    if (!lv->active || !db->hs_leet)
        return SCREENER_OK;
    /* the row runs on the reading: boundaries and span checks see its text */
    scan_ctx rc_ctx = {db, s, lv->text, lv->len};
    int rc = scan_literals_on(&rc_ctx, db->hs_leet, NULL, &lv->folded);
    if (rc)
        return rc;
    span_map map = {lv->orig, lv->sub};
    size_t first = s->n_matches;
    fold_cursor cur = {0};
    for (size_t r = 0; r < s->n_raw; r++) {
        const db_lit *l = &db->lits[s->raw[r].lit];
        rc = collect_span_on(&rc_ctx, &lv->folded, &map, &cur, db->lit_entries + l->entries_off,
                             l->n_entries, s->raw[r].start, s->raw[r].end);
        if (rc == COLLECT_FULL)
            break;
        if (rc)
            return rc;
    }
    return absorb_inner(s, first);
}

/* Batches: the row runs only on a text that has a reading (leet_build made
 * it active), which most texts do not: those cannot hold a leet match. */
static int leet_may(const scan_ctx *c, const matcher *m)
{
    (void)m;
    return c->db->hs_leet && c->s->v.leet.active;
}

const batch_prefilter batch_leet = {VIEW_LEET, leet_may, NULL};
