/*
 * table_digits.c — the number steps of the fold table build (compile time,
 * ICU). Kept apart from table_build.c so the digit rules read in one place.
 *
 * 1. Digit forms (table_digit_form): every code point of general category
 *    Nd or No whose Unicode numeric value is a whole number 0..99 reads as
 *    that number in ASCII digits. Applied after NFKC, so what NFKC already
 *    makes ASCII (full-width, ①, ⑴, ⒈, superscripts) or Han (㊀, ㈠, ㆒)
 *    is unchanged; it adds what NFKC leaves alone: dingbat and negative
 *    circled digits ❶ ➀ ➊ ⓫ ⓿ 🄋 🄌, double-circled ⓵, circled numbers on
 *    black squares ㉈, and the decimal digits of every script (٣ ३ ๓ ፫).
 *    The result is ASCII digits, which never collapse as repeated letters
 *    (⓿⓿ is two zeros).
 * 2. Chinese numerals (table_numeral_digit): every Han character whose
 *    Unicode numeric value (Unihan kPrimaryNumeric, kAccountingNumeric,
 *    kOtherNumeric, as ICU reports it) is 0..9, plus 〇 — recorded on the
 *    table value of its FOLDED form, so 兩 (value 2) gives 两 the value 2
 *    through the traditional -> simplified fold. The fold itself keeps the
 *    character; only the numerals view (numerals.c) reads the digit.
 */
#include "table_digits.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

/* Whole-number value 0..99 of c, or -1. */
static int small_number(UChar32 c)
{
    if (u_getIntPropertyValue(c, UCHAR_NUMERIC_TYPE) == U_NT_NONE)
        return -1;
    double v = u_getNumericValue(c);
    if (v == U_NO_NUMERIC_VALUE || v < 0 || v > 99 || v != (double)(int)v)
        return -1;
    return (int)v;
}

int table_digit_form(UChar32 c, UChar32 *out)
{
    if (c < 0x80 || !(U_GET_GC_MASK(c) & (U_GC_ND_MASK | U_GC_NO_MASK)))
        return 0;
    int v = small_number(c);
    if (v < 0)
        return 0;
    if (v >= 10) {
        out[0] = '0' + v / 10;
        out[1] = '0' + v % 10;
        return 2;
    }
    out[0] = '0' + v;
    return 1;
}

int table_numeral_value(UChar32 c)
{
    if (c > 0xFFFF)
        return -1; /* one folded unit must become one digit */
    UErrorCode st = U_ZERO_ERROR;
    if (uscript_getScript(c, &st) != USCRIPT_HAN || U_FAILURE(st))
        return -1;
    int v = small_number(c);
    return v <= 9 ? v : -1;
}

int numeral_map_add(numeral_map *m, UChar32 folded, int digit)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->cp[i] != folded)
            continue;
        if (m->digit[i] != digit)
            m->digit[i] = -1; /* two values fold together: not a numeral */
        return 0;
    }
    if (m->n == NUMERAL_MAP_MAX)
        return -1;
    m->cp[m->n] = folded;
    m->digit[m->n] = (int8_t)digit;
    m->n++;
    return 0;
}

int table_numeral_digit(const numeral_map *m, UChar32 c)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->cp[i] == c)
            return m->digit[i];
    return -1;
}
