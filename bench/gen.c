/*
 * gen.c — deterministic synthetic inputs for the benchmarks, and the
 * deterministic dictionary subsets of real lexicons.
 *
 *   screener_bench_gen dict     --n N [--seed S]                      > dict.txt
 *   screener_bench_gen messages --n N [--seed S] [--dict D] [--hit R]
 *                               [--disguise P] [--plain]              > msgs.txt
 *   screener_bench_gen subset   --n N [--seed S] LEXICON              > dict.txt
 *
 * dict: Chinese-heavy terms (2-5 Han characters, 80%) mixed with
 *   English / alphanumeric terms (20%), all distinct.
 * messages: one per line, chat-like lengths (log-normal, median ~10
 *   characters, long tail to 400), 85% Chinese with some English words,
 *   digits, emoji and punctuation, 15% English. A share R (default 0.05) of
 *   messages carries a term of --dict; a share P (default 0.3) of those is
 *   disguised (separators, zero-width, traditional characters, full-width,
 *   upper case). --plain: ASCII and CJK only, no disguise, no emoji or
 *   full-width punctuation (the input of the baseline agreement check).
 * subset: cleans a real lexicon (trims spaces, drops blank lines, lines with
 *   TAB, lines starting with '#' or '@', terms that fold to nothing under
 *   screener's default fold, exact duplicates) and keeps a deterministic
 *   subset of N terms (N = 0: all), chosen by a seeded hash of the term, in
 *   the original file order. The same file then feeds every engine.
 *
 * Everything depends only on the arguments (splitmix64 / FNV-1a), so two
 * machines generate byte-identical files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <screener.h>

/* ---- deterministic PRNG ---- */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double rndf(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }
static size_t rndn(size_t n) { return (size_t)(rnd() % n); }

/* ---- alphabets ---- */
/* ~500 frequent simplified Han characters. */
static const char HAN[] =
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生"
    "自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好"
    "看学进种将还分此心前面又定见只主没公从知使点意已开现把话样最全她打什回老因很给名"
    "真手长问正本想外些头实机门次身高外加动力间两度体才关明女西理气各重相部表东实期水"
    "果电新感信通北先走入物合受期变问代亲少几吃听认何口安色利完美话边爱让放服界认做快"
    "处候性活张月常路万系声干朋友吧呢吗啊哈嗯哦呀哎喜欢今晚早饭菜车钱买卖店工作班上网"
    "游戏视频照片手机电脑妈爸哥姐弟妹儿孩学校老师同学考试作业睡觉起床吃饭喝水茶咖啡酒"
    "猫狗鱼鸟花草树山海河风雨雪云阳光星月春夏秋冬红黄蓝绿白黑笑哭累困饿渴冷热开心难过"
    "生日快乐谢谢对不起没关系再见明天昨天周末假期旅行飞机火车地铁公交出租司机医生病药"
    "城市北京上海广州深圳中国美国日本韩国英国世界新闻政府经济文化历史音乐电影小说故事"
    "帅哥美女朋友男女恋爱结婚离婚工资房子租金便宜贵打折免费红包转账微信支付宝淘宝快递";
static const char *EN_WORDS[] = {
    "ok", "lol", "the", "you", "good", "nice", "love", "game", "play", "win", "free",
    "money", "cash", "vip", "app", "link", "click", "sale", "shop", "hello", "hi", "bye",
    "thanks", "sorry", "yes", "no", "what", "why", "how", "when", "today", "night",
    "party", "music", "movie", "photo", "video", "happy", "cool", "crazy", "boss",
    "team", "work", "home", "food", "coffee", "beer", "wifi", "qq", "wechat", "online"};
/* English dictionary words: not in the message vocabulary above, so they
 * appear in messages only where a term is inserted. */
static const char *EN_TERMS[] = {
    "bitch", "shit", "damn", "sexy", "porn", "drugs", "weed", "gamble", "fuck", "slut",
    "whore", "cocaine", "casino", "lottery", "viagra", "escort", "xxx", "camgirl", "bet365",
    "heroin", "meth", "nude", "hooker", "scam", "jackpot", "pills", "ketamine", "bong"};
#define N_ENT (sizeof EN_TERMS / sizeof EN_TERMS[0])
#define N_EN (sizeof EN_WORDS / sizeof EN_WORDS[0])
/* simplified -> traditional pairs (first char simplified, second traditional) */
static const char TRAD[] =
    "们們这這说說会會时時个個为為来來国國学學对對发發经經后後开開动動还還进進过過现現"
    "电電长長问問东東车車门門马馬鸟鳥鱼魚见見书書买買卖賣实實头頭语語话話让讓钱錢关關"
    "听聽爱愛欢歡乐樂网網号號气氣爸爸妈媽哥哥师師饭飯视視频頻脑腦药藥游遊戏戲闻聞历歷"
    "恋戀结結离離资資费費红紅宝寶递遞";
static const char *PUNCT_ZH[] = {"，", "。", "！", "？", "…", "～", "、", "：", "“", "”"};
static const char *PUNCT_EN[] = {",", ".", "!", "?", "...", " :)", " :(", "~"};
static const char *EMOJI[] = {"😂", "👍", "❤️", "🙏", "😭", "🤣", "😊", "🔥", "✨", "🐶"};
static const char *SEPS[] = {" ", "*", "·", "\xE2\x80\x8B" /* ZWSP */, "-", "_", "．", "😂", "|"};

static uint32_t han_cp[1024];
static size_t n_han;

static size_t u8_put(char *o, uint32_t c)
{
    if (c < 0x80) { o[0] = (char)c; return 1; }
    if (c < 0x800) { o[0] = (char)(0xC0 | (c >> 6)); o[1] = (char)(0x80 | (c & 0x3F)); return 2; }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12)); o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F)); return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18)); o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F)); return 4;
}

static uint32_t u8_get(const char **p)
{
    const unsigned char *s = (const unsigned char *)*p;
    uint32_t c;
    if (s[0] < 0x80) { c = s[0]; *p += 1; }
    else if (s[0] < 0xE0) { c = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu); *p += 2; }
    else if (s[0] < 0xF0) { c = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu); *p += 3; }
    else { c = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu); *p += 4; }
    return c;
}

static void init_han(void)
{
    /* distinct code points of HAN, in order of first appearance */
    const char *p = HAN;
    while (*p) {
        uint32_t c = u8_get(&p);
        size_t k;
        for (k = 0; k < n_han; k++)
            if (han_cp[k] == c)
                break;
        if (k == n_han && n_han < 1024)
            han_cp[n_han++] = c;
    }
}

static uint32_t trad_of(uint32_t c)
{
    const char *p = TRAD;
    while (*p) {
        uint32_t s = u8_get(&p), t = u8_get(&p);
        if (s == c)
            return t;
    }
    return 0;
}

/* Zipf-ish pick: frequent characters first. */
static uint32_t pick_han(void)
{
    double u = rndf();
    size_t k = (size_t)(pow(u, 2.2) * (double)n_han);
    if (k >= n_han)
        k = n_han - 1;
    return han_cp[k];
}

/* ---- growable string ---- */
typedef struct { char *p; size_t n, cap; } str;
static void s_add(str *s, const char *t, size_t n)
{
    if (s->n + n + 1 > s->cap) {
        size_t c = s->cap ? s->cap * 2 : 256;
        while (c < s->n + n + 1) c *= 2;
        s->p = realloc(s->p, c);
        if (!s->p) { perror("realloc"); exit(2); }
        s->cap = c;
    }
    memcpy(s->p + s->n, t, n);
    s->n += n;
    s->p[s->n] = 0;
}
static void s_cat(str *s, const char *t) { s_add(s, t, strlen(t)); }
static void s_cp(str *s, uint32_t c) { char b[4]; s_add(s, b, u8_put(b, c)); }

/* ---- hash set of strings (for distinct terms) ---- */
typedef struct { char **slot; size_t cap, n; } sset;
static uint64_t fnv(const char *s, size_t n, uint64_t seed)
{
    uint64_t h = 1469598103934665603ull ^ (seed * 0x9E3779B97F4A7C15ull);
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ull; }
    h ^= h >> 29; h *= 0xBF58476D1CE4E5B9ull; h ^= h >> 32;
    return h;
}
static int sset_add(sset *S, const char *t) /* 1 if new */
{
    if ((S->n + 1) * 2 > S->cap) {
        size_t nc = S->cap ? S->cap * 2 : 1024;
        char **ns = calloc(nc, sizeof *ns);
        for (size_t i = 0; i < S->cap; i++)
            if (S->slot[i]) {
                size_t h = fnv(S->slot[i], strlen(S->slot[i]), 0) & (nc - 1);
                while (ns[h]) h = (h + 1) & (nc - 1);
                ns[h] = S->slot[i];
            }
        free(S->slot);
        S->slot = ns;
        S->cap = nc;
    }
    size_t h = fnv(t, strlen(t), 0) & (S->cap - 1);
    while (S->slot[h]) {
        if (!strcmp(S->slot[h], t)) return 0;
        h = (h + 1) & (S->cap - 1);
    }
    S->slot[h] = strdup(t);
    S->n++;
    return 1;
}

/* ---- dict ---- */
static void gen_term(str *t)
{
    t->n = 0;
    double u = rndf();
    if (u < 0.80) {
        /* term characters: half from the frequent set (uniformly, not by
         * frequency), half from the whole CJK Unified Ideographs block, so
         * accidental hits in the Zipf-distributed messages stay realistic
         * (about one per few hundred bytes at 10k terms) */
        double v = rndf();
        int len = v < 0.30 ? 2 : v < 0.70 ? 3 : v < 0.90 ? 4 : 5;
        for (int i = 0; i < len; i++)
            s_cp(t, rndf() < 0.5 ? han_cp[rndn(n_han)] : 0x4E00 + (uint32_t)rndn(0x9FA5 - 0x4E00 + 1));
    } else if (u < 0.92) {
        /* English word or two, sometimes with digits */
        s_cat(t, EN_TERMS[rndn(N_ENT)]);
        if (rndf() < 0.8) s_cat(t, EN_WORDS[rndn(N_EN)]);
        if (rndf() < 0.4) { char b[16]; snprintf(b, sizeof b, "%u", (unsigned)rndn(1000)); s_cat(t, b); }
    } else {
        /* mixed: han + latin (like "0售k粉qq") */
        s_cp(t, han_cp[rndn(n_han)]);
        s_cat(t, EN_WORDS[rndn(N_EN)]);
        s_cp(t, han_cp[rndn(n_han)]);
    }
}

static int cmd_dict(size_t n)
{
    sset S = {0};
    str t = {0};
    size_t tries = 0;
    while (S.n < n) {
        gen_term(&t);
        if (sset_add(&S, t.p))
            printf("%s\n", t.p);
        if (++tries > n * 50 + 1000) { fprintf(stderr, "gen: cannot make %zu distinct terms\n", n); return 1; }
    }
    return 0;
}

/* ---- messages ---- */
static char **load_lines(const char *path, size_t *n_out)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    char **v = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t r;
    while ((r = getline(&line, &lcap, f)) >= 0) {
        while (r > 0 && (line[r - 1] == '\n' || line[r - 1] == '\r')) line[--r] = 0;
        if (r == 0) continue;
        if (n == cap) { cap = cap ? cap * 2 : 1024; v = realloc(v, cap * sizeof *v); }
        v[n++] = strdup(line);
    }
    free(line);
    fclose(f);
    *n_out = n;
    return v;
}

static int is_ascii_letter(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Append term t disguised one way. */
static void add_disguised(str *m, const char *t)
{
    int kind = (int)rndn(5);
    const char *sep = SEPS[rndn(sizeof SEPS / sizeof SEPS[0])];
    const char *p = t;
    int first = 1;
    while (*p) {
        uint32_t c = u8_get(&p);
        if (!first && (kind == 0 || (kind == 4 && rndf() < 0.5))) s_cat(m, sep);
        first = 0;
        if (kind == 1 || kind == 4) {
            uint32_t tc = trad_of(c);
            if (tc) c = tc;
        }
        if ((kind == 2 || kind == 4) && is_ascii_letter(c)) c = c - 0x21 + 0xFF01; /* full-width */
        if (kind == 3 && c >= 'a' && c <= 'z') c -= 32;
        s_cp(m, c);
    }
}

static size_t msg_len_chars(void)
{
    /* log-normal, median ~10 characters */
    double u1 = rndf(), u2 = rndf();
    if (u1 < 1e-12) u1 = 1e-12;
    double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    double l = exp(log(10.0) + 0.85 * z);
    if (l < 1) l = 1;
    if (l > 400) l = 400;
    return (size_t)l;
}

static int cmd_messages(size_t n, const char *dict, double hit, double disguise, int plain)
{
    size_t n_terms = 0;
    char **terms = dict ? load_lines(dict, &n_terms) : NULL;
    str m = {0};
    for (size_t i = 0; i < n; i++) {
        m.n = 0;
        if (m.p) m.p[0] = 0;
        int english = rndf() < 0.15;
        size_t target = msg_len_chars();
        size_t chars = 0;
        int term_at = -1;
        if (n_terms && rndf() < hit) term_at = (int)rndn(target + 1);
        while (chars < target || term_at >= 0) {
            if (term_at >= 0 && (size_t)term_at <= chars) {
                const char *t = terms[rndn(n_terms)];
                if (!plain && rndf() < disguise) add_disguised(&m, t);
                else s_cat(&m, t);
                term_at = -1;
                chars += 3;
                continue;
            }
            double u = rndf();
            if (english) {
                if (m.n) s_cat(&m, " ");
                s_cat(&m, EN_WORDS[rndn(N_EN)]);
                chars += 4;
                if (u < 0.12) s_cat(&m, PUNCT_EN[rndn(sizeof PUNCT_EN / sizeof PUNCT_EN[0])]);
            } else if (u < 0.80) {
                s_cp(&m, pick_han());
                chars++;
            } else if (u < 0.87) {
                s_cat(&m, plain ? PUNCT_EN[rndn(4)] : PUNCT_ZH[rndn(sizeof PUNCT_ZH / sizeof PUNCT_ZH[0])]);
                chars++;
            } else if (u < 0.94) {
                s_cat(&m, EN_WORDS[rndn(N_EN)]);
                chars += 2;
            } else if (u < 0.97) {
                char b[16];
                snprintf(b, sizeof b, "%u", (unsigned)rndn(10000));
                s_cat(&m, b);
                chars += 2;
            } else {
                s_cat(&m, plain ? " " : EMOJI[rndn(sizeof EMOJI / sizeof EMOJI[0])]);
                chars++;
            }
        }
        fwrite(m.p, 1, m.n, stdout);
        fputc('\n', stdout);
    }
    return 0;
}

/* ---- subset of a real lexicon ---- */
typedef struct { char *t; uint64_t key; size_t order; } item;
static int cmp_key(const void *a, const void *b)
{
    const item *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key ? 1 : (x->order > y->order) - (x->order < y->order);
}
static int cmp_order(const void *a, const void *b)
{
    const item *x = a, *y = b;
    return (x->order > y->order) - (x->order < y->order);
}

static int cmd_subset(const char *path, size_t n, uint64_t seed)
{
    /* a tiny database only to reach the default fold table */
    screener_source src = {.name = "probe", .text = "x\n", .len = 2};
    screener_db *db = NULL;
    if (screener_compile(NULL, &src, 1, &db, NULL) != SCREENER_OK) {
        fprintf(stderr, "gen: cannot compile the probe database\n");
        return 2;
    }
    size_t n_lines = 0;
    char **lines = load_lines(path, &n_lines);
    item *v = malloc((n_lines + 1) * sizeof *v);
    size_t k = 0, dropped = 0;
    sset S = {0};
    for (size_t i = 0; i < n_lines; i++) {
        char *t = lines[i];
        while (*t == ' ') t++;
        size_t len = strlen(t);
        while (len && t[len - 1] == ' ') t[--len] = 0;
        if (!len || strchr(t, '\t') || t[0] == '#' || t[0] == '@' || (unsigned char)t[0] == 0) { dropped++; continue; }
        char *f = NULL;
        size_t fl = 0;
        if (screener_fold_utf8(db, t, len, &f, &fl) != SCREENER_OK || fl == 0) { free(f); dropped++; continue; }
        free(f);
        if (!sset_add(&S, t)) { dropped++; continue; }
        v[k].t = t;
        v[k].key = fnv(t, len, seed);
        v[k].order = i;
        k++;
    }
    if (n && n < k) {
        qsort(v, k, sizeof *v, cmp_key);
        k = n;
        qsort(v, k, sizeof *v, cmp_order);
    }
    for (size_t i = 0; i < k; i++) printf("%s\n", v[i].t);
    fprintf(stderr, "gen subset: %s: %zu lines, %zu dropped (blank/tab/#/@/fold-empty/duplicate), %zu kept\n",
            path, n_lines, dropped, k);
    screener_db_free(db);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: screener_bench_gen dict --n N [--seed S]\n"
            "       screener_bench_gen messages --n N [--seed S] [--dict D] [--hit R] [--disguise P] [--plain]\n"
            "       screener_bench_gen subset --n N [--seed S] LEXICON\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2) usage();
    const char *cmd = argv[1];
    size_t n = 1000;
    uint64_t seed = 1;
    const char *dict = NULL, *pos = NULL;
    double hit = 0.05, disguise = 0.3;
    int plain = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--n") && i + 1 < argc) n = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dict") && i + 1 < argc) dict = argv[++i];
        else if (!strcmp(argv[i], "--hit") && i + 1 < argc) hit = atof(argv[++i]);
        else if (!strcmp(argv[i], "--disguise") && i + 1 < argc) disguise = atof(argv[++i]);
        else if (!strcmp(argv[i], "--plain")) plain = 1;
        else if (argv[i][0] != '-' && !pos) pos = argv[i];
        else usage();
    }
    rng_state = seed * 0x2545F4914F6CDD1Dull + 7;
    init_han();
    if (!strcmp(cmd, "dict")) return cmd_dict(n);
    if (!strcmp(cmd, "messages")) return cmd_messages(n, dict, hit, disguise, plain);
    if (!strcmp(cmd, "subset") && pos) return cmd_subset(pos, n, seed);
    usage();
    return 2;
}
