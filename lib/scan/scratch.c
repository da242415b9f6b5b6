/*
 * scratch.c — allocating, cloning and re-fitting scratches.
 */
#include "scratch.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "db/db.h"
#include "detect.h"
#include "common/alloc.h"

/* The Hyperscan scratch for hdb: the one the load checked and kept, when no
 * other scratch took it (db_take_spare; *spare set to 1), else a new one. */
static hs_error_t spare_or_alloc(const screener_db *db, int k, hs_database_t *hdb,
                                 hs_scratch_t **out, int *spare)
{
    *spare = 0;
    if (!hdb)
        return HS_SUCCESS;
    if ((*out = db_take_spare(db, k)) != NULL) {
        *spare = 1;
        return HS_SUCCESS;
    }
    return hs_alloc_scratch(hdb, out);
}

SCREENER_API int screener_scratch_alloc(const screener_db *db, screener_scratch **out)
{
    if (!db || !out)
        return SCREENER_E_INVALID_ARGUMENT;
    *out = NULL;
    screener_scratch *s = mem_calloc(1, sizeof *s);
    if (!s)
        return SCREENER_E_NOMEM;
    int lit_spare, spare;
    hs_error_t he = spare_or_alloc(db, DB_SPARE_LIT, db->hs, &s->hs, &lit_spare);
    if (he == HS_SUCCESS)
        he = spare_or_alloc(db, DB_SPARE_REGEX, db->hs_regex, &s->hs_regex, &spare);
    if (he == HS_SUCCESS)
        he = spare_or_alloc(db, DB_SPARE_REGEX_START, db->hs_regex_start, &s->hs_regex_start,
                            &spare);
    /* The literal scratch also serves the leet and narrow sections. The
     * load's spare already fits them (db.c open_hyperscan grew it while
     * checking those sections, and a db does not change after load); a new
     * scratch is fitted to each here, which costs a check of the section
     * inside hs_alloc_scratch (a CRC over all its bytes: ~0.15 M
     * instructions for both at 64k terms, measured). */
    if (he == HS_SUCCESS && db->hs_leet && !lit_spare)
        he = hs_alloc_scratch(db->hs_leet, &s->hs);
    if (he == HS_SUCCESS && db->hs_narrow && !lit_spare)
        he = hs_alloc_scratch(db->hs_narrow, &s->hs);
    if (he != HS_SUCCESS) {
        hs_free_scratch(s->hs);
        hs_free_scratch(s->hs_regex);
        hs_free_scratch(s->hs_regex_start);
        mem_free(s);
        return he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN;
    }
    s->fitted = 0; /* scan_prepare fits the rows and views */
    s->hs_for = db->instance; /* ... not the Hyperscan scratches: made for db */
    s->max_matches = SCRATCH_DEFAULT_MAX_MATCHES;
    s->exclude_regions = SCREENER_REGION_DEFAULT;
    *out = s;
    return SCREENER_OK;
}

size_t scratch_footprint(const screener_scratch *s)
{
    return views_footprint(&s->v) + s->cap_raw * sizeof(raw_match) + s->cap_narrow +
           s->cap_matches * sizeof(screener_match) + s->cap_allow * sizeof(span) +
           s->cap_parts * sizeof(rule_part) +
           s->cap_dedup * sizeof(uint32_t) + s->cap_cats * sizeof(uint32_t) +
           s->cap_light * sizeof(struct light_char) + s->cap_acc * sizeof(screener_match) +
           s->cap_rx * sizeof(rx_end) + s->cap_rx_order * sizeof(uint32_t) +
           s->cap_win_parts * sizeof(rule_part);
}

SCREENER_API int screener_scratch_clone(const screener_scratch *src, screener_scratch **out)
{
    if (!src || !out)
        return SCREENER_E_INVALID_ARGUMENT;
    *out = NULL;
    screener_scratch *s = mem_calloc(1, sizeof *s);
    if (!s)
        return SCREENER_E_NOMEM;
    hs_error_t he = src->hs ? hs_clone_scratch(src->hs, &s->hs) : HS_SUCCESS;
    if (he == HS_SUCCESS && src->hs_regex)
        he = hs_clone_scratch(src->hs_regex, &s->hs_regex);
    if (he == HS_SUCCESS && src->hs_regex_start)
        he = hs_clone_scratch(src->hs_regex_start, &s->hs_regex_start);
    if (he != HS_SUCCESS) {
        hs_free_scratch(s->hs);
        hs_free_scratch(s->hs_regex);
        hs_free_scratch(s->hs_regex_start);
    }
    if (he != HS_SUCCESS) {
        mem_free(s);
        return he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN;
    }
    s->fitted = 0;
    s->hs_for = src->hs_for; /* (clones of src's, fit for what they fit) */
    s->max_matches = SCRATCH_DEFAULT_MAX_MATCHES;
    *out = s;
    /* the clone gets the same profile */
    screener_profile p = {sizeof p, src->min_severity, src->rules, src->n_rules, src->max_matches,
                          src->exclude_regions | SCREENER_REGION_EXPLICIT};
    int rc = screener_scratch_set_profile(s, &p);
    if (rc) {
        screener_scratch_free(s);
        *out = NULL;
    }
    return rc;
}

SCREENER_API int screener_scratch_set_profile(screener_scratch *s, const screener_profile *given)
{
    /* struct_size is a prefix: fields past the caller's size take their
     * defaults (0), so binaries built against an older, shorter struct work */
    screener_profile q;
    memset(&q, 0, sizeof q);
    if (given && given->struct_size < sizeof(size_t))
        return SCREENER_E_INVALID_ARGUMENT;
    if (given)
        memcpy(&q, given, given->struct_size < sizeof q ? given->struct_size : sizeof q);
    const screener_profile *p = given ? &q : NULL;
    if (!s || (p && p->n_rules && !p->rules) ||
        (p && (p->exclude_regions & ~(uint32_t)(SCREENER_REGION_ALL | SCREENER_REGION_EXPLICIT))))
        return SCREENER_E_INVALID_ARGUMENT;
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    size_t n = p ? p->n_rules : 0;
    for (size_t i = 0; i < n; i++) {
        const screener_profile_rule *r = &p->rules[i];
        if (r->severity > 4 || r->action < SCREENER_PROFILE_DROP ||
            r->action > SCREENER_ACTION_BLOCK)
            return SCREENER_E_INVALID_ARGUMENT;
    }
    screener_profile_rule *rules = NULL;
    if (n) {
        rules = mem_calloc(n, sizeof *rules);
        if (!rules)
            return SCREENER_E_NOMEM;
        for (size_t i = 0; i < n; i++) {
            rules[i] = p->rules[i];
            if (p->rules[i].category && !(rules[i].category = mem_strdup(p->rules[i].category))) {
                for (size_t k = 0; k < i; k++)
                    mem_free((char *)(uintptr_t)rules[k].category);
                mem_free(rules);
                return SCREENER_E_NOMEM;
            }
        }
    }
    for (size_t i = 0; i < s->n_rules; i++)
        mem_free((char *)(uintptr_t)s->rules[i].category);
    mem_free(s->rules);
    s->rules = rules;
    s->n_rules = n;
    s->min_severity = p ? p->min_severity : 0;
    s->max_matches = p && p->max_matches ? p->max_matches : SCRATCH_DEFAULT_MAX_MATCHES;
    s->exclude_regions = p && p->exclude_regions ? p->exclude_regions & SCREENER_REGION_ALL
                                                 : SCREENER_REGION_DEFAULT;
    s->eff_for = 0; /* resolve again */
    return SCREENER_OK;
}

SCREENER_API void screener_scratch_free(screener_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    hs_free_scratch(s->hs_regex);
    hs_free_scratch(s->hs_regex_start);
    mem_free(s->rx);
    mem_free(s->rx_order);
    views_free(&s->v);
    mem_free(s->raw);
    mem_free(s->narrow);
    mem_free(s->dedup);
    mem_free(s->acc);
    mem_free(s->win_parts);
    mem_free(s->matches);
    mem_free(s->allow);
    mem_free(s->parts);
    mem_free(s->cats);
    mem_free(s->b_results);
    mem_free(s->b_matches);
    mem_free(s->b_cats);
    mem_free(s->bf_units);
    mem_free(s->bf_flags);
    mem_free(s->bf_bytes);
    fold_buf_free(&s->bf_fold);
    mem_free(s->bf_texts);
    mem_free(s->bf_unit_at);
    mem_free(s->bf_byte_at);
    mem_free(s->bf_msg);
    mem_free(s->bf_maybe);
    mem_free(s->bf_cand);
    mem_free(s->bf_cand_msg);
    mem_free(s->bf_handoff);
    mem_free(s->bf_handoff_at);
    mem_free(s->bf_handoff_n);
    mem_free(s->bf_cand_done);
    for (size_t i = 0; i < s->n_rules; i++)
        mem_free((char *)(uintptr_t)s->rules[i].category);
    mem_free(s->rules);
    mem_free(s->eff);
    mem_free(s->light);
    mem_free(s);
}
