/*
 * categories.h — the stable category identifiers screener ships with, and
 * their display names. User dictionaries may add any other category.
 */
#ifndef SCREENER_COMMON_CATEGORIES_H
#define SCREENER_COMMON_CATEGORIES_H

typedef struct known_category {
    const char *id;
    const char *name_zh;
    const char *name_en;
} known_category;

/* The entry for id, or NULL for a category of the user's own. */
const known_category *known_category_find(const char *id);

#endif
