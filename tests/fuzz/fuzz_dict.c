/*
 * fuzz_dict — the dictionary parser (lib/dict dict_parse) on fuzzer text,
 * fast: no fold table, no Hyperscan. Checks the documented guarantees of
 * every entry it returns: valid UTF-8 without NUL, 1..1024 bytes, severity
 * 1..4, category and source indices in range, category identifiers
 * [a-z0-9_]{1,64}, `word` and `substring` not both set; on failure an error
 * object with a message. Byte 0 bit 3 turns on lenient mode (bad lines
 * skipped): every skipped line is reported once, and no more lines are
 * skipped than the text has.
 */
#include "dict/dict.h"
#include "fuzz_common.h"

#define MAX_INPUT (16 * 1024)

static void count_report(const char *message, void *user_data)
{
    FUZZ_CHECK(strstr(message, ": skipped: ") != NULL);
    (*(size_t *)user_data)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    /* byte 0: max_entries limit (0 = none), so the limit path is reached */
    size_t limit = size ? data[0] % 8 : 0;
    const uint8_t *text = size ? data + 1 : data;
    size_t len = size ? size - 1 : 0;
    char *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    memcpy(copy, text, len);

    dict_set set;
    memset(&set, 0, sizeof set);
    set.max_entries = limit;
    size_t reports = 0;
    dict_lenient lenient = {count_report, &reports, 0};
    if (size && (data[0] & 8))
        set.lenient = &lenient;
    screener_error *err = NULL;
    int rc = dict_parse(&set, "fuzz/Some-Name.txt", copy, len, &err);
    if (rc == SCREENER_OK) {
        FUZZ_CHECK(err == NULL);
    } else {
        FUZZ_CHECK(rc < 0);
        if (err) {
            FUZZ_CHECK(screener_error_status(err) == rc);
            FUZZ_CHECK(screener_error_message(err) != NULL);
        }
    }
    if (limit && rc == SCREENER_OK)
        FUZZ_CHECK(set.n_entries <= limit);
    if (set.lenient) {
        size_t lines = 1;
        for (size_t i = 0; i < len; i++)
            lines += copy[i] == '\n';
        FUZZ_CHECK(reports == lenient.skipped && lenient.skipped <= lines);
    }
    for (size_t i = 0; i < set.n_entries; i++) {
        const dict_entry *e = &set.entries[i];
        FUZZ_CHECK(e->term && e->term_len >= 1 && e->term_len <= DICT_MAX_TERM_BYTES);
        FUZZ_CHECK(e->term[e->term_len] == '\0');
        FUZZ_CHECK(memchr(e->term, '\0', e->term_len) == NULL);
        FUZZ_CHECK(utf8_valid((const uint8_t *)e->term, e->term_len, NULL));
        FUZZ_CHECK(e->severity >= 1 && e->severity <= 4);
        FUZZ_CHECK(e->category < set.n_categories);
        FUZZ_CHECK(e->source < set.n_sources);
        FUZZ_CHECK(e->line >= 1);
        FUZZ_CHECK(!((e->flags & SCREENER_ENTRY_WORD) && (e->flags & SCREENER_ENTRY_SUBSTRING)));
    }
    for (size_t i = 0; i < set.n_categories; i++) {
        const char *c = set.categories[i];
        size_t n = strlen(c);
        FUZZ_CHECK(n >= 1 && n <= DICT_MAX_CATEGORY_LEN);
        for (size_t k = 0; k < n; k++)
            FUZZ_CHECK((c[k] >= 'a' && c[k] <= 'z') || (c[k] >= '0' && c[k] <= '9') ||
                       c[k] == '_');
    }
    dict_set_free(&set);
    screener_error_free(err);
    free(copy);
    return 0;
}
