/* Digit forms and Chinese numerals in the fold table (table_digits.c):
 * generated from ICU's numeric properties, not from a list of examples. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#include "fold_fixture.h"
#include "common/utf8.h"
#include "normalize/fold.h"
#include "normalize/foldtable.h"

static fold_build fbuild;
static fold_table ft;
static fold_buf fb;

static void setup(void)
{
    memset(&fb, 0, sizeof fb);
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
    fold_table_set_collapse(&ft, 1);
}

static void teardown(void)
{
    fold_fixture_close(&fbuild, &ft);
    fold_buf_free(&fb);
}

/* Fold the code point c repeated `times` times; the folded units as ASCII
 * (non-ASCII units as '?'). */
static const char *fold_rep(UChar32 c, int times)
{
    static char out[64];
    uint8_t in[16];
    size_t n = 0;
    for (int t = 0; t < times; t++)
        n += utf8_put(in + n, (uint32_t)c);
    cr_assert_eq(fold_text(&ft, in, n, &fb), SCREENER_OK);
    size_t w = 0;
    for (size_t i = 0; i < fb.n && w + 1 < sizeof out; i++)
        out[w++] = fb.units[i] < 0x80 ? (char)fb.units[i] : '?';
    out[w] = 0;
    return out;
}

/* 1 if NFKC makes c a letter (㊀ -> 一) or a fraction (↉ -> 0⁄3): such
 * characters are not digit forms. */
static int nfkc_has_letter(UChar32 c)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    UChar src[2], dst[32];
    int32_t sn = 0;
    U16_APPEND_UNSAFE(src, sn, c);
    int32_t dn = unorm2_normalize(nfkc, src, sn, dst, 32, &st);
    cr_assert(U_SUCCESS(st));
    for (int32_t i = 0; i < dn; i++)
        if (u_isalpha(dst[i]) || dst[i] == 0x2044)
            return 1;
    return 0;
}

TestSuite(digits, .init = setup, .fini = teardown);

/* Every Nd/No code point with a whole value 0..99 folds to that number in
 * ASCII digits, alone and doubled (never collapsed as a repeated letter). */
Test(digits, every_digit_form_reads_as_ascii_digits)
{
    int checked = 0, failed = 0;
    for (UChar32 c = 0x80; c <= 0x10FFFF; c++) {
        if (!(U_GET_GC_MASK(c) & (U_GC_ND_MASK | U_GC_NO_MASK)))
            continue;
        double v = u_getNumericValue(c);
        if (v == U_NO_NUMERIC_VALUE || v < 0 || v > 99 || v != (double)(int)v)
            continue;
        if (nfkc_has_letter(c))
            continue;
        char want[8], want2[16];
        snprintf(want, sizeof want, "%d", (int)v);
        snprintf(want2, sizeof want2, "%s%s", want, want);
        const char *got = fold_rep(c, 1);
        if (strcmp(got, want) != 0 && failed++ < 10)
            cr_log_error("U+%04X folds to \"%s\", want \"%s\"", (unsigned)c, got, want);
        got = fold_rep(c, 2);
        if (strcmp(got, want2) != 0 && failed++ < 10)
            cr_log_error("U+%04X twice folds to \"%s\", want \"%s\"", (unsigned)c, got, want2);
        checked++;
    }
    cr_log_info("%d digit forms checked", checked);
    cr_assert_gt(checked, 700);
    cr_assert_eq(failed, 0);
}

/* The forms the issue names, spelled out. */
Test(digits, named_dingbat_negative_and_double_circled_digits)
{
    static const struct { UChar32 first; int from, count; } sets[] = {
        {0x2776, 1, 10}, /* ❶..❿ */ {0x2780, 1, 10}, /* ➀..➉ */
        {0x278A, 1, 10}, /* ➊..➓ */ {0x24F5, 1, 10}, /* ⓵..⓾ */
        {0x24EB, 11, 10}, /* ⓫..⓴ */ {0x24FF, 0, 1}, /* ⓿ */
        {0x1F10B, 0, 2}, /* 🄋 🄌 */ {0x2460, 1, 20}, /* ①..⑳ */
        {0x2474, 1, 20}, /* ⑴..⒇ */ {0x2488, 1, 20}, /* ⒈..⒛ */
    };
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++)
        for (int k = 0; k < sets[s].count; k++) {
            char want[8];
            int v = sets[s].first == 0x1F10B ? 0 : sets[s].from + k;
            snprintf(want, sizeof want, "%d", v);
            cr_assert_str_eq(fold_rep(sets[s].first + k, 1), want, "U+%04X",
                             (unsigned)(sets[s].first + k));
        }
    cr_assert_str_eq(fold_rep(0x24FF, 2), "00"); /* ⓿⓿ */
}

Test(digits, keycap_sequences_read_as_their_digit)
{
    const char *s = "1\xEF\xB8\x8F\xE2\x83\xA3" "3\xEF\xB8\x8F\xE2\x83\xA3"; /* 1️⃣3️⃣ */
    cr_assert_eq(fold_text(&ft, (const uint8_t *)s, strlen(s), &fb), SCREENER_OK);
    cr_assert_eq(fb.n, 2);
    cr_assert(fb.units[0] == '1' && fb.units[1] == '3');
}

static int numeral_of(UChar32 c)
{
    return fv_numeral(fold_value(&ft, c));
}

/* Chinese numerals carry their digit (for the numerals view); the fold
 * keeps the character itself. */
Test(digits, chinese_numerals_carry_their_digit)
{
    static const char *const forms[10] = {
        "零〇", "一壹幺", "二贰两貳兩", "三叁", "四肆", "五伍", "六陆陸", "七柒", "八捌", "九玖"};
    for (int d = 0; d < 10; d++) {
        const uint8_t *p = (const uint8_t *)forms[d];
        size_t n = strlen(forms[d]), i = 0;
        while (i < n) {
            int32_t c = utf8_next(p, n, &i);
            /* a traditional form folds to its simplified one, which has the digit */
            cr_assert_eq(fold_text(&ft, p + i - 3, 3, &fb), SCREENER_OK);
            cr_assert_eq(fb.n, 1);
            cr_assert_eq(numeral_of(fb.units[0]), d, "U+%04X (folded U+%04X)", (unsigned)c,
                         fb.units[0]);
        }
    }
    /* ordinary characters and positional numerals are not digits */
    cr_assert_eq(numeral_of(0x4EBA), -1); /* 人 */
    cr_assert_eq(numeral_of(0x5341), -1); /* 十 */
    cr_assert_eq(numeral_of(0x767E), -1); /* 百 */
    cr_assert_eq(numeral_of('1'), -1);
    /* the fold keeps numerals as they are */
    cr_assert_eq(fold_text(&ft, (const uint8_t *)"一", 3, &fb), SCREENER_OK);
    cr_assert_eq(fb.units[0], 0x4E00);
}
