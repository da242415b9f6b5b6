/*
 * file.c — file helpers.
 */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

int file_read(const char *path, char **data, size_t *len, screener_error **err_out)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(err_out, SCREENER_E_IO, path, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return err_set(err_out, SCREENER_E_IO, path, 0, "not a regular file");
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return err_set(err_out, SCREENER_E_NOMEM, path, 0, "out of memory");
    }
    for (;;) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) {
            if (ferror(f)) {
                int e = errno;
                free(buf);
                fclose(f);
                return err_set(err_out, SCREENER_E_IO, path, 0, "read error: %s",
                               strerror(e));
            }
            break;
        }
        char *nb = realloc(buf, cap * 2); /* the file grew while we read */
        if (!nb) {
            free(buf);
            fclose(f);
            return err_set(err_out, SCREENER_E_NOMEM, path, 0, "out of memory");
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return SCREENER_OK;
}

int file_write_atomic(const char *path, const void *data, size_t len,
                      screener_error **err_out)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 32);
    if (!tmp)
        return err_set(err_out, SCREENER_E_NOMEM, path, 0, "out of memory");
    snprintf(tmp, pl + 32, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int e = errno;
        free(tmp);
        return err_set(err_out, SCREENER_E_IO, path, 0, "cannot create: %s", strerror(e));
    }
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fflush(f) == 0) && ok;
    ok = (fsync(fileno(f)) == 0) && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return err_set(err_out, SCREENER_E_IO, path, 0, "cannot write: %s", strerror(e));
    }
    free(tmp);
    return SCREENER_OK;
}
