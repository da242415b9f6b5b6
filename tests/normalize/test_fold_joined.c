/* The batch filter's joined fold (normalize/fold.h, fold_texts_joined):
 * a group of texts folded in one call, each where it lies, with the
 * separator unit between them. Differential, on every fold path this CPU
 * has, against
 *   - fold_texts_joined_buf, the same texts copied into one buffer, each
 *     followed by the byte 0xFF (what the batch filter did before): every
 *     field the group scan reads (units, flags, unit count, where each text
 *     starts) and the rest of what it leaves (input consumed, the ASCII
 *     bytes of the narrow scan);
 *   - fold_text of each text alone: text j's units and flags at
 *     [unit_at[j], unit_at[j + 1] - 1), the separator (0xFFFF, flags 0)
 *     after it; and that slice taken as the text's own fold
 *     (fold_buf_slice, what the batch filter's per-message tests read):
 *     the same units, flags and, under FOLD_MARK_EVERY units, checkpoints.
 * Texts are random pieces that stress a text's end: runs of Han and
 * punctuation long enough for the vector CJK blocks cut at any byte, ASCII
 * runs at the vector block edges (7/8/9, 15/16/17, ... 63/64/65), letters
 * repeated across the boundary (collapsed within a text only), invalid and
 * truncated UTF-8, the byte 0xFF itself, expansions (U+FDFA: 18 units from
 * 3 bytes, so the buffers grow inside a group), empty texts. Each text
 * lies in its own allocation of exactly its length: the sanitizer builds
 * catch a read past it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold_fixture.h"
#include "../scan/test_rng.h"
#include "normalize/fold.h"
#include "normalize/fold_simd.h"
#include "normalize/foldtable.h"

static const char *const han[] = {
    "中", "文", "国", "法", "轮", "功", "國", "學", "的", "了", "，", "。", "！", "…",
};

static const char *const odd[] = {
    "\xe2\x80\x8b", "\xef\xb8\x8f", "Ｆ", "ｕ", "ｕ", "１", "カ", "ひ", "㎏", "ﬁ", "①",
    "\xef\xb7\xba", /* U+FDFA: 18 units */
    "\xef\xbf\xbd", "\xef\xbf\xbf", "😀", "\xf0\x9f\x98", "é", "ß", "\xc0\xaf",
    "\xe4\xb8", "\xe4", "\x80", "\xbf", "\xff", "\xfe", "\xc3",
};

static const char *const ascii_sets[] = {
    "abcdefghijklmnopqrstuvwxyz",
    "aabbeeellloossttt",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
    " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "ab cd  e.f,g!hh ss  x\ty\nzz--",
    "\x01\x1f\x7f a",
};

static const size_t edge_lens[] = {7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 63, 64, 65, 1, 2};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void put(char *t, size_t *len, const char *x)
{
    size_t xl = strlen(x);
    memcpy(t + *len, x, xl);
    *len += xl;
}

/* A random text into t (room for 2,000 bytes); returns its length. */
static size_t gen_text(uint64_t *st, char *t)
{
    size_t len = 0;
    unsigned shape = test_rnd(st, 10);
    if (shape == 0)
        return 0; /* empty */
    unsigned pieces = 1 + test_rnd(st, shape < 7 ? 4 : 12);
    for (unsigned k = 0; k < pieces && len < 1500; k++) {
        unsigned r = test_rnd(st, 8);
        if (r < 3) {
            /* Han and punctuation, often long enough for the CJK blocks */
            unsigned m = 1 + test_rnd(st, test_rnd(st, 2) ? 12 : 40);
            for (unsigned q = 0; q < m; q++)
                put(t, &len, han[test_rnd(st, COUNT(han))]);
        } else if (r < 6) {
            /* ASCII at a block edge or any length, runs of one letter */
            size_t run = test_rnd(st, 2) ? edge_lens[test_rnd(st, COUNT(edge_lens))]
                                         : 1 + test_rnd(st, 90);
            const char *set = ascii_sets[test_rnd(st, COUNT(ascii_sets))];
            size_t sl = strlen(set);
            char last = 0;
            for (size_t q = 0; q < run; q++) {
                char c = last && test_rnd(st, 4) == 0 ? last : set[test_rnd(st, (unsigned)sl)];
                t[len++] = c;
                last = c;
            }
        } else {
            put(t, &len, odd[test_rnd(st, COUNT(odd))]);
        }
    }
    /* cut at any byte now and then: a text ending inside a character */
    if (len && test_rnd(st, 3) == 0)
        len -= test_rnd(st, len < 4 ? (unsigned)len + 1 : 4);
    return len;
}

/* A fresh allocation of exactly len bytes holding t (NULL for an empty
 * text, as a caller may pass it). */
static uint8_t *exact_copy(const char *t, size_t len)
{
    if (!len)
        return NULL;
    uint8_t *c = malloc(len);
    cr_assert(c);
    memcpy(c, t, len);
    return c;
}

enum { MAX_TEXTS = 130 };

typedef struct group {
    fold_text_ref texts[MAX_TEXTS];
    size_t k;
    uint8_t *joined; /* the texts each followed by 0xFF */
    size_t at[MAX_TEXTS + 1], n;
} group;

/* The group's texts copied into g->joined, each followed by 0xFF (what
 * fold_texts_joined_buf reads). */
static void join_copy(group *g)
{
    g->n = 0;
    for (size_t j = 0; j < g->k; j++)
        g->n += g->texts[j].n + 1;
    g->joined = malloc(g->n ? g->n : 1);
    cr_assert(g->joined);
    size_t o = 0;
    for (size_t j = 0; j < g->k; j++) {
        g->at[j] = o;
        if (g->texts[j].n)
            memcpy(g->joined + o, g->texts[j].s, g->texts[j].n);
        o += g->texts[j].n;
        g->joined[o++] = 0xFF;
    }
    g->at[g->k] = o;
}

static void gen_group(uint64_t *st, group *g)
{
    static char t[2048];
    /* mostly chat-sized groups; now and then one text, or none */
    unsigned r = test_rnd(st, 20);
    g->k = r == 0 ? 0 : r == 1 ? 1 : 1 + test_rnd(st, MAX_TEXTS);
    for (size_t j = 0; j < g->k; j++) {
        size_t len = gen_text(st, t);
        g->texts[j] = (fold_text_ref){exact_copy(t, len), len};
    }
    join_copy(g);
}

static void free_group(group *g)
{
    for (size_t j = 0; j < g->k; j++)
        free((void *)(uintptr_t)g->texts[j].s);
    free(g->joined);
}

/* got (fold_texts_joined) against ref (the copy-based fold) field by field. */
static void same_as_copy(const fold_buf *got, const size_t *got_at, const fold_buf *ref,
                         const size_t *ref_at, size_t k, const char *pn, int t)
{
    cr_assert_eq(got->n, ref->n, "%s, group %d: %zu units, copied %zu", pn, t, got->n, ref->n);
    cr_assert_eq(got->consumed, ref->consumed, "%s, group %d: consumed %zu, copied %zu", pn, t,
                 got->consumed, ref->consumed);
    for (size_t j = 0; j <= k; j++)
        cr_assert_eq(got_at[j], ref_at[j], "%s, group %d: text %zu at unit %zu, copied %zu", pn, t,
                     j, got_at[j], ref_at[j]);
    for (size_t q = 0; q < got->n; q++) {
        cr_assert_eq(got->units[q], ref->units[q], "%s, group %d: unit %zu is %#x, copied %#x", pn,
                     t, q, got->units[q], ref->units[q]);
        cr_assert_eq(got->flags[q], ref->flags[q],
                     "%s, group %d: flags of unit %zu: %#x, copied %#x", pn, t, q, got->flags[q],
                     ref->flags[q]);
    }
    cr_assert_eq(got->n_bytes, ref->n_bytes, "%s, group %d: %zu ASCII bytes, copied %zu", pn, t,
                 got->n_bytes, ref->n_bytes);
    for (size_t q = 0; q < got->n_bytes; q++)
        cr_assert_eq(got->bytes[q], ref->bytes[q], "%s, group %d: ASCII byte %zu", pn, t, q);
}

/* The text's slice of the joined fold taken as its own fold
 * (fold_buf_slice), into a buffer that held another text's fold: the
 * same units, flags and input as fold_text's (alone), the same checkpoints
 * when fold_text has only the first, and no stale ASCII bytes claimed. */
static void same_slice(const fold_buf *got, size_t a, size_t b, const fold_buf *alone,
                       fold_buf *slice, const char *pn, int t, size_t j)
{
    cr_assert_eq(fold_buf_slice(slice, got, a, b, alone->consumed), SCREENER_OK);
    cr_assert_eq(slice->n, alone->n, "%s, group %d, text %zu: slice of %zu units, alone %zu", pn,
                 t, j, slice->n, alone->n);
    cr_assert_eq(slice->consumed, alone->consumed);
    cr_assert(!memcmp(slice->units, alone->units, slice->n * sizeof *slice->units) &&
                  !memcmp(slice->flags, alone->flags, slice->n),
              "%s, group %d, text %zu: the slice is not the text's fold", pn, t, j);
    cr_assert_leq(slice->n_bytes, slice->n,
                  "%s, group %d, text %zu: %zu bytes claimed for %zu units", pn, t, j,
                  slice->n_bytes, slice->n);
    for (size_t q = 0; q < slice->n_bytes; q++)
        cr_assert_eq(slice->bytes[q], slice->units[q], "%s, group %d, text %zu: byte %zu", pn, t,
                     j, q);
    cr_assert(slice->n_marks >= 1 && slice->marks[0].byte == 0 && slice->marks[0].unit == 0 &&
              slice->marks[0].prev == 0);
    if (alone->n < FOLD_MARK_EVERY)
        cr_assert_eq(slice->n_marks, alone->n_marks,
                     "%s, group %d, text %zu: %zu checkpoints in the slice, alone %zu", pn, t, j,
                     slice->n_marks, alone->n_marks);
}

/* Each text's slice of got against its own fold. */
static void same_as_alone(const fold_table *ft, const group *g, const fold_buf *got,
                          const size_t *at, fold_buf *alone, fold_buf *slice, const char *pn,
                          int t)
{
    for (size_t j = 0; j < g->k; j++) {
        cr_assert_eq(fold_text(ft, g->texts[j].s ? g->texts[j].s : (const uint8_t *)"",
                               g->texts[j].n, alone),
                     SCREENER_OK);
        size_t a = at[j], e = at[j + 1];
        cr_assert_eq(e - a, alone->n + 1, "%s, group %d, text %zu: %zu units joined, %zu alone",
                     pn, t, j, e - a - 1, alone->n);
        for (size_t q = 0; q < alone->n; q++)
            cr_assert(got->units[a + q] == alone->units[q] && got->flags[a + q] == alone->flags[q],
                      "%s, group %d, text %zu: unit %zu is %#x/%#x joined, %#x/%#x alone", pn, t,
                      j, q, got->units[a + q], got->flags[a + q], alone->units[q],
                      alone->flags[q]);
        cr_assert(got->units[e - 1] == 0xFFFF && got->flags[e - 1] == 0,
                  "%s, group %d: separator after text %zu is %#x/%#x", pn, t, j,
                  got->units[e - 1], got->flags[e - 1]);
        same_slice(got, a, e - 1, alone, slice, pn, t, j);
        /* (the next text folded over what this slice left, and its slice
         * over this fold: stale units, checkpoints and bytes) */
        fold_buf tmp = *alone;
        *alone = *slice;
        *slice = tmp;
    }
    cr_assert_eq(at[g->k], got->n, "%s, group %d: %zu units after the last text of %zu", pn, t,
                 at[g->k], got->n);
}

/* Buffers a check reuses from one group to the next. */
typedef struct bufs {
    fold_buf got, ref, alone, slice;
    size_t got_at[MAX_TEXTS + 1], ref_at[MAX_TEXTS + 1];
} bufs;

static void bufs_free(bufs *b)
{
    fold_buf_free(&b->got);
    fold_buf_free(&b->ref);
    fold_buf_free(&b->alone);
    fold_buf_free(&b->slice);
}

/* Group g (number t) on path `path`: fold_texts_joined against the copy
 * and against each text alone. */
static void check_group(fold_table *ft, int path, const group *g, bufs *b, int t)
{
    ft->ascii_path = (uint8_t)(path == FOLD_PATH_SCALAR || ft->plan_ok ? path : 0);
    const char *pn = fold_path_name(path);
    cr_assert_eq(fold_texts_joined(ft, g->texts, g->k, &b->got, b->got_at), SCREENER_OK);
    cr_assert_eq(fold_texts_joined_buf(ft, g->joined, g->n, g->at, g->k, &b->ref, b->ref_at),
                 SCREENER_OK);
    same_as_copy(&b->got, b->got_at, &b->ref, b->ref_at, g->k, pn, t);
    same_as_alone(ft, g, &b->got, b->got_at, &b->alone, &b->slice, pn, t);
}

static void check_table(uint32_t flags, int collapse, uint64_t seed, int groups)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(flags, &fbuild, &ft);
    fold_table_set_collapse(&ft, collapse);
    static bufs b;
    memset(&b, 0, sizeof b);
    static group g;
    uint64_t st = seed;
    size_t texts = 0, units = 0;
    for (int t = 0; t < groups; t++) {
        gen_group(&st, &g);
        for (int path = FOLD_PATH_SCALAR; path < FOLD_PATH_COUNT; path++) {
            if (!fold_path_supported(path))
                continue;
            if (test_rnd(&st, 8) == 0)
                bufs_free(&b); /* now and then the first call's setup, and growth
                                  inside the group (expansions) */
            check_group(&ft, path, &g, &b, t);
        }
        texts += g.k;
        units += b.got.n;
        free_group(&g);
    }
    for (int path = FOLD_PATH_SCALAR + 1; path < FOLD_PATH_COUNT; path++)
        if (!fold_path_supported(path))
            fprintf(stderr, "fold_joined: this CPU has no %s path: not tested here\n",
                    fold_path_name(path));
    cr_log_info("fold_joined: %d groups, %zu texts, %zu units, on every path this CPU has",
                groups, texts, units);
    /* the generator is not degenerate */
    cr_assert_gt(texts, (size_t)groups * 20);
    cr_assert_gt(units, texts * 10);
    bufs_free(&b);
    fold_fixture_close(&fbuild, &ft);
}

Test(fold_joined, in_place_equals_copied_and_alone_collapsing)
{
    check_table(SCREENER_FOLD_ALL, 1, 51, 300);
}

Test(fold_joined, in_place_equals_copied_and_alone_not_collapsing)
{
    check_table(SCREENER_FOLD_ALL, 0, 52, 150);
}

Test(fold_joined, in_place_equals_copied_and_alone_without_noise_removal)
{
    check_table(SCREENER_FOLD_ALL & ~SCREENER_FOLD_NOISE, 1, 53, 150);
}

/* A group whose first text expands (U+FDFA: 18 units from 3 bytes), with
 * every count of expansions up to 400, then ASCII texts that fold to one
 * unit a byte: on a fresh buffer the expansions grow it for their own text
 * only, and for some count the texts after them would overflow it but for
 * fold_texts_joined's own check of the room left before each text (the
 * sanitizer builds catch it). Since 2026-12-01 that check is all that
 * sizes the buffer (room for the text, its separator and one expansion),
 * not a first pass over the group's lengths. */
Test(fold_joined, expansions_early_in_a_group_leave_room_for_the_rest)
{
    fold_build fbuild;
    fold_table ft;
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
    static char t[2048];
    static group g;
    static bufs b;
    for (size_t e = 1; e <= 400; e++) {
        size_t len = 0;
        for (size_t q = 0; q < e; q++)
            put(t, &len, "\xef\xb7\xba");
        g.k = 0;
        g.texts[g.k++] = (fold_text_ref){exact_copy(t, len), len};
        for (int q = 0; q < 20; q++) {
            char u[100];
            for (int r = 0; r < 100; r++)
                u[r] = (char)('a' + r % 26); /* (no repeat: a unit a byte) */
            g.texts[g.k++] = (fold_text_ref){exact_copy(u, sizeof u), sizeof u};
        }
        join_copy(&g);
        for (int path = FOLD_PATH_SCALAR; path < FOLD_PATH_COUNT; path++) {
            if (!fold_path_supported(path))
                continue;
            memset(&b, 0, sizeof b); /* fresh buffers */
            check_group(&ft, path, &g, &b, (int)e);
            cr_assert_eq(fold_text(&ft, g.texts[0].s, g.texts[0].n, &b.alone), SCREENER_OK);
            cr_assert_geq(b.alone.n, 12 * e, "%zu expansions: %zu units", e, b.alone.n);
            cr_assert_eq(b.got.n, b.alone.n + 1 + 20 * 101, "%zu expansions: %zu units", e,
                         b.got.n);
            bufs_free(&b);
        }
        free_group(&g);
    }
    fold_fixture_close(&fbuild, &ft);
}
