/*
 * batch_filter.c — which messages of a batch can have a match at all.
 *
 *   short messages --views each row's prefilter reads, built once each-->
 *     every used row's per-message test (matcher.h: batch_prefilter.message)
 *     --messages no test marked, concatenated with a separator after each
 *       (folded units + U+FFFF, byte view + '\n')-->
 *     every used row's group pass (batch_prefilter.group: ONE hs_scan of its
 *     section over the concatenation) marks the messages it may match in
 *
 * Each matcher row answers "may this message hold a match of mine?" with a
 * test that never wrongly says no (matcher.h):
 *   literals   one hs_scan of the literal section over the group's folded
 *              units; a candidate passing the same alignment and unit-flag
 *              boundary checks as the row's own scan marks its message
 *              (Hyperscan reports every occurrence in block mode, whatever
 *              surrounds it; the separator unit, flags 0, reads like the
 *              text's edge; no folded term contains U+FFFF)
 *   digit detectors  the row's own first test: a digit run (numerals view or
 *              folded view) at least the detector's shortest match long
 *   e-mail, link     the row's own first test, detect_text_possible
 *   regex      one hs_scan of the regex-ends section over the group's byte
 *              views, each followed by '\n', when no regex of the database
 *              has an anchor: a match inside a message's bytes is one there
 *              too (no lookaround in Hyperscan, and that section has no
 *              `\b`/`\B`; the flags are UTF8|CASELESS, no SINGLEMATCH, so
 *              every end is reported). An anchored regex (`^`, `$`, `\A`,
 *              `\z`, `\Z`, `\G`) would not match where a message starts or ends
 *              inside the concatenation, so then each message gets one
 *              hs_scan of that section alone (stopped at its first end):
 *              still one call, not a whole scan (m_regex.c)
 *   leet       the leet view is built: no reading (most texts), no match
 *   rules      made of literal parts: the literal row's marks cover them
 * One fold call per group (group_joined): when the folded view is all the
 * prefilters read (literals, leet, rules), the group's short messages are
 * folded by ONE call, each where the caller holds it (fold_texts_joined,
 * fold.h: every fast path stops at a message's end as fold_text's does; a
 * separator unit after each, the fold's state starting again there: each
 * message's units are exactly its own fold's). Until 2026-12-01 the texts
 * were copied one after another into a buffer, each followed by the byte
 * 0xFF, first (fold_texts_joined_buf, the tests' reference now). A message
 * with a word letter or digit (what the leet rule may read) has its views
 * built for its per-message test on its slice of the group's fold
 * (fold_buf_slice, views_build_on_folded: no second fold); one that test
 * marks is scanned at once on that slice (until 2026-12-01 folded again
 * first when it had FOLD_MARK_EVERY units or more, for the checkpoints the
 * slice lacks: not needed since the lone-letter fix, see group_joined).
 * Measured (callgrind, houbb 10k terms, 10k messages, batches of 64): chat
 * 1,022 -> 888 Ir a message with the copy; without it and with the slices
 * (batches of 1,000, houbb 10k): chat 874 -> 868, Weibo 6,467 -> 6,287,
 * tweets 2,355 -> 2,306 (bench/RESULTS.md 2026-12-01 has the clock).
 * A message no row marks has no match: it gets the pass result without
 * its own scan. One a per-message test marks is scanned at once, with the
 * views just built for the test (scan_kept: scan_text takes them as they
 * are, s->views_kept); the ones a group pass marks are scanned right after
 * the group's passes (scan_marked), each with the literal candidates the
 * literal pass found in its units handed to its literal row (run_literals
 * then makes no Hyperscan call of its own: since 2026-12-01, wbatch13).
 * Results are exactly those of
 * single scans (tests/scan/test_batch.c compares them
 * field by field on random batches over several databases). A row without
 * a prefilter would send every message to its own scan.
 *
 * What it saves: for every message that passes, its own scan's fixed cost
 * (a Hyperscan call per section, the scan's setup), most of a chat stream;
 * what it costs: the views built a second time and the group passes for
 * every message with a candidate. It stays on while the last filtered
 * group says it pays (judge()), and is tried again after PROBE_FIRST, then
 * twice as many, ... groups when it did not; the scratch keeps that state
 * from one call to the next (a service's batches come from one workload).
 * Measured (callgrind, Ir per message in batches of 1,000, bench/RESULTS.md):
 * built-in dictionaries x chat -31 % (it was off for them before), x tweets
 * +1 % (mentions and links everywhere: switched off but for the probes),
 * x Weibo -1 %; houbb 10k terms x tweets -10 %, chat -4 %, Weibo -2 %.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "collect.h"
#include "common/buf.h"
#include "db/db.h"
#include "matcher.h"
#include "scan.h"

/* Folded units (and bytes of the byte view) per group: bounds the extra
 * memory. Messages per group: how often judge() decides (a workload where
 * filtering does not pay loses at most one group of them per probe). */
#define GROUP_UNITS ((size_t)64 << 10)
#define GROUP_MSGS 128
#define SEPARATOR_UNIT 0xFFFFu /* a noncharacter: no folded term contains it */
#define SEPARATOR_BYTE '\n'    /* whitespace: never in a byte view */
/* Longer messages go straight to their own scan: their fixed cost is a
 * small part of their scan, and they are the likeliest to hold a candidate
 * (then filtering folds and scans them twice). Measured with callgrind on
 * the bench corpora at 10k terms (Ir per batch of 1000 against no filter):
 * chat (30 bytes a message) -33 %, tweets (98) -7 %, Weibo (243) +8 %
 * with every message filtered; with every row filtered, 256 or 1,024 bytes
 * gained nothing on Weibo and lost a little on tweets. Since a message a
 * per-message test marks keeps its views (leet readings, detectors), 256
 * pays (icount --batch 256, Ir a message against 128): tweets x houbb
 * 1k/10k/64k -180/-245/-200, Weibo x 1k/10k -205/-47; Weibo x 64k +105,
 * the built-ins x tweets/Weibo +112/+49; 512 loses on Weibo at 10k/64k. */
#define FILTER_MAX_BYTES 256

/* maybe[i] (scan.h): BATCH_PASS no match possible, MARKED a group pass
 * marked it (filtering cost something), STRAIGHT it was not filtered (long,
 * or over the views' budget): then the message gets its own scan;
 * BATCH_SCANNED a per-message test marked it and it was scanned then. */
#define MARKED BATCH_MARKED
#define STRAIGHT BATCH_STRAIGHT

size_t batch_mark(const batch_group *g, const size_t *at, size_t pos)
{
    size_t lo = 0, hi = g->n; /* last k with at[k] <= pos */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (at[mid] <= pos)
            lo = mid;
        else
            hi = mid;
    }
    if (g->maybe[g->msg[lo]] != BATCH_SCANNED) /* (group_joined: its units are separators) */
        g->maybe[g->msg[lo]] = MARKED;
    return lo;
}

/* What the used rows' prefilters need: the views of one message, which of
 * them the group passes read concatenated, and the rows with a
 * per-message test and with a group pass (in table order). */
typedef struct plan {
    unsigned views, joined;
    uint32_t per_message; /* rows (bit = row index) */
    const matcher *per_group[32];
    size_t n_group;
} plan;

/* 0 if some used row has no prefilter (then nothing can be filtered). */
static int make_plan(const screener_scratch *s, plan *p)
{
    p->views = p->joined = 0;
    p->per_message = 0;
    p->n_group = 0;
    for (uint32_t rows = s->rows_used; rows; rows &= rows - 1) {
        const matcher *m = &scan_matchers[__builtin_ctz(rows)];
        const batch_prefilter *b = m->batch;
        if (!b)
            return 0;
        p->views |= b->views;
        if (b->message)
            p->per_message |= rows & -rows;
        if (b->group) {
            p->per_group[p->n_group++] = m;
            p->joined |= b->views & (VIEW_FOLDED | VIEW_BYTES);
        }
    }
    return 1;
}

/* Whether some used row's per-message test says the message in s->v may
 * match (1), or an error status. */
static int message_may(const plan *p, const scan_ctx *c)
{
    const screener_scratch *s = c->s;
    for (uint32_t rows = p->per_message; rows; rows &= rows - 1) {
        /* scan_text's gate first: nothing in a view shorter than the row's
         * shortest match (views_len: exact if built, else a bound) */
        unsigned k = (unsigned)__builtin_ctz(rows);
        if (s->v.len[s->row_view[k]] < s->row_min[k])
            continue;
        const matcher *m = &scan_matchers[k];
        int r = m->batch->message(c, m);
        if (r)
            return r;
    }
    return 0;
}

/* Folded views of up to this many units are appended as fixed-size copies. */
#define SHORT_COPY 16

/* Append the views in s->v to the concatenations as the group's k-th
 * message (k < GROUP_MSGS: the index arrays have room, scan_batch_filter);
 * *units and *bytes are the concatenations' lengths. */
static int append(const plan *p, screener_scratch *s, size_t i, size_t k, size_t *units,
                  size_t *bytes)
{
    const fold_buf *fb = &s->v.folded;
    const byte_view *bv = &s->v.bytes;
    size_t nu = p->joined & VIEW_FOLDED ? fb->n + 1 : 0;
    size_t nb = p->joined & VIEW_BYTES ? bv->n + 1 : 0;
    /* room for SHORT_COPY units at least: a short folded view is copied
     * whole blocks at a time (below) */
    size_t ru = *units + (nu > SHORT_COPY ? nu : SHORT_COPY);
    /* (the capacities are tested here: most messages grow nothing) */
    if ((ru > s->cap_bf_units &&
         mem_grow((void **)&s->bf_units, &s->cap_bf_units, ru, sizeof(uint16_t))) ||
        (ru > s->cap_bf_flags && mem_grow((void **)&s->bf_flags, &s->cap_bf_flags, ru, 1)) ||
        (*bytes + nb > s->cap_bf_bytes &&
         mem_grow((void **)&s->bf_bytes, &s->cap_bf_bytes, *bytes + nb, 1)))
        return SCREENER_E_NOMEM;
    s->bf_unit_at[k] = *units;
    s->bf_byte_at[k] = *bytes;
    s->bf_msg[k] = i;
    if (nu) {
        if (fb->n <= SHORT_COPY && fb->cap >= SHORT_COPY) {
            /* (most chat messages: fixed-size copies, a few vector moves
             * instead of two calls; what is copied past n is overwritten
             * by the separator and the next message, never read) */
            memcpy(s->bf_units + *units, fb->units, SHORT_COPY * sizeof(uint16_t));
            memcpy(s->bf_flags + *units, fb->flags, SHORT_COPY);
        } else {
            memcpy(s->bf_units + *units, fb->units, fb->n * sizeof(uint16_t));
            memcpy(s->bf_flags + *units, fb->flags, fb->n);
        }
        s->bf_units[*units + fb->n] = SEPARATOR_UNIT;
        s->bf_flags[*units + fb->n] = 0;
        *units += nu;
    }
    if (nb) {
        memcpy(s->bf_bytes + *bytes, bv->text, bv->n);
        s->bf_bytes[*bytes + bv->n] = SEPARATOR_BYTE;
        *bytes += nb;
    }
    return SCREENER_OK;
}

/* Scan message i (text, len) whose views are in s->v already, and hand
 * its result to done. */
static int scan_kept(const screener_db *db, screener_scratch *s, const uint8_t *text, size_t len,
                     size_t i, uint8_t *maybe_i, int (*done)(screener_scratch *, size_t))
{
    s->views_kept = 1;
    int rc = scan_message(db, s, text, len);
    s->views_kept = 0;
    if (!rc)
        rc = done(s, i);
    *maybe_i = BATCH_SCANNED;
    return rc;
}

/* Look at message i: scan it at once when a per-message test marks it (its
 * views are built), or append it to the group as its k-th message (*k is
 * then incremented). */
static int add_message(const screener_db *db, screener_scratch *s, const plan *p,
                       const screener_message *msg, size_t i, size_t *k, size_t *units,
                       size_t *bytes, uint8_t *maybe_i, int (*done)(screener_scratch *, size_t))
{
    const uint8_t *text = (const uint8_t *)(msg->text ? msg->text : "");
    size_t len = msg->len;
    if (len > FILTER_MAX_BYTES) {
        *maybe_i = STRAIGHT; /* long: more likely to match, less to save (see above) */
        return SCREENER_OK;
    }
    collect_reset(s); /* a new text: the rows' per-text caches start again */
    int rc = views_build(&db->fold, p->views, text, len, &s->v);
    if (rc)
        return rc;
    if (s->v.consumed != len) {
        *maybe_i = STRAIGHT; /* over the views' budget: scanned in windows */
        return SCREENER_OK;
    }
    scan_ctx c = {db, s, text, len};
    rc = message_may(p, &c);
    if (rc < 0)
        return rc;
    if (rc)
        return scan_kept(db, s, text, len, i, maybe_i, done);
    rc = append(p, s, i, *k, units, bytes);
    if (rc)
        return rc;
    ++*k; /* in the group (an empty message too, with only its separators) */
    return SCREENER_OK;
}

/* Run the used rows' group passes over the group's k messages (folded
 * units in units/flags). */
static int scan_group(const screener_db *db, screener_scratch *s, const plan *p, size_t k,
                      const uint16_t *u, const uint8_t *fl, size_t units, size_t bytes,
                      uint8_t *maybe)
{
    if (k == 0)
        return SCREENER_OK;
    s->bf_unit_at[k] = units;
    s->bf_byte_at[k] = bytes;
    batch_group g = {db, s, k, s->bf_msg, s->bf_unit_at, s->bf_byte_at,
                     u, fl, s->bf_bytes, maybe};
    memset(s->bf_cand_done, 0, k); /* (set by the literal row's pass) */
    for (size_t r = 0; r < p->n_group; r++) {
        int rc = p->per_group[r]->batch->group(&g, p->per_group[r]);
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

/* The messages of the group the group passes marked, each scanned now with
 * the literal row's candidates the literal pass found in its units handed
 * to it (run_literals: no second Hyperscan scan of that section). Its
 * units in the group are exactly its own fold's, and the separator unit
 * (flags 0) reads like the text's edge to the boundary checks, so those are
 * the candidates its own scan would find. A message with more candidates
 * than a scan keeps (collect_cap), or whose scan ends truncated (which
 * candidates fill the cap depends on their order), is scanned again
 * without them; the ones whose candidates the pass did not all see (the
 * narrow pass's non-ASCII messages) stay marked for their own scan. */
static int scan_marked(const screener_db *db, screener_scratch *s, const screener_message *msgs,
                       size_t from, size_t to, size_t k, uint8_t *maybe,
                       int (*done)(screener_scratch *, size_t))
{
    const size_t *at = s->bf_handoff_at, *unit_at = s->bf_unit_at;
    const uint32_t *cnt = s->bf_handoff_n;
    for (size_t i = from, j = 0; i < to; i++) {
        if (((i - from) & 7) == 0 && i + 8 <= to) { /* (eight at once: most chat groups) */
            uint64_t w;
            memcpy(&w, maybe + i, sizeof w);
            if (!(w & ~(w >> 1) & 0x0101010101010101ull)) { /* no byte == MARKED (1) */
                i += 7;
                continue;
            }
        }
        if (maybe[i] != MARKED)
            continue;
        while (j < k && s->bf_msg[j] < i)
            j++; /* (its index in the group: bf_msg ascends) */
        if (j == k || s->bf_msg[j] != i || !s->bf_cand_done[j] || cnt[j] >= collect_cap(s))
            continue;
        const uint8_t *text = (const uint8_t *)(msgs[i].text ? msgs[i].text : "");
        s->lit_handed = 1;
        s->lit_given = s->bf_handoff + (cnt[j] ? at[j] : 0);
        s->n_lit_given = cnt[j];
        s->lit_given_units = unit_at[j + 1] - 1 - unit_at[j];
        int rc = scan_message(db, s, text, msgs[i].len);
        s->lit_handed = 0;
        s->n_bf_handed++;
        s->bf_state.handed_bytes += msgs[i].len;
        if (!rc && s->truncated)
            rc = scan_message(db, s, text, msgs[i].len);
        if (!rc)
            rc = done(s, i);
        if (rc)
            return rc;
        maybe[i] = BATCH_SCANNED;
    }
    return SCREENER_OK;
}

/* Whether filtering pays: a message that passes saves the fixed cost of its
 * own scan (about as much as folding and scanning FIXED_COST_BYTES bytes,
 * callgrind on the bench corpora), a message with a candidate costs its
 * fold and Hyperscan pass twice. Re-measured after the batch's per-message
 * costs were cut (icount --batch 256, houbb 1k/10k/64k and the built-ins x
 * the three corpora), Ir a message against 20: 10 costs more on Weibo x 10k
 * (9,004 against 8,862), 40 on Weibo x 64k and x the built-ins (11,786 and
 * 20,707 against 11,763 and 20,683); the others the same. */
#define FIXED_COST_BYTES 20
/* A message a group pass marked and scan_marked scanned with the literal
 * pass's candidates handed over counts one HANDED_SHARE-th of its bytes:
 * its second Hyperscan scan of the literal section is saved, its fold is
 * not. Measured (callgrind, Ir a message, batches of 1,000, with the
 * hand-off; 1 = as before it): Weibo x houbb 64k 8,398 (1 and 2: the
 * filter off) -> 8,045 (4), 7,904 (8), 7,903 (16), 7,902 (always on); the
 * built-ins x tweets 14,481 -> 14,456 (4 and 16; always on: 16,445), x
 * Weibo 19,083 -> 18,853 (4), 18,910 (16). */
#define HANDED_SHARE 8
/* Groups scanned one by one before the filter is tried again: doubled after
 * every try that did not pay, up to PROBE_MAX (a workload where it never pays
 * loses at most one group in PROBE_MAX). */
#define PROBE_FIRST 8
#define PROBE_MAX 256

/* After a filtered group of messages [from, to): keep filtering while it
 * pays. Messages that went straight to their own scan cost the filter
 * nothing and do not count. */
static void judge(batch_filter_state *f, const screener_message *msgs, size_t from, size_t to,
                  const uint8_t *maybe)
{
    size_t pass = 0, hit_bytes = 0;
    for (size_t i = from; i < to; i++) {
        if ((i & 7) == 0 && i + 8 <= to) { /* (eight passes at once: most of a chat group) */
            uint64_t w;
            memcpy(&w, maybe + i, sizeof w);
            if (!w) {
                pass += 8;
                i += 7;
                continue;
            }
        }
        if (maybe[i] == MARKED || maybe[i] == BATCH_SCANNED)
            hit_bytes += msgs[i].len;
        else if (!maybe[i])
            pass++;
    }
    /* (a message scanned with handed candidates costs its fold twice, not
     * its Hyperscan scan: HANDED_SHARE of its bytes) */
    hit_bytes -= f->handed_bytes - f->handed_bytes / HANDED_SHARE;
    f->handed_bytes = 0;
    f->off = pass * FIXED_COST_BYTES < hit_bytes;
    f->off_for = 0;
    f->off_len = !f->off ? PROBE_FIRST : f->off_len * 2 > PROBE_MAX ? PROBE_MAX : f->off_len * 2;
}

/* Whether the group's messages (those under FILTER_MAX_BYTES) can be
 * folded in one call (fold_texts_joined): the folded view is all the
 * prefilters read, and only a group pass reads it. */
static int joinable(const plan *p, const screener_scratch *s)
{
    return !(p->views & ~(VIEW_FOLDED | VIEW_LEET)) && p->joined == VIEW_FOLDED &&
           !(p->per_message & ~((1u << MATCHER_LEET) | (1u << MATCHER_RULES))) &&
           !s->v.unit_budget;
}

/* The first unit from q on, before end, whose flags have FU_WORD (end if
 * none): what leet_may_read looks for, sixteen flags at a time. Separator
 * units have flags 0, so a sweep over a joined group finds the messages the
 * leet rule may read in order. */
static size_t next_word_unit(const uint8_t *f, size_t q, size_t end)
{
#if defined(__SSE2__)
    for (; q + 16 <= end; q += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(f + q));
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_slli_epi16(v, 6)); /* FU_WORD (bit 1) */
        if (bits)
            return q + (size_t)__builtin_ctz(bits);
    }
#endif
    for (; q < end; q++)
        if (f[q] & FU_WORD)
            return q;
    return end;
}

/* The group's messages the leet rule may read (a word letter or digit in
 * their folded units, as views_build asks): their per-message tests, on
 * views built from their slice of the group's fold (fold_buf_slice: not
 * folded again); one a test marks is scanned at once on that slice (which
 * has no checkpoint past the first: its span mapping walks from the text's
 * start, with the same results) and its units in the group become
 * separators (the group pass must not mark it again). The other
 * per-message row (rules) needs no view. */
static int joined_readings(const screener_db *db, screener_scratch *s, const plan *p,
                           const screener_message *msgs, size_t k, uint8_t *maybe,
                           int (*done)(screener_scratch *, size_t))
{
    fold_buf *fb = &s->bf_fold;
    const size_t *at = s->bf_unit_at, end = at[k];
    size_t j = 0;
    /* (the group's flags swept once for the next word unit, not each
     * message's slice looked at: most chat messages have none) */
    for (size_t q = next_word_unit(fb->flags, 0, end); q < end;
         q = next_word_unit(fb->flags, at[++j], end)) {
        while (at[j + 1] <= q)
            j++; /* the message holding unit q */
        size_t a = at[j], b = at[j + 1] - 1;
        size_t i = s->bf_msg[j];
        const uint8_t *text = (const uint8_t *)(msgs[i].text ? msgs[i].text : "");
        collect_reset(s);
        int rc = fold_buf_slice(&s->v.folded, fb, a, b, msgs[i].len);
        if (!rc)
            rc = views_build_on_folded(&db->fold, p->views, text, msgs[i].len, &s->v);
        if (rc)
            return rc;
        scan_ctx c = {db, s, text, msgs[i].len};
        rc = message_may(p, &c);
        if (rc < 0)
            return rc;
        if (!rc)
            continue;
        for (size_t u = a; u < b; u++)
            fb->units[u] = SEPARATOR_UNIT, fb->flags[u] = 0;
        rc = scan_kept(db, s, text, msgs[i].len, i, &maybe[i], done);
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

/* Every joinable group is joined, whatever its messages' length: since the
 * messages the leet rule may read take their slice of the group's fold,
 * joining chat-length groups only (64 bytes a message on average, before)
 * lost on tweets and Weibo (callgrind Ir a message, houbb 1k/10k/64k:
 * tweets 2,142/2,355/3,139 -> 2,081/2,306/3,101, Weibo 5,157/6,468/9,714 ->
 * 4,976/6,287/9,706; clock at 10k: tweets 0.98x, Weibo 0.97x;
 * bench/RESULTS.md 2026-12-01). Until 2026-12-01 (batch13d) a marked
 * message of FOLD_MARK_EVERY units or more was folded a second time for the
 * checkpoints its slice lacks (views_refold), and the groups after one with
 * more than one in eight of those were folded message by message: since the
 * lone-letter walk no longer depends on checkpoints (docs/ARCHITECTURE.md,
 * "Lone letters"), a slice's own scan maps every span the same way without
 * them (the corpora's batch digests are unchanged), so neither is done.
 *
 * A group of messages from `from` with the raw texts of its short ones
 * folded in one call; returns the index after the group, or an error
 * status through *rc. */
static size_t group_joined(const screener_db *db, screener_scratch *s, const plan *p,
                           const screener_message *msgs, size_t from, size_t n,
                           uint8_t *maybe, int (*done)(screener_scratch *, size_t), int *rc)
{
    size_t k = 0, raw = 0, i = from;
    for (; i < n && i - from < GROUP_MSGS && raw < GROUP_UNITS; i++) {
        size_t len = msgs[i].len;
        if (len > FILTER_MAX_BYTES) {
            maybe[i] = STRAIGHT;
            continue;
        }
        /* (folded where the caller holds it: no copy) */
        s->bf_texts[k] = (fold_text_ref){(const uint8_t *)msgs[i].text, len};
        s->bf_msg[k++] = i;
        raw += len + 1;
    }
    *rc = fold_texts_joined(&db->fold, s->bf_texts, k, &s->bf_fold, s->bf_unit_at);
    if (!*rc && p->per_message)
        *rc = joined_readings(db, s, p, msgs, k, maybe, done);
    if (!*rc)
        *rc = scan_group(db, s, p, k, s->bf_fold.units, s->bf_fold.flags, s->bf_fold.n, 0,
                         maybe);
    if (!*rc)
        *rc = scan_marked(db, s, msgs, from, i, k, maybe, done);
    return i;
}

int scan_batch_filter(const screener_db *db, screener_scratch *s, const screener_message *msgs,
                      size_t n, uint8_t *maybe, int (*done)(screener_scratch *, size_t))
{
    int rc = scan_prepare(db, s);
    if (rc)
        return rc;
    plan p;
    if (!make_plan(s, &p)) {
        memset(maybe, STRAIGHT, n); /* a row that cannot tell looks at every message */
        return SCREENER_OK;
    }
    if (mem_grow((void **)&s->bf_unit_at, &s->cap_bf_unit_at, GROUP_MSGS + 1, sizeof(size_t)) ||
        mem_grow((void **)&s->bf_byte_at, &s->cap_bf_byte_at, GROUP_MSGS + 1, sizeof(size_t)) ||
        mem_grow((void **)&s->bf_msg, &s->cap_bf_msg, GROUP_MSGS, sizeof(size_t)) ||
        mem_grow((void **)&s->bf_texts, &s->cap_bf_texts, GROUP_MSGS, sizeof(fold_text_ref)) ||
        mem_grow((void **)&s->bf_handoff_at, &s->cap_bf_handoff_at, GROUP_MSGS,
                 sizeof(size_t)) ||
        mem_grow((void **)&s->bf_handoff_n, &s->cap_bf_handoff_n, GROUP_MSGS,
                 sizeof(uint32_t)) ||
        mem_grow((void **)&s->bf_cand_done, &s->cap_bf_cand_done, GROUP_MSGS, 1))
        return SCREENER_E_NOMEM;

    memset(maybe, 0, n);
    batch_filter_state *f = &s->bf_state; /* kept across calls: a workload's mix persists */
    if (f->db != db->instance)
        *f = (batch_filter_state){
            .db = db->instance, .off_len = PROBE_FIRST / 2};
    size_t from = 0;
    const int join = joinable(&p, s);
    while (from < n) {
        size_t k = 0, units = 0, bytes = 0, i = from;
        if (f->off) {
            /* a group scanned one by one; try the filter again now and then */
            for (size_t b = 0; i < n && i - from < GROUP_MSGS && b < GROUP_UNITS; i++) {
                b += msgs[i].len + 1;
                maybe[i] = STRAIGHT;
            }
            f->off = ++f->off_for < f->off_len;
            from = i;
            continue;
        }
        if (join) {
            i = group_joined(db, s, &p, msgs, from, n, maybe, done, &rc);
            if (rc)
                return rc;
            judge(f, msgs, from, i, maybe);
            from = i;
            continue;
        }
        for (; i < n && i - from < GROUP_MSGS && units < GROUP_UNITS && bytes < GROUP_UNITS;
             i++) {
            rc = add_message(db, s, &p, &msgs[i], i, &k, &units, &bytes, &maybe[i], done);
            if (rc)
                return rc;
        }
        rc = scan_group(db, s, &p, k, s->bf_units, s->bf_flags, units, bytes, maybe);
        if (!rc)
            rc = scan_marked(db, s, msgs, from, i, k, maybe, done);
        if (rc)
            return rc;
        judge(f, msgs, from, i, maybe);
        from = i;
    }
    return SCREENER_OK;
}
