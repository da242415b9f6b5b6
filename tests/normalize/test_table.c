/* Opening a serialized fold table: a damaged table must be rejected before
 * any lookup can read or write outside its buffers (lib/normalize/table.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "normalize/fold.h"
#include "normalize/foldtable.h"

static fold_build fbuild;
static uint32_t *copy; /* a 4-byte aligned, writable copy of the trie bytes */

static void setup(void)
{
    cr_assert_eq(fold_build_table(SCREENER_FOLD_ALL, &fbuild, NULL), SCREENER_OK);
    copy = malloc(fbuild.trie_len + 4);
    cr_assert(copy);
    memcpy(copy, fbuild.trie_bin, fbuild.trie_len);
}

static void teardown(void)
{
    free(copy);
    fold_build_free(&fbuild);
}

TestSuite(table, .init = setup, .fini = teardown);

/* Open the copy read-only with ICU to find where its data array and null
 * data block are; returns the data array inside copy. */
static uint32_t *data_of(int32_t *null_off, int32_t *data_len)
{
    UErrorCode st = U_ZERO_ERROR;
    UCPTrie *t = ucptrie_openFromBinary(UCPTRIE_TYPE_FAST, UCPTRIE_VALUE_BITS_32, copy,
                                        (int32_t)fbuild.trie_len, NULL, &st);
    cr_assert(U_SUCCESS(st) && t);
    uint32_t *d = (uint32_t *)copy + (t->data.ptr32 - (const uint32_t *)copy);
    *null_off = t->dataNullOffset;
    *data_len = t->dataLength;
    ucptrie_close(t);
    return d;
}

static int open_copy(void)
{
    fold_table ft;
    int rc = fold_table_open(&ft, copy, fbuild.trie_len, fbuild.expand, fbuild.n_expand);
    if (rc == SCREENER_OK)
        fold_table_close(&ft);
    return rc;
}

/* 1 if ucptrie_getRange reports value v for some code point of the copy. */
static int get_range_sees(uint32_t v)
{
    UErrorCode st = U_ZERO_ERROR;
    UCPTrie *t = ucptrie_openFromBinary(UCPTRIE_TYPE_FAST, UCPTRIE_VALUE_BITS_32, copy,
                                        (int32_t)fbuild.trie_len, NULL, &st);
    cr_assert(U_SUCCESS(st) && t);
    int seen = 0;
    UChar32 start = 0, end;
    uint32_t got;
    while (!seen && (end = ucptrie_getRange(t, start, UCPMAP_RANGE_NORMAL, 0, NULL, NULL,
                                            &got)) >= 0) {
        seen = got == v;
        start = end + 1;
    }
    ucptrie_close(t);
    return seen;
}

/* Plant bad in the null data block where ucptrie_getRange does not look (a
 * slot after the block's first value that no other block overlaps): the
 * hiding place of the fuzz_db seed trie-nullblock-U043E. Returns the slot
 * (0..63 within the block), planted, or fails the test. */
static int32_t plant_hidden(uint32_t bad)
{
    int32_t null_off, dl;
    uint32_t *d = data_of(&null_off, &dl);
    cr_assert(null_off >= 0 && null_off + UCPTRIE_FAST_DATA_BLOCK_LENGTH <= dl,
              "the table has a null data block");
    for (int32_t k = UCPTRIE_FAST_DATA_BLOCK_LENGTH - 1; k > 0; k--) {
        uint32_t old = d[null_off + k];
        d[null_off + k] = bad;
        if (!get_range_sees(bad))
            return k;
        d[null_off + k] = old;
    }
    cr_assert_fail("no slot of the null block is hidden from ucptrie_getRange");
    return -1;
}

Test(table, a_built_table_opens)
{
    cr_assert_eq(open_copy(), SCREENER_OK);
}

Test(table, a_long_expansion_hidden_in_the_null_data_block_is_rejected)
{
    plant_hidden(FV_MAKE(FV_MULTI, FC_OTHER, (255u << 20) | 0u));
    cr_assert_eq(open_copy(), SCREENER_E_DB_FORMAT);
}

Test(table, an_expansion_over_the_cap_in_the_null_data_block_is_rejected)
{
    plant_hidden(FV_MAKE(FV_MULTI, FC_WORD, ((FOLD_MAX_UNITS + 1u) << 20) | 0u));
    cr_assert_eq(open_copy(), SCREENER_E_DB_FORMAT);
}

Test(table, an_expansion_outside_the_array_in_the_null_data_block_is_rejected)
{
    uint32_t off = (uint32_t)fbuild.n_expand - 1; /* 2 units from the last one */
    plant_hidden(FV_MAKE(FV_MULTI, FC_OTHER, (2u << 20) | off));
    cr_assert_eq(open_copy(), SCREENER_E_DB_FORMAT);
}

Test(table, a_surrogate_in_the_null_data_block_is_rejected)
{
    plant_hidden(FV_MAKE(FV_ONE, FC_OTHER, 0xDC00u));
    cr_assert_eq(open_copy(), SCREENER_E_DB_FORMAT);
}

Test(table, a_surrogate_in_the_error_value_is_rejected)
{
    int32_t null_off, dl;
    uint32_t *d = data_of(&null_off, &dl);
    d[dl - UCPTRIE_ERROR_VALUE_NEG_DATA_OFFSET] = FV_MAKE(FV_ONE, FC_OTHER, 0xD800u);
    cr_assert_eq(open_copy(), SCREENER_E_DB_FORMAT);
}

Test(table, an_expansion_over_the_cap_anywhere_is_rejected)
{
    int32_t null_off, dl;
    uint32_t *d = data_of(&null_off, &dl);
    d[dl - UCPTRIE_HIGH_VALUE_NEG_DATA_OFFSET] =
        FV_MAKE(FV_MULTI, FC_OTHER, ((FOLD_MAX_UNITS + 1u) << 20) | 0u);
    cr_assert_eq(open_copy(), SCREENER_E_DB_FORMAT);
    d[dl - UCPTRIE_HIGH_VALUE_NEG_DATA_OFFSET] = FV_MAKE(FV_MULTI, FC_OTHER, (1u << 20) | 0u);
    cr_assert_eq(open_copy(), SCREENER_OK, "an expansion of one unit is fine");
}

/* A BMP code point whose lookup reads the null data block (0 if none). */
static uint32_t null_block_cp(void)
{
    UErrorCode st = U_ZERO_ERROR;
    UCPTrie *t = ucptrie_openFromBinary(UCPTRIE_TYPE_FAST, UCPTRIE_VALUE_BITS_32, copy,
                                        (int32_t)fbuild.trie_len, NULL, &st);
    cr_assert(U_SUCCESS(st) && t);
    uint32_t found = 0;
    for (uint32_t c = 0x800; c < 0xD800 && !found; c += UCPTRIE_FAST_DATA_BLOCK_LENGTH)
        if (t->index[c >> UCPTRIE_FAST_SHIFT] == t->dataNullOffset)
            found = c;
    ucptrie_close(t);
    return found;
}

/* The longest allowed expansion, planted where unmapped code points read it:
 * the table opens, counts it in max_units, and folding many such characters
 * (3 bytes in, 64 units out each) stays inside the output buffer. */
Test(table, the_null_block_counts_for_the_output_bound)
{
    uint32_t cp = null_block_cp();
    cr_assert(cp, "some BMP block reads the null data block");
    cr_assert(fbuild.n_expand >= FOLD_MAX_UNITS);
    cp += (uint32_t)plant_hidden(
        FV_MAKE(FV_MULTI, FC_OTHER, ((uint32_t)FOLD_MAX_UNITS << 20) | 0u));
    fold_table ft;
    cr_assert_eq(fold_table_open(&ft, copy, fbuild.trie_len, fbuild.expand, fbuild.n_expand),
                 SCREENER_OK, "an expansion of exactly FOLD_MAX_UNITS is allowed");
    cr_assert_geq(ft.max_units, FOLD_MAX_UNITS, "max_units counts the null block");
    enum { REPS = 300 };
    uint8_t text[3 * REPS];
    for (int r = 0; r < REPS; r++) {
        text[3 * r] = (uint8_t)(0xE0 | (cp >> 12));
        text[3 * r + 1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        text[3 * r + 2] = (uint8_t)(0x80 | (cp & 0x3F));
    }
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    cr_assert_eq(fold_text(&ft, text, sizeof text, &fb), SCREENER_OK);
    cr_assert_eq(fb.n, (size_t)REPS * FOLD_MAX_UNITS);
    fold_buf_free(&fb);
    fold_table_close(&ft);
}

/* The plain walk over the supplementary index, one lookup path per 16 code
 * points, every index read and data block checked: the reference for
 * table.c's walk, which skips blocks it has already walked whole. */
static int plain_paths_ok(const UCPTrie *t)
{
    const uint16_t *ix = t->index;
    int32_t il = t->indexLength, dl = t->dataLength;
    for (UChar32 c = 0x10000; c < t->highStart; c += 16) {
        int32_t i1 = (c >> 14) + (0x10000 >> UCPTRIE_FAST_SHIFT) - 4;
        if (i1 >= il)
            return 0;
        int32_t i2 = (int32_t)ix[i1] + ((c >> 9) & 31);
        if (i2 >= il)
            return 0;
        int32_t i3Block = ix[i2], i3 = (c >> 4) & 31, block;
        if ((i3Block & 0x8000) == 0) {
            if (i3Block + i3 >= il)
                return 0;
            block = ix[i3Block + i3];
        } else {
            i3Block = (i3Block & 0x7FFF) + (i3 & ~7) + (i3 >> 3);
            int32_t k = i3 & 7;
            if (i3Block + 1 + k >= il)
                return 0;
            block = ((int32_t)ix[i3Block] << (2 + 2 * k)) & 0x30000;
            block |= ix[i3Block + 1 + k];
        }
        if (block + 15 >= dl)
            return 0;
    }
    return 1;
}

/* Every entry of the supplementary index damaged in turn (out of range, the
 * 18-bit flag flipped or off by one, by turns): the table opens exactly when the plain
 * walk finds every lookup in bounds, and some damage is refused. */
Test(table, damaged_supplementary_index_entries_are_refused_as_the_plain_walk_says)
{
    UErrorCode st = U_ZERO_ERROR;
    UCPTrie *t = ucptrie_openFromBinary(UCPTRIE_TYPE_FAST, UCPTRIE_VALUE_BITS_32, copy,
                                        (int32_t)fbuild.trie_len, NULL, &st);
    cr_assert(U_SUCCESS(st) && t);
    uint16_t *ix = (uint16_t *)copy + (t->index - (const uint16_t *)copy);
    int32_t il = t->indexLength;
    cr_assert(plain_paths_ok(t));
    int refused = 0, checked = 0;
    for (int32_t k = 0x10000 >> UCPTRIE_FAST_SHIFT; k < il; k++) {
        uint16_t old = ix[k];
        const uint16_t bad[] = {0xFFFF, (uint16_t)(old ^ 0x8000), (uint16_t)(old + 1)};
        for (size_t b = (size_t)k % 3; b < sizeof bad / sizeof bad[0]; b += 3) { /* one each */
            ix[k] = bad[b];
            int ok = plain_paths_ok(t); /* (t reads the copy: the damage is seen) */
            int rc = open_copy();
            cr_assert_eq(rc == SCREENER_OK, ok, "index entry %d set to %#x: open %d, plain walk %d",
                         (int)k, bad[b], rc, ok);
            refused += rc != SCREENER_OK;
            checked++;
        }
        ix[k] = old;
    }
    ucptrie_close(t);
    cr_assert_gt(refused, 0, "%d of %d damaged tables refused", refused, checked);
}

/* The bitmaps fold_table_open derives from the trie a data block at a time
 * (numerals, cjk_codes: table.c bmp_bits_of) are, bit for bit, what one
 * lookup per code point says, for tables of several fold families (their
 * BMP data blocks are shared differently). */
Test(table, the_derived_bmp_bitmaps_match_a_lookup_per_code_point)
{
    static const uint32_t families[] = {
        SCREENER_FOLD_ALL, 0, SCREENER_FOLD_COMPAT | SCREENER_FOLD_CASE,
        SCREENER_FOLD_TRADITIONAL | SCREENER_FOLD_NOISE, SCREENER_FOLD_NOISE,
        SCREENER_FOLD_ALL & ~(uint32_t)SCREENER_FOLD_TRADITIONAL};
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        fold_build b;
        cr_assert_eq(fold_build_table(families[f], &b, NULL), SCREENER_OK);
        uint32_t *t = malloc(b.trie_len + 4);
        cr_assert(t);
        memcpy(t, b.trie_bin, b.trie_len);
        fold_table ft;
        cr_assert_eq(fold_table_open(&ft, t, b.trie_len, b.expand, b.n_expand), SCREENER_OK);
        int plain = 0, numerals = 0;
        for (uint32_t u = 0; u <= 0xFFFF; u++) {
            uint32_t v = UCPTRIE_FAST_BMP_GET(ft.trie, UCPTRIE_32, u), code = 0;
            int num = u >= 0x3000 && FV_KIND(v) == FV_IDENT && fv_numeral(v) >= 0;
            cr_assert_eq((ft.numerals[u >> 6] >> (u & 63)) & 1u, (uint64_t)num,
                         "family set %zu: numerals bit of U+%04X", f, u);
            if (u >= 0x800 && !(v & 0x1F0000u)) {
                if (v >> 28 == (FV_IDENT << 2 | FC_OTHER))
                    code = FCJK_PLAIN;
                else if (v >> 28 == (FV_DROP << 2 | FC_GAP))
                    code = FCJK_GAP;
            }
            cr_assert_eq((ft.cjk_codes[u >> 4] >> 2 * (u & 15)) & 3u, code,
                         "family set %zu: CJK code of U+%04X", f, u);
            plain += code == FCJK_PLAIN;
            numerals += num;
        }
        /* (not a table of zeros where Han is kept as itself) */
        if (families[f] != 0)
            cr_assert_gt(plain, 20000, "family set %zu: %d plain", f, plain);
        if (families[f] == SCREENER_FOLD_ALL)
            cr_assert_gt(numerals, 5, "%d numerals", numerals);
        fold_table_close(&ft);
        free(t);
        fold_build_free(&b);
    }
}

/* The build's shortcuts (table_build.c: the code points visited by ranges
 * of a set, the transliterator only within its source set, the
 * normalizer's quick check before normalizing) change nothing: the table
 * is byte for byte the one built without them, for family sets that use
 * each of them alone and together. */
Test(table_build, the_shortcuts_give_the_exhaustive_table, .timeout = 120)
{
    static const uint32_t families[] = {
        SCREENER_FOLD_ALL, 0, SCREENER_FOLD_TRADITIONAL, SCREENER_FOLD_COMPAT,
        SCREENER_FOLD_COMPAT | SCREENER_FOLD_CASE | SCREENER_FOLD_HOMOGLYPH,
        SCREENER_FOLD_ALL & ~(uint32_t)SCREENER_FOLD_COMPAT};
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        fold_build a, b;
        cr_assert_eq(fold_build_table(families[f], &a, NULL), SCREENER_OK);
        cr_assert_eq(fold_build_table_exhaustive(families[f], &b, NULL), SCREENER_OK);
        cr_assert_eq(a.trie_len, b.trie_len, "families 0x%x: trie length", families[f]);
        cr_assert(!memcmp(a.trie_bin, b.trie_bin, a.trie_len), "families 0x%x: trie",
                  families[f]);
        cr_assert_eq(a.n_expand, b.n_expand, "families 0x%x: expansions", families[f]);
        cr_assert(!a.n_expand || !memcmp(a.expand, b.expand, a.n_expand * sizeof *a.expand),
                  "families 0x%x: expansion units", families[f]);
        fold_build_free(&a);
        fold_build_free(&b);
    }
}
