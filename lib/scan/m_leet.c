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
#include <string.h>

#include "collect.h"
#include "db/db.h"
#include "matcher.h"

/* Work bound for absorbing inner matches (pairs compared). */
#define ABSORB_MAX_PAIRS ((size_t)1 << 20)

/* Give matches [0, first) lying inside a leet match [first, n) of the same
 * entry that match's span (see above). */
static void absorb_inner(screener_scratch *s, size_t first)
{
    size_t n = s->n_matches;
    if (first == 0 || n == first || first * (n - first) > ABSORB_MAX_PAIRS)
        return;
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
    absorb_inner(s, first);
    return SCREENER_OK;
}

/* Batches: the row runs only on a text that has a reading (leet_build made
 * it active), which most texts do not: those cannot hold a leet match. */
static int leet_may(const scan_ctx *c, const matcher *m)
{
    (void)m;
    return c->db->hs_leet && c->s->v.leet.active;
}

const batch_prefilter batch_leet = {VIEW_LEET, leet_may, NULL};
