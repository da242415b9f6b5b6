/* Database blobs: round trips, and every truncation and bit flip rejected
 * with a specific status before Hyperscan sees the bytes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "normalize/views.h"
#include "screener.h"

static screener_db *db;
static uint8_t *blob;
static size_t blob_len;

static void setup(void)
{
    static const char text[] = "法轮功\nfuck\nsex\tseverity=4\n路口交通\tallow\n";
    screener_source src = {.name = "t.txt", .text = text, .len = sizeof text - 1};
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, NULL), SCREENER_OK);
    void *b;
    cr_assert_eq(screener_db_serialize(db, &b, &blob_len), SCREENER_OK);
    blob = b;
}

static void teardown(void)
{
    free(blob);
    screener_db_free(db);
}

TestSuite(db, .init = setup, .fini = teardown);

static int load(const void *b, size_t n)
{
    screener_db *d = NULL;
    screener_error *err = NULL;
    int rc = screener_db_deserialize(b, n, &d, &err);
    if (rc == SCREENER_OK) {
        cr_assert_not_null(d);
        cr_assert_null(err);
    } else {
        cr_assert_null(d);
        cr_assert_not_null(err);
        cr_assert_eq(screener_error_status(err), rc);
    }
    screener_db_free(d);
    screener_error_free(err);
    return rc;
}

Test(db, round_trip_preserves_scans_and_metadata)
{
    screener_db *d = NULL;
    cr_assert_eq(screener_db_deserialize(blob, blob_len, &d, NULL), SCREENER_OK);
    cr_assert_str_eq(screener_db_fingerprint(d), screener_db_fingerprint(db));
    cr_assert_eq(screener_db_entry_count(d), 4);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(d, &s), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(d, s, "法輪功 s e x", 15, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 2);
    screener_scratch_free(s);
    screener_db_free(d);
}

Test(db, file_round_trip)
{
    char path[] = "/tmp/screener_test_db_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_eq(screener_db_save(db, path, NULL), SCREENER_OK);
    screener_db *d = NULL;
    cr_assert_eq(screener_db_load(path, &d, NULL), SCREENER_OK);
    cr_assert_str_eq(screener_db_fingerprint(d), screener_db_fingerprint(db));
    screener_db_free(d);
    unlink(path);
}

Test(db, missing_file_names_the_path)
{
    screener_db *d = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_db_load("/nonexistent/x.scdb", &d, &err), SCREENER_E_IO);
    cr_assert(strstr(screener_error_message(err), "/nonexistent/x.scdb"));
    screener_error_free(err);
}

Test(db, every_truncation_is_rejected)
{
    for (size_t n = 0; n < blob_len; n++) {
        int rc = load(blob, n);
        cr_assert(rc == SCREENER_E_DB_FORMAT, "truncated to %zu: %d", n, rc);
    }
}

Test(db, trailing_bytes_are_rejected)
{
    uint8_t *b = malloc(blob_len + 1);
    memcpy(b, blob, blob_len);
    b[blob_len] = 0;
    cr_assert_eq(load(b, blob_len + 1), SCREENER_E_DB_FORMAT);
    free(b);
}

Test(db, every_bit_flip_is_rejected)
{
    uint8_t *b = malloc(blob_len);
    for (size_t i = 0; i < blob_len; i++) {
        memcpy(b, blob, blob_len);
        b[i] ^= (uint8_t)(1u << (i % 8));
        int rc = load(b, blob_len);
        cr_assert(rc == SCREENER_E_DB_CHECKSUM || rc == SCREENER_E_DB_FORMAT ||
                      rc == SCREENER_E_DB_VERSION,
                  "flip at byte %zu accepted or mis-reported: %d", i, rc);
    }
    free(b);
}

Test(db, other_format_version_is_a_version_error)
{
    uint8_t *b = malloc(blob_len);
    memcpy(b, blob, blob_len);
    ((db_header *)b)->format_version = 99;
    cr_assert_eq(load(b, blob_len), SCREENER_E_DB_VERSION);
    free(b);
}

Test(db, other_hyperscan_version_is_a_platform_error)
{
    uint8_t *b = malloc(blob_len);
    memcpy(b, blob, blob_len);
    snprintf(((db_header *)b)->hs_version, 64, "4.0.0 1999-01-01");
    db_seal(b, blob_len);
    cr_assert_eq(load(b, blob_len), SCREENER_E_DB_PLATFORM);
    free(b);
}

Test(db, resealed_damage_in_tables_is_still_rejected)
{
    /* A checksum is not authentication, but internal cross-checks still
     * refuse inconsistent tables instead of reading out of bounds. */
    uint8_t *b = malloc(blob_len);
    memcpy(b, blob, blob_len);
    db_header *h = (db_header *)b;
    db_entry *e = (db_entry *)(b + h->sec_off[SEC_ENTRIES]);
    e[0].category = 1000;
    db_seal(b, blob_len);
    cr_assert_eq(load(b, blob_len), SCREENER_E_DB_FORMAT);
    memcpy(b, blob, blob_len);
    db_lit *l = (db_lit *)(b + h->sec_off[SEC_LITS]);
    l[0].n_entries = 1000;
    db_seal(b, blob_len);
    cr_assert_eq(load(b, blob_len), SCREENER_E_DB_FORMAT);
    memcpy(b, blob, blob_len);
    h->sec_len[SEC_HS] += 8;
    db_seal(b, blob_len);
    cr_assert_eq(load(b, blob_len), SCREENER_E_DB_FORMAT);
    free(b);
}

/* A generated entry's reason is the string after its term: the option with
 * no string after the term, or an unknown option bit, is refused. */
Test(db, generated_entry_without_its_reason_is_rejected)
{
    uint8_t *b = malloc(blob_len);
    memcpy(b, blob, blob_len);
    db_header *h = (db_header *)b;
    db_entry *e = (db_entry *)(b + h->sec_off[SEC_ENTRIES]);
    uint32_t n = h->count[SEC_ENTRIES];
    e[n - 1].options = DB_OPT_GENERATED; /* its term is the last string */
    db_seal(b, blob_len);
    cr_assert_eq(load(b, blob_len), SCREENER_E_DB_FORMAT);
    memcpy(b, blob, blob_len);
    e[0].options = 0x80;
    db_seal(b, blob_len);
    cr_assert_eq(load(b, blob_len), SCREENER_E_DB_FORMAT);
    free(b);
}

/* The blob b with its fold trie section replaced: by trie (n bytes) packed
 * when stored is 0, as it is when 1; re-written and sealed (malloc'ed). */
static uint8_t *with_trie(const uint8_t *b, const void *trie, size_t n, int stored,
                          size_t *out_len)
{
    const db_header *h = (const db_header *)b;
    db_section_data sec[SEC_COUNT];
    for (int k = 0; k < SEC_COUNT; k++)
        sec[k] = (db_section_data){b + h->sec_off[k], h->count[k]};
    sec[SEC_TRIE] = (db_section_data){trie, n};
    db_meta meta = {h->fold_flags, h->regex_max_width, {0}, stored};
    memcpy(meta.fingerprint, h->fingerprint, 16);
    uint8_t *out;
    cr_assert_eq(db_write_blob(&meta, sec, &out, out_len), SCREENER_OK);
    ((db_header *)out)->views = h->views;
    db_seal(out, *out_len);
    return out;
}

/* The unpacked fold trie of blob b (malloc'ed). */
static uint8_t *trie_of(const uint8_t *b, size_t *n)
{
    const db_header *h = (const db_header *)b;
    uint8_t *raw;
    const char *why;
    cr_assert_eq(db_unpack(b + h->sec_off[SEC_TRIE], h->sec_len[SEC_TRIE], &raw, n, &why),
                 SCREENER_OK);
    return raw;
}

/* The fuzz_db seed trie-nullblock-U043E (tests/fuzz/corpus/fuzz_db): three
 * patches of the fold trie (the same bytes for every database compiled with
 * the default fold options) that move the null data block and hide an
 * expansion of 255 units in it, where ucptrie_getRange does not look. The
 * loader accepted it, and scanning "кот" (U+043E) then wrote past the fold
 * buffer. It must be rejected. (Since format 8 the trie is stored packed:
 * the patches go into the unpacked trie, which is packed again.) */
Test(db, a_value_hidden_in_the_trie_null_block_is_rejected)
{
    static const struct {
        size_t at;
        uint8_t n, bytes[4];
    } patch[] = {{4, 2, {0x01, 0x00}}, {12, 2, {0xeb, 0x03}}, {0x4228, 4, {0, 0, 0xf0, 0xcf}}};
    size_t tn, blen;
    uint8_t *t = trie_of(blob, &tn);
    cr_assert_gt(tn, 0x4228 + 4);
    for (size_t i = 0; i < sizeof patch / sizeof patch[0]; i++)
        memcpy(t + patch[i].at, patch[i].bytes, patch[i].n);
    uint8_t *b = with_trie(blob, t, tn, 0, &blen);
    free(t);
    screener_db *d = NULL;
    screener_error *err = NULL;
    int rc = screener_db_deserialize(b, blen, &d, &err);
    if (rc == SCREENER_OK) { /* show the damage (ASan: heap-buffer-overflow) */
        screener_scratch *s = NULL;
        const screener_result *r;
        if (screener_scratch_alloc(d, &s) == SCREENER_OK)
            screener_scan(d, s, "кот кот кот", strlen("кот кот кот"), &r);
        screener_scratch_free(s);
        screener_db_free(d);
    }
    cr_assert_eq(rc, SCREENER_E_DB_FORMAT);
    cr_assert(strstr(screener_error_message(err), "damaged database: fold table"), "%s",
              screener_error_message(err));
    screener_error_free(err);
    free(b);
}

Test(db, garbage_is_not_a_database)
{
    cr_assert_eq(load("hello world, not a db", 21), SCREENER_E_DB_FORMAT);
    cr_assert_eq(load("", 0), SCREENER_E_DB_FORMAT);
}

/* Files written by earlier format versions (tests/data/formats/: v1
 * compiled by 0.1.0 at abda748, v2 at a594efe with --fold none, a format whose regex database used
 * start-of-match reporting that can crash Vectorscan; v3 at 497a130 with --fold none, before
 * the rules section; v4 at a51ee72 with --fold none, before the leet section; v5 at 5f6e3a6
 * with --fold none from dictionaries/links.txt, before the narrow section; v6 at fcb16cb the
 * same way, before the regexes' shortest match; v7 at 95d0817 the same way, before the
 * packed fold trie) are refused
 * as a version mismatch that names both versions, not as damaged files. */
static void check_old_version(unsigned version)
{
    char path[1024], want[32];
    snprintf(path, sizeof path, "%s/formats/format-v%u.scrdb", getenv("SCREENER_TEST_DATA"),
             version);
    screener_db *old = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_db_load(path, &old, &err), SCREENER_E_DB_VERSION, "%s", path);
    const char *msg = screener_error_message(err);
    snprintf(want, sizeof want, "version %u,", version);
    cr_assert(strstr(msg, want) && strstr(msg, "reads version 8"), "%s", msg);
    screener_error_free(err);
}

Test(db, previous_format_versions_are_a_version_mismatch)
{
    check_old_version(1);
    check_old_version(2);
    check_old_version(3);
    check_old_version(4);
    check_old_version(5);
    check_old_version(6);
    check_old_version(7);
}

/* The views a database's matchers read, as recorded in its header. */
static uint32_t recorded_views(const char *text)
{
    screener_source src = {.name = "v.txt", .text = text, .len = strlen(text)};
    screener_db *d = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &d, NULL), SCREENER_OK);
    uint32_t v = d->hdr->views;
    screener_db_free(d);
    return v;
}

/* A database records the views its matchers read; a file claiming a view
 * this library does not have is refused with a message saying so. */
Test(db, views_are_recorded_and_unknown_views_refused)
{
    cr_assert_eq(recorded_views("badword\n"), VIEW_FOLDED | VIEW_LEET);
    cr_assert_eq(recorded_views("@detect cn_mobile\n"), VIEW_NUMERALS); /* (implies folded) */
    cr_assert_eq(recorded_views("badword\n@detect email\n"), VIEW_FOLDED | VIEW_BYTES | VIEW_LEET);
    /* no Latin-letter term: no leet section, the view is never built */
    cr_assert_eq(recorded_views("法轮功\nab1\n"), VIEW_FOLDED);
    cr_assert_eq(((const db_header *)blob)->views, VIEW_FOLDED | VIEW_LEET);
    uint8_t *b = malloc(blob_len);
    memcpy(b, blob, blob_len);
    ((db_header *)b)->views |= 0x100;
    db_seal(b, blob_len);
    screener_db *bad = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_db_deserialize(b, blob_len, &bad, &err), SCREENER_E_DB_FORMAT);
    cr_assert(strstr(screener_error_message(err), "views this library does not have"), "%s",
              screener_error_message(err));
    screener_error_free(err);
    free(b);
}

/* The narrow section (SEC_HS_NARROW) holds the all-ASCII literals: present
 * when some folded form is all ASCII, absent for Han-only, detector-only
 * and regex-only dictionaries; a file with the section but no literals is
 * refused as damaged. */
static size_t narrow_len(const char *text, screener_db **keep)
{
    screener_source src = {.name = "n.txt", .text = text, .len = strlen(text)};
    screener_db *d = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &d, NULL), SCREENER_OK, "%s", text);
    size_t len = d->hdr->sec_len[SEC_HS_NARROW];
    cr_assert_eq(len != 0, d->hs_narrow != NULL, "%s", text);
    if (keep)
        *keep = d;
    else
        screener_db_free(d);
    return len;
}

Test(db, narrow_section_holds_the_ascii_literals)
{
    cr_assert_gt(narrow_len("badword\n", NULL), 0);
    cr_assert_gt(narrow_len("qq群\nab1\n", NULL), 0); /* ab1 is ASCII */
    cr_assert_eq(narrow_len("法轮功\n路口交通\n", NULL), 0); /* no ASCII form: no section */
    cr_assert_eq(narrow_len("@detect cn_mobile\n", NULL), 0);
    cr_assert_eq(narrow_len("ab[0-9]{1,9}c\tregex\n", NULL), 0);
    /* a detector-only database given the narrow section of another: damaged */
    screener_db *with = NULL, *without = NULL;
    narrow_len("badword\n", &with);
    narrow_len("@detect cn_mobile\n", &without);
    void *wb, *ob;
    size_t wl, ol;
    cr_assert_eq(screener_db_serialize(with, &wb, &wl), SCREENER_OK);
    cr_assert_eq(screener_db_serialize(without, &ob, &ol), SCREENER_OK);
    const db_header *wh = wb, *oh = ob;
    db_section_data sec[SEC_COUNT];
    for (int k = 0; k < SEC_COUNT; k++) {
        const db_header *h = k == SEC_HS_NARROW ? wh : oh;
        const uint8_t *base = k == SEC_HS_NARROW ? wb : ob;
        sec[k].data = base + h->sec_off[k];
        sec[k].count = h->count[k];
    }
    db_meta meta = {oh->fold_flags, oh->regex_max_width, {0}, 1}; /* (the trie as stored) */
    memcpy(meta.fingerprint, oh->fingerprint, 16);
    uint8_t *nb;
    size_t nb_len;
    cr_assert_eq(db_write_blob(&meta, sec, &nb, &nb_len), SCREENER_OK);
    ((db_header *)nb)->views = oh->views;
    db_seal(nb, nb_len);
    screener_db *d = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_db_deserialize(nb, nb_len, &d, &err), SCREENER_E_DB_FORMAT);
    cr_assert(strstr(screener_error_message(err), "narrow literal section without literals"),
              "%s", screener_error_message(err));
    screener_error_free(err);
    free(nb);
    screener_free(wb);
    screener_free(ob);
    screener_db_free(with);
    screener_db_free(without);
}

/* The scratch a load allocates to check each Hyperscan section (literal and
 * regex) is kept for the first scan scratch of that db, handed out once:
 * a second scratch allocates its own, both scan alike, and a db whose spares
 * nobody took frees them (the ASan build's leak check). */
#include "scan/scratch.h"

Test(db, the_scratch_checked_at_load_goes_to_the_first_scan_scratch_only)
{
    static const char text[] = "法轮功\nfuck\n[0-9]{5}x\tregex\n";
    screener_source src = {.name = "r.txt", .text = text, .len = sizeof text - 1};
    screener_db *d = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &d, NULL), SCREENER_OK);
    void *b;
    size_t n;
    cr_assert_eq(screener_db_serialize(d, &b, &n), SCREENER_OK);
    screener_db_free(d); /* (its spares unused: freed with it) */
    cr_assert_eq(screener_db_deserialize(b, n, &d, NULL), SCREENER_OK);
    free(b);
    hs_scratch_t *lit = atomic_load(&d->spare[DB_SPARE_LIT]);
    hs_scratch_t *rx = atomic_load(&d->spare[DB_SPARE_REGEX]);
    hs_scratch_t *rxs = atomic_load(&d->spare[DB_SPARE_REGEX_START]);
    cr_assert(lit && rx && rxs, "the load kept the scratches it checked");
    screener_scratch *s1 = NULL, *s2 = NULL;
    cr_assert_eq(screener_scratch_alloc(d, &s1), SCREENER_OK);
    cr_assert_eq(s1->hs, lit);
    cr_assert_eq(s1->hs_regex, rx);
    cr_assert_eq(s1->hs_regex_start, rxs);
    for (int k = 0; k < DB_SPARES; k++)
        cr_assert_null(atomic_load(&d->spare[k]), "spare %d handed out once", k);
    cr_assert_eq(screener_scratch_alloc(d, &s2), SCREENER_OK);
    cr_assert(s2->hs && s2->hs != lit && s2->hs_regex && s2->hs_regex != rx);
    const char *msg = "法輪功 12345x f u c k";
    const screener_result *r;
    size_t got[2];
    screener_scratch *ss[2] = {s1, s2};
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(screener_scan(d, ss[k], msg, strlen(msg), &r), SCREENER_OK);
        got[k] = r->n_matches;
    }
    cr_assert_eq(got[0], 3);
    cr_assert_eq(got[1], 3);
    screener_scratch_free(s1);
    screener_scratch_free(s2);
    screener_db_free(d);
}

/* ---- the packed fold trie (format 8, lib/db/pack.c) ---------------------- */

/* Pack n words and unpack them again: the same bytes. */
static void round_trip_words(const uint32_t *w, size_t n)
{
    uint8_t *packed, *raw;
    size_t plen, rlen;
    const char *why;
    cr_assert_eq(db_pack(w, n * 4, &packed, &plen), SCREENER_OK);
    cr_assert_eq(db_unpack(packed, plen, &raw, &rlen, &why), SCREENER_OK, "%s", why);
    cr_assert_eq(rlen, n * 4);
    cr_assert_eq(memcmp(raw, w, n * 4), 0);
    free(packed);
    free(raw);
}

Test(db, the_packing_round_trips_every_shape)
{
    enum { N = 70000 };
    uint32_t *w = malloc(N * sizeof *w);
    uint32_t x = 12345;
    for (size_t n = 1; n <= 9; n++) { /* tiny */
        for (size_t i = 0; i < n; i++)
            w[i] = (uint32_t)(i * 0x01010101u);
        round_trip_words(w, n);
    }
    for (size_t i = 0; i < N; i++) /* runs, counting runs, repeats, noise */
        w[i] = i % 7000 < 3000 ? 0
               : i % 7000 < 4000 ? 0x60000000u + (uint32_t)i
               : i % 7000 < 6000 ? w[i - 1000]
                                  : (x = x * 1103515245u + 12345u);
    round_trip_words(w, N);
    memset(w, 0xFF, N * sizeof *w);
    round_trip_words(w, N);
    uint8_t *packed;
    size_t plen;
    cr_assert_eq(db_pack(w, 6, &packed, &plen), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(db_pack(w, 0, &packed, &plen), SCREENER_E_INVALID_ARGUMENT);
    free(w);
    /* the database's own trie: stored packed, unpacked at load to what it was */
    const db_header *h = (const db_header *)blob;
    size_t tn;
    uint8_t *t = trie_of(blob, &tn);
    cr_assert_lt(h->sec_len[SEC_TRIE] * 2, tn, "packed %zu of %zu bytes",
                 (size_t)h->sec_len[SEC_TRIE], tn);
    cr_assert_eq(tn, db->fold_trie_len);
    cr_assert_eq(memcmp(t, db->fold_trie, tn), 0);
    screener_db_info info = {.struct_size = sizeof info};
    cr_assert_eq(screener_db_get_info(db, &info), SCREENER_OK);
    cr_assert_eq(info.fold_table_size, h->sec_len[SEC_TRIE] + h->sec_len[SEC_EXPAND]);
    cr_assert_eq(info.fold_table_unpacked_size, tn + h->sec_len[SEC_EXPAND]);
    free(t);
}

/* Load blob b (n bytes): the status; a refusal must name the trie section
 * and want (when given). */
static int load_names(const uint8_t *b, size_t n, const char *want)
{
    screener_db *d = NULL;
    screener_error *err = NULL;
    int rc = screener_db_deserialize(b, n, &d, &err);
    if (rc == SCREENER_OK) {
        screener_db_free(d);
        return rc;
    }
    const char *msg = screener_error_message(err);
    if (rc == SCREENER_E_DB_FORMAT && strstr(msg, "section fold trie"))
        cr_assert(!want || strstr(msg, want), "%s (wanted: %s)", msg, want);
    else
        cr_assert(!want, "%s (wanted: %s)", msg, want);
    screener_error_free(err);
    return rc;
}

/* The stored section of the test database with bytes changed by the
 * caller, loaded: the status. */
static int load_stored_trie(const uint8_t *sec, size_t n, const char *want)
{
    size_t blen;
    uint8_t *b = with_trie(blob, sec, n, 1, &blen);
    int rc = load_names(b, blen, want);
    free(b);
    return rc;
}

static uint8_t *stored_trie(size_t *n)
{
    const db_header *h = (const db_header *)blob;
    *n = h->sec_len[SEC_TRIE];
    uint8_t *s = malloc(*n + 64);
    memcpy(s, blob + h->sec_off[SEC_TRIE], *n);
    return s;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

Test(db, a_truncated_packed_trie_is_refused_naming_the_section)
{
    size_t n;
    uint8_t *s = stored_trie(&n);
    cr_assert_eq(load_stored_trie(s, n, NULL), SCREENER_OK);
    cr_assert_eq(load_stored_trie(s, 0, "shorter than its 8-byte header"), SCREENER_E_DB_FORMAT);
    cr_assert_eq(load_stored_trie(s, 7, "shorter than its 8-byte header"), SCREENER_E_DB_FORMAT);
    cr_assert_eq(load_stored_trie(s, 8, "cut off"), SCREENER_E_DB_FORMAT);
    cr_assert_eq(load_stored_trie(s, n - 1, "cut off"), SCREENER_E_DB_FORMAT);
    cr_assert_eq(load_stored_trie(s, n / 2, "cut off"), SCREENER_E_DB_FORMAT);
    /* every cut, on the decoder alone (a load per length would take minutes) */
    for (size_t k = 0; k < n; k++) {
        uint8_t *raw;
        size_t rl;
        const char *why;
        cr_assert_eq(db_unpack(s, k, &raw, &rl, &why), SCREENER_E_DB_FORMAT, "cut at %zu", k);
        cr_assert_not_null(why);
        cr_assert_null(raw);
        if (k > 64 && k < n - 64)
            k += 97; /* a sample of the middle */
    }
    /* trailing bytes */
    s[n] = 0;
    cr_assert_eq(load_stored_trie(s, n + 1, "bytes after the end"), SCREENER_E_DB_FORMAT);
    free(s);
}

Test(db, a_packed_trie_with_a_false_size_is_refused)
{
    size_t n;
    uint8_t *s = stored_trie(&n);
    uint32_t raw_len;
    memcpy(&raw_len, s + 4, 4);
    put32(s + 4, raw_len - 4); /* the words run past it (or end it early) */
    cr_assert_eq(load_stored_trie(s, n, "section fold trie: "), SCREENER_E_DB_FORMAT);
    put32(s + 4, raw_len + 4); /* the packed words end before it */
    cr_assert_eq(load_stored_trie(s, n, "cut off"), SCREENER_E_DB_FORMAT);
    put32(s + 4, raw_len + 2);
    cr_assert_eq(load_stored_trie(s, n, "unpacked size out of range"), SCREENER_E_DB_FORMAT);
    put32(s + 4, 0);
    cr_assert_eq(load_stored_trie(s, n, "unpacked size out of range"), SCREENER_E_DB_FORMAT);
    /* huge claims are refused before anything is allocated */
    put32(s + 4, 0xFFFFFFFCu);
    cr_assert_eq(load_stored_trie(s, n, "unpacked size out of range"), SCREENER_E_DB_FORMAT);
    put32(s + 4, DB_PACK_MAX_RAW + 4);
    cr_assert_eq(load_stored_trie(s, n, "unpacked size out of range"), SCREENER_E_DB_FORMAT);
    /* the largest allowed size, claimed by a few bytes that fill it: it unpacks (8 MiB,
     * bounded), and the fold table check refuses what came out */
    /* 1 literal (0), then a copy of 2^21-1 words (varint FF FF 7F) from 1 back */
    uint8_t fill[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0xFF, 0xFF, 0x7F, 1};
    put32(fill, DB_PACK_WORDLZ);
    put32(fill + 4, DB_PACK_MAX_RAW);
    uint8_t *raw;
    size_t rl;
    const char *why;
    cr_assert_eq(db_unpack(fill, sizeof fill, &raw, &rl, &why), SCREENER_OK, "%s", why);
    cr_assert_eq(rl, DB_PACK_MAX_RAW);
    free(raw);
    size_t blen;
    uint8_t *b = with_trie(blob, fill, sizeof fill, 1, &blen);
    screener_error *err = NULL;
    screener_db *d = NULL;
    cr_assert_eq(screener_db_deserialize(b, blen, &d, &err), SCREENER_E_DB_FORMAT);
    cr_assert(strstr(screener_error_message(err), "damaged database: fold table"), "%s",
              screener_error_message(err));
    screener_error_free(err);
    free(b);
    /* an unknown packing */
    put32(s, DB_PACK_WORDLZ + 1);
    cr_assert_eq(load_stored_trie(s, n, "unknown packing"), SCREENER_E_DB_FORMAT);
    free(s);
}

/* Hand-made token streams: every malformed token is named. */
Test(db, malformed_packed_tokens_are_refused)
{
    static const struct {
        uint8_t n, bytes[16];
        const char *why;
    } cases[] = {
        {2, {0, 0}, "an empty token"},
        {3, {1, 0, 1}, "copy distance is cut off"},
        {4, {1, 0, 1, 0}, "before the start"},
        {4, {1, 0, 1, 2}, "before the start"},
        {2, {5, 0}, "literals run past"},
        {4, {1, 0, 9, 1}, "a copy runs past"},
        {7, {0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0}, "literal count is cut off or too long"},
        {6, {0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0}, "literal count is cut off or too long"},
        {7, {1, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0}, "a literal is cut off or too long"},
        {1, {1}, "a literal is cut off or too long"},
        {2, {1, 0}, "copy length is cut off"},
        {5, {1, 0, 3, 1, 7}, "bytes after the end"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t in[24];
        put32(in, DB_PACK_WORDLZ);
        put32(in + 4, 16); /* 4 words */
        memcpy(in + 8, cases[i].bytes, cases[i].n);
        uint8_t *raw = NULL;
        size_t rl = 1;
        const char *why = NULL;
        cr_assert_eq(db_unpack(in, 8 + cases[i].n, &raw, &rl, &why), SCREENER_E_DB_FORMAT,
                     "case %zu", i);
        cr_assert(why && strstr(why, cases[i].why), "case %zu: %s, wanted %s", i, why,
                  cases[i].why);
        cr_assert(!raw && !rl);
    }
    /* and a good one: 1 literal, a copy of 3 from 1 back */
    uint8_t in[] = {0, 0, 0, 0, 16, 0, 0, 0, 1, 14, 3, 1};
    put32(in, DB_PACK_WORDLZ);
    uint8_t *raw;
    size_t rl;
    const char *why;
    cr_assert_eq(db_unpack(in, sizeof in, &raw, &rl, &why), SCREENER_OK, "%s", why);
    uint32_t want[4] = {7, 7, 7, 7}, got[4];
    memcpy(got, raw, 16);
    cr_assert_eq(memcmp(got, want, 16), 0);
    free(raw);
}

/* Byte flips in the packed trie, re-sealed (so past the checksum): each is
 * refused naming the section or the fold table, or unpacks to another table
 * that then passes every check; never a crash, an overrun or a hang (run
 * under ASan). */
Test(db, flipped_bytes_in_the_packed_trie_fail_cleanly)
{
    size_t n;
    uint8_t *s = stored_trie(&n);
    uint32_t x = 2463534242u;
    int refused = 0;
    for (int i = 0; i < 300; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        size_t at = 8 + x % (n - 8);
        uint8_t old = s[at];
        s[at] ^= (uint8_t)(1u << (x >> 29)) | (uint8_t)(i & 1 ? 0x80 : 0);
        int rc = load_stored_trie(s, n, NULL);
        cr_assert(rc == SCREENER_OK || rc == SCREENER_E_DB_FORMAT, "flip at %zu: %d", at, rc);
        refused += rc != SCREENER_OK;
        s[at] = old;
    }
    cr_assert_gt(refused, 150, "%d of 300 flips refused", refused);
    free(s);
}
