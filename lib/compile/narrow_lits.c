/*
 * narrow_lits.c — literal databases over a subset of the literals (see
 * narrow_lits.h).
 */
#include "narrow_lits.h"

#include <stdint.h>

#include "common/alloc.h"
#include "common/error.h"
#include "regex.h"

uint16_t lit_unit(const char *expr, const db_lit *l, uint32_t k)
{
    const uint8_t *b = (const uint8_t *)expr;
    if (l->stripped) /* the unit's low byte (NUL) is not in expr */
        return k == 0 ? (uint16_t)(b[0] << 8) : (uint16_t)(b[2 * k - 1] | b[2 * k] << 8);
    return (uint16_t)(b[2 * k] | b[2 * k + 1] << 8);
}

/* The subset's expressions: the literals' own bytes, or (narrow) their
 * units as bytes, copied into one buffer *store. */
static int subset_exprs(const char *const *exprs, const size_t *lens, const db_lit *lits,
                        size_t n_lits, lit_pick pick, int narrow, const char **e, size_t *len,
                        unsigned *ids, char **store)
{
    size_t total = 0, j = 0;
    if (narrow) {
        for (size_t k = 0; k < n_lits; k++)
            if (pick(exprs[k], &lits[k]))
                total += lits[k].units;
        *store = mem_malloc(total ? total : 1);
        if (!*store)
            return -1;
    }
    char *at = *store;
    for (size_t k = 0; k < n_lits; k++) {
        if (!pick(exprs[k], &lits[k]))
            continue;
        if (narrow) {
            for (uint32_t u = 0; u < lits[k].units; u++)
                at[u] = (char)lit_unit(exprs[k], &lits[k], u);
            e[j] = at;
            len[j] = lits[k].units;
            at += lits[k].units;
        } else {
            e[j] = exprs[k];
            len[j] = lens[k];
        }
        ids[j++] = (unsigned)k; /* the literal's own id: lits[id] at scan time */
    }
    return 0;
}

int lits_compile_subset(const char *const *exprs, const size_t *lens, const db_lit *lits,
                        size_t n_lits, lit_pick pick, int narrow, const hs_platform_info_t *plat,
                        const char *what, char **out, size_t *out_len, screener_error **err)
{
    *out = NULL;
    *out_len = 0;
    size_t n = 0;
    for (size_t k = 0; k < n_lits; k++)
        n += pick(exprs[k], &lits[k]) != 0;
    if (n == 0)
        return SCREENER_OK;
    const char **e = mem_malloc(n * sizeof *e);
    size_t *len = mem_malloc(n * sizeof *len);
    unsigned *ids = mem_malloc(n * sizeof *ids), *fl = mem_calloc(n, sizeof *fl);
    char *store = NULL;
    int rc = SCREENER_OK;
    if (!e || !len || !ids || !fl ||
        subset_exprs(exprs, lens, lits, n_lits, pick, narrow, e, len, ids, &store)) {
        rc = err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    hs_database_t *hdb = NULL;
    hs_compile_error_t *herr = NULL;
    if (hs_compile_lit_multi(e, fl, ids, len, (unsigned)n, HS_MODE_BLOCK, plat, &hdb, &herr) !=
        HS_SUCCESS) {
        rc = err_set(err, hs_compile_status(herr, SCREENER_E_HYPERSCAN), NULL, 0,
                     "Hyperscan compile of the %s literals failed: %s", what,
                     herr ? herr->message : "unknown error");
        hs_free_compile_error(herr);
        goto out;
    }
    hs_error_t he = hs_serialize_database(hdb, out, out_len);
    hs_free_database(hdb);
    if (he != HS_SUCCESS)
        rc = err_set(err, he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN, NULL, 0,
                     "hs_serialize_database failed (error %d)", (int)he);
out:
    mem_free(e);
    mem_free(len);
    mem_free(ids);
    mem_free(fl);
    mem_free(store);
    return rc;
}

/* 1: every unit is ASCII 1..0x7F; 2: every unit is below 0x80 and one is
 * U+0000; 0: some unit is not ASCII. */
static int ascii_class(const char *expr, const db_lit *l)
{
    int nul = 0;
    for (uint32_t k = 0; k < l->units; k++) {
        uint16_t u = lit_unit(expr, l, k);
        if (u >= 0x80)
            return 0;
        nul |= u == 0;
    }
    return nul ? 2 : 1;
}

static int pick_ascii(const char *expr, const db_lit *l)
{
    return ascii_class(expr, l) == 1;
}

int narrow_compile_literals(const char *const *exprs, const size_t *lens, const db_lit *lits,
                            size_t n_lits, const hs_platform_info_t *plat, char **out,
                            size_t *out_len, screener_error **err)
{
    *out = NULL;
    *out_len = 0;
    for (size_t k = 0; k < n_lits; k++)
        if (ascii_class(exprs[k], &lits[k]) == 2)
            return SCREENER_OK; /* (the fold drops U+0000: not seen in practice) */
    return lits_compile_subset(exprs, lens, lits, n_lits, pick_ascii, 1, plat, "narrow", out,
                               out_len, err);
}
