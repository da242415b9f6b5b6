/* Hot reload under load, as a plain program (no test framework) so that it
 * also runs under ThreadSanitizer, which Criterion's shared-memory arena
 * does not survive: 8 threads scan continuously while the main thread
 * reloads good, corrupt, truncated and empty database files. Every scan must
 * succeed and see exactly one database version. Exit status 0 on success. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screener.h"

#define CHECK_PROGRAM "reload_stress"
#include "check.h"

#define THREADS 8
#define RELOADS 120

static screener_handle *handle;
static atomic_int stop;
static char fp_a[33], fp_b[33];

typedef struct worker {
    screener_scratch *scratch;
    long scans, failures, mixed;
    uint64_t max_version;
} worker;

/* DB A puts both terms in category "a", DB B in category "b": a scan that
 * saw two versions would report both categories, or a fingerprint that does
 * not fit its categories. */
static const char dict_a[] = "alpha\tcategory=a\n法轮功\tcategory=a\n";
static const char dict_b[] = "alpha\tcategory=b\n法轮功\tcategory=b\nextra\tcategory=b\n";

static void *scan_loop(void *arg)
{
    worker *w = arg;
    static const char msg[] = "x alpha y 法 輪 功 z";
    while (!atomic_load(&stop)) {
        const screener_db *db;
        uint64_t version;
        db = screener_handle_acquire(handle, &version);
        const screener_result *r;
        int rc = screener_scan(db, w->scratch, msg, sizeof msg - 1, &r);
        if (rc != SCREENER_OK || r->n_matches != 2 || r->n_categories != 1) {
            w->failures++;
        } else {
            const char *cat = screener_db_category_name(db, r->categories[0]);
            const char *want = strcmp(r->fingerprint, fp_a) == 0 ? "a" : "b";
            if (strcmp(cat, want) != 0 || (strcmp(r->fingerprint, fp_a) && strcmp(r->fingerprint, fp_b)))
                w->mixed++;
        }
        screener_handle_release(handle, db);
        /* the convenience path too */
        rc = screener_handle_scan(handle, w->scratch, msg, sizeof msg - 1, &r);
        if (rc != SCREENER_OK || r->n_matches != 2 || r->db_version == 0)
            w->failures++;
        if (rc == SCREENER_OK && r->db_version > w->max_version)
            w->max_version = r->db_version;
        w->scans += 2;
    }
    return NULL;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "cannot create %s", path);
    CHECK(fwrite(data, 1, len, f) == len, "cannot write %s", path);
    fclose(f);
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int run(void)
{
    char dir[] = "/tmp/screener_reload_XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char good_a[256], good_b[256], corrupt[256], truncated[256], empty[256];
    snprintf(good_a, sizeof good_a, "%s/a.scdb", dir);
    snprintf(good_b, sizeof good_b, "%s/b.scdb", dir);
    snprintf(corrupt, sizeof corrupt, "%s/corrupt.scdb", dir);
    snprintf(truncated, sizeof truncated, "%s/truncated.scdb", dir);
    snprintf(empty, sizeof empty, "%s/empty.scdb", dir);

    screener_source sa = {.name = "a.txt", .text = dict_a, .len = sizeof dict_a - 1};
    screener_source sb = {.name = "b.txt", .text = dict_b, .len = sizeof dict_b - 1};
    screener_db *a = NULL, *b = NULL;
    OK(screener_compile(NULL, &sa, 1, &a, NULL));
    OK(screener_compile(NULL, &sb, 1, &b, NULL));
    strcpy(fp_a, screener_db_fingerprint(a));
    strcpy(fp_b, screener_db_fingerprint(b));
    OK(screener_db_save(a, good_a, NULL));
    OK(screener_db_save(b, good_b, NULL));
    void *blob;
    size_t len;
    OK(screener_db_serialize(a, &blob, &len));
    ((unsigned char *)blob)[len / 2] ^= 0x40;
    write_file(corrupt, blob, len);
    write_file(truncated, blob, len / 3);
    write_file(empty, "", 0);
    free(blob);
    screener_db_free(b);

    long rss_before = rss_kb();
    OK(screener_handle_new(a, &handle));
    CHECK(screener_handle_version(handle) == 1, "first version is not 1");

    screener_scratch *proto = NULL;
    const screener_db *cur = screener_handle_acquire(handle, NULL);
    OK(screener_scratch_alloc(cur, &proto));
    screener_handle_release(handle, cur);

    pthread_t th[THREADS];
    worker w[THREADS];
    memset(w, 0, sizeof w);
    atomic_store(&stop, 0);
    for (int i = 0; i < THREADS; i++) {
        OK(screener_scratch_clone(proto, &w[i].scratch));
        pthread_create(&th[i], NULL, scan_loop, &w[i]);
    }
    uint64_t expect_version = 1;
    int bad_rejected = 0;
    for (int r = 0; r < RELOADS; r++) {
        const char *paths[] = {good_b, corrupt, good_a, truncated, empty};
        const char *p = paths[r % 5];
        screener_error *err = NULL;
        int rc = screener_handle_load(handle, p, &err);
        if (p == good_a || p == good_b) {
            CHECK(rc == SCREENER_OK, "%s", err ? screener_error_message(err) : "");
            expect_version++;
        } else {
            CHECK(rc != SCREENER_OK && err != NULL, "bad file %s accepted", p);
            bad_rejected++;
        }
        screener_error_free(err);
        CHECK(screener_handle_version(handle) == expect_version, "version after loading %s", p);
        usleep(2000);
    }
    atomic_store(&stop, 1);
    long scans = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK(w[i].failures == 0, "thread %d: %ld failed scans", i, w[i].failures);
        CHECK(w[i].mixed == 0, "thread %d: %ld mixed-version scans", i, w[i].mixed);
        scans += w[i].scans;
        screener_scratch_free(w[i].scratch);
    }
    screener_scratch_free(proto);
    screener_handle_free(handle);
    long rss_after = rss_kb();
    printf("reload stress: %d reloads (%d bad ones rejected), %ld scans in %d threads, "
           "RSS %ld kB before the handle, %ld kB after freeing it\n",
           RELOADS, bad_rejected, scans, THREADS, rss_before, rss_after);
    CHECK(scans > THREADS, "only %ld scans", scans);
    unlink(good_a);
    unlink(good_b);
    unlink(corrupt);
    unlink(truncated);
    unlink(empty);
    rmdir(dir);
    return 0;
}


int main(void)
{
    return run();
}
