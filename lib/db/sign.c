/*
 * sign.c — signed database files: key files (the one owner of their format),
 * key generation, signing a blob and checking a signed file before any byte
 * of its database is interpreted. Ed25519 from libsodium (docs/security.md
 * says why libsodium). The trailer layout belongs to format.c.
 *
 * Key files are two lines of text:
 *     screener-ed25519-public-key-v1        or  screener-ed25519-secret-key-v1
 *     <64 hex digits: the public key>           <64 hex digits: the secret seed>
 * The first line says which kind the file is, so a public key is never taken
 * for a secret one (or the reverse).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/error.h"
#include "common/file.h"
#include "db.h"
#include "common/alloc.h"

#define KEY_MAGIC_PUBLIC "screener-ed25519-public-key-v1"
#define KEY_MAGIC_SECRET "screener-ed25519-secret-key-v1"

struct screener_key {
    int kind;                                   /* SCREENER_KEY_* */
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];     /* always set */
    uint8_t sk[crypto_sign_SECRETKEYBYTES];     /* secret keys only */
    uint8_t id[16];
    char id_hex[33];
};

_Static_assert(crypto_sign_BYTES == 64, "Ed25519 signature size");

static int sodium_ready(screener_error **err_out)
{
    if (sodium_init() < 0)
        return err_set(err_out, SCREENER_E_UNSUPPORTED, NULL, 0,
                       "libsodium failed to initialise");
    return SCREENER_OK;
}

static void key_id_of(const uint8_t pk[32], uint8_t id[16])
{
    crypto_generichash(id, 16, pk, 32, NULL, 0);
}

static void hex16(const uint8_t id[16], char out[33])
{
    sodium_bin2hex(out, 33, id, 16);
}

static void key_finish(screener_key *k)
{
    key_id_of(k->pk, k->id);
    hex16(k->id, k->id_hex);
}

/* ---- key files ---------------------------------------------------------- */

/* Create path exclusively (no existing file, no symbolic link) with mode and
 * write text to it, synced. 0 or an errno value; on failure nothing is left. */
static int write_new_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return errno;
    size_t len = strlen(text), done = 0;
    int e = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            e = w < 0 ? errno : EIO;
            break;
        }
        done += (size_t)w;
    }
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (e)
        unlink(path);
    return e;
}

static int create_error(screener_error **err_out, const char *path, int e)
{
    if (e == EEXIST)
        return err_set(err_out, SCREENER_E_IO, path, 0,
                       "already exists; refusing to overwrite a key file");
    return err_set(err_out, SCREENER_E_IO, path, 0, "cannot create: %s", strerror(e));
}

SCREENER_API int screener_keygen(const char *secret_path, const char *public_path,
                                 screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!secret_path || !public_path || strcmp(secret_path, public_path) == 0)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "screener_keygen: needs two different file names");
    int rc = sodium_ready(err_out);
    if (rc)
        return rc;
    uint8_t seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES],
        sk[crypto_sign_SECRETKEYBYTES];
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    char text[sizeof KEY_MAGIC_SECRET + 2 * 32 + 8];
    char hex[2 * 32 + 1];
    sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
    snprintf(text, sizeof text, "%s\n%s\n", KEY_MAGIC_SECRET, hex);
    int e = write_new_file(secret_path, text, 0600);
    sodium_memzero(text, sizeof text);
    sodium_memzero(hex, sizeof hex);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    if (e)
        return create_error(err_out, secret_path, e);
    sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
    snprintf(text, sizeof text, "%s\n%s\n", KEY_MAGIC_PUBLIC, hex);
    e = write_new_file(public_path, text, 0644);
    if (e) {
        unlink(secret_path); /* ours: created exclusively above */
        return create_error(err_out, public_path, e);
    }
    return SCREENER_OK;
}

/* Parse a key file's text (len bytes) into k; kind is what the caller wants. */
static int parse_key(const char *path, const char *text, size_t len, int kind, screener_key *k,
                     screener_error **err_out)
{
    const char *want = kind == SCREENER_KEY_PUBLIC ? KEY_MAGIC_PUBLIC : KEY_MAGIC_SECRET;
    const char *other = kind == SCREENER_KEY_PUBLIC ? KEY_MAGIC_SECRET : KEY_MAGIC_PUBLIC;
    size_t wl = strlen(want);
    const char *nl = memchr(text, '\n', len);
    size_t l1 = nl ? (size_t)(nl - text) : len;
    if (l1 == strlen(other) && memcmp(text, other, l1) == 0)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, path, 0,
                       kind == SCREENER_KEY_PUBLIC
                           ? "this is a SECRET key file; give the public key file here "
                             "(keep the secret one on the signing host)"
                           : "this is a public key file; signing needs the secret key file");
    if (l1 != wl || memcmp(text, want, wl) != 0)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, path, 0,
                       "not a screener key file: line 1 should be \"%s\"", want);
    const char *h = text + l1 + 1;
    size_t rest = nl ? len - l1 - 1 : 0;
    size_t hl = rest;
    if (hl && h[hl - 1] == '\n')
        hl--;
    uint8_t bin[32];
    size_t got = 0;
    const char *end = NULL;
    if (hl != 64 || sodium_hex2bin(bin, sizeof bin, h, hl, NULL, &got, &end) != 0 ||
        got != 32 || end != h + hl)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, path, 2,
                       "malformed key: line 2 must be 64 hex digits and end the file");
    k->kind = kind;
    if (kind == SCREENER_KEY_PUBLIC)
        memcpy(k->pk, bin, 32);
    else
        crypto_sign_seed_keypair(k->pk, k->sk, bin);
    sodium_memzero(bin, sizeof bin);
    key_finish(k);
    return SCREENER_OK;
}

SCREENER_API int screener_key_load(const char *path, int kind, screener_key **key_out,
                                   screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!path || !key_out || (kind != SCREENER_KEY_PUBLIC && kind != SCREENER_KEY_SECRET))
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "screener_key_load: NULL argument or unknown key kind");
    *key_out = NULL;
    int rc = sodium_ready(err_out);
    if (rc)
        return rc;
    char *text;
    size_t len;
    rc = file_read(path, &text, &len, err_out);
    if (rc)
        return rc;
    screener_key *k = mem_calloc(1, sizeof *k);
    if (!k)
        rc = err_set(err_out, SCREENER_E_NOMEM, path, 0, "out of memory");
    else
        rc = parse_key(path, text, len, kind, k, err_out);
    struct stat st;
    if (!rc && kind == SCREENER_KEY_SECRET && stat(path, &st) == 0 && (st.st_mode & 077))
        rc = err_set(err_out, SCREENER_E_IO, path, 0,
                     "secret key file is accessible by others (mode %04o); chmod 600 it",
                     (unsigned)(st.st_mode & 07777));
    sodium_memzero(text, len);
    mem_free(text);
    if (rc) {
        screener_key_free(k);
        return rc;
    }
    *key_out = k;
    return SCREENER_OK;
}

SCREENER_API const char *screener_key_id(const screener_key *key)
{
    return key ? key->id_hex : NULL;
}

SCREENER_API void screener_key_free(screener_key *key)
{
    if (!key)
        return;
    sodium_memzero(key, sizeof *key);
    mem_free(key);
}

/* ---- signing ------------------------------------------------------------- */

SCREENER_API int screener_db_serialize_signed(const screener_db *db, const screener_key *secret,
                                              void **buf_out, size_t *len_out)
{
    if (!db || !secret || !buf_out || !len_out || secret->kind != SCREENER_KEY_SECRET)
        return SCREENER_E_INVALID_ARGUMENT;
    if (sodium_init() < 0)
        return SCREENER_E_UNSUPPORTED;
    size_t len = db->blob_len + sizeof(db_sig_trailer);
    uint8_t *b = mem_malloc(len);
    if (!b)
        return SCREENER_E_NOMEM;
    memcpy(b, db->blob, db->blob_len);
    db_sig_trailer t;
    db_sig_init(&t, secret->id);
    memcpy(b + db->blob_len, &t, sizeof t);
    crypto_sign_detached(b + len - 64, NULL, b, len - 64, secret->sk);
    *buf_out = b;
    *len_out = len;
    return SCREENER_OK;
}

SCREENER_API int screener_db_save_signed(const screener_db *db, const char *path,
                                         const screener_key *secret, screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!db || !path || !secret)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "screener_db_save_signed: NULL argument");
    if (secret->kind != SCREENER_KEY_SECRET)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, path, 0,
                       "signing needs a secret key, got a public one");
    void *b;
    size_t len;
    int rc = screener_db_serialize_signed(db, secret, &b, &len);
    if (rc)
        return err_set(err_out, rc, path, 0, "cannot sign: %s", screener_strerror(rc));
    rc = file_write_atomic(path, b, len, err_out);
    mem_free(b);
    return rc;
}

/* ---- checking a file ----------------------------------------------------- */

/* A trusted key with this id, or NULL. */
static const screener_key *find_key(const screener_load_options *o, const uint8_t id[16])
{
    for (size_t i = 0; i < o->n_trusted_keys; i++)
        if (o->trusted_keys[i] && memcmp(o->trusted_keys[i]->id, id, 16) == 0)
            return o->trusted_keys[i];
    return NULL;
}

int db_sig_check(const uint8_t *file, size_t len, const screener_load_options *o,
                 const char *name, db_sig_result *res, screener_error **err_out)
{
    db_sig_trailer t;
    int present = db_sig_read(file, len, &t);
    res->blob_len = len;
    res->state = SCREENER_SIGNATURE_NONE;
    res->key_hex[0] = '\0';
    if (!o || o->n_trusted_keys == 0) {
        /* Trusted input: strip a trailer the blob's header agrees with. */
        const db_header *h = (const db_header *)file;
        if (present && len - sizeof t >= sizeof *h && h->file_size == len - sizeof t) {
            res->blob_len = len - sizeof t;
            res->state = SCREENER_SIGNATURE_UNVERIFIED;
            hex16(t.key_id, res->key_hex);
        }
        return SCREENER_OK;
    }
    for (size_t i = 0; i < o->n_trusted_keys; i++)
        if (!o->trusted_keys || !o->trusted_keys[i] ||
            o->trusted_keys[i]->kind != SCREENER_KEY_PUBLIC)
            return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, name, 0,
                           "trusted key %zu is not a public key", i);
    int rc = sodium_ready(err_out);
    if (rc)
        return rc;
    if (!present)
        return err_set(err_out, SCREENER_E_DB_SIGNATURE, name, 0,
                       "no signature trailer at its end (unsigned, or truncated), and a trusted "
                       "key is required; compile it with --sign");
    if (t.algorithm != DB_SIG_ED25519 || t.trailer_size != sizeof t)
        return err_set(err_out, SCREENER_E_DB_SIGNATURE, name, 0,
                       "signature trailer of an unknown kind (algorithm %u, size %u)",
                       t.algorithm, t.trailer_size);
    char id[33];
    hex16(t.key_id, id);
    const screener_key *k = find_key(o, t.key_id);
    if (!k)
        return err_set(err_out, SCREENER_E_DB_SIGNATURE, name, 0,
                       "signed by key %s, which is not a trusted key (%s%s)", id,
                       o->trusted_keys[0]->id_hex, o->n_trusted_keys > 1 ? ", ..." : "");
    if (crypto_sign_verify_detached(t.signature, file, len - 64, k->pk) != 0)
        return err_set(err_out, SCREENER_E_DB_SIGNATURE, name, 0,
                       "signature does not verify with key %s: the file was changed after "
                       "it was signed",
                       id);
    res->blob_len = len - sizeof t;
    res->state = SCREENER_SIGNATURE_VERIFIED;
    memcpy(res->key_hex, id, sizeof id);
    return SCREENER_OK;
}
