/*
 * disguise_eval.c — generated evaluation of disguised terms, per disguise
 * class, with exact spans, and of the false alarms the fold must not make.
 *
 * Terms are random pseudo-words (Latin) and random strings of common
 * simplified Han characters, so no real word of the carriers can contain one.
 * Every class writes each term disguised into a carrier sentence and expects
 * exactly that term at exactly the disguised span. The look-alike classes are
 * generated from the look-alike map itself (lib/normalize/lookalike.c): one
 * class per (rule, script) group, each term drawn from the letters the group
 * covers and every such letter replaced by a random member of the group, so
 * every mapped character family is exercised. Negative classes expect no
 * match of the term: spelled-out innocent words that contain a term, the
 * same unspaced (Scunthorpe), and CJK terms split by clause punctuation
 * inside ordinary text.
 *
 * usage: disguise_eval [TERMS_PER_CLASS [SEED]]
 *        disguise_eval --dump DIR [TERMS_PER_CLASS [SEED]]
 *            writes DIR/dict.txt and DIR/cases.tsv (class, negative, start,
 *            end, term, text) for bench/disguise_compare.py, which scores any
 *            screener CLI (e.g. an older build) on the same cases
 * Prints found / exact-span rate per class; exits 1 if any positive class
 * is below 0.99 or any negative class has a false alarm. ctest runs a reduced
 * size; bench/disguise.sh runs it in full.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>

#include "common/utf8.h"
#include "normalize/lookalike.h"
#include "screener.h"

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)((rng >> 11) % n);
}

/* ---- strings -------------------------------------------------------------- */

typedef struct str {
    char p[1024];
    size_t n;
} str;

static void put_cp(str *s, uint32_t c)
{
    if (s->n + 5 >= sizeof s->p)
        return;
    s->n += utf8_put((uint8_t *)s->p + s->n, c);
    s->p[s->n] = 0;
}

static void put_s(str *s, const char *t)
{
    size_t n = strlen(t);
    if (s->n + n + 1 >= sizeof s->p)
        return;
    memcpy(s->p + s->n, t, n + 1);
    s->n += n;
}

/* ---- terms ---------------------------------------------------------------- */

/* common simplified characters that fold to themselves; no carrier
 * character (看 吧 好) is among them */
static const char han_pool[] =
    "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学"
    "对可里后小么心多天而能都然没日于起还发成事只作当想文无开手十用主行方又如前所本见经头面公同三"
    "已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定"
    "女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加"
    "化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车"
    "白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干"
    "接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远";

static uint32_t han_cps[512];
static size_t n_han;

static void han_init(void)
{
    const unsigned char *p = (const unsigned char *)han_pool;
    while (*p) {
        han_cps[n_han++] = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
                           (p[2] & 0x3F);
        p += 3;
    }
}

/* A Latin term: 4..7 letters from `alpha` (must contain one of `need` if
 * given), no letter twice in a row. */
static void latin_term(char *out, const char *alpha, const char *need)
{
    size_t na = strlen(alpha);
    for (;;) {
        unsigned len = 4 + rnd(4);
        char prev = 0;
        for (unsigned i = 0; i < len; i++) {
            char c;
            do
                c = alpha[rnd((unsigned)na)];
            while (c == prev);
            out[i] = prev = c;
        }
        out[len] = 0;
        if (!need || strpbrk(out, need))
            return;
    }
}

static void han_term(uint32_t *t, size_t *n)
{
    *n = 2 + rnd(3);
    for (size_t i = 0; i < *n; i++) {
        uint32_t c;
        do
            c = han_cps[rnd((unsigned)n_han)];
        while (i && c == t[i - 1]);
        t[i] = c;
    }
}

/* ---- the look-alike groups ---------------------------------------------- */

#define MAX_GROUPS 128
typedef struct group {
    int rule, script;
    uint32_t *from[128]; /* by target (ASCII letter, lowercased) or Han index */
    size_t nfrom[128];
    uint32_t han_to[64], *han_from[64]; /* LA_HAN: target and its look-alikes */
    size_t n_han_to, han_nfrom[64];
    char letters[27];
} group;

static group groups[MAX_GROUPS];
static size_t n_groups;

static void push(uint32_t **a, size_t *n, uint32_t c)
{
    *a = realloc(*a, (*n + 1) * sizeof **a);
    (*a)[(*n)++] = c;
}

static int load_groups(void)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    int la_status;
    lookalike *la = lookalike_open(&la_status);
    if (!la || U_FAILURE(st))
        return -1;
    for (UChar32 c = 0x80; c <= 0x10FFFF; c++) {
        if (c == 0xD800)
            c = 0xE000;
        UChar src[2], dst[8];
        int32_t sn = 0;
        U16_APPEND_UNSAFE(src, sn, c);
        UErrorCode e2 = U_ZERO_ERROR;
        int32_t dn = unorm2_normalize(nfkc, src, sn, dst, 8, &e2);
        if (U_FAILURE(e2) || dn != sn || memcmp(src, dst, (size_t)sn * 2))
            continue; /* folded through its NFKC form */
        int why;
        UChar32 to = lookalike_of(la, c, &why);
        if (to < 0)
            continue;
        UErrorCode e3 = U_ZERO_ERROR;
        int script = uscript_getScript(c, &e3);
        size_t g = 0;
        while (g < n_groups && !(groups[g].rule == why && groups[g].script == script))
            g++;
        if (g == n_groups) {
            if (n_groups == MAX_GROUPS)
                continue;
            groups[g].rule = why;
            groups[g].script = script;
            n_groups++;
        }
        group *gr = &groups[g];
        if (why == LA_HAN) {
            size_t h = 0;
            while (h < gr->n_han_to && gr->han_to[h] != (uint32_t)to)
                h++;
            if (h == gr->n_han_to && h < 64)
                gr->han_to[gr->n_han_to++] = (uint32_t)to;
            if (h < 64)
                push(&gr->han_from[h], &gr->han_nfrom[h], (uint32_t)c);
        } else {
            int l = u_tolower(to);
            if (l >= 'a' && l <= 'z')
                push(&gr->from[l], &gr->nfrom[l], (uint32_t)c);
        }
    }
    lookalike_close(la);
    for (size_t g = 0; g < n_groups; g++) {
        size_t k = 0;
        for (int l = 'a'; l <= 'z'; l++)
            if (groups[g].nfrom[l])
                groups[g].letters[k++] = (char)l;
        groups[g].letters[k] = 0;
    }
    return 0;
}

/* ---- cases ---------------------------------------------------------------- */

typedef struct tcase {
    char cls[48];
    char term[64];   /* dictionary form */
    str text;
    size_t start, end; /* expected span (positives) */
    int negative;
} tcase;

static tcase *cases;
static size_t n_cases, cap_cases;

static tcase *new_case(const char *cls, int negative)
{
    if (n_cases == cap_cases) {
        cap_cases = cap_cases ? cap_cases * 2 : 1024;
        cases = realloc(cases, cap_cases * sizeof *cases);
        if (!cases)
            abort();
    }
    tcase *c = &cases[n_cases++];
    memset(c, 0, sizeof *c);
    snprintf(c->cls, sizeof c->cls, "%s", cls);
    c->negative = negative;
    return c;
}

static void han_str(char *out, const uint32_t *t, size_t n)
{
    str s = {{0}, 0};
    for (size_t i = 0; i < n; i++)
        put_cp(&s, t[i]);
    memcpy(out, s.p, s.n + 1);
}

/* A Latin term written letter by letter through f, between "well " and
 * " then". */
typedef void (*letter_fn)(str *s, char c, size_t i, size_t n, const void *arg);

static void latin_case(const char *cls, const char *term, letter_fn f, const void *arg)
{
    tcase *c = new_case(cls, 0);
    snprintf(c->term, sizeof c->term, "%s", term);
    put_s(&c->text, "well ");
    c->start = c->text.n;
    size_t n = strlen(term);
    for (size_t i = 0; i < n; i++)
        f(&c->text, term[i], i, n, arg);
    c->end = c->text.n;
    put_s(&c->text, " then");
}

static void l_plain(str *s, char c, size_t i, size_t n, const void *a) { (void)i, (void)n, (void)a; put_cp(s, (uint32_t)c); }
static void l_upper(str *s, char c, size_t i, size_t n, const void *a) { (void)i, (void)n, (void)a; put_cp(s, (uint32_t)(c - 32)); }
static void l_full(str *s, char c, size_t i, size_t n, const void *a) { (void)i, (void)n, (void)a; put_cp(s, 0xFF41u + (uint32_t)(c - 'a')); }
static void l_bold(str *s, char c, size_t i, size_t n, const void *a) { (void)i, (void)n, (void)a; put_cp(s, 0x1D41Au + (uint32_t)(c - 'a')); }
static void l_circled(str *s, char c, size_t i, size_t n, const void *a) { (void)i, (void)n, (void)a; put_cp(s, 0x24D0u + (uint32_t)(c - 'a')); }
static void l_negsq(str *s, char c, size_t i, size_t n, const void *a) { (void)i, (void)n, (void)a; put_cp(s, 0x1F170u + (uint32_t)(c - 'a')); }
static void l_accent(str *s, char c, size_t i, size_t n, const void *a)
{
    (void)i, (void)n, (void)a;
    put_cp(s, (uint32_t)c);
    put_cp(s, 0x0300u + rnd(5)); /* grave, acute, circumflex, tilde, macron */
}
static void l_zalgo(str *s, char c, size_t i, size_t n, const void *a)
{
    (void)n, (void)a;
    put_cp(s, (uint32_t)c);
    unsigned k = 2 + rnd(4);
    for (unsigned q = 0; q < k; q++)
        put_cp(s, (q == 0 && i % 2) ? 0x0345u : 0x0300u + rnd(0x70));
}
static void l_sep(str *s, char c, size_t i, size_t n, const void *a)
{
    (void)n;
    if (i)
        put_s(s, (const char *)a);
    put_cp(s, (uint32_t)c);
}
static void l_stretch(str *s, char c, size_t i, size_t n, const void *a)
{
    (void)n;
    unsigned reps = i == *(const size_t *)a ? 4 : 1;
    for (unsigned r = 0; r < reps; r++)
        put_cp(s, (uint32_t)c);
}
static void l_group(str *s, char c, size_t i, size_t n, const void *a)
{
    (void)i, (void)n;
    const group *g = a;
    if (g->nfrom[(int)c])
        put_cp(s, g->from[(int)c][rnd((unsigned)g->nfrom[(int)c])]);
    else
        put_cp(s, (uint32_t)c);
}
static void l_mixed(str *s, char c, size_t i, size_t n, const void *a)
{
    (void)i, (void)n, (void)a;
    /* each letter from a different, random Latin-reading group */
    for (int tries = 0; tries < 20; tries++) {
        const group *g = &groups[rnd((unsigned)n_groups)];
        if (g->rule != LA_HAN && g->rule != LA_REGIONAL && g->nfrom[(int)c]) {
            put_cp(s, g->from[(int)c][rnd((unsigned)g->nfrom[(int)c])]);
            return;
        }
    }
    put_cp(s, (uint32_t)c);
}

static const char alpha[] = "abcdefghijklmnopqrstuvwxyz";

static void gen_latin(size_t per)
{
    static const struct {
        const char *cls;
        letter_fn f;
        const void *arg;
    } kinds[] = {
        {"plain", l_plain, NULL},          {"upper", l_upper, NULL},
        {"fullwidth", l_full, NULL},       {"math_bold", l_bold, NULL},
        {"circled", l_circled, NULL},      {"negative_squared", l_negsq, NULL},
        {"accents", l_accent, NULL},       {"zalgo", l_zalgo, NULL},
        {"spaced", l_sep, " "},            {"dotted", l_sep, "."},
        {"zero_width", l_sep, "\xE2\x80\x8B"}, {"soft_hyphen", l_sep, "\xC2\xAD"},
        {"nbsp", l_sep, "\xC2\xA0"},       {"mixed_scripts", l_mixed, NULL},
    };
    char term[16];
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t i = 0; i < per; i++) {
            latin_term(term, alpha, NULL);
            latin_case(kinds[k].cls, term, kinds[k].f, kinds[k].arg);
        }
    for (size_t i = 0; i < per; i++) {
        latin_term(term, alpha, NULL);
        size_t at = rnd((unsigned)strlen(term));
        latin_case("stretched", term, l_stretch, &at);
    }
    for (size_t g = 0; g < n_groups; g++) {
        const group *gr = &groups[g];
        if (gr->rule == LA_HAN || !gr->letters[0])
            continue;
        char cls[48];
        snprintf(cls, sizeof cls, "la_%s_%s", lookalike_rule_name(gr->rule),
                 uscript_getShortName((UScriptCode)gr->script));
        for (size_t i = 0; i < per; i++) {
            /* letters of the group, with plain letters mixed in when the
             * group covers fewer than three */
            latin_term(term, strlen(gr->letters) >= 3 ? gr->letters : alpha, gr->letters);
            latin_case(cls, term, l_group, gr);
        }
    }
}

/* A CJK term between `left` and `right`, its characters joined by sep. */
static void cjk_case(const char *cls, const uint32_t *t, size_t n, const uint32_t *shown,
                     const char *left, const char *sep, const char *right, int negative)
{
    tcase *c = new_case(cls, negative);
    han_str(c->term, t, n);
    put_s(&c->text, left);
    c->start = c->text.n;
    for (size_t i = 0; i < n; i++) {
        if (i)
            put_s(&c->text, sep);
        put_cp(&c->text, shown ? shown[i] : t[i]);
    }
    c->end = c->text.n;
    put_s(&c->text, right);
}

static const char *const clause_punct[] = {
    "\xEF\xBC\x8C", "\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F", "\xEF\xBC\x9B",
    "\xEF\xBC\x9A", "\xE3\x80\x81", ",", ".", "!", "?", ";", ":",
};
#define N_CLAUSE (sizeof clause_punct / sizeof clause_punct[0])

static void gen_cjk(size_t per)
{
    uint32_t t[8];
    size_t n;
    for (size_t i = 0; i < per; i++) {
        han_term(t, &n);
        cjk_case("cjk_plain", t, n, NULL, "看", "", "吧", 0);
        han_term(t, &n);
        cjk_case("cjk_spaced", t, n, NULL, "看", " ", "吧", 0);
        han_term(t, &n);
        cjk_case("cjk_zero_width", t, n, NULL, "看", "\xE2\x80\x8B", "吧", 0);
        han_term(t, &n);
        cjk_case("cjk_ideographic_space", t, n, NULL, "看", "\xE3\x80\x80", "吧", 0);
        han_term(t, &n);
        const char *p = clause_punct[rnd(N_CLAUSE)];
        cjk_case("cjk_clause_separated", t, n, NULL, "看 ", p, " 吧", 0);
    }
    /* Kana drawn like Han: terms holding a target character */
    for (size_t g = 0; g < n_groups; g++) {
        const group *gr = &groups[g];
        if (gr->rule != LA_HAN)
            continue;
        char cls[48];
        snprintf(cls, sizeof cls, "la_han_%s", uscript_getShortName((UScriptCode)gr->script));
        for (size_t i = 0; i < per; i++) {
            uint32_t shown[8];
            han_term(t, &n);
            size_t h = rnd((unsigned)gr->n_han_to), at = rnd((unsigned)n);
            t[at] = gr->han_to[h];
            if (at && t[at - 1] == t[at])
                t[at - 1] = han_cps[0];
            if (at + 1 < n && t[at + 1] == t[at])
                t[at + 1] = han_cps[0];
            memcpy(shown, t, n * sizeof *t);
            shown[at] = gr->han_from[h][rnd((unsigned)gr->han_nfrom[h])];
            cjk_case(cls, t, n, shown, "看", "", "吧", 0);
        }
    }
}

/* ---- leetspeak (docs/leet.md) ---------------------------------------------- */

/* Every substitution of the leet table: a character and the letter it is
 * read as. */
static const struct {
    const char *name, *shown;
    char letter;
} leet_subs[] = {
    {"0_o", "0", 'o'}, {"1_i", "1", 'i'}, {"3_e", "3", 'e'}, {"4_a", "4", 'a'},
    {"5_s", "5", 's'}, {"7_t", "7", 't'}, {"8_b", "8", 'b'}, {"9_g", "9", 'g'},
    {"dollar_s", "$", 's'}, {"at_a", "@", 'a'}, {"bang_i", "!", 'i'}, {"bar_l", "|", 'l'},
    {"plus_t", "+", 't'}, {"paren_c", "(", 'c'},
};
#define N_LEET (sizeof leet_subs / sizeof leet_subs[0])

/* Leet arguments: which term positions are written as which character, and
 * the separator between letters ("" unspaced). */
typedef struct leet_arg {
    const char *shown[16];
    const char *sep;
    size_t stretch_at, stretch; /* a letter repeated `stretch` times (0: none) */
} leet_arg;

static void l_leet(str *s, char c, size_t i, size_t n, const void *a)
{
    (void)n;
    const leet_arg *la = a;
    size_t reps = la->stretch && i == la->stretch_at ? la->stretch : 1;
    for (size_t r = 0; r < reps; r++) {
        if (i || r)
            put_s(s, la->sep);
        if (la->shown[i])
            put_s(s, la->shown[i]);
        else
            put_cp(s, (uint32_t)c);
    }
}

/* A term (5..7 letters unless `len` asks) with `letter` at an inside
 * position *at (neither first nor last). */
static void leet_term(char *term, char letter, size_t *at)
{
    char need[2] = {letter, 0};
    for (;;) {
        latin_term(term, alpha, need);
        size_t n = strlen(term);
        const char *p = strchr(term + 1, letter);
        if (n >= 5 && p && (size_t)(p - term) < n - 1) {
            *at = (size_t)(p - term);
            return;
        }
    }
}

static void gen_leet(size_t per)
{
    char term[16];
    for (size_t k = 0; k < N_LEET; k++) {
        char cls[48];
        snprintf(cls, sizeof cls, "leet_%s", leet_subs[k].name);
        for (size_t i = 0; i < per; i++) {
            leet_arg la = {{0}, "", 0, 0};
            size_t at;
            leet_term(term, leet_subs[k].letter, &at);
            la.shown[at] = leet_subs[k].shown;
            latin_case(cls, term, l_leet, &la);
        }
    }
    for (size_t i = 0; i < per; i++) {
        leet_arg la = {{0}, "", 0, 0};
        /* at a word's edge: @ and $ first, $ last, a digit first (5lut) */
        latin_term(term, alpha, NULL);
        term[0] = 'a';
        la.shown[0] = "@";
        latin_case("leet_at_first", term, l_leet, &la);
        latin_term(term, alpha, NULL);
        term[0] = 's';
        la.shown[0] = "$";
        latin_case("leet_dollar_first", term, l_leet, &la);
        memset(&la, 0, sizeof la);
        la.sep = "";
        do
            latin_term(term, alpha, NULL);
        while (term[strlen(term) - 2] == 's');
        size_t n = strlen(term);
        term[n - 1] = 's';
        la.shown[n - 1] = "$";
        latin_case("leet_dollar_last", term, l_leet, &la);
        memset(&la, 0, sizeof la);
        la.sep = "";
        do
            latin_term(term, alpha, NULL);
        while (strlen(term) < 5);
        term[0] = term[1] == 's' ? 'e' : 's';
        la.shown[0] = term[0] == 's' ? "5" : "3";
        latin_case("leet_digit_first", term, l_leet, &la);
        /* ph for f at the start */
        memset(&la, 0, sizeof la);
        la.sep = "";
        latin_term(term, alpha, NULL);
        term[0] = 'f';
        term[1] = rnd(2) ? 'u' : 'a'; /* ph before u or a (docs/leet.md) */
        if (term[2] == term[1])
            term[2] = 'k';
        la.shown[0] = rnd(2) ? "ph" : "Ph";
        latin_case("leet_ph_f", term, l_leet, &la);
    }
    for (size_t i = 0; i < per; i++) {
        /* mixed: two different substitutions, apart from each other */
        leet_arg la = {{0}, "", 0, 0};
        size_t k1 = rnd((unsigned)N_LEET), k2 = rnd((unsigned)N_LEET);
        for (;;) {
            latin_term(term, alpha, NULL);
            size_t n = strlen(term);
            if (n < 6)
                continue;
            term[1] = leet_subs[k1].letter;
            term[n - 2] = leet_subs[k2].letter;
            int again = 0;
            for (size_t q = 1; q < n; q++)
                again |= term[q] == term[q - 1];
            if (!again)
                break;
        }
        la.shown[1] = leet_subs[k1].shown;
        la.shown[strlen(term) - 2] = leet_subs[k2].shown;
        latin_case("leet_mixed", term, l_leet, &la);
        /* leet and spacing: f 4 c k */
        memset(&la, 0, sizeof la);
        size_t at, k = rnd((unsigned)N_LEET);
        leet_term(term, leet_subs[k].letter, &at);
        la.shown[at] = leet_subs[k].shown;
        la.sep = rnd(2) ? " " : ".";
        latin_case("leet_spaced", term, l_leet, &la);
        /* spaced and stretched: f u u u c k, inside and at the edges */
        memset(&la, 0, sizeof la);
        latin_term(term, alpha, NULL);
        la.sep = " ";
        la.stretch_at = 1 + rnd((unsigned)strlen(term) - 2);
        la.stretch = 3 + rnd(4);
        latin_case("spaced_stretched", term, l_leet, &la);
        memset(&la, 0, sizeof la);
        latin_term(term, alpha, NULL);
        la.sep = rnd(2) ? " " : "-";
        la.stretch_at = rnd(2) ? 0 : strlen(term) - 1;
        la.stretch = 3 + rnd(4);
        latin_case("spaced_stretched_edge", term, l_leet, &la);
    }
}

/* Numbers, prices, handles and ordinals are not leet: each is written in
 * a sentence, with the naive reading of it as a term. */
static void gen_leet_negatives(size_t per)
{
    static const char *const fixed[][2] = {
        {"1st", "ist"},   {"3rd", "erd"},   {"4th", "ath"},   {"5th", "sth"},
        {"4u", "au"},     {"$5", "ss"},     {"$50", "sso"},   {"1990", "iggo"},
        {"100%", "ioo"},  {"5pm", "spm"},   {"10am", "ioam"}, {"mp3", "mpe"},
        {"b2b", "bb"},    {"x10", "xio"},   {"$1.99", "sigg"}, {"2020", "oo"},
    };
    for (size_t i = 0; i < per; i++) {
        const char *const *f = fixed[i % (sizeof fixed / sizeof fixed[0])];
        tcase *c = new_case("neg_leet_numbers", 1);
        snprintf(c->term, sizeof c->term, "%s", f[1]);
        put_s(&c->text, "see you on the ");
        put_s(&c->text, f[0]);
        put_s(&c->text, " then");
        /* a handle: @ and a name of 7+ letters or with digits */
        char name[16], word[40];
        latin_term(name, alpha, NULL);
        if (strlen(name) < 7 && rnd(2))
            snprintf(word, sizeof word, "%s%u", name, rnd(100));
        else
            snprintf(word, sizeof word, "%s%s", name, strlen(name) < 7 ? "xyz" : "");
        c = new_case("neg_leet_handles", 1);
        snprintf(c->term, sizeof c->term, "a%s", word);
        put_s(&c->text, "thanks @");
        put_s(&c->text, word);
        put_s(&c->text, " for that");
        /* a link and an e-mail address holding a term in leet */
        {
            char t2[16];
            size_t at2, k2 = rnd((unsigned)N_LEET);
            leet_term(t2, leet_subs[k2].letter, &at2);
            str shown = {{0}, 0};
            for (size_t q = 0; t2[q]; q++) {
                if (q == at2)
                    put_s(&shown, leet_subs[k2].shown);
                else
                    put_cp(&shown, (uint32_t)t2[q]);
            }
            c = new_case("neg_leet_links", 1);
            snprintf(c->term, sizeof c->term, "%s", t2);
            put_s(&c->text, rnd(2) ? "look http://t.co/" : "mail ");
            put_s(&c->text, shown.p);
            put_s(&c->text, c->text.p[0] == 'l' ? "?x=1 now" : "@mail.com now");
        }
        /* Scunthorpe with leet: a word holding a term, a letter of the
         * term written in leet (cl4ss holds "ass" but is "class") */
        char term[16], pre[8], suf[8];
        size_t at, k = rnd((unsigned)N_LEET);
        leet_term(term, leet_subs[k].letter, &at);
        latin_term(pre, alpha, NULL);
        latin_term(suf, alpha, NULL);
        pre[1 + rnd(3)] = 0;
        suf[1 + rnd(3)] = 0;
        c = new_case("neg_leet_scunthorpe", 1);
        snprintf(c->term, sizeof c->term, "%s", term);
        put_s(&c->text, "the ");
        put_s(&c->text, pre);
        for (size_t q = 0; term[q]; q++) {
            if (q == at)
                put_s(&c->text, leet_subs[k].shown);
            else
                put_cp(&c->text, (uint32_t)term[q]);
        }
        put_s(&c->text, suf);
        put_s(&c->text, " of 2024");
        /* spelled out and stretched inside an innocent word */
        c = new_case("neg_spaced_stretched_innocent", 1);
        latin_term(term, alpha, NULL);
        snprintf(c->term, sizeof c->term, "%s", term);
        snprintf(word, sizeof word, "%s%s%s", pre, term, suf);
        put_s(&c->text, "the ");
        for (size_t q = 0; word[q]; q++) {
            size_t reps = q == strlen(pre) + 1 ? 3 : 1;
            for (size_t r = 0; r < reps; r++) {
                if (q || r)
                    put_s(&c->text, " ");
                put_cp(&c->text, (uint32_t)word[q]);
            }
        }
        put_s(&c->text, " of 2024");
    }
}

static void gen_negatives(size_t per)
{
    char term[16], pre[8], suf[8];
    for (size_t i = 0; i < per; i++) {
        latin_term(term, alpha, NULL);
        latin_term(pre, alpha, NULL);
        latin_term(suf, alpha, NULL);
        pre[1 + rnd(3)] = 0;
        suf[1 + rnd(3)] = 0;
        char word[40];
        snprintf(word, sizeof word, "%s%s%s", pre, term, suf);
        tcase *c = new_case("neg_spelled_innocent", 1);
        snprintf(c->term, sizeof c->term, "%s", term);
        put_s(&c->text, "the ");
        for (size_t q = 0; word[q]; q++) {
            if (q)
                put_s(&c->text, " ");
            put_cp(&c->text, (uint32_t)word[q]);
        }
        put_s(&c->text, " of 2024");
        c = new_case("neg_scunthorpe", 1);
        snprintf(c->term, sizeof c->term, "%s", term);
        put_s(&c->text, "the ");
        put_s(&c->text, word);
        put_s(&c->text, " of 2024");
    }
    uint32_t t[8];
    size_t n;
    for (size_t i = 0; i < per; i++) {
        /* ordinary text: a clause ends inside the term */
        han_term(t, &n);
        tcase *c = new_case("neg_cjk_clause", 1);
        han_str(c->term, t, n);
        size_t cut = 1 + rnd((unsigned)(n - 1));
        put_s(&c->text, "看");
        for (size_t q = 0; q < n; q++) {
            if (q == cut)
                put_s(&c->text, clause_punct[rnd(N_CLAUSE)]);
            put_cp(&c->text, t[q]);
        }
        put_s(&c->text, "吧");
        /* separated run, but joined to the text around it */
        han_term(t, &n);
        c = new_case("neg_cjk_clause_in_text", 1);
        han_str(c->term, t, n);
        const char *p = clause_punct[rnd(N_CLAUSE)];
        put_s(&c->text, "看");
        for (size_t q = 0; q < n; q++) {
            if (q)
                put_s(&c->text, p);
            put_cp(&c->text, t[q]);
        }
        put_s(&c->text, "吧");
    }
}

/* ---- run ------------------------------------------------------------------ */

typedef struct tally {
    char cls[48];
    size_t n, found, exact, negative;
} tally;

static int dump(const char *dir, const char *dict, size_t dn)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/dict.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(dict, 1, dn, f) != dn || fclose(f)) {
        fprintf(stderr, "disguise_eval: cannot write %s\n", path);
        return 2;
    }
    snprintf(path, sizeof path, "%s/cases.tsv", dir);
    f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "disguise_eval: cannot write %s\n", path);
        return 2;
    }
    for (size_t i = 0; i < n_cases; i++)
        fprintf(f, "%s\t%d\t%zu\t%zu\t%s\t%s\n", cases[i].cls, cases[i].negative,
                cases[i].start, cases[i].end, cases[i].term, cases[i].text.p);
    return fclose(f) ? 2 : 0;
}

int main(int argc, char **argv)
{
    const char *dump_dir = NULL;
    if (argc > 2 && strcmp(argv[1], "--dump") == 0) {
        dump_dir = argv[2];
        argc -= 2;
        argv += 2;
    }
    size_t per = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 30;
    if (argc > 2)
        rng ^= strtoull(argv[2], NULL, 10) * 0x9E3779B97F4A7C15ull;
    han_init();
    if (load_groups()) {
        fprintf(stderr, "disguise_eval: look-alike map unavailable\n");
        return 2;
    }
    gen_latin(per);
    gen_cjk(per);
    gen_negatives(per);
    gen_leet(per);
    gen_leet_negatives(per);

    /* one dictionary of every term (substring matching is not wanted: the
     * default boundary rules apply) */
    size_t cap = n_cases * 80 + 1;
    char *dict = malloc(cap);
    size_t dn = 0;
    for (size_t i = 0; i < n_cases; i++)
        dn += (size_t)snprintf(dict + dn, cap - dn, "%s\n", cases[i].term);
    if (dump_dir) {
        int rc = dump(dump_dir, dict, dn);
        free(dict);
        return rc;
    }
    screener_source src = {.name = "generated", .text = dict, .len = dn};
    screener_db *db = NULL;
    screener_scratch *scratch = NULL;
    screener_error *err = NULL;
    if (screener_compile(NULL, &src, 1, &db, &err) != SCREENER_OK ||
        screener_scratch_alloc(db, &scratch) != SCREENER_OK) {
        fprintf(stderr, "disguise_eval: compile: %s\n", err ? screener_error_message(err) : "?");
        return 2;
    }
    tally t[256];
    size_t nt = 0;
    for (size_t i = 0; i < n_cases; i++) {
        tcase *c = &cases[i];
        size_t k = 0;
        while (k < nt && strcmp(t[k].cls, c->cls))
            k++;
        if (k == nt) {
            if (nt == 256)
                continue;
            memset(&t[nt], 0, sizeof t[nt]);
            snprintf(t[nt].cls, sizeof t[nt].cls, "%s", c->cls);
            t[nt].negative = (size_t)c->negative;
            nt++;
        }
        const screener_result *r = NULL;
        if (screener_scan(db, scratch, c->text.p, c->text.n, &r) != SCREENER_OK)
            return 2;
        int found = 0, exact = 0;
        for (size_t m = 0; m < r->n_matches; m++) {
            screener_entry_info info;
            screener_db_entry(db, r->matches[m].entry_id, &info);
            if (strcmp(info.term, c->term) != 0)
                continue;
            found = 1;
            exact |= r->matches[m].start == c->start && r->matches[m].end == c->end;
        }
        t[k].n++;
        t[k].found += (size_t)found;
        t[k].exact += (size_t)exact;
        if (getenv("DISGUISE_EVAL_VERBOSE") && (c->negative ? found : !exact))
            printf("  %s: term %s text \"%s\"%s\n", c->cls, c->term, c->text.p,
                   found ? " (found, span differs)" : "");
    }
    int bad = 0;
    printf("%-34s %6s %8s %8s\n", "class", "terms", "found", "exact");
    for (size_t k = 0; k < nt; k++) {
        double f = t[k].n ? (double)t[k].found / (double)t[k].n : 0;
        double e = t[k].n ? (double)t[k].exact / (double)t[k].n : 0;
        int fail = t[k].negative ? t[k].found != 0 : e < 0.99;
        bad |= fail;
        if (t[k].negative)
            printf("%-34s %6zu %8zu %8s%s\n", t[k].cls, t[k].n, t[k].found, "(false)",
                   fail ? "  FAIL" : "");
        else
            printf("%-34s %6zu %8.3f %8.3f%s\n", t[k].cls, t[k].n, f, e, fail ? "  FAIL" : "");
    }
    screener_scratch_free(scratch);
    screener_db_free(db);
    free(dict);
    free(cases);
    return bad;
}
