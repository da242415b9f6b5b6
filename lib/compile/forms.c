/*
 * forms.c — the generated-forms compile step (see forms.h): runs the
 * generators of the table below over the entries that ask for forms and
 * appends the variants as entries that keep their base entry's metadata.
 */
#include "common/alloc.h"
#include "forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/names.h"
#include "inflect.h"

/* The generators; a new kind of variant is one row. */
static const forms_generator generators[] = {
    {"inflection", FORM_ENGLISH, inflect_applies,
     "a term of ASCII letters (words joined by single spaces or hyphens)", inflect_generate},
    {"spelling", FORM_A | FORM_DOUBLE | FORM_DROP, spell_applies,
     "one word of 4 to 32 ASCII letters", spell_generate},
};

typedef struct emit_ctx {
    dict_set *set;
    size_t base; /* index of the base entry */
    screener_error **err;
} emit_ctx;

int forms_add(dict_set *set, size_t base, const char *term, size_t len, const char *reason,
              screener_error **err)
{
    const dict_entry *b = &set->entries[base];
    if (set->max_entries && set->n_entries >= set->max_entries)
        return err_set(err, SCREENER_E_LIMIT, set->sources[b->source], b->line,
                       "more than %zu entries with generated forms (max_entries)",
                       set->max_entries);
    size_t max = set->max_term_bytes ? set->max_term_bytes : DICT_MAX_TERM_BYTES;
    if (len > max)
        return SCREENER_OK; /* a form over the limit is not generated (documented) */
    if (mem_grow((void **)&set->entries, &set->cap_entries, set->n_entries + 1,
                 sizeof(dict_entry)))
        return err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    b = &set->entries[base]; /* the array may have moved */
    dict_entry e = *b;
    e.term = mem_malloc(len + 1);
    e.reason = mem_strdup(reason);
    if (!e.term || !e.reason) {
        mem_free(e.term);
        mem_free(e.reason);
        return err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    }
    memcpy(e.term, term, len);
    e.term[len] = '\0';
    e.term_len = len;
    e.forms = 0;
    set->entries[set->n_entries++] = e;
    return SCREENER_OK;
}

static int emit_form(void *p, const char *term, size_t len, const char *reason)
{
    emit_ctx *x = p;
    return forms_add(x->set, x->base, term, len, reason, x->err);
}

/* ---- dropping generated forms that repeat another entry ------------------ */

static int ascii_casecmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    for (size_t i = 0; i < n; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)b[i];
        x = x >= 'A' && x <= 'Z' ? x + 32 : x;
        y = y >= 'A' && y <= 'Z' ? y + 32 : y;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return an < bn ? -1 : an > bn;
}

/* Category, term (ASCII case ignored), written before generated, index. */
static int cmp_form(const void *pa, const void *pb, void *ctx)
{
    const dict_set *s = ctx;
    uint32_t i = *(const uint32_t *)pa, j = *(const uint32_t *)pb;
    const dict_entry *x = &s->entries[i], *y = &s->entries[j];
    if (x->category != y->category)
        return x->category < y->category ? -1 : 1;
    int c = ascii_casecmp(x->term, x->term_len, y->term, y->term_len);
    if (c)
        return c;
    if (!x->reason != !y->reason)
        return x->reason ? 1 : -1;
    return i < j ? -1 : i > j;
}

/* Drop each generated entry (index >= first) whose term another entry of
 * its category already has; keeps the order of the rest. */
static int drop_repeats(dict_set *s, size_t first, screener_error **err)
{
    size_t n = s->n_entries;
    uint32_t *idx = mem_malloc(n * sizeof *idx);
    uint8_t *drop = mem_calloc(n, 1);
    if (!idx || !drop) {
        mem_free(idx);
        mem_free(drop);
        return err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    qsort_r(idx, n, sizeof *idx, cmp_form, s);
    for (size_t k = 1; k < n; k++) {
        const dict_entry *a = &s->entries[idx[k - 1]], *b = &s->entries[idx[k]];
        if (idx[k] >= first && a->category == b->category &&
            ascii_casecmp(a->term, a->term_len, b->term, b->term_len) == 0)
            drop[idx[k]] = 1;
    }
    size_t w = first;
    for (size_t i = first; i < n; i++) {
        if (drop[i]) {
            mem_free(s->entries[i].term);
            mem_free(s->entries[i].reason);
        } else {
            s->entries[w++] = s->entries[i];
        }
    }
    s->n_entries = w;
    mem_free(idx);
    mem_free(drop);
    return SCREENER_OK;
}

/* ---- the step ------------------------------------------------------------- */

static int not_applicable(const dict_set *s, const dict_entry *e, const char *why,
                          screener_error **err)
{
    char ex[160];
    return err_set(err, SCREENER_E_DICT_SYNTAX, s->sources[e->source], e->line,
                   "forms= %s: `%s`", why, err_excerpt(ex, sizeof ex, e->term, e->term_len));
}

int forms_check(const dict_set *set, size_t i, screener_error **err)
{
    const dict_entry *e = &set->entries[i];
    uint32_t rules = e->forms & ~(uint32_t)FORM_EXPLICIT;
    if (!rules || !(e->forms & FORM_EXPLICIT))
        return SCREENER_OK;
    if (e->flags & (SCREENER_ENTRY_ALLOW | SCREENER_ENTRY_REGEX | SCREENER_ENTRY_DETECTOR))
        return not_applicable(set, e, "applies to deny terms only, not to allow, "
                                      "regex or detector entries", err);
    for (size_t g = 0; g < sizeof generators / sizeof generators[0]; g++) {
        const forms_generator *gen = &generators[g];
        if ((rules & gen->rules) && !gen->applies(e->term, e->term_len)) {
            char why[200];
            snprintf(why, sizeof why, "asks for %s forms, which need %s", gen->name, gen->needs);
            return not_applicable(set, e, why, err);
        }
    }
    return SCREENER_OK;
}

int forms_generate(dict_set *set, screener_error **err)
{
    size_t n0 = set->n_entries;
    int rc = SCREENER_OK;
    for (size_t i = 0; i < n0 && rc == SCREENER_OK; i++) {
        const dict_entry *e = &set->entries[i];
        uint32_t rules = e->forms & ~(uint32_t)FORM_EXPLICIT;
        if (!rules)
            continue;
        if ((rc = forms_check(set, i, err)))
            break;
        if (e->flags & (SCREENER_ENTRY_ALLOW | SCREENER_ENTRY_REGEX | SCREENER_ENTRY_DETECTOR))
            continue;
        for (size_t g = 0; g < sizeof generators / sizeof generators[0] && !rc; g++) {
            const forms_generator *gen = &generators[g];
            uint32_t r = rules & gen->rules;
            e = &set->entries[i];
            if (!r || !gen->applies(e->term, e->term_len))
                continue;
            /* the term may move when entries grow: generate from a copy */
            char *term = mem_strdup(e->term);
            if (!term)
                return err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
            emit_ctx x = {set, i, err};
            rc = gen->generate(term, strlen(term), r, emit_form, &x);
            if (rc == SCREENER_E_NOMEM && err && !*err)
                err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
            mem_free(term);
        }
    }
    if (rc == SCREENER_OK && set->n_entries > n0)
        rc = drop_repeats(set, n0, err);
    return rc;
}
