/*
 * file.h — whole-file reads and atomic writes with errors naming the path.
 */
#ifndef SCREENER_COMMON_FILE_H
#define SCREENER_COMMON_FILE_H

#include <stddef.h>

#include "screener.h"

/* Read a whole file into a malloc'ed buffer (NUL-terminated for
 * convenience; *len excludes it). */
int file_read(const char *path, char **data, size_t *len, screener_error **err_out);

/* Write to path.tmp.PID then rename over path. */
int file_write_atomic(const char *path, const void *data, size_t len,
                      screener_error **err_out);

#endif
