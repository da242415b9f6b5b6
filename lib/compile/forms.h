/*
 * forms.h — the "generated forms" compile step: entries that ask for it
 * (`@forms`, `forms=` in the dictionary, FORM_* bits in dict_entry.forms)
 * get extra entries for their variants (English inflections, coded
 * spellings, ...). A generated entry is an ordinary entry — own term, own
 * literal — that keeps its base entry's category, severity, flags, source
 * and line, and carries a reason string ("inflection of fuck") that explain
 * shows (screener_db_entry_reason).
 *
 * A generator is one row of the table in forms.c: the FORM_* rules it
 * serves, a test whether a term can have those forms, and a function that
 * emits each variant with its reason. A new kind of variant is a new file
 * with its generator functions plus one row.
 */
#ifndef SCREENER_COMPILE_FORMS_H
#define SCREENER_COMPILE_FORMS_H

#include <stddef.h>
#include <stdint.h>

#include "dict/dict.h"

/* Called by a generator once per variant: term[0..len) (UTF-8) and why it
 * exists. The callee copies both. Returns 0, or a negative status that the
 * generator must return at once. */
typedef int (*forms_emit_fn)(void *ctx, const char *term, size_t len, const char *reason);

typedef struct forms_generator {
    const char *name;  /* for messages: "inflection" */
    uint32_t rules;    /* FORM_* bits it serves */
    /* Can term[0..len) have these forms at all? (e.g. ASCII letters only) */
    int (*applies)(const char *term, size_t len);
    const char *needs; /* message when an explicit forms= names it and applies() says no */
    /* Emit the variants of term for the rules (a subset of .rules). */
    int (*generate)(const char *term, size_t len, uint32_t rules, forms_emit_fn emit,
                    void *ctx);
} forms_generator;

/*
 * Append a generated entry to set: term[0..len) and reason (both copied),
 * everything else from entry `base`. A term longer than max_term_bytes is
 * not added (SCREENER_OK). Returns SCREENER_OK, SCREENER_E_LIMIT (more than
 * max_entries) or SCREENER_E_NOMEM, with *err set.
 */
int forms_add(dict_set *set, size_t base, const char *term, size_t len, const char *reason,
              screener_error **err);

/*
 * Check that entry i can have the forms its `forms=` asks for (an explicit
 * rule on an allow, regex or detector entry, or on a term the rule cannot
 * apply to, is SCREENER_E_DICT_SYNTAX naming its line). forms_generate runs
 * it on every entry; a lenient compile runs it first to skip such lines.
 */
int forms_check(const dict_set *set, size_t i, screener_error **err);

/*
 * Run every generator over the deny literal entries of set that ask for
 * forms, appending the variants as entries. A variant equal (ASCII case
 * ignored) to another entry of the same category is not added: an entry
 * written in a dictionary always wins over a generated one, so writing a
 * form (as a deny entry with its own severity, or as `allow`) overrides it.
 * Errors name the base entry's file:line: forms= on an allow, regex or
 * detector entry or on a term no generator applies to (SCREENER_E_DICT_SYNTAX),
 * more than set->max_entries entries (SCREENER_E_LIMIT), out of memory.
 */
int forms_generate(dict_set *set, screener_error **err);

#endif
