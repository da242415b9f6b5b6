/*
 * fuzz_scan — message scanning: screener_scan, screener_mask,
 * screener_scan_batch and screener_fold_utf8 on fuzzer bytes, against a fixed
 * dictionary compiled once per fold option set.
 *
 * Input: byte 0 chooses the database (fold options) and the mask flags and
 * mask character, byte 1 the batch split points; the rest is the message.
 * Checks: result invariants (fuzz_common.h); the batch results equal
 * single-message scans of the same pieces; a mask of a text without
 * maskable matches is the text itself; mask output is NUL-terminated.
 */
#include "fuzz_common.h"

#define MAX_INPUT (64 * 1024)

static screener_db *dbs[FUZZ_N_FOLD_SETS];
static screener_scratch *scratch, *scratch2;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < FUZZ_N_FOLD_SETS; i++)
        dbs[i] = fuzz_compile_text(fuzz_dict, sizeof fuzz_dict - 1, fuzz_fold_sets[i]);
    if (screener_scratch_alloc(dbs[0], &scratch) || screener_scratch_alloc(dbs[0], &scratch2))
        abort();
    fuzz_warm_scratch(dbs[0], scratch);
    fuzz_warm_scratch(dbs[0], scratch2);
    return 0;
}

static const uint32_t mask_chars[4] = {0, '#', 0x25A0 /* ■ */, 0x1F92C /* 🤬 */};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > MAX_INPUT)
        return 0;
    uint8_t sel = data[0], split = data[1];
    const screener_db *db = dbs[sel % FUZZ_N_FOLD_SETS];
    unsigned mflags = (sel >> 2) & 1;
    uint32_t mch = mask_chars[(sel >> 3) & 3];
    /* an exact-size heap copy, so ASan sees any read past the end */
    size_t len = size - 2;
    char *text = malloc(len ? len : 1);
    if (!text)
        abort();
    memcpy(text, data + 2, len);

    const screener_result *r = NULL;
    FUZZ_CHECK(screener_scan(db, scratch, text, len, &r) == SCREENER_OK);
    fuzz_check_result(db, r, (const uint8_t *)text, len);
    fuzz_matches whole;
    fuzz_matches_copy(&whole, r);

    /* the same scan again gives the same result (scratch reuse) */
    FUZZ_CHECK(screener_scan(db, scratch2, text, len, &r) == SCREENER_OK);
    FUZZ_CHECK(fuzz_matches_equal(&whole, r));

    /* mask */
    char *out = NULL;
    size_t out_len = 0;
    FUZZ_CHECK(screener_mask(db, scratch, text, len, mflags, mch, &out, &out_len) ==
               SCREENER_OK);
    FUZZ_CHECK(out != NULL && out[out_len] == '\0');
    FUZZ_CHECK(screener_scan(db, scratch, text, len, &r) == SCREENER_OK);
    int maskable = 0;
    for (size_t i = 0; i < r->n_matches; i++)
        if (!(r->matches[i].flags & SCREENER_MATCH_SUPPRESSED) &&
            (mflags == SCREENER_MASK_ALL || r->matches[i].action >= SCREENER_ACTION_MASK))
            maskable = 1;
    if (!maskable)
        FUZZ_CHECK(out_len == len && memcmp(out, text, len) == 0);
    screener_free(out);

    /* batch over a split of the text: up to 3 pieces */
    screener_message msgs[3];
    size_t cut1 = len ? (split & 15) * len / 15 : 0;
    size_t cut2 = cut1 + (len - cut1) * (split >> 4) / 15;
    msgs[0].text = text;
    msgs[0].len = cut1;
    msgs[1].text = text + cut1;
    msgs[1].len = cut2 - cut1;
    msgs[2].text = len - cut2 ? text + cut2 : NULL;
    msgs[2].len = len - cut2;
    fuzz_matches single[3];
    for (int k = 0; k < 3; k++) {
        FUZZ_CHECK(screener_scan(db, scratch2, msgs[k].text, msgs[k].len, &r) == SCREENER_OK);
        fuzz_check_result(db, r, (const uint8_t *)(msgs[k].text ? msgs[k].text : ""),
                          msgs[k].len);
        fuzz_matches_copy(&single[k], r);
    }
    const screener_result *br = NULL;
    FUZZ_CHECK(screener_scan_batch(db, scratch, msgs, 3, &br) == SCREENER_OK);
    for (int k = 0; k < 3; k++) {
        FUZZ_CHECK(fuzz_matches_equal(&single[k], &br[k]));
        free(single[k].m);
    }

    /* fold for explain: valid NUL-terminated output */
    char *f = NULL;
    size_t flen = 0;
    FUZZ_CHECK(screener_fold_utf8(db, text, len, &f, &flen) == SCREENER_OK);
    FUZZ_CHECK(f && f[flen] == '\0');
    screener_free(f);

    free(whole.m);
    free(text);
    return 0;
}
