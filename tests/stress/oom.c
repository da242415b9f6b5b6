/*
 * Out of memory, everywhere: through screener_set_allocator, make the k-th
 * allocation fail, for every k, along each public operation (compile, load,
 * signed load, scratch, scan, batch, stream, mask, fold, handle reload and
 * scans, profiles, save). Each failing call must return SCREENER_E_NOMEM,
 * free everything it allocated (the test counts live allocations; LSan
 * checks again at exit in the ASan build), and leave its objects working:
 * the scratch scans again with the reference result, the handle still
 * serves the old database. A plain program (no test framework), public API
 * only. Exit status 0 on success.
 *
 * A compile takes its fold table from the process's cache
 * (lib/normalize/table_cache.c) once setup has built it, so most compiles
 * here are cheap; "compile (text, table built)" runs with
 * SCREENER_FOLD_CACHE=off, every allocation of the table's build failing
 * once too. `oom --quick` leaves that one out (~0.1 s of ICU work for each
 * of its ~250 runs, several times that under ASan): ctest runs it in full in
 * the normal build and --quick in the sanitizer builds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screener.h"

#define CHECK_PROGRAM "oom"
#include "check.h"

/* ---- the failing allocator ---------------------------------------------- */

static long long n_calls;     /* allocations asked for since arming */
static long long fail_at = -1; /* which one fails (-1: none) */
static int failed;            /* the armed failure happened */
static long long live;        /* allocations not yet freed */

static int should_fail(void)
{
    if (n_calls++ == fail_at) {
        failed = 1;
        return 1;
    }
    return 0;
}

static void *t_malloc(size_t n, void *ud)
{
    (void)ud;
    CHECK(n > 0, "malloc(0)");
    if (should_fail())
        return NULL;
    void *p = malloc(n);
    if (p)
        live++;
    return p;
}

static void *t_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    CHECK(n > 0, "realloc(p, 0)");
    if (should_fail())
        return NULL;
    void *q = realloc(p, n);
    if (q && !p)
        live++;
    return q;
}

static void t_free(void *p, void *ud)
{
    (void)ud;
    CHECK(p != NULL, "free(NULL)");
    live--;
    free(p);
}

/* ---- fixtures ------------------------------------------------------------ */

static const char dict[] =
    "@category spam\n"
    "fuck\n"
    "法轮功\tcategory=politics severity=3 forms=chinese\n"
    "性病\n" /* host word 慢性病 (compile/host_words.c) */
    "sex\n"
    "sexy girl\tcategory=porn\n"
    "ass\tword\n"
    "class act\tallow\n"
    "@detect cn_mobile\n"
    "@detect email\n"
    "win[0-9]{2,4}cash\tregex\n"
    "@rule 加微信 NEAR/5 日赚\n" /* co-occurrence rules (scan/m_rules.c) */
    "@rule 兼职 AND NOT 学校\n";

static const char *texts[] = {
    "oh ＦＵＣＫ 法 輪 功 and sexy girl, class act",
    "call 138 0013 8000 or mail me@example.com, win123cash",
    "clean text, nothing here",
    "flg 法lun功 慢性病",
    "加 微 信，日賺 兼职",
    "",
};
#define N_TEXTS (sizeof texts / sizeof texts[0])

static char *long_text; /* > SCAN_WINDOW, so windows and stream slices run */
static size_t long_len;

static screener_db *db_a, *db_b; /* reference databases (made unarmed) */
static char dir[64], path_a[128], path_b[128], path_signed[128], path_sec[128],
    path_pub[128], path_dict[128];

/* A result reduced to what must not change. */
#define REF_MAX 16384
typedef struct ref {
    size_t n;
    screener_match m[REF_MAX];
    int action;
    char fp[33];
} ref;

static void take(ref *r, const screener_result *res)
{
    CHECK(res->n_matches <= REF_MAX, "too many matches for the test");
    r->n = res->n_matches;
    memcpy(r->m, res->matches, r->n * sizeof *r->m);
    r->action = res->action;
    snprintf(r->fp, sizeof r->fp, "%s", res->fingerprint ? res->fingerprint : "");
}

static int same_match(const screener_match *a, const screener_match *b)
{
    return a->start == b->start && a->end == b->end && a->entry_id == b->entry_id &&
           a->category_id == b->category_id && a->severity == b->severity &&
           a->action == b->action && a->flags == b->flags;
}

static int cmp_match_pos(const void *a, const void *b)
{
    const screener_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->entry_id < y->entry_id ? -1 : x->entry_id > y->entry_id;
}

static int same(const ref *r, const screener_result *res)
{
    if (r->n != res->n_matches || r->action != res->action ||
        (res->fingerprint && strcmp(r->fp, res->fingerprint) != 0))
        return 0;
    for (size_t i = 0; i < r->n; i++)
        if (!same_match(&r->m[i], &res->matches[i]))
            return 0;
    return 1;
}

static ref ref_a[N_TEXTS], ref_b[N_TEXTS], ref_long;

static void make_refs(screener_db *db, ref *out)
{
    screener_scratch *s = NULL;
    OK(screener_scratch_alloc(db, &s));
    for (size_t i = 0; i < N_TEXTS; i++) {
        const screener_result *r;
        OK(screener_scan(db, s, texts[i], strlen(texts[i]), &r));
        take(&out[i], r);
    }
    screener_scratch_free(s);
}

/* ---- the driver ----------------------------------------------------------- */

/*
 * One operation: prepare (unarmed), run (armed: allocation k fails), check
 * (unarmed: the state after rc, and free what run made). Returns how many
 * allocations the operation needs.
 */
typedef struct op {
    const char *name;
    void (*prepare)(void *ctx);
    int (*run)(void *ctx);
    void (*check)(void *ctx, int rc);
} op;

static long long exhaust(const op *o, void *ctx)
{
    for (long long k = 0;; k++) {
        long long base = live;
        if (o->prepare)
            o->prepare(ctx);
        n_calls = 0;
        failed = 0;
        fail_at = k;
        int rc = o->run(ctx);
        fail_at = -1;
        long long used = n_calls;
        if (failed)
            CHECK(rc == SCREENER_E_NOMEM, "%s: allocation %lld of %lld failed, got %d (%s)",
                  o->name, k, used, rc, screener_strerror(rc));
        else
            CHECK(rc == SCREENER_OK, "%s: no failure, got %d (%s)", o->name, rc,
                  screener_strerror(rc));
        o->check(ctx, rc);
        CHECK(live == base, "%s: %lld allocations leaked after allocation %lld failed", o->name,
              live - base, k);
        if (!failed) {
            printf("ok   - %-28s %4lld allocations, each failed once\n", o->name, used);
            return used;
        }
    }
}

static void free_err(screener_error *err)
{
    screener_error_free(err);
}

/* ---- compile -------------------------------------------------------------- */

typedef struct compile_ctx {
    screener_db *db;
    screener_error *err;
    int from_file;
} compile_ctx;

static void ignore_warning(const char *message, void *user_data)
{
    (void)message;
    (void)user_data;
}

static int run_compile(void *p)
{
    compile_ctx *c = p;
    screener_source src[2] = {{.name = "mem.txt", .text = dict, .len = strlen(dict)},
                              {.path = path_dict}};
    return screener_compile(NULL, c->from_file ? &src[1] : src, 1, &c->db, &c->err);
}

/* A lenient compile of the fixture plus bad lines of each stage (parse,
 * duplicates, fold, regex): the same database as the fixture's. */
static int run_compile_lenient(void *p)
{
    compile_ctx *c = p;
    static char text[sizeof dict + 128];
    snprintf(text, sizeof text, "%s%s", dict,
             "bad\tsevrity=2\nfuck\tseverity=3\n!!!\n(a|b\tregex\n");
    screener_source src = {.name = "mem.txt", .text = text, .len = strlen(text)};
    screener_compile_options o = {.struct_size = sizeof o,
                                  .flags = SCREENER_COMPILE_LENIENT,
                                  .warning = ignore_warning};
    return screener_compile(&o, &src, 1, &c->db, &c->err);
}

/* After a compile or a load: on success the database is db_a's and scans
 * as it does, on failure there is none; frees both. */
static void check_db(screener_db **db, screener_error **err, int rc)
{
    if (rc == SCREENER_OK) {
        CHECK(strcmp(screener_db_fingerprint(*db), screener_db_fingerprint(db_a)) == 0,
              "made another database");
        screener_scratch *s = NULL;
        OK(screener_scratch_alloc(*db, &s));
        const screener_result *r;
        OK(screener_scan(*db, s, texts[0], strlen(texts[0]), &r));
        CHECK(same(&ref_a[0], r), "the database scans differently");
        screener_scratch_free(s);
    } else {
        CHECK(*db == NULL, "db set on failure");
    }
    screener_db_free(*db);
    free_err(*err);
    *db = NULL;
    *err = NULL;
}

static void check_compile(void *p, int rc)
{
    compile_ctx *c = p;
    check_db(&c->db, &c->err, rc);
}

/* ---- load ----------------------------------------------------------------- */

/* Read the public key and load the signed file: into *db, or (h set) as
 * the handle's new database. */
static int signed_load(screener_handle *h, screener_db **db, screener_error **err)
{
    screener_key *k = NULL;
    int rc = screener_key_load(path_pub, SCREENER_KEY_PUBLIC, &k, err);
    if (rc)
        return rc;
    screener_load_options lo = {.struct_size = sizeof lo,
                                .trusted_keys = (const screener_key *const *)&k,
                                .n_trusted_keys = 1};
    rc = h ? screener_handle_load_ex(h, path_signed, &lo, err)
           : screener_db_load_ex(path_signed, &lo, db, err);
    screener_key_free(k);
    return rc;
}

typedef struct load_ctx {
    screener_db *db;
    screener_error *err;
    void *blob;
    size_t len;
    int how; /* 0 deserialize, 1 load, 2 signed load with key load */
} load_ctx;

static int run_load(void *p)
{
    load_ctx *c = p;
    if (c->how == 0)
        return screener_db_deserialize(c->blob, c->len, &c->db, &c->err);
    if (c->how == 1)
        return screener_db_load(path_a, &c->db, &c->err);
    return signed_load(NULL, &c->db, &c->err);
}

static void check_load(void *p, int rc)
{
    load_ctx *c = p;
    check_db(&c->db, &c->err, rc);
}

/* ---- scratch, scan, batch, mask, fold ------------------------------------- */

typedef struct scan_ctx {
    screener_scratch *s;
    screener_db *scratch_db; /* the scratch is made for this one */
    int what;                /* see run_scan */
    char *out;
    size_t out_len;
    const screener_result *res;
    screener_scratch *clone;
} scan_ctx;

static void prepare_scan(void *p)
{
    scan_ctx *c = p;
    if (c->what != 0)
        OK(screener_scratch_alloc(c->scratch_db, &c->s));
}

static const screener_profile_rule rules[] = {{"porn", 0, SCREENER_PROFILE_DROP},
                                              {NULL, 3, SCREENER_ACTION_REVIEW}};

static int run_scan(void *p)
{
    scan_ctx *c = p;
    switch (c->what) {
    case 0: /* scratch allocation */
        return screener_scratch_alloc(db_a, &c->s);
    case 1: /* every text, scratch fitted to db_a (or re-fitted from db_b) */
        for (size_t i = 0; i < N_TEXTS; i++) {
            int rc = screener_scan(db_a, c->s, texts[i], strlen(texts[i]), &c->res);
            if (rc)
                return rc;
        }
        return SCREENER_OK;
    case 2: { /* batch */
        screener_message m[N_TEXTS];
        for (size_t i = 0; i < N_TEXTS; i++)
            m[i] = (screener_message){texts[i], strlen(texts[i])};
        return screener_scan_batch(db_a, c->s, m, N_TEXTS, &c->res);
    }
    case 3: /* long text: windows */
        return screener_scan(db_a, c->s, long_text, long_len, &c->res);
    case 4: /* mask */
        return screener_mask(db_a, c->s, texts[0], strlen(texts[0]), 0, 0, &c->out,
                             &c->out_len);
    case 5: /* fold */
        return screener_fold_utf8(db_a, texts[0], strlen(texts[0]), &c->out, &c->out_len);
    case 6: /* clone */
        return screener_scratch_clone(c->s, &c->clone);
    case 7: { /* profile */
        screener_profile pr = {.struct_size = sizeof pr, .rules = rules, .n_rules = 2};
        int rc = screener_scratch_set_profile(c->s, &pr);
        if (rc)
            return rc;
        return screener_scan(db_a, c->s, texts[0], strlen(texts[0]), &c->res);
    }
    }
    return SCREENER_E_INVALID_ARGUMENT;
}

static void check_scan(void *p, int rc)
{
    scan_ctx *c = p;
    if (c->what == 0) {
        CHECK((rc == SCREENER_OK) == (c->s != NULL), "scratch_out on failure");
        screener_scratch_free(c->s);
        c->s = NULL;
        return;
    }
    if (c->what == 4 && rc == SCREENER_OK) {
        CHECK(strcmp(c->out, "oh **** ***** and *********, class act") == 0, "mask: %s", c->out);
    }
    if (c->what == 5 && rc == SCREENER_OK)
        CHECK(strncmp(c->out, "ohfuck法轮功", strlen("ohfuck法轮功")) == 0, "fold: %s", c->out);
    if (c->what == 4 || c->what == 5) {
        CHECK(rc == SCREENER_OK || c->out == NULL, "out set on failure");
        screener_free(c->out);
        c->out = NULL;
    }
    if (c->what == 6) {
        CHECK((rc == SCREENER_OK) == (c->clone != NULL), "clone on failure");
        if (c->clone) {
            const screener_result *r;
            OK(screener_scan(db_a, c->clone, texts[1], strlen(texts[1]), &r));
            CHECK(same(&ref_a[1], r), "clone scans differently");
        }
        screener_scratch_free(c->clone);
        c->clone = NULL;
    }
    if (c->what == 7) {
        OK(screener_scratch_set_profile(c->s, NULL));
    }
    /* after success or failure the scratch scans every text as the reference */
    for (size_t i = 0; i < N_TEXTS; i++) {
        const screener_result *r;
        OK(screener_scan(db_a, c->s, texts[i], strlen(texts[i]), &r));
        CHECK(same(&ref_a[i], r), "scan %zu differs after a failed %d", i, c->what);
    }
    const screener_result *r;
    OK(screener_scan(db_a, c->s, long_text, long_len, &r));
    CHECK(same(&ref_long, r), "long scan differs");
    screener_scratch_free(c->s);
    c->s = NULL;
}

/* ---- streams --------------------------------------------------------------- */

typedef struct stream_ctx {
    screener_scratch *s;
    screener_stream *st;
    ref got;
    const char *text;
    size_t len;
    size_t chunk; /* chunk size for the writes */
    size_t pos;   /* bytes written successfully */
    int closed;
} stream_ctx;

static void prepare_stream(void *p)
{
    stream_ctx *c = p;
    OK(screener_scratch_alloc(db_a, &c->s));
    c->got.n = 0;
    c->pos = 0;
    c->closed = 0;
    c->st = NULL;
}

static void collect(stream_ctx *c, const screener_result *r)
{
    for (size_t i = 0; i < r->n_matches; i++) {
        CHECK(c->got.n < REF_MAX, "too many stream matches");
        c->got.m[c->got.n++] = r->matches[i];
    }
}

/* Write the rest of the text and close; stops at the first failure (which
 * leaves pos / closed where they were). */
static int stream_rest(stream_ctx *c)
{
    int rc;
    if (!c->st && (rc = screener_stream_open(db_a, &c->st)))
        return rc;
    const screener_result *r;
    while (c->pos < c->len) {
        size_t n = c->len - c->pos < c->chunk ? c->len - c->pos : c->chunk;
        if ((rc = screener_stream_write(c->st, c->s, c->text + c->pos, n, &r)))
            return rc;
        collect(c, r);
        c->pos += n;
    }
    if ((rc = screener_stream_close(c->st, c->s, &r)))
        return rc;
    c->closed = 1;
    collect(c, r);
    return SCREENER_OK;
}

static int run_stream(void *p)
{
    return stream_rest(p);
}

static void check_stream(void *p, int rc)
{
    stream_ctx *c = p;
    const ref *want = c->text == long_text ? &ref_long : &ref_a[0];
    if (rc != SCREENER_OK && c->st) {
        /* the failed write or close is repeated, and the stream goes on as
         * if nothing had happened — or, for a write that failed after its
         * first 128 KiB, keeps failing */
        int again = stream_rest(c);
        if (again != SCREENER_OK) {
            CHECK(c->chunk > 128 * 1024 && again == rc, "stream after a failure: %d", again);
            const screener_result *r;
            CHECK(screener_stream_close(c->st, c->s, &r) == rc, "close of a failed stream");
        }
        rc = again;
    }
    if (rc == SCREENER_OK) {
        /* (reported in order per call; AND NOT and THEN only at close) */
        qsort(c->got.m, c->got.n, sizeof c->got.m[0], cmp_match_pos);
        CHECK(c->got.n == want->n, "stream found %zu matches, scan %zu", c->got.n, want->n);
        for (size_t i = 0; i < c->got.n; i++)
            CHECK(same_match(&c->got.m[i], &want->m[i]), "stream match %zu differs", i);
    }
    screener_stream_free(c->st);
    c->st = NULL;
    const screener_result *r;
    OK(screener_scan(db_a, c->s, texts[0], strlen(texts[0]), &r));
    CHECK(same(&ref_a[0], r), "scratch scans differently after a failed stream");
    screener_scratch_free(c->s);
    c->s = NULL;
}

/* ---- handles ---------------------------------------------------------------- */

typedef struct handle_ctx {
    screener_handle *h;
    screener_scratch *s;
    screener_error *err;
    int what; /* 0 load, 1 compile, 2 swap, 3 signed load, 4 scan after a swap, 5 new */
    screener_db *pending;
} handle_ctx;

static screener_db *copy_db(screener_db *db)
{
    void *b;
    size_t n;
    OK(screener_db_serialize(db, &b, &n));
    screener_db *c = NULL;
    OK(screener_db_deserialize(b, n, &c, NULL));
    screener_free(b);
    return c;
}

static void prepare_handle(void *p)
{
    handle_ctx *c = p;
    if (c->what == 5) {
        c->pending = copy_db(db_a);
        return;
    }
    OK(screener_handle_new(copy_db(db_a), &c->h));
    OK(screener_scratch_alloc(db_a, &c->s));
    const screener_result *r;
    OK(screener_handle_scan(c->h, c->s, texts[0], strlen(texts[0]), &r));
    if (c->what == 2)
        c->pending = copy_db(db_b);
    if (c->what == 4)
        OK(screener_handle_swap(c->h, copy_db(db_b)));
}

static int run_handle(void *p)
{
    handle_ctx *c = p;
    switch (c->what) {
    case 0:
        return screener_handle_load(c->h, path_b, &c->err);
    case 1: {
        screener_source src = {.name = "b.txt", .text = "other\nterms\n", .len = 12};
        return screener_handle_compile(c->h, NULL, &src, 1, &c->err);
    }
    case 2: {
        screener_db *d = c->pending;
        c->pending = NULL; /* the handle takes it, also on failure */
        return screener_handle_swap(c->h, d);
    }
    case 3:
        return signed_load(c->h, NULL, &c->err);
    case 4: { /* the scratch is re-fitted to the new database inside the scan */
        const screener_result *r;
        int rc = screener_handle_scan(c->h, c->s, texts[0], strlen(texts[0]), &r);
        if (rc)
            return rc;
        screener_message m = {texts[1], strlen(texts[1])};
        return screener_handle_scan_batch(c->h, c->s, &m, 1, &r);
    }
    case 5: {
        screener_db *d = c->pending;
        c->pending = NULL;
        return screener_handle_new(d, &c->h);
    }
    }
    return SCREENER_E_INVALID_ARGUMENT;
}

static void check_handle(void *p, int rc)
{
    handle_ctx *c = p;
    free_err(c->err);
    c->err = NULL;
    if (c->what == 5) {
        CHECK((rc == SCREENER_OK) == (c->h != NULL), "handle_out on failure");
        screener_handle_free(c->h);
        c->h = NULL;
        return;
    }
    uint64_t v = screener_handle_version(c->h);
    uint64_t want = c->what == 4 ? 2 : rc == SCREENER_OK ? 2 : 1;
    CHECK(v == want, "handle version %llu after %s (want %llu)", (unsigned long long)v,
          rc ? "a failure" : "success", (unsigned long long)want);
    /* the handle serves the old database after a failure, the new one after
     * a success (a signed load of db_a's file gives db_a's results too) */
    const ref *rf = (rc == SCREENER_OK && c->what != 3) || c->what == 4 ? ref_b : ref_a;
    if (c->what == 1 && rc == SCREENER_OK)
        rf = NULL; /* another dictionary: only check that scans work */
    for (size_t i = 0; i < N_TEXTS; i++) {
        const screener_result *r;
        OK(screener_handle_scan(c->h, c->s, texts[i], strlen(texts[i]), &r));
        CHECK(!rf || same(&rf[i], r), "handle scan %zu: wrong database after %s", i,
              rc ? "a failure" : "success");
        CHECK(r->db_version == want, "result version");
    }
    screener_db_free(c->pending);
    c->pending = NULL;
    screener_scratch_free(c->s);
    screener_handle_free(c->h);
    c->s = NULL;
    c->h = NULL;
}

/* ---- files and keys ----------------------------------------------------------- */

typedef struct file_ctx {
    int what; /* 0 save, 1 signed save, 2 keygen */
    screener_error *err;
} file_ctx;

static int run_file(void *p)
{
    file_ctx *c = p;
    char path[160];
    snprintf(path, sizeof path, "%s/out.scdb", dir);
    if (c->what == 0)
        return screener_db_save(db_a, path, &c->err);
    if (c->what == 1) {
        screener_key *k = NULL;
        int rc = screener_key_load(path_sec, SCREENER_KEY_SECRET, &k, &c->err);
        if (rc)
            return rc;
        rc = screener_db_save_signed(db_a, path, k, &c->err);
        screener_key_free(k);
        return rc;
    }
    char sec[160], pub[160];
    snprintf(sec, sizeof sec, "%s/g.sec", dir);
    snprintf(pub, sizeof pub, "%s/g.pub", dir);
    unlink(sec);
    unlink(pub);
    return screener_keygen(sec, pub, &c->err);
}

static void check_file(void *p, int rc)
{
    file_ctx *c = p;
    (void)rc;
    free_err(c->err);
    c->err = NULL;
}

/* ---- main ------------------------------------------------------------------------ */

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/screener-oom-XXXXXX");
    CHECK(mkdtemp(dir), "mkdtemp");
    snprintf(path_a, sizeof path_a, "%s/a.scdb", dir);
    snprintf(path_b, sizeof path_b, "%s/b.scdb", dir);
    snprintf(path_signed, sizeof path_signed, "%s/s.scdb", dir);
    snprintf(path_sec, sizeof path_sec, "%s/k.sec", dir);
    snprintf(path_pub, sizeof path_pub, "%s/k.pub", dir);
    snprintf(path_dict, sizeof path_dict, "%s/dict.txt", dir);
    FILE *f = fopen(path_dict, "wb");
    CHECK(f && fwrite(dict, 1, strlen(dict), f) == strlen(dict) && fclose(f) == 0, "dict file");

    screener_source sa = {.name = "mem.txt", .text = dict, .len = strlen(dict)};
    const char *db_text = "fuck\nclean\n";
    screener_source sb = {.name = "b.txt", .text = db_text, .len = strlen(db_text)};
    OK(screener_compile(NULL, &sa, 1, &db_a, NULL));
    OK(screener_compile(NULL, &sb, 1, &db_b, NULL));
    OK(screener_db_save(db_a, path_a, NULL));
    OK(screener_db_save(db_b, path_b, NULL));
    OK(screener_keygen(path_sec, path_pub, NULL));
    screener_key *k = NULL;
    OK(screener_key_load(path_sec, SCREENER_KEY_SECRET, &k, NULL));
    OK(screener_db_save_signed(db_a, path_signed, k, NULL));
    screener_key_free(k);
    make_refs(db_a, ref_a);
    make_refs(db_b, ref_b);

    size_t unit = strlen(texts[0]) + 1;
    long_len = 200 * 1024 / unit * unit;
    long_text = malloc(long_len);
    CHECK(long_text, "malloc");
    for (size_t off = 0; off < long_len; off += unit) {
        memcpy(long_text + off, texts[0], unit - 1);
        long_text[off + unit - 1] = '\n';
    }
    /* rule parts in the middle and at the end: NEAR carried by the windows,
     * AND NOT judged at the end of the text (or stream) */
    for (size_t off = long_len / unit / 2 * unit;; off = long_len - unit) {
        memset(long_text + off, ' ', unit - 1);
        memcpy(long_text + off, texts[4], strlen(texts[4]));
        if (off == long_len - unit)
            break;
    }
    screener_scratch *s = NULL;
    OK(screener_scratch_alloc(db_a, &s));
    const screener_result *r;
    OK(screener_scan(db_a, s, long_text, long_len, &r));
    take(&ref_long, r);
    screener_scratch_free(s);
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    screener_allocator a = {.struct_size = sizeof a,
                            .malloc = t_malloc,
                            .realloc = t_realloc,
                            .free = t_free};
    OK(screener_set_allocator(&a));
    setup();
    long long base = live;

    compile_ctx cc = {0};
    op compile_op = {"compile (text, table built)", NULL, run_compile, check_compile};
    if (!quick) {
        CHECK(setenv("SCREENER_FOLD_CACHE", "off", 1) == 0, "setenv");
        exhaust(&compile_op, &cc);
        CHECK(unsetenv("SCREENER_FOLD_CACHE") == 0, "unsetenv");
    }
    compile_op.name = "compile (text)";
    exhaust(&compile_op, &cc);
    cc.from_file = 1;
    compile_op.name = "compile (file)";
    exhaust(&compile_op, &cc);
    cc.from_file = 0;
    op lenient_op = {"compile (lenient, bad lines)", NULL, run_compile_lenient, check_compile};
    exhaust(&lenient_op, &cc);

    void *blob;
    size_t blob_len;
    OK(screener_db_serialize(db_a, &blob, &blob_len));
    load_ctx lc = {.blob = blob, .len = blob_len};
    op load_op = {"deserialize", NULL, run_load, check_load};
    exhaust(&load_op, &lc);
    lc.how = 1;
    load_op.name = "load";
    exhaust(&load_op, &lc);
    lc.how = 2;
    load_op.name = "signed load (key + load_ex)";
    exhaust(&load_op, &lc);
    screener_free(blob);

    static const char *scan_names[] = {"scratch alloc", "scan",  "batch",   "scan (long)",
                                       "mask",          "fold",  "clone",   "profile + scan"};
    for (int w = 0; w < 8; w++) {
        scan_ctx sc = {.what = w, .scratch_db = db_a};
        op scan_op = {scan_names[w], prepare_scan, run_scan, check_scan};
        exhaust(&scan_op, &sc);
    }
    scan_ctx refit = {.what = 1, .scratch_db = db_b};
    op refit_op = {"scan (scratch re-fit)", prepare_scan, run_scan, check_scan};
    exhaust(&refit_op, &refit);

    static stream_ctx stc;
    stc.text = texts[0];
    stc.len = strlen(texts[0]);
    stc.chunk = 1;
    op stream_op = {"stream (1-byte writes)", prepare_stream, run_stream, check_stream};
    exhaust(&stream_op, &stc);
    stc.chunk = 7;
    stream_op.name = "stream (7-byte writes)";
    exhaust(&stream_op, &stc);
    stc.text = long_text;
    stc.len = long_len;
    stc.chunk = 64 * 1024;
    stream_op.name = "stream (long, 64 KiB writes)";
    exhaust(&stream_op, &stc);
    stc.chunk = long_len;
    stream_op.name = "stream (long, one write)";
    exhaust(&stream_op, &stc);

    static const char *handle_names[] = {"handle load",        "handle compile",
                                         "handle swap",        "handle signed load",
                                         "handle scan (refit)", "handle new"};
    for (int w = 0; w < 6; w++) {
        handle_ctx hc = {.what = w};
        op handle_op = {handle_names[w], prepare_handle, run_handle, check_handle};
        exhaust(&handle_op, &hc);
    }

    static const char *file_names[] = {"save", "signed save", "keygen"};
    for (int w = 0; w < 3; w++) {
        file_ctx fc = {.what = w};
        op file_op = {file_names[w], NULL, run_file, check_file};
        exhaust(&file_op, &fc);
    }

    CHECK(live == base, "%lld allocations leaked overall", live - base);
    screener_db_free(db_a);
    screener_db_free(db_b);
    CHECK(live == 0, "%lld allocations still live after freeing everything", live);
    free(long_text);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    printf("oom: every allocation of every operation failed once: all NOMEM, no leak\n");
    return 0;
}
