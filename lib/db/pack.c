/*
 * pack.c — the packed encoding of the fold trie section (SEC_TRIE, format
 * 8): a small LZ77 over 32-bit little-endian words, suited to the
 * ucptrie_toBinary bytes (a 16-byte header, 16-bit index entries in pairs,
 * then 32-bit values: long runs of one value, repeated blocks, and runs of
 * consecutive mappings such as full-width A..Z -> a..z).
 *
 * Stored section (all integers little-endian):
 *   uint32 codec     DB_PACK_WORDLZ
 *   uint32 raw_len   bytes once unpacked: a multiple of 4, 4..DB_PACK_MAX_RAW
 *   tokens, until raw_len / 4 words are out, then the section ends:
 *     varint nlit    literal words, then nlit times
 *       varint zz    zigzag of (word - the word before it), mod 2^32 (the
 *                    word before the first is 0)
 *     varint mlen    words copied from dist words back (0: no copy)
 *     varint dist    (only when mlen > 0) 1..words already out
 *   varint: 7 bits per byte, low first, high bit = more; at most 5 bytes
 *   and a value below 2^32.
 *
 * The decoder never trusts a number: every count is checked against what
 * is left of the output and every distance against what is already out, the
 * output size is fixed up front (raw_len, bounded), a token must produce
 * something, and the input must end exactly where the output does. So a
 * hostile section costs at most raw_len bytes of memory and time linear in
 * raw_len + its length.
 *
 * Measured on the fold table of the default fold families (212,364 bytes,
 * 53,091 words): packed 64-65 KB (zlib -9 of the same bytes: 40 KB, LZ77
 * without the delta of literals: 81 KB); unpacking takes well under a
 * millisecond (bench/RESULTS.md, "Database size").
 */
#include <string.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "db.h"

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* ---- encoder ------------------------------------------------------------- */

static void put_varint(buf *b, uint32_t v)
{
    uint8_t t[5];
    size_t n = 0;
    while (v >= 0x80) {
        t[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    t[n++] = (uint8_t)v;
    buf_append(b, t, n);
}

static uint32_t zigzag(uint32_t d)
{
    return (d << 1) ^ (uint32_t)-(int32_t)(d >> 31);
}

static void put_token(buf *b, const uint32_t *w, size_t lit0, size_t nlit, size_t mlen,
                      size_t dist)
{
    put_varint(b, (uint32_t)nlit);
    for (size_t i = lit0; i < lit0 + nlit; i++)
        put_varint(b, zigzag(w[i] - (i ? w[i - 1] : 0)));
    put_varint(b, (uint32_t)mlen);
    if (mlen)
        put_varint(b, (uint32_t)dist);
}

enum { HASH_BITS = 15, MAX_CANDIDATES = 32, MIN_MATCH = 2 };

static uint32_t hash2(const uint32_t *w)
{
    return ((w[0] * 2654435761u) ^ (w[1] * 2246822519u)) >> (32 - HASH_BITS);
}

/* Greedy matching over a hash chain of word pairs. */
static void pack_words(buf *b, const uint32_t *w, size_t n, uint32_t *head, uint32_t *prev)
{
    size_t lit0 = 0, i = 0;
    while (i < n) {
        size_t best = 0, dist = 0;
        if (i + MIN_MATCH <= n) {
            uint32_t hk = hash2(w + i), j = head[hk];
            for (int k = 0; k < MAX_CANDIDATES && j != UINT32_MAX; k++, j = prev[j]) {
                size_t m = 0;
                while (i + m < n && w[j + m] == w[i + m])
                    m++;
                if (m > best) {
                    best = m;
                    dist = i - j;
                }
            }
        }
        size_t step = best >= MIN_MATCH ? best : 1;
        if (best >= MIN_MATCH) {
            put_token(b, w, lit0, i - lit0, best, dist);
            lit0 = i + best;
        }
        for (size_t k = i; k < i + step && k + MIN_MATCH <= n; k++) {
            uint32_t hk = hash2(w + k);
            prev[k] = head[hk];
            head[hk] = (uint32_t)k;
        }
        i += step;
    }
    if (lit0 < n)
        put_token(b, w, lit0, n - lit0, 0, 0);
}

int db_pack(const void *raw, size_t raw_len, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (raw_len == 0 || raw_len % 4 || raw_len > DB_PACK_MAX_RAW)
        return SCREENER_E_INVALID_ARGUMENT;
    size_t n = raw_len / 4;
    uint32_t *w = mem_malloc(raw_len), *prev = mem_malloc(n * sizeof *prev),
             *head = mem_malloc(((size_t)1 << HASH_BITS) * sizeof *head);
    buf b = {0};
    int rc = SCREENER_E_NOMEM;
    if (w && prev && head) {
        for (size_t i = 0; i < n; i++)
            w[i] = rd32((const uint8_t *)raw + 4 * i);
        memset(head, 0xFF, ((size_t)1 << HASH_BITS) * sizeof *head);
        uint8_t h[8];
        wr32(h, DB_PACK_WORDLZ);
        wr32(h + 4, (uint32_t)raw_len);
        buf_append(&b, h, sizeof h);
        pack_words(&b, w, n, head, prev);
        if (!b.failed) {
            *out = (uint8_t *)b.data;
            *out_len = b.len;
            rc = SCREENER_OK;
        }
    }
    if (rc)
        buf_free(&b);
    mem_free(w);
    mem_free(prev);
    mem_free(head);
    return rc;
}

/* ---- decoder ------------------------------------------------------------- */

/* Read a varint at *p (< end): 1, or 0 when it is cut off, longer than 5
 * bytes or not below 2^32. */
static int get_varint(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    if (*p < end && **p < 0x80) { /* (most are one byte) */
        *v = *(*p)++;
        return 1;
    }
    uint64_t x = 0;
    for (int k = 0; k < 5; k++) {
        if (*p >= end)
            return 0;
        uint8_t c = *(*p)++;
        x |= (uint64_t)(c & 0x7F) << (7 * k);
        if (!(c & 0x80)) {
            *v = (uint32_t)x;
            return x <= UINT32_MAX;
        }
    }
    return 0;
}

static int unpack_tokens(const uint8_t *p, const uint8_t *end, uint32_t *w, size_t n,
                         const char **why)
{
    size_t o = 0;
    uint32_t last = 0;
    while (o < n) {
        uint32_t nlit, mlen, dist = 0, zz;
        if (!get_varint(&p, end, &nlit))
            return *why = "a literal count is cut off or too long", 0;
        if (nlit > n - o)
            return *why = "literals run past the unpacked size", 0;
        for (uint32_t k = 0; k < nlit; k++) {
            if (!get_varint(&p, end, &zz))
                return *why = "a literal is cut off or too long", 0;
            last += (zz >> 1) ^ (uint32_t)-(int32_t)(zz & 1);
            w[o++] = last;
        }
        if (!get_varint(&p, end, &mlen))
            return *why = "a copy length is cut off or too long", 0;
        if (mlen > n - o)
            return *why = "a copy runs past the unpacked size", 0;
        if (mlen && !get_varint(&p, end, &dist))
            return *why = "a copy distance is cut off or too long", 0;
        if (mlen && (dist == 0 || dist > o))
            return *why = "a copy from distance 0 or before the start", 0;
        if (!nlit && !mlen)
            return *why = "an empty token", 0;
        if (mlen >= dist) { /* overlapping: word by word (a run when dist is 1) */
            for (uint32_t k = 0; k < mlen; k++, o++)
                w[o] = w[o - dist];
        } else if (mlen) {
            memcpy(w + o, w + o - dist, (size_t)mlen * 4);
            o += mlen;
        }
        if (mlen)
            last = w[o - 1];
    }
    if (p != end)
        return *why = "bytes after the end of the packed data", 0;
    return 1;
}

int db_unpack(const uint8_t *in, size_t in_len, uint8_t **raw_out, size_t *raw_len_out,
              const char **why)
{
    *raw_out = NULL;
    *raw_len_out = 0;
    *why = NULL;
    if (in_len < 8)
        return *why = "shorter than its 8-byte header", SCREENER_E_DB_FORMAT;
    if (rd32(in) != DB_PACK_WORDLZ)
        return *why = "unknown packing", SCREENER_E_DB_FORMAT;
    uint32_t raw_len = rd32(in + 4);
    if (raw_len == 0 || raw_len % 4 || raw_len > DB_PACK_MAX_RAW)
        return *why = "unpacked size out of range", SCREENER_E_DB_FORMAT;
    /* (the only allocation: raw_len, bounded above) */
    size_t n = raw_len / 4;
    uint32_t *w = mem_malloc(raw_len);
    if (!w)
        return *why = "out of memory", SCREENER_E_NOMEM;
    if (!unpack_tokens(in + 8, in + in_len, w, n, why)) {
        mem_free(w);
        return SCREENER_E_DB_FORMAT;
    }
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    for (size_t i = 0; i < n; i++) /* the words back to little-endian bytes */
        wr32((uint8_t *)&w[i], w[i]);
#endif
    *raw_out = (uint8_t *)w;
    *raw_len_out = raw_len;
    return SCREENER_OK;
}
