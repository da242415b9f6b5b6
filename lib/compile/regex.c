/*
 * regex.c — regex entries: validation (file:line errors), the regex database
 * (match ends) and the start database (where a match starts).
 *
 * Why two databases and no SOM: Vectorscan 5.4.9 aborts inside hs_scan for
 * some patterns compiled with HS_FLAG_SOM_LEFTMOST ((a|aa)*b, (x|xx)+y on any
 * input of 255+ bytes, ../shared/repro/hs_som_crash.c). Without the flag the
 * same patterns scan fine, so the regex database reports ends only, and
 * scan/m_regex.c finds each match's leftmost start by scanning the anchored
 * forms below from the candidate starts (at most the regex's width before the
 * end). Nothing that runs at scan time uses SOM.
 *
 * Word boundaries: Vectorscan 5.4.9 also gets `\b`/`\B` wrong in long
 * buffers, both ways and with or without SOM (`\bb` matches after 70 'a's;
 * with `\bxx\d` in the same database, `中` is not reported at the end of a
 * 50..67-byte text). So the ends database holds each regex with its `\b`
 * and `\B` dropped (a superset of the ends), and the anchored probe — a short
 * slice with one character of context — decides with the assertions.
 */
#include "regex.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/alloc.h"

void regex_out_free(regex_out *o)
{
    mem_free(o->bytes);
    mem_free(o->start_bytes);
    mem_free(o->table);
    memset(o, 0, sizeof *o);
}

/* ---- the anchored forms ---------------------------------------------------- */

/* Copy a character class starting at re[i] == '[' to o; returns the index
 * after it (or len when it is not closed: Hyperscan rejects the result). */
static size_t copy_class(const char *re, size_t len, size_t i, char *o, size_t *w)
{
    o[(*w)++] = re[i++];
    if (i < len && re[i] == '^')
        o[(*w)++] = re[i++];
    if (i < len && re[i] == ']')
        o[(*w)++] = re[i++];
    while (i < len && re[i] != ']') {
        if (re[i] == '\\' && i + 1 < len) {
            o[(*w)++] = re[i++];
        } else if (re[i] == '[' && i + 1 < len && re[i + 1] == ':') {
            const char *end = NULL;
            for (size_t k = i + 2; k + 1 < len; k++)
                if (re[k] == ':' && re[k + 1] == ']') {
                    end = re + k + 2;
                    break;
                }
            if (end) {
                while (re + i < end)
                    o[(*w)++] = re[i++];
                continue;
            }
        }
        o[(*w)++] = re[i++];
    }
    if (i < len)
        o[(*w)++] = re[i++];
    return i;
}

/* Copy re to o after pre, rewriting outside classes and quotes: with
 * anchors, `^` and `\A` become `\b\B` (never true); with bounds, `\b` and
 * `\B` are dropped (always true). Then ')'. */
static char *rewrite(const char *re, size_t len, const char *pre, int anchors, int bounds)
{
    static const char never[] = "\\b\\B";
    size_t pl = strlen(pre);
    char *o = mem_malloc(pl + len * 4 + 2);
    if (!o)
        return NULL;
    memcpy(o, pre, pl);
    size_t w = pl;
    for (size_t i = 0; i < len;) {
        char ch = re[i];
        if (ch == '\\' && i + 1 < len && re[i + 1] == 'Q') {
            size_t k = i + 2;
            while (k < len && !(re[k] == '\\' && k + 1 < len && re[k + 1] == 'E'))
                k++;
            k = k < len ? k + 2 : len;
            memcpy(o + w, re + i, k - i);
            w += k - i;
            i = k;
        } else if (ch == '\\' && i + 1 < len) {
            if (anchors && re[i + 1] == 'A') {
                memcpy(o + w, never, 4);
                w += 4;
            } else if (bounds && (re[i + 1] == 'b' || re[i + 1] == 'B')) {
                /* dropped */
            } else {
                o[w++] = ch;
                o[w++] = re[i + 1];
            }
            i += 2;
        } else if (ch == '[') {
            i = copy_class(re, len, i, o, &w);
        } else if (ch == '(' && i + 2 < len && re[i + 1] == '?' && re[i + 2] == '#') {
            while (i < len && re[i] != ')')
                o[w++] = re[i++];
        } else if (anchors && ch == '^') {
            memcpy(o + w, never, 4);
            w += 4;
            i++;
        } else {
            o[w++] = re[i++];
        }
    }
    o[w++] = ')';
    o[w] = '\0';
    return o;
}

char *regex_start_form(const char *re, size_t len, int ctx)
{
    if (!ctx) {
        char *o = mem_malloc(len + 6);
        if (o)
            snprintf(o, len + 6, "^(?:%.*s)", (int)len, re);
        return o;
    }
    return rewrite(re, len, "^(?s:.)(?:", 1, 0);
}

char *regex_end_form(const char *re, size_t len)
{
    return rewrite(re, len, "(?:", 0, 1);
}

/* ---- validation ------------------------------------------------------------ */

int regex_check(const dict_set *s, const dict_entry *e, screener_error **err, uint32_t *width,
                uint32_t *min_width)
{
    char ex[160];
    if (e->term_len > REGEX_MAX_BYTES)
        return err_set(err, SCREENER_E_LIMIT, s->sources[e->source], e->line,
                       "regex longer than %d bytes: `%s`", REGEX_MAX_BYTES,
                       err_excerpt(ex, sizeof ex, e->term, e->term_len));
    hs_expr_info_t *info = NULL;
    hs_compile_error_t *herr = NULL;
    if (hs_expression_info(e->term, REGEX_FLAGS, &info, &herr) != HS_SUCCESS) {
        int rc = err_set(err, hs_compile_status(herr, SCREENER_E_DICT_SYNTAX),
                         s->sources[e->source], e->line, "invalid regex (%s): `%s`",
                         herr ? herr->message : "rejected",
                         err_excerpt(ex, sizeof ex, e->term, e->term_len));
        hs_free_compile_error(herr);
        return rc;
    }
    int empty = info->min_width == 0;
    unsigned w = info->max_width, w_min = info->min_width;
    mem_free(info);
    if (empty)
        return err_set(err, SCREENER_E_DICT_SYNTAX, s->sources[e->source], e->line,
                       "regex can match the empty string: `%s`",
                       err_excerpt(ex, sizeof ex, e->term, e->term_len));
    if (w > REGEX_MAX_WIDTH) {
        char lim[64];
        if (w == UINT_MAX)
            snprintf(lim, sizeof lim, "text of unbounded length");
        else
            snprintf(lim, sizeof lim, "%u bytes", w);
        return err_set(err, SCREENER_E_DICT_SYNTAX, s->sources[e->source], e->line,
                       "regex can match %s, more than the limit of %d bytes (long texts "
                       "and streams are scanned in windows that carry that much over): "
                       "bound every repeat, e.g. `{1,50}` instead of `+` or `*`: `%s`",
                       lim, REGEX_MAX_WIDTH, err_excerpt(ex, sizeof ex, e->term, e->term_len));
    }
    *width = w;
    if (min_width)
        *min_width = w_min;
    return SCREENER_OK;
}

/* ---- the two databases ----------------------------------------------------- */

static int serialize(hs_database_t *db, char **bytes, size_t *len, screener_error **err)
{
    hs_error_t he = hs_serialize_database(db, bytes, len);
    hs_free_database(db);
    return he == HS_SUCCESS ? SCREENER_OK
                            : err_set(err, he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN,
                                      NULL, 0, "hs_serialize_database failed (error %d)", (int)he);
}

static int hs_error(const dict_set *s, const hs_compile_error_t *herr, const unsigned *entry,
                    unsigned n, const char *what, screener_error **err)
{
    const dict_entry *e = herr && herr->expression >= 0 && (unsigned)herr->expression < n
                              ? &s->entries[entry[herr->expression]]
                              : NULL;
    return err_set(err, hs_compile_status(herr, SCREENER_E_HYPERSCAN),
                   e ? s->sources[e->source] : NULL, e ? e->line : 0,
                   "Hyperscan cannot compile the %s: %s", what,
                   herr ? herr->message : "unknown error");
}

/* The start database: both anchored forms of every regex (ids
 * DB_REGEX_START_ID). A context form that can never match (the regex only
 * matches at the start of the text, e.g. `^qq[0-9]{5}`) is left out. */
static int compile_starts(const dict_set *s, const regex_out *o, const hs_platform_info_t *plat,
                          char **bytes, size_t *len, screener_error **err)
{
    unsigned n = (unsigned)(2 * o->n);
    char **ex = mem_calloc(n, sizeof(char *));
    unsigned *fl = mem_malloc(n * sizeof(unsigned)), *ids = mem_malloc(n * sizeof(unsigned)),
             *ent = mem_malloc(n * sizeof(unsigned));
    int rc = SCREENER_OK;
    if (!ex || !fl || !ids || !ent) {
        rc = err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    for (unsigned k = 0; k < n; k++) {
        const dict_entry *e = &s->entries[o->table[k / 2].entry];
        ex[k] = regex_start_form(e->term, e->term_len, (int)(k & 1));
        if (!ex[k]) {
            rc = err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
            goto out;
        }
        fl[k] = REGEX_FLAGS;
        ids[k] = DB_REGEX_START_ID(o->table[k / 2].entry, k & 1);
        ent[k] = o->table[k / 2].entry;
    }
    for (unsigned m = n;;) {
        hs_database_t *db = NULL;
        hs_compile_error_t *herr = NULL;
        if (hs_compile_multi((const char *const *)ex, fl, ids, m, HS_MODE_BLOCK, plat, &db,
                             &herr) == HS_SUCCESS) {
            rc = serialize(db, bytes, len, err);
            break;
        }
        int k = herr ? herr->expression : -1;
        if (k >= 0 && (unsigned)k < m && (ids[k] & 1) &&
            strstr(herr->message, "can never match")) {
            /* drop form k: move the last one into its place */
            mem_free(ex[k]);
            m--;
            ex[k] = ex[m];
            ids[k] = ids[m];
            ent[k] = ent[m];
            ex[m] = NULL;
            hs_free_compile_error(herr);
            continue;
        }
        rc = hs_error(s, herr, ent, m, "regex for start-of-match recovery", err);
        hs_free_compile_error(herr);
        break;
    }
out:
    for (unsigned k = 0; ex && k < n; k++)
        mem_free(ex[k]);
    mem_free(ex);
    mem_free(fl);
    mem_free(ids);
    mem_free(ent);
    return rc;
}

/* The ends database's inputs: each regex entry checked (its width recorded
 * in o->table and o->max_width) and written in its end form. */
static int collect_ends(const dict_set *s, screener_error **err, regex_out *o, char **exprs,
                        unsigned *flags, unsigned *ids)
{
    for (size_t i = 0; i < s->n_entries; i++) {
        const dict_entry *e = &s->entries[i];
        if (!(e->flags & SCREENER_ENTRY_REGEX))
            continue;
        uint32_t width = 0, min_width = 0;
        int rc = regex_check(s, e, err, &width, &min_width);
        if (rc)
            return rc;
        if (width > o->max_width)
            o->max_width = width;
        exprs[o->n] = regex_end_form(e->term, e->term_len);
        if (!exprs[o->n])
            return err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        flags[o->n] = REGEX_FLAGS;
        ids[o->n] = (unsigned)i;
        o->table[o->n].entry = (uint32_t)i;
        o->table[o->n].max_width = width;
        o->table[o->n].min_width = min_width;
        o->n++;
    }
    return SCREENER_OK;
}

/* The ends database (ids = entry indexes), serialized into o->bytes. */
static int compile_ends(const dict_set *s, screener_error **err, const hs_platform_info_t *plat,
                        regex_out *o, char **exprs, unsigned *flags, unsigned *ids)
{
    hs_database_t *db = NULL;
    hs_compile_error_t *herr = NULL;
    if (hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)o->n, HS_MODE_BLOCK,
                         plat, &db, &herr) != HS_SUCCESS) {
        int rc = hs_error(s, herr, ids, (unsigned)o->n, "regexes", err);
        hs_free_compile_error(herr);
        return rc;
    }
    return serialize(db, &o->bytes, &o->len, err);
}

int compile_regexes(const dict_set *s, screener_error **err, const hs_platform_info_t *plat,
                    regex_out *o)
{
    memset(o, 0, sizeof *o);
    size_t n = 0;
    for (size_t i = 0; i < s->n_entries; i++)
        n += (s->entries[i].flags & SCREENER_ENTRY_REGEX) != 0;
    if (n == 0)
        return SCREENER_OK;
    if (n > REGEX_MAX_ENTRIES)
        return err_set(err, SCREENER_E_LIMIT, NULL, 0,
                       "%zu regex entries, more than the limit of %d", n, REGEX_MAX_ENTRIES);
    char **exprs = mem_calloc(n, sizeof(char *));
    unsigned *flags = mem_malloc(n * sizeof(unsigned)), *ids = mem_malloc(n * sizeof(unsigned));
    o->table = mem_malloc(n * sizeof(db_regex));
    int rc = SCREENER_OK;
    if (!exprs || !flags || !ids || !o->table)
        rc = err_set(err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    if (rc == SCREENER_OK)
        rc = collect_ends(s, err, o, exprs, flags, ids);
    if (rc == SCREENER_OK)
        rc = compile_ends(s, err, plat, o, exprs, flags, ids);
    if (rc == SCREENER_OK)
        rc = compile_starts(s, o, plat, &o->start_bytes, &o->start_len, err);
    for (size_t k = 0; exprs && k < n; k++)
        mem_free(exprs[k]);
    mem_free(exprs);
    mem_free(flags);
    mem_free(ids);
    if (rc)
        regex_out_free(o);
    return rc;
}
