/* The leet view (normalize/leet.c): which characters are read as letters,
 * what is never read (numbers, prices, ordinals, handles, links), spaced
 * repeats, and the map back to original bytes. The rule: docs/leet.md. */
#include <criterion/criterion.h>
#include <string.h>

#include "normalize/fold.h"
#include "normalize/foldtable.h"
#include "normalize/leet.h"

static fold_build fbuild;
static fold_table ft;
static leet_view lv;

static void setup(void)
{
    memset(&lv, 0, sizeof lv);
    cr_assert_eq(fold_build_table(SCREENER_FOLD_ALL, &fbuild, NULL), SCREENER_OK);
    cr_assert_eq(fold_table_open(&ft, fbuild.trie_bin, fbuild.trie_len, fbuild.expand,
                                 fbuild.n_expand),
                 SCREENER_OK);
    fold_table_set_collapse(&ft, 1);
}

static void teardown(void)
{
    leet_view_free(&lv);
    fold_table_close(&ft);
    fold_build_free(&fbuild);
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
