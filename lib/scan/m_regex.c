/*
 * m_regex.c — the regex matcher: regex entries on the byte view.
 *
 * Hyperscan reports every end of a match ("[0-9]{5,9}" on 9 digits ends 5
 * times) with its leftmost start; collect keeps one match per entry and
 * start, the longest, through a hash (O(1) per report).
 */
#include "collect.h"
#include "db/db.h"
#include "matcher.h"

typedef struct regex_ctx {
    const scan_ctx *c;
    int rc;
} regex_ctx;

static int on_regex(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx)
{
    (void)flags;
    regex_ctx *r = ctx;
    const scan_ctx *c = r->c;
    const byte_view *bv = &c->s->v.bytes;
    if (id >= c->db->n_entries || to == 0 || from >= to || to > bv->n)
        return 0; /* not one of ours: a damaged (but re-sealed) database */
    size_t start = bv->from[from];
    size_t end = view_char_end(c->text, c->len, bv->from[to - 1]);
    int rc = c->db->entries[id].flags & SCREENER_ENTRY_ALLOW
                 ? collect_allow(c->s, start, end)
                 : collect_deny(c->db, c->s, id, start, end, 1);
    if (rc) {
        r->rc = rc;
        return 1; /* stop the scan */
    }
    return 0;
}

int run_regexes(const scan_ctx *c, const matcher *m)
{
    (void)m;
    const byte_view *bv = &c->s->v.bytes;
    if (bv->n == 0)
        return SCREENER_OK;
    regex_ctx r = {c, 0};
    hs_error_t he = hs_scan(c->db->hs_regex, (const char *)bv->text, (unsigned int)bv->n, 0,
                            c->s->hs_regex, on_regex, &r);
    if (r.rc == COLLECT_FULL)
        return SCREENER_OK;
    if (r.rc)
        return r.rc;
    if (he == HS_SCRATCH_IN_USE)
        return SCREENER_E_SCRATCH_IN_USE;
    return he == HS_SUCCESS ? SCREENER_OK : SCREENER_E_HYPERSCAN;
}
