/*
 * numerals.h — the numerals view: numbers written with Chinese numerals
 * (一三八零零一三八零零零, 壹叁捌, 幺三八, mixed 1三8零) read as ASCII digits.
 *
 * Which characters are numerals comes from the fold table (table_digits.c:
 * every Han character with a Unicode numeric value 0..9, by its folded form,
 * so 兩/两, 陸/陆, 貳/贰 and 〇 are included). Ordinary words contain numerals
 * too (一起, 三个人, 一一对应, 五星级), so a numeral is read as a digit only
 * inside a NUMBER RUN: a maximal run of numerals and ASCII digits (in the
 * folded text, so spaces and punctuation between them are already gone)
 * with a numeral and at least NUMERAL_RUN_MIN characters.
 *
 * The view has exactly one unit per folded unit (a numeral is one BMP unit
 * and becomes one digit), so folded positions and their mapping back to the
 * original bytes (fold_locate_*) serve it unchanged. The digit detectors
 * read it AND the folded view (m_detect.c): a numeral next to a number
 * (周一13800138000) makes the run one digit too long here, and the folded
 * view still has the ASCII run; a lone numeral at the end of a number
 * (1380013800一) is found here. Detectors validate every run, so two
 * readings cost no false alarm that either reading alone would not make.
 *
 * The byte view (one reading only, for regexes and the e-mail/link
 * detectors) reads a run in place (numerals_bytes) only if it also has
 * either NUMERAL_RUN_NUMERALS numerals or an ASCII digit at both ends
 * (138零0138000): there 周一 before a number stays text.
 */
#ifndef SCREENER_NORMALIZE_NUMERALS_H
#define SCREENER_NORMALIZE_NUMERALS_H

#include <stddef.h>
#include <stdint.h>

#include "byteview.h"
#include "fold.h"

#define NUMERAL_RUN_MIN 5
#define NUMERAL_RUN_NUMERALS 3

/* Folded units with number runs read as digits (owned by a scratch). Until
 * a run is read (changed == 0) the view IS the folded view and units is
 * not written: use numerals_units(). */
typedef struct numeral_view {
    uint16_t *units;
    size_t cap, n;
    int changed;
    /* runs with a numeral and at least NUMERAL_RUN_MIN characters: without
     * one, no run of the byte view (a part of a folded run, split further
     * by the punctuation it keeps) can be read either */
    size_t candidates;
} numeral_view;

/* The view's units: its own copy, or the folded units it equals. */
static inline const uint16_t *numerals_units(const numeral_view *nv, const fold_buf *fb)
{
    return nv->changed ? nv->units : fb->units;
}

/* 1 if a run of `len` characters, `numerals` of them numerals, that starts
 * and ends with an ASCII digit iff ascii_ends, is read as a number in the
 * byte view. */
static inline int numerals_run_reads(size_t len, size_t numerals, int ascii_ends)
{
    return numerals > 0 && len >= NUMERAL_RUN_MIN &&
           (numerals >= NUMERAL_RUN_NUMERALS || ascii_ends);
}

/* Build the view from the folded view fb. Cost: O(fb->n), one bit test per
 * unit (fold_unit_is_numeral); a copy of the units only if a run is read.
 * Returns SCREENER_OK or SCREENER_E_NOMEM. */
int numerals_build(const fold_table *ft, const fold_buf *fb, numeral_view *nv);

/* Read the number runs of the byte view in place (a numeral's UTF-8 bytes
 * become one digit byte with the numeral's origin and flags). O(bv->n). */
void numerals_bytes(const fold_table *ft, byte_view *bv);

void numeral_view_free(numeral_view *nv);

#endif
