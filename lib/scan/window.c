/*
 * window.c — scanning a text in windows by carry-over: long messages
 * (scan_message) and streams (service/stream.c).
 *
 * Each round scans the kept tail plus new bytes as one text and reports
 * the matches that are final. With n folded units scanned and L the longest
 * match of any matcher the database uses (scan_carry_units; every matcher
 * bounds its matches, see matcher.h):
 *   - a match that would use a unit still to come starts at unit >= n-L+1,
 *     and so does any allow match that could suppress a held deny match;
 *     so a match is final if it starts at or before unit K = n-L and ends
 *     before the character of the last unit (its end boundary is decided);
 *   - the next tail starts at unit n-2L-1: every held match, every allow
 *     match that may cover one, and one character of context before them;
 *   - a match found again in the tail is not reported twice: it is old if
 *     it was inside the previous round's final region;
 *   - regions (mentions, link wrappers: regions.h) need up to REGION_CONTEXT
 *     bytes before a match, which the tail carries too, and a region that
 *     may still grow at the end of the data holds its matches back;
 *   - a match of the leet reading waits for the end of its chunk (leet.h
 *     LEET_CHUNK_MAX: a byte is read or not by its whole chunk, which a '/'
 *     or more bytes still to come may make a link or too long): leet_open.
 * An incomplete UTF-8 sequence at the end of the data is not scanned until
 * the next round completes it (or the final round reports it as invalid).
 * Rounds always build the folded view: positions are counted in its units.
 */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "common/buf.h"
#include "common/utf8.h"
#include "db/db.h"
#include "matcher.h"
#include "regions.h"
#include "scan.h"
#include "common/alloc.h"
#include "normalize/leet.h"

/* At most this many bytes are carried from one round to the next. */
#define WINDOW_MAX_CARRY ((size_t)1 << 20)

/* Bytes at the end of (s, n) that start a valid but incomplete sequence. */
static size_t incomplete_tail(const uint8_t *s, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        uint8_t b = s[n - k];
        if ((b & 0xC0) == 0x80)
            continue; /* a continuation byte: look further back */
        if (b < 0xC2 || b > 0xF4)
            return 0;
        size_t i = n - k;
        return utf8_next(s, n, &i) < 0 && i == n ? k : 0;
    }
    return 0;
}

/* Byte offset (in data) of the character that produced folded unit u. */
static size_t byte_of_unit(const screener_db *db, const screener_scratch *s, const uint8_t *data,
                           size_t len, size_t u)
{
    fold_loc loc;
    fold_locate_start(&db->fold, data, len, &s->v.folded, u, &loc);
    return loc.byte;
}

/* Why a long message's rounds start at WINDOW_ROUND bytes, not SCAN_WINDOW:
 * the leet reading of a round costs more the longer the round (first it
 * was built over the whole text once it had one candidate; built around its
 * seeds it still grows with the round, below), so short rounds keep it cheap
 * in the rounds with few readings, most of a long Chinese text. Why they grow after a round with a reading: each round scans its
 * carry again (2L+1 units, L eight times the longest literal when the leet
 * row is used, plus REGION_CONTEXT bytes), and text with readings every few
 * KB (tweets) gains nothing from short rounds, so there longer ones save
 * that. Measured (callgrind, each bench corpus joined into one line, houbb
 * 10k and the built-ins; bench/RESULTS.md) against 128 KB rounds: fixed 32 KB
 * rounds chat -41/-26 %, Weibo -26/-12 %, tweets +3/+1 %; with this growth
 * chat -41/-27 %, Weibo -23/-10 %, tweets +0.3/-1 %. Results are the same
 * whatever the rounds' lengths. Measured again once the leet reading was
 * built only around its seeds (session 6, bench/RESULTS.md): rounds of
 * SCAN_WINDOW saved 1-6 % on the 2,000-line samples joined, but cost 1.45x
 * by the clock on the whole chat corpus as one text (build_reading 14 M ->
 * 40 M instructions: a reading's cost still grows with its round), so the
 * rounds stay. */
size_t window_next_round(const screener_scratch *s, size_t last)
{
    if (!(s->v.built & VIEW_LEET) || !s->v.leet.active)
        return WINDOW_ROUND;
    return last > SCAN_WINDOW / 2 ? SCAN_WINDOW : 2 * last;
}

void window_begin(screener_scratch *s)
{
    s->n_acc = 0;
    s->acc_truncated = 0;
}

/* Matches a pushed one moves back at most (acc_push). */
#define ACC_ORDER_STEPS 64

/* Append m to s->acc, kept in the order of collect_sort: a round's matches
 * come in order, and a match an earlier round held back goes a few places
 * back (among the matches near that round's end); one that would go further
 * stays where it is, and window_end sorts. */
static int acc_push(screener_scratch *s, const screener_match *m)
{
    if (s->n_acc >= s->max_matches) {
        s->acc_truncated = 1;
        return 0;
    }
    if (s->n_acc + 1 > s->cap_acc &&
        mem_grow((void **)&s->acc, &s->cap_acc, s->n_acc + 1, sizeof(screener_match)))
        return SCREENER_E_NOMEM;
    size_t i = s->n_acc++, lo = i > ACC_ORDER_STEPS ? i - ACC_ORDER_STEPS : 0, k = i;
    while (k > lo && collect_cmp(&s->acc[k - 1], m) > 0)
        k--;
    if (k > lo || k == 0 || collect_cmp(&s->acc[k - 1], m) <= 0) {
        memmove(&s->acc[k + 1], &s->acc[k], (i - k) * sizeof *m);
        i = k;
    }
    s->acc[i] = *m;
    return 0;
}

/* Keep the final parts of message-wide rules (AND NOT, THEN) found in this
 * round, with global offsets, for window_rules_end: final and not reported
 * before by the same rule as matches. At most collect_cap of them (then the
 * result says truncated). */
static int keep_parts(const screener_db *db, screener_scratch *s, window_state *w, int final,
                      size_t cut, size_t last)
{
    rules_mark_allowed(s);
    for (size_t i = 0; i < s->n_parts; i++) {
        rule_part p = s->parts[i];
        if (db->rules[(p.entry - db->first_part) / 2].op == DB_RULE_NEAR)
            continue;
        if (!final && !(p.start <= cut && p.end <= last))
            continue;
        p.start += w->base;
        p.end += w->base;
        if (w->have_prev && p.start <= w->prev_cut && p.end <= w->prev_last)
            continue;
        if (w->n_parts >= collect_cap(s)) {
            w->parts_truncated = 1;
            break;
        }
        if (mem_grow((void **)&w->parts, &w->cap_parts, w->n_parts + 1, sizeof(rule_part)))
            return SCREENER_E_NOMEM;
        w->parts[w->n_parts++] = p;
    }
    return SCREENER_OK;
}

/* First byte of the earliest match of the leet reading whose chunk may
 * still change (no ASCII whitespace after the match in the data scanned,
 * and too few bytes after it to make the chunk over-long), or scan_len if
 * none: such a match is not final yet. Not a question in the last round.
 * Cost: one pass over the round's matches, and over at most LEET_CHUNK_MAX
 * bytes after each leet match (only rounds with leet matches pay). */
static size_t leet_open(const screener_scratch *s, const uint8_t *data, size_t scan_len)
{
    size_t open = scan_len;
    for (size_t i = 0; i < s->n_matches; i++) {
        const screener_match *m = &s->matches[i];
        if (!(m->flags & SCREENER_MATCH_LEET) || m->start >= open ||
            scan_len - m->end > LEET_CHUNK_MAX)
            continue;
        size_t q = m->end;
        while (q < scan_len && !leet_is_space(data[q]))
            q++;
        if (q == scan_len)
            open = m->start;
    }
    return open;
}

/* First folded unit whose character starts at or after byte b (units
 * before it came from bytes before b): a binary search over the view. */
static size_t unit_at_byte(const screener_db *db, const screener_scratch *s, const uint8_t *data,
                           size_t len, size_t b)
{
    size_t lo = 0, hi = s->v.folded.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (byte_of_unit(db, s, data, len, mid) < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The bytes the next round can drop: everything before unit n-2L-1, less
 * REGION_CONTEXT bytes (a region around a held match starts at most that
 * far before it) and nothing from an open region on; but never carry more
 * than WINDOW_MAX_CARRY bytes. */
static size_t droppable(const screener_db *db, const screener_scratch *s, const uint8_t *data,
                        size_t scan_len, size_t len, size_t L, size_t n)
{
    size_t keep = 0;
    if (n > 2 * L + 1)
        keep = byte_of_unit(db, s, data, scan_len, n - 2 * L - 1);
    keep = keep > REGION_CONTEXT ? keep - REGION_CONTEXT : 0;
    if (s->region_open < len && keep + 8 > s->region_open)
        keep = s->region_open > 8 ? s->region_open - 8 : 0; /* the character before it too */
    for (int k = 0; k < 3 && keep > 0 && (data[keep] & 0xC0) == 0x80; k++)
        keep--; /* a character's first byte */
    if (len - keep > WINDOW_MAX_CARRY) {
        keep = len - WINDOW_MAX_CARRY;
        while (keep < len && (data[keep] & 0xC0) == 0x80)
            keep++;
    }
    return keep;
}

int window_round(const screener_db *db, screener_scratch *s, window_state *w,
                 const uint8_t *data, size_t len, int final, size_t *keep, size_t *scanned)
{
    *keep = *scanned = 0;
    size_t hold = final ? 0 : incomplete_tail(data, len);
    s->rules_round = 1; /* message-wide rules wait for the end (window_rules_end) */
    int rc = scan_text(db, s, data, len - hold, VIEW_FOLDED, final && !hold);
    s->rules_round = 0;
    if (rc)
        return rc;
    size_t scan_len = s->v.consumed;
    w->done = scan_len == len - hold;
    if (!w->done)
        final = 0; /* stopped by the views' budget: more rounds follow */
    *scanned = scan_len;
    s->acc_truncated |= s->truncated;
    size_t n = s->v.folded.n, L = scan_carry_units(db);
    int any_final = final || n > L;
    size_t cut = 0, last = 0; /* final region, local bytes */
    size_t n_keep = n;        /* the next tail holds units from n_keep-2L-1 on */
    if (!final && any_final) {
        cut = byte_of_unit(db, s, data, scan_len, n - L);
        last = byte_of_unit(db, s, data, scan_len, n - 1);
        if (s->region_open <= cut) { /* matches in an open region wait (regions.h) */
            any_final = s->region_open > 0;
            cut = any_final ? s->region_open - 1 : 0;
        }
        size_t lo = leet_open(s, data, scan_len);
        if (lo < scan_len) { /* and a leet match whose chunk may change, from L units before it */
            size_t lu = unit_at_byte(db, s, data, scan_len, lo);
            if (lu + L < n_keep)
                n_keep = lu + L;
            if (lo <= cut) {
                any_final = any_final && lo > 0;
                cut = lo > 0 ? lo - 1 : 0;
            }
        }
    }
    for (size_t i = 0; i < s->n_matches && any_final; i++) {
        screener_match m = s->matches[i];
        if (!final && !(m.start <= cut && m.end <= last))
            continue; /* not decided yet: a later round reports it */
        m.start += w->base;
        m.end += w->base;
        if (w->have_prev && m.start <= w->prev_cut && m.end <= w->prev_last)
            continue; /* reported by an earlier round */
        if ((rc = acc_push(s, &m)))
            return rc;
    }
    if (any_final && db->n_message_rules && (rc = keep_parts(db, s, w, final, cut, last)))
        return rc;
    if (any_final && !final) {
        w->prev_cut = w->base + cut;
        w->prev_last = w->base + last;
        w->have_prev = 1;
    }
    *keep = final ? len : droppable(db, s, data, scan_len, len, L, n_keep);
    if (*keep > scan_len)
        *keep = scan_len; /* (only the carry cap can ask for more) */
    return SCREENER_OK;
}

void window_state_free(window_state *w)
{
    mem_free(w->parts);
    w->parts = NULL;
    w->n_parts = w->cap_parts = 0;
}

int window_rules_end(const screener_db *db, screener_scratch *s, window_state *w)
{
    if (!db->n_message_rules)
        return SCREENER_OK;
    collect_reset(s); /* (the last round's matches are in s->acc already) */
    int rc = rules_message(db, s, w->parts, w->n_parts);
    for (size_t i = 0; !rc && i < s->n_matches; i++)
        rc = acc_push(s, &s->matches[i]);
    s->acc_truncated |= s->truncated | w->parts_truncated;
    return rc;
}

int window_end(screener_scratch *s)
{
    screener_match *t = s->matches;
    size_t cap = s->cap_matches;
    s->matches = s->acc;
    s->cap_matches = s->cap_acc;
    s->n_matches = s->n_acc;
    s->acc = t;
    s->cap_acc = cap;
    s->n_acc = 0;
    s->truncated = s->acc_truncated;
    /* a match held back by one round can start before matches an earlier
     * round reported: acc_push put it in place but for a long way back */
    collect_sort(s->matches, s->n_matches);
    return scan_verdict(s);
}
