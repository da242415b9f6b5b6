/*
 * scan.h — the scan layer's interface to the layers above (service/:
 * batch, streams, hot reload, mask).
 */
#ifndef SCREENER_SCAN_SCAN_H
#define SCREENER_SCAN_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "scratch.h"

struct screener_db;

/* Messages longer than this are scanned in windows of at most this many
 * bytes (window.c), so a scan's working memory stays bounded. */
#define SCAN_WINDOW ((size_t)128 << 10)

/* New bytes in the first round of a message longer than SCAN_WINDOW; the
 * next rounds: window_next_round. */
#define WINDOW_ROUND ((size_t)32 << 10)

/* New bytes for the next round of a long message after a round of `last`
 * new bytes (in s's views): WINDOW_ROUND, or twice `last` (at most
 * SCAN_WINDOW) after a round that paid for a whole-text view anyway. */
size_t window_next_round(const screener_scratch *s, size_t last);

/* Make s ready for db: profile resolved, Hyperscan scratches fitted,
 * fingerprint copied. Once per message or stream write. */
int scan_prepare(const struct screener_db *db, screener_scratch *s);

/* Scan one text as a whole into s->matches (collected, then finished: see
 * collect_finish; then the matches inside regions flagged, regions.h):
 * build the views the db uses plus `extra` (VIEW_* bits), run the matchers.
 * at_end: the text ends the message (else s->region_open says from which
 * byte on region decisions wait for more text). The scratch must be
 * prepared and marked in use. */
int scan_text(const struct screener_db *db, screener_scratch *s, const uint8_t *text,
              size_t len, unsigned extra, int at_end);

/* Scan one message into s->result: as a whole, or in windows when it is
 * longer than SCAN_WINDOW. Same result either way. The scratch must be
 * marked in use; scan_message prepares it. */
int scan_message(const struct screener_db *db, screener_scratch *s, const uint8_t *text,
                 size_t len);

/* Which messages of a batch need a full scan_message (maybe[i] is
 * BATCH_MARKED or BATCH_STRAIGHT); the others have no match (BATCH_PASS:
 * scan_pass gives their result) or were scanned already. Every row the
 * database uses answers through its batch prefilter (matcher.h), mostly one
 * Hyperscan call per row over the short messages' views concatenated. A
 * message a prefilter marks after its views were built is scanned at once
 * with those views (maybe[i] == BATCH_SCANNED): done(ctx, i) is then called
 * with its result in s->result. Prepares s; the scratch must be marked in
 * use. The values are 0..3, so that eight of them are tested in one word
 * (batch.c: a byte needs a scan iff its two low bits differ). */
#define BATCH_PASS 0
#define BATCH_MARKED 1   /* a group pass marked it (filtering cost something) */
#define BATCH_STRAIGHT 2 /* not filtered (long, or over the views' budget) */
#define BATCH_SCANNED 3
int scan_batch_filter(const struct screener_db *db, screener_scratch *s,
                      const screener_message *msgs, size_t n, uint8_t *maybe,
                      int (*done)(screener_scratch *s, size_t i));

/* The result of a message without any match (after scan_prepare). */
int scan_pass(screener_scratch *s);

/* Carried state between the windows of one text (a long message or a
 * stream). */
typedef struct window_state {
    size_t base;     /* global offset of the window buffer's first byte */
    int have_prev;
    size_t prev_cut, prev_last; /* previous round's final region, global */
    int done; /* the last round scanned all it was given (but for an
                 incomplete UTF-8 sequence at its end when not final) */
    /* final occurrences of the parts of message-wide rules (AND NOT, THEN),
     * global bytes, decided when the text ends (window_rules_end); owned:
     * window_state_free. A caller that restores an earlier copy of the state
     * keeps parts and cap_parts of the current one. */
    struct rule_part *parts;
    size_t n_parts, cap_parts;
    int parts_truncated;
} window_state;

/* Free what a window state owns. */
void window_state_free(window_state *w);

/*
 * One round: scan data[0, len) (carried tail + new bytes; data[0] is at
 * global offset w->base) and append the matches that are final to s->acc
 * (global offsets). The views' budget may stop the round early: *scanned
 * gets the bytes of data it covered (an incomplete UTF-8 sequence at the
 * end waits for the next round unless final is set). With final set and
 * everything scanned, every match is final. *keep gets how many leading
 * bytes of data the next round no longer needs.
 */
int window_round(const struct screener_db *db, screener_scratch *s, window_state *w,
                 const uint8_t *data, size_t len, int final, size_t *keep, size_t *scanned);

/* At the end of the text (after its final round): the matches of the
 * message-wide rules over the parts the rounds kept, into s->acc. */
int window_rules_end(const struct screener_db *db, screener_scratch *s, window_state *w);

/* Start and finish a series of rounds: s->acc empty; then s->acc becomes
 * s->matches and the verdict is computed. */
void window_begin(screener_scratch *s);
int window_end(screener_scratch *s);

#endif
