/*
 * variants.h — entries generated at compile time from written entries.
 *
 * The Chinese counterpart of forms.c, run after it, once the fold table is
 * built (these generators need it, and state shared by every term: the
 * homophone index, the word list's pieces). Each generator is one row of the
 * table in variants.c: it reads the written entries and appends generated
 * entries through variants_add(), with a reason as forms.c gives its forms
 * ("pinyin of 法轮功"). A generated entry copies its parent's category,
 * severity, source and line and is compiled like any entry (its own folded
 * form and word boundaries). Host words are generated allow entries that the
 * scan applies to their parent term only; the reader finds the parent again
 * by source and line (db_entry_parent).
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

/* Kinds of generated entries; the reason is "<name> of <parent term>". */
enum { VK_PINYIN, VK_TONE_DIGITS, VK_INITIALS, VK_MIXED, VK_HOMOPHONE, VK_SPLIT, VK_HOST_WORD };

/* Append a generated entry: term t[0..n) (copied), kind VK_*, everything
 * else from entry `parent` (a VK_HOST_WORD entry is an allow entry). Returns
 * SCREENER_OK, SCREENER_E_NOMEM or SCREENER_E_LIMIT (max_entries). */
int variants_add(variants_ctx *v, size_t parent, const char *t, size_t n, unsigned kind);

/* The folded code points of entry e's term into cps (at most cap): *n_out
 * receives their count, or 0 if there are more than cap. Returns SCREENER_OK
 * or SCREENER_E_NOMEM (also sets v->err). */
int variants_folded_cps(const variants_ctx *v, const dict_entry *e, uint32_t *cps, size_t cap,
                        size_t *n_out);

/* Run every generator over the written entries of v->set. */
int variants_generate(dict_set *set, const fold_table *ft, uint32_t compile_flags,
                      screener_error **err);

/* The generators (one file each). */
int pinyin_forms_generate(variants_ctx *v);   /* pinyin_forms.c */
int split_forms_generate(variants_ctx *v);    /* split_forms.c */
int host_words_generate(variants_ctx *v);     /* host_words.c */

#endif
