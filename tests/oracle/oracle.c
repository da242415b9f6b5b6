/*
 * oracle.c — differential test of the scanner against a deliberately simple
 * reference implementation.
 *
 * The reference decodes UTF-8 (U+FFFD per maximal subpart, utf8_next), folds
 * code point by code point with the SAME fold table (fold_build_table /
 * fold_table_open / fold_value: no fold_text, no checkpoints, no Hyperscan),
 * searches every term naively at every folded unit position, and maps a hit
 * back to bytes through a per-unit owner array (a dense map, where the real
 * scanner re-folds from sparse checkpoints). It then applies the documented
 * rules for `substring` entries:
 *   - a span starts at the character that produced the first matched unit
 *     and ends after the character that produced the last one, extended over
 *     following characters that extend it (FV_EXTENDS), looking through other
 *     invisible (FC_IGNORABLE) dropped characters;
 *   - a term with word letters is verified on the original span: the span
 *     has as many word-letter characters as the term, and among adjacent
 *     word letters where the term has no word break, either none or all are
 *     separated by a dropped visible separator (the run-length rule is moot
 *     without the repeats family);
 *   - sentence/clause punctuation (Terminal_Punctuation) between two CJK
 *     characters of a match rejects it unless the match is a whole
 *     separated run (clause_rejects);
 *   - a deny match lying inside an allow match is suppressed.
 * Databases are compiled WITHOUT the repeats family and every entry is
 * `substring`, so the word-boundary rules are not involved; nor with the
 * leet family (a second reading of the text, which the reference does not
 * model: tests/eval/disguise_eval.c and tests/normalize/test_leet.c cover it).
 *
 * Random dictionaries and texts mix CJK (simplified and traditional,
 * U+xx00 code points whose UTF-16 starts with a NUL byte), Latin (full-width,
 * upper case, accents, ligatures, ß), Cyrillic/Greek look-alikes, digits,
 * separators, zero-width and variation selectors, emoji, NUL, and (texts only)
 * invalid UTF-8. The (entry, start, end, suppressed) sets must be equal.
 *
 * usage: oracle [ROUNDS [SEED]]   exit 1 on any divergence (printed with a
 * reproducer: the dictionary and the text as C strings).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "normalize/foldtable.h"
#include "normalize/fold.h"
#include "screener.h"

static uint64_t rng;

/* Scanner bug K1 (see docs/fuzzing.md; fixed 2026-11-26): a match that ends
 * inside the output of one character (the first "s" of ß -> "ss") was not
 * extended over the characters that extend it (a variation selector after
 * ß). With ORACLE_KNOWN_BUGS=1 the reference reproduces that old behaviour,
 * to compare against a build from before the fix. */
static int emulate_k1;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)((rng >> 11) % n);
}

/* ---- alphabet ------------------------------------------------------------ */

/* letters that terms are made of */
static const char *letters[] = {
    "a", "b", "c", "s", "e", "x", "A", "S", "\xEF\xBD\x81" /* ａ */, "\xEF\xBC\xB3" /* Ｓ */,
    "\xC3\xA1" /* á */, "e\xCC\x81" /* e + combining acute */, "\xD0\xB0" /* Cyrillic а */,
    "\xCE\xBF" /* Greek ο */, "o", "\xC3\x9F" /* ß */, "\xEF\xAC\x81" /* ﬁ */, "1", "0",
    "法", "轮", "輪", "功", "色", "情", "一" /* U+4E00 */, "丁" /* U+4E01 */, "口", "交",
    "\xEA\xB0\x80" /* 가 U+AC00 */, "\xC4\x80" /* Ā U+0100 */, "の", "\xE2\x91\xA0" /* ① */,
    "\xE2\x93\x90" /* ⓐ */, "\xF0\x9D\x90\x9A" /* 𝐚 */, "\xE2\xBC\x80" /* ⼀ Kangxi */,
};
/* things placed between letters */
static const char *noise[] = {
    " ", ".", "-", "_", "\xE3\x80\x80" /* ideographic space */, "\xEF\xBC\x81" /* ！ */,
    "\xE2\x80\x8B" /* ZWSP */, "\xE2\x80\x8D" /* ZWJ */, "\xEF\xB8\x8F" /* VS16 */,
    "\xF0\x9F\x98\x80" /* 😀 */, "\xCC\x81" /* combining acute */, "*", "#", "'",
    "\xF0\x9F\x87\xA8" /* regional indicator */, "\t", "\xEF\xBB\xBF" /* BOM */,
};
/* invalid UTF-8 pieces (texts only) */
static const char *invalid[] = {
    "\xFF", "\xC0\xAF", "\xE6\xB3", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80", "\xF0\x9F\x98",
};

typedef struct str {
    char *p;
    size_t n, cap;
} str;

static void put(str *s, const void *b, size_t n)
{
    if (s->n + n + 1 > s->cap) {
        s->cap = (s->n + n + 1) * 2;
        s->p = realloc(s->p, s->cap);
        if (!s->p)
            abort();
    }
    memcpy(s->p + s->n, b, n);
    s->n += n;
    s->p[s->n] = '\0';
}
static void puts_(str *s, const char *c) { put(s, c, strlen(c)); }

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reference fold ------------------------------------------------------ */

typedef struct rfold {
    uint16_t *u;      /* folded units */
    size_t *owner;    /* index of the character that produced each unit */
    size_t n;
    size_t *cstart, *cend; /* byte range of each character */
    uint32_t *cval;        /* fold value of each character */
    size_t nc;
} rfold;

static void rfold_free(rfold *r)
{
    free(r->u);
    free(r->owner);
    free(r->cstart);
    free(r->cend);
    free(r->cval);
}

static void ref_fold(const fold_table *ft, const uint8_t *s, size_t n, rfold *r)
{
    memset(r, 0, sizeof *r);
    r->u = malloc((n * FOLD_MAX_UNITS + 1) * sizeof(uint16_t));
    r->owner = malloc((n * FOLD_MAX_UNITS + 1) * sizeof(size_t));
    r->cstart = malloc((n + 1) * sizeof(size_t));
    r->cend = malloc((n + 1) * sizeof(size_t));
    r->cval = malloc((n + 1) * sizeof(uint32_t));
    if (!r->u || !r->owner || !r->cstart || !r->cend || !r->cval)
        abort();
    size_t i = 0;
    while (i < n) {
        size_t at = i;
        int32_t cp = utf8_next(s, n, &i);
        uint32_t v = fold_value(ft, cp);
        uint32_t c = cp < 0 ? 0xFFFDu : (uint32_t)cp;
        size_t ci = r->nc++;
        r->cstart[ci] = at;
        r->cend[ci] = i;
        r->cval[ci] = v;
        uint32_t out[FOLD_MAX_UNITS];
        size_t k = 0;
        if (FV_KIND(v) == FV_MULTI) {
            for (uint32_t q = 0; q < FV_LEN(v); q++)
                out[k++] = ft->expand[FV_OFF(v) + q];
        } else if (FV_KIND(v) != FV_DROP) {
            uint32_t o = FV_KIND(v) == FV_IDENT ? c : FV_CP(v);
            if (o > 0xFFFF) {
                out[k++] = 0xD800 | ((o - 0x10000) >> 10);
                out[k++] = 0xDC00 | ((o - 0x10000) & 0x3FF);
            } else {
                out[k++] = o;
            }
        }
        for (size_t q = 0; q < k; q++) {
            r->u[r->n] = (uint16_t)out[q];
            r->owner[r->n] = ci;
            r->n++;
        }
    }
}

/* The word-letter characters of a byte range with their gap / pair facts. */
typedef struct wruns {
    size_t n;
    unsigned char gap[4096], pair[4096];
    int has_word;
} wruns;

static void word_runs(const rfold *r, size_t c0, size_t c1, wruns *w)
{
    int started = 0, gap = 0, prev_word = 0;
    size_t j = 0; /* walks the units, ordered by the character that made them */
    w->n = 0;
    w->has_word = 0;
    for (size_t c = c0; c < c1; c++) {
        uint32_t v = r->cval[c];
        if (FV_KIND(v) == FV_DROP || (FV_KIND(v) == FV_MULTI && FV_LEN(v) == 0)) {
            if (started && FV_CLASS(v) == FC_GAP)
                gap = 1;
            continue;
        }
        started = 1;
        int word = FV_CLASS(v) == FC_WORD;
        if (word) {
            /* one entry per folded unit: "ﬁ" is f, i (the library's rule) */
            size_t units = 0;
            while (j < r->n && r->owner[j] < c)
                j++;
            while (j < r->n && r->owner[j] == c) {
                units++;
                j++;
            }
            w->has_word = 1;
            for (size_t q = 0; q < units; q++) {
                if (w->n < 4096) {
                    w->gap[w->n] = (unsigned char)(q ? 0 : gap);
                    w->pair[w->n] = (unsigned char)(q ? 1 : prev_word);
                }
                w->n++;
            }
        }
        prev_word = word;
        gap = 0;
    }
}

/* The clause rule (docs/ARCHITECTURE.md, "Matching rules"): 1 if the match
 * of units [i, i + m) over characters [c0, c1] (extended to `after`) must be
 * dropped: sentence or clause punctuation lies between two adjacent kept
 * characters of class FC_OTHER, and the match is not a whole separated run
 * (a visible separator before every unit but the first that starts a
 * character, and no FC_OTHER character right before or after it without a
 * visible separator in between). */
static int kept_char(const rfold *r, size_t c)
{
    uint32_t v = r->cval[c];
    return FV_KIND(v) != FV_DROP && !(FV_KIND(v) == FV_MULTI && FV_LEN(v) == 0);
}

static int clause_rejects(const rfold *r, size_t i, size_t m, size_t c0, size_t c1, size_t after,
                          int partial_start, int partial_end)
{
    int clause = 0, prev_other = 0, between = 0;
    for (size_t c = c0; c < after; c++) {
        uint32_t v = r->cval[c];
        if (!kept_char(r, c)) {
            between |= FV_IS_CLAUSE(v) ? 1 : 0;
            continue;
        }
        int other = FV_CLASS(v) == FC_OTHER;
        if (other && prev_other && between)
            clause = 1;
        prev_other = other;
        between = 0;
    }
    if (!clause)
        return 0;
    int spelled = m >= 2;
    for (size_t j = i + 1; j < i + m && spelled; j++) {
        if (r->u[j] >= 0xDC00 && r->u[j] <= 0xDFFF)
            continue;
        int gap = 0;
        if (r->owner[j] != r->owner[j - 1])
            for (size_t c = r->owner[j - 1] + 1; c < r->owner[j]; c++)
                gap |= !kept_char(r, c) && FV_CLASS(r->cval[c]) == FC_GAP;
        spelled = gap;
    }
    if (!spelled)
        return 1;
    if (!partial_start && c0 > 0) {
        size_t c = c0;
        int gap = 0;
        while (c-- > 0) {
            if (kept_char(r, c)) {
                if (!gap && FV_CLASS(r->cval[c]) == FC_OTHER)
                    return 1;
                break;
            }
            gap |= FV_CLASS(r->cval[c]) == FC_GAP;
        }
    }
    if (!partial_end) {
        int gap = 0;
        for (size_t c = after; c < r->nc; c++) {
            if (kept_char(r, c)) {
                if (!gap && FV_CLASS(r->cval[c]) == FC_OTHER)
                    return 1;
                break;
            }
            gap |= FV_CLASS(r->cval[c]) == FC_GAP;
        }
    }
    (void)c1;
    return 0;
}

typedef struct omatch {
    uint32_t entry;
    size_t start, end;
    int suppressed;
} omatch;

typedef struct oterm {
    char *text;
    size_t len;
    int allow;
    rfold f;
    wruns w;
} oterm;

/* Every match of every term in text, by the reference rules. */
static size_t ref_scan(const fold_table *ft, oterm *terms, size_t nt, const uint8_t *s,
                       size_t n, omatch *out, size_t cap)
{
    rfold t;
    ref_fold(ft, s, n, &t);
    size_t no = 0;
    static wruns xw;
    for (size_t e = 0; e < nt; e++) {
        const rfold *f = &terms[e].f;
        size_t m = f->n;
        if (m == 0 || m > t.n)
            continue;
        for (size_t i = 0; i + m <= t.n; i++) {
            if (memcmp(t.u + i, f->u, m * sizeof(uint16_t)) != 0)
                continue;
            size_t c0 = t.owner[i], c1 = t.owner[i + m - 1];
            size_t start = t.cstart[c0], end = t.cend[c1];
            /* extend over characters that extend the last one */
            size_t after = c1 + 1;
            int mid_char = i + m < t.n && t.owner[i + m] == c1;
            for (size_t c = c1 + 1; c < t.nc && !(emulate_k1 && mid_char); c++) {
                uint32_t v = t.cval[c];
                if (FV_EXTENDS(v)) {
                    end = t.cend[c];
                    after = c + 1;
                    continue;
                }
                if (FV_KIND(v) == FV_DROP && FV_CLASS(v) == FC_IGNORABLE)
                    continue;
                break;
            }
            /* a match whose first or last unit is inside one character's
             * output ("s" in the "ss" of "ß") is not compared run by run,
             * as in the library (fold_loc.partial) */
            int partial_start = i > 0 && t.owner[i - 1] == c0;
            if (clause_rejects(&t, i, m, c0, c1, after, partial_start, mid_char))
                continue;
            if (terms[e].w.has_word && !partial_start && !mid_char) {
                word_runs(&t, c0, after, &xw);
                const wruns *tw = &terms[e].w;
                if (tw->n <= 64 && xw.n <= 64) {
                    if (tw->n != xw.n)
                        continue;
                    size_t pairs = 0, gapped = 0;
                    for (size_t k = 1; k < tw->n; k++)
                        if (tw->pair[k] && xw.pair[k] && !tw->gap[k]) {
                            pairs++;
                            gapped += xw.gap[k];
                        }
                    if (!(gapped == 0 || gapped == pairs))
                        continue;
                }
            }
            int dup = 0;
            for (size_t q = 0; q < no; q++)
                if (out[q].entry == e && out[q].start == start && out[q].end == end)
                    dup = 1;
            if (!dup && no < cap)
                out[no++] = (omatch){(uint32_t)e, start, end, 0};
        }
    }
    /* allow-list */
    for (size_t a = 0; a < no; a++) {
        if (terms[out[a].entry].allow)
            continue;
        for (size_t b = 0; b < no; b++)
            if (terms[out[b].entry].allow && out[b].start <= out[a].start &&
                out[a].end <= out[b].end)
                out[a].suppressed = 1;
    }
    size_t w = 0;
    for (size_t a = 0; a < no; a++)
        if (!terms[out[a].entry].allow)
            out[w++] = out[a];
    rfold_free(&t);
    return w;
}

/* ---- generators ------------------------------------------------------------ */

static void gen_term(str *s)
{
    unsigned k = 1 + rnd(4);
    for (unsigned i = 0; i < k; i++) {
        if (i && rnd(5) == 0)
            puts_(s, noise[rnd(N(noise))]);
        puts_(s, letters[rnd(N(letters))]);
    }
}

static void gen_text(str *s, oterm *terms, size_t nt)
{
    unsigned k = rnd(24);
    for (unsigned i = 0; i < k; i++) {
        switch (rnd(6)) {
        case 0:
        case 1: { /* a term, maybe with noise inside */
            const oterm *t = &terms[rnd((unsigned)nt)];
            size_t j = 0;
            while (j < t->len) {
                size_t a = j;
                utf8_next((const uint8_t *)t->text, t->len, &j);
                put(s, t->text + a, j - a);
                if (j < t->len && rnd(4) == 0)
                    puts_(s, noise[rnd(N(noise))]);
            }
            break;
        }
        case 2: puts_(s, letters[rnd(N(letters))]); break;
        case 3: puts_(s, noise[rnd(N(noise))]); break;
        case 4: puts_(s, invalid[rnd(N(invalid))]); break;
        default:
            if (rnd(3) == 0)
                put(s, "", 1); /* NUL */
            else
                puts_(s, letters[rnd(N(letters))]);
        }
    }
}

static void print_c(const char *label, const char *p, size_t n)
{
    printf("%s \"", label);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            putchar(c);
        else
            printf("\\x%02X\"\"", c);
    }
    printf("\" (%zu bytes)\n", n);
}

static int cmp_om(const void *a, const void *b)
{
    const omatch *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Documented behaviour the random part cannot see because the reference
 * shares the scanner's per-character verification rule: a multi-letter
 * expansion (ligature, ß, ㎏) must match its spelled-out form (bug K2), and a
 * span covers the variation selector of its last character (bug K1). */
static const struct {
    const char *dict, *text;
    uint32_t flags;
    size_t start, end; /* expected span of the (first) match */
    int bug;
} fixed_cases[] = {
    {"fish\n", "\xEF\xAC\x81sh", 0, 0, 5, 2},                 /* ﬁsh */
    {"\xEF\xAC\x81sh\n", "fish", 0, 0, 4, 2},
    {"fish\tsubstring\n", "\xEF\xAC\x81sh", 0, 0, 5, 2},
    {"kg\n", "\xE3\x8E\x8F", 0, 0, 3, 2},                     /* ㎏ */
    {"stra\xC3\x9F" "e\n", "strasse", SCREENER_FOLD_ALL & ~(uint32_t)SCREENER_FOLD_REPEATS, 0, 7, 2},
    {"stra\xC3\x9F" "e\n", "strasse", 0, 0, 7, 0},
    {"s\tsubstring\n", "\xC3\x9F\xEF\xB8\x8F", /* ß + VS16 */
     SCREENER_FOLD_ALL & ~(uint32_t)SCREENER_FOLD_REPEATS, 0, 5, 1},
    {"fish\n", "fish", 0, 0, 4, 0},
};

static int run_fixed_cases(int known)
{
    int bad = 0;
    for (size_t i = 0; i < sizeof fixed_cases / sizeof fixed_cases[0]; i++) {
        if (known && fixed_cases[i].bug)
            continue;
        screener_compile_options o;
        memset(&o, 0, sizeof o);
        o.struct_size = sizeof o;
        o.fold_flags = fixed_cases[i].flags;
        o.flags = SCREENER_COMPILE_NO_HOST_WORDS; /* the reference knows written entries only */
        screener_source src = {NULL, "fixed", fixed_cases[i].dict, strlen(fixed_cases[i].dict)};
        screener_db *db = NULL;
        screener_scratch *scr = NULL;
        const screener_result *r = NULL;
        if (screener_compile(&o, &src, 1, &db, NULL) || screener_scratch_alloc(db, &scr) ||
            screener_scan(db, scr, fixed_cases[i].text, strlen(fixed_cases[i].text), &r)) {
            printf("fixed case %zu: compile or scan failed\n", i);
            return 1;
        }
        int ok = 0;
        for (size_t k = 0; k < r->n_matches; k++)
            if (r->matches[k].start == fixed_cases[i].start &&
                r->matches[k].end == fixed_cases[i].end)
                ok = 1;
        for (size_t k = 0; k < r->n_matches; k++)
            if (r->matches[k].start == fixed_cases[i].start &&
                r->matches[k].end != fixed_cases[i].end && fixed_cases[i].bug == 1)
                ok = 0; /* K1: a second, shorter span of the same character */
        if (!ok) {
            bad++;
            printf("FIXED CASE FAILED%s (fold flags 0x%08x)\n",
                   fixed_cases[i].bug ? " (known bug K1/K2, see docs/fuzzing.md)" : "",
                   fixed_cases[i].flags);
            print_c("  dictionary", fixed_cases[i].dict, strlen(fixed_cases[i].dict));
            print_c("  text", fixed_cases[i].text, strlen(fixed_cases[i].text));
            printf("  expected a match [%zu,%zu); got", fixed_cases[i].start, fixed_cases[i].end);
            for (size_t k = 0; k < r->n_matches; k++)
                printf(" [%zu,%zu)", r->matches[k].start, r->matches[k].end);
            printf("%s\n", r->n_matches ? "" : " nothing");
        }
        screener_scratch_free(scr);
        screener_db_free(db);
    }
    return bad;
}

static const uint32_t flag_sets[] = {
    SCREENER_FOLD_ALL & ~(uint32_t)(SCREENER_FOLD_REPEATS | SCREENER_FOLD_LEET),
    SCREENER_FOLD_EXPLICIT | SCREENER_FOLD_CASE | SCREENER_FOLD_NOISE,
    SCREENER_FOLD_EXPLICIT | SCREENER_FOLD_COMPAT | SCREENER_FOLD_TRADITIONAL |
        SCREENER_FOLD_ACCENTS | SCREENER_FOLD_HOMOGLYPH,
    SCREENER_FOLD_EXPLICIT,
};

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 8;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5EED0F0AC1Eu;
    if (!rng)
        rng = 1;
    emulate_k1 = getenv("ORACLE_KNOWN_BUGS") && getenv("ORACLE_KNOWN_BUGS")[0] == '1';
    size_t divergences = 0, texts = 0, compared = 0;
    size_t max_print = getenv("ORACLE_PRINT") ? strtoul(getenv("ORACLE_PRINT"), NULL, 0) : 5;
    enum { TEXTS_PER_DICT = 400, MAX_TERMS = 40, MAX_OM = 4096 };
    static omatch ref[MAX_OM], got[MAX_OM];

    for (size_t fi = 0; fi < N(flag_sets); fi++) {
        uint32_t flags = flag_sets[fi];
        fold_build fb;
        fold_table ft;
        if (fold_build_table(flags & ~SCREENER_FOLD_EXPLICIT, &fb, NULL) ||
            fold_table_open(&ft, fb.trie_bin, fb.trie_len, fb.expand, fb.n_expand)) {
            fprintf(stderr, "oracle: cannot build the fold table\n");
            return 2;
        }
        fold_table_set_collapse(&ft, 0);
        for (unsigned round = 0; round < rounds; round++) {
            /* a random dictionary of distinct terms that fold to something */
            oterm terms[MAX_TERMS];
            size_t nt = 0;
            str dict = {0};
            unsigned want = 2 + rnd(MAX_TERMS - 2);
            for (unsigned tries = 0; nt < want && tries < 10 * MAX_TERMS; tries++) {
                str t = {0};
                gen_term(&t);
                rfold f;
                ref_fold(&ft, (const uint8_t *)t.p, t.n, &f);
                int ok = f.n > 0 && t.p[0] != '#' && t.p[0] != '@' && t.p[0] != ' ' &&
                         t.p[0] != '\t' && t.p[t.n - 1] != ' ' && !strchr(t.p, '\t') &&
                         !(t.n >= 3 && memcmp(t.p, "\xEF\xBB\xBF", 3) == 0);
                for (size_t q = 0; ok && q < nt; q++)
                    if (terms[q].len == t.n && memcmp(terms[q].text, t.p, t.n) == 0)
                        ok = 0;
                if (!ok) {
                    rfold_free(&f);
                    free(t.p);
                    continue;
                }
                terms[nt].text = t.p;
                terms[nt].len = t.n;
                terms[nt].allow = nt > 0 && rnd(6) == 0; /* one deny entry at least */
                terms[nt].f = f;
                word_runs(&f, 0, f.nc, &terms[nt].w);
                put(&dict, t.p, t.n);
                puts_(&dict, terms[nt].allow ? "\tallow substring\n" : "\tsubstring\n");
                nt++;
            }
            screener_compile_options o;
            memset(&o, 0, sizeof o);
            o.struct_size = sizeof o;
            o.fold_flags = flags;
            o.flags = SCREENER_COMPILE_NO_HOST_WORDS; /* the reference knows written entries only */
            screener_source src = {NULL, "oracle", dict.p, dict.n};
            screener_db *db = NULL;
            screener_error *err = NULL;
            if (screener_compile(&o, &src, 1, &db, &err) != SCREENER_OK) {
                printf("oracle: compile failed: %s\n", screener_error_message(err));
                print_c("dictionary", dict.p, dict.n);
                return 1;
            }
            /* entry ids: the db's entries in dictionary order */
            if (screener_db_entry_count(db) != nt) {
                printf("oracle: %u entries, expected %zu\n", screener_db_entry_count(db), nt);
                return 1;
            }
            for (uint32_t id = 0; id < nt; id++) {
                screener_entry_info info;
                screener_db_entry(db, id, &info);
                if (strlen(info.term) != terms[id].len ||
                    memcmp(info.term, terms[id].text, terms[id].len) != 0) {
                    printf("oracle: entry %u is `%s`, expected `%s`\n", id, info.term,
                           terms[id].text);
                    return 1;
                }
            }
            screener_scratch *scr = NULL;
            screener_scratch_alloc(db, &scr);
            for (unsigned ti = 0; ti < TEXTS_PER_DICT; ti++) {
                str text = {0};
                put(&text, "", 0);
                gen_text(&text, terms, nt);
                texts++;
                size_t nr = ref_scan(&ft, terms, nt, (const uint8_t *)text.p, text.n, ref,
                                     MAX_OM);
                const screener_result *res = NULL;
                if (screener_scan(db, scr, text.p, text.n, &res) != SCREENER_OK) {
                    printf("oracle: scan failed\n");
                    return 1;
                }
                size_t ng = 0;
                for (size_t i = 0; i < res->n_matches && ng < MAX_OM; i++)
                    got[ng++] = (omatch){res->matches[i].entry_id, res->matches[i].start,
                                         res->matches[i].end,
                                         (res->matches[i].flags & SCREENER_MATCH_SUPPRESSED) != 0};
                qsort(ref, nr, sizeof *ref, cmp_om);
                qsort(got, ng, sizeof *got, cmp_om);
                compared += nr;
                int same = nr == ng;
                for (size_t i = 0; same && i < nr; i++)
                    same = ref[i].entry == got[i].entry && ref[i].start == got[i].start &&
                           ref[i].end == got[i].end && ref[i].suppressed == got[i].suppressed;
                if (!same) {
                    divergences++;
                    if (divergences <= max_print) {
                        printf("DIVERGENCE (fold flags 0x%08x)\n", flags);
                        print_c("  dictionary", dict.p, dict.n);
                        print_c("  text", text.p, text.n);
                        for (size_t i = 0; i < nr; i++)
                            printf("  oracle  entry %u `%s` [%zu,%zu)%s\n", ref[i].entry,
                                   terms[ref[i].entry].text, ref[i].start, ref[i].end,
                                   ref[i].suppressed ? " suppressed" : "");
                        for (size_t i = 0; i < ng; i++)
                            printf("  scanner entry %u `%s` [%zu,%zu)%s\n", got[i].entry,
                                   terms[got[i].entry].text, got[i].start, got[i].end,
                                   got[i].suppressed ? " suppressed" : "");
                    }
                }
                free(text.p);
            }
            screener_scratch_free(scr);
            screener_db_free(db);
            for (size_t q = 0; q < nt; q++) {
                free(terms[q].text);
                rfold_free(&terms[q].f);
            }
            free(dict.p);
        }
        fold_table_close(&ft);
        fold_build_free(&fb);
    }
    printf("oracle: %zu texts, %zu reference matches, %zu divergences\n", texts, compared,
           divergences);
    int bad_fixed = run_fixed_cases(emulate_k1);
    printf("oracle: %d fixed cases failed%s\n", bad_fixed,
           emulate_k1 ? " (known bugs skipped: ORACLE_KNOWN_BUGS=1)" : "");
    return divergences || bad_fixed ? 1 : 0;
}
