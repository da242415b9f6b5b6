/*
 * error.c — screener_error objects and status names.
 */
#include "error.h"
#include "utf8.h"
#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int err_set(screener_error **err_out, int status, const char *file,
            unsigned line, const char *fmt, ...)
{
    if (!err_out)
        return status;
    *err_out = NULL;
    char body[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);

    screener_error *e = mem_calloc(1, sizeof *e);
    if (!e)
        return status;
    size_t need = strlen(body) + (file ? strlen(file) : 0) + 32;
    e->message = mem_malloc(need);
    if (!e->message) {
        mem_free(e);
        return status;
    }
    if (file && line)
        snprintf(e->message, need, "%s:%u: %s", file, line, body);
    else if (file)
        snprintf(e->message, need, "%s: %s", file, body);
    else
        snprintf(e->message, need, "%s", body);
    if (file) {
        e->file = mem_strdup(file);
        if (!e->file) {
            mem_free(e->message);
            mem_free(e);
            return status;
        }
    }
    e->status = status;
    e->line = line;
    *err_out = e;
    return status;
}

char *err_excerpt(char *dst, size_t cap, const char *text, size_t len)
{
    size_t o = 0;
    const unsigned char *s = (const unsigned char *)text;
    if (cap == 0)
        return dst;
    size_t i = 0;
    while (i < len && o + 8 < cap) {
        if (i >= 80) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        size_t at = i;
        int32_t c = utf8_next(s, len, &i);
        if (c < 0 || c < 0x20 || c == 0x7f || c == '`') {
            for (size_t k = at; k < i && o + 8 < cap; k++)
                o += (size_t)snprintf(dst + o, cap - o, "\\x%02X", s[k]);
        } else if (o + (i - at) + 8 < cap) {
            memcpy(dst + o, s + at, i - at);
            o += i - at;
        } else {
            break;
        }
    }
    dst[o] = '\0';
    return dst;
}

SCREENER_API int screener_error_status(const screener_error *err)
{
    return err ? err->status : SCREENER_OK;
}

SCREENER_API const char *screener_error_message(const screener_error *err)
{
    if (!err)
        return "no error";
    return err->message;
}

SCREENER_API const char *screener_error_file(const screener_error *err)
{
    return err ? err->file : NULL;
}

SCREENER_API unsigned screener_error_line(const screener_error *err)
{
    return err ? err->line : 0;
}

SCREENER_API void screener_error_free(screener_error *err)
{
    if (!err)
        return;
    mem_free(err->message);
    mem_free(err->file);
    mem_free(err);
}
