/*
 * parse.c — the dictionary text format.
 *
 *   # comment                      (first non-blank character is '#')
 *   @category NAME                 default category for the following lines
 *   @severity N                    default severity (1..4) for the following lines
 *   TERM                           an entry with the defaults
 *   @numerals on|off               digits of the following terms also match
 *                                  Chinese numerals (5星红旗 ~ 五星红旗)
 *   TERM<TAB>attr attr ...         attrs: category=NAME severity=N allow word substring
 *                                  regex numerals
 *   @rule A NEAR/n B[<TAB>attrs]   co-occurrence rules (also A AND NOT B, A THEN B);
 *                                  a part with spaces is written in double quotes
 *
 * A plain word list (one term per line) is therefore a valid dictionary whose
 * category is the file's base name. A term that begins with '#' or '@' is
 * written with a backslash: \#hashtag.
 */
#include "dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/names.h"
#include "common/utf8.h"
#include "common/alloc.h"

/* ---- small vectors ------------------------------------------------------ */

static char *dup_n(const char *s, size_t n)
{
    char *d = mem_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

long dict_category_id(dict_set *set, const char *name)
{
    for (size_t i = 0; i < set->n_categories; i++)
        if (strcmp(set->categories[i], name) == 0)
            return (long)i;
    size_t cap = set->cap_categories;
    if (mem_grow((void **)&set->categories, &cap, set->n_categories + 1, sizeof(char *)))
        return -1;
    if (cap != set->cap_categories) {
        dict_category_meta *m = mem_realloc(set->cat_meta, cap * sizeof *m);
        if (!m)
            return -1;
        set->cat_meta = m;
        set->cap_categories = cap;
    }
    char *d = dup_n(name, strlen(name));
    if (!d)
        return -1;
    set->categories[set->n_categories] = d;
    dict_category_meta *m = &set->cat_meta[set->n_categories];
    memset(m, 0, sizeof *m);
    memset(m->actions, -1, sizeof m->actions);
    return (long)set->n_categories++;
}

void dict_rule_free(dict_rule *r)
{
    if (!r)
        return;
    mem_free(r->part[0]);
    mem_free(r->part[1]);
    mem_free(r);
}

void dict_set_free(dict_set *set)
{
    for (size_t i = 0; i < set->n_entries; i++) {
        mem_free(set->entries[i].term);
        mem_free(set->entries[i].reason);
        dict_rule_free(set->entries[i].rule);
    }
    for (size_t i = 0; i < set->n_categories; i++) {
        mem_free(set->categories[i]);
        mem_free(set->cat_meta[i].name_zh);
        mem_free(set->cat_meta[i].name_en);
    }
    mem_free(set->cat_meta);
    for (size_t i = 0; i < set->n_sources; i++)
        mem_free(set->sources[i]);
    mem_free(set->entries);
    mem_free(set->categories);
    mem_free(set->sources);
    memset(set, 0, sizeof *set);
}

/* ---- helpers ------------------------------------------------------------ */

static int valid_category(const char *s, size_t n)
{
    if (n == 0 || n > DICT_MAX_CATEGORY_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

/* Default category from a source name: base name without extension,
 * lowercased, other characters replaced by '_'. */
static void default_category(const char *name, char *out, size_t cap)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        n = (size_t)(dot - base);
    if (n == 0) {
        snprintf(out, cap, "default");
        return;
    }
    if (n > cap - 1)
        n = cap - 1;
    for (size_t i = 0; i < n; i++) {
        char c = base[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            c = '_';
        out[i] = c;
    }
    out[n] = '\0';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Parse "1".."4"; returns 0 if invalid. */
static int parse_severity(const char *s, size_t n)
{
    if (n != 1 || s[0] < '1' || s[0] > '4')
        return 0;
    return s[0] - '0';
}

typedef struct line_ctx {
    dict_set *set;
    const char *src;    /* source name */
    uint32_t source;    /* index */
    unsigned line;
    const char *text;   /* whole line, for excerpts */
    size_t text_len;
    screener_error **err;
    const char *defcat; /* default category, registered when first used */
    uint32_t forms;     /* generated-form rules of the following entries (@forms) */
    unsigned options;   /* DICT_OPT_* set by directives (@numerals) */
    int line_failed;    /* the error is about this line's text (line_error) */
} line_ctx;

#define NO_CATEGORY UINT32_MAX

/* The source's default category is only created when something uses it, so
 * a file that names its categories does not leave an empty one behind. */
static int use_category(line_ctx *c, uint32_t *category)
{
    if (*category != NO_CATEGORY)
        return SCREENER_OK;
    long id = dict_category_id(c->set, c->defcat);
    if (id < 0)
        return err_set(c->err, SCREENER_E_NOMEM, c->src, c->line, "out of memory");
    *category = (uint32_t)id;
    return SCREENER_OK;
}

static int line_error(line_ctx *c, int status, const char *what)
{
    char ex[160];
    c->line_failed = 1;
    err_excerpt(ex, sizeof ex, c->text, c->text_len);
    return err_set(c->err, status, c->src, c->line, "%s: `%s`", what, ex);
}

/* Append an entry. Duplicates are resolved later, globally, by the compiler
 * (merge_duplicates in compile/compile.c, which sorts all entries). */
static int add_entry(line_ctx *c, const char *term, size_t term_len,
                     uint32_t category, int severity, unsigned flags, unsigned options);

/* ---- directives --------------------------------------------------------- */

/* Split s at its first blank run: the first word is s[0..*k), the rest
 * starts at *v. */
static void split_word(const char *s, size_t n, size_t *k, size_t *v)
{
    size_t i = 0;
    while (i < n && !is_blank(s[i]))
        i++;
    *k = i;
    while (i < n && is_blank(s[i]))
        i++;
    *v = i;
}

/* "@action N ACTION" or "@action * ACTION": the policy of the current category.
 * `*` is the category's default: an explicit severity overrides it, in either
 * order (`@action * review` then `@action 3 block`). Two different explicit
 * actions for one severity, or two different defaults, conflict. */
static int parse_action(line_ctx *c, const char *s, size_t n, uint32_t category)
{
    size_t k, v;
    split_word(s, n, &k, &v);
    int sev = (k == 1 && s[0] == '*') ? 0 : parse_severity(s, k);
    int action = names_find(&names_actions, s + v, n - v);
    if ((sev == 0 && !(k == 1 && s[0] == '*')) || action < 0) {
        char known[80], msg[160];
        snprintf(msg, sizeof msg, "expected @action SEVERITY ACTION: severity 1-4 or *, action %s",
                 names_list(&names_actions, known, sizeof known));
        return line_error(c, SCREENER_E_DICT_SYNTAX, msg);
    }
    dict_category_meta *m = &c->set->cat_meta[category];
    int is_default = sev == 0;
    for (int i = sev ? sev - 1 : 0; i < (sev ? sev : 4); i++) {
        int was_default = (m->action_default >> i) & 1;
        if (m->actions[i] >= 0 && is_default == was_default && m->actions[i] != action) {
            char msg[256];
            snprintf(msg, sizeof msg, "category %s already has another %saction for severity %d at %s:%u",
                     c->set->categories[category], is_default ? "default (@action *) " : "", i + 1,
                     c->set->sources[m->action_source[i]], m->action_line[i]);
            return line_error(c, SCREENER_E_DICT_CONFLICT, msg);
        }
        if (m->actions[i] >= 0 && (is_default || !was_default))
            continue; /* an explicit action stays; an equal one is a repeat */
        m->actions[i] = (int8_t)action;
        m->action_source[i] = c->source;
        m->action_line[i] = c->line;
        m->action_default = (uint8_t)((m->action_default & ~(1u << i)) | (unsigned)is_default << i);
    }
    return SCREENER_OK;
}

/* "@name-zh TEXT" / "@name-en TEXT": display names of the current category. */
static int parse_display_name(line_ctx *c, int which, const char *s, size_t n,
                              uint32_t category)
{
    while (n && is_blank(s[n - 1]))
        n--;
    if (n == 0 || n > 128)
        return line_error(c, SCREENER_E_DICT_SYNTAX, "display name must be 1-128 bytes");
    dict_category_meta *m = &c->set->cat_meta[category];
    char **slot = which ? &m->name_en : &m->name_zh;
    if (*slot) {
        if (strlen(*slot) == n && memcmp(*slot, s, n) == 0)
            return SCREENER_OK;
        char msg[256];
        snprintf(msg, sizeof msg, "category %s already has another %s name at %s:%u",
                 c->set->categories[category], which ? "English" : "Chinese",
                 c->set->sources[m->name_source[which]], m->name_line[which]);
        return line_error(c, SCREENER_E_DICT_CONFLICT, msg);
    }
    if (!(*slot = dup_n(s, n)))
        return err_set(c->err, SCREENER_E_NOMEM, c->src, c->line, "out of memory");
    m->name_source[which] = c->source;
    m->name_line[which] = c->line;
    return SCREENER_OK;
}

/* ---- generated forms (@forms LIST, forms=LIST) --------------------------- */

/* A list of rule names (names_forms: "s,ed", "english", "none"; separated
 * by commas or blanks) -> FORM_* bits. Returns 0, or -1 with the offending
 * name in *bad, *bad_len. */
static int forms_list(const char *s, size_t n, uint32_t *bits, const char **bad,
                      size_t *bad_len)
{
    uint32_t b = 0;
    size_t i = 0;
    *bad = s;
    *bad_len = n;
    if (n == 0)
        return -1;
    while (i < n) {
        size_t w = i;
        while (i < n && s[i] != ',' && !is_blank(s[i]))
            i++;
        int v = names_find(&names_forms, s + w, i - w);
        if (v < 0) {
            *bad = s + w;
            *bad_len = i - w;
            return -1;
        }
        b |= (uint32_t)v;
        while (i < n && (s[i] == ',' || is_blank(s[i])))
            i++;
    }
    *bits = b;
    return 0;
}

static int parse_forms(line_ctx *c, const char *s, size_t n, uint32_t *bits)
{
    const char *bad;
    size_t bad_len;
    while (n && is_blank(s[n - 1]))
        n--;
    if (forms_list(s, n, bits, &bad, &bad_len) == 0)
        return SCREENER_OK;
    char known[200], ex[64], msg[320];
    snprintf(msg, sizeof msg, "unknown generated-form rule `%s` (known: %s)",
             err_excerpt(ex, sizeof ex, bad, bad_len),
             names_list(&names_forms, known, sizeof known));
    return line_error(c, SCREENER_E_DICT_SYNTAX, msg);
}

static int unknown_detector(line_ctx *c)
{
    char known[120], msg[160];
    snprintf(msg, sizeof msg, "unknown detector (known: %s)",
             names_list(&names_detectors, known, sizeof known));
    return line_error(c, SCREENER_E_DICT_SYNTAX, msg);
}

static int parse_attrs(line_ctx *c, const char *s, size_t n, uint32_t *category,
                       int *severity, unsigned *flags, uint32_t *forms, unsigned *options);

/* ---- co-occurrence rules (@rule) ----------------------------------------- */

#define RULE_MAX_TOKENS 6

typedef struct rule_token {
    const char *s;
    size_t n;
    int quoted;
} rule_token;

/* Split a rule into blank-separated tokens; "double quoted" tokens may hold
 * blanks (no escapes: a part cannot contain a double quote and a blank). */
static int rule_tokens(line_ctx *c, const char *s, size_t n, rule_token *t, size_t *nt)
{
    size_t i = 0;
    *nt = 0;
    while (i < n) {
        while (i < n && is_blank(s[i]))
            i++;
        if (i >= n)
            break;
        if (*nt == RULE_MAX_TOKENS)
            return line_error(c, SCREENER_E_DICT_SYNTAX,
                              "a rule is PART OPERATOR PART (one operator, two parts)");
        rule_token *k = &t[(*nt)++];
        if (s[i] == '"') {
            const char *q = memchr(s + i + 1, '"', n - i - 1);
            if (!q)
                return line_error(c, SCREENER_E_DICT_SYNTAX, "unterminated \" in rule part");
            k->s = s + i + 1;
            k->n = (size_t)(q - k->s);
            k->quoted = 1;
            i = (size_t)(q - s) + 1;
            if (i < n && !is_blank(s[i]))
                return line_error(c, SCREENER_E_DICT_SYNTAX,
                                  "text after a quoted rule part: put a blank between");
        } else {
            k->s = s + i;
            while (i < n && !is_blank(s[i]))
                i++;
            k->n = (size_t)(s + i - k->s);
            k->quoted = 0;
        }
    }
    return SCREENER_OK;
}

static int token_is(const rule_token *t, const char *word)
{
    size_t n = strlen(word);
    if (t->quoted || t->n < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char a = t->s[i];
        if (a >= 'a' && a <= 'z')
            a = (char)(a - 'a' + 'A');
        if (a != word[i])
            return 0;
    }
    return t->n == n;
}

/* An operator starting at token i: DICT_RULE_* and its token count, or 0. */
static unsigned rule_operator(const rule_token *t, size_t nt, size_t i, size_t *width)
{
    *width = 1;
    if (i >= nt || t[i].quoted)
        return 0;
    if (token_is(&t[i], "THEN"))
        return DICT_RULE_THEN;
    if (token_is(&t[i], "AND") && i + 1 < nt && token_is(&t[i + 1], "NOT")) {
        *width = 2;
        return DICT_RULE_AND_NOT;
    }
    if (t[i].n >= 5 && token_is(&(rule_token){t[i].s, 5, 0}, "NEAR/"))
        return DICT_RULE_NEAR;
    return 0;
}

static int is_operator_word(const rule_token *t)
{
    return token_is(t, "THEN") || token_is(t, "AND") || token_is(t, "NOT") ||
           (t->n >= 4 && token_is(&(rule_token){t->s, 4, 0}, "NEAR"));
}

/* NEAR/n: n in 1..DICT_RULE_MAX_DISTANCE. */
static int rule_distance(line_ctx *c, const rule_token *t, uint16_t *out)
{
    unsigned long v = 0;
    size_t i = 5;
    if (i == t->n)
        v = 0;
    for (; i < t->n && v <= DICT_RULE_MAX_DISTANCE; i++) {
        if (t->s[i] < '0' || t->s[i] > '9') {
            v = 0;
            break;
        }
        v = v * 10 + (unsigned long)(t->s[i] - '0');
    }
    if (v < 1 || v > DICT_RULE_MAX_DISTANCE) {
        char msg[120];
        snprintf(msg, sizeof msg, "NEAR/n needs a distance n of 1 to %u folded characters",
                 DICT_RULE_MAX_DISTANCE);
        return line_error(c, SCREENER_E_DICT_SYNTAX, msg);
    }
    *out = (uint16_t)v;
    return SCREENER_OK;
}

/* The rule's canonical text (its entry's term): parts with blanks quoted. */
static char *rule_text(const dict_rule *r, size_t *len)
{
    static const char *const ops[] = {"", "NEAR/", "AND NOT", "THEN"};
    buf b = {0};
    for (int k = 0; k < 2; k++) {
        int q = memchr(r->part[k], ' ', r->part_len[k]) || memchr(r->part[k], '\t', r->part_len[k]);
        if (k) {
            char op[32];
            if (r->op == DICT_RULE_NEAR)
                snprintf(op, sizeof op, " NEAR/%u ", (unsigned)r->distance);
            else
                snprintf(op, sizeof op, " %s ", ops[r->op]);
            buf_append(&b, op, strlen(op));
        }
        if (q)
            buf_append(&b, "\"", 1);
        buf_append(&b, r->part[k], r->part_len[k]);
        if (q)
            buf_append(&b, "\"", 1);
    }
    buf_append(&b, "", 1);
    if (b.failed) {
        buf_free(&b);
        return NULL;
    }
    *len = b.len - 1;
    return (char *)b.data;
}

/* "@rule A OP B" with optional TAB attributes (category=, severity=). */
static int parse_rule(line_ctx *c, const char *s, size_t n, uint32_t category, int severity)
{
    const char *tab = memchr(s, '\t', n);
    size_t rn = tab ? (size_t)(tab - s) : n;
    rule_token t[RULE_MAX_TOKENS];
    size_t nt, w;
    int rc = rule_tokens(c, s, rn, t, &nt);
    if (rc)
        return rc;
    unsigned flags = 0, options = 0;
    uint32_t forms = 0;
    if (tab && (rc = parse_attrs(c, tab + 1, n - rn - 1, &category, &severity, &flags, &forms,
                                 &options)))
        return rc;
    if (flags || (forms & ~(uint32_t)FORM_EXPLICIT) || options)
        return line_error(c, SCREENER_E_DICT_SYNTAX,
                          "a rule takes only category= and severity= (its parts are "
                          "matched as plain terms)");
    if (nt == 0 || rule_operator(t, nt, 0, &w) || is_operator_word(&t[0]))
        return line_error(c, SCREENER_E_DICT_SYNTAX,
                          "rule without its first part (expected A NEAR/n B, A AND NOT B or "
                          "A THEN B)");
    unsigned op = rule_operator(t, nt, 1, &w);
    if (nt == 1)
        return line_error(c, SCREENER_E_DICT_SYNTAX,
                          "rule without an operator (expected NEAR/n, AND NOT or THEN)");
    if (!op) {
        char msg[200], ex[64];
        snprintf(msg, sizeof msg,
                 "unknown rule operator `%s` (expected NEAR/n, AND NOT or THEN; a part with "
                 "blanks is written in double quotes)",
                 err_excerpt(ex, sizeof ex, t[1].s, t[1].n));
        return line_error(c, SCREENER_E_DICT_SYNTAX, msg);
    }
    if (1 + w >= nt)
        return line_error(c, SCREENER_E_DICT_SYNTAX, "rule without its second part");
    if (1 + w + 1 < nt || is_operator_word(&t[1 + w]))
        return line_error(c, SCREENER_E_DICT_SYNTAX,
                          "a rule is PART OPERATOR PART: one operator, two parts (write a part "
                          "with blanks in double quotes)");
    dict_rule *r = mem_calloc(1, sizeof *r);
    if (!r)
        return err_set(c->err, SCREENER_E_NOMEM, c->src, c->line, "out of memory");
    r->op = (uint8_t)op;
    if (op == DICT_RULE_NEAR && (rc = rule_distance(c, &t[1], &r->distance))) {
        dict_rule_free(r);
        return rc;
    }
    const rule_token *parts[2] = {&t[0], &t[1 + w]};
    for (int k = 0; k < 2; k++) {
        if (parts[k]->n == 0) {
            dict_rule_free(r);
            return line_error(c, SCREENER_E_DICT_TERM, "empty rule part");
        }
        r->part[k] = dup_n(parts[k]->s, parts[k]->n);
        r->part_len[k] = parts[k]->n;
        if (!r->part[k]) {
            dict_rule_free(r);
            return err_set(c->err, SCREENER_E_NOMEM, c->src, c->line, "out of memory");
        }
    }
    size_t len = 0;
    char *text = rule_text(r, &len);
    if (!text || use_category(c, &category)) {
        mem_free(text);
        dict_rule_free(r);
        return err_set(c->err, SCREENER_E_NOMEM, c->src, c->line, "out of memory");
    }
    rc = add_entry(c, text, len, category, severity, 0, DICT_OPT_RULE);
    mem_free(text);
    if (rc) {
        dict_rule_free(r);
        return rc;
    }
    c->set->entries[c->set->n_entries - 1].rule = r;
    return SCREENER_OK;
}

static int parse_directive(line_ctx *c, const char *s, size_t n,
                           uint32_t *category, int *severity)
{
    size_t k, v;
    split_word(s, n, &k, &v);
    size_t vn = n - v;
    if (k == 9 && memcmp(s, "@category", 9) == 0) {
        if (!valid_category(s + v, vn))
            return line_error(c, SCREENER_E_DICT_SYNTAX,
                              "category must be 1-64 characters of [a-z0-9_]");
        char name[DICT_MAX_CATEGORY_LEN + 1];
        memcpy(name, s + v, vn);
        name[vn] = '\0';
        long id = dict_category_id(c->set, name);
        if (id < 0)
            return err_set(c->err, SCREENER_E_NOMEM, c->src, c->line, "out of memory");
        *category = (uint32_t)id;
        return SCREENER_OK;
    }
    if (k == 9 && memcmp(s, "@severity", 9) == 0) {
        int sev = parse_severity(s + v, vn);
        if (!sev)
            return line_error(c, SCREENER_E_DICT_SYNTAX, "severity must be 1, 2, 3 or 4");
        *severity = sev;
        return SCREENER_OK;
    }
    if (k == 6 && memcmp(s, "@forms", 6) == 0)
        return parse_forms(c, s + v, vn, &c->forms);
    if (k == 7 && memcmp(s, "@action", 7) == 0)
        return use_category(c, category) ? SCREENER_E_NOMEM
                                         : parse_action(c, s + v, vn, *category);
    if ((k == 7 && memcmp(s, "@detect", 7) == 0) ||
        (k == 8 && (memcmp(s, "@name-zh", 8) == 0 || memcmp(s, "@name-en", 8) == 0))) {
        if (use_category(c, category))
            return SCREENER_E_NOMEM;
    }
    if (k == 7 && memcmp(s, "@detect", 7) == 0) {
        int d = names_find(&names_detectors, s + v, vn);
        if (d < 0)
            return unknown_detector(c);
        int rc = add_entry(c, s + v, vn, *category, *severity, SCREENER_ENTRY_DETECTOR, 0);
        if (rc == SCREENER_OK)
            c->set->entries[c->set->n_entries - 1].detector = (uint8_t)d;
        return rc;
    }
    if (k == 8 && (memcmp(s, "@name-zh", 8) == 0 || memcmp(s, "@name-en", 8) == 0))
        return parse_display_name(c, s[6] == 'z' ? 0 : 1, s + v, vn, *category);
    if (k == 5 && memcmp(s, "@rule", 5) == 0)
        return parse_rule(c, s + v, vn, *category, *severity);
    if (k == 9 && memcmp(s, "@numerals", 9) == 0) {
        if (vn == 2 && memcmp(s + v, "on", 2) == 0)
            c->options |= DICT_OPT_NUMERALS;
        else if (vn == 3 && memcmp(s + v, "off", 3) == 0)
            c->options &= ~(unsigned)DICT_OPT_NUMERALS;
        else
            return line_error(c, SCREENER_E_DICT_SYNTAX, "expected @numerals on or @numerals off");
        return SCREENER_OK;
    }
    return line_error(c, SCREENER_E_DICT_SYNTAX,
                      "unknown directive (expected @category, @severity, @action, @detect, "
                      "@forms, @numerals, @rule, @name-zh or @name-en)");
}

/* 1 for a directive that sets how the following lines read (@category,
 * @severity, @forms, @numerals, @action): skipping a bad one would change
 * every later line, so it stops even a lenient parse. */
static int modal_directive(const char *s, size_t n)
{
    static const char *const modal[] = {"@category", "@severity", "@forms", "@numerals",
                                        "@action"};
    size_t k, v;
    split_word(s, n, &k, &v);
    for (size_t i = 0; i < sizeof modal / sizeof *modal; i++)
        if (strlen(modal[i]) == k && memcmp(s, modal[i], k) == 0)
            return 1;
    return 0;
}

/* ---- entry lines -------------------------------------------------------- */

static int parse_attrs(line_ctx *c, const char *s, size_t n, uint32_t *category,
                       int *severity, unsigned *flags, uint32_t *forms, unsigned *options)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && is_blank(s[i]))
            i++;
        if (i >= n)
            break;
        size_t b = i;
        while (i < n && !is_blank(s[i]))
            i++;
        const char *a = s + b;
        size_t an = i - b;
        char msg[160];
        char ex[100];
        if (an > 9 && memcmp(a, "category=", 9) == 0) {
            if (!valid_category(a + 9, an - 9))
                return line_error(c, SCREENER_E_DICT_SYNTAX,
                                  "category must be 1-64 characters of [a-z0-9_]");
            char name[DICT_MAX_CATEGORY_LEN + 1];
            memcpy(name, a + 9, an - 9);
            name[an - 9] = '\0';
            long id = dict_category_id(c->set, name);
            if (id < 0)
                return err_set(c->err, SCREENER_E_NOMEM, c->src, c->line, "out of memory");
            *category = (uint32_t)id;
        } else if (an > 9 && memcmp(a, "severity=", 9) == 0) {
            int sev = parse_severity(a + 9, an - 9);
            if (!sev)
                return line_error(c, SCREENER_E_DICT_SYNTAX,
                                  "severity must be 1, 2, 3 or 4");
            *severity = sev;
        } else if (an == 5 && memcmp(a, "allow", 5) == 0) {
            *flags |= SCREENER_ENTRY_ALLOW;
        } else if (an == 4 && memcmp(a, "word", 4) == 0) {
            *flags |= SCREENER_ENTRY_WORD;
        } else if (an == 9 && memcmp(a, "substring", 9) == 0) {
            *flags |= SCREENER_ENTRY_SUBSTRING;
        } else if (an == 5 && memcmp(a, "regex", 5) == 0) {
            *flags |= SCREENER_ENTRY_REGEX;
        } else if (an > 6 && memcmp(a, "forms=", 6) == 0) {
            int rc = parse_forms(c, a + 6, an - 6, forms);
            if (rc)
                return rc;
            *forms |= FORM_EXPLICIT;
        } else if (an == 8 && memcmp(a, "numerals", 8) == 0) {
            *options |= DICT_OPT_NUMERALS;
        } else {
            snprintf(msg, sizeof msg, "unknown attribute `%s`",
                     err_excerpt(ex, sizeof ex, a, an));
            return line_error(c, SCREENER_E_DICT_SYNTAX, msg);
        }
    }
    if ((*flags & SCREENER_ENTRY_WORD) && (*flags & SCREENER_ENTRY_SUBSTRING))
        return line_error(c, SCREENER_E_DICT_SYNTAX,
                          "`word` and `substring` exclude each other");
    if ((*flags & SCREENER_ENTRY_REGEX) && (*flags & ~(unsigned)SCREENER_ENTRY_REGEX))
        return line_error(c, SCREENER_E_DICT_SYNTAX,
                          "`regex` entries take no `allow`, `word` or `substring`");
    if (*flags & SCREENER_ENTRY_REGEX) {
        if (*options & DICT_OPT_NUMERALS & ~c->options)
            return line_error(c, SCREENER_E_DICT_SYNTAX,
                              "`regex` entries take no `numerals` (regexes already read "
                              "numbers written in numerals as digits)");
        *options = 0; /* @numerals applies to terms only */
    }
    return SCREENER_OK;
}

static int parse_entry(line_ctx *c, const char *s, size_t n, uint32_t category,
                       int severity)
{
    const char *tab = memchr(s, '\t', n);
    size_t tn = tab ? (size_t)(tab - s) : n;
    while (tn > 0 && s[tn - 1] == ' ')
        tn--;
    const char *term = s;
    /* A leading backslash escapes '#', '@' (a comment or a directive
     * otherwise) and itself, so every term can be written. */
    if (tn >= 2 && term[0] == '\\' && (term[1] == '#' || term[1] == '@' || term[1] == '\\')) {
        term++;
        tn--;
    }
    unsigned flags = 0, options = c->options;
    uint32_t forms = c->forms;
    if (tab) {
        int rc = parse_attrs(c, tab + 1, n - (size_t)(tab + 1 - s), &category,
                             &severity, &flags, &forms, &options);
        if (rc)
            return rc;
    }
    if (tn == 0)
        return line_error(c, SCREENER_E_DICT_TERM, "empty term");
    size_t max = c->set->max_term_bytes ? c->set->max_term_bytes : DICT_MAX_TERM_BYTES;
    if (use_category(c, &category))
        return SCREENER_E_NOMEM;
    if (tn > max) {
        char msg[160];
        snprintf(msg, sizeof msg, "term of %zu bytes, longer than the limit of %zu (max_term_bytes)",
                 tn, max);
        return line_error(c, SCREENER_E_LIMIT, msg);
    }
    int rc = add_entry(c, term, tn, category, severity, flags, options);
    if (rc == SCREENER_OK)
        c->set->entries[c->set->n_entries - 1].forms = forms;
    return rc;
}

static int add_entry(line_ctx *c, const char *term, size_t term_len,
                     uint32_t category, int severity, unsigned flags, unsigned options)
{
    dict_set *set = c->set;
    if (set->max_entries && set->n_entries >= set->max_entries)
        return err_set(c->err, SCREENER_E_LIMIT, c->src, c->line,
                       "more than %zu entries (max_entries)", set->max_entries);
    if (mem_grow((void **)&set->entries, &set->cap_entries, set->n_entries + 1,
              sizeof(dict_entry)))
        return err_set(c->err, SCREENER_E_NOMEM, c->src, c->line, "out of memory");
    char *t = dup_n(term, term_len);
    if (!t)
        return err_set(c->err, SCREENER_E_NOMEM, c->src, c->line, "out of memory");
    dict_entry *e = &set->entries[set->n_entries++];
    e->term = t;
    e->term_len = term_len;
    e->category = category;
    e->source = c->source;
    e->line = c->line;
    e->severity = (uint8_t)severity;
    e->flags = (uint8_t)flags;
    e->detector = 0;
    e->forms = 0;
    e->reason = NULL;
    e->options = (uint8_t)options;
    e->host_word = 0;
    e->rule = NULL;
    return SCREENER_OK;
}

int dict_parse(dict_set *set, const char *name, const char *text, size_t len,
               screener_error **err_out)
{
    if (mem_grow((void **)&set->sources, &set->cap_sources, set->n_sources + 1,
              sizeof(char *)))
        return err_set(err_out, SCREENER_E_NOMEM, name, 0, "out of memory");
    char *sname = dup_n(name, strlen(name));
    if (!sname)
        return err_set(err_out, SCREENER_E_NOMEM, name, 0, "out of memory");
    set->sources[set->n_sources] = sname;
    uint32_t source = (uint32_t)set->n_sources++;

    char defcat[DICT_MAX_CATEGORY_LEN + 1];
    default_category(name, defcat, sizeof defcat);
    uint32_t category = NO_CATEGORY;
    int severity = DICT_DEFAULT_SEVERITY;

    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* UTF-8 byte order mark */
    /* lenient: per-line errors go to a local error, reported and dropped */
    screener_error *line_err = NULL;
    line_ctx c = {set, name, source, 0, NULL, 0, set->lenient ? &line_err : err_out, defcat, 0, 0,
                  0};
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        c.line++;
        c.text = p;
        c.text_len = (size_t)(le - p);
        size_t n = c.text_len;
        if (n && p[n - 1] == '\r')
            n--;
        size_t bad;
        size_t b = 0;
        while (b < n && p[b] == ' ')
            b++;
        int rc = SCREENER_OK;
        c.line_failed = 0;
        if (!utf8_valid((const uint8_t *)p, n, &bad)) {
            char msg[96];
            snprintf(msg, sizeof msg, "invalid UTF-8 at byte %zu of the line", bad + 1);
            rc = line_error(&c, SCREENER_E_DICT_TERM, msg);
        } else if (memchr(p, '\0', n)) {
            rc = line_error(&c, SCREENER_E_DICT_TERM, "NUL byte in line");
        } else if (b == n || (p[b] == '\t' && b + 1 == n)) {
            /* blank line */
        } else if (p[b] == '#') {
            /* comment */
        } else if (p[b] == '@') {
            rc = parse_directive(&c, p + b, n - b, &category, &severity);
        } else {
            rc = parse_entry(&c, p + b, n - b, category, severity);
        }
        if (rc && set->lenient && c.line_failed && !(p[b] == '@' && modal_directive(p + b, n - b)))
            rc = dict_skip(set->lenient, &line_err); /* skip the line and go on, or NOMEM */
        if (rc == SCREENER_E_NOMEM && set->lenient && !line_err) {
            return err_set(err_out, SCREENER_E_NOMEM, NULL, 0, "out of memory");
        } else if (rc) {
            if (set->lenient) { /* hand the error over, or drop it */
                if (err_out)
                    *err_out = line_err;
                else
                    screener_error_free(line_err);
            }
            return rc;
        }
        p = nl ? nl + 1 : end;
    }
    return SCREENER_OK;
}

int dict_skip(dict_lenient *l, screener_error **e)
{
    /* a skipped line must be reported: no diagnostic, no skipping */
    if (!*e)
        return SCREENER_E_NOMEM;
    int rc = SCREENER_OK;
    if (l->warning) {
        const char *msg = screener_error_message(*e), *file = screener_error_file(*e);
        unsigned line = screener_error_line(*e);
        char prefix[1100];
        snprintf(prefix, sizeof prefix, "%s:%u: ", file ? file : "", line);
        size_t pn = strlen(prefix);
        if (file && line && strncmp(msg, prefix, pn) == 0)
            msg += pn;
        size_t cap = pn + strlen(msg) + 16;
        char *out = mem_malloc(cap);
        if (out) {
            snprintf(out, cap, "%sskipped: %s", prefix, msg);
            l->warning(out, l->user_data);
            mem_free(out);
        } else {
            rc = SCREENER_E_NOMEM;
        }
    }
    screener_error_free(*e);
    *e = NULL;
    if (rc == SCREENER_OK)
        l->skipped++;
    return rc;
}
