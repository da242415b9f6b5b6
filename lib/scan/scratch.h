/*
 * scratch.h — per-thread working memory of a scan.
 */
#ifndef SCREENER_SCAN_SCRATCH_H
#define SCREENER_SCAN_SCRATCH_H

#include <hs.h>

#include "normalize/views.h"
#include "screener.h"

/* A literal candidate reported by Hyperscan, verified for alignment:
 * folded units. */
typedef struct raw_match {
    uint32_t lit;
    uint32_t start; /* unit offset */
    uint32_t end;   /* unit offset, exclusive */
} raw_match;

#define SCRATCH_DEFAULT_MAX_MATCHES 100000

/* A regex match end awaiting its start (m_regex.c): entry id, end, first
 * candidate start (end - the regex's width) and the start, UINT32_MAX until
 * found. Offsets are bytes of the byte view. */
typedef struct rx_end {
    uint32_t id, end, lo, start;
} rx_end;

/* An occurrence of a rule part (m_rules.c): its entry, original bytes and,
 * for NEAR, folded units of the text it was found in. */
typedef struct rule_part {
    size_t start, end;   /* bytes */
    uint32_t entry;
    uint32_t ustart, uend; /* folded units (this text only) */
    uint32_t suppressed;   /* inside an allow match: does not count */
} rule_part;

typedef struct span {
    size_t start, end;
    uint32_t only; /* allow spans: SPAN_ANY, or the one deny entry it suppresses */
} span;
#define SPAN_ANY UINT32_MAX

/* Whether the batch filter pays on this scratch's recent batches
 * (batch_filter.c). */
typedef struct batch_filter_state {
    uint64_t db;      /* instance of the db it was judged for */
    int off;          /* the filter is switched off */
    unsigned off_for; /* groups since it was switched off */
    unsigned off_len; /* groups it stays off before the next try */
    size_t handed_bytes; /* the group's messages scanned with handed candidates (bytes) */
} batch_filter_state;

struct screener_scratch {
    hs_scratch_t *hs;       /* for the literal database, or NULL */
    hs_scratch_t *hs_regex; /* for the regex database, or NULL */
    hs_scratch_t *hs_regex_start; /* for the regex start database (used while
                                     hs_regex is busy: a scratch of its own) */
    rx_end *rx;                   /* regex match ends awaiting their start */
    size_t n_rx, cap_rx;
    uint32_t *rx_order;           /* rx indices by first candidate start */
    size_t cap_rx_order;
    uint64_t fitted;        /* instance of the db the scratch is fitted to (scan_prepare) */
    uint64_t hs_for;        /* instance of the db the Hyperscan scratches were
                               allocated for (screener_scratch_alloc, or a fit
                               by scan_prepare): then fitting them again would
                               only re-check the sections (0: none) */
    int in_use;
    views v;                /* the views of the text being scanned */
    /* collection (collect.c) */
    raw_match *raw;
    size_t n_raw, cap_raw;
    uint8_t *narrow;        /* the folded units as bytes, when all ASCII (m_literals.c) */
    size_t cap_narrow;
    screener_match *matches;
    size_t n_matches, cap_matches;
    span *allow;
    size_t n_allow, cap_allow;
    int allow_ready;        /* allow spans sorted, ends made running maxima */
    rule_part *parts;       /* rule parts found in the text (m_rules.c) */
    size_t n_parts, cap_parts;
    int parts_only;         /* screener_rule_parts: collect rule parts and allow
                               matches only, leave the last result alone */
    int rules_round;        /* scanning one window round: rules over the whole
                               message (AND NOT, THEN) wait for the last one */
    uint32_t *dedup;        /* hash of (entry, start) -> match index + 1 */
    size_t cap_dedup, n_dedup;
    int truncated;          /* matches beyond the cap were not collected */
    uint32_t *cats;
    size_t cap_cats;
    struct light_char *light; /* text detectors' reading of the byte view */
    size_t cap_light, n_light;
    int light_ready;          /* light is built for the current text */
    long digits_longest;      /* longest digit run of the current text's views, -1: not yet */
    /* matches of the windows of one long scan or stream write (window.c) */
    screener_match *acc;
    size_t n_acc, cap_acc;
    int acc_truncated;
    rule_part *win_parts;        /* a long message's window_state parts (scan.c), kept */
    size_t cap_win_parts;
    uint32_t rows_used;     /* matcher rows the fitted db uses (bit = row index) */
    unsigned views_used;    /* VIEW_* bits they read */
    uint32_t row_min[32];   /* per row: shortest view it can match in (matcher.h,
                               MATCHERS_MAX rows at most) */
    uint8_t row_view[32];   /* per row: the view it reads (VIEW_* bit number) */
    uint32_t view_rows[VIEW_KINDS]; /* per view: the used rows that read it */
    uint32_t view_min[VIEW_KINDS];  /* per view: the least row_min of those rows */
    screener_result result;
    char fingerprint[33]; /* of the db of the last scan */
    /* profile (screener_scratch_set_profile) */
    unsigned min_severity;
    size_t max_matches;
    screener_profile_rule *rules; /* owned copies, categories strdup'ed */
    size_t n_rules;
    uint32_t exclude_regions; /* SCREENER_REGION_* whose matches are suppressed */
    size_t region_open;   /* after scan_text: first byte of an open region (regions.h) */
    int8_t *eff;          /* resolved actions [category * 4 + severity - 1], or NULL */
    size_t cap_eff;
    uint64_t eff_for;     /* db instance eff was resolved for (0: none) */
    /* batch results: matches and categories of all messages, concatenated */
    screener_result *b_results;
    size_t cap_b_results;
    screener_match *b_matches;
    size_t n_b_matches, cap_b_matches;
    uint32_t *b_cats;
    size_t n_b_cats, cap_b_cats;
    /* batch filter (batch_filter.c): a group's views concatenated */
    uint16_t *bf_units;        /* folded units */
    uint8_t *bf_flags;         /* their flags */
    uint8_t *bf_bytes;         /* byte views */
    size_t cap_bf_units, cap_bf_flags, cap_bf_bytes;
    fold_buf bf_fold;          /* a group's raw texts folded in one call */
    fold_text_ref *bf_texts;   /* those texts (where the caller holds them) */
    size_t cap_bf_texts;
    size_t *bf_unit_at, *bf_byte_at, *bf_msg; /* per grouped message: first unit, first
                                                 byte, batch index */
    size_t cap_bf_unit_at, cap_bf_byte_at, cap_bf_msg;
    uint8_t *bf_maybe;         /* per batch message: needs a full scan */
    size_t cap_bf_maybe;
    int views_kept; /* v holds the views of the next scan_text's text (batch_filter.c) */
    /* the literal group pass's candidates (m_literals.c, literals_group):
     * joined units, then (bf_handoff) per grouped message, units of its own */
    raw_match *bf_cand;
    uint32_t *bf_cand_msg;     /* each candidate's message in the group */
    size_t n_bf_cand, cap_bf_cand, cap_bf_cand_msg;
    raw_match *bf_handoff;     /* bf_cand by message: message k's are bf_handoff[ */
    size_t *bf_handoff_at;     /* bf_handoff_at[k] .. + bf_handoff_n[k]) */
    uint32_t *bf_handoff_n;
    size_t cap_bf_handoff, cap_bf_handoff_at, cap_bf_handoff_n;
    uint8_t *bf_cand_done;     /* per grouped message: its candidates are all in bf_cand */
    size_t cap_bf_cand_done;
    /* set for one scan_message: the literal row's candidates, already found
     * (their text folds to lit_given_units units); run_literals takes them
     * instead of its own Hyperscan scan */
    int lit_handed;
    const raw_match *lit_given;
    size_t n_lit_given, lit_given_units;
    size_t n_bf_handed; /* messages scanned with candidates handed over (the tests read it) */
    batch_filter_state bf_state;
    uint64_t rx_join_for;      /* db instance rx_join was decided for (m_regex.c) */
    int rx_join;               /* its regexes can be scanned concatenated */
};

/* Bytes of working memory the scratch holds for the text (views and
 * collection; not the Hyperscan scratches, not the batch results). */
size_t scratch_footprint(const screener_scratch *s);

#endif
