/*
 * leet_lits.c — the leet view's literal database (see leet_lits.h).
 */
#include "leet_lits.h"

#include <stdint.h>

#include "narrow_lits.h"

/* 1 if literal l (UTF-16 units at expr) is 2+ ASCII letters a-z
 * (DB_LEET_MIN_UNITS: the leet row's shortest match, checked at load). */
static int latin_letters(const char *expr, const db_lit *l)
{
    if (l->stripped || l->units < DB_LEET_MIN_UNITS)
        return 0; /* (a stripped literal starts with a NUL byte: not a letter) */
    for (uint32_t k = 0; k < l->units; k++) {
        uint16_t u = lit_unit(expr, l, k);
        if (u < 'a' || u > 'z')
            return 0;
    }
    return 1;
}

int leet_compile_literals(const char *const *exprs, const size_t *lens, const db_lit *lits,
                          size_t n_lits, const hs_platform_info_t *plat, char **out,
                          size_t *out_len, screener_error **err)
{
    return lits_compile_subset(exprs, lens, lits, n_lits, latin_letters, 0, plat, "leet", out,
                               out_len, err);
}
