/*
 * rules.c — co-occurrence rules (`@rule A NEAR/n B`, `A AND NOT B`,
 * `A THEN B`) at compile time.
 *
 * A rule is an entry of its own (DB_OPT_RULE: category, severity, action,
 * source and line like any entry; its term is the rule's text) with no
 * literal. Its parts become generated entries (DB_OPT_PART, reason "rule
 * part of A NEAR/10 B") that are folded, bounded and compiled like written
 * terms — so every normalization applies to them — and that the scan never
 * reports: scan/m_rules.c combines them into the rule's matches.
 */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "forms.h"

int rules_expand(dict_set *set, screener_error **err)
{
    size_t n = set->n_entries;
    for (size_t i = 0; i < n; i++) {
        if (!set->entries[i].rule)
            continue;
        for (int k = 0; k < 2; k++) {
            const dict_entry *e = &set->entries[i];
            char reason[2 * DICT_MAX_TERM_BYTES + 64];
            snprintf(reason, sizeof reason, "rule part of %s", e->term);
            const dict_rule *r = e->rule;
            size_t max = set->max_term_bytes ? set->max_term_bytes : DICT_MAX_TERM_BYTES;
            if (r->part_len[k] > max) {
                char ex[160];
                return err_set(err, SCREENER_E_LIMIT, set->sources[e->source], e->line,
                               "rule part of %zu bytes, longer than the limit of %zu "
                               "(max_term_bytes): `%s`",
                               r->part_len[k], max,
                               err_excerpt(ex, sizeof ex, r->part[k], r->part_len[k]));
            }
            size_t before = set->n_entries;
            int rc = forms_add(set, i, r->part[k], r->part_len[k], reason, err);
            if (rc)
                return rc;
            if (set->n_entries == before)
                return err_set(err, SCREENER_E_NOMEM, NULL, 0, "rule part not added");
            dict_entry *p = &set->entries[set->n_entries - 1];
            p->rule = NULL; /* (forms_add copied the rule entry) */
            p->flags = 0;
            p->options = DICT_OPT_PART;
            p->host_word = 0;
        }
    }
    return SCREENER_OK;
}

int rules_table(const dict_set *set, db_rule **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    size_t nr = 0, first = set->n_entries;
    for (size_t i = 0; i < set->n_entries; i++) {
        if (set->entries[i].rule)
            nr++;
        if ((set->entries[i].options & DICT_OPT_PART) && i < first)
            first = i;
    }
    if (!nr)
        return SCREENER_OK;
    db_rule *t = mem_calloc(nr, sizeof *t);
    if (!t)
        return SCREENER_E_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < set->n_entries; i++) {
        const dict_rule *r = set->entries[i].rule;
        if (!r)
            continue;
        t[k].entry = (uint32_t)i;
        t[k].part0 = (uint32_t)(first + 2 * k);
        t[k].op = r->op;
        t[k].distance = r->distance;
        k++;
    }
    *out = t;
    *n_out = nr;
    return SCREENER_OK;
}

_Static_assert(DICT_OPT_RULE == DB_OPT_RULE && DICT_OPT_PART == DB_OPT_PART,
               "dictionary and database option bits agree");
_Static_assert(DICT_RULE_NEAR == DB_RULE_NEAR && DICT_RULE_AND_NOT == DB_RULE_AND_NOT &&
                   DICT_RULE_THEN == DB_RULE_THEN && DICT_RULE_MAX_DISTANCE == DB_RULE_MAX_DISTANCE,
               "dictionary and database rule operators agree");
