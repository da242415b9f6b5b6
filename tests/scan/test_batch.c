/* Differential test of batches: screener_scan_batch (whose batch filter asks
 * every matcher row's prefilter which messages may match, and scans only
 * those) must give exactly the results of one screener_scan per message,
 * field by field, on random batches of generated messages that mix the
 * database's own terms, numbers of every detector's shape (and near
 * misses), e-mail addresses, links, leetspeak, regex triggers, mentions and
 * near-separators (newlines, U+FFFF, NUL, invalid UTF-8, the concatenation
 * separators themselves) — over several databases: the built-in
 * dictionaries (every row), user dictionaries with anchored and with
 * unanchored regexes, rules and Latin terms, and detectors without literals.
 * Deterministic (fixed seeds). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/matcher.h"
#include "scan/scan.h"
#include "scan/scratch.h"
#include "screener.h"
#include "test_rng.h"

static uint64_t seed = 0x2545F4914F6CDD1Du;
static unsigned rnd(unsigned n)
{
    return test_rnd(&seed, n);
}

/* ---- a growing text ---------------------------------------------------------- */

typedef struct text {
    char *p;
    size_t n, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        cr_assert_not_null(t->p);
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
}

static void puts_(text *t, const char *s)
{
    put(t, s, strlen(s));
}

static void put_digit(text *t, int d, int style)
{
    static const char *han[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    char b[4];
    if (style == 1) { /* full-width */
        b[0] = '\xEF', b[1] = '\xBC', b[2] = (char)(0x90 + d);
        put(t, b, 3);
    } else if (style == 2) {
        puts_(t, han[d]);
    } else {
        b[0] = (char)('0' + d);
        put(t, b, 1);
    }
}

/* Digits d[0..n), in a random style (ASCII, full-width, Chinese numerals,
 * mixed), sometimes grouped by spaces or dashes. */
static void put_number(text *t, const int *d, size_t n)
{
    int style = (int)rnd(6), group = rnd(3) == 0 ? 3 + (int)rnd(2) : 0;
    const char *sep = rnd(2) ? " " : "-";
    for (size_t i = 0; i < n; i++) {
        if (group && i && i % (size_t)group == 0)
            puts_(t, sep);
        put_digit(t, d[i], style < 3 ? 0 : style == 3 ? 1 : style == 4 ? 2 : (int)rnd(3));
    }
}

/* ---- the pieces ---------------------------------------------------------------- */

static void gen_number(text *t)
{
    int d[20];
    size_t n = 0;
    switch (rnd(5)) {
    case 0: /* a mainland mobile number, or one digit short/long */
        d[n++] = 1;
        d[n++] = 3 + (int)rnd(7);
        for (size_t k = 0, m = 9 + rnd(3) - 1; k < m; k++)
            d[n++] = (int)rnd(10);
        break;
    case 1: { /* a resident ID with its check character (or a wrong one) */
        static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        static const char check[] = "10X98765432";
        char id[19];
        snprintf(id, sizeof id, "%06u%04u%02u%02u%03u", 110000 + rnd(800000), 1900 + rnd(200),
                 1 + rnd(12), 1 + rnd(28), rnd(1000));
        int sum = 0;
        for (int k = 0; k < 17; k++)
            sum += (id[k] - '0') * w[k];
        id[17] = rnd(4) ? check[sum % 11] : '0' + (char)rnd(10);
        put(t, id, 18);
        return;
    }
    case 2: { /* a card number passing Luhn (or not) */
        n = 16 + rnd(4);
        int sum = 0;
        for (size_t k = 0; k + 1 < n; k++)
            d[k] = (int)rnd(10);
        for (size_t k = 0; k + 1 < n; k++) {
            int v = d[n - 2 - k];
            if (k % 2 == 0 && (v *= 2) > 9)
                v -= 9;
            sum += v;
        }
        d[n - 1] = rnd(4) ? (10 - sum % 10) % 10 : (int)rnd(10);
        break;
    }
    default: /* any run */
        n = 1 + rnd(20);
        for (size_t k = 0; k < n; k++)
            d[k] = (int)rnd(10);
    }
    put_number(t, d, n);
}

static void gen_email(text *t)
{
    static const char *local[] = {"a", "bob", "x.y", "li_lei", "u123", "z-z"};
    static const char *at[] = {"@", "@", "＠", " @ "};
    static const char *dom[] = {"example", "qq", "mail.ru", "163", "b"};
    static const char *dot[] = {".", ".", "．", "。"};
    static const char *tld[] = {"com", "cn", "net", "io", "x", ""};
    puts_(t, local[rnd(6)]);
    puts_(t, at[rnd(4)]);
    if (rnd(5)) {
        puts_(t, dom[rnd(5)]);
        puts_(t, dot[rnd(4)]);
        puts_(t, tld[rnd(6)]);
    }
}

static void gen_link(text *t)
{
    static const char *pre[] = {"http://", "https://", "www.", "", "HTTPS://", "ftp:/"};
    static const char *host[] = {"example.com", "t.co/Ab3", "xx.info", "a.cn", "bit", "t.cn/x"};
    static const char *path[] = {"", "/", "/a?b=1", "/路径", "&#8221;"};
    puts_(t, pre[rnd(6)]);
    puts_(t, host[rnd(6)]);
    puts_(t, path[rnd(5)]);
}

/* A Latin term read with leet digits and symbols, spaced or stretched. */
static void gen_leet(text *t, const char *term)
{
    int spaced = rnd(4) == 0, stretch = rnd(4) == 0;
    for (const char *p = term; *p; p++) {
        char c = *p, b[2] = {0, 0};
        const char *s = NULL;
        if (rnd(2)) {
            s = c == 'a'   ? (rnd(2) ? "4" : "@")
                : c == 's' ? (rnd(2) ? "$" : "5")
                : c == 'i' ? (rnd(2) ? "1" : "!")
                : c == 'e' ? "3"
                : c == 'o' ? "0"
                : c == 't' ? "7"
                : c == 'f' && p == term ? "ph"
                           : NULL;
        }
        if (!s) {
            b[0] = c;
            s = b;
        }
        puts_(t, s);
        if (stretch && (c == 'u' || c == 'o' || c == 'a'))
            puts_(t, s), puts_(t, s);
        if (spaced && p[1])
            puts_(t, " ");
    }
}

static void gen_regex_trigger(text *t)
{
    static const char *pre[] = {"微信", "威信", "v信", "vx", "wx", "weixin", "qq", "扣扣", "企鹅",
                                "QQ群", "wechat", "号"};
    static const char *mid[] = {"", ":", "：", "号", "号:", " ", "群号"};
    static const char *tail[] = {"abc123", "zhang_san", "a1b2c3d4", "12345", "987654321",
                                 "x", "hello9x", "ＡＢＣ１２３"};
    puts_(t, pre[rnd(12)]);
    puts_(t, mid[rnd(7)]);
    puts_(t, tail[rnd(8)]);
}

static const char *fillers[] = {
    "hello", "ok", "the class", "has she", "今天", "天气不错", "哈哈", "我们", "了", "是", "a",
    "b", "lol", "说法，人的", "路口交通", "good morning", "明天见", "谢谢", "x", "嗯嗯", "what",
    "RT @user:", "@someone", "#tag", "&amp;", "1st", "$5", "2day", "c", "abc", "hello world",
    "中文", "😀", "\xE2\x80\x8B", "ＦＵＬＬ", "qq", "号", "兼职", "学校", "加微信", "日赚",
    "先付款", "后发货"};
static const char *separators[] = {" ", "\n", "\r\n", "\t", "，", "。", ".", "-", "@", ":",
                                   "/", "\xEF\xBF\xBF", "\xFF", "\xC0\xAF", "",  "、", "．",
                                   "\xE3\x80\x80", "|", "_"};

typedef struct corpus {
    char **terms; /* the database's own terms and rule parts */
    size_t n_terms;
    char **latin; /* those made of ASCII letters only */
    size_t n_latin;
} corpus;

static int ascii_letters(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
            return 0;
    return 1;
}

static void corpus_init(corpus *c, const screener_db *db)
{
    memset(c, 0, sizeof *c);
    uint32_t n = screener_db_entry_count(db);
    c->terms = calloc(n + 1, sizeof(char *));
    c->latin = calloc(n + 1, sizeof(char *));
    for (uint32_t id = 0; id < n; id++) {
        screener_entry_info e;
        cr_assert_eq(screener_db_entry(db, id, &e), SCREENER_OK);
        if (e.flags & (SCREENER_ENTRY_DETECTOR | SCREENER_ENTRY_REGEX | SCREENER_ENTRY_RULE) ||
            strlen(e.term) > 40)
            continue;
        c->terms[c->n_terms++] = strdup(e.term);
        if (ascii_letters(e.term) && strlen(e.term) >= 3)
            c->latin[c->n_latin++] = strdup(e.term);
    }
}

static void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->n_terms; i++)
        free(c->terms[i]);
    for (size_t i = 0; i < c->n_latin; i++)
        free(c->latin[i]);
    free(c->terms);
    free(c->latin);
}

static void gen_piece(text *t, const corpus *c)
{
    unsigned k = rnd(100);
    if (k < 50)
        puts_(t, fillers[rnd(sizeof fillers / sizeof *fillers)]);
    else if (k < 58 && c->n_terms)
        puts_(t, c->terms[rnd((unsigned)c->n_terms)]);
    else if (k < 65)
        gen_number(t);
    else if (k < 70)
        gen_email(t);
    else if (k < 75)
        gen_link(t);
    else if (k < 80 && c->n_latin)
        gen_leet(t, c->latin[rnd((unsigned)c->n_latin)]);
    else if (k < 85)
        gen_regex_trigger(t);
    else
        puts_(t, separators[rnd(sizeof separators / sizeof *separators)]);
}

/* Ordinary chat: words no test dictionary holds. */
static const char *quiet[] = {"今天", "天气", "不错", "我们", "明天", "见", "谢谢", "嗯嗯", "哈哈",
                              "吃饭", "了吗", "好的", "good", "morning", "nice", "today", "see",
                              "you", "，", "。", " ", "！", "？", "😀"};

/* One message: mostly short (what the filter takes), some longer ones,
 * empty ones; quiet_pct of them ordinary chat only (a stream where the
 * filter pays: with too few of those it switches itself off). */
/* Percent of messages reduced to their ASCII bytes (English traffic). */
static unsigned ascii_pct;

static void keep_ascii(text *t)
{
    size_t w = 0;
    for (size_t i = 0; i < t->n; i++)
        if ((unsigned char)t->p[i] < 0x80)
            t->p[w++] = t->p[i];
    t->n = w;
}

static int gen_message_any(text *t, const corpus *c, unsigned quiet_pct);

static int gen_message(text *t, const corpus *c, unsigned quiet_pct)
{
    if (!ascii_pct)
        return gen_message_any(t, c, quiet_pct);
    if (rnd(100) < ascii_pct) {
        int quiet_only = gen_message_any(t, c, quiet_pct);
        keep_ascii(t);
        return quiet_only;
    }
    /* the few others: every kind of piece, Chinese terms among them */
    return gen_message_any(t, c, 0);
}

static int gen_message_any(text *t, const corpus *c, unsigned quiet_pct)
{
    t->n = 0;
    if (rnd(100) < quiet_pct) {
        for (unsigned k = 0, n = 1 + rnd(8); k < n; k++)
            puts_(t, quiet[rnd(sizeof quiet / sizeof *quiet)]);
        return 1;
    }
    unsigned shape = rnd(100);
    unsigned pieces = shape < 5 ? 0 : shape < 92 ? 1 + rnd(6) : 10 + rnd(40);
    for (unsigned k = 0; k < pieces; k++) {
        gen_piece(t, c);
        if (rnd(3) == 0)
            puts_(t, separators[rnd(sizeof separators / sizeof *separators)]);
    }
    return 0;
}

/* ---- comparing ----------------------------------------------------------------- */

static void expect_same(const screener_result *b, const screener_result *r, const char *what,
                        size_t i, const screener_message *m)
{
    char shown[200];
    size_t w = 0;
    for (size_t k = 0; k < m->len && w + 5 < sizeof shown; k++) {
        unsigned char ch = (unsigned char)m->text[k];
        w += (size_t)snprintf(shown + w, sizeof shown - w, ch >= 0x20 && ch < 0x7F ? "%c" : "\\x%02x",
                              ch);
    }
    shown[w] = '\0';
    cr_assert_eq(b->n_matches, r->n_matches, "%s message %zu `%s`: %zu matches batched, %zu alone",
                 what, i, shown, b->n_matches, r->n_matches);
    cr_assert_eq(b->action, r->action, "%s message %zu `%s`", what, i, shown);
    cr_assert_eq(b->severity, r->severity, "%s message %zu `%s`", what, i, shown);
    cr_assert_eq(b->truncated, r->truncated, "%s message %zu `%s`", what, i, shown);
    cr_assert_eq(b->db_version, r->db_version, "%s message %zu", what, i);
    cr_assert_str_eq(b->fingerprint, r->fingerprint, "%s message %zu", what, i);
    cr_assert_eq(b->n_categories, r->n_categories, "%s message %zu `%s`", what, i, shown);
    for (size_t k = 0; k < r->n_categories; k++)
        cr_assert_eq(b->categories[k], r->categories[k], "%s message %zu", what, i);
    for (size_t k = 0; k < r->n_matches; k++) {
        const screener_match *x = &b->matches[k], *y = &r->matches[k];
        cr_assert(x->start == y->start && x->end == y->end && x->entry_id == y->entry_id &&
                      x->category_id == y->category_id && x->severity == y->severity &&
                      x->action == y->action && x->flags == y->flags,
                  "%s message %zu `%s` match %zu: batched %zu..%zu entry %u flags %u, alone "
                  "%zu..%zu entry %u flags %u",
                  what, i, shown, k, x->start, x->end, x->entry_id, x->flags, y->start, y->end,
                  y->entry_id, y->flags);
    }
}

typedef struct tally {
    size_t messages, flagged, skipped, skipped_mixed; /* (mixed: not ordinary chat only) */
} tally;

/* Random batches over db: batch == single scans, message by message. */
static void differential(const screener_db *db, const char *what, int rounds, tally *t)
{
    corpus c;
    corpus_init(&c, db);
    screener_scratch *a = NULL, *b = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &b), SCREENER_OK);
    enum { MAX_BATCH = 700 };
    text *texts = calloc(MAX_BATCH, sizeof *texts);
    int *is_quiet = calloc(MAX_BATCH, sizeof *is_quiet);
    screener_message *msgs = calloc(MAX_BATCH, sizeof *msgs);
    for (int round = 0; round < rounds; round++) {
        /* a new batch scratch each round: it starts with filtering on (how it
         * is switched off and back on across calls: the judge test below) */
        screener_scratch_free(a);
        a = NULL;
        cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
        if (round >= rounds - 2) { /* a profile that truncates: the same too */
            screener_profile p = {sizeof p, 0, NULL, 0, 1, 0};
            cr_assert_eq(screener_scratch_set_profile(a, &p), SCREENER_OK);
            cr_assert_eq(screener_scratch_set_profile(b, &p), SCREENER_OK);
        }
        size_t n = 1 + rnd(MAX_BATCH);
        unsigned quiet_pct = round % 3 == 2 ? 30 : 85;
        for (size_t i = 0; i < n; i++) {
            is_quiet[i] = gen_message(&texts[i], &c, quiet_pct);
            msgs[i] = (screener_message){texts[i].p, texts[i].n};
        }
        const screener_result *br = NULL;
        cr_assert_eq(screener_scan_batch(db, a, msgs, n, &br), SCREENER_OK);
        for (size_t i = 0; i < n; i++) {
            /* (the scratch's internals: the filter's verdict) */
            t->skipped += !a->bf_maybe[i];
            t->skipped_mixed += !a->bf_maybe[i] && !is_quiet[i];
            const screener_result *r = NULL;
            cr_assert_eq(screener_scan(db, b, msgs[i].text, msgs[i].len, &r), SCREENER_OK);
            expect_same(&br[i], r, what, i, &msgs[i]);
            t->flagged += r->n_matches > 0;
        }
        t->messages += n;
    }
    for (size_t i = 0; i < MAX_BATCH; i++)
        free(texts[i].p);
    free(texts);
    free(is_quiet);
    free(msgs);
    screener_scratch_free(a);
    screener_scratch_free(b);
    corpus_free(&c);
}

/* The generator is not degenerate, and the filter did skip messages (it was
 * on, so the comparison tested it). */
static void expect_useful(const tally *t, const char *what)
{
    cr_log_info("%s: %zu messages, %zu with matches, %zu skipped by the filter (%zu of them "
                "not plain chat)",
                what, t->messages, t->flagged, t->skipped, t->skipped_mixed);
    cr_assert(t->flagged > t->messages / 20 && t->flagged < t->messages - t->messages / 20,
              "%s: %zu of %zu messages match", what, t->flagged, t->messages);
    cr_assert(t->skipped > t->messages / 3 && t->skipped_mixed > t->messages / 50,
              "%s: the filter skipped %zu of %zu messages (%zu not plain chat)", what, t->skipped,
              t->messages, t->skipped_mixed);
}

static screener_db *compile_text(const char *name, const char *dict)
{
    screener_source src = {.name = name, .text = dict, .len = strlen(dict)};
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc = screener_compile(NULL, &src, 1, &db, &err);
    cr_assert_eq(rc, SCREENER_OK, "%s: %s", name, err ? screener_error_message(err) : "");
    return db;
}

/* The differential test over db (freed), and that it tested something. */
static void check_db(screener_db *db, const char *what, int rounds)
{
    tally t = {0};
    differential(db, what, rounds, &t);
    expect_useful(&t, what);
    screener_db_free(db);
}

/* ---- the databases ------------------------------------------------------------- */

/* Every .txt of SCREENER_DICT_DIR, as the build compiles the built-in
 * database: literals, digit and text detectors, regexes, leet, rules. */
static screener_db *builtin_db(void)
{
    const char *dir = getenv("SCREENER_DICT_DIR");
    cr_assert_not_null(dir, "SCREENER_DICT_DIR not set");
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    static char paths[32][1024];
    screener_source src[32];
    memset(src, 0, sizeof src);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 32;) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        snprintf(paths[n], sizeof paths[n], "%s/%s", dir, e->d_name);
        src[n].path = paths[n];
        n++;
    }
    closedir(d);
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, src, n, &db, &err), SCREENER_OK, "%s",
                 err ? screener_error_message(err) : "");
    return db;
}

Test(batch, builtin_dictionaries_batch_equals_single_scans, .timeout = 600)
{
    screener_db *db = builtin_db();
    /* it does use every row: the test covers each prefilter */
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    const screener_result *r = NULL;
    cr_assert_eq(screener_scan(db, s, "", 0, &r), SCREENER_OK);
    cr_assert_eq(s->rows_used, (1u << scan_n_matchers) - 1, "rows used: %#x", s->rows_used);
    screener_scratch_free(s);
    check_db(db, "built-in", 12);
}

/* English traffic: groups whose messages fold to ASCII but for a few (the
 * literal row's group pass then scans the narrow section and marks the
 * others, m_literals.c literals_group_narrow). */
Test(batch, english_groups_batch_equals_single_scans)
{
    ascii_pct = 96;
    check_db(builtin_db(), "built-in, English", 8);
    ascii_pct = 0;
}

/* Anchored regexes: each message's byte view is scanned alone by the regex
 * row's prefilter (a concatenation would lose `^` and `$` matches of every
 * message but the first and last). */
Test(batch, anchored_regexes_batch_equals_single_scans)
{
    screener_db *db = compile_text("anchored.txt", "@category t\n"
                                                   "fuck\n"
                                                   "shit\tword\n"
                                                   "ass\n"
                                                   "法轮功\n"
                                                   "慢性病\tallow\n"
                                                   "^qq[0-9]{5,8}\tregex\n"
                                                   "[0-9]{4}号$\tregex\n"
                                                   "\\Ahello\tregex\n"
                                                   "@detect cn_mobile\n"
                                                   "@detect email\n"
                                                   "@rule 兼职 AND NOT 学校\n");
    check_db(db, "anchored", 12);
}

/* Unanchored regexes, some of which match the separator byte itself or
 * across it ([^a-z], \s, .), rules of every kind, Latin terms (leet row). */
Test(batch, unanchored_regexes_batch_equals_single_scans)
{
    screener_db *db = compile_text("unanchored.txt", "@category u\n"
                                                     "sex\n"
                                                     "sb\tword\n"
                                                     "class\tallow\n"
                                                     "赌博\n"
                                                     "色情\n"
                                                     "[^a-z]{2}x{1,3}\tregex\n"
                                                     "(微信|vx)[:：]?[a-z0-9]{4,8}\tregex\n"
                                                     "\\bhello\\b\tregex\n"
                                                     "a.c\tregex\n"
                                                     "\\s?[$^]{2}\tregex\n"
                                                     "\\Q^$\\E\tregex\n"
                                                     "o[\\n]{1,2}\tregex\n"
                                                     "@detect url\n"
                                                     "@detect bank_card\n"
                                                     "@detect cn_id\n"
                                                     "@rule 加微信 NEAR/5 日赚\n"
                                                     "@rule 先付款 THEN 后发货\n"
                                                     "@rule 兼职 AND NOT 学校\n");
    check_db(db, "unanchored", 12);
}

/* Detectors only: no literal section, no concatenated folded units. */
Test(batch, detectors_only_batch_equals_single_scans)
{
    screener_db *db = compile_text("detect.txt", "@category p\n@detect cn_mobile\n"
                                                 "@detect email\n@detect url\n");
    check_db(db, "detectors", 10);
}

/* ---- one fold call per group ------------------------------------------------------ */

/* Literals, Latin terms (leet) and rules only: the group's short messages are
 * folded in one call (batch_filter.c, group_joined). */
static const char joined_dict[] = "@category c\n"
                                  "法轮功\n"
                                  "赌博\n"
                                  "色情\n"
                                  "fuck\n"
                                  "ass\n"
                                  "sex\tword\n"
                                  "class\tallow\n"
                                  "@rule 加微信 NEAR/5 日赚\n";

Test(batch, joined_fold_batch_equals_single_scans)
{
    check_db(compile_text("joined.txt", joined_dict), "joined", 12);
}

/* Pieces that stress the boundary between two messages folded in one call:
 * UTF-8 sequences cut at an end or starting with continuation bytes, the
 * separator byte 0xFF, U+FFFF and U+FFFD themselves, letters repeated across
 * the boundary (collapsed within a message), halves of terms, characters
 * that fold to nothing or to a dropped separator, expansions. */
static const char *edge_pieces[] = {
    "",     "法",   "轮功", "法轮", "功",  "\xE6\xB3", "\xE6", "\x95",     "\xAE功",
    "\xBD", "\xFF", "\xFE", "\xEF\xBF\xBF", "\xEF\xBF\xBD", "\xF0\x9F", "\xF0\x9F\x98\x80",
    "fu",   "uu",   "ck",   "fuck", "f",   "k",        "as",   "s",        "ss",
    "ass",  "sex",  "x",    " ",    "\xE2\x80\x8B", "\xC2\xAD", "，", "!", "赌", "博",
    "ＦＵＣＫ", "ß", "1", "\n", "加微信", "日赚", "c l a s s", "a s s", "\xC3",
};

Test(batch, joined_fold_boundaries_equal_single_scans)
{
    screener_db *db = compile_text("joined.txt", joined_dict);
    screener_scratch *a = NULL, *b = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &b), SCREENER_OK);
    enum { MAX_BATCH = 300 };
    text *texts = calloc(MAX_BATCH, sizeof *texts);
    screener_message *msgs = calloc(MAX_BATCH, sizeof *msgs);
    size_t joined = 0, messages = 0, flagged = 0, skipped = 0;
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + rnd(MAX_BATCH);
        for (size_t i = 0; i < n; i++) {
            text *x = &texts[i];
            x->n = 0;
            if (rnd(100) < 60) {
                puts_(x, quiet[rnd(6)]); /* (Chinese: the filter stays on) */
            } else {
                for (unsigned k = 0, m = rnd(4); k < m; k++)
                    puts_(x, edge_pieces[rnd(sizeof edge_pieces / sizeof *edge_pieces)]);
            }
            msgs[i] = (screener_message){x->p, x->n};
        }
        const screener_result *br = NULL, *r = NULL;
        a->bf_fold.n = 0;
        cr_assert_eq(screener_scan_batch(db, a, msgs, n, &br), SCREENER_OK);
        joined += a->bf_fold.n > 0;
        for (size_t i = 0; i < n; i++) {
            skipped += !a->bf_maybe[i];
            cr_assert_eq(screener_scan(db, b, msgs[i].text, msgs[i].len, &r), SCREENER_OK);
            expect_same(&br[i], r, "joined boundaries", i, &msgs[i]);
            flagged += r->n_matches > 0;
        }
        messages += n;
    }
    cr_log_info("joined boundaries: %zu messages, %zu with matches, %zu skipped, %zu of 200 "
                "batches folded in one call",
                messages, flagged, skipped, joined);
    cr_assert(joined >= 100, "only %zu of 200 batches were folded in one call", joined);
    cr_assert(flagged > messages / 50 && skipped > messages / 3, "%zu flagged, %zu skipped of %zu",
              flagged, skipped, messages);
    for (size_t i = 0; i < MAX_BATCH; i++)
        free(texts[i].p);
    free(texts);
    free(msgs);
    screener_scratch_free(a);
    screener_scratch_free(b);
    screener_db_free(db);
}

/* ---- the judge ------------------------------------------------------------------ */

/* Filtering is switched off while it does not pay (every message has a
 * candidate: each would be folded and scanned twice) and comes back once it
 * pays again; results are the same throughout. */
Test(batch, filter_turns_off_when_it_does_not_pay_and_back_on)
{
    screener_db *db = compile_text("judge.txt", "@category j\nfuck\n赌博\n@detect email\n");
    screener_scratch *a = NULL, *b = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &b), SCREENER_OK);
    enum { N = 1000 };
    screener_message *msgs = calloc(N, sizeof *msgs);
    const screener_result *br = NULL, *r = NULL;
    for (size_t i = 0; i < N; i++)
        msgs[i] = (screener_message){i % 2 ? "what the fuck" : "去赌博吗", i % 2 ? 13 : 12};
    cr_assert_eq(screener_scan_batch(db, a, msgs, N, &br), SCREENER_OK);
    cr_assert(a->bf_state.off, "filtering stayed on for a batch where every message matches");
    size_t straight = 0;
    for (size_t i = 0; i < N; i++) {
        straight += a->bf_maybe[i] == 2;
        cr_assert_eq(screener_scan(db, b, msgs[i].text, msgs[i].len, &r), SCREENER_OK);
        expect_same(&br[i], r, "judge, matching", i, &msgs[i]);
        cr_assert_eq(r->n_matches, 1);
    }
    cr_assert(straight > N / 2, "%zu of %d messages scanned without filtering", straight, N);
    /* a quiet stream: filtering is tried again and pays */
    for (size_t i = 0; i < N; i++)
        msgs[i] = (screener_message){i % 3 ? "今天天气不错" : "hello there", i % 3 ? 18 : 11};
    size_t skipped = 0;
    for (int round = 0; round < 6; round++) {
        cr_assert_eq(screener_scan_batch(db, a, msgs, N, &br), SCREENER_OK);
        for (size_t i = 0; i < N; i++) {
            skipped += round == 5 && !a->bf_maybe[i];
            cr_assert_eq(br[i].n_matches, 0);
            cr_assert_eq(br[i].action, SCREENER_ACTION_PASS);
        }
    }
    cr_assert_not(a->bf_state.off, "filtering did not come back");
    cr_assert_eq(skipped, N, "%zu of %d quiet messages skipped", skipped, N);
    free(msgs);
    screener_scratch_free(a);
    screener_scratch_free(b);
    screener_db_free(db);
}

/* ---- the results' fast paths --------------------------------------------------- */

/* The kind of message at position i of pattern `pat`: a quiet one (passes
 * the filter), a short match (a group pass marks it), a long quiet one and a
 * long match (over FILTER_MAX_BYTES: straight to their own scan). */
static const char *fast_path_text(unsigned kind)
{
    static char long_quiet[400], long_hit[400];
    if (!long_quiet[0]) {
        for (size_t i = 0; i + 3 < sizeof long_quiet; i += 3) {
            memcpy(long_quiet + i, "天", 3);
            memcpy(long_hit + i, "天", 3);
        }
        memcpy(long_hit + 300, "赌博", 6);
    }
    switch (kind % 5) {
    case 0: return "今天天气不错";
    case 1: return "去赌博吗";
    case 2: return long_quiet;
    case 3: return long_hit;
    default: return "what the fuck";
    }
}

/* Pass results are written once in their final form, the messages that
 * need their own scan are found eight maybe[] bytes at a time, and results
 * come from the scratch again at each call (service/batch.c): batches of
 * every length up to 40 whose messages alternate between passing and
 * matching in several patterns (a match at every offset modulo 8, runs of
 * passes across word boundaries, long messages), one scratch throughout,
 * equal single scans message by message; a failing call (a NULL text in
 * the middle) between two, and the call after it is right again. */
Test(batch, pass_and_match_alternating_results_equal_single_scans)
{
    screener_db *db = compile_text("fast.txt", "@category f\nfuck\n赌博\n");
    screener_scratch *a = NULL, *b = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &b), SCREENER_OK);
    enum { MAX_N = 40 };
    screener_message msgs[MAX_N];
    const screener_result *br = NULL, *r = NULL;
    size_t checked = 0, passed = 0, matched = 0;
    static const unsigned patterns[][4] = {
        {0, 1, 0, 1}, {0, 0, 0, 3}, {1, 1, 0, 0}, {2, 0, 4, 0}, {0, 0, 0, 0}, {3, 2, 1, 0},
    };
    for (size_t pat = 0; pat < 8; pat++) /* (6, 7: one match, last) */
        for (size_t n = 1; n <= MAX_N; n++) {
            for (size_t i = 0; i < n; i++) {
                /* the pattern shifted by n: matches land at every offset;
                 * and passes but for the last message (short, then long) */
                unsigned kind = pat >= 6 ? (i + 1 < n ? 0 : pat == 6 ? 1 : 3)
                                         : patterns[pat][(i + n) % 4] + (i % 11 == 10 ? 1 : 0);
                const char *t = fast_path_text(kind);
                msgs[i] = (screener_message){t, strlen(t)};
            }
            if (n % 9 == 0) { /* a failing call between two good ones */
                screener_message bad = msgs[n / 2];
                msgs[n / 2] = (screener_message){NULL, 3};
                cr_assert_eq(screener_scan_batch(db, a, msgs, n, &br),
                             SCREENER_E_INVALID_ARGUMENT);
                cr_assert_null(br);
                msgs[n / 2] = bad;
            }
            cr_assert_eq(screener_scan_batch(db, a, msgs, n, &br), SCREENER_OK);
            for (size_t i = 0; i < n; i++) {
                cr_assert_eq(screener_scan(db, b, msgs[i].text, msgs[i].len, &r), SCREENER_OK);
                expect_same(&br[i], r, "alternating", i, &msgs[i]);
                cr_assert_not_null(br[i].matches, "message %zu", i);
                cr_assert_not_null(br[i].categories, "message %zu", i);
                cr_assert_eq(br[i].reserved[0] | br[i].reserved[5], 0);
                passed += r->n_matches == 0;
                matched += r->n_matches > 0;
                checked++;
            }
        }
    cr_assert(passed > checked / 4 && matched > checked / 4, "%zu passed, %zu matched of %zu",
              passed, matched, checked);
    screener_scratch_free(a);
    screener_scratch_free(b);
    screener_db_free(db);
}

/* The messages of a joined group the leet rule may read are found by one
 * sweep over the group's unit flags (batch_filter.c, joined_readings): a
 * leet reading ("fu(k") after any number of messages without a word letter,
 * or with one but no reading, is found in its own message. */
Test(batch, joined_leet_readings_found_after_any_run_of_messages)
{
    screener_db *db = compile_text("joined.txt", joined_dict);
    screener_scratch *a = NULL, *b = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &b), SCREENER_OK);
    enum { N = 60 };
    screener_message msgs[N];
    const screener_result *br = NULL, *r = NULL;
    size_t found = 0;
    for (size_t before = 0; before + 1 < N; before++)
        for (int words = 0; words < 2; words++) {
            size_t n = before + 2;
            for (size_t i = 0; i < n; i++) {
                const char *t = i == before  ? "fu(k"
                                : i % 5 == 4 ? "" /* (an empty one: only its separator) */
                                : words && i % 3 == 1 ? "hello there"
                                                      : "今天天气不错";
                msgs[i] = (screener_message){t, strlen(t)};
            }
            cr_assert_eq(screener_scan_batch(db, a, msgs, n, &br), SCREENER_OK);
            for (size_t i = 0; i < n; i++) {
                cr_assert_eq(screener_scan(db, b, msgs[i].text, msgs[i].len, &r), SCREENER_OK);
                expect_same(&br[i], r, "leet after a run", i, &msgs[i]);
            }
            cr_assert_eq(br[before].n_matches, 1, "fu(k after %zu messages", before);
            found++;
        }
    cr_assert_eq(found, 2 * (N - 1));
    screener_scratch_free(a);
    screener_scratch_free(b);
    screener_db_free(db);
}

/* A message the leet test marks is scanned on its slice of the group's fold,
 * which has no checkpoint past the first (batch_filter.c, joined_readings:
 * since 2026-12-01 it is not folded again for them): long readings with the
 * match, a lone-letter run or a spaced-out term far past FOLD_MARK_EVERY
 * units. And groups whose messages begin with ASCII or with Han in every
 * mix around the narrow pass's limit (m_literals.c, literals_group_narrow:
 * more than one in eight starting above 0x7F turns the group away before it
 * is narrowed): batch == single scans, every field. */
static const char *long_pieces[] = {
    "fu(k", "a$$", "x a a a a a a a a a a a a a a a a a a s s", "c l a s s", "s e x",
    "hello there ", "今天天气不错", "法轮功", "ａｓｓ", "f u c k", "1234567 ", "ass", "赌 博",
};

Test(batch, joined_slices_and_narrow_mixes_equal_single_scans)
{
    screener_db *db = compile_text("joined.txt", joined_dict);
    screener_scratch *a = NULL, *b = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &b), SCREENER_OK);
    enum { MAX_BATCH = 400 };
    text *texts = calloc(MAX_BATCH, sizeof *texts);
    screener_message *msgs = calloc(MAX_BATCH, sizeof *msgs);
    size_t messages = 0, flagged = 0, scanned_at_once = 0;
    for (int round = 0; round < 120; round++) {
        size_t n = 1 + rnd(MAX_BATCH);
        unsigned han_pct = rnd(30); /* (around one in eight starting with Han) */
        for (size_t i = 0; i < n; i++) {
            text *x = &texts[i];
            x->n = 0;
            if (rnd(100) < han_pct)
                puts_(x, quiet[rnd(6)]);
            else
                puts_(x, rnd(2) ? "ok " : "see you ");
            for (unsigned k = 0, m = rnd(12); k < m; k++)
                puts_(x, long_pieces[rnd(sizeof long_pieces / sizeof *long_pieces)]);
            msgs[i] = (screener_message){x->p, x->n};
        }
        const screener_result *br = NULL, *r = NULL;
        cr_assert_eq(screener_scan_batch(db, a, msgs, n, &br), SCREENER_OK);
        for (size_t i = 0; i < n; i++) {
            scanned_at_once += a->bf_maybe[i] == BATCH_SCANNED;
            cr_assert_eq(screener_scan(db, b, msgs[i].text, msgs[i].len, &r), SCREENER_OK);
            expect_same(&br[i], r, "joined slices", i, &msgs[i]);
            flagged += r->n_matches > 0;
        }
        messages += n;
    }
    cr_log_info("joined slices: %zu messages, %zu with matches, %zu scanned on their slice",
                messages, flagged, scanned_at_once);
    cr_assert_gt(scanned_at_once, 100, "the leet test marked too few to tell");
    for (size_t i = 0; i < MAX_BATCH; i++)
        free(texts[i].p);
    free(texts);
    free(msgs);
    screener_scratch_free(a);
    screener_scratch_free(b);
    screener_db_free(db);
}

/* ---- which regexes may be scanned concatenated ----------------------------------- */

Test(batch, regex_anchor_detection)
{
    static const struct {
        const char *re;
        int unanchored;
    } cases[] = {
        {"abc", 1},          {"[^a-z]{2}x", 1},   {"[$^]{2}", 1},     {"[]^]", 1},
        {"a\\$b", 1},        {"a\\^", 1},         {"\\Q^$\\E", 1},    {"(?#^$)ab", 1},
        {"(?i)ab", 1},       {"[\\]^]x", 1},      {"\\bword\\b", 1},  {"(微信|vx)号?", 1},
        {"^ab", 0},          {"ab$", 0},          {"\\Aab", 0},       {"ab\\z", 0},
        {"ab\\Z", 0},        {"(?m)^ab", 0},      {"(?x)a b", 0},     {"(?ix)ab", 0},
        {"a|^b", 0},         {"[a]^", 0},         {"\\Q^\\E$", 0},    {"(?#[)^ab]", 0},
        {"[\\Q]\\E^]", 0},   {"ab\\", 0},         {"\\Q^", 1},        {"(?:a)$", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert_eq(regex_unanchored(cases[i].re, strlen(cases[i].re)), cases[i].unanchored,
                     "`%s`", cases[i].re);
}

/* ---- the literal candidates handed to a marked message's own scan ----------------- */

/* A message the group passes mark is scanned with the literal candidates the
 * literal pass found in its units (batch_filter.c, scan_marked; m_literals.c,
 * handoff_sort): no second Hyperscan scan of the literal section. Pieces put
 * matches at a message's first and last units, overlapping matches (我的世界,
 * 我的, 世界), one term of several entries (赌博 in two categories), allowed
 * spans (世界杯 allows 世界), word terms whose boundaries are the message's
 * edges (sex, sexy), rule parts, and runs of a one-character term long enough
 * to reach the cap (a profile of max_matches 1 or 2 in some rounds: more
 * candidates than a scan keeps, and scans that end truncated, are scanned
 * again without them). batch == single scans, every field; and the hand-off
 * was used. */
static const char handoff_dict[] = "@category a\n"
                                   "我的世界\n"
                                   "我的\n"
                                   "世界\n"
                                   "世界杯\tallow\n"
                                   "赌博\n"
                                   "法\n"
                                   "sex\tword\n"
                                   "@rule 加微信 NEAR/5 日赚\n"
                                   "@category b\n"
                                   "赌博\n";

static const char *handoff_pieces[] = {
    "我的世界", "我的", "世界", "世界杯", "的世", "赌博", "赌", "博", "今天", "天气", "，",
    "sex", "sexy", " sex ", "essex", "Sex.", "加微信", "日赚", "哈哈", "法", "法法法法法法法法",
};

Test(batch, handed_candidates_equal_single_scans)
{
    screener_db *db = compile_text("handoff.txt", handoff_dict);
    screener_scratch *a = NULL, *b = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &b), SCREENER_OK);
    enum { MAX_BATCH = 300 };
    text *texts = calloc(MAX_BATCH, sizeof *texts);
    screener_message *msgs = calloc(MAX_BATCH, sizeof *msgs);
    size_t messages = 0, flagged = 0, truncated = 0, handed = 0;
    for (int round = 0; round < 150; round++) {
        /* a new batch scratch each round: filtering on from its start */
        handed += a->n_bf_handed;
        screener_scratch_free(a);
        a = NULL;
        cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
        size_t max = round % 5 == 3 ? 1 : round % 5 == 4 ? 2 : 0;
        screener_profile p = {sizeof p, 0, NULL, 0, max, 0};
        cr_assert_eq(screener_scratch_set_profile(a, &p), SCREENER_OK);
        cr_assert_eq(screener_scratch_set_profile(b, &p), SCREENER_OK);
        size_t n = 1 + rnd(MAX_BATCH);
        for (size_t i = 0; i < n; i++) {
            text *x = &texts[i];
            x->n = 0;
            unsigned kind = rnd(100);
            if (kind < 80) { /* quiet: the group passes leave it (and it pays) */
                puts_(x, quiet[rnd(6)]);
            } else if (kind < 83) { /* a run of 法 up to 256 bytes: the cap */
                for (unsigned k = 0, m = 20 + rnd(66); k < m; k++)
                    puts_(x, "法");
            } else if (kind < 85) { /* 赌博, two entries each: the cap, fewer candidates */
                for (unsigned k = 0, m = 20 + rnd(23); k < m; k++)
                    puts_(x, "赌博");
            } else {
                for (unsigned k = 0, m = 1 + rnd(6); k < m; k++)
                    puts_(x, handoff_pieces[rnd(sizeof handoff_pieces / sizeof *handoff_pieces)]);
            }
            msgs[i] = (screener_message){x->p, x->n};
        }
        const screener_result *br = NULL, *r = NULL;
        cr_assert_eq(screener_scan_batch(db, a, msgs, n, &br), SCREENER_OK);
        for (size_t i = 0; i < n; i++) {
            cr_assert_eq(screener_scan(db, b, msgs[i].text, msgs[i].len, &r), SCREENER_OK);
            expect_same(&br[i], r, "handed candidates", i, &msgs[i]);
            flagged += r->n_matches > 0;
            truncated += r->truncated;
        }
        messages += n;
    }
    handed += a->n_bf_handed;
    cr_log_info("handed candidates: %zu messages, %zu with matches, %zu truncated, %zu scanned "
                "with the group pass's candidates",
                messages, flagged, truncated, handed);
    cr_assert_gt(handed, messages / 10, "the hand-off was used for too few to tell");
    cr_assert_gt(truncated, 100, "too few truncated results to tell");
    for (size_t i = 0; i < MAX_BATCH; i++)
        free(texts[i].p);
    free(texts);
    free(msgs);
    screener_scratch_free(a);
    screener_scratch_free(b);
    screener_db_free(db);
}
