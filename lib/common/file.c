/*
 * file.c — file helpers.
 */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "alloc.h"

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
    char *buf = mem_malloc_large(cap);
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
                mem_free(buf);
                fclose(f);
                return err_set(err_out, SCREENER_E_IO, path, 0, "read error: %s",
                               strerror(e));
            }
            break;
        }
        char *nb = mem_realloc(buf, cap * 2); /* the file grew while we read */
        if (!nb) {
            mem_free(buf);
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

/* ---- atomic replacement ------------------------------------------------- */

/*
 * The only things a save may replace: a missing path or a regular file.
 * lstat, so a symbolic link (to a device, a directory, anything) is refused
 * rather than replaced; a device, FIFO or directory is refused rather than
 * turned into a regular file (`-o /dev/full` as root).
 */
static int check_target(const char *path, screener_error **err_out)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return SCREENER_OK;
        return err_set(err_out, SCREENER_E_IO, path, 0, "cannot stat: %s", strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return err_set(err_out, SCREENER_E_IO, path, 0,
                       "not a regular file (a symbolic link); refusing to replace it");
    if (!S_ISREG(st.st_mode))
        return err_set(err_out, SCREENER_E_IO, path, 0,
                       "not a regular file; refusing to replace it");
    return SCREENER_OK;
}

/* 64 unpredictable bits for a temporary name. */
static uint64_t tmp_random(void)
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) == (ssize_t)sizeof r)
        return r;
    struct timespec ts; /* no entropy yet (early boot): O_EXCL still protects */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40) ^
           (uint64_t)(uintptr_t)&r;
}

/*
 * Create PATH.tmp.<random> exclusively (O_EXCL: never an existing file, never
 * through a symbolic link planted at that name), in path's directory so the
 * rename stays on one file system. Mode 0666 & ~umask, like fopen. Returns the
 * descriptor (name in tmp, pl + 32 bytes) or -1 with errno set.
 */
static int tmp_create(const char *path, char *tmp, size_t cap)
{
    for (int tries = 0; tries < 100; tries++) {
        snprintf(tmp, cap, "%s.tmp.%016llx", path, (unsigned long long)tmp_random());
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Write all of data to fd and fsync it; 0 or an errno value. */
static int write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        data += w;
        len -= (size_t)w;
    }
    return fsync(fd) == 0 ? 0 : errno;
}

/* The directory holding path (malloc'ed; "." for a bare name), or NULL. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? mem_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : mem_strdup(".");
}

/* fsync directory dir, so that the rename itself is durable. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd); /* best effort: the data itself is already synced */
        close(fd);
    }
}

int file_write_atomic(const char *path, const void *data, size_t len,
                      screener_error **err_out)
{
    int rc = check_target(path, err_out);
    if (rc)
        return rc;
    size_t cap = strlen(path) + 32;
    char *tmp = mem_malloc(cap), *dir = dir_of(path); /* both before anything is written */
    if (!tmp || !dir) {
        mem_free(tmp);
        mem_free(dir);
        return err_set(err_out, SCREENER_E_NOMEM, path, 0, "out of memory");
    }
    int fd = tmp_create(path, tmp, cap);
    if (fd < 0) {
        int e = errno;
        mem_free(tmp);
        mem_free(dir);
        return err_set(err_out, SCREENER_E_IO, path, 0, "cannot create a temporary file: %s",
                       strerror(e));
    }
    int e = write_all(fd, data, len);
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e) {
        rc = check_target(path, err_out); /* again: it may have changed meanwhile */
        if (!rc && rename(tmp, path) != 0)
            e = errno;
    }
    if (rc || e) {
        unlink(tmp);
        mem_free(tmp);
        mem_free(dir);
        return rc ? rc : err_set(err_out, SCREENER_E_IO, path, 0, "cannot write: %s",
                                 strerror(e));
    }
    mem_free(tmp);
    sync_dir(dir);
    mem_free(dir);
    return SCREENER_OK;
}
