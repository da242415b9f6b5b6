/*
 * pinyin_forms.c — pinyin, initials, mixed and homophone forms of Chinese
 * terms, generated at compile time for the entries that ask for them
 * (`@forms pinyin,initials,mixed,homophone`, or `chinese` for all four).
 *
 * Readings are Unihan's kMandarin (zh_data.h): the customary reading(s) of
 * each character of the folded term (so 法輪功 reads like 法轮功). A term
 * gets forms only when every folded character has a reading. Per reading
 * combination (at most MAX_COMBOS; a polyphonic character contributes each
 * customary reading):
 *
 *   pinyin       "fa lun gong" — the fold drops spaces and tone marks, so this
 *                one literal also matches "falungong", "FA-LUN-GONG" and
 *                "fǎ lún gōng"; the space marks syllable ends, where the span
 *                check lets separators differ ("fa lungong"). ü is written
 *                both "u" (what "ü" folds to) and "v" (how it is typed).
 *   tone-digits  "fa3 lun2 gong1" (no digit for the neutral tone)
 *   initials     "flg", only for terms of 3+ characters (two letters would
 *                flag ordinary text)
 *   mixed        every split into characters and syllables except all of one
 *                kind: "法lun功", "fa轮gong"…, for terms of 2..MAX_MIXED chars
 *   homophone    terms of 3+ characters: one character replaced by a common
 *                character (jieba frequency >= 3000) with the same primary toneless
 *                reading (砍了你 -> 坎了你), unless the form is ordinary text
 *                (homophone_forms). On 2-character terms, 22 of 35 flagged
 *                chat lines were such homophones (打麻 for 大麻, 西毒 for 吸毒):
 *                they are not generated.
 *
 * Forms that start or end with a Latin letter get word boundaries from the
 * ordinary rules, so "flg" in "conflgx" is nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/names.h"
#include "common/utf8.h"
#include "variants.h"
#include "zh_data.h"

#define MAX_CHARS 16   /* longer terms get no pinyin forms */
#define MAX_MIXED 6    /* mixed forms: 2^n - 2 per reading combination */
#define MAX_COMBOS 4   /* reading combinations per term */
#define MAX_READINGS 4 /* distinct toneless readings kept per character */
#define HOMOPHONE_MIN_FREQ 3000 /* see homophone_min_freq; bench/variants measures others */
#define ORDINARY_PER_CHAR (-6.0) /* see homophone_forms */
#define MIN_HOMOPHONE 3 /* 2-character homophones are ordinary words too often */
#define SYL 8          /* longest syllable + tone digit + NUL ("zhuang4") */

typedef struct readings {
    int n;
    char syl[MAX_READINGS][SYL]; /* with tone digit */
} readings;

/* The distinct toneless readings of cp, primary first; 0 if it has none. */
static int char_readings(uint32_t cp, readings *r)
{
    const char *s = zh_readings(cp);
    r->n = 0;
    if (!s)
        return 0;
    while (*s && r->n < MAX_READINGS) {
        size_t k = strcspn(s, " ");
        char tmp[SYL] = {0};
        if (k >= SYL)
            return 0;
        memcpy(tmp, s, k);
        int dup = 0;
        size_t base = strcspn(tmp, "12345");
        for (int j = 0; j < r->n; j++)
            if (strncmp(r->syl[j], tmp, base) == 0 && strcspn(r->syl[j], "12345") == base)
                dup = 1;
        if (!dup)
            memcpy(r->syl[r->n++], tmp, SYL);
        s += k;
        while (*s == ' ')
            s++;
    }
    return r->n;
}

/* ---- a growable text and a per-term set of forms ------------------------- */

typedef struct form_set {
    buf text; /* forms, NUL-separated */
    struct form {
        size_t start; /* offset in text */
        unsigned kind;
    } *f;
    size_t n, cap;
} form_set;

static const char *form_text(const form_set *fs, size_t k)
{
    return (const char *)fs->text.data + fs->f[k].start;
}

/* Cost: O(forms) per call; a term has at most a few hundred forms. */
static int form_add(form_set *fs, const uint8_t *t, size_t n, unsigned kind)
{
    for (size_t k = 0; k < fs->n; k++)
        if (strlen(form_text(fs, k)) == n && memcmp(form_text(fs, k), t, n) == 0)
            return 0;
    if (mem_grow((void **)&fs->f, &fs->cap, fs->n + 1, sizeof *fs->f))
        return -1;
    fs->f[fs->n].start = buf_append(&fs->text, t, n);
    buf_append(&fs->text, "", 1);
    fs->f[fs->n++].kind = kind;
    return fs->text.failed ? -1 : 0;
}

/* ---- forms of one reading combination ------------------------------------ */

typedef struct term {
    size_t n;
    uint32_t cp[MAX_CHARS];
    readings r[MAX_CHARS];
} term;

/* Append syllable s to o: toneless (digits 0) or with its digit; ü as 'v'
 * or as 'u'. */
static void put_syllable(buf *o, const char *s, int digits, int u_for_v)
{
    for (; *s; s++) {
        char ch = *s;
        if (ch >= '1' && ch <= '5' && !digits)
            continue;
        if (ch == 'v' && u_for_v)
            ch = 'u';
        buf_append(o, &ch, 1);
    }
}

static void put_char(buf *o, uint32_t cp)
{
    uint8_t u[4];
    buf_append(o, u, utf8_put(u, cp));
}

/* Syllable boundary i (between characters i-1 and i, both as pinyin) joins
 * two equal letters ("yin"+"nu"): then the joined spelling is a form of its
 * own, because the span check reads a doubled letter across a term's space
 * as a break, not as a run of two. */
static int doubled_at(const term *t, const int *pick, size_t i)
{
    const char *a = t->r[i - 1].syl[pick[i - 1]], *b = t->r[i].syl[pick[i]];
    size_t la = strcspn(a, "12345");
    return la && a[la - 1] == b[0];
}

/* Add the forms of one spelling: characters whose bit is set in `as_pinyin`
 * written as syllables (with tone digits or not; ü as 'u' or 'v'), the others
 * as the characters; syllables next to each other separated by a space (a
 * word break for the span check) and, where that joins equal letters, also
 * without spaces. */
static int spell(const term *t, const int *pick, unsigned as_pinyin, int digits, int u_for_v,
                 unsigned kind, form_set *fs)
{
    buf o = {0};
    int rc = 0, doubled = 0;
    for (int joined = 0; joined <= doubled && !rc; joined++) {
        o.len = 0;
        for (size_t i = 0; i < t->n; i++) {
            if (!(as_pinyin >> i & 1)) {
                put_char(&o, t->cp[i]);
                continue;
            }
            if (i && (as_pinyin >> (i - 1) & 1)) {
                if (!joined)
                    buf_append(&o, " ", 1);
                doubled |= !digits && doubled_at(t, pick, i);
            }
            put_syllable(&o, t->r[i].syl[pick[i]], digits, u_for_v);
        }
        rc = o.failed || form_add(fs, o.data, o.len, kind);
    }
    buf_free(&o);
    return rc;
}

static int combo_forms(const term *t, const int *pick, unsigned req, form_set *fs)
{
    int rc = 0, has_v = 0;
    unsigned all = (1u << t->n) - 1;
    for (size_t i = 0; i < t->n; i++)
        has_v |= strchr(t->r[i].syl[pick[i]], 'v') != NULL;
    /* ü: "v" as typed, "u" as "ü" folds */
    for (int uv = 0; uv <= has_v && !rc; uv++) {
        if (req & FORM_PINYIN) {
            rc = spell(t, pick, all, 0, uv, VK_PINYIN, fs);
            if (!rc)
                rc = spell(t, pick, all, 1, uv, VK_TONE_DIGITS, fs);
        }
        if ((req & FORM_MIXED) && t->n >= 2 && t->n <= MAX_MIXED)
            for (unsigned mask = 1; mask < all && !rc; mask++)
                rc = spell(t, pick, mask, 0, uv, VK_MIXED, fs);
    }
    if ((req & FORM_INITIALS) && t->n >= 3 && !rc) {
        buf o = {0};
        for (size_t i = 0; i < t->n; i++)
            buf_append(&o, t->r[i].syl[pick[i]], 1);
        rc = o.failed || form_add(fs, o.data, o.len, VK_INITIALS);
        buf_free(&o);
    }
    return rc;
}

/* ---- homophones ---------------------------------------------------------- */

/* Common characters by toneless reading: sorted (syllable, cp) pairs. */
typedef struct homophones {
    struct hp {
        char syl[SYL];
        uint32_t cp;
    } *v;
    size_t n;
    uint64_t *inside; /* hashes of the 2..4-character pieces of listed words, sorted */
    size_t n_inside;
} homophones;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Every run of 2..4 characters of every listed word (the word itself
 * included): a homophone form equal to one of them is ordinary text
 * (小学 for 小穴, 打麻 of 打麻将). */
static int inside_build(homophones *h)
{
    size_t cap = zh_word_count * 9 + 1, n = 0;
    h->inside = mem_malloc(cap * sizeof(uint64_t));
    if (!h->inside)
        return -1;
    for (size_t k = 0; k < zh_word_count; k++) {
        const char *w = zh_word_pool + zh_word_off[k];
        size_t wl = strlen(w), off[ZH_MAX_SPLIT + 1], nc = 0;
        for (size_t p = 0; p < wl && nc < ZH_MAX_SPLIT; nc++) {
            off[nc] = p;
            utf8_next((const uint8_t *)w, wl, &p);
        }
        off[nc] = wl;
        if (off[nc] != wl)
            continue; /* longer than ZH_MAX_SPLIT characters */
        for (size_t a = 0; a < nc; a++)
            for (size_t b = a + 2; b <= nc && b <= a + 4; b++) {
                if (n == cap) {
                    uint64_t *g = mem_realloc(h->inside, 2 * cap * sizeof(uint64_t));
                    if (!g)
                        return -1;
                    h->inside = g;
                    cap *= 2;
                }
                h->inside[n++] = XXH3_64bits(w + off[a], off[b] - off[a]);
            }
    }
    qsort(h->inside, n, sizeof(uint64_t), cmp_u64);
    h->n_inside = n;
    return 0;
}

static int is_inside_word(const homophones *h, const char *s, size_t n)
{
    uint64_t x = XXH3_64bits(s, n);
    return bsearch(&x, h->inside, h->n_inside, sizeof x, cmp_u64) != NULL;
}

/* Log-probability of s (UTF-8, at most ZH_MAX_SPLIT characters) as
 * ordinary text under the word list. */
static double ordinary_score(const char *s, size_t len)
{
    size_t off[ZH_MAX_SPLIT + 1], n = 0;
    for (size_t p = 0; p < len && n < ZH_MAX_SPLIT; n++) {
        off[n] = p;
        utf8_next((const uint8_t *)s, len, &p);
    }
    off[n] = len;
    return zh_split(s, off, n, 1, NULL);
}

static int cmp_hp(const void *a, const void *b)
{
    const struct hp *x = a, *y = b;
    int c = strcmp(x->syl, y->syl);
    return c ? c : (x->cp > y->cp) - (x->cp < y->cp);
}

/* Frequency (in jieba's list, as a one-character word) a character needs to
 * serve as a homophone. SCREENER_HOMOPHONE_MIN_FREQ overrides it for
 * measurements (bench/variants). */
static uint32_t homophone_min_freq(void)
{
    const char *e = getenv("SCREENER_HOMOPHONE_MIN_FREQ");
    return e && *e ? (uint32_t)strtoul(e, NULL, 10) : HOMOPHONE_MIN_FREQ;
}

/* Index the frequent characters by their primary toneless reading (only the
 * primary: 茄's rare reading jiā would make it a homophone of 假). A
 * character the fold rewrites (乾 -> 干) is left out: its form would not be
 * the text the scan sees. */
static int homophones_build(homophones *h, const fold_table *ft)
{
    h->v = mem_malloc(zh_reading_count * MAX_READINGS * sizeof *h->v);
    h->n = 0;
    if (!h->v)
        return -1;
    for (size_t k = 0; k < zh_reading_count; k++) {
        readings r;
        uint8_t u[4];
        size_t un = utf8_put(u, zh_reading_cp[k]);
        if (!char_readings(zh_reading_cp[k], &r) ||
            FV_KIND(fold_value(ft, (int32_t)zh_reading_cp[k])) != FV_IDENT ||
            zh_word_frequency((const char *)u, un) < homophone_min_freq())
            continue;
        struct hp *p = &h->v[h->n++];
        memset(p->syl, 0, SYL);
        memcpy(p->syl, r.syl[0], strcspn(r.syl[0], "12345"));
        p->cp = zh_reading_cp[k];
    }
    qsort(h->v, h->n, sizeof *h->v, cmp_hp);
    return inside_build(h);
}

/* A form is ordinary text, and not generated, if it is a piece of a listed
 * word (小学 for 小穴), or if it is a run of frequent characters (more than
 * ORDINARY_PER_CHAR log-probability per character under the word list)
 * that the list also finds likelier than the term itself (看了你 for 砍了你:
 * -5.5 per character, and likelier). 芬太你 for 芬太尼 (-8.5) stays. */
static int homophone_forms(const term *t, const homophones *h, form_set *fs)
{
    buf o = {0};
    int rc = 0;
    for (size_t j = 0; j < t->n; j++)
        put_char(&o, t->cp[j]);
    double own = o.failed ? 0 : ordinary_score((const char *)o.data, o.len);
    for (size_t i = 0; i < t->n && !rc; i++) {
        /* the primary reading only: a polyphonic character's other readings
         * are rarer, and their homophones would mostly be noise */
        struct hp key;
        memset(key.syl, 0, SYL);
        memcpy(key.syl, t->r[i].syl[0], strcspn(t->r[i].syl[0], "12345"));
        key.cp = 0;
        size_t lo = 0, hi = h->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_hp(&h->v[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < h->n && strcmp(h->v[lo].syl, key.syl) == 0 && !rc; lo++) {
            if (h->v[lo].cp == t->cp[i])
                continue;
            o.len = 0;
            for (size_t j = 0; j < t->n; j++)
                put_char(&o, j == i ? h->v[lo].cp : t->cp[j]);
            if (o.failed) {
                rc = -1;
                break;
            }
            double sc = ordinary_score((const char *)o.data, o.len);
            if (is_inside_word(h, (const char *)o.data, o.len) ||
                (sc / (double)t->n > ORDINARY_PER_CHAR && sc >= own))
                continue;
            rc = form_add(fs, o.data, o.len, VK_HOMOPHONE);
        }
    }
    buf_free(&o);
    return rc;
}

/* ---- per entry ----------------------------------------------------------- */

static int entry_forms(variants_ctx *v, size_t i, const homophones *h, form_set *fs)
{
    const dict_entry *e = &v->set->entries[i];
    term t;
    if (variants_folded_cps(v, e, t.cp, MAX_CHARS, &t.n))
        return SCREENER_E_NOMEM;
    if (t.n < 2)
        return SCREENER_OK;
    for (size_t k = 0; k < t.n; k++)
        if (!char_readings(t.cp[k], &t.r[k]))
            return SCREENER_OK; /* not all Han: no pinyin forms */
    fs->n = 0;
    fs->text.len = 0;
    /* reading combinations, primary readings first */
    int pick[MAX_CHARS] = {0};
    for (int combo = 0; combo < MAX_COMBOS; combo++) {
        if (combo_forms(&t, pick, e->forms, fs))
            return err_set(v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        size_t k = t.n;
        while (k > 0 && pick[k - 1] + 1 >= t.r[k - 1].n)
            pick[--k] = 0;
        if (k == 0)
            break;
        pick[k - 1]++;
    }
    if ((e->forms & FORM_HOMOPHONE) && t.n >= MIN_HOMOPHONE &&
        homophone_forms(&t, h, fs))
        return err_set(v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    const char *written = e->term; /* e moves when variants_add grows the array */
    size_t term_len = e->term_len;
    for (size_t k = 0; k < fs->n; k++) {
        const char *f = form_text(fs, k);
        if (strlen(f) == term_len && memcmp(f, written, term_len) == 0)
            continue;
        int rc = variants_add(v, i, f, strlen(f), fs->f[k].kind);
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

int pinyin_forms_generate(variants_ctx *v)
{
    homophones h = {NULL, 0, NULL, 0};
    form_set fs;
    memset(&fs, 0, sizeof fs);
    int rc = SCREENER_OK, need_h = 0;
    for (size_t i = 0; i < v->n_written; i++)
        need_h |= (v->set->entries[i].forms & FORM_HOMOPHONE) != 0;
    if (need_h && homophones_build(&h, v->ft))
        rc = err_set(v->err, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < v->n_written && rc == SCREENER_OK; i++) {
        const dict_entry *e = &v->set->entries[i];
        if (e->forms && !(e->flags & (SCREENER_ENTRY_ALLOW | SCREENER_ENTRY_REGEX |
                                         SCREENER_ENTRY_DETECTOR)))
            rc = entry_forms(v, i, &h, &fs);
    }
    mem_free(h.v);
    mem_free(h.inside);
    buf_free(&fs.text);
    mem_free(fs.f);
    return rc;
}
