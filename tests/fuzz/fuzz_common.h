/*
 * fuzz_common.h — helpers shared by the libFuzzer targets: a fixed test
 * dictionary, databases compiled once per process, and invariant checks on
 * scan results. Header-only (each target is one translation unit).
 */
#ifndef SCREENER_FUZZ_COMMON_H
#define SCREENER_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "screener.h"

/* Abort with a message: libFuzzer records the input as a crash. */
#define FUZZ_CHECK(cond)                                                            \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                         \
            abort();                                                                \
        }                                                                           \
    } while (0)

/* A small dictionary touching every matching rule: CJK and Latin terms,
 * word / substring / allow, severities, categories, an expansion (ß), a
 * term whose first folded unit is U+4E00 (leading NUL byte stripped for
 * Hyperscan), doubled letters (spaced form), a multi-word term. */
static const char fuzz_dict[] =
    "@category porn\n"
    "色情\n"
    "口交\tseverity=4\n"
    "路口交通\tallow\n"
    "一夜情\n"
    "sex\tseverity=3\n"
    "sexy\tsubstring\n"
    "fuck\n"
    "ass\tword\n"
    "class\tallow\n"
    "@category politics\n"
    "@severity 3\n"
    "法轮功\n"
    "我的\tsubstring\n"
    "我的世界\tallow\n"
    "straße\n"
    "online casino\tcategory=gambling\n"
    "ﬁsh\tsubstring\n"
    "1000\tseverity=1\n"
    "a\tsubstring severity=1\n"
    "кот\n"
    "ἀλφα\n"
    "@category privacy\n"
    "@detect cn_mobile\n"
    "@detect cn_id\n"
    "@detect bank_card\n";

/*
 * Known library bugs can be stepped around so that a long campaign explores
 * past them: set SCREENER_FUZZ_WORKAROUNDS=1 in the environment. By default
 * (and in `scripts/fuzz --smoke`) no workaround is applied, so the regression
 * seeds in corpus/ reproduce every known bug until it is fixed.
 * Workaround 1: screener_scan_batch on a scratch that never held a match
 * calls memcpy(dst, NULL, 0) (lib/scan/scan.c batch_append; UBSan
 * nonnull-attribute): warm each new scratch with a scan that matches.
 * (Workaround 2, which kept fuzz_db away from the fold trie while its index
 * was unchecked, is gone: fold_table_open checks every index path and every
 * value of the trie.)
 */
static inline int fuzz_workarounds(void)
{
    static int v = -1;
    if (v < 0) {
        const char *e = getenv("SCREENER_FUZZ_WORKAROUNDS");
        v = e && e[0] == '1';
    }
    return v;
}

/* Fold option sets the scan targets choose from. */
static const uint32_t fuzz_fold_sets[] = {
    0, /* default: SCREENER_FOLD_ALL */
    SCREENER_FOLD_ALL & ~(uint32_t)SCREENER_FOLD_REPEATS,
    SCREENER_FOLD_EXPLICIT, /* exact matching */
    SCREENER_FOLD_EXPLICIT | SCREENER_FOLD_CASE | SCREENER_FOLD_NOISE,
};
#define FUZZ_N_FOLD_SETS (sizeof fuzz_fold_sets / sizeof fuzz_fold_sets[0])

static inline screener_db *fuzz_compile_text(const char *text, size_t len, uint32_t fold_flags)
{
    screener_compile_options o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.fold_flags = fold_flags;
    screener_source src = {NULL, "fuzz.txt", text, len};
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc = screener_compile(&o, &src, 1, &db, &err);
    if (rc != SCREENER_OK) {
        fprintf(stderr, "fuzz setup: compile failed: %s\n",
                err ? screener_error_message(err) : screener_strerror(rc));
        abort();
    }
    return db;
}

/* Workaround 1 (see fuzz_workarounds): give scratch a match buffer by a
 * scan with matches on db (a database compiled from fuzz_dict). */
static inline void fuzz_warm_scratch(const screener_db *db, screener_scratch *s)
{
    const screener_result *r = NULL;
    if (fuzz_workarounds() && screener_scan(db, s, "\xe8\x89\xb2\xe6\x83\x85", 6, &r))
        abort();
}

/* 1 if every byte offset in [0, len] that starts a decoded character (or is
 * len) is marked in bnd (len + 1 bytes, caller frees). */
static inline unsigned char *fuzz_char_boundaries(const uint8_t *s, size_t len)
{
    unsigned char *b = calloc(len + 1, 1);
    if (!b)
        abort();
    size_t i = 0;
    while (i < len) {
        b[i] = 1;
        utf8_next(s, len, &i);
    }
    b[len] = 1;
    return b;
}

/* Invariants every scan result must satisfy. */
static inline void fuzz_check_result(const screener_db *db, const screener_result *r,
                              const uint8_t *text, size_t len)
{
    FUZZ_CHECK(r != NULL);
    FUZZ_CHECK(r->n_matches == 0 || r->matches != NULL);
    unsigned char *bnd = fuzz_char_boundaries(text, len);
    uint32_t n_entries = screener_db_entry_count(db);
    uint32_t n_cats = screener_db_category_count(db);
    int action = SCREENER_ACTION_PASS;
    unsigned severity = 0;
    for (size_t i = 0; i < r->n_matches; i++) {
        const screener_match *m = &r->matches[i];
        FUZZ_CHECK(m->start < m->end);
        FUZZ_CHECK(m->end <= len);
        FUZZ_CHECK(bnd[m->start] && bnd[m->end]);
        FUZZ_CHECK(m->entry_id < n_entries);
        FUZZ_CHECK(m->category_id < n_cats);
        FUZZ_CHECK(m->severity >= 1 && m->severity <= 4);
        FUZZ_CHECK(m->action <= SCREENER_ACTION_BLOCK);
        screener_entry_info info;
        FUZZ_CHECK(screener_db_entry(db, m->entry_id, &info) == SCREENER_OK);
        FUZZ_CHECK(!(info.flags & SCREENER_ENTRY_ALLOW));
        FUZZ_CHECK(info.severity == m->severity && info.category_id == m->category_id);
        if (i) {
            const screener_match *p = &r->matches[i - 1];
            FUZZ_CHECK(p->start < m->start ||
                       (p->start == m->start &&
                        (p->end < m->end || (p->end == m->end && p->entry_id < m->entry_id))));
        }
        if (!(m->flags & SCREENER_MATCH_SUPPRESSED)) {
            if (m->action > action)
                action = m->action;
            if (m->severity > severity)
                severity = m->severity;
        }
    }
    FUZZ_CHECK(r->action == action);
    FUZZ_CHECK(r->severity == severity);
    for (size_t i = 0; i < r->n_categories; i++) {
        FUZZ_CHECK(r->categories[i] < n_cats);
        if (i)
            FUZZ_CHECK(r->categories[i - 1] < r->categories[i]);
    }
    FUZZ_CHECK(r->fingerprint && strcmp(r->fingerprint, screener_db_fingerprint(db)) == 0);
    free(bnd);
}

/* Deep copy of a result's matches, for comparing two scans. */
typedef struct fuzz_matches {
    screener_match *m;
    size_t n;
    int action;
    unsigned severity;
    size_t n_categories;
} fuzz_matches;

static inline void fuzz_matches_copy(fuzz_matches *o, const screener_result *r)
{
    o->n = r->n_matches;
    o->m = malloc((o->n ? o->n : 1) * sizeof(screener_match));
    if (!o->m)
        abort();
    if (o->n)
        memcpy(o->m, r->matches, o->n * sizeof(screener_match));
    o->action = r->action;
    o->severity = r->severity;
    o->n_categories = r->n_categories;
}

static inline int fuzz_matches_equal(const fuzz_matches *a, const screener_result *r)
{
    if (a->n != r->n_matches || a->action != r->action || a->severity != r->severity ||
        a->n_categories != r->n_categories)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const screener_match *x = &a->m[i], *y = &r->matches[i];
        if (x->start != y->start || x->end != y->end || x->entry_id != y->entry_id ||
            x->flags != y->flags || x->action != y->action)
            return 0;
    }
    return 1;
}

#endif
