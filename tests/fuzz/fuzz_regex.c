/*
 * fuzz_regex — random regex dictionary entries compiled by screener_compile
 * and scanned over random text: the regex validation (width bound, empty
 * match, Hyperscan's own errors), both regex databases (ends without SOM,
 * anchored starts), the start recovery of scan/m_regex.c and collection.
 *
 * Input: byte 0 = options (bit 0: max_matches 3, so that the cap and the
 * "truncated" path run; bit 1: text repeated past 300 bytes, where
 * Vectorscan's SOM used to abort and its block scan misbehaves beyond 64
 * bytes); then up to 4 regex lines, a NUL byte, and the text (<= 2 KB).
 * Each line becomes `LINE<TAB>regex` in category ads_spam (tabs in a line
 * become spaces), parsed by dict_parse and compiled by compile_regexes (the
 * code screener_compile runs for regexes); the database is assembled by
 * db_write_blob + db_open_blob around the sections of one base database
 * compiled at start-up (building the ICU fold table per input would cost
 * ~0.2 s). Every 64th new regex set also goes through screener_compile
 * whole. Databases are cached by their regex lines.
 *
 * Checks: compile errors carry a status and a message; results satisfy the
 * common invariants (fuzz_check_result); and, for byte views shorter than
 * 64 bytes with regexes at most 48 bytes wide, the matches equal the brute
 * force of tests/scan/regex_ref.h exactly; longer, every reported match
 * must be one the brute force confirms (where the view is at most 512 bytes).
 */
#include <xxhash.h>

#include "../scan/regex_ref.h"
#include "compile/regex.h"
#include "db/db.h"
#include "dict/dict.h"
#include "fuzz_common.h"

#define MAX_LINES 4
#define MAX_TEXT 2048
#define CACHE 32

typedef struct cached {
    char *key;
    size_t key_len;
    screener_db *db;
    brute br[MAX_LINES];
    int nbr; /* -1: no brute force (wide regexes) */
} cached;

static cached cache[CACHE];
static unsigned cache_next;

static cached *lookup(const char *key, size_t key_len)
{
    for (unsigned i = 0; i < CACHE; i++)
        if (cache[i].key && cache[i].key_len == key_len && memcmp(cache[i].key, key, key_len) == 0)
            return &cache[i];
    return NULL;
}

/* The base: fold table, categories and sources of a compiled dictionary. */
static const screener_db *base(void)
{
    static screener_db *b;
    if (!b) {
        static const char d[] = "@category ads_spam\nqq[0-9]{5}\tregex\n";
        screener_source src = {NULL, "regex.txt", d, sizeof d - 1};
        FUZZ_CHECK(screener_compile(NULL, &src, 1, &b, NULL) == SCREENER_OK);
    }
    return b;
}

static int check_error(int rc, screener_error *err)
{
    FUZZ_CHECK(rc < 0);
    FUZZ_CHECK(err && screener_error_status(err) == rc && screener_error_message(err));
    screener_error_free(err);
    return rc;
}

/* The regex entries of set over the base's other sections. */
static int assemble(const dict_set *set, screener_db **out)
{
    const screener_db *b = base();
    const db_header *h = b->hdr;
    screener_error *err = NULL;
    regex_out rx;
    hs_platform_info_t plat = {.tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = 0};
    int rc = compile_regexes(set, &err, &plat, &rx);
    if (rc)
        return check_error(rc, err);
    if (rx.n == 0) {
        regex_out_free(&rx);
        return -1;
    }
    size_t sl = h->sec_len[SEC_STRINGS], tl = 0;
    for (size_t i = 0; i < set->n_entries; i++)
        tl += set->entries[i].term_len + 1;
    char *strings = malloc(sl + tl);
    db_entry *ent = calloc(set->n_entries, sizeof *ent);
    if (!strings || !ent)
        abort();
    memcpy(strings, b->strings, sl);
    for (size_t i = 0; i < set->n_entries; i++) {
        const dict_entry *e = &set->entries[i];
        ent[i] = (db_entry){(uint32_t)sl, (uint32_t)e->term_len, 0, e->line, 0, e->severity,
                            e->flags, 0, 0};
        memcpy(strings + sl, e->term, e->term_len + 1);
        sl += e->term_len + 1;
    }
    db_section_data sec[SEC_COUNT];
    for (int k = 0; k < SEC_COUNT; k++)
        sec[k] = (db_section_data){b->blob + h->sec_off[k], h->count[k]};
    sec[SEC_ENTRIES] = (db_section_data){ent, set->n_entries};
    sec[SEC_LITS] = sec[SEC_LIT_ENTRIES] = sec[SEC_HS] = (db_section_data){NULL, 0};
    sec[SEC_STRINGS] = (db_section_data){strings, sl};
    sec[SEC_HS_REGEX] = (db_section_data){rx.bytes, rx.len};
    sec[SEC_HS_REGEX_START] = (db_section_data){rx.start_bytes, rx.start_len};
    sec[SEC_REGEXES] = (db_section_data){rx.table, rx.n};
    db_meta meta = {h->fold_flags, rx.max_width, {0}, 1}; /* (the trie as stored) */
    XXH3_state_t *fp = XXH3_createState(); /* the loader recomputes it */
    if (!fp)
        abort();
    db_fp_begin(fp, h->fold_flags);
    for (uint32_t i = 0; i < b->n_cats; i++)
        db_fp_category(fp, b->cats[i].actions);
    for (size_t i = 0; i < set->n_entries; i++)
        db_fp_entry(fp, NULL, 0, b->strings + b->cats[0].name_off, ent[i].severity,
                    ent[i].flags, 0, 0, NULL);
    db_fp_end(fp, meta.fingerprint);
    XXH3_freeState(fp);
    uint8_t *blob;
    size_t len;
    FUZZ_CHECK(db_write_blob(&meta, sec, &blob, &len) == SCREENER_OK);
    rc = db_open_blob(blob, len, "<fuzz>", out, &err);
    if (rc)
        fprintf(stderr, "%s\n", screener_error_message(err));
    FUZZ_CHECK(rc == SCREENER_OK); /* what compile_regexes made must load */
    regex_out_free(&rx);
    free(strings);
    free(ent);
    return SCREENER_OK;
}

/* Compile the dictionary for the regex part; NULL when it is refused. */
static cached *compile_lines(const uint8_t *p, size_t n)
{
    cached *c = lookup((const char *)p, n);
    if (c)
        return c;
    char dict[4 * 1024] = "@category ads_spam\n";
    size_t w = strlen(dict);
    int lines = 0;
    for (size_t i = 0; i < n && lines < MAX_LINES;) {
        size_t j = i;
        while (j < n && p[j] != '\n')
            j++;
        if (j > i && w + (j - i) + 8 < sizeof dict) {
            for (size_t k = i; k < j; k++)
                dict[w++] = p[k] == '\t' ? ' ' : (char)p[k];
            memcpy(dict + w, "\tregex\n", 7);
            w += 7;
            lines++;
        }
        i = j + 1;
    }
    c = &cache[cache_next++ % CACHE];
    if (c->key) {
        free(c->key);
        for (int k = 0; k < c->nbr; k++)
            brute_free(&c->br[k]);
        screener_db_free(c->db);
    }
    memset(c, 0, sizeof *c);
    c->key = malloc(n ? n : 1);
    if (!c->key)
        abort();
    memcpy(c->key, p, n);
    c->key_len = n;
    static unsigned n_sets;
    if (n_sets++ % 64 == 0) { /* the whole compiler, now and then */
        screener_source src = {NULL, "regex.txt", dict, w};
        screener_error *err = NULL;
        screener_db *db = NULL;
        int rc = screener_compile(NULL, &src, 1, &db, &err);
        if (rc != SCREENER_OK)
            check_error(rc, err);
        FUZZ_CHECK((rc == SCREENER_OK) == (db != NULL));
        screener_db_free(db);
    }
    dict_set set;
    memset(&set, 0, sizeof set);
    screener_error *err = NULL;
    int rc = dict_parse(&set, "regex.txt", dict, w, &err);
    if (rc == SCREENER_OK)
        rc = assemble(&set, &c->db);
    else
        check_error(rc, err);
    dict_set_free(&set);
    if (rc != SCREENER_OK)
        return c;
    FUZZ_CHECK(c->db->hdr->regex_max_width <= 1024);
    if (c->db->hdr->regex_max_width > 48) {
        c->nbr = -1;
        return c;
    }
    for (uint32_t i = 0; i < screener_db_entry_count(c->db); i++) {
        screener_entry_info info;
        FUZZ_CHECK(screener_db_entry(c->db, i, &info) == SCREENER_OK);
        if (!(info.flags & SCREENER_ENTRY_REGEX))
            continue;
        if (c->nbr < MAX_LINES && brute_init(&c->br[c->nbr], &info, i,
                                             c->db->hdr->regex_max_width) == 0) {
            c->nbr++;
        } else {
            for (int k = 0; k < c->nbr; k++)
                brute_free(&c->br[k]);
            c->nbr = -1; /* a form the brute force cannot build (e.g. `$` mid-pattern) */
            break;
        }
    }
    return c;
}

static void check_against_brute(cached *c, const screener_result *r, const char *text,
                                size_t len)
{
    static byte_view bv;
    static ref_ctx raw, ref;
    static hs_scratch_t *hs;
    if (c->nbr <= 0 || r->truncated)
        return;
    FUZZ_CHECK(byte_view_build(&c->db->fold, (const uint8_t *)text, len, 1u << 20, &bv) ==
               SCREENER_OK);
    if (bv.n == 0 || bv.n > 512)
        return;
    raw.bv = &bv;
    raw.text = (const uint8_t *)text;
    raw.len = len;
    raw.n = 0;
    for (int k = 0; k < c->nbr; k++)
        brute_matches(&c->br[k], &hs, &raw);
    ref_longest(&raw, &ref);
    for (size_t i = 0; i < r->n_matches; i++) { /* a real match, its leftmost start */
        ref_match m = {r->matches[i].entry_id, r->matches[i].start, r->matches[i].end};
        if (!has(raw.m, raw.n, &m))
            fprintf(stderr, "reported match %u [%zu,%zu) not confirmed\n", m.id, m.start, m.end);
        FUZZ_CHECK(has(raw.m, raw.n, &m));
    }
    if (bv.n < 64) { /* exactly the brute force */
        if (r->n_matches != ref.n)
            fprintf(stderr, "%zu matches, brute force %zu\n", r->n_matches, ref.n);
        FUZZ_CHECK(r->n_matches == ref.n);
        for (size_t i = 0; i < ref.n; i++)
            FUZZ_CHECK(r->matches[i].entry_id == ref.m[i].id &&
                       r->matches[i].start == ref.m[i].start && r->matches[i].end == ref.m[i].end);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    const uint8_t *p = data + 1, *nul = memchr(p, 0, size - 1);
    size_t nre = nul ? (size_t)(nul - p) : size - 1;
    if (nre > 600)
        return 0;
    const uint8_t *t = nul ? nul + 1 : p + nre;
    size_t tl = (size_t)(data + size - t);
    if (tl > MAX_TEXT)
        return 0;
    cached *c = compile_lines(p, nre);
    if (!c->db)
        return 0;

    static screener_scratch *s;
    static const screener_db *s_for;
    if (s_for != c->db) { /* re-fit: exercises scan_prepare's scratch refit */
        if (!s)
            FUZZ_CHECK(screener_scratch_alloc(c->db, &s) == SCREENER_OK);
        s_for = c->db;
    }
    screener_profile prof = {sizeof prof, 0, NULL, 0, (opt & 1) ? 3 : 0, 0};
    FUZZ_CHECK(screener_scratch_set_profile(s, &prof) == SCREENER_OK);

    char *text = malloc(MAX_TEXT * 4 + 400);
    if (!text)
        abort();
    memcpy(text, t, tl);
    size_t len = tl;
    if ((opt & 2) && tl > 0)
        while (len < 300 || len < 2 * tl) {
            size_t k = len + tl <= MAX_TEXT * 4 ? tl : 0;
            if (!k)
                break;
            memcpy(text + len, t, k);
            len += k;
        }
    const screener_result *r = NULL;
    FUZZ_CHECK(screener_scan(c->db, s, text, len, &r) == SCREENER_OK);
    fuzz_check_result(c->db, r, (const uint8_t *)text, len);
    check_against_brute(c, r, text, len);
    free(text);
    return 0;
}
