/* Regions (scan/regions.c): matches inside @mentions and platform link
 * wrappers are flagged, suppressed when the profile excludes their kind,
 * and counted when they only overlap one; the same in scans, batches, masks,
 * streams and long messages. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "scan/regions.h"
#include "scan/scan.h"
#include "screener.h"

static screener_db *db;
static screener_scratch *scratch;

static const char dict_text[] = "fuck\nshit\nass\n傻逼\nrt fuck\tsubstring\nfuck you\n"
                                "@detect url\n@detect email\n";

static void setup(void)
{
    screener_source src = {.name = "r.txt", .text = dict_text, .len = sizeof dict_text - 1};
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, NULL), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(db, &scratch), SCREENER_OK);
}

static void teardown(void)
{
    screener_scratch_free(scratch);
    screener_db_free(db);
}

TestSuite(regions, .init = setup, .fini = teardown);

static void set_exclude(uint32_t bits)
{
    screener_profile p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    p.exclude_regions = bits;
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_OK);
}

static const screener_result *scan(const char *text)
{
    const screener_result *r = NULL;
    cr_assert_eq(screener_scan(db, scratch, text, strlen(text), &r), SCREENER_OK, "%s", text);
    return r;
}

/* The match of term at [start, end): its flags, or -1 if there is none. */
static int flags_of(const screener_result *r, const char *term, size_t start, size_t end)
{
    for (size_t i = 0; i < r->n_matches; i++) {
        screener_entry_info info;
        screener_db_entry(db, r->matches[i].entry_id, &info);
        if (r->matches[i].start == start && r->matches[i].end == end &&
            strcmp(info.term, term) == 0)
            return r->matches[i].flags;
    }
    return -1;
}

#define IN_M SCREENER_MATCH_IN_MENTION
#define IN_L SCREENER_MATCH_IN_LINK_WRAPPER
#define SUP SCREENER_MATCH_SUPPRESSED

/* One case: text, a term expected at [start, end) and the region flags it
 * must carry (0: none, it counts). */
typedef struct reg_case {
    const char *text;
    const char *term;
    size_t start, end;
    int region;
} reg_case;

static const reg_case cases[] = {
    /* a handle containing a term */
    {"@fuck_boy99 hi", "fuck", 1, 5, IN_M},
    {"hi @shit", "shit", 4, 8, IN_M},
    {"(@fuck)", "fuck", 2, 6, IN_M},
    {"RT @fuck: nice", "fuck", 4, 8, IN_M},
    /* the RT prefix belongs to the mention: a term across it is inside */
    {"RT @fuck: nice", "rt fuck", 0, 8, IN_M},
    {"RT   @fuck", "rt fuck", 0, 10, IN_M},
    /* a retweet without the space: `RT@user` */
    {"RT@fuck: nice", "fuck", 3, 7, IN_M},
    {"ok RT@shit", "shit", 6, 10, IN_M},
    /* ... but not any word ending in RT */
    {"ART@fuck", "fuck", 4, 8, 0},
    {"xRT@fuck", "fuck", 4, 8, 0},
    /* full-width ＠ (EF BC A0) */
    {"\xEF\xBC\xA0" "fuck hi", "fuck", 3, 7, IN_M},
    /* Weibo: a reply after Han text, a Han handle ending at punctuation */
    {"回复@傻逼：你好", "傻逼", 7, 13, IN_M},
    {"//@傻逼:转发", "傻逼", 3, 9, IN_M},
    /* e-mail addresses and '@' inside words are not mentions */
    {"mail bob@fuck.com", "fuck", 9, 13, 0},
    {"a@fuck", "fuck", 2, 6, 0},
    {"ｂ\xEF\xBC\xA0" "fuck", "fuck", 6, 10, 0},
    {"@@fuck", "fuck", 2, 6, 0},
    {"@bob@fuck.com", "fuck", 5, 9, 0},
    {"@ fuck", "fuck", 2, 6, 0},
    /* a handle of 30 characters is one; 31 is not */
    {"@fuck_aaaaaaaaaaaaaaaaaaaaaaaaa x", "fuck", 1, 5, IN_M},
    {"@fuck_aaaaaaaaaaaaaaaaaaaaaaaaaa x", "fuck", 1, 5, 0},
    /* marks stacked on a handle's letters: 30 characters, but not 123 bytes */
    {"@a\xCC\x81\xCC\x81\xCC\x81_fuck x", "fuck", 9, 13, IN_M},
    {"@a\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81"
     "\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81"
     "\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81"
     "\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81"
     "\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81"
     "\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81"
     "_fuck x", "fuck", 123, 127, 0},
    /* a match that only overlaps a mention is the poster's text */
    {"@fuck you", "fuck you", 1, 9, 0},
    {"@bob fuck", "fuck", 5, 9, 0},
    /* link wrappers: scheme or bare with a path, any case, subdomains */
    {"see http://t.co/fuck", "fuck", 16, 20, IN_L},
    {"see http://t.co/fuck", "url", 4, 20, IN_L},
    {"see https://T.CO/ass", "ass", 17, 20, IN_L},
    {"t.co/shit", "shit", 5, 9, IN_L},
    {"t.co/shit", "url", 0, 9, IN_L},
    {"http://t.cn/fuck", "fuck", 12, 16, IN_L},
    {"http://lnkd.in/fuck", "fuck", 15, 19, IN_L},
    {"pic.twitter.com/fuck", "fuck", 16, 20, IN_L},
    {"http://x.t.co/fuck", "fuck", 14, 18, IN_L},
    /* other hosts and look-alikes are ordinary links */
    {"http://xt.co/fuck", "fuck", 13, 17, 0},
    {"http://t.co.evil.com/fuck", "fuck", 21, 25, 0},
    {"http://example.com/t.co/fuck", "fuck", 24, 28, 0},
    {"http://bit.ly/fuck", "url", 0, 18, 0},
    {"at.co/fuck", "fuck", 6, 10, 0},
    /* a link ends at a space or an HTML numeric character reference (tweets
     * as their API writes them); what follows counts */
    {"http://t.co/x fuck", "fuck", 14, 18, 0},
    {"http://t.co/Ab1&#8221;fuck", "fuck", 22, 26, 0},
    {"http://t.co/Ab1&#8221;fuck", "url", 0, 15, IN_L},
    {"http://t.co&#8230; fuck", "url", 0, 11, IN_L},
};

Test(regions, matches_inside_regions_are_flagged_and_suppressed_by_default)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const reg_case *c = &cases[i];
        int f = flags_of(scan(c->text), c->term, c->start, c->end);
        cr_assert_neq(f, -1, "%s: no %s at [%zu,%zu)", c->text, c->term, c->start, c->end);
        cr_assert_eq(f & (IN_M | IN_L), c->region, "%s: %s region flags %#x", c->text, c->term,
                     (unsigned)f);
        cr_assert_eq((f & SUP) != 0, c->region != 0, "%s: %s suppressed %#x", c->text, c->term,
                     (unsigned)f);
    }
}

Test(regions, excluding_none_counts_them_and_keeps_the_flags)
{
    set_exclude(SCREENER_REGION_EXPLICIT);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const reg_case *c = &cases[i];
        const screener_result *r = scan(c->text);
        int f = flags_of(r, c->term, c->start, c->end);
        cr_assert_eq(f & (IN_M | IN_L | SUP), c->region, "%s: %s flags %#x", c->text, c->term,
                     (unsigned)f);
        cr_assert_neq(r->action, SCREENER_ACTION_PASS, "%s", c->text);
    }
}

Test(regions, each_kind_is_excluded_on_its_own)
{
    const char *text = "@fuck http://t.co/shit";
    set_exclude(SCREENER_REGION_EXPLICIT | SCREENER_REGION_MENTIONS);
    const screener_result *r = scan(text);
    cr_assert_eq(flags_of(r, "fuck", 1, 5) & SUP, SUP);
    cr_assert_eq(flags_of(r, "shit", 18, 22) & SUP, 0);
    cr_assert_eq(r->action, SCREENER_ACTION_MASK);
    set_exclude(SCREENER_REGION_EXPLICIT | SCREENER_REGION_LINK_WRAPPERS);
    r = scan(text);
    cr_assert_eq(flags_of(r, "fuck", 1, 5) & SUP, 0);
    cr_assert_eq(flags_of(r, "shit", 18, 22) & SUP, SUP);
    set_exclude(0); /* the default: both */
    r = scan(text);
    cr_assert_eq(r->action, SCREENER_ACTION_PASS);
    cr_assert_eq(r->n_matches, 3); /* fuck, shit, the link: reported, suppressed */
}

Test(regions, profile_field_is_versioned_and_checked)
{
    /* a caller built against the struct before exclude_regions: the default */
    screener_profile p;
    memset(&p, 0, sizeof p);
    p.struct_size = offsetof(screener_profile, exclude_regions);
    p.exclude_regions = SCREENER_REGION_EXPLICIT; /* beyond its struct_size: not read */
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_OK);
    cr_assert_eq(scan("@fuck")->action, SCREENER_ACTION_PASS);
    /* unknown bits are refused, the profile stays */
    p.struct_size = sizeof p;
    p.exclude_regions = 1u << 7;
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(scan("@fuck")->action, SCREENER_ACTION_PASS);
    /* a clone keeps an explicit "none" */
    set_exclude(SCREENER_REGION_EXPLICIT);
    screener_scratch *c = NULL;
    cr_assert_eq(screener_scratch_clone(scratch, &c), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(db, c, "@fuck", 5, &r), SCREENER_OK);
    cr_assert_eq(r->action, SCREENER_ACTION_MASK);
    screener_scratch_free(c);
    /* NULL restores the default */
    cr_assert_eq(screener_scratch_set_profile(scratch, NULL), SCREENER_OK);
    cr_assert_eq(scan("@fuck")->action, SCREENER_ACTION_PASS);
}

Test(regions, batch_and_mask_agree_with_scan)
{
    static const char *texts[] = {"@fuck fuck", "RT @shit: http://t.co/ass shit", "a@fuck",
                                  "t.co/fuck", "plain fuck", "@傻逼 傻逼"};
    enum { N = sizeof texts / sizeof texts[0] };
    screener_message m[N];
    for (size_t i = 0; i < N; i++)
        m[i] = (screener_message){texts[i], strlen(texts[i])};
    const screener_result *br;
    cr_assert_eq(screener_scan_batch(db, scratch, m, N, &br), SCREENER_OK);
    static screener_match saved[N][16];
    size_t n[N];
    for (size_t i = 0; i < N; i++) {
        n[i] = br[i].n_matches;
        cr_assert_leq(n[i], 16);
        memcpy(saved[i], br[i].matches, n[i] * sizeof(screener_match));
    }
    for (size_t i = 0; i < N; i++) {
        const screener_result *r = scan(texts[i]);
        cr_assert_eq(r->n_matches, n[i], "%s", texts[i]);
        for (size_t k = 0; k < n[i]; k++) {
            const screener_match *x = &r->matches[k], *y = &saved[i][k];
            cr_assert(x->start == y->start && x->end == y->end && x->entry_id == y->entry_id &&
                          x->action == y->action && x->flags == y->flags,
                      "%s: match %zu", texts[i], k);
        }
    }
    char *out = NULL;
    size_t out_len = 0;
    const char *t = "@fuck fuck http://t.co/shit shit";
    cr_assert_eq(screener_mask(db, scratch, t, strlen(t), 0, 0, &out, &out_len), SCREENER_OK);
    cr_assert_str_eq(out, "@fuck **** http://t.co/shit ****");
    screener_free(out);
}

Test(regions, long_messages_in_windows_equal_one_view)
{
    /* > SCAN_WINDOW bytes, so screener_scan goes through window.c; compared
     * with one scan_text over the whole text (unbounded view) */
    static const char *pieces[] = {"@fuck ", "RT @shit: ", "http://t.co/fuck ", "t.co/ass ",
                                   "fuck ", "a@fuck ", "@fuck_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ",
                                   "回复@傻逼：", "傻逼 ", "xxxxxxx ", "\xEF\xBC\xA0" "shit "};
    size_t cap = 3 * SCAN_WINDOW, len = 0;
    char *text = malloc(cap);
    unsigned seed = 7;
    while (len + 64 < cap) {
        seed = seed * 1103515245u + 12345u;
        const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
        memcpy(text + len, p, strlen(p));
        len += strlen(p);
    }
    screener_scratch *b = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &b), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(db, scratch, text, len, &r), SCREENER_OK);
    b->in_use = 1;
    b->v.unit_budget = SIZE_MAX;
    cr_assert_eq(scan_prepare(db, b), SCREENER_OK);
    cr_assert_eq(scan_text(db, b, (const uint8_t *)text, len, 0, 1), SCREENER_OK);
    b->in_use = 0;
    cr_assert_gt(r->n_matches, 1000);
    cr_assert_eq(r->n_matches, b->n_matches);
    size_t in_regions = 0;
    for (size_t i = 0; i < r->n_matches; i++) {
        const screener_match *x = &r->matches[i], *y = &b->matches[i];
        cr_assert(x->start == y->start && x->end == y->end && x->entry_id == y->entry_id &&
                      (x->flags & (SUP | IN_M | IN_L)) == (y->flags & (SUP | IN_M | IN_L)),
                  "match %zu: [%zu,%zu)#%u/%u vs [%zu,%zu)#%u/%u", i, x->start, x->end,
                  x->entry_id, x->flags, y->start, y->end, y->entry_id, y->flags);
        in_regions += (x->flags & (IN_M | IN_L)) != 0;
    }
    cr_assert_gt(in_regions, 100);
    screener_scratch_free(b);
    free(text);
}

Test(regions, names_and_lists)
{
    uint32_t f = 0;
    cr_assert_str_eq(screener_region_name(0, &f), "mentions");
    cr_assert_eq(f, SCREENER_REGION_MENTIONS);
    cr_assert_str_eq(screener_region_name(1, &f), "link-wrappers");
    cr_assert_eq(f, SCREENER_REGION_LINK_WRAPPERS);
    cr_assert_null(screener_region_name(2, NULL));
    cr_assert_null(screener_region_description(2));
    /* the description names every wrapper host */
    for (size_t i = 0; i < names_link_wrappers.n; i++)
        cr_assert(strstr(screener_region_description(1), names_link_wrappers.entries[i].name),
                  "%s", names_link_wrappers.entries[i].name);
    cr_assert_eq(screener_regions_parse("mentions", &f, NULL), SCREENER_OK);
    cr_assert_eq(f, SCREENER_REGION_EXPLICIT | SCREENER_REGION_MENTIONS);
    cr_assert_eq(screener_regions_parse(" link-wrappers , mentions", &f, NULL), SCREENER_OK);
    cr_assert_eq(f, SCREENER_REGION_EXPLICIT | SCREENER_REGION_ALL);
    cr_assert_eq(screener_regions_parse("all", &f, NULL), SCREENER_OK);
    cr_assert_eq(f, SCREENER_REGION_EXPLICIT | SCREENER_REGION_ALL);
    cr_assert_eq(screener_regions_parse("none", &f, NULL), SCREENER_OK);
    cr_assert_eq(f, SCREENER_REGION_EXPLICIT);
    screener_error *err = NULL;
    f = 77;
    cr_assert_eq(screener_regions_parse("mentions,links", &f, &err), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(f, 77);
    cr_assert(strstr(screener_error_message(err), "unknown region kind `links`"), "%s",
              screener_error_message(err));
    cr_assert(strstr(screener_error_message(err), "link-wrappers"));
    screener_error_free(err);
    cr_assert_eq(screener_regions_parse("mentions,", &f, NULL), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(screener_regions_parse("none,mentions", &f, NULL), SCREENER_E_INVALID_ARGUMENT);
    cr_assert_eq(screener_regions_parse(NULL, &f, NULL), SCREENER_E_INVALID_ARGUMENT);
}

/* The vector search for '＠' (regions_wide_from) equals the byte loop at
 * every start of random texts made of the mark, its pieces ('＠' is EF BC
 * A0: 0xA0 ends 丠, EF BC begins the full-width comma) and Chinese, every
 * length around its 16-byte steps and its tail. */
Test(regions, wide_mark_search_equals_the_byte_loop)
{
    static const char *pieces[] = {"@", "/", "\xEF\xBC\xA0" /* ＠ */, "\xEF\xBC\x8C" /* ， */,
                                   "\xE4\xB8\xA0" /* 丠 */, "\xEF\xBC", "\xBC\xA0", "\xA0",
                                   "中", "文", "a", " ", "\xEF"};
    const size_t n_pieces = sizeof pieces / sizeof *pieces;
    uint8_t t[200];
    uint32_t seed = 99;
    size_t compared = 0, found = 0;
    for (int round = 0; round < 3000; round++) {
        size_t n = 0, want = 1 + (size_t)round % 60;
        /* mostly Chinese, so that some texts hold no mark at all */
        unsigned rare = round % 2 ? 3 : 20;
        for (size_t i = 0; i < want && n + 4 < sizeof t; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 16;
            const char *pc = r % rare ? (r & 64 ? "中" : "文") : pieces[(r / rare) % n_pieces];
            memcpy(t + n, pc, strlen(pc));
            n += strlen(pc);
        }
        for (size_t i = 0; i <= n; i++) {
            size_t w1 = regions_wide_from(t, n, i, 1), w2 = regions_wide_from(t, n, i, 0);
            cr_assert(w1 == w2, "round %d, from %zu of %zu: %zu vs %zu", round, i, n, w1, w2);
            found += w1 < n;
            compared++;
        }
    }
    cr_assert_gt(compared, 50000);
    cr_assert_gt(found, compared / 10);
}

/* A mention or a wrapper link at every distance from the start of a long
 * text (inside the vector steps, at their edges, in the tail): its match is
 * flagged wherever it lies. */
Test(regions, marks_are_found_at_every_offset)
{
    static const char *tails[] = {"@fuck", "\xEF\xBC\xA0" "fuck", "t.co/fuck"};
    static const int flag[] = {IN_M, IN_M, IN_L};
    static const size_t head[] = {1, 3, 5}; /* bytes of the tail before the term */
    char text[512];
    for (size_t k = 0; k < 3; k++)
        for (size_t lead = 0; lead < 80; lead++)
            for (size_t trail = 0; trail < 40; trail += 13) {
                size_t n = 0;
                for (size_t i = 0; i < lead; i++)
                    text[n++] = (char)(i % 3 ? 'x' : ' '); /* "x"s: no term */
                if (lead)
                    text[n - 1] = ' ';
                size_t at = n;
                n += (size_t)snprintf(text + n, sizeof text - n, "%s", tails[k]);
                for (size_t i = 0; i < trail; i++)
                    text[n++] = ' ';
                text[n] = '\0';
                const screener_result *r = scan(text);
                int f = flags_of(r, "fuck", at + head[k], at + head[k] + 4);
                cr_assert(f >= 0 && (f & flag[k]), "%s at %zu, %zu after: flags %d", tails[k],
                          at, trail, f);
            }
}
