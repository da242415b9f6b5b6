/*
 * stream.c — scanning text that arrives in chunks: each write feeds the
 * window rounds of scan/window.c (in slices of at most SCAN_WINDOW bytes,
 * so a huge write needs no more memory than a small one) and reports the
 * matches that became final.
 */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "scan/scan.h"
#include "common/alloc.h"

struct screener_stream {
    const screener_db *db;
    uint8_t *buf; /* tail of earlier data, then new bytes */
    size_t len, cap;
    window_state w;
    int closed;
    int failed; /* a failed write that cannot be undone: its status */
};

SCREENER_API int screener_stream_open(const screener_db *db, screener_stream **out)
{
    if (!db || !out)
        return SCREENER_E_INVALID_ARGUMENT;
    *out = mem_calloc(1, sizeof **out);
    if (!*out)
        return SCREENER_E_NOMEM;
    (*out)->db = db;
    return SCREENER_OK;
}

SCREENER_API void screener_stream_free(screener_stream *st)
{
    if (!st)
        return;
    window_state_free(&st->w);
    mem_free(st->buf);
    mem_free(st);
}

static int append(screener_stream *st, const char *chunk, size_t len)
{
    if (len == 0)
        return SCREENER_OK;
    if (st->len + len > st->cap) {
        size_t cap = st->cap ? st->cap : 4096;
        while (cap < st->len + len)
            cap *= 2;
        uint8_t *b = mem_realloc(st->buf, cap);
        if (!b)
            return SCREENER_E_NOMEM;
        st->buf = b;
        st->cap = cap;
    }
    memcpy(st->buf + st->len, chunk, len);
    st->len += len;
    return SCREENER_OK;
}

/* Rounds over buf[*off, len) until it is scanned (all but an incomplete
 * UTF-8 sequence at its end, unless final). The bytes the next round does
 * not need are only counted in *off (and w.base): the buffer itself is not
 * touched, so a failed round can be undone by restoring w and len. */
static int rounds(screener_stream *st, screener_scratch *s, int final, size_t *off)
{
    for (;;) {
        size_t keep, scanned;
        int rc = window_round(st->db, s, &st->w,
                              st->buf ? st->buf + *off : (const uint8_t *)"", st->len - *off,
                              final, &keep, &scanned);
        if (rc)
            return rc;
        *off += keep;
        st->w.base += keep;
        if (st->w.done)
            return SCREENER_OK; /* at most an incomplete sequence waits */
    }
}

/* Drop the first off bytes of the buffer. */
static void compact(screener_stream *st, size_t off)
{
    if (off) {
        memmove(st->buf, st->buf + off, st->len - off);
        st->len -= off;
    }
}

/* A write either happens whole or leaves the stream as it was (so it can be
 * repeated), except when a slice after the first fails: the earlier slices'
 * bytes are gone by then, and the stream fails from then on. */
static int write_rounds(screener_stream *st, screener_scratch *s, const char *chunk,
                        size_t len)
{
    int rc = scan_prepare(st->db, s);
    if (rc)
        return rc;
    window_begin(s);
    window_state w0 = st->w;
    size_t len0 = st->len, done = 0, off = 0;
    int committed = 0;
    do {
        size_t n = len - done > SCAN_WINDOW ? SCAN_WINDOW : len - done;
        if (done && off) { /* bound the buffer: past the point of undoing */
            compact(st, off);
            off = 0;
            committed = 1;
        }
        if ((rc = append(st, chunk + done, n)) || (rc = rounds(st, s, 0, &off)))
            break;
        done += n;
    } while (done < len);
    if (rc == SCREENER_OK && (rc = window_end(s)) == SCREENER_OK) {
        compact(st, off);
        return SCREENER_OK;
    }
    if (committed) {
        st->failed = rc;
    } else {
        w0.parts = st->w.parts; /* (kept parts past w0.n_parts are dropped) */
        w0.cap_parts = st->w.cap_parts;
        st->w = w0;
        st->len = len0;
    }
    return rc;
}

SCREENER_API int screener_stream_write(screener_stream *st, screener_scratch *s,
                                       const char *chunk, size_t len,
                                       const screener_result **result_out)
{
    if (result_out)
        *result_out = NULL;
    if (!st || !s || !result_out || (!chunk && len) || st->closed)
        return SCREENER_E_INVALID_ARGUMENT;
    if (st->failed)
        return st->failed;
    if (len > FOLD_MAX_INPUT)
        return SCREENER_E_TOO_LARGE;
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    s->in_use = 1;
    int rc = write_rounds(st, s, chunk, len);
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
    if (st->failed)
        return st->failed;
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    s->in_use = 1;
    window_begin(s);
    window_state w0 = st->w;
    size_t off = 0;
    int rc = scan_prepare(st->db, s);
    if (!rc)
        rc = rounds(st, s, 1, &off);
    if (!rc)
        rc = window_rules_end(st->db, s, &st->w);
    if (!rc)
        rc = window_end(s);
    if (rc) {
        w0.parts = st->w.parts;
        w0.cap_parts = st->w.cap_parts;
        st->w = w0; /* nothing else changed: close may be called again */
    } else {
        compact(st, off);
        st->closed = 1;
    }
    s->in_use = 0;
    if (rc == SCREENER_OK)
        *result_out = &s->result;
    return rc;
}
