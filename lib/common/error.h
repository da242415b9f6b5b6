/*
 * error.h — internal helpers to build screener_error diagnostics.
 */
#ifndef SCREENER_COMMON_ERROR_H
#define SCREENER_COMMON_ERROR_H

#include "screener.h"

struct screener_error {
    int status;
    char *message; /* "FILE:LINE: text" or "text" */
    char *file;    /* NULL when not applicable */
    unsigned line; /* 0 when not applicable */
};

/*
 * Report an error: if err_out is non-NULL, allocate a screener_error with the
 * formatted message (prefixed "FILE:LINE: " when file is given and line > 0,
 * "FILE: " when line is 0). Returns status, so callers can write
 * `return err_set(err_out, SCREENER_E_IO, path, 0, "cannot open: %s", ...)`.
 * If allocation fails, *err_out is left NULL and status is still returned.
 */
int err_set(screener_error **err_out, int status, const char *file,
            unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Append a short quoted excerpt of (text, len) to dst (size cap): at most
 * 80 bytes, invalid UTF-8 and control bytes shown as \xNN. Returns dst. */
char *err_excerpt(char *dst, size_t cap, const char *text, size_t len);

#endif
