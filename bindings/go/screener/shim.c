/* shim.c — see shim.h. */
#define _POSIX_C_SOURCE 200809L
#include "shim.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

scrgo_scratch *scrgo_scratch_new(const screener_db *db, int *rc)
{
    scrgo_scratch *g = calloc(1, sizeof *g);
    if (!g) {
        *rc = SCREENER_E_NOMEM;
        return NULL;
    }
    *rc = screener_scratch_alloc(db, &g->s);
    if (*rc != SCREENER_OK) {
        free(g);
        return NULL;
    }
    return g;
}

void scrgo_scratch_free(scrgo_scratch *g)
{
    if (!g)
        return;
    screener_scratch_free(g->s);
    free(g->terms);
    free(g->term_lens);
    free(g->msgs);
    free(g->sbuf);
    free(g->h_terms);
    free(g->h_mcats);
    free(g->h_vcats);
    free(g);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

static int fill_terms(const screener_db *db, scrgo_scratch *g,
                      const screener_result *res, size_t n)
{
    size_t total = 0, cats = 0;
    for (size_t i = 0; i < n; i++) {
        total += res[i].n_matches;
        cats += res[i].n_categories;
    }
    g->n_categories = cats;
    if (total > g->terms_cap) {
        size_t cap = g->terms_cap;
        if (!grow((void **)&g->terms, &cap, total, sizeof *g->terms))
            return SCREENER_E_NOMEM;
        void *p = realloc(g->term_lens, cap * sizeof *g->term_lens);
        if (!p)
            return SCREENER_E_NOMEM;
        g->term_lens = p;
        g->terms_cap = cap;
    }
    size_t k = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < res[i].n_matches; j++) {
            screener_entry_info info;
            if (screener_db_entry(db, res[i].matches[j].entry_id, &info) != SCREENER_OK)
                info.term = "";
            size_t len = strlen(info.term);
            g->terms[k] = info.term;
            g->term_lens[k] = (uint32_t)len;
            bytes += len;
            k++;
        }
    }
    g->terms_bytes = bytes;
    return SCREENER_OK;
}

int scrgo_scan(const screener_db *db, scrgo_scratch *g, const char *text, size_t len)
{
    g->res = NULL;
    int rc = screener_scan(db, g->s, text, len, &g->res);
    if (rc != SCREENER_OK)
        return rc;
    return fill_terms(db, g, g->res, 1);
}

int scrgo_scan_batch(const screener_db *db, scrgo_scratch *g, const char *buf,
                  const size_t *offs, size_t n)
{
    g->res = NULL;
    if (!grow((void **)&g->msgs, &g->msgs_cap, n, sizeof *g->msgs))
        return SCREENER_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        g->msgs[i].text = buf ? buf + offs[i] : NULL;
        g->msgs[i].len = offs[i + 1] - offs[i];
    }
    int rc = screener_scan_batch(db, g->s, g->msgs, n, &g->res);
    /* Keep no pointer into Go memory past the call. */
    memset(g->msgs, 0, n * sizeof *g->msgs);
    if (rc != SCREENER_OK)
        return rc;
    return fill_terms(db, g, g->res, n);
}

int scrgo_set_profile(scrgo_scratch *g, const screener_profile *p, uint64_t id)
{
    int rc = screener_scratch_set_profile(g->s, p);
    g->profile_id = rc == SCREENER_OK ? id : 0;
    if (rc != SCREENER_OK)
        screener_scratch_set_profile(g->s, NULL); /* a known state: the defaults */
    return rc;
}

int scrgo_stream_write(const screener_db *db, scrgo_scratch *g, screener_stream *st,
                       const char *chunk, size_t len)
{
    g->res = NULL;
    int rc = screener_stream_write(st, g->s, chunk, len, &g->res);
    if (rc != SCREENER_OK)
        return rc;
    return fill_terms(db, g, g->res, 1);
}

int scrgo_stream_close(const screener_db *db, scrgo_scratch *g, screener_stream *st)
{
    g->res = NULL;
    int rc = screener_stream_close(st, g->s, &g->res);
    if (rc != SCREENER_OK)
        return rc;
    return fill_terms(db, g, g->res, 1);
}

scrgo_scratch *scrgo_scratch_new_h(screener_handle *hd, int *rc)
{
    const screener_db *db = screener_handle_acquire(hd, NULL);
    scrgo_scratch *g = scrgo_scratch_new(db, rc);
    screener_handle_release(hd, db);
    return g;
}

static int sbuf_add(scrgo_scratch *g, const char *s, scrgo_str *out)
{
    size_t n = s ? strlen(s) : 0;
    if (g->sbuf_len + n > UINT32_MAX)
        return SCREENER_E_TOO_LARGE;
    if (!grow((void **)&g->sbuf, &g->sbuf_cap, g->sbuf_len + n + 1, 1))
        return SCREENER_E_NOMEM;
    if (n)
        memcpy(g->sbuf + g->sbuf_len, s, n);
    out->off = (uint32_t)g->sbuf_len;
    out->len = (uint32_t)n;
    g->sbuf_len += n;
    return SCREENER_OK;
}

static int copy_strings(const screener_db *db, scrgo_scratch *g,
                        const screener_result *res, size_t n)
{
    size_t total = 0, cats = 0;
    for (size_t i = 0; i < n; i++) {
        total += res[i].n_matches;
        cats += res[i].n_categories;
    }
    g->n_categories = cats;
    g->sbuf_len = 0;
    if (total > g->h_cap) {
        size_t cap = g->h_cap;
        if (!grow((void **)&g->h_terms, &cap, total, sizeof *g->h_terms))
            return SCREENER_E_NOMEM;
        void *p = realloc(g->h_mcats, cap * sizeof *g->h_mcats);
        if (!p)
            return SCREENER_E_NOMEM;
        g->h_mcats = p;
        g->h_cap = cap;
    }
    if (!grow((void **)&g->h_vcats, &g->h_vcap, cats, sizeof *g->h_vcats))
        return SCREENER_E_NOMEM;
    int rc = sbuf_add(g, screener_db_fingerprint(db), &g->h_fp);
    size_t k = 0, c = 0;
    for (size_t i = 0; i < n && rc == SCREENER_OK; i++) {
        for (size_t j = 0; j < res[i].n_matches && rc == SCREENER_OK; j++, k++) {
            const screener_match *m = &res[i].matches[j];
            screener_entry_info info;
            if (screener_db_entry(db, m->entry_id, &info) != SCREENER_OK)
                info.term = "";
            rc = sbuf_add(g, info.term, &g->h_terms[k]);
            if (rc == SCREENER_OK)
                rc = sbuf_add(g, screener_db_category_name(db, m->category_id), &g->h_mcats[k]);
        }
        for (size_t j = 0; j < res[i].n_categories && rc == SCREENER_OK; j++, c++)
            rc = sbuf_add(g, screener_db_category_name(db, res[i].categories[j]), &g->h_vcats[c]);
    }
    return rc;
}

int scrgo_handle_scan(screener_handle *hd, scrgo_scratch *g, const char *text,
                      size_t len)
{
    const screener_db *db = screener_handle_acquire(hd, &g->h_version);
    g->res = NULL;
    int rc = screener_scan(db, g->s, text, len, &g->res);
    if (rc == SCREENER_OK)
        rc = copy_strings(db, g, g->res, 1);
    screener_handle_release(hd, db);
    return rc;
}

int scrgo_handle_scan_batch(screener_handle *hd, scrgo_scratch *g,
                            const char *buf, const size_t *offs, size_t n)
{
    if (!grow((void **)&g->msgs, &g->msgs_cap, n, sizeof *g->msgs))
        return SCREENER_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        g->msgs[i].text = buf ? buf + offs[i] : NULL;
        g->msgs[i].len = offs[i + 1] - offs[i];
    }
    const screener_db *db = screener_handle_acquire(hd, &g->h_version);
    g->res = NULL;
    int rc = screener_scan_batch(db, g->s, g->msgs, n, &g->res);
    memset(g->msgs, 0, n * sizeof *g->msgs);
    if (rc == SCREENER_OK)
        rc = copy_strings(db, g, g->res, n);
    screener_handle_release(hd, db);
    return rc;
}

int scrgo_mask(const screener_db *db, scrgo_scratch *g, const char *text,
               size_t len, unsigned flags, uint32_t mask_char, char **out,
               size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    return screener_mask(db, g->s, text, len, flags, mask_char, out, out_len);
}

int scrgo_handle_mask(screener_handle *hd, scrgo_scratch *g, const char *text,
                      size_t len, unsigned flags, uint32_t mask_char,
                      char **out, size_t *out_len)
{
    const screener_db *db = screener_handle_acquire(hd, NULL);
    int rc = scrgo_mask(db, g, text, len, flags, mask_char, out, out_len);
    screener_handle_release(hd, db);
    return rc;
}

void scrgo_error_get(const screener_error *err, scrgo_error_info *out)
{
    out->status = screener_error_status(err);
    out->message = screener_error_message(err);
    out->file = screener_error_file(err);
    out->line = screener_error_line(err);
}

void scrgo_db_info_get(const screener_db *db, scrgo_db_info *out)
{
    out->entry_count = screener_db_entry_count(db);
    out->category_count = screener_db_category_count(db);
    out->fold_flags = screener_db_fold_flags(db);
    out->fingerprint = screener_db_fingerprint(db);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t scrgo_bench_scan(const screener_db *db, scrgo_scratch *g, const char *text,
                      size_t len, int64_t n)
{
    const screener_result *res;
    int64_t t0 = now_ns();
    for (int64_t i = 0; i < n; i++) {
        int rc = screener_scan(db, g->s, text, len, &res);
        if (rc != SCREENER_OK)
            return rc;
    }
    return now_ns() - t0;
}

int64_t scrgo_bench_scan_batch(const screener_db *db, scrgo_scratch *g,
                            const char *buf, const size_t *offs, size_t n,
                            int64_t rounds)
{
    if (!grow((void **)&g->msgs, &g->msgs_cap, n, sizeof *g->msgs))
        return SCREENER_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        g->msgs[i].text = buf ? buf + offs[i] : NULL;
        g->msgs[i].len = offs[i + 1] - offs[i];
    }
    const screener_result *res;
    int64_t t0 = now_ns();
    int rc = SCREENER_OK;
    for (int64_t r = 0; r < rounds && rc == SCREENER_OK; r++)
        rc = screener_scan_batch(db, g->s, g->msgs, n, &res);
    int64_t dt = now_ns() - t0;
    memset(g->msgs, 0, n * sizeof *g->msgs);
    return rc != SCREENER_OK ? rc : dt;
}

int scrgo_load_verified(screener_handle *h, const char *path, const char *const *key_paths,
                        size_t n, screener_db **db_out, screener_error **err_out)
{
    screener_key **keys = calloc(n ? n : 1, sizeof *keys);
    if (!keys)
        return SCREENER_E_NOMEM;
    int rc = SCREENER_OK;
    size_t k = 0;
    for (; k < n && rc == SCREENER_OK; k++)
        rc = screener_key_load(key_paths[k], SCREENER_KEY_PUBLIC, &keys[k], err_out);
    if (rc == SCREENER_OK) {
        screener_load_options lo;
        memset(&lo, 0, sizeof lo);
        lo.struct_size = sizeof lo;
        lo.trusted_keys = (const screener_key *const *)keys;
        lo.n_trusted_keys = n;
        rc = h ? screener_handle_load_ex(h, path, &lo, err_out)
               : screener_db_load_ex(path, &lo, db_out, err_out);
    }
    for (size_t i = 0; i < n; i++)
        screener_key_free(keys[i]);
    free(keys);
    return rc;
}

int scrgo_save_signed(const screener_db *db, const char *path, const char *key_path,
                      screener_error **err_out)
{
    screener_key *k = NULL;
    int rc = screener_key_load(key_path, SCREENER_KEY_SECRET, &k, err_out);
    if (rc == SCREENER_OK)
        rc = screener_db_save_signed(db, path, k, err_out);
    screener_key_free(k);
    return rc;
}
