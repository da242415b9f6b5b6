/*
 * variants.c — the table of compile-time generators (see variants.h).
 */
#include "variants.h"

#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/utf8.h"

static const char *const kind_names[] = {
    [VK_PINYIN] = "pinyin",     [VK_TONE_DIGITS] = "pinyin with tone digits",
    [VK_INITIALS] = "initials", [VK_MIXED] = "mixed spelling",
    [VK_HOMOPHONE] = "homophone", [VK_HOST_WORD] = "host word",
};

int variants_add(variants_ctx *v, size_t parent, const char *t, size_t n, unsigned kind)
{
    dict_set *set = v->set;
    const dict_entry *p = &set->entries[parent];
    if (set->max_entries && set->n_entries >= set->max_entries)
        return err_set(v->err, SCREENER_E_LIMIT, set->sources[p->source], p->line,
                       "more than %zu entries with generated forms (max_entries)",
                       set->max_entries);
    if (mem_grow((void **)&set->entries, &set->cap_entries, set->n_entries + 1,
                 sizeof(dict_entry)))
        return err_set(v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    p = &set->entries[parent]; /* the array may have moved */
    dict_entry e = *p;
    size_t rn = strlen(kind_names[kind]) + 4 + p->term_len + 1;
    e.term = mem_malloc(n + 1);
    e.reason = mem_malloc(rn);
    if (!e.term || !e.reason) {
        mem_free(e.term);
        mem_free(e.reason);
        return err_set(v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    }
    memcpy(e.term, t, n);
    e.term[n] = '\0';
    e.term_len = n;
    snprintf(e.reason, rn, "%s of %s", kind_names[kind], p->term);
    e.flags = kind == VK_HOST_WORD ? SCREENER_ENTRY_ALLOW : 0;
    e.detector = 0;
    e.forms = 0;
    e.host_word = kind == VK_HOST_WORD;
    set->entries[set->n_entries++] = e;
    return SCREENER_OK;
}

int variants_folded_cps(const variants_ctx *v, const dict_entry *e, uint32_t *cps, size_t cap,
                        size_t *n_out)
{
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    size_t n = 0;
    *n_out = 0;
    if (fold_text(v->ft, (const uint8_t *)e->term, e->term_len, &fb) != SCREENER_OK) {
        fold_buf_free(&fb);
        return err_set(v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < fb.n;) {
        uint32_t cp = utf16_next(fb.units, fb.n, &i);
        if (n == cap) {
            n = 0;
            break;
        }
        cps[n++] = cp;
    }
    fold_buf_free(&fb);
    *n_out = n;
    return SCREENER_OK;
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
