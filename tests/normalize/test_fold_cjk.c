/* The fold's fast paths for runs of 3-byte UTF-8 (the scalar CJK run in
 * fold.c, the AVX-512 and AVX2 blocks of fold_cjk.c) and for ASCII, on every path
 * this CPU has, against the general path one character at a time
 * (fold_text_general): random texts of pieces that stress the CJK decode —
 * Han kept as itself, traditional Han folded to one unit, punctuation
 * dropped as a separator, invisible characters, full-width letters, Kana,
 * expansions, leads E0 and ED at both sides of their limits (overlong,
 * surrogate), 4-byte and supplementary characters, 2-byte characters,
 * truncated sequences, stray continuation bytes, invalid bytes, ASCII —
 * at every alignment and length, with and without a budget; every 3-byte
 * code point (its lane cycling through the block), and one other character
 * at every position of runs of plain Han (the blocks that skip the trie by
 * their CJK codes, fold_table.cjk_codes). Units, unit flags, checkpoints
 * and the input consumed must all be identical. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold_fixture.h"
#include "../scan/test_rng.h"
#include "normalize/fold.h"
#include "normalize/fold_cjk.h"
#include "normalize/fold_simd.h"
#include "normalize/foldtable.h"

static const char *const pieces[] = {
    "中", "文", "国", "一", "三", "的", "了", "法", "轮", "功", /* Han, kept (numerals too) */
    "國", "學", "門", "說",                                    /* traditional: one unit */
    "，", "。", "？", "！", "、", "：", "（", "）", "…", "—", "“", /* separators, dropped */
    "\xe2\x80\x8b", "\xef\xb8\x8f", "\xe2\x81\xa0",            /* invisible: ZWSP, VS16, WJ */
    "Ｆ", "ｕ", "ｕ", "Ａ", "１",                                /* full-width: word letters */
    "カ", "メ", "ラ", "ひ", "が", "한", "글",                   /* Kana, Hangul */
    "㎏", "ﬁ", "㈱", "①",                                      /* expansions, circled */
    "\xe0\xa4\x85", "\xe0\xa0\x80", "\xe0\x9f\xbf", "\xe0\x80\x80", /* E0: valid, min, overlong */
    "\xed\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf",            /* ED: last valid, surrogates */
    "\xef\xbf\xbd", "\xef\xbf\xbf", "\xee\x80\x80",            /* U+FFFD, U+FFFF, private use */
    "😀", "\xf0\xa0\x80\x80", "\xf0\x9f\x98", "\xf4\x90\x80\x80", /* 4-byte, truncated, > 10FFFF */
    "é", "ß", "\xc0\xaf",                                      /* 2-byte, overlong 2-byte */
    "\xe4\xb8", "\xe4", "\x80", "\xbf", "\xff", "\xfe",        /* truncated, stray, invalid */
    "a", "b", " ", "s", "ss", "1", ".", "hello ", "  ",        /* ASCII */
};

#define N_PIECES (sizeof pieces / sizeof pieces[0])

/* A text of about `want` bytes: mostly Han with punctuation, now and then
 * anything else. */
static size_t gen_text(uint64_t *st, char *t, size_t want)
{
    size_t len = 0;
    while (len < want) {
        /* Han 2/3 of the time (the first 10 pieces), punctuation often */
        unsigned r = test_rnd(st, 12);
        const char *x = r < 8 ? pieces[test_rnd(st, 10)]
                        : r < 10 ? pieces[14 + test_rnd(st, 11)]
                                 : pieces[test_rnd(st, (unsigned)N_PIECES)];
        size_t xl = strlen(x);
        memcpy(t + len, x, xl);
        len += xl;
    }
    return len;
}

static void same(const fold_buf *a, const fold_buf *b, const char *what, int path, int t)
{
    const char *pn = fold_path_name(path);
    cr_assert_eq(a->n, b->n, "%s, %s, text %d: %zu units, general %zu", what, pn, t, a->n, b->n);
    cr_assert_eq(a->consumed, b->consumed, "%s, %s, text %d: consumed %zu, general %zu", what, pn,
                 t, a->consumed, b->consumed);
    for (size_t k = 0; k < a->n; k++) {
        cr_assert_eq(a->units[k], b->units[k], "%s, %s, text %d: unit %zu is %#x, general %#x",
                     what, pn, t, k, a->units[k], b->units[k]);
        cr_assert_eq(a->flags[k], b->flags[k],
                     "%s, %s, text %d: flags of unit %zu: %#x, general %#x", what, pn, t, k,
                     a->flags[k], b->flags[k]);
    }
    cr_assert_eq(a->n_marks, b->n_marks, "%s, %s, text %d: %zu checkpoints, general %zu", what,
                 pn, t, a->n_marks, b->n_marks);
    for (size_t k = 0; k < a->n_marks; k++)
        cr_assert(a->marks[k].byte == b->marks[k].byte && a->marks[k].unit == b->marks[k].unit &&
                      a->marks[k].prev == b->marks[k].prev,
                  "%s, %s, text %d: checkpoint %zu is (%u, %u, %#x), general (%u, %u, %#x)", what,
                  pn, t, k, a->marks[k].byte, a->marks[k].unit, a->marks[k].prev,
                  b->marks[k].byte, b->marks[k].unit, b->marks[k].prev);
}

/* Each vector path in its variants: the codes read by a gather or not
 * (fold_table.cjk_gather 0: the trie per block, as on a CPU whose gathers
 * are slow) and, on AVX2, PDEP used or not (fold_table.pdep_fast 0, as on
 * a CPU that runs it in microcode). Variant pv of PATH_VARIANTS: sets ft's
 * path and switches and returns the path, or -1 to skip it (not on this
 * CPU, or a switch the path does not read). */
#define PATH_VARIANTS (4 * FOLD_PATH_COUNT)

static int set_variant(fold_table *ft, int pv)
{
    int path = pv / 4, v = pv % 4;
    if (!fold_path_supported(path) || (path < FOLD_PATH_AVX2 && v) ||
        (path == FOLD_PATH_AVX512 && v >= 2))
        return -1;
    ft->ascii_path = (uint8_t)path;
    ft->cjk_gather = (uint8_t)!(v & 1);
    ft->pdep_fast = (uint8_t)!(v & 2);
    return path;
}

static void check_table(uint32_t flags, int collapse, uint64_t seed)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(flags, &fbuild, &ft);
    fold_table_set_collapse(&ft, collapse);
    fold_buf ref, got;
    memset(&ref, 0, sizeof ref);
    memset(&got, 0, sizeof got);
    uint64_t st = seed;
    static char text[4096];
    int ran = 0;
    for (int t = 0; t < 3000; t++) {
        size_t want = test_rnd(&st, 4) ? test_rnd(&st, 80) : 200 + test_rnd(&st, 1500);
        size_t len = gen_text(&st, text, want);
        /* every start and end inside the pieces: cut at any byte */
        size_t off = len ? test_rnd(&st, (unsigned)(len < 8 ? len : 8)) : 0;
        size_t cut = len - off ? test_rnd(&st, 4) : 0;
        size_t m = len - off - (cut < len - off ? cut : 0);
        /* an exact copy: the sanitizer builds catch a read past the end */
        uint8_t *copy = malloc(m ? m : 1);
        cr_assert(copy);
        memcpy(copy, text + off, m);
        cr_assert_eq(fold_text_general(&ft, copy, m, SIZE_MAX, &ref), SCREENER_OK);
        size_t budget = test_rnd(&st, (unsigned)ref.n + 2);
        /* each vector path in each of its variants (set_variant) */
        static const char *const whole[4] = {"whole", "whole, no gather", "whole, no pdep",
                                             "whole, no gather, no pdep"};
        static const char *const cutw[4] = {"budget", "budget, no gather", "budget, no pdep",
                                            "budget, no gather, no pdep"};
        for (int pv = 0; pv < PATH_VARIANTS; pv++) {
            int path = set_variant(&ft, pv);
            if (path < 0)
                continue;
            cr_assert_eq(fold_text_general(&ft, copy, m, SIZE_MAX, &ref), SCREENER_OK);
            cr_assert_eq(fold_text_upto(&ft, copy, m, SIZE_MAX, &got), SCREENER_OK);
            same(&got, &ref, whole[pv % 4], path, t);
            cr_assert_eq(fold_text_general(&ft, copy, m, budget, &ref), SCREENER_OK);
            cr_assert_eq(fold_text_upto(&ft, copy, m, budget, &got), SCREENER_OK);
            same(&got, &ref, cutw[pv % 4], path, t);
            ran++;
        }
        ft.cjk_gather = 1;
        ft.pdep_fast = 1;
        free(copy);
    }
    for (int path = FOLD_PATH_SCALAR + 1; path < FOLD_PATH_COUNT; path++)
        if (!fold_path_supported(path))
            fprintf(stderr, "fold_cjk: this CPU has no %s path: not tested here\n",
                    fold_path_name(path));
    cr_assert_gt(ran, 0);
    fold_buf_free(&ref);
    fold_buf_free(&got);
    fold_fixture_close(&fbuild, &ft);
}

Test(fold_cjk, all_families_collapsing) { check_table(SCREENER_FOLD_ALL, 1, 31); }

Test(fold_cjk, all_families_not_collapsing) { check_table(SCREENER_FOLD_ALL, 0, 32); }

Test(fold_cjk, without_traditional) { check_table(SCREENER_FOLD_ALL & ~SCREENER_FOLD_TRADITIONAL, 1, 33); }

Test(fold_cjk, without_noise_removal) { check_table(SCREENER_FOLD_ALL & ~SCREENER_FOLD_NOISE, 1, 34); }

/* Long runs of Han and separators only: the AVX-512 blocks back to back,
 * checkpoints inside them, every budget. */
Test(fold_cjk, long_runs_every_budget)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
    fold_buf ref, got;
    memset(&ref, 0, sizeof ref);
    memset(&got, 0, sizeof got);
    uint64_t st = 35;
    static char text[1024];
    for (int t = 0; t < 60; t++) {
        size_t len = 0;
        while (len < 300) {
            const char *x = test_rnd(&st, 5) ? pieces[test_rnd(&st, 14)]
                                             : pieces[14 + test_rnd(&st, 11)];
            memcpy(text + len, x, strlen(x));
            len += strlen(x);
        }
        for (size_t budget = 0; budget < 120; budget++)
            for (int path = FOLD_PATH_SCALAR; path < FOLD_PATH_COUNT; path++) {
                if (!fold_path_supported(path))
                    continue;
                ft.ascii_path = (uint8_t)path;
                cr_assert_eq(fold_text_general(&ft, (const uint8_t *)text, len, budget, &ref),
                             SCREENER_OK);
                cr_assert_eq(fold_text_upto(&ft, (const uint8_t *)text, len, budget, &got),
                             SCREENER_OK);
                same(&got, &ref, "long", path, t);
            }
    }
    fold_buf_free(&ref);
    fold_buf_free(&got);
    fold_fixture_close(&fbuild, &ft);
}

/* Short messages (chat lines: ~10 characters), every length 0..40 bytes
 * cut from chat-like lines at every byte, every budget, every path — on a
 * buffer reused after a long text (stale units, flags and checkpoints: the
 * per-call setup must reset them) and on a fresh one (the first call's
 * setup). */
Test(fold_cjk, short_texts_every_length)
{
    static const char *const lines[] = {
        "为什么听一面之辞就相信？只有当事人才能知道吧",
        "打包2斤牛油回来，谢谢。我谢谢你…",
        "國學門說，ＦＦｕｕ１法轮功！！\xe2\x80\x8b㎏ﬁ😀é\xe4\xb8",
        "哈哈哈ok好的  hello 中文\xed\xa0\x80\xe0\x80\x80三",
    };
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
    fold_table_set_collapse(&ft, 1);
    fold_buf ref, got;
    memset(&ref, 0, sizeof ref);
    memset(&got, 0, sizeof got);
    static char big[2000];
    uint64_t st = 36;
    size_t big_len = gen_text(&st, big, 1800);
    int t = 0;
    for (size_t li = 0; li < sizeof lines / sizeof lines[0]; li++) {
        size_t ll = strlen(lines[li]);
        for (size_t off = 0; off < ll && off < 8; off++)
            for (size_t m = 0; m <= 40 && off + m <= ll; m++, t++) {
                uint8_t *copy = malloc(m ? m : 1); /* exact: a read past the end is caught */
                cr_assert(copy);
                memcpy(copy, lines[li] + off, m);
                for (int path = FOLD_PATH_SCALAR; path < FOLD_PATH_COUNT; path++) {
                    if (!fold_path_supported(path))
                        continue;
                    ft.ascii_path = (uint8_t)path;
                    for (size_t budget = 0; budget <= m + 1; budget++) {
                        /* stale state from a long text first */
                        cr_assert_eq(fold_text_upto(&ft, (const uint8_t *)big, big_len,
                                                    SIZE_MAX, &got),
                                     SCREENER_OK);
                        cr_assert_gt(got.n_marks, 1);
                        cr_assert_eq(fold_text_general(&ft, copy, m, budget, &ref), SCREENER_OK);
                        cr_assert_eq(fold_text_upto(&ft, copy, m, budget, &got), SCREENER_OK);
                        same(&got, &ref, "short", path, t);
                    }
                    fold_buf fresh;
                    memset(&fresh, 0, sizeof fresh);
                    cr_assert_eq(fold_text_general(&ft, copy, m, SIZE_MAX, &ref), SCREENER_OK);
                    cr_assert_eq(fold_text_upto(&ft, copy, m, SIZE_MAX, &fresh), SCREENER_OK);
                    same(&fresh, &ref, "short, fresh buffer", path, t);
                    fold_buf_free(&fresh);
                }
                free(copy);
            }
    }
    /* too long, with the buffers already there: refused before any read */
    cr_assert_eq(fold_text_upto(&ft, (const uint8_t *)big, FOLD_MAX_INPUT + 1, SIZE_MAX, &got),
                 SCREENER_E_TOO_LARGE);
    fold_buf_free(&ref);
    fold_buf_free(&got);
    fold_fixture_close(&fbuild, &ft);
}

/* ------------------------------------------------------------------ */
/* The CJK codes (fold_table.cjk_codes): blocks the trie is not read for */
/* ------------------------------------------------------------------ */

/* Fold t (an exact copy: a read past the end is caught by the sanitizer
 * builds) on every path this CPU has and with the general path, whole and
 * at the given budget, and require the same. */
static void same_on_every_path(fold_table *ft, const char *t, size_t m, size_t budget,
                               const char *what, int id, fold_buf *ref, fold_buf *got)
{
    uint8_t *copy = malloc(m ? m : 1);
    cr_assert(copy);
    memcpy(copy, t, m);
    const uint8_t gather = ft->cjk_gather, pdep = ft->pdep_fast;
    for (int pv = 0; pv < PATH_VARIANTS; pv++) {
        int path = set_variant(ft, pv);
        if (path < 0)
            continue;
        cr_assert_eq(fold_text_general(ft, copy, m, SIZE_MAX, ref), SCREENER_OK);
        cr_assert_eq(fold_text_upto(ft, copy, m, SIZE_MAX, got), SCREENER_OK);
        same(got, ref, what, path, id);
        cr_assert_eq(fold_text_general(ft, copy, m, budget, ref), SCREENER_OK);
        cr_assert_eq(fold_text_upto(ft, copy, m, budget, got), SCREENER_OK);
        same(got, ref, what, path, id);
    }
    ft->cjk_gather = gather;
    ft->pdep_fast = pdep;
    free(copy);
}

/* Append the UTF-8 of BMP code point u (0x800 and up) at t + len. */
static size_t put3(char *t, size_t len, uint32_t u)
{
    t[len] = (char)(0xE0 | (u >> 12));
    t[len + 1] = (char)(0x80 | ((u >> 6) & 0x3F));
    t[len + 2] = (char)(0x80 | (u & 0x3F));
    return len + 3;
}

/* Every 3-byte code point (U+0800..U+FFFF, the surrogates' encodings too)
 * in runs with plain Han around it, its lane cycling through the block: each
 * code the table holds (plain, separator, 0) against the general path, for
 * each family set that changes the codes. */
static void every_code_point(uint32_t flags, int min_gap)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(flags, &fbuild, &ft);
    fold_table_set_collapse(&ft, 1);
    fold_buf ref, got;
    memset(&ref, 0, sizeof ref);
    memset(&got, 0, sizeof got);
    static char text[3 * 64];
    int plain = 0, gap = 0, other = 0;
    for (uint32_t u = 0x800; u <= 0xFFFF; u += 7) {
        /* seven code points from u among plain Han: u at lane u % 16 */
        size_t len = 0;
        for (uint32_t j = 0; j < u % 16; j++)
            len = put3(text, len, 0x4E2D); /* 中 */
        for (uint32_t c = u; c < u + 7 && c <= 0xFFFF; c++) {
            len = put3(text, len, c);
            uint32_t code = (ft.cjk_codes[c >> 4] >> 2 * (c & 15)) & 3u;
            plain += code == FCJK_PLAIN, gap += code == FCJK_GAP, other += code == 0;
        }
        for (uint32_t j = 0; j < 7 + u % 5; j++)
            len = put3(text, len, 0x6587); /* 文 */
        same_on_every_path(&ft, text, len, u % 23, "every code point", (int)u, &ref, &got);
    }
    /* the codes are there (a table of zeros would pass the folds above) */
    cr_assert_gt(plain, 20000, "%d plain code points", plain);
    cr_assert_geq(gap, min_gap, "%d separators", gap);
    cr_assert_gt(other, 1000, "%d others", other);
    fold_buf_free(&ref);
    fold_buf_free(&got);
    fold_fixture_close(&fbuild, &ft);
}

Test(fold_cjk, every_code_point_all_families) { every_code_point(SCREENER_FOLD_ALL, 300); }

Test(fold_cjk, every_code_point_without_traditional)
{
    every_code_point(SCREENER_FOLD_ALL & ~SCREENER_FOLD_TRADITIONAL, 300);
}

Test(fold_cjk, every_code_point_without_noise_removal)
{
    every_code_point(SCREENER_FOLD_ALL & ~SCREENER_FOLD_NOISE, 0); /* punctuation kept */
}

/* The codes follow the trie: a plain Han character is plain, a separator
 * a separator, a traditional character that folds to another and a
 * full-width letter neither (the trie decides). */
Test(fold_cjk, codes_follow_the_table)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
    fold_table_set_collapse(&ft, 1);
#define CODE(u) ((ft.cjk_codes[(u) >> 4] >> 2 * ((u)&15)) & 3u)
    cr_assert_eq(CODE(0x4E2Du), FCJK_PLAIN);  /* 中 */
    cr_assert_eq(CODE(0x3072u), FCJK_PLAIN);  /* ひ */
    cr_assert_eq(CODE(0xFF0Cu), FCJK_GAP);    /* ， */
    cr_assert_eq(CODE(0x3002u), FCJK_GAP);    /* 。 */
    cr_assert_eq(CODE(0x570Bu), 0u);          /* 國 -> 国 */
    cr_assert_eq(CODE(0xFF26u), 0u);          /* Ｆ -> f */
    cr_assert_eq(CODE(0x200Bu), 0u);          /* ZWSP: dropped, invisible */
    cr_assert_eq(CODE(0x4E00u), FCJK_PLAIN);  /* 一: a numeral, folds to itself */
    fold_fixture_close(&fbuild, &ft);
    /* without the traditional family 國 folds to itself */
    fold_fixture_open(SCREENER_FOLD_ALL & ~SCREENER_FOLD_TRADITIONAL, &fbuild, &ft);
    fold_table_set_collapse(&ft, 1);
    cr_assert_eq(CODE(0x570Bu), FCJK_PLAIN);
#undef CODE
    fold_fixture_close(&fbuild, &ft);
}

/* Plain Han with one other character (traditional, separator, full-width,
 * invisible, ASCII, an expansion, a 4-byte or invalid byte) at every
 * position of runs of 4..40 characters — every lane of the first, middle
 * and last (masked) block, both block sizes — with budgets around it. */
Test(fold_cjk, one_other_character_at_every_lane)
{
    static const char *const others[] = {"國", "說", "，", "。", "Ｆ", "\xe2\x80\x8b", "a",
                                         "㎏", "😀", "\xff", "\xed\xa0\x80", "カ"};
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
    fold_table_set_collapse(&ft, 1);
    fold_buf ref, got;
    memset(&ref, 0, sizeof ref);
    memset(&got, 0, sizeof got);
    static char text[256];
    int id = 0;
    for (size_t oi = 0; oi < sizeof others / sizeof others[0]; oi++)
        for (size_t chars = 4; chars <= 40; chars++)
            for (size_t at = 0; at < chars; at++, id++) {
                size_t len = 0;
                for (size_t j = 0; j < chars; j++) {
                    const char *x = j == at ? others[oi] : (j % 3 ? "的" : "了");
                    memcpy(text + len, x, strlen(x));
                    len += strlen(x);
                }
                same_on_every_path(&ft, text, len, at + (id % 3) - 1, "one other", id, &ref,
                                   &got);
            }
    fold_buf_free(&ref);
    fold_buf_free(&got);
    fold_fixture_close(&fbuild, &ft);
}

/* The AVX-512 run stores a whole block of 16 units and 16 flags where the
 * buffer has room for them (so that the loads right after the fold are
 * forwarded from the store, fold_cjk.c), and only the units it keeps where
 * it has not: a run whose buffer ends right after its last unit writes
 * nothing past fb->cap and folds as the general path does. */
Test(fold_cjk, run_at_the_end_of_a_tight_buffer)
{
    if (!fold_path_supported(FOLD_PATH_AVX512))
        cr_skip_test("this CPU has no AVX-512 fold path");
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
    fold_table_set_collapse(&ft, 1);
    ft.ascii_path = FOLD_PATH_AVX512;
    fold_buf ref;
    memset(&ref, 0, sizeof ref);
    static const char *const plain[] = {"的", "了", "中", "，", "文", "。", "国"};
    enum { BEFORE = 5, PAST = 40 };
    static uint16_t units[BEFORE + 64 + PAST];
    static uint8_t flags[BEFORE + 64 + PAST];
    static char text[64 * 3];
    for (size_t chars = 1; chars <= 40; chars++) {
        size_t len = 0;
        for (size_t j = 0; j < chars; j++) {
            const char *x = plain[(j * 5 + chars) % 7];
            memcpy(text + len, x, 3);
            len += 3;
        }
        cr_assert_eq(fold_text_general(&ft, (const uint8_t *)text, len, SIZE_MAX, &ref),
                     SCREENER_OK);
        memset(units, 0xAB, sizeof units);
        memset(flags, 0xCD, sizeof flags);
        /* room for exactly the units the text keeps */
        fold_buf fb;
        memset(&fb, 0, sizeof fb);
        fb.units = units;
        fb.flags = flags;
        fb.cap = BEFORE + ref.n;
        fold_pass p = {units, flags, BEFORE, 0, 0, 0, SIZE_MAX}; /* (no checkpoint due) */
        int rc = SCREENER_OK;
        size_t took = fold_cjk_run(&ft, (const uint8_t *)text, len, SIZE_MAX, &fb, &p, &rc);
        cr_assert_eq(rc, SCREENER_OK);
        cr_assert_eq(took, len, "%zu characters: the run took %zu of %zu bytes", chars, took,
                     len);
        cr_assert_eq(p.pos, BEFORE + ref.n, "%zu characters: %zu units, general %zu", chars,
                     p.pos - BEFORE, ref.n);
        for (size_t k = 0; k < ref.n; k++) {
            cr_assert_eq(units[BEFORE + k], ref.units[k], "%zu characters: unit %zu", chars, k);
            cr_assert_eq(flags[BEFORE + k], ref.flags[k], "%zu characters: flags %zu", chars, k);
        }
        for (size_t k = BEFORE + ref.n; k < sizeof units / sizeof units[0]; k++) {
            cr_assert_eq(units[k], 0xABAB, "%zu characters: unit %zu past the buffer written",
                         chars, k);
            cr_assert_eq(flags[k], 0xCD, "%zu characters: flags %zu past the buffer written",
                         chars, k);
        }
    }
    fold_buf_free(&ref);
    fold_fixture_close(&fbuild, &ft);
}
