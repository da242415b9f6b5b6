/* ac.c — see ac.h. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

typedef struct edge {
    uint64_t key; /* (state << 8 | byte) + 1; 0 = empty slot */
    uint32_t to;
} edge;

struct ac {
    uint32_t n_states, cap_states;
    uint32_t *fail;
    uint32_t *out;   /* term id ending here, or NONE */
    uint32_t *dlink; /* nearest proper suffix state with an output, or 0 (root has none) */
    edge *edges;
    size_t cap_edges, n_edges; /* cap_edges: power of two */
    uint32_t root[256];        /* dense root transitions (0 = back to root) */
};

static inline size_t slot_of(uint64_t key, size_t mask)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & mask;
}

static uint32_t get_edge(const ac *a, uint32_t s, unsigned char c)
{
    uint64_t key = (((uint64_t)s << 8) | c) + 1;
    size_t mask = a->cap_edges - 1, h = slot_of(key, mask);
    for (;;) {
        const edge *e = &a->edges[h];
        if (e->key == key)
            return e->to;
        if (e->key == 0)
            return NONE;
        h = (h + 1) & mask;
    }
}

static int put_edge(ac *a, uint32_t s, unsigned char c, uint32_t to)
{
    if ((a->n_edges + 1) * 2 > a->cap_edges) {
        size_t nc = a->cap_edges ? a->cap_edges * 2 : 1024;
        edge *ne = calloc(nc, sizeof *ne);
        if (!ne)
            return -1;
        for (size_t i = 0; i < a->cap_edges; i++) {
            if (!a->edges[i].key)
                continue;
            size_t h = slot_of(a->edges[i].key, nc - 1);
            while (ne[h].key)
                h = (h + 1) & (nc - 1);
            ne[h] = a->edges[i];
        }
        free(a->edges);
        a->edges = ne;
        a->cap_edges = nc;
    }
    uint64_t key = (((uint64_t)s << 8) | c) + 1;
    size_t mask = a->cap_edges - 1, h = slot_of(key, mask);
    while (a->edges[h].key)
        h = (h + 1) & mask;
    a->edges[h].key = key;
    a->edges[h].to = to;
    a->n_edges++;
    return 0;
}

static uint32_t new_state(ac *a)
{
    if (a->n_states == a->cap_states) {
        uint32_t nc = a->cap_states ? a->cap_states * 2 : 1024;
        a->fail = realloc(a->fail, nc * sizeof(uint32_t));
        a->out = realloc(a->out, nc * sizeof(uint32_t));
        a->dlink = realloc(a->dlink, nc * sizeof(uint32_t));
        if (!a->fail || !a->out || !a->dlink)
            abort();
        a->cap_states = nc;
    }
    uint32_t s = a->n_states++;
    a->fail[s] = 0;
    a->out[s] = NONE;
    a->dlink[s] = 0;
    return s;
}

ac *ac_build(const char *const *terms, const size_t *lens, size_t n)
{
    ac *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    new_state(a); /* root = 0 */
    a->cap_edges = 1024;
    a->edges = calloc(a->cap_edges, sizeof(edge));
    if (!a->edges)
        abort();
    for (size_t i = 0; i < n; i++) {
        uint32_t s = 0;
        for (size_t k = 0; k < lens[i]; k++) {
            unsigned char c = (unsigned char)terms[i][k];
            uint32_t t = s == 0 ? (a->root[c] ? a->root[c] : NONE) : get_edge(a, s, c);
            if (t == NONE) {
                t = new_state(a);
                if (s == 0)
                    a->root[c] = t;
                else if (put_edge(a, s, c, t))
                    abort();
            }
            s = t;
        }
        if (lens[i])
            a->out[s] = (uint32_t)i;
    }
    /* BFS over states for failure and dictionary links. Children of a state
     * are found by probing its 256 possible bytes in the edge table. */
    uint32_t *queue = malloc(a->n_states * sizeof(uint32_t));
    size_t qh = 0, qt = 0;
    for (int c = 0; c < 256; c++)
        if (a->root[c]) {
            a->fail[a->root[c]] = 0;
            queue[qt++] = a->root[c];
        }
    /* child lists: collect from the edge table once, bucketed by parent */
    uint32_t *cnt = calloc((size_t)a->n_states + 1, sizeof(uint32_t));
    for (size_t i = 0; i < a->cap_edges; i++)
        if (a->edges[i].key)
            cnt[((a->edges[i].key - 1) >> 8) + 1]++;
    for (uint32_t s = 0; s < a->n_states; s++)
        cnt[s + 1] += cnt[s];
    uint32_t *kids = malloc((a->n_edges + 1) * sizeof(uint32_t));
    unsigned char *kbyte = malloc(a->n_edges + 1);
    uint32_t *fillp = malloc(((size_t)a->n_states + 1) * sizeof(uint32_t));
    memcpy(fillp, cnt, ((size_t)a->n_states + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < a->cap_edges; i++)
        if (a->edges[i].key) {
            uint64_t k = a->edges[i].key - 1;
            uint32_t p = (uint32_t)(k >> 8);
            kids[fillp[p]] = a->edges[i].to;
            kbyte[fillp[p]++] = (unsigned char)(k & 0xFF);
        }
    free(fillp);
    while (qh < qt) {
        uint32_t u = queue[qh++];
        for (uint32_t j = cnt[u]; j < cnt[u + 1]; j++) {
            uint32_t v = kids[j];
            unsigned char c = kbyte[j];
            uint32_t f = a->fail[u], t;
            for (;;) {
                t = f == 0 ? (a->root[c] ? a->root[c] : NONE) : get_edge(a, f, c);
                if (t != NONE || f == 0)
                    break;
                f = a->fail[f];
            }
            a->fail[v] = t == NONE ? 0 : t;
            uint32_t fv = a->fail[v];
            a->dlink[v] = a->out[fv] != NONE ? fv : a->dlink[fv];
            queue[qt++] = v;
        }
    }
    free(queue);
    free(cnt);
    free(kids);
    free(kbyte);
    return a;
}

void ac_free(ac *a)
{
    if (!a)
        return;
    free(a->fail);
    free(a->out);
    free(a->dlink);
    free(a->edges);
    free(a);
}

size_t ac_memory(const ac *a)
{
    return sizeof *a + (size_t)a->cap_states * 3 * sizeof(uint32_t) + a->cap_edges * sizeof(edge);
}

size_t ac_states(const ac *a) { return a->n_states; }

size_t ac_scan(const ac *a, const char *text, size_t len, ac_cb cb, void *ctx)
{
    size_t n = 0;
    uint32_t s = 0;
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        for (;;) {
            if (s == 0) {
                s = a->root[c];
                break;
            }
            uint32_t t = get_edge(a, s, c);
            if (t != NONE) {
                s = t;
                break;
            }
            s = a->fail[s];
        }
        uint32_t o = a->out[s] != NONE ? s : a->dlink[s];
        while (o) {
            n++;
            if (cb)
                cb(a->out[o], i + 1, ctx);
            o = a->dlink[o];
        }
    }
    return n;
}
