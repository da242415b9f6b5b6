/*
 * table.c — opening a serialized fold table for scanning.
 */
#include <string.h>

#include "foldtable.h"

int fold_table_open(fold_table *ft, const void *trie_bin, size_t trie_len,
                    const uint16_t *expand, size_t n_expand)
{
    memset(ft, 0, sizeof *ft);
    if (((uintptr_t)trie_bin & 3) || trie_len > INT32_MAX || n_expand > 0xFFFFF)
        return SCREENER_E_DB_FORMAT;
    UErrorCode st = U_ZERO_ERROR;
    int32_t used = 0;
    UCPTrie *t = ucptrie_openFromBinary(UCPTRIE_TYPE_FAST, UCPTRIE_VALUE_BITS_32,
                                        trie_bin, (int32_t)trie_len, &used, &st);
    if (U_FAILURE(st) || !t || (size_t)used != trie_len) {
        ucptrie_close(t);
        return SCREENER_E_DB_FORMAT;
    }
    /* Validate every distinct value range: a value must describe output the
     * scanner can produce without reading outside expand[]. */
    uint32_t max_units = 2;
    UChar32 start = 0, end;
    uint32_t v;
    while ((end = ucptrie_getRange(t, start, UCPMAP_RANGE_NORMAL, 0, NULL, NULL, &v)) >= 0) {
        if (FV_KIND(v) == FV_MULTI) {
            if ((size_t)FV_OFF(v) + FV_LEN(v) > n_expand || FV_LEN(v) == 0 ||
                FV_LEN(v) > FOLD_MAX_UNITS) {
                ucptrie_close(t);
                return SCREENER_E_DB_FORMAT;
            }
        } else if (FV_KIND(v) == FV_ONE) {
            uint32_t cp = FV_CP(v);
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                ucptrie_close(t);
                return SCREENER_E_DB_FORMAT;
            }
        }
        uint32_t u = fold_units_of(v, (uint32_t)end);
        if (u > max_units)
            max_units = u;
        if (end >= 0x10FFFF)
            break;
        start = end + 1;
    }
    ft->trie = t;
    ft->expand = expand;
    ft->n_expand = (uint32_t)n_expand;
    ft->max_units = max_units;
    /* The scanner's ASCII fast path assumes ASCII folds to at most one BMP
     * unit; a table that says otherwise is not ours. */
    for (uint32_t c = 0; c < 128; c++) {
        uint32_t a = UCPTRIE_FAST_BMP_GET(t, UCPTRIE_32, c);
        if (FV_KIND(a) == FV_MULTI || (FV_KIND(a) == FV_ONE && FV_CP(a) > 0xFFFF)) {
            ucptrie_close(t);
            memset(ft, 0, sizeof *ft);
            return SCREENER_E_DB_FORMAT;
        }
        ft->ascii[c] = a;
    }
    fold_table_set_collapse(ft, 0);
    return SCREENER_OK;
}

void fold_table_set_collapse(fold_table *ft, int collapse)
{
    ft->collapse = collapse;
    for (uint32_t c = 0; c < 128; c++) {
        uint32_t v = ft->ascii[c], kind = FV_KIND(v), f = 0;
        if (kind == FV_IDENT || kind == FV_ONE) {
            uint32_t u = kind == FV_IDENT ? c : FV_CP(v);
            f = u | FA_KEEP;
            if (FV_CLASS(v) == FC_WORD)
                f |= FA_WORD;
            if (collapse && FV_CLASS(v) == FC_WORD && !(u >= '0' && u <= '9'))
                f |= FA_COLL;
        } else if (FV_CLASS(v) == FC_GAP) {
            f = FA_GAP;
        }
        ft->ascii_fast[c] = f;
    }
}

void fold_table_close(fold_table *ft)
{
    if (ft->trie)
        ucptrie_close(ft->trie);
    memset(ft, 0, sizeof *ft);
}
