/*
 * regex_ref.h — a brute-force reference for regex entries (header-only,
 * shared by tests/scan/test_regex_start.c and tests/fuzz/fuzz_regex.c).
 *
 * For every end e and start s within the regex's width of the byte view,
 * one anchored single-pattern scan of the slice from the character before s
 * to the character after e decides whether the regex matches exactly
 * [s, e) in the context of the whole view; the first s is the leftmost
 * start. Slices stay short (width + 2 characters), where Vectorscan 5.4.9's
 * block scan is reliable (it misses matches beyond 64 bytes in some
 * patterns, and gets \b/\B wrong there). Matches are mapped to original
 * bytes and kept one per entry and start, the longest, as the library does.
 * Cost: O(view x width) tiny scans per regex: for short texts only.
 */
#ifndef SCREENER_TESTS_REGEX_REF_H
#define SCREENER_TESTS_REGEX_REF_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "compile/regex.h"
#include "normalize/byteview.h"
#include "screener.h"

typedef struct ref_match {
    uint32_t id;
    size_t start, end;
} ref_match;

typedef struct ref_ctx {
    const byte_view *bv;
    const uint8_t *text;
    size_t len;
    ref_match *m;
    size_t n, cap;
} ref_ctx;

static inline void ref_push(ref_ctx *r, ref_match m)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->m = realloc(r->m, r->cap * sizeof *r->m);
        if (!r->m)
            abort();
    }
    r->m[r->n++] = m;
}

/* Hyperscan callback (view offsets): mapped to original bytes and kept one
 * per entry and start, the longest. */
static inline int on_som(unsigned int id, unsigned long long from, unsigned long long to,
                  unsigned int flags, void *ctx)
{
    (void)flags;
    ref_ctx *r = ctx;
    size_t start = r->bv->from[from];
    size_t end = view_char_end(r->text, r->len, r->bv->from[to - 1]);
    for (size_t i = 0; i < r->n; i++) /* one per entry and start, the longest */
        if (r->m[i].id == id && r->m[i].start == start) {
            if (end > r->m[i].end)
                r->m[i].end = end;
            return 0;
        }
    ref_push(r, (ref_match){id, start, end});
    return 0;
}

static inline int cmp_ref(const void *a, const void *b)
{
    const ref_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Vectorscan's \b and \B are unreliable in long buffers (regex.c), so for
 * dictionaries with them the reference tries every (start, end) within the
 * regex's width: one anchored single-pattern scan of the slice from the
 * character before start to the character after end, with forms
 * ^(?:re)$, ^(?s:.)(?:re')$, ^(?:re)(?s:.)$, ^(?s:.)(?:re')(?s:.)$. */
typedef struct brute {
    hs_database_t *db[4]; /* [left context * 2 + right context], NULL: never */
    uint32_t id, width;
} brute;

static inline int on_any(unsigned int id, unsigned long long from, unsigned long long to,
                  unsigned int flags, void *ctx)
{
    (void)id;
    (void)from;
    (void)flags;
    unsigned long long *want = ctx;
    if (to == want[0])
        want[1] = 1;
    return 0;
}

static inline int brute_init(brute *b, const screener_entry_info *info, uint32_t id, uint32_t width)
{
    b->id = id;
    b->width = width;
    for (int k = 0; k < 4; k++) {
        /* with a character after the end, `$` cannot hold: never-match it
         * (the generator puts `$` nowhere else than as an anchor) */
        char term[600];
        size_t w = 0;
        for (const char *t = info->term; *t && w + 5 < sizeof term; t++) {
            if ((k & 1) && *t == '$' && (t == info->term || t[-1] != '\\')) {
                memcpy(term + w, "\\b\\B", 4);
                w += 4;
            } else {
                term[w++] = *t;
            }
        }
        term[w] = '\0';
        char *f = regex_start_form(term, w, k >> 1);
        char ex[1200];
        snprintf(ex, sizeof ex, "%s%s", f, (k & 1) ? "(?s:.)$" : "$");
        free(f);
        hs_compile_error_t *e = NULL;
        b->db[k] = NULL;
        if (hs_compile(ex, HS_FLAG_UTF8 | HS_FLAG_CASELESS, HS_MODE_BLOCK, NULL, &b->db[k], &e) !=
            HS_SUCCESS) {
            /* "can never match", or "Pattern constraints could not be
             * satisfied" for a `$` followed by a character */
            hs_free_compile_error(e);
        }
    }
    return b->db[0] || b->db[1] || b->db[2] || b->db[3] ? 0 : -1;
}

static inline void brute_free(brute *b)
{
    for (int k = 0; k < 4; k++)
        hs_free_database(b->db[k]);
}

static inline int is_start(const byte_view *bv, size_t i)
{
    return i < bv->n && (bv->text[i] & 0xC0) != 0x80;
}

/* Every (entry, leftmost start, end) of regex b in r->bv, in original bytes,
 * appended to raw (all ends, no de-duplication). */
static inline void brute_matches(const brute *b, hs_scratch_t **hs, ref_ctx *r)
{
    const byte_view *bv = r->bv;
    for (size_t e = 1; e <= bv->n; e++) {
        if (e < bv->n && !is_start(bv, e))
            continue;
        size_t b1 = e;
        if (e < bv->n)
            for (b1 = e + 1; b1 < bv->n && !is_start(bv, b1);)
                b1++;
        for (size_t s = e > b->width ? e - b->width : 0; s < e; s++) {
            if (!is_start(bv, s))
                continue;
            size_t b0 = s;
            if (s > 0)
                for (b0 = s - 1; !is_start(bv, b0);)
                    b0--;
            const hs_database_t *db = b->db[(s > 0) * 2 + (e < bv->n)];
            if (!db)
                continue;
            unsigned long long want[2] = {b1 - b0, 0};
            if (hs_alloc_scratch(db, hs) != HS_SUCCESS ||
                hs_scan(db, (const char *)bv->text + b0, (unsigned)(b1 - b0), 0, *hs, on_any,
                        want) != HS_SUCCESS)
                abort();
            if (want[1]) {
                ref_push(r, (ref_match){b->id, bv->from[s],
                                        view_char_end(r->text, r->len, bv->from[e - 1])});
                break; /* the leftmost start of this end */
            }
        }
    }
}

static inline int same_matches(const ref_match *a, size_t na, const ref_match *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (a[i].id != b[i].id || a[i].start != b[i].start || a[i].end != b[i].end)
            return 0;
    return 1;
}

/* From raw (id, start, end) to one per entry and start, the longest, sorted
 * as the library reports them. */
static inline void ref_longest(const ref_ctx *raw, ref_ctx *out)
{
    out->n = 0;
    for (size_t i = 0; i < raw->n; i++) {
        size_t k = 0;
        while (k < out->n && !(out->m[k].id == raw->m[i].id && out->m[k].start == raw->m[i].start))
            k++;
        if (k == out->n)
            ref_push(out, raw->m[i]);
        else if (raw->m[i].end > out->m[k].end)
            out->m[k].end = raw->m[i].end;
    }
    if (out->n > 1)
        qsort(out->m, out->n, sizeof *out->m, cmp_ref);
}

/* In the list? */
static inline int has(const ref_match *m, size_t n, const ref_match *x)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].id == x->id && m[i].start == x->start && m[i].end == x->end)
            return 1;
    return 0;
}

#endif
