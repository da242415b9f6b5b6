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
#include "forms.h"

static const char *const kind_names[] = {
    [VK_PINYIN] = "pinyin",     [VK_TONE_DIGITS] = "pinyin with tone digits",
    [VK_INITIALS] = "initials", [VK_MIXED] = "mixed spelling",
    [VK_HOMOPHONE] = "homophone", [VK_SPLIT] = "split form",
    [VK_HOST_WORD] = "host word",
};

int variants_add(variants_ctx *v, size_t parent, const char *t, size_t n, unsigned kind)
{
    dict_set *set = v->set;
    const dict_entry *p = &set->entries[parent];
    char reason[DICT_MAX_TERM_BYTES + 64];
    snprintf(reason, sizeof reason, "%s of %s", kind_names[kind], p->term);
    size_t before = set->n_entries;
    int rc = forms_add(set, parent, t, n, reason, v->err);
    if (rc == SCREENER_OK && set->n_entries > before && kind == VK_HOST_WORD) {
        dict_entry *e = &set->entries[set->n_entries - 1];
        e->flags = SCREENER_ENTRY_ALLOW;
        e->host_word = 1;
    } else if (rc == SCREENER_OK && set->n_entries > before) {
        set->entries[set->n_entries - 1].flags = 0;
        set->entries[set->n_entries - 1].host_word = 0;
    }
    return rc;
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
    {"split", split_forms_generate},
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
