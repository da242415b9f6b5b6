/* The fold tables a process keeps (lib/normalize/table_cache.c): a compile
 * that takes its table from the cache makes the same database, byte for
 * byte, as one that builds it — for several fold family sets interleaved,
 * after more sets than the cache holds (eviction), with the cache switched
 * off, and from threads compiling at once. Each Criterion test runs in a
 * process of its own, so every test starts with an empty cache. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "screener.h"

static const char dict[] = "fuck\n法轮功\tforms=chinese\nsexy girl\nass\tword\n"
                           "win[0-9]{2,4}cash\tregex\n";

typedef struct blob {
    void *p;
    size_t n;
} blob;

static blob compile_with(uint32_t fold_flags)
{
    screener_source src = {.name = "mem.txt", .text = dict, .len = strlen(dict)};
    screener_compile_options o = {.struct_size = sizeof o, .fold_flags = fold_flags};
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc = screener_compile(&o, &src, 1, &db, &err);
    cr_assert_eq(rc, SCREENER_OK, "compile (fold 0x%x): %s", fold_flags,
                 err ? screener_error_message(err) : screener_strerror(rc));
    blob b;
    cr_assert_eq(screener_db_serialize(db, &b.p, &b.n), SCREENER_OK);
    screener_db_free(db);
    return b;
}

/* b is the same database as a; frees b */
static void expect_same(blob a, blob b, const char *what)
{
    int same = a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
    screener_free(b.p);
    cr_assert(same, "%s: another database (%zu vs %zu bytes)", what, a.n, b.n);
}

/* distinct family sets, all with NOISE so that every dictionary line folds
 * to a term */
static const uint32_t sets[] = {
    SCREENER_FOLD_ALL,
    SCREENER_FOLD_NOISE | SCREENER_FOLD_CASE,
    SCREENER_FOLD_NOISE | SCREENER_FOLD_CASE | SCREENER_FOLD_COMPAT,
    SCREENER_FOLD_NOISE | SCREENER_FOLD_CASE | SCREENER_FOLD_TRADITIONAL,
    SCREENER_FOLD_NOISE | SCREENER_FOLD_CASE | SCREENER_FOLD_ACCENTS,
    SCREENER_FOLD_NOISE | SCREENER_FOLD_CASE | SCREENER_FOLD_HOMOGLYPH,
    SCREENER_FOLD_NOISE | SCREENER_FOLD_CASE | SCREENER_FOLD_REPEATS,
    SCREENER_FOLD_NOISE | SCREENER_FOLD_CASE | SCREENER_FOLD_LEET,
    SCREENER_FOLD_NOISE | SCREENER_FOLD_COMPAT,
    SCREENER_FOLD_NOISE | SCREENER_FOLD_TRADITIONAL,
};
#define N_SETS (sizeof sets / sizeof sets[0])

Test(table_cache, cached_tables_make_the_same_databases)
{
    blob first[N_SETS];
    for (size_t i = 0; i < 3; i++) /* built, kept */
        first[i] = compile_with(sets[i]);
    for (size_t i = 3; i-- > 0;) /* from the cache, in another order */
        expect_same(first[i], compile_with(sets[i]), "cached");
    for (size_t i = 3; i < N_SETS; i++) /* more sets than the cache holds */
        first[i] = compile_with(sets[i]);
    for (size_t i = 0; i < N_SETS; i++) /* some evicted and built again */
        expect_same(first[i], compile_with(sets[i]), "after eviction");
    cr_assert_eq(setenv("SCREENER_FOLD_CACHE", "off", 1), 0);
    for (size_t i = 0; i < 2; i++)
        expect_same(first[i], compile_with(sets[i]), "cache off");
    cr_assert_eq(unsetenv("SCREENER_FOLD_CACHE"), 0);
    for (size_t i = 0; i < N_SETS; i++)
        screener_free(first[i].p);
}

static void *compile_thread(void *arg)
{
    blob *out = arg;
    *out = compile_with(SCREENER_FOLD_ALL);
    return NULL;
}

Test(table_cache, threads_compiling_at_once_agree)
{
    enum { N = 4 };
    pthread_t t[N];
    blob b[N];
    for (int i = 0; i < N; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, compile_thread, &b[i]), 0);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    blob again = compile_with(SCREENER_FOLD_ALL);
    for (int i = 0; i < N; i++)
        expect_same(again, b[i], "threads");
    screener_free(again.p);
}
