/* The public API as a user sees it: only screener.h is included. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screener.h"

static char data_path[512];

static const char *data(const char *name)
{
    const char *dir = getenv("SCREENER_TEST_DATA");
    cr_assert_not_null(dir, "SCREENER_TEST_DATA not set");
    snprintf(data_path, sizeof data_path, "%s/%s", dir, name);
    return data_path;
}

static int compile_text(const char *text, screener_db **db, screener_error **err)
{
    screener_source src = {.name = "mem.txt", .text = text, .len = strlen(text)};
    return screener_compile(NULL, &src, 1, db, err);
}

Test(api, header_and_library_versions_agree)
{
    cr_assert_eq(screener_version(), SCREENER_VERSION_NUMBER);
    cr_assert_str_eq(screener_version_string(), SCREENER_VERSION_STRING);
}

Test(api, every_status_has_a_name)
{
    for (int s = SCREENER_OK; s >= SCREENER_E_DB_SIGNATURE; s--)
        cr_assert_str_neq(screener_strerror(s), "unknown status", "status %d", s);
    cr_assert_str_eq(screener_strerror(-1000), "unknown status");
    cr_assert_str_eq(screener_action_name(SCREENER_ACTION_BLOCK), "block");
}

Test(api, free_functions_accept_null)
{
    screener_db_free(NULL);
    screener_scratch_free(NULL);
    screener_error_free(NULL);
}

Test(api, plain_word_list_file)
{
    screener_source src = {.path = data("gambling.txt")};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, &err), SCREENER_OK, "%s",
                 err ? screener_error_message(err) : "");
    cr_assert_eq(screener_db_entry_count(db), 3);
    screener_entry_info info;
    cr_assert_eq(screener_db_entry(db, 2, &info), SCREENER_OK);
    cr_assert_str_eq(info.term, "online casino");
    cr_assert_str_eq(info.category, "gambling");
    cr_assert_eq(info.line, 4);
    cr_assert(strstr(info.source, "gambling.txt"));
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(db, s, "try Online-Casino now", 21, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->matches[0].start, 4);
    cr_assert_eq(r->matches[0].end, 17);
    cr_assert_str_eq(screener_db_category_name(db, r->categories[0]), "gambling");
    screener_scratch_free(s);
    screener_db_free(db);
}

Test(api, dictionary_error_names_file_line_and_text)
{
    screener_source src = {.path = data("bad_line.txt")};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, &err), SCREENER_E_DICT_SYNTAX);
    cr_assert_null(db);
    cr_assert_eq(screener_error_status(err), SCREENER_E_DICT_SYNTAX);
    cr_assert_eq(screener_error_line(err), 4);
    cr_assert(strstr(screener_error_file(err), "bad_line.txt"));
    cr_assert(strstr(screener_error_message(err), "bad_line.txt:4:"));
    cr_assert(strstr(screener_error_message(err), "broken"));
    screener_error_free(err);
}

Test(api, missing_dictionary_file)
{
    screener_source src = {.path = "/nonexistent/words.txt"};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, &err), SCREENER_E_IO);
    cr_assert(strstr(screener_error_message(err), "/nonexistent/words.txt"));
    screener_error_free(err);
}

/* A source with neither path nor text (every field NULL, or only a name) is
 * a caller mistake, not an empty dictionary; "" with length 0 is empty. */
Test(api, a_source_without_path_or_text_is_an_invalid_argument)
{
    screener_source none[2] = {{NULL, NULL, NULL, 0}, {NULL, "named.txt", NULL, 0}};
    screener_source ok = {.name = "ok.txt", .text = "one\n", .len = 4};
    for (int i = 0; i < 2; i++) {
        screener_source two[2] = {ok, none[i]};
        screener_db *db = NULL;
        screener_error *err = NULL;
        cr_assert_eq(screener_compile(NULL, &none[i], 1, &db, &err),
                     SCREENER_E_INVALID_ARGUMENT, "source %d alone", i);
        cr_assert(strstr(screener_error_message(err), "neither path nor text"), "%s",
                  screener_error_message(err));
        screener_error_free(err);
        cr_assert_eq(screener_compile(NULL, two, 2, &db, NULL), SCREENER_E_INVALID_ARGUMENT,
                     "source %d after a good one", i);
        cr_assert_null(db);
    }
    screener_source empty = {.name = "empty.txt", .text = "", .len = 0};
    screener_db *db = NULL;
    cr_assert_eq(screener_compile(NULL, &empty, 1, &db, NULL), SCREENER_E_DICT_EMPTY);
}

Test(api, empty_dictionary_is_an_error)
{
    screener_db *db = NULL;
    cr_assert_eq(compile_text("# only a comment\n\n", &db, NULL), SCREENER_E_DICT_EMPTY);
    cr_assert_eq(compile_text("路口交通\tallow\n", &db, NULL), SCREENER_E_DICT_EMPTY);
}

Test(api, term_that_folds_to_nothing_is_an_error)
{
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(compile_text("ok\n!!!\n", &db, &err), SCREENER_E_DICT_TERM);
    cr_assert_eq(screener_error_line(err), 2);
    cr_assert(strstr(screener_error_message(err), "folds to nothing"));
    screener_error_free(err);
}

Test(api, duplicates_merge_or_conflict)
{
    screener_db *db = NULL;
    cr_assert_eq(compile_text("dup\ndup\nother\n", &db, NULL), SCREENER_OK);
    cr_assert_eq(screener_db_entry_count(db), 2);
    screener_db_free(db);
    screener_error *err = NULL;
    cr_assert_eq(compile_text("dup\nx\ndup\tseverity=4\n", &db, &err), SCREENER_E_DICT_CONFLICT);
    cr_assert_eq(screener_error_line(err), 3);
    cr_assert(strstr(screener_error_message(err), "mem.txt:1"));
    screener_error_free(err);
}

Test(api, same_term_in_two_categories_is_reported_twice)
{
    screener_db *db = NULL;
    cr_assert_eq(compile_text("scam\nscam\tcategory=fraud\n", &db, NULL), SCREENER_OK);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(db, s, "a scam", 6, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 2);
    cr_assert_eq(r->n_categories, 2);
    screener_scratch_free(s);
    screener_db_free(db);
}

Test(api, fold_options_are_recorded_and_respected)
{
    screener_compile_options o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.fold_flags = SCREENER_FOLD_EXPLICIT; /* exact matching */
    screener_source src = {.name = "exact.txt", .text = "Fuck\n", .len = 5};
    screener_db *db = NULL;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, NULL), SCREENER_OK);
    cr_assert_eq(screener_db_fold_flags(db), 0);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(db, s, "fuck Fuck", 9, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->matches[0].start, 5);
    screener_scratch_free(s);
    screener_db_free(db);
    o.fold_flags = 1u << 20;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, NULL), SCREENER_E_INVALID_ARGUMENT);
}

Test(api, fingerprint_follows_content_not_file_names)
{
    screener_db *a = NULL, *b = NULL, *c = NULL;
    screener_source s1 = {.name = "x.txt", .text = "one\ntwo\n", .len = 8};
    screener_source s2 = {.name = "x.txt", .text = "# c\none\ntwo\n", .len = 12};
    screener_source s3 = {.name = "x.txt", .text = "one\nthree\n", .len = 10};
    cr_assert_eq(screener_compile(NULL, &s1, 1, &a, NULL), SCREENER_OK);
    cr_assert_eq(screener_compile(NULL, &s2, 1, &b, NULL), SCREENER_OK);
    cr_assert_eq(screener_compile(NULL, &s3, 1, &c, NULL), SCREENER_OK);
    cr_assert_eq(strlen(screener_db_fingerprint(a)), 32);
    cr_assert_str_eq(screener_db_fingerprint(a), screener_db_fingerprint(b));
    cr_assert_str_neq(screener_db_fingerprint(a), screener_db_fingerprint(c));
    screener_db_free(a);
    screener_db_free(b);
    screener_db_free(c);
}

Test(api, entry_lookup_rejects_unknown_ids)
{
    screener_db *db = NULL;
    cr_assert_eq(compile_text("x\n", &db, NULL), SCREENER_OK);
    screener_entry_info info;
    cr_assert_eq(screener_db_entry(db, 1, &info), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_null(screener_db_category_name(db, 99));
    screener_db_free(db);
}

/* ---- threads: one shared db, one scratch per thread ---------------------- */

typedef struct worker {
    const screener_db *db;
    screener_scratch *scratch;
    int failures;
} worker;

static const char *thread_texts[] = {"法 輪 功", "ＦＵＣＫ", "nothing", "f\xE2\x80\x8Bu\xE2\x80\x8B" "ck",
                                     "x\xFFy"};
static const size_t thread_expect[] = {1, 1, 0, 1, 0};

static void *run_worker(void *arg)
{
    worker *w = arg;
    for (int it = 0; it < 2000; it++) {
        size_t k = (size_t)it % 5;
        const screener_result *r;
        if (screener_scan(w->db, w->scratch, thread_texts[k], strlen(thread_texts[k]), &r) !=
                SCREENER_OK ||
            r->n_matches != thread_expect[k])
            w->failures++;
    }
    return NULL;
}

Test(api, one_database_many_threads)
{
    screener_db *db = NULL;
    cr_assert_eq(compile_text("法轮功\nfuck\n", &db, NULL), SCREENER_OK);
    screener_scratch *proto = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &proto), SCREENER_OK);
    pthread_t th[8];
    worker w[8];
    for (int i = 0; i < 8; i++) {
        w[i].db = db;
        w[i].failures = 0;
        cr_assert_eq(screener_scratch_clone(proto, &w[i].scratch), SCREENER_OK);
        pthread_create(&th[i], NULL, run_worker, &w[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(w[i].failures, 0, "thread %d", i);
        screener_scratch_free(w[i].scratch);
    }
    screener_scratch_free(proto);
    screener_db_free(db);
}

Test(api, compile_limits_are_typed_errors)
{
    screener_compile_options o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    screener_db *db = NULL;
    screener_error *err = NULL;
    screener_source src = {.name = "l.txt", .text = "short\nlonger term\n", .len = 18};
    o.max_term_bytes = 8;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, &err), SCREENER_E_LIMIT);
    cr_assert_eq(screener_error_line(err), 2);
    screener_error_free(err);
    o.max_term_bytes = 0;
    o.max_entries = 1;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, NULL), SCREENER_E_LIMIT);
    o.max_entries = 0;
    o.max_dictionary_bytes = 10;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, &err), SCREENER_E_LIMIT);
    cr_assert(strstr(screener_error_message(err), "max_dictionary_bytes"));
    screener_error_free(err);
    o.max_dictionary_bytes = 0;
    o.flags = SCREENER_COMPILE_NATIVE; /* tuned for this CPU: still scans the same */
    cr_assert_eq(screener_compile(&o, &src, 1, &db, NULL), SCREENER_OK);
    screener_db_free(db);
    o.flags = 1u << 9;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, NULL), SCREENER_E_INVALID_ARGUMENT);
    o.flags = 0;
    /* an older, shorter options struct still works */
    o.max_dictionary_bytes = 0;
    o.struct_size = offsetof(screener_compile_options, max_term_bytes);
    cr_assert_eq(screener_compile(&o, &src, 1, &db, NULL), SCREENER_OK);
    screener_db_free(db);
}

Test(api, categories_have_display_names_and_policies)
{
    static const char text[] = "@category porn\nsexcam\n"
                               "@category tenant\n@action 1 block\n@name-en Tenant words\n"
                               "oops\tseverity=1\n";
    screener_db *db = NULL;
    cr_assert_eq(compile_text(text, &db, NULL), SCREENER_OK);
    uint32_t id;
    screener_category_info info;
    cr_assert_eq(screener_db_find_category(db, "porn", &id), SCREENER_OK);
    cr_assert_eq(screener_db_category(db, id, &info), SCREENER_OK);
    cr_assert_str_eq(info.name_zh, "色情");
    cr_assert_str_eq(info.name_en, "Pornography");
    cr_assert_eq(info.actions[0], SCREENER_ACTION_REVIEW); /* default policy */
    cr_assert_eq(info.actions[2], SCREENER_ACTION_BLOCK);
    cr_assert_eq(screener_db_find_category(db, "tenant", &id), SCREENER_OK);
    cr_assert_eq(screener_db_category(db, id, &info), SCREENER_OK);
    cr_assert_str_eq(info.name_en, "Tenant words");
    cr_assert_str_eq(info.name_zh, "tenant"); /* no Chinese name given: the id */
    cr_assert_eq(info.actions[0], SCREENER_ACTION_BLOCK);
    cr_assert_eq(screener_db_find_category(db, "nope", &id), SCREENER_E_INVALID_ARGUMENT);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(db, s, "oops", 4, &r), SCREENER_OK);
    cr_assert_eq(r->action, SCREENER_ACTION_BLOCK); /* severity 1, but this category blocks */
    screener_scratch_free(s);
    screener_db_free(db);
}

static void count_warning(const char *message, void *user_data)
{
    int *n = user_data;
    cr_assert(strstr(message, "w.txt:3:"), "%s", message);
    cr_assert(strstr(message, "suppresses nothing"));
    (*n)++;
}

Test(api, allow_entry_without_deny_term_warns)
{
    screener_compile_options o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    int n = 0;
    o.warning = count_warning;
    o.warning_user_data = &n;
    static const char text[] = "口交\n路口交通\tallow\n天气很好\tallow\n";
    screener_source src = {.name = "w.txt", .text = text, .len = sizeof text - 1};
    screener_db *db = NULL;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, NULL), SCREENER_OK);
    cr_assert_eq(n, 1); /* 天气很好 contains no deny term; 路口交通 does */
    screener_db_free(db);
}

Test(api, a_company_adds_its_own_confidential_terms)
{
    /* docs/dictionary-format.md, "Your own categories": a company file adds
     * project and customer names to the confidential category */
    static const char company[] = "@category confidential\n@severity 2\nProject Bluebird\n"
                                  "蓝鸟计划\nACME-Q3-forecast\tseverity=3\n";
    static const char builtin_like[] = "@category confidential\n内部资料\n";
    screener_source src[2] = {{.name = "confidential.txt", .text = builtin_like,
                               .len = sizeof builtin_like - 1},
                              {.name = "acme-confidential.txt", .text = company,
                               .len = sizeof company - 1}};
    screener_db *db = NULL;
    cr_assert_eq(screener_compile(NULL, src, 2, &db, NULL), SCREENER_OK);
    cr_assert_eq(screener_db_category_count(db), 1); /* no empty "acme_confidential" */
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    const screener_result *r;
    const char *t = "leak: project-bluebird and 藍鳥計劃, see acme q3 forecast";
    cr_assert_eq(screener_scan(db, s, t, strlen(t), &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 3);
    cr_assert_eq(r->n_categories, 1);
    cr_assert_str_eq(screener_db_category_name(db, r->categories[0]), "confidential");
    cr_assert_eq(r->severity, 3);
    screener_entry_info info;
    cr_assert_eq(screener_db_entry(db, r->matches[0].entry_id, &info), SCREENER_OK);
    cr_assert_str_eq(info.source, "acme-confidential.txt");
    screener_scratch_free(s);
    screener_db_free(db);
}

/* ---- huge inputs: work within documented memory or fail cleanly ------------ */

Test(api, message_over_one_gib_fails_cleanly_without_reading_it)
{
    screener_db *db = NULL;
    cr_assert_eq(compile_text("x\n", &db, NULL), SCREENER_OK);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    const screener_result *r;
    static const char tiny[] = "x";
    size_t huge = ((size_t)1 << 30) + 1; /* rejected before a byte is read */
    cr_assert_eq(screener_scan(db, s, tiny, huge, &r), SCREENER_E_TOO_LARGE);
    screener_message m = {tiny, huge};
    cr_assert_eq(screener_scan_batch(db, s, &m, 1, &r), SCREENER_E_TOO_LARGE);
    char *out;
    cr_assert_eq(screener_mask(db, s, tiny, huge, 0, 0, &out, NULL), SCREENER_E_TOO_LARGE);
    cr_assert_eq(screener_scan(db, s, "x", 1, &r), SCREENER_OK); /* scratch still usable */
    cr_assert_eq(r->n_matches, 1);
    screener_scratch_free(s);
    screener_db_free(db);
}

Test(api, a_batch_of_a_million_messages, .timeout = 240)
{
    screener_db *db = NULL;
    cr_assert_eq(compile_text("法轮功\nfuck\n", &db, NULL), SCREENER_OK);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    size_t n = 1000000;
    screener_message *m = malloc(n * sizeof *m);
    cr_assert_not_null(m);
    static const char *texts[] = {"hello", "法 輪 功", "ＦＵＣＫ", ""};
    for (size_t i = 0; i < n; i++) {
        m[i].text = texts[i % 4];
        m[i].len = strlen(texts[i % 4]);
    }
    const screener_result *r = NULL;
    cr_assert_eq(screener_scan_batch(db, s, m, n, &r), SCREENER_OK);
    size_t matched = 0;
    for (size_t i = 0; i < n; i++)
        matched += r[i].n_matches;
    cr_assert_eq(matched, n / 2);
    cr_assert_eq(r[n - 2].n_matches, 1); /* ＦＵＣＫ */
    free(m);
    screener_scratch_free(s);
    screener_db_free(db);
}

Test(api, a_dictionary_over_max_entries_fails_cleanly)
{
    /* 10^6 + 1 entries against max_entries = 10^6: the parser stops at the
     * first entry over the limit, before folding or compiling anything */
    size_t n = 1000001, cap = n * 9 + 1, o = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(text + o, cap - o, "t%07zu\n", i);
    screener_compile_options opt;
    memset(&opt, 0, sizeof opt);
    opt.struct_size = sizeof opt;
    opt.max_entries = 1000000;
    screener_source src = {.name = "big.txt", .text = text, .len = o};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(&opt, &src, 1, &db, &err), SCREENER_E_LIMIT);
    cr_assert_eq(screener_error_line(err), 1000001);
    cr_assert_null(db);
    screener_error_free(err);
    free(text);
}

/* ---- names ---------------------------------------------------------------- */

Test(api, fold_families_enumerate_every_flag_with_a_description)
{
    uint32_t all = 0, flag = 0;
    unsigned i = 0;
    const char *name;
    for (; (name = screener_fold_family_name(i, &flag)); i++) {
        cr_assert_eq(flag & (flag - 1), 0, "%s: %#x is not one bit", name, flag);
        cr_assert_eq(all & flag, 0, "%s: flag %#x listed twice", name, flag);
        cr_assert(screener_fold_family_description(i), "%s", name);
        all |= flag;
    }
    cr_assert_eq(all, SCREENER_FOLD_ALL);
    cr_assert_null(screener_fold_family_description(i));
    flag = 12345;
    cr_assert_null(screener_fold_family_name(i, &flag));
    cr_assert_eq(flag, 12345, "flag_out written past the end");
    cr_assert_str_eq(screener_fold_family_name(6, NULL), "repeats");
}

static uint32_t parse_fold_ok(const char *list)
{
    uint32_t flags = 0;
    screener_error *err = NULL;
    int rc = screener_fold_flags_parse(list, &flags, &err);
    cr_assert_eq(rc, SCREENER_OK, "%s: %s", list, err ? screener_error_message(err) : "?");
    cr_assert_null(err);
    return flags;
}

Test(api, fold_list_parses_names_all_and_none)
{
    const uint32_t X = SCREENER_FOLD_EXPLICIT;
    cr_assert_eq(parse_fold_ok("repeats"), X | SCREENER_FOLD_REPEATS);
    cr_assert_eq(parse_fold_ok("case,compat"), X | SCREENER_FOLD_CASE | SCREENER_FOLD_COMPAT);
    cr_assert_eq(parse_fold_ok(" case , noise "), X | SCREENER_FOLD_CASE | SCREENER_FOLD_NOISE);
    cr_assert_eq(parse_fold_ok("all"), X | SCREENER_FOLD_ALL);
    cr_assert_eq(parse_fold_ok("all,case"), X | SCREENER_FOLD_ALL);
    cr_assert_eq(parse_fold_ok("none"), X);
    uint32_t flag;
    for (unsigned i = 0; screener_fold_family_name(i, &flag); i++)
        cr_assert_eq(parse_fold_ok(screener_fold_family_name(i, NULL)), X | flag);
}

static void parse_fold_fails(const char *list, const char *want)
{
    uint32_t flags = 77;
    screener_error *err = NULL;
    cr_assert_eq(screener_fold_flags_parse(list, &flags, &err), SCREENER_E_INVALID_ARGUMENT,
                 "%s", list);
    cr_assert_eq(flags, 77, "%s: flags written on failure", list);
    cr_assert_not_null(err);
    cr_assert_eq(screener_error_status(err), SCREENER_E_INVALID_ARGUMENT);
    const char *msg = screener_error_message(err);
    cr_assert(strstr(msg, want), "%s: %s", list, msg);
    cr_assert(strstr(msg, "repeats"), "known families not listed: %s", msg);
    screener_error_free(err);
}

Test(api, fold_list_errors_name_the_bad_item)
{
    parse_fold_fails("case,bogus", "unknown fold family `bogus`");
    parse_fold_fails("none,case", "unknown fold family `none`");
    parse_fold_fails("Case", "`Case`");
    parse_fold_fails("", "empty item");
    parse_fold_fails("case,", "empty item");
    parse_fold_fails("case,,noise", "empty item");
    uint32_t flags;
    cr_assert_eq(screener_fold_flags_parse("bogus", &flags, NULL), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(screener_fold_flags_parse(NULL, &flags, NULL), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(screener_fold_flags_parse("case", NULL, NULL), SCREENER_E_INVALID_ARGUMENT);
}

Test(api, parsed_fold_list_compiles_into_the_database)
{
    screener_compile_options o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    cr_assert_eq(screener_fold_flags_parse("repeats,case", &o.fold_flags, NULL), SCREENER_OK);
    screener_source src = {.name = "r.txt", .text = "fuck\n", .len = 5};
    screener_db *db = NULL;
    cr_assert_eq(screener_compile(&o, &src, 1, &db, NULL), SCREENER_OK);
    cr_assert_eq(screener_db_fold_flags(db), SCREENER_FOLD_REPEATS | SCREENER_FOLD_CASE);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(db, s, "FUUUUCK", 7, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    screener_scratch_free(s);
    screener_db_free(db);
}

Test(api, every_listed_detector_compiles_and_reports_its_name)
{
    unsigned n = 0;
    const char *name;
    char text[128];
    for (; (name = screener_detector_name(n)); n++) {
        snprintf(text, sizeof text, "@category privacy\n@detect %s\n", name);
        screener_db *db = NULL;
        screener_error *err = NULL;
        cr_assert_eq(compile_text(text, &db, &err), SCREENER_OK, "%s: %s", name,
                     err ? screener_error_message(err) : "?");
        screener_entry_info e;
        cr_assert_eq(screener_db_entry(db, 0, &e), SCREENER_OK);
        cr_assert_str_eq(e.term, name);
        cr_assert(e.flags & SCREENER_ENTRY_DETECTOR);
        screener_db_free(db);
    }
    cr_assert_eq(n, 5);
    cr_assert_str_eq(screener_detector_name(0), "cn_mobile");
    cr_assert_null(screener_detector_name(1000));
}

Test(api, every_action_name_is_accepted_by_the_action_directive)
{
    char text[128];
    for (int a = SCREENER_ACTION_PASS; a <= SCREENER_ACTION_BLOCK; a++) {
        snprintf(text, sizeof text, "@category x\n@action 3 %s\nterm\n", screener_action_name(a));
        screener_db *db = NULL;
        cr_assert_eq(compile_text(text, &db, NULL), SCREENER_OK, "%s", screener_action_name(a));
        screener_category_info ci;
        cr_assert_eq(screener_db_category(db, 0, &ci), SCREENER_OK);
        cr_assert_eq(ci.actions[2], a, "%s", screener_action_name(a));
        screener_db_free(db);
    }
    cr_assert_str_eq(screener_action_name(-1), "unknown");
    cr_assert_str_eq(screener_action_name(SCREENER_ACTION_BLOCK + 1), "unknown");
}

/* Every entry point that reads text refuses a length past the 1 GiB limit
 * with SCREENER_E_TOO_LARGE before reading a byte (here a 4-byte buffer with
 * a huge length): screener_read_leet read past the buffer until 2026-12-01
 * (a crash, or offsets past 4 GiB in its uint32 origins for a real text). */
Test(api, text_entry_points_refuse_a_length_past_the_limit)
{
    static const char dict[] = "shit\n";
    screener_source src = {.name = "d.txt", .text = dict, .len = sizeof dict - 1};
    screener_db *db = NULL;
    screener_scratch *sc = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, NULL), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &sc), SCREENER_OK);
    const size_t huge[] = {((size_t)1 << 30) + 1, SIZE_MAX / 2, SIZE_MAX};
    for (size_t i = 0; i < 3; i++) {
        char *o = (char *)1;
        size_t ol = 7;
        const screener_result *r;
        cr_assert_eq(screener_read_leet(db, "sh1t", huge[i], &o, &ol), SCREENER_E_TOO_LARGE);
        cr_assert_null(o);
        cr_assert_eq(screener_fold_utf8(db, "sh1t", huge[i], &o, &ol), SCREENER_E_TOO_LARGE);
        cr_assert_eq(screener_fold_utf8_uncollapsed(db, "sh1t", huge[i], &o, &ol),
                     SCREENER_E_TOO_LARGE);
        cr_assert_eq(screener_scan(db, sc, "sh1t", huge[i], &r), SCREENER_E_TOO_LARGE);
        screener_message m = {"sh1t", huge[i]};
        cr_assert_eq(screener_scan_batch(db, sc, &m, 1, &r), SCREENER_E_TOO_LARGE);
    }
    screener_scratch_free(sc);
    screener_db_free(db);
}
