/*
 * buf.c — growable byte buffer.
 */
#include "buf.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static int buf_reserve(buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (b->len + extra <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return 0;
        }
        cap *= 2;
    }
    uint8_t *d = mem_realloc(b->data, cap);
    if (!d) {
        b->failed = 1;
        return 0;
    }
    b->data = d;
    b->cap = cap;
    return 1;
}

size_t buf_append(buf *b, const void *p, size_t len)
{
    size_t at = b->len;
    if (!buf_reserve(b, len))
        return at;
    if (len)
        memcpy(b->data + b->len, p, len);
    b->len += len;
    return at;
}

void buf_align(buf *b, size_t align)
{
    static const uint8_t zeros[64];
    size_t pad = (align - (b->len & (align - 1))) & (align - 1);
    buf_append(b, zeros, pad);
}

void buf_free(buf *b)
{
    mem_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int mem_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem)
            return -1;
        c *= 2;
    }
    void *q = mem_realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}
