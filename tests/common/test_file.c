/* file_write_atomic (screener_db_save, `screener compile -o`): replaces only a
 * missing path or a regular file, never writes through a planted symbolic
 * link, and leaves no temporary file behind. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/file.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/screener-file-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(file, .init = setup, .fini = teardown);

static const char *at(const char *name)
{
    static char p[4][160];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void assert_content(const char *path, const char *want)
{
    char *got = NULL;
    size_t n = 0;
    cr_assert_eq(file_read(path, &got, &n, NULL), SCREENER_OK, "%s", path);
    cr_assert_str_eq(got, want, "%s", path);
    free(got);
}

static size_t entries_in_dir(void)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* Write and expect failure with "not a regular file" naming path. */
static void assert_refused(const char *path)
{
    screener_error *err = NULL;
    cr_assert_eq(file_write_atomic(path, "new", 3, &err), SCREENER_E_IO, "%s", path);
    const char *m = screener_error_message(err);
    cr_assert(strstr(m, "not a regular file") && strstr(m, path), "message: %s", m);
    screener_error_free(err);
}

Test(file, a_missing_file_is_created)
{
    cr_assert_eq(file_write_atomic(at("new.db"), "data", 4, NULL), SCREENER_OK);
    assert_content(at("new.db"), "data");
    cr_assert_eq(entries_in_dir(), 1, "no temporary file left");
}

Test(file, a_regular_file_is_replaced)
{
    put(at("out.db"), "old contents");
    cr_assert_eq(file_write_atomic(at("out.db"), "new", 3, NULL), SCREENER_OK);
    assert_content(at("out.db"), "new");
    cr_assert_eq(entries_in_dir(), 1);
}

/* The old temporary name was PATH.tmp.<pid>: a symbolic link planted there
 * made the writer overwrite the link's target. */
Test(file, a_symlink_at_the_old_temporary_name_is_not_followed)
{
    put(at("victim.txt"), "precious data\n");
    char planted[200];
    snprintf(planted, sizeof planted, "%s.tmp.%ld", at("out.db"), (long)getpid());
    cr_assert_eq(symlink(at("victim.txt"), planted), 0);
    cr_assert_eq(file_write_atomic(at("out.db"), "database", 8, NULL), SCREENER_OK);
    assert_content(at("victim.txt"), "precious data\n");
    assert_content(at("out.db"), "database");
    struct stat st;
    cr_assert_eq(lstat(planted, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the planted link is left alone");
    cr_assert_eq(entries_in_dir(), 3);
}

/* `-o /dev/full` as root replaced the device node with a regular file. The
 * test uses its own node for the same device when it may create one (root),
 * so that a regression cannot destroy the system's /dev/full; otherwise
 * /dev/full itself, which a non-root writer cannot replace anyway. */
Test(file, a_device_is_refused_and_survives)
{
    const char *dev = at("full");
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 7)) != 0)
        dev = "/dev/full";
    struct stat before, after;
    cr_assert_eq(stat(dev, &before), 0);
    cr_assert(S_ISCHR(before.st_mode));
    assert_refused(dev);
    cr_assert_eq(lstat(dev, &after), 0);
    cr_assert(S_ISCHR(after.st_mode), "%s is still a device", dev);
    cr_assert_eq(after.st_rdev, before.st_rdev);
    cr_assert_eq(after.st_ino, before.st_ino);
}

Test(file, a_directory_is_refused)
{
    cr_assert_eq(mkdir(at("sub"), 0700), 0);
    assert_refused(at("sub"));
    struct stat st;
    cr_assert_eq(lstat(at("sub"), &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    cr_assert_eq(entries_in_dir(), 1, "no temporary file left");
}

Test(file, a_symlink_to_a_device_is_refused)
{
    cr_assert_eq(symlink("/dev/null", at("link.db")), 0);
    assert_refused(at("link.db"));
    struct stat st;
    cr_assert_eq(lstat(at("link.db"), &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link is not replaced");
    cr_assert_eq(entries_in_dir(), 1);
}

Test(file, a_symlink_to_a_regular_file_is_refused)
{
    put(at("real.db"), "real");
    cr_assert_eq(symlink(at("real.db"), at("link.db")), 0);
    assert_refused(at("link.db"));
    assert_content(at("real.db"), "real");
    cr_assert_eq(entries_in_dir(), 2);
}

Test(file, a_fifo_is_refused)
{
    cr_assert_eq(mkfifo(at("fifo"), 0600), 0);
    assert_refused(at("fifo"));
    cr_assert_eq(entries_in_dir(), 1);
}

/* A write that fails half-way (file size limit) leaves the old file and no
 * temporary file. */
Test(file, a_failed_write_leaves_the_target_and_no_temporary)
{
    put(at("out.db"), "old");
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {16, 16};
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    static char big[4096];
    memset(big, 'x', sizeof big);
    screener_error *err = NULL;
    cr_assert_eq(file_write_atomic(at("out.db"), big, sizeof big, &err), SCREENER_E_IO);
    cr_assert(strstr(screener_error_message(err), "cannot write"), "%s",
              screener_error_message(err));
    screener_error_free(err);
    assert_content(at("out.db"), "old");
    cr_assert_eq(entries_in_dir(), 1, "no temporary file left");
}

Test(file, a_missing_directory_is_an_error_naming_the_path)
{
    screener_error *err = NULL;
    cr_assert_eq(file_write_atomic(at("nodir/out.db"), "x", 1, &err), SCREENER_E_IO);
    cr_assert(strstr(screener_error_message(err), "nodir/out.db"), "%s",
              screener_error_message(err));
    screener_error_free(err);
}
