/*
 * json.c — JSON string escaping.
 */
#include "json.h"

#include <stdint.h>

/* A private copy of the library's decoding rule would duplicate
 * lib/common/utf8.h; the CLI includes it instead (header-only). */
#include "../lib/common/utf8.h"

void json_string(FILE *out, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    fputc('"', out);
    while (i < n) {
        size_t at = i;
        int32_t c = utf8_next(p, n, &i);
        if (c < 0) {
            fputs("\xEF\xBF\xBD", out);
        } else if (c == '"') {
            fputs("\\\"", out);
        } else if (c == '\\') {
            fputs("\\\\", out);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\r') {
            fputs("\\r", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(out, "\\u%04x", (unsigned)c);
        } else {
            fwrite(p + at, 1, i - at, out);
        }
    }
    fputc('"', out);
}
