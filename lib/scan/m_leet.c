/*
 * m_leet.c — the leet matcher: the Latin-letter literals (SEC_HS_LEET) on
 * the leet view (normalize/leet.h).
 *
 *   leet reading, folded --hs_scan (Latin literals only)--> candidates
 *        --the literal row's checks, on the reading--> spans of the reading
 *        --covers a character read differently? --orig map--> original spans
 *        --> collect (flag SCREENER_MATCH_LEET)
 *
 * Most texts have no reading (leet_build found no candidate): the row
 * returns at once.
 */
#include "collect.h"
#include "db/db.h"
#include "matcher.h"

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
    int rc = scan_literals_on(&rc_ctx, db->hs_leet, &lv->folded);
    if (rc)
        return rc;
    span_map map = {lv->orig, lv->sub};
    for (size_t r = 0; r < s->n_raw; r++) {
        const db_lit *l = &db->lits[s->raw[r].lit];
        rc = collect_span_on(&rc_ctx, &lv->folded, &map, db->lit_entries + l->entries_off,
                             l->n_entries, s->raw[r].start, s->raw[r].end);
        if (rc == COLLECT_FULL)
            break;
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}
