/*
 * format.c — the one owner of the database file format: the section table
 * (name and element size of every section), the writer (db_write_blob) and
 * the section checks the reader (db.c) applies. Any change to the layout of
 * the header, a section or an entry bumps DB_FORMAT_VERSION (db.h) and adds
 * a fixture of the previous version under tests/data/formats/.
 */
#include <stdio.h>
#include <string.h>

#include <hs.h>
#include <unicode/uversion.h>
#include <xxhash.h>

#include "common/alloc.h"
#include "common/buf.h"
#include "db.h"

const db_section_def db_sections[SEC_COUNT] = {
    [SEC_TRIE] = {"fold trie", 0}, /* packed (pack.c) */
    [SEC_EXPAND] = {"fold expansions", sizeof(uint16_t)},
    [SEC_ENTRIES] = {"entries", sizeof(db_entry)},
    [SEC_LITS] = {"literals", sizeof(db_lit)},
    [SEC_LIT_ENTRIES] = {"literal entries", sizeof(uint32_t)},
    [SEC_CATS] = {"categories", sizeof(db_category)},
    [SEC_SOURCES] = {"sources", sizeof(uint32_t)},
    [SEC_STRINGS] = {"strings", 1},
    [SEC_HS] = {"Hyperscan literals", 0},
    [SEC_HS_REGEX] = {"Hyperscan regexes", 0},
    [SEC_HS_REGEX_START] = {"Hyperscan regex starts", 0},
    [SEC_HS_LEET] = {"Hyperscan leet literals", 0},
    [SEC_HS_NARROW] = {"Hyperscan narrow literals", 0},
    [SEC_REGEXES] = {"regexes", sizeof(db_regex)},
    [SEC_RULES] = {"rules", sizeof(db_rule)},
};

int db_write_blob(const db_meta *meta, const db_section_data sec[SEC_COUNT], uint8_t **blob_out,
                  size_t *len_out)
{
    db_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, DB_MAGIC, 8);
    h.format_version = DB_FORMAT_VERSION;
    h.header_size = sizeof h;
    h.lib_version = SCREENER_VERSION_NUMBER;
    h.fold_flags = meta->fold_flags;
    h.regex_max_width = meta->regex_max_width;
    snprintf(h.hs_version, sizeof h.hs_version, "%s", hs_version());
    snprintf(h.icu_version, sizeof h.icu_version, "%s", U_ICU_VERSION);
    memcpy(h.fingerprint, meta->fingerprint, 16);
    db_section_data s[SEC_COUNT];
    memcpy(s, sec, sizeof s);
    uint8_t *packed = NULL;
    size_t packed_len = 0;
    if (!meta->trie_stored) {
        int rc = db_pack(sec[SEC_TRIE].data, sec[SEC_TRIE].count, &packed, &packed_len);
        if (rc)
            return rc;
        s[SEC_TRIE].data = packed;
        s[SEC_TRIE].count = packed_len;
    }
    buf blob = {0};
    buf_append(&blob, &h, sizeof h);
    for (int k = 0; k < SEC_COUNT; k++) {
        size_t elem = db_sections[k].elem ? db_sections[k].elem : 1;
        buf_align(&blob, 8);
        h.sec_off[k] = blob.len;
        h.sec_len[k] = s[k].count * elem;
        h.count[k] = (uint32_t)s[k].count;
        buf_append(&blob, s[k].data, s[k].count * elem);
    }
    mem_free(packed);
    if (blob.failed) {
        buf_free(&blob);
        return SCREENER_E_NOMEM;
    }
    h.file_size = blob.len;
    memcpy(blob.data, &h, sizeof h);
    db_seal(blob.data, blob.len);
    *blob_out = (uint8_t *)blob.data;
    *len_out = blob.len;
    return SCREENER_OK;
}

int db_section_ok(const db_header *h, size_t len, int k)
{
    uint64_t off = h->sec_off[k], sl = h->sec_len[k];
    if (off > len || sl > len - off || (sl && (off & 7)))
        return 0;
    size_t elem = db_sections[k].elem;
    return !elem || (uint64_t)h->count[k] * elem == sl;
}

/* ---- signature trailer ------------------------------------------------- */

_Static_assert(sizeof(db_sig_trailer) == 96, "signature trailer layout");

int db_sig_read(const uint8_t *file, size_t len, db_sig_trailer *out)
{
    if (len < sizeof *out)
        return 0;
    memcpy(out, file + len - sizeof *out, sizeof *out);
    return memcmp(out->magic, DB_SIG_MAGIC, 8) == 0;
}

void db_sig_init(db_sig_trailer *t, const uint8_t key_id[16])
{
    memset(t, 0, sizeof *t);
    memcpy(t->magic, DB_SIG_MAGIC, 8);
    t->algorithm = DB_SIG_ED25519;
    t->trailer_size = sizeof *t;
    memcpy(t->key_id, key_id, 16);
}

/* ---- the dictionary fingerprint (db.h) ------------------------------------ */

void db_fp_begin(XXH3_state_t *fp, uint32_t fold_flags)
{
    XXH3_128bits_reset(fp);
    XXH3_128bits_update(fp, &fold_flags, sizeof fold_flags);
}

void db_fp_category(XXH3_state_t *fp, const uint8_t actions[4])
{
    XXH3_128bits_update(fp, actions, 4);
}

/* memcpy of n bytes, inline for the short fields of an entry record (a
 * term's units, a category name: a few to a few ten bytes) by two
 * overlapping loads; a call to the C library's memcpy per field was most
 * of a record's cost. */
static inline void copy_short(uint8_t *d, const void *src, size_t n)
{
    const uint8_t *s = src;
    uint64_t a, b;
    uint32_t x, y;
    if (n >= 8 && n <= 16) {
        memcpy(&a, s, 8), memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8), memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(&x, s, 4), memcpy(&y, s + n - 4, 4);
        memcpy(d, &x, 4), memcpy(d + n - 4, &y, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    } else {
        memcpy(d, s, n);
    }
}

/* The bytes of one entry, in this order: reason with its NUL (generated
 * entries), unit count, units, category with its NUL, 3 or 4 meta bytes,
 * written to out; their length, or 0 when they do not fit in cap. The
 * streaming hash of a concatenation is the same whatever the split, so
 * callers hash records one by one (db_fp_entry) or many at once (the
 * loader: one hash update per few hundred entries; five updates per entry
 * were a third of a 64k-entry load's fingerprint check). */
size_t db_fp_entry_record(uint8_t *out, size_t cap, const uint16_t *units, uint32_t n_units,
                          const char *category, uint8_t severity, uint8_t flags,
                          uint8_t detector, uint8_t options, const char *reason)
{
    /* (an entry without options hashes 3 meta bytes, as before options existed) */
    uint8_t meta[4] = {severity, (uint8_t)(flags & DB_ENTRY_PUBLIC), detector, options};
    size_t rlen = reason ? strlen(reason) + 1 : 0, clen = strlen(category) + 1;
    size_t ulen = (size_t)n_units * sizeof(uint16_t), mlen = options ? 4 : 3;
    size_t total = rlen + sizeof n_units + ulen + clen + mlen;
    if (total > cap)
        return 0;
    uint8_t *p = out;
    if (rlen)
        memcpy(p, reason, rlen);
    p += rlen;
    memcpy(p, &n_units, sizeof n_units);
    p += sizeof n_units;
    copy_short(p, units, ulen);
    p += ulen;
    copy_short(p, category, clen);
    p += clen;
    copy_short(p, meta, mlen);
    return total;
}

void db_fp_entry(XXH3_state_t *fp, const uint16_t *units, uint32_t n_units, const char *category,
                 uint8_t severity, uint8_t flags, uint8_t detector, uint8_t options,
                 const char *reason)
{
    uint8_t rec[512];
    size_t n = db_fp_entry_record(rec, sizeof rec, units, n_units, category, severity, flags,
                                  detector, options, reason);
    if (n) {
        XXH3_128bits_update(fp, rec, n);
        return;
    }
    /* a long record: field by field, the same bytes */
    uint8_t meta[4] = {severity, (uint8_t)(flags & DB_ENTRY_PUBLIC), detector, options};
    if (reason)
        XXH3_128bits_update(fp, reason, strlen(reason) + 1);
    XXH3_128bits_update(fp, &n_units, sizeof n_units);
    if (n_units)
        XXH3_128bits_update(fp, units, n_units * sizeof(uint16_t));
    XXH3_128bits_update(fp, category, strlen(category) + 1);
    XXH3_128bits_update(fp, meta, options ? 4 : 3);
}

void db_fp_rule(XXH3_state_t *fp, const db_rule *r)
{
    uint8_t b[11] = {(uint8_t)r->entry, (uint8_t)(r->entry >> 8), (uint8_t)(r->entry >> 16),
                     (uint8_t)(r->entry >> 24), (uint8_t)r->part0, (uint8_t)(r->part0 >> 8),
                     (uint8_t)(r->part0 >> 16), (uint8_t)(r->part0 >> 24), r->op,
                     (uint8_t)r->distance, (uint8_t)(r->distance >> 8)};
    XXH3_128bits_update(fp, b, sizeof b);
}

void db_fp_end(XXH3_state_t *fp, uint8_t out[16])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(fp));
    memcpy(out, c.digest, 16);
}
