/* Every vector path of the fold (normalize/fold_simd.h) against the scalar
 * loop: random ASCII-heavy texts (words, spaces, punctuation, repeated
 * letters, digits, capitals, controls) in runs whose lengths straddle the
 * block edges (15/16/17, 31/32/33, ...), with non-ASCII characters between
 * them, under fold tables with the families on and off and repeats
 * collapsed or not. Units, unit flags, checkpoints (byte, unit, collapse
 * state), the input consumed, and the same under a budget, must all be
 * identical. Paths this CPU lacks are reported and skipped. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold_fixture.h"
#include "../scan/test_rng.h"
#include "common/utf8.h"
#include "normalize/byteview.h"
#include "normalize/fold.h"
#include "normalize/fold_simd.h"
#include "normalize/foldtable.h"

static const char *const ascii_sets[] = {
    "abcdefghijklmnopqrstuvwxyz",            /* lowercase */
    "aabbeeellloossttt",                     /* letters that repeat often */
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdeAEIOU",  /* capitals */
    "0123456789000111",                      /* digits (never collapse) */
    " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",   /* separators */
    "ab cd  e.f,g!hh ss  x\ty\nzz--",        /* words */
    "\x01\x02\x1f\x7f a\tb",                 /* controls */
};

static const char *const others[] = {
    "中", "國", "学", "é", "ß", "ﬁ", "Ω", "а", "Ｆ", "😀", "\xe2\x80\x8b", "\xc2\xa0",
    "\xff", "\xe4\xb8", "ＡＡ", "ｓ", "ѕ", "\xe3\x80\x80",
};

static const size_t edge_lens[] = {15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 1, 2, 5};

/* A random text of about `want` bytes into t; returns its length. */
static size_t gen_text(uint64_t *st, char *t, size_t want)
{
    size_t len = 0;
    while (len < want) {
        size_t run = test_rnd(st, 2) ? edge_lens[test_rnd(st, sizeof edge_lens / sizeof edge_lens[0])]
                                      : 1 + test_rnd(st, 80);
        const char *set = ascii_sets[test_rnd(st, sizeof ascii_sets / sizeof ascii_sets[0])];
        size_t sl = strlen(set);
        char last = 0;
        for (size_t k = 0; k < run && len < want + 80; k++) {
            /* repeat the byte before now and then: runs of one letter */
            char c = last && test_rnd(st, 4) == 0 ? last : set[test_rnd(st, (unsigned)sl)];
            t[len++] = c;
            last = c;
        }
        if (test_rnd(st, 3)) {
            const char *x = others[test_rnd(st, sizeof others / sizeof others[0])];
            size_t xl = strlen(x);
            memcpy(t + len, x, xl);
            len += xl;
        }
    }
    return len;
}

/* A copy of t in a buffer of exactly len bytes, so that the sanitizer
 * builds catch a read past the text's end (free it). */
static uint8_t *exact_copy(const char *t, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    cr_assert(copy);
    memcpy(copy, t, len);
    return copy;
}

/* Fold an exact copy of t on path `path`. */
static void fold_with(fold_table *ft, int path, const char *t, size_t len, size_t budget,
                      fold_buf *fb)
{
    uint8_t *copy = exact_copy(t, len);
    ft->ascii_path = (uint8_t)path;
    cr_assert_eq(fold_text_upto(ft, copy, len, budget, fb), SCREENER_OK);
    free(copy);
}

static void same(const fold_buf *a, const fold_buf *b, const char *what, int path, int t)
{
    cr_assert_eq(a->n, b->n, "%s, %s, text %d: %zu units, scalar %zu", what,
                 fold_path_name(path), t, a->n, b->n);
    cr_assert_eq(a->consumed, b->consumed, "%s, %s, text %d: consumed %zu, scalar %zu", what,
                 fold_path_name(path), t, a->consumed, b->consumed);
    for (size_t k = 0; k < a->n; k++) {
        cr_assert_eq(a->units[k], b->units[k], "%s, %s, text %d: unit %zu is %#x, scalar %#x",
                     what, fold_path_name(path), t, k, a->units[k], b->units[k]);
        cr_assert_eq(a->flags[k], b->flags[k], "%s, %s, text %d: flags of unit %zu: %#x, scalar %#x",
                     what, fold_path_name(path), t, k, a->flags[k], b->flags[k]);
    }
    cr_assert_eq(a->n_marks, b->n_marks, "%s, %s, text %d: %zu checkpoints, scalar %zu", what,
                 fold_path_name(path), t, a->n_marks, b->n_marks);
    for (size_t k = 0; k < a->n_marks; k++)
        cr_assert(a->marks[k].byte == b->marks[k].byte && a->marks[k].unit == b->marks[k].unit &&
                      a->marks[k].prev == b->marks[k].prev,
                  "%s, %s, text %d: checkpoint %zu is (%u, %u, %#x), scalar (%u, %u, %#x)", what,
                  fold_path_name(path), t, k, a->marks[k].byte, a->marks[k].unit,
                  a->marks[k].prev, b->marks[k].byte, b->marks[k].unit, b->marks[k].prev);
}

/* The blocks' copy of the units as bytes (fold_buf.bytes): every unit it
 * claims is that unit; returns 1 if it claims the whole view. */
static int bytes_agree(const fold_buf *a, const char *what, int path, int t)
{
    cr_assert_leq(a->n_bytes, a->n, "%s, %s, text %d: %zu bytes for %zu units", what,
                  fold_path_name(path), t, a->n_bytes, a->n);
    for (size_t k = 0; k < a->n_bytes; k++)
        cr_assert_eq(a->bytes[k], a->units[k], "%s, %s, text %d: byte %zu is %#x, unit %#x", what,
                     fold_path_name(path), t, k, a->bytes[k], a->units[k]);
    return a->n > 0 && a->n_bytes == a->n;
}

static void check_table(uint32_t flags, int collapse, uint64_t seed, int expect_plan)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(flags, &fbuild, &ft);
    fold_table_set_collapse(&ft, collapse);
    /* the built tables all have a plan: else this test would compare the
     * scalar loop with itself */
    cr_assert_eq(ft.plan_ok, expect_plan, "flags %#x: plan %d", flags, ft.plan_ok);
    fold_buf ref, got;
    memset(&ref, 0, sizeof ref);
    memset(&got, 0, sizeof got);
    uint64_t st = seed;
    static char text[4096];
    int ran = 0, whole_bytes = 0;
    for (int t = 0; t < 1500; t++) {
        size_t len = gen_text(&st, text, test_rnd(&st, 4) ? 1 + test_rnd(&st, 120) : 1500);
        size_t off = len > 8 ? test_rnd(&st, 8) : 0; /* blocks start at every alignment */
        fold_with(&ft, FOLD_PATH_SCALAR, text + off, len - off, SIZE_MAX, &ref);
        size_t budget = test_rnd(&st, (unsigned)ref.n + 2);
        for (int path = FOLD_PATH_SCALAR + 1; path < FOLD_PATH_COUNT; path++) {
            if (!fold_path_supported(path))
                continue;
            /* AVX2 both with PDEP and without (fold_table.pdep_fast 0, as
             * on a CPU that runs it in microcode) */
            for (int pd = 1; pd >= (path == FOLD_PATH_AVX2 ? 0 : 1); pd--) {
                const char *whole = pd ? "whole" : "whole, no pdep";
                const char *cut = pd ? "budget" : "budget, no pdep";
                ft.pdep_fast = (uint8_t)pd;
                fold_with(&ft, FOLD_PATH_SCALAR, text + off, len - off, SIZE_MAX, &ref);
                fold_with(&ft, path, text + off, len - off, SIZE_MAX, &got);
                same(&got, &ref, whole, path, t);
                whole_bytes += bytes_agree(&got, whole, path, t);
                fold_with(&ft, FOLD_PATH_SCALAR, text + off, len - off, budget, &ref);
                fold_with(&ft, path, text + off, len - off, budget, &got);
                same(&got, &ref, cut, path, t);
                bytes_agree(&got, cut, path, t);
                ran++;
            }
        }
    }
    for (int path = FOLD_PATH_SCALAR + 1; path < FOLD_PATH_COUNT; path++)
        if (!fold_path_supported(path))
            fprintf(stderr, "fold_paths: this CPU has no %s path: not tested here\n",
                    fold_path_name(path));
    if (fold_path_supported(FOLD_PATH_SSE2))
        cr_assert_gt(ran, 0);
    /* the texts of ASCII only (gen_text makes some) get the whole copy */
    if (fold_path_supported(FOLD_PATH_SSE2) && ft.plan_narrow)
        cr_assert_gt(whole_bytes, 0, "flags %#x: no text's units were all copied as bytes", flags);
    fold_buf_free(&ref);
    fold_buf_free(&got);
    fold_fixture_close(&fbuild, &ft);
}

/* The byte view (normalize/byteview.c) on path `path` of a copy of t of
 * exactly len bytes, with a budget of max_bytes view bytes. */
static void view_with(fold_table *ft, int path, const char *t, size_t len, size_t max_bytes,
                      byte_view *bv)
{
    uint8_t *copy = exact_copy(t, len);
    ft->ascii_path = (uint8_t)path;
    cr_assert_eq(byte_view_build(ft, copy, len, max_bytes, bv), SCREENER_OK);
    free(copy);
}

static void same_view(const byte_view *a, const byte_view *b, int path, int t)
{
    cr_assert_eq(a->n, b->n, "byte view, %s, text %d: %zu bytes, scalar %zu", fold_path_name(path),
                 t, a->n, b->n);
    cr_assert_eq(a->consumed, b->consumed, "byte view, %s, text %d: consumed %zu, scalar %zu",
                 fold_path_name(path), t, a->consumed, b->consumed);
    for (size_t k = 0; k < a->n; k++)
        cr_assert(a->text[k] == b->text[k] && a->flags[k] == b->flags[k] && a->from[k] == b->from[k],
                  "byte view, %s, text %d: byte %zu is (%#x, %u, %u), scalar (%#x, %u, %u)",
                  fold_path_name(path), t, k, a->text[k], a->flags[k], a->from[k], b->text[k],
                  b->flags[k], b->from[k]);
}

/* The byte view's vector blocks (fold_simd.h, byte_view_blocks) against its
 * scalar loop, on the same random texts, with and without a budget. */
static void check_byte_view(uint32_t flags, uint64_t seed)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(flags, &fbuild, &ft);
    cr_assert_eq(ft.bplan_ok, 1, "flags %#x: no byte view plan", flags);
    byte_view ref, got;
    memset(&ref, 0, sizeof ref);
    memset(&got, 0, sizeof got);
    uint64_t st = seed;
    static char text[4096];
    for (int t = 0; t < 1500; t++) {
        size_t len = gen_text(&st, text, test_rnd(&st, 4) ? 1 + test_rnd(&st, 120) : 1500);
        size_t off = len > 8 ? test_rnd(&st, 8) : 0;
        view_with(&ft, FOLD_PATH_SCALAR, text + off, len - off, SIZE_MAX, &ref);
        size_t budget = test_rnd(&st, (unsigned)ref.n + 40);
        for (int path = FOLD_PATH_SCALAR + 1; path < FOLD_PATH_COUNT; path++) {
            if (!fold_path_supported(path))
                continue;
            view_with(&ft, FOLD_PATH_SCALAR, text + off, len - off, SIZE_MAX, &ref);
            view_with(&ft, path, text + off, len - off, SIZE_MAX, &got);
            same_view(&got, &ref, path, t);
            view_with(&ft, FOLD_PATH_SCALAR, text + off, len - off, budget, &ref);
            view_with(&ft, path, text + off, len - off, budget, &got);
            same_view(&got, &ref, path, t);
        }
    }
    byte_view_free(&ref);
    byte_view_free(&got);
    fold_fixture_close(&fbuild, &ft);
}

Test(fold_paths, byte_view_all_families) { check_byte_view(SCREENER_FOLD_ALL, 41); }

Test(fold_paths, byte_view_without_case) { check_byte_view(SCREENER_FOLD_ALL & ~SCREENER_FOLD_CASE, 42); }

Test(fold_paths, byte_view_nothing_folded) { check_byte_view(SCREENER_FOLD_EXPLICIT, 43); }

Test(fold_paths, all_families_collapsing) { check_table(SCREENER_FOLD_ALL, 1, 21, 1); }

Test(fold_paths, all_families_not_collapsing) { check_table(SCREENER_FOLD_ALL, 0, 22, 1); }

Test(fold_paths, without_case) { check_table(SCREENER_FOLD_ALL & ~SCREENER_FOLD_CASE, 1, 23, 1); }

Test(fold_paths, without_noise_removal)
{
    check_table(SCREENER_FOLD_ALL & ~SCREENER_FOLD_NOISE, 1, 24, 1);
}

Test(fold_paths, noise_only) { check_table(SCREENER_FOLD_EXPLICIT | SCREENER_FOLD_NOISE, 0, 25, 1); }

Test(fold_paths, nothing_folded) { check_table(SCREENER_FOLD_EXPLICIT, 1, 26, 1); }

/* A table whose ASCII part drops a byte without a gap has no plan: the
 * scalar loop takes every path's ASCII runs. */
Test(fold_paths, a_table_without_a_plan_takes_the_scalar_loop)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
    ft.ascii_fast['#'] = 0; /* dropped, no gap */
    fold_simd_plan(&ft);
    cr_assert_eq(ft.plan_ok, 0);
    cr_assert_eq(ft.ascii_path, FOLD_PATH_SCALAR);
    fold_fixture_close(&fbuild, &ft);
}

/* fold_units_utf8 (screener_fold_utf8's output) on every path against
 * utf16_next + utf8_put unit by unit: random runs of ASCII, 2-byte, 3-byte
 * (CJK) units, surrogate pairs and lone surrogates, with run lengths around
 * the vector widths (8, 16), written into an output of exactly 3 * n bytes
 * (the ASan build catches a write past it). */
static size_t utf8_reference(const uint16_t *u, size_t n, uint8_t *out)
{
    size_t w = 0;
    for (size_t i = 0; i < n;)
        w += utf8_put(out + w, utf16_next(u, n, &i));
    return w;
}

static uint16_t random_unit(uint64_t *st, unsigned kind)
{
    switch (kind) {
    case 0: return (uint16_t)test_rnd(st, 0x80);
    case 1: return (uint16_t)(0x80 + test_rnd(st, 0x800 - 0x80));
    case 2: return (uint16_t)(test_rnd(st, 2) ? 0x4E00 + test_rnd(st, 0x5000) : 0x800 + test_rnd(st, 0xD000));
    case 3: return (uint16_t)(0xE000 + test_rnd(st, 0x2000)); /* up to U+FFFF */
    case 4: return (uint16_t)(0xD800 + test_rnd(st, 0x400)); /* a high surrogate */
    default: return (uint16_t)(0xDC00 + test_rnd(st, 0x400)); /* a low surrogate */
    }
}

Test(fold_paths, units_to_utf8_match_the_scalar_encoder_on_every_path)
{
    static const size_t run_lens[] = {1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33};
    static uint16_t units[2048];
    static uint8_t want[3 * 2048];
    uint64_t st = 31;
    int ran = 0;
    for (int t = 0; t < 3000; t++) {
        size_t n = 0, want_n = test_rnd(&st, 4) ? test_rnd(&st, 100) : 1 + test_rnd(&st, 1900);
        while (n < want_n) {
            unsigned kind = test_rnd(&st, 3) ? test_rnd(&st, 4) : 4 + test_rnd(&st, 2);
            size_t run = run_lens[test_rnd(&st, sizeof run_lens / sizeof run_lens[0])];
            for (size_t k = 0; k < run && n < want_n; k++) {
                units[n++] = random_unit(&st, kind);
                if (kind == 4 && n < want_n && test_rnd(&st, 4)) /* mostly paired */
                    units[n++] = random_unit(&st, 5);
            }
        }
        size_t wn = utf8_reference(units, n, want);
        for (int path = FOLD_PATH_SCALAR; path < FOLD_PATH_COUNT; path++) {
            if (!fold_path_supported(path))
                continue;
            uint8_t *got = malloc(n ? 3 * n : 1);
            cr_assert(got);
            size_t gn = fold_units_utf8_path(path, units, n, got);
            cr_assert_eq(gn, wn, "%s, text %d: %zu bytes, scalar encoder %zu", fold_path_name(path),
                         t, gn, wn);
            cr_assert(!memcmp(got, want, wn), "%s, text %d: bytes differ", fold_path_name(path), t);
            free(got);
            ran++;
        }
    }
    cr_assert_gt(ran, 3000);
}
