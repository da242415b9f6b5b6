/*
 * lookalike.c — the look-alike map (see lookalike.h for the rules). Compile
 * time only: uses ICU's spoof checker (confusables data), character names and
 * case mappings. The fold table builder asks once per code point.
 */
#include "common/alloc.h"
#include "lookalike.h"
#include "screener.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>

#define SKEL_MAX 8 /* skeletons longer than this are never compared */

typedef struct skel {
    UChar u[SKEL_MAX];
    int32_t n; /* 0: none or too long */
} skel;

typedef struct han_entry {
    UChar32 proto; /* a skeleton of one code point that is not Han */
    UChar32 han;   /* the Han character with that skeleton, or -1 if several */
} han_entry;

struct lookalike {
    USpoofChecker *spoof;
    skel ascii[52];      /* A..Z then a..z */
    skel small_cap[26];  /* skeleton of LATIN LETTER SMALL CAPITAL A..Z (n = 0 if none) */
    han_entry *han;      /* sorted by proto */
    size_t n_han;
};

static void skeleton(const lookalike *la, UChar32 c, skel *out)
{
    UChar src[2];
    int32_t sn = 0;
    UErrorCode st = U_ZERO_ERROR;
    U16_APPEND_UNSAFE(src, sn, c);
    out->n = uspoof_getSkeleton(la->spoof, 0, src, sn, out->u, SKEL_MAX, &st);
    if (U_FAILURE(st) || out->n > SKEL_MAX)
        out->n = 0;
}

static int skel_eq(const skel *a, const skel *b)
{
    return a->n > 0 && a->n == b->n && memcmp(a->u, b->u, (size_t)a->n * sizeof(UChar)) == 0;
}

/* The single code point of a skeleton, or -1. */
static UChar32 skel_cp(const skel *s)
{
    if (s->n <= 0)
        return -1;
    UChar32 c;
    int32_t i = 0;
    U16_NEXT(s->u, i, s->n, c);
    return i == s->n ? c : -1;
}

static int is_han(UChar32 c)
{
    UErrorCode st = U_ZERO_ERROR;
    return uscript_getScript(c, &st) == USCRIPT_HAN && U_SUCCESS(st);
}

/* Letters of spaceless scripts other than Han: Kana, Hangul, Bopomofo... */
static int spaceless(UScriptCode sc)
{
    return sc != USCRIPT_HAN && script_spaceless(sc);
}

/* 'A'..'Z' if name is "<prefix><X>" or "<prefix><X> WITH ...", else 0. */
static int named_letter(const char *name, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0)
        return 0;
    char x = name[pl];
    if (x < 'A' || x > 'Z')
        return 0;
    if (name[pl + 1] == 0 || strncmp(name + pl + 1, " WITH ", 6) == 0)
        return x;
    return 0;
}

static void char_name(UChar32 c, char *buf, int32_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = u_charName(c, U_UNICODE_CHAR_NAME, buf, cap, &st);
    if (U_FAILURE(st) || n >= cap)
        buf[0] = 0;
}

static int cmp_han(const void *a, const void *b)
{
    const han_entry *x = a, *y = b;
    return (x->proto > y->proto) - (x->proto < y->proto);
}

/* Skeletons of the BMP Han characters whose confusable prototype is a single
 * non-Han code point (一 -> ー): the reverse index LA_HAN needs. A prototype
 * shared by two Han characters is ambiguous (han = -1). */
static int build_han_index(lookalike *la)
{
    size_t cap = 256;
    la->han = mem_malloc(cap * sizeof *la->han);
    if (!la->han)
        return -1;
    static const UChar32 ranges[][2] = {{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}};
    for (size_t r = 0; r < 2; r++)
        for (UChar32 c = ranges[r][0]; c <= ranges[r][1]; c++) {
            skel s;
            skeleton(la, c, &s);
            UChar32 p = skel_cp(&s);
            if (p < 0 || p == c || is_han(p))
                continue;
            if (la->n_han == cap) {
                cap *= 2;
                han_entry *h = mem_realloc(la->han, cap * sizeof *h);
                if (!h)
                    return -1;
                la->han = h;
            }
            la->han[la->n_han].proto = p;
            la->han[la->n_han].han = c;
            la->n_han++;
        }
    qsort(la->han, la->n_han, sizeof *la->han, cmp_han);
    size_t w = 0;
    for (size_t i = 0; i < la->n_han; i++) {
        if (w && la->han[w - 1].proto == la->han[i].proto)
            la->han[w - 1].han = -1;
        else
            la->han[w++] = la->han[i];
    }
    la->n_han = w;
    return 0;
}

/* Skeletons of the Latin small capitals, found by name among the letters of
 * the Latin script (every LATIN LETTER is one: asking the script first
 * spares the name lookup of ~100,000 other letters, ~5 % of a table build;
 * the tables of all 256 family sets came out byte for byte the same). */
static void build_small_caps(lookalike *la)
{
    char name[128];
    for (UChar32 c = 0x80; c < 0x20000; c++) {
        UErrorCode st = U_ZERO_ERROR;
        if (!(U_GET_GC_MASK(c) & U_GC_L_MASK) || uscript_getScript(c, &st) != USCRIPT_LATIN)
            continue;
        char_name(c, name, sizeof name);
        int x = named_letter(name, "LATIN LETTER SMALL CAPITAL ");
        if (x && la->small_cap[x - 'A'].n == 0 && !strstr(name, " WITH "))
            skeleton(la, c, &la->small_cap[x - 'A']);
    }
}

lookalike *lookalike_open(int *status)
{
    *status = SCREENER_E_NOMEM;
    lookalike *la = mem_calloc(1, sizeof *la);
    if (!la)
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    la->spoof = uspoof_open(&st);
    if (U_FAILURE(st)) {
        mem_free(la);
        *status = st == U_MEMORY_ALLOCATION_ERROR ? SCREENER_E_NOMEM : SCREENER_E_ICU;
        return NULL;
    }
    for (int i = 0; i < 26; i++) {
        skeleton(la, 'A' + i, &la->ascii[i]);
        skeleton(la, 'a' + i, &la->ascii[26 + i]);
    }
    build_small_caps(la);
    if (build_han_index(la)) {
        lookalike_close(la);
        return NULL; /* out of memory */
    }
    *status = SCREENER_OK;
    return la;
}

void lookalike_close(lookalike *la)
{
    if (!la)
        return;
    if (la->spoof)
        uspoof_close(la->spoof);
    mem_free(la->han);
    mem_free(la);
}

/* ---- the rules ----------------------------------------------------------- */

/* LA_SKELETON: the ASCII letter with the same skeleton, the letter's own
 * case first (upper: A-Z, else a-z), then the other case. */
static UChar32 by_skeleton(const lookalike *la, UChar32 c, const skel *s)
{
    int upper = u_isupper(c) || u_charType(c) == U_TITLECASE_LETTER;
    for (int pass = 0; pass < 2; pass++) {
        int base = (upper ^ pass) ? 0 : 26;
        for (int i = 0; i < 26; i++)
            if (skel_eq(s, &la->ascii[base + i]))
                return (base ? 'a' : 'A') + i;
    }
    return -1;
}

/* LA_SMALL_CAP: the small capital whose confusable class holds c. */
static UChar32 by_small_cap(const lookalike *la, const skel *s)
{
    for (int i = 0; i < 26; i++)
        if (skel_eq(s, &la->small_cap[i]))
            return 'a' + i;
    return -1;
}

/* LA_UNCASED: c is a letter usually written without case — an uppercase
 * whose name lacks CAPITAL (Cyrillic palochka Ӏ), or its formal lowercase. */
static int uncased(UChar32 c)
{
    char name[128];
    UChar32 up = u_isupper(c) ? c : u_toupper(c);
    if (!u_isupper(up) || (up != c && u_tolower(up) != c))
        return 0;
    char_name(up, name, sizeof name);
    return name[0] && !strstr(name, "CAPITAL");
}

/* LA_HAN: the one Han character in c's confusable class. */
static UChar32 by_han(const lookalike *la, UChar32 c, const skel *s)
{
    UChar32 p = skel_cp(s);
    if (p < 0)
        return -1;
    if (is_han(p))
        return p;
    size_t lo = 0, hi = la->n_han;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (la->han[mid].proto < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < la->n_han && la->han[lo].proto == p && la->han[lo].han != c)
        return la->han[lo].han;
    return -1;
}

static UChar32 latin_reading(const lookalike *la, UChar32 c, int *why)
{
    skel s;
    skeleton(la, c, &s);
    if (uncased(c)) {
        /* the formal lowercase is drawn like the letter itself: Ӏ and ӏ are
         * one vertical stroke, read as l (the skeleton), not as I or i */
        skel su;
        skeleton(la, u_isupper(c) ? c : u_toupper(c), &su);
        UChar32 p = skel_cp(&su);
        if (p >= 0 && p < 0x80 && u_isalpha(p)) {
            *why = LA_UNCASED;
            return p;
        }
    }
    UChar32 a = by_skeleton(la, c, &s);
    if (a >= 0) {
        *why = LA_SKELETON;
        return a;
    }
    a = by_small_cap(la, &s);
    if (a >= 0) {
        *why = LA_SMALL_CAP;
        return a;
    }
    UChar32 up = u_toupper(c);
    if (u_islower(c) && up != c && up >= 0x80) {
        skel su;
        skeleton(la, up, &su);
        a = by_skeleton(la, up, &su);
        if (a >= 'A' && a <= 'Z') {
            *why = LA_CAPITAL;
            return a + ('a' - 'A');
        }
    }
    return -1;
}

UChar32 lookalike_of(const lookalike *la, UChar32 c, int *why)
{
    int w = LA_NONE;
    UChar32 r = -1;
    char name[128];
    if (c < 0x80) {
        /* never ASCII: skeletons map 0 -> O, 1 -> l, m -> rn */
    } else if (u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR)) {
        char_name(c, name, sizeof name);
        int x = named_letter(name, "REGIONAL INDICATOR SYMBOL LETTER ");
        if (x) {
            r = x;
            w = LA_REGIONAL;
        }
    } else if (U_GET_GC_MASK(c) & U_GC_L_MASK) {
        UErrorCode st = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript(c, &st);
        /* conjoining jamo spell syllables (NFD Korean): never read as Han */
        int jamo = u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE) != U_HST_NOT_APPLICABLE;
        if (U_SUCCESS(st) && sc != USCRIPT_HAN && !jamo) {
            if (!spaceless(sc))
                r = latin_reading(la, c, &w);
            if (r < 0 && (spaceless(sc) || sc == USCRIPT_COMMON)) {
                skel s;
                skeleton(la, c, &s);
                r = by_han(la, c, &s);
                w = r >= 0 ? LA_HAN : LA_NONE;
            }
        }
    }
    if (r < 0)
        w = LA_NONE;
    if (why)
        *why = w;
    return r;
}

const char *lookalike_rule_name(int why)
{
    static const char *const names[LA_COUNT] = {
        "none", "regional", "uncased", "skeleton", "small-capital", "capital", "han",
    };
    return why >= 0 && why < LA_COUNT ? names[why] : "?";
}
