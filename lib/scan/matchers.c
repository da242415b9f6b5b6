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

const matcher scan_matchers[] = {
    {"literals", VIEW_FOLDED, SEC_HS, 0, longest_literal, uses_section, run_literals,
     &batch_literals},
    {"cn_mobile", VIEW_NUMERALS, -1, DETECT_CN_MOBILE, longest_digits, uses_detector,
     run_digit_detector, &batch_digits},
    {"cn_id", VIEW_NUMERALS, -1, DETECT_CN_ID, longest_digits, uses_detector, run_digit_detector,
     &batch_digits},
    {"bank_card", VIEW_NUMERALS, -1, DETECT_BANK_CARD, longest_digits, uses_detector,
     run_digit_detector, &batch_digits},
    {"email", VIEW_BYTES, -1, DETECT_EMAIL, longest_text, uses_detector, run_text_detector,
     &batch_text},
    {"url", VIEW_BYTES, -1, DETECT_URL, longest_text, uses_detector, run_text_detector,
     &batch_text},
    {"regex", VIEW_BYTES, SEC_HS_REGEX, 0, longest_regex, uses_section, run_regexes,
     &batch_regexes},
    {"leet", VIEW_LEET, SEC_HS_LEET, 0, longest_leet, uses_section, run_leet, &batch_leet},
    /* after every row that may add allow matches: it reads the literal row's parts */
    {"rules", VIEW_FOLDED, SEC_RULES, 0, longest_rules, uses_section, run_rules, &batch_rules},
};
const size_t scan_n_matchers = sizeof scan_matchers / sizeof scan_matchers[0];
_Static_assert(MATCHER_LITERALS == 0, "scan_matchers[0] is the literal row");
_Static_assert(MATCHER_LEET == 7, "scan_matchers[7] is the leet row");
_Static_assert(MATCHER_RULES == sizeof scan_matchers / sizeof scan_matchers[0] - 1,
               "the rules row is the last row");
_Static_assert(sizeof scan_matchers / sizeof scan_matchers[0] <= 32, "rows_used is a 32-bit mask");

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
