/* Scanning: spans in ORIGINAL bytes for disguised terms, word boundaries,
 * allow-list, invalid UTF-8, NUL bytes, empty and very large messages. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "scan/collect.h"
#include "screener.h"

static screener_db *db;
static screener_scratch *scratch;

static const char dict_text[] =
    "@severity 3\n"
    "法轮功\n"
    "口交\n"
    "路口交通\tallow\n"
    "ass\n"
    "sex\tseverity=4\n"
    "sexy\n"
    "fuck\n"
    "twat\n"
    "我的\tseverity=1\n"
    "我的世界\tcategory=game severity=2\n"
    "AV女优\n"
    "strasse\n"
    "中人\n"
    "shit\n"
    "online casino\n"
    "嘻嘻哈哈\n"
    "fish\n"
    "kg\n";

static void setup(void)
{
    screener_source src = {.name = "test.txt", .text = dict_text, .len = sizeof dict_text - 1};
    screener_error *err = NULL;
    int rc = screener_compile(NULL, &src, 1, &db, &err);
    cr_assert_eq(rc, SCREENER_OK, "%s", err ? screener_error_message(err) : "");
    cr_assert_eq(screener_scratch_alloc(db, &scratch), SCREENER_OK);
}

static void teardown(void)
{
    screener_scratch_free(scratch);
    screener_db_free(db);
}

TestSuite(scan, .init = setup, .fini = teardown);

static const screener_result *scan_n(const char *s, size_t n)
{
    const screener_result *r = NULL;
    cr_assert_eq(screener_scan(db, scratch, s, n, &r), SCREENER_OK);
    return r;
}

static const screener_result *scan(const char *s)
{
    return scan_n(s, strlen(s));
}

static const char *term_of(const screener_match *m)
{
    screener_entry_info info;
    cr_assert_eq(screener_db_entry(db, m->entry_id, &info), SCREENER_OK);
    return info.term;
}

/* Assert that the text has exactly one counted match: term at [start,end). */
static void expect_one(const char *text, const char *term, size_t start, size_t end)
{
    const screener_result *r = scan(text);
    size_t counted = 0;
    const screener_match *m = NULL;
    for (size_t i = 0; i < r->n_matches; i++)
        if (!(r->matches[i].flags & SCREENER_MATCH_SUPPRESSED)) {
            counted++;
            m = &r->matches[i];
        }
    cr_assert_eq(counted, 1, "%zu matches in \"%s\"", counted, text);
    cr_assert_str_eq(term_of(m), term, "in \"%s\"", text);
    cr_assert_eq(m->start, start, "start in \"%s\"", text);
    cr_assert_eq(m->end, end, "end in \"%s\"", text);
}

static void expect_none(const char *text)
{
    const screener_result *r = scan(text);
    for (size_t i = 0; i < r->n_matches; i++)
        cr_assert(r->matches[i].flags & SCREENER_MATCH_SUPPRESSED,
                  "unexpected match %s in \"%s\"", term_of(&r->matches[i]), text);
    cr_assert_eq(r->action, SCREENER_ACTION_PASS);
}

Test(scan, plain_term_with_original_span)
{
    expect_one("我们说法轮功吗", "法轮功", 9, 18);
}

Test(scan, traditional_characters)
{
    expect_one("看法輪功", "法轮功", 3, 12);
}

Test(scan, full_width_latin)
{
    expect_one("ＦＵＣＫ you", "fuck", 0, 12);
}

Test(scan, spaced_and_symbol_separated)
{
    expect_one("法 轮 功", "法轮功", 0, 11);
    expect_one("x 法.轮！功 y", "法轮功", 2, 15);
    expect_one("f.u.c.k", "fuck", 0, 7);
}

Test(scan, zero_width_and_emoji_between_characters)
{
    expect_one("法\xE2\x80\x8B轮\xE2\x80\x8C功", "法轮功", 0, 15);
    expect_one("法😀轮❤\xEF\xB8\x8F功", "法轮功", 0, 19);
}

Test(scan, kangxi_radical)
{
    expect_one("⼝交", "口交", 0, 6);
}

Test(scan, expansion_maps_to_whole_character)
{
    expect_one("Straße", "strasse", 0, 7);
}

Test(scan, leading_and_trailing_noise_is_outside_the_span)
{
    expect_one("  !!fuck!!  ", "fuck", 4, 8);
}

Test(scan, latin_terms_need_word_boundaries)
{
    expect_none("class");
    expect_none("assassin");
    expect_none("hassex");
    expect_none("hot water");  /* "hotwater" contains "twat" across a real gap */
    expect_none("has she");    /* "hasshe" contains "ass" across a real gap */
    expect_one("has sex", "sex", 4, 7);
    expect_one("has s e x", "sex", 4, 9);
    expect_one("(sex)", "sex", 1, 4);
}

Test(scan, separators_inside_latin_terms_must_be_consistent)
{
    expect_none("it's hit");         /* "s hit": one real gap, two none */
    expect_one("s h i t", "shit", 0, 7);
    expect_one("s.h.i.t", "shit", 0, 7);
    expect_one("sh\xE2\x80\x8Bit", "shit", 0, 7); /* zero-width is not a separator */
    expect_one("play online casino", "online casino", 5, 18);
    expect_one("play onlinecasino", "online casino", 5, 17);
    expect_one("o n l i n e c a s i n o", "online casino", 0, 23);
    expect_none("playonline casino");
}

Test(scan, stretched_letters)
{
    expect_one("fuuuuck you", "fuck", 0, 7);
    expect_one("fuckkkk!", "fuck", 0, 7);        /* the span covers the whole run */
    expect_one("FUUUCK", "fuck", 0, 6);
    expect_one("asssss", "ass", 0, 6);
    expect_one("ass", "ass", 0, 3);
    expect_none("as");                           /* "ass" folds to "as", but the run is short */
    expect_none("fuuck");                        /* a doubled letter is not a stretch */
    expect_one("Straße", "strasse", 0, 7);
    expect_none("strase");
    expect_one("sh\xE2\x80\x8Biiiit", "shit", 0, 10); /* invisible chars do not break a run */
    expect_one("a s s", "ass", 0, 5);            /* a spaced double letter */
    expect_one("x a.s.s y", "ass", 2, 7);
    expect_none("as soon as");
    expect_none("was sad");
}

Test(scan, a_spelled_out_word_is_one_word)
{
    expect_none("the c l a s s of 2024");      /* "class" holds no term */
    expect_none("E s s e x");                  /* "Essex" */
    expect_one("you s e x y", "sexy", 4, 11);  /* "sexy", not "sex" */
    expect_one("a s s", "ass", 0, 5);
    expect_one("you a s s!", "ass", 4, 9);     /* "you" is a word of its own */
    expect_one("x a.s.s y", "ass", 2, 7);      /* other separator: x and y are words */
    expect_one("a a a s s", "ass", 0, 9);      /* a stretched run: one match, all of it */
    expect_one("f u u u c k", "fuck", 0, 11);  /* spaced and stretched */
    expect_none("z a s s");
}

Test(scan, clause_punctuation_between_cjk_characters_is_a_boundary)
{
    expect_none("说法，轮功");                  /* a clause ends inside the term */
    expect_none("他说法，轮，功的");             /* a separated run joined to the text */
    expect_one("法，轮，功", "法轮功", 0, 15);   /* the disguise: every character separated */
    expect_one("看 法.轮.功 吧", "法轮功", 4, 15);
    expect_one("我们说法轮功吗", "法轮功", 9, 18);
    expect_one("法 轮 功", "法轮功", 0, 11);    /* spaces are not clause punctuation */
    expect_none("他的口，交通");
}

Test(scan, ligatures_and_unit_symbols_match_letter_by_letter)
{
    expect_one("a ﬁsh!", "fish", 2, 7);  /* U+FB01 LATIN SMALL LIGATURE FI */
    expect_one("5 ㎏ rice", "kg", 2, 5); /* U+338F SQUARE KG */
    expect_one("2 kg", "kg", 2, 4);
}

Test(scan, cjk_repeats_are_not_collapsed)
{
    expect_one("嘻嘻哈哈", "嘻嘻哈哈", 0, 12);
    expect_none("嘻哈");
}

Test(scan, cjk_terms_need_no_boundary)
{
    expect_one("我们口交吧", "口交", 6, 12);
}

Test(scan, overlapping_matches_are_all_reported)
{
    const screener_result *r = scan("sexy girl");
    cr_assert_eq(r->n_matches, 1); /* sex fails its end boundary inside sexy */
    cr_assert_str_eq(term_of(&r->matches[0]), "sexy");
    r = scan("我的世界");
    cr_assert_eq(r->n_matches, 2);
    cr_assert_str_eq(term_of(&r->matches[0]), "我的");
    cr_assert_str_eq(term_of(&r->matches[1]), "我的世界");
    cr_assert_eq(r->n_categories, 2);
    cr_assert_eq(r->severity, 2);
}

Test(scan, leftmost_longest_selection_is_flagged)
{
    const screener_result *r = scan("我的世界 fuck");
    cr_assert_eq(r->n_matches, 3);
    cr_assert_not(r->matches[0].flags & SCREENER_MATCH_SELECTED); /* 我的 inside */
    cr_assert(r->matches[1].flags & SCREENER_MATCH_SELECTED);     /* 我的世界 */
    cr_assert(r->matches[2].flags & SCREENER_MATCH_SELECTED);     /* fuck */
    r = scan("sexy");
    cr_assert(r->matches[0].flags & SCREENER_MATCH_SELECTED);
}

Test(scan, allow_list_suppresses_contained_match)
{
    const screener_result *r = scan("路口交通很好");
    cr_assert_eq(r->n_matches, 1);
    cr_assert(r->matches[0].flags & SCREENER_MATCH_SUPPRESSED);
    cr_assert_eq(r->action, SCREENER_ACTION_PASS);
    cr_assert_eq(r->n_categories, 0);
    /* an allow term that only overlaps does not suppress */
    expect_one("口交通", "口交", 0, 6);
}

Test(scan, verdict_is_strongest_action)
{
    const screener_result *r = scan("我的 sex");
    cr_assert_eq(r->action, SCREENER_ACTION_BLOCK);
    cr_assert_eq(r->severity, 4);
}

Test(scan, invalid_utf8_separates_and_never_joins)
{
    expect_none("法\xFF轮功");
    expect_none("fu\xC0\xAF" "ck");
    expect_one("\xFF法轮功", "法轮功", 1, 10);
    expect_one("法轮功\xE4\xB8", "法轮功", 0, 9);
    expect_one("\xED\xA0\x80 fuck \xF4\x90\x80\x80", "fuck", 4, 8);
}

Test(scan, nul_bytes_inside_a_message)
{
    static const char s[] = "a\0sex\0b";
    const screener_result *r = scan_n(s, sizeof s - 1);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->matches[0].start, 2);
    cr_assert_eq(r->matches[0].end, 5);
}

Test(scan, empty_message)
{
    const screener_result *r = scan_n(NULL, 0);
    cr_assert_eq(r->n_matches, 0);
    cr_assert_eq(r->action, SCREENER_ACTION_PASS);
}

Test(scan, ten_megabyte_message)
{
    size_t n = 10u << 20;
    char *s = malloc(n);
    for (size_t i = 0; i < n; i++)
        s[i] = "abc de"[i % 6];
    memcpy(s + n / 2, " 法輪功 ", 11);
    memcpy(s + n - 5, " sex", 4);
    const screener_result *r = scan_n(s, n - 1);
    cr_assert_eq(r->n_matches, 2);
    cr_assert_eq(r->matches[0].start, n / 2 + 1);
    cr_assert_eq(r->matches[0].end, n / 2 + 10);
    cr_assert_eq(r->matches[1].start, n - 4);
    free(s);
}

Test(scan, many_matches_in_one_message)
{
    size_t reps = 20000;
    static const char unit[] = "中人 fuck "; /* 12 bytes */
    size_t u = sizeof unit - 1;
    char *s = malloc(reps * u);
    for (size_t i = 0; i < reps; i++)
        memcpy(s + i * u, unit, u);
    const screener_result *r = scan_n(s, reps * u);
    cr_assert_eq(r->n_matches, 2 * reps);
    cr_assert_eq(r->matches[2 * reps - 1].start, (reps - 1) * u + 7);
    free(s);
}

Test(scan, batch_equals_single_scans)
{
    const char *texts[] = {"法輪功", "", "nothing here", "ＦＵＣＫ 我的世界", "a\xFF" "sex"};
    screener_message msgs[5];
    for (int i = 0; i < 5; i++) {
        msgs[i].text = texts[i];
        msgs[i].len = strlen(texts[i]);
    }
    const screener_result *br = NULL;
    cr_assert_eq(screener_scan_batch(db, scratch, msgs, 5, &br), SCREENER_OK);
    /* copy the batch results before single scans reuse the scratch */
    screener_result copy[5];
    screener_match mcopy[5][8];
    for (int i = 0; i < 5; i++) {
        copy[i] = br[i];
        cr_assert_leq(br[i].n_matches, 8);
        memcpy(mcopy[i], br[i].matches, br[i].n_matches * sizeof(screener_match));
    }
    for (int i = 0; i < 5; i++) {
        const screener_result *r = scan(texts[i]);
        cr_assert_eq(r->n_matches, copy[i].n_matches, "message %d", i);
        cr_assert_eq(r->action, copy[i].action);
        cr_assert_eq(memcmp(r->matches, mcopy[i], r->n_matches * sizeof(screener_match)), 0);
    }
}

Test(scan, scratch_is_refitted_for_another_database)
{
    static const char other[] = "completely different\n";
    screener_source src = {.name = "o.txt", .text = other, .len = sizeof other - 1};
    screener_db *db2 = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db2, NULL), SCREENER_OK);
    const screener_result *r = NULL;
    cr_assert_eq(screener_scan(db2, scratch, "a completely different b", 24, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(screener_scan(db, scratch, "fuck", 4, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    screener_db_free(db2);
}

Test(scan, invalid_arguments)
{
    const screener_result *r;
    cr_assert_eq(screener_scan(NULL, scratch, "a", 1, &r), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(screener_scan(db, NULL, "a", 1, &r), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(screener_scan(db, scratch, NULL, 1, &r), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(screener_scan(db, scratch, "a", 1, NULL), SCREENER_E_INVALID_ARGUMENT);
}

Test(scan, fold_utf8_shows_the_folded_text)
{
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(screener_fold_utf8(db, "ＡＶ女優 f.u", 17, &out, &n), SCREENER_OK);
    cr_assert_str_eq(out, "av女优fu");
    cr_assert_eq(n, strlen(out));
    free(out);
}

/* ---- masking --------------------------------------------------------------- */

static char *mask(const char *text, unsigned flags, uint32_t c)
{
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(screener_mask(db, scratch, text, strlen(text), flags, c, &out, &n), SCREENER_OK);
    cr_assert_eq(n, strlen(out));
    return out;
}

#define MASKS(text, flags, c, expected)                                                   \
    do {                                                                                  \
        char *m_ = mask(text, flags, c);                                                  \
        cr_assert_str_eq(m_, expected, "mask of \"%s\"", text);                          \
        screener_free(m_);                                                                \
    } while (0)

Test(scan, mask_replaces_one_character_per_original_character)
{
    MASKS("ＦＵＣＫ you", SCREENER_MASK_BY_ACTION, 0, "**** you");
    MASKS("说法 輪 功!", SCREENER_MASK_BY_ACTION, 0, "说*****!");
    MASKS("f\xE2\x80\x8Bu\xE2\x80\x8B" "ck", SCREENER_MASK_BY_ACTION, 0, "******");
    MASKS("fuuuuck it", SCREENER_MASK_BY_ACTION, 0x2588, "███████ it");
}

Test(scan, mask_merges_overlaps_and_respects_the_policy)
{
    /* 我的 (severity 1: review) inside 我的世界 (severity 2: mask) */
    MASKS("我的世界好", SCREENER_MASK_BY_ACTION, 0, "****好");
    MASKS("我的好", SCREENER_MASK_BY_ACTION, 0, "我的好");
    MASKS("我的好", SCREENER_MASK_ALL, 0, "**好");
    MASKS("路口交通", SCREENER_MASK_ALL, 0, "路口交通"); /* allow-listed */
    MASKS("", SCREENER_MASK_ALL, 0, "");
}

Test(scan, mask_keeps_invalid_bytes_outside_spans_and_rejects_bad_arguments)
{
    MASKS("\xFF fuck \xC0", SCREENER_MASK_BY_ACTION, 0, "\xFF **** \xC0");
    char *out;
    cr_assert_eq(screener_mask(db, scratch, "x", 1, 7, 0, &out, NULL), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(screener_mask(db, scratch, "x", 1, 0, 0xD800, &out, NULL), SCREENER_E_INVALID_ARGUMENT);
}

/* ---- per-call profiles -------------------------------------------------------- */

Test(scan, profile_drops_categories_and_overrides_actions)
{
    screener_profile_rule rules[] = {
        {"game", 0, SCREENER_PROFILE_DROP},   /* tenant without the game category */
        {NULL, 1, SCREENER_ACTION_BLOCK},     /* this tenant blocks even light terms */
        {"no_such_category", 0, SCREENER_PROFILE_DROP},
    };
    screener_profile p = {sizeof p, 0, rules, 3, 0, 0};
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_OK);
    const screener_result *r = scan("我的世界");
    cr_assert_eq(r->n_matches, 1);
    cr_assert_str_eq(term_of(&r->matches[0]), "我的");
    cr_assert_eq(r->matches[0].action, SCREENER_ACTION_BLOCK);
    cr_assert_eq(r->action, SCREENER_ACTION_BLOCK);
    /* the profile survives a clone */
    screener_scratch *c = NULL;
    cr_assert_eq(screener_scratch_clone(scratch, &c), SCREENER_OK);
    cr_assert_eq(screener_scan(db, c, "我的世界", 12, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    screener_scratch_free(c);
    /* NULL restores the defaults */
    cr_assert_eq(screener_scratch_set_profile(scratch, NULL), SCREENER_OK);
    r = scan("我的世界");
    cr_assert_eq(r->n_matches, 2);
    cr_assert_eq(r->action, SCREENER_ACTION_MASK);
}

Test(scan, profile_minimum_severity)
{
    screener_profile p = {sizeof p, 3, NULL, 0, 0, 0};
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_OK);
    expect_none("我的世界");             /* severities 1 and 2 */
    expect_one("我的 fuck", "fuck", 7, 11); /* severity 3 */
}

Test(scan, max_matches_truncates_and_says_so)
{
    screener_profile p = {sizeof p, 0, NULL, 0, 10, 0};
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_OK);
    static const char unit[] = "中人 fuck ";
    size_t u = sizeof unit - 1, reps = 5000;
    char *s = malloc(reps * u);
    for (size_t i = 0; i < reps; i++)
        memcpy(s + i * u, unit, u);
    const screener_result *r = scan_n(s, reps * u);
    cr_assert_eq(r->n_matches, 10);
    cr_assert_eq(r->truncated, 1);
    cr_assert_eq(r->matches[0].start, 0);
    r = scan("fuck");
    cr_assert_eq(r->truncated, 0);
    free(s);
}

Test(scan, profile_rejects_bad_rules)
{
    screener_profile_rule bad_sev = {NULL, 5, SCREENER_ACTION_BLOCK};
    screener_profile_rule bad_action = {NULL, 0, 9};
    screener_profile p = {sizeof p, 0, &bad_sev, 1, 0, 0};
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_E_INVALID_ARGUMENT);
    p.rules = &bad_action;
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_E_INVALID_ARGUMENT);
    p.struct_size = 4;
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_E_INVALID_ARGUMENT);
}

/* ---- invalid UTF-8 matrix --------------------------------------------------- */

Test(scan, invalid_utf8_matrix_every_class_at_start_middle_and_end)
{
    static const char *bad[] = {
        "\xE6\xB3",         /* truncated 3-byte sequence */
        "\xC0\xAF",         /* overlong */
        "\xED\xA0\x80",     /* surrogate */
        "\xF4\x90\x80\x80", /* above U+10FFFF */
        "\x80",             /* stray continuation */
        "\xFF",             /* invalid lead */
        "\xF0\x9F\x98",     /* truncated 4-byte */
    };
    char buf[64];
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t bl = strlen(bad[k]);
        /* start: bad + term */
        snprintf(buf, sizeof buf, "%s法轮功", bad[k]);
        expect_one(buf, "法轮功", bl, bl + 9);
        /* end: term + bad */
        snprintf(buf, sizeof buf, "法轮功%s", bad[k]);
        expect_one(buf, "法轮功", 0, 9);
        /* middle: the bad bytes separate, never join */
        snprintf(buf, sizeof buf, "法轮%s功", bad[k]);
        expect_none(buf);
        snprintf(buf, sizeof buf, "fu%sck", bad[k]);
        expect_none(buf);
        /* bad bytes between words act as a boundary */
        snprintf(buf, sizeof buf, "x%sfuck%sy", bad[k], bad[k]);
        expect_one(buf, "fuck", 1 + bl, 5 + bl);
        /* masking keeps them, one mask character per character */
        snprintf(buf, sizeof buf, "%sfuck", bad[k]);
        char *m = NULL;
        size_t mn = 0;
        cr_assert_eq(screener_mask(db, scratch, buf, strlen(buf), 0, 0, &m, &mn), SCREENER_OK);
        cr_assert_eq(mn, bl + 4);
        cr_assert_eq(memcmp(m, bad[k], bl), 0);
        cr_assert_eq(memcmp(m + bl, "****", 4), 0);
        screener_free(m);
    }
}

Test(scan, batch_on_a_fresh_scratch_without_matches)
{
    /* regression (fuzz_scan): the batch copied from a NULL match array */
    screener_scratch *fresh = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &fresh), SCREENER_OK);
    screener_message m = {"hello", 5};
    const screener_result *r = NULL;
    cr_assert_eq(screener_scan_batch(db, fresh, &m, 1, &r), SCREENER_OK);
    cr_assert_eq(r[0].n_matches, 0);
    screener_scratch_free(fresh);
}

/* Batches over a literal-only database go through the batch filter (one
 * Hyperscan call over the folded messages concatenated; only messages with a
 * candidate are scanned one by one): results must equal single scans for
 * random messages built from pieces of terms, separators, word letters, the
 * filter's own separator character (U+FFFF), invalid UTF-8, expansions, an
 * empty message and one longer than a scan window. */
static uint64_t batch_rng = 88172645463325252u;
static unsigned batch_rnd(unsigned n)
{
    batch_rng ^= batch_rng << 13;
    batch_rng ^= batch_rng >> 7;
    batch_rng ^= batch_rng << 17;
    return (unsigned)(batch_rng % n);
}

Test(scan, batch_filter_equals_single_scans)
{
    static const char dict[] = "@category c\nfuck\nass\tseverity=3\n法轮功\n性病\n慢性病\tallow\n"
                               "shit\tword\nab\tsubstring\n";
    screener_source src = {.name = "lit.txt", .text = dict, .len = sizeof dict - 1};
    screener_db *ldb = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &ldb, NULL), SCREENER_OK);
    screener_scratch *a = NULL, *b = NULL;
    cr_assert_eq(screener_scratch_alloc(ldb, &a), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(ldb, &b), SCREENER_OK);
    static const char *pieces[] = {"fu", "ck", "f", "u", "c", "k", "a", "s", "ass", "class ",
                                   "法", "轮", "功", "法轮功", "慢性病", "性病", " ", ".", "-",
                                   "\xEF\xBF\xBF", "\xFF", "ＦＵＣＫ", "\xEF\xB7\xBA", "sh", "it",
                                   "shit", "ab", "中文", "x"};
    const size_t np = sizeof pieces / sizeof pieces[0];
    enum { N = 3000 };
    screener_message *msgs = calloc(N, sizeof *msgs);
    char **texts = calloc(N, sizeof *texts);
    for (int i = 0; i < N; i++) {
        size_t cap = i == 7 ? 300000 : 200, len = 0;
        char *t = malloc(cap + 16);
        unsigned n = i == 3 ? 0 : batch_rnd(12);
        if (i == 7)
            n = 100000;
        for (unsigned k = 0; k < n; k++) {
            const char *p = pieces[batch_rnd((unsigned)np)];
            size_t pl = strlen(p);
            if (len + pl > cap)
                break;
            memcpy(t + len, p, pl);
            len += pl;
        }
        texts[i] = t;
        msgs[i].text = t;
        msgs[i].len = len;
    }
    const screener_result *br = NULL;
    cr_assert_eq(screener_scan_batch(ldb, a, msgs, N, &br), SCREENER_OK);
    size_t flagged = 0;
    for (int i = 0; i < N; i++) {
        const screener_result *r = NULL;
        cr_assert_eq(screener_scan(ldb, b, msgs[i].text, msgs[i].len, &r), SCREENER_OK);
        cr_assert_eq(br[i].n_matches, r->n_matches, "message %d", i);
        cr_assert_eq(br[i].action, r->action, "message %d", i);
        cr_assert_eq(br[i].severity, r->severity, "message %d", i);
        cr_assert_eq(br[i].n_categories, r->n_categories, "message %d", i);
        cr_assert_eq(br[i].truncated, r->truncated, "message %d", i);
        cr_assert_str_eq(br[i].fingerprint, r->fingerprint);
        for (size_t k = 0; k < r->n_matches; k++) {
            const screener_match *x = &br[i].matches[k], *y = &r->matches[k];
            cr_assert(x->start == y->start && x->end == y->end && x->entry_id == y->entry_id &&
                          x->category_id == y->category_id && x->severity == y->severity &&
                          x->action == y->action && x->flags == y->flags,
                      "message %d match %zu", i, k);
        }
        flagged += r->n_matches > 0;
    }
    /* the generator is not degenerate: both kinds of message occur */
    cr_assert(flagged > N / 10 && flagged < N - N / 10, "%zu of %d messages match", flagged, N);
    /* the scratch keeps whether filtering paid: later batches (filtered or
     * not) give the same results */
    for (int round = 0; round < 3; round++) {
        cr_assert_eq(screener_scan_batch(ldb, a, msgs, N, &br), SCREENER_OK);
        for (int i = 0; i < N; i++) {
            const screener_result *r = NULL;
            cr_assert_eq(screener_scan(ldb, b, msgs[i].text, msgs[i].len, &r), SCREENER_OK);
            cr_assert_eq(br[i].n_matches, r->n_matches, "round %d message %d", round, i);
            cr_assert_eq(br[i].action, r->action, "round %d message %d", round, i);
        }
    }
    for (int i = 0; i < N; i++)
        free(texts[i]);
    free(texts);
    free(msgs);
    screener_scratch_free(a);
    screener_scratch_free(b);
    screener_db_free(ldb);
}

/* Leetspeak (docs/leet.md): read in the leet view, reported with the exact
 * original span and SCREENER_MATCH_LEET; never in words that are no term. */
Test(scan, leetspeak_in_latin_terms)
{
    expect_one("you a$s", "ass", 4, 7);
    cr_assert(scan("you a$s")->matches[0].flags & SCREENER_MATCH_LEET);
    expect_one("sh1t happens", "shit", 0, 4);
    expect_one("oh s h 1 t", "shit", 3, 10);
    expect_one("@ss", "ass", 0, 3);
    expect_one("phuck", "fuck", 0, 5);
    expect_none("ＳＨ１Ｔ"); /* only ASCII digits and symbols are read (docs/leet.md) */
    expect_none("the cl4ss of 2024");    /* class */
    expect_none("c l 4 s s");
    expect_none("$5 for the 1st, 4u");
    /* the folded view's own matches are not flagged */
    cr_assert_not(scan("shit")->matches[0].flags & SCREENER_MATCH_LEET);
}

/* The leet family off: no leet view, no leet match; a dictionary without
 * Latin-letter terms has no leet database at all. */
Test(scan, leet_family_off_and_no_latin_terms)
{
    screener_source src = {.name = "t.txt", .text = "shit\n", .len = 5};
    screener_compile_options o = {.struct_size = sizeof o,
                                  .fold_flags = SCREENER_FOLD_ALL & ~(uint32_t)SCREENER_FOLD_LEET};
    screener_db *d = NULL;
    screener_scratch *s = NULL;
    const screener_result *r = NULL;
    cr_assert_eq(screener_compile(&o, &src, 1, &d, NULL), SCREENER_OK);
    cr_assert_null(d->hs_leet);
    cr_assert_eq(screener_scratch_alloc(d, &s), SCREENER_OK);
    cr_assert_eq(screener_scan(d, s, "sh1t", 4, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 0);
    screener_scratch_free(s);
    screener_db_free(d);
    screener_source zh = {.name = "z.txt", .text = "法轮功\n", .len = 10};
    cr_assert_eq(screener_compile(NULL, &zh, 1, &d, NULL), SCREENER_OK);
    cr_assert_null(d->hs_leet);
    cr_assert_eq(d->hdr->sec_len[SEC_HS_LEET], 0);
    screener_db_free(d);
}

/* collect_sort (scan/collect.h) orders matches by (start, end, entry) and
 * keeps equal ones in their order (collect_finish then keeps the first of
 * each repeat, whose flags may differ): arrays below and above its
 * insertion-sort size, against a merge of one-element runs (stable). */
static int cmp_triple(const screener_match *a, const screener_match *b)
{
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return a->entry_id < b->entry_id ? -1 : a->entry_id > b->entry_id;
}

Test(collect, sort_is_by_start_end_entry_and_stable)
{
    screener_match m[40], want[40], tmp[40];
    uint32_t seed = 5;
    for (int round = 0; round < 4000; round++) {
        size_t n = (size_t)round % 40;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            memset(&m[i], 0, sizeof m[i]);
            m[i].start = (seed >> 8) % 4;
            m[i].end = m[i].start + (seed >> 12) % 3;
            m[i].entry_id = (seed >> 16) % 3;
            m[i].flags = (uint16_t)i; /* the original position */
        }
        if (round % 5 == 0) /* already in order, or nearly */
            for (size_t i = 1; i < n; i++)
                if (cmp_triple(&m[i - 1], &m[i]) > 0 && (i % 7))
                    m[i] = m[i - 1], m[i].flags = (uint16_t)i;
        memcpy(want, m, n * sizeof *m);
        for (size_t w = 1; w < n; w *= 2) /* bottom-up merge sort: stable */
            for (size_t lo = 0; lo < n; lo += 2 * w) {
                size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
                size_t a = lo, b = mid, o = lo;
                while (a < mid || b < hi)
                    tmp[o++] = b >= hi || (a < mid && cmp_triple(&want[a], &want[b]) <= 0)
                                   ? want[a++]
                                   : want[b++];
                memcpy(want + lo, tmp + lo, (hi - lo) * sizeof *tmp);
            }
        collect_sort(m, n);
        for (size_t i = 0; i < n; i++)
            cr_assert(m[i].start == want[i].start && m[i].end == want[i].end &&
                          m[i].entry_id == want[i].entry_id && m[i].flags == want[i].flags,
                      "round %d (%zu matches): position %zu", round, n, i);
    }
}
