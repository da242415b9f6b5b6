/*
 * fuzz_sequence — API call sequences driven by fuzzer bytes: databases
 * compiled, serialized, deserialized, saved and loaded, served by a handle
 * (new / swap / compile / load / acquire / release / free), scratches
 * allocated, cloned, re-fitted across databases and freed, scans and batch
 * scans through the handle and directly. The harness tracks ownership as the
 * header documents it, so ASan/LSan report any use-after-free, double free
 * or leak the library commits, and checks the documented results:
 * versions count successful swaps, a failed compile/load/swap keeps the
 * current database, a db already served by a handle is refused.
 *
 * Input: a sequence of ops (one byte each, plus arguments). At most one
 * compile per input (the fold table takes ~0.3 s).
 */
#include <unistd.h>

#include "fuzz_common.h"

#define N_SLOTS 3
#define N_SCR 3

static void *blobs[2];
static size_t blob_lens[2];
static char db_path[64];
static screener_db *warm_db; /* fuzz_dict, for fuzz_warm_scratch */

static const char dict_b[] = "@category other\nhello\tword\n你好\n"
                             "world\tseverity=4\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    screener_db *a = fuzz_compile_text(fuzz_dict, sizeof fuzz_dict - 1, 0);
    screener_db *b = fuzz_compile_text(dict_b, sizeof dict_b - 1,
                                       SCREENER_FOLD_EXPLICIT | SCREENER_FOLD_CASE);
    if (screener_db_serialize(a, &blobs[0], &blob_lens[0]) ||
        screener_db_serialize(b, &blobs[1], &blob_lens[1]))
        abort();
    snprintf(db_path, sizeof db_path, "/tmp/screener-fuzz-seq-%ld.scdb", (long)getpid());
    if (screener_db_save(b, db_path, NULL))
        abort();
    warm_db = a;
    screener_db_free(b);
    return 0;
}

typedef struct rd {
    const uint8_t *d;
    size_t n, p;
} rd;

static unsigned next(rd *r)
{
    return r->p < r->n ? r->d[r->p++] : 0;
}

/* Take a short text argument: length byte then bytes. */
static const char *text_arg(rd *r, size_t *len)
{
    size_t l = next(r) % 48;
    if (l > r->n - r->p)
        l = r->n - r->p;
    const char *t = (const char *)r->d + r->p;
    r->p += l;
    *len = l;
    return t;
}

static screener_db *new_db(unsigned which)
{
    screener_db *db = NULL;
    FUZZ_CHECK(screener_db_deserialize(blobs[which & 1], blob_lens[which & 1], &db, NULL) ==
               SCREENER_OK);
    return db;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048)
        return 0;
    rd r = {data, size, 0};
    screener_db *slot[N_SLOTS] = {0};
    screener_scratch *scr[N_SCR] = {0};
    screener_handle *h = NULL;
    uint64_t version = 0;
    int compiled = 0;
    const screener_result *res = NULL;
    size_t ops = 0;

    while (r.p < r.n && ops++ < 200) {
        unsigned op = next(&r) % 17, k = next(&r);
        unsigned si = k % N_SLOTS, sj = (k >> 2) % N_SCR;
        size_t len;
        const char *t;
        switch (op) {
        case 0: /* new database in a slot */
            screener_db_free(slot[si]);
            slot[si] = new_db(k >> 4);
            break;
        case 1:
            screener_db_free(slot[si]);
            slot[si] = NULL;
            break;
        case 2: /* a handle takes ownership of a slot's db */
            if (!h && slot[si]) {
                FUZZ_CHECK(screener_handle_new(slot[si], &h) == SCREENER_OK);
                slot[si] = NULL;
                version = 1;
                FUZZ_CHECK(screener_handle_version(h) == 1);
            }
            break;
        case 3:
            if (h && slot[si]) {
                FUZZ_CHECK(screener_handle_swap(h, slot[si]) == SCREENER_OK);
                slot[si] = NULL;
                version++;
                FUZZ_CHECK(screener_handle_version(h) == version);
            }
            break;
        case 4:
            t = text_arg(&r, &len);
            if (h && scr[sj]) {
                FUZZ_CHECK(screener_handle_scan(h, scr[sj], t, len, &res) == SCREENER_OK);
                FUZZ_CHECK(res->db_version == version);
            }
            break;
        case 5: {
            t = text_arg(&r, &len);
            if (h && scr[sj]) {
                screener_message m[2] = {{t, len / 2}, {t + len / 2, len - len / 2}};
                const screener_result *br = NULL;
                FUZZ_CHECK(screener_handle_scan_batch(h, scr[sj], m, 2, &br) == SCREENER_OK);
                FUZZ_CHECK(br[0].db_version == version && br[1].db_version == version);
            }
            break;
        }
        case 6: /* pin, scan, look up, unpin */
            t = text_arg(&r, &len);
            if (h && scr[sj]) {
                uint64_t v = 0;
                const screener_db *d = screener_handle_acquire(h, &v);
                FUZZ_CHECK(d != NULL && v == version);
                if (screener_scan(d, scr[sj], t, len, &res) == SCREENER_OK) {
                    fuzz_check_result(d, res, (const uint8_t *)t, len);
                }
                /* a db served by a handle is refused by swap and new */
                FUZZ_CHECK(screener_handle_swap(h, (screener_db *)(uintptr_t)d) ==
                           SCREENER_E_INVALID_ARGUMENT);
                screener_handle *h2 = NULL;
                FUZZ_CHECK(screener_handle_new((screener_db *)(uintptr_t)d, &h2) ==
                           SCREENER_E_INVALID_ARGUMENT);
                FUZZ_CHECK(h2 == NULL);
                FUZZ_CHECK(screener_handle_version(h) == version);
                screener_handle_release(h, d);
            }
            break;
        case 7: /* scratch for a slot db, or for the handle's */
            screener_scratch_free(scr[sj]);
            scr[sj] = NULL;
            if (slot[si]) {
                FUZZ_CHECK(screener_scratch_alloc(slot[si], &scr[sj]) == SCREENER_OK);
            } else if (h) {
                const screener_db *d = screener_handle_acquire(h, NULL);
                FUZZ_CHECK(screener_scratch_alloc(d, &scr[sj]) == SCREENER_OK);
                screener_handle_release(h, d);
            } else {
                screener_db *d = new_db(k >> 5);
                FUZZ_CHECK(screener_scratch_alloc(d, &scr[sj]) == SCREENER_OK);
                screener_db_free(d); /* the scratch outlives its db */
            }
            fuzz_warm_scratch(warm_db, scr[sj]);
            break;
        case 8: {
            unsigned to = (k >> 4) % N_SCR;
            if (scr[sj] && to != sj) {
                screener_scratch_free(scr[to]);
                scr[to] = NULL;
                FUZZ_CHECK(screener_scratch_clone(scr[sj], &scr[to]) == SCREENER_OK);
                fuzz_warm_scratch(warm_db, scr[to]);
            }
            break;
        }
        case 9:
            screener_scratch_free(scr[sj]);
            scr[sj] = NULL;
            break;
        case 10: /* scan a slot db directly (re-fits the scratch) */
            t = text_arg(&r, &len);
            if (slot[si] && scr[sj]) {
                FUZZ_CHECK(screener_scan(slot[si], scr[sj], t, len, &res) == SCREENER_OK);
                fuzz_check_result(slot[si], res, (const uint8_t *)t, len);
                char *out = NULL;
                size_t ol;
                FUZZ_CHECK(screener_mask(slot[si], scr[sj], t, len, k & 1, 0, &out, &ol) ==
                           SCREENER_OK);
                screener_free(out);
            }
            break;
        case 11: /* serialize round trip */
            if (slot[si]) {
                void *b = NULL;
                size_t bl = 0;
                FUZZ_CHECK(screener_db_serialize(slot[si], &b, &bl) == SCREENER_OK);
                screener_db *d2 = NULL;
                FUZZ_CHECK(screener_db_deserialize(b, bl, &d2, NULL) == SCREENER_OK);
                FUZZ_CHECK(strcmp(screener_db_fingerprint(d2),
                                  screener_db_fingerprint(slot[si])) == 0);
                screener_free(b);
                screener_db_free(slot[si]);
                slot[si] = d2;
            }
            break;
        case 12: /* compile through the handle (once per input) */
            t = text_arg(&r, &len);
            if (h && !compiled) {
                compiled = 1;
                screener_source src = {NULL, "seq", t, len};
                screener_error *err = NULL;
                int rc = screener_handle_compile(h, NULL, &src, 1, &err);
                if (rc == SCREENER_OK) {
                    version++;
                    FUZZ_CHECK(err == NULL);
                } else {
                    FUZZ_CHECK(err != NULL);
                    screener_error_free(err);
                }
                FUZZ_CHECK(screener_handle_version(h) == version);
            }
            break;
        case 13: /* load through the handle: a good file or a missing one */
            if (h) {
                screener_error *err = NULL;
                int rc = screener_handle_load(h, (k & 1) ? db_path : "/nonexistent/x.scdb",
                                              &err);
                if (k & 1) {
                    FUZZ_CHECK(rc == SCREENER_OK);
                    version++;
                } else {
                    FUZZ_CHECK(rc != SCREENER_OK && err != NULL);
                }
                screener_error_free(err);
                FUZZ_CHECK(screener_handle_version(h) == version);
            }
            break;
        case 14: /* load a file into a slot */
            screener_db_free(slot[si]);
            slot[si] = NULL;
            FUZZ_CHECK(screener_db_load(db_path, &slot[si], NULL) == SCREENER_OK);
            break;
        case 15:
            screener_handle_free(h);
            h = NULL;
            version = 0;
            break;
        case 16: /* a result stays valid until the next call on its scratch */
            if (scr[sj]) {
                t = text_arg(&r, &len);
                if (slot[si] &&
                    screener_scan(slot[si], scr[sj], t, len, &res) == SCREENER_OK &&
                    res->n_matches)
                    (void)res->matches[res->n_matches - 1].end;
            }
            break;
        }
    }
    for (int i = 0; i < N_SCR; i++)
        screener_scratch_free(scr[i]);
    for (int i = 0; i < N_SLOTS; i++)
        screener_db_free(slot[i]);
    screener_handle_free(h);
    return 0;
}
