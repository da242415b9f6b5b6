/*
 * leet.c — the leet view (see leet.h; the rule and its table: docs/leet.md).
 *
 *   text --leet_candidate (one pass, ASCII table)--> nothing to do (most texts)
 *        --seeds (bytes that can take part in a reading) and the regions
 *          around them, reset to reset (read_regions); the rest is copied
 *        --decode (per region): one leet_char per character, classified
 *          through the fold table
 *        --tokens (runs of letters, digits, leet symbols) and spelled-out words
 *          (single-character tokens across separators)
 *        --the rule, per word: which digits/symbols read as letters, which
 *          spaced repeats are joined
 *        --rewrite (reading + original-byte map) --fold_text--> folded reading
 */
#include "leet.h"
#include "fold_simd.h"

#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "common/utf8.h"

/* ---- the table ------------------------------------------------------------ */

/* The letter each leet character is read as (docs/leet.md says why). */
static char leet_letter(uint8_t c)
{
    switch (c) {
    case '0': return 'o';
    case '1': return 'i';
    case '3': return 'e';
    case '4': return 'a';
    case '5': return 's';
    case '7': return 't';
    case '8': return 'b';
    case '9': return 'g';
    case '$': return 's';
    case '@': return 'a';
    case '!': return 'i';
    case '|': return 'l';
    case '+': return 't';
    case '(': return 'c';
    default: return 0;
    }
}

/* Symbols that may stand at a word's edge ("@ss", "$lut", "gla$$"); the others
 * ('!', '|', '+', '(') only between letters: at an edge they are punctuation. */
static int edge_symbol(uint8_t c)
{
    return c == '$' || c == '@';
}

/* Character classes of the rule (decode). */
#define LC_LETTER 1 /* a kept word letter (not a digit) */
#define LC_DIGIT 2  /* a kept character that folds to one ASCII digit */
#define LC_SYM 3    /* a leet symbol (ASCII, or punctuation whose ASCII form is one) */
#define LC_SEP 4    /* a dropped visible separator */
#define LC_INV 5    /* a dropped invisible character */
#define LC_OTHER 6  /* anything else kept (Han, U+FFFD, other symbols kept...) */

/* ---- the first pass --------------------------------------------------------- */

#define K_LEET 1u   /* a leet digit or symbol */
#define K_LETTER 2u /* an ASCII letter */
#define K_SEP 4u    /* ASCII whitespace or punctuation that is no leet symbol */
#define K_P 8u      /* p or P ("ph" for f) */

static const uint8_t kind[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 1, 4, 4, 1, 4, 4, 4, 1, 4, 4, 1, 4, 4, 4, 4,
    1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 4, 4, 4, 4, 4, 4,
    1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    10, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4,
    4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    10, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 1, 4, 4, 0,
};

static inline unsigned kind_at(const uint8_t *s, size_t n, size_t i)
{
    return i < n && s[i] < 0x80 ? kind[s[i]] : 0;
}

static inline int letter_at(const uint8_t *s, size_t n, size_t i)
{
    return (kind_at(s, n, i) & K_LETTER) != 0;
}

/* Not a letter or digit (or outside the text): i may be (size_t)-1. */
static inline int edge_at(const uint8_t *s, size_t n, size_t i)
{
    if (i >= n)
        return 1;
    uint8_t b = s[i];
    return b < 0x80 && !(kind[b] & K_LETTER) && !(b >= '0' && b <= '9');
}

/* Letters in a row from i in direction d (-1 or +1), at most 3. */
static int letters_from(const uint8_t *s, size_t n, size_t i, int d)
{
    int c = 0;
    while (c < 3 && i < n && letter_at(s, n, i)) {
        c++;
        i += (size_t)(ptrdiff_t)d;
    }
    return c;
}

/* A single letter standing alone two bytes away in direction d ("f 4 c k":
 * the f and the c around the 4). */
static int lone_letter_at(const uint8_t *s, size_t n, size_t i, int d)
{
    size_t j = i + (size_t)(ptrdiff_t)(2 * d), o = j + (size_t)(ptrdiff_t)d;
    size_t sep = i + (size_t)(ptrdiff_t)d;
    return sep < n && (kind_at(s, n, sep) & K_SEP) && j < n && letter_at(s, n, j) &&
           edge_at(s, n, o);
}

/* ---- links, e-mail addresses and handles are not words ----------------- */

static int is_alnum(uint8_t b)
{
    return b < 0x80 && ((kind[b] & K_LETTER) || (b >= '0' && b <= '9'));
}

/* A chunk longer than this (no whitespace) is not read at all. */
#define CHUNK_MAX LEET_CHUNK_MAX

#if defined(__SSE2__)
#include <emmintrin.h>

/* Constants of the 16-byte tests, one row each, read through a pointer
 * the compiler cannot see into (opaque16) so that a row is an operand in
 * memory: a _mm_set1_epi8 is rebuilt at every use from an immediate (three
 * instructions), which cost a handle's test a third of its instructions. */
enum { H_MINUS_CAP, H_25, H_MINUS_0, H_9, H_US, H_MINUS_A, H_SPACE, H_MINUS_TAB, H_4, H_SLASH,
       H_W, H_AT, H_X20, H_2, H_6, H_DOLLAR, H_BANG, H_BAR, H_PLUS, H_PAREN, H_P, H_ROWS };
#define ROW16(b) {b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b}
static const uint8_t c16[H_ROWS][16] __attribute__((aligned(16))) = {
    ROW16((uint8_t)-'A'), ROW16(25), ROW16((uint8_t)-'0'), ROW16(9), ROW16('_'),
    ROW16((uint8_t)-'a'), ROW16(' '), ROW16((uint8_t)-'\t'), ROW16(4), ROW16('/'), ROW16('w'),
    ROW16('@'), ROW16(0x20), ROW16('2'), ROW16('6'), ROW16('$'), ROW16('!'), ROW16('|'),
    ROW16('+'), ROW16('('), ROW16('p'),
};
#undef ROW16

static inline const uint8_t (*opaque16(void))[16]
{
    const uint8_t(*h)[16] = c16;
    __asm__("" : "+r"(h));
    return h;
}

#define K16(row) _mm_load_si128((const __m128i *)(const void *)h[row])

/* v + minus_base as unsigned <= span: a mask per byte (rows of c16) */
static inline __m128i range16(__m128i v, __m128i minus_base, __m128i span)
{
    __m128i t = _mm_add_epi8(v, minus_base);
    return _mm_cmpeq_epi8(_mm_min_epu8(t, span), t);
}

/* ASCII whitespace (leet_is_space) of the 16 bytes at p, one bit each. */
static inline unsigned space16(const uint8_t (*h)[16], const uint8_t *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i ws = _mm_or_si128(_mm_cmpeq_epi8(v, K16(H_SPACE)), range16(v, K16(H_MINUS_TAB), K16(H_4)));
    return (unsigned)_mm_movemask_epi8(ws);
}

/* '/', 'w' and '@' of the 16 bytes at p: where whole_machine must look. */
static inline unsigned machine16(const uint8_t (*h)[16], const uint8_t *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, K16(H_SLASH)),
                             _mm_or_si128(_mm_cmpeq_epi8(v, K16(H_W)), _mm_cmpeq_epi8(v, K16(H_AT))));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* 1 if the chunk [a, z) (bytes without whitespace) is a link (a '/' or
 * "www.") or an e-mail address (an '@' after a letter or digit, a '.'
 * after it). */
static int whole_machine(const uint8_t *s, size_t a, size_t z, int fast)
{
    int at_inside = 0;
    size_t q = a;
#if defined(__SSE2__)
    /* up to the first '/', 'w' or '@' nothing can make it a link or an
     * address (a '.' counts only after an '@') */
    if (fast && q + 16 <= z) {
        const uint8_t(*h)[16] = opaque16();
        while (q + 16 <= z && !machine16(h, s + q))
            q += 16;
    }
#else
    (void)fast;
#endif
    for (; q < z; q++) {
        if (s[q] == '/' || (s[q] == 'w' && q + 4 <= z && memcmp(s + q, "www.", 4) == 0) ||
            (at_inside && s[q] == '.'))
            return 1;
        at_inside |= s[q] == '@' && q > a && is_alnum(s[q - 1]);
    }
    return 0;
}


/* Characters of a handle's name: 1 lower-case letter, 2 capital, 4 digit
 * or '_' (0: not in a name). */
static const uint8_t name_kind[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0,
    0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 4,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* For an '@' at q (chunk [a, z)) that starts a word: the end of the name
 * after it (letters, digits, '_'); 1 in *handle if the name has a digit, a
 * '_', a capital after its first letter or more than six characters
 * (@someone, @user_1, @KingL; "@ss" is read). */
static inline __attribute__((always_inline)) size_t handle_end(const uint8_t *s, size_t q, size_t z,
                                                             int *handle)
{
    size_t e = q + 1;
#if defined(__SSE2__)
    if (z >= e + 16) { /* a name shorter than 16 bytes, found 16 bytes at a time */
        const uint8_t(*h)[16] = opaque16();
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + e));
        __m128i cap = range16(v, K16(H_MINUS_CAP), K16(H_25));
        __m128i du = _mm_or_si128(range16(v, K16(H_MINUS_0), K16(H_9)), _mm_cmpeq_epi8(v, K16(H_US)));
        __m128i low = range16(v, K16(H_MINUS_A), K16(H_25));
        unsigned name = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(low, cap), du));
        unsigned len = (unsigned)__builtin_ctz(~name); /* (16 if all are) */
        if (len < 16) {
            unsigned in = (1u << len) - 1;
            *handle = ((unsigned)_mm_movemask_epi8(du) & in) ||
                      ((unsigned)_mm_movemask_epi8(cap) & in & ~1u) || len > 6;
            return e + len;
        }
    }
#endif
    unsigned first = e < z ? name_kind[s[e]] : 0, rest = 0, k;
    if (first)
        for (e++; e < z && (k = name_kind[s[e]]) != 0; e++)
            rest |= k;
    *handle = ((first | rest) & 4) || (rest & 2) || e - q - 1 > 6;
    return e;
}

static int word_at(const uint8_t *s, size_t a, size_t q)
{
    return s[q] == '@' && (q == a || !is_alnum(s[q - 1]));
}

/* The machine-made part of the chunk [a, z) that holds byte i, if any, in
 * [*m0, *m1): the whole chunk for a link or an address, else a handle. */
static int machine_span(const uint8_t *s, size_t a, size_t z, size_t i, size_t *m0, size_t *m1,
                        int fast)
{
    if (whole_machine(s, a, z, fast)) {
        *m0 = a, *m1 = z;
        return 1;
    }
    for (size_t q = a; q <= i && q < z; q++) {
        if (!word_at(s, a, q))
            continue;
        int handle;
        size_t e = handle_end(s, q, z, &handle);
        if (handle && i < e) {
            *m0 = q, *m1 = e;
            return 1;
        }
        q = e - 1;
    }
    return 0;
}

/* The chunk around byte i: [*a, *z) (returns 0 if it is longer than
 * CHUNK_MAX bytes: not a word; the bounds are then cut there). */
static inline int chunk_of(const uint8_t *s, size_t n, size_t i, size_t *a, size_t *z, int fast)
{
    /* lo stops after whitespace or at i - CHUNK_MAX - 1, hi at whitespace
     * or at i + CHUNK_MAX + 1 */
    size_t lo = i, hi = i, lo_min = i > CHUNK_MAX + 1 ? i - CHUNK_MAX - 1 : 0;
    size_t hi_max = n - i > CHUNK_MAX + 1 ? i + CHUNK_MAX + 1 : n;
#if defined(__SSE2__)
    if (fast) { /* 16 bytes at a time */
        const uint8_t(*h)[16] = opaque16();
        unsigned m;
        for (; lo >= lo_min + 16; lo -= 16)
            if ((m = space16(h, s + lo - 16)) != 0) {
                lo = lo - 16 + (size_t)(32 - __builtin_clz(m)); /* after the last one */
                lo_min = lo;
                break;
            }
        for (; hi + 16 <= hi_max; hi += 16)
            if ((m = space16(h, s + hi)) != 0) {
                hi += (size_t)__builtin_ctz(m);
                hi_max = hi;
                break;
            }
    }
#else
    (void)fast;
#endif
    while (lo > lo_min && !leet_is_space(s[lo - 1]))
        lo--;
    while (hi < hi_max && !leet_is_space(s[hi]))
        hi++;
    *a = lo, *z = hi;
    return hi - lo <= CHUNK_MAX;
}

/* 1 if byte i is in a link, an e-mail address, a handle or an over-long
 * chunk; *skip gets the first byte after that part. */
static inline int in_machine(const uint8_t *s, size_t n, size_t i, size_t *skip, int fast)
{
    size_t a, z, m0, m1;
    if (!chunk_of(s, n, i, &a, &z, fast)) {
        *skip = z;
        return 1;
    }
    if (!machine_span(s, a, z, i, &m0, &m1, fast) || i < m0)
        return 0;
    *skip = m1;
    return 1;
}

/* Bytes of a run of leet symbols (K_LEET, not a digit): $ @ ! | + ( */
static const uint8_t sym_run[256] = {
    ['$'] = 1, ['@'] = 1, ['!'] = 1, ['|'] = 1, ['+'] = 1, ['('] = 1,
};

/* Bytes after which an '@' starts a run and a word (not a letter or digit
 * below 0x80, not a leet symbol): where it may open a handle. */
#define MA_NO_8(x) x, x, x, x, x, x, x, x
static const uint8_t mention_after[256] = {
    MA_NO_8(1), MA_NO_8(1), MA_NO_8(1), MA_NO_8(1),            /* 0x00-0x1F */
    1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1,            /* ' ' ! " # $ % & ' ( ) * + , - . / */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1,            /* 0-9 : ; < = > ? */
    0, MA_NO_8(0), 0, 0, 0, 0, 0, 0, 0,                        /* @ A-O */
    MA_NO_8(0), 0, 0, 0, 1, 1, 1, 1, 1,                        /* P-Z [ \ ] ^ _ */
    1, MA_NO_8(0), 0, 0, 0, 0, 0, 0, 0,                        /* ` a-o */
    MA_NO_8(0), 0, 0, 0, 1, 0, 1, 1, 1,                        /* p-z { | } ~ DEL */
    MA_NO_8(1), MA_NO_8(1), MA_NO_8(1), MA_NO_8(1), MA_NO_8(1), MA_NO_8(1), MA_NO_8(1),
    MA_NO_8(1), MA_NO_8(1), MA_NO_8(1), MA_NO_8(1), MA_NO_8(1), MA_NO_8(1), MA_NO_8(1),
    MA_NO_8(1), MA_NO_8(1),                                    /* 0x80-0xFF */
};
#undef MA_NO_8

/* The first-pass test at byte *pi: 1 if it is a candidate; a run of digits
 * or symbols, a link, an address or a handle around it is decided at once
 * (*pi moves to its last byte). A run's decision is the same whichever of
 * its bytes is tested (it is read from the run's first byte), so the block
 * filter below may name any byte of a run. */
static inline int candidate_at(const uint8_t *s, size_t n, size_t *pi, int fast)
{
    size_t i = *pi;
    uint8_t b = s[i];
    if (b >= 0x80)
        return 0;
    unsigned k = kind[b];
    if (!(k & (K_LEET | K_SEP | K_P)))
        return 0;
    if (fast && b == '@' && (i == 0 || (!is_alnum(s[i - 1]) && !sym_run[s[i - 1]]))) {
        /* an '@' starting a run and a word (a mention): a handle is decided
         * here, as below, without the run around it */
        int handle;
        size_t e = handle_end(s, i, n, &handle);
        if (handle) {
            *pi = e - 1;
            return 0;
        }
    }
    if (k & K_SEP) {
        /* "u u": the same letter alone on both sides of one separator */
        if (i == 0 || i + 1 >= n || ((s[i - 1] | 0x20) != (s[i + 1] | 0x20)) ||
            !(kind_at(s, n, i - 1) & K_LETTER))
            return 0;
        return !((i >= 2 && (kind_at(s, n, i - 2) & K_LETTER)) ||
                 (kind_at(s, n, i + 2) & K_LETTER));
    }
    if (k & K_P) /* "ph" starting a word, before u or a */
        return (i == 0 || !letter_at(s, n, i - 1)) && i + 2 < n && (s[i + 1] | 0x20) == 'h' &&
               ((s[i + 2] | 0x20) == 'u' || (s[i + 2] | 0x20) == 'a');
    /* the rule's shape (read_word), from the bytes around: */
    size_t r0 = i, r1 = i + 1; /* the run of this class around i */
    int digit = b >= '0' && b <= '9';
    if (digit) {
        while (r0 > 0 && (unsigned)(s[r0 - 1] - '0') < 10)
            r0--;
        while (r1 < n && (unsigned)(s[r1] - '0') < 10)
            r1++;
    } else {
        while (r0 > 0 && sym_run[s[r0 - 1]])
            r0--;
        while (r1 < n && sym_run[s[r1]])
            r1++;
    }
    int l = r0 > 0 && letter_at(s, n, r0 - 1), r = letter_at(s, n, r1);
    i = r0;
    b = s[r0];
    if (b == '@' && (i == 0 || !is_alnum(s[i - 1]))) {
        int handle; /* a handle, found without looking at the whole chunk */
        size_t e = handle_end(s, i, n, &handle);
        if (handle) {
            *pi = e - 1;
            return 0;
        }
    }
    int ok;
    if (r1 - r0 > 2)
        ok = 0; /* 1990, $$$ */
    else if (l && r)
        ok = 1; /* sh1t, a$s */
    else if (!l && !r)
        /* a lone character inside a spelled-out word: f 4 c k */
        ok = r1 - r0 == 1 && edge_at(s, n, r0 - 1) && edge_at(s, n, r1) &&
             (lone_letter_at(s, n, i, -1) || lone_letter_at(s, n, i, +1));
    else if (digit)
        ok = r ? letters_from(s, n, r1, +1) >= 3 : letters_from(s, n, r0 - 1, -1) >= 3; /* 5lut */
    else
        ok = r ? (b == '$' || b == '@') : b == '$'; /* $lut @ss gla$$ */
    if (!ok) {
        *pi = r1 - 1; /* the run is decided as a whole */
        return 0;
    }
    size_t skip;
    if (!in_machine(s, n, i, &skip, fast))
        return 1;
    *pi = skip - 1; /* (a link, address or handle: nothing to read in it) */
    return 0;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* (v | 0x20) - base as unsigned <= span: a mask per byte */
static inline __m128i in_range(__m128i v, char base, char span)
{
    __m128i t = _mm_sub_epi8(v, _mm_set1_epi8(base));
    return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(span)), t);
}

static inline __m128i load16(const uint8_t *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* ASCII letters of (v | 0x20) */
static inline __m128i letters16(__m128i lv)
{
    return in_range(lv, 'a', 25);
}

/* The bytes of the 16 at p (p[-2] to p[17] readable) the first pass must
 * test, one bit each: only where the rule's shape can hold, judged from the
 * letters around (docs/leet.md, "The first pass"):
 *   a leet digit (not 2 or 6) with a letter one or two bytes away (sh1t,
 *     b00bs, 5lut, f 4 c k);
 *   a leet symbol with a letter one or two bytes after it, a $ after a
 *     letter, or a letter two bytes before it across a non-letter that is
 *     no symbol (f ! c k);
 *   p before h before u or a, not after a letter (phuck);
 *   a non-letter between two equal lone letters (u u).
 * Digits inside numbers, !!! after a word, &#128514; entities and handles'
 * digits away from letters drop out here, before any byte is tested. A run
 * of two digits or symbols has a named byte whenever the run can be read
 * (candidate_at decides a run the same from any of its bytes). */
static inline unsigned block_mask(const uint8_t *p)
{
    __m128i v = load16(p);
    if (_mm_movemask_epi8(v) == 0xFFFF)
        return 0; /* Chinese text: all high bytes */
    __m128i x20 = _mm_set1_epi8(0x20);
    __m128i lv = _mm_or_si128(v, x20);
    __m128i vm = _mm_or_si128(load16(p - 1), x20), vp = _mm_or_si128(load16(p + 1), x20);
    __m128i vm2 = _mm_or_si128(load16(p - 2), x20), vp2 = _mm_or_si128(load16(p + 2), x20);
    __m128i l0 = letters16(lv), l1 = letters16(vm), r1 = letters16(vp);
    __m128i l2 = letters16(vm2), r2 = letters16(vp2);
    __m128i dol = _mm_cmpeq_epi8(v, _mm_set1_epi8('$'));
    __m128i sy = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(dol, _mm_cmpeq_epi8(v, _mm_set1_epi8('@'))),
                     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('!')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('|')))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')), _mm_cmpeq_epi8(v, _mm_set1_epi8('('))));
    __m128i no = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('2')),
                              _mm_cmpeq_epi8(v, _mm_set1_epi8('6')));
    __m128i dig = _mm_andnot_si128(no, in_range(v, '0', 9));
    __m128i near = _mm_or_si128(_mm_or_si128(l1, r1), _mm_or_si128(l2, r2));
    /* a symbol before this one: the first byte's is unknown (taken as none) */
    __m128i sm1 = _mm_slli_si128(sy, 1);
    __m128i symok = _mm_or_si128(_mm_or_si128(r1, r2),
                                 _mm_or_si128(_mm_and_si128(l1, dol),
                                              _mm_andnot_si128(_mm_or_si128(l1, sm1), l2)));
    __m128i m = _mm_or_si128(_mm_and_si128(dig, near), _mm_and_si128(sy, symok));
    /* u u: a non-letter between two equal lone letters */
    __m128i rep = _mm_andnot_si128(_mm_or_si128(l0, _mm_or_si128(l2, r2)),
                                   _mm_and_si128(_mm_and_si128(l1, r1), _mm_cmpeq_epi8(vm, vp)));
    __m128i ph = _mm_andnot_si128(
        l1, _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(lv, _mm_set1_epi8('p')),
                                        _mm_cmpeq_epi8(vp, _mm_set1_epi8('h'))),
                          _mm_or_si128(_mm_cmpeq_epi8(vp2, _mm_set1_epi8('u')),
                                       _mm_cmpeq_epi8(vp2, _mm_set1_epi8('a')))));
    /* every '@': at a word's start it may open a handle, which the test
     * at every byte skips whole (what the block tests must skip too) */
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(m, _mm_or_si128(rep, ph)));
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define LEET_AVX2 1

/* The same tests 32 bytes at a time, for CPUs with AVX2 (chosen once at
 * run time; the byte shift works per 16-byte lane, which only names more
 * bytes: a symbol before the lane's first byte is taken as none). */
__attribute__((target("avx2"))) static inline __m256i load32(const uint8_t *p)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

/* Byte classes for the 32-byte blocks, from the low and the high nibble (a
 * byte is in a class when both nibbles are: each class is a product of
 * nibble sets): letters in two halves, the leet digits, the leet symbols. */
#define NB_LET_A 0x01u  /* 0x41-0x4F, 0x61-0x6F */
#define NB_LET_B 0x02u  /* 0x50-0x5A, 0x70-0x7A */
#define NB_DIGIT 0x04u  /* 0 1 3 4 5 7 8 9 */
#define NB_SYM2 0x08u   /* ! $ ( + */
#define NB_AT 0x10u     /* @ */
#define NB_BAR 0x20u    /* | */
#define NB_LEET (NB_DIGIT | NB_SYM2 | NB_AT | NB_BAR)
/* the class bits of each low nibble, then of each high nibble */
#define NIB_LO                                                                                  \
    NB_LET_B | NB_DIGIT | NB_AT, NB_LET_A | NB_LET_B | NB_DIGIT | NB_SYM2, NB_LET_A | NB_LET_B,   \
        NB_LET_A | NB_LET_B | NB_DIGIT, NB_LET_A | NB_LET_B | NB_DIGIT | NB_SYM2,                \
        NB_LET_A | NB_LET_B | NB_DIGIT, NB_LET_A | NB_LET_B, NB_LET_A | NB_LET_B | NB_DIGIT,     \
        NB_LET_A | NB_LET_B | NB_DIGIT | NB_SYM2, NB_LET_A | NB_LET_B | NB_DIGIT,                \
        NB_LET_A | NB_LET_B, NB_LET_A | NB_SYM2, NB_LET_A | NB_BAR, NB_LET_A, NB_LET_A, NB_LET_A
#define NIB_HI                                                                                  \
    0, 0, NB_SYM2, NB_DIGIT, NB_LET_A | NB_AT, NB_LET_B, NB_LET_A, NB_LET_B | NB_BAR, 0, 0, 0, 0, \
        0, 0, 0, 0

/* The 32-byte blocks' constants, one row each, read as operands (an
 * _mm256_set1_epi8 is rebuilt in the loop from an immediate: 2-3
 * instructions each). */
enum { C_0F, C_20, C_MINUS_A, C_25, C_DIGIT, C_SYM, C_LET, C_P, C_H, C_DOLLAR, C_U, C_A, C_AT, C_LEET_NOT_AT, C_NIB_LO, C_NIB_HI, C_80,
       C_SLASH, C_SPACE, C_MINUS_TAB, C_4, C_MINUS_0, C_9, C_ROWS };
#define ROW(b) {b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, \
                b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b}
static const uint8_t c32[C_ROWS][32] __attribute__((aligned(32))) = {
    ROW(0x0F), ROW(0x20), ROW((uint8_t)-'a'), ROW(25), ROW(0x04), ROW(0x38), ROW(0x03),
    ROW('p'), ROW('h'), ROW('$'), ROW('u'), ROW('a'), ROW('@'), ROW(0x2C),
    /* NIB_LO and NIB_HI, once per lane */
    {NIB_LO, NIB_LO}, {NIB_HI, NIB_HI}, ROW(0x80),
    ROW('/'), ROW(' '), ROW((uint8_t)-'\t'), ROW(4), ROW((uint8_t)-'0'), ROW(9),
};
#undef ROW

/* Row `row` of the table at k (c32, through a pointer the compiler cannot
 * see into, so that the row is an instruction's memory operand). */
#define k32(row) _mm256_load_si256((const __m256i *)(const void *)k[row])

/* ASCII letters of lv (bytes | 0x20) */
__attribute__((target("avx2"))) static inline __m256i letters32(const uint8_t (*k)[32], __m256i lv)
{
    __m256i t = _mm256_add_epi8(lv, k32(C_MINUS_A));
    return _mm256_cmpeq_epi8(_mm256_min_epu8(t, k32(C_25)), t);
}


/* The same tests 32 bytes at a time, for CPUs with AVX2 (chosen once at run
 * time; the byte shift works per 16-byte lane, which only names more bytes:
 * a symbol before the lane's first byte is taken as none). The leet digits
 * and symbols come from one nibble lookup; v is the block p[0..31]. */
/* A block and the bytes one and two before and after each of its bytes. */
typedef struct around32 {
    __m256i v, m1, p1, m2, p2;
} around32;

/* The block at p, p[-2] to p[33] readable. */
__attribute__((target("avx2"), always_inline)) static inline around32 around_mid(const uint8_t *p)
{
    around32 a = {load32(p), load32(p - 1), load32(p + 1), load32(p - 2), load32(p + 2)};
    return a;
}

/* The text's first 32 bytes (34 readable): zeros before them. */
__attribute__((target("avx2"), always_inline)) static inline around32 around_first(const uint8_t *s)
{
    __m256i v = load32(s), lo = _mm256_permute2x128_si256(v, v, 0x08); /* 0, v's low lane */
    around32 a = {v, _mm256_alignr_epi8(v, lo, 15), load32(s + 1), _mm256_alignr_epi8(v, lo, 14),
                  load32(s + 2)};
    return a;
}

/* The text's last 32 bytes at p (p[-2] readable): zeros after them. */
__attribute__((target("avx2"), always_inline)) static inline around32 around_last(const uint8_t *p)
{
    __m256i v = load32(p), hi = _mm256_permute2x128_si256(v, v, 0x81); /* v's high lane, 0 */
    around32 a = {v, load32(p - 1), _mm256_alignr_epi8(hi, v, 1), load32(p - 2),
                  _mm256_alignr_epi8(hi, v, 2)};
    return a;
}

__attribute__((target("avx2"), always_inline)) static inline unsigned block_mask32(around32 a,
                                                                                   const uint8_t (*k)[32])
{
    __m256i v = a.v;
    const __m256i lo_t = k32(C_NIB_LO), hi_t = k32(C_NIB_HI);
    const __m256i f = k32(C_0F), x20 = k32(C_20);
    const __m256i zero = _mm256_setzero_si256(), ones = _mm256_cmpeq_epi8(zero, zero);
    __m256i cls = _mm256_and_si256(
        _mm256_shuffle_epi8(lo_t, _mm256_and_si256(v, f)),
        _mm256_shuffle_epi8(hi_t, _mm256_and_si256(_mm256_srli_epi16(v, 4), f)));
    __m256i notletter = _mm256_cmpeq_epi8(_mm256_and_si256(cls, k32(C_LET)), zero);
    __m256i lv = _mm256_or_si256(v, x20);
    __m256i vm = _mm256_or_si256(a.m1, x20), vp = _mm256_or_si256(a.p1, x20);
    __m256i l1 = letters32(k, vm);
    /* most blocks of English text (half to two thirds) have no leet digit
     * or symbol, no p before h and no non-letter between a letter and the
     * same byte: what follows cannot name a byte there */
    __m256i leet = _mm256_and_si256(cls, k32(C_LEET_NOT_AT));
    __m256i pre = _mm256_or_si256(
        _mm256_and_si256(_mm256_cmpeq_epi8(lv, k32(C_P)),
                         _mm256_cmpeq_epi8(vp, k32(C_H))),
        _mm256_and_si256(notletter, _mm256_and_si256(l1, _mm256_cmpeq_epi8(vm, vp))));
    __m256i at = _mm256_cmpeq_epi8(v, k32(C_AT)); /* every '@' is named (below) */
    if (_mm256_testz_si256(leet, leet) && !_mm256_movemask_epi8(pre))
        return (unsigned)_mm256_movemask_epi8(at); /* (a mention's block: its '@' alone) */
    __m256i notdig = _mm256_cmpeq_epi8(_mm256_and_si256(cls, k32(C_DIGIT)), zero);
    __m256i notsy = _mm256_cmpeq_epi8(_mm256_and_si256(cls, k32(C_SYM)), zero);
    __m256i l0 = _mm256_xor_si256(ones, notletter);
    __m256i vm2 = _mm256_or_si256(a.m2, x20), vp2 = _mm256_or_si256(a.p2, x20);
    __m256i r1 = letters32(k, vp), l2 = letters32(k, vm2), r2 = letters32(k, vp2);
    __m256i dol = _mm256_cmpeq_epi8(v, k32(C_DOLLAR));
    __m256i near = _mm256_or_si256(_mm256_or_si256(l1, r1), _mm256_or_si256(l2, r2));
    /* a symbol before this one: the first byte's is unknown (taken as none) */
    __m256i sm1 = _mm256_slli_si256(_mm256_xor_si256(notsy, ones), 1);
    __m256i symok = _mm256_or_si256(_mm256_or_si256(r1, r2),
                                    _mm256_or_si256(_mm256_and_si256(l1, dol),
                                                    _mm256_andnot_si256(_mm256_or_si256(l1, sm1), l2)));
    __m256i m = _mm256_or_si256(_mm256_andnot_si256(notdig, near), _mm256_andnot_si256(notsy, symok));
    /* u u: a non-letter between two equal lone letters */
    __m256i rep = _mm256_andnot_si256(_mm256_or_si256(l0, _mm256_or_si256(l2, r2)),
                                      _mm256_and_si256(_mm256_and_si256(l1, r1), _mm256_cmpeq_epi8(vm, vp)));
    __m256i ph = _mm256_andnot_si256(
        l1, _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(lv, k32(C_P)),
                                              _mm256_cmpeq_epi8(vp, k32(C_H))),
                             _mm256_or_si256(_mm256_cmpeq_epi8(vp2, k32(C_U)),
                                             _mm256_cmpeq_epi8(vp2, k32(C_A)))));
    m = _mm256_or_si256(m, at); /* every '@' (see block_mask) */
    return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(m, _mm256_or_si256(rep, ph)));
}

/* v + minus_base as unsigned <= span, rows of c32 */
#define RANGE32(x, minus_base, span)                                                            \
    _mm256_cmpeq_epi8(_mm256_min_epu8(_mm256_add_epi8((x), k32(minus_base)), k32(span)),       \
                      _mm256_add_epi8((x), k32(minus_base)))

/* The bits of the block's chunk bytes (not ASCII whitespace). */
__attribute__((target("avx2"), always_inline)) static inline unsigned chunk_bits32(__m256i v,
                                                                                 const uint8_t (*k)[32])
{
    __m256i ws = _mm256_or_si256(_mm256_cmpeq_epi8(v, k32(C_SPACE)), RANGE32(v, C_MINUS_TAB, C_4));
    return ~(unsigned)_mm256_movemask_epi8(ws);
}

/* The bits of the block's ASCII digits (*d) and of its leet symbols, the
 * bytes of a symbol run: $ @ ! | + ( (*y). A link's named bytes other than
 * those may be read by the test (a "ph" or a repeat's separator, which
 * candidate_at reads without looking at the chunk). */
__attribute__((target("avx2"), always_inline)) static inline void digit_sym_bits32(
    __m256i v, const uint8_t (*k)[32], unsigned *d, unsigned *y)
{
    const __m256i f = k32(C_0F), zero = _mm256_setzero_si256();
    __m256i cls = _mm256_and_si256(
        _mm256_shuffle_epi8(k32(C_NIB_LO), _mm256_and_si256(v, f)),
        _mm256_shuffle_epi8(k32(C_NIB_HI), _mm256_and_si256(_mm256_srli_epi16(v, 4), f)));
    *d = (unsigned)_mm256_movemask_epi8(RANGE32(v, C_MINUS_0, C_9));
    *y = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(cls, k32(C_SYM)), zero));
}

/* The bytes of a block that follow a '/' in the same chunk (no whitespace
 * between): a link's. The test at every byte (candidate_at) decides a
 * link's digits, leet symbols and '@'s as nothing to read, skipping at most
 * to the chunk's end, so when the block names nothing else there (m: its
 * named bytes) none of them needs the test. in: those of chunks that end
 * in the block (or at the text's end: end 1); out: those of the chunk that
 * goes on past the block (its bytes in the next block are looked at
 * there, candidate_blocks32). */
typedef struct links32 {
    unsigned in, out;
} links32;

__attribute__((target("avx2"), noinline)) static links32 link_bits32(const uint8_t *p,
                                                                     const uint8_t (*k)[32],
                                                                     unsigned m, int end)
{
    /* (out of line, the block at p read again: inline, its registers
     * spilled the block mask's) */
    __m256i v = load32(p);
    uint64_t chunk = chunk_bits32(v, k);
    uint64_t slash = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, k32(C_SLASH)));
    /* from each chunk's first '/' on: the carry runs to the chunk's end,
     * clearing every bit but those of the later '/'s (1 + 1 + the carry) */
    uint64_t after = chunk + slash;
    unsigned d, y;
    digit_sym_bits32(v, k, &d, &y);
    unsigned link = (unsigned)((chunk & ~after) | slash), readable = m & ~(d | y);
    links32 l = {link, 0};
    if ((after >> 32) && !end) { /* the last chunk goes on: its bits after the last whitespace */
        unsigned z = ~link; /* (bit 31 is 0: a shift below 32) */
        l.out = z ? link & ~0u << (32 - __builtin_clz(z)) : link;
        l.in = link & ~l.out;
    }
    if (l.in & readable)
        l.in = 0;
    if (l.out & readable)
        l.out = 0;
    /* and, wherever they are, runs of three or more digits or of three or
     * more symbols ("&#8217;", "2014", "!!! RT"): never read, and the test
     * of any of their bytes only skips the run */
    d &= d >> 1 & d >> 2, y &= y >> 1 & y >> 2; /* (the first of three in a row) */
    l.in |= d | d << 1 | d << 2 | y | y << 1 | y << 2;
    return l;
}

/* A chunk left untested that goes on at bit `at` of the block at p (its
 * named bytes: m): its bits there, up to its first whitespace; *open 1 if
 * it goes on past the block, *read 1 if the block names a byte of it that
 * the test may read. */
typedef struct cont32 {
    unsigned bits;
    int open, read;
} cont32;

__attribute__((target("avx2"), noinline)) static cont32 cont_bits32(const uint8_t *p,
                                                                   const uint8_t (*k)[32],
                                                                   unsigned m, unsigned at)
{
    __m256i v = load32(p);
    uint64_t chunk = chunk_bits32(v, k), run = chunk + (1u << at);
    cont32 c = {(unsigned)(chunk & ~run), (int)(run >> 32), 0};
    unsigned d, y;
    digit_sym_bits32(v, k, &d, &y);
    c.read = (m & c.bits & ~(d | y)) != 0;
    return c;
}
#undef RANGE32
#endif


int leet_candidate_ref(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (candidate_at(s, n, &i, 0))
            return 1;
    return 0;
}

#if defined(__SSE2__)
/* d[0, len) = s[0, len), len <= 36, with a few fixed-size moves. */
static inline void copy_small(uint8_t *d, const uint8_t *s, size_t len)
{
    if (len >= 16) {
        _mm_storeu_si128((__m128i *)(void *)d, load16(s));
        if (len > 32)
            _mm_storeu_si128((__m128i *)(void *)(d + 16), load16(s + 16));
        _mm_storeu_si128((__m128i *)(void *)(d + len - 16), load16(s + len - 16));
    } else if (len >= 8) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + len - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + len - 8, &b, 8);
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + len - 4, &b, 4);
    } else {
        for (size_t k = 0; k < len; k++)
            d[k] = s[k];
    }
}

/* The block at i of (s, n) with its two bytes either side (zeros outside
 * the text) in pad (room for 2 + w + 2): returns where the block starts. */
static inline const uint8_t *padded_block(const uint8_t *s, size_t n, size_t i, size_t w,
                                          uint8_t *pad)
{
    size_t lo = i < 2 ? 0 : i - 2, hi = i + w + 2 < n ? i + w + 2 : n;
    memset(pad, 0, 2 * w + 8);
    copy_small(pad + 2 - (i - lo), s + lo, hi - lo);
    return pad + 2;
}

/* The blocks of w bytes (16 or 32) of (s, n), two either side readable (a
 * zero-padded copy at the text's start and end): only the bytes the block's
 * mask names are tested. */
static int candidate_blocks(const uint8_t *s, size_t n, size_t w, unsigned (*mask)(const uint8_t *))
{
    uint8_t pad[48];
    for (size_t i = 0; i < n;) {
        const uint8_t *p = s + i;
        if (i < 2 || i + w + 2 > n)
            p = padded_block(s, n, i, w, pad);
        /* all high bytes (Chinese text): nothing to test, no call */
        unsigned hi = (unsigned)_mm_movemask_epi8(load16(p));
        if (w == 32)
            hi &= (unsigned)_mm_movemask_epi8(load16(p + 16));
        if (hi == 0xFFFF) {
            i += w;
            continue;
        }
        unsigned m = mask(p);
        if (n - i < w)
            m &= (1u << (n - i)) - 1;
        size_t base = i;
        i += w;
        while (m) {
            size_t j = base + (size_t)__builtin_ctz(m);
            if (candidate_at(s, n, &j, 1))
                return 1;
            if (j + 1 >= base + w) { /* a run, link or handle ran past the block */
                i = j + 1;
                break;
            }
            m &= ~0u << (j + 1 - base);
        }
    }
    return 0;
}
#endif

#if defined(LEET_AVX2)
/* candidate_blocks for 32-byte blocks, with the mask inlined. The blocks
 * at the text's edges read their neighbours from shifted copies of
 * themselves (a zero-padded copy only for texts under 34 bytes and a last
 * block one byte short of room). */
__attribute__((target("avx2"), always_inline)) static inline int blocks32(const uint8_t *s,
                                                                           size_t n)
{
    uint8_t pad[72];
    const uint8_t(*k)[32] = c32;
    __asm__("" : "+r"(k)); /* (see k32) */
    /* pend: the first named digit or symbol of a link whose chunk went on
     * past its block, left untested (as its chunk's others, so far), or n;
     * hold: no chunk is left so in a block that ends before it */
    size_t pend = n, hold = 0;
    for (size_t i = 0; i < n;) {
        size_t base = i, from = i; /* the block's first byte (bit 0 of m), its first new one */
        unsigned keep = ~0u; /* the bits of bytes of the text not looked at yet */
        around32 a;
        const uint8_t *bp = s; /* the block's bytes */
        if (i >= 2 && i + 34 <= n) {
            a = around_mid(bp = s + i);
        } else if (i == 0 && n >= 34) {
            a = around_first(s);
        } else if (n >= 34 && i + 32 >= n) {
            base = n - 32;
            keep = ~0u << (i - base);
            a = around_last(bp = s + base);
        } else {
            if (n - i < 32)
                keep = (1u << (n - i)) - 1;
            a = around_mid(bp = padded_block(s, n, i, 32, pad));
        }
        i = base + 32;
        if (_mm256_testc_si256(a.v, k32(C_80))) /* all high bytes (Chinese text) */
            continue; /* (a chunk left untested goes on through them) */
        unsigned m = block_mask32(a, k) & keep;
        if (pend < n) {
            /* the chunk left untested goes on from this block's first new
             * byte to its first whitespace: nothing to read there either,
             * unless the block names something the test may read; then the
             * chunk is tested as the test at every byte does, from pend */
            cont32 c = cont_bits32(bp, k, m, (unsigned)(from - base));
            if (c.read) {
                i = pend, hold = base + 32, pend = n;
                continue;
            }
            m &= ~c.bits;
            if (!c.open)
                pend = n; /* (the chunk ended: all its bytes read nothing) */
        }
        links32 links = {0, 0};
        int asked = 0;
        while (m) {
            size_t j = base + (size_t)__builtin_ctz(m);
            int handle = 0; /* a mention's handle (most named bytes of tweets): as candidate_at */
            if (s[j] == '@' && (j == 0 || mention_after[s[j - 1]])) {
                size_t e = handle_end(s, j, n, &handle);
                if (handle)
                    j = e - 1;
            }
            if (!handle && s[j] < 0x80 && (kind[s[j]] & K_LEET)) {
                /* a digit or a symbol: in a link, nothing to read (asked
                 * once a block, when its first digit or symbol comes) */
                if (!asked)
                    links = link_bits32(bp, k, m, base + 32 >= n), asked = 1;
                if ((links.in >> (j - base)) & 1) {
                    m &= ~links.in;
                    continue;
                }
                if (((links.out >> (j - base)) & 1) && base + 32 > hold) {
                    pend = j; /* (its chunk's bits are the block's last) */
                    break;
                }
            }
            if (!handle && candidate_at(s, n, &j, 1))
                return 1;
            if (j + 1 >= base + 32) { /* a run, link or handle ran past the block */
                i = j + 1;
                break;
            }
            m &= ~0u << (j + 1 - base);
        }
    }
    return 0;
}

/* The 32-byte blocks as compiled for AVX2, and the same source compiled
 * for CPUs with AVX-512 (BW, VL): the same instructions on 32-byte
 * registers, EVEX-encoded, with 32 of them instead of 16 (the AVX2 build
 * spills the block mask's), three-input logic and compares into mask
 * registers. The same decisions by construction; the tests run both. */
__attribute__((target("avx2"))) static int candidate_blocks32(const uint8_t *s, size_t n)
{
    return blocks32(s, n);
}

__attribute__((target("avx2,avx512f,avx512vl,avx512bw"))) static int
candidate_blocks32_evex(const uint8_t *s, size_t n)
{
    return blocks32(s, n);
}
#endif

/* The blocks this CPU runs (asked once; every thread gets the same
 * answer): 2 the 32-byte blocks compiled for AVX-512 where the fold's own
 * path is AVX-512 (so SCREENER_CPU=avx2 or lower takes them out too), 1 the
 * AVX2 ones, 0 the 16-byte (SSE2) ones. */
static inline int blocks_level(void)
{
#if defined(LEET_AVX2)
    static int level = -1;
    int a = __atomic_load_n(&level, __ATOMIC_RELAXED);
    if (a < 0) {
        __builtin_cpu_init();
        a = __builtin_cpu_supports("avx2") ? 1 : 0;
        if (a && fold_cpu_path() == FOLD_PATH_AVX512 && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512bw"))
            a = 2;
        __atomic_store_n(&level, a, __ATOMIC_RELAXED);
    }
    return a;
#else
    return 0;
#endif
}

static inline int candidate_with(const uint8_t *s, size_t n, int wide)
{
#if defined(LEET_AVX2)
    int level = wide ? blocks_level() : 0;
    if (level >= 2 && wide >= 2)
        return candidate_blocks32_evex(s, n);
    if (level)
        return candidate_blocks32(s, n);
#else
    (void)wide;
#endif
#if defined(__SSE2__)
    return candidate_blocks(s, n, 16, block_mask);
#else
    return leet_candidate_ref(s, n);
#endif
}

int leet_candidate_with(const uint8_t *s, size_t n, int wide)
{
    return candidate_with(s, n, wide);
}

int leet_candidate(const uint8_t *s, size_t n)
{
    return candidate_with(s, n, 2);
}

/* Make the characters of links, e-mail addresses and handles hard breaks
 * (LC_OTHER): they are neither read nor part of a spelled-out word. */
static void mark_range(leet_char *x, size_t nc, size_t *k, size_t b0, size_t b1)
{
    while (*k < nc && x[*k].b0 < b0)
        (*k)++;
    for (; *k < nc && x[*k].b0 < b1; (*k)++) {
        x[*k].cls = LC_OTHER;
        x[*k].out = 0;
    }
}

/* Per byte: 1 ASCII whitespace (leet_is_space), 2 a byte without which a chunk
 * is neither a link, an address nor holds a handle ('/', the 'w' of
 * "www.", '@': whole_machine, word_at). */
static const uint8_t chunk_byte[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
    ['/'] = 2, ['w'] = 2, ['@'] = 2,
};

/* The chunks of bytes [from, to) (to is the text's end or follows
 * whitespace, so no chunk crosses it; x: the characters of those bytes).
 * A chunk without '/', 'w' or '@' is not looked at again. */
static void mark_machine(const uint8_t *s, size_t from, size_t to, leet_char *x, size_t nc)
{
    size_t k = 0;
    for (size_t i = from; i < to;) {
        if (chunk_byte[s[i]] == 1) {
            i++;
            continue;
        }
        size_t a = i, z = i;
        unsigned seen = 0;
        for (unsigned b; z < to && (b = chunk_byte[s[z]]) != 1; z++)
            seen |= b;
        if (z - a > CHUNK_MAX) {
            mark_range(x, nc, &k, a, z);
        } else if (seen) {
            if (whole_machine(s, a, z, 1))
                mark_range(x, nc, &k, a, z);
            else
                for (size_t q = a; q < z; q++) /* the handles, left to right */
                    if (word_at(s, a, q)) {
                        int handle;
                        size_t e = handle_end(s, q, z, &handle);
                        if (handle)
                            mark_range(x, nc, &k, q, e);
                        q = e - 1;
                    }
        }
        i = z;
    }
}

/* ---- decoding ------------------------------------------------------------------ */


/* Classify one character; *asc gets its ASCII digit or symbol. */
static uint8_t classify(const fold_table *ft, int32_t c, uint32_t v, uint8_t *asc, uint16_t *unit)
{
    *asc = 0;
    *unit = 0;
    uint32_t kind_v = FV_KIND(v), cls = FV_CLASS(v);
    if (kind_v == FV_DROP) {
        uint8_t a = c >= 0 && c < 0x80 ? (uint8_t)c : (uint8_t)FV_DROP_ASCII(v);
        if (cls == FC_IGNORABLE)
            return LC_INV;
        if (leet_letter(a) && !(a >= '0' && a <= '9')) {
            *asc = a;
            return LC_SYM;
        }
        return LC_SEP;
    }
    uint32_t u = kind_v == FV_IDENT ? (uint32_t)c : kind_v == FV_ONE ? FV_CP(v) : 0;
    if (kind_v == FV_MULTI && FV_LEN(v) >= 1)
        u = ft->expand[FV_OFF(v)] | (FV_LEN(v) > 1 ? 0x10000u : 0); /* not joinable */
    if (u >= '0' && u <= '9') {
        *asc = (uint8_t)u;
        return LC_DIGIT;
    }
    if (c >= 0 && c < 0x80 && leet_letter((uint8_t)c)) { /* kept by a table without noise */
        *asc = (uint8_t)c;
        return LC_SYM;
    }
    if (cls == FC_WORD) {
        *unit = u <= 0xFFFF ? (uint16_t)u : 0;
        return LC_LETTER;
    }
    return LC_OTHER;
}

/* What one build reads from: the text, and the classes of the ASCII bytes
 * (an ASCII byte's class is the same wherever it stands: classified once,
 * when first seen, and kept in the view from one build to the next while
 * the table's ASCII values are the same: leet_keep_classes). */
typedef struct leet_ctx {
    const fold_table *ft;
    const uint8_t *s;
    size_t n;
    leet_char *ascii; /* lv->ascii */
    uint8_t *seen;    /* lv->ascii_seen */
} leet_ctx;

/* Forget the kept classes unless they were made under ft's ASCII values
 * (a view may be used with another table, or a table freed and another
 * opened at the same address). A class depends on the byte's value alone
 * but for a byte that folds to several units (classify reads the table's
 * expansions): that one is never kept. */
static void leet_keep_classes(const fold_table *ft, leet_view *lv)
{
    if (memcmp(lv->ascii_values, ft->ascii, sizeof lv->ascii_values) == 0)
        return;
    memcpy(lv->ascii_values, ft->ascii, sizeof lv->ascii_values);
    memset(lv->ascii_seen, 0, sizeof lv->ascii_seen);
}

static inline const leet_char *ascii_char(leet_ctx *c, uint8_t b)
{
    leet_char *a = &c->ascii[b];
    if (__builtin_expect(!c->seen[b], 0)) {
        uint32_t v = c->ft->ascii[b];
        c->seen[b] = FV_KIND(v) != FV_MULTI; /* (see leet_keep_classes) */
        uint32_t u = FV_KIND(v) == FV_IDENT ? b : FV_KIND(v) == FV_ONE ? FV_CP(v) : 0;
        if ((kind[b] & K_LETTER) && FV_CLASS(v) == FC_WORD && u > '9' && u <= 0xFFFF) {
            a->cls = LC_LETTER; /* a letter: what classify says, without the call */
            a->out = 0;
            a->unit = (uint16_t)u;
        } else {
            a->cls = classify(c->ft, b, v, &a->out, &a->unit);
        }
    }
    return a;
}

/* The characters of bytes [from, to) (character boundaries) into lv->chars. */
static int decode(leet_ctx *c, size_t from, size_t to, leet_view *lv, size_t *count)
{
    const uint8_t *s = c->s;
    if (to - from > lv->cap_chars &&
        mem_grow((void **)&lv->chars, &lv->cap_chars, c->n, sizeof(leet_char)))
        return SCREENER_E_NOMEM; /* at most one character per byte */
    size_t k = 0;
    for (size_t i = from; i < to;) {
        leet_char *x = &lv->chars[k++];
        uint8_t b = s[i];
        if (b < 0x80) {
            *x = *ascii_char(c, b);
            x->b0 = (uint32_t)i;
            x->b1 = (uint32_t)++i;
            continue;
        }
        size_t at = i;
        int32_t cp = utf8_next(s, c->n, &i);
        x->b0 = (uint32_t)at;
        x->b1 = (uint32_t)i;
        x->out = 0;
        x->cls = classify(c->ft, cp, fold_value(c->ft, cp), &x->out, &x->unit);
    }
    *count = k;
    return SCREENER_OK;
}

/* ---- the rule ---------------------------------------------------------------- */

/* A word: the indices of its characters (letters, digits, symbols; invisible
 * ones left out), at most WORD_MAX. */
#define WORD_MAX 64
typedef struct word {
    uint32_t at[WORD_MAX];
    size_t n;
    int spelled; /* made of single-character tokens across separators */
} word;

static int is_wordchar(uint8_t cls)
{
    return cls == LC_LETTER || cls == LC_DIGIT || cls == LC_SYM;
}

/* Apply the rule to one word: set out (the letter) on each character read
 * as a letter, or leave the word as it is. x[].out holds the ASCII digit or
 * symbol on entry (cls DIGIT/SYM) and is rewritten to the letter or 0. */
static void read_word(leet_char *x, const word *w)
{
    size_t m = w->n, letters = 0, digits = 0, subs = 0;
    char read[WORD_MAX];
    memset(read, 0, m);
    for (size_t q = 0; q < m; q++) {
        letters += x[w->at[q]].cls == LC_LETTER;
        digits += x[w->at[q]].cls == LC_DIGIT;
    }
    if (letters < 2)
        goto done;
    for (size_t i = 0; i < m;) {
        uint8_t cls = x[w->at[i]].cls;
        if (cls == LC_LETTER) {
            i++;
            continue;
        }
        size_t j = i; /* a run of one class: digits, or symbols */
        int all_leet = 1, all_edge = 1, all_dollar = 1, all_at = 1;
        while (j < m && x[w->at[j]].cls == cls) {
            uint8_t a = x[w->at[j]].out;
            all_leet &= leet_letter(a) != 0;
            all_edge &= edge_symbol(a);
            all_dollar &= a == '$';
            all_at &= a == '@';
            j++;
        }
        int left = i > 0 && x[w->at[i - 1]].cls == LC_LETTER;
        int right = j < m && x[w->at[j]].cls == LC_LETTER;
        size_t r = j - i;
        int ok = 0;
        if (all_leet && r <= 2) {
            if (left && right)
                ok = 1; /* inside the word: sh1t, b00bs, a$s, b!tch */
            else if (cls == LC_DIGIT)
                ok = letters >= 3 && ((i == 0 && right) || (j == m && left)); /* 5lut, not 1st */
            else if (i == 0 && right && all_edge)
                /* "@ss": an @ before letters only in a short word without
                 * digits (handles are longer or carry digits) */
                ok = !all_at || (r == 1 && letters <= 6 && digits == 0);
            else if (j == m && left && all_dollar)
                ok = 1; /* gla$$ */
        }
        if (ok)
            for (size_t q = i; q < j; q++) {
                read[q] = 1;
                subs++;
            }
        i = j;
    }
    /* "ph" for f at the start of a word made of letters only, before u or a
     * (phuck, phag; not phone, photo; with another substitution "ph" is more
     * likely a p and an h: "phw+ey") */
    if (!w->spelled && subs == 0 && letters == m && m >= 3 && x[w->at[0]].cls == LC_LETTER && x[w->at[1]].cls == LC_LETTER &&
        x[w->at[2]].cls == LC_LETTER && x[w->at[0]].unit == 'p' && x[w->at[1]].unit == 'h' &&
        (x[w->at[2]].unit == 'u' || x[w->at[2]].unit == 'a'))
        subs += 1, read[0] = 2;
    /* mostly letters: more letters than characters read as letters */
    if (subs == 0 || letters <= subs)
        memset(read, 0, m);
done:
    for (size_t q = 0; q < m; q++) {
        leet_char *c = &x[w->at[q]];
        if (c->cls == LC_DIGIT || c->cls == LC_SYM)
            c->out = read[q] ? (uint8_t)leet_letter(c->out) : 0;
        else if (read[q] == 2)
            c->out = 'f'; /* p of "ph"; its h is left out (rewrite) */
    }
}

/* Join spaced repeats of one letter inside a spelled-out word: the
 * separators between them are left out of the reading (marked with out =
 * 1 on separators, which never have a letter). Runs longer than
 * LEET_MAX_REPEAT stay as they are. */
static void join_repeats(leet_char *x, const word *w)
{
    for (size_t i = 0; i < w->n;) {
        const leet_char *c = &x[w->at[i]];
        size_t j = i + 1;
        while (j < w->n && c->cls == LC_LETTER && c->unit && x[w->at[j]].cls == LC_LETTER &&
               x[w->at[j]].unit == c->unit)
            j++;
        if (j - i >= 2 && j - i <= LEET_MAX_REPEAT)
            for (size_t q = i; q + 1 < j; q++)
                for (uint32_t g = w->at[q] + 1; g < w->at[q + 1]; g++)
                    x[g].out = 1; /* a separator between two repeats: left out */
        i = j;
    }
}

/* Tokens and spelled-out words; returns 1 if anything is read differently. */
static int apply_rule(const uint8_t *s, leet_char *x, size_t nc)
{
    int any = 0;
    word w;
    size_t i = 0;
    while (i < nc) {
        if (!is_wordchar(x[i].cls)) {
            i++;
            continue;
        }
        /* a token: [i, j) of word characters and invisible ones */
        w.n = 0;
        w.spelled = 0;
        size_t j = i;
        int over = 0;
        while (j < nc && (is_wordchar(x[j].cls) || x[j].cls == LC_INV)) {
            if (x[j].cls != LC_INV && w.n < WORD_MAX)
                w.at[w.n++] = (uint32_t)j;
            else if (x[j].cls != LC_INV)
                over = 1;
            j++;
        }
        if (over) { /* longer than any word: read as it is */
            for (size_t q = i; q < j; q++)
                x[q].out = 0;
            i = j;
            continue;
        }
        if (w.n == 1) {
            /* single-character tokens across short runs of the same
             * separators: one spelled-out word ("f 4 c k", "f.u.u.c.k"; not
             * "3 I'm") */
            size_t k = j, gap0 = 0, gap1 = 0;
            for (;;) {
                size_t g = k, seps = 0;
                while (g < nc && (x[g].cls == LC_SEP || x[g].cls == LC_INV)) {
                    seps += x[g].cls == LC_SEP;
                    g++;
                }
                if (g >= nc || seps == 0 || seps > 3 || !is_wordchar(x[g].cls))
                    break;
                size_t b0 = x[k].b0, b1 = x[g].b0; /* this gap's bytes */
                if (w.n > 1 && (b1 - b0 != gap1 - gap0 || memcmp(s + b0, s + gap0, b1 - b0)))
                    break;
                gap0 = b0, gap1 = b1;
                size_t h = g + 1, more = 0;
                while (h < nc && (is_wordchar(x[h].cls) || x[h].cls == LC_INV))
                    more += x[h++].cls != LC_INV;
                if (more || w.n == WORD_MAX)
                    break; /* the next token has 2+ characters */
                w.at[w.n++] = (uint32_t)g;
                k = h;
            }
            if (w.n >= 2) {
                w.spelled = 1;
                j = k;
            }
        }
        read_word(x, &w);
        if (w.spelled)
            join_repeats(x, &w);
        for (size_t q = i; q < j && !any; q++)
            any = x[q].out != 0;
        i = j;
    }
    return any;
}

/* ---- the reading --------------------------------------------------------------- */

static int reserve(leet_view *lv, size_t need)
{
    if (need <= lv->cap)
        return 0;
    size_t cap = lv->cap ? lv->cap : 256;
    while (cap < need)
        cap *= 2;
    uint8_t *t = mem_realloc(lv->text, cap);
    if (!t)
        return -1;
    lv->text = t;
    uint8_t *sb = mem_realloc(lv->sub, cap);
    if (!sb)
        return -1;
    lv->sub = sb;
    uint32_t *o = mem_realloc(lv->orig, (cap + 1) * sizeof(uint32_t));
    if (!o)
        return -1;
    lv->orig = o;
    lv->cap = cap;
    return 0;
}

/* Write the reading of characters x (bytes [x[0].b0, x[nc-1].b1)) after
 * lv->len: characters read as letters become that letter, the h of "ph"
 * and separators between joined repeats are left out, the letters of a
 * joined run are marked as read differently. */
static void rewrite(const uint8_t *s, const leet_char *x, size_t nc, leet_view *lv)
{
    size_t w = lv->len;
    int joined = 0; /* inside a run whose separators are left out */
    for (size_t k = 0; k < nc; k++) {
        const leet_char *c = &x[k];
        if (c->cls == LC_SEP && c->out == 1) {
            joined = 1;
            continue;
        }
        if (c->cls == LC_LETTER && c->out == 'f') { /* "ph" */
            lv->text[w] = 'f';
            lv->orig[w] = c->b0;
            lv->sub[w++] = 1;
            size_t h = k + 1;
            while (h < nc && x[h].cls == LC_INV)
                h++;
            k = h; /* the h */
            continue;
        }
        if ((c->cls == LC_DIGIT || c->cls == LC_SYM) && c->out) {
            lv->text[w] = c->out;
            lv->orig[w] = c->b0;
            lv->sub[w++] = 1;
            continue;
        }
        /* a letter ends a joined run unless a left-out separator follows */
        int in_run = 0;
        if (c->cls == LC_LETTER) {
            size_t h = k + 1;
            while (h < nc && x[h].cls == LC_INV)
                h++;
            in_run = joined || (h < nc && x[h].cls == LC_SEP && x[h].out == 1);
            joined = 0;
        }
        for (uint32_t b = c->b0; b < c->b1; b++) {
            lv->text[w] = s[b];
            lv->orig[w] = b;
            lv->sub[w++] = (uint8_t)in_run;
        }
    }
    lv->len = w;
}

/* Bytes [from, to) of the text, read as they are, after lv->len. */
static void copy_as_is(const uint8_t *s, size_t from, size_t to, leet_view *lv)
{
    size_t w = lv->len, k = to - from, q = 0;
    memcpy(lv->text + w, s + from, k);
    memset(lv->sub + w, 0, k);
    uint32_t *o = lv->orig + w;
#if defined(__SSE2__)
    __m128i at = _mm_add_epi32(_mm_set1_epi32((int)from), _mm_setr_epi32(0, 1, 2, 3));
    for (; q + 4 <= k; q += 4, at = _mm_add_epi32(at, _mm_set1_epi32(4)))
        _mm_storeu_si128((__m128i *)(void *)(o + q), at);
#endif
    for (; q < k; q++)
        o[q] = (uint32_t)(from + q);
    lv->len = w + k;
}

/* ---- regions: the rule only where it can read something ------------------ */

/* ASCII bytes have the same class under every fold table, but for
 * separators that a table without noise keeps (table_build.c: letters and
 * digits are word characters, the rest controls, spaces, punctuation and
 * symbols, never invisible), so the region search reads the bytes alone. */

/* 1 if ASCII byte b is a word character (letter, digit or leet symbol). */
static inline int ascii_wordchar(uint8_t b)
{
    return (kind[b] & (K_LETTER | K_LEET)) || (b >= '0' && b <= '9');
}

/* Where the rule's left-to-right walk starts afresh: the text's ends, and
 * two ASCII letters right after ASCII whitespace. A chunk (mark_machine)
 * starts there, and a token of two or more characters, which no spelled-out
 * word takes in (apply_rule): a step of the walk starts at q whatever lies
 * before, and no step before q reads anything at or after it. */
static inline int reset_at(const uint8_t *s, size_t n, size_t q)
{
    return q == 0 || q >= n ||
           (leet_is_space(s[q - 1]) && q + 1 < n && letter_at(s, n, q) && letter_at(s, n, q + 1));
}

/* seed_at for a leet digit or symbol at i. A run of them is read only
 * next to a letter of its word: inside a word one of its characters touches
 * that letter ("!", "|", "+" and "(" need a letter or another of the run on
 * both sides: at a word's edge they are punctuation); a character of a
 * spelled-out word stands alone, its letters across at most three
 * separators. A neighbour that is not ASCII is a seed itself, whose region
 * holds this character's step; so is a handle's '@' (never read). */
static int leet_seed(const uint8_t *s, size_t n, size_t i)
{
    uint8_t b = s[i], before = i > 0 ? s[i - 1] : ' ', after = i + 1 < n ? s[i + 1] : ' ';
    if (before >= 0x80 || after >= 0x80)
        return 0;
    if (b == '@' && !is_alnum(before)) {
        int handle;
        handle_end(s, i, n, &handle);
        if (handle)
            return 0;
    }
    int l = (kind[before] & K_LETTER) != 0, r = (kind[after] & K_LETTER) != 0;
    if (b == '!' || b == '|' || b == '+' || b == '(') {
        if ((l || (kind[before] & K_LEET)) && (r || (kind[after] & K_LEET)))
            return 1;
    } else if (l || r) {
        return 1;
    }
    if (ascii_wordchar(before) || ascii_wordchar(after))
        return 0; /* inside a word, no letter next to it */
    size_t j = i >= 4 ? i - 4 : 0, z = i + 5 < n ? i + 5 : n;
    for (; j < z; j++)
        if (letter_at(s, n, j))
            return 1;
    return 0;
}

/* 1 if byte i may take part in a reading, as far as the bytes around tell:
 * anything not ASCII (a digit, symbol or letter of another form, an
 * invisible character); a leet digit or symbol with an ASCII letter at most
 * four bytes away (a run is read only next to a letter of its word, which
 * lies right next to it or, in a spelled-out word, across at most three
 * separators); a p before an h; a letter standing alone whose next word
 * character, across at most three separators, is the same letter ("u u": a
 * spaced repeat). A step of the walk without such a byte reads nothing. A
 * byte whose neighbour is not ASCII may answer 0: that byte's region holds
 * this one's step (no reset lies between them). */
static int seed_at(const uint8_t *s, size_t n, size_t i)
{
    uint8_t b = s[i];
    if (b >= 0x80)
        return 1;
    unsigned k = kind[b];
    if (k & K_LEET)
        return leet_seed(s, n, i);
    if (!(k & K_LETTER))
        return 0;
    if ((k & K_P) && i + 1 < n && (s[i + 1] | 0x20) == 'h')
        return 1;
    if (i > 0 && (s[i - 1] >= 0x80 || ascii_wordchar(s[i - 1])))
        return 0; /* not alone (or next to a seed) */
    int seps = 0;
    for (size_t j = i + 1; j < n && s[j] < 0x80; j++) {
        if (ascii_wordchar(s[j]))
            return j > i + 1 && (s[j] | 0x20) == (b | 0x20);
        if (++seps > 3)
            return 0;
    }
    return 0;
}

#if defined(__SSE2__)
/* The bytes of the 16 at p (p[-1] to p[16] readable) where seed_at may say
 * 1: not ASCII, a leet digit or symbol, a p, a letter with no letter on
 * either side. */
static inline unsigned seed_mask16(const uint8_t (*h)[16], const uint8_t *p)
{
    __m128i x20 = K16(H_X20), v = load16(p);
    __m128i lv = _mm_or_si128(v, x20);
    __m128i lone = _mm_andnot_si128(
        _mm_or_si128(range16(_mm_or_si128(load16(p - 1), x20), K16(H_MINUS_A), K16(H_25)),
                     range16(_mm_or_si128(load16(p + 1), x20), K16(H_MINUS_A), K16(H_25))),
        range16(lv, K16(H_MINUS_A), K16(H_25)));
    __m128i no = _mm_or_si128(_mm_cmpeq_epi8(v, K16(H_2)), _mm_cmpeq_epi8(v, K16(H_6)));
    __m128i dig = _mm_andnot_si128(no, range16(v, K16(H_MINUS_0), K16(H_9)));
    __m128i sy = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, K16(H_DOLLAR)), _mm_cmpeq_epi8(v, K16(H_AT))),
                     _mm_or_si128(_mm_cmpeq_epi8(v, K16(H_BANG)), _mm_cmpeq_epi8(v, K16(H_BAR)))),
        _mm_or_si128(_mm_cmpeq_epi8(v, K16(H_PLUS)), _mm_cmpeq_epi8(v, K16(H_PAREN))));
    __m128i m = _mm_or_si128(_mm_or_si128(lone, _mm_cmpeq_epi8(lv, K16(H_P))), _mm_or_si128(dig, sy));
    return (unsigned)_mm_movemask_epi8(m) | (unsigned)_mm_movemask_epi8(v);
}
#endif

/* The first seed at or after byte i (n if none): 16 bytes at a time where
 * the bytes either side are there, seed_at on the bytes their mask names. */
static size_t next_seed(const uint8_t *s, size_t n, size_t i)
{
#if defined(__SSE2__)
    if (i == 0 && n > 0) {
        if (seed_at(s, n, 0))
            return 0;
        i = 1;
    }
    const uint8_t(*h)[16] = opaque16();
    for (; i + 17 <= n; i += 16)
        for (unsigned m = seed_mask16(h, s + i); m; m &= m - 1)
            if (seed_at(s, n, i + (size_t)__builtin_ctz(m)))
                return i + (size_t)__builtin_ctz(m);
    if (i > 0 && i < n) { /* the last bytes (at most 16): the mask of a padded copy */
        uint8_t pad[18];
        size_t k = n - i;
        memset(pad, ' ', sizeof pad);
        memcpy(pad, s + i - 1, k + 1);
        for (unsigned m = seed_mask16(h, pad + 1) & ((1u << k) - 1); m; m &= m - 1)
            if (seed_at(s, n, i + (size_t)__builtin_ctz(m)))
                return i + (size_t)__builtin_ctz(m);
        return n;
    }
#endif
    for (; i < n; i++)
        if (seed_at(s, n, i))
            return i;
    return n;
}

/* The reading of the whole text, built from the regions around seeds (or,
 * with `whole`, from one region: the text; the reference the tests compare
 * with). A region runs from the reset before a seed to the reset after it:
 * the rule reads it exactly as it reads it inside the whole text. Returns 1
 * in *any if something is read differently (lv->text, orig, sub, len set). */
static int read_regions(leet_ctx *c, leet_view *lv, int whole, int *any)
{
    const uint8_t *s = c->s;
    size_t n = c->n, done = 0; /* bytes [0, done) written */
    *any = 0;
    lv->len = 0;
    for (size_t i = 0; i < n;) {
        size_t q0 = 0, q1 = n;
        if (!whole) {
            if ((i = next_seed(s, n, i)) == n)
                break;
            for (q0 = i; !reset_at(s, n, q0);)
                q0--; /* (the last region ended at a reset: q0 >= done) */
            for (q1 = i + 1; !reset_at(s, n, q1);)
                q1++;
        }
        size_t nc;
        if (decode(c, q0, q1, lv, &nc))
            return SCREENER_E_NOMEM;
        mark_machine(s, q0, q1, lv->chars, nc);
        if (apply_rule(s, lv->chars, nc)) {
            if (!*any && reserve(lv, n + 1))
                return SCREENER_E_NOMEM;
            *any = 1;
            copy_as_is(s, done, q0, lv);
            rewrite(s, lv->chars, nc, lv);
            done = q1;
        }
        i = q1;
    }
    if (*any) {
        copy_as_is(s, done, n, lv);
        lv->orig[lv->len] = (uint32_t)n;
    }
    return SCREENER_OK;
}


/* The reading, without the first pass (leet_build_with). */
static __attribute__((noinline)) int build_reading(const fold_table *ft, const uint8_t *s,
                                                   size_t len, leet_view *lv, int whole)
{
    leet_ctx c;
    c.ft = ft;
    c.s = s;
    c.n = len;
    c.ascii = lv->ascii;
    c.seen = lv->ascii_seen;
    leet_keep_classes(ft, lv);
    int any, rc = read_regions(&c, lv, whole, &any);
    if (rc || !any) {
        lv->len = 0;
        return rc;
    }
    if ((rc = fold_text(ft, lv->text, lv->len, &lv->folded)))
        return rc;
    lv->active = 1;
    return SCREENER_OK;
}

int leet_build_with(const fold_table *ft, const uint8_t *s, size_t len, leet_view *lv, int whole)
{
    lv->active = 0;
    lv->len = 0;
    return build_reading(ft, s, len, lv, whole);
}


void leet_view_free(leet_view *lv)
{
    mem_free(lv->text);
    mem_free(lv->orig);
    mem_free(lv->sub);
    mem_free(lv->chars);
    fold_buf_free(&lv->folded);
    memset(lv, 0, sizeof *lv);
}

size_t leet_view_footprint(const leet_view *lv)
{
    return lv->cap * (2 + sizeof(uint32_t)) + lv->cap_chars * sizeof(leet_char) +
           lv->folded.cap * (sizeof(uint16_t) + 1) + lv->folded.cap_marks * sizeof(fold_mark) +
           lv->folded.cap_bytes;
}
