/*
 * main.c — the `screener` command-line tool.
 *
 *   screener scan [--db FILE | --dict FILE ...] [--format jsonl|text|summary] [FILE ...]
 *   screener compile --dict FILE ... -o FILE [--fold LIST]
 *   screener explain [--db FILE | --dict FILE ...] TEXT
 *   screener mask [--db FILE | --dict FILE ...] [--all] [--char C] [FILE ...]
 *   screener info [FILE | --db FILE | --dict FILE ...]
 *   screener version
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

static const char usage[] =
    "usage: screener scan [--db FILE | --dict FILE ...] [--format jsonl|text|summary] [FILE ...]\n"
    "       screener compile --dict FILE ... -o FILE [--fold LIST] [--native] [--no-host-words]\n"
    "       screener explain [--db FILE | --dict FILE ...] TEXT\n"
    "       screener mask [--db FILE | --dict FILE ...] [--all] [--char C] [FILE ...]\n"
    "       screener info [FILE | --db FILE | --dict FILE ...]\n"
    "       screener version\n"
    "\n"
    "Without --db or --dict, the built-in dictionaries are used.\n"
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
                   strcmp(a, "--fold") == 0 || strcmp(a, "--char") == 0) {
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
            else if (o->n_dicts == MAX_DICTS) {
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
        rc = screener_db_load(path, db, &err);
    }
    if (rc != SCREENER_OK) {
        fprintf(stderr, "screener: %s\n", err ? screener_error_message(err) : screener_strerror(rc));
        screener_error_free(err);
        return 2;
    }
    return 0;
}

/* ---- scan --------------------------------------------------------------- */

typedef struct totals {
    unsigned long long messages, bytes, flagged, matches;
} totals;

/* For a generated entry: its kind and the term it was generated from
 * (*of_out); NULL for a written entry. */
static const char *variant_of(const screener_db *db, uint32_t entry_id, const char **of_out)
{
    unsigned kind = 0;
    uint32_t parent = entry_id;
    screener_entry_info p;
    if (screener_db_entry_variant(db, entry_id, &kind, &parent) != SCREENER_OK || kind == 0 ||
        screener_db_entry(db, parent, &p) != SCREENER_OK)
        return NULL;
    *of_out = p.term;
    return screener_variant_name(kind);
}

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
        const char *of, *kind = variant_of(db, m->entry_id, &of);
        if (kind) {
            printf(",\"variant\":\"%s\",\"of\":", kind);
            json_string(stdout, of, strlen(of));
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
        const char *of, *kind = variant_of(db, m->entry_id, &of);
        if (kind)
            printf(" (%s of \"%s\")", kind, of);
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
    screener_db *db = NULL;
    if (open_db(&o, fold, &db))
        return 2;
    screener_error *err = NULL;
    int rc = screener_db_save(db, o.out, &err);
    if (rc != SCREENER_OK) {
        fprintf(stderr, "screener: %s\n", screener_error_message(err));
        screener_error_free(err);
    }
    screener_db_free(db);
    return rc == SCREENER_OK ? 0 : 2;
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
    unsigned long generated[16] = {0};
    for (uint32_t i = 0; i < info.n_entries; i++) {
        unsigned kind = 0;
        if (screener_db_entry_variant(db, i, &kind, NULL) == SCREENER_OK && kind < 16)
            generated[kind]++;
    }
    printf("generated:       ");
    const char *vname;
    for (unsigned k = 1; (vname = screener_variant_name(k)); k++)
        printf(" %s %lu", vname, k < 16 ? generated[k] : 0ul);
    putchar('\n');
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
            printf(" = \"%s\" %s severity %u -> %s%s (%s:%u)", info.term, info.category,
                   info.severity, screener_action_name(m->action),
                   (m->flags & SCREENER_MATCH_SUPPRESSED) ? " [suppressed by allow-list]" : "",
                   info.source, info.line);
            const char *of, *kind = variant_of(db, m->entry_id, &of);
            if (kind)
                printf(" found as %s of \"%s\"", kind, of);
            putchar('\n');
        }
    }
    free(folded);
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
