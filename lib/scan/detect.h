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
 * and, on the original text (see detect_text), e-mail addresses and links.
 * A run is matched as a whole (a longer run is not searched for numbers
 * inside it), so a check digit failing means no match. Between two digits of
 * a run at most DETECT_MAX_GAP characters other than spaces may have been
 * dropped ("138 0013", "1-3-8", "138 - 0013", "1😀3"); longer gaps
 * ("&#128553;&#128553;") mean the digits only met because markup was dropped.
 */

#ifndef SCREENER_SCAN_DETECT_H
#define SCREENER_SCAN_DETECT_H

#define DETECT_MAX_GAP 2

/* Longest match of a digit detector (folded units) and of a text detector
 * (elements of its reading of the byte view): what windows and streams
 * carry. Links are cut at DETECT_URL_MAX elements, e-mail local parts at
 * DETECT_LOCAL_MAX and domains at DETECT_DOMAIN_MAX, so a match never
 * outgrows the carry. */
#define DETECT_DIGITS_MAX 40
#define DETECT_URL_MAX 256
#define DETECT_LOCAL_MAX 64
#define DETECT_DOMAIN_MAX 253
#define DETECT_TEXT_MAX 512

#include <stddef.h>
#include <stdint.h>

#include "common/names.h" /* DETECT_* ids and their names */

/*
 * The text detectors' reading of the byte view (normalize/byteview.h), one
 * element per view byte: the ASCII character (letters lowercased; full-width
 * and other compatibility forms of punctuation such as '＠' or '。' as their
 * ASCII form), LIGHT_OTHER for a byte of a non-ASCII character, and a 0
 * element where a visible separator (space, symbol) was dropped.
 */
#define LIGHT_OTHER 0xFFFFu
typedef struct light_char {
    uint32_t c;
    uint32_t b0; /* its first byte in the original text */
} light_char;

/*
 * Text detectors on that reading:
 *   email  local@domain.tld (TLD of 2+ letters)
 *   url    http:// or https:// or www. followed by URL characters, and bare
 *          domains ending in a common TLD (example.com, xx.info/path); a
 *          link ends before a numeric character reference (detect_char_ref)
 * found(ctx, b0, last) gets the match's first original byte and the first
 * original byte of its last character (the caller finds that character's
 * end: view_char_end). Cost: O(m).
 */
void detect_text(int kind, const light_char *l, size_t m,
                 void (*found)(void *ctx, size_t b0, size_t last), void *ctx);

/* 0 if text detector `kind` cannot match a byte view of these bytes: an
 * e-mail address needs an '@' followed by a domain label, a link a '.'
 * followed by a label, "www." or a scheme's ":/". A test without building
 * the detectors' reading. */
int detect_text_possible(int kind, const uint8_t *view, size_t n);

/*
 * Find the runs of folded digits in units[0..n) that detector `kind`
 * accepts; calls found(ctx, start_unit, end_unit) for each.
 * Cost: O(n).
 */
void detect_run(int kind, const uint16_t *units, size_t n,
                void (*found)(void *ctx, size_t start, size_t end), void *ctx);

/* The fewest digits a match of digit detector `kind` has (a run shorter
 * than that is never reported). */
size_t detect_min_digits(int kind);

/* The shortest text in which detector `kind` can report anything, in units
 * of what it reads: folded units for the digit detectors (detect_min_digits),
 * bytes of the byte view for the text detectors (e-mail `a@b.cc`: 6; link
 * `www.` or `a.cn`: 4). Scans skip the detector's row for shorter texts
 * (matchers.c); tests/scan/test_detect.c checks the text detectors' bound
 * against every short string over their alphabet. */
size_t detect_min_len(int kind);

/* The longest run of ASCII digits in units[0..n). */
size_t detect_longest_digits(const uint16_t *units, size_t n);

/* 1 if c (an element of the reading above: letters lowercase) may be part
 * of a link: letters, digits and -._~:/?#[]@!$&'()*+,;=% (also used by
 * regions.c on the original bytes). */
int detect_url_char(uint32_t c);

/* Length of an HTML numeric character reference (`&#8221;`, `&#x201d;`: up
 * to 8 digits) starting at element i of a sequence of n read through at()
 * (letters lowercase), else 0. A link ends before one: it is escaped text
 * glued to the link (a closing quotation mark, an ellipsis in tweets as
 * their API writes them), not part of the address. */
size_t detect_char_ref(uint32_t (*at)(const void *seq, size_t i), const void *seq, size_t n,
                       size_t i);

/* Validators, exposed for tests. */
int detect_is_cn_mobile(const uint16_t *d, size_t n);
int detect_is_cn_id(const uint16_t *d, size_t n);
int detect_is_luhn(const uint16_t *d, size_t n);

#endif
