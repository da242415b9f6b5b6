/* Name tables: lookups both ways, and tables that agree with the public
 * header's flags and ids. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/names.h"
#include "screener.h"

static int find(const name_table *t, const char *s)
{
    return names_find(t, s, strlen(s));
}

Test(names, every_name_finds_its_value_and_back)
{
    const name_table *tables[] = {&names_fold_families, &names_detectors, &names_actions};
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < tables[k]->n; i++) {
            const name_entry *e = &tables[k]->entries[i];
            cr_assert_eq(find(tables[k], e->name), (int)e->value, "%s", e->name);
            cr_assert_str_eq(names_name(tables[k], e->value), e->name);
            cr_assert(e->description && *e->description, "%s has no description", e->name);
        }
}

Test(names, lookup_needs_the_whole_name)
{
    cr_assert_eq(names_find(&names_detectors, "cn_mobile_x", 9), DETECT_CN_MOBILE);
    cr_assert_eq(find(&names_detectors, "cn_mobil"), -1);
    cr_assert_eq(find(&names_detectors, "cn_mobile "), -1);
    cr_assert_eq(find(&names_actions, "Block"), -1);
    cr_assert_eq(find(&names_actions, ""), -1);
    cr_assert_null(names_name(&names_actions, 4));
}

Test(names, fold_families_cover_every_flag_once_in_bit_order)
{
    uint32_t all = 0;
    for (size_t i = 0; i < names_fold_families.n; i++) {
        uint32_t f = names_fold_families.entries[i].value;
        cr_assert_eq(f, 1u << i, "%s", names_fold_families.entries[i].name);
        all |= f;
    }
    cr_assert_eq(all, SCREENER_FOLD_ALL);
    cr_assert_eq(find(&names_fold_families, "repeats"), SCREENER_FOLD_REPEATS);
}

Test(names, detectors_and_actions_are_numbered_like_their_enums)
{
    cr_assert_eq(names_detectors.n, DETECT_LAST);
    for (size_t i = 0; i < names_detectors.n; i++)
        cr_assert_eq(names_detectors.entries[i].value, i + 1);
    cr_assert_eq(names_actions.n, SCREENER_ACTION_BLOCK + 1);
    cr_assert_eq(find(&names_actions, "mask"), SCREENER_ACTION_MASK);
    cr_assert_eq(find(&names_detectors, "url"), DETECT_URL);
}

Test(names, list_joins_names_and_truncates_safely)
{
    char buf[64];
    cr_assert_str_eq(names_list(&names_actions, buf, sizeof buf), "pass, review, mask, block");
    cr_assert_str_eq(names_list(&names_actions, buf, 8), "pass, r");
}
