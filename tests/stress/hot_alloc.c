/*
 * No allocation on the hot path: once a scratch has scanned messages as
 * large and as match-heavy as the ones that follow, screener_scan and
 * screener_scan_batch allocate nothing (no malloc, realloc or free through
 * screener_set_allocator, which also carries Hyperscan's allocations).
 *
 *   hot_alloc DICT_DIR
 *
 * Compiles the dictionaries of DICT_DIR (the built-in ones: literals, digit
 * detectors, e-mail and link detectors, regexes, leet, rules, allow entries),
 * warms a scratch up on a fixed set of messages (empty, one byte, short,
 * every row's matches, mentions and link wrappers, invalid UTF-8, a few KB),
 * then counts allocator calls over the same set in other orders, one batch
 * call, and 3,000 random short messages from a token alphabet that reaches
 * every row; then, with a dictionary of message-wide rules (AND NOT, THEN,
 * whose parts long messages keep across windows), messages longer than one
 * window. Every count must be 0. A plain program (no test framework): it
 * installs its own allocator for the process. Exit status 0 on success.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screener.h"

#define CHECK_PROGRAM "hot_alloc"
#include "check.h"

static long long n_alloc; /* malloc + realloc + free calls */

static void *c_malloc(size_t n, void *ud)
{
    (void)ud;
    n_alloc++;
    return malloc(n);
}

static void *c_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    n_alloc++;
    return realloc(p, n);
}

static void c_free(void *p, void *ud)
{
    (void)ud;
    n_alloc++;
    free(p);
}

static screener_db *compile_dir(const char *dir)
{
    screener_source src[64];
    char *paths[64];
    size_t n = 0;
    DIR *d = opendir(dir);
    CHECK(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0)
            continue;
        paths[n] = malloc(strlen(dir) + l + 2);
        CHECK(paths[n] != NULL, "out of memory");
        sprintf(paths[n], "%s/%s", dir, e->d_name);
        src[n] = (screener_source){.path = paths[n]};
        n++;
    }
    closedir(d);
    CHECK(n > 0, "no dictionaries in %s", dir);
    screener_db *db = NULL;
    screener_error *err = NULL;
    CHECK(screener_compile(NULL, src, n, &db, &err) == SCREENER_OK, "compile %s: %s", dir,
          err ? screener_error_message(err) : "?");
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    return db;
}

/* The warm-up set: every size class and every row's matches. */
static const char *const fixed[] = {
    "",
    "a",
    "1",
    ".",
    "@",
    "\xff",
    "中",
    "ab",
    "hello wd",
    "12345678",
    "你好你好你好",
    "call 13800138000 now",                           /* cn_mobile */
    "电话：一三八零零一三八零零零",                   /* numerals view */
    "身份证 11010519491231002X",                      /* cn_id */
    "卡号 4111111111111111",                          /* bank_card */
    "mail me at someone@example.com please",          /* email */
    "see www.example.com/path and http://x.cn/a?b=c", /* url */
    "加微信号:abcdef123 日赚千元",                    /* regex + rule parts */
    "you are a sh1t and an @ss, f u u u c k",         /* leet */
    "女人贱黑人恶心女人贱黑人恶心",                   /* NEAR rule parts */
    "@someone fuck you https://t.co/abc fuck",        /* mentions, link wrappers */
    "法\xff轮功 法 轮 功 法.轮.功 FALUNGONG falun gong", /* disguises, invalid UTF-8 */
    "ﷺﷺﷺ ß ﬁ ㎡ Ⓐⓢⓢ ａｓｓ",                          /* expansions, compatibility forms */
    "慢性病 性病 路口交通",                          /* host words (allow) */
};

/* Tokens for the random messages: pieces of matches of every row. */
static const char *const tok[] = {
    "a", "s", "ss", "1", "0", "@", ".", " ", "sh1t", "@ss", "fuck", "f u c k", "www.",
    "x.cn", "a@b.cc", "138", "0013", "8000", "一", "三", "八", "零", "法", "轮", "功", "女人",
    "黑人", "加微信", "日赚", "https://t.co/", "\xe4\xbd", "\xff", "ß", "ａ", "，", "。"};

static uint64_t rng = 12345;
static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

int main(int argc, char **argv)
{
    CHECK(argc == 2, "usage: hot_alloc DICT_DIR");
    screener_allocator a = {sizeof a, c_malloc, c_realloc, c_free, NULL};
    OK(screener_set_allocator(&a));
    screener_db *db = compile_dir(argv[1]);
    screener_scratch *s = NULL;
    OK(screener_scratch_alloc(db, &s));

    /* the fixed set, plus a long message made of all of it */
    enum { N_FIXED = sizeof fixed / sizeof fixed[0] };
    static char big[8192];
    size_t big_len = 0;
    for (int r = 0; r < 6; r++)
        for (size_t i = 0; i < N_FIXED; i++) {
            size_t l = strlen(fixed[i]);
            memcpy(big + big_len, fixed[i], l);
            big_len += l;
            big[big_len++] = ' ';
        }
    screener_message msgs[N_FIXED + 1];
    for (size_t i = 0; i < N_FIXED; i++)
        msgs[i] = (screener_message){fixed[i], strlen(fixed[i])};
    msgs[N_FIXED] = (screener_message){big, big_len};
    const size_t n_msgs = N_FIXED + 1;

    /* warm-up: every message alone and in a batch */
    const screener_result *r;
    size_t matches = 0;
    for (size_t i = 0; i < n_msgs; i++) {
        OK(screener_scan(db, s, msgs[i].text, msgs[i].len, &r));
        matches += r->n_matches;
    }
    const screener_result *rs;
    OK(screener_scan_batch(db, s, msgs, n_msgs, &rs));
    CHECK(matches >= 30, "the warm-up set must match (%zu matches)", matches);

    /* the same messages in other orders */
    n_alloc = 0;
    for (int round = 0; round < 3; round++)
        for (size_t k = 0; k < n_msgs; k++) {
            size_t i = round == 0 ? n_msgs - 1 - k : (size_t)(next() % n_msgs);
            OK(screener_scan(db, s, msgs[i].text, msgs[i].len, &r));
        }
    CHECK(n_alloc == 0, "%lld allocator calls scanning the warm-up set again", n_alloc);
    OK(screener_scan_batch(db, s, msgs, n_msgs, &rs));
    CHECK(n_alloc == 0, "%lld allocator calls in a batch of the warm-up set", n_alloc);

    /* random short messages from pieces of every row's matches */
    size_t random_matches = 0;
    for (int t = 0; t < 3000; t++) {
        char m[64];
        size_t n = 0, want = (size_t)(next() % 48);
        while (n < want) {
            const char *k = tok[next() % (sizeof tok / sizeof tok[0])];
            size_t l = strlen(k);
            if (n + l > sizeof m)
                break;
            memcpy(m + n, k, l);
            n += l;
        }
        OK(screener_scan(db, s, m, n, &r));
        random_matches += r->n_matches;
    }
    CHECK(n_alloc == 0, "%lld allocator calls scanning random short messages", n_alloc);
    CHECK(random_matches > 100, "the random messages must match too (%zu)", random_matches);

    screener_scratch_free(s);
    screener_db_free(db);

    /* long messages (scanned in windows) with message-wide rules */
    static const char rules[] = "@category spam\n@rule 兼职 AND NOT 学校\n@rule 先付款 THEN 后发货\n"
                                "@rule 加微信 NEAR/10 日赚\n刷单\n";
    screener_source rsrc = {.name = "rules.txt", .text = rules, .len = sizeof rules - 1};
    screener_error *err = NULL;
    CHECK(screener_compile(NULL, &rsrc, 1, &db, &err) == SCREENER_OK, "compile rules: %s",
          err ? screener_error_message(err) : "?");
    OK(screener_scratch_alloc(db, &s));
    size_t long_len = 300000;
    char *longm = malloc(long_len);
    CHECK(longm != NULL, "out of memory");
    static const char *const piece[] = {"兼职", "先付款", "后发货", "加微信", "日赚", "刷单",
                                        "路口交通", "hello "};
    for (size_t o = 0; o < long_len;) {
        const char *k = piece[next() % 8];
        size_t l = strlen(k);
        if (o + l > long_len)
            l = long_len - o, k = "        ";
        memcpy(longm + o, k, l);
        o += l;
    }
    size_t long_matches[4];
    for (int round = 0; round < 4; round++) {
        if (round == 2)
            n_alloc = 0; /* after two warm-up scans (the result and the windows'
                            accumulator swap buffers: both must have grown) */
        OK(screener_scan(db, s, longm, long_len, &r));
        long_matches[round] = r->n_matches;
    }
    CHECK(n_alloc == 0, "%lld allocator calls scanning a long message again", n_alloc);
    CHECK(long_matches[0] > 1000 && long_matches[1] == long_matches[0] &&
              long_matches[2] == long_matches[0] && long_matches[3] == long_matches[0],
          "long message: %zu, %zu, %zu, %zu matches", long_matches[0], long_matches[1],
          long_matches[2], long_matches[3]);
    screener_scratch_free(s);
    screener_db_free(db);
    free(longm);
    OK(screener_set_allocator(NULL));
    printf("hot_alloc: 0 allocator calls over %zu warm messages x 4, 3000 random ones and "
           "2 long ones (%zu + %zu + 2 x %zu matches)\n",
           n_msgs, matches, random_matches, long_matches[0]);
    return 0;
}
