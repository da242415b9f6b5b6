/*
 * matcher.h — the table of matchers a scan runs.
 *
 * One row per matcher: its name, the view it reads, the database section it
 * needs, how far it carries across windows and stream chunks (its longest
 * match, in folded units), and its run function. A scan builds the views
 * the database uses, then runs every row the database uses; each row hands
 * its matches (original byte spans) to collect.h, which owns
 * de-duplication, the allow-list and the verdict.
 *
 * Adding a detector = its code (detect.c) + one row in matchers.c + tests.
 * A row also says how batches find the messages that cannot hold a match
 * of its own (batch_prefilter below, batch_filter.c).
 */
#ifndef SCREENER_SCAN_MATCHER_H
#define SCREENER_SCAN_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "scratch.h"

struct screener_db;

/* What a matcher's run function sees. */
typedef struct scan_ctx {
    const struct screener_db *db;
    screener_scratch *s;
    const uint8_t *text; /* the original text (of this window) */
    size_t len;
} scan_ctx;

struct matcher;

/*
 * A group of short messages of a batch (batch_filter.c), each message's
 * views concatenated with a separator after each: the folded units and
 * their flags (a U+FFFF unit, flags 0), the byte view (a '\n' byte).
 * Message k of the group is batch message msg[k]; its units start at
 * unit_at[k] and its bytes at byte_at[k] (k < n; entry n is the end).
 */
typedef struct batch_group {
    const struct screener_db *db;
    screener_scratch *s;
    size_t n;
    const size_t *msg;
    const size_t *unit_at, *byte_at;
    const uint16_t *units; /* the concatenations (NULL when no group pass reads them) */
    const uint8_t *flags;
    const uint8_t *bytes;
    uint8_t *maybe; /* per batch message: set to 1 = may hold a match */
} batch_group;

/* Mark message k of the group that holds position pos of a concatenation
 * whose messages start at at[0..n) (binary search; at[0] <= pos); returns k. */
size_t batch_mark(const batch_group *g, const size_t *at, size_t pos);

/*
 * How a row answers "may this message hold a match of mine?" for many short
 * messages at once, cheaply and never wrongly "no" (batch_filter.c). Each
 * message's views in `views` are built once; then `message` (if set) is
 * asked with them in c->s->v: 1 = it may (the message gets its own full
 * scan), 0 = not as far as this check goes, or an error status. Messages no
 * row marked are concatenated (VIEW_FOLDED and VIEW_BYTES, see batch_group),
 * and `group` (if set) marks those that may hold a match, typically with one
 * Hyperscan call over the concatenation. A message no row marks has no
 * match at all: its result is the pass result.
 */
typedef struct batch_prefilter {
    unsigned views; /* VIEW_* bits of one message that message/group read */
    int (*message)(const scan_ctx *c, const struct matcher *m);
    int (*group)(const batch_group *g, const struct matcher *m);
} batch_prefilter;

typedef struct matcher {
    const char *name;
    unsigned view;   /* VIEW_* it reads */
    int section;     /* SEC_* it reads; the row runs when the db has it (-1: none) */
    int detector;    /* DETECT_* for detector rows, else 0 */
    /* longest match, in folded units: what windows and streams carry */
    uint32_t (*longest)(const struct screener_db *db);
    /* shortest view (in units of the view it reads: views_len) in which the
     * row can find anything; a text whose view is shorter skips the row, and
     * its view is not built when no row that reads it is left (scan_text).
     * At least 1: nothing matches in an empty view. */
    uint32_t (*shortest)(const struct screener_db *db, const struct matcher *m);
    /* 1 if the database has anything for this row to do */
    int (*used)(const struct screener_db *db, const struct matcher *m);
    /* collect the row's matches; SCREENER_OK or an error status */
    int (*run)(const scan_ctx *c, const struct matcher *m);
    /* its batch prefilter (above); NULL: it has none, and batches of a
     * database that uses the row scan every message in full */
    const batch_prefilter *batch;
} matcher;

/* Row index of the literal matcher, the leet one and the rules (matchers.c
 * checks them). */
#define MATCHER_LITERALS 0
#define MATCHER_LEET 7
#define MATCHER_RULES 8

/* The table, in run order. */
extern const matcher scan_matchers[];
extern const size_t scan_n_matchers;

/* The rows the database uses (bit k: scan_matchers[k]) and, in *views_out, the
 * views they read (VIEW_* bits). Computed once per database and scratch. */
uint32_t scan_rows_used(const struct screener_db *db, unsigned *views_out);

/* Most rows a table may have (rows_used is a 32-bit mask). */
#define MATCHERS_MAX 32

/* Each used row's shortest view (matcher.shortest) and the view it reads
 * (VIEW_* bit number) into s->row_min and s->row_view, and per view the
 * rows that read it and the least of their shortest views (s->view_rows,
 * s->view_min): computed once per database and scratch (scan_prepare). */
void scan_rows_shortest(const struct screener_db *db, screener_scratch *s);

/* Longest match of any matcher the database uses, in folded units. */
uint32_t scan_carry_units(const struct screener_db *db);

/* Row functions, one file each (m_literals.c, m_regex.c, m_detect.c). */
int run_literals(const scan_ctx *c, const matcher *m);
int run_regexes(const scan_ctx *c, const matcher *m);
int run_digit_detector(const scan_ctx *c, const matcher *m);
int run_text_detector(const scan_ctx *c, const matcher *m);
int run_leet(const scan_ctx *c, const matcher *m); /* m_leet.c */

int run_rules(const scan_ctx *c, const matcher *m);

/* 1 if regex source re (len bytes) has no anchor, so it matches inside a
 * concatenation wherever it matches in one text alone (m_regex.c; errs
 * towards 0). Exposed for tests. */
int regex_unanchored(const char *re, size_t len);

/* The rows' batch prefilters (batch_prefilter), next to their run functions. */
extern const batch_prefilter batch_literals, batch_leet, batch_digits, batch_text, batch_regexes,
    batch_rules;

/* Co-occurrence rules (m_rules.c). Mark the text's rule parts that lie
 * inside allow matches. */
void rules_mark_allowed(screener_scratch *s);
/* Emit (collect_deny) the matches of the message-wide rules (AND NOT,
 * THEN) over parts[0, n) of a whole message (sorts them). */
int rules_message(const struct screener_db *db, screener_scratch *s, rule_part *parts,
                  size_t n);

/*
 * Map a match on the folded view, units [start, end), back to the original
 * text and collect it for each entry in ids that accepts it (word
 * boundaries, span check; for detectors, at most DETECT_MAX_GAP dropped
 * characters between two digits). Returns 0, COLLECT_FULL or an error.
 */
int collect_folded_span(const scan_ctx *c, const uint32_t *ids, uint32_t n_ids, size_t start,
                        size_t end, int detector);

/* Scan fb (folded units) with the literal database hdb (ids index
 * db->lits; the scratch's s->hs fits it) or, when narrow is not NULL and
 * every unit of fb is ASCII, with narrow (the same literals' all-ASCII
 * ones, one byte per unit: SEC_HS_NARROW) over the units narrowed to bytes:
 * s->raw gets the candidates that pass alignment and unit-flag boundary
 * checks, the same either way. SCREENER_OK or an error. */
int scan_literals_on(const scan_ctx *c, hs_database_t *hdb, hs_database_t *narrow,
                     const fold_buf *fb);

/* How a text that is a reading of the original maps back (the leet view). */
typedef struct span_map {
    const uint32_t *orig; /* per byte of the reading, and one past its end: original byte */
    const uint8_t *sub;   /* per byte: read differently; a match must cover one */
} span_map;

/* The same for a match on fb, the folded reading (c->text, c->len): spans are
 * mapped back through map, and the match is collected only if it covers a
 * byte read differently (the rest is the folded view's), flagged
 * SCREENER_MATCH_LEET. cur: the mapping walk's cursor over this reading's
 * matches (fold_locate_span_at; zeroed before the first), or NULL. */
int collect_span_on(const scan_ctx *c, const fold_buf *fb, const span_map *map,
                    fold_cursor *cur, const uint32_t *ids, uint32_t n_ids, size_t start,
                    size_t end);

#endif
