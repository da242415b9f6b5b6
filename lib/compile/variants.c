/*
 * variants.c — the table of compile-time generators (see variants.h).
 */
#include "variants.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/utf8.h"

int variants_add(variants_ctx *v, size_t parent, const char *t, size_t n, unsigned kind,
                 unsigned flags)
{
    dict_set *set = v->set;
    if (set->max_entries && set->n_entries >= set->max_entries)
        return err_set(v->err, SCREENER_E_LIMIT, set->sources[set->entries[parent].source],
                       set->entries[parent].line,
                       "generated variants exceed %zu entries (max_entries)",
                       set->max_entries);
    if (mem_grow((void **)&set->entries, &set->cap_entries, set->n_entries + 1,
                 sizeof(dict_entry)))
        return err_set(v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    char *d = malloc(n + 1);
    if (!d)
        return err_set(v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    memcpy(d, t, n);
    d[n] = '\0';
    dict_entry *e = &set->entries[set->n_entries];
    *e = set->entries[parent];
    e->term = d;
    e->term_len = n;
    e->flags = (uint8_t)flags;
    e->detector = 0;
    e->variants = 0;
    e->variant = (uint8_t)kind;
    set->n_entries++;
    return SCREENER_OK;
}

size_t variants_folded_cps(const variants_ctx *v, const dict_entry *e, uint32_t *cps, size_t cap)
{
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    size_t n = 0;
    if (fold_text(v->ft, (const uint8_t *)e->term, e->term_len, &fb) == SCREENER_OK) {
        for (size_t i = 0; i < fb.n;) {
            uint32_t cp = utf16_next(fb.units, fb.n, &i);
            if (n == cap) {
                n = 0;
                break;
            }
            cps[n++] = cp;
        }
    }
    fold_buf_free(&fb);
    return n;
}

static const struct {
    const char *name;
    int (*generate)(variants_ctx *v);
} generators[] = {
    {"pinyin", pinyin_forms_generate},
    {"host words", host_words_generate},
};

int variants_generate(dict_set *set, const fold_table *ft, uint32_t compile_flags,
                      screener_error **err)
{
    variants_ctx v = {set, ft, compile_flags, set->n_entries, err};
    for (size_t k = 0; k < sizeof generators / sizeof generators[0]; k++) {
        int rc = generators[k].generate(&v);
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}
