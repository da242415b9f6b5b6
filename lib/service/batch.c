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

/* The result of message i when the prefilter found nothing it may hold: the
 * pass result (made by scan_pass at the batch's first such message, *pass
 * its index: the same for all of them), without matches or categories. */
static int batch_append_pass(screener_scratch *s, size_t i, size_t *pass)
{
    screener_result *o = &s->b_results[i];
    if (*pass == SIZE_MAX) {
        int rc = scan_pass(s);
        if (rc)
            return rc;
        *o = s->result;
        *pass = i;
    } else {
        /* (copied from the array: one block move, not the result's fields
         * one by one from a local copy) */
        memcpy(o, &s->b_results[*pass], sizeof *o);
    }
    o->matches = (const screener_match *)(uintptr_t)s->n_b_matches;
    o->categories = (const uint32_t *)(uintptr_t)s->n_b_cats;
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
     * scanned one by one */
    int rc = scan_batch_filter(db, s, msgs, n, s->bf_maybe, batch_append);
    if (rc)
        return rc;
    size_t pass = SIZE_MAX; /* index of the first pass result */
    for (size_t i = 0; i < n; i++) {
        if (s->bf_maybe[i] == BATCH_SCANNED)
            continue; /* (scanned and appended by the filter) */
        if (!s->bf_maybe[i]) {
            if ((rc = batch_append_pass(s, i, &pass)))
                return rc;
            continue;
        }
        const char *t = msgs[i].text ? msgs[i].text : "";
        rc = scan_message(db, s, (const uint8_t *)t, msgs[i].len);
        if (rc == SCREENER_OK)
            rc = batch_append(s, i);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        screener_result *o = &s->b_results[i];
        o->matches = s->b_matches + (size_t)(uintptr_t)o->matches;
        o->categories = s->b_cats + (size_t)(uintptr_t)o->categories;
    }
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
