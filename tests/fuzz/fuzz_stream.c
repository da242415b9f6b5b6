/*
 * fuzz_stream — streams and long messages against one scan: the same bytes
 * written to screener_stream_write in fuzzer-chosen chunks must give the
 * matches of one screener_scan of the whole text (spans, entries, flags but
 * the per-call selection), as the header promises. Also scans the text
 * repeated past WINDOW_ROUND (32 KiB) when byte 0's top bit is set, so a
 * long message's rounds (scan/window.c) are compared with a stream of it.
 *
 * Input: byte 0 chooses the database (fold options); bytes 1-8 are chunk
 * lengths (1..256, used in turn, 0 meaning "the rest"); the rest is the
 * text. Found the first time it ran: windows reported a leet match whose
 * whitespace-free chunk later grew past 256 bytes or became a link
 * (corpus/fuzz_stream/regress-leet-chunk-*).
 */
#include "fuzz_common.h"

#define MAX_INPUT 4096
#define LONG_MIN_BYTES (40 * 1024)

static screener_db *dbs[FUZZ_N_FOLD_SETS];
static screener_scratch *scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < FUZZ_N_FOLD_SETS; i++)
        dbs[i] = fuzz_compile_text(fuzz_dict, sizeof fuzz_dict - 1, fuzz_fold_sets[i]);
    if (screener_scratch_alloc(dbs[0], &scratch))
        abort();
    fuzz_warm_scratch(dbs[0], scratch);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    const screener_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->entry_id < y->entry_id ? -1 : x->entry_id > y->entry_id;
}

typedef struct acc {
    screener_match *m;
    size_t n, cap;
} acc;

static void add(acc *a, const screener_result *r)
{
    for (size_t i = 0; i < r->n_matches; i++) {
        if (a->n == a->cap) {
            a->cap = a->cap ? 2 * a->cap : 64;
            a->m = realloc(a->m, a->cap * sizeof *a->m);
            if (!a->m)
                abort();
        }
        a->m[a->n] = r->matches[i];
        a->m[a->n].flags &= (uint16_t)~SCREENER_MATCH_SELECTED;
        a->n++;
    }
}

/* The stream of text in chunks (lens[] in turn, 0: the rest) against one
 * scan of it; skipped when the scan's result is truncated. */
static void compare(const screener_db *db, const char *text, size_t len, const uint8_t *lens,
                    size_t n_lens)
{
    const screener_result *r;
    FUZZ_CHECK(screener_scan(db, scratch, text, len, &r) == SCREENER_OK);
    if (r->truncated)
        return;
    acc whole = {0}, parts = {0};
    add(&whole, r);
    screener_stream *st;
    FUZZ_CHECK(screener_stream_open(db, &st) == SCREENER_OK);
    int truncated = 0;
    for (size_t at = 0, k = 0; at < len; k++) {
        size_t c = lens[k % n_lens] ? lens[k % n_lens] : len - at;
        if (c > len - at)
            c = len - at;
        FUZZ_CHECK(screener_stream_write(st, scratch, text + at, c, &r) == SCREENER_OK);
        truncated |= r->truncated;
        add(&parts, r);
        at += c;
    }
    FUZZ_CHECK(screener_stream_close(st, scratch, &r) == SCREENER_OK);
    truncated |= r->truncated;
    add(&parts, r);
    screener_stream_free(st);
    if (!truncated) {
        if (parts.n)
            qsort(parts.m, parts.n, sizeof *parts.m, cmp);
        FUZZ_CHECK(parts.n == whole.n);
        for (size_t i = 0; i < whole.n; i++) {
            const screener_match *x = &whole.m[i], *y = &parts.m[i];
            FUZZ_CHECK(x->start == y->start && x->end == y->end &&
                       x->entry_id == y->entry_id && x->flags == y->flags &&
                       x->action == y->action && x->severity == y->severity);
        }
    }
    free(whole.m);
    free(parts.m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 9 || size > MAX_INPUT)
        return 0;
    const screener_db *db = dbs[data[0] % FUZZ_N_FOLD_SETS];
    size_t len = size - 9;
    char *text = malloc(len ? len : 1); /* exact size: ASan sees reads past it */
    if (!text)
        abort();
    memcpy(text, data + 9, len);
    compare(db, text, len, data + 1, 8);
    if (len >= 16 && (data[0] & 0x80)) {
        /* a long message: the text repeated past one round */
        size_t n = (LONG_MIN_BYTES / len + 1) * len;
        char *big = malloc(n);
        if (!big)
            abort();
        for (size_t at = 0; at < n; at += len)
            memcpy(big + at, text, len);
        uint8_t lens[2] = {250, (uint8_t)(data[1] | 1)};
        compare(db, big, n, lens, 2);
        free(big);
    }
    free(text);
    return 0;
}
