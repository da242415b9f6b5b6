/*
 * scratch.c — allocating, cloning and re-fitting scratches.
 */
#include "scratch.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"

SCREENER_API int screener_scratch_alloc(const screener_db *db, screener_scratch **out)
{
    if (!db || !out)
        return SCREENER_E_INVALID_ARGUMENT;
    *out = NULL;
    screener_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return SCREENER_E_NOMEM;
    hs_error_t he = hs_alloc_scratch(db->hs, &s->hs);
    if (he != HS_SUCCESS) {
        free(s);
        return he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN;
    }
    s->fitted = db->instance;
    *out = s;
    return SCREENER_OK;
}

SCREENER_API int screener_scratch_clone(const screener_scratch *src, screener_scratch **out)
{
    if (!src || !out)
        return SCREENER_E_INVALID_ARGUMENT;
    *out = NULL;
    screener_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return SCREENER_E_NOMEM;
    hs_error_t he = hs_clone_scratch(src->hs, &s->hs);
    if (he != HS_SUCCESS) {
        free(s);
        return he == HS_NOMEM ? SCREENER_E_NOMEM : SCREENER_E_HYPERSCAN;
    }
    s->fitted = src->fitted;
    *out = s;
    return SCREENER_OK;
}

SCREENER_API void screener_scratch_free(screener_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    fold_buf_free(&s->fb);
    free(s->raw);
    free(s->matches);
    free(s->allow);
    free(s->cats);
    free(s->b_results);
    free(s->b_matches);
    free(s->b_cats);
    free(s);
}
