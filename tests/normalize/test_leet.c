/* The leet view (normalize/leet.c): which characters are read as letters,
 * what is never read (numbers, prices, ordinals, handles, links), spaced
 * repeats, and the map back to original bytes. The rule: docs/leet.md. */
#include <criterion/criterion.h>
#include <string.h>

#include "fold_fixture.h"
#include "normalize/fold.h"
#include "normalize/foldtable.h"
#include "normalize/leet.h"

static fold_build fbuild;
static fold_table ft;
static leet_view lv;

static void setup(void)
{
    memset(&lv, 0, sizeof lv);
    fold_fixture_open(SCREENER_FOLD_ALL, &fbuild, &ft);
    fold_table_set_collapse(&ft, 1);
}

static void teardown(void)
{
    leet_view_free(&lv);
    fold_fixture_close(&fbuild, &ft);
}

TestSuite(leet, .init = setup, .fini = teardown);

/* The reading of s ("" when nothing is read differently). */
static const char *reading(const char *s)
{
    static char out[1024];
    cr_assert_eq(leet_build(&ft, (const uint8_t *)s, strlen(s), NULL, &lv), SCREENER_OK);
    if (!lv.active)
        return "";
    cr_assert_lt(lv.len, sizeof out);
    memcpy(out, lv.text, lv.len);
    out[lv.len] = 0;
    return out;
}

#define READS(in, out) cr_assert_str_eq(reading(in), out, "reading of \"%s\"", in)
#define NOT_READ(in) cr_assert_str_eq(reading(in), "", "\"%s\" must not be read", in)

Test(leet, digits_and_symbols_inside_words_are_letters)
{
    READS("a$s", "ass");
    READS("sh1t happens", "shit happens");
    READS("b!tch", "bitch");
    READS("b00bs", "boobs");
    READS("pr0n", "pron");
    READS("a|l", "all");
    READS("fu(k", "fuck");
    READS("s+op", "stop");
    READS("b8b", "bbb");
    READS("h3ll", "hell");
}

Test(leet, words_edges)
{
    READS("@ss", "ass");
    READS("you @ss", "you ass");
    READS("$lut", "slut");
    READS("5lut", "slut");
    READS("gla$$", "glass");
    NOT_READ("a$$");       /* more substitutes than letters */
    READS("phuck", "fuck");
    NOT_READ("wow!");      /* ! | + ( at an edge are punctuation */
    NOT_READ("(so)");
    NOT_READ("a55");       /* digits at an edge: 3+ letters */
    NOT_READ("@$$");       /* no letter */
}

Test(leet, numbers_prices_ordinals_are_not_read)
{
    NOT_READ("$5");
    NOT_READ("$50 and $1.99");
    NOT_READ("the 1st of 2020");
    NOT_READ("3rd 4th 5th");
    NOT_READ("4u");
    NOT_READ("b2b");
    NOT_READ("5pm 10am mp3 100%");
    NOT_READ("covid 1990 x10");
}

Test(leet, links_addresses_and_handles_are_not_read)
{
    NOT_READ("http://t.co/sh1t");
    NOT_READ("see www.b4d.com");
    NOT_READ("me@example.com");
    NOT_READ("@user_5lut");
    NOT_READ("@someone1");
    NOT_READ("@KingL");
    NOT_READ("@longhandle");
}

/* With a reading elsewhere in the text (the first pass keeps it), the
 * reading itself leaves links, addresses and handles as they are — each
 * kind found by its own byte ('/', "www.", '@'), however the reading
 * skips the chunks that have none of them. */
Test(leet, links_addresses_and_handles_are_not_read_beside_a_reading)
{
    READS("sh1t t.co/b1tch", "shit t.co/b1tch");
    READS("sh1t http://t.co/b1tch", "shit http://t.co/b1tch");
    READS("sh1t www.b4d.com", "shit www.b4d.com");
    READS("sh1t me@b1tch.com", "shit me@b1tch.com");
    READS("sh1t @user_5lut", "shit @user_5lut");
    READS("sh1t wh0re t.co/b1tch", "shit whore t.co/b1tch");
}

Test(leet, spelled_out_words)
{
    READS("f 4 c k", "f a c k");
    READS("s.h.1.t", "s.h.i.t");
    NOT_READ("got 3 I'm a");  /* single letters across different separators */
}

Test(leet, spaced_repeats_are_joined)
{
    READS("f u u u c k", "f uuu c k");
    READS("a a a a s s", "aaaa ss");
    NOT_READ("has sex");      /* not letters standing alone */
    /* more than LEET_MAX_REPEAT repeats stay as they are */
    NOT_READ("f u u u u u u u u u c k");
}

Test(leet, ph_only_in_words_without_other_substitutions)
{
    READS("phag", "fag");
    NOT_READ("phone photo");
    READS("phw+ey", "phwtey");
}

Test(leet, reading_maps_back_to_original_bytes)
{
    const char *s = "x phuck a a s";
    reading(s);
    cr_assert(lv.active);
    /* "x fuck aa s": f <- p at 2, u <- 4; the joined "a a" keeps each a */
    cr_assert_eq(lv.orig[2], 2);
    cr_assert_eq(lv.orig[3], 4);
    cr_assert_eq(lv.sub[2], 1);
    cr_assert_eq(lv.sub[3], 0);
    cr_assert_eq(lv.orig[lv.len], strlen(s));
    /* the folded reading is the fold of the reading */
    cr_assert_eq(lv.folded.n, 7); /* "xfuckas": the joined a's collapse */
}

Test(leet, texts_without_candidates_build_nothing)
{
    NOT_READ("an ordinary sentence, with punctuation.");
    NOT_READ("中文没有拉丁字母");
    cr_assert_eq(leet_candidate((const uint8_t *)"plain words only", 16), 0);
    cr_assert_eq(leet_candidate((const uint8_t *)"sh1t", 4), 1);
}

/* ---- the first pass's block filter against the test at every byte ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13; /* xorshift64 */
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* Append piece p to out (n bytes, room for cap with its NUL): 0 if it
 * does not fit. */
static int append(char *out, size_t *n, size_t cap, const char *p)
{
    size_t l = strlen(p);
    if (*n + l >= cap)
        return 0;
    memcpy(out + *n, p, l);
    *n += l;
    return 1;
}

/* A random text of pieces that meet at the rule's edges: letters, leet
 * digits and symbols, other digits, separators, links, handles, e-mail
 * addresses, HTML entities, "ph", spaced letters, Chinese characters. */
static size_t random_text(char *out, size_t cap)
{
    static const char *const pieces[] = {
        "a", "s", "h", "t", "u", "c", "k", "p", "ph", "Ph", "ha", "hu", "x", "Q", "ass",
        "shit", "bitch", "fuck", "0", "1", "3", "4", "5", "7", "8", "9", "2", "6", "00",
        "$", "$$", "@", "!", "!!!", "|", "+", "(", " ", " ", "  ", ".", "-", "_", "'", "#",
        ";", "&#128514;", "&amp;", "http://t.co/a1b2", "www.x5.com", "@user_1", "@KingL",
        "@someone", "@ab", "me@x1.com", "/", "u u", "a a a", "f 4 c k", "s.h.1.t", "\t",
        "\xe4\xb8\xad", "\xef\xbc\x81", "\xc2\xa0", "1990", "$5", "1st", "4u", "b2b",
        "$@someone", "!@user_1", "+@ab", "x@KingL",
    };
    static char chunk[300]; /* a word near the longest a chunk may be */
    size_t n = 0, want = rnd(90);
    if (rnd(30) == 0)
        want = 240 + rnd(60);
    while (n < want) {
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        if (rnd(60) == 0) {
            size_t c = 244 + rnd(40);
            memset(chunk, 'x', c);
            memcpy(chunk + (rnd(2) ? rnd((uint32_t)c - 4) : c - 4 - rnd(8)), "sh1t", 4);
            chunk[c] = 0;
            p = chunk;
        }
        if (!append(out, &n, cap, p))
            break;
    }
    out[n] = 0;
    return n;
}

/* The decision of the test at every byte on t (n bytes, NUL-terminated),
 * which both block widths must make too. */
static int decided_alike(const char *t, size_t n)
{
    int ref = leet_candidate_ref((const uint8_t *)t, n);
    cr_assert_eq(leet_candidate_with((const uint8_t *)t, n, 0), ref,
                 "16-byte blocks: \"%s\" (the test at every byte: %d)", t, ref);
    cr_assert_eq(leet_candidate_with((const uint8_t *)t, n, 1), ref,
                 "32-byte blocks: \"%s\" (the test at every byte: %d)", t, ref);
    cr_assert_eq(leet_candidate_with((const uint8_t *)t, n, 2), ref,
                 "32-byte blocks, AVX-512 build: \"%s\" (the test at every byte: %d)", t, ref);
    return ref;
}

/* The block filter (16- and 32-byte blocks) never hides a candidate the test
 * at every byte finds, and finds none it does not: the same decision on
 * every text (so the reading, built only for candidates, is unchanged). */
Test(leet, block_filter_decides_as_the_test_at_every_byte)
{
    char t[1024];
    size_t yes = 0;
    for (int k = 0; k < 200000; k++) {
        size_t n = random_text(t, sizeof t);
        yes += (size_t)decided_alike(t, n);
    }
    /* both answers are common: the comparison means something */
    cr_assert_gt(yes, 20000);
    cr_assert_lt(yes, 180000);
}

/* Links (a chunk with a '/'): the 32-byte blocks take the digits and
 * symbols after a link's '/' out without the test at every byte, unless the
 * block names a "ph" or a repeat there (which that test reads unless an
 * earlier digit's test skipped the chunk) or the chunk goes on past the
 * block. Links of every length at every offset, several '/'s, a "ph" or a
 * repeat after a digit that reads or one that does not, every kind of
 * whitespace after them, and the text's end inside them. */
Test(leet, links_decided_as_the_test_at_every_byte)
{
    static const char *const path[] = {
        "a", "b", "x", "Q", "t", "0", "1", "5", "2", "9", "12", "/", "//", ".", "-", "_", "?",
        "=", "ph", "Phu", "pha", "u/u", "a.a", "o-o", "5lut", "sh1t", "b00bs", "a$s", "@ss",
        "@user1", "!", "!!", "$", "(", "|", "+", "&#128514;", "\xe4\xb8\xad", "#", "%20",
    };
    static const char *const lead[] = {"http://", "https://", "t.co/", "x/", "/", "a1b/", "ph/"};
    static const char *const gap[] = {" ", "\t", "\n", "\r", "\v", "\f", "  ", ". ", "\xc2\xa0"};
    static const char *const word[] = {"a", "the", "sh1t", "u u", "phuck", "lol", "@KingL", "4u"};
    char t[512];
    size_t yes = 0, runs = 100000;
    for (size_t r = 0; r < runs; r++) {
        size_t n = 0, pre = rnd(70), len = 4 + rnd(60);
        while (n < pre) /* words before the link, to put it at every offset */
            if (!append(t, &n, sizeof t, rnd(4) ? "a" : rnd(2) ? " " : word[rnd(8)]))
                break;
        append(t, &n, sizeof t, lead[rnd(sizeof lead / sizeof lead[0])]);
        for (size_t end = n + len; n < end;)
            if (!append(t, &n, sizeof t, path[rnd(sizeof path / sizeof path[0])]))
                break;
        for (size_t k = rnd(3); k > 0; k--) { /* what follows the link, if anything */
            append(t, &n, sizeof t, gap[rnd(sizeof gap / sizeof gap[0])]);
            append(t, &n, sizeof t, word[rnd(sizeof word / sizeof word[0])]);
        }
        t[n] = 0;
        yes += (size_t)decided_alike(t, n);
    }
    cr_assert_gt(yes, runs / 10);
    cr_assert_lt(yes, runs - runs / 10);
}

/* ---- the reading built around seeds against the whole text's ---- */

/* A random text for the rule itself: words and spelled-out words of ASCII
 * and other letters (full-width, accented, Cyrillic look-alikes), digits and
 * symbols of both forms, invisible characters and controls inside words,
 * spaced repeats across gaps of every kind, "ph" and look-alike p's, links,
 * handles, addresses, words and chains longer than the rule looks at. */
static size_t random_rule_text(char *out, size_t cap)
{
    static const char *const pieces[] = {
        "a", "s", "h", "t", "u", "U", "c", "k", "p", "P", "ph", "Ph", "pH", "hu", "ha", "I",
        "ass", "shit", "bitch", "fuck", "the", "class", "people", "up", "0", "1", "3", "4",
        "5", "7", "8", "9", "2", "6", "00", "$", "$$", "@", "!", "|", "+", "(", " ", " ",
        " ", "  ", "   ", "    ", ".", ". ", "-", "_", "'", ",", "\t", "\n", "\x01",
        "\x7f", "/", "&amp;", "&#128514;", "http://t.co/a1b2", "www.x5.com", "@user_1",
        "@KingL", "@ab", "me@x1.com", "u u", "a a a", "f 4 c k", "s.h.1.t", "a a a a s s",
        "f u u u c k", "u  u", "u. u", "\xef\xbd\x95 u",    /* full-width u, then u */
        "\xc3\xbc u", "u \xc3\xbc",                          /* u with diaeresis */
        "\xef\xbc\x91", "\xef\xbc\x84", "\xef\xbc\xa0",      /* full-width 1 $ @ */
        "\xd1\x80h", "\xef\xbd\x90h",                        /* Cyrillic er, full-width p */
        "\xe2\x80\x8b", "\xc2\xad", "\xc2\xa0",              /* ZWSP, soft hyphen, NBSP */
        "\xe4\xb8\xad", "\xef\xbc\x81", "\xe3\x80\x82", "\xff", "\xe4\xb8",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n "
        "o p q r s t u v w x y z a b c d e f g h i j k l m",
    };
    size_t n = 0, want = rnd(120);
    if (rnd(50) == 0)
        want = 300 + rnd(200); /* chunks longer than the rule reads */
    while (n < want) {
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        if (!append(out, &n, cap, p))
            break;
    }
    out[n] = 0;
    return n;
}

static void same_reading(const fold_table *t, const char *s, size_t n, leet_view *whole,
                         size_t *active)
{
    cr_assert_eq(leet_build_with(t, (const uint8_t *)s, n, &lv, 0), SCREENER_OK);
    cr_assert_eq(leet_build_with(t, (const uint8_t *)s, n, whole, 1), SCREENER_OK);
    cr_assert_eq(lv.active, whole->active, "read differently: \"%s\"", s);
    if (!lv.active)
        return;
    (*active)++;
    cr_assert_eq(lv.len, whole->len, "reading's length: \"%s\"", s);
    cr_assert_eq(memcmp(lv.text, whole->text, lv.len), 0, "reading: \"%s\"", s);
    cr_assert_eq(memcmp(lv.sub, whole->sub, lv.len), 0, "substituted bytes: \"%s\"", s);
    cr_assert_eq(memcmp(lv.orig, whole->orig, (lv.len + 1) * sizeof *lv.orig), 0,
                 "original bytes: \"%s\"", s);
}

/* The rule applied only in the regions around the bytes that can take part
 * in a reading makes exactly the reading of the whole text (a reading the
 * regions miss, or a region cut inside a word or a spelled-out word, fails
 * here), with the default table and with tables that keep spaces or case. */
Test(leet, reading_around_seeds_equals_the_whole_text_reading)
{
    static const unsigned tables[] = {SCREENER_FOLD_ALL, SCREENER_FOLD_ALL & ~SCREENER_FOLD_NOISE,
                                      SCREENER_FOLD_ALL & ~SCREENER_FOLD_CASE};
    char t[1024];
    leet_view whole;
    memset(&whole, 0, sizeof whole);
    for (size_t k = 0; k < sizeof tables / sizeof tables[0]; k++) {
        fold_build b;
        fold_table ft2;
        fold_fixture_open(tables[k], &b, &ft2);
        fold_table_set_collapse(&ft2, 1);
        size_t active = 0, runs = 60000;
        for (size_t r = 0; r < runs; r++) {
            size_t n = random_rule_text(t, sizeof t);
            same_reading(&ft2, t, n, &whole, &active);
        }
        /* most texts have a reading: the comparison means something */
        cr_assert_gt(active, runs / 4, "table %zu: %zu of %zu read", k, active, runs);
        fold_fixture_close(&b, &ft2);
    }
    leet_view_free(&whole);
}

/* 1 if views a and b hold the same reading (active, text, substituted and
 * original bytes). */
static int same_view(const leet_view *a, const leet_view *b)
{
    if (a->active != b->active)
        return 0;
    return !a->active ||
           (a->len == b->len && memcmp(a->text, b->text, a->len) == 0 &&
            memcmp(a->sub, b->sub, a->len) == 0 &&
            memcmp(a->orig, b->orig, (a->len + 1) * sizeof *a->orig) == 0);
}

/* A view keeps the classes of ASCII bytes from one build to the next; they
 * are forgotten when it reads with another table (the default table reads
 * '.' as a separator, one keeping punctuation as a hard break; one keeping
 * case does not join "u U"): a view used with three tables in turn reads
 * every text as views each used with one table only. */
Test(leet, a_view_used_with_another_table_reads_as_a_new_one)
{
    static const unsigned tables[] = {SCREENER_FOLD_ALL, SCREENER_FOLD_ALL & ~SCREENER_FOLD_NOISE,
                                      SCREENER_FOLD_ALL & ~SCREENER_FOLD_CASE};
    enum { N = sizeof tables / sizeof tables[0] };
    fold_build b[N];
    fold_table t[N];
    leet_view own[N];
    memset(own, 0, sizeof own);
    for (size_t k = 0; k < N; k++) {
        fold_fixture_open(tables[k], &b[k], &t[k]);
        fold_table_set_collapse(&t[k], 1);
    }
    char s[1024];
    size_t differ = 0, runs = 20000;
    for (size_t r = 0; r < runs; r++) {
        size_t n = random_rule_text(s, sizeof s);
        for (size_t k = 0; k < N; k++) {
            cr_assert_eq(leet_build_with(&t[k], (const uint8_t *)s, n, &lv, 0), SCREENER_OK);
            cr_assert_eq(leet_build_with(&t[k], (const uint8_t *)s, n, &own[k], 0), SCREENER_OK);
            cr_assert(same_view(&lv, &own[k]), "table %zu after another: \"%s\"", k, s);
        }
        differ += !same_view(&own[0], &own[1]) || !same_view(&own[0], &own[2]);
    }
    /* the tables read many texts differently: the comparison means something */
    cr_assert_gt(differ, runs / 50, "%zu of %zu read differently", differ, runs);
    for (size_t k = 0; k < N; k++) {
        leet_view_free(&own[k]);
        fold_fixture_close(&b[k], &t[k]);
    }
}

/* A handle is found 16 bytes at a time when 16 bytes follow its '@', one
 * byte at a time otherwise: both decide alike (names of every length and
 * kind of character, alone and with 20 spaces or dots after them). */
Test(leet, handles_decided_alike_with_and_without_room_after_them)
{
    static const char alphabet[] = "abcshtuABCST019_";
    char t[64], u[64];
    size_t yes = 0, runs = 20000;
    for (size_t r = 0; r < runs; r++) {
        size_t len = rnd(20), n = 0;
        t[n++] = '@';
        for (size_t k = 0; k < len; k++)
            t[n++] = alphabet[rnd(sizeof alphabet - 1)];
        memcpy(u, t, n);
        memset(u + n, ' ', 20);
        int a = leet_candidate((const uint8_t *)t, n);
        int b = leet_candidate((const uint8_t *)u, n + 20);
        memset(u + n, '.', 20); /* the same chunk: its handle is looked at again */
        int c = leet_candidate((const uint8_t *)u, n + 20);
        t[n] = 0;
        cr_assert_eq(a, b, "\"%s\": %d alone, %d with spaces after it", t, a, b);
        cr_assert_eq(a, c, "\"%s\": %d alone, %d with dots after it", t, a, c);
        yes += (size_t)a;
    }
    cr_assert_gt(yes, runs / 50);
    cr_assert_lt(yes, runs - runs / 50);
}
