/*
 * compile.c — screener_compile(): dictionaries -> entries -> folded literals
 * -> Hyperscan database -> database blob.
 *
 *   1. parse every source (dict/)
 *   2. merge exact duplicates, reject conflicting ones
 *   3. build the fold table with ICU (normalize/table_build.c)
 *   4. fold every term through THAT table (never through ICU string APIs,
 *      which look at neighbouring characters and could disagree with it)
 *   5. group entries by folded form: one Hyperscan literal, one id, per
 *      distinct folded form (shared ids make Hyperscan compile explode)
 *   6. hs_compile_lit_multi over the UTF-16 bytes, generic platform
 *   7. write the blob (db/) and open it, so a compiled database and a loaded
 *      one are the same thing.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <hs.h>
#include <xxhash.h>

#include "common/buf.h"
#include "common/categories.h"
#include "common/error.h"
#include "common/file.h"
#include "common/utf8.h"
#include "db/db.h"
#include "dict/dict.h"
#include "normalize/fold.h"
#include "regex.h"

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
    size_t n_forms;
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

static int merge_duplicates(compiler *c)
{
    dict_set *s = &c->set;
    size_t n = s->n_entries;
    uint32_t *idx = malloc((n ? n : 1) * sizeof(uint32_t));
    uint8_t *drop = calloc(n ? n : 1, 1);
    if (!idx || !drop) {
        free(idx);
        free(drop);
        return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    qsort_r(idx, n, sizeof *idx, cmp_term, s);
    int rc = SCREENER_OK;
    for (size_t k = 1; k < n && rc == SCREENER_OK; k++) {
        const dict_entry *a = &s->entries[idx[k - 1]], *b = &s->entries[idx[k]];
        if (a->category != b->category || a->term_len != b->term_len ||
            memcmp(a->term, b->term, a->term_len) != 0)
            continue;
        if (a->severity == b->severity && a->flags == b->flags) {
            drop[idx[k]] = 1; /* exact repeat: keep the first occurrence */
            continue;
        }
        char ex[160];
        rc = err_set(c->err, SCREENER_E_DICT_CONFLICT, s->sources[b->source], b->line,
                     "`%s` (category %s) already defined with other severity or "
                     "flags at %s:%u",
                     err_excerpt(ex, sizeof ex, b->term, b->term_len),
                     s->categories[b->category], s->sources[a->source], a->line);
    }
    if (rc == SCREENER_OK) {
        size_t w = 0;
        for (size_t i = 0; i < n; i++) {
            if (drop[i])
                free(s->entries[i].term);
            else
                s->entries[w++] = s->entries[i];
        }
        s->n_entries = w;
    }
    free(idx);
    free(drop);
    return rc;
}

/* ---- step 4: folding terms ----------------------------------------------- */

/* Append a folded form of entry e. Returns 0 or -1 (out of memory). */
static int add_form(compiler *c, uint32_t e, const uint16_t *u, size_t n)
{
    if (c->n_units + n > c->cap_units) {
        size_t cap = c->cap_units ? c->cap_units : 4096;
        while (cap < c->n_units + n)
            cap *= 2;
        uint16_t *p = realloc(c->units, cap * sizeof(uint16_t));
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

static int fold_terms(compiler *c)
{
    dict_set *s = &c->set;
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    c->fold_off = malloc((s->n_entries + 1) * sizeof(uint32_t));
    c->fold_len = malloc((s->n_entries + 1) * sizeof(uint32_t));
    c->form_off = malloc((2 * s->n_entries + 1) * sizeof(uint32_t));
    c->form_len = malloc((2 * s->n_entries + 1) * sizeof(uint32_t));
    c->form_entry = malloc((2 * s->n_entries + 1) * sizeof(uint32_t));
    if (!c->fold_off || !c->fold_len || !c->form_off || !c->form_len || !c->form_entry)
        return err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    /* the same table without collapsing repeats: the "spaced" form */
    fold_table spaced = c->ft;
    fold_table_set_collapse(&spaced, 0);
    int rc = SCREENER_OK;
    for (size_t i = 0; i < s->n_entries && rc == SCREENER_OK; i++) {
        dict_entry *e = &s->entries[i];
        const uint8_t *t = (const uint8_t *)e->term;
        char ex[160];
        if (e->flags & (SCREENER_ENTRY_DETECTOR | SCREENER_ENTRY_REGEX)) {
            c->fold_off[i] = c->fold_len[i] = 0; /* runs in the scan, not as a literal */
            continue;
        }
        if (fold_text(&c->ft, t, e->term_len, &fb)) {
            rc = err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
            break;
        }
        if (fb.n == 0) {
            rc = err_set(c->err, SCREENER_E_DICT_TERM, s->sources[e->source], e->line,
                         "term folds to nothing (only spaces, punctuation, symbols or "
                         "invisible characters): `%s`",
                         err_excerpt(ex, sizeof ex, e->term, e->term_len));
            break;
        }
        if (strstr(e->term, "\xEF\xBF\xBD")) {
            rc = err_set(c->err, SCREENER_E_DICT_TERM, s->sources[e->source], e->line,
                         "term contains U+FFFD, which stands for invalid input: `%s`",
                         err_excerpt(ex, sizeof ex, e->term, e->term_len));
            break;
        }
        /* Word-boundary needs from the classes of the first and last kept
         * characters (Latin-like letters need boundaries, CJK does not). */
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
        if (add_form(c, (uint32_t)i, fb.units, fb.n)) {
            rc = err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
            break;
        }
        c->fold_off[i] = c->form_off[c->n_forms - 1];
        c->fold_len[i] = c->form_len[c->n_forms - 1];
        /* A term with doubled letters ("ass") folds to "as"; spaced out in a
         * message ("a s s") it folds to "ass": register that form too. */
        if (c->ft.collapse) {
            if (fold_text(&spaced, t, e->term_len, &fb)) {
                rc = err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
                break;
            }
            if (fb.n != c->fold_len[i] && add_form(c, (uint32_t)i, fb.units, fb.n)) {
                rc = err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
                break;
            }
        }
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

static int build(compiler *c, uint32_t fold_flags, uint32_t flags, screener_db **db_out)
{
    dict_set *s = &c->set;
    size_t ne = s->n_entries;
    int rc = SCREENER_OK;
    size_t nf = c->n_forms;
    uint32_t *order = malloc((nf ? nf : 1) * sizeof(uint32_t));
    uint32_t *lit_entries = malloc((nf ? nf : 1) * sizeof(uint32_t));
    db_entry *entries = calloc(ne ? ne : 1, sizeof(db_entry));
    db_lit *lits = calloc(nf ? nf : 1, sizeof(db_lit));
    const char **exprs = malloc((nf ? nf : 1) * sizeof(char *));
    size_t *lens = malloc((nf ? nf : 1) * sizeof(size_t));
    unsigned *ids = malloc((nf ? nf : 1) * sizeof(unsigned));
    unsigned *hflags = calloc(nf ? nf : 1, sizeof(unsigned));
    db_category *cats = calloc(s->n_categories ? s->n_categories : 1, sizeof(db_category));
    uint32_t *srcs = calloc(s->n_sources ? s->n_sources : 1, sizeof(uint32_t));
    buf strings = {0};
    hs_database_t *hdb = NULL;
    char *hbytes = NULL;
    size_t hlen = 0;
    regex_out rx = {0};
    if (!order || !lit_entries || !entries || !lits || !exprs || !lens || !ids || !hflags || !cats || !srcs) {
        rc = err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        goto out;
    }

    /* strings, categories, sources, entries; fingerprint over the folded
     * entries and their metadata */
    XXH3_state_t *fp = XXH3_createState();
    if (!fp) {
        rc = err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    db_fp_begin(fp, fold_flags);
    add_string(&strings, "", 0);
    for (size_t i = 0; i < s->n_categories; i++) {
        const char *id = s->categories[i];
        const dict_category_meta *m = &s->cat_meta[i];
        const known_category *k = known_category_find(id);
        const char *zh = m->name_zh ? m->name_zh : k ? k->name_zh : id;
        const char *en = m->name_en ? m->name_en : k ? k->name_en : id;
        cats[i].name_off = add_string(&strings, id, strlen(id));
        cats[i].name_zh_off = add_string(&strings, zh, strlen(zh));
        cats[i].name_en_off = add_string(&strings, en, strlen(en));
        for (int sev = 0; sev < 4; sev++)
            cats[i].actions[sev] =
                m->actions[sev] >= 0 ? (uint8_t)m->actions[sev] : default_actions[sev];
        db_fp_category(fp, cats[i].actions);
    }
    for (size_t i = 0; i < s->n_sources; i++)
        srcs[i] = add_string(&strings, s->sources[i], strlen(s->sources[i]));
    for (size_t i = 0; i < ne; i++) {
        const dict_entry *e = &s->entries[i];
        entries[i].term_off = add_string(&strings, e->term, e->term_len);
        entries[i].term_len = (uint32_t)e->term_len;
        entries[i].source = e->source;
        entries[i].line = e->line;
        entries[i].category = e->category;
        entries[i].severity = e->severity;
        entries[i].flags = e->flags;
        entries[i].detector = e->detector;
        /* (regex and detector entries have no units: c->units may be NULL) */
        db_fp_entry(fp, c->fold_len[i] ? c->units + c->fold_off[i] : NULL, c->fold_len[i],
                    s->categories[e->category], e->severity, e->flags, e->detector);
    }
    uint8_t fpd[16];
    db_fp_end(fp, fpd);
    XXH3_freeState(fp);

    /* literals: one per distinct folded form, listing its entries */
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
        size_t blen = c->form_len[first] * sizeof(uint16_t);
        lits[nl].entries_off = (uint32_t)nle;
        for (size_t q = k; q < g; q++) /* sorted by entry: skip repeats */
            if (q == k || c->form_entry[order[q]] != c->form_entry[order[q - 1]])
                lit_entries[nle++] = c->form_entry[order[q]];
        lits[nl].n_entries = (uint32_t)(nle - lits[nl].entries_off);
        lits[nl].units = c->form_len[first];
        uint8_t bound = DB_LIT_NEED_START | DB_LIT_NEED_END;
        for (size_t q = lits[nl].entries_off; q < nle; q++) {
            uint8_t f = s->entries[lit_entries[q]].flags;
            if (!(f & DB_ENTRY_NEED_START))
                bound &= (uint8_t)~DB_LIT_NEED_START;
            if (!(f & DB_ENTRY_NEED_END))
                bound &= (uint8_t)~DB_LIT_NEED_END;
        }
        lits[nl].bound = bound;
        /* Vectorscan rejects literals whose first byte is NUL ("empty"): drop
         * it and verify it in the match callback instead. */
        lits[nl].stripped = bytes[0] == 0;
        exprs[nl] = (const char *)bytes + lits[nl].stripped;
        lens[nl] = blen - lits[nl].stripped;
        ids[nl] = (unsigned)nl;
        nl++;
        k = g;
    }

    /* generic (portable files) unless the caller asks for this CPU */
    hs_platform_info_t plat = {.tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = 0};
    if ((flags & SCREENER_COMPILE_NATIVE) && hs_populate_platform(&plat) != HS_SUCCESS) {
        plat.tune = HS_TUNE_FAMILY_GENERIC;
        plat.cpu_features = 0;
    }
    hs_compile_error_t *herr = NULL;
    if (nl == 0) {
        /* only detectors: no Hyperscan database at all */
    } else if (hs_compile_lit_multi(exprs, hflags, ids, lens, (unsigned)nl, HS_MODE_BLOCK, &plat,
                             &hdb, &herr) != HS_SUCCESS) {
        if (herr && herr->expression >= 0 && (size_t)herr->expression < nl) {
            const dict_entry *e = &s->entries[lit_entries[lits[herr->expression].entries_off]];
            rc = err_set(c->err, SCREENER_E_HYPERSCAN, s->sources[e->source], e->line,
                         "Hyperscan cannot compile term `%s`: %s", e->term, herr->message);
        } else {
            rc = err_set(c->err, SCREENER_E_HYPERSCAN, NULL, 0, "Hyperscan compile failed: %s",
                         herr ? herr->message : "unknown error");
        }
        hs_free_compile_error(herr);
        goto out;
    }
    if (nl && hs_serialize_database(hdb, &hbytes, &hlen) != HS_SUCCESS) {
        rc = err_set(c->err, SCREENER_E_HYPERSCAN, NULL, 0, "hs_serialize_database failed");
        goto out;
    }
    rc = compile_regexes(&c->set, c->err, &plat, &rx);
    if (rc)
        goto out;

    /* assemble (db/format.c owns the layout) */
    db_meta meta = {fold_flags, rx.max_width, {0}};
    memcpy(meta.fingerprint, fpd, 16);
    if (strings.failed) {
        rc = err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    const db_section_data sec[SEC_COUNT] = {
        [SEC_TRIE] = {c->fb.trie_bin, c->fb.trie_len},
        [SEC_EXPAND] = {c->fb.expand, c->fb.n_expand},
        [SEC_ENTRIES] = {entries, ne},
        [SEC_LITS] = {lits, nl},
        [SEC_LIT_ENTRIES] = {lit_entries, nle},
        [SEC_CATS] = {cats, s->n_categories},
        [SEC_SOURCES] = {srcs, s->n_sources},
        [SEC_STRINGS] = {strings.data, strings.len},
        [SEC_HS] = {hbytes, hlen},
        [SEC_HS_REGEX] = {rx.bytes, rx.len},
        [SEC_HS_REGEX_START] = {rx.start_bytes, rx.start_len},
        [SEC_REGEXES] = {rx.table, rx.n},
    };
    uint8_t *blob;
    size_t blob_len;
    if (db_write_blob(&meta, sec, &blob, &blob_len)) {
        rc = err_set(c->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    rc = db_open_blob(blob, blob_len, "<compiled>", db_out, c->err); /* takes blob */

out:
    free(order);
    free(lit_entries);
    free(entries);
    free(lits);
    free(exprs);
    free(lens);
    free(ids);
    free(hflags);
    free(cats);
    free(srcs);
    buf_free(&strings);
    free(hbytes);
    regex_out_free(&rx);
    hs_free_database(hdb);
    return rc;
}

/* ---- warnings ------------------------------------------------------------- */

/* Warn about allow entries that contain no deny term: scan each allow term
 * with the new database; if no deny match lies inside it, it suppresses
 * nothing. Cost: one scan per allow entry, at compile time. */
static void warn_useless_allows(const screener_db *db,
                                void (*warning)(const char *, void *), void *user_data)
{
    screener_scratch *s = NULL;
    if (screener_scratch_alloc(db, &s) != SCREENER_OK)
        return;
    for (uint32_t i = 0; i < screener_db_entry_count(db); i++) {
        screener_entry_info info;
        if (screener_db_entry(db, i, &info) != SCREENER_OK || !(info.flags & SCREENER_ENTRY_ALLOW))
            continue;
        const screener_result *r;
        if (screener_scan(db, s, info.term, strlen(info.term), &r) != SCREENER_OK)
            continue;
        if (r->n_matches == 0) {
            char msg[1400], ex[160];
            snprintf(msg, sizeof msg,
                     "%s:%u: allow entry contains no deny term, it suppresses nothing: `%s`",
                     info.source, info.line, err_excerpt(ex, sizeof ex, info.term, strlen(info.term)));
            warning(msg, user_data);
        }
    }
    screener_scratch_free(s);
}

/* ---- entry point ---------------------------------------------------------- */

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
    uint32_t fold_flags = SCREENER_FOLD_ALL;
    uint32_t max_entries = DEFAULT_MAX_ENTRIES;
    uint32_t max_term_bytes = DICT_MAX_TERM_BYTES;
    uint64_t max_dict_bytes = DEFAULT_MAX_DICTIONARY_BYTES;
    uint64_t total_bytes = 0;
    uint32_t compile_flags = 0;
    void (*warning)(const char *, void *) = NULL;
    void *warning_user_data = NULL;
    if (options) {
        if (options->struct_size < offsetof(screener_compile_options, fold_flags))
            return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                           "screener_compile_options.struct_size not set");
        if (options->struct_size >= offsetof(screener_compile_options, fold_flags) + 4 &&
            options->fold_flags) {
            fold_flags = options->fold_flags & ~(uint32_t)SCREENER_FOLD_EXPLICIT;
            if (fold_flags & ~(uint32_t)SCREENER_FOLD_ALL)
                return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                               "unknown fold flags 0x%x",
                               fold_flags & ~(uint32_t)SCREENER_FOLD_ALL);
        }
        if (options->struct_size >= offsetof(screener_compile_options, max_entries) + 4 &&
            options->max_entries)
            max_entries = options->max_entries;
        if (options->struct_size >= offsetof(screener_compile_options, max_term_bytes) + 4 &&
            options->max_term_bytes)
            max_term_bytes = options->max_term_bytes;
        if (options->struct_size >= offsetof(screener_compile_options, flags) + 4)
            compile_flags = options->flags;
        if (options->struct_size >= offsetof(screener_compile_options, warning_user_data) +
                                        sizeof(void *)) {
            warning = options->warning;
            warning_user_data = options->warning_user_data;
        }
        if (compile_flags & ~(uint32_t)SCREENER_COMPILE_NATIVE)
            return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                           "unknown compile flags 0x%x", compile_flags);
        if (options->struct_size >= offsetof(screener_compile_options, max_dictionary_bytes) + 8 &&
            options->max_dictionary_bytes)
            max_dict_bytes = options->max_dictionary_bytes;
    }

    compiler c;
    memset(&c, 0, sizeof c);
    c.err = err_out;
    c.set.max_entries = max_entries;
    c.set.max_term_bytes = max_term_bytes;
    int rc = SCREENER_OK;
    for (size_t i = 0; i < n_sources && rc == SCREENER_OK; i++) {
        const screener_source *src = &sources[i];
        if (src->path) {
            char *data;
            size_t len;
            rc = file_read(src->path, &data, &len, err_out);
            if (rc == SCREENER_OK && (total_bytes += len) > max_dict_bytes) {
                free(data);
                rc = err_set(err_out, SCREENER_E_LIMIT, src->path, 0,
                             "dictionaries exceed %llu bytes (max_dictionary_bytes)",
                             (unsigned long long)max_dict_bytes);
            } else if (rc == SCREENER_OK) {
                rc = dict_parse(&c.set, src->name ? src->name : src->path, data, len, err_out);
                free(data);
            }
        } else if (src->text && (total_bytes += src->len) > max_dict_bytes) {
            rc = err_set(err_out, SCREENER_E_LIMIT, src->name ? src->name : "<memory>", 0,
                         "dictionaries exceed %llu bytes (max_dictionary_bytes)",
                         (unsigned long long)max_dict_bytes);
        } else if (src->text) {
            rc = dict_parse(&c.set, src->name ? src->name : "<memory>",
                            src->text ? src->text : "", src->len, err_out);
        } else {
            rc = err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                         "source %zu has neither path nor text", i);
        }
    }
    if (rc == SCREENER_OK)
        rc = merge_duplicates(&c);
    if (rc == SCREENER_OK) {
        int deny = 0;
        for (size_t i = 0; i < c.set.n_entries && !deny; i++)
            deny = !(c.set.entries[i].flags & SCREENER_ENTRY_ALLOW);
        if (!deny)
            rc = err_set(err_out, SCREENER_E_DICT_EMPTY,
                         n_sources == 1 ? (sources[0].path ? sources[0].path : sources[0].name)
                                        : NULL,
                         0, "no deny entries in the dictionaries");
    }
    if (rc == SCREENER_OK)
        rc = fold_build_table(fold_flags, &c.fb, err_out);
    if (rc == SCREENER_OK &&
        fold_table_open(&c.ft, c.fb.trie_bin, c.fb.trie_len, c.fb.expand, c.fb.n_expand))
        rc = err_set(err_out, SCREENER_E_ICU, NULL, 0, "built fold table does not open");
    fold_table_set_collapse(&c.ft, (fold_flags & SCREENER_FOLD_REPEATS) != 0);
    if (rc == SCREENER_OK)
        rc = fold_terms(&c);
    if (rc == SCREENER_OK)
        rc = build(&c, fold_flags, compile_flags, db_out);
    if (rc == SCREENER_OK && warning)
        warn_useless_allows(*db_out, warning, warning_user_data);

    fold_table_close(&c.ft);
    fold_build_free(&c.fb);
    dict_set_free(&c.set);
    free(c.units);
    free(c.fold_off);
    free(c.fold_len);
    free(c.form_off);
    free(c.form_len);
    free(c.form_entry);
    return rc;
}
