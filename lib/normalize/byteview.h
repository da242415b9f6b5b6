/*
 * byteview.h — the byte view of a text: what detectors and regex entries
 * read.
 *
 * The fold's output as lowercase UTF-8, except that dropped punctuation
 * with an ASCII form is kept as that form ('＠' -> '@', '。' -> '.', '/' ->
 * '/') and that every other dropped character leaves no byte: whitespace,
 * symbols and emoji set BV_GAP on the next byte (a word gap, which the text
 * detectors treat as a separator and regexes do not see), invisible
 * characters leave nothing at all. Invalid input is U+FFFD. Each byte
 * remembers the first original byte of the character it comes from; the
 * character's end is found again from the text (view_char_end).
 *
 * Memory: 6 bytes per view byte (text, flags, origin). Built per window of a
 * scan (see scan/window.c), so it stays bounded for any message length.
 */
#ifndef SCREENER_NORMALIZE_BYTEVIEW_H
#define SCREENER_NORMALIZE_BYTEVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "foldtable.h"

#define BV_GAP 1u /* a visible separator was dropped right before this byte */

typedef struct byte_view {
    uint8_t *text;   /* the view, UTF-8 */
    uint8_t *flags;  /* BV_* per byte */
    uint32_t *from;  /* per byte: first original byte of its character */
    size_t n, cap;
    size_t consumed; /* input bytes read (all unless the budget stopped it) */
} byte_view;

/* Build the byte view of (s, len), stopping at the first character boundary
 * after max_bytes view bytes (bv->consumed: input bytes read). Cost:
 * O(len + output). Returns SCREENER_OK, SCREENER_E_NOMEM or
 * SCREENER_E_TOO_LARGE. */
int byte_view_build(const fold_table *ft, const uint8_t *s, size_t len, size_t max_bytes,
                    byte_view *bv);

/* An upper bound on the length (bytes) of the byte view byte_view_build
 * makes of (s, len), from the characters' outputs in the table without
 * building anything (views.c asks it before the view is built, so that a
 * text too short for every reader never builds it); SIZE_MAX as soon as it
 * reaches `enough`. Cost: O(min(len, bytes until `enough`)). */
size_t byte_view_bound(const fold_table *ft, const uint8_t *s, size_t len, size_t enough);

void byte_view_free(byte_view *bv);

/* One past the last original byte of the character starting at b0 (one
 * maximal subpart for invalid input). */
size_t view_char_end(const uint8_t *s, size_t len, size_t b0);

/* Bytes the view's buffers hold (for the memory accounting of a scan). */
size_t byte_view_footprint(const byte_view *bv);

#endif
