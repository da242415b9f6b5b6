/* The per-message gates of scan_text (scan.c): a matcher row is skipped, and
 * a view not built, when the view is shorter than the row's shortest match
 * (matcher.shortest). Differential test: a scratch whose gates are opened
 * (every used row runs on every text, every view is built) must give the
 * same result as a normal one, on random short texts made of pieces of every
 * row's matches and of characters whose views grow or shrink (expansions,
 * dropped characters, Chinese numerals, full-width punctuation). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "scan/matcher.h"
#include "scan/scratch.h"
#include "screener.h"

static const char dict[] =
    "@category test\n"
    "操\n"                 /* one folded unit */
    "法轮功\n"
    "ss\n"                 /* a Latin literal of two letters, read through leet too */
    "shit\n"
    "ass\tword\n"
    "m2\n"                 /* ㎡ folds to it */
    "路口\tallow\n"
    "@detect cn_mobile\n@detect cn_id\n@detect bank_card\n@detect email\n@detect url\n"
    "[a-z]{2}[0-9]{3}\tregex\n"
    "@rule 兼职 AND NOT 学校\n"
    "@rule 加 NEAR/3 微\n";

static const char *const tok[] = {
    "", "a", "s", "ss", "h", "i", "t", "1", "0", "3", "8", "@", ".", " ", "$", "!", "sh1t",
    "@ss", "www.", "cn", "cc", "b", "操", "法", "轮", "功", "路", "口", "兼职", "学校", "加", "微",
    "一", "三", "八", "零", "ß", "ﬁ", "㎡", "ﷺ", "＠", "。", "\xe2\x80\x8b", "\xff", "\xe4\xbd",
    "１", "１３８００１３８０００", "13800138000", "ab123", "Ⓢ"};

static uint64_t rng = 99;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Up to `pieces` random tokens into text (cap bytes at most): its length. */
static size_t random_text(char *text, size_t cap, size_t pieces)
{
    size_t n = 0;
    for (size_t p = 0; p < pieces; p++) {
        const char *k = tok[rnd(sizeof tok / sizeof tok[0])];
        size_t l = strlen(k);
        if (n + l > cap)
            break;
        memcpy(text + n, k, l);
        n += l;
    }
    return n;
}

static void same(const screener_result *a, const screener_result *b, const char *t, size_t n)
{
    cr_assert_eq(a->n_matches, b->n_matches, "\"%.*s\": %zu matches gated, %zu open", (int)n, t,
                 a->n_matches, b->n_matches);
    for (size_t i = 0; i < a->n_matches; i++) {
        const screener_match *x = &a->matches[i], *y = &b->matches[i];
        cr_assert(x->start == y->start && x->end == y->end && x->entry_id == y->entry_id &&
                      x->flags == y->flags && x->action == y->action,
                  "\"%.*s\": match %zu differs", (int)n, t, i);
    }
    cr_assert_eq(a->action, b->action);
    cr_assert_eq(a->severity, b->severity);
    cr_assert_eq(a->n_categories, b->n_categories);
    cr_assert_eq(a->truncated, b->truncated);
}

/* gated against open on random short texts of db; *bounded: texts whose
 * byte view the gate left out by its bound (views_bound), never built */
static void differential(screener_db *db, size_t *bounded)
{
    screener_scratch *gated = NULL, *open = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &gated), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &open), SCREENER_OK);
    const screener_result *ra, *rb;
    cr_assert_eq(screener_scan(db, open, "", 0, &rb), SCREENER_OK); /* fitted: open its gates */
    cr_assert_eq(open->rows_used, (1u << scan_n_matchers) - 1, "the dictionary uses every row");
    for (size_t k = 0; k < scan_n_matchers; k++)
        open->row_min[k] = 0;
    for (int i = 0; i < VIEW_KINDS; i++)
        open->view_min[i] = 0;
    size_t matched = 0, short_matched = 0; /* (the empty text: scan_text runs no row) */
    for (int t = 0; t < 40000; t++) {
        char text[128];
        size_t n = random_text(text, sizeof text, rnd(t % 4 == 0 ? 12 : 4));
        cr_assert_eq(screener_scan(db, gated, text, n, &ra), SCREENER_OK);
        cr_assert_eq(screener_scan(db, open, text, n, &rb), SCREENER_OK);
        same(ra, rb, text, n);
        *bounded += n && !(gated->v.built & VIEW_BYTES) && views_len(&gated->v, VIEW_BYTES) != SIZE_MAX;
        matched += ra->n_matches > 0;
        short_matched += ra->n_matches > 0 && n <= 4;
    }
    cr_assert(matched > 2000 && short_matched > 100, "the texts must match (%zu, %zu short)",
              matched, short_matched);
    screener_scratch_free(gated);
    screener_scratch_free(open);
    screener_db_free(db);
}

Test(gates, skipping_rows_and_views_never_changes_a_result)
{
    screener_db *db = NULL;
    screener_error *err = NULL;
    screener_source src = {.name = "gates.txt", .text = dict, .len = sizeof dict - 1};
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, &err), SCREENER_OK, "%s",
                 err ? screener_error_message(err) : "");
    size_t bounded = 0;
    differential(db, &bounded);
    cr_assert(bounded > 1000, "the byte view's bound left it out (%zu texts)", bounded);
}

/* The same with the built-in dictionaries (as the build compiles them) and
 * the one above: regex, e-mail and link rows of the byte view left out by
 * its bound on tiny texts (views_bound). */
Test(gates, builtin_dictionaries_gated_equal_open, .timeout = 600)
{
    static const char *const files[] = {"abuse", "ads_spam", "confidential", "illegal", "links",
                                        "politics_religion", "porn", "privacy", "rumor",
                                        "violence_terror"};
    const char *dir = getenv("SCREENER_DICT_DIR");
    if (!dir)
        cr_skip_test("SCREENER_DICT_DIR not set");
    static char paths[16][1024];
    screener_source src[16] = {{.name = "gates.txt", .text = dict, .len = sizeof dict - 1}};
    size_t n = 1;
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++, n++) {
        snprintf(paths[k], sizeof paths[k], "%s/%s.txt", dir, files[k]);
        src[n] = (screener_source){.path = paths[k]};
    }
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, src, n, &db, &err), SCREENER_OK, "%s",
                 err ? screener_error_message(err) : "");
    size_t bounded = 0;
    differential(db, &bounded);
    cr_assert(bounded > 1000, "the byte view's bound left it out (%zu texts)", bounded);
}

/* The first scan fits a scratch to its database (scan.c fit_db); a scratch
 * allocated (or cloned from one allocated) for that database keeps its
 * Hyperscan scratches as they are (s->hs_for) instead of re-checking every
 * section. Differential test: scratches moved between a literal-only
 * database and one with every section (regex, leet, narrow, rules), in both
 * directions, and clones of them, give the results of a scratch forced to
 * re-fit everything; the plan names the database it was made for. A wrong
 * plan (a scratch taken to fit a database it was not made for) fails here:
 * the literal-only scratch has no regex scratch, and Hyperscan refuses the
 * smaller literal scratch. */
Test(gates, scratches_fitted_once_per_database_give_the_results_of_a_full_fit)
{
    static const char small[] = "@category test\n操\n";
    screener_db *all = NULL, *lit = NULL;
    screener_source sa = {.name = "gates.txt", .text = dict, .len = sizeof dict - 1};
    screener_source sl = {.name = "small.txt", .text = small, .len = sizeof small - 1};
    cr_assert_eq(screener_compile(NULL, &sa, 1, &all, NULL), SCREENER_OK);
    cr_assert_eq(screener_compile(NULL, &sl, 1, &lit, NULL), SCREENER_OK);
    cr_assert(all->hs_regex && all->hs_leet && !lit->hs_regex && !lit->hs_leet,
              "one database with the sections, one without");
    screener_scratch *for_all, *for_lit, *clone_all, *clone_lit, *ref;
    cr_assert_eq(screener_scratch_alloc(all, &for_all), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(lit, &for_lit), SCREENER_OK);
    cr_assert_eq(screener_scratch_clone(for_all, &clone_all), SCREENER_OK);
    cr_assert_eq(screener_scratch_clone(for_lit, &clone_lit), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(lit, &ref), SCREENER_OK);
    cr_assert_eq(for_all->hs_for, all->instance);
    cr_assert_eq(clone_lit->hs_for, lit->instance);
    screener_scratch *const moved[] = {for_all, for_lit, clone_all, clone_lit};
    const screener_result *r, *want;
    for (int t = 0; t < 4000; t++) {
        char text[64];
        size_t n = random_text(text, sizeof text, 1 + rnd(6));
        screener_db *db = (t / 7) % 2 ? all : lit; /* runs of texts on each */
        ref->hs_for = 0; /* the full fit: every section checked again */
        ref->fitted = 0;
        cr_assert_eq(screener_scan(db, ref, text, n, &want), SCREENER_OK);
        cr_assert_eq(ref->hs_for, db->instance);
        for (size_t k = 0; k < sizeof moved / sizeof moved[0]; k++) {
            cr_assert_eq(screener_scan(db, moved[k], text, n, &r), SCREENER_OK,
                         "scratch %zu on the %s database", k, db == all ? "full" : "small");
            cr_assert_eq(moved[k]->hs_for, db->instance);
            same(r, want, text, n);
        }
    }
    for (size_t k = 0; k < sizeof moved / sizeof moved[0]; k++)
        screener_scratch_free(moved[k]);
    screener_scratch_free(ref);
    screener_db_free(all);
    screener_db_free(lit);
}
