/* Traditional -> simplified coverage over the Big5 repertoire, compared with
 * each source alone (OpenCC TSCharacters, ICU Traditional-Simplified, Unihan
 * kSimplifiedVariant), measured in this test and printed. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/uscript.h>
#include <unicode/uset.h>
#include <unicode/utrans.h>

#include "fold_fixture.h"
#include "normalize/fold.h"
#include "normalize/foldtable.h"
#include "normalize/variants.h"

static int icu_maps(UTransliterator *t, UChar32 c)
{
    UChar buf[16];
    int32_t len = 0;
    U16_APPEND_UNSAFE(buf, len, c);
    int32_t limit = len;
    UErrorCode st = U_ZERO_ERROR;
    utrans_transUChars(t, buf, &len, 16, 0, &limit, &st);
    UChar32 out;
    int32_t i = 0;
    U16_NEXT(buf, i, len, out);
    return U_SUCCESS(st) && !(len == i && out == c);
}

Test(t2s, big5_coverage_is_at_least_the_union_of_the_sources)
{
    fold_build fb;
    fold_table ft;
    fold_fixture_open(SCREENER_FOLD_TRADITIONAL, &fb, &ft);

    UErrorCode st = U_ZERO_ERROR;
    USet *big5 = uset_openEmpty(), *gb = uset_openEmpty();
    UConverter *cv = ucnv_open("Big5", &st);
    ucnv_getUnicodeSet(cv, big5, UCNV_ROUNDTRIP_SET, &st);
    ucnv_close(cv);
    cv = ucnv_open("GB2312", &st);
    ucnv_getUnicodeSet(cv, gb, UCNV_ROUNDTRIP_SET, &st);
    ucnv_close(cv);
    UTransliterator *t = utrans_openU(u"Traditional-Simplified", -1, UTRANS_FORWARD, NULL, 0,
                                      NULL, &st);
    cr_assert(U_SUCCESS(st), "%s", u_errorName(st));

    size_t han = 0, n_opencc = 0, n_icu = 0, n_unihan = 0, n_union = 0, n_ours = 0,
           n_union_guarded = 0, missed = 0;
    int32_t items = uset_getItemCount(big5);
    for (int32_t it = 0; it < items; it++) {
        UChar32 lo, hi;
        uset_getItem(big5, it, &lo, &hi, NULL, 0, &st);
        for (UChar32 c = lo; c <= hi; c++) {
            UErrorCode se = U_ZERO_ERROR;
            if (uscript_getScript(c, &se) != USCRIPT_HAN)
                continue;
            han++;
            int32_t oc = variants_lookup(variants_opencc_t2s, variants_opencc_t2s_count, (uint32_t)c);
            int32_t uh = variants_lookup(variants_unihan_t2s, variants_unihan_t2s_count, (uint32_t)c);
            int a = oc >= 0 && oc != c, b = icu_maps(t, c), u = uh >= 0 && uh != c;
            n_opencc += (size_t)a;
            n_icu += (size_t)b;
            n_unihan += (size_t)u;
            n_union += (size_t)(a || b || u);
            uint32_t v = fold_value(&ft, c);
            int ours = FV_KIND(v) != FV_IDENT;
            n_ours += (size_t)ours;
            /* Expected: everything OpenCC maps, and what ICU/Unihan map unless
             * the character is standard simplified (GB2312) or OpenCC keeps it. */
            int kept_by_opencc = oc == c;
            int expected = a || ((b || u) && !uset_contains(gb, c) && !kept_by_opencc);
            n_union_guarded += (size_t)((b || u) && !a && !expected);
            if (expected && !ours) {
                missed++;
                if (missed < 10)
                    cr_log_error("U+%04X not folded", (unsigned)c);
            }
        }
    }
    printf("t2s coverage over %zu Big5 Han characters: OpenCC %zu, ICU %zu, Unihan %zu, "
           "union %zu, screener %zu (left unmapped on purpose: %zu standard simplified "
           "characters that ICU/Unihan would merge, e.g. 俱->具)\n",
           han, n_opencc, n_icu, n_unihan, n_union, n_ours, n_union_guarded);
    cr_assert_eq(missed, 0, "%zu characters mapped by a source but not by the fold", missed);
    cr_assert_geq(n_ours, n_union - n_union_guarded);
    utrans_close(t);
    uset_close(big5);
    uset_close(gb);
    fold_fixture_close(&fb, &ft);
}
