/*
 * scan.c — screener_scan(): views, matchers, collection, verdict.
 *
 *   text --views_build--> the views the database's matchers read
 *        --each matcher row (matchers.c)--> matches with original spans
 *        --collect_finish--> allow-list, sorted, de-duplicated, capped
 *        --regions_mark--> matches inside mentions and link wrappers flagged
 *        --scan_verdict--> action, severity, categories
 *
 * Messages longer than SCAN_WINDOW go through window.c instead, which runs
 * the same steps over bounded windows.
 */
#include "scan.h"

#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "common/buf.h"
#include "common/utf8.h"
#include "db/db.h"
#include "matcher.h"
#include "normalize/fold_simd.h"
#include "regions.h"
#include "common/alloc.h"

/* Resolve the scratch's profile rules against db's categories (once per db). */
static int resolve_profile(const screener_db *db, screener_scratch *s)
{
    if (s->n_rules == 0) {
        mem_free(s->eff);
        s->eff = NULL;
        s->cap_eff = 0;
        s->eff_for = db->instance;
        return SCREENER_OK;
    }
    size_t n = (size_t)db->n_cats * 4;
    if (mem_grow((void **)&s->eff, &s->cap_eff, n ? n : 1, 1))
        return SCREENER_E_NOMEM;
    for (uint32_t c = 0; c < db->n_cats; c++) {
        const char *name = db->strings + db->cats[c].name_off;
        for (unsigned sev = 1; sev <= 4; sev++) {
            int a = db->cats[c].actions[sev - 1];
            for (size_t r = 0; r < s->n_rules; r++) {
                const screener_profile_rule *rule = &s->rules[r];
                if ((!rule->category || strcmp(rule->category, name) == 0) &&
                    (rule->severity == 0 || rule->severity == sev))
                    a = rule->action;
            }
            s->eff[c * 4 + sev - 1] = (int8_t)a;
        }
    }
    s->eff_for = db->instance;
    return SCREENER_OK;
}

static int fit(hs_database_t *hdb, hs_scratch_t **hs)
{
    if (!hdb)
        return SCREENER_OK;
    hs_error_t he = hs_alloc_scratch(hdb, hs);
    if (he == HS_SUCCESS)
        return SCREENER_OK;
    return he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN;
}

/* Fit the scratch to db (once per database): profile, Hyperscan scratches,
 * the rows and views the database uses and each row's shortest view. */
static int fit_db(const screener_db *db, screener_scratch *s)
{
    if (s->eff_for != db->instance && resolve_profile(db, s))
        return SCREENER_E_NOMEM;
    if (s->fitted != db->instance) {
        memcpy(s->fingerprint, db->fingerprint_hex, sizeof s->fingerprint);
        /* hs_alloc_scratch checks the section (a CRC over all its bytes,
         * 0.3-1.5 M instructions a section) every time: a scratch allocated
         * for this db (screener_scratch_alloc) skips it */
        int rc = SCREENER_OK;
        if (s->hs_for != db->instance) {
            s->hs_for = 0;
            rc = fit(db->hs, &s->hs);
            if (!rc)
                rc = fit(db->hs_regex, &s->hs_regex);
            if (!rc)
                rc = fit(db->hs_regex_start, &s->hs_regex_start);
            if (!rc)
                rc = fit(db->hs_leet, &s->hs); /* the literal scratch serves both */
            if (!rc)
                rc = fit(db->hs_narrow, &s->hs); /* ... and the narrow literals */
            if (!rc)
                s->hs_for = db->instance;
        }
        if (rc)
            return rc;
        s->rows_used = scan_rows_used(db, &s->views_used);
        s->views_used |= db->hdr->views; /* what compile recorded (the same) */
        scan_rows_shortest(db, s);
        /* the verdict's categories: never NULL, grown by scan_verdict */
        if (mem_grow((void **)&s->cats, &s->cap_cats, 1, sizeof(uint32_t)))
            return SCREENER_E_NOMEM;
        s->fitted = db->instance;
    }
    return SCREENER_OK;
}

int scan_prepare(const screener_db *db, screener_scratch *s)
{
    /* scan_verdict sets every other field; reserved[] stays as calloc left it */
    s->result.db_version = 0;
    if (s->eff_for != db->instance || s->fitted != db->instance)
        return fit_db(db, s);
    return SCREENER_OK;
}

int scan_text(const screener_db *db, screener_scratch *s, const uint8_t *text, size_t len,
              unsigned extra, int at_end)
{
    collect_reset(s);
    views *v = &s->v;
    if (s->views_kept) /* (built for this text by the batch filter: batch_filter.c) */
        v->planned |= s->views_used | extra;
    else
        views_begin(v, s->views_used | extra, len);
    s->views_kept = 0;
    int rc = views_need(&db->fold, extra, text, v); /* (windows read the folded view) */
    if (rc)
        return rc;
    /* A row finds nothing in a view shorter than its shortest match
     * (row_min, at least 1): it is skipped, and a view is built only when a
     * row that may read it is left. views_len is exact once a view is built,
     * before that a bound: no view of an empty text has anything, the
     * numerals view is as long as the folded one, and a view's own bound
     * from the text's bytes (views_bound: the byte view's on a 1-byte
     * text) may leave it out before it is built. So: the folded view first
     * (its length decides the rows that read it or the numerals), then the
     * views the remaining rows read, then each row with its own view's
     * exact length. */
    uint32_t rows = len ? s->rows_used : 0;
    if (rows) {
        if ((rc = views_need(&db->fold, v->planned & VIEW_FOLDED, text, v)))
            return rc;
        unsigned need = 0;
        /* (every view slot, unrolled: an unused view has no rows and a
         * shortest length of UINT32_MAX, so it changes nothing) */
#pragma GCC unroll 8
        for (int i = 0; i < VIEW_KINDS; i++) {
            uint32_t vr = s->view_rows[i];
            if (v->len[i] < s->view_min[i])
                rows &= ~vr;
            else if ((rows & vr) &&
                     views_bound(&db->fold, 1u << i, text, v, s->view_min[i]) < s->view_min[i])
                rows &= ~vr; /* (a bound from the text: the view is never built) */
            else if (rows & vr)
                need |= 1u << i;
        }
        if ((rc = views_need(&db->fold, need, text, v)))
            return rc;
    }
    /* no leet reading (most texts): the leet row has nothing to scan (its
     * view is built whenever the row is still in rows) */
    if (!v->leet.active)
        rows &= ~(1u << MATCHER_LEET);
    scan_ctx c = {db, s, text, v->consumed}; /* the views' budget may stop early */
    while (rows && !s->truncated) {
        unsigned k = (unsigned)__builtin_ctz(rows);
        rows &= rows - 1;
        if (v->len[s->row_view[k]] < s->row_min[k])
            continue;
        const matcher *m = &scan_matchers[k];
        if ((rc = m->run(&c, m)))
            return rc;
    }
    s->region_open = len;
    if (s->n_matches) { /* (nothing to finish without a match) */
        collect_finish(s);
        if (s->n_matches) /* mentions, link wrappers: only where there is a match */
            regions_mark(&db->fold, s, text, len, at_end, &s->region_open);
    }
    return SCREENER_OK;
}

int scan_pass(screener_scratch *s)
{
    collect_reset(s);
    return scan_verdict(s);
}

/* A message longer than SCAN_WINDOW, or one whose views stop at their
 * budget: in windows (window.c). Out of line: short messages do not pay for
 * its frame. */
static __attribute__((noinline)) int scan_windows(const screener_db *db, screener_scratch *s,
                                                  const uint8_t *text, size_t len)
{
    int rc;
    window_begin(s);
    window_state w = {0};
    w.parts = s->win_parts; /* the scratch's, reused from one long message to the next */
    w.cap_parts = s->cap_win_parts;
    size_t end = len > WINDOW_ROUND ? WINDOW_ROUND : len, step = WINDOW_ROUND;
    for (;;) {
        size_t keep, scanned;
        rc = window_round(db, s, &w, text + w.base, end - w.base, end == len, &keep, &scanned);
        if (rc || (end == len && w.done))
            break;
        size_t next = w.base + scanned; /* first byte not scanned yet */
        w.base += keep;
        step = window_next_round(s, step);
        end = len - next > step ? next + step : len;
    }
    if (!rc)
        rc = window_rules_end(db, s, &w);
    s->win_parts = w.parts; /* (given back, not freed) */
    s->cap_win_parts = w.cap_parts;
    return rc ? rc : window_end(s);
}

int scan_message(const screener_db *db, screener_scratch *s, const uint8_t *text, size_t len)
{
    int rc = scan_prepare(db, s);
    if (rc)
        return rc;
    if (len <= SCAN_WINDOW) {
        rc = scan_text(db, s, text, len, 0, 1);
        if (rc || s->v.consumed == len)
            return rc ? rc : scan_verdict(s);
        /* the text expands beyond the views' budget: scan it in windows */
    }
    return scan_windows(db, s, text, len);
}

SCREENER_API int screener_scan(const screener_db *db, screener_scratch *s, const char *text,
                               size_t len, const screener_result **result_out)
{
    if (result_out)
        *result_out = NULL;
    if (!db || !s || !result_out || (!text && len))
        return SCREENER_E_INVALID_ARGUMENT;
    if (len > FOLD_MAX_INPUT)
        return SCREENER_E_TOO_LARGE;
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    s->in_use = 1;
    int rc = scan_message(db, s, (const uint8_t *)(text ? text : ""), len);
    s->in_use = 0;
    if (rc == SCREENER_OK)
        *result_out = &s->result;
    return rc;
}

/* Fold through ft and write the units as UTF-8 (explain's helpers). */
static int fold_to_utf8(const fold_table *ft, const char *text, size_t len, char **out,
                        size_t *out_len)
{
    *out = NULL;
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    int rc = fold_text(ft, (const uint8_t *)(text ? text : ""), len, &fb);
    if (rc) {
        fold_buf_free(&fb);
        return rc;
    }
    uint8_t *o = mem_malloc(fb.n * 3 + 1);
    if (!o) {
        fold_buf_free(&fb);
        return SCREENER_E_NOMEM;
    }
    size_t w = fold_units_utf8(fb.units, fb.n, o);
    o[w] = '\0';
    fold_buf_free(&fb);
    *out = (char *)o;
    if (out_len)
        *out_len = w;
    return SCREENER_OK;
}

SCREENER_API int screener_fold_utf8(const screener_db *db, const char *text, size_t len,
                                    char **out, size_t *out_len)
{
    if (!db || !out || (!text && len))
        return SCREENER_E_INVALID_ARGUMENT;
    return fold_to_utf8(&db->fold, text, len, out, out_len);
}

SCREENER_API int screener_fold_utf8_uncollapsed(const screener_db *db, const char *text,
                                                size_t len, char **out, size_t *out_len)
{
    if (!db || !out || (!text && len))
        return SCREENER_E_INVALID_ARGUMENT;
    fold_table *ft = mem_malloc(sizeof *ft); /* (27 KB: not on the stack) */
    if (!ft)
        return SCREENER_E_NOMEM;
    *ft = db->fold; /* the same trie, repeats kept */
    fold_table_set_collapse(ft, 0);
    int rc = fold_to_utf8(ft, text, len, out, out_len);
    mem_free(ft);
    return rc;
}

SCREENER_API int screener_read_leet(const screener_db *db, const char *text, size_t len,
                                    char **out, size_t *out_len)
{
    if (!db || !out || (!text && len))
        return SCREENER_E_INVALID_ARGUMENT;
    *out = NULL;
    if (len > FOLD_MAX_INPUT) /* (as every entry point: no byte is read) */
        return SCREENER_E_TOO_LARGE;
    leet_view lv;
    memset(&lv, 0, sizeof lv);
    int rc = db->hs_leet ? leet_build(&db->fold, (const uint8_t *)(text ? text : ""), len, NULL, &lv)
                         : SCREENER_OK;
    const char *src = lv.active ? (const char *)lv.text : (text ? text : "");
    size_t n = lv.active ? lv.len : len;
    char *o = rc ? NULL : mem_malloc(n + 1);
    if (!rc && !o)
        rc = SCREENER_E_NOMEM;
    if (!rc) {
        memcpy(o, src, n);
        o[n] = '\0';
        *out = o;
        if (out_len)
            *out_len = n;
    }
    leet_view_free(&lv);
    return rc;
}
