/*
 * screener.h — the public C API of screener, a high-throughput content
 * screening library.
 *
 * screener compiles sensitive-word dictionaries into an immutable database
 * (a Hyperscan database plus a code-point fold table built with ICU), and
 * scans messages for the dictionary terms, also when the poster disguised
 * them (traditional characters, full-width letters, case, spaces, symbols or
 * zero-width characters between characters, compatibility forms). Every
 * match is reported with its byte span in the ORIGINAL message, the entry
 * that matched, its category and severity, and a recommended action.
 *
 * Usage (error handling shortened):
 *
 *     #include <screener.h>
 *
 *     screener_source src = { .path = "dictionaries/porn.txt" };
 *     screener_db *db = NULL;
 *     screener_error *err = NULL;
 *     if (screener_compile(NULL, &src, 1, &db, &err) != SCREENER_OK) {
 *         fprintf(stderr, "%s\n", screener_error_message(err));
 *         screener_error_free(err);
 *         return 1;
 *     }
 *     screener_scratch *scratch = NULL;          // one per thread
 *     screener_scratch_alloc(db, &scratch);
 *     const screener_result *res = NULL;
 *     if (screener_scan(db, scratch, msg, msg_len, &res) == SCREENER_OK) {
 *         for (size_t i = 0; i < res->n_matches; i++) {
 *             const screener_match *m = &res->matches[i];
 *             screener_entry_info info;
 *             screener_db_entry(db, m->entry_id, &info);
 *             printf("%zu..%zu %s\n", m->start, m->end, info.term);
 *         }
 *     }
 *     screener_scratch_free(scratch);
 *     screener_db_free(db);
 *
 * Conventions
 *   - Functions that can fail return an int status: SCREENER_OK (0) or a
 *     negative SCREENER_E_* code. Codes never change meaning once released.
 *     screener_strerror() names them. There is no thread-local "last error".
 *   - Richer diagnostics (file, line, offending text) come back in a
 *     screener_error object that the caller frees.
 *   - Every *_free(NULL) is a no-op.
 *   - Threads: a screener_db is immutable after creation and may be used by
 *     any number of threads at once. A screener_scratch is the working memory
 *     of ONE thread at a time; use one per thread (screener_scratch_clone).
 *     No function keeps mutable global state.
 *   - CPU: the fold of runs of ASCII text uses AVX-512 (BW, VBMI, VBMI2),
 *     AVX2 or SSE2 where the CPU has them (x86-64; elsewhere a portable
 *     loop), with identical results. The environment variable
 *     SCREENER_CPU=scalar|sse2|avx2|avx512, read once per
 *     process, asks for a path (capped at what the CPU supports; any other
 *     value is ignored): for testing and for measuring.
 *
 * This header compiles as C99 and as C++.
 */
#ifndef SCREENER_H
#define SCREENER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Export macro and version
 * ------------------------------------------------------------------------- */

#if defined(SCREENER_BUILDING) && defined(__GNUC__)
#define SCREENER_API __attribute__((visibility("default")))
#else
#define SCREENER_API
#endif

/** Version of this header. The library reports its own at run time. */
#define SCREENER_VERSION_MAJOR 0
#define SCREENER_VERSION_MINOR 1
#define SCREENER_VERSION_PATCH 0
#define SCREENER_VERSION_NUMBER                                                \
    (SCREENER_VERSION_MAJOR * 10000 + SCREENER_VERSION_MINOR * 100 +           \
     SCREENER_VERSION_PATCH)
#define SCREENER_VERSION_STRING "0.1.0"

/**
 * Version number of the linked library (MAJOR*10000 + MINOR*100 + PATCH).
 * Compare with SCREENER_VERSION_NUMBER to check header/library agreement.
 * Thread-safe. @since 0.1
 */
SCREENER_API unsigned screener_version(void);

/** Version string of the linked library, e.g. "0.1.0". Static storage. @since 0.1 */
SCREENER_API const char *screener_version_string(void);

/**
 * The vector path this process's fold takes, chosen once from the CPU (and
 * the environment variable SCREENER_CPU=scalar|sse2|avx2|avx512, which asks
 * for a lower one): "scalar", "sse2", "avx2" or "avx512", followed by
 * ", without PDEP" where the CPU runs PDEP/PEXT in microcode (AMD before
 * Zen 3: the AVX2 path's variants without them) and ", without gathers"
 * where its gathers are slow (the same CPUs, and Intel CPUs whose kernel
 * reports the Gather Data Sampling mitigation). For logs and benchmark
 * reports: results are the same on every path. Static storage, thread-safe.
 * @since 0.1
 */
SCREENER_API const char *screener_cpu_path(void);

/* ---------------------------------------------------------------------------
 * Memory: the allocator hook
 * ------------------------------------------------------------------------- */

/**
 * An application allocator (jemalloc, an arena, a quota, a test that makes
 * the k-th allocation fail). Every heap allocation of the library — its own
 * and Hyperscan's (databases, scratch, streams, compile results) — goes
 * through it. Not through it: ICU's (it builds the fold table at compile time
 * and allocates a small trie header per loaded database; ICU has its own
 * process-wide hook, u_setMemoryFunctions, which is the application's to
 * set), Hyperscan's compiler internals (C++ new, freed before the compile
 * returns), and the C library's stdio buffers when a file is read.
 *
 * malloc and realloc must return memory aligned like malloc's (max_align_t),
 * or NULL on failure; size is never 0. realloc(NULL, n) must act as malloc;
 * free is never given NULL. user_data is passed to each.
 */
typedef struct screener_allocator {
    size_t struct_size; /**< sizeof(screener_allocator) */
    void *(*malloc)(size_t size, void *user_data);
    void *(*realloc)(void *ptr, size_t size, void *user_data);
    void (*free)(void *ptr, void *user_data);
    void *user_data;
} screener_allocator;

/**
 * Install an allocator (NULL: back to the C library's malloc/realloc/free).
 *
 * Call it once, first: before any other screener call and before any
 * thread uses the library, and again (e.g. with NULL) only when no object
 * of the library exists any more — memory is always freed by the allocator
 * current at the time, so an object allocated by one and freed by another
 * is undefined behaviour. Not thread-safe against any other call. It also
 * installs the hook as Hyperscan's allocator (hs_set_allocator), which is
 * process-wide: an application that also uses Hyperscan directly gets it
 * too (and should not set Hyperscan's allocator itself afterwards).
 *
 * Not from this allocator: ICU's and the C library's own memory, and the
 * copies of the fold tables this process built, kept for later compiles
 * with the same fold families (at most 8, ~0.2 MB each, C library malloc;
 * they outlive every object; SCREENER_FOLD_CACHE=off in the environment
 * builds every table anew and keeps none).
 *
 * When an allocation fails, the call that needed it returns
 * SCREENER_E_NOMEM (screener_compile may also say so in its error object),
 * frees what it allocated, and leaves its arguments as they were: a handle
 * keeps serving its database, a scratch and a stream stay usable (a stream
 * write that failed may be repeated with the same chunk).
 *
 * @return SCREENER_OK; SCREENER_E_INVALID_ARGUMENT for a missing function or
 *         a too small struct_size. @since 0.1
 */
SCREENER_API int screener_set_allocator(const screener_allocator *allocator);

/* ---------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------- */

/** Status codes. Values are fixed forever once released. @since 0.1 */
typedef enum screener_status {
    SCREENER_OK = 0,
    SCREENER_E_INVALID_ARGUMENT = -1, /**< NULL where not allowed, bad option */
    SCREENER_E_NOMEM = -2,            /**< an allocation failed */
    SCREENER_E_IO = -3,               /**< a file could not be read or written */
    SCREENER_E_DICT_SYNTAX = -4,      /**< a dictionary line is malformed */
    SCREENER_E_DICT_TERM = -5,        /**< a term is empty after folding, or invalid UTF-8 */
    SCREENER_E_DICT_CONFLICT = -6,    /**< same term twice with different metadata */
    SCREENER_E_DICT_EMPTY = -7,       /**< no deny entries at all */
    SCREENER_E_UNSUPPORTED = -8,      /**< a feature this version does not implement */
    SCREENER_E_HYPERSCAN = -9,        /**< Hyperscan failed (compile, scratch or scan) */
    SCREENER_E_ICU = -10,             /**< ICU failed while building the fold table */
    SCREENER_E_DB_FORMAT = -11,       /**< not a screener database, or truncated */
    SCREENER_E_DB_CHECKSUM = -12,     /**< database checksum mismatch (damaged file) */
    SCREENER_E_DB_VERSION = -13,      /**< database from another format/library version */
    SCREENER_E_DB_PLATFORM = -14,     /**< database built for another Hyperscan/CPU */
    SCREENER_E_SCRATCH_IN_USE = -15,  /**< scratch used by two calls at once */
    SCREENER_E_TOO_LARGE = -16,       /**< input or dictionary above a limit */
    SCREENER_E_LIMIT = -17,           /**< a configured limit was exceeded (entries,
                                           term length, dictionary size) */
    SCREENER_E_DB_SIGNATURE = -18     /**< a trusted key was required and the file is
                                           unsigned, signed by another key, or its
                                           signature does not verify. @since 0.1 */
} screener_status;

/**
 * Static, human-readable name of a status code ("invalid argument", ...).
 * Unknown codes give "unknown status". Thread-safe. @since 0.1
 */
SCREENER_API const char *screener_strerror(int status);

/* ---------------------------------------------------------------------------
 * Diagnostics
 * ------------------------------------------------------------------------- */

/**
 * A diagnostic returned by a failing function that accepts a
 * `screener_error **`. Owned by the caller; free with screener_error_free().
 * Fields are read through the accessors below so the struct can grow.
 */
typedef struct screener_error screener_error;

/** Status code of the error. @since 0.1 */
SCREENER_API int screener_error_status(const screener_error *err);
/**
 * Full one-line message, formatted "FILE:LINE: what went wrong: `text`" when
 * a file and line are known. Valid until the error is freed. Never NULL for a
 * non-NULL err. @since 0.1
 */
SCREENER_API const char *screener_error_message(const screener_error *err);
/** Dictionary/database file (or in-memory source name) involved, or NULL. @since 0.1 */
SCREENER_API const char *screener_error_file(const screener_error *err);
/** 1-based line number in that file, or 0 when not applicable. @since 0.1 */
SCREENER_API unsigned screener_error_line(const screener_error *err);
/** Free an error. NULL is a no-op. @since 0.1 */
SCREENER_API void screener_error_free(screener_error *err);

/* ---------------------------------------------------------------------------
 * Compiling a database
 * ------------------------------------------------------------------------- */

/**
 * Fold families: each can be switched off per database (some users want
 * exact matching). The choice is recorded in the database, so text is always
 * folded the way the dictionary was. @since 0.1
 */
enum screener_fold_flag {
    SCREENER_FOLD_COMPAT = 1u << 0,      /**< NFKC: full-width, circled, Kangxi radicals, ligatures */
    SCREENER_FOLD_CASE = 1u << 1,        /**< case folding */
    SCREENER_FOLD_TRADITIONAL = 1u << 2, /**< traditional -> simplified Chinese, per character */
    SCREENER_FOLD_ACCENTS = 1u << 3,     /**< drop Latin/Greek/Cyrillic combining accents */
    SCREENER_FOLD_NOISE = 1u << 4,       /**< drop spaces, punctuation, symbols, emoji, zero-width */
    SCREENER_FOLD_HOMOGLYPH = 1u << 5,   /**< Cyrillic/Greek/other look-alike letters -> ASCII */
    SCREENER_FOLD_REPEATS = 1u << 6,     /**< stretched letters: fuuuuck matches fuck (runs of 3+) */
    /** Leetspeak: digits and symbols standing for letters inside Latin words
     *  (sh1t, a$s, @ss, 5lut, phuck, f 4 c k) and spaced repeats of a letter
     *  (f u u u c k), read in a second view matched against the terms made
     *  of Latin letters (docs/leet.md: the table and the rule). On by
     *  default; a database without Latin-letter terms pays nothing for it.
     *  @since 0.2 */
    SCREENER_FOLD_LEET = 1u << 7,
    SCREENER_FOLD_ALL = 0xff
};
/** Marks fold_flags as explicit, so that "no family at all" (exact
 *  matching) can be requested: SCREENER_FOLD_EXPLICIT alone. @since 0.1 */
#define SCREENER_FOLD_EXPLICIT 0x80000000u

/**
 * Options for screener_compile(). Zero-initialise, then set struct_size to
 * sizeof(screener_compile_options): new fields are only ever appended, and
 * the library reads only the fields the caller's struct_size covers.
 * Passing NULL options means all defaults. @since 0.1
 */
typedef struct screener_compile_options {
    size_t struct_size;   /**< sizeof(screener_compile_options) */
    uint32_t fold_flags;  /**< SCREENER_FOLD_* bits; 0 means SCREENER_FOLD_ALL
                               (add SCREENER_FOLD_EXPLICIT to ask for none) */
    uint32_t max_entries; /**< limit on entries; 0 means default (2,000,000) */
    uint32_t max_term_bytes; /**< longest term in bytes; 0 means default (1024) */
    uint32_t flags;       /**< SCREENER_COMPILE_* bits */
    /** Limit on the total size of all sources in bytes; 0 means default
     *  (256 MiB). With max_entries it bounds compile memory: Hyperscan's
     *  compile grows with the literals (measured: 100k terms ~250-280 MB,
     *  1M terms ~2.5 GB; it has no memory limit of its own). */
    uint64_t max_dictionary_bytes;
    /** Called for each warning (NULL: warnings are dropped), with a message
     *  formatted like errors ("FILE:LINE: ..."). Today: an allow entry that
     *  contains no deny term (it can never suppress anything), and a term
     *  that ends in attributes written with spaces instead of a TAB
     *  (`ACME-Q3-forecast    severity=3` is one term); with
     *  SCREENER_COMPILE_LENIENT, each skipped line ("FILE:LINE: skipped:
     *  <reason>") and their count ("N lines skipped"). */
    void (*warning)(const char *message, void *user_data);
    void *warning_user_data; /**< passed to warning */
} screener_compile_options;

/** Compile flags (screener_compile_options.flags). @since 0.1 */
enum screener_compile_flag {
    /** Tune the Hyperscan database for, and let it use the instructions of,
     *  the CPU that compiles it. By default databases are compiled for any
     *  x86-64 CPU (Hyperscan's generic platform), so a database file loads on
     *  every host; the bench measured no consistent difference for literal
     *  databases (one run 1.1-4.4x in favour of native, a later one 0.5-1.6x).
     *  A native file loaded on a CPU without its features is refused with
     *  SCREENER_E_DB_PLATFORM. */
    SCREENER_COMPILE_NATIVE = 1u << 0,
    /** Do not generate word-aware allow entries ("host words", see
     *  docs/dictionary-format.md): by default, every all-Han deny term of 2+
     *  characters gets an allow entry for each ordinary word of the built-in
     *  word list (jieba's dictionary, frequency >= 10) that contains it across
     *  a word boundary (慢性病 for 性病). @since 0.2 */
    SCREENER_COMPILE_NO_HOST_WORDS = 1u << 1,
    /** Lenient compile, for third-party word lists: a line with an error of
     *  its own is skipped instead of failing the compile, and reported
     *  through screener_compile_options.warning as "FILE:LINE: skipped:
     *  <reason>", followed at the end by one "N lines skipped" warning.
     *  Skipped: syntax errors, unknown attributes, directives or detectors,
     *  invalid UTF-8 or NUL bytes, empty terms, terms longer than
     *  max_term_bytes, terms that fold to nothing or hold U+FFFD, `forms=`
     *  rules the entry cannot have, regexes Hyperscan rejects or that are
     *  unbounded, and the later of two conflicting definitions of a term.
     *  Still fatal: unreadable files, max_entries, max_dictionary_bytes,
     *  more than 1000 regexes, out of memory, a bad @category, @severity,
     *  @forms, @numerals or @action line (skipping it would change how every
     *  following line reads), and no deny entry left. Needs a warning
     *  callback (without one: SCREENER_E_INVALID_ARGUMENT), since nothing is
     *  skipped unreported; a skipped line whose report cannot be allocated
     *  fails the compile with SCREENER_E_NOMEM. Strict (this flag off) is the
     *  default. @since 0.2 */
    SCREENER_COMPILE_LENIENT = 1u << 2
};

/**
 * One dictionary input: either a file (path set) or in-memory text (text
 * set, path NULL). See docs/dictionary-format.md for the format; a plain
 * word list (one term per line) is accepted, its category being the
 * source's base name without extension.
 */
typedef struct screener_source {
    const char *path; /**< dictionary file to read, or NULL */
    const char *name; /**< name for messages and default category; NULL = path or "<memory>" */
    const char *text; /**< dictionary text when path is NULL (need not be NUL-terminated;
                           "" for an empty one). Neither path nor text:
                           SCREENER_E_INVALID_ARGUMENT */
    size_t len;       /**< length of text in bytes */
} screener_source;

/** Opaque compiled database: immutable, shareable by any number of threads. */
typedef struct screener_db screener_db;

/**
 * Compile dictionaries into a database.
 *
 * @param options  NULL for defaults.
 * @param sources  array of n_sources dictionary inputs (n_sources >= 1).
 * @param db_out   receives the new database on success (NULL on failure).
 * @param err_out  may be NULL; on failure receives a diagnostic naming the
 *                 file, line and offending text where there is one.
 * @return SCREENER_OK or a negative status. Nothing is allocated on failure.
 *
 * Slow (ICU builds the fold table, Hyperscan compiles): call it off the hot
 * path. Thread-safe: independent calls may run concurrently. @since 0.1
 */
SCREENER_API int screener_compile(const screener_compile_options *options,
                                  const screener_source *sources,
                                  size_t n_sources, screener_db **db_out,
                                  screener_error **err_out);

/** Free a database. NULL is a no-op. No scan may be running on it. @since 0.1 */
SCREENER_API void screener_db_free(screener_db *db);

/* ---------------------------------------------------------------------------
 * Database files
 * ------------------------------------------------------------------------- */

/**
 * Serialize a database into a newly malloc'ed buffer (*buf_out, freed by the
 * caller with screener_free()). The bytes carry our own header, versions, the fold
 * table, entries and Hyperscan's serialized database, under an XXH3-128
 * checksum. Thread-safe. @since 0.1
 */
SCREENER_API int screener_db_serialize(const screener_db *db, void **buf_out,
                                       size_t *len_out);

/**
 * Rebuild a database from serialized bytes (copied; the caller keeps buf).
 * The checksum, format version, library version and platform are verified
 * before any byte reaches Hyperscan: damaged or foreign input gives
 * SCREENER_E_DB_FORMAT / _CHECKSUM / _VERSION / _PLATFORM, never a crash or a
 * half-loaded database. Since format 3 the loader also recomputes the
 * dictionary fingerprint from the entries (a header claiming another is
 * SCREENER_E_DB_FORMAT) and checks each Hyperscan section's mode (block),
 * version, size and scratch size (docs/security.md). A checksum is not
 * authentication, and these checks do not validate Hyperscan's bytecode:
 * only load database files you trust, or signed ones with
 * screener_db_deserialize_ex. @since 0.1
 */
SCREENER_API int screener_db_deserialize(const void *buf, size_t len,
                                         screener_db **db_out,
                                         screener_error **err_out);

/** Write a database to a file (atomically: temp file + rename). @since 0.1 */
SCREENER_API int screener_db_save(const screener_db *db, const char *path,
                                  screener_error **err_out);

/** Load a database file written by screener_db_save() (or a signed one,
 *  whose signature is then NOT checked: use screener_db_load_ex with
 *  trusted keys for files that crossed a trust boundary). @since 0.1 */
SCREENER_API int screener_db_load(const char *path, screener_db **db_out,
                                  screener_error **err_out);

/* ---------------------------------------------------------------------------
 * Signed database files
 *
 * A database file is trusted input: its checksum detects damage, not a
 * deliberate change. A service that loads files it did not compile itself
 * (a fleet fed by a dictionary server) should sign them where they are
 * compiled and load them only through a trusted public key:
 *
 *     screener keygen sign.secret sign.public        (once, on the build host)
 *     screener compile --sign sign.secret --dict ... -o db.scdb
 *     screener scan --trusted-key sign.public --db db.scdb
 *
 * or in C:
 *
 *     screener_key *pub = NULL;
 *     screener_key_load("sign.public", SCREENER_KEY_PUBLIC, &pub, &err);
 *     screener_load_options lo = { .struct_size = sizeof lo,
 *                                  .trusted_keys = (const screener_key *const *)&pub,
 *                                  .n_trusted_keys = 1 };
 *     screener_db_load_ex("db.scdb", &lo, &db, &err);
 *
 * The signature is Ed25519 (libsodium) over every byte of the file before
 * it, and it is verified before any byte of the database is interpreted.
 * File layout and key file format: docs/security.md.
 * ------------------------------------------------------------------------- */

/** A signing key: public (verifies) or secret (signs). Immutable once
 *  loaded; may be shared by threads. @since 0.1 */
typedef struct screener_key screener_key;

/** Kinds of key file (screener_key_load). @since 0.1 */
enum screener_key_kind {
    SCREENER_KEY_PUBLIC = 1, /**< "screener-ed25519-public-key-v1" file */
    SCREENER_KEY_SECRET = 2  /**< "screener-ed25519-secret-key-v1" file */
};

/**
 * Generate a new Ed25519 key pair and write it to two new files. The secret
 * file is created with mode 0600 and the public one 0644 (both minus umask);
 * neither may exist already (O_EXCL, no symbolic link followed): a key is
 * never overwritten. On failure no file is left behind.
 * @return SCREENER_OK, SCREENER_E_IO (the message names the file), or
 *         SCREENER_E_INVALID_ARGUMENT. Thread-safe. @since 0.1
 */
SCREENER_API int screener_keygen(const char *secret_path, const char *public_path,
                                 screener_error **err_out);

/**
 * Read a key file of the given kind (SCREENER_KEY_PUBLIC or _SECRET). A
 * public key file given where a secret one is wanted (and the reverse) is
 * refused with a message saying so; a secret key file readable by group or
 * others is refused (like ssh). Errors name the file: SCREENER_E_IO, or
 * SCREENER_E_INVALID_ARGUMENT for a malformed file. Free with
 * screener_key_free (secret bytes are wiped). @since 0.1
 */
SCREENER_API int screener_key_load(const char *path, int kind, screener_key **key_out,
                                   screener_error **err_out);

/** Key id: 32 lowercase hex digits (BLAKE2b-128 of the public key), the
 *  same for a secret key and its public key; static storage of the key.
 *  NULL for NULL. @since 0.1 */
SCREENER_API const char *screener_key_id(const screener_key *key);

/** Free a key, wiping its bytes. NULL is a no-op. @since 0.1 */
SCREENER_API void screener_key_free(screener_key *key);

/**
 * screener_db_serialize, followed by a signature trailer made with a
 * SCREENER_KEY_SECRET key (SCREENER_E_INVALID_ARGUMENT for a public one).
 * The buffer is freed with screener_free(). @since 0.1
 */
SCREENER_API int screener_db_serialize_signed(const screener_db *db, const screener_key *secret,
                                              void **buf_out, size_t *len_out);

/** screener_db_save of the signed bytes (same atomic replacement). @since 0.1 */
SCREENER_API int screener_db_save_signed(const screener_db *db, const char *path,
                                         const screener_key *secret, screener_error **err_out);

/**
 * Options for loading a database (screener_db_load_ex and friends).
 * Zero-initialise and set struct_size; NULL options means the defaults of
 * screener_db_load.
 */
typedef struct screener_load_options {
    size_t struct_size; /**< sizeof(screener_load_options) */
    /** Public keys (SCREENER_KEY_PUBLIC). When n_trusted_keys > 0 only a
     *  file signed by one of them loads: an unsigned file, a file signed by
     *  another key, and a file with any byte changed after signing give
     *  SCREENER_E_DB_SIGNATURE, before any byte of the database is
     *  interpreted. When 0, signatures are not checked (a signed file loads
     *  like an unsigned one; screener_db_info.signature says so). */
    const screener_key *const *trusted_keys;
    size_t n_trusted_keys;
} screener_load_options;

/** screener_db_load with options (NULL: defaults). @since 0.1 */
SCREENER_API int screener_db_load_ex(const char *path, const screener_load_options *options,
                                     screener_db **db_out, screener_error **err_out);

/** screener_db_deserialize with options (NULL: defaults). @since 0.1 */
SCREENER_API int screener_db_deserialize_ex(const void *buf, size_t len,
                                            const screener_load_options *options,
                                            screener_db **db_out, screener_error **err_out);

/* ---------------------------------------------------------------------------
 * Database metadata
 * ------------------------------------------------------------------------- */

/** Recommended actions, ordered by strength. @since 0.1 */
typedef enum screener_action {
    SCREENER_ACTION_PASS = 0,   /**< nothing to do */
    SCREENER_ACTION_REVIEW = 1, /**< let through, queue for a moderator */
    SCREENER_ACTION_MASK = 2,   /**< replace the matched spans */
    SCREENER_ACTION_BLOCK = 3   /**< reject the message */
} screener_action;

/**
 * Static lowercase name of an action ("pass", "review", "mask", "block"), the
 * spelling `@action` takes; "unknown" for any other value. Enumerate the
 * actions with 0 .. SCREENER_ACTION_BLOCK. Thread-safe. @since 0.1
 */
SCREENER_API const char *screener_action_name(int action);

/** Entry flags (screener_entry_info.flags). @since 0.1 */
enum screener_entry_flag {
    SCREENER_ENTRY_ALLOW = 1u << 0,     /**< allow-list entry: suppresses deny matches inside it */
    SCREENER_ENTRY_WORD = 1u << 1,      /**< must match as a whole word (forced) */
    SCREENER_ENTRY_SUBSTRING = 1u << 2, /**< never needs word boundaries */
    SCREENER_ENTRY_DETECTOR = 1u << 3,  /**< a built-in detector (`@detect NAME`), term = NAME */
    SCREENER_ENTRY_REGEX = 1u << 4,     /**< a regular expression entry (`PATTERN<TAB>regex`) */
    SCREENER_ENTRY_NUMERALS = 1u << 5,  /**< its ASCII digits also match Chinese numerals
                                             (`numerals`, `@numerals on`). @since 0.2 */
    SCREENER_ENTRY_RULE = 1u << 6,      /**< a co-occurrence rule (`@rule A NEAR/n B`, `A AND
                                             NOT B`, `A THEN B`); its term is the rule's text.
                                             See screener_db_rule(). @since 0.2 */
    SCREENER_ENTRY_RULE_PART = 1u << 7  /**< a part of a rule: matched, never reported
                                             itself. @since 0.2 */
};

/** Metadata of one dictionary entry. Strings belong to the database. */
typedef struct screener_entry_info {
    const char *term;     /**< the term as written in the dictionary (NUL-terminated) */
    const char *category; /**< category identifier */
    uint32_t category_id; /**< index for screener_db_category_name() */
    unsigned severity;    /**< 1 (light) .. 4 (malicious) */
    unsigned flags;       /**< SCREENER_ENTRY_* bits */
    const char *source;   /**< dictionary file or source name */
    unsigned line;        /**< 1-based line in that source */
} screener_entry_info;

/** Number of entries (deny and allow) in the database. @since 0.1 */
SCREENER_API uint32_t screener_db_entry_count(const screener_db *db);

/**
 * Look up an entry by id (0 .. entry_count-1, as in screener_match.entry_id).
 * @return SCREENER_OK, or SCREENER_E_INVALID_ARGUMENT for an unknown id.
 * Thread-safe. @since 0.1
 */
SCREENER_API int screener_db_entry(const screener_db *db, uint32_t entry_id,
                                   screener_entry_info *info_out);

/**
 * Why an entry exists when the compiler generated it from another entry
 * (dictionary `@forms` / `forms=`): "inflection of fuck", "spelling of nigger:
 * -er written -a, -ah, -uh". A generated entry keeps its base entry's
 * category, severity, flags, source and line (screener_db_entry); its term
 * is the generated form.
 * @return a NUL-terminated string owned by the database, or NULL for an entry
 *         written in a dictionary and for an unknown id. Thread-safe.
 * @since 0.1
 */
SCREENER_API const char *screener_db_entry_reason(const screener_db *db, uint32_t entry_id);

/** Number of categories in the database. @since 0.1 */
SCREENER_API uint32_t screener_db_category_count(const screener_db *db);

/** Identifier of a category, or NULL for an unknown id. @since 0.1 */
SCREENER_API const char *screener_db_category_name(const screener_db *db,
                                                   uint32_t category_id);

/** A category: identifier, display names, policy. Strings belong to the db. */
typedef struct screener_category_info {
    const char *id;      /**< stable identifier ("porn", or a user category) */
    const char *name_zh; /**< Chinese display name (built-in, @name-zh, or the id) */
    const char *name_en; /**< English display name (built-in, @name-en, or the id) */
    uint8_t actions[4];  /**< screener_action recommended for severity 1..4 */
} screener_category_info;

/**
 * Describe a category. The policy is the database's: the default (severity 1
 * review, 2 mask, 3 and 4 block) unless a dictionary set it with
 * `@action SEVERITY ACTION`; per-call overrides use profiles. @since 0.1
 */
SCREENER_API int screener_db_category(const screener_db *db, uint32_t category_id,
                                      screener_category_info *info_out);

/** Find a category id by identifier; SCREENER_E_INVALID_ARGUMENT if absent. @since 0.1 */
SCREENER_API int screener_db_find_category(const screener_db *db, const char *name,
                                           uint32_t *category_id_out);

/** SCREENER_FOLD_* flags the database was compiled with. @since 0.1 */
SCREENER_API uint32_t screener_db_fold_flags(const screener_db *db);

/**
 * Dictionary fingerprint: XXH3-128 over the folded entries and their
 * metadata, as 32 lowercase hex digits (static storage of the db). Equal
 * dictionaries give equal fingerprints. @since 0.1
 */
SCREENER_API const char *screener_db_fingerprint(const screener_db *db);

/**
 * What a database file says about itself (`screener info`). Set
 * struct_size = sizeof(screener_db_info) before the call; strings belong to
 * the database.
 */
typedef struct screener_db_info {
    size_t struct_size;
    uint32_t format_version;     /**< database format version */
    uint32_t library_version;    /**< screener version that compiled it (SCREENER_VERSION_NUMBER) */
    const char *hyperscan_version; /**< hs_version() at compile time */
    const char *icu_version;     /**< ICU version that built the fold table */
    uint32_t fold_flags;         /**< SCREENER_FOLD_* */
    const char *fingerprint;     /**< as screener_db_fingerprint() */
    uint32_t n_entries;          /**< dictionary entries */
    uint32_t n_literals;         /**< distinct folded terms (Hyperscan literals) */
    uint32_t n_categories;
    size_t serialized_size;      /**< bytes of the database (a signed file has 96 more) */
    size_t hyperscan_size;       /**< bytes of Hyperscan's serialized database within it */
    size_t fold_table_size;      /**< bytes of the fold table within it (as stored: since
                                      format 8 its trie is packed) */
    /** SCREENER_SIGNATURE_*: whether the file was signed and the signature
     *  checked. @since 0.1 */
    int signature;
    /** Key id of the signer (as screener_key_id), or NULL if unsigned. */
    const char *signature_key_id;
    /** Co-occurrence rules (`@rule`) among the entries. @since 0.2 */
    uint32_t n_rules;
    /** Bytes of the fold table once unpacked at load (held in memory while
     *  the database is open). @since 0.2 */
    size_t fold_table_unpacked_size;
} screener_db_info;

/** screener_db_info.signature. @since 0.1 */
enum screener_signature_state {
    SCREENER_SIGNATURE_NONE = 0,       /**< unsigned (or built in memory) */
    SCREENER_SIGNATURE_UNVERIFIED = 1, /**< signed, loaded without trusted keys */
    SCREENER_SIGNATURE_VERIFIED = 2    /**< signed, verified with a trusted key */
};

/** Fill info (whose struct_size the caller set). @since 0.1 */
SCREENER_API int screener_db_get_info(const screener_db *db, screener_db_info *info);

/** Operators of co-occurrence rules (screener_rule_info.op). @since 0.2 */
enum screener_rule_op {
    SCREENER_RULE_NEAR = 1,    /**< A and B within `distance` folded characters, either order */
    SCREENER_RULE_AND_NOT = 2, /**< A in the message, B nowhere in it */
    SCREENER_RULE_THEN = 3     /**< A, and B starting after A ends, in the message */
};

/**
 * A co-occurrence rule: what a match of a SCREENER_ENTRY_RULE entry means.
 * A rule's match spans the parts that fired: both for NEAR and THEN, A for
 * AND NOT (see docs/dictionary-format.md, "Co-occurrence rules").
 * @since 0.2
 */
typedef struct screener_rule_info {
    size_t struct_size;     /**< set by the caller: sizeof(screener_rule_info) */
    uint32_t rule_entry;    /**< the rule's entry id */
    int op;                 /**< screener_rule_op */
    unsigned distance;      /**< NEAR: at most this many folded characters between the parts */
    const char *part[2];    /**< the parts A and B as written (owned by the database) */
    uint32_t part_entry[2]; /**< their entry ids (SCREENER_ENTRY_RULE_PART) */
} screener_rule_info;

/**
 * Describe the rule of a rule entry, or of a rule part's entry.
 * @return SCREENER_OK, or SCREENER_E_INVALID_ARGUMENT for any other entry,
 *         an unknown id or a struct_size below sizeof(size_t). Thread-safe.
 * @since 0.2
 */
SCREENER_API int screener_db_rule(const screener_db *db, uint32_t entry_id,
                                  screener_rule_info *info);

/* ---------------------------------------------------------------------------
 * Scanning
 * ------------------------------------------------------------------------- */

/**
 * Per-thread working memory: Hyperscan scratch, the folded text and the
 * result buffer. Not shareable between concurrent calls; a call that finds
 * its scratch busy returns SCREENER_E_SCRATCH_IN_USE. A scratch allocated
 * for one database may be used with another: it is re-fitted on first use.
 */
typedef struct screener_scratch screener_scratch;

/** Allocate a scratch fitted to db. @since 0.1 */
SCREENER_API int screener_scratch_alloc(const screener_db *db,
                                        screener_scratch **scratch_out);

/** Clone a scratch (e.g. one per worker thread). src is only read, but must
 *  not be in use by a scan on another thread during the clone. @since 0.1 */
SCREENER_API int screener_scratch_clone(const screener_scratch *src,
                                        screener_scratch **scratch_out);

/** Free a scratch. NULL is a no-op. @since 0.1 */
SCREENER_API void screener_scratch_free(screener_scratch *scratch);

/* ---- per-call profiles ---------------------------------------------------- */

/** Rule action that removes matching matches from the result entirely. */
#define SCREENER_PROFILE_DROP (-1)

/** One rule of a profile: which matches it applies to, and what to do. */
typedef struct screener_profile_rule {
    const char *category; /**< category identifier, or NULL for every category */
    unsigned severity;    /**< 1..4, or 0 for every severity */
    int action;           /**< SCREENER_ACTION_* to recommend instead of the
                               database's policy, or SCREENER_PROFILE_DROP */
} screener_profile_rule;

/**
 * A per-call profile (per tenant, per channel...): enable or disable
 * categories, override the policy's actions, set a minimum severity, cap the
 * matches reported — without recompiling. Zero-initialise, set struct_size.
 * Rules apply in order; a later rule overrides an earlier one. Categories are
 * named, so one profile works with every database; names a database does not
 * have are ignored.
 */
typedef struct screener_profile {
    size_t struct_size;                 /**< sizeof(screener_profile) */
    unsigned min_severity;              /**< matches below it are not reported (0 or 1: all) */
    const screener_profile_rule *rules; /**< may be NULL if n_rules is 0 */
    size_t n_rules;
    size_t max_matches;                 /**< matches reported per message; 0 = 100,000 */
    /** Regions of a message whose matches are not counted: SCREENER_REGION_*
     *  bits. 0 means the default, SCREENER_REGION_DEFAULT (mentions and link
     *  wrappers); SCREENER_REGION_EXPLICIT alone scans every byte as the
     *  poster's text (the behaviour before 0.2). A caller whose struct_size
     *  ends before this field gets the default. A per-call choice, never
     *  recorded in a database: one database serves tenants that choose
     *  differently. @since 0.2 */
    uint32_t exclude_regions;
} screener_profile;

/**
 * Regions: the parts of a message that are not the poster's own words.
 * Matches lying wholly inside a region of an excluded kind
 * (screener_profile.exclude_regions) are still reported, with
 * SCREENER_MATCH_SUPPRESSED and the region's SCREENER_MATCH_IN_* flag, and
 * are not counted in the verdict, masked or selected; a match that only
 * overlaps a region is the poster's text and counts. Whatever is excluded,
 * every match inside a region carries its SCREENER_MATCH_IN_* flag, so a
 * service may weigh them itself. Which bytes form a region is decided on the
 * original text and is the same for scans, batches, masks, long messages and
 * streams (docs/regions.md has the exact rules and the measurements behind
 * the defaults). Names for lists ("mentions,link-wrappers"):
 * screener_region_name, screener_regions_parse. @since 0.2
 */
enum screener_region_flag {
    /** `@handle` at a word start (also full-width `＠`): 1-30 letters,
     *  digits or `_` of any script, not preceded by a Latin letter, digit or
     *  `_` (so e-mail addresses and `a@b` are not mentions) and not followed
     *  by another `@`; with `RT ` or `RT` before it (`RT@user`), from the `RT`. A handle is
     *  chosen by the account it names, not by the poster, and is screened
     *  where it is set (the profile), not in every message that mentions it. */
    SCREENER_REGION_MENTIONS = 1u << 0,
    /** A link whose host is a platform link wrapper: a short link the
     *  platform itself writes in place of every link (t.co, t.cn, lnkd.in)
     *  or of attached media (pic.twitter.com), or a subdomain of one;
     *  written with http:// or https://, or bare and followed by `/`. Its
     *  path is an opaque code: it says nothing about the destination, and
     *  random codes contain words by chance. */
    SCREENER_REGION_LINK_WRAPPERS = 1u << 1,
    SCREENER_REGION_ALL = 0x3,
    /** What exclude_regions = 0 means: both kinds excluded. */
    SCREENER_REGION_DEFAULT = SCREENER_REGION_MENTIONS | SCREENER_REGION_LINK_WRAPPERS
};
/** Marks exclude_regions as explicit, so that "exclude nothing" can be
 *  requested: SCREENER_REGION_EXPLICIT alone. @since 0.2 */
#define SCREENER_REGION_EXPLICIT 0x80000000u

/**
 * Set the profile the scratch applies to every following scan, batch, mask
 * and handle scan (copied; the caller's arrays and strings may be freed).
 * NULL restores the defaults: every category, the database's policy, at most
 * 100,000 matches, mentions and link wrappers excluded. For per-call use, set
 * it before each call: the cost is a copy of the rules, and the rules are
 * resolved against a database's categories once per database. Returns
 * SCREENER_E_INVALID_ARGUMENT for a severity above 4, an unknown action,
 * unknown bits in exclude_regions or a too small struct_size. @since 0.1
 */
SCREENER_API int screener_scratch_set_profile(screener_scratch *scratch,
                                              const screener_profile *profile);

/** Match flags (screener_match.flags). @since 0.1 */
enum screener_match_flag {
    SCREENER_MATCH_SUPPRESSED = 1u << 0, /**< inside an allow-list match or an excluded
                                              region: not counted in the verdict */
    /** Part of the leftmost-longest non-overlapping selection of the
     *  unsuppressed matches of this result (what to show or mask when
     *  overlaps are not wanted: "我的世界" rather than "我的" inside it). For
     *  streams the selection is made per call, among that call's matches. */
    SCREENER_MATCH_SELECTED = 1u << 1,
    /** Lies wholly inside a mention (SCREENER_REGION_MENTIONS); also
     *  SCREENER_MATCH_SUPPRESSED when the profile excludes mentions.
     *  @since 0.2 */
    SCREENER_MATCH_IN_MENTION = 1u << 2,
    /** Lies wholly inside a platform link wrapper
     *  (SCREENER_REGION_LINK_WRAPPERS); also SCREENER_MATCH_SUPPRESSED when
     *  the profile excludes them. @since 0.2 */
    SCREENER_MATCH_IN_LINK_WRAPPER = 1u << 3,
    /** Found in the leet reading of the text (SCREENER_FOLD_LEET): the span
     *  holds digits or symbols read as letters, or spaced repeats of a
     *  letter read as one (see screener_read_leet). @since 0.2 */
    SCREENER_MATCH_LEET = 1u << 4
};

/** One match. Spans are byte offsets into the ORIGINAL message. */
typedef struct screener_match {
    size_t start;         /**< first byte of the term's first (disguised) character */
    size_t end;           /**< one past the last byte of its last character */
    uint32_t entry_id;    /**< see screener_db_entry() */
    uint32_t category_id; /**< see screener_db_category_name() */
    uint8_t severity;     /**< 1..4 */
    uint8_t action;       /**< screener_action recommended for this match */
    uint16_t flags;       /**< SCREENER_MATCH_* bits */
} screener_match;

/**
 * Which parts of a co-occurrence rule fired for one of its matches, and
 * where: A and B for NEAR and THEN, A alone for AND NOT. The text and the
 * match are those of an earlier scan with the same database (any scratch,
 * batch or stream result; for a stream, text is the stream's bytes). The
 * match's span is scanned again on its own, for the rule's parts only.
 *
 * Uses scratch (not concurrently with another call on it) but leaves the
 * result of its last scan intact.
 * @param start_out, end_out  the parts' byte spans in text, part A first
 * @param n_out               2, 1 (AND NOT), or 0 if the parts are not in
 *                            that span of text (another text or database),
 *                            or the span folds to more than 64k units (a THEN
 *                            across a long message)
 * @return SCREENER_OK; SCREENER_E_INVALID_ARGUMENT if the match is not of a
 *         rule entry or lies outside text; scan errors.
 * @since 0.2
 */
SCREENER_API int screener_rule_parts(const screener_db *db, screener_scratch *scratch,
                                     const char *text, size_t len, const screener_match *match,
                                     size_t start_out[2], size_t end_out[2], size_t *n_out);

/**
 * Result of one scan, owned by the scratch: valid until the next call that
 * uses the same scratch, or until the scratch is freed.
 *
 * matches: every deny match, overlapping ones included, sorted by (start,
 * end, entry_id). Matches suppressed by an allow-list entry or lying in an
 * excluded region (a mention, a platform link wrapper: see
 * screener_profile.exclude_regions) are included with
 * SCREENER_MATCH_SUPPRESSED set (so a service can explain), and do not count
 * in action / severity / categories.
 */
typedef struct screener_result {
    const screener_match *matches;
    size_t n_matches;
    int action;                  /**< strongest action among counted matches (PASS if none) */
    unsigned severity;           /**< highest severity among counted matches (0 if none) */
    const uint32_t *categories;  /**< sorted distinct category ids of counted matches */
    size_t n_categories;
    /** Which database produced this result: its fingerprint (see
     *  screener_db_fingerprint; held by the scratch), and for scans through a
     *  screener_handle the handle's version number of it (0 otherwise). */
    const char *fingerprint;
    uint64_t db_version;
    /** 1 if more matches existed than the scratch's profile allows
     *  (max_matches): the reported ones are the leftmost found, the verdict
     *  covers only them. @since 0.1 */
    int truncated;
    /** Room for fields added in later versions without changing the size of
     *  the struct (batch results are an array of it). Always 0 for now. */
    uint64_t reserved[6];
} screener_result;

/**
 * Scan one message.
 *
 * @param text  any bytes (need not be valid UTF-8 or NUL-terminated). NUL
 *              is a control character: like other controls it is dropped as
 *              noise by the fold, so "se\0x" matches "sex". Invalid UTF-8 is
 *              treated as U+FFFD per maximal subpart: it never joins the
 *              characters around it into a match and never crashes. May be
 *              NULL if len is 0.
 * @param result_out receives a pointer to the result held in scratch.
 * @return SCREENER_OK; SCREENER_E_TOO_LARGE above 1 GiB; SCREENER_E_NOMEM;
 *         SCREENER_E_SCRATCH_IN_USE; SCREENER_E_HYPERSCAN.
 *
 * Thread-safe for distinct scratches. Cost: one table-lookup pass over the
 * text, one Hyperscan scan, and O(k log k) work for k matches. @since 0.1
 */
SCREENER_API int screener_scan(const screener_db *db, screener_scratch *scratch,
                               const char *text, size_t len,
                               const screener_result **result_out);

/** One message of a batch. */
typedef struct screener_message {
    const char *text; /**< bytes of the message (may be NULL if len is 0) */
    size_t len;
} screener_message;

/**
 * Scan many messages in one call (what bindings use to avoid one foreign
 * call per message).
 *
 * @param results_out receives an array of n_messages results, results[i]
 *        for messages[i], with the same meaning as screener_scan()'s result.
 *        The array and everything it points to are owned by the scratch and
 *        valid until the next call that uses the same scratch.
 * @return SCREENER_OK, or the first failing message's status (then no
 *         result is valid). Same errors as screener_scan(). @since 0.1
 */
SCREENER_API int screener_scan_batch(const screener_db *db, screener_scratch *scratch,
                                     const screener_message *messages, size_t n_messages,
                                     const screener_result **results_out);

/* ---------------------------------------------------------------------------
 * Hot reload: a handle whose database can be replaced while scans run
 * ------------------------------------------------------------------------- */

/**
 * A handle shared by all threads of a service. It holds the current
 * database; replacing it is atomic: every scan sees exactly one database
 * from start to end, scans already running finish on the old one, and the
 * old one is freed when the last of them returns. A failed load or compile
 * keeps the current database. Scratches are re-fitted to a new database on
 * their next use, by their own thread.
 *
 * Thread-safety: every function below may be called from any thread
 * concurrently, except screener_handle_free (no other call may be running).
 * Cost: taking the current database is one short mutex section and an
 * atomic increment per scan.
 */
typedef struct screener_handle screener_handle;

/** Create a handle serving db; the handle takes ownership of db (also on
 *  failure, unless db is already served by another handle, which is
 *  SCREENER_E_INVALID_ARGUMENT). Its version is 1. @since 0.1 */
SCREENER_API int screener_handle_new(screener_db *db, screener_handle **handle_out);

/** Free the handle and (once unpinned) its database. NULL is a no-op. @since 0.1 */
SCREENER_API void screener_handle_free(screener_handle *handle);

/** Make db current (the handle takes ownership of db, also on failure,
 *  unless db is already served by a handle); the version increases by one.
 *  @since 0.1 */
SCREENER_API int screener_handle_swap(screener_handle *handle, screener_db *db);

/** Load a database file and make it current. On failure the current
 *  database stays and *err_out says why. @since 0.1 */
SCREENER_API int screener_handle_load(screener_handle *handle, const char *path,
                                      screener_error **err_out);

/** screener_handle_load with load options (e.g. trusted keys; NULL: the
 *  defaults). @since 0.1 */
SCREENER_API int screener_handle_load_ex(screener_handle *handle, const char *path,
                                         const screener_load_options *options,
                                         screener_error **err_out);

/** Compile dictionaries and make the result current. On failure the current
 *  database stays and *err_out says why. @since 0.1 */
SCREENER_API int screener_handle_compile(screener_handle *handle,
                                         const screener_compile_options *options,
                                         const screener_source *sources, size_t n_sources,
                                         screener_error **err_out);

/** Version number of the current database (1, 2, ... per successful swap). @since 0.1 */
SCREENER_API uint64_t screener_handle_version(screener_handle *handle);

/**
 * Pin the current database, e.g. to scan and then look entries up in the
 * same version. Returns it (never NULL) and its version in *version_out (may
 * be NULL). Every acquire must be paired with screener_handle_release. @since 0.1
 */
SCREENER_API const screener_db *screener_handle_acquire(screener_handle *handle,
                                                        uint64_t *version_out);

/**
 * Unpin a database returned by screener_handle_acquire; NULL is a no-op.
 * Release each acquire exactly once. A second release of a database that
 * is still alive (served by the handle, pinned again or scanned) is detected
 * and ignored, and in debug builds of the library (no NDEBUG) aborts with a
 * message. Once the last pin of a database the handle no longer serves is
 * released, the database is freed, and releasing it again is undefined
 * (use after free). @since 0.1
 */
SCREENER_API void screener_handle_release(screener_handle *handle, const screener_db *db);

/** screener_scan on the current database; result->db_version and
 *  result->fingerprint say which one. @since 0.1 */
SCREENER_API int screener_handle_scan(screener_handle *handle, screener_scratch *scratch,
                                      const char *text, size_t len,
                                      const screener_result **result_out);

/** screener_scan_batch on the current database (one version for the whole
 *  batch). @since 0.1 */
SCREENER_API int screener_handle_scan_batch(screener_handle *handle, screener_scratch *scratch,
                                            const screener_message *messages, size_t n_messages,
                                            const screener_result **results_out);

/* ---------------------------------------------------------------------------
 * Streams: text arriving in chunks
 * ------------------------------------------------------------------------- */

/**
 * A stream scans text that arrives in chunks (a long document, a file, a
 * socket) and finds the same matches, with the same spans, as one
 * screener_scan of the whole text — also matches that span chunk edges, when
 * a chunk ends inside a UTF-8 sequence, or between the disguised characters
 * of a term. Offsets are global: bytes since the start of the stream.
 *
 * Each write reports the matches that have become final (no later byte can
 * change them); the rest are held back until later bytes decide them, and
 * screener_stream_close reports what is left. The stream keeps a bounded
 * tail of recent bytes (about twice the longest term plus the separators
 * inside it, never more than 1 MiB: a term disguised by more than 1 MiB of
 * separators is not found across chunks).
 *
 * A stream belongs to one thread at a time and uses the scratch passed to
 * each call; the database must outlive the stream. @since 0.1
 */
typedef struct screener_stream screener_stream;

/** Open a stream over db. @since 0.1 */
SCREENER_API int screener_stream_open(const screener_db *db, screener_stream **stream_out);

/**
 * Add a chunk. *result_out receives the matches that became final with this
 * chunk (global offsets) and their verdict; owned by the scratch as for
 * screener_scan. Returns SCREENER_E_INVALID_ARGUMENT after close.
 *
 * A write that fails (SCREENER_E_NOMEM, ...) leaves the stream as it was,
 * so the same chunk may be written again — except when a chunk longer than
 * 128 KiB fails after its first 128 KiB were scanned: then every later write
 * and close return that status (free the stream). @since 0.1
 */
SCREENER_API int screener_stream_write(screener_stream *stream, screener_scratch *scratch,
                                       const char *chunk, size_t len,
                                       const screener_result **result_out);

/** End of text: report the remaining matches. Further writes fail. A close
 *  that fails leaves the stream open (close may be called again). The stream
 *  is one message: matches of co-occurrence rules that need the whole message
 *  (`A AND NOT B`, `A THEN B`) are reported here, never by a write. @since 0.1 */
SCREENER_API int screener_stream_close(screener_stream *stream, screener_scratch *scratch,
                                       const screener_result **result_out);

/** Free a stream (closed or not). NULL is a no-op. @since 0.1 */
SCREENER_API void screener_stream_free(screener_stream *stream);

/* ---------------------------------------------------------------------------
 * Masking
 * ------------------------------------------------------------------------- */

/** Which matches screener_mask replaces. @since 0.1 */
enum screener_mask_flag {
    SCREENER_MASK_BY_ACTION = 0, /**< matches whose action is mask or block (default) */
    SCREENER_MASK_ALL = 1        /**< every unsuppressed match, review ones too */
};

/**
 * Scan text and return a copy with the chosen matches replaced: one mask
 * character per ORIGINAL character of each matched span (not per byte), so
 * "ＦＵＣＫ" becomes "****". Overlapping spans are merged. Characters inside a
 * span that the fold dropped (spaces, zero-width, emoji between disguised
 * characters) and invalid UTF-8 (one mask character per maximal subpart) are
 * masked too; everything outside the spans is copied byte for byte. A
 * co-occurrence rule's match masks the parts that fired (screener_rule_parts),
 * not the text between them.
 *
 * @param mask_char code point to write (0 means '*'); must be a Unicode
 *        scalar value.
 * @param out  receives a malloc'ed NUL-terminated buffer, freed with
 *        screener_free(); *out_len its length without the NUL.
 * The scan's result stays available in the scratch as after screener_scan.
 * Errors as screener_scan, plus SCREENER_E_INVALID_ARGUMENT. @since 0.1
 */
SCREENER_API int screener_mask(const screener_db *db, screener_scratch *scratch,
                               const char *text, size_t len, unsigned flags,
                               uint32_t mask_char, char **out, size_t *out_len);

/** Free a buffer returned by screener_mask, screener_fold_utf8 or
 *  screener_db_serialize. NULL is a no-op. @since 0.1 */
SCREENER_API void screener_free(void *ptr);

/**
 * Fold text the way scans see it, for explaining decisions (`screener
 * explain`): writes the folded text as UTF-8 into a malloc'ed NUL-terminated
 * buffer (*out, freed with screener_free()). Invalid input bytes appear as U+FFFD.
 * Returns SCREENER_OK; SCREENER_E_INVALID_ARGUMENT (db or out NULL, text NULL
 * with len > 0); SCREENER_E_TOO_LARGE above 1 GiB (no byte is read);
 * SCREENER_E_NOMEM. Not for the hot path. @since 0.1
 */
SCREENER_API int screener_fold_utf8(const screener_db *db, const char *text,
                                    size_t len, char **out, size_t *out_len);

/**
 * The same fold without collapsing repeated letters ("book" stays "book";
 * screener_fold_utf8 gives "bok", the form literals are matched in when the
 * database has SCREENER_FOLD_REPEATS): the text as folded, for explaining.
 * Arguments and errors as screener_fold_utf8. @since 0.2
 */
SCREENER_API int screener_fold_utf8_uncollapsed(const screener_db *db, const char *text,
                                                size_t len, char **out, size_t *out_len);

/**
 * The leet reading of text (SCREENER_FOLD_LEET, docs/leet.md), for
 * explaining matches flagged SCREENER_MATCH_LEET: the text with the digits
 * and symbols read as letters replaced by those letters and the separators
 * between joined spaced repeats left out, before folding ("sh1t" ->
 * "shit"). *out gets a malloc'ed NUL-terminated copy of the text itself when
 * nothing is read differently (or the database has no leet section).
 * Arguments and errors as screener_fold_utf8. @since 0.2
 */
SCREENER_API int screener_read_leet(const screener_db *db, const char *text, size_t len,
                                    char **out, size_t *out_len);

/* ---------------------------------------------------------------------------
 * Names: fold families, detectors, actions
 *
 * The library's own tables of the names users type (`--fold case,compat`,
 * `@detect cn_mobile`, `@action 2 mask`), so tools and bindings list and
 * parse them without keeping copies. Every string returned is static; every
 * function is thread-safe.
 *
 * Listing the fold families:
 *
 *     uint32_t flag;
 *     const char *name;
 *     for (unsigned i = 0; (name = screener_fold_family_name(i, &flag)); i++)
 *         printf("%-12s %#x %s\n", name, flag, screener_fold_family_description(i));
 * ------------------------------------------------------------------------- */

/**
 * Name of fold family i ("compat", "case", "traditional", ...), families
 * being numbered from 0 in SCREENER_FOLD_* bit order.
 *
 * @param i         0-based index; a library may know more families than the
 *                  header it is used with, so enumerate until NULL.
 * @param flag_out  may be NULL; receives the family's SCREENER_FOLD_* flag
 *                  (untouched when the result is NULL).
 * @return the lowercase name, or NULL when i is past the last family.
 * @since 0.1
 */
SCREENER_API const char *screener_fold_family_name(unsigned i, uint32_t *flag_out);

/** One-line English description of fold family i (as
 *  screener_fold_family_name numbers them), or NULL past the last. @since 0.1 */
SCREENER_API const char *screener_fold_family_description(unsigned i);

/**
 * Parse a comma-separated list of fold family names, e.g. "case,compat".
 * "all" stands for every family and may be combined with others; "none",
 * alone, means no family (exact matching). Spaces around names are ignored.
 *
 * @param list       NUL-terminated list.
 * @param flags_out  on success receives the SCREENER_FOLD_* flags with
 *                   SCREENER_FOLD_EXPLICIT set, ready for
 *                   screener_compile_options.fold_flags; untouched on failure.
 * @param err_out    may be NULL; on failure receives a diagnostic naming the
 *                   unknown family and listing the known ones.
 * @return SCREENER_OK, or SCREENER_E_INVALID_ARGUMENT for a NULL argument,
 *         an empty list or item, or an unknown family. @since 0.1
 */
SCREENER_API int screener_fold_flags_parse(const char *list, uint32_t *flags_out,
                                           screener_error **err_out);

/**
 * Name of built-in detector i (0-based: "cn_mobile", "cn_id", "bank_card",
 * "email", "url", ...), as written after `@detect` and reported as the term
 * of its matches; NULL when i is past the last detector. @since 0.1
 */
SCREENER_API const char *screener_detector_name(unsigned i);

/**
 * Name of region kind i ("mentions", "link-wrappers"), kinds being numbered
 * from 0 in SCREENER_REGION_* bit order; NULL when i is past the last kind
 * (enumerate until NULL). flag_out may be NULL; it receives the kind's
 * SCREENER_REGION_* flag. @since 0.2
 */
SCREENER_API const char *screener_region_name(unsigned i, uint32_t *flag_out);

/** One-line English description of region kind i, or NULL past the last. The
 *  link-wrapper kind's description lists its hosts. @since 0.2 */
SCREENER_API const char *screener_region_description(unsigned i);

/**
 * Parse a comma-separated list of region kinds, e.g. "mentions" or
 * "mentions,link-wrappers"; "all" stands for every kind, "none" alone for no
 * kind. Spaces around names are ignored.
 *
 * @param flags_out  on success receives the SCREENER_REGION_* flags with
 *                   SCREENER_REGION_EXPLICIT set, ready for
 *                   screener_profile.exclude_regions; untouched on failure.
 * @param err_out    may be NULL; on failure receives a diagnostic naming the
 *                   unknown kind and listing the known ones.
 * @return SCREENER_OK, or SCREENER_E_INVALID_ARGUMENT for a NULL argument, an
 *         empty list or item, or an unknown kind. @since 0.2
 */
SCREENER_API int screener_regions_parse(const char *list, uint32_t *flags_out,
                                        screener_error **err_out);

#ifdef __cplusplus
}
#endif

#endif /* SCREENER_H */
