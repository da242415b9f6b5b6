/*
 * env.h — the library's environment switches (docs/security.md lists every
 * variable): SCREENER_NARROW=off, SCREENER_FOLD_CACHE=off,
 * SCREENER_PDEP=slow, SCREENER_GATHER=slow and the like, for benchmarks
 * and tests. Each is read where its stage decides; this is the one test.
 */
#ifndef SCREENER_COMMON_ENV_H
#define SCREENER_COMMON_ENV_H

#include <stdlib.h>
#include <string.h>

/* 1 if the environment variable `name` is set to exactly `value`. */
static inline int env_is(const char *name, const char *value)
{
    const char *e = getenv(name);
    return e && !strcmp(e, value);
}

#endif
