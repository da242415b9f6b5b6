/*
 * test_window.c — the rounds of a long message (scan.c scan_message,
 * window.c): how long they are, and that their lengths change nothing.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"
#include "screener.h"

#define SEL SCREENER_MATCH_SELECTED /* the verdict's, which scan_text does not make */

/* Rounds start at WINDOW_ROUND bytes, double after a round whose text had a
 * leet reading and start again after one without. */
Test(window, round_lengths)
{
    screener_scratch s;
    memset(&s, 0, sizeof s);
    cr_assert_eq(window_next_round(&s, WINDOW_ROUND), WINDOW_ROUND);
    cr_assert_eq(window_next_round(&s, SCAN_WINDOW), WINDOW_ROUND);
    s.v.leet.active = 1; /* (a reading left from an earlier text counts for nothing) */
    cr_assert_eq(window_next_round(&s, WINDOW_ROUND), WINDOW_ROUND);
    s.v.built = VIEW_FOLDED | VIEW_LEET;
    cr_assert_eq(window_next_round(&s, WINDOW_ROUND), 2 * WINDOW_ROUND);
    cr_assert_eq(window_next_round(&s, SCAN_WINDOW / 2), SCAN_WINDOW);
    cr_assert_eq(window_next_round(&s, SCAN_WINDOW), SCAN_WINDOW);
}

/* A long message of Chinese stretches without any leet reading and English
 * stretches full of them (so its rounds both grow and start again), with
 * terms everywhere: screener_scan (rounds) must equal one scan_text over the
 * whole text with an unbounded view. */
Test(window, rounds_with_and_without_readings_equal_one_view, .timeout = 120)
{
    static const char dict[] = "@category c\nfuck\nshit\nass\tword\n傻逼\n法轮功\tseverity=4\n";
    screener_source src = {.name = "w.txt", .text = dict, .len = sizeof dict - 1};
    screener_db *db = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, NULL), SCREENER_OK);
    static const char *zh[] = {"今天天气很好", "我们去吃饭吧", "傻逼", "法 轮 功", "，", "。"};
    static const char *en[] = {"sh1t ", "f u c k ", "a$$ ", "hello ", "class ", "fuuuck ",
                               "sh!t ", "@someone ", "phuck "};
    size_t cap = 6 * SCAN_WINDOW, len = 0;
    char *text = malloc(cap);
    unsigned seed = 11;
    while (len + 4096 < cap) {
        seed = seed * 1103515245u + 12345u;
        /* stretches of 2 to 80 KB of one kind */
        size_t stretch = 2048 + (seed >> 8) % (78u << 10), end = len + stretch;
        int english = (seed >> 4) % 3 == 0;
        while (len + 64 < cap && len < end) {
            seed = seed * 1103515245u + 12345u;
            const char *p = english ? en[(seed >> 16) % (sizeof en / sizeof en[0])]
                                    : zh[(seed >> 16) % (sizeof zh / sizeof zh[0])];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
    }
    screener_scratch *a = NULL, *b = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &a), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &b), SCREENER_OK);
    const screener_result *r = NULL;
    cr_assert_eq(screener_scan(db, a, text, len, &r), SCREENER_OK);
    b->in_use = 1;
    b->v.unit_budget = SIZE_MAX;
    cr_assert_eq(scan_prepare(db, b), SCREENER_OK);
    cr_assert_eq(scan_text(db, b, (const uint8_t *)text, len, 0, 1), SCREENER_OK);
    b->in_use = 0;
    size_t leet = 0;
    cr_assert_gt(r->n_matches, 1000);
    cr_assert_eq(r->n_matches, b->n_matches);
    for (size_t i = 0; i < r->n_matches; i++) {
        const screener_match *x = &r->matches[i], *y = &b->matches[i];
        cr_assert(x->start == y->start && x->end == y->end && x->entry_id == y->entry_id &&
                      (x->flags & ~SEL) == y->flags,
                  "match %zu: [%zu,%zu)#%u/%u vs [%zu,%zu)#%u/%u", i, x->start, x->end,
                  x->entry_id, x->flags, y->start, y->end, y->entry_id, y->flags);
        leet += (x->flags & SCREENER_MATCH_LEET) != 0;
    }
    cr_assert_gt(leet, 100);
    screener_scratch_free(a);
    screener_scratch_free(b);
    screener_db_free(db);
    free(text);
}
