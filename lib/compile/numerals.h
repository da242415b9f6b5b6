/*
 * numerals.h — the numeral forms of a dictionary term (entries with the
 * `numerals` option, dictionary-format.md): each ASCII digit of the folded
 * term may also be written as a Chinese numeral, so `5星红旗` also compiles
 * to the literal `五星红旗` (and `伍星红旗`), `下3滥` to `下三滥`.
 */
#ifndef SCREENER_COMPILE_NUMERALS_H
#define SCREENER_COMPILE_NUMERALS_H

#include <stddef.h>
#include <stdint.h>

#include "normalize/foldtable.h"

/* Most forms one term gets besides its own by combining digit by digit: a
 * term with one digit gets each numeral of it (1夜 -> 一夜 壹夜 幺夜); a term with
 * more digits gets the uniform styles only: all lower-case (零一二), lower-case
 * with 〇, financial (零壹贰) and read-aloud (零幺两), without repeats. Mixing
 * styles inside one term is rare, and all combinations would multiply the
 * literals (houbb's 7,287 terms with digits: 45k forms instead of ~14k). */
#define NUMERAL_FORMS_MAX 4

typedef int (*numeral_form_fn)(void *ctx, const uint16_t *units, size_t n);

/*
 * Call fn for every numeral form of the folded term u[0..n) other than u
 * itself (none if u has no ASCII digit). The numeral for each digit comes
 * from a short list of the forms people write (零〇 一壹幺 二贰两 三叁 四肆 五伍
 * 六陆 七柒 八捌 九玖), each kept only if the fold table records that digit for
 * it. Stops at the first non-zero return of fn and returns it; -1 if out of
 * memory.
 */
int numeral_forms(const fold_table *ft, const uint16_t *u, size_t n, numeral_form_fn fn,
                  void *ctx);

#endif
