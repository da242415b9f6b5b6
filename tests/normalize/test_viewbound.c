/* The views' bounds (views.h views_bound, the views table's `bound` field):
 * a view left out before it is built because its bound is below its
 * readers' shortest match must really be that short. So every bound is
 * checked against the built view:
 *   - the byte view's, character by character over EVERY code point and
 *     every shape of invalid UTF-8 (lone bytes, all two-byte pairs,
 *     truncated and overlong sequences, surrogates, beyond U+10FFFF) — for
 *     one character it is exact;
 *   - on generated texts mixing the characters whose views grow or shrink
 *     (NFKC expansions like U+FDFA, ligatures, full-width forms, digits of
 *     many scripts, Chinese numeral runs that numerals_bytes shortens,
 *     dropped spaces, marks and symbols, invalid bytes), against views_len
 *     of the built views;
 * under two fold tables. The checker is shown to catch an under-estimate:
 * two plausible guesses (the raw byte length; three view bytes per text
 * byte) are planted and must be refuted. */
#include <criterion/criterion.h>
#include <string.h>

#include "fold_fixture.h"
#include "../scan/test_rng.h"
#include "common/utf8.h"
#include "normalize/byteview.h"
#include "normalize/fold.h"
#include "normalize/foldtable.h"
#include "normalize/views.h"

typedef size_t (*bound_fn)(const fold_table *, const uint8_t *, size_t, size_t);

static fold_build fbuild;
static fold_table ft;
static byte_view bv;

static void open_table(uint32_t flags)
{
    fold_fixture_open(flags, &fbuild, &ft);
    memset(&bv, 0, sizeof bv);
}

static void close_table(void)
{
    byte_view_free(&bv);
    fold_fixture_close(&fbuild, &ft);
}

static size_t built_len(const uint8_t *s, size_t len)
{
    cr_assert_eq(byte_view_build(&ft, s, len, SIZE_MAX, &bv), SCREENER_OK);
    return bv.n;
}

/* Every single character and invalid shape: the first (s, len) whose view
 * is longer than `bound` says (returns 0 and fills *bad), else 1. `exact`:
 * the bound must also equal the view's length. */
static int check_chars(bound_fn bound, int exact, uint32_t *bad)
{
    uint8_t s[4];
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        size_t len = utf8_put(s, cp), n = built_len(s, len), b = bound(&ft, s, len, SIZE_MAX);
        if (b < n || (exact && b != n)) {
            *bad = cp;
            return 0;
        }
    }
    /* invalid: every lone byte >= 0x80, every two-byte pair, truncated,
     * overlong, surrogate and out-of-range sequences */
    static const char *const shapes[] = {
        "\xe4\xbd", "\xf0\x9f\x98", "\xf0\x9f", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80",
        "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80", "\xff\xfe\xfd", "\xe4\xbd\xe4\xbd", "\x80\x80\x80\x80"};
    for (uint32_t p = 0x80; p <= 0xFFFF; p++) {
        s[0] = (uint8_t)(p >> 8), s[1] = (uint8_t)p;
        size_t len = p < 0x100 ? 1 : 2;
        const uint8_t *t = p < 0x100 ? s + 1 : s;
        if (bound(&ft, t, len, SIZE_MAX) < built_len(t, len)) {
            *bad = 0x80000000u | p;
            return 0;
        }
    }
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        size_t len = strlen(shapes[k]);
        const uint8_t *t = (const uint8_t *)shapes[k];
        if (bound(&ft, t, len, SIZE_MAX) < built_len(t, len)) {
            *bad = 0xC0000000u | (uint32_t)k;
            return 0;
        }
    }
    return 1;
}

static const char *const pieces[] = {
    "a", "Z", " ", "  ", ".", "@", "-", "/", "1", "0", "9", "ﷺ", "\xef\xb7\xba", "ﬁ", "ﬃ", "ß",
    "ǅ", "ΐ", "և", "㎡", "㍻", "Ⓢ", "１", "Ａ", "＠", "。", "，", "٣", "۷", "߁", "३", "৪", "๕",
    "໖", "༧", "၈", "០", "᠑", "𝟘", "🄂", "①", "⑴", "⒈", "一", "三", "八", "零", "壹", "幺",
    "两", "〇", "一三八零零一三八零零零", "1三8零0", "操", "的", "\xe2\x80\x8b", "\xcc\x81",
    "\xef\xb8\x8f", "😀", "👍🏽", "\xff", "\x80", "\xe4\xbd", "\xf0\x9f\x98", "\xc0\xaf",
    "\xed\xa0\x80", "\t", "\n", "ǆ", "ﬀ", "ｗｗｗ．"};

/* A generated text: 1 + test_rnd(r, more) pieces drawn from `from` (n_from
 * of them), joined in text (cap bytes, NUL-terminated) up to the first that
 * would not fit. Returns its length. */
static size_t random_text(uint64_t *r, unsigned more, const char *const *from, unsigned n_from,
                          char *text, size_t cap)
{
    size_t n = 0, k = 1 + test_rnd(r, more);
    for (size_t p = 0; p < k; p++) {
        const char *x = from[test_rnd(r, n_from)];
        size_t l = strlen(x);
        if (n + l >= cap)
            break;
        memcpy(text + n, x, l);
        n += l;
    }
    text[n] = '\0';
    return n;
}

/* Generated texts: the first whose built views are longer than `bound`
 * says (returns 0, the text in bad), else 1. Counts the texts whose bound
 * is below `small` (ones a gate could skip) in *skippable. */
static int check_texts(bound_fn bound, uint64_t seed, char *bad, size_t *skippable)
{
    uint64_t r = seed;
    views v;
    memset(&v, 0, sizeof v);
    int ok = 1;
    for (int t = 0; t < 30000 && ok; t++) {
        char text[256];
        size_t n = random_text(&r, (unsigned)t % 3 ? 4 : 16, pieces,
                               (unsigned)(sizeof pieces / sizeof pieces[0]), text, sizeof text);
        cr_assert_eq(views_build(&ft, VIEW_ALL, (const uint8_t *)text, n, &v), SCREENER_OK);
        cr_assert_eq(v.consumed, n);
        size_t built = views_len(&v, VIEW_BYTES), b = bound(&ft, (const uint8_t *)text, n, SIZE_MAX);
        *skippable += b < 6;
        if (b < built) {
            memcpy(bad, text, n + 1);
            ok = 0;
        }
        /* `enough`: SIZE_MAX when the bound reaches it, else the same */
        size_t e = 1 + test_rnd(&r, (unsigned)12), be = bound(&ft, (const uint8_t *)text, n, e);
        if (ok && !(b < e ? be == b : be == SIZE_MAX || be == b))
            cr_assert_fail("\"%s\": bound %zu, with enough=%zu %zu", text, b, e, be);
    }
    views_free(&v);
    return ok;
}

/* Planted under-estimates: what a guess from the byte length would say. */
static size_t guess_bytes(const fold_table *f, const uint8_t *s, size_t len, size_t enough)
{
    (void)f, (void)s, (void)enough;
    return len;
}

static size_t guess_three(const fold_table *f, const uint8_t *s, size_t len, size_t enough)
{
    (void)f, (void)s, (void)enough;
    return 3 * len;
}

static void check_table(uint32_t flags, uint64_t seed, int expands)
{
    open_table(flags);
    uint32_t bad = 0;
    cr_assert(check_chars(byte_view_bound, 1, &bad), "byte view bound below the view: %#x", bad);
    cr_assert(!check_chars(guess_bytes, 0, &bad), "the raw byte length is refuted");
    /* (a table without NFKC expansions never writes more than 3 a byte) */
    cr_assert(!expands || !check_chars(guess_three, 0, &bad), "three bytes a byte is refuted");
    char text[256];
    size_t skippable = 0, ignored = 0;
    cr_assert(check_texts(byte_view_bound, seed, text, &skippable), "\"%s\": bound below the view",
              text);
    cr_assert(skippable > 1000, "the texts include short views (%zu)", skippable);
    cr_assert(!check_texts(guess_bytes, seed, text, &ignored), "the raw byte length is refuted");
    cr_assert(!expands || !check_texts(guess_three, seed, text, &ignored),
              "three bytes a byte is refuted");
    close_table();
}

Test(viewbound, byte_view_bound_holds_all_families, .timeout = 300)
{
    check_table(SCREENER_FOLD_ALL, 21, 1);
}

Test(viewbound, byte_view_bound_holds_minimal_table, .timeout = 300)
{
    check_table(SCREENER_FOLD_EXPLICIT, 22, 0);
}

/* Every view with a bound (VIEW_BOUNDED), through views_bound as the gate
 * asks it (after the folded view, before anything else), against the same
 * view built: `planted` instead of views_bound when not NULL. Returns 0 at
 * the first text whose view is longer than its bound (in bad); counts in
 * *small the texts whose bound of the view `bit` is below 3. */
typedef size_t (*views_bound_fn)(unsigned bit, const uint8_t *s, views *v);

static size_t real_bound(unsigned bit, const uint8_t *s, views *v)
{
    return views_bound(&ft, bit, s, v, SIZE_MAX);
}

/* the guess that the leet reading is never longer than the folded text */
static size_t guess_folded(unsigned bit, const uint8_t *s, views *v)
{
    return bit == VIEW_LEET ? views_len(v, VIEW_FOLDED) : real_bound(bit, s, v);
}

static const char *const leet_pieces[] = {
    "sh1t", "@ss", "a$s", "b!tch", "5lut", "phuck", "f 4 c k", "f u u u c k", "a a a a s s", "1",
    "3", "0", "$", "@", "!", "|", "s", "h", "i", "t", " ", "ß", "ﬁ", "ﷺ", "Ａ", "＄", "操", "\xff",
    "\xe4\xbd", "\xcc\x81", "ss", "SS", "4", "7"};

static int check_views(views_bound_fn bound, uint64_t seed, unsigned bit, char *bad, size_t *small)
{
    uint64_t r = seed;
    views v, w;
    memset(&v, 0, sizeof v);
    memset(&w, 0, sizeof w);
    int ok = 1;
    for (int t = 0; t < 30000 && ok; t++) {
        char text[256];
        const char *const *from = t % 2 ? leet_pieces : pieces;
        unsigned n_from = (unsigned)(t % 2 ? sizeof leet_pieces / sizeof leet_pieces[0]
                                           : sizeof pieces / sizeof pieces[0]);
        size_t n = random_text(&r, t % 3 ? 3u : 12u, from, n_from, text, sizeof text);
        const uint8_t *u = (const uint8_t *)text;
        views_begin(&v, VIEW_ALL, n);
        cr_assert_eq(views_need(&ft, VIEW_FOLDED, u, &v), SCREENER_OK);
        size_t b = (v.built & bit) ? views_len(&v, bit) : bound(bit, u, &v);
        cr_assert_eq(views_build(&ft, VIEW_ALL, u, n, &w), SCREENER_OK);
        *small += b < 3;
        if (b < views_len(&w, bit)) {
            memcpy(bad, text, n + 1);
            ok = 0;
        }
    }
    views_free(&v);
    views_free(&w);
    return ok;
}

Test(viewbound, every_bounded_view_holds_and_a_folded_guess_is_refuted, .timeout = 300)
{
    open_table(SCREENER_FOLD_ALL);
    char text[256];
    for (unsigned bit = 1; bit & VIEW_ALL; bit <<= 1) {
        if (!(bit & VIEW_BOUNDED))
            continue;
        size_t small = 0;
        cr_assert(check_views(real_bound, 31 + bit, bit, text, &small),
                  "view %u: \"%s\" longer than its bound", bit, text);
        cr_assert(small > 1000, "view %u: short views (%zu)", bit, small);
    }
    size_t ignored = 0;
    cr_assert(!check_views(guess_folded, 41, VIEW_LEET, text, &ignored),
              "the folded length is refuted as the leet view's bound");
    close_table();
}

Test(viewbound, the_bounded_mask_names_the_table_rows_with_a_bound)
{
    cr_assert_eq(views_bounded(), VIEW_BOUNDED);
}
