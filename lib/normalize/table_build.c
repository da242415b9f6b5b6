/*
 * table_build.c — builds the fold table with ICU at database-compile time.
 *
 * For each assigned code point c the fold is, in this order:
 *   1. special compatibility mappings NFKC lacks: negative circled/squared
 *      Latin letters U+1F150..U+1F189 -> A..Z, CJK Radicals Supplement ->
 *      unified ideographs (EquivalentUnifiedIdeograph)   [SCREENER_FOLD_COMPAT]
 *   2. NFKC_Casefold / NFKC / full case folding of c alone [COMPAT, CASE]
 *   2b. digit forms NFKC leaves alone (❶ ⓫ ⓿ ٣ ...) -> ASCII digits,
 *      from Unicode numeric values (table_digits.c)       [COMPAT]
 *   3. traditional -> simplified for each Han code point of the result:
 *      OpenCC TSCharacters first, then ICU's "Traditional-Simplified"
 *      transliterator (unless OpenCC lists the character as simplified),
 *      then Unihan kSimplifiedVariant                       [TRADITIONAL]
 *   4. Latin/Greek/Cyrillic: canonical decomposition, combining marks
 *      dropped; standalone combining diacritics dropped     [ACCENTS]
 *   4b. look-alikes (lookalike.c, docs/lookalikes.md): a non-ASCII letter
 *      reads as the letter a reader sees — its confusable skeleton of the
 *      same case (Ν -> N, ν -> v), a small capital's class (ᴛ τ т -> t), a
 *      regional indicator's letter, a Kana drawn like one Han character
 *      (ロ -> 口). Never applied to ASCII or Han            [HOMOGLYPH]
 *   5. noise dropped: whitespace, punctuation, symbols, controls, format and
 *      default-ignorable characters, emoji, enclosing marks [NOISE]
 *   6. a combining mark whose output is not only marks is dropped: a mark
 *      never produces a letter (U+0345 -> ι -> i)          [always]
 * Kept Chinese numerals also carry the digit they stand for in their value
 * (table_digits.c, read by the numerals view only).
 * Step 5 runs after 1-4 so that, e.g., a Kangxi radical (a symbol) first
 * becomes its Han letter. U+FFFD is never dropped: it stands for invalid
 * input and separates what is around it.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/umutablecptrie.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>


#include "common/error.h"
#include "foldtable.h"
#include "table_digits.h"
#include "lookalike.h"
#include "variants.h"
#include "common/alloc.h"

#define MAX_OUT 64

typedef struct builder {
    uint32_t flags;
    const UNormalizer2 *compat; /* NFKC_Casefold or NFKC, or NULL */
    const UNormalizer2 *nfd;
    const UNormalizer2 *nfkc;   /* for the homoglyph pre-check, or NULL */
    UTransliterator *t2s;       /* or NULL */
    USet *t2s_source;           /* what t2s may change (frozen), with t2s */
    int exhaustive;             /* no shortcut (fold_build_table_exhaustive) */
    lookalike *la;              /* look-alike map (HOMOGLYPH), or NULL */
    USet *gb2312;               /* standard simplified repertoire, or NULL */
    uint16_t *expand;
    size_t n_expand, cap_expand;
    numeral_map numerals; /* folded Chinese numeral -> digit */
} builder;

/* Class of a code point that is kept in the folded text. */
static uint32_t kept_class(UChar32 c)
{
    if (c == 0x3099 || c == 0x309A || c == 0xFFFD)
        return FC_OTHER;
    int letter_like = (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
    if (!letter_like)
        return FC_OTHER;
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &st);
    if (U_FAILURE(st) || script_spaceless(sc))
        return FC_OTHER;
    return FC_WORD;
}

/* If c is noise, return FC_GAP or FC_IGNORABLE; else 0 (keep). */
static uint32_t noise_class(UChar32 c)
{
    if (c == 0xFFFD)
        return 0;
    if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
        return FC_IGNORABLE;
    uint32_t m = U_GET_GC_MASK(c);
    if (m & (U_GC_CF_MASK | U_GC_ME_MASK))
        return FC_IGNORABLE;
    if (m & (U_GC_CC_MASK | U_GC_Z_MASK | U_GC_P_MASK | U_GC_S_MASK))
        return FC_GAP;
    if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
        u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR))
        return FC_GAP;
    return 0;
}

static int is_combining_diacritic(UChar32 c)
{
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
           (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
           (c >= 0xFE20 && c <= 0xFE2F);
}

static int accent_script(UChar32 c)
{
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &st);
    return U_SUCCESS(st) &&
           (sc == USCRIPT_LATIN || sc == USCRIPT_GREEK || sc == USCRIPT_CYRILLIC);
}

/* The letter a reader sees in c (lookalike.c: confusable skeletons of the
 * same case, small capitals, regional indicators, Kana drawn like Han),
 * lowercased when case folding is on; or -1. */
static int32_t reader_letter(builder *b, UChar32 c)
{
    UChar32 a = lookalike_of(b->la, c, NULL);
    if (a >= 0 && (b->flags & SCREENER_FOLD_CASE))
        a = u_tolower(a);
    return a;
}

/* Normalize the single code point c with n into dst (cap UTF-16 units);
 * returns the length, or -1 on an ICU error. */
static int32_t norm_cp(const UNormalizer2 *n, UChar32 c, UChar *dst, int32_t cap)
{
    UChar src[2];
    int32_t sn = 0;
    UErrorCode st = U_ZERO_ERROR;
    U16_APPEND_UNSAFE(src, sn, c);
    int32_t dn = unorm2_normalize(n, src, sn, dst, cap, &st);
    return U_SUCCESS(st) ? dn : -1;
}

/* 1 if NFKC turns c into ASCII already (full-width, circled, math letters):
 * those must not go through skeletons (Ｉ would become l). */
static int compat_gives_ascii(builder *b, UChar32 c)
{
    UChar dst[32];
    return b->nfkc && norm_cp(b->nfkc, c, dst, 32) >= 1 && dst[0] < 0x80;
}

/* UTF-16 string -> code points. */
static int to_cps(const UChar *s, int32_t n, UChar32 *out, int cap)
{
    int k = 0;
    for (int32_t i = 0; i < n && k < cap;) {
        UChar32 c;
        U16_NEXT(s, i, n, c);
        out[k++] = c;
    }
    return k;
}

static int icu_t2s(builder *b, UChar32 c, UChar32 *out, int cap);

/* Traditional -> simplified of one Han code point: OpenCC, then ICU (unless
 * OpenCC says c is itself simplified), then Unihan. Returns count written. */
static int t2s_cp(builder *b, UChar32 c, UChar32 *out, int cap)
{
    int32_t m = variants_lookup(variants_opencc_t2s, variants_opencc_t2s_count, (uint32_t)c);
    if (m >= 0) {
        out[0] = m;
        return 1;
    }
    /* ICU and Unihan also merge variants that are standard simplified
     * characters in their own right (俱->具, 姊->姐, 著->着): never re-map a
     * character of the GB2312 repertoire or one OpenCC calls simplified. */
    if (variants_contains(variants_simplified, variants_simplified_count, (uint32_t)c) ||
        (b->gb2312 && uset_contains(b->gb2312, c))) {
        out[0] = c;
        return 1;
    }
    int n = icu_t2s(b, c, out, cap);
    if (n != 1 || out[0] != c)
        return n;
    m = variants_lookup(variants_unihan_t2s, variants_unihan_t2s_count, (uint32_t)c);
    out[0] = m >= 0 ? m : c;
    return 1;
}

/* ICU's Traditional-Simplified transliterator on one code point: a code
 * point outside its source set (3,464 of the ~98,000 Han ones in ICU 72)
 * is left as it is without running its rules. */
static int icu_t2s(builder *b, UChar32 c, UChar32 *out, int cap)
{
    if (!b->exhaustive && !uset_contains(b->t2s_source, c)) {
        out[0] = c;
        return 1;
    }
    UChar buf[32];
    int32_t len = 0, limit;
    U16_APPEND_UNSAFE(buf, len, c);
    limit = len;
    UErrorCode st = U_ZERO_ERROR;
    utrans_transUChars(b->t2s, buf, &len, 32, 0, &limit, &st);
    if (U_FAILURE(st) || len <= 0) {
        out[0] = c;
        return 1;
    }
    return to_cps(buf, len, out, cap);
}

/* Step 2b: digit forms to ASCII digits (table_digits.c), in place. */
static int digit_forms(UChar32 *step, int n)
{
    UChar32 tmp[MAX_OUT];
    int k = 0;
    for (int i = 0; i < n && k + 2 <= MAX_OUT; i++) {
        int d = table_digit_form(step[i], tmp + k);
        if (d)
            k += d;
        else
            tmp[k++] = step[i];
    }
    memcpy(step, tmp, (size_t)k * sizeof(UChar32));
    return k;
}

/* A combining mark never produces a letter, digit or anything else that is
 * not a mark: NFKC_Casefold turns U+0345 YPOGEGRAMMENI into ι (then i), so
 * "zalgo" text (marks stacked on letters) would grow letters. 1 if the
 * output of mark c must be dropped. */
static int mark_grows_letter(UChar32 c, const UChar32 *out, int n)
{
    if (!(U_GET_GC_MASK(c) & U_GC_M_MASK))
        return 0;
    for (int i = 0; i < n; i++)
        if (!(U_GET_GC_MASK(out[i]) & U_GC_M_MASK))
            return 1;
    return 0;
}

/* Step 1: the code point the fold starts from: squared/negative letters and
 * radicals to their letter, then (before case folding) a look-alike's reading
 * letter: Greek Ν reads as N, its lowercase ν as v. */
static UChar32 fold_base(builder *b, UChar32 c)
{
    UChar32 base = c;
    if ((b->flags & SCREENER_FOLD_COMPAT) && c >= 0x1F150 && c <= 0x1F189) {
        int idx = (int)((c - 0x1F150) % 0x20);
        if (idx < 26)
            base = 'A' + idx;
    } else if (b->flags & SCREENER_FOLD_COMPAT) {
        int32_t r = variants_lookup(variants_radicals, variants_radicals_count, (uint32_t)c);
        if (r >= 0)
            base = r;
    }
    if (b->la && base == c && !compat_gives_ascii(b, c)) {
        int32_t a = reader_letter(b, c);
        if (a >= 0)
            base = a;
    }
    return base;
}

/* Step 2: NFKC_Casefold (compat) or case folding alone, into step[]; the
 * count, or -1 on ICU failure. */
static int fold_normalize(builder *b, UChar32 base, UChar32 *step)
{
    UChar src[8], dst[MAX_OUT * 2];
    int32_t sn = 0, dn;
    U16_APPEND_UNSAFE(src, sn, base);
    UErrorCode st = U_ZERO_ERROR;
    if (b->compat && !b->exhaustive && unorm2_isNormalized(b->compat, src, sn, &st) &&
        U_SUCCESS(st)) {
        /* (most code points: the quick check, without normalize's setup) */
        step[0] = base;
        return 1;
    }
    st = U_ZERO_ERROR;
    if (b->compat) {
        dn = unorm2_normalize(b->compat, src, sn, dst, MAX_OUT * 2, &st);
    } else if (b->flags & SCREENER_FOLD_CASE) {
        dn = u_strFoldCase(dst, MAX_OUT * 2, src, sn, U_FOLD_CASE_DEFAULT, &st);
    } else {
        memcpy(dst, src, (size_t)sn * sizeof(UChar));
        dn = sn;
    }
    if (U_FAILURE(st))
        return -1;
    return to_cps(dst, dn, step, MAX_OUT);
}

/* Step 3: traditional Han characters to simplified, in place. */
static int fold_t2s(builder *b, UChar32 *step, int n)
{
    UChar32 tmp[MAX_OUT];
    int k = 0;
    for (int i = 0; i < n && k < MAX_OUT; i++) {
        UErrorCode se = U_ZERO_ERROR;
        if (uscript_getScript(step[i], &se) == USCRIPT_HAN)
            k += t2s_cp(b, step[i], tmp + k, MAX_OUT - k);
        else
            tmp[k++] = step[i];
    }
    memcpy(step, tmp, (size_t)k * sizeof(UChar32));
    return k;
}

/* Step 4: accents off (NFD minus nonspacing marks, for the scripts that
 * take accents), in place; -1 on ICU failure. */
static int fold_accents(builder *b, UChar32 *step, int n, uint32_t *drop_class)
{
    UChar32 tmp[MAX_OUT];
    int k = 0;
    for (int i = 0; i < n && k < MAX_OUT; i++) {
        UChar32 x = step[i];
        if (is_combining_diacritic(x)) {
            *drop_class = FC_IGNORABLE;
            continue;
        }
        if (!accent_script(x)) {
            tmp[k++] = x;
            continue;
        }
        UChar d1[32];
        int32_t m = norm_cp(b->nfd, x, d1, 32);
        if (m < 0)
            return -1;
        UChar32 dec[32];
        int dk = to_cps(d1, m, dec, 32);
        for (int j = 0; j < dk && k < MAX_OUT; j++)
            if (!(U_GET_GC_MASK(dec[j]) & U_GC_MN_MASK))
                tmp[k++] = dec[j];
    }
    memcpy(step, tmp, (size_t)k * sizeof(UChar32));
    return k;
}

/* Step 5: noise (separators, controls, symbols) dropped into out[];
 * *drop_class becomes FC_GAP when a visible separator is dropped. */
static int fold_noise(builder *b, const UChar32 *step, int n, UChar32 *out,
                      uint32_t *drop_class)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        uint32_t nc = (b->flags & SCREENER_FOLD_NOISE) ? noise_class(step[i]) : 0;
        if (nc) {
            if (nc == FC_GAP)
                *drop_class = FC_GAP;
            continue;
        }
        out[k++] = step[i];
    }
    return k;
}

/*
 * Fold one code point: fills out[] with the output code points and returns
 * their count; *drop_class receives FC_GAP if a visible separator was
 * dropped, else FC_IGNORABLE (used when everything was dropped). Returns -1
 * on ICU failure. Steps as numbered at the top of this file.
 */
static int fold_cp(builder *b, UChar32 c, UChar32 *out, uint32_t *drop_class)
{
    UChar32 step[MAX_OUT];
    *drop_class = FC_IGNORABLE; /* until a visible separator is dropped */
    int n = fold_normalize(b, fold_base(b, c), step);
    if (n < 0)
        return -1;
    if (b->flags & SCREENER_FOLD_COMPAT)
        n = digit_forms(step, n); /* step 2b */
    if (b->t2s)
        n = fold_t2s(b, step, n);
    if ((b->flags & SCREENER_FOLD_ACCENTS) && (n = fold_accents(b, step, n, drop_class)) < 0)
        return -1;
    if (b->la) /* step 4b */
        for (int i = 0; i < n; i++) {
            int32_t a = reader_letter(b, step[i]);
            if (a >= 0)
                step[i] = a;
        }
    int k = fold_noise(b, step, n, out, drop_class);
    if (mark_grows_letter(c, out, k)) {
        *drop_class = FC_IGNORABLE;
        return 0;
    }
    return k;
}

static int push_units(builder *b, const UChar32 *cps, int n, uint32_t *off,
                      uint32_t *len)
{
    UChar u[MAX_OUT * 2];
    int32_t un = 0;
    for (int i = 0; i < n; i++)
        U16_APPEND_UNSAFE(u, un, cps[i]);
    if (un > FOLD_MAX_UNITS)
        un = FOLD_MAX_UNITS;
    if (b->n_expand + (size_t)un > b->cap_expand) {
        size_t c = b->cap_expand ? b->cap_expand * 2 : 8192;
        uint16_t *e = mem_realloc(b->expand, c * sizeof(uint16_t));
        if (!e)
            return -1;
        b->expand = e;
        b->cap_expand = c;
    }
    memcpy(b->expand + b->n_expand, u, (size_t)un * sizeof(uint16_t));
    *off = (uint32_t)b->n_expand;
    *len = (uint32_t)un;
    b->n_expand += (size_t)un;
    return 0;
}

/* The ASCII punctuation a dropped character stands for ('＠' -> '@',
 * '。' -> '.'), or 0. */
static uint32_t punct_ascii(builder *b, UChar32 c)
{
    if (c == 0x3002 || c == 0xFF61)
        return '.'; /* ideographic full stops, used to disguise domains */
    UChar32 a = c;
    if (c >= 0x80) {
        UChar dst[16];
        if (!b->nfkc || norm_cp(b->nfkc, c, dst, 16) != 1)
            return 0;
        a = dst[0];
    }
    return (a > 0x20 && a < 0x7F && !u_isalnum(a)) ? (uint32_t)a : 0;
}

/* The numeral field of a value whose output is the code point c. */
static uint32_t numeral_bits(const builder *b, UChar32 c)
{
    int d = table_numeral_digit(&b->numerals, c);
    return d < 0 ? 0 : (uint32_t)(d + 1) << FV_NUMERAL_SHIFT;
}

/* The Chinese numerals (table_digits.c) by their folded form: 兩 (2)
 * folds to 两, so 两 reads 2. Runs before the table is filled. */
static int collect_numerals(builder *b)
{
    for (UChar32 c = 0x3000; c <= 0xFFFF; c++) {
        int d = table_numeral_value(c);
        if (d < 0)
            continue;
        UChar32 out[MAX_OUT];
        uint32_t drop_class;
        int n = fold_cp(b, c, out, &drop_class);
        if (n < 0)
            return -1;
        if (n == 1 && out[0] <= 0xFFFF && numeral_map_add(&b->numerals, out[0], d))
            return -2;
    }
    return 0;
}

static int value_for(builder *b, UChar32 c, uint32_t *value)
{
    UChar32 out[MAX_OUT];
    uint32_t drop_class;
    int n = fold_cp(b, c, out, &drop_class);
    if (n < 0)
        return -1;
    if (n == 0) {
        int extends = u_hasBinaryProperty(c, UCHAR_GRAPHEME_EXTEND) || c == 0x200D;
        uint32_t clause = u_hasBinaryProperty(c, UCHAR_TERMINAL_PUNCTUATION) ? FV_DROP_CLAUSE : 0;
        *value = FV_MAKE(FV_DROP, drop_class,
                         clause | (punct_ascii(b, c) << 1) | (extends ? 1u : 0u));
    } else if (n == 1 && out[0] == c) {
        *value = FV_MAKE(FV_IDENT, kept_class(c), numeral_bits(b, c));
    } else if (n == 1) {
        *value = FV_MAKE(FV_ONE, kept_class(out[0]), (uint32_t)out[0] | numeral_bits(b, out[0]));
    } else {
        uint32_t off, len;
        if (push_units(b, out, n, &off, &len))
            return -2;
        *value = FV_MAKE(FV_MULTI, kept_class(out[0]), (len << 20) | off);
    }
    return 0;
}

/* Release what builder_open opened (any subset; NULLs are fine). */
static void builder_close(builder *b)
{
    utrans_close(b->t2s);
    if (b->t2s_source)
        uset_close(b->t2s_source);
    b->t2s_source = NULL;
    lookalike_close(b->la);
    if (b->gb2312)
        uset_close(b->gb2312);
    b->t2s = NULL;
    b->la = NULL;
    b->gb2312 = NULL;
}

/* The ICU services the enabled families use. On failure, builder_close
 * releases whatever was opened. */
static int builder_open(builder *b, uint32_t flags, screener_error **err_out)
{
    memset(b, 0, sizeof *b);
    b->flags = flags;
    UErrorCode st = U_ZERO_ERROR;
    if (flags & SCREENER_FOLD_COMPAT)
        b->compat = (flags & SCREENER_FOLD_CASE) ? unorm2_getNFKCCasefoldInstance(&st)
                                                 : unorm2_getNFKCInstance(&st);
    b->nfd = unorm2_getNFDInstance(&st);
    if (flags & SCREENER_FOLD_COMPAT)
        b->nfkc = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st))
        return err_set(err_out, SCREENER_E_ICU, NULL, 0,
                       "ICU normalizer unavailable: %s", u_errorName(st));
    if (flags & SCREENER_FOLD_TRADITIONAL) {
        static const UChar id[] = u"Traditional-Simplified";
        b->t2s = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
        if (U_FAILURE(st))
            return err_set(err_out, SCREENER_E_ICU, NULL, 0,
                           "ICU Traditional-Simplified transliterator unavailable: %s",
                           u_errorName(st));
        /* the source set: "the characters that may be modified" (ICU's
         * definition), the filter included */
        b->t2s_source = uset_openEmpty();
        if (!b->t2s_source)
            st = U_MEMORY_ALLOCATION_ERROR;
        if (U_SUCCESS(st)) {
            utrans_getSourceSet(b->t2s, 0, b->t2s_source, &st);
            uset_freeze(b->t2s_source);
        }
        if (U_FAILURE(st))
            return err_set(err_out, SCREENER_E_ICU, NULL, 0,
                           "ICU Traditional-Simplified source set: %s", u_errorName(st));
        UConverter *cv = ucnv_open("GB2312", &st);
        b->gb2312 = uset_openEmpty();
        if (U_SUCCESS(st))
            ucnv_getUnicodeSet(cv, b->gb2312, UCNV_ROUNDTRIP_SET, &st);
        ucnv_close(cv);
        if (U_FAILURE(st))
            return err_set(err_out, SCREENER_E_ICU, NULL, 0, "GB2312 repertoire: %s",
                           u_errorName(st));
    }
    if (flags & SCREENER_FOLD_HOMOGLYPH) {
        int la_st;
        b->la = lookalike_open(&la_st);
        if (!b->la)
            return err_set(err_out, la_st, NULL, 0,
                           la_st == SCREENER_E_NOMEM ? "out of memory"
                                                     : "look-alike map: uspoof_open failed");
    }
    return SCREENER_OK;
}

/* fill_trie's set of code points to visit, by a test of each one (what the
 * pattern there says, for fold_build_table_exhaustive). */
static USet *visit_each(UErrorCode *st)
{
    USet *set = uset_openEmpty();
    if (!set) {
        *st = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    for (UChar32 c = 0; c <= 0x10FFFF; c++) {
        int8_t gc = u_charType(c);
        if ((gc == U_UNASSIGNED && !u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC)) ||
            gc == U_PRIVATE_USE_CHAR || gc == U_SURROGATE)
            continue;
        uset_add(set, c);
    }
    return set;
}

/* The value of every code point that does not fold to itself, into mt. */
static int fill_trie(builder *b, UMutableCPTrie *mt, screener_error **err_out)
{
    int nr = collect_numerals(b);
    if (nr)
        return err_set(err_out, nr == -1 ? SCREENER_E_ICU : SCREENER_E_NOMEM, NULL, 0,
                       nr == -1 ? "ICU failed to fold a Chinese numeral"
                                : "more than %d Chinese numerals", NUMERAL_MAP_MAX);
    /* The code points that get a value: the assigned ones and the emoji
     * code points Unicode reserves (Extended_Pictographic, unassigned yet),
     * but not private use (its meaning is private) nor surrogates (never
     * out of the UTF-8 decoder). Every other one folds to itself (the
     * trie's initial value). ~290,000 of the 1.1 million: its ranges, not
     * a test of each code point (that loop was ~15 % of a build). */
    static const UChar visit[] =
        u"[[:^gc=Cn:][:Extended_Pictographic:]-[:gc=Co:]-[:gc=Cs:]]";
    UErrorCode st = U_ZERO_ERROR;
    USet *set = b->exhaustive ? visit_each(&st) : uset_openPattern(visit, -1, &st);
    if (U_FAILURE(st) || !set) {
        if (set)
            uset_close(set);
        return err_set(err_out, SCREENER_E_ICU, NULL, 0, "ICU code point set: %s",
                       u_errorName(st));
    }
    int rc = SCREENER_OK;
    int32_t ranges = uset_getItemCount(set);
    for (int32_t i = 0; i < ranges && !rc; i++) {
        UChar32 lo, hi;
        uset_getItem(set, i, &lo, &hi, NULL, 0, &st);
        for (UChar32 c = lo; c <= hi && !rc && U_SUCCESS(st); c++) {
            uint32_t v;
            int r = value_for(b, c, &v);
            if (r == -1)
                rc = err_set(err_out, SCREENER_E_ICU, NULL, 0, "ICU failed to fold U+%04X",
                             (unsigned)c);
            else if (r == -2)
                rc = err_set(err_out, SCREENER_E_NOMEM, NULL, 0, "out of memory");
            else if (v != FV_MAKE(FV_IDENT, FC_OTHER, 0))
                umutablecptrie_set(mt, c, v, &st);
        }
    }
    uset_close(set);
    if (!rc && U_FAILURE(st))
        rc = err_set(err_out, SCREENER_E_ICU, NULL, 0, "ICU trie or set: %s",
                     u_errorName(st));
    return rc;
}

/* mt as a fast, immutable trie in its binary form (out->trie_bin). */
static int serialize_trie(UMutableCPTrie *mt, fold_build *out, screener_error **err_out)
{
    UErrorCode st = U_ZERO_ERROR;
    UCPTrie *trie = umutablecptrie_buildImmutable(mt, UCPTRIE_TYPE_FAST, UCPTRIE_VALUE_BITS_32,
                                                  &st);
    if (U_FAILURE(st))
        return err_set(err_out, SCREENER_E_ICU, NULL, 0, "buildImmutable: %s",
                       u_errorName(st));
    int rc = SCREENER_OK;
    UErrorCode pre = U_ZERO_ERROR;
    int32_t len = ucptrie_toBinary(trie, NULL, 0, &pre);
    out->trie_bin = mem_malloc((size_t)len);
    if (!out->trie_bin) {
        rc = err_set(err_out, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    } else {
        ucptrie_toBinary(trie, out->trie_bin, len, &st);
        if (U_FAILURE(st))
            rc = err_set(err_out, SCREENER_E_ICU, NULL, 0, "toBinary: %s", u_errorName(st));
        out->trie_len = (size_t)len;
    }
    ucptrie_close(trie);
    return rc;
}

static int build_table(uint32_t flags, int exhaustive, fold_build *out,
                       screener_error **err_out)
{
    memset(out, 0, sizeof *out);
    builder b;
    int rc = builder_open(&b, flags, err_out);
    b.exhaustive = exhaustive;
    UMutableCPTrie *mt = NULL;
    if (!rc) {
        UErrorCode st = U_ZERO_ERROR;
        mt = umutablecptrie_open(FV_MAKE(FV_IDENT, FC_OTHER, 0), FV_INVALID, &st);
        if (U_FAILURE(st))
            rc = err_set(err_out, SCREENER_E_ICU, NULL, 0, "umutablecptrie_open: %s",
                         u_errorName(st));
    }
    if (!rc)
        rc = fill_trie(&b, mt, err_out);
    builder_close(&b);
    if (!rc)
        rc = serialize_trie(mt, out, err_out);
    umutablecptrie_close(mt);
    out->expand = b.expand; /* the expansions builder pushed, owned by out now */
    out->n_expand = b.n_expand;
    if (rc != SCREENER_OK)
        fold_build_free(out);
    return rc;
}

int fold_build_table(uint32_t flags, fold_build *out, screener_error **err_out)
{
    return build_table(flags, 0, out, err_out);
}

int fold_build_table_exhaustive(uint32_t flags, fold_build *out, screener_error **err_out)
{
    return build_table(flags, 1, out, err_out);
}

void fold_build_free(fold_build *b)
{
    mem_free(b->trie_bin);
    mem_free(b->expand);
    memset(b, 0, sizeof *b);
}
