/*
 * alloc.h — every heap allocation of the library goes through these, so an
 * application's allocator (screener_set_allocator) sees all of them; the
 * defaults are the C library's. Same contracts as malloc & co.
 */
#ifndef SCREENER_COMMON_ALLOC_H
#define SCREENER_COMMON_ALLOC_H

#include <stddef.h>

void *mem_malloc(size_t size);
void *mem_calloc(size_t n, size_t size); /* NULL on overflow of n * size */
void *mem_realloc(void *ptr, size_t size);
void mem_free(void *ptr);
char *mem_strdup(const char *s);
/* mem_malloc for a block of megabytes about to be written in full: with the
 * C library's allocator, its 2 MiB-aligned interior is advised to use huge
 * pages (fewer page faults; alloc.c). Freed with mem_free. */
void *mem_malloc_large(size_t size);
char *mem_strndup(const char *s, size_t n);

/* Hyperscan's scratch allocations go through a hook that refuses any larger
 * than this thread's limit (0: none); mem_hs_install puts it in place (once
 * per process; screener_set_allocator keeps it). db.c sets a limit while it
 * test-allocates a scratch for a loaded database. */
void mem_hs_install(void);
void mem_hs_scratch_limit(size_t limit);
int mem_hs_scratch_refused(void); /* the last allocation under the limit was refused */

#endif
