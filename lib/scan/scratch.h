/*
 * scratch.h — per-thread working memory of a scan.
 */
#ifndef SCREENER_SCAN_SCRATCH_H
#define SCREENER_SCAN_SCRATCH_H

#include <hs.h>

#include "normalize/fold.h"
#include "screener.h"

/* A candidate reported by Hyperscan, verified for alignment: folded units. */
typedef struct raw_match {
    uint32_t lit;
    uint32_t start; /* unit offset */
    uint32_t end;   /* unit offset, exclusive */
} raw_match;

#define SCRATCH_DEFAULT_MAX_MATCHES 100000

typedef struct span {
    size_t start, end;
} span;

struct screener_scratch {
    hs_scratch_t *hs;
    hs_scratch_t *hs_regex; /* for the regex database, or NULL */
    uint64_t fitted;   /* instance of the db hs was last fitted to */
    int in_use;
    fold_buf fb;
    raw_match *raw;
    size_t n_raw, cap_raw;
    int raw_oom;
    int raw_truncated; /* candidates beyond the cap were not collected */
    screener_match *matches;
    size_t n_matches, cap_matches;
    span *allow;
    size_t n_allow, cap_allow;
    uint32_t *cats;
    size_t cap_cats;
    screener_result result;
    char fingerprint[33]; /* of the db of the last scan */
    struct light_char *light; /* light view for text detectors */
    size_t cap_light;
    uint8_t *rtext;           /* regex view of the text (UTF-8) */
    uint32_t *rstart, *rend;  /* original bytes of the character of each rtext byte */
    size_t cap_rtext;
    /* profile (screener_scratch_set_profile) */
    unsigned min_severity;
    size_t max_matches;
    screener_profile_rule *rules; /* owned copies, categories strdup'ed */
    size_t n_rules;
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
};

/* Scan one message into s->result (the scratch must be marked in use by the
 * caller). Used by screener_scan, the batch and the stream. */
struct screener_db;
int scan_message(const screener_db *db, screener_scratch *s, const uint8_t *text, size_t len);
/* Recompute s->result's verdict from s->matches[0 .. n_matches). */
int scan_verdict(screener_scratch *s);

#endif
