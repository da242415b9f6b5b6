/* test_rng.h — the xorshift64 generator the randomized scan tests use
 * (deterministic: each test seeds its own state). */
#ifndef SCREENER_TESTS_RNG_H
#define SCREENER_TESTS_RNG_H

#include <stdint.h>

/* A number in [0, n) from *state (n > 0). */
static inline unsigned test_rnd(uint64_t *state, unsigned n)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return (unsigned)(*state % n);
}

#endif
