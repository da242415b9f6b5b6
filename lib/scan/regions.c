/*
 * regions.c — mentions and platform link wrappers in the original text, and
 * the collection rule for the matches inside them (see regions.h; the rules
 * in words: docs/regions.md).
 *
 * Each kind is found by its own pass, left to right, and yields regions in
 * increasing order that never overlap one another; the matches are sorted by
 * start, so flagging is one merge of the two sequences per kind.
 */
#include "regions.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "common/names.h"
#include "common/utf8.h"
#include "detect.h"

/* ---- applying regions to matches ------------------------------------------ */

/* The matches of one kind's pass: a cursor into s->matches, which regions
 * arrive in increasing order to. */
typedef struct marker {
    screener_scratch *s;
    size_t next;     /* first match not starting before the last region */
    uint16_t flag;   /* SCREENER_MATCH_IN_* */
    int suppress;    /* the profile excludes this kind */
    size_t open;     /* first byte of the earliest open region (or len) */
} marker;

/* Region [a, b): flag the matches lying wholly inside it. O(matches passed).
 * `at` is a mention's '@' (SIZE_MAX for other regions): a match of the leet
 * reading that starts there read the '@' as a letter (`@ss`), so it is a
 * word, not a handle. */
static void region(marker *k, size_t a, size_t b, size_t at)
{
    screener_scratch *s = k->s;
    while (k->next < s->n_matches && s->matches[k->next].start < a)
        k->next++;
    for (size_t i = k->next; i < s->n_matches && s->matches[i].start < b; i++) {
        screener_match *m = &s->matches[i];
        if (m->start == at && (m->flags & SCREENER_MATCH_LEET))
            continue;
        if (m->end <= b)
            m->flags |= (uint16_t)(k->flag | (k->suppress ? SCREENER_MATCH_SUPPRESSED : 0));
    }
}

static void open_at(marker *k, size_t a)
{
    if (a < k->open)
        k->open = a;
}

/* ---- characters ------------------------------------------------------------ */

/* [A-Za-z0-9_]: a table, as handles are read byte by byte */
#define W10 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const uint8_t word_bytes[256] = {
    ['0'] = W10,
    ['A'] = W10, W10, 1, 1, 1, 1, 1, 1,
    ['_'] = 1,
    ['a'] = W10, W10, 1, 1, 1, 1, 1, 1,
};
#undef W10

static int ascii_word(uint8_t c)
{
    return word_bytes[c];
}

/* Full-width Latin letters and digits (U+FF10-19, FF21-3A, FF41-5A) as
 * EF BC 90-99, EF BC A1-BA, EF BD 81-9A: Latin text in another width. */
static int fullwidth_word(const uint8_t *p)
{
    return p[0] == 0xEF && ((p[1] == 0xBC && ((p[2] >= 0x90 && p[2] <= 0x99) ||
                                              (p[2] >= 0xA1 && p[2] <= 0xBA))) ||
                            (p[1] == 0xBD && p[2] >= 0x81 && p[2] <= 0x9A));
}

/* '@' or '＠' (EF BC A0) at text[i]: its length, else 0. */
static size_t at_sign(const uint8_t *t, size_t len, size_t i)
{
    if (t[i] == '@')
        return 1;
    return i + 3 <= len && t[i] == 0xEF && t[i + 1] == 0xBC && t[i + 2] == 0xA0 ? 3 : 0;
}

/* Punctuation blocks a handle never contains, also when the database keeps
 * punctuation (fold family `noise` off): Latin-1 punctuation and symbols,
 * General Punctuation, CJK Symbols and Punctuation, CJK compatibility forms,
 * full-width ASCII punctuation. */
static int punct_block(int32_t c)
{
    return (c >= 0xA0 && c <= 0xBF) || (c >= 0x2000 && c <= 0x206F) ||
           (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
           (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
}

enum { H_END = 0, H_CHAR = 1, H_EXTEND = 2 };

/* What the character at text[*i] is to a handle: a letter or digit of any
 * script (H_CHAR: the fold keeps it as a letter), a mark or variation
 * selector that extends the one before (H_EXTEND), or the end (H_END).
 * Advances *i past it unless H_END. */
static int handle_char(const fold_table *ft, const uint8_t *t, size_t len, size_t *i)
{
    if (t[*i] < 0x80) {
        if (!ascii_word(t[*i]))
            return H_END;
        (*i)++;
        return H_CHAR;
    }
    size_t j = *i;
    int32_t c = utf8_next(t, len, &j);
    if (c < 0 || c == 0xFFFD || punct_block(c))
        return H_END;
    uint32_t v = fold_value(ft, c);
    int r = FV_EXTENDS(v) ? H_EXTEND
          : FV_KIND(v) != FV_DROP && FV_CLASS(v) <= FC_WORD ? H_CHAR /* FC_OTHER, FC_WORD */
                                                             : H_END;
    if (r != H_END)
        *i = j;
    return r;
}

/* ---- mentions -------------------------------------------------------------- */

/* The mention whose marker ('@' or '＠', ml bytes) is at text[p]: its region
 * [*a, *b). Returns 1 for a mention, 0 for none, -1 when the text ends
 * before it is decided (not at_end). */
static int mention_at(const fold_table *ft, const uint8_t *t, size_t len, int at_end, size_t p,
                      size_t ml, size_t *a, size_t *b)
{
    /* `RT` and up to four spaces before it (none: `RT@user`) start the region */
    size_t q = p, sp = 0;
    while (q > 0 && t[q - 1] == ' ' && sp < REGION_RT_SPACES)
        q--, sp++;
    int rt = q >= 2 && t[q - 2] == 'R' && t[q - 1] == 'T' && (q == 2 || !ascii_word(t[q - 3]));
    /* not after a Latin letter, digit or '_' (a@b, e-mail) or another '@',
     * except the `T` of a retweet's `RT` */
    if (p > 0 && ((ascii_word(t[p - 1]) && !(rt && q == p)) || t[p - 1] == '@' ||
                  (p >= 3 && (fullwidth_word(t + p - 3) || at_sign(t, len, p - 3) == 3))))
        return 0;
    *a = rt ? q - 2 : p;
    size_t i = p + ml, n = 0;
    for (int h = H_CHAR; i < len && h != H_END;) {
        while (i < len && n <= REGION_HANDLE_MAX && ascii_word(t[i]))
            i++, n++; /* the common case: ASCII handles */
        if (n > REGION_HANDLE_MAX)
            return 0;
        if (i < len && (h = handle_char(ft, t, len, &i)) == H_CHAR && ++n > REGION_HANDLE_MAX)
            return 0;
        if (i - p > REGION_HANDLE_BYTES)
            return 0; /* marks stacked on a handle: not one a platform shows */
    }
    if (i == len && !at_end)
        return -1; /* the handle may go on */
    if (n == 0 || (i < len && at_sign(t, len, i)))
        return 0; /* `@ x`; `@user@host` is an address, not a mention */
    *b = i;
    return 1;
}

static size_t find_from(const uint8_t *t, size_t len, size_t i, int c)
{
    const void *p = i < len ? memchr(t + i, c, len - i) : NULL;
    return p ? (size_t)((const uint8_t *)p - t) : len;
}

/* First '＠' at or after i (len if none), byte by byte: other CPUs' search,
 * and what the vector one must equal (regions_wide_from). */
static size_t wide_from_scalar(const uint8_t *t, size_t len, size_t i)
{
    for (; i + 3 <= len; i++)
        if (at_sign(t, len, i) == 3)
            return i;
    return len;
}

#ifdef __SSE2__
/* A bit per '＠' (EF BC A0) starting in the 16 bytes at t + i (t[i, i + 18)
 * readable). */
static inline unsigned wide16(const uint8_t *t, size_t i)
{
    __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
    __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(t + i + 1));
    __m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(t + i + 2));
    return (unsigned)_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpeq_epi8(v2, _mm_set1_epi8((char)0xA0)),
                      _mm_and_si128(_mm_cmpeq_epi8(v0, _mm_set1_epi8((char)0xEF)),
                                    _mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xBC)))));
}
#endif

/* First '＠' at or after i (len if none). It is found whole (EF BC A0):
 * searching its byte 0xA0 alone (memchr, before) stopped every few Chinese
 * characters (0xA0 ends many of them), and 0xEF begins every full-width
 * comma. SSE2 (every x86-64 has it): 16 bytes a step on the test for 0xA0,
 * the whole mark where one is; the last bytes from a copy padded with NUL
 * bytes, which hold no mark and complete none. */
static size_t wide_from(const uint8_t *t, size_t len, size_t i)
{
#ifdef __SSE2__
    const __m128i a08 = _mm_set1_epi8((char)0xA0);
    for (; i + 18 <= len; i += 16) {
        __m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(t + i + 2));
        unsigned m;
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(v2, a08)) && (m = wide16(t, i)) != 0)
            return i + (size_t)__builtin_ctz(m);
    }
    if (i + 3 <= len) {
        /* (fewer than 18 bytes left: a mark starts in the first 15) */
        uint8_t pad[32] = {0};
        memcpy(pad, t + i, len - i);
        unsigned m = wide16(pad, 0);
        return m ? i + (size_t)__builtin_ctz(m) : len;
    }
    return len;
#else
    return wide_from_scalar(t, len, i);
#endif
}

size_t regions_wide_from(const uint8_t *t, size_t len, size_t i, int scalar)
{
    return scalar ? wide_from_scalar(t, len, i) : wide_from(t, len, i);
}

/* The next '@' or '＠' at or after i: two cursors that move forward only, '@'
 * by memchr, '＠' by wide_from, so that a pass costs O(len). */
typedef struct at_cursor {
    size_t ascii, wide;
} at_cursor;

static size_t next_at(const uint8_t *t, size_t len, size_t i, at_cursor *c)
{
    if (c->ascii < i)
        c->ascii = find_from(t, len, i, '@');
    if (c->wide < i)
        c->wide = wide_from(t, len, i);
    return c->ascii < c->wide ? c->ascii : c->wide;
}

static void find_mentions(const fold_table *ft, const uint8_t *t, size_t len, int at_end,
                          marker *k)
{
    at_cursor c = {find_from(t, len, 0, '@'), wide_from(t, len, 0)};
    for (size_t i = next_at(t, len, 0, &c); i < len; i = next_at(t, len, i, &c)) {
        size_t a, b, ml = at_sign(t, len, i);
        int r = mention_at(ft, t, len, at_end, i, ml, &a, &b);
        if (r < 0) {
            open_at(k, a);
            return; /* it runs to the end of the text */
        }
        if (r > 0)
            region(k, a, b, i);
        i = r > 0 ? b : i + ml;
    }
}

/* ---- link wrappers --------------------------------------------------------- */

/* A byte that may be part of a link (detect.h's URL characters; letters in
 * either case). */
static int url_byte(uint8_t c)
{
    return c < 0x80 && detect_url_char(c >= 'A' && c <= 'Z' ? c | 0x20u : c);
}

static int host_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.';
}

/* 1 if t[a, b) (a host) is a wrapper host or a subdomain of one. */
static int wrapper_host(const uint8_t *t, size_t a, size_t b)
{
    for (size_t w = 0; w < names_link_wrappers.n; w++) {
        const char *h = names_link_wrappers.entries[w].name;
        size_t n = strlen(h);
        if (b - a < n || (b - a > n && t[b - n - 1] != '.'))
            continue;
        size_t j = 0;
        while (j < n && (t[b - n + j] | 0x20) == (uint8_t)h[j])
            j++;
        if (j == n)
            return 1;
    }
    return 0;
}

/* 1 if t[a, a + n) spells word (lowercase) in any case. */
static int spells(const uint8_t *t, size_t a, const char *word, size_t n)
{
    for (size_t j = 0; j < n; j++)
        if ((t[a + j] | 0x20) != (uint8_t)word[j])
            return 0;
    return 1;
}

/* The link whose first '/' is t[i]: its start and host [*a, *h0, *h1).
 * Returns 1 if it is a link whose host can be read, else 0. */
static int link_at(const uint8_t *t, size_t len, size_t i, size_t *a, size_t *h0, size_t *h1)
{
    if (i > 0 && t[i - 1] == ':' && i + 1 < len && t[i + 1] == '/') {
        /* scheme://host */
        size_t s = i - 1;
        if (s >= 5 && spells(t, s - 5, "https", 5))
            s -= 5;
        else if (s >= 4 && spells(t, s - 4, "http", 4))
            s -= 4;
        else
            return 0;
        if (s > 0 && url_byte(t[s - 1]))
            return 0;
        *a = s;
        *h0 = i + 2;
        *h1 = *h0;
        while (*h1 < len && *h1 - *h0 <= 253 && host_char(t[*h1]))
            (*h1)++;
        return 1;
    }
    /* a bare host before its path: t.co/xyz */
    size_t s = i;
    while (s > 0 && i - s <= 253 && host_char(t[s - 1]))
        s--;
    if (s == i || (s > 0 && url_byte(t[s - 1])))
        return 0;
    *a = *h0 = s;
    *h1 = i;
    return 1;
}

/* The first byte of the run of URL characters that ends the text, at most
 * REGION_MAX_BYTES back: a link may be starting there. */
static size_t url_tail(const uint8_t *t, size_t len)
{
    size_t s = len;
    while (s > 0 && len - s < REGION_MAX_BYTES && t[s - 1] < 0x80 &&
           url_byte(t[s - 1]))
        s--;
    return s;
}

static uint32_t byte_at(const void *seq, size_t i)
{
    uint8_t c = ((const uint8_t *)seq)[i];
    return c >= 'A' && c <= 'Z' ? c | 0x20u : c;
}

static void find_wrappers(const uint8_t *t, size_t len, int at_end, marker *k)
{
    if (!at_end)
        open_at(k, url_tail(t, len)); /* a scheme, host or path may go on */
    for (size_t i = find_from(t, len, 0, '/'); i < len; i = find_from(t, len, i + 1, '/')) {
        size_t a, h0, h1;
        if (!link_at(t, len, i, &a, &h0, &h1) || h1 - h0 > 253 || !wrapper_host(t, h0, h1))
            continue;
        size_t b = h1;
        while (b < len && b - a < REGION_LINK_MAX && url_byte(t[b]) &&
               !(t[b] == '&' && detect_char_ref(byte_at, t, len, b)))
            b++; /* as the url detector reads a link */
        region(k, a, b, SIZE_MAX);
        i = b > i ? b - 1 : i;
    }
}

/* ---- entry ----------------------------------------------------------------- */

void regions_mark(const fold_table *ft, screener_scratch *s, const uint8_t *text, size_t len,
                  int at_end, size_t *open_from)
{
    marker k = {s, 0, SCREENER_MATCH_IN_MENTION,
                (s->exclude_regions & SCREENER_REGION_MENTIONS) != 0, len};
    find_mentions(ft, text, len, at_end, &k);
    size_t open = k.open;
    k.next = 0;
    k.flag = SCREENER_MATCH_IN_LINK_WRAPPER;
    k.suppress = (s->exclude_regions & SCREENER_REGION_LINK_WRAPPERS) != 0;
    k.open = len;
    find_wrappers(text, len, at_end, &k);
    *open_from = k.open < open ? k.open : open;
}
