/*
 * m_literals.c — the literal matcher: dictionary terms on the folded view.
 *
 *   folded units --hs_scan--> (literal, end) candidates
 *     (all ASCII? --packus--> one byte per unit --hs_scan of SEC_HS_NARROW)
 *        --alignment / stripped-NUL / unit-flag boundary checks--> raw matches
 *        --fold_locate_*--> original byte spans + word-boundary facts
 *        --clause rule (CJK across ，。), per entry: boundary rules (spelled-out
 *          words as one word), span check--> collect
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "collect.h"
#include "common/buf.h"
#include "db/db.h"
#include "detect.h"
#include "matcher.h"

typedef struct lit_ctx {
    const screener_db *db;
    screener_scratch *s;
    const fold_buf *fb; /* the folded text scanned */
    int oom;
} lit_ctx;

/* Whether a literal over units [p, e) of units[0, n) (flags fl) keeps its
 * word boundaries: a Latin term inside a word ("ass" in "class", or across
 * "has she") is rejected here, before any mapping back to the original text. */
static inline int lit_bounds(const db_lit *l, const uint8_t *fl, size_t n, size_t p, size_t e)
{
    if ((l->bound & DB_LIT_NEED_START) && p > 0 && (fl[p - 1] & FU_WORD) && !(fl[p] & FU_GAP))
        return 0;
    if ((l->bound & DB_LIT_NEED_END) && e < n && (fl[e] & FU_WORD) && !(fl[e] & FU_GAP))
        return 0;
    return 1;
}

/* Whether literal id, ending at byte `to` of the UTF-16 units[0, n) (flags
 * fl), is a candidate: it starts on a unit boundary (and, for a literal whose
 * leading NUL byte was stripped, that byte is really NUL), and lit_bounds
 * holds. *p, *e: its units. Shared by the scan and the batch prefilter, so
 * both reject exactly the same. */
static inline int lit_candidate(const screener_db *db, const uint16_t *units, const uint8_t *fl,
                                size_t n, unsigned int id, unsigned long long to, size_t *p,
                                size_t *e)
{
    if (id >= db->n_lits || to > (unsigned long long)n * 2)
        return 0; /* not one of ours: a damaged (but re-sealed) database */
    const db_lit *l = &db->lits[id];
    unsigned long long bytes = (unsigned long long)l->units * 2;
    if (to < bytes)
        return 0;
    unsigned long long start = to - bytes;
    if (start & 1)
        return 0;
    if (l->stripped && ((const uint8_t *)units)[start] != 0)
        return 0;
    *p = (size_t)(start / 2);
    *e = (size_t)(to / 2);
    return lit_bounds(l, fl, n, *p, *e);
}

/* lit_candidate for a literal ending at byte `to` of the units narrowed to
 * one byte each: no alignment to check, and no narrow literal is stripped.
 * Shared by the narrow scan and the batch prefilter's narrow pass. */
static inline int lit_candidate_narrow(const screener_db *db, const uint8_t *fl, size_t n,
                                       unsigned int id, unsigned long long to, size_t *p,
                                       size_t *e)
{
    if (id >= db->n_lits || to > n)
        return 0; /* not one of ours: a damaged (but re-sealed) database */
    const db_lit *l = &db->lits[id];
    if (to < l->units)
        return 0;
    *p = (size_t)(to - l->units);
    *e = (size_t)to;
    return lit_bounds(l, fl, n, *p, *e);
}

/* Keep candidate id over units [p, e) as a raw match. Returns the
 * callback's verdict (1: stop). */
static int keep(lit_ctx *c, unsigned int id, size_t p, size_t e)
{
    screener_scratch *s = c->s;
    if (s->n_raw >= collect_cap(s)) {
        s->truncated = 1;
        return 1; /* stop: more candidates than the profile lets us report */
    }
    if (mem_grow((void **)&s->raw, &s->cap_raw, s->n_raw + 1, sizeof(raw_match))) {
        c->oom = 1;
        return 1; /* stop the scan */
    }
    s->raw[s->n_raw].lit = id;
    s->raw[s->n_raw].start = (uint32_t)p;
    s->raw[s->n_raw].end = (uint32_t)e;
    s->n_raw++;
    return 0;
}

/* A kept candidate's entry ids (db->lit_entries, one cache miss on a large
 * database) are fetched while Hyperscan scans on: run_literals reads them
 * to fetch the entries themselves (entries_prefetch). */
static inline void ids_prefetch(const screener_db *db, unsigned int id)
{
    __builtin_prefetch(db->lit_entries + db->lits[id].entries_off);
}

/* Hyperscan match callback on the UTF-16 bytes: keep the candidates
 * (lit_candidate). */
static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    lit_ctx *c = ctx;
    size_t p, e;
    if (!lit_candidate(c->db, c->fb->units, c->fb->flags, c->fb->n, id, to, &p, &e))
        return 0;
    ids_prefetch(c->db, id);
    return keep(c, id, p, e);
}

/* The same on the narrow bytes (lit_candidate_narrow). */
static int on_match_narrow(unsigned int id, unsigned long long from, unsigned long long to,
                           unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    lit_ctx *c = ctx;
    size_t p, e;
    if (!lit_candidate_narrow(c->db, c->fb->flags, c->fb->n, id, to, &p, &e))
        return 0;
    ids_prefetch(c->db, id);
    return keep(c, id, p, e);
}

static int same_bytes(const uint8_t *s, size_t a0, size_t a1, size_t b0, size_t b1)
{
    return a1 - a0 == b1 - b0 && memcmp(s + a0, s + b0, a1 - a0) == 0;
}

/* A match whose reading holds nothing read differently is the folded
 * view's own (the literal row reports it). */
static int covers_sub(const span_map *map, size_t b0, size_t b1)
{
    for (size_t b = b0; b < b1; b++)
        if (map->sub[b])
            return 1;
    return 0;
}

/* Collect [start, end) of fb, folded from (c->text, c->len), mapped back
 * through map when that text is a reading of the original (NULL: it is).
 * cur: the mapping walk's cursor over this text's matches
 * (fold_locate_span_at), or NULL. */
static int collect_on(const scan_ctx *c, const fold_buf *fb, const span_map *map,
                      fold_cursor *cur, const uint32_t *ids, uint32_t n_ids, size_t start,
                      size_t end, int detector)
{
    const screener_db *db = c->db;
    fold_loc a, b;
    fold_locate_span_at(&db->fold, c->text, c->len, fb, cur, start, end, &a, &b);
    if (detector && fold_span_max_gap(&db->fold, c->text, a.byte, b.byte) > DETECT_MAX_GAP)
        return 0; /* digits joined across markup, not a disguised number */
    /* A spelled-out word is one word: its boundaries are those of the
     * de-spaced letters as a whole, so "a s s" inside "c l a s s" has none. */
    int gapped = fold_has_gap(fb, start, end);
    int spelled = gapped && fold_spelled_out(fb, start, end);
    /* Clause punctuation between two CJK characters is a boundary, unless the
     * match is a whole separated run: "法，人" alone, not inside "说法，人的". */
    if (!detector && gapped && fold_span_clause(&db->fold, c->text, a.byte, b.byte) &&
        !(spelled && !a.tight && !b.tight))
        return 0;
    if (spelled) {
        fold_locate_lone(&db->fold, c->text, c->len, fb, start, end, &a, &b);
        /* a neighbour continues the spelled word only across the same
         * separator as inside it: "c l a s s", but "x a.s.s y" */
        size_t g0, g1;
        fold_span_first_gap(&db->fold, c->text, a.byte, b.byte, &g0, &g1);
        a.lone = a.lone && same_bytes(c->text, a.gap0, a.gap1, g0, g1);
        b.lone = b.lone && same_bytes(c->text, b.gap0, b.gap1, g0, g1);
    }
    size_t o0 = a.byte, o1 = b.byte;
    if (map) {
        if (!covers_sub(map, a.byte, b.byte))
            return 0;
        o0 = map->orig[a.byte];
        o1 = map->orig[b.byte];
    }
    for (uint32_t k = 0; k < n_ids; k++) {
        uint32_t id = ids[k];
        const db_entry *e = &db->entries[id];
        if ((e->flags & DB_ENTRY_NEED_START) && (!a.boundary || (spelled && a.lone)))
            continue;
        if ((e->flags & DB_ENTRY_NEED_END) && (!b.boundary || (spelled && b.lone)))
            continue;
        /* (a match edge inside one character's expansion cannot be
         * compared run by run; boundaries already reject it for words) */
        if ((e->flags & DB_ENTRY_CHECK_SPAN) && !a.partial && !b.partial &&
            !fold_span_check(&db->fold, c->text, a.byte, b.byte,
                             (const uint8_t *)db->strings + e->term_off, e->term_len,
                             e->options & DB_OPT_NUMERALS))
            continue;
        size_t before = c->s->n_matches;
        int rc;
        if (e->options & DB_OPT_PART) {
            if (map)
                continue; /* rule parts: the folded view only (NEAR counts its units) */
            rc = collect_part(c->s, id, o0, o1, start, end); /* m_rules.c */
        } else {
            rc = collect_entry(db, c->s, id, o0, o1);
        }
        if (rc)
            return rc;
        if (map && c->s->n_matches > before)
            c->s->matches[c->s->n_matches - 1].flags |= SCREENER_MATCH_LEET;
    }
    return 0;
}

int collect_folded_span(const scan_ctx *c, const uint32_t *ids, uint32_t n_ids, size_t start,
                        size_t end, int detector)
{
    return collect_on(c, &c->s->v.folded, NULL, NULL, ids, n_ids, start, end, detector);
}

int collect_span_on(const scan_ctx *c, const fold_buf *fb, const span_map *map,
                    fold_cursor *cur, const uint32_t *ids, uint32_t n_ids, size_t start,
                    size_t end)
{
    return collect_on(c, fb, map, cur, ids, n_ids, start, end, 0);
}

/* Narrow the n units at u to bytes at out; returns the OR of the units (a
 * message with one at or above 0x80 is not narrow: its bytes are then only
 * some that no narrow literal holds, 0x80 and up or NUL). SSE2 blocks of 16
 * units (packus), the last one overlapping the one before; a scalar loop
 * for fewer than 16 units. */
static inline uint16_t narrow_message(const uint16_t *u, size_t n, uint8_t *out)
{
#ifdef __SSE2__
    if (n >= 16) {
        __m128i acc = _mm_setzero_si128();
        for (size_t i = 0;; i += 16) {
            if (i + 16 > n)
                i = n - 16; /* the last block, overlapping */
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(u + i + 8));
            acc = _mm_or_si128(acc, _mm_or_si128(a, b));
            _mm_storeu_si128((__m128i *)(void *)(out + i), _mm_packus_epi16(a, b));
            if (i + 16 == n)
                break;
        }
        acc = _mm_or_si128(acc, _mm_srli_si128(acc, 8));
        acc = _mm_or_si128(acc, _mm_srli_si128(acc, 4));
        acc = _mm_or_si128(acc, _mm_srli_si128(acc, 2));
        return (uint16_t)_mm_cvtsi128_si32(acc);
    }
#endif
    uint16_t high = 0;
    for (size_t i = 0; i < n; i++) {
        high |= u[i];
        out[i] = u[i] < 0x80 ? (uint8_t)u[i] : 0;
    }
    return high;
}

/* Narrow fb's units to bytes in s->narrow when every one is ASCII (below
 * 0x80): 1, else 0 (-1: out of memory). Out of line: the caller's first/last
 * unit test turns most non-ASCII views away without a call. */
/* s->narrow as large as the folded view's buffer: it grows when that one
 * does, not with each longer ASCII message (no allocation on a warm
 * scratch, whichever path its messages take). 0, or -1 out of memory. */
static int narrow_room(screener_scratch *s, const fold_buf *fb)
{
    return mem_grow((void **)&s->narrow, &s->cap_narrow, fb->cap > fb->n ? fb->cap : fb->n, 1);
}

static __attribute__((noinline)) int narrow_units(screener_scratch *s, const fold_buf *fb)
{
    if (narrow_room(s, fb))
        return -1;
    return narrow_message(fb->units, fb->n, s->narrow) < 0x80;
}

static inline int scan_literals(const scan_ctx *c, hs_database_t *hdb, hs_database_t *narrow,
                                const fold_buf *fb)
{
    screener_scratch *s = c->s;
    s->n_raw = 0;
    if (fb->n == 0)
        return SCREENER_OK;
    int ascii = 0;
    const uint8_t *bytes = fb->bytes; /* the fold's own copy when it made one (fold.h) */
    if (narrow && fb->n_bytes == fb->n) {
        ascii = 1;
        if (s->cap_narrow < fb->cap && narrow_room(s, fb))
            return SCREENER_E_NOMEM; /* (for the messages that pack their units) */
    } else if (narrow && fb->units[0] < 0x80 && fb->units[fb->n - 1] < 0x80) {
        ascii = narrow_units(s, fb);
        if (ascii < 0)
            return SCREENER_E_NOMEM;
        bytes = s->narrow;
    }
    lit_ctx lc = {c->db, s, fb, 0};
    hs_error_t he = ascii ? hs_scan(narrow, (const char *)bytes, (unsigned int)fb->n, 0,
                                    s->hs, on_match_narrow, &lc)
                          : hs_scan(hdb, (const char *)fb->units, (unsigned int)(fb->n * 2), 0,
                                    s->hs, on_match, &lc);
    if (lc.oom)
        return SCREENER_E_NOMEM;
    if (he == HS_SCRATCH_IN_USE)
        return SCREENER_E_SCRATCH_IN_USE;
    if (he != HS_SUCCESS && !(he == HS_SCAN_TERMINATED && s->truncated))
        return SCREENER_E_HYPERSCAN;
    return SCREENER_OK;
}

int scan_literals_on(const scan_ctx *c, hs_database_t *hdb, hs_database_t *narrow,
                     const fold_buf *fb)
{
    return scan_literals(c, hdb, narrow, fb);
}

/* The entries of the first ENTRIES_PREFETCH candidates (each a cache miss
 * on a large database: collect_on reads their flags) are fetched together,
 * and while the spans are mapped back. */
#define ENTRIES_PREFETCH 16
static void entries_prefetch(const screener_db *db, const raw_match *raw, size_t n)
{
    for (size_t r = 0; r < n && r < ENTRIES_PREFETCH; r++) {
        const db_lit *l = &db->lits[raw[r].lit];
        if (l->n_entries)
            __builtin_prefetch(&db->entries[db->lit_entries[l->entries_off]]);
    }
}

int run_literals(const scan_ctx *c, const matcher *m)
{
    (void)m;
    /* c->db and c->s one by one: scan_text has just stored them as two
     * words, and GCC would load them as one 16-byte word, which the CPU
     * cannot forward from the two stores (it waits for them to be written
     * to the cache: chat, ~40 % of this function's cycles, perf) */
    const screener_db *db = *(const struct screener_db *const volatile *)&c->db;
    screener_scratch *s = c->s;
    const raw_match *raw;
    size_t n_raw;
    if (s->lit_handed && s->v.folded.n == s->lit_given_units) {
        /* a batch's group pass found them on the same units (batch_filter.c,
         * scan_marked): no second Hyperscan scan */
        raw = s->lit_given;
        n_raw = s->n_lit_given;
    } else {
        int rc0 = scan_literals(c, db->hs, db->hs_narrow, &s->v.folded);
        if (rc0)
            return rc0;
        raw = s->raw; /* (after the scan: keep() may have moved it) */
        n_raw = s->n_raw;
    }
    if (!n_raw)
        return SCREENER_OK; /* (most texts: no candidate, nothing to set up) */
    entries_prefetch(db, raw, n_raw);
    fold_cursor cur = {0};
    for (size_t r = 0; r < n_raw; r++) {
        const db_lit *l = &db->lits[raw[r].lit];
        int rc = collect_on(c, &s->v.folded, NULL, &cur, db->lit_entries + l->entries_off,
                            l->n_entries, raw[r].start, raw[r].end, 0);
        if (rc == COLLECT_FULL)
            break;
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

/* ---- batches (batch_filter.c) ------------------------------------------------ */

/* A group pass's Hyperscan context: candidates are kept in the scratch
 * (bf_cand, with their message) for the marked messages' own scans. */
typedef struct group_ctx {
    const batch_group *g;
    int oom;
} group_ctx;

/* Mark the message holding candidate id over joined units [p, e) and keep
 * the candidate. */
static int group_keep(group_ctx *c, unsigned int id, size_t p, size_t e)
{
    screener_scratch *s = c->g->s;
    size_t k = batch_mark(c->g, c->g->unit_at, p);
    size_t n = s->n_bf_cand;
    if ((n >= s->cap_bf_cand &&
         mem_grow((void **)&s->bf_cand, &s->cap_bf_cand, n + 1, sizeof(raw_match))) ||
        (n >= s->cap_bf_cand_msg &&
         mem_grow((void **)&s->bf_cand_msg, &s->cap_bf_cand_msg, n + 1, sizeof(uint32_t)))) {
        c->oom = 1;
        return 1; /* stop the scan */
    }
    s->bf_cand[n] = (raw_match){id, (uint32_t)p, (uint32_t)e};
    s->bf_cand_msg[n] = (uint32_t)k;
    s->n_bf_cand = n + 1;
    return 0;
}

/* A literal candidate in the group's folded units marks its message: the
 * same units as the message's own scan (the separator unit, flags 0, reads
 * like the text's edge to the boundary checks), so every candidate of that
 * scan is one here, and no other (a literal holds no separator unit). */
static int on_group_candidate(unsigned int id, unsigned long long from, unsigned long long to,
                              unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    group_ctx *c = ctx;
    const batch_group *g = c->g;
    size_t p, e;
    if (lit_candidate(g->db, g->units, g->flags, g->unit_at[g->n], id, to, &p, &e))
        return group_keep(c, id, p, e);
    return 0;
}

/* The same over the group narrowed to bytes (literals_group_narrow). */
static int on_group_candidate_narrow(unsigned int id, unsigned long long from,
                                     unsigned long long to, unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    group_ctx *c = ctx;
    const batch_group *g = c->g;
    size_t p, e;
    if (lit_candidate_narrow(g->db, g->flags, g->unit_at[g->n], id, to, &p, &e))
        return group_keep(c, id, p, e);
    return 0;
}

/* The group's candidates (bf_cand, in Hyperscan's order) per message, each
 * message's in that order, their units made the message's own (its first
 * joined unit subtracted): message k's are s->bf_handoff[bf_handoff_at[k] ..
 * + bf_handoff_n[k]), what its own literal scan would keep (before any cap),
 * and bf_cand_done[k] says so. A stable counting sort by message (Hyperscan
 * reports them by end, so mostly message by message already; the sort does
 * not rely on it). */
static int handoff_sort(const batch_group *g)
{
    screener_scratch *s = g->s;
    size_t *at = s->bf_handoff_at, nc = s->n_bf_cand;
    uint32_t *cnt = s->bf_handoff_n;
    const uint32_t *msg = s->bf_cand_msg;
    if (nc > s->cap_bf_handoff &&
        mem_grow((void **)&s->bf_handoff, &s->cap_bf_handoff, nc, sizeof(raw_match)))
        return SCREENER_E_NOMEM;
    memset(cnt, 0, g->n * sizeof *cnt);
    memset(s->bf_cand_done, 1, g->n);
    if (!nc)
        return SCREENER_OK; /* (most chat groups) */
    for (size_t r = 0; r < nc; r++)
        cnt[msg[r]]++;
    for (size_t k = 0, sum = 0; k < g->n; k++)
        at[k] = sum, sum += cnt[k];
    /* placed from the last one down, each message's last first: in order;
     * cnt counted down to 0 and back */
    for (size_t r = nc; r-- > 0;) {
        raw_match m = s->bf_cand[r];
        uint32_t base = (uint32_t)g->unit_at[msg[r]];
        s->bf_handoff[at[msg[r]] + --cnt[msg[r]]] =
            (raw_match){m.lit, m.start - base, m.end - base};
    }
    for (size_t r = 0; r < nc; r++)
        cnt[msg[r]]++;
    return SCREENER_OK;
}

/* Most messages of an English group fold to ASCII, and the narrow section
 * scans them 3-5x faster than the UTF-16 one (m_literals.c, scan_literals).
 * So when at most one message in NARROW_GROUP_OTHER has a unit above 0x7F,
 * the group is narrowed to bytes (ASCII units as they are, the separators as
 * NUL, the other messages' units as bytes no narrow literal holds) and
 * scanned with the narrow section; the other messages are marked (their own
 * scan finds what they hold). Returns 1 when done so, 0 when the group is not
 * for it (then nothing was marked), or an error status. */
#define NARROW_GROUP_OTHER 8
static int literals_group_narrow(const batch_group *g)
{
    screener_scratch *s = g->s;
    size_t other[64], n = g->unit_at[g->n], max_other = g->n / NARROW_GROUP_OTHER, n_other = 0;
    if (max_other > sizeof other / sizeof other[0])
        max_other = sizeof other / sizeof other[0];
    /* a look at each message's first unit first: a group where more than
     * max_other begin above 0x7F (most Chinese ones) is turned away after
     * that many loads, not that many messages narrowed */
    for (size_t k = 0, high = 0; k < g->n; k++) {
        size_t a = g->unit_at[k];
        if (a + 1 < g->unit_at[k + 1] && g->units[a] >= 0x80 && ++high > max_other)
            return 0;
    }
    if (mem_grow((void **)&s->narrow, &s->cap_narrow, n, 1))
        return SCREENER_E_NOMEM;
    uint8_t *out = s->narrow;
    for (size_t k = 0; k < g->n; k++) {
        size_t a = g->unit_at[k], b = g->unit_at[k + 1];
        uint16_t high = narrow_message(g->units + a, b - 1 - a, out + a); /* (b - 1: the separator) */
        out[b - 1] = 0;
        if (high >= 0x80) {
            if (n_other == max_other)
                return 0;
            other[n_other++] = k;
        }
    }
    group_ctx c = {g, 0};
    hs_error_t he = hs_scan(g->db->hs_narrow, (const char *)out, (unsigned int)n, 0, s->hs,
                            on_group_candidate_narrow, &c);
    if (c.oom)
        return SCREENER_E_NOMEM;
    if (he == HS_SCRATCH_IN_USE)
        return SCREENER_E_SCRATCH_IN_USE;
    if (he != HS_SUCCESS)
        return SCREENER_E_HYPERSCAN;
    /* the others' units were not scanned: marked, their own scans find
     * what they hold (no candidates handed to them) */
    int rc = handoff_sort(g);
    if (rc)
        return rc;
    for (size_t j = 0; j < n_other; j++) {
        batch_mark(g, g->unit_at, g->unit_at[other[j]]);
        s->bf_cand_done[other[j]] = 0;
    }
    return 1;
}

static int literals_group(const batch_group *g, const matcher *m)
{
    (void)m;
    size_t n = g->unit_at[g->n];
    g->s->n_bf_cand = 0;
    if (n == 0)
        return SCREENER_OK;
    if (g->db->hs_narrow) {
        int rc = literals_group_narrow(g);
        if (rc)
            return rc == 1 ? SCREENER_OK : rc;
    }
    group_ctx c = {g, 0};
    hs_error_t he = hs_scan(g->db->hs, (const char *)g->units, (unsigned int)(n * 2), 0, g->s->hs,
                            on_group_candidate, &c);
    if (c.oom)
        return SCREENER_E_NOMEM;
    if (he == HS_SCRATCH_IN_USE)
        return SCREENER_E_SCRATCH_IN_USE;
    if (he != HS_SUCCESS)
        return SCREENER_E_HYPERSCAN;
    return handoff_sort(g);
}

/* One Hyperscan call over the group's folded units. */
const batch_prefilter batch_literals = {VIEW_FOLDED, NULL, literals_group};
