/*
 * detect.c — built-in private-information detectors (see detect.h).
 */
#include "detect.h"

#include <string.h>

static const char *const names[] = {NULL, "cn_mobile", "cn_id", "bank_card"};

int detect_find(const char *name, size_t len)
{
    for (int k = 1; k < (int)(sizeof names / sizeof names[0]); k++)
        if (strlen(names[k]) == len && memcmp(names[k], name, len) == 0)
            return k;
    return -1;
}

static int is_digit(uint16_t u)
{
    return u >= '0' && u <= '9';
}

int detect_is_cn_mobile(const uint16_t *d, size_t n)
{
    return n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

int detect_is_cn_id(const uint16_t *d, size_t n)
{
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[11] = {'1', '0', 'x', '9', '8', '7', '6', '5', '4', '3', '2'};
    if (n != 18)
        return 0;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(d[i]))
            return 0;
        sum += (d[i] - '0') * weight[i];
    }
    uint16_t last = d[17] == 'X' ? 'x' : d[17];
    if (last != (uint16_t)check[sum % 11])
        return 0;
    /* date of birth YYYYMMDD at offset 6: a plausible calendar date */
    int year = 0, month = 0, day = 0;
    for (int i = 6; i < 10; i++)
        year = year * 10 + (d[i] - '0');
    month = (d[10] - '0') * 10 + (d[11] - '0');
    day = (d[12] - '0') * 10 + (d[13] - '0');
    return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

int detect_is_luhn(const uint16_t *d, size_t n)
{
    if (n < 16 || n > 19)
        return 0;
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = d[n - 1 - i] - '0';
        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

void detect_run(int kind, const uint16_t *units, size_t n,
                void (*found)(void *ctx, size_t start, size_t end), void *ctx)
{
    size_t i = 0;
    while (i < n) {
        if (!is_digit(units[i])) {
            i++;
            continue;
        }
        size_t b = i;
        while (i < n && is_digit(units[i]))
            i++;
        size_t e = i;
        /* an ID number may end in X (folded to x) */
        if (kind == DETECT_CN_ID && e - b == 17 && e < n && (units[e] == 'x' || units[e] == 'X'))
            e++;
        int ok = kind == DETECT_CN_MOBILE ? detect_is_cn_mobile(units + b, e - b)
               : kind == DETECT_CN_ID     ? detect_is_cn_id(units + b, e - b)
                                          : detect_is_luhn(units + b, e - b);
        if (ok)
            found(ctx, b, e);
        i = e > i ? e : i;
    }
}
