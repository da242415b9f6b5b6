/*
 * leet_speed.c — the leet view's first pass alone (leet_candidate, the call
 * every scan of a database with Latin terms makes; docs/leet.md "The first
 * pass"): ns per message over a corpus, one call per line, for each block
 * width (16-byte SSE2 blocks, 32-byte AVX2 blocks where the CPU has them,
 * and "32-evex": the 32-byte blocks compiled for AVX-512 where the fold's
 * path is AVX-512, else the AVX2 ones again), the widths interleaved round by round so that they see the same machine;
 * the median of the rounds (thread CPU time) is printed. Every width must
 * find the same candidates (a width that differs is reported and the
 * program exits non-zero).
 *
 *   leet_speed CORPUS [ROUNDS [WARM]]
 *
 * WARM (a number of lines): time only the corpus's first WARM lines, each
 * round going over them until as many calls as the whole corpus's are made —
 * texts in the cache, as in a scan, where the fold has just read the text
 * (over a whole corpus of megabytes most of the time is the text's first
 * read from memory).
 *
 * Then the reading (leet_build_with, docs/leet.md "The reading, around the
 * bytes that can take part in it") of every line the first pass keeps, with
 * the default fold table (built here with ICU, repeats collapsed): ns per
 * reading (median of the rounds), how many read differently, and a digest
 * of every reading (text, original bytes, substituted bytes, folded units)
 * that two builds which read alike print alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normalize/foldtable.h"
#include "normalize/leet.h"
#include "screener.h"

#include "cpu_clock.h"

#define WIDTHS 3

/* FNV-1a over len bytes. */
static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* The readings of the lines the first pass keeps: ns per reading and a
 * digest (module comment). */
static int time_readings(const char *text, const size_t *off, const size_t *ln, size_t n, int rounds)
{
    fold_build fb;
    fold_table ft;
    if (fold_build_table(SCREENER_FOLD_ALL, &fb, NULL) != SCREENER_OK ||
        fold_table_open(&ft, fb.trie_bin, fb.trie_len, fb.expand, fb.n_expand) != SCREENER_OK) {
        fprintf(stderr, "leet_speed: cannot build the fold table\n");
        return 1;
    }
    fold_table_set_collapse(&ft, 1);
    size_t *cand = malloc(n * sizeof *cand), k = 0;
    double *t = malloc((size_t)rounds * sizeof(double));
    if (!cand || !t) {
        fprintf(stderr, "leet_speed: out of memory\n");
        return 1;
    }
    for (size_t j = 0; j < n; j++)
        if (leet_candidate((const uint8_t *)text + off[j], ln[j]))
            cand[k++] = j;
    leet_view lv;
    memset(&lv, 0, sizeof lv);
    long active = 0;
    uint64_t digest = 0xcbf29ce484222325ull;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        for (size_t q = 0; q < k; q++)
            if (leet_build_with(&ft, (const uint8_t *)text + off[cand[q]], ln[cand[q]], &lv, 0)) {
                fprintf(stderr, "leet_speed: the reading of line %zu failed\n", cand[q] + 1);
                return 1;
            }
        t[r] = now() - t0;
    }
    for (size_t q = 0; q < k; q++) { /* (outside the clock) */
        leet_build_with(&ft, (const uint8_t *)text + off[cand[q]], ln[cand[q]], &lv, 0);
        if (!lv.active)
            continue;
        active++;
        digest = fnv(digest, &q, sizeof q);
        digest = fnv(digest, lv.text, lv.len);
        digest = fnv(digest, lv.orig, (lv.len + 1) * sizeof *lv.orig);
        digest = fnv(digest, lv.sub, lv.len);
        digest = fnv(digest, lv.folded.units, lv.folded.n * sizeof *lv.folded.units);
    }
    qsort(t, (size_t)rounds, sizeof(double), cmp_double);
    printf("reading    candidates=%zu read=%ld ns/reading=%.1f digest=%016llx\n", k, active,
           k ? t[rounds / 2] * 1e9 / (double)k : 0.0, (unsigned long long)digest);
    leet_view_free(&lv);
    free(cand);
    free(t);
    fold_table_close(&ft);
    fold_build_free(&fb);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: leet_speed CORPUS [ROUNDS [WARM]]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 9;
    long warm = argc > 3 ? atol(argv[3]) : 0;
    if (rounds < 1 || rounds > 1000 || warm < 0) {
        fprintf(stderr, "leet_speed: ROUNDS must be 1..1000 and WARM at least 0\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    size_t got;
    while (text && (got = fread(text + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *t = realloc(text, cap *= 2);
            if (!t) {
                free(text);
                text = NULL;
            }
            text = t;
        }
    }
    fclose(f);
    if (!text) {
        fprintf(stderr, "leet_speed: out of memory reading %s\n", argv[1]);
        return 1;
    }
    size_t n_lines = 0;
    for (size_t i = 0; i < len; i++)
        n_lines += text[i] == '\n';
    n_lines++;
    size_t *off = malloc(n_lines * sizeof *off), *ln = malloc(n_lines * sizeof *ln), n = 0;
    if (!off || !ln) {
        fprintf(stderr, "leet_speed: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        off[n] = i;
        ln[n] = e - i;
        n++;
        i = e + 1;
    }
    if (n == 0) {
        fprintf(stderr, "leet_speed: %s has no lines\n", argv[1]);
        return 1;
    }
    size_t calls = n, used = warm > 0 && (size_t)warm < n ? (size_t)warm : n;
    double *t[WIDTHS];
    long cand[WIDTHS];
    for (int w = 0; w < WIDTHS; w++) {
        t[w] = malloc((size_t)rounds * sizeof(double));
        if (!t[w]) {
            fprintf(stderr, "leet_speed: out of memory\n");
            return 1;
        }
    }
    for (int r = 0; r < rounds; r++)
        for (int w = 0; w < WIDTHS; w++) {
            long c = 0;
            double t0 = now();
            for (size_t k = 0, j = 0; k < calls; k++, j = j + 1 == used ? 0 : j + 1)
                c += leet_candidate_with((const uint8_t *)text + off[j], ln[j], w);
            t[w][r] = now() - t0;
            cand[w] = c;
        }
    int bad = 0;
    printf("messages=%zu calls=%zu over %zu lines, rounds=%d\n", n, calls, used, rounds);
    for (int w = 0; w < WIDTHS; w++) {
        qsort(t[w], (size_t)rounds, sizeof(double), cmp_double);
        printf("%-10s candidates=%ld ns/message=%.1f\n", w == 2 ? "32-evex" : w ? "32-byte" : "16-byte", cand[w],
               t[w][rounds / 2] * 1e9 / (double)calls);
        if (cand[w] != cand[0]) {
            fprintf(stderr, "leet_speed: the widths disagree (%ld and %ld candidates)\n", cand[0],
                    cand[w]);
            bad = 1;
        }
    }
    if (!bad)
        bad = time_readings(text, off, ln, n, rounds);
    return bad;
}
