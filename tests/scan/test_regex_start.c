/* Regex starts without start-of-match reporting (scan/m_regex.c): the
 * leftmost start found by the anchored start database must be the one
 * Hyperscan's HS_FLAG_SOM_LEFTMOST reports (the behaviour before format 3),
 * on random bounded regexes and random texts; and the patterns whose SOM
 * form aborts inside Vectorscan must never reach the scan. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "compile/regex.h"
#include "db/db.h"
#include "normalize/byteview.h"
#include "screener.h"
#include "regex_ref.h"
#include "test_rng.h"

/* ---- random regexes and texts ------------------------------------------------ */

static uint64_t rng = 0x9E3779B97F4A7C15u;
static unsigned rnd(unsigned n)
{
    return test_rnd(&rng, n);
}

static void cat(char *o, size_t cap, const char *s)
{
    size_t n = strlen(o);
    snprintf(o + n, cap - n, "%s", s);
}

/* A bounded regex over a small alphabet, with anchors and word boundaries. */
static void gen_regex(char *o, size_t cap, int depth)
{
    static const char *atoms[] = {"a",   "b",     "x",   "1",     "中",   "[ab]", "[^b]",
                                  ".",   "\\d",   "ab",  "[a-c1]", "文", "@",    "\\.",
                                  "\\w", "[0-9]", "q",   "ß"};
    char a[256] = "", b[256] = "", t[600];
    switch (rnd(depth > 2 ? 3 : 10)) {
    case 0:
    case 1:
    case 2:
        cat(o, cap, atoms[rnd(sizeof atoms / sizeof *atoms)]);
        break;
    case 3:
        gen_regex(a, sizeof a, depth + 1);
        gen_regex(b, sizeof b, depth + 1);
        snprintf(t, sizeof t, "(%s|%s)", a, b);
        cat(o, cap, t);
        break;
    case 4: {
        gen_regex(a, sizeof a, depth + 1);
        unsigned m = rnd(3), n = m + 1 + rnd(6);
        snprintf(t, sizeof t, "(%s){%u,%u}", a, m, n);
        cat(o, cap, t);
        break;
    }
    case 5:
    case 6:
        gen_regex(a, sizeof a, depth + 1);
        gen_regex(b, sizeof b, depth + 1);
        cat(o, cap, a);
        cat(o, cap, b);
        break;
    case 7:
        gen_regex(a, sizeof a, depth + 1);
        snprintf(t, sizeof t, "(%s)?", a);
        cat(o, cap, t);
        break;
    case 8:
        cat(o, cap, rnd(2) ? "\\b" : "\\B");
        gen_regex(o, cap, depth + 1);
        break;
    default:
        gen_regex(a, sizeof a, depth + 1);
        snprintf(t, sizeof t, rnd(2) ? "^%s" : "%s$", a);
        cat(o, cap, t);
        break;
    }
}

static size_t gen_text(char *o, size_t max)
{
    static const char *pieces[] = {"a", "b", "x", "1", "2", "中", "文", "ß", " ", "@", ".",
                                   "A", "B", "ａ", "q", "ab", "aab", "x1", "、", "-"};
    size_t n = 0, want = rnd((unsigned)max);
    while (n < want) {
        const char *p = pieces[rnd(sizeof pieces / sizeof *pieces)];
        size_t l = strlen(p);
        if (n + l >= max)
            break;
        memcpy(o + n, p, l);
        n += l;
    }
    o[n] = '\0';
    return n;
}

/* The regex entries of db compiled the old way (UTF8 | CASELESS | SOM), or
 * NULL if Hyperscan refuses them with SOM. */
static hs_database_t *som_database(const screener_db *db)
{
    const char *ex[8];
    unsigned fl[8], ids[8], n = 0;
    for (uint32_t i = 0; i < screener_db_entry_count(db) && n < 8; i++) {
        screener_entry_info info;
        screener_db_entry(db, i, &info);
        if (!(info.flags & SCREENER_ENTRY_REGEX))
            continue;
        ex[n] = info.term;
        fl[n] = HS_FLAG_UTF8 | HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST;
        ids[n++] = i;
    }
    hs_database_t *h = NULL;
    hs_compile_error_t *e = NULL;
    if (hs_compile_multi(ex, fl, ids, n, HS_MODE_BLOCK, NULL, &h, &e) != HS_SUCCESS) {
        hs_free_compile_error(e);
        return NULL;
    }
    return h;
}

static void print_matches(const char *what, const ref_match *m, size_t n)
{
    fprintf(stderr, "%s (%zu):", what, n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %u[%zu,%zu)", m[i].id, m[i].start, m[i].end);
    fprintf(stderr, "\n");
}

/*
 * Random bounded regexes (anchors, word boundaries, classes, alternations,
 * repeats, CJK, caseless) and random texts (folded: full-width, case, spaces
 * and punctuation dropped). References: the brute force above (every regex,
 * every text) and, for regexes without word boundaries, Hyperscan with
 * SOM_LEFTMOST as the library used it before format 3.
 *
 * Texts whose byte view is shorter than 64 bytes: screener == brute force ==
 * SOM exactly. Longer views (64..249 bytes): Vectorscan 5.4.9's block scan
 * misses some matches there whatever the flags (`xy?` after 64 'a's is not
 * found, with or without SOM — a library bug, not ours), so there every
 * reported match must be a real match with its leftmost start (brute force),
 * and the misses are counted against SOM's.
 */
Test(regex_start, equals_start_of_match_reporting_on_random_regexes)
{
    int dbs = 0, bdbs = 0, short_texts = 0, long_texts = 0, compared = 0, som_compared = 0;
    int miss_new = 0, miss_som = 0;
    ref_ctx raw = {0}, r = {0}, q = {0};
    byte_view bv = {0};
    hs_scratch_t *hs = NULL;
    screener_profile prof = {sizeof prof, 0, NULL, 0, 1000000, 0};
    for (int round = 0; round < 200; round++) {
        char dict[2048] = "@category ads_spam\n", re[512];
        int nre = 1 + (int)rnd(3);
        for (int k = 0; k < nre; k++) {
            re[0] = '\0';
            gen_regex(re, sizeof re, 0);
            cat(dict, sizeof dict, re);
            cat(dict, sizeof dict, "\tregex\n");
        }
        int bounds = strstr(dict, "\\b") || strstr(dict, "\\B");
        screener_source src = {.name = "random.txt", .text = dict, .len = strlen(dict)};
        screener_db *db = NULL;
        screener_error *err = NULL;
        if (screener_compile(NULL, &src, 1, &db, &err) != SCREENER_OK) {
            screener_error_free(err); /* empty-matching, never-matching ... */
            continue;
        }
        if (db->hdr->regex_max_width > 48) {
            screener_db_free(db);
            continue; /* brute force: short regexes only */
        }
        hs_database_t *som = bounds ? NULL : som_database(db);
        brute br[3];
        int nbr = 0;
        for (uint32_t i = 0; i < screener_db_entry_count(db) && nbr < 3; i++) {
            screener_entry_info info;
            screener_db_entry(db, i, &info);
            if (info.flags & SCREENER_ENTRY_REGEX)
                cr_assert_eq(brute_init(&br[nbr++], &info, i, db->hdr->regex_max_width), 0,
                             "%s", info.term);
        }
        dbs++;
        bdbs += bounds;
        if (som)
            cr_assert_eq(hs_alloc_scratch(som, &hs), HS_SUCCESS);
        screener_scratch *s = NULL;
        cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
        cr_assert_eq(screener_scratch_set_profile(s, &prof), SCREENER_OK);
        for (int t = 0; t < 36; t++) {
            char text[256];
            size_t len = gen_text(text, t & 1 ? 200 : 60);
            cr_assert_eq(byte_view_build(&db->fold, (const uint8_t *)text, len, 1u << 20, &bv),
                         SCREENER_OK);
            if (bv.n >= 250 || bv.n == 0)
                continue; /* SOM is known to abort from 255 bytes on */
            raw = (ref_ctx){&bv, (const uint8_t *)text, len, raw.m, 0, raw.cap};
            q = (ref_ctx){&bv, (const uint8_t *)text, len, q.m, 0, q.cap};
            for (int k = 0; k < nbr; k++)
                brute_matches(&br[k], &hs, &raw);
            ref_longest(&raw, &r);
            if (som)
                cr_assert_eq(hs_scan(som, (const char *)bv.text, (unsigned)bv.n, 0, hs, on_som,
                                     &q),
                             HS_SUCCESS);
            if (q.n > 1)
                qsort(q.m, q.n, sizeof *q.m, cmp_ref);
            const screener_result *res;
            cr_assert_eq(screener_scan(db, s, text, len, &res), SCREENER_OK);
            ref_match got[512];
            size_t ng = 0;
            for (size_t i = 0; i < res->n_matches && ng < 512; i++)
                got[ng++] = (ref_match){res->matches[i].entry_id, res->matches[i].start,
                                        res->matches[i].end};
            int ok;
            if (bv.n < 64) {
                short_texts++;
                ok = same_matches(got, ng, r.m, r.n) && (!som || same_matches(q.m, q.n, r.m, r.n));
                som_compared += som ? (int)q.n : 0;
            } else {
                long_texts++;
                ok = 1;
                for (size_t i = 0; i < ng; i++) /* a real match, leftmost start */
                    ok &= has(raw.m, raw.n, &got[i]);
                for (size_t i = 0; i < r.n; i++) {
                    miss_new += !has(got, ng, &r.m[i]);
                    miss_som += som && !has(q.m, q.n, &r.m[i]);
                }
            }
            if (!ok) {
                fprintf(stderr, "dictionary:\n%stext: \"%s\" (view %zu bytes)\n", dict, text,
                        bv.n);
                print_matches("brute force", r.m, r.n);
                if (som)
                    print_matches("SOM", q.m, q.n);
                print_matches("screener", got, ng);
            }
            cr_assert(ok, "regex matches differ (dictionary and text above)");
            compared += (int)r.n;
        }
        screener_scratch_free(s);
        hs_free_database(som);
        for (int k = 0; k < nbr; k++)
            brute_free(&br[k]);
        screener_db_free(db);
    }
    hs_free_scratch(hs);
    byte_view_free(&bv);
    free(raw.m);
    free(r.m);
    free(q.m);
    fprintf(stderr,
            "regex_start: %d dictionaries (%d with word boundaries), %d short and %d long "
            "texts, %d matches compared (%d also with SOM); long texts: Vectorscan's misses "
            "%d (screener) vs %d (SOM)\n",
            dbs, bdbs, short_texts, long_texts, compared, som_compared, miss_new, miss_som);
    /* the comparison is not vacuous */
    cr_assert_gt(dbs, 70);
    cr_assert_gt(bdbs, 12);
    cr_assert_gt(compared, 2000);
    cr_assert_gt(som_compared, 200);
}

/* ---- the patterns that abort Vectorscan with SOM ------------------------------ */

static screener_db *compile_text(const char *dict, screener_error **err)
{
    screener_source src = {.name = "som.txt", .text = dict, .len = strlen(dict)};
    screener_db *db = NULL;
    *err = NULL;
    screener_compile(NULL, &src, 1, &db, err);
    return db;
}

static screener_db *compile_text_for_boundaries(screener_error **err)
{
    return compile_text("@category ads_spam\n\\bb\tregex\n\\B@\tregex\n", err);
}

/* ../shared/repro/p_*.txt: unbounded, so refused at compile with the line. */
Test(regex_start, unbounded_som_crash_patterns_are_refused_with_their_line)
{
    static const char *pats[] = {"(x|xx)+y", "(a|aa)*b", "(ab|aab)*c"};
    for (size_t i = 0; i < 3; i++) {
        char dict[128];
        snprintf(dict, sizeof dict, "fuck\n%s\tregex\n", pats[i]);
        screener_error *err;
        screener_db *db = compile_text(dict, &err);
        cr_assert_null(db, "%s", pats[i]);
        cr_assert_eq(screener_error_status(err), SCREENER_E_DICT_SYNTAX);
        cr_assert_eq(screener_error_line(err), 2);
        screener_error_free(err);
    }
}

/* Their bounded forms are accepted and scan texts of every length — 254 to
 * 256 bytes (where SOM starts to abort), a few KB, and 300 KB (windows) —
 * with the expected leftmost-longest spans. */
Test(regex_start, bounded_som_crash_shapes_scan_long_texts)
{
    screener_error *err;
    screener_db *db = compile_text("@category ads_spam\n"
                                   "(x|xx){1,40}y\tregex\n"
                                   "(a|aa){0,30}b\tregex\n"
                                   "(ab|aab){0,20}c\tregex\n",
                                   &err);
    cr_assert_not_null(db, "%s", err ? screener_error_message(err) : "");
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    screener_profile prof = {sizeof prof, 0, NULL, 0, 1000000, 0};
    cr_assert_eq(screener_scratch_set_profile(s, &prof), SCREENER_OK);
    static const size_t lens[] = {254, 255, 256, 400, 5000, 300000};
    static const char *fills[] = {"ab", "xxy", "aabc", "zq"};
    char *t = malloc(300001);
    for (size_t f = 0; f < 4; f++)
        for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
            size_t n = lens[k], fl = strlen(fills[f]);
            for (size_t i = 0; i < n; i++)
                t[i] = fills[f][i % fl];
            const screener_result *r;
            cr_assert_eq(screener_scan(db, s, t, n, &r), SCREENER_OK, "%s x %zu", fills[f], n);
            if (f == 0) /* "ab" repeated: (a|aa){0,30}b at every "ab" */
                cr_assert_eq(r->n_matches, n / 2, "%zu: %zu", n, r->n_matches);
            if (f == 1) /* "xxy": (x|xx){1,40}y from the first x of each */
                for (size_t i = 0; i < r->n_matches; i++)
                    cr_assert_eq(r->matches[i].start % 3, 0);
            if (f == 3)
                cr_assert_eq(r->n_matches, 0);
        }
    free(t);
    screener_scratch_free(s);
    screener_db_free(db);
}

/* Every end is checked by the anchored probe with one character of context,
 * so an assertion Hyperscan gets wrong in the middle of a long text (\bb,
 * \B@ after 64+ word characters, Vectorscan 5.4.9) is not reported: before
 * format 3 these texts gave a match. */
Test(regex_start, word_boundaries_are_checked_at_every_offset)
{
    screener_error *err;
    screener_db *db = compile_text_for_boundaries(&err);
    cr_assert_not_null(db, "%s", err ? screener_error_message(err) : "");
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    static const size_t lens[] = {10, 63, 64, 65, 70, 200, 3000};
    char t[3100];
    for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
        const screener_result *r;
        for (int last = 0; last < 2; last++) {
            memset(t, 'a', lens[k]);
            t[lens[k]] = last ? '@' : 'b';
            cr_assert_eq(screener_scan(db, s, t, lens[k] + 1, &r), SCREENER_OK);
            cr_assert_eq(r->n_matches, 0, "%zu x a + %c: %zu matches", lens[k], t[lens[k]],
                         r->n_matches);
            /* the same after a non-word character: a real boundary */
            t[lens[k] - 1] = '@';
            cr_assert_eq(screener_scan(db, s, t, lens[k] + 1, &r), SCREENER_OK);
            cr_assert_eq(r->n_matches, 1, "%zu: %zu", lens[k], r->n_matches);
            cr_assert_eq(r->matches[0].start, lens[k]);
        }
    }
    screener_scratch_free(s);
    screener_db_free(db);
}
