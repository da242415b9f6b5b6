/*
 * lint.c — warnings about dictionary lines that parse but probably do not
 * mean what their author meant.
 *
 * Attributes follow the term after a TAB. An editor that turns TABs into
 * spaces makes `ACME-Q3-forecast<TAB>severity=3` the one term
 * "ACME-Q3-forecast    severity=3", which never matches what was meant and
 * silently loses the severity. Such a term is valid (terms may contain
 * spaces), so it is a warning with file:line, not an error.
 */
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "dict.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* 2 for `category=...` / `severity=...`, 1 for a flag attribute (allow,
 * word, substring, regex), 0 for anything else. */
static int attribute_kind(const char *w, size_t n)
{
    static const char *const keyed[] = {"category=", "severity="};
    static const char *const flags[] = {"allow", "word", "substring", "regex"};
    for (size_t i = 0; i < 2; i++)
        if (n > strlen(keyed[i]) && memcmp(w, keyed[i], strlen(keyed[i])) == 0)
            return 2;
    for (size_t i = 0; i < 4; i++)
        if (n == strlen(flags[i]) && memcmp(w, flags[i], n) == 0)
            return 1;
    return 0;
}

/* Whether term ends in attribute-looking words written after spaces: at
 * least one `key=value`, or flags after a run of 2+ spaces (one space
 * before `allow` may be an ordinary phrase). Linear in the term. */
static int looks_like_spaced_attributes(const char *t, size_t n)
{
    int keyed = 0, any = 0;
    size_t end = n, gap = 0;
    for (;;) {
        size_t start = end;
        while (start > 0 && !is_space(t[start - 1]))
            start--;
        int kind = attribute_kind(t + start, end - start);
        if (start == 0 || end == start || !kind)
            break;
        any = 1;
        keyed |= kind == 2;
        gap = 0;
        while (start > 0 && is_space(t[start - 1]))
            start--, gap++;
        end = start;
        if (end == 0)
            return 0; /* nothing but attributes: not a term followed by them */
    }
    return any && (keyed || gap >= 2);
}

void dict_lint(const dict_set *set, void (*warning)(const char *, void *), void *user_data)
{
    if (!warning)
        return;
    for (size_t i = 0; i < set->n_entries; i++) {
        const dict_entry *e = &set->entries[i];
        if ((e->flags & (SCREENER_ENTRY_DETECTOR | SCREENER_ENTRY_REGEX)) ||
            !looks_like_spaced_attributes(e->term, e->term_len))
            continue;
        char msg[1400], ex[160];
        snprintf(msg, sizeof msg,
                 "%s:%u: the term `%s` ends in what looks like attributes written with spaces; "
                 "attributes follow the term after a TAB (as written, the whole text is the term)",
                 set->sources[e->source], e->line, err_excerpt(ex, sizeof ex, e->term, e->term_len));
        warning(msg, user_data);
    }
}
