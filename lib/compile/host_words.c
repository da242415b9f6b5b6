/*
 * host_words.c — word-aware allow entries for Chinese deny terms.
 *
 * Chinese has no spaces, so a deny term can sit inside an ordinary word
 * across that word's own internal boundary: 性病 in 慢性病 (慢性|病), 口交 in
 * 路口交通. At compile time, every word W of the built-in word list
 * (zh_data.h: jieba's dictionary, frequency >= zh_word_min_freq) that
 * contains a written all-Han deny term T of 2+ characters is segmented
 * without using W itself (the most probable split into listed words, by
 * their frequencies, as jieba does); if the split cuts through T — T does
 * not start and end on a split point — W becomes an allow entry
 * ("host word of T") that suppresses matches of T — and
 * only of T (scan/collect.c) — inside it. 性病患者 (性病|患者) does not.
 * Other terms inside W are still reported: in 南京大屠杀 (南京|大屠杀) the
 * host word suppresses 南京大, not 屠杀.
 *
 * Never when W is itself a written deny term. Off with
 * SCREENER_COMPILE_NO_HOST_WORDS.
 *
 * Cost: O(words x substrings x log terms); ~52k words, each of at most 16
 * characters.
 */
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/error.h"
#include "common/utf8.h"
#include "screener.h"
#include "variants.h"
#include "zh_data.h"

#define MAX_WORD ZH_MAX_SPLIT /* characters */

typedef struct term_ref {
    char *text; /* folded, UTF-8 */
    size_t len;
    size_t entry;
} term_ref;

static int cmp_ref(const void *a, const void *b)
{
    const term_ref *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return (x->entry > y->entry) - (x->entry < y->entry);
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

/* First ref equal to s[0..n), or nt. */
static size_t find_ref(const term_ref *t, size_t nt, const char *s, size_t n)
{
    size_t lo = 0, hi = nt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_bytes(t[mid].text, t[mid].len, s, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nt && t[lo].len == n && memcmp(t[lo].text, s, n) == 0 ? lo : nt;
}

/* Written all-Han deny terms of 2..MAX_WORD characters, folded. */
static int collect_terms(variants_ctx *v, term_ref **out, size_t *n_out)
{
    term_ref *t = mem_malloc((v->n_written ? v->n_written : 1) * sizeof *t);
    size_t n = 0;
    if (!t)
        return -1;
    for (size_t i = 0; i < v->n_written; i++) {
        const dict_entry *e = &v->set->entries[i];
        if (e->flags & (SCREENER_ENTRY_ALLOW | SCREENER_ENTRY_REGEX | SCREENER_ENTRY_DETECTOR))
            continue;
        uint32_t cps[MAX_WORD];
        size_t k;
        if (variants_folded_cps(v, e, cps, MAX_WORD, &k)) {
            *out = t;
            *n_out = n;
            return -2; /* out of memory, already reported */
        }
        size_t ok = k >= 2;
        for (size_t j = 0; j < k && ok; j++)
            ok = zh_reading_index(cps[j]) >= 0;
        if (!ok)
            continue;
        uint8_t u[MAX_WORD * 4];
        size_t len = 0;
        for (size_t j = 0; j < k; j++)
            len += utf8_put(u + len, cps[j]);
        t[n].text = mem_malloc(len);
        if (!t[n].text) {
            *out = t;
            *n_out = n;
            return -1;
        }
        memcpy(t[n].text, u, len);
        t[n].len = len;
        t[n].entry = i;
        n++;
    }
    qsort(t, n, sizeof *t, cmp_ref);
    *out = t;
    *n_out = n;
    return 0;
}

/* Allow entries for word k of the list, if it hosts a term across a split. */
static int host_word(variants_ctx *v, const term_ref *t, size_t nt, size_t k)
{
    const char *w = zh_word_pool + zh_word_off[k];
    size_t wl = strlen(w), off[MAX_WORD + 1], n = 0;
    for (size_t p = 0; p < wl; n++) {
        if (n == MAX_WORD)
            return SCREENER_OK;
        off[n] = p;
        utf8_next((const uint8_t *)w, wl, &p);
    }
    off[n] = wl;
    if (n < 3 || find_ref(t, nt, w, wl) < nt)
        return SCREENER_OK; /* too short to host a term, or itself a term */
    uint8_t cut[MAX_WORD + 1];
    int split = 0;
    size_t hosts[MAX_WORD * MAX_WORD], nh = 0;
    uint8_t aligned[MAX_WORD * MAX_WORD];
    for (size_t s = 0; s + 2 <= n; s++) {
        for (size_t e = s + 2; e <= n; e++) {
            if (s == 0 && e == n)
                continue;
            size_t r = find_ref(t, nt, w + off[s], off[e] - off[s]);
            if (r == nt)
                continue;
            if (!split) {
                zh_split(w, off, n, 0, cut);
                split = 1;
            }
            for (; r < nt && t[r].len == off[e] - off[s] &&
                   memcmp(t[r].text, w + off[s], t[r].len) == 0; r++) {
                size_t h = 0;
                while (h < nh && hosts[h] != t[r].entry)
                    h++;
                if (h == nh && nh < sizeof hosts / sizeof hosts[0]) {
                    aligned[nh] = 0;
                    hosts[nh++] = t[r].entry;
                }
                if (h < nh && cut[s] && cut[e])
                    aligned[h] = 1; /* the term lines up with the split: W contains it */
            }
        }
    }
    for (size_t h = 0; h < nh; h++) {
        if (aligned[h])
            continue;
        int rc = variants_add(v, hosts[h], w, wl, VK_HOST_WORD);
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

int host_words_generate(variants_ctx *v)
{
    if (v->compile_flags & SCREENER_COMPILE_NO_HOST_WORDS)
        return SCREENER_OK;
    term_ref *t = NULL;
    size_t nt = 0;
    int rc = SCREENER_OK;
    int cr = collect_terms(v, &t, &nt);
    if (cr == -1)
        rc = err_set(v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    else if (cr)
        rc = SCREENER_E_NOMEM;
    for (size_t k = 0; k < zh_word_count && nt && rc == SCREENER_OK; k++)
        rc = host_word(v, t, nt, k);
    for (size_t i = 0; i < nt; i++)
        mem_free(t[i].text);
    mem_free(t);
    return rc;
}
