/*
 * bench.c — the screener benchmark harness.
 *
 *   screener_bench run --engine E --corpus FILE --dict FILE [options]
 *       Measures ONE engine on one (corpus, dictionary) pair and writes one
 *       JSON object (--out FILE, default stdout). One process per engine, so
 *       the peak RSS (getrusage) is that engine's.
 *       Engines:
 *         screener  the library, public API only: compile, serialize, load,
 *                   whole-buffer scan, one screener_scan per message,
 *                   screener_scan_batch, latency, 1..T threads (scratch clones)
 *         hs        baseline (a): raw Hyperscan literal scan of the unnormalized
 *                   UTF-8 (hs_compile_lit_multi, one id per distinct term,
 *                   block mode, one hs_scan per message)
 *         paired    screener and `hs` in ONE process, their per-message and
 *                   batched passes alternated (ABBA), the ratios taken per
 *                   alternation (median, min, max): the targets' ratios, free
 *                   of one process landing in a noisy minute (run_paired)
 *         hs16      raw Hyperscan on the messages re-encoded to UTF-16LE up front
 *                   (not timed), no folding: screener's internal encoding alone
 *         hs16g     the same compiled for the generic platform (tune GENERIC,
 *                   cpu_features 0), as screener compiles its databases
 *         ac        baseline (c): plain byte Aho-Corasick (ac.c), no normalization
 *         icu       baseline (b): ICU string pipeline as the normalizer, per
 *                   message: UTF-8 -> UTF-16, unorm2 NFKC_Casefold, utrans
 *                   "Traditional-Simplified" (each step timed alone and together)
 *         fold      screener's own fold alone, via screener_fold_utf8 (includes
 *                   re-encoding to UTF-8 and a malloc per call)
 *         grep, rg  baseline (d): `grep -F -c -f DICT CORPUS` (LC_ALL=C) and
 *                   `rg -F -c -f DICT CORPUS`, whole process, wall time
 *       Options: --reps N (repetitions, median reported; default 5)
 *                --budget S (stop repeating a measurement after S seconds; 4)
 *                --threads T (default 2) --compile-reps N (default 1)
 *                --corpus-name X --dict-name Y --out FILE --progress
 *
 *   screener_bench check --corpus FILE --dict FILE
 *       Baseline agreement on plain (unnormalized ASCII/CJK) input: raw
 *       Hyperscan and Aho-Corasick must report the same (term, end offset)
 *       set, per message and on the whole buffer; screener must find every
 *       raw match of a Han-only term at the same end byte; grep -F / rg -F
 *       must count the same matching lines as Aho-Corasick. Then every engine
 *       is run once in miniature. Exit status 0 = all agree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hs.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include <screener.h>

#include "ac.h"

/* ------------------------------------------------------------------------ */
/* utilities                                                                */

static int g_progress;

/* Messages per batch call, for screener_scan_batch and raw Hyperscan batched. */
#define BATCH_MSGS 1000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, const char *a)
{
    fprintf(stderr, "screener_bench: ");
    fprintf(stderr, fmt, a);
    fprintf(stderr, "\n");
    exit(2);
}

static void progress(const char *what)
{
    if (g_progress) {
        fprintf(stderr, " %s", what);
        fflush(stderr);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static long rss_now_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}
static long rss_peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s", path);
    struct stat st;
    fstat(fileno(f), &st);
    char *b = malloc((size_t)st.st_size + 1);
    size_t n = fread(b, 1, (size_t)st.st_size, f);
    fclose(f);
    b[n] = 0;
    *len = n;
    return b;
}

typedef struct {
    const char *p;
    size_t n;
} span_t;

/* Lines of a buffer (without '\n' / '\r\n'); empty lines skipped. */
static span_t *split_lines(const char *buf, size_t len, size_t *n_out, size_t *bytes_out)
{
    size_t cap = 1024, n = 0, bytes = 0;
    span_t *v = malloc(cap * sizeof *v);
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t l = (size_t)(e - p);
        if (l && p[l - 1] == '\r')
            l--;
        if (l) {
            if (n == cap)
                v = realloc(v, (cap *= 2) * sizeof *v);
            v[n].p = p;
            v[n].n = l;
            bytes += l;
            n++;
        }
        p = nl ? nl + 1 : end;
    }
    *n_out = n;
    *bytes_out = bytes;
    return v;
}

/* ------------------------------------------------------------------------ */
/* JSON writer (just enough)                                                */

static FILE *J;
static int j_first = 1;
static void j_sep(void)
{
    if (!j_first)
        fputc(',', J);
    j_first = 0;
}
static void j_str(const char *s)
{
    fputc('"', J);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(J, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(J, "\\u%04x", *s);
        else
            fputc(*s, J);
    }
    fputc('"', J);
}
static void j_key(const char *k)
{
    j_sep();
    j_str(k);
    fputc(':', J);
}
static void j_num(const char *k, double v)
{
    j_key(k);
    if (isfinite(v))
        fprintf(J, "%.6g", v);
    else
        fputs("null", J);
}
static void j_int(const char *k, long long v)
{
    j_key(k);
    fprintf(J, "%lld", v);
}
static void j_s(const char *k, const char *v)
{
    j_key(k);
    j_str(v);
}
static void j_open(const char *k)
{
    if (k)
        j_key(k);
    else
        j_sep();
    fputc('{', J);
    j_first = 1;
}
static void j_close(void)
{
    fputc('}', J);
    j_first = 0;
}
static void j_arr_open(const char *k)
{
    j_key(k);
    fputc('[', J);
    j_first = 1;
}
static void j_arr_close(void)
{
    fputc(']', J);
    j_first = 0;
}

/* ------------------------------------------------------------------------ */
/* inputs                                                                   */

typedef struct {
    char *all;
    size_t all_len;
    span_t *msg;
    size_t n_msg, msg_bytes;
    char *dict_text;
    size_t dict_len;
    span_t *terms;
    size_t n_terms, term_bytes;
    const char *corpus_path, *dict_path;
} inputs;

static void load_inputs(inputs *in, const char *corpus, const char *dict)
{
    memset(in, 0, sizeof *in);
    in->corpus_path = corpus;
    in->dict_path = dict;
    in->all = read_file(corpus, &in->all_len);
    in->msg = split_lines(in->all, in->all_len, &in->n_msg, &in->msg_bytes);
    in->dict_text = read_file(dict, &in->dict_len);
    in->terms = split_lines(in->dict_text, in->dict_len, &in->n_terms, &in->term_bytes);
    if (!in->n_msg)
        die("no messages in %s", corpus);
    if (!in->n_terms)
        die("no terms in %s", dict);
}

/* ------------------------------------------------------------------------ */
/* engine interface                                                         */

typedef struct {
    const char *name;
    void *eng;
    void *(*tinit)(void *eng);                                      /* per-thread state */
    void (*tfree)(void *ts);
    size_t (*scan)(void *eng, void *ts, const char *p, size_t n); /* returns #matches */
} engine;

/* --- screener --- */
typedef struct {
    screener_db *db;
    screener_scratch *master;
} scr_eng;
static void *scr_tinit(void *e)
{
    screener_scratch *s = NULL;
    if (screener_scratch_clone(((scr_eng *)e)->master, &s) != SCREENER_OK)
        die("%s", "screener_scratch_clone failed");
    return s;
}
static void scr_tfree(void *ts) { screener_scratch_free(ts); }
static size_t scr_scan(void *e, void *ts, const char *p, size_t n)
{
    const screener_result *r = NULL;
    int rc = screener_scan(((scr_eng *)e)->db, ts, p, n, &r);
    if (rc != SCREENER_OK)
        die("screener_scan: %s", screener_strerror(rc));
    return r->n_matches;
}

/* --- raw Hyperscan --- */
typedef struct {
    hs_database_t *db;
    hs_scratch_t *master;
} hs_eng;
static void *hs_tinit(void *e)
{
    hs_scratch_t *s = NULL;
    if (hs_clone_scratch(((hs_eng *)e)->master, &s) != HS_SUCCESS)
        die("%s", "hs_clone_scratch failed");
    return s;
}
static void hs_tfree(void *ts) { hs_free_scratch(ts); }
static int hs_count_cb(unsigned int id, unsigned long long from, unsigned long long to,
                       unsigned int flags, void *ctx)
{
    (void)id, (void)from, (void)to, (void)flags;
    (*(size_t *)ctx)++;
    return 0;
}
static size_t hs_scan_one(void *e, void *ts, const char *p, size_t n)
{
    size_t c = 0;
    hs_error_t he = hs_scan(((hs_eng *)e)->db, p, (unsigned)n, 0, ts, hs_count_cb, &c);
    if (he != HS_SUCCESS)
        die("hs_scan failed%s", "");
    return c;
}
static hs_database_t *hs_build(const inputs *in, double *secs)
{
    const char **pats = malloc(in->n_terms * sizeof *pats);
    size_t *lens = malloc(in->n_terms * sizeof *lens);
    unsigned *ids = malloc(in->n_terms * sizeof *ids), *flags = calloc(in->n_terms, sizeof *flags);
    for (size_t i = 0; i < in->n_terms; i++) {
        pats[i] = in->terms[i].p;
        lens[i] = in->terms[i].n;
        ids[i] = (unsigned)i;
    }
    hs_database_t *db = NULL;
    hs_compile_error_t *ce = NULL;
    double t0 = now_s();
    if (hs_compile_lit_multi(pats, flags, ids, lens, (unsigned)in->n_terms, HS_MODE_BLOCK, NULL,
                             &db, &ce) != HS_SUCCESS)
        die("hs_compile_lit_multi: %s", ce ? ce->message : "?");
    *secs = now_s() - t0;
    free(pats), free(lens), free(ids), free(flags);
    return db;
}

/* --- Aho-Corasick --- */
static void *ac_tinit(void *e) { (void)e; return NULL; }
static void ac_tfree(void *ts) { (void)ts; }
static size_t ac_scan_one(void *e, void *ts, const char *p, size_t n)
{
    (void)ts;
    return ac_scan(e, p, n, NULL, NULL);
}
static ac *ac_make(const inputs *in, double *secs)
{
    const char **pats = malloc(in->n_terms * sizeof *pats);
    size_t *lens = malloc(in->n_terms * sizeof *lens);
    for (size_t i = 0; i < in->n_terms; i++) {
        pats[i] = in->terms[i].p;
        lens[i] = in->terms[i].n;
    }
    double t0 = now_s();
    ac *a = ac_build(pats, lens, in->n_terms);
    *secs = now_s() - t0;
    free(pats), free(lens);
    return a;
}

/* --- ICU normalizer --- */
typedef struct {
    int steps; /* 1 = NFKC_Casefold, 2 = Traditional-Simplified, 3 = both */
    const UNormalizer2 *nfkc;
    UTransliterator *t2s; /* not thread-safe: this engine runs single-threaded */
} icu_eng;
typedef struct {
    UChar *a, *b;
    int32_t cap;
} icu_ts;
static void *icu_tinit(void *e)
{
    (void)e;
    icu_ts *t = calloc(1, sizeof *t);
    t->cap = 1 << 16;
    t->a = malloc(t->cap * sizeof(UChar));
    t->b = malloc(t->cap * sizeof(UChar));
    return t;
}
static void icu_tfree(void *ts)
{
    icu_ts *t = ts;
    free(t->a), free(t->b), free(t);
}
static size_t icu_norm(void *e, void *tsv, const char *p, size_t n)
{
    icu_eng *E = e;
    icu_ts *t = tsv;
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = (int32_t)n * 4 + 16;
    if (need > t->cap) {
        t->cap = need;
        t->a = realloc(t->a, t->cap * sizeof(UChar));
        t->b = realloc(t->b, t->cap * sizeof(UChar));
    }
    int32_t len = 0;
    u_strFromUTF8WithSub(t->a, t->cap, &len, p, (int32_t)n, 0xFFFD, NULL, &st);
    UChar *cur = t->a;
    if (E->steps & 1) {
        len = unorm2_normalize(E->nfkc, t->a, len, t->b, t->cap, &st);
        cur = t->b;
    }
    if (E->steps & 2) {
        int32_t limit = len;
        utrans_transUChars(E->t2s, cur, &len, t->cap, 0, &limit, &st);
    }
    if (U_FAILURE(st))
        die("ICU failed: %s", u_errorName(st));
    return (size_t)len;
}

/* --- screener fold alone --- */
static void *nop_tinit(void *e) { (void)e; return NULL; }
static void nop_tfree(void *ts) { (void)ts; }
static size_t fold_one(void *e, void *ts, const char *p, size_t n)
{
    (void)ts;
    char *o = NULL;
    size_t ol = 0;
    if (screener_fold_utf8(e, p, n, &o, &ol) != SCREENER_OK)
        die("%s", "screener_fold_utf8 failed");
    free(o);
    return ol;
}

/* --- raw Hyperscan on UTF-16LE (no folding): the encoding effect alone --- */
typedef struct {
    hs_database_t *db;
    hs_scratch_t *master;
    uint32_t *bytes;  /* encoded length of each term */
    uint8_t *stripped; /* leading NUL byte removed (Vectorscan rejects it) */
} hs16_eng;
typedef struct {
    const hs16_eng *e;
    const uint8_t *text;
    size_t n;
} hs16_ctx;
static size_t to_utf16le(const char *s, size_t n, uint8_t *o)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        unsigned char b = p[i];
        if (b < 0x80) c = b, i += 1;
        else if (b < 0xE0 && i + 1 < n) c = ((b & 31u) << 6) | (p[i + 1] & 63u), i += 2;
        else if (b < 0xF0 && i + 2 < n) c = ((b & 15u) << 12) | ((p[i + 1] & 63u) << 6) | (p[i + 2] & 63u), i += 3;
        else if (i + 3 < n) c = ((b & 7u) << 18) | ((p[i + 1] & 63u) << 12) | ((p[i + 2] & 63u) << 6) | (p[i + 3] & 63u), i += 4;
        else c = 0xFFFD, i += 1;
        if (c > 0xFFFF) {
            c -= 0x10000;
            uint32_t hi = 0xD800 | (c >> 10), lo = 0xDC00 | (c & 0x3FF);
            o[w++] = hi & 0xFF, o[w++] = (uint8_t)(hi >> 8), o[w++] = lo & 0xFF, o[w++] = (uint8_t)(lo >> 8);
        } else {
            o[w++] = c & 0xFF, o[w++] = (uint8_t)(c >> 8);
        }
    }
    return w;
}
static int hs16_cb(unsigned int id, unsigned long long from, unsigned long long to,
                   unsigned int flags, void *ctx)
{
    (void)from, (void)flags;
    hs16_ctx *c = ctx;
    unsigned long long len = c->e->bytes[id];
    if (to < len || ((to - len) & 1) || (c->e->stripped[id] && c->text[to - len] != 0))
        return 0;
    c->n++;
    return 0;
}
static void *hs16_tinit(void *e)
{
    hs_scratch_t *s = NULL;
    if (hs_clone_scratch(((hs16_eng *)e)->master, &s) != HS_SUCCESS)
        die("%s", "hs_clone_scratch failed");
    return s;
}
static size_t hs16_scan_one(void *e, void *ts, const char *p, size_t n)
{
    hs16_ctx c = {e, (const uint8_t *)p, 0};
    if (hs_scan(((hs16_eng *)e)->db, p, (unsigned)n, 0, ts, hs16_cb, &c) != HS_SUCCESS)
        die("hs_scan failed%s", "");
    return c.n;
}

/* ------------------------------------------------------------------------ */
/* generic measurements                                                     */

typedef struct {
    int reps;
    double budget;
    int threads;
    int compile_reps;
} opts;

static double measure_whole(const engine *E, const inputs *in, const opts *o, size_t *matches)
{
    void *ts = E->tinit(E->eng);
    double v[64];
    int k = 0;
    double start = now_s();
    E->scan(E->eng, ts, in->all, in->all_len); /* warm-up */
    do {
        double t0 = now_s();
        *matches = E->scan(E->eng, ts, in->all, in->all_len);
        v[k++] = now_s() - t0;
    } while (k < o->reps && k < 64 && now_s() - start < o->budget);
    E->tfree(ts);
    return median(v, (size_t)k);
}

static size_t permsg_pass(const engine *E, void *ts, const span_t *m, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += E->scan(E->eng, ts, m[i].p, m[i].n);
    return c;
}

static double measure_permsg(const engine *E, const span_t *m, size_t n, const opts *o,
                             size_t *matches)
{
    void *ts = E->tinit(E->eng);
    double v[64];
    int k = 0;
    double start = now_s();
    permsg_pass(E, ts, m, n); /* warm-up */
    do {
        double t0 = now_s();
        *matches = permsg_pass(E, ts, m, n);
        v[k++] = now_s() - t0;
    } while (k < o->reps && k < 64 && now_s() - start < o->budget);
    E->tfree(ts);
    return median(v, (size_t)k);
}

/* Latency of one call per message, nanoseconds (includes ~20-30 ns of
 * clock_gettime). Three passes; each percentile is the median over passes. */
#define N_Q 7
static const double QS[N_Q] = {0.5, 0.9, 0.99, 0.999, 0.0, 0.1, 1.0};
#define N_CURVE 41
typedef struct {
    double q[N_Q];
    double curve_q[N_CURVE], curve_ns[N_CURVE];
} lat_t;
static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}
static double pct(const uint32_t *s, size_t n, double q)
{
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return s[i < n ? i : n - 1];
}
static void curve_points(double *cq)
{
    /* from 0 to 0.9999 with more points in the tail: q = 1 - 10^-x */
    for (int i = 0; i < N_CURVE; i++) {
        double x = 4.0 * i / (N_CURVE - 1);
        cq[i] = 1.0 - pow(10.0, -x);
    }
}
static void measure_latency(const engine *E, const span_t *m, size_t n, lat_t *L)
{
    uint32_t *ns = malloc(n * sizeof *ns);
    void *ts = E->tinit(E->eng);
    double qv[N_Q][3], cv[N_CURVE][3];
    curve_points(L->curve_q);
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < n; i++) {
            uint64_t t0 = now_ns();
            E->scan(E->eng, ts, m[i].p, m[i].n);
            uint64_t d = now_ns() - t0;
            ns[i] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
        }
        qsort(ns, n, sizeof *ns, cmp_u32);
        for (int q = 0; q < N_Q; q++)
            qv[q][pass] = pct(ns, n, QS[q]);
        for (int c = 0; c < N_CURVE; c++)
            cv[c][pass] = pct(ns, n, L->curve_q[c]);
    }
    for (int q = 0; q < N_Q; q++)
        L->q[q] = median(qv[q], 3);
    for (int c = 0; c < N_CURVE; c++)
        L->curve_ns[c] = median(cv[c], 3);
    E->tfree(ts);
    free(ns);
}

/* Threads: each thread has its own state (scratch clone) and scans its share
 * of the messages (split by bytes) `passes` times; wall time from a common
 * start barrier to the last join. */
typedef struct {
    const engine *E;
    const span_t *m;
    size_t n;
    int passes;
    pthread_barrier_t *bar;
    void *ts;
} thr_arg;
static void *thr_main(void *p)
{
    thr_arg *a = p;
    pthread_barrier_wait(a->bar);
    for (int k = 0; k < a->passes; k++)
        permsg_pass(a->E, a->ts, a->m, a->n);
    return NULL;
}
static double run_threads(const engine *E, const span_t *m, size_t n, size_t bytes, int T,
                          int passes)
{
    pthread_t th[64];
    thr_arg args[64];
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, (unsigned)T + 1);
    size_t start = 0, acc = 0;
    for (int t = 0; t < T; t++) {
        size_t target = bytes * (size_t)(t + 1) / (size_t)T, end = start;
        while (end < n && (acc < target || t == T - 1)) {
            acc += m[end].n;
            end++;
        }
        args[t] = (thr_arg){E, m + start, end - start, passes, &bar, E->tinit(E->eng)};
        start = end;
        pthread_create(&th[t], NULL, thr_main, &args[t]);
    }
    pthread_barrier_wait(&bar);
    double t0 = now_s();
    for (int t = 0; t < T; t++)
        pthread_join(th[t], NULL);
    double dt = now_s() - t0;
    for (int t = 0; t < T; t++)
        E->tfree(args[t].ts);
    pthread_barrier_destroy(&bar);
    return dt;
}

static void measure_and_emit_scans(const engine *E, const inputs *in, const opts *o,
                                   int whole, int threads)
{
    size_t matches = 0;
    if (whole) {
        progress("whole");
        double s = measure_whole(E, in, o, &matches);
        j_open("whole");
        j_num("s", s);
        j_num("mbps", (double)in->all_len / s / 1e6);
        j_int("matches", (long long)matches);
        j_close();
    }
    progress("per-message");
    double s = measure_permsg(E, in->msg, in->n_msg, o, &matches);
    j_open("permsg");
    j_num("s", s);
    j_num("mbps", (double)in->msg_bytes / s / 1e6);
    j_num("msgs_per_s", (double)in->n_msg / s);
    j_num("ns_per_msg", s * 1e9 / (double)in->n_msg);
    j_int("matches", (long long)matches);
    j_close();

    progress("latency");
    lat_t L;
    measure_latency(E, in->msg, in->n_msg, &L);
    j_open("latency_ns");
    j_num("p50", L.q[0]);
    j_num("p90", L.q[1]);
    j_num("p99", L.q[2]);
    j_num("p999", L.q[3]);
    j_num("min", L.q[4]);
    j_num("p10", L.q[5]);
    j_num("max", L.q[6]);
    j_arr_open("curve");
    for (int c = 0; c < N_CURVE; c++) {
        j_sep();
        fprintf(J, "[%.6g,%.6g]", L.curve_q[c], L.curve_ns[c]);
    }
    j_arr_close();
    j_close();

    if (threads) {
        progress("threads");
        int passes = (int)ceil(0.4 / (s > 1e-6 ? s : 1e-6));
        if (passes < 1)
            passes = 1;
        if (passes > 1000)
            passes = 1000;
        j_arr_open("threads");
        for (int T = 1; T <= o->threads; T++) {
            double v[16];
            int k = 0;
            double start = now_s();
            do {
                v[k++] = run_threads(E, in->msg, in->n_msg, in->msg_bytes, T, passes);
            } while (k < o->reps && k < 16 && now_s() - start < o->budget * 2);
            double med = median(v, (size_t)k);
            j_open(NULL);
            j_int("threads", T);
            j_int("passes", passes);
            j_num("s", med);
            j_num("mbps", (double)in->msg_bytes * passes / med / 1e6);
            j_num("msgs_per_s", (double)in->n_msg * passes / med);
            j_close();
        }
        j_arr_close();
    }
}

/* ------------------------------------------------------------------------ */
/* engines                                                                  */

/* One batch call over messages [i, end) of in; returns the matches. */
typedef size_t (*batch_fn)(void *ctx, const inputs *in, size_t i, size_t end);

/* One pass over all messages, `step` of them a call of fn: seconds, and the
 * matches in *matches. */
static double pass_secs(batch_fn fn, void *ctx, const inputs *in, size_t step, size_t *matches)
{
    size_t c = 0;
    double t0 = now_s();
    for (size_t i = 0; i < in->n_msg; i += step)
        c += fn(ctx, in, i, in->n_msg - i < step ? in->n_msg : i + step);
    *matches = c;
    return now_s() - t0;
}

/* Time passes over all messages in batches of BATCH_MSGS (a warm-up pass,
 * then up to o->reps within the budget) and emit the "batch" object. */
static void measure_and_emit_batches(batch_fn fn, void *ctx, const inputs *in, const opts *o)
{
    progress("batch");
    double bv[64];
    size_t matches = 0;
    int k = 0;
    double start = now_s();
    for (int pass = -1; pass < o->reps && pass < 63 && now_s() - start < o->budget; pass++) {
        double s = pass_secs(fn, ctx, in, BATCH_MSGS, &matches);
        if (pass >= 0)
            bv[k++] = s;
    }
    double bs = median(bv, (size_t)k);
    j_open("batch");
    j_int("batch_size", BATCH_MSGS);
    j_num("s", bs);
    j_num("mbps", (double)in->msg_bytes / bs / 1e6);
    j_num("msgs_per_s", (double)in->n_msg / bs);
    j_int("matches", (long long)matches);
    j_close();
}

typedef struct scr_batch {
    screener_db *db;
    screener_scratch *scratch;
    const screener_message *msgs;
} scr_batch;

static size_t scr_batch_pass(void *ctx, const inputs *in, size_t i, size_t end)
{
    (void)in;
    scr_batch *sb = ctx;
    const screener_result *r = NULL;
    if (screener_scan_batch(sb->db, sb->scratch, sb->msgs + i, end - i, &r) != SCREENER_OK)
        die("%s", "screener_scan_batch failed");
    size_t c = 0;
    for (size_t j = 0; j < end - i; j++)
        c += r[j].n_matches;
    return c;
}

static screener_db *scr_compile(const inputs *in, double *secs, int reps)
{
    screener_source src = {.path = in->dict_path};
    screener_db *db = NULL;
    double v[16];
    if (reps < 1)
        reps = 1;
    for (int r = 0; r < reps && r < 16; r++) {
        screener_error *err = NULL;
        screener_db_free(db);
        db = NULL;
        double t0 = now_s();
        int rc = screener_compile(NULL, &src, 1, &db, &err);
        v[r] = now_s() - t0;
        if (rc != SCREENER_OK) {
            fprintf(stderr, "screener_bench: screener_compile: %s\n",
                    err ? screener_error_message(err) : screener_strerror(rc));
            exit(2);
        }
    }
    *secs = median(v, (size_t)(reps < 16 ? reps : 16));
    return db;
}

static void run_screener(const inputs *in, const opts *o)
{
    progress("compile");
    double cs;
    screener_db *db = scr_compile(in, &cs, o->compile_reps);
    long rss_compiled = rss_peak_kb();
    void *blob = NULL;
    size_t blob_len = 0;
    if (screener_db_serialize(db, &blob, &blob_len) != SCREENER_OK)
        die("%s", "screener_db_serialize failed");
    progress("load");
    double lv[32];
    int k = 0;
    double start = now_s();
    do {
        screener_db *d2 = NULL;
        double t0 = now_s();
        if (screener_db_deserialize(blob, blob_len, &d2, NULL) != SCREENER_OK)
            die("%s", "screener_db_deserialize failed");
        lv[k++] = now_s() - t0;
        screener_db_free(d2);
    } while (k < 10 && now_s() - start < o->budget);
    double load = median(lv, (size_t)k);
    free(blob);
    scr_eng se = {db, NULL};
    double t0 = now_s();
    screener_scratch_alloc(db, &se.master);
    double scratch_s = now_s() - t0;
    j_num("compile_s", cs);
    j_int("compile_reps", o->compile_reps);
    j_int("db_bytes", (long long)blob_len);
    j_num("load_ms", load * 1e3);
    j_num("scratch_alloc_ms", scratch_s * 1e3);
    j_int("entries", screener_db_entry_count(db));
    j_int("rss_after_compile_kb", rss_compiled);
    engine E = {"screener", &se, scr_tinit, scr_tfree, scr_scan};
    measure_and_emit_scans(&E, in, o, 1, 1);

    /* screener_scan_batch, BATCH_MSGS messages a call */
    screener_message *bm = malloc(in->n_msg * sizeof *bm);
    for (size_t i = 0; i < in->n_msg; i++)
        bm[i] = (screener_message){in->msg[i].p, in->msg[i].n};
    scr_batch sb = {db, se.master, bm};
    measure_and_emit_batches(scr_batch_pass, &sb, in, o);
    free(bm);
    screener_scratch_free(se.master);
    screener_db_free(db);
}

/* Raw Hyperscan batched as issue 13 describes it: BATCH_MSGS messages copied
 * back to back with a '\n' between them (no term holds one: terms and
 * messages are lines, so no match can cross a message), one hs_scan per
 * batch. The copy is timed: a caller holding separate messages has to make
 * it. Matches are counted, not attributed to messages. */
typedef struct hs_batch {
    hs_eng *he;
    char *buf; /* room for every message and its separator */
} hs_batch;

static size_t hs_batch_pass(void *ctx, const inputs *in, size_t i, size_t end)
{
    hs_batch *hb = ctx;
    size_t c = 0, w = 0;
    for (size_t j = i; j < end; j++) {
        memcpy(hb->buf + w, in->msg[j].p, in->msg[j].n);
        w += in->msg[j].n;
        hb->buf[w++] = '\n';
    }
    if (hs_scan(hb->he->db, hb->buf, (unsigned)w, 0, hb->he->master, hs_count_cb, &c) !=
        HS_SUCCESS)
        die("hs_scan failed%s", "");
    return c;
}

static void run_hs(const inputs *in, const opts *o)
{
    progress("compile");
    double cv[16], cs;
    hs_database_t *db = NULL;
    int reps = o->compile_reps < 1 ? 1 : o->compile_reps > 16 ? 16 : o->compile_reps;
    for (int r = 0; r < reps; r++) {
        hs_free_database(db);
        db = hs_build(in, &cv[r]);
    }
    cs = median(cv, (size_t)reps);
    long rss_compiled = rss_peak_kb();
    char *blob = NULL;
    size_t blob_len = 0, db_size = 0;
    hs_serialize_database(db, &blob, &blob_len);
    hs_database_size(db, &db_size);
    progress("load");
    double lv[32];
    int k = 0;
    double start = now_s();
    do {
        hs_database_t *d2 = NULL;
        double t0 = now_s();
        if (hs_deserialize_database(blob, blob_len, &d2) != HS_SUCCESS)
            die("%s", "hs_deserialize_database failed");
        lv[k++] = now_s() - t0;
        hs_free_database(d2);
    } while (k < 10 && now_s() - start < o->budget);
    free(blob);
    hs_eng he = {db, NULL};
    double t0 = now_s();
    hs_alloc_scratch(db, &he.master);
    double scratch_s = now_s() - t0;
    j_num("compile_s", cs);
    j_int("compile_reps", reps);
    j_int("db_bytes", (long long)blob_len);
    j_int("db_mem_bytes", (long long)db_size);
    j_num("load_ms", median(lv, (size_t)k) * 1e3);
    j_num("scratch_alloc_ms", scratch_s * 1e3);
    j_int("rss_after_compile_kb", rss_compiled);
    engine E = {"hs", &he, hs_tinit, hs_tfree, hs_scan_one};
    measure_and_emit_scans(&E, in, o, 1, 1);
    hs_batch hb = {&he, malloc(in->msg_bytes + in->n_msg + 1)};
    if (!hb.buf)
        die("%s", "out of memory");
    measure_and_emit_batches(hs_batch_pass, &hb, in, o);
    free(hb.buf);
    hs_free_scratch(he.master);
    hs_free_database(db);
}

/* Paired: screener and raw Hyperscan in ONE process, their passes
 * alternated (ABBA: screener first on even alternations, Hyperscan first on
 * odd ones), a ratio taken per alternation and the median of those ratios
 * reported (each timed pass right after an untimed one of the same engine:
 * warm caches, as in a process running one engine). On a shared machine a
 * neighbour's burst slows both passes of one
 * alternation, not one engine's whole run: three separate-process runs of the
 * same code differed by up to 0.2 in the per-process ratios (bench/RESULTS.md,
 * 2026-12-02), the paired ones are what the targets read (report.py). */
#define PAIR_MAX 31
typedef struct {
    const engine *E;
    void *ts;
} permsg_ctx;
static size_t permsg_fn(void *ctx, const inputs *in, size_t i, size_t end)
{
    permsg_ctx *pc = ctx;
    return permsg_pass(pc->E, pc->ts, in->msg + i, end - i);
}

static void emit_spread(const char *k, double *v, int n)
{
    double med = median(v, (size_t)n); /* sorts v */
    j_open(k);
    j_num("median", med);
    j_num("min", v[0]);
    j_num("max", v[n - 1]);
    j_close();
}

static void run_paired(const inputs *in, const opts *o)
{
    progress("compile");
    double cs, hcs;
    screener_db *sdb = scr_compile(in, &cs, 1);
    hs_database_t *hdb = hs_build(in, &hcs);
    scr_eng se = {sdb, NULL};
    hs_eng he = {hdb, NULL};
    if (screener_scratch_alloc(sdb, &se.master) != SCREENER_OK ||
        hs_alloc_scratch(hdb, &he.master) != HS_SUCCESS)
        die("%s", "scratch allocation failed");
    engine SE = {"screener", &se, scr_tinit, scr_tfree, scr_scan};
    engine HE = {"hs", &he, hs_tinit, hs_tfree, hs_scan_one};
    permsg_ctx sp = {&SE, se.master}, hp = {&HE, he.master};
    screener_message *bm = malloc(in->n_msg * sizeof *bm);
    hs_batch hb = {&he, malloc(in->msg_bytes + in->n_msg + 1)};
    if (!bm || !hb.buf)
        die("%s", "out of memory");
    for (size_t i = 0; i < in->n_msg; i++)
        bm[i] = (screener_message){in->msg[i].p, in->msg[i].n};
    scr_batch sb = {sdb, se.master, bm};
    /* the four passes of an alternation: per message, then batched */
    struct {
        batch_fn fn;
        void *ctx;
        size_t step;
    } P[4] = {{permsg_fn, &sp, in->n_msg}, {permsg_fn, &hp, in->n_msg},
              {scr_batch_pass, &sb, BATCH_MSGS}, {hs_batch_pass, &hb, BATCH_MSGS}};
    double t[4][PAIR_MAX], r_msg[PAIR_MAX], r_batch_msg[PAIR_MAX], r_batch[PAIR_MAX];
    size_t m[4];
    progress("paired");
    for (int e = 0; e < 4; e++) /* warm-up */
        pass_secs(P[e].fn, P[e].ctx, in, P[e].step, &m[e]);
    if (m[0] != m[2])
        die("%s", "screener_scan_batch found a different number of matches than screener_scan");
    int k = 0, want = 2 * o->reps + 1 > PAIR_MAX ? PAIR_MAX : 2 * o->reps + 1;
    double start = now_s();
    while (k < want && (k < 3 || now_s() - start < 2 * o->budget)) {
        for (int j = 0; j < 4; j++) {
            int e = k % 2 ? (j ^ 1) : j; /* ABBA within each pair of passes */
            /* an untimed pass first: the other engine's pass evicted this
             * one's tables from the caches, which a process running one
             * engine does not see (timed cold, both chat passes at 10k
             * terms ran ~1.45x slower than in their own processes) */
            pass_secs(P[e].fn, P[e].ctx, in, P[e].step, &m[e]);
            t[e][k] = pass_secs(P[e].fn, P[e].ctx, in, P[e].step, &m[e]);
        }
        r_msg[k] = t[1][k] / t[0][k];
        r_batch_msg[k] = t[1][k] / t[2][k];
        r_batch[k] = t[3][k] / t[2][k];
        k++;
    }
    j_num("compile_s", cs);
    j_num("hs_compile_s", hcs);
    j_open("paired");
    j_int("alternations", k);
    j_int("batch_size", BATCH_MSGS);
    j_int("screener_matches", (long long)m[0]);
    j_int("hs_matches", (long long)m[1]);
    const char *names[4] = {"screener_permsg_s", "hs_permsg_s", "screener_batch_s", "hs_batch_s"};
    for (int e = 0; e < 4; e++)
        emit_spread(names[e], t[e], k);
    emit_spread("permsg_ratio", r_msg, k);             /* screener ÷ raw HS, per message */
    emit_spread("batch_vs_permsg_ratio", r_batch_msg, k); /* screener batch ÷ raw HS per message */
    emit_spread("batch_ratio", r_batch, k);            /* screener batch ÷ raw HS batched */
    j_close();
    free(bm);
    free(hb.buf);
    screener_scratch_free(se.master);
    hs_free_scratch(he.master);
    screener_db_free(sdb);
    hs_free_database(hdb);
}

/* The messages are re-encoded up front (not timed): this measures the scan
 * of a 2-byte-per-BMP-character stream, screener's internal encoding, with
 * the alignment check screener does, but without folding or span mapping. */
static void run_hs16(const inputs *in, const opts *o, int generic)
{
    hs_platform_info_t plat = {.tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = 0};
    progress("encode");
    hs16_eng he = {0};
    he.bytes = malloc(in->n_terms * sizeof(uint32_t));
    he.stripped = calloc(in->n_terms, 1);
    const char **pats = malloc(in->n_terms * sizeof *pats);
    size_t *lens = malloc(in->n_terms * sizeof *lens);
    unsigned *ids = malloc(in->n_terms * sizeof *ids), *flags = calloc(in->n_terms, sizeof *flags);
    uint8_t *tb = malloc(in->term_bytes * 2 + in->n_terms * 4 + 16);
    size_t w = 0;
    for (size_t i = 0; i < in->n_terms; i++) {
        size_t l = to_utf16le(in->terms[i].p, in->terms[i].n, tb + w);
        he.bytes[i] = (uint32_t)l;
        pats[i] = (const char *)tb + w;
        lens[i] = l;
        if (l > 1 && tb[w] == 0) {
            pats[i]++;
            lens[i]--;
            he.stripped[i] = 1;
        }
        ids[i] = (unsigned)i;
        w += l;
    }
    progress("compile");
    hs_compile_error_t *ce = NULL;
    double t0 = now_s();
    if (hs_compile_lit_multi(pats, flags, ids, lens, (unsigned)in->n_terms, HS_MODE_BLOCK,
                             generic ? &plat : NULL, &he.db, &ce) != HS_SUCCESS)
        die("hs_compile_lit_multi: %s", ce ? ce->message : "?");
    double cs = now_s() - t0;
    j_s("platform", generic ? "generic (tune GENERIC, cpu_features 0, as screener compiles)" : "native");
    hs_alloc_scratch(he.db, &he.master);
    size_t db_size = 0;
    hs_database_size(he.db, &db_size);
    /* encoded copy of the inputs; MB/s still counts ORIGINAL bytes */
    inputs enc = *in;
    uint8_t *all = malloc(in->all_len * 2 + 16);
    enc.all_len = to_utf16le(in->all, in->all_len, all);
    enc.all = (char *)all;
    enc.msg = malloc(in->n_msg * sizeof(span_t));
    uint8_t *mb = malloc(in->msg_bytes * 2 + 16);
    w = 0;
    for (size_t i = 0; i < in->n_msg; i++) {
        size_t l = to_utf16le(in->msg[i].p, in->msg[i].n, mb + w);
        enc.msg[i].p = (const char *)mb + w;
        enc.msg[i].n = l;
        w += l;
    }
    size_t enc_all = enc.all_len;
    j_num("compile_s", cs);
    j_int("db_mem_bytes", (long long)db_size);
    j_int("encoded_bytes", (long long)enc_all);
    engine E = {"hs16", &he, hs16_tinit, hs_tfree, hs16_scan_one};
    /* whole buffer: scan the encoded buffer, report per original byte */
    size_t matches = 0;
    progress("whole");
    double ws = measure_whole(&E, &enc, o, &matches);
    j_open("whole");
    j_num("s", ws);
    j_num("mbps", (double)in->all_len / ws / 1e6);
    j_int("matches", (long long)matches);
    j_close();
    enc.all_len = in->all_len; /* (not used below) */
    enc.msg_bytes = in->msg_bytes;
    measure_and_emit_scans(&E, &enc, o, 0, 1);
    hs_free_scratch(he.master);
    hs_free_database(he.db);
}

static void run_ac(const inputs *in, const opts *o)
{
    progress("build");
    double bs;
    ac *a = ac_make(in, &bs);
    j_num("compile_s", bs);
    j_int("states", (long long)ac_states(a));
    j_int("memory_bytes", (long long)ac_memory(a));
    engine E = {"ac", a, ac_tinit, ac_tfree, ac_scan_one};
    measure_and_emit_scans(&E, in, o, 1, 1);
    ac_free(a);
}

static void run_icu(const inputs *in, const opts *o)
{
    UErrorCode st = U_ZERO_ERROR;
    icu_eng ie = {0, unorm2_getNFKCCasefoldInstance(&st), NULL};
    UChar id[64];
    u_uastrcpy(id, "Traditional-Simplified");
    ie.t2s = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st))
        die("ICU open: %s", u_errorName(st));
    static const char *names[4] = {NULL, "nfkc_cf", "trad_simp", "nfkc_cf+trad_simp"};
    for (int steps = 1; steps <= 3; steps++) {
        ie.steps = steps;
        progress(names[steps]);
        engine E = {"icu", &ie, icu_tinit, icu_tfree, icu_norm};
        size_t outlen = 0;
        opts o2 = *o;
        double s = measure_permsg(&E, in->msg, in->n_msg, &o2, &outlen);
        j_open(names[steps]);
        j_num("s", s);
        j_num("mbps", (double)in->msg_bytes / s / 1e6);
        j_num("msgs_per_s", (double)in->n_msg / s);
        j_int("out_units", (long long)outlen);
        j_close();
    }
    utrans_close(ie.t2s);
}

static void run_fold(const inputs *in, const opts *o)
{
    double cs;
    screener_db *db = scr_compile(in, &cs, 1);
    engine E = {"fold", db, nop_tinit, nop_tfree, fold_one};
    size_t outlen = 0;
    progress("fold");
    double s = measure_permsg(&E, in->msg, in->n_msg, o, &outlen);
    j_open("fold_utf8");
    j_num("s", s);
    j_num("mbps", (double)in->msg_bytes / s / 1e6);
    j_num("msgs_per_s", (double)in->n_msg / s);
    j_int("out_bytes", (long long)outlen);
    j_close();
    /* The end-to-end scan of the same messages, for the fold's share. */
    scr_eng se = {db, NULL};
    screener_scratch_alloc(db, &se.master);
    engine S = {"screener", &se, scr_tinit, scr_tfree, scr_scan};
    size_t m = 0;
    s = measure_permsg(&S, in->msg, in->n_msg, o, &m);
    j_open("scan_same_db");
    j_num("mbps", (double)in->msg_bytes / s / 1e6);
    j_close();
    screener_scratch_free(se.master);
    screener_db_free(db);
}

/* grep / rg as whole processes. Returns wall seconds, <0 on failure/timeout. */
static double run_tool(char *const argv[], long long *count, long *maxrss_kb, double timeout)
{
    int pfd[2];
    if (pipe(pfd))
        return -1;
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        int dn = open("/dev/null", O_WRONLY);
        if (dn >= 0)
            dup2(dn, 2);
        setenv("LC_ALL", "C", 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(pfd[1]);
    char buf[256];
    size_t got = 0;
    ssize_t r;
    /* read with timeout via poll-less loop: the output is one number */
    fcntl(pfd[0], F_SETFL, O_NONBLOCK);
    int status = 0;
    struct rusage ru;
    for (;;) {
        r = read(pfd[0], buf + got, sizeof buf - 1 - got);
        if (r > 0)
            got += (size_t)r;
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w == pid)
            break;
        if (now_s() - t0 > timeout) {
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &ru);
            close(pfd[0]);
            return -2;
        }
        usleep(200);
    }
    double dt = now_s() - t0;
    while ((r = read(pfd[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)r;
    close(pfd[0]);
    buf[got] = 0;
    *count = atoll(buf);
    *maxrss_kb = ru.ru_maxrss;
    if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1))
        return -1;
    return dt;
}

static int tool_argv(const char *tool, const inputs *in, char **argv)
{
    int a = 0;
    argv[a++] = strdup(tool);
    if (!strcmp(tool, "rg")) {
        argv[a++] = strdup("--no-config");
        argv[a++] = strdup("--no-filename");
    }
    argv[a++] = strdup("-F");
    argv[a++] = strdup("-c");
    argv[a++] = strdup("-f");
    argv[a++] = strdup(in->dict_path);
    argv[a++] = strdup(in->corpus_path);
    argv[a] = NULL;
    return a;
}

static void run_grep(const char *tool, const inputs *in, const opts *o)
{
    char *argv[16];
    tool_argv(tool, in, argv);
    double v[16];
    int k = 0;
    long long count = 0;
    long rss = 0;
    double start = now_s(), timeout = 180;
    int failed = 0;
    do {
        progress(tool);
        double s = run_tool(argv, &count, &rss, timeout);
        if (s < 0) {
            failed = s < -1.5 ? 2 : 1;
            break;
        }
        v[k++] = s;
    } while (k < o->reps && k < 16 && now_s() - start < o->budget);
    j_s("command", tool);
    if (failed) {
        j_s("error", failed == 2 ? "timeout" : "failed");
        j_num("timeout_s", timeout);
        return;
    }
    double s = median(v, (size_t)k);
    j_open("whole");
    j_num("s", s);
    j_num("mbps", (double)in->all_len / s / 1e6);
    j_int("matching_lines", count);
    j_int("runs", k);
    j_close();
    j_int("tool_rss_kb", rss);
}

/* ------------------------------------------------------------------------ */
/* check: baseline agreement                                                */

typedef struct {
    uint32_t msg, id;
    uint64_t end;
} hit;
typedef struct {
    hit *v;
    size_t n, cap;
    uint32_t msg;
} hits;
static void hits_add(hits *h, uint32_t id, uint64_t end)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 1024;
        h->v = realloc(h->v, h->cap * sizeof *h->v);
    }
    h->v[h->n++] = (hit){h->msg, id, end};
}
static int hs_collect(unsigned int id, unsigned long long from, unsigned long long to,
                      unsigned int flags, void *ctx)
{
    (void)from, (void)flags;
    hits_add(ctx, id, to);
    return 0;
}
static void ac_collect(uint32_t id, size_t end, void *ctx) { hits_add(ctx, id, end); }
static int cmp_hit(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->msg != y->msg)
        return x->msg < y->msg ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}
static int compare_hits(const char *what, hits *a, hits *b, const inputs *in)
{
    qsort(a->v, a->n, sizeof(hit), cmp_hit);
    qsort(b->v, b->n, sizeof(hit), cmp_hit);
    size_t i = 0, j = 0, bad = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1 : cmp_hit(&a->v[i], &b->v[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        const hit *h = c < 0 ? &a->v[i++] : &b->v[j++];
        if (bad++ < 5)
            fprintf(stderr, "  %s: only %s: msg %u term %u `%.*s` end %llu\n", what,
                    c < 0 ? "hyperscan" : "aho-corasick", h->msg, h->id,
                    (int)in->terms[h->id].n, in->terms[h->id].p, (unsigned long long)h->end);
    }
    fprintf(stderr, "check %-28s hyperscan %zu, aho-corasick %zu, differences %zu: %s\n", what,
            a->n, b->n, bad, bad ? "FAIL" : "ok");
    return bad ? 1 : 0;
}

static int is_han_only(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    if (!n)
        return 0;
    for (size_t i = 0; i < n;) {
        if (i + 3 > n || (s[i] & 0xF0) != 0xE0)
            return 0;
        uint32_t c = ((s[i] & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
        if (c < 0x4E00 || c > 0x9FFF)
            return 0;
        i += 3;
    }
    return 1;
}

static int cmd_check(const inputs *in)
{
    int fails = 0;
    double secs;
    hs_database_t *db = hs_build(in, &secs);
    hs_scratch_t *scr = NULL;
    hs_alloc_scratch(db, &scr);
    ac *a = ac_make(in, &secs);
    hits H = {0}, A = {0};
    /* per message */
    for (size_t i = 0; i < in->n_msg; i++) {
        H.msg = A.msg = (uint32_t)i;
        hs_scan(db, in->msg[i].p, (unsigned)in->msg[i].n, 0, scr, hs_collect, &H);
        ac_scan(a, in->msg[i].p, in->msg[i].n, ac_collect, &A);
    }
    size_t per_msg_hits = H.n;
    fails += compare_hits("per message (term, end):", &H, &A, in);
    /* messages with at least one match, for grep/rg */
    size_t lines_with = 0;
    for (size_t i = 0; i < A.n; i++)
        if (i == 0 || A.v[i].msg != A.v[i - 1].msg)
            lines_with++;

    /* screener finds every raw match of a Han-only term, at the same end */
    screener_source src = {.path = in->dict_path};
    screener_db *sdb = NULL;
    screener_error *err = NULL;
    if (screener_compile(NULL, &src, 1, &sdb, &err) != SCREENER_OK) {
        fprintf(stderr, "check: screener_compile: %s\n", screener_error_message(err));
        return 1;
    }
    screener_scratch *ss = NULL;
    screener_scratch_alloc(sdb, &ss);
    size_t need = 0, found = 0, bad = 0;
    for (size_t k = 0; k < H.n;) {
        uint32_t msg = H.v[k].msg;
        const screener_result *r = NULL;
        if (screener_scan(sdb, ss, in->msg[msg].p, in->msg[msg].n, &r) != SCREENER_OK) {
            fprintf(stderr, "check: screener_scan failed\n");
            return 1;
        }
        for (; k < H.n && H.v[k].msg == msg; k++) {
            const span_t *t = &in->terms[H.v[k].id];
            if (!is_han_only(t->p, t->n))
                continue;
            need++;
            int ok = 0;
            for (size_t j = 0; j < r->n_matches && !ok; j++) {
                screener_entry_info info;
                if (r->matches[j].end != H.v[k].end)
                    continue;
                screener_db_entry(sdb, r->matches[j].entry_id, &info);
                ok = strlen(info.term) == t->n && !memcmp(info.term, t->p, t->n);
            }
            if (ok)
                found++;
            else if (bad++ < 5)
                fprintf(stderr, "  screener missed `%.*s` ending at byte %llu of message %u\n",
                        (int)t->n, t->p, (unsigned long long)H.v[k].end, msg);
        }
    }
    fprintf(stderr, "check %-28s %zu of %zu raw Han-only matches found: %s\n",
            "screener vs hyperscan (Han):", found, need, bad ? "FAIL" : "ok");
    fails += bad ? 1 : 0;
    if (need == 0) {
        fprintf(stderr, "check: no Han-only matches at all: the check input is too weak\n");
        fails++;
    }
    screener_scratch_free(ss);
    screener_db_free(sdb);

    /* whole buffer */
    H.n = A.n = 0;
    H.msg = A.msg = 0;
    hs_scan(db, in->all, (unsigned)in->all_len, 0, scr, hs_collect, &H);
    ac_scan(a, in->all, in->all_len, ac_collect, &A);
    fails += compare_hits("whole buffer (term, end):", &H, &A, in);
    if (H.n < per_msg_hits) {
        fprintf(stderr, "check: whole buffer found fewer matches than per message: FAIL\n");
        fails++;
    }

    /* grep -F / rg -F count the same matching lines */
    const char *tools[2] = {"grep", "rg"};
    for (int t = 0; t < 2; t++) {
        char *argv[16];
        tool_argv(tools[t], in, argv);
        long long count = -1;
        long rss = 0;
        double s = run_tool(argv, &count, &rss, 60);
        if (s < 0) {
            fprintf(stderr, "check %-28s not available or failed: skipped\n", tools[t]);
            continue;
        }
        int ok = count == (long long)lines_with;
        fprintf(stderr, "check %-28s %lld matching lines, aho-corasick %zu: %s\n",
                !strcmp(tools[t], "rg") ? "rg -F -c:" : "grep -F -c:", count, lines_with,
                ok ? "ok" : "FAIL");
        fails += !ok;
    }
    free(H.v), free(A.v);
    hs_free_scratch(scr);
    hs_free_database(db);
    ac_free(a);
    return fails;
}

/* ------------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr, "usage: screener_bench run --engine screener|hs|paired|hs16|hs16g|ac|icu|fold|grep|rg "
                    "--corpus FILE --dict FILE [--reps N] [--budget S] [--threads T] "
                    "[--compile-reps N] [--corpus-name X] [--dict-name Y] [--out FILE] "
                    "[--progress]\n"
                    "       screener_bench check --corpus FILE --dict FILE\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *cmd = argv[1], *engine_name = NULL, *corpus = NULL, *dict = NULL, *out = NULL;
    const char *cname = NULL, *dname = NULL;
    opts o = {5, 4.0, 2, 1};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--progress")) {
            g_progress = 1;
            continue;
        }
        if (!v)
            usage();
        i++;
        if (!strcmp(a, "--engine")) engine_name = v;
        else if (!strcmp(a, "--corpus")) corpus = v;
        else if (!strcmp(a, "--dict")) dict = v;
        else if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--corpus-name")) cname = v;
        else if (!strcmp(a, "--dict-name")) dname = v;
        else if (!strcmp(a, "--reps")) o.reps = atoi(v);
        else if (!strcmp(a, "--budget")) o.budget = atof(v);
        else if (!strcmp(a, "--threads")) o.threads = atoi(v);
        else if (!strcmp(a, "--compile-reps")) o.compile_reps = atoi(v);
        else usage();
    }
    if (!corpus || !dict)
        usage();
    if (o.reps < 1) o.reps = 1;
    if (o.threads < 1) o.threads = 1;
    if (o.threads > 64) o.threads = 64;
    inputs in;
    load_inputs(&in, corpus, dict);
    if (!strcmp(cmd, "check")) {
        int f = cmd_check(&in);
        fprintf(stderr, "check: %s\n", f ? "FAILED" : "all baselines agree");
        return f ? 1 : 0;
    }
    if (strcmp(cmd, "run") || !engine_name)
        usage();
    long rss_inputs = rss_now_kb();
    J = out ? fopen(out, "w") : stdout;
    if (!J)
        die("cannot write %s", out);
    j_first = 1;
    j_open(NULL);
    j_s("engine", engine_name);
    j_s("corpus", cname ? cname : corpus);
    j_s("dict", dname ? dname : dict);
    j_int("corpus_bytes", (long long)in.all_len);
    j_int("messages", (long long)in.n_msg);
    j_int("message_bytes", (long long)in.msg_bytes);
    j_int("dict_terms", (long long)in.n_terms);
    j_int("reps", o.reps);
    if (!strcmp(engine_name, "screener")) run_screener(&in, &o);
    else if (!strcmp(engine_name, "hs")) run_hs(&in, &o);
    else if (!strcmp(engine_name, "paired")) run_paired(&in, &o);
    else if (!strcmp(engine_name, "ac")) run_ac(&in, &o);
    else if (!strcmp(engine_name, "hs16")) run_hs16(&in, &o, 0);
    else if (!strcmp(engine_name, "hs16g")) run_hs16(&in, &o, 1);
    else if (!strcmp(engine_name, "icu")) run_icu(&in, &o);
    else if (!strcmp(engine_name, "fold")) run_fold(&in, &o);
    else if (!strcmp(engine_name, "grep") || !strcmp(engine_name, "rg")) run_grep(engine_name, &in, &o);
    else usage();
    j_open("rss_kb");
    j_int("peak", rss_peak_kb());
    j_int("inputs", rss_inputs);
    j_close();
    j_close();
    fputc('\n', J);
    if (out)
        fclose(J);
    if (g_progress)
        fputc('\n', stderr);
    return 0;
}
