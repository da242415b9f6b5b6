/*
 * inflect.c — generated forms of Latin-script terms: English inflections
 * (plural, -ed, -ing, -er, -y with the usual spelling rules) and coded
 * spellings that follow a rule (-er written -a/-ah/-uh, one letter doubled,
 * one doubled letter dropped). Generators of compile/forms.c.
 *
 * Spelling rules for a suffix beginning with a vowel (-ed, -ing, -er, -y):
 *   - silent e drops (rape -> raped, raping, raper; slime -> slimy), except
 *     after e, o, y (hoeing, hoey); ie -> ying (die -> dying);
 *   - consonant + y -> i before -ed, -er (pussied, pussier), kept before -ing;
 *     no -y form of a word ending in a vowel other than e or in y;
 *   - final c takes a k (spic -> spicked);
 *   - a one-syllable word ending in one vowel + one consonant (not w, x, y)
 *     doubles it (shit -> shitted, shitting, shitter, shitty; slut -> slutty).
 * Plural / third person: -es after s, x, z, ch, sh; consonant + y -> -ies.
 * Only base forms are inflected (see inflectable()).
 */
#include "common/alloc.h"
#include "inflect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "screener.h"

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_letter(int c)
{
    c = lower(c);
    return c >= 'a' && c <= 'z';
}

static int vowel(int c)
{
    c = lower(c);
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

int inflect_applies(const char *t, size_t n)
{
    if (n == 0 || !is_letter(t[0]) || !is_letter(t[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (is_letter(t[i]))
            continue;
        if ((t[i] == ' ' || t[i] == '-') && is_letter(t[i + 1]))
            continue; /* t[n-1] is a letter, so t[i+1] exists */
        return 0;
    }
    return 1;
}

/* Start of the last word. */
static size_t last_word(const char *t, size_t n)
{
    size_t s = n;
    while (s > 0 && is_letter(t[s - 1]))
        s--;
    return s;
}

/* One-syllable word ending in (consonant) vowel consonant, the consonant not
 * w, x or y: its final consonant doubles before a vowel suffix. */
static int doubles_final(const char *w, size_t n)
{
    if (n < 3)
        return 0;
    int l = lower(w[n - 1]);
    if (vowel(l) || l == 'w' || l == 'x' || l == 'y' || !vowel(w[n - 2]) || vowel(w[n - 3]))
        return 0;
    int groups = 0;
    for (size_t i = 0; i < n; i++)
        if (vowel(w[i]) && (i == 0 || !vowel(w[i - 1])))
            groups++;
    return groups == 1;
}

/* term t[0..n) + suffix with the spelling rules above, into out (capacity
 * n + 8). Returns the length, or 0 when the form does not exist. */
static size_t attach(const char *t, size_t n, const char *suf, char *out)
{
    size_t ws = last_word(t, n);
    int l = lower(t[n - 1]), p = n - ws >= 2 ? lower(t[n - 2]) : 0;
    size_t keep = n;
    const char *add = suf;
    char extra = 0;
    if (strcmp(suf, "s") == 0) {
        if (l == 's' || l == 'x' || l == 'z' || (l == 'h' && (p == 'c' || p == 's'))) {
            add = "es";
        } else if (l == 'y' && p && !vowel(p)) {
            keep = n - 1;
            add = "ies";
        }
    } else if (l == 'e') {
        if (suf[0] == 'i' && p == 'i') {
            keep = n - 2;
            add = "ying";
        } else if (!(suf[0] != 'e' && (p == 'e' || p == 'o' || p == 'y'))) {
            keep = n - 1; /* rape -> rap+ed; hoe+ing, hoe+y keep theirs */
        }
    } else if (l == 'y') {
        if (suf[0] == 'y')
            return 0;
        if (suf[0] == 'e' && p && !vowel(p)) {
            keep = n - 1;
            extra = 'i';
        }
    } else if (vowel(l)) {
        if (suf[0] == 'y')
            return 0;
    } else if (l == 'c') {
        extra = 'k';
    } else if (doubles_final(t + ws, n - ws)) {
        extra = t[n - 1];
    }
    memcpy(out, t, keep);
    size_t o = keep;
    if (extra)
        out[o++] = extra;
    size_t an = strlen(add);
    memcpy(out + o, add, an);
    return o + an;
}

static int ends_with(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lower(w[n - k + i]) != suf[i])
            return 0;
    return 1;
}

/* Which inflections a word can take: only base forms are inflected. A word
 * that already looks inflected (-s but not -ss/-us/-is, -ed, -ing) takes
 * none (no "cuntses", "fuckinged"); one ending in -er or consonant + y takes
 * only the plural (fuckers, pussies); one without a vowel (an acronym such as
 * bdsm) takes none. */
static uint32_t inflectable(const char *w, size_t n)
{
    int has_vowel = 0;
    for (size_t i = 0; i < n; i++)
        has_vowel |= vowel(w[i]) || lower(w[i]) == 'y';
    if (!has_vowel || ends_with(w, n, "ed") || ends_with(w, n, "ing"))
        return 0;
    if (lower(w[n - 1]) == 's' && !ends_with(w, n, "ss") && !ends_with(w, n, "us") &&
        !ends_with(w, n, "is"))
        return 0;
    if (ends_with(w, n, "er") || (lower(w[n - 1]) == 'y' && !vowel(w[n - 2])))
        return FORM_S;
    return FORM_ENGLISH;
}

typedef struct suffix_rule {
    uint32_t rule;
    const char *suffix;
} suffix_rule;

static const suffix_rule suffixes[] = {
    {FORM_S, "s"}, {FORM_ED, "ed"}, {FORM_ING, "ing"}, {FORM_ER, "er"}, {FORM_Y, "y"},
};

/* "KIND of TERM[: NOTE]" for a reason string. */
static void reason_text(char *r, size_t cap, const char *kind, const char *t, size_t n,
                        const char *note)
{
    snprintf(r, cap, "%s of %.*s%s%s", kind, (int)n, t, note ? ": " : "", note ? note : "");
}

int inflect_generate(const char *t, size_t n, uint32_t rules, forms_emit_fn emit, void *ctx)
{
    size_t ws = last_word(t, n);
    if (n - ws < 3)
        return SCREENER_OK;
    if (ws > 0)
        rules &= FORM_S; /* several words: the plural of the last one only */
    rules &= inflectable(t + ws, n - ws);
    char *out = mem_malloc(2 * n + 16), *reason = mem_malloc(n + 64);
    if (!out || !reason) {
        mem_free(out);
        mem_free(reason);
        return SCREENER_E_NOMEM;
    }
    reason_text(reason, n + 64, "inflection", t, n, NULL);
    int rc = SCREENER_OK;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0] && rc == SCREENER_OK; i++) {
        if (!(rules & suffixes[i].rule))
            continue;
        size_t m = attach(t, n, suffixes[i].suffix, out);
        if (m)
            rc = emit(ctx, out, m, reason);
        if (rc == SCREENER_OK && m && suffixes[i].rule == FORM_ER) {
            /* wanker -> wankers */
            char *plural = out + n + 8;
            size_t k = attach(out, m, "s", plural);
            rc = emit(ctx, plural, k, reason);
        }
    }
    mem_free(out);
    mem_free(reason);
    return rc;
}

/* ---- coded spellings ------------------------------------------------------ */

/* Spelling rules make up to one form per letter: a word of at most
 * SPELL_MAX_LETTERS keeps a dictionary from growing by its square. */
#define SPELL_MAX_LETTERS 32

int spell_applies(const char *t, size_t n)
{
    if (n < 4 || n > SPELL_MAX_LETTERS)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_letter(t[i]))
            return 0;
    return 1;
}

/* emit stem[0..k) + tail */
static int emit_tail(forms_emit_fn emit, void *ctx, char *out, const char *t, size_t k,
                     const char *tail, const char *reason)
{
    size_t tn = strlen(tail);
    memcpy(out, t, k);
    memcpy(out + k, tail, tn);
    return emit(ctx, out, k + tn, reason);
}

/* -er -> -a, -ah, -uh (+s); -a -> -ah, -uh (+s). */
static int spell_a(const char *t, size_t n, char *out, char *reason, size_t rcap,
                   forms_emit_fn emit, void *ctx)
{
    static const char *const from_er[] = {"a", "ah", "uh", "as", "ahs", "uhs"};
    static const char *const from_a[] = {"ah", "uh", "ahs", "uhs"};
    const char *const *tails;
    size_t nt, stem;
    if (n >= 5 && lower(t[n - 2]) == 'e' && lower(t[n - 1]) == 'r') {
        tails = from_er;
        nt = 6;
        stem = n - 2;
        reason_text(reason, rcap, "spelling", t, n, "-er written -a, -ah, -uh");
    } else if (n >= 4 && lower(t[n - 1]) == 'a' && !vowel(t[n - 2])) {
        tails = from_a;
        nt = 4;
        stem = n - 1;
        reason_text(reason, rcap, "spelling", t, n, "-a written -ah, -uh");
    } else {
        return SCREENER_OK;
    }
    int rc = SCREENER_OK;
    for (size_t i = 0; i < nt && rc == SCREENER_OK; i++)
        rc = emit_tail(emit, ctx, out, t, stem, tails[i], reason);
    return rc;
}

/* Length of the run of t[i]'s letter (ASCII case ignored) starting at i. */
static size_t run_at(const char *t, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && lower(t[j]) == lower(t[i]))
        j++;
    return j - i;
}

int spell_generate(const char *t, size_t n, uint32_t rules, forms_emit_fn emit, void *ctx)
{
    size_t rcap = n + 96;
    char *out = mem_malloc(n + 16), *reason = mem_malloc(rcap);
    if (!out || !reason) {
        mem_free(out);
        mem_free(reason);
        return SCREENER_E_NOMEM;
    }
    int rc = SCREENER_OK;
    if (rules & FORM_A)
        rc = spell_a(t, n, out, reason, rcap, emit, ctx);
    /* one letter of a run of 1 written twice (biitch), one run of 2 written
     * once (fagot); runs of 3+ are the fold's business (stretched letters) */
    for (size_t i = 0; i < n && rc == SCREENER_OK;) {
        size_t r = run_at(t, n, i);
        if (r == 1 && (rules & FORM_DOUBLE)) {
            reason_text(reason, rcap, "spelling", t, n, "a letter written twice");
            memcpy(out, t, i + 1);
            memcpy(out + i + 1, t + i, n - i);
            rc = emit(ctx, out, n + 1, reason);
        } else if (r == 2 && (rules & FORM_DROP)) {
            reason_text(reason, rcap, "spelling", t, n, "a doubled letter written once");
            memcpy(out, t, i + 1);
            memcpy(out + i + 1, t + i + 2, n - i - 2);
            rc = emit(ctx, out, n - 1, reason);
        }
        i += r;
    }
    mem_free(out);
    mem_free(reason);
    return rc;
}
