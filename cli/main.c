/*
 * main.c — the `screener` command-line tool.
 *
 *   screener scan [--db FILE | --dict FILE ...] [--format jsonl|text|summary] [FILE ...]
 *   screener compile --dict FILE ... -o FILE [--fold LIST] [--sign SECRET_KEY]
 *   screener keygen SECRET_FILE PUBLIC_FILE
 *   screener explain [--db FILE | --dict FILE ...] TEXT
 *   screener mask [--db FILE | --dict FILE ...] [--all] [--char C] [FILE ...]
 *   screener info [FILE | --db FILE | --dict FILE ...]
 *   screener version
 * scan, explain, mask and info take --trusted-key PUBLIC_KEY (repeatable):
 * the database file must then be signed by one of those keys.
 *
 * Every input line is one message. Exit status: 0 success, 2 bad usage, an
 * unreadable/invalid dictionary or database, or a failed write to stdout
 * (one line on stderr: "screener: write error: <reason>"). A reader that
 * goes away (EPIPE) is not an error worth a message: the default SIGPIPE
 * kills the process, and with SIGPIPE ignored it exits 141 (128 + SIGPIPE,
 * what a shell reports for the signal) without a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "screener.h"

#define MAX_DICTS 256
#define MAX_KEYS 16

static const char usage[] =
    "usage: screener scan [--db FILE | --dict FILE ...] [--format jsonl|text|summary] [FILE ...]\n"
    "       screener compile --dict FILE ... -o FILE [--fold LIST] [--native] [--sign SECRET_KEY] [--no-host-words]\n"
    "       screener keygen SECRET_KEY_FILE PUBLIC_KEY_FILE\n"
    "       screener explain [--db FILE | --dict FILE ...] TEXT\n"
    "       screener mask [--db FILE | --dict FILE ...] [--all] [--char C] [FILE ...]\n"
    "       screener info [FILE | --db FILE | --dict FILE ...]\n"
    "       screener version\n"
    "\n"
    "Without --db or --dict, the built-in dictionaries are used.\n"
    "--trusted-key FILE (scan, explain, mask, info; repeatable): load the database only if\n"
    "it is signed by this public key (made by keygen, applied by compile --sign).\n"
    "--native: tune the database for this CPU (default: a file for any x86-64 CPU).\n"
    "--no-host-words: no word-aware allow entries for Chinese terms (with --dict).\n"
    "--fold LIST: comma-separated fold families to enable (default all), or 'none'\n"
    "for exact matching. The families:\n";

/* ---- output ------------------------------------------------------------
 * Commands write through stdio; a failed write sets stdout's error flag.
 * The line loops check it after each record (a full disk stops a long scan
 * at the first failed line) and main checks the final flush and close. */

/* Report a failed write to stdout (err: its errno) and return the exit
 * status. */
static int write_failed(int err)
{
    if (err == EPIPE)
        return 128 + SIGPIPE;
    fprintf(stderr, "screener: write error: %s\n", strerror(err ? err : EIO));
    return 2;
}

/* After a record: 0, or the reported write error's exit status. */
static int check_stdout(void)
{
    return ferror(stdout) ? write_failed(errno) : 0;
}

/* Flush and close stdout at exit. rc is the command's status; a write
 * error a line loop already reported (rc != 0) is not reported twice. */
static int close_stdout(int rc)
{
    int had_error = ferror(stdout);
    errno = 0;
    int failed = fflush(stdout) != 0;
    int err = errno;
    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        err = errno;
    }
    if (had_error && rc != 0)
        return rc;
    return had_error || failed ? write_failed(err) : rc;
}

/* A closed standard descriptor would be reused by the next open(): the
 * database we save, or a dictionary we read, would become "stdout". Hold
 * each closed one with /dev/null opened the wrong way round, so that writing
 * to a closed stdout fails (EBADF) like writing to a closed descriptor. */
static void hold_std_fds(void)
{
    static const int modes[3] = {O_WRONLY, O_RDONLY, O_RDONLY};
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", modes[fd]) != fd)
            _exit(2);
}

/* The usage text; the fold families come from the library's own table. */
static void print_usage(FILE *f)
{
    fputs(usage, f);
    const char *name;
    for (unsigned i = 0; (name = screener_fold_family_name(i, NULL)); i++)
        fprintf(f, "  %-12s %s\n", name, screener_fold_family_description(i));
}

static int die_usage(const char *msg)
{
    fprintf(stderr, "screener: %s\n", msg);
    print_usage(stderr);
    return 2;
}

typedef struct opts {
    const char *db_path;
    const char *dicts[MAX_DICTS];
    int n_dicts;
    const char *format;
    const char *out;
    const char *fold;
    const char *mask_char;
    const char *sign;
    const char *trusted[MAX_KEYS];
    int n_trusted;
    int all;
    int native;
    int no_host_words;
    char **rest;
    int n_rest;
} opts;

/* Parse options shared by the subcommands; returns 0 or 2 (usage error). */
static int parse_opts(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = "jsonl";
    o->rest = argv; /* positional arguments are compacted in place */
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        if (strcmp(a, "--all") == 0) {
            o->all = 1;
        } else if (strcmp(a, "--native") == 0) {
            o->native = 1;
        } else if (strcmp(a, "--no-host-words") == 0) {
            o->no_host_words = 1;
        } else if (strcmp(a, "--db") == 0 || strcmp(a, "--dict") == 0 ||
                   strcmp(a, "--format") == 0 || strcmp(a, "-o") == 0 ||
                   strcmp(a, "--fold") == 0 || strcmp(a, "--char") == 0 ||
                   strcmp(a, "--sign") == 0 || strcmp(a, "--trusted-key") == 0) {
            if (!val) {
                fprintf(stderr, "screener: %s needs a value\n", a);
                return 2;
            }
            i++;
            if (strcmp(a, "--db") == 0)
                o->db_path = val;
            else if (strcmp(a, "--format") == 0)
                o->format = val;
            else if (strcmp(a, "-o") == 0)
                o->out = val;
            else if (strcmp(a, "--fold") == 0)
                o->fold = val;
            else if (strcmp(a, "--char") == 0)
                o->mask_char = val;
            else if (strcmp(a, "--sign") == 0)
                o->sign = val;
            else if (strcmp(a, "--trusted-key") == 0) {
                if (o->n_trusted == MAX_KEYS) {
                    fprintf(stderr, "screener: at most %d --trusted-key options\n", MAX_KEYS);
                    return 2;
                }
                o->trusted[o->n_trusted++] = val;
            } else if (o->n_dicts == MAX_DICTS) {
                fprintf(stderr, "screener: at most %d --dict options\n", MAX_DICTS);
                return 2;
            } else
                o->dicts[o->n_dicts++] = val;
        } else if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                o->rest[o->n_rest++] = argv[i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "screener: unknown option %s\n", a);
            return 2;
        } else {
            o->rest[o->n_rest++] = argv[i];
        }
    }
    if (o->db_path && o->n_dicts) {
        fprintf(stderr, "screener: use either --db or --dict, not both\n");
        return 2;
    }
    if (o->n_trusted && o->n_dicts) {
        fprintf(stderr, "screener: --trusted-key checks database files; it does not apply "
                        "to --dict\n");
        return 2;
    }
    return 0;
}

/* --fold LIST into compile flags; prints the library's error and returns 2. */
static int parse_fold(const char *list, uint32_t *flags)
{
    screener_error *err = NULL;
    int rc = screener_fold_flags_parse(list, flags, &err);
    if (rc != SCREENER_OK) {
        fprintf(stderr, "screener: --fold: %s\n",
                err ? screener_error_message(err) : screener_strerror(rc));
        screener_error_free(err);
        return 2;
    }
    return 0;
}

/* Locate the built-in database: $SCREENER_DB, next to the installed binary
 * (../share/screener/default.scdb), the install prefix, then the build tree. */
static const char *default_db_path(char *buf, size_t cap)
{
    const char *env = getenv("SCREENER_DB");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, cap, "%s/../share/screener/default.scdb", exe);
            if (access(buf, R_OK) == 0)
                return buf;
            snprintf(buf, cap, "%s/default.scdb", exe);
            if (access(buf, R_OK) == 0)
                return buf;
        }
    }
    if (access(SCREENER_INSTALL_DB, R_OK) == 0)
        return SCREENER_INSTALL_DB;
    return SCREENER_BUILD_DB;
}

static void print_warning(const char *message, void *user_data)
{
    (void)user_data;
    fprintf(stderr, "screener: warning: %s\n", message);
}

/* Print a library error (or the status name) and return 2. */
static int report(int rc, screener_error *err)
{
    fprintf(stderr, "screener: %s\n", err ? screener_error_message(err) : screener_strerror(rc));
    screener_error_free(err);
    return 2;
}

/* Load a database file, signed by one of the --trusted-key keys if any. */
static int load_db_file(const opts *o, const char *path, screener_db **db, screener_error **err)
{
    screener_key *keys[MAX_KEYS];
    int n = 0, rc = SCREENER_OK;
    for (; n < o->n_trusted && rc == SCREENER_OK; n++)
        rc = screener_key_load(o->trusted[n], SCREENER_KEY_PUBLIC, &keys[n], err);
    if (rc == SCREENER_OK) {
        screener_load_options lo;
        memset(&lo, 0, sizeof lo);
        lo.struct_size = sizeof lo;
        lo.trusted_keys = (const screener_key *const *)keys;
        lo.n_trusted_keys = (size_t)n;
        rc = screener_db_load_ex(path, &lo, db, err);
    }
    while (n-- > 0)
        screener_key_free(keys[n]);
    return rc;
}

/* Open the database named by the options; prints the error and returns 2. */
static int open_db(const opts *o, uint32_t fold_flags, screener_db **db)
{
    screener_error *err = NULL;
    int rc;
    if (o->n_dicts) {
        screener_source src[MAX_DICTS];
        memset(src, 0, sizeof src);
        for (int i = 0; i < o->n_dicts; i++)
            src[i].path = o->dicts[i];
        screener_compile_options co;
        memset(&co, 0, sizeof co);
        co.struct_size = sizeof co;
        co.fold_flags = fold_flags;
        co.flags = (o->native ? SCREENER_COMPILE_NATIVE : 0) |
                   (o->no_host_words ? SCREENER_COMPILE_NO_HOST_WORDS : 0);
        co.warning = print_warning;
        rc = screener_compile(&co, src, (size_t)o->n_dicts, db, &err);
    } else {
        char buf[PATH_MAX + 64];
        const char *path = o->db_path ? o->db_path : default_db_path(buf, sizeof buf);
        rc = load_db_file(o, path, db, &err);
    }
    return rc == SCREENER_OK ? 0 : report(rc, err);
}

/* ---- scan --------------------------------------------------------------- */

typedef struct totals {
    unsigned long long messages, bytes, flagged, matches;
} totals;

static void print_jsonl(const screener_db *db, const screener_result *r, unsigned long long line,
                        const char *text)
{
    printf("{\"line\":%llu,\"action\":\"%s\",\"severity\":%u,\"categories\":[", line,
           screener_action_name(r->action), r->severity);
    for (size_t i = 0; i < r->n_categories; i++)
        printf("%s\"%s\"", i ? "," : "", screener_db_category_name(db, r->categories[i]));
    printf("],\"matches\":[");
    int first = 1;
    for (size_t i = 0; i < r->n_matches; i++) {
        const screener_match *m = &r->matches[i];
        if (m->flags & SCREENER_MATCH_SUPPRESSED)
            continue;
        screener_entry_info info;
        screener_db_entry(db, m->entry_id, &info);
        printf("%s{\"start\":%zu,\"end\":%zu,\"term\":", first ? "" : ",", m->start, m->end);
        json_string(stdout, info.term, strlen(info.term));
        printf(",\"category\":\"%s\",\"severity\":%u,\"action\":\"%s\",\"text\":", info.category,
               info.severity, screener_action_name(m->action));
        json_string(stdout, text + m->start, m->end - m->start);
        const char *reason = screener_db_entry_reason(db, m->entry_id);
        if (reason) { /* a generated form: which entry it came from */
            printf(",\"reason\":");
            json_string(stdout, reason, strlen(reason));
        }
        putchar('}');
        first = 0;
    }
    printf("]}\n");
}

static void print_text(const screener_db *db, const screener_result *r, unsigned long long line,
                       const char *text)
{
    if (r->action == SCREENER_ACTION_PASS) {
        printf("%llu: pass\n", line);
        return;
    }
    printf("%llu: %s (severity %u)\n", line, screener_action_name(r->action), r->severity);
    for (size_t i = 0; i < r->n_matches; i++) {
        const screener_match *m = &r->matches[i];
        if (m->flags & SCREENER_MATCH_SUPPRESSED)
            continue;
        screener_entry_info info;
        screener_db_entry(db, m->entry_id, &info);
        printf("    [%zu,%zu) %s/%u \"%s\" found as ", m->start, m->end, info.category,
               info.severity, info.term);
        json_string(stdout, text + m->start, m->end - m->start);
        const char *reason = screener_db_entry_reason(db, m->entry_id);
        if (reason)
            printf(" (%s)", reason);
        putchar('\n');
    }
}

/* Call fn for every line of the inputs (stdin if none), without its '\n';
 * lines are numbered from 1 across all inputs. Stops at the first non-zero
 * return. Prints a one-line error and returns 2 for unreadable input. */
typedef int (*line_fn)(const char *name, unsigned long long line, const char *text, size_t len,
                       void *ctx);

static int for_each_line(const opts *o, line_fn fn, void *ctx)
{
    unsigned long long line = 0;
    int n_in = o->n_rest ? o->n_rest : 1;
    for (int k = 0; k < n_in; k++) {
        const char *name = o->n_rest ? o->rest[k] : "-";
        FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
        if (!f) {
            fprintf(stderr, "screener: %s: cannot open: %s\n", name, strerror(errno));
            return 2;
        }
        char *buf = NULL;
        size_t cap = 0;
        ssize_t n;
        int rc = 0;
        while (rc == 0 && (n = getline(&buf, &cap, f)) >= 0) {
            size_t len = (size_t)n;
            if (len && buf[len - 1] == '\n')
                len--;
            rc = fn(f == stdin ? "<stdin>" : name, ++line, buf, len, ctx);
        }
        if (rc == 0 && ferror(f)) {
            fprintf(stderr, "screener: %s: read error\n", name);
            rc = 2;
        }
        free(buf);
        if (f != stdin)
            fclose(f);
        if (rc)
            return rc;
    }
    return 0;
}

typedef struct scan_lines {
    const screener_db *db;
    screener_scratch *s;
    int summary, jsonl;
    totals t;
} scan_lines;

static int scan_line(const char *name, unsigned long long line, const char *text, size_t len,
                     void *ctx)
{
    scan_lines *c = ctx;
    const screener_result *r;
    int rc = screener_scan(c->db, c->s, text, len, &r);
    if (rc != SCREENER_OK) {
        fprintf(stderr, "screener: %s: line %llu: %s\n", name, line, screener_strerror(rc));
        return 2;
    }
    c->t.messages++;
    c->t.bytes += len;
    c->t.matches += r->n_matches;
    c->t.flagged += r->action != SCREENER_ACTION_PASS;
    if (c->summary)
        return 0;
    if (c->jsonl)
        print_jsonl(c->db, r, line, text);
    else
        print_text(c->db, r, line, text);
    return check_stdout();
}

static int cmd_scan(int argc, char **argv)
{
    opts o;
    if (parse_opts(argc, argv, &o))
        return 2;
    if (strcmp(o.format, "jsonl") && strcmp(o.format, "text") && strcmp(o.format, "summary"))
        return die_usage("--format must be jsonl, text or summary");
    screener_db *db = NULL;
    if (open_db(&o, 0, &db))
        return 2;
    screener_scratch *s = NULL;
    if (screener_scratch_alloc(db, &s) != SCREENER_OK) {
        fprintf(stderr, "screener: cannot allocate scratch\n");
        screener_db_free(db);
        return 2;
    }
    scan_lines c = {db, s, strcmp(o.format, "summary") == 0, strcmp(o.format, "jsonl") == 0,
                    {0, 0, 0, 0}};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = for_each_line(&o, scan_line, &c);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc == 0 && strcmp(o.format, "summary") == 0) {
        double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("{\"messages\":%llu,\"bytes\":%llu,\"messages_with_matches\":%llu,"
               "\"matches\":%llu,\"seconds\":%.6f,\"mb_per_s\":%.2f}\n",
               c.t.messages, c.t.bytes, c.t.flagged, c.t.matches, sec,
               sec > 0 ? (double)c.t.bytes / 1e6 / sec : 0.0);
    }
    screener_scratch_free(s);
    screener_db_free(db);
    return rc;
}

/* ---- compile ------------------------------------------------------------ */

static int cmd_compile(int argc, char **argv)
{
    opts o;
    if (parse_opts(argc, argv, &o))
        return 2;
    if (!o.n_dicts || !o.out || o.n_rest || o.db_path)
        return die_usage("compile needs --dict FILE ... and -o FILE");
    uint32_t fold = 0;
    if (o.fold && parse_fold(o.fold, &fold))
        return 2;
    screener_error *err = NULL;
    screener_key *secret = NULL;
    int rc;
    /* the key first: a wrong key file should not cost a compile */
    if (o.sign && (rc = screener_key_load(o.sign, SCREENER_KEY_SECRET, &secret, &err)))
        return report(rc, err);
    screener_db *db = NULL;
    if (open_db(&o, fold, &db)) {
        screener_key_free(secret);
        return 2;
    }
    rc = secret ? screener_db_save_signed(db, o.out, secret, &err)
                : screener_db_save(db, o.out, &err);
    screener_key_free(secret);
    screener_db_free(db);
    return rc == SCREENER_OK ? 0 : report(rc, err);
}

/* ---- keygen ------------------------------------------------------------- */

static int cmd_keygen(int argc, char **argv)
{
    opts o;
    if (parse_opts(argc, argv, &o))
        return 2;
    if (o.n_rest != 2 || o.n_dicts || o.db_path || o.sign || o.n_trusted)
        return die_usage("keygen takes SECRET_KEY_FILE PUBLIC_KEY_FILE");
    screener_error *err = NULL;
    int rc = screener_keygen(o.rest[0], o.rest[1], &err);
    if (rc)
        return report(rc, err);
    screener_key *k = NULL;
    if ((rc = screener_key_load(o.rest[1], SCREENER_KEY_PUBLIC, &k, &err)))
        return report(rc, err);
    printf("key id %s\nsecret key: %s (keep it on the signing host, mode 0600)\n"
           "public key: %s (give it to services: --trusted-key)\n",
           screener_key_id(k), o.rest[0], o.rest[1]);
    screener_key_free(k);
    return 0;
}

/* ---- mask --------------------------------------------------------------- */

typedef struct mask_ctx {
    const screener_db *db;
    screener_scratch *s;
    unsigned flags;
    uint32_t c;
} mask_ctx;

static int mask_line(const char *name, unsigned long long lineno, const char *line, size_t len,
                     void *ctx)
{
    (void)name;
    (void)lineno;
    mask_ctx *m = ctx;
    char *out = NULL;
    size_t n = 0;
    int rc = screener_mask(m->db, m->s, line, len, m->flags, m->c, &out, &n);
    if (rc) {
        fprintf(stderr, "screener: %s\n", screener_strerror(rc));
        return 2;
    }
    fwrite(out, 1, n, stdout);
    putchar('\n');
    screener_free(out);
    return check_stdout();
}

static int cmd_mask(int argc, char **argv)
{
    opts o;
    if (parse_opts(argc, argv, &o))
        return 2;
    uint32_t c = '*';
    if (o.mask_char) {
        const char *p = o.mask_char;
        size_t n = strlen(p);
        /* exactly one UTF-8 character */
        unsigned char b = (unsigned char)p[0];
        size_t want = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
        if (n == 0 || want != n)
            return die_usage("--char takes exactly one character");
        c = want == 1 ? b : want == 2 ? (b & 0x1Fu) : want == 3 ? (b & 0x0Fu) : (b & 0x07u);
        for (size_t i = 1; i < n; i++)
            c = (c << 6) | ((unsigned char)p[i] & 0x3Fu);
    }
    screener_db *db = NULL;
    if (open_db(&o, 0, &db))
        return 2;
    screener_scratch *s = NULL;
    if (screener_scratch_alloc(db, &s) != SCREENER_OK) {
        screener_db_free(db);
        return 2;
    }
    mask_ctx m = {db, s, o.all ? SCREENER_MASK_ALL : SCREENER_MASK_BY_ACTION, c};
    int rc = for_each_line(&o, mask_line, &m);
    screener_scratch_free(s);
    screener_db_free(db);
    return rc;
}

/* ---- info --------------------------------------------------------------- */

/* Generated entries per kind: the part of their reason before " of "
 * ("pinyin of 法轮功" -> pinyin). At most 16 kinds are told apart. */
static void print_generated(const screener_db *db, uint32_t n)
{
    const char *kind[16];
    size_t klen[16];
    unsigned long count[16];
    int nk = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *r = screener_db_entry_reason(db, i);
        if (!r)
            continue;
        const char *of = strstr(r, " of ");
        size_t len = of ? (size_t)(of - r) : strlen(r);
        int k = 0;
        while (k < nk && !(klen[k] == len && memcmp(kind[k], r, len) == 0))
            k++;
        if (k == nk && nk < 16) {
            kind[nk] = r;
            klen[nk] = len;
            count[nk++] = 0;
        }
        if (k < nk)
            count[k]++;
    }
    printf("generated:       ");
    for (int k = 0; k < nk; k++)
        printf("%s%.*s %lu", k ? ", " : " ", (int)klen[k], kind[k], count[k]);
    printf("%s\n", nk ? "" : " none");
}

static int cmd_info(int argc, char **argv)
{
    opts o;
    if (parse_opts(argc, argv, &o))
        return 2;
    if (o.n_rest > 1 || (o.n_rest == 1 && (o.db_path || o.n_dicts)))
        return die_usage("info takes one database FILE (or --db/--dict)");
    if (o.n_rest == 1)
        o.db_path = o.rest[0];
    screener_db *db = NULL;
    if (open_db(&o, 0, &db))
        return 2;
    screener_db_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    screener_db_get_info(db, &info);
    printf("fingerprint:      %s\n", info.fingerprint);
    printf("format version:   %u\n", info.format_version);
    printf("compiled by:      screener %u.%u.%u, Hyperscan %s, ICU %s\n",
           info.library_version / 10000, info.library_version / 100 % 100,
           info.library_version % 100, info.hyperscan_version, info.icu_version);
    printf("fold families:   ");
    uint32_t flag;
    const char *fam;
    for (unsigned k = 0; (fam = screener_fold_family_name(k, &flag)); k++)
        if (info.fold_flags & flag)
            printf(" %s", fam);
    printf("%s\n", info.fold_flags ? "" : " none (exact matching)");
    printf("entries:          %u (%u distinct folded terms)\n", info.n_entries, info.n_literals);
    printf("size:             %zu bytes (Hyperscan %zu, fold table %zu)\n", info.serialized_size,
           info.hyperscan_size, info.fold_table_size);
    if (info.signature == SCREENER_SIGNATURE_VERIFIED)
        printf("signature:        verified, key %s\n", info.signature_key_id);
    else if (info.signature == SCREENER_SIGNATURE_UNVERIFIED)
        printf("signature:        signed by key %s, NOT verified (no --trusted-key)\n",
               info.signature_key_id);
    else
        printf("signature:        none\n");
    printf("categories:       %u\n", info.n_categories);
    uint32_t nc = info.n_categories;
    unsigned long *deny = calloc(nc ? nc : 1, sizeof *deny), *allow = calloc(nc ? nc : 1, sizeof *allow);
    for (uint32_t i = 0; deny && allow && i < info.n_entries; i++) {
        screener_entry_info e;
        if (screener_db_entry(db, i, &e) == SCREENER_OK) {
            if (e.flags & SCREENER_ENTRY_ALLOW)
                allow[e.category_id]++;
            else
                deny[e.category_id]++;
        }
    }
    for (uint32_t c = 0; deny && allow && c < nc; c++) {
        screener_category_info ci;
        screener_db_category(db, c, &ci);
        printf("  %-22s %6lu deny %6lu allow  policy %s/%s/%s/%s  %s / %s\n", ci.id, deny[c],
               allow[c], screener_action_name(ci.actions[0]), screener_action_name(ci.actions[1]),
               screener_action_name(ci.actions[2]), screener_action_name(ci.actions[3]),
               ci.name_zh, ci.name_en);
    }
    print_generated(db, info.n_entries);
    free(deny);
    free(allow);
    screener_db_free(db);
    return 0;
}

/* ---- explain ------------------------------------------------------------ */

static int cmd_explain(int argc, char **argv)
{
    opts o;
    if (parse_opts(argc, argv, &o))
        return 2;
    if (o.n_rest != 1)
        return die_usage("explain needs exactly one TEXT argument");
    const char *text = o.rest[0];
    size_t len = strlen(text);
    screener_db *db = NULL;
    if (open_db(&o, 0, &db))
        return 2;
    char *folded = NULL;
    size_t flen = 0;
    screener_scratch *s = NULL;
    const screener_result *r = NULL;
    int rc = screener_fold_utf8(db, text, len, &folded, &flen);
    if (rc == SCREENER_OK)
        rc = screener_scratch_alloc(db, &s);
    if (rc == SCREENER_OK)
        rc = screener_scan(db, s, text, len, &r);
    if (rc != SCREENER_OK) {
        fprintf(stderr, "screener: %s\n", screener_strerror(rc));
    } else {
        printf("input:    ");
        json_string(stdout, text, len);
        printf("\nfolded:   ");
        json_string(stdout, folded, flen);
        printf("\nverdict:  %s (severity %u)\n", screener_action_name(r->action), r->severity);
        for (size_t i = 0; i < r->n_matches; i++) {
            const screener_match *m = &r->matches[i];
            screener_entry_info info;
            screener_db_entry(db, m->entry_id, &info);
            printf("match:    bytes [%zu,%zu) ", m->start, m->end);
            json_string(stdout, text + m->start, m->end - m->start);
            const char *reason = screener_db_entry_reason(db, m->entry_id);
            printf(" = \"%s\"%s%s%s %s severity %u -> %s%s (%s:%u)\n", info.term,
                   reason ? " (" : "", reason ? reason : "", reason ? ")" : "", info.category,
                   info.severity, screener_action_name(m->action),
                   (m->flags & SCREENER_MATCH_SUPPRESSED) ? " [suppressed by allow-list]" : "",
                   info.source, info.line);
        }
    }
    screener_free(folded);
    screener_scratch_free(s);
    screener_db_free(db);
    return rc == SCREENER_OK ? 0 : 2;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return die_usage("missing command");
    const char *cmd = argv[1];
    if (strcmp(cmd, "scan") == 0)
        return cmd_scan(argc - 2, argv + 2);
    if (strcmp(cmd, "compile") == 0)
        return cmd_compile(argc - 2, argv + 2);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc - 2, argv + 2);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 2, argv + 2);
    if (strcmp(cmd, "mask") == 0)
        return cmd_mask(argc - 2, argv + 2);
    if (strcmp(cmd, "keygen") == 0)
        return cmd_keygen(argc - 2, argv + 2);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("screener %s\n", screener_version_string());
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        print_usage(stdout);
        return 0;
    }
    return die_usage("unknown command");
}

int main(int argc, char **argv)
{
    hold_std_fds();
    return close_stdout(run(argc, argv));
}
