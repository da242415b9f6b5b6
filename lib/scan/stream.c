/*
 * stream.c — scanning text that arrives in chunks, by carry-over.
 *
 * Each write scans the kept tail plus the new chunk as one message and
 * reports the matches that are final. With n folded units scanned and L the
 * longest literal (in units):
 *   - a match that would use a unit still to come starts at unit >= n-L+1,
 *     and so does any allow match that could suppress a held deny match;
 *     so a match is final if it starts at or before unit K = n-L and ends
 *     before the character of the last unit (its end boundary is decided);
 *   - the next tail starts at unit n-2L-1: every held match, every allow
 *     match that may cover one, and one character of context before them;
 *   - a match found again in the tail is not reported twice: it is old if
 *     it was inside the previous round's final region.
 * An incomplete UTF-8 sequence at the end of the data is not scanned until
 * the next chunk completes it (or close reports it as invalid).
 */
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "db/db.h"
#include "scratch.h"

#define STREAM_MAX_CARRY ((size_t)1 << 20)

struct screener_stream {
    const screener_db *db;
    uint8_t *buf; /* tail of earlier data, then the new chunk */
    size_t len, cap;
    size_t base; /* global offset of buf[0] */
    int have_prev;
    size_t prev_cut, prev_last; /* previous final region, global */
    int closed;
};

SCREENER_API int screener_stream_open(const screener_db *db, screener_stream **out)
{
    if (!db || !out)
        return SCREENER_E_INVALID_ARGUMENT;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return SCREENER_E_NOMEM;
    (*out)->db = db;
    return SCREENER_OK;
}

SCREENER_API void screener_stream_free(screener_stream *st)
{
    if (!st)
        return;
    free(st->buf);
    free(st);
}

/* Bytes at the end of (s, n) that start a valid but incomplete sequence. */
static size_t incomplete_tail(const uint8_t *s, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        uint8_t b = s[n - k];
        if ((b & 0xC0) == 0x80)
            continue; /* a continuation byte: look further back */
        if (b < 0xC2 || b > 0xF4)
            return 0;
        size_t i = n - k;
        return utf8_next(s, n, &i) < 0 && i == n ? k : 0;
    }
    return 0;
}

/* Byte offset (in buf) of the character that produced folded unit u. */
static size_t byte_of_unit(const screener_stream *st, screener_scratch *s, size_t scan_len,
                           size_t u)
{
    fold_loc loc;
    fold_locate_start(&st->db->fold, st->buf, scan_len, &s->fb, u, &loc);
    return loc.byte;
}

static int stream_round(screener_stream *st, screener_scratch *s, int final)
{
    const screener_db *db = st->db;
    size_t hold = final ? 0 : incomplete_tail(st->buf, st->len);
    size_t scan_len = st->len - hold;
    int rc = scan_message(db, s, st->buf, scan_len);
    if (rc)
        return rc;
    size_t n = s->fb.n, L = db->max_lit_units;
    int any_final = final || n > L;
    size_t cut = 0, last = 0; /* final region, local bytes */
    if (!final && any_final) {
        cut = byte_of_unit(st, s, scan_len, n - L);
        last = byte_of_unit(st, s, scan_len, n - 1);
    }
    size_t w = 0;
    for (size_t i = 0; i < s->n_matches; i++) {
        screener_match m = s->matches[i];
        if (!any_final || (!final && !(m.start <= cut && m.end <= last)))
            continue; /* not decided yet: a later round reports it */
        m.start += st->base;
        m.end += st->base;
        if (st->have_prev && m.start <= st->prev_cut && m.end <= st->prev_last)
            continue; /* reported by an earlier round */
        s->matches[w++] = m;
    }
    s->n_matches = w;
    if (any_final && !final) {
        st->prev_cut = st->base + cut;
        st->prev_last = st->base + last;
        st->have_prev = 1;
    }
    rc = scan_verdict(s);
    if (rc || final)
        return rc;

    /* keep the tail: from unit n-2L-1, at most STREAM_MAX_CARRY bytes */
    size_t keep = 0;
    if (n > 2 * L + 1)
        keep = byte_of_unit(st, s, scan_len, n - 2 * L - 1);
    if (st->len - keep > STREAM_MAX_CARRY) {
        keep = st->len - STREAM_MAX_CARRY;
        while (keep < st->len && (st->buf[keep] & 0xC0) == 0x80)
            keep++;
    }
    memmove(st->buf, st->buf + keep, st->len - keep);
    st->len -= keep;
    st->base += keep;
    return SCREENER_OK;
}

SCREENER_API int screener_stream_write(screener_stream *st, screener_scratch *s,
                                       const char *chunk, size_t len,
                                       const screener_result **result_out)
{
    if (result_out)
        *result_out = NULL;
    if (!st || !s || !result_out || (!chunk && len) || st->closed)
        return SCREENER_E_INVALID_ARGUMENT;
    if (len > FOLD_MAX_INPUT - st->len)
        return SCREENER_E_TOO_LARGE;
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    if (st->len + len > st->cap) {
        size_t cap = st->cap ? st->cap : 4096;
        while (cap < st->len + len)
            cap *= 2;
        uint8_t *b = realloc(st->buf, cap);
        if (!b)
            return SCREENER_E_NOMEM;
        st->buf = b;
        st->cap = cap;
    }
    if (len)
        memcpy(st->buf + st->len, chunk, len);
    st->len += len;
    s->in_use = 1;
    int rc = stream_round(st, s, 0);
    s->in_use = 0;
    if (rc == SCREENER_OK)
        *result_out = &s->result;
    return rc;
}

SCREENER_API int screener_stream_close(screener_stream *st, screener_scratch *s,
                                       const screener_result **result_out)
{
    if (result_out)
        *result_out = NULL;
    if (!st || !s || !result_out || st->closed)
        return SCREENER_E_INVALID_ARGUMENT;
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    st->closed = 1;
    s->in_use = 1;
    int rc = stream_round(st, s, 1);
    s->in_use = 0;
    if (rc == SCREENER_OK)
        *result_out = &s->result;
    return rc;
}
