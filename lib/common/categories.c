/*
 * categories.c — built-in category identifiers and display names.
 */
#include "categories.h"

#include <string.h>

static const known_category known[] = {
    {"illegal", "违法违禁", "Illegal (gambling, drugs, weapons, fraud)"},
    {"violence_terror", "暴力恐怖", "Violence and terrorism"},
    {"porn", "色情", "Pornography"},
    {"rumor", "谣言", "Rumour"},
    {"confidential", "涉密", "Confidential"},
    {"ads_spam", "广告垃圾", "Advertising and spam"},
    {"abuse", "辱骂", "Abuse and insults"},
    {"politics_religion", "政治宗教极端", "Political or religious extremism"},
    {"privacy", "隐私", "Private information"},
    {"links", "链接", "Links"},
};

const known_category *known_category_find(const char *id)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].id, id) == 0)
            return &known[i];
    return NULL;
}
