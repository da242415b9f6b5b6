/*
 * fold_speed.c — the fold alone (fold_text, the call a scan makes), per path
 * of normalize/fold_simd.h: MB/s and ns per byte over a corpus, one call per
 * line, the paths interleaved round by round so that they see the same
 * machine. The vector paths run twice: as this CPU takes them, and with the
 * CJK step's codes read the other way (gathers / scalar loads,
 * fold_table.cjk_gather), and the AVX2 path also with and without PDEP
 * (fold_table.pdep_fast), so the choice fold_simd.c makes per CPU can be
 * checked on the machine at hand; the median of the rounds (thread CPU time) is printed. The units folded by every
 * path are checksummed and must agree (a path that differs is reported and
 * the program exits non-zero).
 *
 *   fold_speed CORPUS [ROUNDS [PATH]]   (the built-in table: every family, repeats
 *                                        collapsed; PATH: only that one, for profiling)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normalize/fold.h"
#include "normalize/fold_simd.h"
#include "normalize/foldtable.h"

#include "cpu_clock.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fold_speed CORPUS [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 9;
    if (rounds < 1 || rounds > 99)
        rounds = 9;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)sz + 1);
    if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 1;
    }
    fclose(f);
    size_t nl = 0, cap = 1024, bytes = 0;
    size_t *st = malloc(cap * sizeof *st), *ln = malloc(cap * sizeof *ln);
    for (size_t i = 0; i < (size_t)sz;) {
        size_t j = i;
        while (j < (size_t)sz && buf[j] != '\n')
            j++;
        if (nl == cap) {
            cap *= 2;
            st = realloc(st, cap * sizeof *st);
            ln = realloc(ln, cap * sizeof *ln);
        }
        st[nl] = i;
        ln[nl++] = j - i;
        bytes += j - i;
        i = j + 1;
    }
    fold_build b;
    fold_table ft;
    if (fold_build_table(SCREENER_FOLD_ALL, &b, NULL) ||
        fold_table_open(&ft, b.trie_bin, b.trie_len, b.expand, b.n_expand)) {
        fprintf(stderr, "cannot build the fold table\n");
        return 1;
    }
    fold_table_set_collapse(&ft, 1);
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    /* the variants: every path as this CPU takes it, then the vector paths
     * with the gather switch flipped, and AVX2 with the PDEP switch flipped */
    struct variant {
        int path, gather, pdep;
        char name[24];
    } v[FOLD_PATH_COUNT * 3];
    int nv = 0;
    const int gather0 = ft.cjk_gather, pdep0 = ft.pdep_fast;
    for (int p = 0; p < FOLD_PATH_COUNT; p++) {
        if (!fold_path_supported(p) || (argc > 3 && strcmp(argv[3], fold_path_name(p))))
            continue;
        int vec = p >= FOLD_PATH_AVX2;
        /* (as the CPU takes it: the plain path name, which scripts/bench reads) */
        v[nv] = (struct variant){p, gather0, pdep0, ""};
        snprintf(v[nv].name, sizeof v[nv].name, "%s", fold_path_name(p));
        nv++;
        if (vec) {
            v[nv] = (struct variant){p, !gather0, pdep0, ""};
            snprintf(v[nv].name, sizeof v[nv].name, "%s%s", fold_path_name(p),
                     gather0 ? "/loads" : "/gathers");
            nv++;
        }
        if (p == FOLD_PATH_AVX2) {
            v[nv] = (struct variant){p, gather0, !pdep0, ""};
            snprintf(v[nv].name, sizeof v[nv].name, "avx2/%s%s", pdep0 ? "nopdep" : "pdep",
                     gather0 ? "" : "/loads");
            nv++;
        }
    }
    double t[FOLD_PATH_COUNT * 3][99];
    unsigned long long sum[FOLD_PATH_COUNT * 3] = {0};
    for (int r = 0; r < rounds + 1; r++) /* round 0: warm-up */
        for (int i = 0; i < nv; i++) {
            ft.ascii_path = (uint8_t)v[i].path;
            ft.cjk_gather = (uint8_t)v[i].gather;
            ft.pdep_fast = (uint8_t)v[i].pdep;
            unsigned long long h = 0;
            double t0 = now();
            for (size_t k = 0; k < nl; k++) {
                if (fold_text(&ft, (const uint8_t *)buf + st[k], ln[k], &fb))
                    return 1;
                h = h * 31 + fb.n + (fb.n ? fb.units[fb.n - 1] + fb.flags[fb.n / 2] : 0);
            }
            double dt = now() - t0;
            if (r)
                t[i][r - 1] = dt;
            sum[i] = h;
        }
    int bad = 0;
    printf("%s: %zu lines, %zu bytes, %.1f bytes/line, median of %d rounds; default path: %s "
           "(CJK codes by %s, %s)\n",
           argv[1], nl, bytes, (double)bytes / (double)nl, rounds, fold_path_name(fold_cpu_path()),
           gather0 ? "gathers" : "scalar loads", pdep0 ? "PDEP" : "no PDEP");
    for (int p = 0; p < nv; p++) {
        qsort(t[p], (size_t)rounds, sizeof(double), cmp_double);
        double med = t[p][rounds / 2];
        printf("  %-20s %8.1f MB/s  %6.3f ns/byte  %6.1f ns/line%s\n", v[p].name,
               (double)bytes / med / 1e6, med * 1e9 / (double)bytes, med * 1e9 / (double)nl,
                argc > 3 || sum[p] == sum[0] ? "" : "  OUTPUT DIFFERS FROM SCALAR");
        bad |= argc <= 3 && sum[p] != sum[0];
    }
    fold_buf_free(&fb);
    fold_table_close(&ft);
    fold_build_free(&b);
    free(buf);
    free(st);
    free(ln);
    return bad;
}
