/*
 * table_digits.h — the number steps of the fold table build (see
 * table_digits.c): digit forms read as ASCII digits, and the digit each
 * Chinese numeral stands for, recorded in the table for the numerals view.
 */
#ifndef SCREENER_NORMALIZE_TABLE_DIGITS_H
#define SCREENER_NORMALIZE_TABLE_DIGITS_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/umachine.h>

/* If c (an output of NFKC) is a digit form, write its ASCII digits (1 or
 * 2) to out and return their count; else 0. */
int table_digit_form(UChar32 c, UChar32 *out);

/* The digit 0..9 a BMP Han character stands for by its Unicode numeric
 * value, or -1. */
int table_numeral_value(UChar32 c);

/* Folded form -> digit, for the numerals found by table_numeral_value. */
#define NUMERAL_MAP_MAX 256
typedef struct numeral_map {
    UChar32 cp[NUMERAL_MAP_MAX];
    int8_t digit[NUMERAL_MAP_MAX]; /* -1: folded forms of two different digits */
    size_t n;
} numeral_map;

/* Record that a numeral of value `digit` folds to `folded`. Returns -1 if
 * the map is full. */
int numeral_map_add(numeral_map *m, UChar32 folded, int digit);

/* The digit of the folded form c, or -1. */
int table_numeral_digit(const numeral_map *m, UChar32 c);

#endif
