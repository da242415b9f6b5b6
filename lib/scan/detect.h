/*
 * detect.h — built-in detectors for private information, run on the folded
 * text in the same scan as the dictionary terms.
 *
 * The fold already turns full-width, circled and other digit forms into
 * ASCII digits and drops the separators posters put between them, so a
 * detector looks at maximal runs of folded digits ("138 0013 8000",
 * "①③⑧..." and "13800138000" are all one run) and validates them:
 *   cn_mobile  11 digits, 1[3-9]xxxxxxxxx (mainland mobile numbers)
 *   cn_id      18 characters: 17 digits and a digit or X, valid date of
 *              birth and ISO 7064 MOD 11-2 check character (resident ID)
 *   bank_card  16 to 19 digits passing the Luhn check
 * A run is matched as a whole (a longer run is not searched for numbers
 * inside it), so a check digit failing means no match. Between two digits of
 * a run at most DETECT_MAX_GAP characters other than spaces may have been
 * dropped ("138 0013", "1-3-8", "138 - 0013", "1😀3"); longer gaps
 * ("&#128553;&#128553;") mean the digits only met because markup was dropped.
 */

#define DETECT_MAX_GAP 2
#ifndef SCREENER_SCAN_DETECT_H
#define SCREENER_SCAN_DETECT_H

#include <stddef.h>
#include <stdint.h>

enum { DETECT_CN_MOBILE = 1, DETECT_CN_ID = 2, DETECT_BANK_CARD = 3 };

/* DETECT_* for a detector name, or -1. */
int detect_find(const char *name, size_t len);

/*
 * Find the runs of folded digits in units[0..n) that detector `kind`
 * accepts; calls found(ctx, start_unit, end_unit) for each.
 * Cost: O(n).
 */
void detect_run(int kind, const uint16_t *units, size_t n,
                void (*found)(void *ctx, size_t start, size_t end), void *ctx);

/* Validators, exposed for tests. */
int detect_is_cn_mobile(const uint16_t *d, size_t n);
int detect_is_cn_id(const uint16_t *d, size_t n);
int detect_is_luhn(const uint16_t *d, size_t n);

#endif
