/*
 * leet_lits.h — the Hyperscan database of the leet view (SEC_HS_LEET): the
 * literals made of Latin letters only, with their literal ids.
 */
#ifndef SCREENER_COMPILE_LEET_LITS_H
#define SCREENER_COMPILE_LEET_LITS_H

#include <stddef.h>

#include <hs.h>

#include "db/db.h"

/*
 * Compile and serialize the literals whose folded form is two or more ASCII
 * letters a-z (exprs/lens as given to hs_compile_lit_multi, lits their
 * table). *out is NULL (and *out_len 0) when there is none: a database
 * without Latin terms has no leet section, so its scans never build the
 * view. Returns SCREENER_OK or an error status (set in err).
 */
int leet_compile_literals(const char *const *exprs, const size_t *lens, const db_lit *lits,
                          size_t n_lits, const hs_platform_info_t *plat, char **out,
                          size_t *out_len, screener_error **err);

#endif
