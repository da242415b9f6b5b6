/* Regex entries: run on the regex view of the text (folded, ASCII
 * punctuation kept, spaces dropped), spans in original bytes. */
#include <criterion/criterion.h>
#include <string.h>

#include "db/db.h"
#include "screener.h"

static screener_db *rdb;
static screener_scratch *rs;

static const char rtext[] = "@category ads_spam\n"
                            "微信号?:?[a-z][a-z0-9_-]{5,19}\tregex\n"
                            "qq:?[1-9][0-9]{4,10}\tregex\n"
                            "@category porn\n"
                            "色情网站\n";

static void rsetup(void)
{
    screener_source src = {.name = "re.txt", .text = rtext, .len = sizeof rtext - 1};
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &rdb, &err), SCREENER_OK, "%s",
                 err ? screener_error_message(err) : "");
    cr_assert_eq(screener_scratch_alloc(rdb, &rs), SCREENER_OK);
}

static void rteardown(void)
{
    screener_scratch_free(rs);
    screener_db_free(rdb);
}

TestSuite(regex, .init = rsetup, .fini = rteardown);

/* The longest match of a regex entry (Hyperscan reports every end). */
static int longest(const char *text, const char *pattern_prefix, size_t *start, size_t *end)
{
    const screener_result *r;
    cr_assert_eq(screener_scan(rdb, rs, text, strlen(text), &r), SCREENER_OK);
    int found = 0;
    for (size_t i = 0; i < r->n_matches; i++) {
        screener_entry_info info;
        screener_db_entry(rdb, r->matches[i].entry_id, &info);
        if (!(info.flags & SCREENER_ENTRY_REGEX) ||
            strncmp(info.term, pattern_prefix, strlen(pattern_prefix)) != 0)
            continue;
        if (!found || r->matches[i].end - r->matches[i].start > *end - *start) {
            *start = r->matches[i].start;
            *end = r->matches[i].end;
        }
        found = 1;
    }
    return found;
}

Test(regex, matches_disguised_contact_handles)
{
    size_t a = 0, b = 0;
    cr_assert(longest("加微信：ｗｘ１２３４５６ 谢谢", "微信", &a, &b));
    cr_assert_eq(a, 3);  /* 微 */
    cr_assert_eq(b, 36); /* after ６ */
    cr_assert(longest("Q Q 1 2 3 4 5 6 7", "qq", &a, &b));
    cr_assert_eq(a, 0);
    cr_assert_eq(b, 17);
    cr_assert_not(longest("qq 0123", "qq", &a, &b));
}

/* The database records each regex's shortest match; the row is skipped on a
 * byte view shorter than the shortest of them, and a text exactly that long
 * (in the byte view, whatever its original length) is still found. */
Test(regex, the_shortest_match_is_recorded_and_still_found)
{
    cr_assert_eq(rdb->n_regex, 2);
    cr_assert_eq(rdb->regex_min_width, 7, "qq + 5 digits: %u", rdb->regex_min_width);
    size_t a = 0, b = 0;
    cr_assert(longest("qq12345", "qq", &a, &b));
    cr_assert_eq(b - a, 7);
    cr_assert(longest("q q 1 2 3 4 5", "qq", &a, &b));
    cr_assert_eq(b - a, 13);
    cr_assert_not(longest("qq1234", "qq", &a, &b));
    cr_assert_not(longest("q", "qq", &a, &b));
}

Test(regex, literals_and_regexes_in_one_scan)
{
    const screener_result *r;
    const char *t = "色情网站 qq:123456";
    cr_assert_eq(screener_scan(rdb, rs, t, strlen(t), &r), SCREENER_OK);
    cr_assert_eq(r->n_categories, 2);
}

Test(regex, survives_serialization_and_streams)
{
    void *b;
    size_t n;
    cr_assert_eq(screener_db_serialize(rdb, &b, &n), SCREENER_OK);
    screener_db *d = NULL;
    cr_assert_eq(screener_db_deserialize(b, n, &d, NULL), SCREENER_OK);
    screener_free(b);
    screener_stream *st = NULL;
    cr_assert_eq(screener_stream_open(d, &st), SCREENER_OK);
    const char *parts[] = {"hello q", "q: 12", "3456 bye"};
    size_t found = 0;
    const screener_result *r;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(screener_stream_write(st, rs, parts[i], strlen(parts[i]), &r), SCREENER_OK);
        found += r->n_matches;
    }
    cr_assert_eq(screener_stream_close(st, rs, &r), SCREENER_OK);
    found += r->n_matches;
    cr_assert_geq(found, 1);
    screener_stream_free(st);
    screener_db_free(d);
}

static int compile_err(const char *text, screener_error **err)
{
    screener_source src = {.name = "bad.txt", .text = text, .len = strlen(text)};
    screener_db *d = NULL;
    int rc = screener_compile(NULL, &src, 1, &d, err);
    screener_db_free(d);
    return rc;
}

Test(regex, bad_regexes_name_file_and_line)
{
    screener_error *err = NULL;
    cr_assert_eq(compile_err("ok\na(b\tregex\n", &err), SCREENER_E_DICT_SYNTAX);
    cr_assert(strstr(screener_error_message(err), "bad.txt:2:"), "%s", screener_error_message(err));
    cr_assert(strstr(screener_error_message(err), "invalid regex"));
    screener_error_free(err);
    cr_assert_eq(compile_err("x*\tregex\n", &err), SCREENER_E_DICT_SYNTAX);
    cr_assert(strstr(screener_error_message(err), "empty string"));
    screener_error_free(err);
    cr_assert_eq(compile_err("(a)\\1\tregex\n", &err), SCREENER_E_DICT_SYNTAX); /* backreference */
    screener_error_free(err);
}
