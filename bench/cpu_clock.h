/*
 * cpu_clock.h — the thread CPU clock and the median helper shared by the
 * bench tools that time one stage alone (fold_speed.c, leet_speed.c).
 */
#ifndef SCREENER_BENCH_CPU_CLOCK_H
#define SCREENER_BENCH_CPU_CLOCK_H

#include <time.h>

/* Seconds of this thread's CPU time (not the time others ran). */
static inline double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* qsort order of doubles. */
static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
