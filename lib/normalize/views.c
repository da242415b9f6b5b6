/*
 * views.c — the table of views (see views.h).
 */
#include "views.h"

#include <string.h>

static int build_folded(const fold_table *ft, const uint8_t *s, size_t len, views *v)
{
    return fold_text(ft, s, len, &v->folded);
}

static int build_bytes(const fold_table *ft, const uint8_t *s, size_t len, views *v)
{
    return byte_view_build(ft, s, len, &v->bytes);
}

static const struct {
    unsigned bit;
    const char *name;
    int (*build)(const fold_table *, const uint8_t *, size_t, views *);
} table[] = {
    {VIEW_FOLDED, "folded", build_folded},
    {VIEW_BYTES, "bytes", build_bytes},
};

int views_build(const fold_table *ft, unsigned which, const uint8_t *s, size_t len, views *v)
{
    v->built = 0;
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
        if (!(which & table[k].bit))
            continue;
        int rc = table[k].build(ft, s, len, v);
        if (rc)
            return rc;
        v->built |= table[k].bit;
    }
    return SCREENER_OK;
}

void views_free(views *v)
{
    fold_buf_free(&v->folded);
    byte_view_free(&v->bytes);
    v->built = 0;
}

size_t views_footprint(const views *v)
{
    const fold_buf *f = &v->folded;
    return f->cap * (sizeof(uint16_t) + 1) + f->cap_marks * sizeof(fold_mark) +
           byte_view_footprint(&v->bytes);
}

const char *view_name(unsigned bit)
{
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (table[k].bit == bit)
            return table[k].name;
    return NULL;
}
