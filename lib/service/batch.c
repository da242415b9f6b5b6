/*
 * batch.c — screener_scan_batch(): many messages, one call, results that
 * stay valid together until the next call on the scratch.
 */
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "db/db.h"
#include "scan/scan.h"

/* Copy the single-message result into the batch arrays (as offsets; the
 * pointers are fixed once the arrays stop moving). The arrays hold one
 * element at least (scan_all), so a result without matches grows nothing. */
static int batch_append(screener_scratch *s, size_t i)
{
    const screener_result *r = &s->result;
    if (r->n_matches &&
        (mem_grow((void **)&s->b_matches, &s->cap_b_matches, s->n_b_matches + r->n_matches + 1,
                  sizeof(screener_match)) ||
         mem_grow((void **)&s->b_cats, &s->cap_b_cats, s->n_b_cats + r->n_categories + 1,
                  sizeof(uint32_t))))
        return SCREENER_E_NOMEM;
    if (r->n_matches) /* r->matches may be NULL for a scratch that never matched */
        memcpy(s->b_matches + s->n_b_matches, r->matches, r->n_matches * sizeof(screener_match));
    if (r->n_categories) /* (a message with categories has matches) */
        memcpy(s->b_cats + s->n_b_cats, r->categories, r->n_categories * sizeof(uint32_t));
    screener_result *o = &s->b_results[i];
    *o = *r;
    o->matches = (const screener_match *)(uintptr_t)s->n_b_matches; /* offset for now */
    o->categories = (const uint32_t *)(uintptr_t)s->n_b_cats;
    s->n_b_matches += r->n_matches;
    s->n_b_cats += r->n_categories;
    return SCREENER_OK;
}

static int check_messages(const screener_message *msgs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!msgs[i].text && msgs[i].len)
            return SCREENER_E_INVALID_ARGUMENT;
        if (msgs[i].len > FOLD_MAX_INPUT)
            return SCREENER_E_TOO_LARGE;
    }
    return SCREENER_OK;
}

/* Eight maybe[] bytes (values 0..3, scan.h) at once: 0 if none of them is
 * BATCH_MARKED or BATCH_STRAIGHT (1 and 2: the two low bits differ). */
static inline uint64_t word_needs_scan(const uint8_t *maybe)
{
    uint64_t w;
    memcpy(&w, maybe, sizeof w);
    return (w ^ (w >> 1)) & 0x0101010101010101ull;
}

/* The messages the filter did not scan and did not pass: their own scans,
 * in order (a chat batch has a few in a thousand: eight bytes of maybe[]
 * are tested at once). */
static int scan_rest(const screener_db *db, screener_scratch *s, const screener_message *msgs,
                     size_t n, const uint8_t *maybe)
{
    for (size_t i = 0; i < n; i++) {
        if ((i & 7) == 0 && i + 8 <= n && !word_needs_scan(maybe + i)) {
            i += 7;
            continue;
        }
        if (maybe[i] != BATCH_MARKED && maybe[i] != BATCH_STRAIGHT)
            continue;
        const char *t = msgs[i].text ? msgs[i].text : "";
        int rc = scan_message(db, s, (const uint8_t *)t, msgs[i].len);
        if (rc == SCREENER_OK)
            rc = batch_append(s, i);
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

/* Every result in its final form, in one pass: a message that passed gets
 * the pass result (a fixed 112-byte copy, pointing at the arrays' start:
 * it has no match and no category), the others their offsets turned into
 * pointers (the arrays no longer move). */
static void finish_results(screener_scratch *s, size_t n, const uint8_t *maybe,
                           const screener_result *pass)
{
    screener_result *o = s->b_results;
    for (size_t i = 0; i < n; i++) {
        if (maybe[i] == BATCH_PASS) {
            o[i] = *pass;
        } else {
            o[i].matches = s->b_matches + (size_t)(uintptr_t)o[i].matches;
            o[i].categories = s->b_cats + (size_t)(uintptr_t)o[i].categories;
        }
    }
}

static int scan_all(const screener_db *db, screener_scratch *s, const screener_message *msgs,
                    size_t n)
{
    s->n_b_matches = s->n_b_cats = 0;
    if (mem_grow((void **)&s->b_results, &s->cap_b_results, n ? n : 1, sizeof(screener_result)) ||
        mem_grow((void **)&s->bf_maybe, &s->cap_bf_maybe, n ? n : 1, 1) ||
        mem_grow((void **)&s->b_matches, &s->cap_b_matches, 1, sizeof(screener_match)) ||
        mem_grow((void **)&s->b_cats, &s->cap_b_cats, 1, sizeof(uint32_t)))
        return SCREENER_E_NOMEM;
    /* one Hyperscan call finds the messages that may match; only those are
     * scanned one by one (the ones a per-message test marked already are,
     * by the filter) */
    int rc = scan_batch_filter(db, s, msgs, n, s->bf_maybe, batch_append);
    if (!rc)
        rc = scan_rest(db, s, msgs, n, s->bf_maybe);
    if (rc || !n)
        return rc;
    /* the pass result, made once (it depends on the scratch, not the text) */
    if ((rc = scan_pass(s)))
        return rc;
    screener_result pass = s->result;
    pass.matches = s->b_matches;
    pass.categories = s->b_cats;
    finish_results(s, n, s->bf_maybe, &pass);
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
    int rc = check_messages(msgs, n);
    if (rc)
        return rc;
    if (s->in_use)
        return SCREENER_E_SCRATCH_IN_USE;
    s->in_use = 1;
    rc = scan_all(db, s, msgs, n);
    if (rc == SCREENER_OK)
        *results_out = s->b_results;
    s->in_use = 0;
    return rc;
}
