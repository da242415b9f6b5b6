/*
 * numerals.c — numeral forms of dictionary terms (see numerals.h).
 */
#include "common/alloc.h"
#include "numerals.h"

#include <stdlib.h>
#include <string.h>

#include "normalize/fold.h"

/* The numerals people write for each digit, by style: lower-case, lower-case
 * with 〇, financial, read-aloud (幺 for 1, 两 for 2). */
#define STYLES 4
static const uint16_t styles[STYLES][10] = {
    {0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D},
    {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D},
    {0x96F6, 0x58F9, 0x8D30, 0x53C1, 0x8086, 0x4F0D, 0x9646, 0x67D2, 0x634C, 0x7396},
    {0x96F6, 0x5E7A, 0x4E24, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D},
};

/* 1 if the table reads c (as a folded unit) as digit d. */
static int reads_as(const fold_table *ft, uint16_t c, int d)
{
    uint32_t v = fold_value(ft, c);
    return FV_KIND(v) == FV_IDENT && fv_numeral(v) == d;
}

/* The distinct numerals of digit d in any style that the table confirms. */
static size_t alternatives(const fold_table *ft, int d, uint16_t *alt)
{
    size_t k = 0;
    for (int s = 0; s < STYLES; s++) {
        uint16_t c = styles[s][d];
        int seen = 0;
        for (size_t j = 0; j < k; j++)
            seen |= alt[j] == c;
        if (!seen && reads_as(ft, c, d))
            alt[k++] = c;
    }
    return k;
}

/* Every combination: each digit as itself or one of its numerals. */
static int all_combinations(const fold_table *ft, uint16_t *w, size_t n, const size_t *pos,
                            size_t np, numeral_form_fn fn, void *ctx)
{
    uint16_t alt[16][STYLES + 1];
    size_t k[16], at[16] = {0};
    for (size_t i = 0; i < np; i++) {
        alt[i][0] = w[pos[i]];
        k[i] = 1 + alternatives(ft, w[pos[i]] - '0', alt[i] + 1);
    }
    for (;;) {
        size_t i = 0; /* odometer: next combination */
        while (i < np && ++at[i] == k[i])
            at[i++] = 0;
        if (i == np)
            return 0; /* back to all ASCII: done */
        for (size_t j = 0; j < np; j++)
            w[pos[j]] = alt[j][at[j]];
        int rc = fn(ctx, w, n);
        if (rc)
            return rc;
    }
}

int numeral_forms(const fold_table *ft, const uint16_t *u, size_t n, numeral_form_fn fn,
                  void *ctx)
{
    size_t np = 0, combos = 1;
    for (size_t i = 0; i < n; i++) {
        if (u[i] < '0' || u[i] > '9')
            continue;
        uint16_t alt[STYLES];
        size_t k = alternatives(ft, u[i] - '0', alt);
        if (combos <= NUMERAL_FORMS_MAX + 1)
            combos *= 1 + k;
        np++;
    }
    if (np == 0)
        return 0;
    uint16_t *w = mem_malloc(n * sizeof(uint16_t));
    size_t *pos = mem_malloc(np * sizeof(size_t));
    if (!w || !pos) {
        mem_free(w);
        mem_free(pos);
        return -1;
    }
    memcpy(w, u, n * sizeof(uint16_t));
    np = 0;
    for (size_t i = 0; i < n; i++)
        if (u[i] >= '0' && u[i] <= '9')
            pos[np++] = i;
    int rc = 0;
    if (combos - 1 <= NUMERAL_FORMS_MAX && np <= 16) {
        rc = all_combinations(ft, w, n, pos, np, fn, ctx);
    } else {
        for (int s = 0; s < STYLES && !rc; s++) {
            int ok = 1, same_as_earlier = 0;
            for (int t = 0; t < s; t++) {
                int same = 1;
                for (size_t j = 0; j < np; j++)
                    same &= styles[t][u[pos[j]] - '0'] == styles[s][u[pos[j]] - '0'];
                same_as_earlier |= same;
            }
            for (size_t j = 0; j < np; j++) {
                int d = u[pos[j]] - '0';
                ok &= reads_as(ft, styles[s][d], d);
                w[pos[j]] = styles[s][d];
            }
            if (ok && !same_as_earlier)
                rc = fn(ctx, w, n);
        }
    }
    mem_free(w);
    mem_free(pos);
    return rc;
}
