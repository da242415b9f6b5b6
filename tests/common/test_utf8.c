/* UTF-8 decoding: U+FFFD per maximal subpart for every error class. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/utf8.h"

/* Decode s and return the sequence of code points (-1 for invalid) and the
 * byte length each consumed, as a compact string like "61:1 -1:2". */
static void decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0, o = 0;
    out[0] = 0;
    while (i < n) {
        size_t at = i;
        int32_t c = utf8_next((const uint8_t *)s, n, &i);
        o += (size_t)snprintf(out + o, cap - o, "%s%x:%zu", o ? " " : "", c < 0 ? 0xFFFFFFFFu : (unsigned)c, i - at);
    }
}

#define CHECK(input, expected)                                                         \
    do {                                                                               \
        char got[256];                                                                 \
        decode(input, sizeof(input) - 1, got, sizeof got);                             \
        cr_assert_str_eq(got, expected, "input %s", #input);                           \
    } while (0)

Test(utf8, decodes_well_formed_sequences)
{
    CHECK("a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80", "61:1 e9:2 4e2d:3 1f600:4");
}

Test(utf8, truncated_sequence_is_one_maximal_subpart)
{
    CHECK("\xE4\xB8", "ffffffff:2");        /* end of buffer */
    CHECK("\xE4\xB8z", "ffffffff:2 7a:1");  /* interrupted */
    CHECK("z\xF0\x9F\x98", "7a:1 ffffffff:3");
}

Test(utf8, overlong_forms_are_invalid_byte_by_byte)
{
    CHECK("\xC0\xAF", "ffffffff:1 ffffffff:1");
    CHECK("\xE0\x80\xAF", "ffffffff:1 ffffffff:1 ffffffff:1");
}

Test(utf8, surrogates_are_invalid)
{
    CHECK("\xED\xA0\x80", "ffffffff:1 ffffffff:1 ffffffff:1");
}

Test(utf8, above_u10ffff_is_invalid)
{
    CHECK("\xF4\x90\x80\x80", "ffffffff:1 ffffffff:1 ffffffff:1 ffffffff:1");
    CHECK("\xF5\x80", "ffffffff:1 ffffffff:1");
}

Test(utf8, stray_continuation_and_invalid_lead)
{
    CHECK("\x80" "a", "ffffffff:1 61:1");
    CHECK("a\xFF" "b", "61:1 ffffffff:1 62:1");
    CHECK("\xFE", "ffffffff:1");
}

Test(utf8, nul_is_an_ordinary_character)
{
    char s[] = {'a', 0, 'b'};
    char got[64];
    decode(s, 3, got, sizeof got);
    cr_assert_str_eq(got, "61:1 0:1 62:1");
}

Test(utf8, valid_reports_first_bad_offset)
{
    size_t bad = 99;
    cr_assert(utf8_valid((const uint8_t *)"abc", 3, &bad));
    cr_assert_not(utf8_valid((const uint8_t *)"ab\xC3", 3, &bad));
    cr_assert_eq(bad, 2);
}

/* utf8_bmp3 agrees with utf8_next on every 3-byte input it accepts, and
 * accepts every well-formed 3-byte character. */
Test(utf8, bmp3_agrees_with_next)
{
    for (uint32_t b0 = 0; b0 < 256; b0++)
        for (uint32_t b1 = 0x70; b1 < 0xD0; b1++)
            for (uint32_t b2 = 0; b2 < 256; b2++) {
                uint8_t s[3] = {(uint8_t)b0, (uint8_t)b1, (uint8_t)b2};
                size_t i = 0;
                int32_t c = utf8_next(s, 3, &i);
                uint32_t f = utf8_bmp3(s);
                int well = i == 3 && c >= 0x800 && c <= 0xFFFF;
                cr_assert_eq(f, well ? (uint32_t)c : 0u, "%02x %02x %02x", b0, b1, b2);
            }
}
