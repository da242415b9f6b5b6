/*
 * views.c — the table of views (see views.h).
 */
#include "views.h"

#include <string.h>

static size_t budget(const views *v)
{
    return v->unit_budget ? v->unit_budget : VIEW_UNIT_BUDGET;
}

static int build_folded(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                        size_t *consumed)
{
    int rc = fold_text_upto(ft, s, len, budget(v), &v->folded);
    *consumed = v->folded.consumed;
    return rc;
}

static int build_bytes(const fold_table *ft, const uint8_t *s, size_t len, views *v,
                       size_t *consumed)
{
    /* a character's UTF-8 never has more bytes than 3 per folded unit, plus
     * one for a kept punctuation character: after the folded view, this
     * budget never stops the byte view early */
    size_t u = budget(v);
    int rc = byte_view_build(ft, s, len, u > SIZE_MAX / 4 ? SIZE_MAX : 3 * u + len, &v->bytes);
    *consumed = v->bytes.consumed;
    return rc;
}

static const struct {
    unsigned bit;
    int (*build)(const fold_table *, const uint8_t *, size_t, views *, size_t *);
} table[] = {
    {VIEW_FOLDED, build_folded},
    {VIEW_BYTES, build_bytes},
};

int views_build(const fold_table *ft, unsigned which, const uint8_t *s, size_t len, views *v)
{
    v->consumed = len;
    for (size_t k = 0; which && k < sizeof table / sizeof table[0]; k++) {
        if (!(which & table[k].bit))
            continue;
        which &= ~table[k].bit;
        /* every view covers what the first one built covered */
        int rc = table[k].build(ft, s, v->consumed, v, &v->consumed);
        if (rc)
            return rc;
    }
    return SCREENER_OK;
}

void views_free(views *v)
{
    fold_buf_free(&v->folded);
    byte_view_free(&v->bytes);
}

size_t views_footprint(const views *v)
{
    const fold_buf *f = &v->folded;
    return f->cap * (sizeof(uint16_t) + 1) + f->cap_marks * sizeof(fold_mark) +
           byte_view_footprint(&v->bytes);
}
