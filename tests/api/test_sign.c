/* Signed database files through the public API: key files, signing, and
 * loading only what a trusted key signed (docs/security.md). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "screener.h"

static char dir[256];

static const char *path_in(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/screener-sign-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(sign, .init = setup, .fini = teardown);

static const char *msg(screener_error *err)
{
    return err ? screener_error_message(err) : "(no message)";
}

static screener_key *keypair(const char *sec, const char *pub, screener_key **pub_out)
{
    screener_error *err = NULL;
    cr_assert_eq(screener_keygen(path_in(sec), path_in(pub), &err), SCREENER_OK, "%s", msg(err));
    screener_key *s = NULL, *p = NULL;
    cr_assert_eq(screener_key_load(path_in(sec), SCREENER_KEY_SECRET, &s, &err), SCREENER_OK,
                 "%s", msg(err));
    cr_assert_eq(screener_key_load(path_in(pub), SCREENER_KEY_PUBLIC, &p, &err), SCREENER_OK,
                 "%s", msg(err));
    cr_assert_str_eq(screener_key_id(s), screener_key_id(p));
    *pub_out = p;
    return s;
}

static screener_db *small_db(void)
{
    const char *text = "foo\nbar\n";
    screener_source src = {.name = "mem.txt", .text = text, .len = strlen(text)};
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_compile(NULL, &src, 1, &db, &err), SCREENER_OK, "%s", msg(err));
    return db;
}

static int load_with(const void *buf, size_t len, screener_key *pub, screener_db **db,
                     screener_error **err)
{
    screener_load_options lo;
    memset(&lo, 0, sizeof lo);
    lo.struct_size = sizeof lo;
    lo.trusted_keys = (const screener_key *const *)&pub;
    lo.n_trusted_keys = pub ? 1 : 0;
    return screener_db_deserialize_ex(buf, len, &lo, db, err);
}

/* A signed copy of the small database. */
static uint8_t *signed_bytes(screener_key *sec, size_t *len)
{
    screener_db *db = small_db();
    void *b = NULL;
    cr_assert_eq(screener_db_serialize_signed(db, sec, &b, len), SCREENER_OK);
    screener_db_free(db);
    return b;
}

Test(sign, keygen_creates_a_0600_secret_and_refuses_to_overwrite)
{
    screener_key *pub, *sec = keypair("s.key", "p.key", &pub);
    struct stat st;
    cr_assert_eq(stat(path_in("s.key"), &st), 0);
    cr_assert_eq(st.st_mode & 077, 0, "secret key mode %o", st.st_mode & 0777);
    screener_error *err = NULL;
    /* an existing secret, or an existing public file: nothing overwritten, nothing left */
    cr_assert_eq(screener_keygen(path_in("s.key"), path_in("p2.key"), &err), SCREENER_E_IO);
    cr_assert(strstr(msg(err), "s.key") && strstr(msg(err), "already exists"), "%s", msg(err));
    screener_error_free(err);
    cr_assert_eq(screener_keygen(path_in("s2.key"), path_in("p.key"), &err), SCREENER_E_IO);
    cr_assert(strstr(msg(err), "p.key"), "%s", msg(err));
    screener_error_free(err);
    cr_assert_eq(access(path_in("s2.key"), F_OK), -1, "secret left behind");
    /* a symbolic link planted at the secret's name is not followed */
    cr_assert_eq(symlink(path_in("target"), path_in("link.key")), 0);
    cr_assert_eq(screener_keygen(path_in("link.key"), path_in("p3.key"), &err), SCREENER_E_IO);
    screener_error_free(err);
    cr_assert_eq(access(path_in("target"), F_OK), -1, "link followed");
    cr_assert_eq(screener_keygen(path_in("x"), path_in("x"), &err), SCREENER_E_INVALID_ARGUMENT);
    screener_error_free(err);
    screener_key_free(sec);
    screener_key_free(pub);
}

Test(sign, signed_file_verifies_and_says_so)
{
    screener_key *pub, *sec = keypair("s.key", "p.key", &pub);
    screener_db *db = small_db();
    screener_error *err = NULL;
    cr_assert_eq(screener_db_save_signed(db, path_in("db.scdb"), sec, &err), SCREENER_OK, "%s",
                 msg(err));
    screener_load_options lo = {.struct_size = sizeof lo,
                                .trusted_keys = (const screener_key *const *)&pub,
                                .n_trusted_keys = 1};
    screener_db *db2 = NULL;
    cr_assert_eq(screener_db_load_ex(path_in("db.scdb"), &lo, &db2, &err), SCREENER_OK, "%s",
                 msg(err));
    cr_assert_str_eq(screener_db_fingerprint(db2), screener_db_fingerprint(db));
    screener_db_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    cr_assert_eq(screener_db_get_info(db2, &info), SCREENER_OK);
    cr_assert_eq(info.signature, SCREENER_SIGNATURE_VERIFIED);
    cr_assert_str_eq(info.signature_key_id, screener_key_id(pub));
    screener_db_free(db2);
    /* without keys a signed file loads as trusted input, marked unverified */
    cr_assert_eq(screener_db_load(path_in("db.scdb"), &db2, &err), SCREENER_OK, "%s", msg(err));
    cr_assert_eq(screener_db_get_info(db2, &info), SCREENER_OK);
    cr_assert_eq(info.signature, SCREENER_SIGNATURE_UNVERIFIED);
    cr_assert_str_eq(info.signature_key_id, screener_key_id(pub));
    /* serializing gives the unsigned database again */
    void *b;
    size_t len;
    cr_assert_eq(screener_db_serialize(db2, &b, &len), SCREENER_OK);
    cr_assert_eq(len, info.serialized_size);
    screener_free(b);
    screener_db_free(db2);
    /* an unsigned file: no signature */
    cr_assert_eq(screener_db_save(db, path_in("plain.scdb"), &err), SCREENER_OK);
    cr_assert_eq(screener_db_load(path_in("plain.scdb"), &db2, &err), SCREENER_OK);
    cr_assert_eq(screener_db_get_info(db2, &info), SCREENER_OK);
    cr_assert_eq(info.signature, SCREENER_SIGNATURE_NONE);
    cr_assert_null(info.signature_key_id);
    screener_db_free(db2);
    screener_db_free(db);
    screener_key_free(sec);
    screener_key_free(pub);
}

Test(sign, wrong_key_and_unsigned_files_are_refused)
{
    screener_key *pub, *sec = keypair("s.key", "p.key", &pub);
    screener_key *pub2, *sec2 = keypair("s2.key", "p2.key", &pub2);
    size_t len;
    uint8_t *b = signed_bytes(sec, &len);
    screener_db *db = NULL;
    screener_error *err = NULL;
    cr_assert_eq(load_with(b, len, pub2, &db, &err), SCREENER_E_DB_SIGNATURE);
    cr_assert_null(db);
    cr_assert(strstr(msg(err), screener_key_id(pub)) && strstr(msg(err), "not a trusted key"),
              "%s", msg(err));
    screener_error_free(err);
    /* two trusted keys (rotation): the one with the file's key id verifies */
    const screener_key *both[2] = {pub2, pub};
    screener_load_options lo = {.struct_size = sizeof lo, .trusted_keys = both,
                                .n_trusted_keys = 2};
    cr_assert_eq(screener_db_deserialize_ex(b, len, &lo, &db, &err), SCREENER_OK, "%s", msg(err));
    screener_db_free(db);
    /* the unsigned blob with a key */
    cr_assert_eq(load_with(b, len - 96, pub, &db, &err), SCREENER_E_DB_SIGNATURE);
    cr_assert(strstr(msg(err), "no signature"), "%s", msg(err));
    screener_error_free(err);
    /* a secret key where a trusted (public) one is expected */
    cr_assert_eq(load_with(b, len, sec, &db, &err), SCREENER_E_INVALID_ARGUMENT);
    screener_error_free(err);
    /* signing with a public key */
    screener_db *small = small_db();
    void *out;
    size_t olen;
    cr_assert_eq(screener_db_serialize_signed(small, pub, &out, &olen),
                 SCREENER_E_INVALID_ARGUMENT);
    screener_db_free(small);
    free(b);
    screener_key_free(sec);
    screener_key_free(pub);
    screener_key_free(sec2);
    screener_key_free(pub2);
}

/* Every flipped bit is refused as a signature failure (never as a format
 * error: the database is not looked at before the signature verifies). */
Test(sign, one_flipped_bit_anywhere_is_refused)
{
    screener_key *pub, *sec = keypair("s.key", "p.key", &pub);
    size_t len;
    uint8_t *b = signed_bytes(sec, &len);
    srand(12345);
    size_t tried = 0;
    for (size_t i = 0; i < len; i += (i < 1024 || i + 256 > len) ? 1 : 1 + (size_t)rand() % 400) {
        uint8_t bit = (uint8_t)(1u << (rand() % 8));
        b[i] ^= bit;
        screener_db *db = NULL;
        int rc = load_with(b, len, pub, &db, NULL);
        cr_assert_eq(rc, SCREENER_E_DB_SIGNATURE, "byte %zu bit %u: %d", i, bit, rc);
        cr_assert_null(db);
        b[i] ^= bit;
        tried++;
    }
    cr_assert_gt(tried, 1500);
    screener_db *db = NULL;
    cr_assert_eq(load_with(b, len, pub, &db, NULL), SCREENER_OK);
    screener_db_free(db);
    free(b);
    screener_key_free(sec);
    screener_key_free(pub);
}

Test(sign, truncated_or_extended_signature_is_refused)
{
    screener_key *pub, *sec = keypair("s.key", "p.key", &pub);
    size_t len;
    uint8_t *b = signed_bytes(sec, &len);
    screener_db *db = NULL;
    for (size_t cut = 1; cut <= 100; cut++)
        cr_assert_eq(load_with(b, len - cut, pub, &db, NULL), SCREENER_E_DB_SIGNATURE, "cut %zu",
                     cut);
    for (size_t n = 0; n < 96; n++)
        cr_assert_eq(load_with(b + len - n, n, pub, &db, NULL), SCREENER_E_DB_SIGNATURE);
    uint8_t *longer = malloc(len + 8);
    memcpy(longer, b, len);
    memset(longer + len, 0, 8);
    cr_assert_eq(load_with(longer, len + 8, pub, &db, NULL), SCREENER_E_DB_SIGNATURE);
    free(longer);
    free(b);
    screener_key_free(sec);
    screener_key_free(pub);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    int fd = open(path_in(name), O_WRONLY | O_CREAT | O_TRUNC, mode);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    chmod(path_in(name), mode);
}

/* Load name as kind and expect status and a message naming the file and
 * containing what. */
static void key_error(const char *name, int kind, int status, const char *what)
{
    screener_key *k = NULL;
    screener_error *err = NULL;
    cr_assert_eq(screener_key_load(path_in(name), kind, &k, &err), status, "%s: %s", name,
                 msg(err));
    cr_assert_null(k);
    cr_assert(strstr(msg(err), name) && strstr(msg(err), what), "%s", msg(err));
    screener_error_free(err);
}

Test(sign, key_file_errors_name_the_file_and_the_fault)
{
    screener_key *pub, *sec = keypair("s.key", "p.key", &pub);
    key_error("p.key", SCREENER_KEY_SECRET, SCREENER_E_INVALID_ARGUMENT, "public key file");
    key_error("s.key", SCREENER_KEY_PUBLIC, SCREENER_E_INVALID_ARGUMENT, "SECRET key file");
    key_error("missing.key", SCREENER_KEY_PUBLIC, SCREENER_E_IO, "cannot open");
    write_file("empty.key", "", 0644);
    key_error("empty.key", SCREENER_KEY_PUBLIC, SCREENER_E_INVALID_ARGUMENT, "not a screener key");
    write_file("ssh.key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\n", 0644);
    key_error("ssh.key", SCREENER_KEY_PUBLIC, SCREENER_E_INVALID_ARGUMENT, "line 1");
    write_file("short.key", "screener-ed25519-public-key-v1\nabcd\n", 0644);
    key_error("short.key", SCREENER_KEY_PUBLIC, SCREENER_E_INVALID_ARGUMENT, "64 hex digits");
    write_file("bad.key",
               "screener-ed25519-public-key-v1\n"
               "zz1e4805be644a2801650b88b446ee8a75ffe4938364abb1bd2cc2439ae3faef\n",
               0644);
    key_error("bad.key", SCREENER_KEY_PUBLIC, SCREENER_E_INVALID_ARGUMENT, ":2:");
    write_file("extra.key",
               "screener-ed25519-public-key-v1\n"
               "831e4805be644a2801650b88b446ee8a75ffe4938364abb1bd2cc2439ae3faef\nmore\n",
               0644);
    key_error("extra.key", SCREENER_KEY_PUBLIC, SCREENER_E_INVALID_ARGUMENT, "end the file");
    cr_assert_eq(chmod(path_in("s.key"), 0640), 0);
    key_error("s.key", SCREENER_KEY_SECRET, SCREENER_E_IO, "chmod 600");
    screener_key_free(sec);
    screener_key_free(pub);
    screener_key_free(NULL);
    cr_assert_null(screener_key_id(NULL));
}

Test(sign, handle_reload_keeps_the_old_database_on_a_bad_signature)
{
    screener_key *pub, *sec = keypair("s.key", "p.key", &pub);
    screener_db *db = small_db();
    screener_error *err = NULL;
    cr_assert_eq(screener_db_save_signed(db, path_in("good.scdb"), sec, &err), SCREENER_OK);
    cr_assert_eq(screener_db_save(db, path_in("plain.scdb"), &err), SCREENER_OK);
    screener_handle *h = NULL;
    cr_assert_eq(screener_handle_new(db, &h), SCREENER_OK);
    screener_load_options lo = {.struct_size = sizeof lo,
                                .trusted_keys = (const screener_key *const *)&pub,
                                .n_trusted_keys = 1};
    cr_assert_eq(screener_handle_load_ex(h, path_in("plain.scdb"), &lo, &err),
                 SCREENER_E_DB_SIGNATURE);
    cr_assert(strstr(msg(err), "plain.scdb"), "%s", msg(err));
    screener_error_free(err);
    cr_assert_eq(screener_handle_version(h), 1);
    cr_assert_eq(screener_handle_load_ex(h, path_in("good.scdb"), &lo, &err), SCREENER_OK, "%s",
                 msg(err));
    cr_assert_eq(screener_handle_version(h), 2);
    screener_handle_free(h);
    screener_key_free(sec);
    screener_key_free(pub);
}
