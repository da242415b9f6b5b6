/*
 * m_detect.c — detector rows: digit detectors on the numerals view (the
 * folded view with Chinese numerals read as digits; spans map back through
 * the folded view, unit for unit) and, where it differs, on the folded view
 * too (numerals.h: both readings of a numeral next to a number), e-mail
 * and link detectors on the byte view. Each row runs once per detector
 * entry of its kind (an entry names the detector and its category).
 */
#include "collect.h"
#include "common/buf.h"
#include "db/db.h"
#include "detect.h"
#include "matcher.h"

typedef struct det_ctx {
    const scan_ctx *c;
    uint32_t entry;
    int rc;
} det_ctx;

static void on_digits(void *ctx, size_t start, size_t end)
{
    det_ctx *d = ctx;
    if (!d->rc)
        d->rc = collect_folded_span(d->c, &d->entry, 1, start, end, 1);
}

static void on_text(void *ctx, size_t b0, size_t last)
{
    det_ctx *d = ctx;
    if (!d->rc)
        d->rc = collect_entry(d->c->db, d->c->s, d->entry, b0,
                              view_char_end(d->c->text, d->c->len, last));
}

/* Run fn for each detector entry of m's kind. */
static int each_entry(const scan_ctx *c, const matcher *m,
                      void (*fn)(const scan_ctx *, const matcher *, det_ctx *))
{
    const screener_db *db = c->db;
    for (uint32_t k = 0; k < db->n_detectors; k++) {
        det_ctx d = {c, db->detector_ids[k], 0};
        if (db->entries[d.entry].detector != m->detector)
            continue;
        fn(c, m, &d);
        if (d.rc == COLLECT_FULL)
            return SCREENER_OK;
        if (d.rc)
            return d.rc;
    }
    return SCREENER_OK;
}

static void digits_once(const scan_ctx *c, const matcher *m, det_ctx *d)
{
    const numeral_view *nv = &c->s->v.numerals;
    const fold_buf *fb = &c->s->v.folded;
    detect_run(m->detector, numerals_units(nv, fb), nv->n, on_digits, d);
    /* the digits alone too, where numerals were read: 周一13800138000
     * (repeats of the same span are dropped by collect) */
    if (nv->changed && !d->rc)
        detect_run(m->detector, fb->units, fb->n, on_digits, d);
}

/* The longest digit run the digit detectors can see in this text (either
 * reading), computed once per scan: most texts have none long enough for
 * any detector, and then no row walks them. */
static size_t digits_longest(const scan_ctx *c)
{
    screener_scratch *s = c->s;
    if (s->digits_longest < 0) {
        const numeral_view *nv = &s->v.numerals;
        const fold_buf *fb = &s->v.folded;
        size_t a = detect_longest_digits(numerals_units(nv, fb), nv->n);
        size_t b = nv->changed ? detect_longest_digits(fb->units, fb->n) : 0;
        s->digits_longest = (long)(a > b ? a : b);
    }
    return (size_t)s->digits_longest;
}

int run_digit_detector(const scan_ctx *c, const matcher *m)
{
    if (digits_longest(c) < detect_min_digits(m->detector))
        return SCREENER_OK;
    return each_entry(c, m, digits_once);
}

/* The text detectors' reading of the byte view, built once per scan: one
 * element per ASCII view byte, one LIGHT_OTHER element per run of bytes of
 * non-ASCII characters (the detectors never tell one such element from
 * several, and none is ever a match's first or last element), and a
 * separator element (0) where a visible separator was dropped. Built only
 * when a detector can match (detect_text_possible). Cost: O(view length). */
static int read_light(const scan_ctx *c, size_t *m_out)
{
    screener_scratch *s = c->s;
    const byte_view *bv = &s->v.bytes;
    if (s->light_ready) {
        *m_out = s->n_light;
        return SCREENER_OK;
    }
    if (mem_grow((void **)&s->light, &s->cap_light, 2 * bv->n + 1, sizeof(light_char)))
        return SCREENER_E_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < bv->n; i++) {
        uint32_t b0 = bv->from[i];
        if (bv->flags[i] & BV_GAP)
            s->light[m++] = (light_char){0, b0};
        uint8_t ch = bv->text[i];
        if (ch >= 0x80 && m && s->light[m - 1].c == LIGHT_OTHER)
            continue; /* one element for the whole run */
        s->light[m++] = (light_char){ch < 0x80 ? ch : LIGHT_OTHER, b0};
    }
    s->n_light = m;
    s->light_ready = 1;
    *m_out = m;
    return SCREENER_OK;
}

static void text_once(const scan_ctx *c, const matcher *m, det_ctx *d)
{
    size_t n = 0;
    d->rc = read_light(c, &n);
    if (!d->rc)
        detect_text(m->detector, c->s->light, n, on_text, d);
}

int run_text_detector(const scan_ctx *c, const matcher *m)
{
    /* the row's prefilter, once for all its entries */
    const byte_view *bv = &c->s->v.bytes;
    if (!detect_text_possible(m->detector, bv->text, bv->n))
        return SCREENER_OK;
    return each_entry(c, m, text_once);
}

/* ---- batches (batch_filter.c): the rows' own first tests, per message ------ */

/* A digit detector matches only a run at least its shortest match long. */
static int digits_may(const scan_ctx *c, const matcher *m)
{
    return digits_longest(c) >= detect_min_digits(m->detector);
}

/* A text detector matches only where detect_text_possible says it can. */
static int text_may(const scan_ctx *c, const matcher *m)
{
    const byte_view *bv = &c->s->v.bytes;
    return detect_text_possible(m->detector, bv->text, bv->n);
}

const batch_prefilter batch_digits = {VIEW_NUMERALS, digits_may, NULL};
const batch_prefilter batch_text = {VIEW_BYTES, text_may, NULL};
