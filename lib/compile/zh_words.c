/*
 * zh_words.c — segmentation over the built-in word list (see zh_data.h).
 */
#include <math.h>
#include <string.h>

#include "zh_data.h"

double zh_split(const char *w, const size_t *off, size_t n, int whole_ok, uint8_t *cut)
{
    double best[ZH_MAX_SPLIT + 1], lt = zh_word_log_total;
    size_t from[ZH_MAX_SPLIT + 1];
    if (n > ZH_MAX_SPLIT)
        n = ZH_MAX_SPLIT;
    best[0] = 0;
    for (size_t i = 1; i <= n; i++) {
        best[i] = -HUGE_VAL;
        from[i] = i - 1;
        for (size_t j = 0; j < i; j++) {
            if (j == 0 && i == n && !whole_ok && n > 1)
                continue;
            if (best[j] == -HUGE_VAL)
                continue;
            uint32_t f = zh_word_frequency(w + off[j], off[i] - off[j]);
            if (f == 0 && i - j > 1)
                continue;
            double s = best[j] + log(f ? (double)f : 1.0) - lt;
            if (s > best[i]) {
                best[i] = s;
                from[i] = j;
            }
        }
    }
    if (cut) {
        memset(cut, 0, n + 1);
        for (size_t i = n; i > 0; i = from[i])
            cut[i] = 1;
        cut[0] = 1;
    }
    return best[n];
}
