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

/* Replace path with data atomically: write a new temporary file in the same
 * directory (PATH.tmp.<random>, created with O_EXCL|O_NOFOLLOW), fsync it,
 * rename it over path and fsync the directory. Only a missing path or a
 * regular file is replaced; anything else (symbolic link, device, FIFO,
 * directory) is refused with SCREENER_E_IO "not a regular file". On failure
 * the temporary file is removed and path is untouched. */
int file_write_atomic(const char *path, const void *data, size_t len,
                      screener_error **err_out);

#endif
