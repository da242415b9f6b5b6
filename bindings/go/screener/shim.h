/*
 * shim.h — small C helpers of the Go binding (not part of the public API).
 *
 * They exist so that every Go-level operation costs exactly ONE cgo call:
 * a scan plus the entry look-ups for its matches, or a whole batch.
 */
#ifndef SCREENER_GO_SHIM_H
#define SCREENER_GO_SHIM_H

#include <stddef.h>
#include <stdint.h>

#include <screener.h>

/* A string copied into scrgo_scratch.sbuf. */
typedef struct scrgo_str {
    uint32_t off, len;
} scrgo_str;

/* A screener_scratch plus the binding's own per-scratch buffers. One
 * goroutine at a time; pooled by the Go side. */
typedef struct scrgo_scratch {
    screener_scratch *s;
    const screener_result *res; /* result(s) of the last scan call */
    const char **terms;      /* term of every match of the last call, in order */
    uint32_t *term_lens;     /* strlen of each term */
    size_t terms_cap;
    size_t terms_bytes;      /* sum of term_lens */
    size_t n_categories;     /* sum of n_categories over the results */
    screener_message *msgs;  /* message array of the last batch */
    size_t msgs_cap;

    /* Handle scans: the strings of the result, copied out of the database
     * before it is unpinned (it may be freed by a reload right after). */
    char *sbuf;
    size_t sbuf_len, sbuf_cap;
    scrgo_str *h_terms;  /* per match: term */
    scrgo_str *h_mcats;  /* per match: category name */
    size_t h_cap;
    scrgo_str *h_vcats;  /* per verdict category, results in order */
    size_t h_vcap;
    scrgo_str h_fp;      /* fingerprint of the database used */
    uint64_t h_version;         /* its version in the handle */

    /* Id of the Go profile the scratch applies (0: the defaults), so that a
     * run of calls with one profile sets it once. */
    uint64_t profile_id;
} scrgo_scratch;


/* NULL on failure, with *rc set. */
scrgo_scratch *scrgo_scratch_new(const screener_db *db, int *rc);
void scrgo_scratch_free(scrgo_scratch *g);

/* screener_scan() into g->res, then the term of each match into g->terms. */
int scrgo_scan(const screener_db *db, scrgo_scratch *g, const char *text, size_t len);

/* screener_scan_batch() over n messages laid out back to back in buf:
 * message i is buf[offs[i] .. offs[i+1]). offs has n+1 elements. Then the
 * term of every match of every result into g->terms (results in order). */
int scrgo_scan_batch(const screener_db *db, scrgo_scratch *g, const char *buf,
                  const size_t *offs, size_t n);

/* A scratch for a handle's current database. NULL on failure, *rc set. */
scrgo_scratch *scrgo_scratch_new_h(screener_handle *hd, int *rc);

/* Pin the handle's current database, scan (one message, or a batch laid
 * out as for scrgo_scan_batch), copy every string the result needs into
 * g->sbuf, unpin. One call. */
int scrgo_handle_scan(screener_handle *hd, scrgo_scratch *g, const char *text,
                      size_t len);
int scrgo_handle_scan_batch(screener_handle *hd, scrgo_scratch *g,
                            const char *buf, const size_t *offs, size_t n);

/* screener_mask() with the scratch's screener_scratch. */
int scrgo_mask(const screener_db *db, scrgo_scratch *g, const char *text,
               size_t len, unsigned flags, uint32_t mask_char, char **out,
               size_t *out_len);

/* Pin the handle's current database, screener_mask() with it, unpin. */
int scrgo_handle_mask(screener_handle *hd, scrgo_scratch *g, const char *text,
                      size_t len, unsigned flags, uint32_t mask_char,
                      char **out, size_t *out_len);

/* screener_scratch_set_profile(g->s, p) (NULL: the defaults) and remember
 * id in g->profile_id (0 after a failure). */
int scrgo_set_profile(scrgo_scratch *g, const screener_profile *p, uint64_t id);

/* screener_stream_write / screener_stream_close into g->res, then the term
 * of each match into g->terms, as scrgo_scan. db is the stream's database. */
int scrgo_stream_write(const screener_db *db, scrgo_scratch *g, screener_stream *st,
                       const char *chunk, size_t len);
int scrgo_stream_close(const screener_db *db, scrgo_scratch *g, screener_stream *st);

/* screener_error fields in one call. */
typedef struct scrgo_error_info {
    int status;
    const char *message;
    const char *file;
    unsigned line;
} scrgo_error_info;
void scrgo_error_get(const screener_error *err, scrgo_error_info *out);

/* Database metadata read once when a DB is opened. */
typedef struct scrgo_db_info {
    uint32_t entry_count;
    uint32_t category_count;
    uint32_t fold_flags;
    const char *fingerprint;
} scrgo_db_info;
void scrgo_db_info_get(const screener_db *db, scrgo_db_info *out);

/* Load a database file (into *db_out) or, with h set, make it h's current
 * database, accepting only a file signed by one of the n public key files
 * (n = 0: no signature check). One cgo call for keys and load. */
int scrgo_load_verified(screener_handle *h, const char *path, const char *const *key_paths,
                        size_t n, screener_db **db_out, screener_error **err_out);

/* screener_db_save_signed with the secret key read from key_path. */
int scrgo_save_signed(const screener_db *db, const char *path, const char *key_path,
                      screener_error **err_out);

/* For benchmarks: n scans of one message straight from C, and `rounds`
 * batch scans of the messages laid out as for scrgo_scan_batch; elapsed ns
 * (or a negative status). */
int64_t scrgo_bench_scan(const screener_db *db, scrgo_scratch *g, const char *text,
                      size_t len, int64_t n);
int64_t scrgo_bench_scan_batch(const screener_db *db, scrgo_scratch *g,
                            const char *buf, const size_t *offs, size_t n,
                            int64_t rounds);

#endif
