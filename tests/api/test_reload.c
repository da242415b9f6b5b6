/* Hot reload semantics (the concurrent stress test is tests/stress/reload_stress.c). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screener.h"

Test(reload, compile_failure_keeps_the_current_database)
{
    screener_source ok = {.name = "ok.txt", .text = "one\n", .len = 4};
    screener_source bad = {.name = "bad.txt", .text = "two\tseverity=9\n", .len = 15};
    screener_db *db = NULL;
    cr_assert_eq(screener_compile(NULL, &ok, 1, &db, NULL), SCREENER_OK);
    screener_handle *h = NULL;
    cr_assert_eq(screener_handle_new(db, &h), SCREENER_OK);
    screener_error *err = NULL;
    cr_assert_eq(screener_handle_compile(h, NULL, &bad, 1, &err), SCREENER_E_DICT_SYNTAX);
    cr_assert(strstr(screener_error_message(err), "bad.txt:1:"));
    screener_error_free(err);
    cr_assert_eq(screener_handle_version(h), 1);
    screener_scratch *s = NULL;
    const screener_db *cur = screener_handle_acquire(h, NULL);
    cr_assert_eq(screener_scratch_alloc(cur, &s), SCREENER_OK);
    screener_handle_release(h, cur);
    const screener_result *r;
    cr_assert_eq(screener_handle_scan(h, s, "one", 3, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->db_version, 1);
    cr_assert_eq(screener_handle_compile(h, NULL, &ok, 1, NULL), SCREENER_OK);
    cr_assert_eq(screener_handle_scan(h, s, "one", 3, &r), SCREENER_OK);
    cr_assert_eq(r->db_version, 2);
    screener_scratch_free(s);
    screener_handle_free(h);
}

Test(reload, pinned_database_outlives_a_swap)
{
    screener_source s1 = {.name = "x.txt", .text = "first\n", .len = 6};
    screener_source s2 = {.name = "x.txt", .text = "second\n", .len = 7};
    screener_db *db = NULL;
    cr_assert_eq(screener_compile(NULL, &s1, 1, &db, NULL), SCREENER_OK);
    screener_handle *h = NULL;
    cr_assert_eq(screener_handle_new(db, &h), SCREENER_OK);
    uint64_t v;
    const screener_db *pinned = screener_handle_acquire(h, &v);
    cr_assert_eq(v, 1);
    cr_assert_eq(screener_handle_compile(h, NULL, &s2, 1, NULL), SCREENER_OK);
    screener_entry_info info;
    cr_assert_eq(screener_db_entry(pinned, 0, &info), SCREENER_OK);
    cr_assert_str_eq(info.term, "first"); /* still alive and unchanged */
    screener_handle_release(h, pinned);  /* freed here */
    const screener_db *now = screener_handle_acquire(h, &v);
    cr_assert_eq(v, 2);
    cr_assert_eq(screener_db_entry(now, 0, &info), SCREENER_OK);
    cr_assert_str_eq(info.term, "second");
    screener_handle_release(h, now);
    screener_handle_free(h);
}

/* Releasing a pinned database twice dropped the handle's own reference and
 * freed the database it still served (use-after-free on the next scan). The
 * second release is now caught: ignored, and in debug builds an abort with a
 * message (this test is built like the library, so NDEBUG agrees). */
#ifdef NDEBUG
#define SECOND_RELEASE_SIGNAL 0
#else
#define SECOND_RELEASE_SIGNAL SIGABRT
#endif
Test(reload, a_second_release_is_caught, .signal = SECOND_RELEASE_SIGNAL)
{
    screener_source s1 = {.name = "x.txt", .text = "first\n", .len = 6};
    screener_db *db = NULL;
    cr_assert_eq(screener_compile(NULL, &s1, 1, &db, NULL), SCREENER_OK);
    screener_handle *h = NULL;
    cr_assert_eq(screener_handle_new(db, &h), SCREENER_OK);
    const screener_db *pinned = screener_handle_acquire(h, NULL);
    screener_handle_release(h, pinned);
    screener_handle_release(h, pinned); /* debug builds abort here */
    screener_handle_release(h, pinned);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(pinned, &s), SCREENER_OK, "still served");
    const screener_result *r;
    cr_assert_eq(screener_handle_scan(h, s, "first", 5, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    screener_scratch_free(s);
    screener_handle_free(h);
}
