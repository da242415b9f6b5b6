/*
 * inflect.h — generated forms of Latin-script terms (generators of
 * compile/forms.c): English inflections and rule-based coded spellings.
 * Rules and examples: docs/dictionary-format.md, "Generated forms".
 */
#ifndef SCREENER_COMPILE_INFLECT_H
#define SCREENER_COMPILE_INFLECT_H

#include "forms.h"

/* Term of ASCII letters, possibly several words joined by single spaces or
 * hyphens, starting and ending with a letter. */
int inflect_applies(const char *term, size_t len);

/* English inflections (FORM_S, FORM_ED, FORM_ING, FORM_ER, FORM_Y) of a
 * one-word term whose word has 3 or more letters; a term of several words
 * gets only the plural (FORM_S) of its last word. Reason "inflection of T". */
int inflect_generate(const char *term, size_t len, uint32_t rules, forms_emit_fn emit,
                     void *ctx);

/* A one-word term of 4 to 32 ASCII letters. Coded spellings
 * (FORM_A, FORM_DOUBLE, FORM_DROP). Reason "spelling of T (...)". */
int spell_applies(const char *term, size_t len);
int spell_generate(const char *term, size_t len, uint32_t rules, forms_emit_fn emit,
                   void *ctx);

#endif
