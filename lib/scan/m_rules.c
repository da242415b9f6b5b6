/*
 * m_rules.c — co-occurrence rules: the rule row, run after the literal row,
 * combines the parts that row found (collect_part) into rule matches.
 *
 *   parts of this text --allow-list (a part inside an allow match does not
 *   count)--> sorted by (entry, unit)
 *     NEAR    per occurrence of A, the nearest B (fewest folded characters
 *             between them, either side; ties: the B that starts first)
 *             within n: one match covering both
 *     THEN    the A that ends first and the first B starting at or after its
 *             end: one match covering both
 *     AND NOT no B: one match per occurrence of A
 *
 * NEAR is decided inside one text (a window round for long messages and
 * streams): its matches are at most rules_reach folded units wide, carried
 * by the windows like any match. AND NOT and THEN are decided over the
 * whole message: in a window round their parts are kept (window.c) and
 * judged once the text ends (window_rules_end). Cost: a sort of the parts,
 * then linear in them (NEAR: times the parts within reach of each A).
 */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "db/db.h"
#include "matcher.h"
#include "scan.h"

static int cmp_part_units(const void *a, const void *b)
{
    const rule_part *x = a, *y = b;
    if (x->entry != y->entry)
        return x->entry < y->entry ? -1 : 1;
    if (x->ustart != y->ustart)
        return x->ustart < y->ustart ? -1 : 1;
    if (x->uend != y->uend)
        return x->uend < y->uend ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_part_bytes(const void *a, const void *b)
{
    const rule_part *x = a, *y = b;
    if (x->entry != y->entry)
        return x->entry < y->entry ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* The occurrences of entry id in parts[0, n) (sorted by entry). */
static rule_part *part_range(rule_part *parts, size_t n, uint32_t id, size_t *count)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (parts[mid].entry < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t e = lo;
    while (e < n && parts[e].entry == id)
        e++;
    *count = e - lo;
    return parts + lo;
}

/* Folded characters in units [from, to): low surrogates do not count. */
static uint32_t chars_between(const uint16_t *u, uint32_t from, uint32_t to)
{
    uint32_t n = 0;
    for (uint32_t i = from; i < to; i++)
        n += (u[i] & 0xFC00u) != 0xDC00u;
    return n;
}

/* Folded units strictly between two occurrences (0 if they touch or overlap). */
static uint32_t units_between(const rule_part *a, const rule_part *b)
{
    if (b->ustart >= a->uend)
        return b->ustart - a->uend;
    if (a->ustart >= b->uend)
        return a->ustart - b->uend;
    return 0;
}

static int emit(const screener_db *db, screener_scratch *s, const db_rule *r, size_t start,
                size_t end)
{
    int rc = collect_deny(db, s, r->entry, start, end, 0);
    return rc == COLLECT_FULL ? 0 : rc;
}

/* NEAR/n over one text's parts (sorted by units). */
static int near_rule(const screener_db *db, screener_scratch *s, const uint16_t *units,
                     const db_rule *r, const rule_part *A, size_t na, const rule_part *B,
                     size_t nb)
{
    uint32_t n = r->distance, reach_units = 2 * n;
    for (size_t i = 0; i < na && !s->truncated; i++) {
        const rule_part *a = &A[i];
        if (a->suppressed)
            continue;
        /* the Bs that may be within reach start at or after this unit */
        uint32_t back = reach_units + db->max_lit_units;
        uint32_t from = a->ustart > back ? a->ustart - back : 0;
        size_t lo = 0, hi = nb;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (B[mid].ustart < from)
                lo = mid + 1;
            else
                hi = mid;
        }
        const rule_part *best = NULL;
        uint32_t best_gap = 0;
        for (size_t j = lo; j < nb && B[j].ustart <= a->uend + reach_units; j++) {
            const rule_part *b = &B[j];
            if (b->suppressed || (b->ustart == a->ustart && b->uend == a->uend))
                continue; /* (a part that is both A and B: two occurrences needed) */
            uint32_t gu = units_between(a, b);
            if (gu > reach_units)
                continue;
            uint32_t g = gu ? (b->ustart >= a->uend ? chars_between(units, a->uend, b->ustart)
                                                    : chars_between(units, b->uend, a->ustart))
                            : 0;
            if (g > n)
                continue;
            if (!best || g < best_gap ||
                (g == best_gap && (b->start < best->start ||
                                   (b->start == best->start && b->end < best->end)))) {
                best = b;
                best_gap = g;
            }
        }
        if (best) {
            int rc = emit(db, s, r, a->start < best->start ? a->start : best->start,
                          a->end > best->end ? a->end : best->end);
            if (rc)
                return rc;
        }
    }
    return SCREENER_OK;
}

/* THEN and AND NOT over a whole message's parts (sorted by bytes within
 * each entry; only the byte spans are read). */
static int message_rule(const screener_db *db, screener_scratch *s, const db_rule *r,
                        const rule_part *A, size_t na, const rule_part *B, size_t nb)
{
    if (r->op == DB_RULE_AND_NOT) {
        for (size_t j = 0; j < nb; j++)
            if (!B[j].suppressed)
                return SCREENER_OK;
        for (size_t i = 0; i < na; i++) {
            int rc = A[i].suppressed ? 0 : emit(db, s, r, A[i].start, A[i].end);
            if (rc)
                return rc;
        }
        return SCREENER_OK;
    }
    const rule_part *a = NULL, *b = NULL; /* THEN */
    for (size_t i = 0; i < na; i++)
        if (!A[i].suppressed &&
            (!a || A[i].end < a->end || (A[i].end == a->end && A[i].start < a->start)))
            a = &A[i];
    for (size_t j = 0; a && j < nb; j++) /* by start: the first that qualifies */
        if (!B[j].suppressed && B[j].start >= a->end &&
            (!b || B[j].start < b->start || (B[j].start == b->start && B[j].end < b->end)))
            b = &B[j];
    return a && b ? emit(db, s, r, a->start, b->end) : SCREENER_OK;
}

/* Every rule of one kind over parts[0, n), sorted by entry. */
/* The end of the group of parts[i]'s entry in parts[0, n) (sorted by entry). */
static size_t group_end(const rule_part *parts, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && parts[j].entry == parts[i].entry)
        j++;
    return j;
}

/* Every rule of one kind with an occurrence of its A in parts[0, n), sorted by
 * entry: one walk over the groups (rule r's A is entry first_part + 2r, its B
 * the next entry, so B's group follows A's), O(parts) whatever the number of
 * rules. */
static int each_rule(const screener_db *db, screener_scratch *s, const uint16_t *units,
                     rule_part *parts, size_t n, int near)
{
    for (size_t i = 0; i < n && !s->truncated;) {
        size_t j = group_end(parts, n, i);
        uint32_t off = parts[i].entry - db->first_part;
        const db_rule *r = &db->rules[off / 2];
        if (off % 2 == 0 && (r->op == DB_RULE_NEAR) == near) {
            size_t k = j < n && parts[j].entry == parts[i].entry + 1 ? group_end(parts, n, j) : j;
            int rc = near ? near_rule(db, s, units, r, parts + i, j - i, parts + j, k - j)
                          : message_rule(db, s, r, parts + i, j - i, parts + j, k - j);
            if (rc)
                return rc;
        }
        i = j;
    }
    return SCREENER_OK;
}

void rules_mark_allowed(screener_scratch *s)
{
    for (size_t i = 0; i < s->n_parts; i++)
        s->parts[i].suppressed = (uint32_t)collect_allowed(s, s->parts[i].entry,
                                                           s->parts[i].start, s->parts[i].end);
}

int run_rules(const scan_ctx *c, const matcher *m)
{
    (void)m;
    screener_scratch *s = c->s;
    if (!s->n_parts)
        return SCREENER_OK;
    rules_mark_allowed(s);
    qsort(s->parts, s->n_parts, sizeof *s->parts, cmp_part_units);
    int rc = each_rule(c->db, s, s->v.folded.units, s->parts, s->n_parts, 1);
    /* (sorted by units is sorted by bytes within an entry: the fold keeps order) */
    if (!rc && !s->rules_round && c->db->n_message_rules)
        rc = each_rule(c->db, s, NULL, s->parts, s->n_parts, 0);
    return rc;
}

int rules_message(const screener_db *db, screener_scratch *s, rule_part *parts, size_t n)
{
    if (n > 1)
        qsort(parts, n, sizeof *parts, cmp_part_bytes);
    return each_rule(db, s, NULL, parts, n, 0);
}

/* ---- which parts fired (screener_rule_parts) ------------------------------ */

/* The parts of rule r in parts[0, n) (one text: the match's span, len bytes)
 * that make up a match covering all of it. */
static size_t find_fired(const db_rule *r, const uint16_t *units, rule_part *parts, size_t n,
                         size_t len, const rule_part *out[2])
{
    size_t na, nb;
    const rule_part *A = part_range(parts, n, r->part0, &na);
    const rule_part *B = part_range(parts, n, r->part0 + 1, &nb);
    for (size_t i = 0; i < na; i++) {
        const rule_part *a = &A[i];
        if (a->suppressed)
            continue;
        if (r->op == DB_RULE_AND_NOT) {
            if (a->start == 0 && a->end == len) {
                out[0] = a;
                return 1;
            }
            continue;
        }
        for (size_t j = 0; j < nb; j++) {
            const rule_part *b = &B[j];
            if (b->suppressed || (b->ustart == a->ustart && b->uend == a->uend))
                continue;
            size_t lo = a->start < b->start ? a->start : b->start;
            size_t hi = a->end > b->end ? a->end : b->end;
            if (lo != 0 || hi != len)
                continue;
            if (r->op == DB_RULE_THEN && b->start < a->end)
                continue;
            if (r->op == DB_RULE_NEAR) {
                uint32_t gu = units_between(a, b);
                uint32_t g = !gu ? 0
                             : b->ustart >= a->uend ? chars_between(units, a->uend, b->ustart)
                                                    : chars_between(units, b->uend, a->ustart);
                if (g > r->distance)
                    continue;
            }
            out[0] = a;
            out[1] = b;
            return 2;
        }
    }
    return 0;
}

SCREENER_API int screener_rule_parts(const screener_db *db, screener_scratch *s, const char *text,
                                     size_t len, const screener_match *m, size_t start_out[2],
                                     size_t end_out[2], size_t *n_out)
{
    if (n_out)
        *n_out = 0;
    if (!db || !s || !m || !start_out || !end_out || !n_out || (!text && len) ||
        m->entry_id >= db->n_entries || !(db->entries[m->entry_id].options & DB_OPT_RULE) ||
        m->start > m->end || m->end > len)
        return SCREENER_E_INVALID_ARGUMENT;
    const db_rule *r = db_rule_of_entry(db, m->entry_id);
    if (!r)
        return SCREENER_E_INVALID_ARGUMENT;
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    s->in_use = 1;
    int rc = scan_prepare(db, s);
    const uint8_t *t = (const uint8_t *)text + m->start;
    size_t n = m->end - m->start;
    if (!rc) {
        /* (collect_reset leaves s->matches and s->result as they are) */
        collect_reset(s);
        rc = views_build(&db->fold, VIEW_FOLDED, t, n, &s->v);
    }
    if (!rc && s->v.folded.n) {
        scan_ctx c = {db, s, t, s->v.consumed};
        s->parts_only = 1;
        rc = scan_matchers[MATCHER_LITERALS].run(&c, &scan_matchers[MATCHER_LITERALS]);
        s->parts_only = 0;
    }
    if (!rc && s->n_parts) {
        rules_mark_allowed(s);
        qsort(s->parts, s->n_parts, sizeof *s->parts, cmp_part_units);
        const rule_part *fired[2];
        size_t k = find_fired(r, s->v.folded.units, s->parts, s->n_parts, n, fired);
        for (size_t i = 0; i < k; i++) {
            start_out[i] = m->start + fired[i]->start;
            end_out[i] = m->start + fired[i]->end;
        }
        *n_out = k;
    }
    s->in_use = 0;
    return rc;
}

/* ---- batches (batch_filter.c) -------------------------------------------- */

/* A rule match is made of its parts, and parts are literal entries found by
 * the literal row alone (on the folded view; collect_on ignores them on the
 * leet reading): a message with a rule match has a literal candidate, which
 * the literal row's prefilter marks. Nothing to test of its own, unless the
 * literal row is not there (a database cannot have rules without it: the
 * parts are compiled into its section; checked anyway). */
static int rules_may(const scan_ctx *c, const matcher *m)
{
    (void)m;
    return !(c->s->rows_used & (1u << MATCHER_LITERALS));
}

const batch_prefilter batch_rules = {0, rules_may, NULL};
