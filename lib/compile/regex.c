/*
 * regex.c — regex entries: validation (file:line errors) and one Hyperscan
 * database with start-of-match reporting.
 */
#include "regex.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/alloc.h"

int compile_regexes(const dict_set *s, screener_error **err, const hs_platform_info_t *plat,
                    char **bytes, size_t *len, uint32_t *max_width)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_entries; i++)
        n += (s->entries[i].flags & SCREENER_ENTRY_REGEX) != 0;
    *bytes = NULL;
    *len = 0;
    *max_width = 0;
    if (n == 0)
        return SCREENER_OK;
    if (n > REGEX_MAX_ENTRIES)
        return err_set(err, SCREENER_E_LIMIT, NULL, 0,
                       "%zu regex entries, more than the limit of %d", n, REGEX_MAX_ENTRIES);
    const char **exprs = mem_malloc(n * sizeof(char *));
    unsigned *flags = mem_malloc(n * sizeof(unsigned)), *ids = mem_malloc(n * sizeof(unsigned));
    int rc = SCREENER_OK;
    if (!exprs || !flags || !ids) {
        rc = err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n_entries && rc == SCREENER_OK; i++) {
        const dict_entry *e = &s->entries[i];
        if (!(e->flags & SCREENER_ENTRY_REGEX))
            continue;
        char ex[160];
        if (e->term_len > REGEX_MAX_BYTES) {
            rc = err_set(err, SCREENER_E_LIMIT, s->sources[e->source], e->line,
                         "regex longer than %d bytes: `%s`", REGEX_MAX_BYTES,
                         err_excerpt(ex, sizeof ex, e->term, e->term_len));
            break;
        }
        hs_expr_info_t *info = NULL;
        hs_compile_error_t *herr = NULL;
        if (hs_expression_info(e->term, REGEX_FLAGS, &info, &herr) != HS_SUCCESS) {
            rc = err_set(err, hs_compile_status(herr, SCREENER_E_DICT_SYNTAX),
                         s->sources[e->source], e->line, "invalid regex (%s): `%s`", herr ? herr->message : "rejected",
                         err_excerpt(ex, sizeof ex, e->term, e->term_len));
            hs_free_compile_error(herr);
            break;
        }
        int empty = info->min_width == 0;
        unsigned width = info->max_width;
        mem_free(info);
        if (empty) {
            rc = err_set(err, SCREENER_E_DICT_SYNTAX, s->sources[e->source], e->line,
                         "regex can match the empty string: `%s`",
                         err_excerpt(ex, sizeof ex, e->term, e->term_len));
            break;
        }
        if (width > REGEX_MAX_WIDTH) {
            char lim[64];
            if (width == UINT_MAX)
                snprintf(lim, sizeof lim, "text of unbounded length");
            else
                snprintf(lim, sizeof lim, "%u bytes", width);
            rc = err_set(err, SCREENER_E_DICT_SYNTAX, s->sources[e->source], e->line,
                         "regex can match %s, more than the limit of %d bytes (long texts "
                         "and streams are scanned in windows that carry that much over): "
                         "bound every repeat, e.g. `{1,50}` instead of `+` or `*`: `%s`",
                         lim, REGEX_MAX_WIDTH, err_excerpt(ex, sizeof ex, e->term, e->term_len));
            break;
        }
        if (width > *max_width)
            *max_width = width;
        exprs[k] = e->term;
        flags[k] = REGEX_FLAGS;
        ids[k] = (unsigned)i;
        k++;
    }
    if (rc == SCREENER_OK) {
        hs_database_t *db = NULL;
        hs_compile_error_t *herr = NULL;
        if (hs_compile_multi(exprs, flags, ids, (unsigned)k, HS_MODE_BLOCK, plat, &db, &herr) !=
            HS_SUCCESS) {
            const dict_entry *e = herr && herr->expression >= 0 && (size_t)herr->expression < k
                                      ? &s->entries[ids[herr->expression]]
                                      : NULL;
            rc = err_set(err, hs_compile_status(herr, SCREENER_E_HYPERSCAN),
                         e ? s->sources[e->source] : NULL,
                         e ? e->line : 0, "Hyperscan cannot compile the regexes: %s",
                         herr ? herr->message : "unknown error");
            hs_free_compile_error(herr);
        } else {
            hs_error_t he = hs_serialize_database(db, bytes, len);
            if (he != HS_SUCCESS)
                rc = err_set(err, he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN, NULL,
                             0, "hs_serialize_database failed (error %d)", (int)he);
            hs_free_database(db);
        }
    }
out:
    mem_free(exprs);
    mem_free(flags);
    mem_free(ids);
    return rc;
}
