/*
 * numgen.h — generator of disguised numbers for the number tests and the
 * evaluation (eval_numbers.c, tests/scan/test_numbers.c).
 *
 * A number (mobile, resident ID, bank card, QQ handle) is generated valid
 * (prefix, date and check character, Luhn), then written digit by digit in
 * one DIGIT FORM and with one SEPARATOR style. The forms are families of
 * ten characters for 0..9: the decimal digits of every script (every Nd
 * character with numeric value 0 starts a family: found with ICU, not
 * listed), full-width, mathematical, super/subscript, the circled, dingbat,
 * double-circled, parenthesized and full-stop forms (where a family has no
 * zero, the plain circled ⓪ stands in), keycaps (digit U+FE0F U+20E3), and
 * the Chinese numerals: lower-case, financial, traditional financial,
 * read-aloud (幺 for 1, 两 for 2), and a mix of all forms digit by digit.
 * Header-only; the caller links ICU and has lib/ on its include path.
 */
#ifndef SCREENER_TESTS_NUMGEN_H
#define SCREENER_TESTS_NUMGEN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>

#include "common/utf8.h"

/* ---- random numbers ------------------------------------------------------ */

static inline uint64_t ng_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static inline int ng_below(uint64_t *s, int n)
{
    return (int)(ng_rand(s) % (uint64_t)n);
}

/* ---- numbers ----------------------------------------------------------------- */

enum { NG_MOBILE, NG_ID, NG_CARD, NG_QQ, NG_KINDS };
static const char *const ng_kind_names[NG_KINDS] = {"cn_mobile", "cn_id", "bank_card", "qq"};

/* Write a valid number of `kind` as ASCII into d (room for 20); returns its
 * length. An ID may end in 'X'. */
static inline size_t ng_number(uint64_t *s, int kind, char *d)
{
    size_t n = 0;
    if (kind == NG_MOBILE) {
        d[n++] = '1';
        d[n++] = (char)('3' + ng_below(s, 7));
        while (n < 11)
            d[n++] = (char)('0' + ng_below(s, 10));
    } else if (kind == NG_ID) {
        static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        static const char check[] = "10X98765432";
        n = (size_t)sprintf(d, "%02d%04d%04d%02d%02d%03d", 11 + ng_below(s, 50),
                            100 + ng_below(s, 9000), 1940 + ng_below(s, 70),
                            1 + ng_below(s, 12), 1 + ng_below(s, 28), ng_below(s, 1000));
        int sum = 0;
        for (int i = 0; i < 17; i++)
            sum += (d[i] - '0') * weight[i];
        d[n++] = check[sum % 11];
    } else if (kind == NG_CARD) {
        size_t len = ng_below(s, 2) ? 16 : 19;
        d[n++] = '6';
        d[n++] = '2';
        while (n < len - 1)
            d[n++] = (char)('0' + ng_below(s, 10));
        int sum = 0; /* Luhn: the check digit makes the sum a multiple of 10 */
        for (size_t i = 0; i < len - 1; i++) {
            int v = d[len - 2 - i] - '0';
            if (i % 2 == 0 && (v *= 2) > 9)
                v -= 9;
            sum += v;
        }
        d[n++] = (char)('0' + (10 - sum % 10) % 10);
    } else {
        size_t len = 5 + (size_t)ng_below(s, 7); /* QQ: 5..11 digits, no leading 0 */
        d[n++] = (char)('1' + ng_below(s, 9));
        while (n < len)
            d[n++] = (char)('0' + ng_below(s, 10));
    }
    d[n] = 0;
    return n;
}

/* ---- digit forms ------------------------------------------------------------ */

#define NG_MAX_FORMS 120

typedef struct ng_form {
    char name[48];
    uint32_t cp[10]; /* the character for each digit; 0: see `chinese` */
    const char *const *chinese; /* UTF-8 strings for 0..9, or NULL */
    int keycap;                 /* digit + U+FE0F U+20E3 */
} ng_form;

static const char *const ng_lower[10] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
static const char *const ng_lower0[10] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
static const char *const ng_fin[10] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
static const char *const ng_fin_trad[10] = {"零", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖"};
static const char *const ng_aloud_cn[10] = {"零", "幺", "两", "三", "四", "五", "六", "七", "八", "九"};

static inline void ng_seq(ng_form *f, const char *name, uint32_t zero, uint32_t one)
{
    snprintf(f->name, sizeof f->name, "%s", name);
    f->cp[0] = zero;
    for (int d = 1; d < 10; d++)
        f->cp[d] = one + (uint32_t)d - 1;
    f->chinese = NULL;
    f->keycap = 0;
}

/* Fill forms[] (room for NG_MAX_FORMS); returns the count. The last one is
 * the digit-by-digit mix ("mixed"), which ng_write handles. */
static inline int ng_forms(ng_form *forms)
{
    int n = 0;
    ng_seq(&forms[n++], "ascii", '0', '1');
    ng_seq(&forms[n++], "fullwidth", 0xFF10, 0xFF11);
    ng_seq(&forms[n++], "circled", 0x24EA, 0x2460);
    ng_seq(&forms[n++], "parenthesized", 0x24EA, 0x2474);
    ng_seq(&forms[n++], "full_stop", 0x1F100, 0x2488);
    ng_seq(&forms[n++], "negative_circled", 0x24FF, 0x2776);
    ng_seq(&forms[n++], "dingbat_sans", 0x1F10B, 0x2780);
    ng_seq(&forms[n++], "dingbat_negative_sans", 0x1F10C, 0x278A);
    ng_seq(&forms[n++], "double_circled", 0x24EA, 0x24F5);
    ng_seq(&forms[n++], "superscript", 0x2070, 0x2070 + 1);
    forms[n - 1].cp[1] = 0xB9, forms[n - 1].cp[2] = 0xB2, forms[n - 1].cp[3] = 0xB3;
    for (int d = 4; d < 10; d++)
        forms[n - 1].cp[d] = 0x2070 + (uint32_t)d;
    ng_seq(&forms[n++], "subscript", 0x2080, 0x2081);
    static const uint32_t math[] = {0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6};
    static const char *const math_names[] = {"math_bold", "math_double_struck", "math_sans",
                                             "math_sans_bold", "math_monospace"};
    for (int k = 0; k < 5; k++)
        ng_seq(&forms[n++], math_names[k], math[k], math[k] + 1);
    ng_seq(&forms[n++], "keycap", '0', '1');
    forms[n - 1].keycap = 1;
    static const struct { const char *name; const char *const *t; } zh[] = {
        {"zh_lower", ng_lower}, {"zh_lower_〇", ng_lower0}, {"zh_financial", ng_fin},
        {"zh_financial_traditional", ng_fin_trad}, {"zh_read_aloud", ng_aloud_cn}};
    for (size_t k = 0; k < sizeof zh / sizeof zh[0]; k++) {
        ng_seq(&forms[n], zh[k].name, 0, 0);
        forms[n++].chinese = zh[k].t;
    }
    /* the decimal digits of every script: each Nd zero starts a family */
    for (UChar32 c = 0x80; c <= 0x10FFFF && n < NG_MAX_FORMS - 1; c++) {
        if (u_charType(c) != U_DECIMAL_DIGIT_NUMBER || u_getNumericValue(c) != 0)
            continue;
        if (c >= 0xFF10 && c <= 0xFF19)
            continue; /* full-width: above */
        if (c >= 0x1D7CE && c <= 0x1D7FF)
            continue; /* mathematical: above */
        char name[48];
        snprintf(name, sizeof name, "nd_%04X", (unsigned)c);
        ng_seq(&forms[n++], name, (uint32_t)c, (uint32_t)c + 1);
    }
    ng_seq(&forms[n++], "mixed", 0, 0);
    return n;
}

/* Append the UTF-8 of code point c at o; returns bytes written. */
static inline size_t ng_put(char *o, uint32_t c)
{
    return utf8_put((uint8_t *)o, c);
}

/* One digit (or 'X') in form f at o; returns bytes written. */
static inline size_t ng_digit(const ng_form *f, char ch, char *o)
{
    if (ch == 'X') {
        if (f->chinese || f->cp[1] == '1')
            return ng_put(o, 'X');
        return ng_put(o, 0xFF38); /* Ｘ */
    }
    int d = ch - '0';
    if (f->chinese) {
        size_t n = strlen(f->chinese[d]);
        memcpy(o, f->chinese[d], n);
        return n;
    }
    size_t n = ng_put(o, f->cp[d]);
    if (f->keycap) {
        n += ng_put(o + n, 0xFE0F);
        n += ng_put(o + n, 0x20E3);
    }
    return n;
}

/* ---- separators ------------------------------------------------------------ */

enum { NG_SEP_NONE, NG_SEP_SPACE, NG_SEP_EVERY_SPACE, NG_SEP_DASH, NG_SEP_DASH_SPACED,
       NG_SEP_DOT, NG_SEP_FULLWIDTH_COMMA, NG_SEP_ZWSP, NG_SEP_IDEO_SPACE, NG_SEPS };
static const char *const ng_sep_names[NG_SEPS] = {
    "none", "groups", "every_space", "dash", "dash_spaced", "dot", "fw_comma", "zwsp",
    "ideographic_space"};

/* The separator before digit i (i > 0) of a number of length n. */
static inline const char *ng_sep(int sep, size_t i, size_t n)
{
    int group = n == 11 ? (i == 3 || i == 7) : (i % 4 == 0); /* 138 0013 8000 */
    switch (sep) {
    case NG_SEP_SPACE: return group ? " " : "";
    case NG_SEP_EVERY_SPACE: return " ";
    case NG_SEP_DASH: return "-";
    case NG_SEP_DASH_SPACED: return group ? " - " : "";
    case NG_SEP_DOT: return group ? "." : "";
    case NG_SEP_FULLWIDTH_COMMA: return group ? "，" : "";
    case NG_SEP_ZWSP: return "\xE2\x80\x8B";
    case NG_SEP_IDEO_SPACE: return group ? "\xE3\x80\x80" : "";
    default: return "";
    }
}

/* Write the ASCII number d in form forms[form] (the last form: each digit
 * in a random form) with separator style sep at o; returns bytes written. */
static inline size_t ng_write(uint64_t *s, const ng_form *forms, int n_forms, int form, int sep,
                              const char *d, char *o)
{
    size_t w = 0, n = strlen(d);
    for (size_t i = 0; i < n; i++) {
        if (i) {
            const char *p = ng_sep(sep, i, n);
            memcpy(o + w, p, strlen(p));
            w += strlen(p);
        }
        int f = form == n_forms - 1 ? ng_below(s, n_forms - 1) : form;
        w += ng_digit(&forms[f], d[i], o + w);
    }
    o[w] = 0;
    return w;
}

#endif
