/* Built-in detectors: mobile numbers, resident ID numbers (checksum),
 * bank cards (Luhn) — also when the digits are disguised. */
#include <criterion/criterion.h>
#include <string.h>

#include "scan/detect.h"
#include "screener.h"

static screener_db *db;
static screener_scratch *scratch;

static void setup(void)
{
    static const char text[] = "@category privacy\n@severity 2\n@detect cn_mobile\n"
                               "@severity 3\n@detect cn_id\n@detect bank_card\n"
                               "@detect email\n@category links\n@severity 1\n@detect url\n"
                               "客服电话\tallow\n";
    screener_source src = {.name = "pii.txt", .text = text, .len = sizeof text - 1};
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, &err), SCREENER_OK, "%s",
                 err ? screener_error_message(err) : "");
    cr_assert_eq(screener_scratch_alloc(db, &scratch), SCREENER_OK);
}

static void teardown(void)
{
    screener_scratch_free(scratch);
    screener_db_free(db);
}

TestSuite(detect, .init = setup, .fini = teardown);

static void expect(const char *text, const char *detector, size_t start, size_t end)
{
    const screener_result *r;
    cr_assert_eq(screener_scan(db, scratch, text, strlen(text), &r), SCREENER_OK);
    int found = 0;
    for (size_t i = 0; i < r->n_matches; i++) {
        screener_entry_info info;
        screener_db_entry(db, r->matches[i].entry_id, &info);
        cr_assert(info.flags & SCREENER_ENTRY_DETECTOR);
        if (strcmp(info.term, detector) == 0 && r->matches[i].start == start &&
            r->matches[i].end == end)
            found = 1;
    }
    cr_assert(found, "%s not found at [%zu,%zu) in \"%s\"", detector, start, end, text);
}

static size_t count(const char *text)
{
    const screener_result *r;
    cr_assert_eq(screener_scan(db, scratch, text, strlen(text), &r), SCREENER_OK);
    return r->n_matches;
}

Test(detect, mobile_numbers_plain_and_disguised)
{
    expect("call 13800138000 now", "cn_mobile", 5, 16);
    expect("电话：138 0013 8000", "cn_mobile", 9, 22);
    expect("１３８００１３８０００", "cn_mobile", 0, 33);    /* full-width */
    expect("①③⑧⓪⓪①③⑧⓪⓪⓪", "cn_mobile", 0, 33);             /* circled */
    cr_assert_eq(count("12800138000"), 0);                      /* 12x is not a mobile prefix */
    cr_assert_eq(count("138001380001"), 0);                     /* 12 digits */
}

Test(detect, id_numbers_need_a_valid_check_character)
{
    expect("身份证11010519491231002X", "cn_id", 9, 27);
    expect("id 11010519491231002x.", "cn_id", 3, 21);
    expect("4403 0819 9901 0112 34", "cn_id", 0, 22);
    cr_assert_eq(count("110105194912310021"), 0); /* wrong check character */
    cr_assert_eq(count("110105194913310029"), 0); /* month 13 */
}

Test(detect, digits_joined_across_markup_are_not_numbers)
{
    cr_assert_eq(count("&#128553;&#128553;&#128553;"), 0); /* Luhn-valid by chance */
    expect("138 - 0013 - 8000", "cn_mobile", 0, 17);
}

Test(detect, bank_cards_need_luhn)
{
    expect("card 4111 1111 1111 1111", "bank_card", 5, 24);
    cr_assert_eq(count("4111111111111112"), 0);
}

Test(detect, allow_list_and_verdict_apply)
{
    const screener_result *r;
    cr_assert_eq(screener_scan(db, scratch, "身份证号 11010519491231002X", 31, &r), SCREENER_OK);
    cr_assert_eq(r->action, SCREENER_ACTION_BLOCK);
    cr_assert_eq(r->severity, 3);
}

Test(detect, email_addresses)
{
    expect("mail me: zhang.san+x@example.com.", "email", 9, 32);
    expect("邮箱ｚｈａｎｇ＠ｑｑ．ｃｏｍ谢谢", "email", 6, 42);   /* full-width */
    expect("abc@163。com", "email", 0, 13);                  /* ideographic full stop */
    cr_assert_eq(count("@user hello"), 0);
    cr_assert_eq(count("a@b"), 0);
}

Test(detect, links)
{
    expect("see https://example.com/a?b=1, ok", "url", 4, 29);
    expect("www.xx123.cc now", "url", 0, 12);
    expect("go to xx.info/path.", "url", 6, 18);     /* bare domain, one match not two */
    /* an HTML numeric character reference ends a link (&amp; does not) */
    expect("\"see http://t.co/x&#8221;yes", "url", 5, 18);
    expect("http://xx.com/a?b=1&amp;c=2&#x201D;", "url", 0, 27);
    expect("http://xx.com/&#12", "url", 0, 18);
    expect("加群 ｗｗｗ．ａｂｃ．ｃｏｍ", "url", 7, 40);
    cr_assert_eq(count("e.g. file.txt and node.js"), 0);
    cr_assert_eq(count("version 1.2.3"), 0);
}

Test(detect, validators)
{
    uint16_t d[20];
    const char *luhn = "79927398713";
    for (size_t i = 0; i < strlen(luhn); i++)
        d[i] = (uint16_t)luhn[i];
    cr_assert_not(detect_is_luhn(d, 11)); /* valid Luhn but too short for a card */
    const char *card = "5500000000000004";
    for (size_t i = 0; i < 16; i++)
        d[i] = (uint16_t)card[i];
    cr_assert(detect_is_luhn(d, 16));
}

Test(detect, unknown_detector_is_a_syntax_error)
{
    screener_source src = {.name = "x.txt", .text = "@detect ssn_us\n", .len = 15};
    screener_db *d = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &d, &err), SCREENER_E_DICT_SYNTAX);
    cr_assert(strstr(screener_error_message(err), "x.txt:1:"));
    screener_error_free(err);
}

Test(detect, a_database_of_detectors_only_round_trips)
{
    void *b;
    size_t n;
    cr_assert_eq(screener_db_serialize(db, &b, &n), SCREENER_OK);
    screener_db *d = NULL;
    cr_assert_eq(screener_db_deserialize(b, n, &d, NULL), SCREENER_OK);
    screener_free(b);
    screener_scratch *s = NULL;
    cr_assert_eq(screener_scratch_alloc(d, &s), SCREENER_OK);
    const screener_result *r;
    cr_assert_eq(screener_scan(d, s, "13800138000", 11, &r), SCREENER_OK);
    cr_assert_eq(r->n_matches, 1);
    /* and across stream chunks */
    screener_stream *st = NULL;
    cr_assert_eq(screener_stream_open(d, &st), SCREENER_OK);
    size_t found = 0;
    const char *parts[] = {"电话 138", "0013", "8", "000 好的"};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(screener_stream_write(st, s, parts[i], strlen(parts[i]), &r), SCREENER_OK);
        found += r->n_matches;
    }
    cr_assert_eq(screener_stream_close(st, s, &r), SCREENER_OK);
    found += r->n_matches;
    cr_assert_eq(found, 1);
    screener_stream_free(st);
    screener_scratch_free(s);
    screener_db_free(d);
}

/* detect_text_possible may skip the text detectors only where they find
 * nothing: random ASCII readings rich in link and address characters. */
static void count_found(void *ctx, size_t b0, size_t last)
{
    (void)b0, (void)last;
    ++*(int *)ctx;
}

Test(detect, prefilter_never_hides_a_match)
{
    static const char *const tok[] = {"a", "x", "0", "9", "-", ".", "_", "@", ":", "/", " ",
                                      "w", "www.", "http://", "https:/", ".com", "co", "@a",
                                      ".c", "m", "\x80"};
    uint64_t st = 7;
    int found_some[2] = {0, 0};
    for (int t = 0; t < 20000; t++) {
        uint8_t view[64];
        light_char l[64];
        size_t want = 4 + (size_t)(st % 40), n = 0;
        while (n < want) {
            st ^= st << 13, st ^= st >> 7, st ^= st << 17;
            const char *k = tok[st % (sizeof tok / sizeof tok[0])];
            for (; *k && n < want; k++, n++) {
                view[n] = (uint8_t)*k;
                l[n] = (light_char){*k == ' ' ? 0 : (uint8_t)*k >= 0x80 ? LIGHT_OTHER : (uint8_t)*k,
                                    (uint32_t)n};
            }
        }
        for (int kind = DETECT_EMAIL, k = 0; k < 2; kind = DETECT_URL, k++) {
            int hits = 0;
            detect_text(kind, l, n, count_found, &hits);
            if (hits) {
                found_some[k] = 1;
                cr_assert(detect_text_possible(kind, view, n), "%.*s", (int)n, (char *)view);
            }
        }
    }
    cr_assert(found_some[0] && found_some[1], "the generator must produce both kinds");
}

/* The digit rows skip texts whose longest digit run is below
 * detect_min_digits: no validator may accept a shorter run. */
static void count_run(void *ctx, size_t start, size_t end)
{
    (void)start, (void)end;
    ++*(int *)ctx;
}

Test(detect, min_digits_bounds_every_validator)
{
    const int kinds[] = {DETECT_CN_MOBILE, DETECT_CN_ID, DETECT_BANK_CARD};
    uint64_t st = 3;
    for (int k = 0; k < 3; k++) {
        size_t min = detect_min_digits(kinds[k]);
        for (size_t n = 1; n < min; n++)
            for (int t = 0; t < 2000; t++) {
                uint16_t u[32];
                for (size_t i = 0; i < n; i++) {
                    st ^= st << 13, st ^= st >> 7, st ^= st << 17;
                    u[i] = (uint16_t)('0' + st % 10);
                }
                u[n] = 'x'; /* an ID number's check character */
                int hits = 0;
                detect_run(kinds[k], u, n + 1, count_run, &hits);
                cr_assert_eq(hits, 0, "kind %d accepted %zu digits", kinds[k], n);
                cr_assert_eq(detect_longest_digits(u, n + 1), n);
            }
    }
}

/* Scans skip a text detector's row when the byte view is shorter than
 * detect_min_len (matchers.c): no shorter reading may hold a match. Every
 * string up to that length over an alphabet of everything the detectors
 * look at (letters, digits, the punctuation of addresses and links, a
 * separator element, a non-ASCII element); and the bound is the least one. */
Test(detect, min_len_bounds_the_text_detectors)
{
    static const uint32_t alpha[] = {'a', 'c', 'w', 'h', 't', 'p', 's', '0', '.', '@', ':',
                                     '/', '-', '_', '+', 0, LIGHT_OTHER};
    const size_t na = sizeof alpha / sizeof alpha[0];
    for (int kind = DETECT_EMAIL; kind <= DETECT_URL; kind++) {
        size_t min = detect_min_len(kind);
        cr_assert(min >= 1 && min <= 6);
        for (size_t n = 1; n < min; n++) {
            size_t total = 1;
            for (size_t i = 0; i < n; i++)
                total *= na;
            for (size_t code = 0; code < total; code++) {
                light_char l[8];
                for (size_t i = 0, c = code; i < n; i++, c /= na)
                    l[i] = (light_char){alpha[c % na], (uint32_t)i};
                int hits = 0;
                detect_text(kind, l, n, count_found, &hits);
                cr_assert_eq(hits, 0, "kind %d matched %zu elements", kind, n);
            }
        }
    }
    /* the least bound: one text of exactly that length matches */
    const char *shortest[] = {"a@b.cc", "a.cn"};
    for (int k = 0; k < 2; k++) {
        int kind = k ? DETECT_URL : DETECT_EMAIL;
        light_char l[8];
        size_t n = strlen(shortest[k]);
        cr_assert_eq(n, detect_min_len(kind));
        for (size_t i = 0; i < n; i++)
            l[i] = (light_char){(uint8_t)shortest[k][i], (uint32_t)i};
        int hits = 0;
        detect_text(kind, l, n, count_found, &hits);
        cr_assert_eq(hits, 1, "%s", shortest[k]);
    }
    /* the digit detectors: their fewest digits */
    for (int kind = DETECT_CN_MOBILE; kind <= DETECT_BANK_CARD; kind++)
        cr_assert_eq(detect_min_len(kind), detect_min_digits(kind));
}
