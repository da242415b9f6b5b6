/* The built-in dictionaries' severities (docs/dictionary-review.md, "Severity
 * review"): severity >= 2 masks or blocks without a human, so it is kept for
 * terms offensive in almost every use. tests/data/severity_review.tsv lists
 * sentences that must stay below 2 (innocent collisions such as coon hunting
 * and honky-tonk; news and debate naming terror groups, drugs and crimes) and
 * sentences that must still reach 2 (slurs, threats, trade offers), so that
 * neither raising a news word nor lowering everything passes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screener.h"

#define MAX_FILES 32

/* Compile every .txt file of SCREENER_DICT_DIR, as the build does for the
 * built-in database. */
static screener_db *compile_builtin(void)
{
    const char *dir = getenv("SCREENER_DICT_DIR");
    cr_assert_not_null(dir, "SCREENER_DICT_DIR not set");
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    static char paths[MAX_FILES][1024];
    screener_source src[MAX_FILES];
    memset(src, 0, sizeof src);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        cr_assert_lt(n, MAX_FILES);
        snprintf(paths[n], sizeof paths[n], "%s/%s", dir, e->d_name);
        src[n].path = paths[n];
        n++;
    }
    closedir(d);
    cr_assert_gt(n, 5, "expected the built-in dictionaries in %s", dir);
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, src, n, &db, &err), SCREENER_OK, "%s",
                 screener_error_message(err));
    return db;
}

Test(severity, builtin_dictionaries_keep_severity_2_for_offensive_uses)
{
    const char *data = getenv("SCREENER_TEST_DATA");
    cr_assert_not_null(data);
    char path[1024];
    snprintf(path, sizeof path, "%s/severity_review.tsv", data);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    screener_db *db = compile_builtin();
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    char line[1024];
    int n_below = 0, n_atleast = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *tab = strchr(line, '\t');
        cr_assert_not_null(tab, "%s:%d: expected EXPECT<TAB>TEXT", path, lineno);
        *tab = '\0';
        const char *text = tab + 1;
        const screener_result *r;
        cr_assert_eq(screener_scan(db, s, text, strlen(text), &r), SCREENER_OK);
        int sev = 0;
        const char *term = "";
        for (size_t i = 0; i < r->n_matches; i++) {
            const screener_match *m = &r->matches[i];
            if ((m->flags & SCREENER_MATCH_SUPPRESSED) || m->severity <= sev)
                continue;
            sev = m->severity;
            screener_entry_info info;
            cr_assert_eq(screener_db_entry(db, m->entry_id, &info), SCREENER_OK);
            term = info.term;
        }
        if (strcmp(line, "below2") == 0) {
            n_below++;
            cr_expect_lt(sev, 2, "%s:%d: `%s` reaches severity %d through `%s`", path, lineno,
                         text, sev, term);
        } else {
            cr_assert_str_eq(line, "atleast2", "%s:%d: unknown expectation", path, lineno);
            n_atleast++;
            cr_expect_geq(sev, 2, "%s:%d: `%s` is only severity %d", path, lineno, text, sev);
        }
    }
    fclose(f);
    cr_assert_gt(n_below, 20);
    cr_assert_gt(n_atleast, 10);
    screener_scratch_free(s);
    screener_db_free(db);
}
