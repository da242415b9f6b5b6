/*
 * matchers.c — the matcher table (see matcher.h).
 */
#include "matcher.h"

#include "db/db.h"
#include "detect.h"

/* A row with a section runs when the database has that section (the
 * reader checked that a non-empty Hyperscan section was deserialized). */
static int uses_section(const screener_db *db, const matcher *m)
{
    return db->hdr->sec_len[m->section] != 0;
}

static int uses_detector(const screener_db *db, const matcher *m)
{
    return (db->detector_mask >> m->detector) & 1u;
}

static uint32_t longest_literal(const screener_db *db)
{
    return db->max_lit_units;
}

static uint32_t longest_regex(const screener_db *db)
{
    return db->hdr->regex_max_width; /* bytes of the byte view >= folded units */
}

static uint32_t longest_rules(const screener_db *db)
{
    return db->rules_reach; /* NEAR matches; AND NOT and THEN are judged per message */
}

/* A unit of the leet reading stands for at most LEET_MAX_REPEAT units of
 * the folded view (joined spaced repeats; "ph" is two for one). */
static uint32_t longest_leet(const screener_db *db)
{
    return db->max_lit_units * LEET_MAX_REPEAT;
}

static uint32_t longest_digits(const screener_db *db)
{
    (void)db;
    return DETECT_DIGITS_MAX;
}

static uint32_t longest_text(const screener_db *db)
{
    (void)db;
    return DETECT_TEXT_MAX;
}

/* Shortest views. A literal matches in a folded view (or, for the leet row,
 * a folded reading) at least as long as the shortest literal; rules combine
 * parts the literal row found; regexes: the shortest match of any of them
 * in bytes of the byte view (recorded per regex at compile time, db_regex;
 * never 0: compile/regex.c refuses a regex that can match the empty
 * string); detectors: detect_min_len. */
static uint32_t shortest_literal(const screener_db *db, const matcher *m)
{
    (void)m;
    return db->min_lit_units ? db->min_lit_units : 1;
}

/* The leet section holds only literals of 2+ letters a-z (compile/leet_lits.c
 * latin_letters, since the section exists; DB_LEET_MIN_UNITS, checked at
 * load: db.c check_leet_shortest), each one unit of the folded reading: a
 * reading of one unit never matches (a 1-letter text skips the leet view:
 * views.c bound_leet). */
static uint32_t shortest_leet(const screener_db *db, const matcher *m)
{
    uint32_t n = shortest_literal(db, m);
    return n > DB_LEET_MIN_UNITS ? n : DB_LEET_MIN_UNITS;
}

static uint32_t shortest_regex(const screener_db *db, const matcher *m)
{
    (void)m;
    return db->regex_min_width ? db->regex_min_width : 1;
}

static uint32_t shortest_detector(const screener_db *db, const matcher *m)
{
    (void)db;
    size_t n = detect_min_len(m->detector);
    return n ? (uint32_t)n : 1;
}

const matcher scan_matchers[] = {
    {"literals", VIEW_FOLDED, SEC_HS, 0, longest_literal, shortest_literal, uses_section,
     run_literals, &batch_literals},
    {"cn_mobile", VIEW_NUMERALS, -1, DETECT_CN_MOBILE, longest_digits, shortest_detector,
     uses_detector, run_digit_detector, &batch_digits},
    {"cn_id", VIEW_NUMERALS, -1, DETECT_CN_ID, longest_digits, shortest_detector, uses_detector,
     run_digit_detector, &batch_digits},
    {"bank_card", VIEW_NUMERALS, -1, DETECT_BANK_CARD, longest_digits, shortest_detector,
     uses_detector, run_digit_detector, &batch_digits},
    {"email", VIEW_BYTES, -1, DETECT_EMAIL, longest_text, shortest_detector, uses_detector,
     run_text_detector, &batch_text},
    {"url", VIEW_BYTES, -1, DETECT_URL, longest_text, shortest_detector, uses_detector,
     run_text_detector, &batch_text},
    {"regex", VIEW_BYTES, SEC_HS_REGEX, 0, longest_regex, shortest_regex, uses_section,
     run_regexes, &batch_regexes},
    {"leet", VIEW_LEET, SEC_HS_LEET, 0, longest_leet, shortest_leet, uses_section, run_leet,
     &batch_leet},
    /* after every row that may add allow matches: it reads the literal row's parts */
    {"rules", VIEW_FOLDED, SEC_RULES, 0, longest_rules, shortest_literal, uses_section,
     run_rules, &batch_rules},
};
const size_t scan_n_matchers = sizeof scan_matchers / sizeof scan_matchers[0];
_Static_assert(MATCHER_LITERALS == 0, "scan_matchers[0] is the literal row");
_Static_assert(MATCHER_LEET == 7, "scan_matchers[7] is the leet row");
_Static_assert(MATCHER_RULES == sizeof scan_matchers / sizeof scan_matchers[0] - 1,
               "the rules row is the last row");
_Static_assert(sizeof((screener_scratch *)0)->row_min / sizeof(uint32_t) == MATCHERS_MAX &&
                   sizeof((screener_scratch *)0)->row_view == MATCHERS_MAX,
               "a scratch has a shortest view per row");
_Static_assert(sizeof scan_matchers / sizeof scan_matchers[0] <= MATCHERS_MAX,
               "rows_used is a 32-bit mask");

uint32_t scan_rows_used(const screener_db *db, unsigned *views_out)
{
    uint32_t rows = 0;
    *views_out = 0;
    for (size_t k = 0; k < scan_n_matchers; k++) {
        if (scan_matchers[k].used(db, &scan_matchers[k])) {
            rows |= 1u << k;
            *views_out |= scan_matchers[k].view;
        }
    }
    return rows;
}

void scan_rows_shortest(const screener_db *db, screener_scratch *s)
{
    for (int i = 0; i < VIEW_KINDS; i++) {
        s->view_rows[i] = 0;
        s->view_min[i] = UINT32_MAX;
    }
    for (size_t k = 0; k < scan_n_matchers; k++) {
        const matcher *m = &scan_matchers[k];
        int i = __builtin_ctz(m->view);
        s->row_view[k] = (uint8_t)i;
        s->row_min[k] = UINT32_MAX;
        if (!((s->rows_used >> k) & 1u))
            continue;
        s->row_min[k] = m->shortest(db, m);
        s->view_rows[i] |= 1u << k;
        if (s->row_min[k] < s->view_min[i])
            s->view_min[i] = s->row_min[k];
    }
}

uint32_t scan_carry_units(const screener_db *db)
{
    uint32_t L = 1;
    for (size_t k = 0; k < scan_n_matchers; k++) {
        const matcher *m = &scan_matchers[k];
        if (m->used(db, m) && m->longest(db) > L)
            L = m->longest(db);
    }
    return L;
}
