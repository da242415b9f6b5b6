/*
 * consumer.c — a user program built against an INSTALLED screener
 * (tests/install/run.sh): via pkg-config (shared and fully static) and via
 * CMake find_package (screener::screener and screener::screener_static).
 *
 * It defines functions with the names of libscreener's internal helpers: a
 * static archive that exported them would fail to link ("multiple
 * definition") or call the wrong one.
 */
#include <screener.h>
#include <stdio.h>
#include <string.h>

/* Names libscreener uses internally; here they are the user's own. */
int buf_append(int x);
int err_set(int x);
int dict_parse(int x);
int buf_append(int x) { return x + 1; }
int err_set(int x) { return x + 2; }
int dict_parse(int x) { return x + 3; }

int main(void)
{
    if (screener_version() != SCREENER_VERSION_NUMBER) {
        fprintf(stderr, "header %s, library %s\n", SCREENER_VERSION_STRING,
                screener_version_string());
        return 1;
    }
    static const char dict[] = "@category words\n法轮功\tseverity=3\nfuck\n";
    screener_source src = {.name = "words", .text = dict, .len = sizeof dict - 1};
    screener_db *db = NULL;
    screener_error *err = NULL;
    if (screener_compile(NULL, &src, 1, &db, &err) != SCREENER_OK) {
        fprintf(stderr, "compile: %s\n", screener_error_message(err));
        screener_error_free(err);
        return 1;
    }
    screener_scratch *s = NULL;
    const screener_result *r = NULL;
    const char *msg = "ＦＵＣＫ and 法 輪 功";
    if (screener_scratch_alloc(db, &s) != SCREENER_OK ||
        screener_scan(db, s, msg, strlen(msg), &r) != SCREENER_OK)
        return 1;
    for (size_t i = 0; i < r->n_matches; i++) {
        screener_entry_info e;
        screener_db_entry(db, r->matches[i].entry_id, &e);
        printf("[%zu,%zu) %s %s\n", r->matches[i].start, r->matches[i].end, e.term, e.category);
    }
    printf("action %s, own helpers %d\n", screener_action_name(r->action),
           buf_append(0) + err_set(0) + dict_parse(0));
    screener_scratch_free(s);
    screener_db_free(db);
    return 0;
}
