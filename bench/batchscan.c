/*
 * batchscan.c — scan a corpus through screener_scan_batch (or one
 * screener_scan per message) and print a digest of every result: what
 * bench/icount.sh --batch counts with callgrind, and what shows that two
 * builds (or the batch and the single path) report the same.
 *
 *   screener_batchscan [--batch N] [--single] [--reps R] DB.scdb CORPUS
 *
 * DB is a compiled database (screener compile, or the build's default.scdb);
 * CORPUS one message per line (a trailing '\r' is part of the line, as the
 * bytes are). Batches of N messages (default 1000), R passes (default 1).
 * Prints messages, flagged (action not pass), matches and a 64-bit FNV-1a
 * digest over every result field and every match field, in message order.
 * Public API only, so the same file builds against any version of the
 * library (before/after comparisons).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <screener.h>

static void die(const char *what, int rc)
{
    fprintf(stderr, "screener_batchscan: %s: %s\n", what, rc ? screener_strerror(rc) : "failed");
    exit(2);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    for (size_t r; b && (r = fread(b + n, 1, cap - n, f)) > 0;) {
        n += r;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    if (!b || ferror(f))
        die(path, 0);
    fclose(f);
    *len = n;
    return b;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

typedef struct totals {
    size_t flagged, matches;
    uint64_t digest;
} totals;

static void account(totals *t, const screener_result *r)
{
    uint64_t f[5] = {r->n_matches, (uint64_t)r->action, r->severity, r->n_categories,
                     (uint64_t)r->truncated};
    t->digest = fnv(t->digest, f, sizeof f);
    for (size_t k = 0; k < r->n_matches; k++) {
        const screener_match *m = &r->matches[k];
        uint64_t g[7] = {m->start, m->end, m->entry_id, m->category_id, m->severity, m->action,
                         m->flags};
        t->digest = fnv(t->digest, g, sizeof g);
    }
    for (size_t k = 0; k < r->n_categories; k++)
        t->digest = fnv(t->digest, &r->categories[k], sizeof r->categories[k]);
    t->flagged += r->action != SCREENER_ACTION_PASS;
    t->matches += r->n_matches;
}

int main(int argc, char **argv)
{
    size_t batch = 1000;
    int single = 0, reps = 1, a = 1;
    for (; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
        if (!strcmp(argv[a], "--batch") && a + 1 < argc)
            batch = (size_t)strtoul(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--reps") && a + 1 < argc)
            reps = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--single"))
            single = 1;
        else
            break;
    }
    if (argc - a != 2 || batch == 0 || reps < 1) {
        fprintf(stderr,
                "usage: screener_batchscan [--batch N] [--single] [--reps R] DB.scdb CORPUS\n");
        return 2;
    }
    screener_db *db = NULL;
    int rc = screener_db_load(argv[a], &db, NULL);
    if (rc)
        die(argv[a], rc);
    size_t len = 0;
    char *text = read_file(argv[a + 1], &len);
    size_t n = 0, cap = 1024;
    screener_message *msgs = malloc(cap * sizeof *msgs);
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        if (n == cap)
            msgs = realloc(msgs, (cap *= 2) * sizeof *msgs);
        msgs[n++] = (screener_message){text + i, e - i};
        i = e + 1;
    }
    screener_scratch *s = NULL;
    if ((rc = screener_scratch_alloc(db, &s)))
        die("screener_scratch_alloc", rc);
    totals t = {0, 0, 14695981039346656037u};
    for (int rep = 0; rep < reps; rep++) {
        t = (totals){0, 0, 14695981039346656037u};
        for (size_t i = 0; i < n; i += batch) {
            size_t nb = n - i < batch ? n - i : batch;
            if (single) {
                for (size_t j = 0; j < nb; j++) {
                    const screener_result *r = NULL;
                    if ((rc = screener_scan(db, s, msgs[i + j].text, msgs[i + j].len, &r)))
                        die("screener_scan", rc);
                    account(&t, r);
                }
                continue;
            }
            const screener_result *r = NULL;
            if ((rc = screener_scan_batch(db, s, msgs + i, nb, &r)))
                die("screener_scan_batch", rc);
            for (size_t j = 0; j < nb; j++)
                account(&t, &r[j]);
        }
    }
    printf("messages=%zu flagged=%zu matches=%zu digest=%016llx\n", n, t.flagged, t.matches,
           (unsigned long long)t.digest);
    screener_scratch_free(s);
    screener_db_free(db);
    free(msgs);
    free(text);
    return 0;
}
