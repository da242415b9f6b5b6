/* Dictionary format: entries, directives, attributes, and errors that name
 * the source, the line and the offending text. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/names.h"
#include "dict/dict.h"

static dict_set set;
static screener_error *err;

static void setup(void)
{
    memset(&set, 0, sizeof set);
    err = NULL;
}

static void teardown(void)
{
    dict_set_free(&set);
    screener_error_free(err);
}

TestSuite(dict, .init = setup, .fini = teardown);

static int parse(const char *name, const char *text)
{
    return dict_parse(&set, name, text, strlen(text), &err);
}

static const char *cat(size_t i)
{
    return set.categories[set.entries[i].category];
}

Test(dict, plain_word_list_takes_category_from_file_name)
{
    cr_assert_eq(parse("dicts/Porn-Words.txt", "色情网站\nporn\n"), SCREENER_OK);
    cr_assert_eq(set.n_entries, 2);
    cr_assert_str_eq(set.entries[0].term, "色情网站");
    cr_assert_str_eq(cat(0), "porn_words");
    cr_assert_eq(set.entries[1].severity, DICT_DEFAULT_SEVERITY);
    cr_assert_eq(set.entries[1].line, 2);
}

Test(dict, directives_and_attributes_set_metadata)
{
    const char *text = "# comment\n"
                       "@category abuse\n"
                       "@severity 3\n"
                       "idiot\n"
                       "\n"
                       "  # indented comment\n"
                       "scum\tseverity=4 word\n"
                       "路口交通\tallow category=porn\n"
                       "ab\tsubstring\n";
    cr_assert_eq(parse("x.txt", text), SCREENER_OK, "%s", screener_error_message(err));
    cr_assert_eq(set.n_entries, 4);
    cr_assert_str_eq(cat(0), "abuse");
    cr_assert_eq(set.entries[0].severity, 3);
    cr_assert_eq(set.entries[1].severity, 4);
    cr_assert_eq(set.entries[1].flags, SCREENER_ENTRY_WORD);
    cr_assert_eq(set.entries[1].line, 7);
    cr_assert_str_eq(cat(2), "porn");
    cr_assert_eq(set.entries[2].flags, SCREENER_ENTRY_ALLOW);
    cr_assert_eq(set.entries[3].flags, SCREENER_ENTRY_SUBSTRING);
}

Test(dict, escaped_hash_and_at_are_terms)
{
    cr_assert_eq(parse("x", "\\#tag\n\\@user\n"), SCREENER_OK);
    cr_assert_str_eq(set.entries[0].term, "#tag");
    cr_assert_str_eq(set.entries[1].term, "@user");
}

Test(dict, escaped_backslash_writes_a_leading_backslash)
{
    /* \\#x is the term \#x; a backslash before anything else stays */
    cr_assert_eq(parse("x", "\\\\#tag\n\\\\y\n\\x\na\\#b\n"), SCREENER_OK);
    cr_assert_eq(set.n_entries, 4);
    cr_assert_str_eq(set.entries[0].term, "\\#tag");
    cr_assert_str_eq(set.entries[1].term, "\\y");
    cr_assert_str_eq(set.entries[2].term, "\\x");
    cr_assert_str_eq(set.entries[3].term, "a\\#b");
}

Test(dict, crlf_bom_and_trailing_spaces_are_tolerated)
{
    cr_assert_eq(parse("x", "\xEF\xBB\xBFone  \r\ntwo\r\n"), SCREENER_OK);
    cr_assert_eq(set.n_entries, 2);
    cr_assert_str_eq(set.entries[0].term, "one");
    cr_assert_str_eq(set.entries[1].term, "two");
}

Test(dict, unknown_attribute_names_file_line_and_text)
{
    cr_assert_eq(parse("words.txt", "ok\nbad\tcolour=red\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert_str_eq(screener_error_file(err), "words.txt");
    cr_assert_eq(screener_error_line(err), 2);
    cr_assert(strstr(screener_error_message(err), "words.txt:2:"));
    cr_assert(strstr(screener_error_message(err), "colour=red"));
}

Test(dict, severity_out_of_range_is_an_error)
{
    cr_assert_eq(parse("s.txt", "a\tseverity=5\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert_eq(screener_error_line(err), 1);
    screener_error_free(err);
    err = NULL;
    cr_assert_eq(parse("s.txt", "@severity 0\n"), SCREENER_E_DICT_SYNTAX);
}

Test(dict, invalid_category_name_is_an_error)
{
    cr_assert_eq(parse("c.txt", "a\tcategory=Bad-Name\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert(strstr(screener_error_message(err), "a-z0-9_"));
}

Test(dict, unknown_directive_is_an_error)
{
    cr_assert_eq(parse("d.txt", "@sevrity 3\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert(strstr(screener_error_message(err), "@sevrity"));
}

Test(dict, invalid_utf8_is_an_error_with_position)
{
    cr_assert_eq(parse("u.txt", "good\nb\xFF" "ad\n"), SCREENER_E_DICT_TERM);
    cr_assert_eq(screener_error_line(err), 2);
    cr_assert(strstr(screener_error_message(err), "byte 2"));
    cr_assert(strstr(screener_error_message(err), "\\xFF"));
}

Test(dict, empty_term_with_attributes_is_an_error)
{
    cr_assert_eq(parse("e.txt", "\tseverity=3\n"), SCREENER_E_DICT_TERM);
}

Test(dict, word_and_substring_conflict)
{
    cr_assert_eq(parse("w.txt", "x\tword substring\n"), SCREENER_E_DICT_SYNTAX);
}

Test(dict, regex_entries_are_flagged_and_take_no_other_flags)
{
    cr_assert_eq(parse("r.txt", "1[3-9]\\d{9}\tregex\n"), SCREENER_OK);
    cr_assert_eq(set.entries[0].flags, SCREENER_ENTRY_REGEX);
    cr_assert_str_eq(set.entries[0].term, "1[3-9]\\d{9}");
    cr_assert_eq(parse("r.txt", "abc\tregex allow\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert(strstr(screener_error_message(err), "r.txt:1:"));
}

Test(dict, overlong_term_is_an_error)
{
    char big[1100];
    memset(big, 'a', sizeof big - 2);
    big[sizeof big - 2] = '\n';
    big[sizeof big - 1] = 0;
    cr_assert_eq(parse("l.txt", big), SCREENER_E_LIMIT);
    cr_assert(strstr(screener_error_message(err), "max_term_bytes"));
}

Test(dict, max_entries_is_enforced)
{
    set.max_entries = 2;
    cr_assert_eq(parse("m.txt", "a\nb\nc\n"), SCREENER_E_LIMIT);
    cr_assert_eq(screener_error_line(err), 3);
}

Test(dict, nul_byte_in_line_is_an_error)
{
    static const char text[] = "a\0b\n";
    cr_assert_eq(dict_parse(&set, "n.txt", text, sizeof text - 1, &err), SCREENER_E_DICT_TERM);
}

Test(dict, action_star_is_a_default_that_explicit_severities_override)
{
    /* in either order: `*` fills the severities no explicit line sets */
    const char *orders[2] = {"@category t\n@action * review\n@action 3 block\nterm\n",
                             "@category t\n@action 3 block\n@action * review\nterm\n"};
    for (int k = 0; k < 2; k++) {
        dict_set_free(&set);
        cr_assert_eq(parse("p.txt", orders[k]), SCREENER_OK, "%s", screener_error_message(err));
        long id = dict_category_id(&set, "t");
        cr_assert_eq(set.cat_meta[id].actions[0], SCREENER_ACTION_REVIEW);
        cr_assert_eq(set.cat_meta[id].actions[1], SCREENER_ACTION_REVIEW);
        cr_assert_eq(set.cat_meta[id].actions[2], SCREENER_ACTION_BLOCK, "order %d", k);
        cr_assert_eq(set.cat_meta[id].actions[3], SCREENER_ACTION_REVIEW);
    }
}

Test(dict, two_explicit_actions_for_one_severity_conflict)
{
    const char *text = "@category tenant_words\n"
                       "@action * review\n"
                       "@action 1 block\n"
                       "@action 1 mask\n";
    cr_assert_eq(parse("p.txt", text), SCREENER_E_DICT_CONFLICT);
    cr_assert(strstr(screener_error_message(err), "p.txt:4:"));
    cr_assert(strstr(screener_error_message(err), "p.txt:3"));
}

Test(dict, two_different_default_actions_conflict)
{
    cr_assert_eq(parse("p.txt", "@category t\n@action * review\n@action * block\n"),
                 SCREENER_E_DICT_CONFLICT);
    cr_assert(strstr(screener_error_message(err), "p.txt:3:"));
    cr_assert(strstr(screener_error_message(err), "default"));
    screener_error_free(err);
    err = NULL;
    dict_set_free(&set);
    cr_assert_eq(parse("p.txt", "@category t\n@action * block\n@action * block\nx\n"), SCREENER_OK);
}

/* ---- lint ---- */

static char lint_out[4096];
static int lint_count;
static void collect_warning(const char *msg, void *ud)
{
    (void)ud;
    lint_count++;
    strncat(lint_out, msg, sizeof lint_out - strlen(lint_out) - 2);
    strcat(lint_out, "\n");
}

static int lint(const char *text)
{
    lint_out[0] = '\0';
    lint_count = 0;
    dict_set_free(&set);
    cr_assert_eq(parse("l.txt", text), SCREENER_OK, "%s", screener_error_message(err));
    dict_lint(&set, collect_warning, NULL);
    return lint_count;
}

Test(dict, lint_warns_about_attributes_written_with_spaces)
{
    cr_assert_eq(lint("ok term\nACME-Q3-forecast    severity=3\n"), 1, "%s", lint_out);
    cr_assert(strstr(lint_out, "l.txt:2: "), "%s", lint_out);
    cr_assert(strstr(lint_out, "ACME-Q3-forecast    severity=3"), "%s", lint_out);
    cr_assert(strstr(lint_out, "TAB"), "%s", lint_out);
    cr_assert_eq(lint("foo category=porn severity=4\n"), 1, "%s", lint_out);
    cr_assert_eq(lint("路口交通  allow\n"), 1, "%s", lint_out);
}

Test(dict, lint_keeps_quiet_about_ordinary_terms)
{
    /* real TABs, phrases that merely end in a flag word after one space,
     * a term that is nothing but such a word, regexes */
    cr_assert_eq(lint("ACME\tseverity=3\nonline casino\npass word\nallow\nseverity=3\n"
                      "x{2}  severity=3\tregex\n"),
                 0, "%s", lint_out);
}

Test(dict, action_directive_sets_the_category_policy)
{
    cr_assert_eq(parse("p.txt", "@category x\n@action 1 block\n@action 4 pass\n"
                                "@name-zh 某类\n@name-en Some words\nterm\n"),
                 SCREENER_OK, "%s", screener_error_message(err));
    long id = dict_category_id(&set, "x");
    cr_assert_eq(set.cat_meta[id].actions[0], SCREENER_ACTION_BLOCK);
    cr_assert_eq(set.cat_meta[id].actions[1], -1);
    cr_assert_eq(set.cat_meta[id].actions[3], SCREENER_ACTION_PASS);
    cr_assert_str_eq(set.cat_meta[id].name_zh, "某类");
    cr_assert_str_eq(set.cat_meta[id].name_en, "Some words");
}

Test(dict, bad_action_directive)
{
    cr_assert_eq(parse("p.txt", "@action 5 block\n"), SCREENER_E_DICT_SYNTAX);
    screener_error_free(err);
    err = NULL;
    cr_assert_eq(parse("p.txt", "@action 1 delete\n"), SCREENER_E_DICT_SYNTAX);
}

Test(dict, every_detector_of_the_name_table_is_accepted)
{
    char text[256];
    for (size_t i = 0; i < names_detectors.n; i++) {
        const name_entry *d = &names_detectors.entries[i];
        snprintf(text, sizeof text, "@category privacy\n@detect %s\n", d->name);
        dict_set_free(&set);
        cr_assert_eq(parse("d.txt", text), SCREENER_OK, "%s", screener_error_message(err));
        cr_assert_eq(set.n_entries, 1);
        cr_assert_str_eq(set.entries[0].term, d->name);
        cr_assert_eq(set.entries[0].detector, d->value, "%s", d->name);
        cr_assert(set.entries[0].flags & SCREENER_ENTRY_DETECTOR);
    }
}

Test(dict, unknown_detector_error_lists_the_known_ones)
{
    cr_assert_eq(parse("d.txt", "@detect passport\n"), SCREENER_E_DICT_SYNTAX);
    const char *msg = screener_error_message(err);
    cr_assert(strstr(msg, "d.txt:1:"), "%s", msg);
    for (size_t i = 0; i < names_detectors.n; i++)
        cr_assert(strstr(msg, names_detectors.entries[i].name), "%s", msg);
}

Test(dict, every_action_of_the_name_table_is_accepted)
{
    char text[256];
    for (size_t i = 0; i < names_actions.n; i++) {
        const name_entry *a = &names_actions.entries[i];
        snprintf(text, sizeof text, "@category x\n@action 2 %s\nterm\n", a->name);
        dict_set_free(&set);
        cr_assert_eq(parse("a.txt", text), SCREENER_OK, "%s", screener_error_message(err));
        cr_assert_eq(set.cat_meta[dict_category_id(&set, "x")].actions[1], (int)a->value,
                     "%s", a->name);
    }
    cr_assert_eq(parse("a.txt", "@action 2 Block\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert(strstr(screener_error_message(err), "pass, review, mask, block"), "%s",
              screener_error_message(err));
}

Test(dict, forms_directive_and_attribute_set_generated_form_rules)
{
    const char *text = "fuck\n"
                       "@forms english\n"
                       "shit\n"
                       "nigger\tforms=s,a\n"
                       "@category other\n"
                       "bitch\n"
                       "@forms none\n"
                       "ass\n";
    cr_assert_eq(parse("x.txt", text), SCREENER_OK, "%s", screener_error_message(err));
    cr_assert_eq(set.n_entries, 5);
    cr_assert_eq(set.entries[0].forms, 0); /* off until @forms */
    cr_assert_eq(set.entries[1].forms, FORM_ENGLISH);
    cr_assert_eq(set.entries[2].forms, FORM_S | FORM_A | FORM_EXPLICIT);
    cr_assert_eq(set.entries[3].forms, FORM_ENGLISH); /* @category does not reset it */
    cr_assert_eq(set.entries[4].forms, 0);
    cr_assert_null(set.entries[1].reason);
}

Test(dict, unknown_forms_rule_names_the_line_and_the_rule)
{
    cr_assert_eq(parse("x.txt", "fuck\nshit\tforms=s,plural\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert_eq(screener_error_line(err), 2);
    cr_assert_not_null(strstr(screener_error_message(err), "`plural`"));
    screener_error_free(err);
    err = NULL;
    cr_assert_eq(parse("y.txt", "@forms\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert_eq(screener_error_line(err), 1);
}

Test(dict, numerals_directive_and_attribute_set_the_option)
{
    const char *text = "a1\n"
                       "@numerals on\n"
                       "b2\n"
                       "x[0-9]{5}\tregex\n" /* @numerals applies to terms only */
                       "@numerals off\n"
                       "c3\n"
                       "d4\tnumerals severity=3\n";
    cr_assert_eq(parse("n.txt", text), SCREENER_OK, "%s", screener_error_message(err));
    cr_assert_eq(set.n_entries, 5);
    cr_assert_eq(set.entries[0].options, 0);
    cr_assert_eq(set.entries[1].options, DICT_OPT_NUMERALS);
    cr_assert_eq(set.entries[2].options, 0);
    cr_assert_eq(set.entries[3].options, 0);
    cr_assert_eq(set.entries[4].options, DICT_OPT_NUMERALS);
    cr_assert_eq(set.entries[4].severity, 3);
}

Test(dict, bad_numerals_lines_are_errors)
{
    cr_assert_eq(parse("n.txt", "ok\n@numerals yes\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert_eq(screener_error_line(err), 2);
    cr_assert(strstr(screener_error_message(err), "@numerals on"));
    screener_error_free(err);
    err = NULL;
    cr_assert_eq(parse("n.txt", "x[0-9]{5}\tregex numerals\n"), SCREENER_E_DICT_SYNTAX);
    cr_assert(strstr(screener_error_message(err), "numerals"));
}
