/* The byte view against its specification (byteview.h), character by
 * character: random texts of ASCII, punctuation with and without an ASCII
 * form, CJK (traditional, simplified, full-width), expansions, emoji, marks
 * and invalid UTF-8, under several fold tables. The build takes fast paths
 * for runs of ASCII and of 3-byte characters; the reference here takes none,
 * so a fast path that writes a different byte, flag or origin fails. */
#include <criterion/criterion.h>
#include <string.h>

#include "fold_fixture.h"
#include "../scan/test_rng.h"
#include "common/utf8.h"
#include "normalize/byteview.h"
#include "normalize/fold.h"
#include "normalize/foldtable.h"

typedef struct ref_view {
    uint8_t text[8192], flags[8192];
    uint32_t from[8192];
    size_t n;
} ref_view;

/* What one character leaves, per byteview.h: its folded output as lowercase
 * UTF-8; a dropped character its ASCII form if it has one, else nothing (a
 * dropped visible separator sets BV_GAP on the next byte). */
static void ref_build(const fold_table *ft, const uint8_t *s, size_t len, ref_view *r)
{
    uint8_t gap = 0;
    r->n = 0;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        int32_t c = utf8_next(s, len, &i);
        uint32_t v = fold_value(ft, c), cps[FOLD_MAX_UNITS], n = 0;
        if (c < 0) {
            cps[n++] = 0xFFFD;
        } else if (FV_KIND(v) == FV_IDENT) {
            cps[n++] = (uint32_t)c;
        } else if (FV_KIND(v) == FV_ONE) {
            cps[n++] = FV_CP(v);
        } else if (FV_KIND(v) == FV_DROP) {
            if (FV_DROP_ASCII(v))
                cps[n++] = FV_DROP_ASCII(v);
        } else {
            const uint16_t *u = ft->expand + FV_OFF(v);
            size_t m = FV_LEN(v) > FOLD_MAX_UNITS ? FOLD_MAX_UNITS : FV_LEN(v);
            for (size_t q = 0; q < m;)
                cps[n++] = utf16_next(u, m, &q);
        }
        if (n == 0) {
            if (FV_KIND(v) == FV_DROP && FV_CLASS(v) == FC_GAP)
                gap = BV_GAP;
            continue;
        }
        for (uint32_t q = 0; q < n; q++) {
            uint32_t x = cps[q] >= 'A' && cps[q] <= 'Z' ? cps[q] + 32 : cps[q];
            size_t k = utf8_put(r->text + r->n, x);
            for (size_t b = 0; b < k; b++) {
                r->flags[r->n + b] = (uint8_t)(b == 0 && q == 0 ? gap : 0);
                r->from[r->n + b] = (uint32_t)at;
            }
            r->n += k;
        }
        gap = 0;
    }
}

static const char *const pieces[] = {
    "a", "B", "z", "Q", "7", "0", " ", ".", "@", ":", "/", "-", "_", "!", "#", "\t", "\n",
    "\x01", "\x7f", "\0",                             /* controls, NUL */
    "中", "國", "学", "習", "发", "髮", "的", "人",     /* CJK, traditional */
    "ＡＢ", "ｃ", "１", "＠", "。", "．", "，", "、",    /* full-width, CJK punctuation */
    "ﬁ", "㎏", "①", "Ⅻ", "ß", "İ",                    /* expansions */
    "é", "e\xcc\x81", "Ω", "Ѕ", "а",                  /* accents, marks, look-alikes */
    "😀", "🇫", "\xe2\x80\x8b", "\xc2\xa0", "\xe3\x80\x80", /* emoji, ZWSP, NBSP, ideographic space */
    "\xff", "\xe4\xb8", "\xed\xa0\x80", "\xc0\xaf", "\xf0\x9f", /* invalid UTF-8 */
};

static void check_table(uint32_t flags, uint64_t seed)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(flags, &fbuild, &ft);
    static ref_view r;
    byte_view bv;
    memset(&bv, 0, sizeof bv);
    uint64_t st = seed;
    const size_t np = sizeof pieces / sizeof pieces[0];
    for (int t = 0; t < 2000; t++) {
        char text[1024];
        size_t len = 0, want = test_rnd(&st, 3) == 0 ? 300 : 40;
        /* runs of one kind now and then, so the fast paths see long runs */
        while (len + 16 < want) {
            unsigned k = test_rnd(&st, (unsigned)np), reps = test_rnd(&st, 4) ? 1 : 8;
            size_t pl = k < 20 && pieces[k][0] == 0 ? 1 : strlen(pieces[k]);
            for (unsigned j = 0; j < reps && len + pl < want; j++, len += pl)
                memcpy(text + len, pieces[k], pl);
        }
        ref_build(&ft, (const uint8_t *)text, len, &r);
        cr_assert_eq(byte_view_build(&ft, (const uint8_t *)text, len, SIZE_MAX, &bv),
                     SCREENER_OK);
        cr_assert_eq(bv.n, r.n, "flags %#x text %d: %zu bytes, reference %zu", flags, t, bv.n,
                     r.n);
        cr_assert_eq(bv.consumed, len);
        cr_assert(memcmp(bv.text, r.text, r.n) == 0, "flags %#x text %d: bytes differ", flags, t);
        cr_assert(memcmp(bv.flags, r.flags, r.n) == 0, "flags %#x text %d: gap flags differ",
                  flags, t);
        cr_assert(memcmp(bv.from, r.from, r.n * sizeof(uint32_t)) == 0,
                  "flags %#x text %d: origins differ", flags, t);
        /* a budget stops at a character boundary with a prefix of the view */
        size_t budget = test_rnd(&st, (unsigned)r.n + 1);
        cr_assert_eq(byte_view_build(&ft, (const uint8_t *)text, len, budget, &bv), SCREENER_OK);
        cr_assert(bv.n >= budget || bv.consumed == len);
        cr_assert(bv.n <= r.n && memcmp(bv.text, r.text, bv.n) == 0);
        size_t at = 0;
        while (at < bv.consumed)
            at = view_char_end((const uint8_t *)text, len, at);
        cr_assert_eq(at, bv.consumed, "budget %zu: consumed %zu is not a character boundary",
                     budget, bv.consumed);
    }
    byte_view_free(&bv);
    fold_fixture_close(&fbuild, &ft);
}

Test(byteview, matches_reference_all_families) { check_table(SCREENER_FOLD_ALL, 11); }

Test(byteview, matches_reference_without_noise_or_case)
{
    check_table(SCREENER_FOLD_EXPLICIT | SCREENER_FOLD_COMPAT | SCREENER_FOLD_TRADITIONAL, 12);
}

Test(byteview, matches_reference_minimal) { check_table(SCREENER_FOLD_EXPLICIT, 13); }
