/* check.h — assertions of the plain test programs in tests/stress (no test
 * framework, so they also run under ThreadSanitizer and with their own
 * allocator). Define CHECK_PROGRAM (the program's name) before including. */
#ifndef SCREENER_TESTS_CHECK_H
#define SCREENER_TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, CHECK_PROGRAM ": %s:%d: ", __FILE__, __LINE__);     \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            exit(1);                                                           \
        }                                                                      \
    } while (0)
#define OK(expr) CHECK((expr) == SCREENER_OK, "%s failed", #expr)

#endif
