/* Compile-time variants (compile/variants.c, pinyin_forms.c, host_words.c):
 * pinyin, tone digits, initials, mixed and homophone forms of Chinese terms
 * that ask for them (`@forms`), word-aware host-word allow entries, their
 * reasons, and the database checks of host words. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "screener.h"

static screener_db *compile_flags(const char *text, uint32_t flags)
{
    screener_source src = {.name = "t.txt", .text = text, .len = strlen(text)};
    screener_compile_options o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.flags = flags;
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc = screener_compile(&o, &src, 1, &db, &err);
    cr_assert_eq(rc, SCREENER_OK, "%s", err ? screener_error_message(err) : "");
    return db;
}

static screener_db *compile(const char *text)
{
    return compile_flags(text, 0);
}

/* The unsuppressed matches of text, as "start-end:term;" for written entries
 * and "start-end:reason;" for generated ones. */
static void matches(screener_db *db, const char *text, char *out, size_t cap)
{
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(db, &s), SCREENER_OK);
    const screener_result *r = NULL;
    cr_assert_eq(screener_scan(db, s, text, strlen(text), &r), SCREENER_OK);
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->n_matches; i++) {
        const screener_match *m = &r->matches[i];
        if (m->flags & SCREENER_MATCH_SUPPRESSED)
            continue;
        screener_entry_info e;
        cr_assert_eq(screener_db_entry(db, m->entry_id, &e), SCREENER_OK);
        const char *reason = screener_db_entry_reason(db, m->entry_id);
        used += (size_t)snprintf(out + used, cap - used, "%zu-%zu:%s;", m->start, m->end,
                                 reason ? reason : e.term);
        cr_assert_lt(used, cap);
    }
    screener_scratch_free(s);
}

/* Count the generated entries whose reason starts with prefix. */
static unsigned count_reason(screener_db *db, const char *prefix)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < screener_db_entry_count(db); i++) {
        const char *r = screener_db_entry_reason(db, i);
        n += r && strncmp(r, prefix, strlen(prefix)) == 0;
    }
    return n;
}

static void expect(screener_db *db, const char *text, const char *want)
{
    char got[2048];
    matches(db, text, got, sizeof got);
    cr_expect_str_eq(got, want, "scanning `%s`", text);
}

static const char pinyin_dict[] =
    "@category politics\n"
    "@forms pinyin,initials,mixed\n"
    "法轮功\n"
    "@forms none\n"
    "吸毒\tforms=pinyin,initials,mixed\n"
    "砍死\n";

Test(variants, full_pinyin_joined_spaced_toned_and_digits_match_with_exact_spans)
{
    screener_db *db = compile(pinyin_dict);
    expect(db, "falungong", "0-9:pinyin of 法轮功;");
    expect(db, "我看 fa lun gong 啊", "7-18:pinyin of 法轮功;");
    expect(db, "FA-LUN-GONG", "0-11:pinyin of 法轮功;");
    expect(db, "f\xC7\x8E l\xC3\xBAn g\xC5\x8Dng", "0-14:pinyin of 法轮功;"); /* fǎ lún gōng */
    expect(db, "fa3lun2gong1", "0-12:pinyin with tone digits of 法轮功;");
    expect(db, "fa3 lun2 gong1!", "0-14:pinyin with tone digits of 法轮功;");
    screener_db_free(db);
}

Test(variants, pinyin_respects_latin_word_boundaries)
{
    screener_db *db = compile(pinyin_dict);
    expect(db, "flg", "0-3:initials of 法轮功;");
    expect(db, "FLG!", "0-3:initials of 法轮功;");
    expect(db, "conflgx", "");
    expect(db, "sofalungongs", "");
    expect(db, "xidu", "0-4:pinyin of 吸毒;");
    expect(db, "taxidudes", "");
    screener_db_free(db);
}

Test(variants, initials_never_for_two_character_terms)
{
    screener_db *db = compile(pinyin_dict);
    expect(db, "xd", "");
    expect(db, "x d", "");
    screener_db_free(db);
}

Test(variants, mixed_characters_and_pinyin)
{
    screener_db *db = compile(pinyin_dict);
    expect(db, "法lun功", "0-9:mixed spelling of 法轮功;");
    expect(db, "fa轮gong", "0-9:mixed spelling of 法轮功;");
    expect(db, "法lungong", "0-10:mixed spelling of 法轮功;");
    expect(db, "吸du", "0-5:mixed spelling of 吸毒;");
    /* traditional characters fold first: 法輪功 reads as 法轮功 */
    expect(db, "法輪gong", "0-10:mixed spelling of 法轮功;");
    screener_db_free(db);
}

Test(variants, off_unless_asked)
{
    screener_db *db = compile(pinyin_dict);
    expect(db, "kansi", "");
    expect(db, "砍si", "");
    expect(db, "砍死", "0-6:砍死;");
    screener_db_free(db);
    db = compile("法轮功\n");
    expect(db, "falungong", "");
    expect(db, "flg", "");
    cr_expect_eq(screener_db_entry_count(db), 1);
    screener_db_free(db);
}

/* Every homophone entry differs from its parent in exactly one character;
 * a 2-character term gets none. */
Test(variants, homophones_replace_one_character_of_longer_terms_only)
{
    screener_db *db = compile("@forms homophone\n砍死你\n肉体\n");
    uint32_t n = screener_db_entry_count(db), homophones = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *r = screener_db_entry_reason(db, i);
        if (!r || strncmp(r, "homophone of ", 13) != 0)
            continue;
        homophones++;
        cr_assert_str_eq(r, "homophone of 砍死你");
        screener_entry_info e;
        screener_db_entry(db, i, &e);
        const char *p = "砍死你";
        cr_assert_eq(strlen(e.term), strlen(p));
        int diff = 0;
        for (size_t k = 0; k < strlen(p); k += 3)
            diff += memcmp(e.term + k, p + k, 3) != 0;
        cr_expect_eq(diff, 1, "%s", e.term);
        expect(db, e.term, "0-9:homophone of 砍死你;");
    }
    cr_expect_gt(homophones, 0);
    screener_db_free(db);
}

Test(variants, homophones_are_never_ordinary_text)
{
    /* 砍了你 -> 看了你 is what everybody writes; 小穴 -> 小学 is a word */
    screener_db *db = compile("@forms homophone\n砍了你\n");
    expect(db, "我看了你的信", "");
    screener_db_free(db);
}

Test(variants, entries_say_what_they_were_generated_from)
{
    screener_db *db = compile(pinyin_dict);
    uint32_t n = screener_db_entry_count(db), written = 0;
    for (uint32_t i = 0; i < n; i++) {
        written += screener_db_entry_reason(db, i) == NULL;
        screener_entry_info e;
        screener_db_entry(db, i, &e);
        cr_expect_str_eq(e.category, "politics");
    }
    cr_expect_eq(written, 3);
    cr_expect_eq(count_reason(db, "pinyin of 法轮功"), 1);
    cr_expect_eq(count_reason(db, "pinyin of 吸毒"), 1);
    cr_expect_eq(count_reason(db, "pinyin with tone digits of "), 2);
    cr_expect_eq(count_reason(db, "initials of 法轮功"), 1);
    cr_expect_eq(count_reason(db, "initials of 吸毒"), 0);
    cr_expect_eq(count_reason(db, "mixed spelling of 法轮功"), 6);
    cr_expect_eq(count_reason(db, "mixed spelling of 吸毒"), 2);
    cr_expect_eq(count_reason(db, "pinyin of 砍死"), 0);
    screener_db_free(db);
}

Test(variants, survive_serialization)
{
    screener_db *db = compile(pinyin_dict);
    void *buf;
    size_t len;
    cr_assert_eq(screener_db_serialize(db, &buf, &len), SCREENER_OK);
    screener_db *back = NULL;
    cr_assert_eq(screener_db_deserialize(buf, len, &back, NULL), SCREENER_OK);
    expect(back, "fa lun gong", "0-11:pinyin of 法轮功;");
    screener_free(buf);
    screener_db_free(back);
    screener_db_free(db);
}

/* A host word without its deny term, re-sealed, is refused before use. */
Test(variants, reader_checks_host_words)
{
    screener_db *db = compile("性病\n");
    void *buf;
    size_t len;
    cr_assert_eq(screener_db_serialize(db, &buf, &len), SCREENER_OK);
    const db_header *h = buf;
    uint32_t n = h->count[SEC_ENTRIES], host = n;
    const db_entry *e = (const db_entry *)((const uint8_t *)buf + h->sec_off[SEC_ENTRIES]);
    for (uint32_t i = 0; i < n; i++)
        if ((e[i].options & DB_OPT_HOST))
            host = i;
    cr_assert_lt(host, n);
    enum { BAD_KIND, NO_PARENT, NOT_ALLOW, WRITTEN_AFTER };
    for (int k = BAD_KIND; k <= WRITTEN_AFTER; k++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, buf, len);
        db_entry *c = (db_entry *)(copy + h->sec_off[SEC_ENTRIES]);
        if (k == BAD_KIND)
            c[host].options |= 0x80; /* an unknown option */
        else if (k == NO_PARENT)
            c[host].line = 999;
        else if (k == NOT_ALLOW)
            c[host].flags &= (uint8_t)~SCREENER_ENTRY_ALLOW;
        else
            c[0].options |= DB_OPT_GENERATED | DB_OPT_HOST;
        db_seal(copy, len);
        screener_db *bad = NULL;
        cr_expect_eq(screener_db_deserialize(copy, len, &bad, NULL), SCREENER_E_DB_FORMAT,
                     "case %d", k);
        screener_db_free(bad);
        free(copy);
    }
    screener_free(buf);
    screener_db_free(db);
}

Test(variants, unknown_rules_are_errors)
{
    const char *bad[] = {"a\n@forms pinyin,tones\n", "a\tforms=initals\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        screener_source src = {.name = "v.txt", .text = bad[k], .len = strlen(bad[k])};
        screener_db *db = NULL;
        screener_error *err = NULL;
        cr_expect_eq(screener_compile(NULL, &src, 1, &db, &err), SCREENER_E_DICT_SYNTAX);
        cr_expect_str_eq(screener_error_file(err), "v.txt");
        screener_error_free(err);
    }
}

/* ---- split forms ----------------------------------------------------------- */

static const char split_dict[] = "@category porn\n"
                                 "@forms split\n"
                                 "强奸\n"
                                 "肉体\n"
                                 "卖淫\n"
                                 "国家\n"
                                 "好\n"
                                 "@forms none\n"
                                 "性交\n";

Test(split, one_character_written_as_its_components_with_exact_span)
{
    screener_db *db = compile(split_dict);
    expect(db, "弓虽奸", "0-9:split form of 强奸;");
    expect(db, "他说弓虽奸了", "6-15:split form of 强奸;");
    expect(db, "肉亻本", "0-9:split form of 肉体;");
    expect(db, "卖氵爫壬", "0-12:split form of 卖淫;"); /* three components */
    screener_db_free(db);
}

Test(split, several_characters_spaced_or_traditional)
{
    screener_db *db = compile(split_dict);
    expect(db, "弓虽女干", "0-12:split form of 强奸;");
    expect(db, "弓 虽 女干!", "0-14:split form of 强奸;");
    expect(db, "十买氵爫壬", "0-15:split form of 卖淫;");
    expect(db, "弓雖女干", "0-12:split form of 强奸;"); /* 雖 folds to 虽 */
    screener_db_free(db);
}

Test(split, only_splits_a_reader_recognises)
{
    screener_db *db = compile(split_dict);
    expect(db, "囗玉家", "");   /* 国: 囗 encloses 玉 */
    expect(db, "女子", "");     /* a one-character term is never split */
    expect(db, "肉人本", "");   /* 体 is written 亻本, not with the full form 人 */
    cr_expect_eq(count_reason(db, "split form of 强奸"), 3); /* 弓虽奸 强女干 弓虽女干 */
    cr_expect_eq(count_reason(db, "split form of 国家"), 0);
    screener_db_free(db);
}

Test(split, off_unless_asked)
{
    screener_db *db = compile(split_dict);
    expect(db, "忄生交", "");
    cr_expect_eq(count_reason(db, "split form of 性交"), 0);
    screener_db_free(db);
    db = compile("强奸\tforms=split\n");
    expect(db, "弓虽奸", "0-9:split form of 强奸;");
    screener_db_free(db);
}

Test(split, rare_characters_are_not_split)
{
    setenv("SCREENER_SPLIT_MIN_FREQ", "4000000000", 1);
    screener_db *db = compile(split_dict);
    cr_expect_eq(count_reason(db, "split form of "), 0);
    screener_db_free(db);
    unsetenv("SCREENER_SPLIT_MIN_FREQ");
}

/* 8 characters with one split each: 8 + 28 + ... forms, capped at 64 (one
 * split each first). */
Test(split, forms_per_term_are_bounded)
{
    screener_db *db = compile("@forms split\n好明李章吴张体强\n");
    cr_expect_eq(count_reason(db, "split form of "), 64);
    expect(db, "女子明李章吴张体强", "0-27:split form of 好明李章吴张体强;");
    expect(db, "好明李章吴张体弓虽", "0-27:split form of 好明李章吴张体强;");
    screener_db_free(db);
}

/* ---- host words ---------------------------------------------------------- */

Test(host_words, suppress_a_term_inside_an_ordinary_word_across_its_boundary)
{
    screener_db *db = compile("性病\n");
    expect(db, "他有慢性病", "");
    expect(db, "性病患者", "0-6:性病;"); /* 性病|患者: the word contains the term */
    expect(db, "得了性病", "6-12:性病;");
    screener_db_free(db);
    db = compile_flags("性病\n", SCREENER_COMPILE_NO_HOST_WORDS);
    expect(db, "他有慢性病", "9-15:性病;");
    screener_db_free(db);
}

Test(host_words, are_allow_entries_traced_to_their_term)
{
    screener_db *db = compile("性病\n");
    uint32_t n = screener_db_entry_count(db), found = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *r = screener_db_entry_reason(db, i);
        if (!r)
            continue;
        cr_expect_str_eq(r, "host word of 性病");
        screener_entry_info e;
        screener_db_entry(db, i, &e);
        cr_expect(e.flags & SCREENER_ENTRY_ALLOW);
        found += strcmp(e.term, "慢性病") == 0;
    }
    cr_expect_eq(found, 1);
    screener_db_free(db);
}

Test(host_words, never_when_the_host_word_is_itself_a_term)
{
    screener_db *db = compile("性病\n慢性病\n");
    expect(db, "慢性病", "0-9:慢性病;3-9:性病;");
    screener_db_free(db);
}

Test(host_words, never_for_latin_or_allow_entries)
{
    screener_db *db = compile("sex\n性病\tallow\n");
    uint32_t n = screener_db_entry_count(db);
    cr_expect_eq(n, 2);
    screener_db_free(db);
}

Test(host_words, suppress_only_their_own_term)
{
    /* 慢性病 splits 慢性|病: it hosts 性病 across the split, and really
     * contains 慢性 */
    screener_db *db = compile("性病\n慢性\n");
    expect(db, "慢性病", "0-6:慢性;");
    screener_db_free(db);
}
