/*
 * compile.c — screener_compile(): dictionaries -> entries -> folded literals
 * -> Hyperscan database -> database blob.
 *
 *   1. parse every source (dict/)
 *   2. merge exact duplicates, reject conflicting ones; add generated forms
 *      (inflections, coded spellings: forms.c)
 *   3. build the fold table with ICU (normalize/table_build.c)
 *   4. fold every term through THAT table (never through ICU string APIs,
 *      which look at neighbouring characters and could disagree with it)
 *   5. group entries by folded form: one Hyperscan literal, one id, per
 *      distinct folded form (shared ids make Hyperscan compile explode)
 *   6. hs_compile_lit_multi over the UTF-16 bytes, generic platform; the
 *      all-ASCII literals again one byte per unit (narrow_lits.c)
 *   7. write the blob (db/) and open it, so a compiled database and a loaded
 *      one are the same thing.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <hs.h>
#include <xxhash.h>

#include "leet_lits.h"
#include "narrow_lits.h"
#include "common/buf.h"
#include "common/categories.h"
#include "common/error.h"
#include "common/file.h"
#include "common/utf8.h"
#include "db/db.h"
#include "dict/dict.h"
#include "normalize/fold.h"
#include "common/alloc.h"
#include "forms.h"
#include "numerals.h"
#include "variants.h"
#include "regex.h"
#include "rules.h"
#include "scan/matcher.h"

#define DEFAULT_MAX_ENTRIES 2000000u
#define DEFAULT_MAX_DICTIONARY_BYTES ((uint64_t)256 << 20)

static const uint8_t default_actions[4] = {SCREENER_ACTION_REVIEW, SCREENER_ACTION_MASK,
                                           SCREENER_ACTION_BLOCK, SCREENER_ACTION_BLOCK};

typedef struct compiler {
    dict_set set;
    fold_build fb;
    fold_table ft;
    uint16_t *units; /* folded terms, concatenated */
    size_t n_units, cap_units;
    uint32_t *fold_off, *fold_len; /* per entry: canonical folded form */
    /* forms: (folded units, entry) pairs; each becomes or joins a literal */
    uint32_t *form_off, *form_len, *form_entry;
    size_t n_forms, cap_forms;
    screener_error **err;
} compiler;

/* ---- step 2: duplicates -------------------------------------------------- */

static int cmp_term(const void *a, const void *b, void *ctx)
{
    const dict_set *set = ctx;
    const dict_entry *x = &set->entries[*(const uint32_t *)a];
    const dict_entry *y = &set->entries[*(const uint32_t *)b];
    if (x->category != y->category)
        return x->category < y->category ? -1 : 1;
    size_t n = x->term_len < y->term_len ? x->term_len : y->term_len;
    int c = memcmp(x->term, y->term, n);
    if (c)
        return c;
    if (x->term_len != y->term_len)
        return x->term_len < y->term_len ? -1 : 1;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    return i < j ? -1 : i > j;
}

/* Remove the entries marked in drop (n_entries long), keeping the order. */
static void drop_marked(dict_set *s, const uint8_t *drop)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n_entries; i++) {
        if (drop[i]) {
            mem_free(s->entries[i].term);
            mem_free(s->entries[i].reason);
            dict_rule_free(s->entries[i].rule);
        } else {
            s->entries[w++] = s->entries[i];
        }
    }
    s->n_entries = w;
}

/* Lenient compile: the error in *e is about one line, which is skipped and
 * reported; SCREENER_E_NOMEM if the report cannot be made. */
static int skip_line(compiler *c, screener_error **e)
{
    if (dict_skip(c->set.lenient, e))
        return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    return SCREENER_OK;
}

static int merge_duplicates(compiler *c)
{
    dict_set *s = &c->set;
    size_t n = s->n_entries;
    uint32_t *idx = mem_malloc((n ? n : 1) * sizeof(uint32_t));
    uint8_t *drop = mem_calloc(n ? n : 1, 1);
    if (!idx || !drop) {
        mem_free(idx);
        mem_free(drop);
        return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    qsort_r(idx, n, sizeof *idx, cmp_term, s);
    int rc = SCREENER_OK;
    size_t first = 0; /* the first (kept) entry of the current group of equal terms */
    for (size_t k = 1; k < n && rc == SCREENER_OK; k++) {
        const dict_entry *a = &s->entries[idx[first]], *b = &s->entries[idx[k]];
        if (a->category != b->category || a->term_len != b->term_len ||
            memcmp(a->term, b->term, a->term_len) != 0) {
            first = k;
            continue;
        }
        drop[idx[k]] = 1; /* an exact repeat keeps the first occurrence */
        if (a->severity == b->severity && a->flags == b->flags && a->options == b->options)
            continue;
        char ex[160];
        screener_error *line_err = NULL;
        rc = err_set(s->lenient ? &line_err : c->err, SCREENER_E_DICT_CONFLICT,
                     s->sources[b->source], b->line,
                     "`%s` (category %s) already defined with other severity or "
                     "flags at %s:%u",
                     err_excerpt(ex, sizeof ex, b->term, b->term_len),
                     s->categories[b->category], s->sources[a->source], a->line);
        if (s->lenient) /* lenient: the later line is skipped */
            rc = skip_line(c, &line_err);
    }
    if (rc == SCREENER_OK)
        drop_marked(s, drop);
    mem_free(idx);
    mem_free(drop);
    return rc;
}

/* ---- step 4: folding terms ----------------------------------------------- */

/* Append a folded form of entry e. Returns 0 or -1 (out of memory). */
static int add_form(compiler *c, uint32_t e, const uint16_t *u, size_t n)
{
    if (c->n_forms == c->cap_forms) {
        size_t cap = c->cap_forms * 2 + 16;
        uint32_t *o = mem_realloc(c->form_off, cap * sizeof(uint32_t));
        if (o)
            c->form_off = o;
        uint32_t *l = o ? mem_realloc(c->form_len, cap * sizeof(uint32_t)) : NULL;
        if (l)
            c->form_len = l;
        uint32_t *en = l ? mem_realloc(c->form_entry, cap * sizeof(uint32_t)) : NULL;
        if (!en)
            return -1;
        c->form_entry = en;
        c->cap_forms = cap;
    }
    if (c->n_units + n > c->cap_units) {
        size_t cap = c->cap_units ? c->cap_units : 4096;
        while (cap < c->n_units + n)
            cap *= 2;
        uint16_t *p = mem_realloc(c->units, cap * sizeof(uint16_t));
        if (!p)
            return -1;
        c->units = p;
        c->cap_units = cap;
    }
    memcpy(c->units + c->n_units, u, n * sizeof(uint16_t));
    c->form_off[c->n_forms] = (uint32_t)c->n_units;
    c->form_len[c->n_forms] = (uint32_t)n;
    c->form_entry[c->n_forms] = e;
    c->n_forms++;
    c->n_units += n;
    return 0;
}

typedef struct numeral_ctx {
    compiler *c;
    uint32_t entry;
} numeral_ctx;

/* numeral_forms callback: one more literal form of the entry. */
static int add_numeral_form(void *ctx, const uint16_t *u, size_t n)
{
    numeral_ctx *x = ctx;
    return add_form(x->c, x->entry, u, n);
}

/* Fold literal entry e into fb and check the result: a term that folds to
 * nothing, or contains U+FFFD, is an error naming its line. */
static int check_term(compiler *c, const dict_entry *e, fold_buf *fb, screener_error **err)
{
    const dict_set *s = &c->set;
    char ex[160];
    if (fold_text(&c->ft, (const uint8_t *)e->term, e->term_len, fb))
        return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    if (fb->n == 0)
        return err_set(err, SCREENER_E_DICT_TERM, s->sources[e->source], e->line,
                       "term folds to nothing (only spaces, punctuation, symbols or "
                       "invisible characters): `%s`",
                       err_excerpt(ex, sizeof ex, e->term, e->term_len));
    if (strstr(e->term, "\xEF\xBF\xBD"))
        return err_set(err, SCREENER_E_DICT_TERM, s->sources[e->source], e->line,
                       "term contains U+FFFD, which stands for invalid input: `%s`",
                       err_excerpt(ex, sizeof ex, e->term, e->term_len));
    return SCREENER_OK;
}

/* Lenient compile: skip the entries whose line has an error that only shows
 * after parsing. Before the fold table (folded = 0): `forms=` rules the entry
 * cannot have; after it (folded = 1): terms that fold to nothing or hold
 * U+FFFD, and regexes Hyperscan rejects. Out of memory still stops. */
static int skip_bad_entries(compiler *c, int folded)
{
    dict_set *s = &c->set;
    uint8_t *drop = mem_calloc(s->n_entries ? s->n_entries : 1, 1);
    if (!drop)
        return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    int rc = SCREENER_OK;
    for (size_t i = 0; i < s->n_entries && rc == SCREENER_OK; i++) {
        const dict_entry *e = &s->entries[i];
        screener_error *line_err = NULL;
        uint32_t width;
        if (!folded)
            rc = forms_check(s, i, &line_err);
        else if (e->flags & SCREENER_ENTRY_REGEX)
            rc = regex_check(s, e, &line_err, &width, NULL);
        else if (!(e->flags & SCREENER_ENTRY_DETECTOR))
            rc = check_term(c, e, &fb, &line_err);
        if (rc == SCREENER_E_NOMEM || rc == SCREENER_E_HYPERSCAN) { /* not the line's fault */
            if (line_err && c->err && !*c->err)
                *c->err = line_err;
            else
                screener_error_free(line_err);
        } else if (rc) {
            drop[i] = 1;
            rc = skip_line(c, &line_err);
        }
    }
    if (rc == SCREENER_OK)
        drop_marked(s, drop);
    fold_buf_free(&fb);
    mem_free(drop);
    return rc;
}

static int alloc_fold_arrays(compiler *c)
{
    size_t n = c->set.n_entries;
    c->fold_off = mem_malloc((n + 1) * sizeof(uint32_t));
    c->fold_len = mem_malloc((n + 1) * sizeof(uint32_t));
    c->form_off = mem_malloc((2 * n + 1) * sizeof(uint32_t));
    c->form_len = mem_malloc((2 * n + 1) * sizeof(uint32_t));
    c->form_entry = mem_malloc((2 * n + 1) * sizeof(uint32_t));
    if (!c->fold_off || !c->fold_len || !c->form_off || !c->form_len || !c->form_entry)
        return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    c->cap_forms = 2 * n + 1;
    return SCREENER_OK;
}

/* Word-boundary needs from the classes of the first and last kept
 * characters (Latin-like letters need boundaries, CJK does not). */
static void set_boundary_flags(const compiler *c, dict_entry *e)
{
    const uint8_t *t = (const uint8_t *)e->term;
    uint32_t first = FC_OTHER, last = FC_OTHER;
    int seen = 0;
    for (size_t p = 0; p < e->term_len;) {
        int32_t cp = utf8_next(t, e->term_len, &p);
        uint32_t v = fold_value(&c->ft, cp);
        if (FV_KIND(v) == FV_DROP)
            continue;
        if (!seen)
            first = FV_CLASS(v);
        last = FV_CLASS(v);
        seen = 1;
    }
    if (!(e->flags & SCREENER_ENTRY_SUBSTRING)) {
        if ((e->flags & SCREENER_ENTRY_WORD) || first == FC_WORD)
            e->flags |= DB_ENTRY_NEED_START;
        if ((e->flags & SCREENER_ENTRY_WORD) || last == FC_WORD)
            e->flags |= DB_ENTRY_NEED_END;
    }
    if (fold_term_has_word(&c->ft, t, e->term_len))
        e->flags |= DB_ENTRY_CHECK_SPAN;
}

/* One literal term: its folded form, its numeral forms if it asks for them,
 * and its "spaced" form (folded without collapsing repeats) when that
 * differs. fb holds the term's fold on entry (check_term ran). */
static int add_term_forms(compiler *c, uint32_t i, const fold_table *spaced, fold_buf *fb)
{
    const dict_entry *e = &c->set.entries[i];
    if (add_form(c, i, fb->units, fb->n))
        return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    c->fold_off[i] = c->form_off[c->n_forms - 1];
    c->fold_len[i] = c->form_len[c->n_forms - 1];
    if ((e->options & DICT_OPT_NUMERALS) &&
        numeral_forms(&c->ft, fb->units, fb->n, add_numeral_form, &(numeral_ctx){c, i}))
        return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    /* A term with doubled letters ("ass") folds to "as"; spaced out in a
     * message ("a s s") it folds to "ass": register that form too. */
    if (c->ft.collapse) {
        if (fold_text(spaced, (const uint8_t *)e->term, e->term_len, fb))
            return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        if (fb->n != c->fold_len[i] && add_form(c, i, fb->units, fb->n))
            return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    }
    return SCREENER_OK;
}

static int fold_terms(compiler *c)
{
    dict_set *s = &c->set;
    int rc = alloc_fold_arrays(c);
    if (rc)
        return rc;
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    /* the same table without collapsing repeats: the "spaced" form */
    fold_table spaced = c->ft;
    fold_table_set_collapse(&spaced, 0);
    for (size_t i = 0; i < s->n_entries && rc == SCREENER_OK; i++) {
        dict_entry *e = &s->entries[i];
        if ((e->flags & (SCREENER_ENTRY_DETECTOR | SCREENER_ENTRY_REGEX)) ||
            (e->options & DICT_OPT_RULE)) {
            c->fold_off[i] = c->fold_len[i] = 0; /* runs in the scan, not as a literal */
            continue;
        }
        if ((rc = check_term(c, e, &fb, c->err)))
            break;
        set_boundary_flags(c, e);
        rc = add_term_forms(c, (uint32_t)i, &spaced, &fb);
    }
    fold_buf_free(&fb);
    return rc;
}

/* ---- step 5: literals ---------------------------------------------------- */

/* Order forms by folded units, then entry. */
static int cmp_folded(const void *a, const void *b, void *ctx)
{
    const compiler *c = ctx;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    uint32_t li = c->form_len[i], lj = c->form_len[j];
    uint32_t n = li < lj ? li : lj;
    int r = memcmp(c->units + c->form_off[i], c->units + c->form_off[j], n * sizeof(uint16_t));
    if (r)
        return r;
    if (li != lj)
        return li < lj ? -1 : 1;
    uint32_t ei = c->form_entry[i], ej = c->form_entry[j];
    return ei < ej ? -1 : ei > ej;
}

static int same_folded(const compiler *c, uint32_t i, uint32_t j)
{
    return c->form_len[i] == c->form_len[j] &&
           memcmp(c->units + c->form_off[i], c->units + c->form_off[j],
                  c->form_len[i] * sizeof(uint16_t)) == 0;
}

/* ---- steps 6-7 ------------------------------------------------------------ */

static uint32_t add_string(buf *strings, const char *s, size_t n)
{
    size_t at = buf_append(strings, s, n);
    buf_append(strings, "", 1);
    return (uint32_t)at;
}

/* What build() assembles: the contents of every section but the fold
 * table's, owned here until db_write_blob copies them. */
typedef struct db_parts {
    db_entry *entries;
    db_category *cats;
    uint32_t *srcs;
    buf strings;
    db_lit *lits;
    uint32_t *lit_entries;
    size_t n_lits, n_lit_entries;
    /* per literal, for hs_compile_lit_multi */
    const char **exprs;
    size_t *lens;
    unsigned *ids, *hflags;
    char *hs; /* serialized Hyperscan literal database */
    size_t hs_len;
    char *hs_leet; /* the Latin-letter literals for the leet view (leet_lits.c) */
    size_t hs_leet_len;
    char *hs_narrow; /* the all-ASCII literals, one byte per unit (narrow_lits.c) */
    size_t hs_narrow_len;
    regex_out rx; /* the regex databases and table */
    db_rule *rules; /* the rules section */
    size_t n_rules;
    uint8_t fingerprint[16];
} db_parts;

static void parts_free(db_parts *p)
{
    mem_free(p->entries);
    mem_free(p->cats);
    mem_free(p->srcs);
    buf_free(&p->strings);
    mem_free(p->lits);
    mem_free(p->lit_entries);
    mem_free(p->exprs);
    mem_free(p->lens);
    mem_free(p->ids);
    mem_free(p->hflags);
    mem_free(p->hs);
    mem_free(p->hs_leet);
    mem_free(p->hs_narrow);
    regex_out_free(&p->rx);
    mem_free(p->rules);
}

static int parts_alloc(db_parts *p, const dict_set *s, size_t n_forms)
{
    size_t nf = n_forms ? n_forms : 1;
    p->entries = mem_calloc(s->n_entries ? s->n_entries : 1, sizeof(db_entry));
    p->cats = mem_calloc(s->n_categories ? s->n_categories : 1, sizeof(db_category));
    p->srcs = mem_calloc(s->n_sources ? s->n_sources : 1, sizeof(uint32_t));
    p->lits = mem_calloc(nf, sizeof(db_lit));
    p->lit_entries = mem_malloc(nf * sizeof(uint32_t));
    p->exprs = mem_malloc(nf * sizeof(char *));
    p->lens = mem_malloc(nf * sizeof(size_t));
    p->ids = mem_malloc(nf * sizeof(unsigned));
    p->hflags = mem_calloc(nf, sizeof(unsigned));
    return p->entries && p->cats && p->srcs && p->lits && p->lit_entries && p->exprs &&
                   p->lens && p->ids && p->hflags
               ? 0
               : -1;
}

/* Strings, categories, sources and entries, and the fingerprint over the
 * folded entries and their metadata. */
static int build_entries(const compiler *c, uint32_t fold_flags, db_parts *p)
{
    const dict_set *s = &c->set;
    XXH3_state_t *fp = XXH3_createState();
    if (!fp)
        return -1;
    db_fp_begin(fp, fold_flags);
    add_string(&p->strings, "", 0);
    for (size_t i = 0; i < s->n_categories; i++) {
        const char *id = s->categories[i];
        const dict_category_meta *m = &s->cat_meta[i];
        const known_category *k = known_category_find(id);
        const char *zh = m->name_zh ? m->name_zh : k ? k->name_zh : id;
        const char *en = m->name_en ? m->name_en : k ? k->name_en : id;
        db_category *dc = &p->cats[i];
        dc->name_off = add_string(&p->strings, id, strlen(id));
        dc->name_zh_off = add_string(&p->strings, zh, strlen(zh));
        dc->name_en_off = add_string(&p->strings, en, strlen(en));
        for (int sev = 0; sev < 4; sev++)
            dc->actions[sev] =
                m->actions[sev] >= 0 ? (uint8_t)m->actions[sev] : default_actions[sev];
        db_fp_category(fp, dc->actions);
    }
    for (size_t i = 0; i < s->n_sources; i++)
        p->srcs[i] = add_string(&p->strings, s->sources[i], strlen(s->sources[i]));
    for (size_t i = 0; i < s->n_entries; i++) {
        const dict_entry *e = &s->entries[i];
        db_entry *de = &p->entries[i];
        de->term_off = add_string(&p->strings, e->term, e->term_len);
        de->options = e->options;
        if (e->reason) { /* generated form: its reason follows the term */
            add_string(&p->strings, e->reason, strlen(e->reason));
            de->options |= DB_OPT_GENERATED | (e->host_word ? DB_OPT_HOST : 0);
        }
        de->term_len = (uint32_t)e->term_len;
        de->source = e->source;
        de->line = e->line;
        de->category = e->category;
        de->severity = e->severity;
        de->flags = e->flags;
        de->detector = e->detector;
        /* (regex and detector entries have no units: c->units may be NULL) */
        db_fp_entry(fp, c->fold_len[i] ? c->units + c->fold_off[i] : NULL, c->fold_len[i],
                    s->categories[e->category], e->severity, e->flags, e->detector, de->options,
                    e->reason);
    }
    for (size_t r = 0; r < p->n_rules; r++)
        db_fp_rule(fp, &p->rules[r]);
    db_fp_end(fp, p->fingerprint);
    XXH3_freeState(fp);
    return p->strings.failed ? -1 : 0;
}

/* Word-boundary needs of a literal: those all of its entries share. */
static uint8_t literal_bounds(const dict_set *s, const uint32_t *entries, size_t n)
{
    uint8_t bound = DB_LIT_NEED_START | DB_LIT_NEED_END;
    for (size_t q = 0; q < n; q++) {
        uint8_t f = s->entries[entries[q]].flags;
        if (!(f & DB_ENTRY_NEED_START))
            bound &= (uint8_t)~DB_LIT_NEED_START;
        if (!(f & DB_ENTRY_NEED_END))
            bound &= (uint8_t)~DB_LIT_NEED_END;
    }
    return bound;
}

/* One literal per distinct folded form, listing its entries. */
static int build_literals(compiler *c, db_parts *p)
{
    size_t nf = c->n_forms;
    uint32_t *order = mem_malloc((nf ? nf : 1) * sizeof(uint32_t));
    if (!order)
        return -1;
    for (size_t i = 0; i < nf; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, nf, sizeof *order, cmp_folded, c);
    size_t nl = 0, nle = 0;
    for (size_t k = 0; k < nf;) {
        size_t g = k + 1;
        while (g < nf && same_folded(c, order[k], order[g]))
            g++;
        uint32_t first = order[k];
        const uint8_t *bytes = (const uint8_t *)(c->units + c->form_off[first]);
        db_lit *l = &p->lits[nl];
        l->entries_off = (uint32_t)nle;
        for (size_t q = k; q < g; q++) /* sorted by entry: skip repeats */
            if (q == k || c->form_entry[order[q]] != c->form_entry[order[q - 1]])
                p->lit_entries[nle++] = c->form_entry[order[q]];
        l->n_entries = (uint32_t)(nle - l->entries_off);
        l->units = c->form_len[first];
        l->bound = literal_bounds(&c->set, p->lit_entries + l->entries_off, l->n_entries);
        /* Vectorscan rejects literals whose first byte is NUL ("empty"): drop
         * it and verify it in the match callback instead. */
        l->stripped = bytes[0] == 0;
        p->exprs[nl] = (const char *)bytes + l->stripped;
        p->lens[nl] = c->form_len[first] * sizeof(uint16_t) - l->stripped;
        p->ids[nl] = (unsigned)nl;
        nl++;
        k = g;
    }
    mem_free(order);
    p->n_lits = nl;
    p->n_lit_entries = nle;
    return 0;
}

/* The literals' Hyperscan database, serialized (none if there are no
 * literals: a dictionary of detectors and regexes only). */
static int compile_literals(const compiler *c, const hs_platform_info_t *plat, db_parts *p)
{
    if (p->n_lits == 0)
        return SCREENER_OK;
    const dict_set *s = &c->set;
    hs_database_t *hdb = NULL;
    hs_compile_error_t *herr = NULL;
    if (hs_compile_lit_multi(p->exprs, p->hflags, p->ids, p->lens, (unsigned)p->n_lits,
                             HS_MODE_BLOCK, plat, &hdb, &herr) != HS_SUCCESS) {
        int rc;
        if (herr && herr->expression >= 0 && (size_t)herr->expression < p->n_lits) {
            const db_lit *l = &p->lits[herr->expression];
            const dict_entry *e = &s->entries[p->lit_entries[l->entries_off]];
            rc = err_set(c->err, hs_compile_status(herr, SCREENER_E_HYPERSCAN),
                         s->sources[e->source], e->line, "Hyperscan cannot compile term `%s`: %s",
                         e->term, herr->message);
        } else {
            rc = err_set(c->err, hs_compile_status(herr, SCREENER_E_HYPERSCAN), NULL, 0,
                         "Hyperscan compile failed: %s", herr ? herr->message : "unknown error");
        }
        hs_free_compile_error(herr);
        return rc;
    }
    hs_error_t he = hs_serialize_database(hdb, &p->hs, &p->hs_len);
    hs_free_database(hdb);
    if (he != HS_SUCCESS)
        return err_set(c->err, he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN, NULL, 0,
                       "hs_serialize_database failed (error %d)", (int)he);
    return SCREENER_OK;
}

/* Hand the sections to db/format.c and open the blob, so a compiled database
 * and a loaded one are the same thing. */
static int assemble(const compiler *c, uint32_t fold_flags, const db_parts *p,
                    screener_db **db_out)
{
    const dict_set *s = &c->set;
    db_meta meta = {fold_flags, p->rx.max_width, {0}, 0};
    memcpy(meta.fingerprint, p->fingerprint, 16);
    const db_section_data sec[SEC_COUNT] = {
        [SEC_TRIE] = {c->fb.trie_bin, c->fb.trie_len},
        [SEC_EXPAND] = {c->fb.expand, c->fb.n_expand},
        [SEC_ENTRIES] = {p->entries, s->n_entries},
        [SEC_LITS] = {p->lits, p->n_lits},
        [SEC_LIT_ENTRIES] = {p->lit_entries, p->n_lit_entries},
        [SEC_CATS] = {p->cats, s->n_categories},
        [SEC_SOURCES] = {p->srcs, s->n_sources},
        [SEC_STRINGS] = {p->strings.data, p->strings.len},
        [SEC_HS] = {p->hs, p->hs_len},
        [SEC_HS_REGEX] = {p->rx.bytes, p->rx.len},
        [SEC_HS_REGEX_START] = {p->rx.start_bytes, p->rx.start_len},
        [SEC_REGEXES] = {p->rx.table, p->rx.n},
        [SEC_RULES] = {p->rules, p->n_rules},
        [SEC_HS_LEET] = {p->hs_leet, p->hs_leet_len},
        [SEC_HS_NARROW] = {p->hs_narrow, p->hs_narrow_len},
    };
    uint8_t *blob;
    size_t blob_len;
    int wrc = db_write_blob(&meta, sec, &blob, &blob_len);
    if (wrc)
        return err_set(c->err, wrc, NULL, 0, wrc == SCREENER_E_NOMEM ? "out of memory"
                                                 : "the fold table cannot be packed");
    int rc = db_open_blob(blob, blob_len, "<compiled>", db_out, c->err); /* takes blob */
    if (rc)
        return rc;
    unsigned view_bits;
    scan_rows_used(*db_out, &view_bits);
    db_record_views(*db_out, view_bits);
    return SCREENER_OK;
}

static int build(compiler *c, uint32_t fold_flags, uint32_t flags, screener_db **db_out)
{
    db_parts p;
    memset(&p, 0, sizeof p);
    int rc = SCREENER_OK;
    if (parts_alloc(&p, &c->set, c->n_forms) || rules_table(&c->set, &p.rules, &p.n_rules) ||
        build_entries(c, fold_flags, &p) ||
        build_literals(c, &p)) {
        rc = err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    /* generic (portable files) unless the caller asks for this CPU */
    hs_platform_info_t plat = {.tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = 0};
    if ((flags & SCREENER_COMPILE_NATIVE) && hs_populate_platform(&plat) != HS_SUCCESS) {
        plat.tune = HS_TUNE_FAMILY_GENERIC;
        plat.cpu_features = 0;
    }
    rc = compile_literals(c, &plat, &p);
    if (!rc && (fold_flags & SCREENER_FOLD_LEET))
        rc = leet_compile_literals(p.exprs, p.lens, p.lits, p.n_lits, &plat, &p.hs_leet,
                                   &p.hs_leet_len, c->err);
    if (!rc)
        rc = narrow_compile_literals(p.exprs, p.lens, p.lits, p.n_lits, &plat, &p.hs_narrow,
                                     &p.hs_narrow_len, c->err);
    if (!rc)
        rc = compile_regexes(&c->set, c->err, &plat, &p.rx);
    if (!rc)
        rc = assemble(c, fold_flags, &p, db_out);
out:
    parts_free(&p);
    return rc;
}

/* ---- warnings ------------------------------------------------------------- */

/* Warn about allow entries that contain no deny term: scan each allow term
 * with the new database; if no deny match lies inside it, it suppresses
 * nothing. Cost: one scan per allow entry, at compile time. Returns
 * SCREENER_OK, or the status of a scratch or scan that failed (out of
 * memory): the check is not skipped silently. */
static int warn_useless_allows(const screener_db *db, void (*warning)(const char *, void *),
                               void *user_data)
{
    screener_scratch *s = NULL;
    int rc = screener_scratch_alloc(db, &s);
    for (uint32_t i = 0; rc == SCREENER_OK && i < screener_db_entry_count(db); i++) {
        screener_entry_info info;
        if (screener_db_entry(db, i, &info) != SCREENER_OK || !(info.flags & SCREENER_ENTRY_ALLOW))
            continue;
        const screener_result *r;
        if ((rc = screener_scan(db, s, info.term, strlen(info.term), &r)) != SCREENER_OK)
            break;
        if (r->n_matches == 0) {
            char msg[1400], ex[160];
            snprintf(msg, sizeof msg,
                     "%s:%u: allow entry contains no deny term, it suppresses nothing: `%s`",
                     info.source, info.line, err_excerpt(ex, sizeof ex, info.term, strlen(info.term)));
            warning(msg, user_data);
        }
    }
    screener_scratch_free(s);
    return rc;
}

/* ---- entry point ---------------------------------------------------------- */

/* The options with their defaults filled in. */
typedef struct compile_opts {
    uint32_t fold_flags, max_entries, max_term_bytes, flags;
    uint64_t max_dict_bytes;
    void (*warning)(const char *, void *);
    void *warning_user_data;
} compile_opts;

/* 1 if the caller's struct (struct_size bytes) has the field ending at `end`. */
#define HAS_FIELD(o, field) \
    ((o)->struct_size >= offsetof(screener_compile_options, field) + sizeof((o)->field))

/* Read options as a prefix of today's struct: fields past the caller's
 * struct_size keep their defaults. */
static int read_options(const screener_compile_options *o, compile_opts *out,
                        screener_error **err_out)
{
    *out = (compile_opts){SCREENER_FOLD_ALL, DEFAULT_MAX_ENTRIES, DICT_MAX_TERM_BYTES, 0,
                          DEFAULT_MAX_DICTIONARY_BYTES, NULL, NULL};
    if (!o)
        return SCREENER_OK;
    if (o->struct_size < offsetof(screener_compile_options, fold_flags))
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "screener_compile_options.struct_size not set");
    if (HAS_FIELD(o, fold_flags) && o->fold_flags) {
        out->fold_flags = o->fold_flags & ~(uint32_t)SCREENER_FOLD_EXPLICIT;
        if (out->fold_flags & ~(uint32_t)SCREENER_FOLD_ALL)
            return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                           "unknown fold flags 0x%x",
                           out->fold_flags & ~(uint32_t)SCREENER_FOLD_ALL);
    }
    if (HAS_FIELD(o, max_entries) && o->max_entries)
        out->max_entries = o->max_entries;
    if (HAS_FIELD(o, max_term_bytes) && o->max_term_bytes)
        out->max_term_bytes = o->max_term_bytes;
    if (HAS_FIELD(o, flags))
        out->flags = o->flags;
    if (HAS_FIELD(o, warning_user_data)) {
        out->warning = o->warning;
        out->warning_user_data = o->warning_user_data;
    }
    if (out->flags & ~(uint32_t)(SCREENER_COMPILE_NATIVE | SCREENER_COMPILE_NO_HOST_WORDS |
                                 SCREENER_COMPILE_LENIENT))
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "unknown compile flags 0x%x", out->flags);
    if ((out->flags & SCREENER_COMPILE_LENIENT) && !out->warning)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "SCREENER_COMPILE_LENIENT needs a warning callback: skipped lines are "
                       "reported through it");
    if (HAS_FIELD(o, max_dictionary_bytes) && o->max_dictionary_bytes)
        out->max_dict_bytes = o->max_dictionary_bytes;
    return SCREENER_OK;
}

static int over_limit(const char *name, uint64_t max, screener_error **err_out)
{
    return err_set(err_out, SCREENER_E_LIMIT, name, 0,
                   "dictionaries exceed %llu bytes (max_dictionary_bytes)",
                   (unsigned long long)max);
}

/* Step 1: parse every source into c->set, within max_dict_bytes in all. */
static int parse_sources(compiler *c, const screener_source *sources, size_t n_sources,
                         uint64_t max_dict_bytes, screener_error **err_out)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n_sources; i++) {
        const screener_source *src = &sources[i];
        int rc;
        if (src->path) {
            char *data = NULL;
            size_t len = 0;
            rc = file_read(src->path, &data, &len, err_out);
            if (rc == SCREENER_OK && (total += len) > max_dict_bytes)
                rc = over_limit(src->path, max_dict_bytes, err_out);
            else if (rc == SCREENER_OK)
                rc = dict_parse(&c->set, src->name ? src->name : src->path, data, len, err_out);
            mem_free(data);
        } else if (src->text) {
            const char *name = src->name ? src->name : "<memory>";
            rc = (total += src->len) > max_dict_bytes
                     ? over_limit(name, max_dict_bytes, err_out)
                     : dict_parse(&c->set, name, src->text, src->len, err_out);
        } else {
            rc = err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                         "source %zu has neither path nor text", i);
        }
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

/* A dictionary set of allow entries only would let everything pass. */
static int need_deny(const compiler *c, const screener_source *sources, size_t n_sources)
{
    for (size_t i = 0; i < c->set.n_entries; i++)
        if (!(c->set.entries[i].flags & SCREENER_ENTRY_ALLOW))
            return SCREENER_OK;
    const char *name = NULL;
    if (n_sources == 1)
        name = sources[0].path ? sources[0].path : sources[0].name;
    return err_set(c->err, SCREENER_E_DICT_EMPTY, name, 0, "no deny entries in the dictionaries");
}

/* Step 3: the fold table, built with ICU (or copied from the one this process
 * built before for the same families, table_cache.c) and opened like a loaded one. */
static int make_fold_table(compiler *c, uint32_t fold_flags)
{
    int rc = fold_table_for(fold_flags, &c->fb, c->err);
    if (rc)
        return rc;
    if (fold_table_open(&c->ft, c->fb.trie_bin, c->fb.trie_len, c->fb.expand, c->fb.n_expand))
        return err_set(c->err, SCREENER_E_ICU, NULL, 0, "built fold table does not open");
    fold_table_set_collapse(&c->ft, (fold_flags & SCREENER_FOLD_REPEATS) != 0);
    return SCREENER_OK;
}

static void compiler_free(compiler *c)
{
    fold_table_close(&c->ft);
    fold_build_free(&c->fb);
    dict_set_free(&c->set);
    mem_free(c->units);
    mem_free(c->fold_off);
    mem_free(c->fold_len);
    mem_free(c->form_off);
    mem_free(c->form_len);
    mem_free(c->form_entry);
}

SCREENER_API int screener_compile(const screener_compile_options *options,
                                  const screener_source *sources, size_t n_sources,
                                  screener_db **db_out, screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!db_out || !sources || n_sources == 0)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "screener_compile: need db_out and at least one source");
    *db_out = NULL;
    compile_opts o;
    int rc = read_options(options, &o, err_out);
    if (rc)
        return rc;
    compiler *c = mem_calloc(1, sizeof *c); /* (its fold table is 27 KB: not on the stack) */
    if (!c)
        return err_set(err_out, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    c->err = err_out;
    c->set.max_entries = o.max_entries;
    c->set.max_term_bytes = o.max_term_bytes;
    dict_lenient lenient = {o.warning, o.warning_user_data, 0};
    if (o.flags & SCREENER_COMPILE_LENIENT)
        c->set.lenient = &lenient;
    rc = parse_sources(c, sources, n_sources, o.max_dict_bytes, err_out);
    if (!rc)
        dict_lint(&c->set, o.warning, o.warning_user_data);
    if (!rc)
        rc = merge_duplicates(c);
    if (!rc && c->set.lenient)
        rc = skip_bad_entries(c, 0);
    if (!rc)
        rc = forms_generate(&c->set, err_out);
    if (!rc)
        rc = need_deny(c, sources, n_sources);
    if (!rc)
        rc = make_fold_table(c, o.fold_flags);
    if (!rc && c->set.lenient && !(rc = skip_bad_entries(c, 1)))
        rc = need_deny(c, sources, n_sources);
    if (!rc)
        rc = variants_generate(&c->set, &c->ft, o.flags, err_out);
    if (!rc)
        rc = rules_expand(&c->set, err_out);
    if (!rc)
        rc = fold_terms(c);
    if (!rc)
        rc = build(c, o.fold_flags, o.flags, db_out);
    if (!rc && o.warning && (rc = warn_useless_allows(*db_out, o.warning, o.warning_user_data))) {
        err_set(err_out, rc, NULL, 0, "checking allow entries: %s", screener_strerror(rc));
        screener_db_free(*db_out);
        *db_out = NULL;
    }
    if (lenient.skipped && o.warning) {
        char msg[64];
        snprintf(msg, sizeof msg, "%zu line%s skipped", lenient.skipped,
                 lenient.skipped == 1 ? "" : "s");
        o.warning(msg, o.warning_user_data);
    }
    compiler_free(c);
    mem_free(c);
    return rc;
}
