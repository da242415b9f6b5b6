/* Differential test of the narrow literal section (SEC_HS_NARROW): the same
 * database loaded twice, once as is and once with SCREENER_NARROW=off (the
 * UTF-16 literal database for every message), must give identical results
 * on random messages (every result and match field), per message, in
 * batches, in streams and in windows of long messages. The messages mix
 * all-ASCII views (scanned narrow) with views holding Han, accented and
 * full-width letters (some fold to ASCII), leet, spacing and repeats.
 * Deterministic (fixed seed) so failures reproduce. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "scan/scan.h"
#include "scan/scratch.h"
#include "screener.h"

static uint64_t rng = 0x2545F4914F6CDD1Du;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Terms of every shape: Latin words (word boundaries), substrings, digits,
 * mixed Latin+Han, Han, accented (folded to ASCII), an allow entry, a
 * regex, a rule. */
static const char own_dict[] =
    "ass\nsex\tseverity=4\nsexy\nfuck\nshit\nonline casino\nbitch\tseverity=3\n"
    "class\tallow\nassassin\tallow\ncafé\tsubstring\nxx\tsubstring\nab\tsubstring\n"
    "666\tsubstring\nqq群\n加qq\nav女优\n法轮功\n口交\n路口交通\tallow\n我的世界\n"
    "naïve\nzz top\n/vx[0-9]{3}/\tregex\n@rule sex NEAR/3 casino\n";

static const char *const ascii_pieces[] = {
    "ass", "sex", "sexy", "fuck", "shit", "class", "assassin", "online casino", "onlinecasino",
    "o n l i n e casino", "bitch", "b!tch", "cafe", "xx", "xxx", "ab", "abab", "666", "6 6 6",
    "qq", "vx123", "zz top", "zztop", " ", "  ", ".", "!", "?", "a", "as", "has sex", "s e x",
    "f.u.c.k", "fuuuck", "fuckkk", "sh1t", "s h 1 t", "@ss", "a$s", "4ss", "$ex", "5ex",
    "phuck", "a a a a s s", "f u u u c k", "1", "0", "hello", "world", "the", "and", "RT",
    "@someone", "http://t.co/x", "www.example.com", "mail@example.com", "I", "AsS", "SEX",
    "it's hit", "x", "\t", "\n", "--", "#tag", "lol"};
static const char *const other_pieces[] = {
    "café", "naïve", "ＦＵＣＫ", "ａｓｓ", "ß", "ｓｅｘ", "ｑｑ群", "加ｑｑ", "qq群", "加qq",
    "av女优", "ＡＶ女優", "法轮功", "法 輪 功", "口交", "路口交通", "我的世界", "的", "人",
    "😀", "❤️", "\xE2\x80\x8B", "\xFF", "\xE4\xB8", "é", "ñ", "Ω", "я", "ａ", "１２３", "①",
    "’", "…", "—", "«", "»", "х", "а"};

#define N_OWN 1
#define MAX_FILES 32

static screener_db *db_on, *db_off;
static screener_scratch *s_on, *s_off;

/* Sources: the dictionary above and, when SCREENER_DICT_DIR is set (ctest
 * sets it), every built-in dictionary. */
static size_t sources(screener_source *src)
{
    static char paths[MAX_FILES][1024];
    src[0] = (screener_source){.name = "own.txt", .text = own_dict, .len = sizeof own_dict - 1};
    size_t n = N_OWN;
    const char *dir = getenv("SCREENER_DICT_DIR");
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) {
        cr_log_warn("SCREENER_DICT_DIR not set: own dictionary only");
        return n;
    }
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX_FILES) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        snprintf(paths[n], sizeof paths[n], "%s/%s", dir, e->d_name);
        src[n] = (screener_source){.path = paths[n]};
        n++;
    }
    closedir(d);
    return n;
}

static screener_db *load(const void *bytes, size_t len, int narrow_off)
{
    if (narrow_off)
        setenv("SCREENER_NARROW", "off", 1);
    else
        unsetenv("SCREENER_NARROW");
    screener_db *d = NULL;
    cr_assert_eq(screener_db_deserialize(bytes, len, &d, NULL), SCREENER_OK);
    unsetenv("SCREENER_NARROW");
    return d;
}

static void setup(void)
{
    screener_source src[MAX_FILES];
    memset(src, 0, sizeof src);
    size_t n = sources(src);
    screener_db *d = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, src, n, &d, &err), SCREENER_OK, "%s",
                 screener_error_message(err));
    void *bytes;
    size_t len;
    cr_assert_eq(screener_db_serialize(d, &bytes, &len), SCREENER_OK);
    screener_db_free(d);
    db_on = load(bytes, len, 0);
    db_off = load(bytes, len, 1);
    screener_free(bytes);
    cr_assert_not_null(db_on->hs_narrow, "the database has all-ASCII literals");
    cr_assert_null(db_off->hs_narrow, "SCREENER_NARROW=off leaves the narrow section unused");
    cr_assert_eq(screener_scratch_alloc(db_on, &s_on), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db_off, &s_off), SCREENER_OK);
}

static void teardown(void)
{
    screener_scratch_free(s_on);
    screener_scratch_free(s_off);
    screener_db_free(db_on);
    screener_db_free(db_off);
}

/* (no .timeout: criterion's runner leaks a timer record under LeakSanitizer
 * when these run next to the batch suite's timed test with --jobs 2) */
TestSuite(narrow, .init = setup, .fini = teardown);

/* A random message: mostly ASCII pieces; with probability other_pct % per
 * piece one that is not (Han, accents, full-width, emoji, invalid UTF-8). */
static size_t random_message(char *out, size_t cap, unsigned pieces, unsigned other_pct)
{
    size_t len = 0;
    for (unsigned p = 0; p < pieces; p++) {
        const char *piece = rnd(100) < other_pct
                                ? other_pieces[rnd(sizeof other_pieces / sizeof *other_pieces)]
                                : ascii_pieces[rnd(sizeof ascii_pieces / sizeof *ascii_pieces)];
        size_t pl = strlen(piece);
        if (len + pl + 1 > cap)
            break;
        memcpy(out + len, piece, pl);
        len += pl;
        if (rnd(3) == 0) /* repeats: "fuckfuck", "ssss" */
            for (unsigned r = rnd(3); r-- && len + pl < cap; len += pl)
                memcpy(out + len, piece, pl);
        if (rnd(2) && len + 1 < cap)
            out[len++] = ' ';
    }
    return len;
}

static void print_result(const char *what, const screener_result *r)
{
    fprintf(stderr, "%s: action %d severity %u truncated %d matches", what, r->action,
            r->severity, r->truncated);
    for (size_t i = 0; i < r->n_matches; i++) {
        const screener_match *m = &r->matches[i];
        fprintf(stderr, " [%zu,%zu)#%u c%u s%u a%u f%u", m->start, m->end, m->entry_id,
                m->category_id, m->severity, m->action, m->flags);
    }
    fprintf(stderr, "\n");
}

/* Every field of two results (fingerprints: the same database file). */
static void same_result(const screener_result *a, const screener_result *b, const char *text,
                        size_t len, const char *what)
{
    int same = a->n_matches == b->n_matches && a->action == b->action &&
               a->severity == b->severity && a->n_categories == b->n_categories &&
               a->truncated == b->truncated && strcmp(a->fingerprint, b->fingerprint) == 0 &&
               a->db_version == b->db_version &&
               memcmp(a->reserved, b->reserved, sizeof a->reserved) == 0;
    for (size_t i = 0; same && i < a->n_matches; i++) {
        const screener_match *x = &a->matches[i], *y = &b->matches[i];
        same = x->start == y->start && x->end == y->end && x->entry_id == y->entry_id &&
               x->category_id == y->category_id && x->severity == y->severity &&
               x->action == y->action && x->flags == y->flags;
    }
    for (size_t i = 0; same && i < a->n_categories; i++)
        same = a->categories[i] == b->categories[i];
    if (!same) {
        fprintf(stderr, "%s: text (%zu bytes): %.*s\n", what, len, len > 2000 ? 2000 : (int)len,
                text);
        print_result("narrow on ", a);
        print_result("narrow off", b);
    }
    cr_assert(same, "%s: narrow and UTF-16 literal scans differ", what);
}

/* 1 if the folded view of the last scan with s was all ASCII (the narrow
 * path ran for it). */
static int view_was_ascii(const screener_scratch *s)
{
    const fold_buf *fb = &s->v.folded;
    for (size_t i = 0; i < fb->n; i++)
        if (fb->units[i] >= 0x80)
            return 0;
    return fb->n > 0;
}

Test(narrow, random_messages_give_identical_results)
{
    static char text[4096];
    unsigned ascii = 0, other = 0, matched = 0;
    for (int it = 0; it < 6000; it++) {
        unsigned other_pct = it % 3 == 0 ? 0 : it % 3 == 1 ? 5 : 30;
        size_t len = random_message(text, sizeof text, 1 + rnd(24), other_pct);
        const screener_result *a, *b;
        cr_assert_eq(screener_scan(db_on, s_on, text, len, &a), SCREENER_OK);
        cr_assert_eq(screener_scan(db_off, s_off, text, len, &b), SCREENER_OK);
        same_result(a, b, text, len, "message");
        if (view_was_ascii(s_on))
            ascii++;
        else
            other++;
        matched += a->n_matches > 0;
    }
    /* both paths were exercised, on messages that match */
    cr_log_info("narrow: %u all-ASCII views, %u others, %u with matches", ascii, other, matched);
    cr_assert_gt(ascii, 2000);
    cr_assert_gt(other, 1000);
    cr_assert_gt(matched, 3000);
}

Test(narrow, batches_and_streams_give_identical_results)
{
    enum { N = 64 };
    static char texts[N][2048];
    screener_message msgs[N];
    for (int round = 0; round < 40; round++) {
        for (int i = 0; i < N; i++) {
            msgs[i].text = texts[i];
            msgs[i].len = random_message(texts[i], sizeof texts[i], 1 + rnd(16),
                                         i % 4 == 0 ? 20 : 0);
        }
        const screener_result *batch;
        cr_assert_eq(screener_scan_batch(db_on, s_on, msgs, N, &batch), SCREENER_OK);
        for (int i = 0; i < N; i++) {
            const screener_result *b;
            cr_assert_eq(screener_scan(db_off, s_off, msgs[i].text, msgs[i].len, &b),
                         SCREENER_OK);
            same_result(&batch[i], b, msgs[i].text, msgs[i].len, "batch");
        }
    }
    /* a stream in random chunks, narrow on, against whole scans, narrow off:
     * chunks of an ASCII text with one Han piece are scanned narrow and not */
    static char text[16384];
    static screener_match got[4096];
    for (int it = 0; it < 200; it++) {
        size_t len = random_message(text, sizeof text, 20 + rnd(200), it % 2 ? 2 : 0);
        screener_stream *st = NULL;
        cr_assert_eq(screener_stream_open(db_on, &st), SCREENER_OK);
        const screener_result *r;
        size_t n = 0;
        for (size_t i = 0; i < len;) {
            size_t c = 1 + rnd(it % 3 == 0 ? 7 : 300);
            c = c > len - i ? len - i : c;
            cr_assert_eq(screener_stream_write(st, s_on, text + i, c, &r), SCREENER_OK);
            for (size_t k = 0; k < r->n_matches && n < 4096; k++)
                got[n++] = r->matches[k];
            i += c;
        }
        cr_assert_eq(screener_stream_close(st, s_on, &r), SCREENER_OK);
        for (size_t k = 0; k < r->n_matches && n < 4096; k++)
            got[n++] = r->matches[k];
        screener_stream_free(st);
        const screener_result *w;
        cr_assert_eq(screener_scan(db_off, s_off, text, len, &w), SCREENER_OK);
        /* streams report in the order chunks complete; compare as sets of
         * (start, end, entry) with their flags' suppressed bit */
        size_t want = 0;
        for (size_t k = 0; k < w->n_matches; k++) {
            const screener_match *m = &w->matches[k];
            int found = 0;
            for (size_t j = 0; j < n && !found; j++)
                found = got[j].start == m->start && got[j].end == m->end &&
                        got[j].entry_id == m->entry_id &&
                        (got[j].flags & SCREENER_MATCH_SUPPRESSED) ==
                            (m->flags & SCREENER_MATCH_SUPPRESSED);
            if (!found)
                print_result("whole, narrow off", w);
            cr_assert(found, "stream %d: match [%zu,%zu)#%u of the whole scan missing", it,
                      m->start, m->end, m->entry_id);
            want++;
        }
        cr_assert_eq(n, want, "stream %d: %zu matches, whole scan %zu", it, n, want);
    }
}

/* Messages longer than SCAN_WINDOW are scanned in windows: an ASCII message
 * with Han in some windows only mixes both paths within one message. */
Test(narrow, long_messages_in_windows_give_identical_results)
{
    size_t cap = 3 * SCAN_WINDOW;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    for (int it = 0; it < 6; it++) {
        size_t len = 0;
        while (len + 4096 < cap) {
            /* Han only in some stretches of the text */
            unsigned other = (len / (SCAN_WINDOW / 2)) % 2 && it % 2 ? 10 : 0;
            len += random_message(text + len, 4096, 1 + rnd(30), other);
        }
        const screener_result *a, *b;
        cr_assert_eq(screener_scan(db_on, s_on, text, len, &a), SCREENER_OK);
        cr_assert_eq(screener_scan(db_off, s_off, text, len, &b), SCREENER_OK);
        cr_assert_gt(a->n_matches, 0);
        same_result(a, b, text, len, "long message");
    }
    free(text);
}
