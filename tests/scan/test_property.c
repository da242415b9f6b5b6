/* Property test: for a random dictionary and random carrier text, every
 * disguise of every term is found, with its exact span in the original bytes.
 * Deterministic (fixed seed) so failures reproduce. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screener.h"

static uint64_t rng = 0x9E3779B97F4A7C15u;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* simplified -> traditional pairs, and characters without a traditional form */
static const char *trad[][2] = {{"发", "發"}, {"轮", "輪"}, {"车", "車"}, {"马", "馬"},
                                {"门", "門"}, {"见", "見"}, {"东", "東"}, {"书", "書"},
                                {"长", "長"}, {"时", "時"}, {"会", "會"}, {"国", "國"},
                                {"买", "買"}, {"卖", "賣"}, {"钱", "錢"}, {"药", "藥"}};
static const char *plain_han[] = {"人", "大", "小", "中", "山", "水", "火", "天", "日", "月"};
static const char *carrier_han[] = {"的", "了", "是", "在", "我", "有", "他", "这", "们", "好"};
static const char *seps[] = {" ", "\xE3\x80\x80", ".", "！", "\xE2\x80\x8B", "\xE2\x80\x8D",
                             "😀", "❤\xEF\xB8\x8F", "\xEF\xBB\xBF", "*", "~"};

typedef struct term {
    char text[64];   /* as in the dictionary */
    int latin;
    const char *parts[8]; /* CJK: simplified chars; index into trad or plain */
    int trad_idx[8];
    int n;
} term;

#define N_TERMS 120
static term terms[N_TERMS];

static void make_terms(char *dict, size_t cap)
{
    size_t o = 0;
    for (int t = 0; t < N_TERMS; t++) {
        term *x = &terms[t];
        memset(x, 0, sizeof *x);
        x->latin = t % 2;
        if (x->latin) {
            int len = 4 + (int)rnd(4);
            char prev = 0;
            for (int i = 0; i < len; i++) {
                char c;
                do
                    c = (char)('a' + rnd(26));
                while (c == prev);
                x->text[i] = prev = c;
            }
            x->n = len;
        } else {
            x->n = 2 + (int)rnd(3);
            for (int i = 0; i < x->n; i++) {
                if (rnd(2)) {
                    x->trad_idx[i] = (int)rnd(16);
                    x->parts[i] = trad[x->trad_idx[i]][0];
                } else {
                    x->trad_idx[i] = -1;
                    x->parts[i] = plain_han[rnd(10)];
                }
                strcat(x->text, x->parts[i]);
            }
        }
        o += (size_t)snprintf(dict + o, cap - o, "%s\tsubstring category=c%d\n", x->text, t);
    }
}

/* Append a disguised form of term x to out; returns bytes written. */
static size_t disguise(const term *x, char *out)
{
    size_t o = 0;
    if (!x->latin) {
        const char *sep = rnd(3) ? seps[rnd(11)] : "";
        for (int i = 0; i < x->n; i++) {
            if (i)
                o += (size_t)sprintf(out + o, "%s", sep);
            const char *c = x->parts[i];
            if (x->trad_idx[i] >= 0 && rnd(2))
                c = trad[x->trad_idx[i]][1];
            else if (rnd(5) == 0)
                c = x->parts[i];
            o += (size_t)sprintf(out + o, "%s", c);
            if (rnd(6) == 0)
                o += (size_t)sprintf(out + o, "\xEF\xB8\x80"); /* variation selector */
        }
        return o;
    }
    int style = (int)rnd(8);
    const char *sep = seps[rnd(4) == 0 ? 4 : rnd(4)]; /* mostly visible */
    for (int i = 0; i < x->n; i++) {
        char c = x->text[i];
        if (i && style == 1)
            o += (size_t)sprintf(out + o, "%s", sep); /* spaced out */
        switch (style) {
        case 0: out[o++] = (char)(c - 'a' + 'A'); break;                     /* upper case */
        case 2: o += (size_t)sprintf(out + o, "\xEF\xBC%c", (char)(0xA1 + c - 'a')); break; /* Ｆ */
        case 3: o += (size_t)sprintf(out + o, "%c\xE2\x80\x8B", c); break;   /* zero-width after */
        case 4: { /* circled ⓐ = U+24D0 + (c - 'a') */
            unsigned cp = 0x24D0 + (unsigned)(c - 'a');
            o += (size_t)sprintf(out + o, "%c%c%c", 0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F));
            break;
        }
        case 5: /* e, a, o, c, p -> Cyrillic look-alikes */
            if (c == 'a') o += (size_t)sprintf(out + o, "а");
            else if (c == 'e') o += (size_t)sprintf(out + o, "е");
            else if (c == 'o') o += (size_t)sprintf(out + o, "о");
            else if (c == 'c') o += (size_t)sprintf(out + o, "с");
            else if (c == 'p') o += (size_t)sprintf(out + o, "р");
            else out[o++] = c;
            break;
        case 6: /* stretch one letter to 4 */
            out[o++] = c;
            if (i == x->n / 2) { out[o++] = c; out[o++] = c; out[o++] = c; }
            break;
        case 7: out[o++] = c; if (c == 'e' || c == 'a') o += (size_t)sprintf(out + o, "\xCC\x81"); break;
        default: out[o++] = c;
        }
    }
    if (style == 3)
        o -= 3; /* no zero-width after the last letter: keep the span exact */
    return o;
}

Test(property, every_disguise_is_found_with_its_exact_span, .timeout = 120)
{
    static char dict[N_TERMS * 96];
    make_terms(dict, sizeof dict);
    screener_source src = {.name = "random.txt", .text = dict, .len = strlen(dict)};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, &err), SCREENER_OK, "%s",
                 err ? screener_error_message(err) : "");
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    char msg[1024];
    int failures = 0;
    for (int it = 0; it < 3000 && failures < 5; it++) {
        int t = (int)rnd(N_TERMS);
        size_t o = 0;
        int pre = (int)rnd(6);
        for (int k = 0; k < pre; k++)
            o += (size_t)sprintf(msg + o, "%s", carrier_han[rnd(10)]);
        o += (size_t)sprintf(msg + o, " ");
        size_t start = o;
        o += disguise(&terms[t], msg + o);
        size_t end = o;
        o += (size_t)sprintf(msg + o, " ");
        int post = (int)rnd(6);
        for (int k = 0; k < post; k++)
            o += (size_t)sprintf(msg + o, "%s", carrier_han[rnd(10)]);
        const screener_result *r;
        cr_assert_eq(screener_scan(db, s, msg, o, &r), SCREENER_OK);
        int found = 0;
        for (size_t i = 0; i < r->n_matches; i++) {
            screener_entry_info info;
            screener_db_entry(db, r->matches[i].entry_id, &info);
            if (strcmp(info.term, terms[t].text) == 0 && r->matches[i].start == start &&
                r->matches[i].end == end)
                found = 1;
        }
        if (!found) {
            failures++;
            cr_log_error("term %s not found at [%zu,%zu) in \"%.*s\"", terms[t].text, start, end,
                         (int)o, msg);
        }
    }
    cr_assert_eq(failures, 0);
    screener_scratch_free(s);
    screener_db_free(db);
}
