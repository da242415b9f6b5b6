/*
 * fuzz_db — the database loader (screener_db_deserialize) past the checksum.
 *
 * A random file fails the XXH3-128 checksum and never reaches the section
 * parser, so this target starts from a VALID database (fuzz_dict plus two
 * regex entries, so that every section, SEC_HS_REGEX included, is filled;
 * compiled once), applies fuzzer-chosen patches, re-seals the checksum with
 * the internal db_seal() and only then calls the loader. Mutations thus reach
 * the header checks, the section and cross-reference validation, the fold
 * table validation (fold_table_open) and Hyperscan's hs_deserialize_database.
 * A database that loads is then used: metadata accessors and scans of fixed
 * texts must not crash (the results of a tampered database need not be right).
 *
 * Input: a list of patches, each
 *   byte    op: bits 5..7 = kind (0..4 overwrite, 5 truncate, 6 append,
 *           7 xor), bit 4 = also set file_size to the new length, bits 0..3
 *           unused
 *   byte    target: 0..SEC_COUNT-1 a section as stored (db.h SEC_*, offsets
 *           and lengths read from the header's sec_off[]/sec_len[]),
 *           TARGET_HEADER the header, TARGET_BLOB the whole blob,
 *           TARGET_TRIE the fold trie UNPACKED (format 8 stores it packed,
 *           lib/db/pack.c: these patches go into the unpacked bytes, which
 *           are packed again before the other patches apply, so that damage
 *           reaches fold_table_open's checks; truncate and append keep its
 *           length a multiple of 4), any other value the section
 *           target % SEC_COUNT
 *   u32 LE  offset (within the target; taken modulo its length, so every
 *           byte of every section is reachable)
 *   byte    n, then n bytes of data
 * Patches that run past the input end are ignored.
 */
#include "db/db.h"
#include "fuzz_common.h"

#define TARGET_TRIE 0xFDu
#define TARGET_HEADER 0xFEu
#define TARGET_BLOB 0xFFu

/* Regex entries (bounded: a regex match may not exceed 1024 bytes), so that
 * the regex section is not empty. */
static const char regex_dict[] = "@category ads\n"
                                 "qq[0-9]{5,10}\tregex\n"
                                 "wx:?[a-z][a-z0-9_]{5,19}\tregex severity=2\n"
                                 "@rule 加我 NEAR/10 微信\n"; /* a rules section */

static uint8_t *base;
static size_t base_len;
static uint8_t *base_trie; /* the base's fold trie, unpacked */
static size_t base_trie_len;
static const char *texts[] = {
    "色情 法輪功 ＦＵＣＫ f.u.c.k fuuuck ass class straße ﬁsh 一夜情",
    "online casino 我的世界 路口交通 1000 кот",
    ("\xff\xfe s\xe2\x80\x8b" "ex \xf0\x9f\x98\x80"),
    "加我 Q Q 1 2 3 4 5 6 或 微信 wx:abc_12345 手机 13812345678",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    size_t n1 = sizeof fuzz_dict - 1, n2 = sizeof regex_dict - 1;
    char *dict = malloc(n1 + n2);
    if (!dict)
        abort();
    memcpy(dict, fuzz_dict, n1);
    memcpy(dict + n1, regex_dict, n2);
    screener_db *db = fuzz_compile_text(dict, n1 + n2, 0);
    free(dict);
    void *b = NULL;
    if (screener_db_serialize(db, &b, &base_len))
        abort();
    base = b;
    screener_db_free(db);
    const db_header *h = (const db_header *)base;
    const char *why;
    if (db_unpack(base + h->sec_off[SEC_TRIE], h->sec_len[SEC_TRIE], &base_trie,
                  &base_trie_len, &why))
        abort();
    for (unsigned i = 0; i < SEC_COUNT; i++)
        if (h->sec_len[i] == 0) {
            fprintf(stderr, "fuzz_db setup: section %u of the base database is empty\n", i);
            abort();
        }
    return 0;
}

/* 1 if every BMP data block the trie's fast index names lies inside its data
 * array and highStart is a code point (B2 in docs/fuzzing.md). */
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

/* 1 if every value of the trie's data array (null block, high and error
 * values included) is an expansion the scanner can emit: inside the
 * expansion array, at most FOLD_MAX_UNITS and at most max_units long. */
static int trie_values_ok(const fold_table *ft)
{
    const UCPTrie *t = ft->trie;
    for (int32_t i = 0; i < t->dataLength; i++) {
        uint32_t v = t->data.ptr32[i];
        if (FV_KIND(v) == FV_MULTI &&
            (FV_LEN(v) > FOLD_MAX_UNITS || FV_LEN(v) > ft->max_units ||
             (size_t)FV_OFF(v) + FV_LEN(v) > ft->n_expand))
            return 0;
    }
    return 1;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Start and length of patch target tgt in the database start (see the top). */
static void target_range(const uint8_t *start, unsigned tgt, size_t len, size_t *s0,
                         size_t *sl)
{
    const db_header *h0 = (const db_header *)start;
    *s0 = 0;
    *sl = len;
    if (tgt == TARGET_HEADER) {
        *sl = sizeof(db_header);
    } else if (tgt != TARGET_BLOB) {
        tgt %= SEC_COUNT;
        *s0 = rd64((const uint8_t *)&h0->sec_off[tgt]);
        *sl = rd64((const uint8_t *)&h0->sec_len[tgt]);
    }
    if (*s0 > len)
        *s0 = len;
    if (*sl > len - *s0)
        *sl = len - *s0;
}

/* Apply the patches of data to blob (cap bytes, *len used), which starts as
 * the database start: those for TARGET_TRIE when trie is 1, the others when
 * 0. Returns 1 if some patch applied. */
static int apply_patches(const uint8_t *data, size_t size, const uint8_t *start, uint8_t *blob,
                         size_t cap, size_t *len, int trie)
{
    int applied = 0;
    size_t p = 0;
    while (p + 7 <= size) {
        unsigned op = data[p], tgt = data[p + 1];
        size_t off = data[p + 2] | (size_t)data[p + 3] << 8 | (size_t)data[p + 4] << 16 |
                     (size_t)data[p + 5] << 24;
        size_t n = data[p + 6];
        p += 7;
        if (p + n > size)
            break;
        const uint8_t *d = data + p;
        p += n;
        unsigned kind = op >> 5;
        if ((tgt == TARGET_TRIE) != trie)
            continue;
        applied = 1;
        size_t s0 = 0, sl = *len;
        if (!trie)
            target_range(start, tgt, *len, &s0, &sl);
        size_t at = s0 + (sl ? off % sl : 0);
        if (trie && kind == 5) /* (the packer takes whole words, at least one) */
            at = at < 4 ? 4 : at & ~(size_t)3;
        if (trie && kind == 6)
            n &= ~(size_t)3;
        if (kind <= 4) {
            for (size_t k = 0; k < n && at + k < *len; k++)
                blob[at + k] = d[k];
        } else if (kind == 5) {
            *len = at;
        } else if (kind == 6) {
            if (*len + n <= cap) {
                memcpy(blob + *len, d, n);
                *len += n;
            }
        } else {
            for (size_t k = 0; k < n && at + k < *len; k++)
                blob[at + k] ^= d[k];
        }
        if (!trie && (op & 16) && *len >= sizeof(db_header)) {
            uint64_t fs = *len;
            memcpy(blob + offsetof(db_header, file_size), &fs, 8);
        }
    }
    return applied;
}

/* The base database with its fold trie replaced by the base trie with the
 * TARGET_TRIE patches of data applied (packed again, re-sealed; malloc'ed),
 * or NULL when data has none. */
static uint8_t *with_patched_trie(const uint8_t *data, size_t size, size_t *len_out)
{
    size_t cap = base_trie_len + 65536, tl = base_trie_len;
    uint8_t *t = malloc(cap);
    if (!t)
        abort();
    memcpy(t, base_trie, tl);
    if (!apply_patches(data, size, base, t, cap, &tl, 1)) {
        free(t);
        return NULL;
    }
    const db_header *h = (const db_header *)base;
    db_section_data sec[SEC_COUNT];
    for (int k = 0; k < SEC_COUNT; k++)
        sec[k] = (db_section_data){base + h->sec_off[k], h->count[k]};
    sec[SEC_TRIE] = (db_section_data){t, tl};
    db_meta meta = {h->fold_flags, h->regex_max_width, {0}, 0};
    memcpy(meta.fingerprint, h->fingerprint, 16);
    uint8_t *b = NULL;
    FUZZ_CHECK(db_write_blob(&meta, sec, &b, len_out) == SCREENER_OK);
    ((db_header *)b)->views = h->views;
    free(t);
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    size_t start_len = base_len;
    uint8_t *start_alloc = with_patched_trie(data, size, &start_len);
    const uint8_t *start = start_alloc ? start_alloc : base;
    size_t cap = start_len + 65536;
    uint8_t *blob = malloc(cap);
    if (!blob)
        abort();
    memcpy(blob, start, start_len);
    size_t len = start_len;
    apply_patches(data, size, start, blob, cap, &len, 0);
    free(start_alloc);
    if (len >= sizeof(db_header))
        db_seal(blob, len);
    /* an exact-size copy so that ASan catches reads past the end */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact)
        abort();
    memcpy(exact, blob, len);
    free(blob);

    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc = screener_db_deserialize(exact, len, &db, &err);
    /* The loader recomputes the dictionary fingerprint from the entries and
     * refuses a header that claims another (re-sealing it is what a forger
     * would do): take the one it computed from its message, write it into
     * the header and re-seal, so that mutated tables still reach the scans. */
    const char *fpm = err ? strstr(screener_error_message(err), "not the one of its entries, ")
                          : NULL;
    if (fpm) {
        const char *hex = fpm + strlen("not the one of its entries, ");
        db_header *h = (db_header *)exact;
        for (int i = 0; i < 16; i++) {
            unsigned v;
            FUZZ_CHECK(sscanf(hex + 2 * i, "%2x", &v) == 1);
            h->fingerprint[i] = (uint8_t)v;
        }
        db_seal(exact, len);
        screener_error_free(err);
        err = NULL;
        rc = screener_db_deserialize(exact, len, &db, &err);
    }
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
    FUZZ_CHECK(trie_values_ok(&db->fold));
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
