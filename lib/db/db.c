/*
 * db.c — verifying and opening database blobs, files, and metadata accessors.
 */
#include "db.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "common/error.h"
#include "normalize/views.h"
#include "common/file.h"
#include "common/env.h"
#include "common/names.h"
#include "common/alloc.h"
#include "normalize/fold.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "screener databases are little-endian; big-endian hosts are not supported yet"
#endif

_Static_assert(sizeof(db_header) % 8 == 0, "header keeps sections aligned");
_Static_assert(offsetof(db_header, lib_version) == DB_CHECKSUM_FROM, "checksum range");

void db_seal(uint8_t *blob, size_t len)
{
    XXH128_hash_t h = XXH3_128bits(blob + DB_CHECKSUM_FROM, len - DB_CHECKSUM_FROM);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h);
    memcpy(((db_header *)blob)->checksum, c.digest, 16);
}

static uint64_t next_instance(void)
{
    static _Atomic uint64_t counter;
    return atomic_fetch_add(&counter, 1) + 1;
}

static int string_ok(const screener_db *db, uint32_t off, uint32_t len)
{
    return (size_t)off < db->strings_len && (size_t)len < db->strings_len - off &&
           db->strings[off + len] == '\0';
}

static int bad(screener_error **err_out, const char *name, const char *what)
{
    return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0, "damaged database: %s", what);
}

/* Cross-check every table so that scans never index out of bounds. */
/* Lower bound of (source, line) among the written entries. */
static uint32_t find_written(const screener_db *db, uint32_t source, uint32_t line)
{
    uint32_t lo = 0, hi = db->n_written;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const db_entry *m = &db->entries[mid];
        if (m->source < source || (m->source == source && m->line < line))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t db_entry_parent(const screener_db *db, uint32_t id)
{
    const db_entry *e = &db->entries[id];
    return (e->options & DB_OPT_GENERATED) ? find_written(db, e->source, e->line) : id;
}

/* Generated entries follow the written ones. A host word (an allow entry for
 * its parent term only) needs that parent: the written deny entry at its
 * source and line, found by binary search, so the written entries must then
 * be in (source, line) order. */
static int validate_generated(screener_db *db, const char *name, screener_error **err_out)
{
    uint32_t n = 0, hosts = 0;
    while (n < db->n_entries && !(db->entries[n].options & DB_OPT_GENERATED))
        n++;
    db->n_written = n;
    for (uint32_t i = n; i < db->n_entries; i++) {
        const db_entry *e = &db->entries[i];
        if (!(e->options & DB_OPT_GENERATED))
            return bad(err_out, name, "written entry after generated ones");
        hosts += (e->options & DB_OPT_HOST) != 0;
    }
    if (!hosts)
        return SCREENER_OK;
    for (uint32_t i = 1; i < n; i++) {
        const db_entry *a = &db->entries[i - 1], *b = &db->entries[i];
        if (a->source > b->source || (a->source == b->source && a->line > b->line))
            return bad(err_out, name, "written entries out of order");
    }
    for (uint32_t i = n; i < db->n_entries; i++) {
        const db_entry *e = &db->entries[i];
        if (!(e->options & DB_OPT_HOST))
            continue;
        uint32_t p = find_written(db, e->source, e->line);
        if (p >= n || db->entries[p].source != e->source || db->entries[p].line != e->line ||
            !(e->flags & SCREENER_ENTRY_ALLOW) || (db->entries[p].flags & SCREENER_ENTRY_ALLOW))
            return bad(err_out, name, "host word without its deny term");
    }
    return SCREENER_OK;
}

/* The rules section against the entries: one record per rule entry, in
 * entry order; the parts of rule r are the generated entries first_part + 2r
 * and + 1, consecutive; operators and distances in range. Also what the scan
 * needs: how far a NEAR match reaches (what windows carry). */
static int validate_rules(screener_db *db, const char *name, screener_error **err_out)
{
    const db_header *h = db->hdr;
    db->rules = (const db_rule *)(db->blob + h->sec_off[SEC_RULES]);
    db->n_rules = h->count[SEC_RULES];
    uint32_t n_rule_entries = 0, n_parts = 0, first = db->n_entries;
    for (uint32_t i = 0; i < db->n_entries; i++) {
        const db_entry *e = &db->entries[i];
        if (e->options & DB_OPT_RULE) {
            if ((e->options & (DB_OPT_GENERATED | DB_OPT_PART)) || (e->flags & DB_ENTRY_PUBLIC))
                return bad(err_out, name, "rule entry with other flags");
            n_rule_entries++;
        }
        if (e->options & DB_OPT_PART) {
            if (!(e->options & DB_OPT_GENERATED) || (e->options & DB_OPT_HOST) ||
                (e->flags & (SCREENER_ENTRY_ALLOW | SCREENER_ENTRY_REGEX | SCREENER_ENTRY_DETECTOR)))
                return bad(err_out, name, "rule part with other flags");
            if (i < first)
                first = i;
            n_parts++;
        }
    }
    if (n_rule_entries != db->n_rules || n_parts != 2 * (uint64_t)db->n_rules ||
        (n_parts && (uint64_t)first + n_parts > db->n_entries))
        return bad(err_out, name, "rules section does not match the rule entries");
    uint32_t dmax = 0;
    for (uint32_t r = 0; r < db->n_rules; r++) {
        const db_rule *x = &db->rules[r];
        if (x->entry >= db->n_entries || !(db->entries[x->entry].options & DB_OPT_RULE) ||
            (r && x->entry <= db->rules[r - 1].entry) || x->part0 != first + 2 * r ||
            !(db->entries[x->part0].options & DB_OPT_PART) ||
            !(db->entries[x->part0 + 1].options & DB_OPT_PART) || x->op < DB_RULE_NEAR ||
            x->op > DB_RULE_THEN ||
            (x->op == DB_RULE_NEAR) != (x->distance >= 1 && x->distance <= DB_RULE_MAX_DISTANCE) ||
            (x->op != DB_RULE_NEAR && x->distance != 0) || x->reserved)
            return bad(err_out, name, "rule out of range");
        if (x->op == DB_RULE_NEAR && x->distance > dmax)
            dmax = x->distance;
        db->n_message_rules += x->op != DB_RULE_NEAR;
    }
    db->first_part = first;
    /* a NEAR match whose start is final must see every B within n of its A,
     * on both sides: 3 parts and 2n characters (2 units each at most) */
    db->rules_reach = dmax ? 3 * db->max_lit_units + 4 * dmax + 2 : 0;
    return SCREENER_OK;
}

static int validate_tables(screener_db *db, const char *name, screener_error **err_out)
{
    if (db->strings_len == 0 || db->strings[db->strings_len - 1] != '\0')
        return bad(err_out, name, "string table not terminated");
    for (uint32_t i = 0; i < db->n_sources; i++)
        if (db->sources[i] >= db->strings_len)
            return bad(err_out, name, "source name out of range");
    for (uint32_t i = 0; i < db->n_cats; i++) {
        if (db->cats[i].name_off >= db->strings_len || db->cats[i].name_zh_off >= db->strings_len ||
            db->cats[i].name_en_off >= db->strings_len)
            return bad(err_out, name, "category name out of range");
        for (int s = 0; s < 4; s++)
            if (db->cats[i].actions[s] > SCREENER_ACTION_BLOCK)
                return bad(err_out, name, "unknown action");
    }
    for (uint32_t i = 0; i < db->n_entries; i++) {
        const db_entry *e = &db->entries[i];
        if (!string_ok(db, e->term_off, e->term_len) || e->source >= db->n_sources ||
            e->category >= db->n_cats || e->severity < 1 || e->severity > 4)
            return bad(err_out, name, "entry out of range");
        if ((e->options & ~DB_OPT_ALL) ||
            ((e->options & DB_OPT_HOST) && !(e->options & DB_OPT_GENERATED)))
            return bad(err_out, name, "unknown entry option");
        if ((e->options & DB_OPT_GENERATED) &&
            (uint64_t)e->term_off + e->term_len + 1 >= db->strings_len)
            return bad(err_out, name, "generated entry without its reason");
        if ((e->flags & SCREENER_ENTRY_DETECTOR) &&
            (e->detector < DETECT_CN_MOBILE || e->detector > DETECT_LAST))
            return bad(err_out, name, "unknown detector");
        if (e->flags & SCREENER_ENTRY_DETECTOR) {
            db->n_detectors++;
            db->detector_mask |= 1u << e->detector;
        }
        if (e->flags & SCREENER_ENTRY_REGEX)
            db->n_regex++;
    }
    int vr = validate_generated(db, name, err_out);
    if (vr)
        return vr;
    for (uint32_t i = 0; i < db->n_lits; i++) {
        const db_lit *l = &db->lits[i];
        if (l->entries_off > db->n_lit_entries ||
            l->n_entries > db->n_lit_entries - l->entries_off || l->n_entries == 0 ||
            l->units == 0)
            return bad(err_out, name, "literal out of range");
        if (l->units > db->max_lit_units)
            db->max_lit_units = l->units;
        if (i == 0 || l->units < db->min_lit_units)
            db->min_lit_units = l->units;
    }
    for (uint32_t i = 0; i < db->n_lit_entries; i++)
        if (db->lit_entries[i] >= db->n_entries)
            return bad(err_out, name, "literal entry out of range");
    return validate_rules(db, name, err_out);
}

/* ---- the fingerprint ------------------------------------------------------ */

/* Recompute the dictionary fingerprint from the entries, folding each term
 * through the file's own fold table exactly as the compiler did, so that a
 * file cannot claim another dictionary's fingerprint (a service that
 * compares fingerprints to know what it runs would be misled). Cost: one
 * fold per entry (64,420 terms: 3-7 ms of a 26-46 ms load, measured) and
 * one hash update per buffer of entry records. */
static int verify_fingerprint(const screener_db *db, const char *name, screener_error **err_out)
{
    XXH3_state_t *fp = XXH3_createState();
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    if (!fp)
        return err_set(err_out, SCREENER_E_NOMEM, name, 0, "out of memory");
    const db_header *h = db->hdr;
    int rc = SCREENER_OK;
    db_fp_begin(fp, h->fold_flags);
    for (uint32_t i = 0; i < db->n_cats; i++)
        db_fp_category(fp, db->cats[i].actions);
    uint8_t rec[8192]; /* entry records, hashed a buffer at a time */
    size_t used = 0;
    for (uint32_t i = 0; i < db->n_entries && !rc; i++) {
        const db_entry *e = &db->entries[i];
        fb.n = 0;
        if (!(e->flags & (SCREENER_ENTRY_DETECTOR | SCREENER_ENTRY_REGEX)) &&
            !(e->options & DB_OPT_RULE) &&
            fold_text(&db->fold, (const uint8_t *)db->strings + e->term_off, e->term_len, &fb))
            rc = err_set(err_out, SCREENER_E_NOMEM, name, 0, "out of memory");
        const char *reason = (e->options & DB_OPT_GENERATED)
                                 ? db->strings + e->term_off + e->term_len + 1
                                 : NULL; /* (validate_tables checked it is there) */
        const char *cat = db->strings + db->cats[e->category].name_off;
        size_t n = db_fp_entry_record(rec + used, sizeof rec - used, fb.units, (uint32_t)fb.n,
                                      cat, e->severity, e->flags, e->detector, e->options,
                                      reason);
        if (!n) { /* the buffer is full (or the record longer than it) */
            XXH3_128bits_update(fp, rec, used);
            used = 0;
            db_fp_entry(fp, fb.units, (uint32_t)fb.n, cat, e->severity, e->flags, e->detector,
                        e->options, reason);
        }
        used += n;
    }
    XXH3_128bits_update(fp, rec, used);
    for (uint32_t r = 0; r < db->n_rules; r++)
        db_fp_rule(fp, &db->rules[r]);
    uint8_t got[16];
    db_fp_end(fp, got);
    XXH3_freeState(fp);
    fold_buf_free(&fb);
    if (!rc && memcmp(got, h->fingerprint, 16) != 0) {
        char hex[33];
        for (int i = 0; i < 16; i++)
            snprintf(hex + 2 * i, 3, "%02x", got[i]);
        rc = err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                     "damaged database: the header's fingerprint %s is not the one of its "
                     "entries, %s", db->fingerprint_hex, hex);
    }
    return rc;
}

/* ---- Hyperscan sections ------------------------------------------------- */

/* Bounds for what a Hyperscan section of len bytes may ask for. Our own
 * databases stay far below them (deserialized size = serialized size plus
 * alignment; scratch a few KB to a few MB); one bit flip in the bytecode of
 * a re-sealed file made hs_alloc_scratch ask for 64 MB .. 1 GB and more. A
 * request too large for malloc fails (SCREENER_E_NOMEM); one that succeeds is
 * freed at once and the file refused. */
#define DB_HS_MAX_INFLATE(len) (2 * (uint64_t)(len) + 65536)
#define DB_HS_MAX_SCRATCH(len) ((size_t)64 * (len) + ((size_t)16 << 20))

/* hs_deserialize_database, with the memory allocated here (mem_malloc_large:
 * the deserialized copy is written in full at once, huge pages spare most of
 * its page faults). Hyperscan allocates its databases with the same
 * allocator (the C library's, or mem_* when an application set one), so
 * hs_free_database releases it as usual. */
static hs_error_t hs_deserialize_into(const uint8_t *bytes, size_t len, size_t dsize,
                                      hs_database_t **out)
{
    hs_database_t *d = mem_malloc_large(dsize ? dsize : 1);
    if (!d)
        return HS_NOMEM;
    hs_error_t he = hs_deserialize_database_at((const char *)bytes, len, d);
    if (he != HS_SUCCESS) {
        mem_free(d);
        return he;
    }
    *out = d;
    return HS_SUCCESS;
}

/* Cheap checks on one serialized Hyperscan database before and after
 * hs_deserialize_database: block mode and this library's version (from the
 * database's own info string), a deserialized size in proportion to the
 * bytes, and a scratch that can be allocated within DB_HS_MAX_SCRATCH (the
 * scratch is allocated once here and kept in *keep for the first scan
 * scratch, or freed when keep is NULL). When *keep already holds a scratch
 * (another section's), that one is grown to fit this database too, by at
 * most DB_HS_MAX_SCRATCH: the leet and narrow sections share the literal
 * scratch at scan time, so the first scan scratch then needs no fitting.
 * Expected pattern counts cannot be checked: Hyperscan does not expose them;
 * the match callbacks check every id and offset instead. */
static int hs_section_open(const uint8_t *bytes, size_t len, const char *what, const char *name,
                           hs_database_t **out, _Atomic(hs_scratch_t *) *keep,
                           screener_error **err_out)
{
    *out = NULL;
    char *info = NULL;
    hs_error_t he = hs_serialized_database_info((const char *)bytes, len, &info);
    if (he == HS_SUCCESS) {
        /* "Version: 5.4.9 Features: AVX2 Mode: BLOCK" */
        char ver[80];
        snprintf(ver, sizeof ver, "Version: %.*s ", (int)strcspn(hs_version(), " "),
                 hs_version());
        int ok_ver = strncmp(info, ver, strlen(ver)) == 0;
        const char *mode = strstr(info, " Mode: ");
        int ok_mode = mode && strcmp(mode, " Mode: BLOCK") == 0;
        int rc = SCREENER_OK;
        if (!ok_ver)
            rc = err_set(err_out, SCREENER_E_DB_PLATFORM, name, 0,
                         "%s database says \"%.80s\", this library runs Hyperscan %s", what,
                         info, hs_version());
        else if (!ok_mode)
            rc = err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                         "damaged database: %s database is not in block mode (\"%.80s\")",
                         what, info);
        mem_free(info); /* (Hyperscan's misc allocator is the hook's) */
        if (rc)
            return rc;
    }
    size_t dsize = 0;
    if (he == HS_SUCCESS)
        he = hs_serialized_database_size((const char *)bytes, len, &dsize);
    if (he == HS_SUCCESS && dsize > DB_HS_MAX_INFLATE(len))
        return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                       "damaged database: %s database of %zu bytes claims %zu in memory", what,
                       len, dsize);
    if (he == HS_SUCCESS)
        he = hs_deserialize_into(bytes, len, dsize, out);
    if (he == HS_SUCCESS) {
        hs_scratch_t *scratch = keep ? atomic_exchange(keep, NULL) : NULL; /* grown, if any */
        size_t before = 0, ssize = 0;
        if (scratch && hs_scratch_size(scratch, &before) != HS_SUCCESS)
            before = 0;
        size_t limit = before + DB_HS_MAX_SCRATCH(len);
        mem_hs_install();
        mem_hs_scratch_limit(limit);
        he = hs_alloc_scratch(*out, &scratch); /* (on failure: freed or left as it was) */
        int refused = mem_hs_scratch_refused();
        mem_hs_scratch_limit(0);
        if (he == HS_SUCCESS)
            he = hs_scratch_size(scratch, &ssize);
        if (he == HS_SUCCESS && keep && ssize <= limit)
            atomic_store(keep, scratch); /* for the first scan scratch */
        else
            hs_free_scratch(scratch);
        if (he == HS_NOMEM && refused) {
            hs_free_database(*out);
            *out = NULL;
            return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                           "damaged database: %s database asks for more than %zu bytes of "
                           "scratch", what, limit);
        }
        if (he == HS_SUCCESS && ssize > limit) {
            hs_free_database(*out);
            *out = NULL;
            return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                           "damaged database: %s database needs %zu bytes of scratch "
                           "(limit %zu)", what, ssize, limit);
        }
        if (he != HS_SUCCESS) {
            hs_free_database(*out);
            *out = NULL;
        }
    }
    if (he == HS_SUCCESS)
        return SCREENER_OK;
    if (he == HS_DB_PLATFORM_ERROR)
        return err_set(err_out, SCREENER_E_DB_PLATFORM, name, 0,
                       "Hyperscan %s database built for another CPU platform", what);
    if (he == HS_DB_VERSION_ERROR)
        return err_set(err_out, SCREENER_E_DB_VERSION, name, 0,
                       "Hyperscan %s database from another Hyperscan version", what);
    if (he == HS_NOMEM)
        return err_set(err_out, SCREENER_E_NOMEM, name, 0, "out of memory");
    return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                   "Hyperscan rejected its %s database (error %d)", what, (int)he);
}

/* ---- the leet section's shortest match ------------------------------------ */

/* Every string of one or two bytes, once each: the de Bruijn sequence of
 * order 2 over the 256 byte values (its Lyndon words 0, 0 1, 0 2 .. 0 255,
 * 1, 1 2 .. 254 255, 255, then the first byte again to close the cycle). */
#define LEET_PROBE_LEN (256u * 256u + 1u)
static void leet_probe_text(uint8_t *out)
{
    size_t k = 0;
    for (unsigned a = 0; a < 256; a++) {
        out[k++] = (uint8_t)a;
        for (unsigned b = a + 1; b < 256; b++) {
            out[k++] = (uint8_t)a;
            out[k++] = (uint8_t)b;
        }
    }
    out[k] = 0;
}

typedef struct leet_probe {
    const screener_db *db;
    uint32_t lit; /* the first literal found too short */
    int found;
} leet_probe;

static int on_leet_probe(unsigned int id, unsigned long long from, unsigned long long to,
                         unsigned int flags, void *ctx)
{
    (void)from;
    (void)to;
    (void)flags;
    leet_probe *p = ctx;
    /* (an id past the literals is ignored here as at scan time: m_literals.c) */
    if (id < p->db->n_lits && p->db->lits[id].units < DB_LEET_MIN_UNITS) {
        p->lit = id;
        p->found = 1;
        return 1; /* stop: one is enough to refuse the file */
    }
    return 0;
}

/* The leet row's gate (scan/matchers.c shortest_leet) skips every reading
 * shorter than DB_LEET_MIN_UNITS: it assumes the leet section reports no
 * literal shorter than that (the compiler puts only literals of 2+ letters
 * a-z there: compile/leet_lits.c), else such a literal would be missed in a
 * one-letter text and found in longer ones. Hyperscan does not list a
 * database's literals, and the file does not say which literals the section
 * holds, so the load checks what the section does: a literal a one-unit
 * reading can match is at most 2 bytes of UTF-16LE (1 when its NUL byte was
 * stripped), every string of 1 or 2 bytes occurs in leet_probe_text, and
 * one hs_scan over it therefore reports every such literal (with longer ones
 * that happen to occur). A reported id whose literal (db_lit.units) is
 * shorter than DB_LEET_MIN_UNITS refuses the file, naming the literal.
 * (Patterns other than literals, e.g. anchored ones, are not what the
 * section holds; the probe does not cover them.) Cost: one scan of 64 KiB
 * with the scratch the load checked the section with (0.26-0.46 M
 * instructions), paid only by a database that has a literal that short at
 * all (db->min_lit_units): no other id can fail. */
static int check_leet_shortest(const screener_db *db, hs_scratch_t *scratch, const char *name,
                               screener_error **err_out)
{
    uint8_t *text = mem_malloc(LEET_PROBE_LEN);
    if (!text)
        return err_set(err_out, SCREENER_E_NOMEM, name, 0, "out of memory");
    leet_probe_text(text);
    leet_probe p = {db, 0, 0};
    hs_error_t he = hs_scan(db->hs_leet, (const char *)text, LEET_PROBE_LEN, 0, scratch,
                            on_leet_probe, &p);
    mem_free(text);
    if (he != HS_SUCCESS && !(he == HS_SCAN_TERMINATED && p.found))
        return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                       "damaged database: section %s fails a scan (Hyperscan error %d)",
                       db_sections[SEC_HS_LEET].name, (int)he);
    if (!p.found)
        return SCREENER_OK;
    const db_lit *l = &db->lits[p.lit];
    const db_entry *e = &db->entries[db->lit_entries[l->entries_off]]; /* (validated) */
    int n = e->term_len > 60 ? 60 : (int)e->term_len;
    while (n > 0 && n < (int)e->term_len && ((uint8_t)db->strings[e->term_off + n] & 0xC0) == 0x80)
        n--; /* (cut before a UTF-8 continuation byte) */
    return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                   "damaged database: section %s holds literal %u (\"%.*s%s\", %s line %u) "
                   "of %u folded unit, shorter than the leet row's shortest match (%u units)",
                   db_sections[SEC_HS_LEET].name, p.lit, n, db->strings + e->term_off,
                   n < (int)e->term_len ? "..." : "", db->strings + db->sources[e->source],
                   e->line, l->units, DB_LEET_MIN_UNITS);
}

/* The regex table: one record per regex entry, in entry order, widths within
 * the header's bound (which windows and streams carry). */
static int validate_regexes(screener_db *db, const char *name, screener_error **err_out)
{
    const db_header *h = db->hdr;
    if (h->count[SEC_REGEXES] != db->n_regex)
        return bad(err_out, name, "regex table does not match the regex entries");
    if (h->regex_max_width > DB_REGEX_MAX_WIDTH || (db->n_regex && h->regex_max_width == 0))
        return bad(err_out, name, "regex width out of range");
    db->regexes = (const db_regex *)(db->blob + h->sec_off[SEC_REGEXES]);
    for (uint32_t i = 0; i < db->n_regex; i++) {
        const db_regex *r = &db->regexes[i];
        if (r->entry >= db->n_entries || !(db->entries[r->entry].flags & SCREENER_ENTRY_REGEX) ||
            (i && r->entry <= db->regexes[i - 1].entry) || r->max_width == 0 ||
            r->max_width > h->regex_max_width || r->min_width == 0 ||
            r->min_width > r->max_width)
            return bad(err_out, name, "regex table out of range");
        if (i == 0 || r->min_width < db->regex_min_width)
            db->regex_min_width = r->min_width;
    }
    return SCREENER_OK;
}

/* SCREENER_NARROW=off: scan the UTF-16 literal database even when a
 * message's folded view is all ASCII (the narrow section is loaded and
 * checked, then not used). Read once per database opened: for benchmarks
 * and the differential test (tests/scan/test_narrow.c). */
static int narrow_off(void)
{
    return env_is("SCREENER_NARROW", "off");
}

/* Open the Hyperscan sections the tables say are there. */
static int open_hyperscan(screener_db *db, const char *name, screener_error **err_out)
{
    const db_header *h = db->hdr;
    if ((h->sec_len[SEC_HS] == 0) != (db->n_lits == 0))
        return bad(err_out, name, "Hyperscan section does not match the literals");
    if ((h->sec_len[SEC_HS_REGEX] == 0) != (db->n_regex == 0) ||
        (h->sec_len[SEC_HS_REGEX_START] == 0) != (db->n_regex == 0))
        return bad(err_out, name, "regex section does not match the regex entries");
    int rc = validate_regexes(db, name, err_out);
    if (!rc && db->n_lits)
        rc = hs_section_open(db->blob + h->sec_off[SEC_HS], h->sec_len[SEC_HS], "literal", name,
                             &db->hs, &db->spare[DB_SPARE_LIT], err_out);
    if (!rc && db->n_regex)
        rc = hs_section_open(db->blob + h->sec_off[SEC_HS_REGEX], h->sec_len[SEC_HS_REGEX],
                             "regex", name, &db->hs_regex, &db->spare[DB_SPARE_REGEX], err_out);
    if (!rc && db->n_regex)
        rc = hs_section_open(db->blob + h->sec_off[SEC_HS_REGEX_START],
                             h->sec_len[SEC_HS_REGEX_START], "regex start", name,
                             &db->hs_regex_start, &db->spare[DB_SPARE_REGEX_START], err_out);
    if (!rc && h->sec_len[SEC_HS_LEET] && !db->n_lits)
        rc = bad(err_out, name, "leet section without literals");
    /* the leet and narrow sections are checked by growing the literal
     * section's scratch (they share it at scan time: scan/scratch.c) */
    if (!rc && h->sec_len[SEC_HS_LEET])
        rc = hs_section_open(db->blob + h->sec_off[SEC_HS_LEET], h->sec_len[SEC_HS_LEET],
                             "leet literal", name, &db->hs_leet, &db->spare[DB_SPARE_LIT],
                             err_out);
    if (!rc && h->sec_len[SEC_HS_LEET] && db->min_lit_units < DB_LEET_MIN_UNITS)
        rc = check_leet_shortest(db, atomic_load(&db->spare[DB_SPARE_LIT]), name, err_out);
    if (!rc && h->sec_len[SEC_HS_NARROW] && !db->n_lits)
        rc = bad(err_out, name, "narrow literal section without literals");
    if (!rc && h->sec_len[SEC_HS_NARROW])
        rc = hs_section_open(db->blob + h->sec_off[SEC_HS_NARROW], h->sec_len[SEC_HS_NARROW],
                             "narrow literal", name, &db->hs_narrow, &db->spare[DB_SPARE_LIT],
                             err_out);
    if (!rc && db->hs_narrow && narrow_off()) { /* checked like the others, then left unused */
        hs_free_database(db->hs_narrow);
        db->hs_narrow = NULL;
    }
    return rc; /* (on failure screener_db_free releases what was opened) */
}

/* The header's checks, before any section is looked at: magic, size,
 * version, checksum, the versions it was built with, section ranges. */
static int check_header(const uint8_t *blob, size_t len, const char *name,
                        screener_error **err_out)
{
    const db_header *h = (const db_header *)blob;
    if (len < 8 || memcmp(h->magic, DB_MAGIC, 8) != 0)
        return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0, "not a screener database");
    if (len < sizeof(db_header))
        return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                       "truncated: %zu bytes, the header alone needs %zu", len,
                       sizeof(db_header));
    if (h->format_version != DB_FORMAT_VERSION)
        return err_set(err_out, SCREENER_E_DB_VERSION, name, 0,
                       "database format version %u, this library reads version %u; "
                       "recompile it from its dictionaries",
                       h->format_version, DB_FORMAT_VERSION);
    if (h->header_size != sizeof(db_header))
        return bad(err_out, name, "header size");
    if (h->file_size != len)
        return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                       "%s: header says %llu bytes, got %zu",
                       h->file_size > len ? "truncated" : "trailing bytes",
                       (unsigned long long)h->file_size, len);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(blob + DB_CHECKSUM_FROM, len - DB_CHECKSUM_FROM));
    if (memcmp(c.digest, h->checksum, 16) != 0)
        return err_set(err_out, SCREENER_E_DB_CHECKSUM, name, 0,
                       "checksum mismatch: the file is damaged");
    /* From here on the bytes are the ones we wrote (or trusted input). */
    if (memchr(h->icu_version, '\0', sizeof h->icu_version) == NULL)
        return bad(err_out, name, "ICU version string");
    if (memchr(h->hs_version, '\0', sizeof h->hs_version) == NULL ||
        strcmp(h->hs_version, hs_version()) != 0)
        return err_set(err_out, SCREENER_E_DB_PLATFORM, name, 0,
                       "built with Hyperscan \"%.63s\", this library runs \"%s\"; "
                       "recompile it from its dictionaries",
                       h->hs_version, hs_version());
    if (h->views & ~(uint32_t)VIEW_ALL)
        return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                       "the database reads views this library does not have (0x%x)",
                       h->views & ~(uint32_t)VIEW_ALL);
    for (int k = 0; k < SEC_COUNT; k++)
        if (!db_section_ok(h, len, k))
            return err_set(err_out, SCREENER_E_DB_FORMAT, name, 0,
                           "damaged database: section %s out of range", db_sections[k].name);
    return SCREENER_OK;
}

/* Point the database's tables into its blob (ranges checked by check_header). */
static void map_sections(screener_db *db)
{
    const uint8_t *blob = db->blob;
    const db_header *h = db->hdr;
    db->entries = (const db_entry *)(blob + h->sec_off[SEC_ENTRIES]);
    db->n_entries = h->count[SEC_ENTRIES];
    db->lits = (const db_lit *)(blob + h->sec_off[SEC_LITS]);
    db->n_lits = h->count[SEC_LITS];
    db->lit_entries = (const uint32_t *)(blob + h->sec_off[SEC_LIT_ENTRIES]);
    db->n_lit_entries = h->count[SEC_LIT_ENTRIES];
    db->cats = (const db_category *)(blob + h->sec_off[SEC_CATS]);
    db->n_cats = h->count[SEC_CATS];
    db->sources = (const uint32_t *)(blob + h->sec_off[SEC_SOURCES]);
    db->n_sources = h->count[SEC_SOURCES];
    db->strings = (const char *)(blob + h->sec_off[SEC_STRINGS]);
    db->strings_len = h->sec_len[SEC_STRINGS];
    for (int i = 0; i < 16; i++)
        snprintf(db->fingerprint_hex + 2 * i, 3, "%02x", h->fingerprint[i]);
}

void db_record_views(screener_db *db, uint32_t view_bits)
{
    ((db_header *)db->blob)->views = view_bits;
    db_seal(db->blob, db->blob_len);
}

/* Unpack the fold trie (stored packed, pack.c) into memory the db owns,
 * then open the table over it: the same bytes the compiler built. */
static int open_fold(screener_db *db, const char *name, screener_error **err_out)
{
    const db_header *h = db->hdr;
    const char *why = NULL;
    int rc = db_unpack(db->blob + h->sec_off[SEC_TRIE], h->sec_len[SEC_TRIE], &db->fold_trie,
                       &db->fold_trie_len, &why);
    if (rc == SCREENER_E_NOMEM)
        return err_set(err_out, rc, name, 0, "out of memory unpacking section %s",
                       db_sections[SEC_TRIE].name);
    if (rc)
        return err_set(err_out, rc, name, 0, "damaged database: section %s: %s",
                       db_sections[SEC_TRIE].name, why);
    if (fold_table_open(&db->fold, db->fold_trie, db->fold_trie_len,
                        (const uint16_t *)(db->blob + h->sec_off[SEC_EXPAND]),
                        h->count[SEC_EXPAND]))
        return bad(err_out, name, "fold table");
    fold_table_set_collapse(&db->fold, (h->fold_flags & SCREENER_FOLD_REPEATS) != 0);
    return SCREENER_OK;
}

/* The ids of the detector entries, which every scan runs. */
static int index_detectors(screener_db *db, const char *name, screener_error **err_out)
{
    if (!db->n_detectors)
        return SCREENER_OK;
    db->detector_ids = mem_malloc(db->n_detectors * sizeof(uint32_t));
    if (!db->detector_ids)
        return err_set(err_out, SCREENER_E_NOMEM, name, 0, "out of memory");
    uint32_t k = 0;
    for (uint32_t i = 0; i < db->n_entries; i++)
        if (db->entries[i].flags & SCREENER_ENTRY_DETECTOR)
            db->detector_ids[k++] = i;
    return SCREENER_OK;
}

int db_open_blob(uint8_t *blob, size_t len, const char *name, screener_db **db_out,
                 screener_error **err_out)
{
    *db_out = NULL;
    int rc = check_header(blob, len, name, err_out);
    screener_db *db = rc ? NULL : mem_calloc(1, sizeof *db);
    if (!db) {
        mem_free(blob);
        return rc ? rc : err_set(err_out, SCREENER_E_NOMEM, name, 0, "out of memory");
    }
    /* from here on screener_db_free releases whatever has been opened */
    db->blob = blob;
    db->blob_len = len;
    db->hdr = (const db_header *)blob;
    db->instance = next_instance();
    map_sections(db);
    rc = validate_tables(db, name, err_out);
    if (!rc)
        rc = open_fold(db, name, err_out);
    if (!rc)
        rc = verify_fingerprint(db, name, err_out);
    if (!rc)
        rc = index_detectors(db, name, err_out);
    if (!rc)
        rc = open_hyperscan(db, name, err_out);
    if (rc) {
        screener_db_free(db);
        return rc;
    }
    *db_out = db;
    return SCREENER_OK;
}

SCREENER_API void screener_db_free(screener_db *db)
{
    if (!db)
        return;
    hs_free_database(db->hs);
    hs_free_database(db->hs_regex);
    hs_free_database(db->hs_regex_start);
    hs_free_database(db->hs_leet);
    hs_free_database(db->hs_narrow);
    for (int k = 0; k < DB_SPARES; k++)
        hs_free_scratch(atomic_load(&db->spare[k]));
    mem_free(db->detector_ids);
    fold_table_close(&db->fold);
    mem_free(db->fold_trie);
    mem_free(db->blob);
    mem_free(db);
}

hs_scratch_t *db_take_spare(const screener_db *db, int k)
{
    /* (the slot is the one field a const db changes: handed out once) */
    screener_db *d = (screener_db *)(uintptr_t)db;
    return atomic_load(&d->spare[k]) ? atomic_exchange(&d->spare[k], NULL) : NULL;
}

/* ---- serialization and files ------------------------------------------- */

SCREENER_API int screener_db_serialize(const screener_db *db, void **buf_out,
                                       size_t *len_out)
{
    if (!db || !buf_out || !len_out)
        return SCREENER_E_INVALID_ARGUMENT;
    void *b = mem_malloc(db->blob_len);
    if (!b)
        return SCREENER_E_NOMEM;
    memcpy(b, db->blob, db->blob_len);
    *buf_out = b;
    *len_out = db->blob_len;
    return SCREENER_OK;
}

/* Load options as far as the caller's struct_size covers them. */
static int load_options(const screener_load_options *in, screener_load_options *o)
{
    memset(o, 0, sizeof *o);
    if (!in)
        return SCREENER_OK;
    if (in->struct_size < sizeof(size_t))
        return SCREENER_E_INVALID_ARGUMENT;
    memcpy(o, in, in->struct_size < sizeof *o ? in->struct_size : sizeof *o);
    return SCREENER_OK;
}

/* Open the bytes of a database file (owned; freed on failure): the
 * signature first, then the blob. */
static int open_file_bytes(uint8_t *data, size_t len, const screener_load_options *opts,
                           const char *name, screener_db **db_out, screener_error **err_out)
{
    screener_load_options o;
    int rc = load_options(opts, &o);
    if (rc) {
        mem_free(data);
        return err_set(err_out, rc, name, 0, "load options: struct_size too small");
    }
    db_sig_result sig;
    rc = db_sig_check(data, len, &o, name, &sig, err_out);
    if (rc) {
        mem_free(data);
        return rc;
    }
    rc = db_open_blob(data, sig.blob_len, name, db_out, err_out);
    if (rc)
        return rc;
    (*db_out)->signature = sig.state;
    memcpy((*db_out)->signature_key_hex, sig.key_hex, sizeof sig.key_hex);
    return SCREENER_OK;
}

SCREENER_API int screener_db_deserialize_ex(const void *buf, size_t len,
                                            const screener_load_options *options,
                                            screener_db **db_out, screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!db_out || (!buf && len))
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "screener_db_deserialize: NULL argument");
    *db_out = NULL;
    uint8_t *copy = mem_malloc_large(len ? len : 1);
    if (!copy)
        return err_set(err_out, SCREENER_E_NOMEM, NULL, 0, "out of memory");
    if (len)
        memcpy(copy, buf, len);
    return open_file_bytes(copy, len, options, "<memory>", db_out, err_out);
}

SCREENER_API int screener_db_deserialize(const void *buf, size_t len,
                                         screener_db **db_out, screener_error **err_out)
{
    return screener_db_deserialize_ex(buf, len, NULL, db_out, err_out);
}

SCREENER_API int screener_db_save(const screener_db *db, const char *path,
                                  screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!db || !path)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "screener_db_save: NULL argument");
    return file_write_atomic(path, db->blob, db->blob_len, err_out);
}

SCREENER_API int screener_db_load_ex(const char *path, const screener_load_options *options,
                                     screener_db **db_out, screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!path || !db_out)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "screener_db_load: NULL argument");
    *db_out = NULL;
    char *data;
    size_t len;
    int rc = file_read(path, &data, &len, err_out);
    if (rc)
        return rc;
    return open_file_bytes((uint8_t *)data, len, options, path, db_out, err_out);
}

SCREENER_API int screener_db_load(const char *path, screener_db **db_out,
                                  screener_error **err_out)
{
    return screener_db_load_ex(path, NULL, db_out, err_out);
}

/* ---- metadata ----------------------------------------------------------- */

SCREENER_API uint32_t screener_db_entry_count(const screener_db *db)
{
    return db ? db->n_entries : 0;
}

SCREENER_API int screener_db_entry(const screener_db *db, uint32_t entry_id,
                                   screener_entry_info *info)
{
    if (!db || !info || entry_id >= db->n_entries)
        return SCREENER_E_INVALID_ARGUMENT;
    const db_entry *e = &db->entries[entry_id];
    info->term = db->strings + e->term_off;
    info->category = db->strings + db->cats[e->category].name_off;
    info->category_id = e->category;
    info->severity = e->severity;
    info->flags = (e->flags & DB_ENTRY_PUBLIC) |
                  (e->options & DB_OPT_NUMERALS ? SCREENER_ENTRY_NUMERALS : 0u) |
                  (e->options & DB_OPT_RULE ? SCREENER_ENTRY_RULE : 0u) |
                  (e->options & DB_OPT_PART ? SCREENER_ENTRY_RULE_PART : 0u);
    info->source = db->strings + db->sources[e->source];
    info->line = e->line;
    return SCREENER_OK;
}

SCREENER_API const char *screener_db_entry_reason(const screener_db *db, uint32_t entry_id)
{
    if (!db || entry_id >= db->n_entries || !(db->entries[entry_id].options & DB_OPT_GENERATED))
        return NULL;
    const db_entry *e = &db->entries[entry_id];
    return db->strings + e->term_off + e->term_len + 1;
}

const db_rule *db_rule_of_entry(const screener_db *db, uint32_t entry_id)
{
    uint32_t lo = 0, hi = db->n_rules;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (db->rules[mid].entry < entry_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < db->n_rules && db->rules[lo].entry == entry_id ? &db->rules[lo] : NULL;
}

SCREENER_API int screener_db_rule(const screener_db *db, uint32_t entry_id,
                                  screener_rule_info *info)
{
    if (!db || !info || info->struct_size < sizeof(size_t) || entry_id >= db->n_entries)
        return SCREENER_E_INVALID_ARGUMENT;
    const db_entry *e = &db->entries[entry_id];
    const db_rule *r = NULL;
    if (e->options & DB_OPT_RULE)
        r = db_rule_of_entry(db, entry_id);
    else if (e->options & DB_OPT_PART)
        r = &db->rules[(entry_id - db->first_part) / 2];
    if (!r)
        return SCREENER_E_INVALID_ARGUMENT;
    screener_rule_info full;
    memset(&full, 0, sizeof full);
    full.struct_size = info->struct_size;
    full.rule_entry = r->entry;
    full.op = r->op;
    full.distance = r->distance;
    for (int k = 0; k < 2; k++) {
        full.part_entry[k] = r->part0 + (uint32_t)k;
        full.part[k] = db->strings + db->entries[r->part0 + (uint32_t)k].term_off;
    }
    memcpy(info, &full, info->struct_size < sizeof full ? info->struct_size : sizeof full);
    return SCREENER_OK;
}

SCREENER_API uint32_t screener_db_category_count(const screener_db *db)
{
    return db ? db->n_cats : 0;
}

SCREENER_API const char *screener_db_category_name(const screener_db *db,
                                                   uint32_t category_id)
{
    if (!db || category_id >= db->n_cats)
        return NULL;
    return db->strings + db->cats[category_id].name_off;
}

SCREENER_API uint32_t screener_db_fold_flags(const screener_db *db)
{
    return db ? db->hdr->fold_flags : 0;
}

SCREENER_API const char *screener_db_fingerprint(const screener_db *db)
{
    return db ? db->fingerprint_hex : NULL;
}

SCREENER_API int screener_db_get_info(const screener_db *db, screener_db_info *out)
{
    if (!db || !out || out->struct_size < sizeof(size_t))
        return SCREENER_E_INVALID_ARGUMENT;
    /* struct_size is a prefix: only the fields the caller's struct has are
     * written (binaries built against an older, shorter struct work) */
    screener_db_info full, *info = &full;
    memset(&full, 0, sizeof full);
    full.struct_size = out->struct_size;
    const db_header *h = db->hdr;
    info->format_version = h->format_version;
    info->library_version = h->lib_version;
    info->hyperscan_version = h->hs_version;
    info->icu_version = h->icu_version;
    info->fold_flags = h->fold_flags;
    info->fingerprint = db->fingerprint_hex;
    info->n_entries = db->n_entries;
    info->n_literals = db->n_lits;
    info->n_categories = db->n_cats;
    info->serialized_size = db->blob_len;
    info->hyperscan_size = h->sec_len[SEC_HS];
    info->fold_table_size = h->sec_len[SEC_TRIE] + h->sec_len[SEC_EXPAND];
    info->signature = db->signature;
    info->signature_key_id = db->signature ? db->signature_key_hex : NULL;
    info->n_rules = db->n_rules;
    info->fold_table_unpacked_size = db->fold_trie_len + h->sec_len[SEC_EXPAND];
    memcpy(out, &full, out->struct_size < sizeof full ? out->struct_size : sizeof full);
    return SCREENER_OK;
}

SCREENER_API int screener_db_category(const screener_db *db, uint32_t category_id,
                                      screener_category_info *info)
{
    if (!db || !info || category_id >= db->n_cats)
        return SCREENER_E_INVALID_ARGUMENT;
    const db_category *c = &db->cats[category_id];
    info->id = db->strings + c->name_off;
    info->name_zh = db->strings + c->name_zh_off;
    info->name_en = db->strings + c->name_en_off;
    memcpy(info->actions, c->actions, 4);
    return SCREENER_OK;
}

SCREENER_API int screener_db_find_category(const screener_db *db, const char *name,
                                           uint32_t *category_id)
{
    if (!db || !name || !category_id)
        return SCREENER_E_INVALID_ARGUMENT;
    for (uint32_t i = 0; i < db->n_cats; i++)
        if (strcmp(db->strings + db->cats[i].name_off, name) == 0) {
            *category_id = i;
            return SCREENER_OK;
        }
    return SCREENER_E_INVALID_ARGUMENT;
}
