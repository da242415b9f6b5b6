/*
 * ac.h — a plain byte-level Aho-Corasick automaton (baseline (c)).
 *
 * No normalization at all: the terms' UTF-8 bytes are matched exactly.
 * Goto edges live in one open-addressing hash table keyed by (state, byte),
 * the root has a dense 256-entry table, failure links are followed at scan
 * time (no full DFA), and outputs are chained with dictionary-suffix links so
 * every (term, end) pair is reported, overlapping ones included.
 */
#ifndef BENCH_AC_H
#define BENCH_AC_H

#include <stddef.h>
#include <stdint.h>

typedef struct ac ac;

/* terms[i] of length lens[i] gets id i. Duplicate terms: the last id wins. */
ac *ac_build(const char *const *terms, const size_t *lens, size_t n);
void ac_free(ac *a);
size_t ac_memory(const ac *a);
size_t ac_states(const ac *a);

/* Calls cb(id, end, ctx) for every match (end = one past the last byte);
 * returns the number of matches. cb may be NULL (count only). */
typedef void (*ac_cb)(uint32_t id, size_t end, void *ctx);
size_t ac_scan(const ac *a, const char *text, size_t len, ac_cb cb, void *ctx);

#endif
