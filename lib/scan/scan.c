/*
 * scan.c — screener_scan(): fold, Hyperscan, verify, map back, verdict.
 *
 *   text --fold_text--> UTF-16 units --hs_scan--> (literal, end) candidates
 *        --alignment / stripped-NUL check--> raw matches
 *        --fold_locate_*--> original byte spans + word-boundary facts
 *        --per entry: boundary rules, allow-list--> matches --> verdict
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/utf8.h"
#include "normalize/fold.h"
#include "db/db.h"
#include "detect.h"
#include "scratch.h"

typedef struct scan_ctx {
    const screener_db *db;
    screener_scratch *s;
    const uint8_t *units; /* folded bytes */
    size_t raw_cap;       /* stop collecting candidates beyond this */
} scan_ctx;


/* Hyperscan match callback: a literal ended at byte `to` of the folded
 * stream. Keep it only if it starts on a UTF-16 unit boundary (and, for a
 * literal whose leading NUL byte was stripped, that byte is really NUL). */
static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    scan_ctx *c = ctx;
    if (id >= c->db->n_lits)
        return 0; /* not one of ours: a damaged (but re-sealed) database */
    const db_lit *l = &c->db->lits[id];
    unsigned long long bytes = (unsigned long long)l->units * 2;
    if (to < bytes)
        return 0;
    unsigned long long start = to - bytes;
    if (start & 1)
        return 0;
    if (l->stripped && c->units[start] != 0)
        return 0;
    /* word boundaries from the unit flags: a Latin term inside a word
     * ("ass" in "class", or across "has she") is rejected here, before any
     * mapping back to the original text */
    size_t p = (size_t)(start / 2), e = (size_t)(to / 2);
    const uint8_t *fl = c->s->fb.flags;
    if ((l->bound & DB_LIT_NEED_START) && p > 0 && (fl[p - 1] & FU_WORD) && !(fl[p] & FU_GAP))
        return 0;
    if ((l->bound & DB_LIT_NEED_END) && e < c->s->fb.n && (fl[e] & FU_WORD) &&
        !(fl[e] & FU_GAP))
        return 0;
    screener_scratch *s = c->s;
    if (s->n_raw >= c->raw_cap) {
        s->raw_truncated = 1;
        return 1; /* stop: more candidates than the profile lets us report */
    }
    if (mem_grow((void **)&s->raw, &s->cap_raw, s->n_raw + 1, sizeof(raw_match))) {
        s->raw_oom = 1;
        return 1; /* stop the scan */
    }
    s->raw[s->n_raw].lit = id;
    s->raw[s->n_raw].start = (uint32_t)(start / 2);
    s->raw[s->n_raw].end = (uint32_t)(to / 2);
    s->n_raw++;
    return 0;
}

/* Detector candidates go into the raw matches with RAW_DETECTOR | entry id. */
#define RAW_DETECTOR 0x80000000u

typedef struct detect_ctx {
    screener_scratch *s;
    uint32_t entry;
    int oom;
} detect_ctx;

static void on_detect(void *ctx, size_t start, size_t end)
{
    detect_ctx *d = ctx;
    screener_scratch *s = d->s;
    if (mem_grow((void **)&s->raw, &s->cap_raw, s->n_raw + 1, sizeof(raw_match))) {
        d->oom = 1;
        return;
    }
    s->raw[s->n_raw].lit = RAW_DETECTOR | d->entry;
    s->raw[s->n_raw].start = (uint32_t)start;
    s->raw[s->n_raw].end = (uint32_t)end;
    s->n_raw++;
}

static int cmp_match(const void *a, const void *b)
{
    const screener_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->entry_id < y->entry_id ? -1 : x->entry_id > y->entry_id;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Add a match of entry id at [start, end) unless the profile drops it.
 * Returns 0 or -1 (out of memory). */
static int push_match(const screener_db *db, screener_scratch *s, uint32_t id, size_t start,
                      size_t end)
{
    const db_entry *e = &db->entries[id];
    int action = s->eff ? s->eff[e->category * 4 + e->severity - 1]
                        : db->cats[e->category].actions[e->severity - 1];
    if (action < 0 || e->severity < s->min_severity)
        return 0; /* dropped by the profile */
    if (mem_grow((void **)&s->matches, &s->cap_matches, s->n_matches + 1, sizeof(screener_match)))
        return -1;
    screener_match *o = &s->matches[s->n_matches++];
    o->start = start;
    o->end = end;
    o->entry_id = id;
    o->category_id = e->category;
    o->severity = e->severity;
    o->action = (uint8_t)action;
    o->flags = 0;
    return 0;
}

/* ---- text detectors (e-mail, links) ---------------------------------------- */

typedef struct text_ctx {
    const screener_db *db;
    screener_scratch *s;
    uint32_t entry;
    int oom;
} text_ctx;

static void on_text_match(void *ctx, size_t b0, size_t b1)
{
    text_ctx *t = ctx;
    if (push_match(t->db, t->s, t->entry, b0, b1))
        t->oom = 1;
}

/* Build the light view of the text (see detect.h) and run the text
 * detectors on it. Cost: O(len), only for databases that use them. */
static int run_text_detectors(const screener_db *db, screener_scratch *s, const uint8_t *text,
                              size_t len)
{
    if (mem_grow((void **)&s->light, &s->cap_light, len + 1, sizeof(light_char)))
        return SCREENER_E_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        int32_t c = utf8_next(text, len, &i);
        uint32_t v = fold_value(&db->fold, c), lc = 0;
        if (c < 0) {
            lc = 0;
        } else if (FV_KIND(v) == FV_DROP) {
            lc = FV_DROP_ASCII(v);
        } else {
            uint32_t cp = FV_KIND(v) == FV_IDENT ? (uint32_t)c
                        : FV_KIND(v) == FV_ONE   ? FV_CP(v)
                                                 : LIGHT_OTHER;
            if (cp >= 'A' && cp <= 'Z')
                cp += 'a' - 'A';
            lc = cp < 0x80 ? cp : LIGHT_OTHER;
        }
        s->light[m].c = lc;
        s->light[m].b0 = (uint32_t)at;
        s->light[m].b1 = (uint32_t)i;
        m++;
    }
    text_ctx t = {db, s, 0, 0};
    for (uint32_t k = 0; k < db->n_detectors && !t.oom; k++) {
        t.entry = db->detector_ids[k];
        int kind = db->entries[t.entry].detector;
        if (DETECT_ON_TEXT(kind))
            detect_text(kind, s->light, m, on_text_match, &t);
    }
    return t.oom ? SCREENER_E_NOMEM : SCREENER_OK;
}

/* ---- regex entries ----------------------------------------------------------- */

typedef struct regex_ctx {
    const screener_db *db;
    screener_scratch *s;
    size_t first; /* index of the first match this regex run added */
    int oom;
} regex_ctx;

static int on_regex(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx)
{
    (void)flags;
    regex_ctx *r = ctx;
    if (id >= r->db->n_entries || to == 0 || from >= to)
        return 0;
    size_t start = r->s->rstart[from], end = r->s->rend[to - 1];
    /* Hyperscan reports every end of a match ("\\d{5,}" on 9 digits ends 5
     * times); keep one match per entry and start, the longest */
    for (size_t k = r->s->n_matches; k-- > r->first;) {
        screener_match *m = &r->s->matches[k];
        if (m->entry_id == id && m->start == start) {
            if (end > m->end)
                m->end = end;
            return 0;
        }
    }
    if (push_match(r->db, r->s, id, start, end)) {
        r->oom = 1;
        return 1;
    }
    return 0;
}

/* Make room for need bytes of regex view (and their maps). */
static int grow_rtext(screener_scratch *s, size_t need)
{
    if (need <= s->cap_rtext)
        return 0;
    uint8_t *t = realloc(s->rtext, need);
    if (!t)
        return -1;
    s->rtext = t;
    uint32_t *a = realloc(s->rstart, need * sizeof(uint32_t));
    if (!a)
        return -1;
    s->rstart = a;
    uint32_t *b = realloc(s->rend, need * sizeof(uint32_t));
    if (!b)
        return -1;
    s->rend = b;
    s->cap_rtext = need;
    return 0;
}

/*
 * The regex view of the text: the fold's output, but with the ASCII form of
 * dropped punctuation kept ('＠' -> '@', '。' -> '.') and whitespace,
 * invisible characters and symbols without an ASCII form left out; invalid
 * input is U+FFFD. Each byte remembers the original character it came from.
 * Built only for databases with regex entries. Cost: O(len).
 */
static int run_regexes(const screener_db *db, screener_scratch *s, const uint8_t *text,
                       size_t len)
{
    if (len > UINT32_MAX / 8)
        return SCREENER_E_TOO_LARGE;
    if (grow_rtext(s, len * 2 + 64))
        return SCREENER_E_NOMEM;
    size_t w = 0;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        int32_t c = utf8_next(text, len, &i);
        uint32_t v = fold_value(&db->fold, c);
        uint32_t cps[FOLD_MAX_UNITS];
        size_t n = 0;
        if (c < 0) {
            cps[n++] = 0xFFFD;
        } else if (FV_KIND(v) == FV_DROP) {
            if (FV_DROP_ASCII(v))
                cps[n++] = FV_DROP_ASCII(v);
        } else if (FV_KIND(v) == FV_IDENT) {
            cps[n++] = (uint32_t)c;
        } else if (FV_KIND(v) == FV_ONE) {
            cps[n++] = FV_CP(v);
        } else {
            const uint16_t *u = db->fold.expand + FV_OFF(v);
            for (size_t q = 0; q < FV_LEN(v); q++) {
                uint32_t x = u[q];
                if (x >= 0xD800 && x <= 0xDBFF && q + 1 < FV_LEN(v)) {
                    x = 0x10000 + ((x - 0xD800) << 10) + (u[q + 1] - 0xDC00u);
                    q++;
                }
                cps[n++] = x;
            }
        }
        if (w + n * 4 + 4 > s->cap_rtext && grow_rtext(s, (w + n * 4 + 4) * 2))
            return SCREENER_E_NOMEM;
        for (size_t q = 0; q < n; q++) {
            size_t k = utf8_put(s->rtext + w, cps[q]);
            for (size_t b = 0; b < k; b++) {
                s->rstart[w + b] = (uint32_t)at;
                s->rend[w + b] = (uint32_t)i;
            }
            w += k;
        }
    }
    if (w == 0)
        return SCREENER_OK;
    regex_ctx r = {db, s, s->n_matches, 0};
    hs_error_t he = hs_scan(db->hs_regex, (const char *)s->rtext, (unsigned int)w, 0, s->hs_regex,
                            on_regex, &r);
    if (r.oom)
        return SCREENER_E_NOMEM;
    return he == HS_SUCCESS ? SCREENER_OK : SCREENER_E_HYPERSCAN;
}

/* Turn raw matches into entry matches with original spans. */
static int resolve(const screener_db *db, screener_scratch *s, const uint8_t *text,
                   size_t len)
{
    for (size_t r = 0; r < s->n_raw; r++) {
        const raw_match *m = &s->raw[r];
        const uint32_t *ids;
        uint32_t n_ids, detector_id;
        if (m->lit & RAW_DETECTOR) {
            detector_id = m->lit & ~RAW_DETECTOR;
            ids = &detector_id;
            n_ids = 1;
        } else {
            ids = db->lit_entries + db->lits[m->lit].entries_off;
            n_ids = db->lits[m->lit].n_entries;
        }
        fold_loc a, b;
        fold_locate_start(&db->fold, text, len, &s->fb, m->start, &a);
        fold_locate_end(&db->fold, text, len, &s->fb, m->end, &b);
        if ((m->lit & RAW_DETECTOR) &&
            fold_span_max_gap(&db->fold, text, a.byte, b.byte) > DETECT_MAX_GAP)
            continue; /* digits joined across markup, not a disguised number */
        for (uint32_t k = 0; k < n_ids; k++) {
            uint32_t id = ids[k];
            const db_entry *e = &db->entries[id];
            if ((e->flags & DB_ENTRY_NEED_START) && !a.boundary)
                continue;
            if ((e->flags & DB_ENTRY_NEED_END) && !b.boundary)
                continue;
            /* (a match edge inside one character's expansion cannot be
             * compared run by run; boundaries already reject it for words) */
            if ((e->flags & DB_ENTRY_CHECK_SPAN) && !a.partial && !b.partial &&
                !fold_span_check(&db->fold, text, a.byte, b.byte,
                                 (const uint8_t *)db->strings + e->term_off, e->term_len))
                continue;
            if (e->flags & SCREENER_ENTRY_ALLOW) {
                if (mem_grow((void **)&s->allow, &s->cap_allow, s->n_allow + 1, sizeof(span)))
                    return SCREENER_E_NOMEM;
                s->allow[s->n_allow].start = a.byte;
                s->allow[s->n_allow].end = b.byte;
                s->n_allow++;
                continue;
            }
            if (push_match(db, s, id, a.byte, b.byte))
                return SCREENER_E_NOMEM;
        }
    }
    return SCREENER_OK;
}

/* Allow-list: a deny match lying inside an allow match is suppressed. */
static void apply_allow(screener_scratch *s)
{
    for (size_t i = 0; i < s->n_matches; i++) {
        screener_match *m = &s->matches[i];
        for (size_t j = 0; j < s->n_allow; j++) {
            if (s->allow[j].start <= m->start && m->end <= s->allow[j].end) {
                m->flags |= SCREENER_MATCH_SUPPRESSED;
                break;
            }
        }
    }
}

/* Mark the leftmost-longest non-overlapping selection among the counted
 * matches (sorted by start, then end): at each position take the longest
 * match that starts at or after the end of the last one taken. */
static void select_leftmost_longest(screener_scratch *s)
{
    size_t last_end = 0;
    int any = 0;
    for (size_t i = 0; i < s->n_matches; i++)
        s->matches[i].flags &= (uint16_t)~SCREENER_MATCH_SELECTED;
    for (size_t i = 0; i < s->n_matches;) {
        screener_match *m = &s->matches[i];
        if ((m->flags & SCREENER_MATCH_SUPPRESSED) || (any && m->start < last_end)) {
            i++;
            continue;
        }
        size_t best = i;
        for (size_t j = i + 1; j < s->n_matches && s->matches[j].start == m->start; j++)
            if (!(s->matches[j].flags & SCREENER_MATCH_SUPPRESSED) &&
                s->matches[j].end >= s->matches[best].end)
                best = j;
        s->matches[best].flags |= SCREENER_MATCH_SELECTED;
        last_end = s->matches[best].end;
        any = 1;
        i = best + 1;
    }
}

int scan_verdict(screener_scratch *s)
{
    select_leftmost_longest(s);
    screener_result *r = &s->result;
    r->matches = s->matches;
    r->n_matches = s->n_matches;
    r->action = SCREENER_ACTION_PASS;
    r->severity = 0;
    r->n_categories = 0;
    if (mem_grow((void **)&s->cats, &s->cap_cats, s->n_matches + 1, sizeof(uint32_t)))
        return SCREENER_E_NOMEM;
    size_t nc = 0;
    for (size_t i = 0; i < s->n_matches; i++) {
        const screener_match *m = &s->matches[i];
        if (m->flags & SCREENER_MATCH_SUPPRESSED)
            continue;
        if (m->action > r->action)
            r->action = m->action;
        if (m->severity > r->severity)
            r->severity = m->severity;
        s->cats[nc++] = m->category_id;
    }
    if (nc > 1)
        qsort(s->cats, nc, sizeof(uint32_t), cmp_u32);
    size_t w = 0;
    for (size_t i = 0; i < nc; i++)
        if (w == 0 || s->cats[w - 1] != s->cats[i])
            s->cats[w++] = s->cats[i];
    r->categories = s->cats;
    r->n_categories = w;
    r->fingerprint = s->fingerprint;
    return SCREENER_OK;
}

/* Resolve the scratch's profile rules against db's categories (once per db). */
static int resolve_profile(const screener_db *db, screener_scratch *s)
{
    if (s->n_rules == 0) {
        free(s->eff);
        s->eff = NULL;
        s->cap_eff = 0;
        s->eff_for = db->instance;
        return SCREENER_OK;
    }
    size_t n = (size_t)db->n_cats * 4;
    if (mem_grow((void **)&s->eff, &s->cap_eff, n ? n : 1, 1))
        return SCREENER_E_NOMEM;
    for (uint32_t c = 0; c < db->n_cats; c++) {
        const char *name = db->strings + db->cats[c].name_off;
        for (unsigned sev = 1; sev <= 4; sev++) {
            int a = db->cats[c].actions[sev - 1];
            for (size_t r = 0; r < s->n_rules; r++) {
                const screener_profile_rule *rule = &s->rules[r];
                if ((!rule->category || strcmp(rule->category, name) == 0) &&
                    (rule->severity == 0 || rule->severity == sev))
                    a = rule->action;
            }
            s->eff[c * 4 + sev - 1] = (int8_t)a;
        }
    }
    s->eff_for = db->instance;
    return SCREENER_OK;
}

int scan_message(const screener_db *db, screener_scratch *s, const uint8_t *text,
                 size_t len)
{
    s->n_raw = s->n_matches = s->n_allow = 0;
    s->raw_oom = 0;
    s->raw_truncated = 0;
    if (s->eff_for != db->instance && resolve_profile(db, s))
        return SCREENER_E_NOMEM;
    memset(&s->result, 0, sizeof s->result);
    memcpy(s->fingerprint, db->fingerprint_hex, sizeof s->fingerprint);
    if (s->fitted != db->instance && db->hs_regex) {
        hs_error_t he = hs_alloc_scratch(db->hs_regex, &s->hs_regex);
        if (he != HS_SUCCESS)
            return he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN;
    }
    if (s->fitted != db->instance && db->hs) {
        hs_error_t he = hs_alloc_scratch(db->hs, &s->hs);
        if (he != HS_SUCCESS)
            return he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN;
        s->fitted = db->instance;
    }
    int rc = fold_text(&db->fold, text, len, &s->fb);
    if (rc)
        return rc;
    if (s->fb.n && db->hs) {
        /* each candidate yields at most a few matches; allow for allow-list
         * and boundary rejections before giving up */
        size_t cap = s->max_matches > SIZE_MAX / 4 ? SIZE_MAX : s->max_matches * 4 + 64;
        scan_ctx c = {db, s, (const uint8_t *)s->fb.units, cap};
        hs_error_t he = hs_scan(db->hs, (const char *)s->fb.units,
                                (unsigned int)(s->fb.n * 2), 0, s->hs, on_match, &c);
        if (s->raw_oom)
            return SCREENER_E_NOMEM;
        if (he == HS_SCRATCH_IN_USE)
            return SCREENER_E_SCRATCH_IN_USE;
        if (he != HS_SUCCESS && !(he == HS_SCAN_TERMINATED && s->raw_truncated))
            return SCREENER_E_HYPERSCAN;
    }
    if (s->fb.n && db->n_detectors && !s->raw_truncated) {
        detect_ctx dc = {s, 0, 0};
        for (uint32_t k = 0; k < db->n_detectors && !dc.oom; k++) {
            dc.entry = db->detector_ids[k];
            int kind = db->entries[dc.entry].detector;
            if (!DETECT_ON_TEXT(kind))
                detect_run(kind, s->fb.units, s->fb.n, on_detect, &dc);
        }
        if (dc.oom)
            return SCREENER_E_NOMEM;
    }
    if (s->n_raw) {
        rc = resolve(db, s, text, len);
        if (rc)
            return rc;
    }
    if (db->n_text_detectors && len && (rc = run_text_detectors(db, s, text, len)))
        return rc;
    if (db->hs_regex && len && (rc = run_regexes(db, s, text, len)))
        return rc;
    if (s->n_matches) {
        if (s->n_allow)
            apply_allow(s);
        if (s->n_matches > 1) {
            qsort(s->matches, s->n_matches, sizeof(screener_match), cmp_match);
            /* an entry found through both of its folded forms at one span */
            size_t w = 1;
            for (size_t i = 1; i < s->n_matches; i++)
                if (cmp_match(&s->matches[i], &s->matches[w - 1]) != 0)
                    s->matches[w++] = s->matches[i];
            s->n_matches = w;
        }
    }
    int truncated = s->raw_truncated;
    if (s->n_matches > s->max_matches) {
        s->n_matches = s->max_matches;
        truncated = 1;
    }
    rc = scan_verdict(s);
    s->result.truncated = truncated;
    return rc;
}

SCREENER_API int screener_scan(const screener_db *db, screener_scratch *s, const char *text,
                               size_t len, const screener_result **result_out)
{
    if (result_out)
        *result_out = NULL;
    if (!db || !s || !result_out || (!text && len))
        return SCREENER_E_INVALID_ARGUMENT;
    if (len > FOLD_MAX_INPUT)
        return SCREENER_E_TOO_LARGE;
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    s->in_use = 1;
    int rc = scan_message(db, s, (const uint8_t *)(text ? text : ""), len);
    s->in_use = 0;
    if (rc == SCREENER_OK)
        *result_out = &s->result;
    return rc;
}

/* Copy the single-message result into the batch arrays (as offsets; the
 * pointers are fixed once the arrays stop moving). */
static int batch_append(screener_scratch *s, size_t i)
{
    const screener_result *r = &s->result;
    if (mem_grow((void **)&s->b_matches, &s->cap_b_matches, s->n_b_matches + r->n_matches + 1,
             sizeof(screener_match)) ||
        mem_grow((void **)&s->b_cats, &s->cap_b_cats, s->n_b_cats + r->n_categories + 1,
             sizeof(uint32_t)))
        return SCREENER_E_NOMEM;
    if (r->n_matches) /* r->matches may be NULL for a scratch that never matched */
        memcpy(s->b_matches + s->n_b_matches, r->matches, r->n_matches * sizeof(screener_match));
    if (r->n_categories)
        memcpy(s->b_cats + s->n_b_cats, r->categories, r->n_categories * sizeof(uint32_t));
    screener_result *o = &s->b_results[i];
    *o = *r;
    o->matches = (const screener_match *)(uintptr_t)s->n_b_matches; /* offset for now */
    o->categories = (const uint32_t *)(uintptr_t)s->n_b_cats;
    s->n_b_matches += r->n_matches;
    s->n_b_cats += r->n_categories;
    return SCREENER_OK;
}

SCREENER_API int screener_scan_batch(const screener_db *db, screener_scratch *s,
                                     const screener_message *msgs, size_t n,
                                     const screener_result **results_out)
{
    if (results_out)
        *results_out = NULL;
    if (!db || !s || !results_out || (!msgs && n))
        return SCREENER_E_INVALID_ARGUMENT;
    for (size_t i = 0; i < n; i++) {
        if (!msgs[i].text && msgs[i].len)
            return SCREENER_E_INVALID_ARGUMENT;
        if (msgs[i].len > FOLD_MAX_INPUT)
            return SCREENER_E_TOO_LARGE;
    }
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    s->in_use = 1;
    int rc = SCREENER_OK;
    s->n_b_matches = s->n_b_cats = 0;
    if (mem_grow((void **)&s->b_results, &s->cap_b_results, n ? n : 1, sizeof(screener_result)))
        rc = SCREENER_E_NOMEM;
    for (size_t i = 0; i < n && rc == SCREENER_OK; i++) {
        const char *t = msgs[i].text ? msgs[i].text : "";
        rc = scan_message(db, s, (const uint8_t *)t, msgs[i].len);
        if (rc == SCREENER_OK)
            rc = batch_append(s, i);
    }
    if (rc == SCREENER_OK) {
        for (size_t i = 0; i < n; i++) {
            screener_result *o = &s->b_results[i];
            o->matches = s->b_matches + (size_t)(uintptr_t)o->matches;
            o->categories = s->b_cats + (size_t)(uintptr_t)o->categories;
        }
        *results_out = s->b_results;
    }
    s->in_use = 0;
    return rc;
}

SCREENER_API int screener_fold_utf8(const screener_db *db, const char *text, size_t len,
                                    char **out, size_t *out_len)
{
    if (!db || !out || (!text && len))
        return SCREENER_E_INVALID_ARGUMENT;
    *out = NULL;
    fold_buf fb;
    memset(&fb, 0, sizeof fb);
    int rc = fold_text(&db->fold, (const uint8_t *)(text ? text : ""), len, &fb);
    if (rc) {
        fold_buf_free(&fb);
        return rc;
    }
    uint8_t *o = malloc(fb.n * 3 + 1);
    if (!o) {
        fold_buf_free(&fb);
        return SCREENER_E_NOMEM;
    }
    size_t w = 0;
    for (size_t i = 0; i < fb.n; i++) {
        uint32_t c = fb.units[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < fb.n && fb.units[i + 1] >= 0xDC00 &&
            fb.units[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (fb.units[i + 1] - 0xDC00);
            i++;
        }
        w += utf8_put(o + w, c);
    }
    o[w] = '\0';
    fold_buf_free(&fb);
    *out = (char *)o;
    if (out_len)
        *out_len = w;
    return SCREENER_OK;
}
