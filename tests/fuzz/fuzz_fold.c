/*
 * fuzz_fold — UTF-8 repair and folding (lib/normalize fold_text) and the
 * mapping back to original bytes (fold_locate_start / fold_locate_end) on
 * every unit position.
 *
 * Byte 0 chooses the table: all families, all but repeats, or none. Checks:
 * - the output equals a naive per-code-point fold (decode with utf8_next,
 *   look up fold_value, write the code point / replacement / expansion) for
 *   tables without repeat collapsing, and is no longer than it with it;
 * - checkpoints are increasing, on character starts, within the text;
 * - locate_start(p) is a character start in [0, len], monotone in p, and
 *   for tables without collapsing it is exactly the start of the character
 *   that produced unit p;
 * - locate_end(e) is a character boundary in [0, len], monotone in e, and
 *   locate_start(e-1) < locate_end(e).
 */
#include "fuzz_common.h"
#include "normalize/fold.h"

#define MAX_INPUT 4096

static fold_build builds[3];
static fold_table tables[3];
static fold_buf fb;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const uint32_t flags[3] = {SCREENER_FOLD_ALL,
                                      SCREENER_FOLD_ALL & ~(uint32_t)SCREENER_FOLD_REPEATS, 0};
    for (int i = 0; i < 3; i++) {
        if (fold_build_table(flags[i], &builds[i], NULL) ||
            fold_table_open(&tables[i], builds[i].trie_bin, builds[i].trie_len,
                            builds[i].expand, builds[i].n_expand))
            abort();
        fold_table_set_collapse(&tables[i], (flags[i] & SCREENER_FOLD_REPEATS) != 0);
    }
    return 0;
}

/* Naive fold: units of each character, and the character that produced each
 * unit. Returns the number of units. */
static size_t naive_fold(const fold_table *ft, const uint8_t *s, size_t n, uint16_t *out,
                         size_t *owner)
{
    size_t i = 0, w = 0;
    while (i < n) {
        size_t at = i;
        int32_t cp = utf8_next(s, n, &i);
        uint32_t v = fold_value(ft, cp);
        uint32_t c = cp < 0 ? 0xFFFDu : (uint32_t)cp;
        uint16_t tmp[FOLD_MAX_UNITS + 2];
        size_t k = 0;
        switch (FV_KIND(v)) {
        case FV_DROP: break;
        case FV_IDENT:
        case FV_ONE: {
            uint32_t o = FV_KIND(v) == FV_IDENT ? c : FV_CP(v);
            if (o > 0xFFFF) {
                tmp[k++] = (uint16_t)(0xD800 | ((o - 0x10000) >> 10));
                tmp[k++] = (uint16_t)(0xDC00 | ((o - 0x10000) & 0x3FF));
            } else {
                tmp[k++] = (uint16_t)o;
            }
            break;
        }
        default:
            FUZZ_CHECK(FV_LEN(v) <= FOLD_MAX_UNITS);
            FUZZ_CHECK(FV_OFF(v) + FV_LEN(v) <= ft->n_expand);
            for (uint32_t q = 0; q < FV_LEN(v); q++)
                tmp[k++] = ft->expand[FV_OFF(v) + q];
        }
        FUZZ_CHECK(k == fold_units_of(v, c));
        for (size_t q = 0; q < k; q++) {
            out[w] = tmp[q];
            owner[w] = at;
            w++;
        }
    }
    return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    const fold_table *ft = &tables[data[0] % 3];
    size_t n = size - 1;
    uint8_t *s = malloc(n ? n : 1);
    if (!s)
        abort();
    memcpy(s, data + 1, n);
    FUZZ_CHECK(fold_text(ft, s, n, &fb) == SCREENER_OK);
    unsigned char *bnd = fuzz_char_boundaries(s, n);

    uint16_t *ref = malloc((n * ft->max_units + 1) * sizeof(uint16_t));
    size_t *owner = malloc((n * ft->max_units + 1) * sizeof(size_t));
    if (!ref || !owner)
        abort();
    size_t rn = naive_fold(ft, s, n, ref, owner);
    if (!ft->collapse) {
        FUZZ_CHECK(fb.n == rn);
        FUZZ_CHECK(rn == 0 || memcmp(fb.units, ref, rn * sizeof(uint16_t)) == 0);
    } else {
        FUZZ_CHECK(fb.n <= rn);
    }

    FUZZ_CHECK(fb.n_marks >= 1 && fb.marks[0].byte == 0 && fb.marks[0].unit == 0);
    for (size_t k = 1; k < fb.n_marks; k++) {
        FUZZ_CHECK(fb.marks[k].byte > fb.marks[k - 1].byte);
        FUZZ_CHECK(fb.marks[k].unit > fb.marks[k - 1].unit);
        FUZZ_CHECK(fb.marks[k].byte < n && bnd[fb.marks[k].byte]);
        FUZZ_CHECK(fb.marks[k].unit <= fb.n);
        if (!ft->collapse)
            FUZZ_CHECK(owner[fb.marks[k].unit] >= fb.marks[k].byte);
    }

    size_t prev_start = 0, prev_end = 0;
    for (size_t p = 0; p < fb.n; p++) {
        fold_loc a, b;
        fold_locate_start(ft, s, n, &fb, p, &a);
        fold_locate_end(ft, s, n, &fb, p + 1, &b);
        FUZZ_CHECK(a.byte < n && bnd[a.byte]);
        FUZZ_CHECK(b.byte <= n && bnd[b.byte]);
        FUZZ_CHECK(a.byte < b.byte);
        FUZZ_CHECK(a.byte >= prev_start);
        FUZZ_CHECK(b.byte >= prev_end);
        FUZZ_CHECK(a.boundary == 0 || a.boundary == 1);
        FUZZ_CHECK(b.boundary == 0 || b.boundary == 1);
        if (p + 2 <= fb.n) {
            /* the spelled-out neighbour lookup: gap ranges inside the text,
             * before the match start and after its end */
            fold_loc a2, b2;
            fold_locate_start(ft, s, n, &fb, p, &a2);
            fold_locate_end(ft, s, n, &fb, p + 2, &b2);
            fold_locate_lone(ft, s, n, &fb, p, p + 2, &a2, &b2);
            FUZZ_CHECK(a2.gap0 <= a2.gap1 && a2.gap1 <= a2.byte);
            FUZZ_CHECK(b2.gap0 <= b2.gap1 && b2.gap1 <= n);
            FUZZ_CHECK(b2.gap1 == 0 || b2.gap0 >= b2.byte);
        }
        if (!ft->collapse) {
            FUZZ_CHECK(a.byte == owner[p]);
            /* the end covers the producing character and stops before the
             * next character that produces output */
            size_t ch_end = owner[p];
            utf8_next(s, n, &ch_end);
            FUZZ_CHECK(b.byte >= ch_end);
            for (size_t q = p + 1; q < fb.n; q++)
                if (owner[q] != owner[p]) {
                    FUZZ_CHECK(b.byte <= owner[q]);
                    break;
                }
        }
        prev_start = a.byte;
        prev_end = b.byte;
    }

    /* the mapping's fast paths (a cursor over the text's matches, the walk
     * back from the next checkpoint, the inline fold) equal one walk from
     * the text's start through the general fold: matches of 1-3 units in
     * order of end, as Hyperscan reports them (the first 512 units: the
     * reference is quadratic) */
    fold_cursor cur = {0};
    for (size_t e = 1; e <= fb.n && e <= 512; e++)
        for (size_t len = e < 3 ? e : 3; len >= 1; len--) {
            fold_loc a1, b1, a2, b2;
            fold_locate_span_at(ft, s, n, &fb, &cur, e - len, e, &a1, &b1);
            fold_locate_span_general(ft, s, n, e - len, e, &a2, &b2);
            FUZZ_CHECK(a1.byte == a2.byte && a1.boundary == a2.boundary &&
                       a1.partial == a2.partial && a1.tight == a2.tight);
            FUZZ_CHECK(b1.byte == b2.byte && b1.boundary == b2.boundary &&
                       b1.partial == b2.partial && b1.tight == b2.tight);
        }
    free(ref);
    free(owner);
    free(bnd);
    free(s);
    return 0;
}
