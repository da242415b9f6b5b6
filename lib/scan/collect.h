/*
 * collect.h — match collection shared by every matcher: deny and allow
 * matches with original byte spans, the profile's actions, de-duplication,
 * the allow-list and the verdict.
 *
 * Every step is O(m log m) in the number of matches m at worst (sorts and a
 * hash), never a walk over earlier matches per match, and the number of
 * matches collected per scan is capped (collect_cap), so a hostile message
 * costs time and memory linear in its length.
 */
#ifndef SCREENER_SCAN_COLLECT_H
#define SCREENER_SCAN_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "scratch.h"

struct screener_db;

/* Start collecting for a new text (keeps capacities). Inline: every scan
 * starts with it; the de-duplication table, used only by texts with matches,
 * is cleared out of line. */
void collect_clear_dedup(screener_scratch *s);
static inline void collect_reset(screener_scratch *s)
{
    s->n_raw = s->n_matches = s->n_allow = s->n_parts = 0;
    s->allow_ready = 0;
    s->truncated = 0;
    s->light_ready = 0;
    s->digits_longest = -1;
    if (s->n_dedup)
        collect_clear_dedup(s);
}

/*
 * Add a deny match of entry id at original bytes [start, end), unless the
 * profile drops it. With keep_longest, a second match of the same entry at
 * the same start only extends the first one (regexes report every end of a
 * match; one match per entry and start is kept, the longest).
 * Returns 0, COLLECT_FULL (the cap is reached: stop, the result is
 * truncated) or SCREENER_E_NOMEM.
 */
#define COLLECT_FULL 1
int collect_deny(const struct screener_db *db, screener_scratch *s, uint32_t id, size_t start,
                 size_t end, int keep_longest);

/* Add an allow match at [start, end). Returns 0 or SCREENER_E_NOMEM. */
int collect_allow(screener_scratch *s, size_t start, size_t end);

/* Add a match of entry id: allow or deny by the entry's flags. */
int collect_entry(const struct screener_db *db, screener_scratch *s, uint32_t id, size_t start,
                  size_t end);

/* A rule part's occurrence at bytes [start, end), folded units
 * [ustart, uend): kept for the rule evaluator (m_rules.c), never reported.
 * Returns 0, COLLECT_FULL or SCREENER_E_NOMEM. */
int collect_part(screener_scratch *s, uint32_t id, size_t start, size_t end, size_t ustart,
                 size_t uend);

/* 1 if an allow match that applies to entry id covers [start, end). Sorts
 * the allow spans on first use after a change. O(log k). */
int collect_allowed(screener_scratch *s, uint32_t id, size_t start, size_t end);

/* Apply the allow-list, sort by (start, end, entry), drop exact repeats and
 * cut to the profile's max_matches. Sets s->truncated if anything was cut. */
void collect_finish(screener_scratch *s);

/* The order of matches: by start, end, entry (<0, 0, >0). */
int collect_cmp(const screener_match *a, const screener_match *b);

/* Sort matches by (start, end, entry); O(n) when they are in order. */
void collect_sort(screener_match *m, size_t n);

/* Recompute s->result's verdict from s->matches[0 .. n_matches). */
int scan_verdict(screener_scratch *s);

/* Largest number of matches a scan collects before it stops (4x the
 * profile's max_matches plus slack, for allow-list and boundary rejections). */
size_t collect_cap(const screener_scratch *s);

#endif
