/*
 * handle.c — hot reload: a shared handle whose database is swapped
 * atomically while scans continue.
 *
 * Each database the handle serves lives in a generation with a reference
 * count: the handle holds one reference to the current generation, every
 * scan or acquire holds one while it runs. Swapping replaces the current
 * pointer under a mutex and drops the handle's reference to the old
 * generation; whoever drops the last reference frees it. The mutex only
 * guards "read the pointer and take a reference", so a scan never waits for
 * a load or a compile, which happen before the swap, outside the lock.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "db/db.h"
#include "scan/scratch.h"
#include "common/alloc.h"

typedef struct handle_gen {
    screener_db *db;
    _Atomic long refs;
    _Atomic long pins; /* screener_handle_acquire calls not yet released */
    uint64_t version;
} handle_gen;

struct screener_handle {
    pthread_mutex_t mu;
    handle_gen *cur;
    uint64_t last_version;
};

static handle_gen *gen_new(screener_db *db, uint64_t version)
{
    handle_gen *g = mem_malloc(sizeof *g);
    if (!g)
        return NULL;
    g->db = db;
    atomic_init(&g->refs, 1);
    atomic_init(&g->pins, 0);
    g->version = version;
    db->gen = g;
    return g;
}

static void gen_release(handle_gen *g)
{
    if (atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) == 1) {
        g->db->gen = NULL;
        screener_db_free(g->db);
        mem_free(g);
    }
}

static handle_gen *gen_acquire(screener_handle *h)
{
    pthread_mutex_lock(&h->mu);
    handle_gen *g = h->cur;
    atomic_fetch_add_explicit(&g->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&h->mu);
    return g;
}

SCREENER_API int screener_handle_new(screener_db *db, screener_handle **out)
{
    if (!out || !db) {
        screener_db_free(db);
        return SCREENER_E_INVALID_ARGUMENT;
    }
    *out = NULL;
    if (db->gen) /* already served by another handle: not ours to take */
        return SCREENER_E_INVALID_ARGUMENT;
    screener_handle *h = mem_calloc(1, sizeof *h);
    handle_gen *g = h ? gen_new(db, 1) : NULL;
    if (!g) {
        mem_free(h);
        screener_db_free(db);
        return SCREENER_E_NOMEM;
    }
    pthread_mutex_init(&h->mu, NULL);
    h->cur = g;
    h->last_version = 1;
    *out = h;
    return SCREENER_OK;
}

SCREENER_API void screener_handle_free(screener_handle *h)
{
    if (!h)
        return;
    gen_release(h->cur);
    pthread_mutex_destroy(&h->mu);
    mem_free(h);
}

SCREENER_API int screener_handle_swap(screener_handle *h, screener_db *db)
{
    if (!h || !db || db->gen) {
        if (db && !db->gen)
            screener_db_free(db);
        return SCREENER_E_INVALID_ARGUMENT;
    }
    handle_gen *g = gen_new(db, 0);
    if (!g) {
        screener_db_free(db);
        return SCREENER_E_NOMEM;
    }
    pthread_mutex_lock(&h->mu);
    handle_gen *old = h->cur;
    g->version = ++h->last_version;
    h->cur = g;
    pthread_mutex_unlock(&h->mu);
    gen_release(old);
    return SCREENER_OK;
}

SCREENER_API int screener_handle_load_ex(screener_handle *h, const char *path,
                                         const screener_load_options *options,
                                         screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!h)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0, "NULL handle");
    screener_db *db = NULL;
    int rc = screener_db_load_ex(path, options, &db, err_out);
    if (rc)
        return rc;
    return screener_handle_swap(h, db);
}

SCREENER_API int screener_handle_load(screener_handle *h, const char *path,
                                      screener_error **err_out)
{
    return screener_handle_load_ex(h, path, NULL, err_out);
}

SCREENER_API int screener_handle_compile(screener_handle *h,
                                         const screener_compile_options *options,
                                         const screener_source *sources, size_t n_sources,
                                         screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!h)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0, "NULL handle");
    screener_db *db = NULL;
    int rc = screener_compile(options, sources, n_sources, &db, err_out);
    if (rc)
        return rc;
    return screener_handle_swap(h, db);
}

SCREENER_API uint64_t screener_handle_version(screener_handle *h)
{
    if (!h)
        return 0;
    pthread_mutex_lock(&h->mu);
    uint64_t v = h->cur->version;
    pthread_mutex_unlock(&h->mu);
    return v;
}

SCREENER_API const screener_db *screener_handle_acquire(screener_handle *h,
                                                        uint64_t *version_out)
{
    if (!h)
        return NULL;
    handle_gen *g = gen_acquire(h);
    atomic_fetch_add_explicit(&g->pins, 1, memory_order_relaxed);
    if (version_out)
        *version_out = g->version;
    return g->db;
}

/* Take one pin off g; 0 if it has none (a second release). */
static int gen_unpin(handle_gen *g)
{
    long p = atomic_load_explicit(&g->pins, memory_order_relaxed);
    while (p > 0)
        if (atomic_compare_exchange_weak_explicit(&g->pins, &p, p - 1, memory_order_relaxed,
                                                  memory_order_relaxed))
            return 1;
    return 0;
}

/*
 * A release without a matching acquire would drop a reference that belongs
 * to the handle or to a running scan, and free the database under them
 * (use-after-free). It is caught while the database is alive: ignored, and
 * in debug builds (no NDEBUG) reported and aborted on, so the bug surfaces.
 */
SCREENER_API void screener_handle_release(screener_handle *h, const screener_db *db)
{
    (void)h;
    if (!db)
        return;
    if (!db->gen || !gen_unpin(db->gen)) {
#ifndef NDEBUG
        fprintf(stderr, "screener_handle_release: database %p is not pinned (released twice, "
                        "or not from screener_handle_acquire)\n", (const void *)db);
        abort();
#endif
        return;
    }
    gen_release(db->gen);
}

SCREENER_API int screener_handle_scan(screener_handle *h, screener_scratch *scratch,
                                      const char *text, size_t len,
                                      const screener_result **result_out)
{
    if (!h) {
        if (result_out)
            *result_out = NULL;
        return SCREENER_E_INVALID_ARGUMENT;
    }
    handle_gen *g = gen_acquire(h);
    int rc = screener_scan(g->db, scratch, text, len, result_out);
    if (rc == SCREENER_OK)
        scratch->result.db_version = g->version;
    gen_release(g);
    return rc;
}

SCREENER_API int screener_handle_scan_batch(screener_handle *h, screener_scratch *scratch,
                                            const screener_message *messages, size_t n,
                                            const screener_result **results_out)
{
    if (!h) {
        if (results_out)
            *results_out = NULL;
        return SCREENER_E_INVALID_ARGUMENT;
    }
    handle_gen *g = gen_acquire(h);
    int rc = screener_scan_batch(g->db, scratch, messages, n, results_out);
    if (rc == SCREENER_OK)
        for (size_t i = 0; i < n; i++)
            scratch->b_results[i].db_version = g->version;
    gen_release(g);
    return rc;
}
