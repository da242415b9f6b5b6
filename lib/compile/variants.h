/*
 * variants.h — entries generated at compile time from written entries.
 *
 * Each generator is one row of the table in variants.c: it reads the
 * written entries (after duplicates are merged, with the fold table built)
 * and appends generated entries through variants_add(). A generated entry
 * copies its parent's category, severity, source and line, carries its kind
 * (SCREENER_VARIANT_*), and is compiled like any entry (its own folded form
 * and word boundaries). The reader finds the parent again by source and line
 * (db_entry_parent), so generated entries must come after all written ones.
 */
#ifndef SCREENER_COMPILE_VARIANTS_H
#define SCREENER_COMPILE_VARIANTS_H

#include <stddef.h>
#include <stdint.h>

#include "dict/dict.h"
#include "normalize/fold.h"

typedef struct variants_ctx {
    dict_set *set;
    const fold_table *ft;
    uint32_t compile_flags; /* SCREENER_COMPILE_* */
    size_t n_written;       /* entries [0, n_written) are written */
    screener_error **err;
} variants_ctx;

/* Append a generated entry: term t[0..n) (copied), kind SCREENER_VARIANT_*,
 * flags SCREENER_ENTRY_*, everything else from entry `parent`. Returns
 * SCREENER_OK, SCREENER_E_NOMEM or SCREENER_E_LIMIT (max_entries). */
int variants_add(variants_ctx *v, size_t parent, const char *t, size_t n, unsigned kind,
                 unsigned flags);

/* The folded code points of entry e's term (at most cap; returns the count,
 * or 0 if it has more than cap or folding failed). */
size_t variants_folded_cps(const variants_ctx *v, const dict_entry *e, uint32_t *cps,
                           size_t cap);

/* Run every generator over the written entries of v->set. */
int variants_generate(dict_set *set, const fold_table *ft, uint32_t compile_flags,
                      screener_error **err);

/* The generators (one file each). */
int pinyin_forms_generate(variants_ctx *v);   /* pinyin_forms.c */
int host_words_generate(variants_ctx *v);     /* host_words.c */

#endif
