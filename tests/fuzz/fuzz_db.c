/*
 * fuzz_db — the database loader (screener_db_deserialize) past the checksum.
 *
 * A random file fails the XXH3-128 checksum and never reaches the section
 * parser, so this target starts from a VALID database (the fixed dictionary,
 * compiled once), applies fuzzer-chosen patches, re-seals the checksum with
 * the internal db_seal() and only then calls the loader. Mutations thus reach
 * the header checks, the section and cross-reference validation, the fold
 * table validation (fold_table_open) and Hyperscan's hs_deserialize_database.
 * A database that loads is then used: metadata accessors and scans of fixed
 * texts must not crash (the results of a tampered database need not be right).
 *
 * Input: a list of patches, each
 *   byte    op: low 4 bits = section (0..8 = SEC_*, 9 = header, 10+ = whole
 *           blob), bit 4 = also set file_size to the new length, bits 5..7
 *           = kind (0..4 overwrite, 5 truncate, 6 append, 7 xor)
 *   u16 LE  offset (within the section; taken modulo its length)
 *   byte    n, then n bytes of data
 * Patches that run past the input end are ignored.
 */
#include "db/db.h"
#include "fuzz_common.h"

static uint8_t *base;
static size_t base_len;
static const char *texts[] = {
    "色情 法輪功 ＦＵＣＫ f.u.c.k fuuuck ass class straße ﬁsh 一夜情",
    "online casino 我的世界 路口交通 1000 кот",
    ("\xff\xfe s\xe2\x80\x8b" "ex \xf0\x9f\x98\x80"),
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    screener_db *db = fuzz_compile_text(fuzz_dict, sizeof fuzz_dict - 1, 0);
    void *b = NULL;
    if (screener_db_serialize(db, &b, &base_len))
        abort();
    base = b;
    screener_db_free(db);
    return 0;
}

/* 1 if every BMP data block the trie's fast index names lies inside its data
 * array and highStart is a code point (a partial check of what the loader
 * should verify; see B2 in docs/fuzzing.md). */
static int bmp_index_ok(const UCPTrie *t)
{
    if (t->indexLength < (0x10000 >> UCPTRIE_FAST_SHIFT) || t->highStart > 0x110000 ||
        t->highStart < 0x10000)
        return 0;
    for (int32_t i = 0; i < (0x10000 >> UCPTRIE_FAST_SHIFT); i++)
        if ((int32_t)t->index[i] + UCPTRIE_FAST_DATA_MASK >= t->dataLength)
            return 0;
    return 1;
}

/* Open the trie section of a (sealed) blob the way the loader will and
 * check its BMP index; 1 if fine or if the loader will reject it anyway. */
static int blob_trie_ok(const uint8_t *blob, size_t len)
{
    if (len < sizeof(db_header))
        return 1;
    const db_header *h = (const db_header *)blob;
    uint64_t off = h->sec_off[SEC_TRIE], sl = h->sec_len[SEC_TRIE];
    if (off > len || sl > len - off || sl > INT32_MAX)
        return 1;
    void *copy = malloc(sl ? sl : 4);
    if (!copy)
        abort();
    memcpy(copy, blob + off, sl);
    UErrorCode st = U_ZERO_ERROR;
    UCPTrie *t = ucptrie_openFromBinary(UCPTRIE_TYPE_FAST, UCPTRIE_VALUE_BITS_32, copy,
                                        (int32_t)sl, NULL, &st);
    int ok = U_FAILURE(st) || !t || bmp_index_ok(t);
    ucptrie_close(t);
    free(copy);
    return ok;
}

/* 1 if the blob's trie section is the base database's, byte for byte. */
static int trie_unchanged(const uint8_t *blob, size_t len)
{
    const db_header *b = (const db_header *)base;
    if (len < sizeof(db_header))
        return 1;
    const db_header *h = (const db_header *)blob;
    uint64_t off = b->sec_off[SEC_TRIE], sl = b->sec_len[SEC_TRIE];
    return h->sec_off[SEC_TRIE] == off && h->sec_len[SEC_TRIE] == sl && off + sl <= len &&
           memcmp(blob + off, base + off, sl) == 0;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    size_t cap = base_len + 65536;
    uint8_t *blob = malloc(cap);
    if (!blob)
        abort();
    memcpy(blob, base, base_len);
    size_t len = base_len;
    const db_header *h0 = (const db_header *)base;
    size_t p = 0;
    while (p + 4 <= size) {
        uint8_t op = data[p];
        size_t off = data[p + 1] | (size_t)data[p + 2] << 8;
        size_t n = data[p + 3];
        p += 4;
        if (p + n > size)
            break;
        const uint8_t *d = data + p;
        p += n;
        unsigned sec = op & 15, kind = op >> 5;
        size_t s0 = 0, sl = len;
        if (sec < SEC_COUNT) {
            s0 = rd64((const uint8_t *)&h0->sec_off[sec]);
            sl = rd64((const uint8_t *)&h0->sec_len[sec]);
        } else if (sec == SEC_COUNT) {
            sl = sizeof(db_header);
        }
        if (s0 > len)
            s0 = len;
        if (sl > len - s0)
            sl = len - s0;
        size_t at = s0 + (sl ? off % sl : 0);
        if (kind <= 4) {
            for (size_t k = 0; k < n && at + k < len; k++)
                blob[at + k] = d[k];
        } else if (kind == 5) {
            len = at;
        } else if (kind == 6) {
            if (len + n <= cap) {
                memcpy(blob + len, d, n);
                len += n;
            }
        } else {
            for (size_t k = 0; k < n && at + k < len; k++)
                blob[at + k] ^= d[k];
        }
        if ((op & 16) && len >= sizeof(db_header)) {
            uint64_t fs = len;
            memcpy(blob + offsetof(db_header, file_size), &fs, 8);
        }
    }
    if (len >= sizeof(db_header))
        db_seal(blob, len);
    /* an exact-size copy so that ASan catches reads past the end */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact)
        abort();
    memcpy(exact, blob, len);
    free(blob);

    /* workaround 2: leave the trie alone (the index can't be checked safely
     * from outside: ICU's own getRange crashes on a bad one) */
    if (fuzz_workarounds() &&
        (!blob_trie_ok(exact, len) || !trie_unchanged(exact, len))) {
        free(exact);
        return 0;
    }
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc = screener_db_deserialize(exact, len, &db, &err);
    if (getenv("FUZZ_DB_DEBUG"))
        fprintf(stderr, "fuzz_db: len %zu rc %d %s\n", len, rc, err ? screener_error_message(err) : "");
    free(exact);
    if (rc != SCREENER_OK) {
        FUZZ_CHECK(db == NULL);
        FUZZ_CHECK(rc == SCREENER_E_DB_FORMAT || rc == SCREENER_E_DB_CHECKSUM ||
                   rc == SCREENER_E_DB_VERSION || rc == SCREENER_E_DB_PLATFORM ||
                   rc == SCREENER_E_NOMEM || rc == SCREENER_E_HYPERSCAN);
        screener_error_free(err);
        return 0;
    }
    /* the loader promises to reject a fold table it would read outside of */
    FUZZ_CHECK(bmp_index_ok(db->fold.trie));
    screener_db_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    FUZZ_CHECK(screener_db_get_info(db, &info) == SCREENER_OK);
    uint32_t ne = screener_db_entry_count(db);
    for (uint32_t i = 0; i < ne && i < 256; i++) {
        screener_entry_info e;
        if (screener_db_entry(db, i, &e) == SCREENER_OK) {
            FUZZ_CHECK(e.term && e.category && e.source);
            (void)strlen(e.term);
            (void)strlen(e.category);
            (void)strlen(e.source);
        }
    }
    for (uint32_t i = 0; i < screener_db_category_count(db) && i < 256; i++) {
        const char *c = screener_db_category_name(db, i);
        FUZZ_CHECK(c != NULL);
        (void)strlen(c);
    }
    (void)strlen(screener_db_fingerprint(db));
    screener_scratch *s = NULL;
    if (screener_scratch_alloc(db, &s) == SCREENER_OK) {
        for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
            const screener_result *r = NULL;
            size_t tl = strlen(texts[t]);
            if (screener_scan(db, s, texts[t], tl, &r) == SCREENER_OK) {
                for (size_t i = 0; i < r->n_matches; i++)
                    FUZZ_CHECK(r->matches[i].start <= r->matches[i].end &&
                               r->matches[i].end <= tl);
            }
            char *out = NULL;
            size_t ol = 0;
            if (screener_mask(db, s, texts[t], tl, 0, 0, &out, &ol) == SCREENER_OK)
                screener_free(out);
            if (screener_fold_utf8(db, texts[t], tl, &out, &ol) == SCREENER_OK)
                screener_free(out);
        }
        screener_scratch_free(s);
    }
    screener_db_free(db);
    return 0;
}
