/*
 * variants.h — character mapping tables generated at build time from Debian
 * data packages (see gen_variants.py). Sorted by the first column.
 */
#ifndef SCREENER_NORMALIZE_VARIANTS_H
#define SCREENER_NORMALIZE_VARIANTS_H

#include <stddef.h>
#include <stdint.h>

extern const uint32_t variants_opencc_t2s[][2]; /* OpenCC TSCharacters */
extern const size_t variants_opencc_t2s_count;
extern const uint32_t variants_unihan_t2s[][2]; /* Unihan kSimplifiedVariant */
extern const size_t variants_unihan_t2s_count;
extern const uint32_t variants_radicals[][2];   /* EquivalentUnifiedIdeograph */
extern const size_t variants_radicals_count;
extern const uint32_t variants_simplified[];    /* OpenCC STCharacters keys */
extern const size_t variants_simplified_count;

/* Binary search in a pair table; returns the mapped code point or -1. */
static inline int32_t variants_lookup(const uint32_t (*t)[2], size_t n, uint32_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid][0] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < n && t[lo][0] == c) ? (int32_t)t[lo][1] : -1;
}

/* Index of c in the sorted array, or -1. */
static inline long variants_find(const uint32_t *a, size_t n, uint32_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && a[lo] == c ? (long)lo : -1;
}

/* 1 if c is in the sorted array. */
static inline int variants_contains(const uint32_t *a, size_t n, uint32_t c)
{
    return variants_find(a, n, c) >= 0;
}

#endif
