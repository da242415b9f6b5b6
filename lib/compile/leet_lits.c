/*
 * leet_lits.c — the leet view's literal database (see leet_lits.h).
 */
#include "leet_lits.h"

#include <stdint.h>

#include "common/alloc.h"
#include "common/error.h"
#include "regex.h"

/* 1 if literal l (UTF-16 units at expr) is 2+ ASCII letters a-z. */
static int latin_letters(const char *expr, const db_lit *l)
{
    if (l->stripped || l->units < 2)
        return 0; /* (a stripped literal starts with a NUL byte: not a letter) */
    const uint8_t *b = (const uint8_t *)expr;
    for (uint32_t k = 0; k < l->units; k++) {
        uint16_t u = (uint16_t)(b[2 * k] | b[2 * k + 1] << 8);
        if (u < 'a' || u > 'z')
            return 0;
    }
    return 1;
}

int leet_compile_literals(const char *const *exprs, const size_t *lens, const db_lit *lits,
                          size_t n_lits, const hs_platform_info_t *plat, char **out,
                          size_t *out_len, screener_error **err)
{
    *out = NULL;
    *out_len = 0;
    size_t n = 0;
    for (size_t k = 0; k < n_lits; k++)
        n += latin_letters(exprs[k], &lits[k]);
    if (n == 0)
        return SCREENER_OK;
    const char **e = mem_malloc(n * sizeof *e);
    size_t *len = mem_malloc(n * sizeof *len);
    unsigned *ids = mem_malloc(n * sizeof *ids), *fl = mem_calloc(n, sizeof *fl);
    int rc = SCREENER_OK;
    if (!e || !len || !ids || !fl) {
        rc = err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    size_t j = 0;
    for (size_t k = 0; k < n_lits; k++)
        if (latin_letters(exprs[k], &lits[k])) {
            e[j] = exprs[k];
            len[j] = lens[k];
            ids[j++] = (unsigned)k; /* the literal's own id: lits[id] at scan time */
        }
    hs_database_t *hdb = NULL;
    hs_compile_error_t *herr = NULL;
    if (hs_compile_lit_multi(e, fl, ids, len, (unsigned)n, HS_MODE_BLOCK, plat, &hdb, &herr) !=
        HS_SUCCESS) {
        rc = err_set(err, hs_compile_status(herr, SCREENER_E_HYPERSCAN), NULL, 0,
                     "Hyperscan compile of the leet literals failed: %s",
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
    return rc;
}
