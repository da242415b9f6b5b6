/*
 * collect.c — match collection shared by every matcher (see collect.h).
 */
#include "collect.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "db/db.h"
#include "common/alloc.h"

void collect_clear_dedup(screener_scratch *s)
{
    memset(s->dedup, 0, s->cap_dedup * sizeof(uint32_t));
    s->n_dedup = 0;
}

size_t collect_cap(const screener_scratch *s)
{
    return s->max_matches > (SIZE_MAX - 64) / 4 ? SIZE_MAX : s->max_matches * 4 + 64;
}

/* ---- (entry, start) -> match index, open addressing ------------------------- */

static size_t slot_of(uint32_t id, size_t start, size_t cap)
{
    uint64_t h = ((uint64_t)id * 0x9E3779B97F4A7C15u) ^ ((uint64_t)start * 0xC2B2AE3D27D4EB4Fu);
    h ^= h >> 29;
    return (size_t)(h & (cap - 1));
}

/* Index of the match of (id, start), or SIZE_MAX; *slot gets the slot where
 * it is or would go. */
static size_t dedup_find(const screener_scratch *s, uint32_t id, size_t start, size_t *slot)
{
    size_t k = slot_of(id, start, s->cap_dedup);
    while (s->dedup[k]) {
        const screener_match *m = &s->matches[s->dedup[k] - 1];
        if (m->entry_id == id && m->start == start) {
            *slot = k;
            return s->dedup[k] - 1;
        }
        k = (k + 1) & (s->cap_dedup - 1);
    }
    *slot = k;
    return SIZE_MAX;
}

/* Keep the table at most half full; rebuild it from the matches it names. */
static int dedup_grow(screener_scratch *s)
{
    if ((s->n_dedup + 1) * 2 <= s->cap_dedup)
        return 0;
    size_t cap = s->cap_dedup ? s->cap_dedup * 2 : 1024;
    uint32_t *old = s->dedup;
    size_t old_cap = s->cap_dedup;
    uint32_t *t = mem_calloc(cap, sizeof(uint32_t));
    if (!t)
        return SCREENER_E_NOMEM;
    s->dedup = t;
    s->cap_dedup = cap;
    for (size_t k = 0; k < old_cap; k++) {
        if (!old[k])
            continue;
        const screener_match *m = &s->matches[old[k] - 1];
        size_t slot;
        dedup_find(s, m->entry_id, m->start, &slot);
        t[slot] = old[k];
    }
    mem_free(old);
    return 0;
}

/* ---- adding matches --------------------------------------------------------- */

static int profile_action(const screener_db *db, const screener_scratch *s, const db_entry *e)
{
    int action = s->eff ? s->eff[e->category * 4 + e->severity - 1]
                        : db->cats[e->category].actions[e->severity - 1];
    return action < 0 || e->severity < s->min_severity ? -1 : action;
}

int collect_deny(const screener_db *db, screener_scratch *s, uint32_t id, size_t start,
                 size_t end, int keep_longest)
{
    const db_entry *e = &db->entries[id];
    int action = profile_action(db, s, e);
    if (action < 0)
        return 0; /* dropped by the profile */
    size_t slot = 0;
    if (keep_longest) {
        if (dedup_grow(s))
            return SCREENER_E_NOMEM;
        size_t at = dedup_find(s, id, start, &slot);
        if (at != SIZE_MAX) {
            if (end > s->matches[at].end)
                s->matches[at].end = end;
            return 0;
        }
    }
    if (s->n_matches >= collect_cap(s)) {
        s->truncated = 1;
        return COLLECT_FULL;
    }
    if (mem_grow((void **)&s->matches, &s->cap_matches, s->n_matches + 1, sizeof(screener_match)))
        return SCREENER_E_NOMEM;
    screener_match *o = &s->matches[s->n_matches++];
    o->start = start;
    o->end = end;
    o->entry_id = id;
    o->category_id = e->category;
    o->severity = e->severity;
    o->action = (uint8_t)action;
    o->flags = 0;
    if (keep_longest) {
        s->dedup[slot] = (uint32_t)s->n_matches;
        s->n_dedup++;
    }
    return 0;
}

static int add_allow(screener_scratch *s, size_t start, size_t end, uint32_t only)
{
    if (mem_grow((void **)&s->allow, &s->cap_allow, s->n_allow + 1, sizeof(span)))
        return SCREENER_E_NOMEM;
    s->allow[s->n_allow].start = start;
    s->allow[s->n_allow].end = end;
    s->allow[s->n_allow].only = only;
    s->n_allow++;
    s->allow_ready = 0;
    return 0;
}

int collect_part(screener_scratch *s, uint32_t id, size_t start, size_t end, size_t ustart,
                 size_t uend)
{
    if (s->n_parts >= collect_cap(s)) {
        s->truncated = 1;
        return COLLECT_FULL;
    }
    if (mem_grow((void **)&s->parts, &s->cap_parts, s->n_parts + 1, sizeof(rule_part)))
        return SCREENER_E_NOMEM;
    rule_part *p = &s->parts[s->n_parts++];
    p->start = start;
    p->end = end;
    p->entry = id;
    p->ustart = (uint32_t)ustart;
    p->uend = (uint32_t)uend;
    p->suppressed = 0;
    return 0;
}

int collect_allow(screener_scratch *s, size_t start, size_t end)
{
    return add_allow(s, start, end, SPAN_ANY);
}

int collect_entry(const screener_db *db, screener_scratch *s, uint32_t id, size_t start,
                  size_t end)
{
    if ((db->entries[id].options & DB_OPT_PART) ||
        (s->parts_only && !(db->entries[id].flags & SCREENER_ENTRY_ALLOW)))
        return 0; /* rule parts come through collect_part (m_literals.c) */
    /* a host word (compile/host_words.c) suppresses only its own term */
    if (db->entries[id].flags & SCREENER_ENTRY_ALLOW)
        return add_allow(s, start, end,
                         (db->entries[id].options & DB_OPT_HOST)
                             ? db_entry_parent(db, id)
                             : SPAN_ANY);
    return collect_deny(db, s, id, start, end, 0);
}

/* ---- finishing -------------------------------------------------------------- */

int collect_cmp(const screener_match *x, const screener_match *y)
{
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->entry_id < y->entry_id ? -1 : x->entry_id > y->entry_id;
}

static int cmp_match(const void *a, const void *b)
{
    return collect_cmp(a, b);
}

/* Allow spans: those for every entry first, then per entry; by start. */
static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->only != y->only)
        return x->only == SPAN_ANY ? -1 : y->only == SPAN_ANY ? 1 : x->only < y->only ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* 1 if the spans al[0..k) (one group, sorted by start, ends made running
 * maxima) cover [a, b): the largest end among spans starting at or before
 * a reaches b. O(log k). */
static int covered(const span *al, size_t k, size_t a, size_t b)
{
    size_t lo = 0, hi = k; /* first span starting after a */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (al[mid].start <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && al[lo - 1].end >= b;
}

/* Sort the allow spans by (group, start) and make the ends running maxima
 * per group (once per change of the spans). Spans for every entry come
 * first; s->allow_any of them. */
static void allow_prepare(screener_scratch *s)
{
    if (s->allow_ready)
        return;
    span *al = s->allow;
    size_t k = s->n_allow;
    qsort(al, k, sizeof *al, cmp_span);
    for (size_t i = 1; i < k; i++)
        if (al[i].only == al[i - 1].only && al[i].end < al[i - 1].end)
            al[i].end = al[i - 1].end; /* now: max end so far in the group */
    s->allow_ready = 1;
}

/* Allow-list: a deny match lying inside an allow match is suppressed; a
 * host-word allow match suppresses only matches of its own term. One binary
 * search per match and group it belongs to: O((m + k) log k). */
int collect_allowed(screener_scratch *s, uint32_t id, size_t start, size_t end)
{
    if (!s->n_allow)
        return 0;
    allow_prepare(s);
    const span *al = s->allow;
    size_t k = s->n_allow, n_any = 0;
    { /* spans for every entry sort first */
        size_t lo = 0, hi = k;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (al[mid].only == SPAN_ANY)
                lo = mid + 1;
            else
                hi = mid;
        }
        n_any = lo;
    }
    if (covered(al, n_any, start, end))
        return 1;
    if (n_any == k)
        return 0;
    size_t lo = n_any, hi = k; /* the group of entry id */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (al[mid].only < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t g = lo;
    while (hi < k && al[hi].only == id)
        hi++;
    return covered(al + g, hi - g, start, end);
}

static void apply_allow(screener_scratch *s)
{
    for (size_t i = 0; i < s->n_matches; i++) {
        screener_match *m = &s->matches[i];
        if (collect_allowed(s, m->entry_id, m->start, m->end))
            m->flags |= SCREENER_MATCH_SUPPRESSED;
    }
}

/* Up to SMALL_SORT elements are sorted by insertion (stable, as glibc's
 * qsort is for arrays this small: equal matches keep their order): most
 * texts with matches have a few, and qsort's setup cost more than the sort. */
#define SMALL_SORT 16

void collect_sort(screener_match *m, size_t n)
{
    size_t i = 1;
    while (i < n && collect_cmp(&m[i - 1], &m[i]) <= 0)
        i++;
    if (i < n && n <= SMALL_SORT) {
        for (; i < n; i++) {
            screener_match x = m[i];
            size_t j = i;
            for (; j > 0 && collect_cmp(&m[j - 1], &x) > 0; j--)
                m[j] = m[j - 1];
            m[j] = x;
        }
    } else if (i < n) {
        qsort(m, n, sizeof *m, cmp_match);
    }
}

void collect_finish(screener_scratch *s)
{
    if (s->n_matches && s->n_allow)
        apply_allow(s);
    if (s->n_matches > 1) {
        collect_sort(s->matches, s->n_matches);
        /* an entry found through both of its folded forms at one span */
        size_t w = 1;
        for (size_t i = 1; i < s->n_matches; i++)
            if (cmp_match(&s->matches[i], &s->matches[w - 1]) != 0)
                s->matches[w++] = s->matches[i];
        s->n_matches = w;
    }
    if (s->n_matches > s->max_matches) {
        s->n_matches = s->max_matches;
        s->truncated = 1;
    }
}

/* ---- verdict ---------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
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
    screener_result *r = &s->result;
    r->matches = s->matches;
    r->n_matches = s->n_matches;
    r->action = SCREENER_ACTION_PASS;
    r->severity = 0;
    r->fingerprint = s->fingerprint;
    r->truncated = s->truncated;
    r->categories = s->cats; /* (never NULL: scan_prepare) */
    r->n_categories = 0;
    if (!s->n_matches)
        return SCREENER_OK;
    select_leftmost_longest(s);
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
    if (nc > 1 && nc <= SMALL_SORT) {
        for (size_t i = 1; i < nc; i++) {
            uint32_t x = s->cats[i];
            size_t j = i;
            for (; j > 0 && s->cats[j - 1] > x; j--)
                s->cats[j] = s->cats[j - 1];
            s->cats[j] = x;
        }
    } else if (nc > 1) {
        qsort(s->cats, nc, sizeof(uint32_t), cmp_u32);
    }
    size_t w = 0;
    for (size_t i = 0; i < nc; i++)
        if (w == 0 || s->cats[w - 1] != s->cats[i])
            s->cats[w++] = s->cats[i];
    r->categories = s->cats;
    r->n_categories = w;
    return SCREENER_OK;
}
