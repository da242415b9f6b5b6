/*
 * alloc.c — the library's allocator hook (screener_set_allocator) and the
 * mem_* functions every allocation in lib/ goes through. Hyperscan's
 * allocations are routed here too (hs_set_allocator). The hook is process
 * global and is set before any other call (documented in screener.h), so it
 * is read without synchronisation.
 */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>
#include <pthread.h>
#include <sys/mman.h>

#include "screener.h"

static screener_allocator current; /* all NULL: the C library's */

void *mem_malloc(size_t size)
{
    if (current.malloc)
        return current.malloc(size ? size : 1, current.user_data);
    return malloc(size);
}

void *mem_calloc(size_t n, size_t size)
{
    if (!current.malloc)
        return calloc(n, size);
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = mem_malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *mem_realloc(void *ptr, size_t size)
{
    if (current.malloc)
        return current.realloc(ptr, size ? size : 1, current.user_data);
    return realloc(ptr, size);
}

void mem_free(void *ptr)
{
    if (current.malloc) {
        if (ptr)
            current.free(ptr, current.user_data);
        return;
    }
    free(ptr);
}

/* Large blocks (a database file, its deserialized Hyperscan sections) are
 * filled once, right after the allocation, and every 4 KiB page costs a
 * fault there: reading an 11.7 MB database spent more time in the kernel's
 * page faults than in copying (perf, 64k-term database). With the C
 * library's allocator (an application's allocator is left alone), the
 * 2 MiB-aligned interior of such a block is advised to use transparent huge
 * pages, one fault per 2 MiB where the system allows it (THP "madvise" or
 * "always"); where it does not, madvise fails and nothing changes. */
#define MEM_HUGE ((size_t)2 << 20)

void *mem_malloc_large(size_t size)
{
    void *p = mem_malloc(size);
#ifdef MADV_HUGEPAGE
    if (p && !current.malloc && size >= 2 * MEM_HUGE) {
        uintptr_t a = ((uintptr_t)p + MEM_HUGE - 1) & ~(uintptr_t)(MEM_HUGE - 1);
        uintptr_t e = ((uintptr_t)p + size) & ~(uintptr_t)(MEM_HUGE - 1);
        if (e > a)
            (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
    }
#endif
    return p;
}

char *mem_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = mem_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

char *mem_strdup(const char *s)
{
    return mem_strndup(s, SIZE_MAX);
}

/* Hyperscan's hooks take no user data. */
static void *hs_alloc_hook(size_t size)
{
    return mem_malloc(size);
}

static void hs_free_hook(void *ptr)
{
    mem_free(ptr);
}

/* Hyperscan scratch: refused above this thread's limit while a load checks
 * a section (db.c), else mem_malloc. Hyperscan sizes a scratch from the
 * bytecode and initialises what it allocates, so an absurd size from a
 * damaged file must be refused before the allocation. */
static _Thread_local size_t scratch_limit;
static _Thread_local int scratch_refused;

static void *hs_scratch_hook(size_t size)
{
    if (scratch_limit && size > scratch_limit) {
        scratch_refused = 1;
        return NULL;
    }
    return mem_malloc(size);
}

void mem_hs_scratch_limit(size_t limit)
{
    scratch_limit = limit;
    scratch_refused = 0;
}

int mem_hs_scratch_refused(void)
{
    return scratch_refused;
}

static int install_scratch_hook(void)
{
    return hs_set_scratch_allocator(hs_scratch_hook, hs_free_hook) == HS_SUCCESS
               ? SCREENER_OK
               : SCREENER_E_HYPERSCAN;
}

static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void install_once(void)
{
    install_scratch_hook();
}

void mem_hs_install(void)
{
    pthread_once(&scratch_once, install_once);
}

SCREENER_API int screener_set_allocator(const screener_allocator *a)
{
    if (!a) {
        memset(&current, 0, sizeof current);
        if (hs_set_allocator(NULL, NULL) != HS_SUCCESS)
            return SCREENER_E_HYPERSCAN;
        return install_scratch_hook();
    }
    if (a->struct_size < offsetof(screener_allocator, user_data) + sizeof(void *) ||
        !a->malloc || !a->realloc || !a->free)
        return SCREENER_E_INVALID_ARGUMENT;
    memset(&current, 0, sizeof current);
    memcpy(&current, a, a->struct_size < sizeof current ? a->struct_size : sizeof current);
    current.struct_size = sizeof current;
    if (hs_set_allocator(hs_alloc_hook, hs_free_hook) != HS_SUCCESS)
        return SCREENER_E_HYPERSCAN;
    return install_scratch_hook(); /* (hs_set_allocator replaced it) */
}
