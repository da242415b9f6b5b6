/* The fold table (built with ICU) and the scan-time fold: golden cases per
 * fold family, invalid UTF-8, and mapping folded positions back. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fold_fixture.h"
#include "common/utf8.h"
#include "normalize/fold.h"
#include "normalize/foldtable.h"
#include "normalize/leet.h"

static fold_build fbuild;
static fold_table ft;
static fold_buf fb;

static void open_table(uint32_t flags)
{
    memset(&fb, 0, sizeof fb);
    fold_fixture_open(flags, &fbuild, &ft);
}

static void setup_all(void) { open_table(SCREENER_FOLD_ALL); }

static void teardown(void)
{
    fold_fixture_close(&fbuild, &ft);
    fold_buf_free(&fb);
}

/* Fold s and return the folded text as UTF-8 (static buffer). */
static const char *fold(const char *s, size_t n)
{
    static char out[4096];
    cr_assert_eq(fold_text(&ft, (const uint8_t *)s, n, &fb), SCREENER_OK);
    size_t w = 0;
    for (size_t i = 0; i < fb.n; i++) {
        uint32_t c = fb.units[i];
        if (c >= 0xD800 && c <= 0xDBFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (fb.units[i + 1] - 0xDC00);
            i++;
        }
        w += utf8_put((uint8_t *)out + w, c);
    }
    out[w] = 0;
    return out;
}

#define FOLDS(in, expected) cr_assert_str_eq(fold(in, sizeof(in) - 1), expected, "fold of %s", in)

TestSuite(fold, .init = setup_all, .fini = teardown);

Test(fold, case_and_full_width)
{
    FOLDS("FuCk", "fuck");
    FOLDS("ＦＵＣＫ", "fuck");
}

Test(fold, traditional_to_simplified)
{
    FOLDS("法輪功", "法轮功");
    FOLDS("發票", "发票");
    FOLDS("賭博", "赌博");
}

Test(fold, ambiguous_simplified_characters_are_not_merged)
{
    FOLDS("俱乐部", "俱乐部"); /* ICU alone would give 具乐部 */
    FOLDS("姊姊", "姊姊");
    FOLDS("著名", "著名");
    FOLDS("纔", "才");         /* not GB2312: mapped */
    FOLDS("臺灣", "台湾");
}

Test(fold, radicals_supplement)
{
    FOLDS("⻊", "𧾷");          /* U+2ECA -> U+27FB7 (EquivalentUnifiedIdeograph) */
    FOLDS("⺠", "民");          /* U+2EA0 CJK RADICAL CIVILIAN */
}

Test(fold, homoglyphs_become_ascii)
{
    FOLDS("ѕех", "sex");       /* Cyrillic dze, ie, ha */
    FOLDS("Вuу", "buy");       /* Cyrillic capital Ve looks like B */
    FOLDS("οpen", "open");     /* Greek omicron */
    FOLDS("0l1", "0l1");       /* never applied to ASCII */
    FOLDS("一二", "一二");      /* never applied to Han */
}

Test(fold, lookalikes_read_by_the_shape_of_their_own_case)
{
    FOLDS("ΝΥΝ", "nyn");       /* Greek capitals Nu, Upsilon: N and Y, not v and u */
    FOLDS("νυ", "vu");         /* their lowercase forms look like v and u */
    FOLDS("τκχ", "tkx");       /* small-capital classes (ᴛ, ĸ) and the capital's shape */
    FOLDS("аnαӏ", "anal");     /* mixed scripts; the palochka is a stroke: l */
    FOLDS("ᴀʙᴅᴇꜰɢʜᴊᴋʟᴍɴᴘʀᴛ", "abdefghjklmnprt"); /* small capitals */
    FOLDS("вн", "bh");         /* Cyrillic ve, en: small capitals B, H */
    FOLDS("\xF0\x9F\x87\xAB\xF0\x9F\x87\xBA", "fu"); /* regional indicators F U */
    FOLDS("ロエカタトニハー", "口工力夕卜二八一");       /* Katakana drawn like Han */
    FOLDS("ｶ", "力");          /* half-width Katakana through NFKC */
}

Test(fold, combining_marks_never_become_letters)
{
    FOLDS("a\xCD\x85", "a");               /* U+0345 YPOGEGRAMMENI (NFKC_CF: ι) */
    FOLDS("a̦̓ͮ̆s̜͂̓ͅs̢̞̠", "ass"); /* zalgo: the marks go, the letters stay */
    FOLDS("\xE0\xA4\x95\xE0\xA4\xBF", "\xE0\xA4\x95\xE0\xA4\xBF"); /* कि: Indic marks kept */
}

Test(fold, kangxi_radicals_and_compatibility_ideographs)
{
    FOLDS("⼈", "人");      /* U+2F08 KANGXI RADICAL MAN */
    FOLDS("\xEF\xA4\x80", "岂"); /* U+F900 CJK COMPATIBILITY IDEOGRAPH -> 豈 -> 岂 */
}

Test(fold, noise_between_characters_is_dropped)
{
    FOLDS("法 轮\xE3\x80\x80功", "法轮功");            /* space, ideographic space */
    FOLDS("法.轮！功", "法轮功");                      /* ASCII and full-width punctuation */
    FOLDS("法\xE2\x80\x8B轮\xE2\x80\x8D功\xEF\xBB\xBF", "法轮功"); /* ZWSP, ZWJ, BOM */
    FOLDS("法😀轮❤\xEF\xB8\x8F功", "法轮功");          /* emoji, emoji + VS16 */
    FOLDS("f-u*c_k", "fuck");
}

Test(fold, circled_math_and_negative_squared_letters)
{
    FOLDS("ⓕⓤⓒⓚ", "fuck");
    FOLDS("𝐟𝐮𝐜𝐤", "fuck");
    FOLDS("🅕🅤🅒🅚", "fuck");
    FOLDS("🅵🆄🅲🅺", "fuck");
}

Test(fold, accents_are_removed_from_latin)
{
    FOLDS("café", "cafe");
    FOLDS("cafe\xCC\x81", "cafe"); /* e + U+0301 */
}

Test(fold, expansions)
{
    FOLDS("Straße", "strasse");
    FOLDS("ﬁne", "fine");
    FOLDS("㎡", "m2");
}

Test(fold, digits_hash_and_star_are_kept)
{
    FOLDS("a1#*", "a1"); /* # and * are punctuation: dropped; digits kept */
    FOLDS("①②", "12");
}

Test(fold, kana_voicing_marks_are_kept)
{
    /* per code point: か + U+3099 stays two code points, the mark is not dropped */
    FOLDS("\xE3\x81\x8B\xE3\x82\x99", "\xE3\x81\x8B\xE3\x82\x99");
}

Test(fold, invalid_utf8_becomes_one_fffd_per_maximal_subpart)
{
    FOLDS("a\xFF" "b", "a\xEF\xBF\xBD" "b");
    FOLDS("\xE4\xB8", "\xEF\xBF\xBD");
    FOLDS("x\xED\xA0\x80", "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    FOLDS("\xC0\xAFz", "\xEF\xBF\xBD\xEF\xBF\xBDz");
}

Test(fold, replacement_character_in_text_is_kept)
{
    FOLDS("a\xEF\xBF\xBD" "b", "a\xEF\xBF\xBD" "b");
}

Test(fold, nul_and_controls_are_noise)
{
    static const char s[] = {'s', 0, 'e', '\t', 'x'};
    cr_assert_str_eq(fold(s, sizeof s), "sex");
}

Test(fold, empty_input)
{
    cr_assert_eq(fold_text(&ft, (const uint8_t *)"", 0, &fb), SCREENER_OK);
    cr_assert_eq(fb.n, 0);
}

Test(fold, locate_maps_units_back_to_original_bytes)
{
    const char *s = "xx ＦＵ ck!";
    fold(s, strlen(s)); /* folded: "xxfuck" */
    fold_loc a, b;
    fold_locate_start(&ft, (const uint8_t *)s, strlen(s), &fb, 2, &a);
    fold_locate_end(&ft, (const uint8_t *)s, strlen(s), &fb, 6, &b);
    cr_assert_eq(a.byte, 3);  /* Ｆ starts after "xx " */
    cr_assert_eq(b.byte, 12); /* after "k" */
    cr_assert_eq(a.boundary, 1, "a space separates xx and Ｆ");
    cr_assert_eq(b.boundary, 1, "! follows");
}

Test(fold, locate_reports_no_boundary_inside_a_word)
{
    const char *s = "class";
    fold(s, 5);
    fold_loc a, b;
    fold_locate_start(&ft, (const uint8_t *)s, 5, &fb, 2, &a);
    fold_locate_end(&ft, (const uint8_t *)s, 5, &fb, 5, &b);
    cr_assert_eq(a.byte, 2);
    cr_assert_eq(a.boundary, 0);
    cr_assert_eq(b.boundary, 1);
}

Test(fold, locate_works_far_into_long_text)
{
    /* Many checkpoints: 5000 CJK characters then a target. */
    size_t n = 5000 * 3 + 3;
    char *s = malloc(n);
    for (size_t i = 0; i < 5000; i++)
        memcpy(s + 3 * i, "中", 3);
    memcpy(s + 15000, "人", 3);
    cr_assert_eq(fold_text(&ft, (const uint8_t *)s, n, &fb), SCREENER_OK);
    cr_assert_gt(fb.n_marks, 50);
    fold_loc a, b;
    fold_locate_start(&ft, (const uint8_t *)s, n, &fb, 5000, &a);
    fold_locate_end(&ft, (const uint8_t *)s, n, &fb, 5001, &b);
    cr_assert_eq(a.byte, 15000);
    cr_assert_eq(b.byte, 15003);
    free(s);
}

Test(fold_exact, families_can_be_switched_off, .fini = teardown)
{
    open_table(SCREENER_FOLD_NOISE); /* only noise removal */
    FOLDS("F u", "Fu");
    FOLDS("ＦＵ", "ＦＵ");
    FOLDS("法輪", "法輪");
    teardown();
    open_table(0); /* nothing at all */
    FOLDS("F u!", "F u!");
}

/* fold_locate_span is fold_locate_start + fold_locate_end in one walk: the
 * same fold_loc for every match [p, e) of random texts made of pieces that
 * expand (ﬁ, ß), collapse (repeats), extend (marks, variation selectors),
 * drop (spaces, zero-width, punctuation) and span checkpoints (long texts). */
static int same_loc(const fold_loc *x, const fold_loc *y)
{
    return x->byte == y->byte && x->boundary == y->boundary && x->partial == y->partial &&
           x->tight == y->tight && x->lone == y->lone && x->gap0 == y->gap0 &&
           x->gap1 == y->gap1;
}

Test(fold, locate_span_is_start_and_end_in_one_walk)
{
    static const char *pieces[] = {"a", "s", "ss", "f", "\xEF\xAC\x81" /* ﬁ */,
                                   "\xC3\x9F" /* ß */, " ", ".", "\xE2\x80\x8B" /* ZWSP */,
                                   "e\xCC\x81" /* e + acute */, "\xEF\xB8\x8F" /* VS16 */,
                                   "中", "文", "，", "Ｆ", "k", "kkk", "1", "@", "\xFF",
                                   "\xF0\x9F\x98\x80" /* emoji */, "I", "\xE2\x85\xAB" /* Ⅻ */};
    const size_t n_pieces = sizeof pieces / sizeof *pieces;
    char s[2048];
    uint32_t seed = 12345;
    size_t compared = 0;
    for (int round = 0; round < 400; round++) {
        size_t n = 0, want = 1 + (size_t)(round % 7 == 0 ? 400 : 40);
        for (size_t i = 0; i < want && n + 8 < sizeof s; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *pc = pieces[(seed >> 16) % n_pieces];
            memcpy(s + n, pc, strlen(pc));
            n += strlen(pc);
        }
        fold(s, n);
        for (size_t p = 0; p < fb.n; p++)
            for (size_t e = p + 1; e <= fb.n && e <= p + 90; e += 1 + (e - p) / 8) {
                fold_loc a1, b1, a2, b2;
                fold_locate_start(&ft, (const uint8_t *)s, n, &fb, p, &a1);
                fold_locate_end(&ft, (const uint8_t *)s, n, &fb, e, &b1);
                fold_locate_span(&ft, (const uint8_t *)s, n, &fb, p, e, &a2, &b2);
                cr_assert(same_loc(&a1, &a2), "round %d [%zu,%zu): start differs", round, p, e);
                cr_assert(same_loc(&b1, &b2), "round %d [%zu,%zu): end differs (%zu vs %zu)",
                          round, p, e, b1.byte, b2.byte);
                compared++;
            }
    }
    cr_assert_gt(compared, 10000);
}

/* The mapping's fast paths (fold_locate_span_at: a cursor over a text's
 * matches, the walk back from the next checkpoint, one code point folded
 * inline) against fold_locate_span_general (one walk from the text's start,
 * every character through the general fold): the same fold_loc for every
 * match of random texts, the matches taken in order of start (as the
 * literal row takes them), in Hyperscan's order of end, and at random;
 * Chinese-heavy texts (where the walk goes back) with the pieces that stop
 * it (ASCII letters that collapse, expansions, dropped separators, marks,
 * invalid bytes, a supplementary character), long enough for many
 * checkpoints; repeats collapsed and kept. */
static void shuffle_spans(size_t (*sp)[2], size_t n, uint32_t *seed)
{
    for (size_t i = n; i > 1; i--) {
        *seed = *seed * 1103515245u + 12345u;
        size_t j = (*seed >> 8) % i, t0 = sp[i - 1][0], t1 = sp[i - 1][1];
        sp[i - 1][0] = sp[j][0], sp[i - 1][1] = sp[j][1];
        sp[j][0] = t0, sp[j][1] = t1;
    }
}

static int cmp_end(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    return x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : (x[0] < y[0] ? -1 : x[0] > y[0]);
}

static size_t locate_fast_paths(const char *s, size_t n, uint32_t *seed)
{
    static size_t sp[40000][2];
    size_t m = 0, compared = 0;
    for (size_t p = 0; p < fb.n; p++)
        for (size_t e = p + 1; e <= fb.n && e <= p + 24 && m < 40000; e += 1 + (e - p) / 4)
            sp[m][0] = p, sp[m][1] = e, m++;
    for (int order = 0; order < 3; order++) {
        /* (order 0: sp as built, in order of start) */
        if (order == 1)
            qsort(sp, m, sizeof sp[0], cmp_end);
        if (order == 2)
            shuffle_spans(sp, m, seed);
        fold_cursor cur = {0};
        for (size_t i = 0; i < m; i++) {
            size_t p = sp[i][0], e = sp[i][1];
            fold_loc a1, b1, a2, b2, a3, b3;
            fold_locate_span_general(&ft, (const uint8_t *)s, n, p, e, &a1, &b1);
            fold_locate_span_at(&ft, (const uint8_t *)s, n, &fb, &cur, p, e, &a2, &b2);
            fold_locate_span(&ft, (const uint8_t *)s, n, &fb, p, e, &a3, &b3);
            cr_assert(same_loc(&a1, &a2) && same_loc(&a1, &a3),
                      "order %d [%zu,%zu): start %zu/%d/%d/%d, cursor %zu/%d/%d/%d, span %zu",
                      order, p, e, a1.byte, a1.boundary, a1.partial, a1.tight, a2.byte,
                      a2.boundary, a2.partial, a2.tight, a3.byte);
            cr_assert(same_loc(&b1, &b2) && same_loc(&b1, &b3),
                      "order %d [%zu,%zu): end %zu/%d/%d/%d, cursor %zu/%d/%d/%d, span %zu",
                      order, p, e, b1.byte, b1.boundary, b1.partial, b1.tight, b2.byte,
                      b2.boundary, b2.partial, b2.tight, b3.byte);
            compared++;
        }
    }
    return compared;
}

Test(fold, locate_fast_paths_equal_the_general_walk)
{
    static const char *han[] = {"中", "文", "法", "轮", "功", "\xE4\xB8\xA0" /* 丠 */,
                                "\xE4\xB8\x8D" /* 不 */, "Ｆ", "ｋ", "ア"};
    static const char *other[] = {"a", "s", "ss", "k", "kkk", "1", "I", " ", ".", "，", "。",
                                  "\xEF\xBC\xA0" /* ＠ */, "\xEF\xAC\x81" /* ﬁ */,
                                  "\xC3\x9F" /* ß */, "\xE2\x80\x8B" /* ZWSP */,
                                  "e\xCC\x81", "\xEF\xB8\x8F" /* VS16 */, "\xFF",
                                  "\xE4\xB8" /* truncated */, "\xF0\x9F\x98\x80",
                                  "\xF0\xA0\x80\x80" /* U+20000 */, "\xE2\x85\xAB" /* Ⅻ */};
    const size_t n_han = sizeof han / sizeof *han, n_other = sizeof other / sizeof *other;
    static char s[8192];
    uint32_t seed = 777;
    size_t compared = 0;
    for (int collapse = 1; collapse >= 0; collapse--) {
        fold_table_set_collapse(&ft, collapse);
        for (int round = 0; round < 60; round++) {
            /* one piece in 2, 8 or 32 not Chinese */
            unsigned rare = round % 3 == 0 ? 2 : round % 3 == 1 ? 8 : 32;
            size_t n = 0, want = round % 5 == 0 ? 600 : 120;
            for (size_t i = 0; i < want && n + 8 < sizeof s; i++) {
                seed = seed * 1103515245u + 12345u;
                unsigned r = seed >> 16;
                const char *pc = r % rare == 0 ? other[(r / rare) % n_other] : han[(r / rare) % n_han];
                memcpy(s + n, pc, strlen(pc));
                n += strlen(pc);
            }
            fold(s, n);
            compared += locate_fast_paths(s, n, &seed);
        }
    }
    fold_table_set_collapse(&ft, 1);
    cr_assert_gt(compared, 100000);
}

/* leet_may_read (leet.h) finds a word letter or digit at every position of folded
 * texts of every length around its 8-flag steps, and none in Chinese text
 * (whatever the buffer holds past the fold's end from a longer text before). */
Test(fold, any_word_at_every_position)
{
    char text[3 * 40 + 1];
    for (size_t n = 0; n <= 40; n++) {
        for (size_t k = 0; k < n; k++)
            memcpy(text + 3 * k, "中", 3);
        cr_assert_eq(fold_text(&ft, (const uint8_t *)text, 3 * n, &fb), SCREENER_OK);
        cr_assert_eq(leet_may_read(&fb), 0, "%zu Han characters", n);
        for (size_t at = 0; at < n; at++) {
            size_t len = 0;
            for (size_t k = 0; k < n; k++) {
                if (k == at)
                    text[len++] = k % 2 ? '7' : 'x';
                else
                    memcpy(text + len, "中", 3), len += 3;
            }
            cr_assert_eq(fold_text(&ft, (const uint8_t *)text, len, &fb), SCREENER_OK);
            cr_assert_eq(leet_may_read(&fb), 1, "%zu characters, the word one at %zu", n, at);
        }
        /* a longer text with word letters first, then this one again: the
         * flags left past its end must not count */
        cr_assert_eq(fold_text(&ft, (const uint8_t *)"abcdefghijklmnopqrstuvwxyzabcdefghijklmn", 40, &fb),
                     SCREENER_OK);
        for (size_t k = 0; k < n; k++)
            memcpy(text + 3 * k, "中", 3);
        cr_assert_eq(fold_text(&ft, (const uint8_t *)text, 3 * n, &fb), SCREENER_OK);
        cr_assert_eq(leet_may_read(&fb), 0, "%zu Han characters after a word", n);
    }
}
