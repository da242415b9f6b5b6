/*
 * narrow_lits.h — Hyperscan databases over a subset of the literals, with
 * the literals' own ids (lits[id] at scan time): the narrow section
 * (SEC_HS_NARROW: the all-ASCII literals, one byte per unit) and the leet
 * section (leet_lits.c).
 */
#ifndef SCREENER_COMPILE_NARROW_LITS_H
#define SCREENER_COMPILE_NARROW_LITS_H

#include <stddef.h>

#include <hs.h>

#include "db/db.h"

/* Unit k of literal l, whose bytes as given to hs_compile_lit_multi are expr
 * (UTF-16LE, without the leading NUL byte when l->stripped). */
uint16_t lit_unit(const char *expr, const db_lit *l, uint32_t k);

/* Picks the literals of a subset: 1 to take literal l, 0 to leave it. */
typedef int (*lit_pick)(const char *expr, const db_lit *l);

/*
 * Compile and serialize the literals pick takes (exprs/lens as given to
 * hs_compile_lit_multi, lits their table), as UTF-16 units (narrow 0) or
 * one byte per unit (narrow 1: pick must take only units below 0x100 and no
 * stripped literal). *out is NULL (and *out_len 0) when pick takes none.
 * what names the database in errors. Returns SCREENER_OK or an error
 * status (set in err).
 */
int lits_compile_subset(const char *const *exprs, const size_t *lens, const db_lit *lits,
                        size_t n_lits, lit_pick pick, int narrow, const hs_platform_info_t *plat,
                        const char *what, char **out, size_t *out_len, screener_error **err);

/*
 * The narrow section: the literals whose units are all ASCII 1..0x7F, one
 * byte per unit. An all-ASCII folded view can match no other literal, so
 * scanning its units narrowed to bytes with this database finds exactly
 * what SEC_HS finds in its UTF-16 bytes. *out is NULL when no literal is
 * all ASCII, and also when a literal of ASCII units holds U+0000 (it could
 * match a view the narrow database cannot see: no section, the UTF-16 path
 * always). Returns SCREENER_OK or an error status (set in err).
 */
int narrow_compile_literals(const char *const *exprs, const size_t *lens, const db_lit *lits,
                            size_t n_lits, const hs_platform_info_t *plat, char **out,
                            size_t *out_len, screener_error **err);

#endif
