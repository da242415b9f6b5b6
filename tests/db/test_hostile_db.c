/* Hostile database files that pass the checksum (re-sealed): substituted or
 * bit-flipped Hyperscan bytecode and a false fingerprint. Each must be a
 * clean error at load or give bounded behaviour at scan time. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "db/db.h"
#include "scan/scratch.h"
#include "screener.h"

static const char dict[] = "@category ads_spam\n"
                           "qq[0-9]{5,10}\tregex\n"
                           "\\bwx:?[a-z][a-z0-9_]{5,19}\tregex\n"
                           "@category porn\n"
                           "色情\n"
                           "fuck\n"
                           "sexy\tsubstring\n";

static void blob_of(const char *d, uint8_t **b, size_t *len)
{
    screener_source src = {.name = "hostile.txt", .text = d, .len = strlen(d)};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, &err), SCREENER_OK, "%s",
                 err ? screener_error_message(err) : "");
    cr_assert_eq(screener_db_serialize(db, (void **)b, len), SCREENER_OK);
    screener_db_free(db);
}

/* Load a blob; returns the status and, on success, frees the db unless
 * db_out is given. */
static int load(const uint8_t *b, size_t len, screener_db **db_out, char *msg, size_t cap)
{
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc = screener_db_deserialize(b, len, &db, &err);
    if (msg)
        snprintf(msg, cap, "%s", err ? screener_error_message(err) : "");
    screener_error_free(err);
    if (db_out)
        *db_out = db;
    else
        screener_db_free(db);
    return rc;
}

/* The same blob with section k replaced by bytes (re-written, re-sealed). */
static void replace_section(const uint8_t *b, int k, const void *bytes, size_t n, uint8_t **out,
                            size_t *out_len)
{
    const db_header *h = (const db_header *)b;
    db_section_data sec[SEC_COUNT];
    for (int i = 0; i < SEC_COUNT; i++)
        sec[i] = (db_section_data){b + h->sec_off[i], h->count[i]};
    sec[k] = (db_section_data){bytes, n};
    db_meta meta = {h->fold_flags, h->regex_max_width, {0}, 1}; /* (the trie as stored) */
    memcpy(meta.fingerprint, h->fingerprint, 16);
    cr_assert_eq(db_write_blob(&meta, sec, out, out_len), SCREENER_OK);
}

static char *serialized(const char *const *ex, const unsigned *ids, unsigned n, unsigned mode,
                        size_t *len)
{
    unsigned fl[64];
    for (unsigned i = 0; i < n; i++)
        fl[i] = HS_FLAG_DOTALL;
    hs_database_t *db = NULL;
    hs_compile_error_t *e = NULL;
    hs_platform_info_t plat = {.tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = 0};
    cr_assert_eq(hs_compile_multi(ex, fl, ids, n, mode, &plat, &db, &e), HS_SUCCESS);
    char *bytes = NULL;
    cr_assert_eq(hs_serialize_database(db, &bytes, len), HS_SUCCESS);
    hs_free_database(db);
    return bytes;
}

Test(hostile_db, a_streaming_mode_database_is_refused_at_load)
{
    uint8_t *b, *x;
    size_t len, xl, hl;
    blob_of(dict, &b, &len);
    const db_header *h = (const db_header *)b;
    static const char *ex[] = {"fuck"};
    unsigned ids[] = {0};
    char *hs = serialized(ex, ids, 1, HS_MODE_STREAM, &hl);
    int secs[] = {SEC_HS, SEC_HS_REGEX, SEC_HS_REGEX_START};
    for (int i = 0; i < 3; i++) {
        replace_section(b, secs[i], hs, hl, &x, &xl);
        char msg[512];
        cr_assert_eq(load(x, xl, NULL, msg, sizeof msg), SCREENER_E_DB_FORMAT, "section %d",
                     secs[i]);
        cr_assert(strstr(msg, "block mode"), "%s", msg);
        free(x);
    }
    (void)h;
    free(hs);
    screener_free(b);
}

/* Every section replaced by a database whose patterns match at every byte
 * (ids the tables accept): loading works (the bytecode is valid), scanning
 * stops at the match cap or the regex work budget and says truncated,
 * including when the profile drops every match (nothing is collected, so
 * only the budget stops the regex row). Before the budget a substituted
 * database like this kept a scan busy for minutes. */
Test(hostile_db, an_every_byte_matches_database_is_bounded)
{
    uint8_t *b, *x1, *x2, *x3;
    size_t len, l1, l2, l3, hl;
    blob_of(dict, &b, &len);
    const db_header *h = (const db_header *)b;
    static const char *ex[] = {".", ".", ".", ".", ".", ".", ".", "."};
    unsigned ids[8];
    for (unsigned i = 0; i < 8; i++)
        ids[i] = i % h->count[SEC_LITS];
    char *lit = serialized(ex, ids, 8, HS_MODE_BLOCK, &hl);
    replace_section(b, SEC_HS, lit, hl, &x1, &l1);
    free(lit);
    /* regex entries are 0 and 1 (the first lines); start ids 0..3 */
    unsigned rid[] = {0, 1, 0, 1}, sid[] = {0, 1, 2, 3};
    char *re = serialized(ex, rid, 4, HS_MODE_BLOCK, &hl);
    replace_section(x1, SEC_HS_REGEX, re, hl, &x2, &l2);
    free(re);
    char *st = serialized(ex, sid, 4, HS_MODE_BLOCK, &hl);
    replace_section(x2, SEC_HS_REGEX_START, st, hl, &x3, &l3);
    free(st);
    screener_db *db = NULL;
    char msg[512];
    cr_assert_eq(load(x3, l3, &db, msg, sizeof msg), SCREENER_OK, "%s", msg);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    size_t n = 150000;
    char *text = malloc(n);
    for (size_t i = 0; i < n; i++)
        text[i] = "qq12345wx:abcdef "[i % 17];
    const screener_result *r;
    cr_assert_eq(screener_scan(db, s, text, n, &r), SCREENER_OK);
    cr_assert(r->truncated);
    screener_profile_rule drop[] = {{"ads_spam", 0, SCREENER_PROFILE_DROP}, {"porn", 0, SCREENER_PROFILE_DROP}};
    screener_profile prof = {sizeof prof, 0, drop, 2, 0, 0};
    cr_assert_eq(screener_scratch_set_profile(s, &prof), SCREENER_OK);
    cr_assert_eq(screener_scan(db, s, text, n, &r), SCREENER_OK);
    cr_assert(r->truncated);
    cr_assert_eq(r->n_matches, 0);
    free(text);
    screener_scratch_free(s);
    screener_db_free(db);
    free(x1);
    free(x2);
    free(x3);
    screener_free(b);
}

/* CRC32C as Hyperscan checks it over its bytecode (init 0, no final xor;
 * header: length at byte 8, CRC at 20, bytecode from 32). */
static uint32_t hs_crc(const uint8_t *p, size_t n)
{
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82F63B78u & -(c & 1u));
    }
    return c;
}

/* Every bit of the Hyperscan headers and of the first 224 bytes of each
 * bytecode (where the engine keeps its sizes and offsets), flipped with both
 * checksums re-sealed: the load succeeds or fails cleanly, and a flip that
 * inflates the scratch is refused (before: hs_alloc_scratch asked for up to
 * gigabytes). Scans of such files are not attempted: corrupted bytecode can
 * still crash inside libhs (a few in a thousand random flips) — only a
 * signature over the file protects against that (docs/security.md). */
Test(hostile_db, bit_flips_in_hyperscan_headers_fail_cleanly)
{
    uint8_t *b;
    size_t len;
    blob_of(dict, &b, &len);
    const db_header *h = (const db_header *)b;
    int secs[] = {SEC_HS, SEC_HS_REGEX, SEC_HS_REGEX_START};
    int ok = 0, refused = 0, scratch = 0;
    uint8_t *x = malloc(len);
    for (int si = 0; si < 3; si++) {
        size_t off = h->sec_off[secs[si]];
        uint32_t hl;
        memcpy(&hl, b + off + 8, 4);
        for (size_t pos = 0; pos < 32 + 224 && pos < 32 + hl; pos++)
            for (int bit = 0; bit < 8; bit++) {
                if (pos >= 20 && pos < 24)
                    continue; /* the CRC itself */
                memcpy(x, b, len);
                x[off + pos] ^= (uint8_t)(1u << bit);
                uint32_t hl2;
                memcpy(&hl2, x + off + 8, 4);
                if (hl2 <= h->sec_len[secs[si]] - 32) {
                    uint32_t c = hs_crc(x + off + 32, hl2);
                    memcpy(x + off + 20, &c, 4);
                }
                db_seal(x, len);
                char msg[512];
                int rc = load(x, len, NULL, msg, sizeof msg);
                cr_assert(rc == SCREENER_OK || rc == SCREENER_E_DB_FORMAT ||
                              rc == SCREENER_E_DB_VERSION || rc == SCREENER_E_DB_PLATFORM ||
                              rc == SCREENER_E_NOMEM,
                          "section %d byte %zu bit %d: %d %s", secs[si], pos, bit, rc, msg);
                ok += rc == SCREENER_OK;
                refused += rc != SCREENER_OK;
                scratch += strstr(msg, "bytes of scratch") != NULL;
            }
    }
    cr_log_info("bit flips: %d load, %d refused (%d for their scratch)", ok, refused, scratch);
    cr_assert_gt(refused, 100);
    cr_assert_gt(scratch, 0);
    free(x);
    screener_free(b);
}

/* The header's fingerprint is recomputed from the entries at load: a file
 * claiming another dictionary's fingerprint (re-sealed) is refused. */
Test(hostile_db, a_false_fingerprint_is_refused)
{
    uint8_t *a, *b;
    size_t la, lb;
    blob_of(dict, &a, &la);
    blob_of("fuck\n", &b, &lb);
    char msg[512];
    cr_assert_eq(load(a, la, NULL, msg, sizeof msg), SCREENER_OK, "%s", msg);
    memcpy(((db_header *)a)->fingerprint, ((db_header *)b)->fingerprint, 16);
    db_seal(a, la);
    cr_assert_eq(load(a, la, NULL, msg, sizeof msg), SCREENER_E_DB_FORMAT);
    cr_assert(strstr(msg, "fingerprint"), "%s", msg);
    /* and one flipped bit of it */
    ((db_header *)b)->fingerprint[15] ^= 0x80;
    db_seal(b, lb);
    cr_assert_eq(load(b, lb, NULL, msg, sizeof msg), SCREENER_E_DB_FORMAT);
    screener_free(a);
    screener_free(b);
}

/* The literal of blob b whose first entry's term is `term` (its id), and its
 * units. */
static uint32_t lit_of_term(const uint8_t *b, const char *term, uint32_t *units)
{
    const db_header *h = (const db_header *)b;
    const db_lit *lits = (const db_lit *)(b + h->sec_off[SEC_LITS]);
    const uint32_t *le = (const uint32_t *)(b + h->sec_off[SEC_LIT_ENTRIES]);
    const db_entry *ents = (const db_entry *)(b + h->sec_off[SEC_ENTRIES]);
    const char *str = (const char *)(b + h->sec_off[SEC_STRINGS]);
    for (uint32_t i = 0; i < h->count[SEC_LITS]; i++) {
        const db_entry *e = &ents[le[lits[i].entries_off]];
        if (e->term_len == strlen(term) && memcmp(str + e->term_off, term, e->term_len) == 0) {
            *units = lits[i].units;
            return i;
        }
    }
    cr_assert_fail("no literal for %s", term);
    return 0;
}

/* A leet section of the given literals (bytes as Hyperscan takes them). */
static char *leet_section(const char *const *ex, const size_t *lens, const unsigned *ids,
                          unsigned n, size_t *len)
{
    unsigned fl[8] = {0};
    hs_database_t *db = NULL;
    hs_compile_error_t *e = NULL;
    hs_platform_info_t plat = {.tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = 0};
    cr_assert_eq(hs_compile_lit_multi(ex, fl, ids, lens, n, HS_MODE_BLOCK, &plat, &db, &e),
                 HS_SUCCESS);
    char *bytes = NULL;
    cr_assert_eq(hs_serialize_database(db, &bytes, len), HS_SUCCESS);
    hs_free_database(db);
    return bytes;
}

/* The leet row skips every reading shorter than DB_LEET_MIN_UNITS (2
 * units): the compiler puts only literals of 2+ letters a-z in the leet
 * section, and a hand-made section holding a shorter literal would find it
 * in longer readings and miss it in one-letter ones. The load refuses such
 * a file (re-written, re-sealed), naming the section and the literal: a
 * one-letter literal (2 bytes of UTF-16LE), a one-unit literal whose NUL
 * byte was stripped (1 byte), other byte pairs under a one-unit literal's
 * id. The same hand-made section without them loads, and so does the
 * compiled one. */
Test(hostile_db, a_leet_section_with_a_one_unit_literal_is_refused)
{
    static const char d[] = "fuck\nx\n一\n";
    uint8_t *b, *x;
    size_t len, xl, hl;
    blob_of(d, &b, &len);
    char msg[512];
    cr_assert_eq(load(b, len, NULL, msg, sizeof msg), SCREENER_OK, "%s", msg);
    cr_assert_neq(((const db_header *)b)->sec_len[SEC_HS_LEET], 0, "the compiler wrote one");
    uint32_t u_fuck, u_x, u_yi;
    unsigned id_fuck = lit_of_term(b, "fuck", &u_fuck), id_x = lit_of_term(b, "x", &u_x),
             id_yi = lit_of_term(b, "一", &u_yi);
    cr_assert(u_fuck == 4 && u_x == 1 && u_yi == 1, "%u %u %u", u_fuck, u_x, u_yi);
    static const char fuck16[] = "f\0u\0c\0k\0", x16[] = "x\0", yi16[] = "\x4e"; /* (00 4E) */
    struct {
        const char *ex;
        size_t len;
        unsigned id;
        const char *named; /* in the error, or NULL: loads */
    } cases[] = {
        {NULL, 0, 0, NULL},
        {x16, 2, id_x, "\"x\", hostile.txt line 2"},
        {yi16, 1, id_yi, "\"一\", hostile.txt line 3"},
        /* any two bytes under a one-unit literal's id (the load's probe
         * holds every pair; FF 00 only with the byte that closes its cycle) */
        {"\xff\x00", 2, id_x, "\"x\", hostile.txt line 2"},
        {"\xff\xfe", 2, id_x, "\"x\", hostile.txt line 2"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *ex[] = {fuck16, cases[c].ex};
        size_t lens[] = {8, cases[c].len};
        unsigned ids[] = {id_fuck, cases[c].id};
        char *hs = leet_section(ex, lens, ids, cases[c].ex ? 2 : 1, &hl);
        replace_section(b, SEC_HS_LEET, hs, hl, &x, &xl);
        free(hs);
        ((db_header *)x)->views = ((const db_header *)b)->views;
        db_seal(x, xl);
        int rc = load(x, xl, NULL, msg, sizeof msg);
        if (!cases[c].named) {
            cr_assert_eq(rc, SCREENER_OK, "%s", msg);
        } else {
            char lit[64];
            snprintf(lit, sizeof lit, "literal %u (", cases[c].id);
            cr_assert_eq(rc, SCREENER_E_DB_FORMAT, "case %zu loaded", c);
            cr_assert(strstr(msg, "hostile.txt") && strstr(msg, "Hyperscan leet literals") &&
                          strstr(msg, lit) && strstr(msg, cases[c].named) &&
                          strstr(msg, "shortest match (2 units)"),
                      "%s", msg);
            cr_log_info("%s", msg);
        }
        free(x);
    }
    screener_free(b);
}

/* The literal section's scratch also serves the leet and narrow sections at
 * scan time, and the first scan scratch takes the one the load kept without
 * fitting it again (screener_scratch_alloc): the load grew it while checking
 * those sections. Hand-made leet and narrow sections that need a larger
 * scratch than the literal one (regexes with bounded repeats) show it: the
 * first scratch scans texts that run each of them (a scratch too small for
 * a database makes hs_scan fail). */
Test(hostile_db, the_first_scratch_fits_the_leet_and_narrow_sections)
{
    uint8_t *b, *x1, *x2;
    size_t len, l1, l2, hl;
    blob_of("fuck\n色情\n", &b, &len);
    uint32_t units;
    unsigned id = lit_of_term(b, "fuck", &units);
    static const char *ex[] = {"f[^\\n]{3,200}k", "u[a-z]{2,100}c", "(f|ph)[a-z ]{0,60}u.{1,90}k",
                               "c[^x]{5,150}k$"};
    unsigned ids[] = {id, id, id, id};
    char *hs = serialized(ex, ids, 4, HS_MODE_BLOCK, &hl);
    replace_section(b, SEC_HS_LEET, hs, hl, &x1, &l1);
    replace_section(x1, SEC_HS_NARROW, hs, hl, &x2, &l2);
    free(hs);
    ((db_header *)x2)->views = ((const db_header *)b)->views;
    db_seal(x2, l2);
    screener_db *db = NULL;
    char msg[512];
    cr_assert_eq(load(x2, l2, &db, msg, sizeof msg), SCREENER_OK, "%s", msg);
    cr_assert(db->hs_leet && db->hs_narrow);
    size_t lit_size, leet_size, spare_size;
    hs_scratch_t *t = NULL;
    cr_assert_eq(hs_alloc_scratch(db->hs, &t), HS_SUCCESS);
    cr_assert_eq(hs_scratch_size(t, &lit_size), HS_SUCCESS);
    hs_free_scratch(t);
    t = NULL;
    cr_assert_eq(hs_alloc_scratch(db->hs_leet, &t), HS_SUCCESS);
    cr_assert_eq(hs_scratch_size(t, &leet_size), HS_SUCCESS);
    hs_free_scratch(t);
    cr_assert_gt(leet_size, lit_size, "the sections need more scratch than the literals");
    hs_scratch_t *spare = atomic_load(&db->spare[DB_SPARE_LIT]);
    cr_assert_eq(hs_scratch_size(spare, &spare_size), HS_SUCCESS);
    cr_assert_geq(spare_size, leet_size);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    cr_assert_eq(s->hs, spare, "the first scratch took the load's");
    /* a leet reading (the leet section), an all-ASCII folded view (the
     * narrow one), a CJK one (the literal section) */
    static const char *texts[] = {"ph u c k you", "what the fuck is this", "这是色情内容"};
    for (size_t i = 0; i < 3; i++) {
        const screener_result *r;
        cr_assert_eq(screener_scan(db, s, texts[i], strlen(texts[i]), &r), SCREENER_OK, "%s",
                     texts[i]);
    }
    screener_scratch_free(s);
    screener_db_free(db);
    free(x1);
    free(x2);
    screener_free(b);
}

/* The leet and narrow sections (the newest loaded: check_leet_shortest
 * scans the leet section at load when a literal is one unit long, here
 * "x") with every bit of their Hyperscan headers flipped, the CRC and the
 * file re-sealed, and zeroed from every 8th header byte on: a load succeeds
 * or fails with a database error, and a database that loads scans texts
 * with leet readings and ASCII-only texts (both sections) without crashing
 * (its results need not be right). Not the bytecode: a sealed file is
 * trusted, and a flipped bytecode byte of the leet section crashes inside
 * hs_scan — since the leet probe, at load (docs/security.md). */
Test(hostile_db, damaged_leet_and_narrow_sections_fail_cleanly, .timeout = 300)
{
    static const char d[] = "x\nshit\nfuck\tseverity=3\nass\tword\n法轮功\n";
    static const char *texts[] = {"sh1t x f u c k", "a$$ @ss 5h1t", "hello world x",
                                  "法 轮 功 sh!t"};
    uint8_t *b;
    size_t len;
    blob_of(d, &b, &len);
    const db_header *h = (const db_header *)b;
    int secs[] = {SEC_HS_LEET, SEC_HS_NARROW};
    int ok = 0, refused = 0;
    uint8_t *x = malloc(len);
    screener_scratch *sc = NULL;
    for (int si = 0; si < 2; si++) {
        size_t off = h->sec_off[secs[si]], sl = h->sec_len[secs[si]];
        cr_assert_gt(sl, 32, "section %d is there", secs[si]);
        for (size_t pos = 0; pos < 32; pos++)
            for (int bit = 0; bit < 8 + (pos % 8 == 0); bit++) {
                if (pos >= 20 && pos < 24)
                    continue; /* the CRC itself */
                memcpy(x, b, len);
                if (bit == 8) /* every 8th byte: the rest of the section zeroed */
                    memset(x + off + pos, 0, sl - pos);
                else
                    x[off + pos] ^= (uint8_t)(1u << bit);
                uint32_t hl2;
                memcpy(&hl2, x + off + 8, 4);
                if (hl2 <= sl - 32) {
                    uint32_t c = hs_crc(x + off + 32, hl2);
                    memcpy(x + off + 20, &c, 4);
                }
                db_seal(x, len);
                char msg[512];
                screener_db *db = NULL;
                int rc = load(x, len, &db, msg, sizeof msg);
                cr_assert(rc == SCREENER_OK || rc == SCREENER_E_DB_FORMAT ||
                              rc == SCREENER_E_DB_VERSION || rc == SCREENER_E_DB_PLATFORM ||
                              rc == SCREENER_E_NOMEM,
                          "section %d byte %zu bit %d: %d %s", secs[si], pos, bit, rc, msg);
                cr_assert(rc == SCREENER_OK || strstr(msg, "<memory>"),
                          "the error names the buffer: %s", msg);
                if (rc == SCREENER_OK) {
                    ok++;
                    if (screener_scratch_alloc(db, &sc) == SCREENER_OK)
                        for (size_t t = 0; t < 4; t++) {
                            const screener_result *r;
                            int s = screener_scan(db, sc, texts[t], strlen(texts[t]), &r);
                            cr_assert(s == SCREENER_OK || s == SCREENER_E_HYPERSCAN, "%d", s);
                        }
                    screener_scratch_free(sc);
                    sc = NULL;
                    screener_db_free(db);
                } else {
                    refused++;
                }
            }
    }
    cr_log_info("leet/narrow damage: %d load, %d refused", ok, refused);
    cr_assert_gt(refused, 100);
    free(x);
    screener_free(b);
}
