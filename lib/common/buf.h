/*
 * buf.h — a growable byte buffer used to assemble database blobs.
 */
#ifndef SCREENER_COMMON_BUF_H
#define SCREENER_COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct buf {
    uint8_t *data;
    size_t len, cap;
    int failed; /* sticky: an allocation failed; data is then unusable */
} buf;

/* Append len bytes; on allocation failure sets failed. Returns the offset
 * at which the bytes were written. */
size_t buf_append(buf *b, const void *p, size_t len);
/* Append zero bytes until len is a multiple of align (a power of two). */
void buf_align(buf *b, size_t align);
void buf_free(buf *b);

/* Grow the array *p (of *cap elements of elem bytes) to hold at least need
 * elements, doubling. Returns 0, or -1 if the allocation failed (the array
 * is then unchanged). */
int mem_grow(void **p, size_t *cap, size_t need, size_t elem);

#endif
