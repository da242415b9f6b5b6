/*
 * rules.h — co-occurrence rules at compile time (rules.c): each rule's two
 * parts become generated entries, then the rules section.
 */
#ifndef SCREENER_COMPILE_RULES_H
#define SCREENER_COMPILE_RULES_H

#include <stddef.h>

#include "db/db.h"
#include "dict/dict.h"

/* Append two part entries (A, then B) per rule entry, after every other
 * entry, so the parts of rule r are entries first + 2r and first + 2r + 1.
 * Returns SCREENER_OK or an error naming the rule's line. */
int rules_expand(dict_set *set, screener_error **err);

/* The rules section of set (after rules_expand): one db_rule per rule
 * entry, in entry order; *out is malloc'ed (NULL and 0 when there are none). */
int rules_table(const dict_set *set, db_rule **out, size_t *n_out);

#endif
