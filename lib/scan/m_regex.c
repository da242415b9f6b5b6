/*
 * m_regex.c — the regex matcher: regex entries on the byte view.
 *
 *   byte view --hs_scan, regex database--> (entry, end) for every end
 *             --anchored start database, from each candidate start in
 *               ascending order--> the leftmost start of each (entry, end)
 *             --collect--> one match per entry and start, the longest
 *
 * No start-of-match reporting (HS_FLAG_SOM_LEFTMOST) is used: Vectorscan
 * 5.4.9 aborts inside hs_scan for some SOM patterns on inputs of 255+ bytes
 * (compile/regex.c). Instead the ends are buffered (RX_BATCH at a time) and
 * the candidates s in [end - width, end) of any buffered end are visited in
 * ascending order; at each character start s one anchored scan reports every
 * regex match that starts at s (`^(?:re)` at the first byte, else
 * `^(?s:.)(?:re')` from the character before s, so `\b` sees its context).
 * The first s that reports (entry, end) is its leftmost start, exactly what
 * SOM_LEFTMOST gave. The slice a probe scans ends 2 bytes past the furthest
 * end it can be asked for, so `$` holds at the same places as in the whole
 * text (tests/scan/test_regex_start.c compares with SOM on random regexes).
 *
 * Cost: the ends, then one short anchored scan (Hyperscan stops an anchored
 * scan once no state is alive) per character in the union of the windows
 * [end - width, end); a message without regex matches pays one hs_scan. A
 * work budget (REGEX_WORK_PER_BYTE match reports per byte of the view, over
 * both passes) stops pathological dictionaries — and substituted databases
 * that report a match at every byte — with the result marked truncated.
 */
#include <stdlib.h>

#include "collect.h"
#include "common/buf.h"
#include "db/db.h"
#include "matcher.h"

#define RX_BATCH 4096
#define REGEX_WORK_PER_BYTE 256u
#define REGEX_WORK_BASE 65536u
#define RX_NONE UINT32_MAX

typedef struct regex_ctx {
    const scan_ctx *c;
    int rc;          /* first error, or COLLECT_FULL */
    int stop;        /* work budget spent: the result is truncated */
    uint64_t work, budget;
} regex_ctx;

/* The widest match of regex entry id (0: not a regex of this database). */
static uint32_t regex_width(const screener_db *db, uint32_t id)
{
    size_t lo = 0, hi = db->n_regex;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (db->regexes[mid].entry < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < db->n_regex && db->regexes[lo].entry == id ? db->regexes[lo].max_width : 0;
}

static int spend(regex_ctx *r)
{
    if (++r->work <= r->budget)
        return 0;
    r->stop = 1;
    return 1;
}

/* ---- finding the starts ------------------------------------------------------ */

static int cmp_end(const void *a, const void *b)
{
    const rx_end *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_lo(const void *a, const void *b, void *arg)
{
    const rx_end *rx = arg;
    uint32_t x = rx[*(const uint32_t *)a].lo, y = rx[*(const uint32_t *)b].lo;
    return x < y ? -1 : x > y;
}

typedef struct probe {
    regex_ctx *r;
    rx_end *rx; /* sorted by (end, id) */
    size_t n;
    uint32_t base, s, ctx;
} probe;

/* Start database callback: (entry, end) matches from s. */
static int on_start(unsigned int vid, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    probe *p = ctx;
    if (spend(p->r))
        return 1;
    if ((vid & 1u) != p->ctx)
        return 0;
    uint64_t end = p->base + to;
    uint32_t id = vid >> 1;
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const rx_end *m = &p->rx[mid];
        if (m->end < end || (m->end == end && m->id < id))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < p->n && p->rx[lo].end == end && p->rx[lo].id == id && p->rx[lo].start == RX_NONE)
        p->rx[lo].start = p->s;
    return 0;
}

/* One anchored scan: the matches that start at s and end at most at reach. */
static int probe_at(regex_ctx *r, probe *p, uint32_t s, uint32_t reach)
{
    const scan_ctx *c = r->c;
    const byte_view *bv = &c->s->v.bytes;
    uint32_t base = s;
    if (s > 0) /* one character of context */
        for (base = s - 1; base > 0 && s - base < 4 && (bv->text[base] & 0xC0) == 0x80;)
            base--;
    size_t end = (size_t)reach + 2 < bv->n ? (size_t)reach + 2 : bv->n;
    p->base = base;
    p->s = s;
    p->ctx = s > 0;
    hs_error_t he = hs_scan(c->db->hs_regex_start, (const char *)bv->text + base,
                            (unsigned int)(end - base), 0, c->s->hs_regex_start, on_start, p);
    if (he == HS_SUCCESS || (he == HS_SCAN_TERMINATED && r->stop))
        return SCREENER_OK;
    return he == HS_SCRATCH_IN_USE ? SCREENER_E_SCRATCH_IN_USE : SCREENER_E_HYPERSCAN;
}

/* Visit every character start in the union of the buffered ends' windows,
 * in ascending order, giving each end the first start that reaches it. */
static int find_starts(regex_ctx *r)
{
    screener_scratch *s = r->c->s;
    const byte_view *bv = &s->v.bytes;
    size_t n = s->n_rx;
    qsort(s->rx, n, sizeof(rx_end), cmp_end);
    if (mem_grow((void **)&s->rx_order, &s->cap_rx_order, n, sizeof(uint32_t)))
        return SCREENER_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        s->rx_order[i] = (uint32_t)i;
    qsort_r(s->rx_order, n, sizeof(uint32_t), cmp_lo, s->rx);
    probe p = {r, s->rx, n, 0, 0, 0};
    size_t idx = 0;
    uint32_t reach = 0, pos = s->rx[s->rx_order[0]].lo;
    while (!r->stop) {
        while (idx < n && s->rx[s->rx_order[idx]].lo <= pos) {
            uint32_t e = s->rx[s->rx_order[idx++]].end;
            reach = e > reach ? e : reach;
        }
        if (pos >= reach) {
            if (idx == n)
                break;
            pos = s->rx[s->rx_order[idx]].lo;
            continue;
        }
        if (pos == 0 || (bv->text[pos] & 0xC0) != 0x80) {
            int rc = probe_at(r, &p, pos, reach);
            if (rc)
                return rc;
        }
        pos++;
    }
    return SCREENER_OK;
}

/* Find the starts of the buffered ends and collect them. */
static int flush(regex_ctx *r)
{
    const scan_ctx *c = r->c;
    screener_scratch *s = c->s;
    if (s->n_rx == 0)
        return SCREENER_OK;
    int rc = find_starts(r);
    const byte_view *bv = &s->v.bytes;
    for (size_t i = 0; i < s->n_rx && !rc; i++) {
        const rx_end *x = &s->rx[i];
        if (x->start == RX_NONE)
            continue; /* not reached: the budget stopped the search */
        size_t start = bv->from[x->start];
        size_t end = view_char_end(c->text, c->len, bv->from[x->end - 1]);
        rc = c->db->entries[x->id].flags & SCREENER_ENTRY_ALLOW
                 ? collect_allow(s, start, end)
                 : collect_deny(c->db, s, x->id, start, end, 1);
    }
    s->n_rx = 0;
    return rc;
}

/* ---- the ends ------------------------------------------------------------------ */

static int on_end(unsigned int id, unsigned long long from, unsigned long long to,
                  unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    regex_ctx *r = ctx;
    const scan_ctx *c = r->c;
    screener_scratch *s = c->s;
    if (spend(r))
        return 1;
    uint32_t w = id < c->db->n_entries ? regex_width(c->db, id) : 0;
    if (w == 0 || to == 0 || to > s->v.bytes.n)
        return 0; /* not one of ours: a damaged (but re-sealed) database */
    if (mem_grow((void **)&s->rx, &s->cap_rx, s->n_rx + 1, sizeof(rx_end))) {
        r->rc = SCREENER_E_NOMEM;
        return 1;
    }
    rx_end *x = &s->rx[s->n_rx++];
    x->id = id;
    x->end = (uint32_t)to;
    x->lo = to > w ? (uint32_t)(to - w) : 0;
    x->start = RX_NONE;
    if (s->n_rx == RX_BATCH) {
        int rc = flush(r);
        if (rc) {
            r->rc = rc;
            return 1;
        }
    }
    return 0;
}

int run_regexes(const scan_ctx *c, const matcher *m)
{
    (void)m;
    const byte_view *bv = &c->s->v.bytes;
    if (bv->n == 0)
        return SCREENER_OK;
    regex_ctx r = {c, 0, 0, 0, (uint64_t)bv->n * REGEX_WORK_PER_BYTE + REGEX_WORK_BASE};
    c->s->n_rx = 0;
    hs_error_t he = hs_scan(c->db->hs_regex, (const char *)bv->text, (unsigned int)bv->n, 0,
                            c->s->hs_regex, on_end, &r);
    if (!r.rc && (he == HS_SUCCESS || he == HS_SCAN_TERMINATED))
        r.rc = flush(&r); /* (after the budget stopped it: the starts found so far) */
    c->s->n_rx = 0;
    if (r.stop)
        c->s->truncated = 1;
    if (r.rc == COLLECT_FULL)
        return SCREENER_OK;
    if (r.rc)
        return r.rc;
    if (he == HS_SCRATCH_IN_USE)
        return SCREENER_E_SCRATCH_IN_USE;
    return he == HS_SUCCESS || (he == HS_SCAN_TERMINATED && r.stop) ? SCREENER_OK
                                                                   : SCREENER_E_HYPERSCAN;
}

/* ---- batches (batch_filter.c) -------------------------------------------------- */

/* 1 if regex re (len bytes) matches in a longer text wherever it matches in
 * the text alone: no anchor (`^`, `$`, `\A`, `\z`, `\Z`, `\G`) outside a
 * character class, a `\Q...\E` quote or a `(?#...)` comment. Lookaround
 * and backreferences are not Hyperscan syntax, and the ends database drops
 * `\b`/`\B` (compile/regex.c), so nothing else looks past a match. Errs
 * towards 0: a class is taken to end at its first `]` that is neither
 * escaped nor its first character (a `]` inside a `\Q...\E` in a class
 * ends it later: more of the regex is then read as outside, never less),
 * and extended mode (`(?x)`, whose `#` comments this does not read) counts
 * as anchored. */
int regex_unanchored(const char *re, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char ch = re[i];
        if (ch == '^' || ch == '$')
            return 0;
        if (ch == '\\') {
            if (++i >= len)
                return 0;
            if (re[i] == 'A' || re[i] == 'z' || re[i] == 'Z' || re[i] == 'G')
                return 0;
            if (re[i] == 'Q') { /* quoted up to \E (or the end) */
                while (i + 2 < len && !(re[i + 1] == '\\' && re[i + 2] == 'E'))
                    i++;
                i += 2;
            }
        } else if (ch == '[') {
            i++;
            if (i < len && re[i] == '^')
                i++;
            if (i < len && re[i] == ']')
                i++;
            while (i < len && re[i] != ']')
                i += re[i] == '\\' ? 2 : 1;
        } else if (ch == '(' && i + 2 < len && re[i + 1] == '?') {
            if (re[i + 2] == '#') {
                while (i < len && re[i] != ')')
                    i++;
                continue;
            }
            for (size_t k = i + 2;
                 k < len && (re[k] == '-' || (unsigned)((re[k] | 0x20) - 'a') < 26u); k++)
                if (re[k] == 'x')
                    return 0; /* extended mode */
        }
    }
    return 1;
}

/* Whether every regex of db is unanchored: then the group's byte views,
 * concatenated, can be scanned at once. Cached per scratch and database. */
static int regexes_joinable(const screener_db *db, screener_scratch *s)
{
    if (s->rx_join_for != db->instance) {
        int ok = 1;
        for (uint32_t k = 0; k < db->n_regex && ok; k++) {
            const db_entry *e = &db->entries[db->regexes[k].entry];
            ok = regex_unanchored(db->strings + e->term_off, e->term_len);
        }
        s->rx_join = ok;
        s->rx_join_for = db->instance;
    }
    return s->rx_join;
}

static int on_any_end(unsigned int id, unsigned long long from, unsigned long long to,
                      unsigned int flags, void *ctx)
{
    (void)id;
    (void)from;
    (void)to;
    (void)flags;
    *(int *)ctx = 1;
    return 1; /* one is enough */
}

static int on_group_end(unsigned int id, unsigned long long from, unsigned long long to,
                        unsigned int flags, void *ctx)
{
    (void)id;
    (void)from;
    (void)flags;
    const batch_group *g = ctx;
    if (to > 0)
        batch_mark(g, g->byte_at, (size_t)to - 1);
    return 0;
}

static int hs_status(hs_error_t he)
{
    if (he == HS_SUCCESS)
        return SCREENER_OK;
    return he == HS_SCRATCH_IN_USE ? SCREENER_E_SCRATCH_IN_USE : SCREENER_E_HYPERSCAN;
}

/* A message without a match end in its byte view has no regex match (the
 * row's first step finds nothing). With anchored regexes this is one
 * Hyperscan call per message, stopped at the first end. */
static int regex_may(const scan_ctx *c, const matcher *m)
{
    (void)m;
    const byte_view *bv = &c->s->v.bytes;
    if (bv->n == 0 || regexes_joinable(c->db, c->s))
        return 0; /* (joinable: the group pass decides) */
    int hit = 0;
    hs_error_t he = hs_scan(c->db->hs_regex, (const char *)bv->text, (unsigned int)bv->n, 0,
                            c->s->hs_regex, on_any_end, &hit);
    return hit ? 1 : hs_status(he);
}

/* Unanchored regexes: one Hyperscan call over the group's byte views, each
 * followed by a '\n' (valid UTF-8 for HS_FLAG_UTF8; not a word character,
 * which no longer matters: the ends database has no `\b`). A match inside
 * a message's bytes is one here too, at the same place; one that takes in
 * a separator only marks a message needlessly. */
static int regex_group(const batch_group *g, const matcher *m)
{
    (void)m;
    size_t n = g->byte_at[g->n];
    if (n == 0 || !regexes_joinable(g->db, g->s))
        return SCREENER_OK;
    hs_error_t he = hs_scan(g->db->hs_regex, (const char *)g->bytes, (unsigned int)n, 0,
                            g->s->hs_regex, on_group_end, (void *)(uintptr_t)g);
    return hs_status(he);
}

const batch_prefilter batch_regexes = {VIEW_BYTES, regex_may, regex_group};
