/*
 * fuzz_compile — the full compiler (screener_compile) on fuzzer text as an
 * in-memory source: parse, merge duplicates, fold terms through the ICU-built
 * table, Hyperscan literal compile, blob write and open. Slow (~0.3 s per
 * input for the fold table), so inputs are capped at 4 KB; the fast parser
 * target is fuzz_dict.
 *
 * Byte 0 chooses the fold options, the source name, lenient mode (bit 4:
 * bad lines skipped, each reported) and max_entries (bits 5-7); the rest is
 * the dictionary. On success
 * the database must serialize, deserialize to the same fingerprint, and scan
 * each of its own terms finding at least one match.
 */
#include "fuzz_common.h"

#define MAX_INPUT 4096

/* Lenient mode: every skipped line is one "FILE:LINE: skipped: " warning,
 * then one "N line(s) skipped". */
static void count_skipped(const char *message, void *user_data)
{
    if (strstr(message, ": skipped: "))
        (*(size_t *)user_data)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    uint32_t flags = fuzz_fold_sets[data[0] % FUZZ_N_FOLD_SETS];
    size_t len = size - 1;
    char *text = malloc(len ? len : 1);
    if (!text)
        abort();
    memcpy(text, data + 1, len);
    screener_compile_options o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.fold_flags = flags;
    o.max_entries = (data[0] >> 5) ? 64 : 0;
    size_t skipped = 0;
    if (data[0] & 16) {
        o.flags = SCREENER_COMPILE_LENIENT;
        o.warning = count_skipped;
        o.warning_user_data = &skipped;
    }
    screener_source src = {NULL, (data[0] & 8) ? NULL : "Fuzz-Dict.txt", text, len};
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc = screener_compile(&o, &src, 1, &db, &err);
    if (rc != SCREENER_OK) {
        FUZZ_CHECK(db == NULL);
        FUZZ_CHECK(rc < 0);
        if (err) {
            FUZZ_CHECK(screener_error_status(err) == rc);
            FUZZ_CHECK(screener_error_message(err) != NULL);
        }
        screener_error_free(err);
        free(text);
        return 0;
    }
    FUZZ_CHECK(db != NULL);
    if (data[0] & 16) { /* no more lines skipped than the text has */
        size_t lines = 1;
        for (size_t i = 0; i < len; i++)
            lines += text[i] == '\n';
        FUZZ_CHECK(skipped <= lines);
    }
    void *blob = NULL;
    size_t blob_len = 0;
    FUZZ_CHECK(screener_db_serialize(db, &blob, &blob_len) == SCREENER_OK);
    screener_db *db2 = NULL;
    FUZZ_CHECK(screener_db_deserialize(blob, blob_len, &db2, NULL) == SCREENER_OK);
    FUZZ_CHECK(strcmp(screener_db_fingerprint(db), screener_db_fingerprint(db2)) == 0);
    FUZZ_CHECK(screener_db_entry_count(db) == screener_db_entry_count(db2));
    screener_free(blob);

    /* every deny term, scanned alone, is found (as itself or as another
     * entry with the same folded form) unless it is inside an allow term;
     * not rules (`A AND NOT B` written out contains B) nor their parts
     * (never reported alone) */
    screener_scratch *s = NULL;
    FUZZ_CHECK(screener_scratch_alloc(db2, &s) == SCREENER_OK);
    uint32_t n = screener_db_entry_count(db2);
    for (uint32_t i = 0; i < n && i < 64; i++) {
        screener_entry_info info;
        FUZZ_CHECK(screener_db_entry(db2, i, &info) == SCREENER_OK);
        FUZZ_CHECK(info.term && info.category && info.source);
        FUZZ_CHECK(info.severity >= 1 && info.severity <= 4);
        const screener_result *r = NULL;
        size_t tl = strlen(info.term);
        FUZZ_CHECK(screener_scan(db2, s, info.term, tl, &r) == SCREENER_OK);
        fuzz_check_result(db2, r, (const uint8_t *)info.term, tl);
        if (!(info.flags & (SCREENER_ENTRY_ALLOW | SCREENER_ENTRY_DETECTOR | SCREENER_ENTRY_RULE |
                            SCREENER_ENTRY_RULE_PART)))
            FUZZ_CHECK(r->n_matches > 0);
    }
    screener_scratch_free(s);
    screener_db_free(db2);
    screener_db_free(db);
    free(text);
    return 0;
}
