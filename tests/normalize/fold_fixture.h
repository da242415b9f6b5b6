/* fold_fixture.h — the normalize tests' fold table: built with ICU for some
 * fold families (fold_build_table) and opened over that build, the way a
 * database opens its own. Criterion asserts on failure. */
#ifndef SCREENER_TESTS_FOLD_FIXTURE_H
#define SCREENER_TESTS_FOLD_FIXTURE_H

#include <stdint.h>

#include "normalize/foldtable.h"

/* Build the table of `flags` (SCREENER_FOLD_*) into *fb and open *ft over
 * it; *ft reads *fb's memory: fold_fixture_close both when done. */
void fold_fixture_open(uint32_t flags, fold_build *fb, fold_table *ft);

/* Close *ft, then free *fb. */
void fold_fixture_close(fold_build *fb, fold_table *ft);

#endif
