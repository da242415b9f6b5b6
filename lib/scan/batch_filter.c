/*
 * batch_filter.c — which messages of a batch can have a match at all.
 *
 *   messages --fold each (views)--> folded units, concatenated with a
 *   separator unit between --ONE hs_scan--> every literal candidate marks
 *   the message its last byte lies in
 *
 * A message without a candidate has no match: when the literal row is the
 * only row the database uses, every match starts as a candidate in the
 * message's own folded text, and those same units are in the concatenation
 * (Hyperscan reports every occurrence, in block mode, whatever surrounds
 * it). The separator cannot make a real match disappear; a candidate that
 * crosses it only marks a message needlessly (it is then scanned in full
 * and reports nothing more). The marked messages are scanned one by one as
 * usual, so results are exactly those of single scans. What it saves: the
 * per-message Hyperscan call and the scan's fixed cost for every message
 * that passes, most of a chat stream; what it costs: a second fold and
 * Hyperscan pass for every message with a candidate. It stays on while the
 * last filtered group says it pays (judge()), and is tried again after
 * PROBE_FIRST, then twice as many, ... groups when it did not; the scratch keeps that state from one
 * call to the next (a service's batches come from one workload).
 */
#include <string.h>

#include "common/buf.h"
#include "db/db.h"
#include "matcher.h"
#include "scan.h"

/* Folded units per concatenated group: bounds the extra memory. */
#define GROUP_UNITS ((size_t)64 << 10)
#define SEPARATOR 0xFFFFu /* a noncharacter: no folded term contains it */
/* Longer messages go straight to their own scan: their fixed cost is a
 * small part of their scan, and they are the likeliest to hold a candidate
 * (then filtering folds and scans them twice). Measured with callgrind on
 * the bench corpora at 10k terms (Ir per batch of 1000 against no filter):
 * chat (30 bytes a message) -33 %, tweets (98) -7 %, Weibo (243) +8 %
 * with every message filtered. */
#define FILTER_MAX_BYTES 128

typedef struct group_ctx {
    const size_t *start; /* first unit of each message of the group */
    const size_t *msg;   /* its index in the batch */
    size_t n;            /* messages in the group */
    uint8_t *maybe;
} group_ctx;

static int on_candidate(unsigned int id, unsigned long long from, unsigned long long to,
                        unsigned int flags, void *ctx)
{
    (void)id;
    (void)from;
    (void)flags;
    group_ctx *g = ctx;
    if (to == 0)
        return 0;
    size_t unit = (size_t)((to - 1) / 2), lo = 0, hi = g->n; /* last start <= unit */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->start[mid] <= unit)
            lo = mid;
        else
            hi = mid;
    }
    g->maybe[g->msg[lo]] = 1;
    return 0;
}

static int scan_group(const screener_db *db, screener_scratch *s, size_t n, size_t units,
                      uint8_t *maybe)
{
    if (n == 0)
        return SCREENER_OK;
    group_ctx g = {s->bf_start, s->bf_msg, n, maybe};
    hs_error_t he = hs_scan(db->hs, (const char *)s->bf_units, (unsigned int)(units * 2), 0,
                            s->hs, on_candidate, &g);
    if (he == HS_SCRATCH_IN_USE)
        return SCREENER_E_SCRATCH_IN_USE;
    return he == HS_SUCCESS ? SCREENER_OK : SCREENER_E_HYPERSCAN;
}

/* Append message i's folded units (and a separator) to the group as its
 * k-th message, or mark it for a full scan when it does not fold whole in
 * one view. */
static int add_message(const screener_db *db, screener_scratch *s, const uint8_t *text,
                       size_t len, size_t i, size_t k, size_t *units, uint8_t *maybe_i)
{
    if (len > FILTER_MAX_BYTES) {
        *maybe_i = 1; /* long: more likely to match, less to save (see above) */
        return SCREENER_OK;
    }
    if (db->hs_leet && leet_candidate(text, len)) {
        *maybe_i = 1; /* the leet row has a reading to scan: no shortcut */
        return SCREENER_OK;
    }
    int rc = views_build(&db->fold, VIEW_FOLDED, text, len, &s->v);
    if (rc)
        return rc;
    const fold_buf *fb = &s->v.folded;
    if (s->v.consumed != len) {
        *maybe_i = 1; /* over the views' budget: scanned in windows */
        return SCREENER_OK;
    }
    if (mem_grow((void **)&s->bf_units, &s->cap_bf_units, *units + fb->n + 1, sizeof(uint16_t)) ||
        mem_grow((void **)&s->bf_start, &s->cap_bf_start, k + 1, sizeof(size_t)) ||
        mem_grow((void **)&s->bf_msg, &s->cap_bf_msg, k + 1, sizeof(size_t)))
        return SCREENER_E_NOMEM;
    s->bf_start[k] = *units;
    s->bf_msg[k] = i;
    memcpy(s->bf_units + *units, fb->units, fb->n * sizeof(uint16_t));
    *units += fb->n;
    s->bf_units[(*units)++] = SEPARATOR;
    return SCREENER_OK;
}

/* Whether filtering pays: a message that passes saves the fixed cost of its
 * own scan (about as much as folding and scanning FIXED_COST_BYTES bytes,
 * callgrind on the bench corpora), a message with a candidate costs its
 * fold and Hyperscan pass twice. */
#define FIXED_COST_BYTES 10
/* Groups scanned one by one before the filter is tried again: doubled after
 * every try that did not pay, up to PROBE_MAX (a workload where it never pays
 * loses at most one group in PROBE_MAX). */
#define PROBE_FIRST 8
#define PROBE_MAX 256

/* After a filtered group of messages [from, to): keep filtering while it
 * pays. */
static void judge(batch_filter_state *f, const screener_message *msgs, size_t from, size_t to,
                  const uint8_t *maybe)
{
    size_t pass = 0, hit_bytes = 0;
    for (size_t i = from; i < to; i++) {
        if (maybe[i])
            hit_bytes += msgs[i].len;
        else
            pass++;
    }
    f->off = pass * FIXED_COST_BYTES < hit_bytes;
    f->off_for = 0;
    f->off_len = !f->off ? PROBE_FIRST : f->off_len * 2 > PROBE_MAX ? PROBE_MAX : f->off_len * 2;
}

int scan_batch_filter(const screener_db *db, screener_scratch *s, const screener_message *msgs,
                      size_t n, uint8_t *maybe)
{
    int rc = scan_prepare(db, s);
    if (rc)
        return rc;
    /* (rules combine literal parts: a message without literal candidates has no
     * rule match either; the leet row reads only texts with a leet candidate:
     * add_message) */
    if ((s->rows_used & ~((1u << MATCHER_RULES) | (1u << MATCHER_LEET))) !=
            1u << MATCHER_LITERALS ||
        !db->hs) {
        memset(maybe, 1, n); /* other rows (detectors, regexes) look at every message */
        return SCREENER_OK;
    }
    memset(maybe, 0, n);
    batch_filter_state *f = &s->bf_state; /* kept across calls: a workload's mix persists */
    if (f->db != db->instance)
        *f = (batch_filter_state){db->instance, 0, 0, PROBE_FIRST / 2};
    size_t from = 0;
    while (from < n) {
        size_t k = 0, units = 0, i = from;
        if (f->off) {
            /* a group scanned one by one; try the filter again now and then */
            for (size_t bytes = 0; i < n && bytes < GROUP_UNITS; i++) {
                bytes += msgs[i].len + 1;
                maybe[i] = 1;
            }
            f->off = ++f->off_for < f->off_len;
            from = i;
            continue;
        }
        for (; i < n && units < GROUP_UNITS; i++) {
            rc = add_message(db, s, (const uint8_t *)(msgs[i].text ? msgs[i].text : ""),
                             msgs[i].len, i, k, &units, &maybe[i]);
            if (rc)
                return rc;
            if (!maybe[i])
                k++; /* in the group (an empty message too, with only its separator) */
        }
        rc = scan_group(db, s, k, units, maybe);
        if (rc)
            return rc;
        judge(f, msgs, from, i, maybe);
        from = i;
    }
    return SCREENER_OK;
}
