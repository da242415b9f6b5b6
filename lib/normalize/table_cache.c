/*
 * table_cache.c — the fold tables this process has built, kept for the next
 * compile with the same fold families.
 *
 * Building a table visits every assigned code point through ICU (NFKC,
 * case folding, the look-alike skeletons, traditional -> simplified): about
 * 0.09 s of CPU (table_build.c), most of a compile of a small dictionary, and the same
 * every time for the same families. A process that compiles again (a
 * handle's hot reload, a service compiling per tenant, the tests) takes a
 * copy of the table it built before: output byte for byte the same, as the
 * table depends on the families and the ICU and Unicode data only, which
 * cannot change under a running process.
 *
 * The copies live for the process, at most CACHE_MAX of them (one per set
 * of families; a table is ~0.2 MB), in memory from the C library's
 * malloc, not the screener_allocator: they outlive every object and the
 * allocator may be replaced when none exists (screener.h), as ICU's own
 * caches do. What a compile gets is always its own copy, from the
 * installed allocator, so a failed allocation is still SCREENER_E_NOMEM.
 * SCREENER_FOLD_CACHE=off (read on every compile) builds every table anew.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/env.h"
#include "common/error.h"
#include "foldtable.h"

#define CACHE_MAX 8

typedef struct cached {
    uint32_t flags;
    void *trie_bin;
    size_t trie_len;
    uint16_t *expand;
    size_t n_expand;
} cached;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static cached cache[CACHE_MAX];
static unsigned n_cached, next_evict;

static int cache_off(void)
{
    return env_is("SCREENER_FOLD_CACHE", "off");
}

/* A copy of (src, n bytes) from the installed allocator (NULL for n 0). */
static int copy_out(void **dst, const void *src, size_t n)
{
    *dst = NULL;
    if (!n)
        return 0;
    *dst = mem_malloc(n);
    if (!*dst)
        return -1;
    memcpy(*dst, src, n);
    return 0;
}

/* The table for flags into out, if cached: 1 found, 0 not, -1 out of memory. */
static int lookup(uint32_t flags, fold_build *out)
{
    int found = 0;
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < n_cached && !found; i++) {
        const cached *c = &cache[i];
        if (c->flags != flags)
            continue;
        found = 1;
        void *expand;
        if (copy_out(&out->trie_bin, c->trie_bin, c->trie_len) ||
            copy_out(&expand, c->expand, c->n_expand * sizeof *c->expand))
            found = -1;
        else {
            out->trie_len = c->trie_len;
            out->expand = expand;
            out->n_expand = c->n_expand;
        }
    }
    pthread_mutex_unlock(&lock);
    if (found < 0)
        fold_build_free(out);
    return found;
}

/* Keep a copy of a table just built (nothing kept if malloc fails or
 * another thread kept the same families meanwhile). */
static void keep(uint32_t flags, const fold_build *b)
{
    cached c = {.flags = flags, .trie_len = b->trie_len, .n_expand = b->n_expand};
    size_t ebytes = b->n_expand * sizeof *b->expand;
    c.trie_bin = malloc(b->trie_len ? b->trie_len : 1);
    c.expand = malloc(ebytes ? ebytes : 1);
    if (!c.trie_bin || !c.expand) {
        free(c.trie_bin);
        free(c.expand);
        return;
    }
    memcpy(c.trie_bin, b->trie_bin, b->trie_len);
    if (ebytes)
        memcpy(c.expand, b->expand, ebytes);
    pthread_mutex_lock(&lock);
    int dup = 0;
    for (unsigned i = 0; i < n_cached; i++)
        dup |= cache[i].flags == flags;
    if (!dup) {
        unsigned slot = n_cached < CACHE_MAX ? n_cached++ : next_evict++ % CACHE_MAX;
        free(cache[slot].trie_bin); /* (NULL in a slot never used) */
        free(cache[slot].expand);
        cache[slot] = c;
    }
    pthread_mutex_unlock(&lock);
    if (dup) {
        free(c.trie_bin);
        free(c.expand);
    }
}

int fold_table_for(uint32_t flags, fold_build *out, screener_error **err_out)
{
    memset(out, 0, sizeof *out);
    const int off = cache_off();
    if (!off) {
        int found = lookup(flags, out);
        if (found < 0)
            return err_set(err_out, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        if (found)
            return SCREENER_OK;
    }
    int rc = fold_build_table(flags, out, err_out);
    if (!rc && !off)
        keep(flags, out);
    return rc;
}
