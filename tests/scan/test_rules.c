/* Co-occurrence rules (`@rule A NEAR/n B`, `A AND NOT B`, `A THEN B`):
 * parse errors with file:line, each operator, NEAR in either order and at
 * distances n and n + 1 in folded characters, disguised parts, allow-lists
 * and profiles, which parts fired, streams chunked == whole, and a property
 * test against a brute-force reference built from the parts' plain matches. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "screener.h"
#include "test_rng.h"

static screener_db *compile_text(const char *text, int *status, screener_error **err)
{
    screener_source src = {.name = "r.txt", .text = text, .len = strlen(text)};
    screener_db *db = NULL;
    *status = screener_compile(NULL, &src, 1, &db, err);
    return db;
}

static screener_db *compile_ok(const char *text)
{
    int rc;
    screener_error *err = NULL;
    screener_db *db = compile_text(text, &rc, &err);
    cr_assert_eq(rc, SCREENER_OK, "%s", err ? screener_error_message(err) : "");
    return db;
}

/* The error a dictionary gives: its status, and its message must contain
 * each of the NULL-terminated strings. */
static void expect_error(const char *text, int status, ...)
{
    int rc;
    screener_error *err = NULL;
    screener_db *db = compile_text(text, &rc, &err);
    cr_assert_null(db);
    cr_assert_eq(rc, status, "%s: status %d: %s", text, rc, screener_error_message(err));
    const char *msg = screener_error_message(err);
    va_list ap;
    va_start(ap, status);
    for (const char *want; (want = va_arg(ap, const char *));)
        cr_assert(strstr(msg, want), "%s: message `%s` lacks `%s`", text, msg, want);
    va_end(ap);
    screener_error_free(err);
}

Test(rules, malformed_rules_name_file_and_line)
{
    expect_error("ok\n@rule 加微信 NEAR/10\n", SCREENER_E_DICT_SYNTAX, "r.txt:2:",
                 "without its second part", NULL);
    expect_error("@rule NEAR/10 日赚\n", SCREENER_E_DICT_SYNTAX, "r.txt:1:",
                 "without its first part", NULL);
    expect_error("@rule\n", SCREENER_E_DICT_SYNTAX, "without its first part", NULL);
    expect_error("@rule 加微信\n", SCREENER_E_DICT_SYNTAX, "without an operator", NULL);
    expect_error("x\n\n@rule 加微信 NEER/10 日赚\n", SCREENER_E_DICT_SYNTAX, "r.txt:3:",
                 "unknown rule operator `NEER/10`", NULL);
    expect_error("@rule 加微信 OR 日赚\n", SCREENER_E_DICT_SYNTAX, "unknown rule operator `OR`",
                 NULL);
    expect_error("@rule 加微信 AND 日赚\n", SCREENER_E_DICT_SYNTAX, "unknown rule operator `AND`",
                 NULL);
    expect_error("@rule 加微信 NEAR/0 日赚\n", SCREENER_E_DICT_SYNTAX, "r.txt:1:", "1 to 500",
                 NULL);
    expect_error("@rule 加微信 NEAR/501 日赚\n", SCREENER_E_DICT_SYNTAX, "1 to 500", NULL);
    expect_error("@rule 加微信 NEAR/99999999999 日赚\n", SCREENER_E_DICT_SYNTAX, "1 to 500", NULL);
    expect_error("@rule 加微信 NEAR/ 日赚\n", SCREENER_E_DICT_SYNTAX, "1 to 500", NULL);
    expect_error("@rule 加微信 NEAR/5x 日赚\n", SCREENER_E_DICT_SYNTAX, "1 to 500", NULL);
    expect_error("@rule 加微信 NEAR 日赚\n", SCREENER_E_DICT_SYNTAX, "unknown rule operator", NULL);
    expect_error("@rule a b THEN c\n", SCREENER_E_DICT_SYNTAX, "unknown rule operator `b`",
                 "double quotes", NULL);
    expect_error("@rule a THEN b c\n", SCREENER_E_DICT_SYNTAX, "one operator, two parts", NULL);
    expect_error("@rule a THEN b THEN c\n", SCREENER_E_DICT_SYNTAX, "one operator, two parts",
                 NULL);
    expect_error("@rule a THEN THEN\n", SCREENER_E_DICT_SYNTAX, "one operator, two parts", NULL);
    expect_error("@rule \"a b THEN c\n", SCREENER_E_DICT_SYNTAX, "unterminated", NULL);
    expect_error("@rule a THEN b\tallow\n", SCREENER_E_DICT_SYNTAX, "only category= and severity=",
                 NULL);
    expect_error("@rule a THEN b\tseverity=7\n", SCREENER_E_DICT_SYNTAX, "severity", NULL);
    expect_error("@rule a THEN \"\"\n", SCREENER_E_DICT_TERM, "empty rule part", NULL);
    expect_error("@rule a THEN ，。\n", SCREENER_E_DICT_TERM, "r.txt:1:", "folds to nothing",
                 NULL);
}

/* ---- single texts ----------------------------------------------------------- */

static screener_db *db;
static screener_scratch *scratch;
static uint32_t rule_near, rule_not, rule_then, rule_word, term_part;

static const char dict[] = "@category ads\n"
                           "@severity 3\n"
                           "@rule 加微信 NEAR/3 日赚\n"
                           "@rule 兼职 AND NOT 学校\n"
                           "@rule 先付款 THEN 后发货\tcategory=fraud severity=4\n"
                           "@rule \"free money\" NEAR/5 vx\n"
                           "学校\n"
                           "轻松兼职\tallow\n";

static uint32_t entry_of(const char *term)
{
    for (uint32_t i = 0; i < screener_db_entry_count(db); i++) {
        screener_entry_info e;
        cr_assert_eq(screener_db_entry(db, i, &e), SCREENER_OK);
        if (strcmp(e.term, term) == 0 && !(e.flags & SCREENER_ENTRY_RULE_PART))
            return i;
    }
    cr_assert_fail("no entry %s", term);
    return 0;
}

static void setup(void)
{
    db = compile_ok(dict);
    cr_assert_eq(screener_scratch_alloc(db, &scratch), SCREENER_OK);
    rule_near = entry_of("加微信 NEAR/3 日赚");
    rule_not = entry_of("兼职 AND NOT 学校");
    rule_then = entry_of("先付款 THEN 后发货");
    rule_word = entry_of("\"free money\" NEAR/5 vx");
    term_part = entry_of("学校");
}

static void teardown(void)
{
    screener_scratch_free(scratch);
    screener_db_free(db);
}

/* The matches of text as "entry@start-end" joined by spaces (suppressed ones
 * marked with !). */
static const char *scan_str(const char *text)
{
    static char out[2048];
    const screener_result *r;
    cr_assert_eq(screener_scan(db, scratch, text, strlen(text), &r), SCREENER_OK);
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r->n_matches; i++)
        w += (size_t)snprintf(out + w, sizeof out - w, "%s%u@%zu-%zu%s", i ? " " : "",
                              r->matches[i].entry_id, r->matches[i].start, r->matches[i].end,
                              (r->matches[i].flags & SCREENER_MATCH_SUPPRESSED) ? "!" : "");
    return out;
}

static const char *expect(uint32_t id, size_t start, size_t end)
{
    static char e[64];
    snprintf(e, sizeof e, "%u@%zu-%zu", id, start, end);
    return e;
}

TestSuite(rules, .init = setup, .fini = teardown);

Test(rules, near_either_order_and_exact_distance)
{
    /* 3 folded characters between the parts: a match; 4: none */
    cr_assert_str_eq(scan_str("加微信一二三日赚"), expect(rule_near, 0, 24));
    cr_assert_str_eq(scan_str("加微信一二三四日赚"), "");
    cr_assert_str_eq(scan_str("日赚一二三加微信"), expect(rule_near, 0, 24));
    cr_assert_str_eq(scan_str("日赚一二三四加微信"), "");
    /* adjacent and overlapping-free neighbours */
    cr_assert_str_eq(scan_str("加微信日赚"), expect(rule_near, 0, 15));
    /* dropped characters (spaces, punctuation, emoji, zero-width) are not
     * counted: distance is in folded characters */
    const char *t = "加微信 一 ，二😀三\xE2\x80\x8B 日赚";
    cr_assert_str_eq(scan_str(t), expect(rule_near, 0, strlen(t)));
    /* a character outside the BMP is one character (two UTF-16 units) */
    cr_assert_str_eq(scan_str("加微信𠀀𠀀𠀀日赚"), expect(rule_near, 0, 27));
    cr_assert_str_eq(scan_str("加微信𠀀𠀀𠀀𠀀日赚"), "");
    /* a part alone is never reported */
    cr_assert_str_eq(scan_str("加微信"), "");
    cr_assert_str_eq(scan_str("日赚三百"), "");
}

Test(rules, near_pairs_each_a_with_its_nearest_b)
{
    /* two As, one B between them: each A pairs with it */
    const screener_result *r;
    const char *t = "加微信一日赚二加微信";
    cr_assert_eq(screener_scan(db, scratch, t, strlen(t), &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 2);
    cr_assert_eq(r->matches[0].start, 0);
    cr_assert_eq(r->matches[0].end, 18);
    cr_assert_eq(r->matches[1].start, 12);
    cr_assert_eq(r->matches[1].end, 30);
}

Test(rules, disguised_parts_match_through_the_fold)
{
    /* traditional, spaced, full-width */
    cr_assert_str_eq(scan_str("加 微 信，轻松日賺"), expect(rule_near, 0, 26));
    const char *t = "ＦＲＥＥ ＭＯＮＥＹ ＶＸ";
    cr_assert_str_eq(scan_str(t), expect(rule_word, 0, strlen(t)));
    /* Latin parts keep their word boundaries */
    cr_assert_str_eq(scan_str("free moneyvxx"), "");
    cr_assert_str_eq(scan_str("carefree money vx"), "");
    cr_assert_str_eq(scan_str("free money, add vx"), expect(rule_word, 0, 18));
}

Test(rules, and_not_and_then_are_judged_over_the_message)
{
    cr_assert_str_eq(scan_str("招兼职"), expect(rule_not, 3, 9));
    /* B anywhere in the message cancels it (学校 is also a term of its own) */
    cr_assert_str_eq(scan_str("学校招兼职"), expect(term_part, 0, 6));
    cr_assert_str_eq(scan_str("招兼职，地点学校"), expect(term_part, 18, 24));
    /* every A is a match */
    char want[128];
    snprintf(want, sizeof want, "%s", expect(rule_not, 0, 6));
    snprintf(want + strlen(want), sizeof want - strlen(want), " %s", expect(rule_not, 9, 15));
    cr_assert_str_eq(scan_str("兼职和兼职"), want);
    /* THEN: order matters, any distance */
    cr_assert_str_eq(scan_str("请先付款，我们很快就会后发货"), expect(rule_then, 3, 42));
    cr_assert_str_eq(scan_str("后发货先付款"), "");
    cr_assert_str_eq(scan_str("后发货先付款再后发货"), expect(rule_then, 9, 30));
}

Test(rules, allow_entries_cover_parts)
{
    /* 兼职 inside the allow entry 轻松兼职 does not count */
    cr_assert_str_eq(scan_str("轻松兼职"), "");
    cr_assert_str_eq(scan_str("轻松兼职，兼职"), expect(rule_not, 15, 21));
}

Test(rules, profiles_apply_to_rule_matches)
{
    screener_profile_rule drop = {"fraud", 0, SCREENER_PROFILE_DROP};
    screener_profile p = {.struct_size = sizeof p, .rules = &drop, .n_rules = 1};
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_OK);
    cr_assert_str_eq(scan_str("先付款后发货"), "");
    cr_assert_str_eq(scan_str("加微信日赚"), expect(rule_near, 0, 15));
    screener_profile_rule review = {"fraud", 4, SCREENER_ACTION_REVIEW};
    p.rules = &review;
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(db, scratch, "先付款后发货", 18, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->action, SCREENER_ACTION_REVIEW);
    cr_assert_eq(r->severity, 4);
    p.rules = NULL;
    p.n_rules = 0;
    p.min_severity = 4;
    cr_assert_eq(screener_scratch_set_profile(scratch, &p), SCREENER_OK);
    cr_assert_str_eq(scan_str("加微信日赚先付款后发货"), expect(rule_then, 15, 33));
}

Test(rules, metadata_and_fired_parts)
{
    screener_entry_info e;
    cr_assert_eq(screener_db_entry(db, rule_near, &e), SCREENER_OK);
    cr_assert(e.flags & SCREENER_ENTRY_RULE);
    cr_assert_str_eq(e.category, "ads");
    cr_assert_eq(e.severity, 3);
    cr_assert_eq(e.line, 3);
    screener_rule_info ri = {.struct_size = sizeof ri};
    cr_assert_eq(screener_db_rule(db, rule_near, &ri), SCREENER_OK);
    cr_assert_eq(ri.op, SCREENER_RULE_NEAR);
    cr_assert_eq(ri.distance, 3);
    cr_assert_str_eq(ri.part[0], "加微信");
    cr_assert_str_eq(ri.part[1], "日赚");
    screener_entry_info pe;
    cr_assert_eq(screener_db_entry(db, ri.part_entry[1], &pe), SCREENER_OK);
    cr_assert(pe.flags & SCREENER_ENTRY_RULE_PART);
    cr_assert_str_eq(screener_db_entry_reason(db, ri.part_entry[1]), "rule part of 加微信 NEAR/3 日赚");
    cr_assert_eq(screener_db_rule(db, term_part, &ri), SCREENER_E_INVALID_ARGUMENT);
    screener_db_info info = {.struct_size = sizeof info};
    cr_assert_eq(screener_db_get_info(db, &info), SCREENER_OK);
    cr_assert_eq(info.n_rules, 4);

    /* which parts fired, and the last result stays intact */
    const char *t = "日賺，一二加 微 信";
    const screener_result *r;
    cr_assert_eq(screener_scan(db, scratch, t, strlen(t), &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    screener_match m = r->matches[0];
    size_t st[2], en[2], n;
    cr_assert_eq(screener_rule_parts(db, scratch, t, strlen(t), &m, st, en, &n), SCREENER_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(st[0], 15); /* A = 加 微 信 */
    cr_assert_eq(en[0], 26);
    cr_assert_eq(st[1], 0); /* B = 日賺 */
    cr_assert_eq(en[1], 6);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->matches[0].entry_id, rule_near);
    t = "招兼职";
    cr_assert_eq(screener_scan(db, scratch, t, strlen(t), &r), SCREENER_OK);
    m = r->matches[0];
    cr_assert_eq(screener_rule_parts(db, scratch, t, strlen(t), &m, st, en, &n), SCREENER_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(st[0], 3);
    /* not a rule match, or outside the text */
    m.entry_id = term_part;
    cr_assert_eq(screener_rule_parts(db, scratch, t, strlen(t), &m, st, en, &n),
                 SCREENER_E_INVALID_ARGUMENT);
    m.entry_id = rule_not;
    m.end = 100;
    cr_assert_eq(screener_rule_parts(db, scratch, t, strlen(t), &m, st, en, &n),
                 SCREENER_E_INVALID_ARGUMENT);
}

Test(rules, masking_replaces_the_parts_not_the_text_between)
{
    char *out = NULL;
    size_t n = 0;
    const char *t = "好，加微信，轻松日赚三百；先付款再后发货";
    cr_assert_eq(screener_mask(db, scratch, t, strlen(t), SCREENER_MASK_ALL, '*', &out, &n),
                 SCREENER_OK);
    cr_assert_str_eq(out, "好，***，轻松**三百；***再***");
    screener_free(out);
}

Test(rules, a_database_round_trips_and_the_fingerprint_covers_rules)
{
    void *blob;
    size_t len;
    cr_assert_eq(screener_db_serialize(db, &blob, &len), SCREENER_OK);
    screener_db *d2 = NULL;
    cr_assert_eq(screener_db_deserialize(blob, len, &d2, NULL), SCREENER_OK);
    cr_assert_str_eq(screener_db_fingerprint(d2), screener_db_fingerprint(db));
    screener_free(blob);
    screener_db_free(d2);
    /* same parts, another distance / operator: another fingerprint */
    screener_db *a = compile_ok("@rule 甲 NEAR/3 乙\n");
    screener_db *b = compile_ok("@rule 甲 NEAR/4 乙\n");
    screener_db *c = compile_ok("@rule 甲 THEN 乙\n");
    screener_db *d = compile_ok("@rule 乙 NEAR/3 甲\n");
    cr_assert_str_neq(screener_db_fingerprint(a), screener_db_fingerprint(b));
    cr_assert_str_neq(screener_db_fingerprint(a), screener_db_fingerprint(c));
    cr_assert_str_neq(screener_db_fingerprint(a), screener_db_fingerprint(d));
    screener_db_free(a);
    screener_db_free(b);
    screener_db_free(c);
    screener_db_free(d);
}

/* A stream is one message: AND NOT and THEN are reported by close, never
 * by a write (B may still come). */
Test(rules, streams_report_message_wide_rules_at_close)
{
    screener_stream *st = NULL;
    const screener_result *r;
    cr_assert_eq(screener_stream_open(db, &st), SCREENER_OK);
    cr_assert_eq(screener_stream_write(st, scratch, "招兼职，先付款", 21, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 0);
    cr_assert_eq(screener_stream_write(st, scratch, "后发货", 9, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 0);
    cr_assert_eq(screener_stream_close(st, scratch, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 2);
    cr_assert_eq(r->matches[0].entry_id, rule_not);
    cr_assert_eq(r->matches[0].start, 3);
    cr_assert_eq(r->matches[1].entry_id, rule_then);
    cr_assert_eq(r->matches[1].start, 12);
    cr_assert_eq(r->matches[1].end, 30);
    screener_stream_free(st);
    /* B in a later write cancels AND NOT */
    cr_assert_eq(screener_stream_open(db, &st), SCREENER_OK);
    cr_assert_eq(screener_stream_write(st, scratch, "招兼职", 9, &r), SCREENER_OK);
    cr_assert_eq(screener_stream_write(st, scratch, "学", 3, &r), SCREENER_OK);
    cr_assert_eq(screener_stream_write(st, scratch, "校", 3, &r), SCREENER_OK);
    cr_assert_eq(screener_stream_close(st, scratch, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->matches[0].entry_id, term_part);
    screener_stream_free(st);
}

/* Batches (with their literal pre-filter) give the single scans' results. */
Test(rules, batches_equal_single_scans)
{
    static const char *texts[] = {"加微信日赚", "好", "招兼职", "学校招兼职", "先付款后发货",
                                  "", "轻松兼职", "free money vx", "日赚一二三四加微信"};
    screener_message msgs[9];
    for (int i = 0; i < 9; i++)
        msgs[i] = (screener_message){texts[i], strlen(texts[i])};
    const screener_result *res;
    cr_assert_eq(screener_scan_batch(db, scratch, msgs, 9, &res), SCREENER_OK);
    static screener_match batch[9][8];
    size_t nb[9];
    for (int i = 0; i < 9; i++) {
        nb[i] = res[i].n_matches;
        cr_assert(nb[i] <= 8);
        memcpy(batch[i], res[i].matches, nb[i] * sizeof(screener_match));
    }
    for (int i = 0; i < 9; i++) {
        const screener_result *r;
        cr_assert_eq(screener_scan(db, scratch, texts[i], strlen(texts[i]), &r), SCREENER_OK);
        cr_assert_eq(r->n_matches, nb[i], "%s", texts[i]);
        for (size_t k = 0; k < nb[i]; k++)
            cr_assert(r->matches[k].start == batch[i][k].start &&
                          r->matches[k].end == batch[i][k].end &&
                          r->matches[k].entry_id == batch[i][k].entry_id,
                      "%s", texts[i]);
    }
}

/* A re-sealed file whose rules section is out of range is refused before
 * anything reads it (the checksum is not authentication). */
Test(rules, damaged_rules_sections_are_refused)
{
    void *blob;
    size_t len;
    cr_assert_eq(screener_db_serialize(db, &blob, &len), SCREENER_OK);
    const db_header *h = blob;
    cr_assert_eq(h->count[SEC_RULES], 4);
    for (int k = 0; k < 10; k++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, blob, len);
        db_rule *r = (db_rule *)(copy + ((const db_header *)copy)->sec_off[SEC_RULES]);
        switch (k) {
        case 0: r[0].op = 0; break;
        case 1: r[0].op = 4; break;
        case 2: r[0].distance = 0; break;             /* NEAR needs 1..500 */
        case 3: r[0].distance = 501; break;
        case 4: r[1].distance = 3; break;             /* AND NOT has none */
        case 5: r[0].part0 += 2; break;
        case 6: r[1].entry = r[0].entry; break;       /* not increasing */
        case 7: r[0].entry = r[0].part0; break;       /* a part, not a rule */
        case 8: r[0].reserved = 1; break;
        case 9: r[3].part0 = 0xFFFFFFF0u; break;
        }
        db_seal(copy, len);
        screener_db *d = NULL;
        screener_error *err = NULL;
        cr_assert_eq(screener_db_deserialize(copy, len, &d, &err), SCREENER_E_DB_FORMAT,
                     "mutation %d", k);
        cr_assert(strstr(screener_error_message(err), "rule"), "mutation %d: %s", k,
                  screener_error_message(err));
        screener_error_free(err);
        free(copy);
    }
    screener_free(blob);
}

/* ---- property: rules == a brute-force reference; streams == whole ---------- */

static const char prop_dict[] = "@category ads\n"
                                "@rule 加微信 NEAR/3 日赚\n"
                                "@rule 日赚 NEAR/1 加微信\n"
                                "@rule 兼职 AND NOT 学校\n"
                                "@rule 先 THEN 后\n"
                                "@rule 𠀀 NEAR/2 后\n"
                                "@rule 哈 NEAR/2 哈\n"
                                "兼职\n"
                                "轻松兼职\tallow\n";
/* the parts as plain terms, for the reference */
static const char plain_dict[] = "加微信\n日赚\n兼职\n学校\n先\n后\n𠀀\n哈\n轻松兼职\tallow\n";

typedef struct ref_rule {
    const char *a, *b;
    int op;
    unsigned n;
    uint32_t entry;
} ref_rule;

static ref_rule ref_rules[] = {
    {"加微信", "日赚", SCREENER_RULE_NEAR, 3, 0}, {"日赚", "加微信", SCREENER_RULE_NEAR, 1, 0},
    {"兼职", "学校", SCREENER_RULE_AND_NOT, 0, 0}, {"先", "后", SCREENER_RULE_THEN, 0, 0},
    {"𠀀", "后", SCREENER_RULE_NEAR, 2, 0},        {"哈", "哈", SCREENER_RULE_NEAR, 2, 0},
};
#define N_REF (sizeof ref_rules / sizeof ref_rules[0])

static const char *prop_pieces[] = {
    "加微信", "加 微 信", "加微", "信", "日赚", "日賺", "日", "赚", "兼职", "兼職", "学校",
    "學校", "先", "后", "後", "𠀀", "哈", "轻松兼职", "啊", "好", " ", "，", "\xE2\x80\x8B", "😀",
    "。", "哈哈"};

typedef struct occ {
    size_t start, end;
} occ;

typedef struct m3 {
    size_t start, end;
    uint32_t entry;
} m3;

static int cmp_m3(const void *x, const void *y)
{
    const m3 *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* Folded characters in text[0, i) for every character boundary i: each
 * character of this alphabet folds alone as in context. */
static void fold_prefix(screener_db *d, const char *t, size_t len, size_t *pre)
{
    size_t n = 0;
    pre[0] = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)t[i];
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char *f = NULL;
        size_t fl = 0;
        cr_assert_eq(screener_fold_utf8(d, t + i, k, &f, &fl), SCREENER_OK);
        for (size_t j = 0; j < fl; j++)
            n += ((unsigned char)f[j] & 0xC0) != 0x80;
        screener_free(f);
        for (size_t j = 1; j <= k; j++)
            pre[i + j] = n;
        i += k;
    }
}

/* The reference: part occurrences from the plain database (suppressed ones
 * dropped), combined by the definitions in docs/dictionary-format.md. */
static size_t reference(screener_db *plain, screener_scratch *ps, const char *t, size_t len,
                        m3 *out, size_t cap)
{
    static occ oc[N_REF][2][4096];
    static size_t noc[N_REF][2];
    static size_t pre[1 << 19];
    const screener_result *r;
    cr_assert_eq(screener_scan(plain, ps, t, len, &r), SCREENER_OK);
    fold_prefix(plain, t, len, pre);
    for (size_t k = 0; k < N_REF; k++)
        for (int s = 0; s < 2; s++) {
            noc[k][s] = 0;
            for (size_t i = 0; i < r->n_matches; i++) {
                screener_entry_info e;
                screener_db_entry(plain, r->matches[i].entry_id, &e);
                if (strcmp(e.term, s ? ref_rules[k].b : ref_rules[k].a) == 0 &&
                    !(r->matches[i].flags & SCREENER_MATCH_SUPPRESSED))
                    oc[k][s][noc[k][s]++] = (occ){r->matches[i].start, r->matches[i].end};
            }
        }
    size_t n = 0;
    for (size_t k = 0; k < N_REF; k++) {
        const ref_rule *x = &ref_rules[k];
        occ *A = oc[k][0], *B = oc[k][1];
        size_t na = noc[k][0], nb = noc[k][1];
        if (x->op == SCREENER_RULE_NEAR) {
            for (size_t i = 0; i < na; i++) {
                long best = -1;
                size_t bg = 0;
                for (size_t j = 0; j < nb; j++) {
                    if (B[j].start == A[i].start && B[j].end == A[i].end)
                        continue;
                    size_t g = B[j].start >= A[i].end   ? pre[B[j].start] - pre[A[i].end]
                               : A[i].start >= B[j].end ? pre[A[i].start] - pre[B[j].end]
                                                        : 0;
                    if (g > x->n)
                        continue;
                    if (best < 0 || g < bg ||
                        (g == bg && (B[j].start < B[best].start ||
                                     (B[j].start == B[best].start && B[j].end < B[best].end)))) {
                        best = (long)j;
                        bg = g;
                    }
                }
                if (best >= 0 && n < cap) {
                    occ b = B[best];
                    out[n++] = (m3){A[i].start < b.start ? A[i].start : b.start,
                                    A[i].end > b.end ? A[i].end : b.end, x->entry};
                }
            }
        } else if (x->op == SCREENER_RULE_AND_NOT) {
            for (size_t i = 0; nb == 0 && i < na && n < cap; i++)
                out[n++] = (m3){A[i].start, A[i].end, x->entry};
        } else {
            long a = -1, b = -1;
            for (size_t i = 0; i < na; i++)
                if (a < 0 || A[i].end < A[a].end || (A[i].end == A[a].end && A[i].start < A[a].start))
                    a = (long)i;
            for (size_t j = 0; a >= 0 && j < nb; j++)
                if (B[j].start >= A[a].end &&
                    (b < 0 || B[j].start < B[b].start ||
                     (B[j].start == B[b].start && B[j].end < B[b].end)))
                    b = (long)j;
            if (a >= 0 && b >= 0 && n < cap)
                out[n++] = (m3){A[a].start, B[b].end, x->entry};
        }
    }
    qsort(out, n, sizeof *out, cmp_m3);
    size_t w = 0; /* exact repeats are one match */
    for (size_t i = 0; i < n; i++)
        if (!w || cmp_m3(&out[i], &out[w - 1]))
            out[w++] = out[i];
    return w;
}

/* The rule matches of a result (other entries left out). */
static size_t rule_matches(screener_db *d, const screener_match *m, size_t nm, m3 *out,
                           size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < nm && n < cap; i++) {
        screener_entry_info e;
        screener_db_entry(d, m[i].entry_id, &e);
        if (e.flags & SCREENER_ENTRY_RULE)
            out[n++] = (m3){m[i].start, m[i].end, m[i].entry_id};
    }
    qsort(out, n, sizeof *out, cmp_m3);
    return n;
}

static void stream_all(screener_db *d, screener_scratch *s, const char *t, size_t len,
                       uint64_t *rng, unsigned max_chunk, screener_match *all, size_t *n_all,
                       size_t cap)
{
    screener_stream *st = NULL;
    cr_assert_eq(screener_stream_open(d, &st), SCREENER_OK);
    const screener_result *r;
    *n_all = 0;
    for (size_t i = 0; i <= len;) {
        size_t c = 1 + test_rnd(rng, max_chunk);
        if (c > len - i)
            c = len - i;
        if (i == len)
            cr_assert_eq(screener_stream_close(st, s, &r), SCREENER_OK);
        else
            cr_assert_eq(screener_stream_write(st, s, t + i, c, &r), SCREENER_OK);
        for (size_t k = 0; k < r->n_matches && *n_all < cap; k++)
            all[(*n_all)++] = r->matches[k];
        if (i == len)
            break;
        i += c;
    }
    screener_stream_free(st);
}

static void dump(const char *what, const m3 *m, size_t n)
{
    fprintf(stderr, "%s:", what);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %u@%zu-%zu", m[i].entry, m[i].start, m[i].end);
    fprintf(stderr, "\n");
}

static int same(const m3 *a, size_t na, const m3 *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (cmp_m3(&a[i], &b[i]))
            return 0;
    return 1;
}

static void check_text(screener_db *rdb, screener_scratch *rs, screener_db *plain,
                       screener_scratch *ps, const char *t, size_t len, uint64_t *rng, int it,
                       int stream)
{
    static m3 want[8192], got[8192], chunked[8192];
    static screener_match all[16384];
    size_t nw = reference(plain, ps, t, len, want, 8192);
    const screener_result *r;
    cr_assert_eq(screener_scan(rdb, rs, t, len, &r), SCREENER_OK);
    size_t ng = rule_matches(rdb, r->matches, r->n_matches, got, 8192);
    if (!same(want, nw, got, ng)) {
        fprintf(stderr, "text (%zu bytes): %.*s\n", len, len < 2000 ? (int)len : 2000, t);
        dump("reference", want, nw);
        dump("scan", got, ng);
    }
    cr_assert(same(want, nw, got, ng), "iteration %d: scan differs from the reference", it);
    if (!stream)
        return;
    size_t na;
    stream_all(rdb, rs, t, len, rng, it % 3 == 0 ? 4 : it % 3 == 1 ? 40 : 3000, all, &na, 16384);
    size_t nc = rule_matches(rdb, all, na, chunked, 8192);
    if (!same(got, ng, chunked, nc)) {
        dump("whole", got, ng);
        dump("chunked", chunked, nc);
    }
    cr_assert(same(got, ng, chunked, nc), "iteration %d: stream differs from whole scan", it);
}

static void prop_dbs(screener_db **rdb, screener_scratch **rs, screener_db **plain,
                     screener_scratch **ps)
{
    *rdb = compile_ok(prop_dict);
    *plain = compile_ok(plain_dict);
    cr_assert_eq(screener_scratch_alloc(*rdb, rs), SCREENER_OK);
    cr_assert_eq(screener_scratch_alloc(*plain, ps), SCREENER_OK);
    char term[64];
    for (size_t k = 0; k < N_REF; k++) {
        const ref_rule *x = &ref_rules[k];
        if (x->op == SCREENER_RULE_NEAR)
            snprintf(term, sizeof term, "%s NEAR/%u %s", x->a, x->n, x->b);
        else
            snprintf(term, sizeof term, "%s %s %s", x->a,
                     x->op == SCREENER_RULE_THEN ? "THEN" : "AND NOT", x->b);
        screener_db *keep = db;
        db = *rdb;
        ref_rules[k].entry = entry_of(term);
        db = keep;
    }
}

Test(rules, random_texts_match_a_brute_force_reference_and_streams_match_whole, .timeout = 300)
{
    screener_db *rdb, *plain;
    screener_scratch *rs, *ps;
    prop_dbs(&rdb, &rs, &plain, &ps);
    uint64_t rng = 0x9E3779B97F4A7C15u;
    static char text[16384];
    for (int it = 0; it < 1500; it++) {
        size_t len = 0;
        int k = 1 + (int)test_rnd(&rng, it % 10 == 0 ? 400 : 30);
        for (int p = 0; p < k; p++) {
            const char *piece = prop_pieces[test_rnd(&rng, sizeof prop_pieces / sizeof prop_pieces[0])];
            size_t pl = strlen(piece);
            memcpy(text + len, piece, pl);
            len += pl;
        }
        check_text(rdb, rs, plain, ps, text, len, &rng, it, 1);
    }
    screener_scratch_free(rs);
    screener_scratch_free(ps);
    screener_db_free(rdb);
    screener_db_free(plain);
}

/* Messages longer than the scan window (128 KiB) are scanned in rounds:
 * NEAR matches are carried like any match, AND NOT and THEN are judged once
 * at the end. */
Test(rules, long_messages_in_windows_match_the_reference, .timeout = 300)
{
    screener_db *rdb, *plain;
    screener_scratch *rs, *ps;
    prop_dbs(&rdb, &rs, &plain, &ps);
    uint64_t rng = 0xD1B54A32D192ED03u;
    static char text[(1 << 16) - 64];
    static const char *filler[] = {"啊", "好", " ", "，", "。", "😀"};
    for (int it = 0; it < 6; it++) {
        size_t len = 0;
        /* sparse parts in a long filler text, some at window edges */
        while (len < sizeof text - 64) {
            const char *piece = test_rnd(&rng, 12) == 0
                                    ? prop_pieces[test_rnd(&rng, sizeof prop_pieces /
                                                                     sizeof prop_pieces[0])]
                                    : filler[test_rnd(&rng, 6)];
            size_t pl = strlen(piece);
            memcpy(text + len, piece, pl);
            len += pl;
        }
        /* repeat it 3x (3 x 64 KiB > 128 KiB): the reference works on the
         * same text through the plain database, itself windowed */
        static char big[3 * sizeof text];
        for (int r = 0; r < 3; r++)
            memcpy(big + (size_t)r * len, text, len);
        check_text(rdb, rs, plain, ps, big, 3 * len, &rng, it, it < 2);
    }
    screener_scratch_free(rs);
    screener_scratch_free(ps);
    screener_db_free(rdb);
    screener_db_free(plain);
}
