/* Streams: chunked input finds exactly the matches (and spans) of one scan of
 * the whole text, whatever the chunk sizes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screener.h"

static screener_db *db;
static screener_scratch *scratch;

static const char dict_text[] = "法轮功\n口交\n路口交通\tallow\nass\nsex\tseverity=4\nsexy\nfuck\n"
                                "我的\tseverity=1\n我的世界\tcategory=game\nonline casino\n"
                                "shit\n嘻嘻哈哈\nAV女优\n";

static const char *pieces[] = {
    "法 輪 功", "法轮功", "ＦＵＣＫ", "f.u.c.k", "fuuuck", "fuckkk", "路口交通", "口交", "class",
    "has sex", "s e x", "sexy", "我的世界", "我的", "\xFF", "\xE4\xB8", "\xE2\x80\x8B", "😀",
    " ", "  ", "!", "的", "人", "a", "as", "online casino", "onlinecasino", "o n l i n e casino",
    "嘻嘻哈哈", "ＡＶ女優", "A V 女 优", "it's hit", "s h i t", "\xED\xA0\x80", "ß", "x",
    /* leet (docs/leet.md): read in a view of its own, carried like the rest */
    "a$s", "sh1t", "s h 1 t", "@ss", "f u u u c k", "a a a a s s", "5", "$", "1st", "phuck",
    "u u", "b!tch", "@someone1", "http://t.co/sh1t"};

static void setup(void)
{
    screener_source src = {.name = "t.txt", .text = dict_text, .len = sizeof dict_text - 1};
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, NULL), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &scratch), SCREENER_OK);
}

static void teardown(void)
{
    screener_scratch_free(scratch);
    screener_db_free(db);
}

TestSuite(stream, .init = setup, .fini = teardown);

static uint64_t rng = 88172645463325252u;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

typedef struct found {
    screener_match m[4096];
    size_t n;
} found;

static void collect(found *f, const screener_result *r)
{
    for (size_t i = 0; i < r->n_matches && f->n < 4096; i++)
        f->m[f->n++] = r->matches[i];
}

static int cmp(const void *a, const void *b)
{
    const screener_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->entry_id < y->entry_id ? -1 : x->entry_id > y->entry_id;
}

static void stream_in_chunks(screener_db *d, const char *text, size_t len, unsigned max_chunk,
                             found *f)
{
    screener_stream *st = NULL;
    cr_assert_eq(screener_stream_open(d, &st), SCREENER_OK);
    const screener_result *r;
    for (size_t i = 0; i < len;) {
        size_t c = 1 + rnd(max_chunk);
        if (c > len - i)
            c = len - i;
        cr_assert_eq(screener_stream_write(st, scratch, text + i, c, &r), SCREENER_OK);
        collect(f, r);
        i += c;
    }
    cr_assert_eq(screener_stream_close(st, scratch, &r), SCREENER_OK);
    collect(f, r);
    cr_assert_eq(screener_stream_write(st, scratch, "x", 1, &r), SCREENER_E_INVALID_ARGUMENT);
    screener_stream_free(st);
    qsort(f->m, f->n, sizeof f->m[0], cmp);
}

/* A text of k random pieces (3 + up to `more`) from from[0..n). */
static size_t random_text(char *text, const char *const *from, size_t n, unsigned more)
{
    size_t len = 0;
    int k = 3 + (int)rnd(more);
    for (int p = 0; p < k; p++) {
        const char *piece = from[rnd((unsigned)n)];
        size_t pl = strlen(piece);
        memcpy(text + len, piece, pl);
        len += pl;
    }
    return len;
}

static void print_found(const char *what, const found *f)
{
    fprintf(stderr, "\n%s:", what);
    for (size_t i = 0; i < f->n; i++)
        fprintf(stderr, " [%zu,%zu)#%u/%u", f->m[i].start, f->m[i].end, f->m[i].entry_id,
                f->m[i].flags);
}

/* Scan text with d whole and as a stream in random chunks of up to max_chunk
 * bytes: the same matches, with the same bits of `flags` (the leftmost-longest
 * selection is made per call, so it is not compared). Returns the number of
 * matches of the whole scan. */
static size_t check_chunked_equals_whole(screener_db *d, const char *text, size_t len,
                                         unsigned max_chunk, uint16_t flags, int it)
{
    static found whole, chunked;
    const screener_result *r;
    cr_assert_eq(screener_scan(d, scratch, text, len, &r), SCREENER_OK);
    whole.n = 0;
    collect(&whole, r);
    chunked.n = 0;
    stream_in_chunks(d, text, len, max_chunk, &chunked);
    int same = whole.n == chunked.n;
    for (size_t i = 0; same && i < whole.n; i++)
        same = cmp(&whole.m[i], &chunked.m[i]) == 0 &&
               (whole.m[i].flags & flags) == (chunked.m[i].flags & flags);
    if (!same) {
        fprintf(stderr, "text: %.*s", (int)len, text);
        print_found("whole", &whole);
        print_found("chunked", &chunked);
        fprintf(stderr, "\n");
    }
    cr_assert(same, "iteration %d: stream (%zu matches) differs from whole scan (%zu)", it,
              chunked.n, whole.n);
    return whole.n;
}

/* Random texts of 3..42 pieces: streams in chunks of 1..3, 1..16 and 1..200
 * bytes find the matches of one scan. */
static void chunked_equals_whole(screener_db *d, const char *const *pcs, size_t n_pcs,
                                 int iterations, uint16_t flags)
{
    static char text[8192];
    for (int it = 0; it < iterations; it++) {
        size_t len = random_text(text, pcs, n_pcs, 40);
        check_chunked_equals_whole(d, text, len, it % 3 == 0 ? 3 : it % 3 == 1 ? 16 : 200,
                                   flags, it);
    }
}

Test(stream, chunked_equals_whole, .timeout = 120)
{
    chunked_equals_whole(db, pieces, sizeof pieces / sizeof pieces[0], 600,
                         SCREENER_MATCH_SUPPRESSED);
}

/* Mentions and link wrappers (scan/regions.c) decide a match by bytes
 * before and after it: pieces that start, end and nearly make regions. */
static const char *const region_pieces[] = {
    "@", "\xEF\xBC\xA0", "RT", "RT ", " ", "  ", "@fuck", "fuck", "_", "a", "x@", "shit",
    "傻逼", "回复", "：", ":", "http", "://", "https://", "t.co", "/", "t.co/fuck", "http://t.co/",
    "http://t.cn/", "lnkd.in/", ".", "co", "Ab9", "ｂ", "aaaaaaaaaaaaaaa", "@bob", "\xE2\x80\x8B",
    "😀", "rt fuck", "\xFF"};
static const char region_dict[] = "fuck\nshit\n傻逼\nrt fuck\tsubstring\nco\tsubstring\n";

Test(stream, regions_chunked_equals_whole, .timeout = 120)
{
    const uint16_t f = SCREENER_MATCH_SUPPRESSED | SCREENER_MATCH_IN_MENTION |
                       SCREENER_MATCH_IN_LINK_WRAPPER;
    const char *with_url[2] = {"", "@detect url\n"};
    for (int u = 0; u < 2; u++) {
        char d[256];
        snprintf(d, sizeof d, "%s%s", region_dict, with_url[u]);
        screener_source src = {.name = "r.txt", .text = d, .len = strlen(d)};
        screener_db *rdb = NULL;
        cr_assert_eq(screener_compile(NULL, &src, 1, &rdb, NULL), SCREENER_OK);
        chunked_equals_whole(rdb, region_pieces, sizeof region_pieces / sizeof region_pieces[0],
                             600, f);
        screener_db_free(rdb);
    }
}

Test(stream, one_byte_chunks_across_utf8_sequences)
{
    static const char text[] = "说法\xE2\x80\x8B輪 功吧 ＦＵＣＫ";
    found f = {.n = 0};
    screener_stream *st = NULL;
    cr_assert_eq(screener_stream_open(db, &st), SCREENER_OK);
    const screener_result *r;
    for (size_t i = 0; i < sizeof text - 1; i++) {
        cr_assert_eq(screener_stream_write(st, scratch, text + i, 1, &r), SCREENER_OK);
        collect(&f, r);
    }
    cr_assert_eq(screener_stream_close(st, scratch, &r), SCREENER_OK);
    collect(&f, r);
    screener_stream_free(st);
    cr_assert_eq(f.n, 2);
    cr_assert_eq(f.m[0].start, 3);  /* 法 */
    cr_assert_eq(f.m[0].end, 16);   /* after 功 */
    cr_assert_eq(f.m[1].start, 20); /* Ｆ */
    cr_assert_eq(f.m[1].end, 32);
}

Test(stream, long_stream_offsets_are_global)
{
    screener_stream *st = NULL;
    cr_assert_eq(screener_stream_open(db, &st), SCREENER_OK);
    const screener_result *r;
    size_t total = 0, found_at = 0, n = 0;
    char chunk[1000];
    memset(chunk, 'z', sizeof chunk);
    for (int i = 0; i < 2000; i++) { /* 2 MB of "zzzz..." words */
        chunk[999] = ' ';
        cr_assert_eq(screener_stream_write(st, scratch, chunk, sizeof chunk, &r), SCREENER_OK);
        n += r->n_matches;
        total += sizeof chunk;
    }
    cr_assert_eq(screener_stream_write(st, scratch, "法輪", 6, &r), SCREENER_OK);
    n += r->n_matches;
    cr_assert_eq(screener_stream_write(st, scratch, "功", 3, &r), SCREENER_OK);
    if (r->n_matches)
        found_at = r->matches[0].start;
    n += r->n_matches;
    cr_assert_eq(screener_stream_close(st, scratch, &r), SCREENER_OK);
    if (r->n_matches)
        found_at = r->matches[0].start;
    n += r->n_matches;
    screener_stream_free(st);
    cr_assert_eq(n, 1);
    cr_assert_eq(found_at, total);
}

Test(stream, invalid_utf8_matrix_through_batch_stream_and_fold)
{
    static const char *bad[] = {"\xE6\xB3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                "\x80", "\xFF", "\xF0\x9F\x98", ""};
    static const char *pattern[] = {"%s法 輪 功 fuck", "法轮%s功 f%suck", "ＦＵＣＫ %s"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        for (size_t p = 0; p < 3; p++) {
            char text[128];
            snprintf(text, sizeof text, pattern[p], bad[k], bad[k]);
            size_t len = strlen(text);
            const screener_result *r;
            cr_assert_eq(screener_scan(db, scratch, text, len, &r), SCREENER_OK);
            static found whole, chunked;
            whole.n = 0;
            collect(&whole, r);
            /* batch: the same message twice */
            screener_message m[2] = {{text, len}, {text, len}};
            const screener_result *br;
            cr_assert_eq(screener_scan_batch(db, scratch, m, 2, &br), SCREENER_OK);
            for (int b = 0; b < 2; b++) {
                cr_assert_eq(br[b].n_matches, whole.n, "batch, class %zu pattern %zu", k, p);
                for (size_t i = 0; i < whole.n; i++)
                    cr_assert_eq(cmp(&br[b].matches[i], &whole.m[i]), 0);
            }
            /* stream in 1..3-byte chunks: chunk edges fall inside the bad bytes */
            chunked.n = 0;
            stream_in_chunks(db, text, len, 3, &chunked);
            cr_assert_eq(chunked.n, whole.n, "stream, class %zu pattern %zu", k, p);
            for (size_t i = 0; i < whole.n; i++)
                cr_assert_eq(cmp(&chunked.m[i], &whole.m[i]), 0);
            /* explain's fold: valid UTF-8 out, one U+FFFD per maximal subpart */
            char *folded = NULL;
            size_t fl = 0;
            cr_assert_eq(screener_fold_utf8(db, text, len, &folded, &fl), SCREENER_OK);
            size_t bad_at = 0;
            for (size_t i = 0; i < fl; i++)
                bad_at += (unsigned char)folded[i] == 0xEF && i + 2 < fl &&
                          (unsigned char)folded[i + 1] == 0xBF && (unsigned char)folded[i + 2] == 0xBD;
            cr_assert(k == 7 ? bad_at == 0 : bad_at >= 1, "fold of class %zu", k);
            screener_free(folded);
        }
    }
}

/* Regex and detector entries stay whole across chunks: a regex match as long
 * as the limit allows, phone numbers, e-mail addresses and links split at
 * every position. */
Test(stream, regex_and_detector_matches_survive_chunking, .timeout = 120)
{
    static const char d[] = "@category privacy\n@detect cn_mobile\n@detect bank_card\n"
                            "@detect email\n@category links\n@detect url\n@category ads\n"
                            "zz[0-9]{1,700}yy\tregex\nqq:?[1-9][0-9]{4,10}\tregex\n"
                            "(vx|wx)[a-z0-9]{3,20}\tregex\nfuck\n客服电话\tallow\n";
    screener_source src = {.name = "mixed.txt", .text = d, .len = sizeof d - 1};
    screener_db *mdb = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &mdb, &err), SCREENER_OK, "%s",
                 err ? screener_error_message(err) : "");
    screener_db *saved = db;
    screener_scratch *saved_s = scratch;
    db = mdb;
    cr_assert_eq(screener_scratch_alloc(db, &scratch), SCREENER_OK);
    static const char *mp[] = {"zz", "0123456789", "yy", "qq12345", "qq：", "vxabc12",
                               "13800138000", "138 0013 8000", "a.b@example.com", " ",
                               "www.example.com/x", "see http://x.cn/a?b=1 ", "客服电话",
                               "fuck", "。", "4111111111111111", "😀", "\xE4\xB8", "ｗｘ"};
    static char text[8192];
    /* the 604-byte regex match of the issue that reported the loss */
    size_t len = 0;
    len += (size_t)sprintf(text, "zz");
    memset(text + len, '7', 600);
    len += 600;
    len += (size_t)sprintf(text + len, "yy");
    cr_assert_eq(check_chunked_equals_whole(db, text, len, 50, SCREENER_MATCH_SUPPRESSED, 0), 1,
                 "the 604-byte regex match is found by a scan");
    for (int it = 1; it < 400; it++) {
        len = random_text(text, mp, sizeof mp / sizeof mp[0], 60);
        check_chunked_equals_whole(db, text, len, it % 2 ? 7 : 64, SCREENER_MATCH_SUPPRESSED, it);
    }
    screener_scratch_free(scratch);
    screener_db_free(mdb);
    db = saved;
    scratch = saved_s;
}

/* An empty first write (no buffer yet) is a round over nothing: no
 * memmove(NULL, NULL, 0), which UBSan reports (../shared/repro). */
Test(stream, empty_first_write)
{
    screener_stream *st = NULL;
    const screener_result *r;
    cr_assert_eq(screener_stream_open(db, &st), SCREENER_OK);
    cr_assert_eq(screener_stream_write(st, scratch, NULL, 0, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 0);
    cr_assert_eq(screener_stream_write(st, scratch, "", 0, &r), SCREENER_OK);
    cr_assert_eq(screener_stream_write(st, scratch, "fuck", 4, &r), SCREENER_OK);
    cr_assert_eq(screener_stream_close(st, scratch, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    screener_stream_free(st);
}
