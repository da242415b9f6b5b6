/* fold_fixture.c — see fold_fixture.h. */
#include "fold_fixture.h"

#include <criterion/criterion.h>

#include "screener.h"

void fold_fixture_open(uint32_t flags, fold_build *fb, fold_table *ft)
{
    cr_assert_eq(fold_build_table(flags, fb, NULL), SCREENER_OK);
    cr_assert_eq(fold_table_open(ft, fb->trie_bin, fb->trie_len, fb->expand, fb->n_expand),
                 SCREENER_OK);
}

void fold_fixture_close(fold_build *fb, fold_table *ft)
{
    fold_table_close(ft);
    fold_build_free(fb);
}
