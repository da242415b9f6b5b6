/*
 * eval_numbers.c — evaluation of numbers in disguise with the built-in
 * dictionaries: mobile numbers, resident ID numbers, bank cards (detectors)
 * and QQ handles (the ads_spam regex), generated valid (numgen.h), written
 * in every digit form (including every script's decimal digits, found with
 * ICU, and Chinese numerals) with every separator style, and put inside a
 * carrier: a line of real chat when --carriers FILE is given, else one of a
 * few built-in phrases. A number counts as found when a match of its
 * detector (or of the QQ regex) has exactly the number's span.
 *
 * Negatives: generated sentences made of ordinary words with numerals
 * (一一对应, 三三两两, 五星级酒店, 九九八十一 ...) and, with --carriers, the carrier
 * lines that are rich in numerals: every detector match there is printed.
 *
 * usage: eval_numbers --dicts DIR [--carriers FILE] [--per N] [--seed S]
 *                     [--min-rate R]
 * Exits 1 if the rate is below R (default 0.99) or a generated negative
 * sentence is flagged. Prints a table by kind, by form and by separator.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utf8.h>

#include "numgen.h"
#include "screener.h"

#define MAX_LINE 4096

typedef struct tally {
    long found, total;
} tally;

static screener_db *db;
static screener_scratch *scratch;

static int compile_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "eval_numbers: cannot open %s\n", dir);
        return 1;
    }
    static char paths[64][1024];
    screener_source src[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        snprintf(paths[n], sizeof paths[n], "%s/%s", dir, e->d_name);
        src[n] = (screener_source){.path = paths[n]};
        n++;
    }
    closedir(d);
    screener_error *err = NULL;
    if (screener_compile(NULL, src, n, &db, &err) != SCREENER_OK) {
        fprintf(stderr, "eval_numbers: %s\n", err ? screener_error_message(err) : "compile");
        return 1;
    }
    return screener_scratch_alloc(db, &scratch) != SCREENER_OK;
}

/* ---- carriers ---------------------------------------------------------------- */

static char **lines;
static size_t n_lines;

static void load_carriers(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "eval_numbers: cannot read %s (carriers skipped)\n", path);
        return;
    }
    char buf[MAX_LINE];
    size_t cap = 0;
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = 0;
        if (!buf[0])
            continue;
        if (n_lines == cap) {
            cap = cap ? cap * 2 : 4096;
            lines = realloc(lines, cap * sizeof *lines);
        }
        lines[n_lines++] = strdup(buf);
    }
    fclose(f);
}

static int32_t next_cp(const char *s, size_t n, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s;
    int32_t c;
    U8_NEXT(p, *i, (int32_t)n, c);
    return c;
}

/* 1 if c is noise the fold drops (so a number would run on across it). */
static int dropped(int32_t c)
{
    uint32_t m = U_GET_GC_MASK(c);
    return (m & (U_GC_P_MASK | U_GC_Z_MASK | U_GC_S_MASK | U_GC_CC_MASK | U_GC_CF_MASK |
                 U_GC_M_MASK)) != 0 ||
           u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

/* 1 if c could continue a number: a digit of any form, a numeral, X. */
static int numberish(int32_t c)
{
    return c < 0 || u_getNumericValue(c) != U_NO_NUMERIC_VALUE || c == 0x4E24 /* 两 */ ||
           c == 0x5169 /* 兩 */ || c == 'x' || c == 'X' || c == 0xFF38 || c == 0xFF58;
}

/* A place in line l where the first kept characters before and after are
 * not number characters (else the number would run on into the text: the
 * reader could not tell either). Returns the byte offset or -1. */
static long insertion_point(uint64_t *s, const char *l)
{
    size_t n = strlen(l);
    size_t starts[MAX_LINE];
    size_t k = 0;
    for (size_t i = 0; i <= n;) {
        starts[k++] = i;
        if (i == n)
            break;
        next_cp(l, n, &i);
    }
    for (int tries = 0; tries < 8; tries++) {
        size_t at = starts[ng_below(s, (int)k)];
        int ok = 1;
        for (size_t j = at; j < n && ok;) { /* after */
            int32_t c = next_cp(l, n, &j);
            if (j - at <= 4 && (u_hasBinaryProperty(c, UCHAR_GRAPHEME_EXTEND) || c == 0x200D)) {
                ok = 0; /* it would attach to the number's last character */
                break;
            }
            if (dropped(c))
                continue;
            ok = !numberish(c);
            break;
        }
        size_t idx = 0;
        while (starts[idx] != at)
            idx++;
        while (ok && idx > 0) { /* before */
            size_t j = starts[--idx];
            int32_t c = next_cp(l, n, &j);
            if (dropped(c))
                continue;
            ok = !numberish(c);
            break;
        }
        if (ok)
            return (long)at;
    }
    return -1;
}

static const char *const phrases[][2] = {
    {"加我", "详聊"}, {"电话", ""}, {"我的手机号是", "，有事打给我"}, {"", ""},
    {"身份证号", "请核对"}, {"卡号：", "。"}, {"联系方式 ", " 备注来意"}, {"call me ", " ok"},
};

/* ---- one case ------------------------------------------------------------------ */

/* 1 if the entry is one of the number matchers evaluated here. */
static int number_entry(const screener_entry_info *info)
{
    for (int k = 0; k < NG_QQ; k++)
        if (strcmp(info->term, ng_kind_names[k]) == 0)
            return 1;
    return strstr(info->term, "qq|") != NULL;
}

/* The term of the first number match in text, or NULL. */
static const char *number_match(const char *text, size_t len)
{
    const screener_result *r;
    if (screener_scan(db, scratch, text, len, &r) != SCREENER_OK)
        return NULL;
    for (size_t i = 0; i < r->n_matches; i++) {
        screener_entry_info info;
        screener_db_entry(db, r->matches[i].entry_id, &info);
        if (number_entry(&info))
            return info.term;
    }
    return NULL;
}

static const char *expected_term(int kind)
{
    return kind == NG_QQ ? NULL : ng_kind_names[kind];
}

/* Scan text and look for a match of the kind with span [b, e). */
static int found_in(const char *text, size_t len, int kind, size_t b, size_t e)
{
    const screener_result *r;
    if (screener_scan(db, scratch, text, len, &r) != SCREENER_OK)
        return 0;
    for (size_t i = 0; i < r->n_matches; i++) {
        screener_entry_info info;
        screener_db_entry(db, r->matches[i].entry_id, &info);
        const char *want = expected_term(kind);
        int right = want ? strcmp(info.term, want) == 0
                         : strstr(info.term, "qq|") != NULL; /* the QQ regex */
        if (right && r->matches[i].start == b && r->matches[i].end == e)
            return 1;
    }
    return 0;
}

/* The QQ regex reads the byte view, where ASCII punctuation is kept: its
 * handles are tested without punctuation separators (as for ASCII digits). */
static int sep_applies(int kind, int sep)
{
    if (kind != NG_QQ)
        return 1;
    return sep == NG_SEP_NONE || sep == NG_SEP_SPACE || sep == NG_SEP_EVERY_SPACE ||
           sep == NG_SEP_ZWSP || sep == NG_SEP_IDEO_SPACE;
}

static int run_case(uint64_t *s, const ng_form *forms, int n_forms, int form, int kind, int sep,
                    char *example, size_t example_cap)
{
    char digits[24], num[1024], text[MAX_LINE + 1200];
    ng_number(s, kind, digits);
    size_t nl = ng_write(s, forms, n_forms, form, sep, digits, num);
    const char *prefix = kind == NG_QQ ? (ng_below(s, 2) ? "qq号：" : "扣扣 ") : "";
    size_t w = 0, b, e;
    if (n_lines) {
        const char *l;
        long at;
        do /* a line with a place where a number can stand apart */
            at = insertion_point(s, l = lines[ng_below(s, (int)n_lines)]);
        while (at < 0);
        memcpy(text, l, (size_t)at);
        w = (size_t)at;
        b = w;
        w += (size_t)sprintf(text + w, "%s", prefix);
        memcpy(text + w, num, nl);
        w += nl;
        e = w;
        w += (size_t)sprintf(text + w, "%s", l + at);
    } else {
        int p = ng_below(s, (int)(sizeof phrases / sizeof phrases[0]));
        w = (size_t)sprintf(text, "%s", phrases[p][0]);
        b = w;
        w += (size_t)sprintf(text + w, "%s", prefix);
        memcpy(text + w, num, nl);
        w += nl;
        e = w;
        w += (size_t)sprintf(text + w, "%s", phrases[p][1]);
    }
    if (kind != NG_QQ)
        b += strlen(prefix);
    else if (forms[form].keycap || form == n_forms - 1) {
        /* a regex span ends at the last digit's own character, before the
         * keycap's U+FE0F U+20E3 */
        while (e - b > 6 && memcmp(text + e - 6, "\xEF\xB8\x8F\xE2\x83\xA3", 6) == 0)
            e -= 6;
    }
    int ok = found_in(text, w, kind, b, e);
    if (!ok && example && !example[0]) {
        const char *parts[] = {ng_kind_names[kind], "/", forms[form].name, "/",
                               ng_sep_names[sep], ": ", text};
        size_t used = 0;
        for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
            size_t len = strlen(parts[k]);
            if (used + len >= example_cap)
                len = example_cap - used - 1;
            memcpy(example + used, parts[k], len);
            used += len;
        }
        example[used] = 0;
    }
    return ok;
}

/* ---- negatives ------------------------------------------------------------------- */

static const char *const numeral_words[] = {
    "一起", "一下", "一一对应", "三三两两", "五星级酒店", "第一", "十一", "一二三四五",
    "七七八八", "一五一十", "九九八十一", "二〇二三年", "三个人", "两个", "一百", "千万",
    "四面八方", "五湖四海", "一心一意", "三心二意", "七上八下", "十全十美", "六六大顺",
    "一路顺风", "二八年华", "三五成群", "星期一", "周三", "十二点", "三十八度", "壹佰元整",
    "零零星星", "一九八四", "二零零八年", "幺蛾子", "两三天", "五六七八个", "2023年",
    "100元", "第3名", "一二三四五六七八九十",
};
static const char *const joiners[] = {"的", "了", "和", "是", "，我", "。他", "！你", "在"};

static long negatives(uint64_t *s, int n, long *flagged_out)
{
    long flagged = 0;
    for (int k = 0; k < n; k++) {
        char text[1024];
        size_t w = 0;
        int words = 3 + ng_below(s, 6);
        for (int i = 0; i < words; i++) {
            if (i)
                w += (size_t)sprintf(text + w, "%s",
                                     joiners[ng_below(s, sizeof joiners / sizeof joiners[0])]);
            w += (size_t)sprintf(
                text + w, "%s",
                numeral_words[ng_below(s, sizeof numeral_words / sizeof numeral_words[0])]);
        }
        const char *term = number_match(text, w);
        if (term && flagged++ < 5)
            printf("  FALSE ALARM %s in: %s\n", term, text);
    }
    *flagged_out = flagged;
    return n;
}

/* Carrier lines with at least 4 Chinese numerals: print detector matches. */
static void numeral_rich_lines(void)
{
    long rich = 0, flagged = 0;
    for (size_t k = 0; k < n_lines; k++) {
        const char *l = lines[k];
        size_t n = strlen(l), numerals = 0;
        for (size_t i = 0; i < n;) {
            int32_t c = next_cp(l, n, &i);
            numerals += c >= 0x3000 && u_getNumericValue(c) != U_NO_NUMERIC_VALUE;
        }
        if (numerals < 4)
            continue;
        rich++;
        const char *term = number_match(l, n);
        if (term) {
            printf("  numeral-rich line flagged (%s): %.200s\n", term, l);
            flagged++;
        }
    }
    printf("carrier lines with >= 4 numerals: %ld, flagged by a number detector: %ld\n", rich,
           flagged);
}

int main(int argc, char **argv)
{
    const char *dicts = NULL, *carriers = NULL;
    int per = 2;
    uint64_t seed = 0x9E3779B97F4A7C15u;
    double min_rate = 0.99;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--dicts"))
            dicts = argv[i + 1];
        else if (!strcmp(argv[i], "--carriers"))
            carriers = argv[i + 1];
        else if (!strcmp(argv[i], "--per"))
            per = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed"))
            seed = strtoull(argv[i + 1], NULL, 0) | 1u;
        else if (!strcmp(argv[i], "--min-rate"))
            min_rate = atof(argv[i + 1]);
        else {
            fprintf(stderr, "eval_numbers: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!dicts) {
        fprintf(stderr, "usage: eval_numbers --dicts DIR [--carriers FILE] [--per N] "
                        "[--seed S] [--min-rate R]\n");
        return 2;
    }
    if (compile_dir(dicts))
        return 2;
    if (carriers)
        load_carriers(carriers);
    static ng_form forms[NG_MAX_FORMS];
    int n_forms = ng_forms(forms);
    static tally by_form[NG_MAX_FORMS], by_kind[NG_KINDS], by_sep[NG_SEPS];
    tally all = {0, 0};
    char example[NG_KINDS][512] = {{0}};
    uint64_t s = seed;
    for (int kind = 0; kind < NG_KINDS; kind++)
        for (int f = 0; f < n_forms; f++)
            for (int sep = 0; sep < NG_SEPS; sep++) {
                if (!sep_applies(kind, sep))
                    continue;
                for (int k = 0; k < per; k++) {
                    int ok = run_case(&s, forms, n_forms, f, kind, sep, example[kind],
                                      sizeof example[kind]);
                    by_form[f].found += ok, by_form[f].total++;
                    by_kind[kind].found += ok, by_kind[kind].total++;
                    by_sep[sep].found += ok, by_sep[sep].total++;
                    all.found += ok, all.total++;
                }
            }
    printf("numbers in disguise: %d digit forms x %d separator styles, %d per cell, carriers: "
           "%s\n",
           n_forms, NG_SEPS, per, n_lines ? carriers : "built-in phrases");
    printf("%-28s %8s %8s %7s\n", "", "found", "total", "rate");
    for (int k = 0; k < NG_KINDS; k++)
        printf("kind %-23s %8ld %8ld %7.4f\n", ng_kind_names[k], by_kind[k].found,
               by_kind[k].total, (double)by_kind[k].found / (double)by_kind[k].total);
    for (int k = 0; k < NG_SEPS; k++)
        printf("separator %-18s %8ld %8ld %7.4f\n", ng_sep_names[k], by_sep[k].found,
               by_sep[k].total, (double)by_sep[k].found / (double)by_sep[k].total);
    for (int f = 0; f < n_forms; f++) {
        /* named forms always; script digit families only when imperfect */
        int named = strncmp(forms[f].name, "nd_", 3) != 0;
        if (named || by_form[f].found != by_form[f].total) {
            printf("form %-23s %8ld %8ld %7.4f\n", forms[f].name, by_form[f].found,
                   by_form[f].total, (double)by_form[f].found / (double)by_form[f].total);
        }
    }
    int scripts = 0;
    for (int f = 0; f < n_forms; f++)
        scripts += strncmp(forms[f].name, "nd_", 3) == 0;
    printf("(%d decimal-digit families of other scripts, all found unless listed above)\n",
           scripts);
    double rate = (double)all.found / (double)all.total;
    printf("ALL %32ld %8ld %7.4f\n", all.found, all.total, rate);
    for (int k = 0; k < NG_KINDS; k++)
        if (example[k][0])
            printf("  first miss: %s\n", example[k]);
    long flagged = 0, neg = negatives(&s, 2000, &flagged);
    printf("generated sentences with numerals in ordinary words: %ld, flagged: %ld\n", neg,
           flagged);
    if (n_lines)
        numeral_rich_lines();
    screener_scratch_free(scratch);
    screener_db_free(db);
    return rate < min_rate || flagged > 0;
}
