/* SCREENER_COMPILE_LENIENT: a third-party word list with bad lines of every
 * per-line kind compiles, each bad line is one "FILE:LINE: skipped: ..."
 * warning plus a final count, the good lines still match, and strict mode
 * (the default) still fails on the first bad line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screener.h"

typedef struct warnings {
    char msg[32][512];
    int n;
} warnings;

static void collect(const char *message, void *user_data)
{
    warnings *w = user_data;
    cr_assert_lt(w->n, 32, "too many warnings: %s", message);
    snprintf(w->msg[w->n++], sizeof w->msg[0], "%s", message);
}

/* line -> the reason its warning must contain; 0-terminated */
static const struct {
    unsigned line;
    const char *why;
} bad_lines[] = {
    {3, "unknown attribute `sevrity=2`"},
    {4, "invalid UTF-8"},
    {6, "term folds to nothing"},
    {7, "unknown directive"},
    {8, "severity must be 1, 2, 3 or 4"},
    {9, "invalid regex"},
    {10, "`word` and `substring` exclude each other"},
    {11, "longer than the limit"},
    {12, "forms="},
    {14, "already defined with other severity"},
    {15, "unknown detector"},
    {16, "regex can match text of unbounded length"},
    {0, NULL},
};

static const char list[] = "# a third-party list\n"            /* 1 */
                           "fuck\n"                             /* 2 */
                           "badattr\tsevrity=2\n"               /* 3 */
                           "\xff\xfe broken\n"                  /* 4 */
                           "\n"                                 /* 5 */
                           "!!!\n"                              /* 6 */
                           "@username\n"                        /* 7 */
                           "shit\tseverity=9\n"                 /* 8 */
                           "(a|b\tregex\n"                      /* 9 */
                           "sex\tword substring\n"              /* 10 */
                           "0123456789012345678901234567890123456789\n" /* 11 (max 32) */
                           "法轮功\tforms=english\n"            /* 12 */
                           "bastard\n"                          /* 13 */
                           "bastard\tseverity=3\n"              /* 14 */
                           "@detect no_such_detector\n"         /* 15 */
                           "qq[0-9]+\tregex\n"                  /* 16 */
                           "wank\n"                             /* 17 */
                           "qq[0-9]{5,10}\tregex\n";            /* 18 */

static screener_compile_options options(uint32_t flags, warnings *w)
{
    screener_compile_options o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.flags = flags;
    o.max_term_bytes = 32;
    o.warning = collect;
    o.warning_user_data = w;
    return o;
}

Test(lenient, skips_each_bad_line_with_file_line_and_counts_them)
{
    warnings w = {.n = 0};
    screener_compile_options o = options(SCREENER_COMPILE_LENIENT, &w);
    screener_source src = {.name = "third-party.txt", .text = list, .len = sizeof list - 1};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, &err), SCREENER_OK, "%s",
                 screener_error_message(err));
    int n_bad = 0;
    for (; bad_lines[n_bad].line; n_bad++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "third-party.txt:%u: skipped: ", bad_lines[n_bad].line);
        int found = 0;
        for (int i = 0; i < w.n; i++)
            if (strncmp(w.msg[i], prefix, strlen(prefix)) == 0) {
                cr_expect(strstr(w.msg[i], bad_lines[n_bad].why), "line %u: %s",
                          bad_lines[n_bad].line, w.msg[i]);
                found++;
            }
        cr_expect_eq(found, 1, "line %u: %d warnings", bad_lines[n_bad].line, found);
    }
    /* one warning per bad line, then the count, last */
    cr_assert_eq(w.n, n_bad + 1);
    char count[32];
    snprintf(count, sizeof count, "%d lines skipped", n_bad);
    cr_assert_str_eq(w.msg[w.n - 1], count);
    /* the good lines match, with their own severity */
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    static const char *good[] = {"fuck", "bastard", "wank", "qq12345"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        const screener_result *r;
        cr_assert_eq(screener_scan(db, s, good[i], strlen(good[i]), &r), SCREENER_OK);
        cr_expect_eq(r->severity, 2, "%s", good[i]);
    }
    /* and nothing of the skipped lines does (the first bastard keeps 2) */
    static const char *skipped[] = {"badattr", "shit", "sex", "@username", "username"};
    for (size_t i = 0; i < sizeof skipped / sizeof *skipped; i++) {
        const screener_result *r;
        cr_assert_eq(screener_scan(db, s, skipped[i], strlen(skipped[i]), &r), SCREENER_OK);
        cr_expect_eq(r->n_matches, 0, "%s", skipped[i]);
    }
    screener_scratch_free(s);
    screener_db_free(db);
}

Test(lenient, strict_is_the_default_and_stops_at_the_first_bad_line)
{
    warnings w = {.n = 0};
    screener_compile_options o = options(0, &w);
    screener_source src = {.name = "third-party.txt", .text = list, .len = sizeof list - 1};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, &err), SCREENER_E_DICT_SYNTAX);
    cr_assert_null(db);
    cr_assert_eq(screener_error_line(err), 3);
    cr_assert(strstr(screener_error_message(err), "unknown attribute"));
    cr_assert_eq(w.n, 0);
    screener_error_free(err);
    /* NULL options are strict too */
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, NULL), SCREENER_E_DICT_SYNTAX);
}

Test(lenient, lines_that_change_the_following_ones_still_abort)
{
    static const char *texts[] = {"fuck\n@category Bad Name\nwank\n", "fuck\n@severity 7\nwank\n",
                                  "fuck\n@forms frobnicate\nwank\n", "fuck\n@numerals maybe\n",
                                  "fuck\n@action 9 block\n"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        warnings w = {.n = 0};
        screener_compile_options o = options(SCREENER_COMPILE_LENIENT, &w);
        screener_source src = {.name = "m.txt", .text = texts[i], .len = strlen(texts[i])};
        screener_db *db = NULL;
        screener_error *err = NULL;
        cr_expect_eq(screener_compile(&o, &src, 1, &db, &err), SCREENER_E_DICT_SYNTAX, "%s",
                     texts[i]);
        cr_expect_eq(screener_error_line(err), 2, "%s", texts[i]);
        cr_expect_eq(w.n, 0, "%s", texts[i]);
        screener_error_free(err);
        screener_db_free(db);
    }
}

Test(lenient, needs_a_warning_callback)
{
    screener_compile_options o = options(SCREENER_COMPILE_LENIENT, NULL);
    o.warning = NULL;
    screener_source src = {.name = "third-party.txt", .text = list, .len = sizeof list - 1};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, &err), SCREENER_E_INVALID_ARGUMENT);
    cr_assert(strstr(screener_error_message(err), "warning callback"));
    cr_assert_null(db);
    screener_error_free(err);
}

Test(lenient, limits_and_missing_files_still_abort)
{
    warnings w = {.n = 0};
    screener_compile_options o = options(SCREENER_COMPILE_LENIENT, &w);
    o.max_entries = 2;
    static const char three[] = "fuck\nshit\nwank\n";
    screener_source src = {.name = "l.txt", .text = three, .len = sizeof three - 1};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, &err), SCREENER_E_LIMIT);
    screener_error_free(err);
    err = NULL;
    screener_source missing = {.path = "/nonexistent/screener-lenient.txt"};
    cr_assert_eq(screener_compile(&o, &missing, 1, &db, &err), SCREENER_E_IO);
    screener_error_free(err);
    /* a list of bad lines only: nothing left to deny */
    static const char all_bad[] = "x\tsevrity=1\n!!!\n";
    screener_source bad = {.name = "b.txt", .text = all_bad, .len = sizeof all_bad - 1};
    err = NULL;
    w.n = 0;
    cr_assert_eq(screener_compile(&o, &bad, 1, &db, &err), SCREENER_E_DICT_EMPTY);
    cr_assert_str_eq(w.msg[w.n - 1], "2 lines skipped");
    screener_error_free(err);
}
