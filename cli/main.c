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
 *   (options and per-command help: options.c)
 * scan, explain, mask and info take --trusted-key PUBLIC_KEY (repeatable):
 * the database file must then be signed by one of those keys.
 *
 * Every input line is one message. Exit status: 0 success, 1 when a message
 * reached `scan --fail-on ACTION`, 2 bad usage, an
 * unreadable/invalid dictionary or database, or a failed write to stdout
 * (one line on stderr: "screener: write error: <reason>"). A reader that
 * goes away (EPIPE) is not an error worth a message: the default SIGPIPE
 * kills the process, and with SIGPIPE ignored it exits 141 (128 + SIGPIPE,
 * what a shell reports for the signal) without a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "options.h"
#include "screener.h"

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

/* Open the database named by the options (compiling --dict with --fold and
 * --native); prints the error and returns 2. */
static int open_db(const opts *o, screener_db **db)
{
    screener_error *err = NULL;
    int rc;
    uint32_t fold_flags = 0;
    if (o->fold && parse_fold(o->fold, &fold_flags))
        return 2;
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
                   (o->no_host_words ? SCREENER_COMPILE_NO_HOST_WORDS : 0) |
                   (o->lenient ? SCREENER_COMPILE_LENIENT : 0);
        co.warning = print_warning;
        rc = screener_compile(&co, src, (size_t)o->n_dicts, db, &err);
    } else {
        char buf[PATH_MAX + 64];
        const char *path = o->db_path ? o->db_path : default_db_path(buf, sizeof buf);
        rc = load_db_file(o, path, db, &err);
    }
    return rc == SCREENER_OK ? 0 : report(rc, err);
}

/* A scratch for db whose profile excludes the regions the options name
 * (--exclude, --include); NULL after printing why not. */
static screener_scratch *new_scratch(const opts *o, const screener_db *db)
{
    screener_scratch *s = NULL;
    screener_profile p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    p.exclude_regions = cli_excluded_regions(o);
    int rc = screener_scratch_alloc(db, &s);
    if (rc == SCREENER_OK && (rc = screener_scratch_set_profile(s, &p)) != SCREENER_OK)
        screener_scratch_free(s);
    if (rc != SCREENER_OK) {
        fprintf(stderr, "screener: cannot allocate scratch: %s\n", screener_strerror(rc));
        return NULL;
    }
    return s;
}

/* ---- scan --------------------------------------------------------------- */

typedef struct totals {
    unsigned long long messages, bytes, flagged, matches;
} totals;

static const char *rule_op_name(int op)
{
    return op == SCREENER_RULE_NEAR ? "NEAR" : op == SCREENER_RULE_AND_NOT ? "AND NOT" : "THEN";
}

/* A rule match's metadata: ,"rule":{"op":..,"distance":..,"parts":[{term,start,end,text}]}
 * with the parts that fired (screener_rule_parts). */
static void print_rule_json(const screener_db *db, screener_scratch *s, const char *text,
                            size_t len, const screener_match *m)
{
    screener_rule_info ri;
    memset(&ri, 0, sizeof ri);
    ri.struct_size = sizeof ri;
    if (screener_db_rule(db, m->entry_id, &ri) != SCREENER_OK)
        return;
    size_t st[2], en[2], n = 0;
    if (screener_rule_parts(db, s, text, len, m, st, en, &n) != SCREENER_OK)
        n = 0;
    printf(",\"rule\":{\"op\":\"%s\"", rule_op_name(ri.op));
    if (ri.op == SCREENER_RULE_NEAR)
        printf(",\"distance\":%u", ri.distance);
    printf(",\"parts\":[");
    for (size_t k = 0; k < n; k++) {
        printf("%s{\"term\":", k ? "," : "");
        json_string(stdout, ri.part[k], strlen(ri.part[k]));
        printf(",\"start\":%zu,\"end\":%zu,\"text\":", st[k], en[k]);
        json_string(stdout, text + st[k], en[k] - st[k]);
        putchar('}');
    }
    printf("]}");
}

/* One JSON object per message; file (NULL with a single input) names the
 * input the line came from. */
static void print_jsonl(const screener_db *db, screener_scratch *s, const screener_result *r,
                        const char *file, unsigned long long line, const char *text, size_t len)
{
    putchar('{');
    if (file) {
        printf("\"file\":");
        json_string(stdout, file, strlen(file));
        putchar(',');
    }
    printf("\"line\":%llu,\"action\":\"%s\",\"severity\":%u,\"categories\":[", line,
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
        if (info.flags & SCREENER_ENTRY_RULE)
            print_rule_json(db, s, text, len, m);
        putchar('}');
        first = 0;
    }
    printf("]}\n");
}

static void print_text(const screener_db *db, const screener_result *r, const char *file,
                       unsigned long long line, const char *text)
{
    if (file)
        printf("%s:", file);
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
        putchar('\n');
    }
}

/* --line-buffered: stdout writes each line at once. Without it, stdout is
 * still flushed whenever reading would wait (line_reader), which is what
 * pipelines need, at full-buffer speed. */
static void choose_buffering(const opts *o)
{
    if (o->line_buffered)
        setvbuf(stdout, NULL, _IOLBF, 0);
}

/* The lines of one input, read with read(2) in blocks of 64 KiB or more
 * (256 KiB from a regular file). A line returned stays where it is until
 * the buffer is refilled: before that, the consumer is told to let go of
 * the lines it kept (release), so it can batch them without copying. When
 * the input can make us wait (a pipe, terminal or socket: anything but a
 * regular file) and has nothing ready, stdout is flushed before the read
 * blocks: each verdict reaches the next process while we wait for the next
 * message, not when 4 KiB of output have piled up or the input ends (`tail
 * -f log | screener scan | consumer`). Cost: one poll(2) per block read. */
typedef struct line_reader {
    int fd, may_wait, eof;
    char *buf;
    size_t cap, start, end; /* unread bytes: buf[start, end) */
    size_t searched;        /* bytes after start known to hold no '\n' */
    size_t block;           /* bytes asked of each read */
    /* called before the buffer moves or is read into (so before a read that
     * would wait): the consumer answers the lines it holds, which are about
     * to move; non-zero stops the reading */
    int (*release)(void *ctx);
    void *release_ctx;
    int release_rc;
} line_reader;

#define READ_BLOCK 65536
#define READ_BLOCK_FILE ((size_t)256 << 10)

/* The next line without its '\n': 1, 0 at the end of the input, -1 on a
 * read error (errno set). The line stays valid until the reader calls
 * release. Each byte is searched for '\n' once, so a long line costs linear
 * time. */
static int next_line(line_reader *r, const char **line, size_t *len)
{
    for (;;) {
        char *p = r->buf + r->start;
        size_t unsearched = r->end - r->start - r->searched;
        char *nl = unsearched ? memchr(p + r->searched, '\n', unsearched) : NULL;
        if (nl || (r->eof && r->end > r->start)) {
            *line = p;
            *len = nl ? (size_t)(nl - p) : r->end - r->start;
            r->start += *len + (nl != NULL);
            r->searched = 0;
            return 1;
        }
        if (r->eof)
            return 0;
        if (r->release && (r->release_rc = r->release(r->release_ctx)) != 0)
            return 0;
        r->searched = r->end - r->start;
        if (r->start) {
            memmove(r->buf, p, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
        }
        if (r->cap - r->end < r->block) {
            size_t cap = r->cap * 2 > r->end + r->block ? r->cap * 2 : r->end + r->block;
            char *b = realloc(r->buf, cap);
            if (!b)
                return -1;
            r->buf = b;
            r->cap = cap;
        }
        if (r->may_wait) {
            struct pollfd pfd = {r->fd, POLLIN, 0};
            if (poll(&pfd, 1, 0) == 0)
                fflush(stdout); /* a write error stays in ferror(stdout) */
        }
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            r->eof = 1;
        r->end += (size_t)n;
    }
}

/* Call fn for every line of the inputs (stdin if none), without its '\n';
 * lines are numbered from 1 in each input. Stops at the first non-zero
 * return. Prints a one-line error and returns 2 for unreadable input.
 * flush (may be NULL) is called at the end of each input and before the
 * reader's buffer is refilled (so also before a read that would wait for
 * more input): fn may keep the lines it was given (pointers) until then. */
typedef int (*line_fn)(const char *name, unsigned long long line, const char *text, size_t len,
                       void *ctx);

static int for_each_line(const opts *o, line_fn fn, int (*flush)(void *ctx), void *ctx)
{
    unsigned long long line = 0;
    int n_in = o->n_rest ? o->n_rest : 1;
    for (int k = 0; k < n_in; k++) {
        const char *name = o->n_rest ? o->rest[k] : "-";
        int is_stdin = strcmp(name, "-") == 0;
        line_reader r = {is_stdin ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC), 0, 0,
                         NULL, 0, 0, 0, 0, READ_BLOCK, flush, ctx, 0};
        struct stat st;
        if (r.fd < 0 || fstat(r.fd, &st) != 0) {
            fprintf(stderr, "screener: %s: cannot open: %s\n", name, strerror(errno));
            if (r.fd > STDIN_FILENO)
                close(r.fd);
            return 2;
        }
        r.may_wait = !S_ISREG(st.st_mode);
        if (!r.may_wait) /* (a batch ends where a block does: fewer, fuller blocks) */
            r.block = READ_BLOCK_FILE;
        const char *text;
        size_t len;
        int rc = 0, got = 0;
        if (o->n_rest > 1)
            line = 0; /* several inputs: lines are numbered per file */
        while (rc == 0 && (got = next_line(&r, &text, &len)) > 0)
            rc = fn(is_stdin ? "<stdin>" : name, ++line, text, len, ctx);
        if (rc == 0)
            rc = r.release_rc;
        int read_errno = errno;
        if (rc == 0 && flush)
            rc = flush(ctx); /* the lines read so far, also before a read error */
        if (rc == 0 && got < 0) {
            fprintf(stderr, "screener: %s: read error: %s\n", name, strerror(read_errno));
            rc = 2;
        }
        free(r.buf);
        if (!is_stdin)
            close(r.fd);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- progress on a terminal ---------------------------------------------
 * When standard error is a terminal, a long scan redraws one status line
 * there about once a second: bytes and messages so far, MB/s and, when every
 * input is a regular file (so the total is known), the percentage and the
 * time left. Nothing is drawn for runs under a second or for a redirected
 * stderr. Cost: one clock read per 64 messages. */
typedef struct progress {
    int on, drawn;
    unsigned long long total; /* bytes of all inputs, 0 when unknown */
    struct timespec start, last;
} progress;

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_start(progress *p, const opts *o)
{
    memset(p, 0, sizeof *p);
    p->on = isatty(STDERR_FILENO);
    for (int i = 0; p->on && i < o->n_rest; i++) {
        struct stat st;
        if (strcmp(o->rest[i], "-") == 0 || stat(o->rest[i], &st) != 0 || !S_ISREG(st.st_mode)) {
            p->total = 0;
            break;
        }
        p->total += (unsigned long long)st.st_size;
    }
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

/* Redraw when a second has passed (or, with final, when anything was drawn). */
static void progress_draw(progress *p, const totals *t, int final)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (final ? !p->drawn : seconds_between(&p->last, &now) < 1.0)
        return;
    double sec = seconds_between(&p->start, &now);
    double done = (double)(t->bytes + t->messages); /* with the newlines */
    fprintf(stderr, "\rscreener: %.1f MB, %llu messages, %.1f MB/s", done / 1e6, t->messages,
            sec > 0 ? done / 1e6 / sec : 0.0);
    if (p->total && done > 0 && done <= (double)p->total) {
        double left = sec * ((double)p->total - done) / done;
        fprintf(stderr, ", %.0f%%, %um%02us left", 100.0 * done / (double)p->total,
                (unsigned)(left / 60), (unsigned)left % 60);
    }
    fputs(final ? "\n" : "   ", stderr);
    p->drawn = 1;
    p->last = now;
}

/* The totals as one JSON object (--format summary on stdout, --stats on stderr). */
static void print_summary(FILE *f, const totals *t, double sec)
{
    fprintf(f, "{\"messages\":%llu,\"bytes\":%llu,\"messages_with_matches\":%llu,"
               "\"matches\":%llu,\"seconds\":%.6f,\"mb_per_s\":%.2f}\n",
            t->messages, t->bytes, t->flagged, t->matches, sec,
            sec > 0 ? (double)t->bytes / 1e6 / sec : 0.0);
}

/* Lines kept for one screener_scan_batch call: pointers into the line
 * reader's buffer, scanned before it moves (for_each_line's flush). Longer
 * lines are scanned alone. */
#define CLI_BATCH_MSGS 256
#define CLI_BATCH_BYTES ((size_t)256 << 10)
#define CLI_BATCH_LINE_MAX ((size_t)16 << 10)

typedef struct pending {
    screener_message msgs[CLI_BATCH_MSGS];
    unsigned long long line[CLI_BATCH_MSGS];
    const char *name; /* one input per batch (flushed at its end) */
    size_t n, len;    /* lines kept, their bytes */
} pending;

typedef struct scan_lines {
    const screener_db *db;
    screener_scratch *s;
    int summary, jsonl, only_flagged;
    int several; /* several inputs: name the file of each line */
    int max_action; /* strongest action of any message */
    totals t;
    progress p;
    pending b;
} scan_lines;

/* Count and print one message's result. */
static int report_line(scan_lines *c, const char *name, unsigned long long line,
                       const char *text, size_t len, const screener_result *r)
{
    c->t.messages++;
    c->t.bytes += len;
    c->t.matches += r->n_matches;
    c->t.flagged += r->action != SCREENER_ACTION_PASS;
    if (r->action > c->max_action)
        c->max_action = r->action;
    if (c->p.on && c->t.messages % 64 == 0)
        progress_draw(&c->p, &c->t, 0);
    if (c->summary || (c->only_flagged && r->action == SCREENER_ACTION_PASS))
        return 0;
    const char *file = c->several ? name : NULL;
    if (c->jsonl)
        print_jsonl(c->db, c->s, r, file, line, text, len);
    else
        print_text(c->db, r, file, line, text);
    return check_stdout();
}

static int scan_one(scan_lines *c, const char *name, unsigned long long line, const char *text,
                    size_t len)
{
    const screener_result *r;
    int rc = screener_scan(c->db, c->s, text, len, &r);
    if (rc != SCREENER_OK) {
        fprintf(stderr, "screener: %s: line %llu: %s\n", name, line, screener_strerror(rc));
        return 2;
    }
    return report_line(c, name, line, text, len, r);
}

/* Scan and report the kept lines, in order: one batch call, or, if it
 * fails, one scan per line (which names the line that failed). */
static int flush_lines(void *ctx)
{
    scan_lines *c = ctx;
    pending *b = &c->b;
    size_t n = b->n;
    if (n == 0)
        return 0;
    b->n = 0;
    b->len = 0;
    const screener_message *msgs = b->msgs;
    const screener_result *res = NULL;
    int batch_ok = screener_scan_batch(c->db, c->s, msgs, n, &res) == SCREENER_OK;
    if (batch_ok && c->summary && !c->p.on) { /* only the totals: report_line's counting */
        for (size_t i = 0; i < n; i++) {
            c->t.bytes += msgs[i].len;
            c->t.matches += res[i].n_matches;
            c->t.flagged += res[i].action != SCREENER_ACTION_PASS;
            if (res[i].action > c->max_action)
                c->max_action = res[i].action;
        }
        c->t.messages += n;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = batch_ok ? report_line(c, b->name, b->line[i], msgs[i].text, msgs[i].len, &res[i])
                          : scan_one(c, b->name, b->line[i], msgs[i].text, msgs[i].len);
        if (rc)
            return rc;
    }
    return 0;
}

static int scan_line(const char *name, unsigned long long line, const char *text, size_t len,
                     void *ctx)
{
    scan_lines *c = ctx;
    pending *b = &c->b;
    int rc;
    if (len > CLI_BATCH_LINE_MAX)
        return (rc = flush_lines(c)) ? rc : scan_one(c, name, line, text, len);
    if ((b->n == CLI_BATCH_MSGS || b->len + len > CLI_BATCH_BYTES) && (rc = flush_lines(c)))
        return rc;
    b->name = name;
    b->msgs[b->n] = (screener_message){text, len};
    b->line[b->n++] = line;
    b->len += len;
    return 0;
}

static int cmd_scan(opts *op)
{
    opts o = *op;
    screener_db *db = NULL;
    if (open_db(&o, &db))
        return 2;
    screener_scratch *s = new_scratch(&o, db);
    if (!s) {
        screener_db_free(db);
        return 2;
    }
    scan_lines c;
    memset(&c, 0, sizeof c);
    c.db = db;
    c.s = s;
    c.summary = strcmp(o.format, "summary") == 0;
    c.jsonl = strcmp(o.format, "jsonl") == 0;
    c.only_flagged = o.only_flagged;
    c.several = o.n_rest > 1;
    c.max_action = SCREENER_ACTION_PASS;
    choose_buffering(&o);
    progress_start(&c.p, &o);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = for_each_line(&o, scan_line, flush_lines, &c);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (c.p.on)
        progress_draw(&c.p, &c.t, 1);
    double sec = seconds_between(&t0, &t1);
    if (rc == 0 && strcmp(o.format, "summary") == 0)
        print_summary(stdout, &c.t, sec);
    if (rc == 0 && o.stats)
        print_summary(stderr, &c.t, sec);
    screener_scratch_free(s);
    screener_db_free(db);
    if (rc == 0 && o.fail_on && c.max_action >= o.fail_on)
        rc = 1;
    return rc;
}

/* ---- compile ------------------------------------------------------------ */

static int cmd_compile(opts *op)
{
    opts o = *op;
    if (!o.n_dicts || !o.out || o.n_rest || o.db_path)
        return cli_die_usage("compile needs --dict FILE ... and -o FILE");
    screener_error *err = NULL;
    screener_key *secret = NULL;
    int rc;
    /* the key first: a wrong key file should not cost a compile */
    if (o.sign && (rc = screener_key_load(o.sign, SCREENER_KEY_SECRET, &secret, &err)))
        return report(rc, err);
    screener_db *db = NULL;
    if (open_db(&o, &db)) {
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

static int cmd_keygen(opts *op)
{
    opts o = *op;
    if (o.n_rest != 2)
        return cli_die_usage("keygen takes SECRET_KEY_FILE PUBLIC_KEY_FILE");
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

static int cmd_mask(opts *op)
{
    opts o = *op;
    uint32_t c = '*';
    if (o.mask_char) {
        const char *p = o.mask_char;
        size_t n = strlen(p);
        /* exactly one UTF-8 character */
        unsigned char b = (unsigned char)p[0];
        size_t want = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
        if (n == 0 || want != n)
            return cli_die_usage("--char takes exactly one character");
        c = want == 1 ? b : want == 2 ? (b & 0x1Fu) : want == 3 ? (b & 0x0Fu) : (b & 0x07u);
        for (size_t i = 1; i < n; i++)
            c = (c << 6) | ((unsigned char)p[i] & 0x3Fu);
    }
    screener_db *db = NULL;
    if (open_db(&o, &db))
        return 2;
    screener_scratch *s = new_scratch(&o, db);
    if (!s) {
        screener_db_free(db);
        return 2;
    }
    choose_buffering(&o);
    mask_ctx m = {db, s, o.all ? SCREENER_MASK_ALL : SCREENER_MASK_BY_ACTION, c};
    int rc = for_each_line(&o, mask_line, NULL, &m);
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

/* Rules per operator. */
static void print_rules(const screener_db *db, uint32_t n, uint32_t n_rules)
{
    unsigned long ops[4] = {0};
    for (uint32_t i = 0; i < n; i++) {
        screener_rule_info ri;
        memset(&ri, 0, sizeof ri);
        ri.struct_size = sizeof ri;
        if (screener_db_rule(db, i, &ri) == SCREENER_OK && ri.rule_entry == i && ri.op >= 1 &&
            ri.op <= 3)
            ops[ri.op]++;
    }
    printf("rules:            %u", n_rules);
    if (n_rules)
        printf(" (NEAR %lu, AND NOT %lu, THEN %lu)", ops[SCREENER_RULE_NEAR],
               ops[SCREENER_RULE_AND_NOT], ops[SCREENER_RULE_THEN]);
    putchar('\n');
}

static int cmd_info(opts *op)
{
    opts o = *op;
    if (o.n_rest > 1 || (o.n_rest == 1 && (o.db_path || o.n_dicts)))
        return cli_die_usage("info takes one database FILE (or --db/--dict)");
    if (o.n_rest == 1)
        o.db_path = o.rest[0];
    screener_db *db = NULL;
    if (open_db(&o, &db))
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
    printf("size:             %zu bytes (Hyperscan %zu, fold table %zu; %zu unpacked in "
           "memory)\n",
           info.serialized_size, info.hyperscan_size, info.fold_table_size,
           info.fold_table_unpacked_size);
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
            if (e.flags & SCREENER_ENTRY_RULE_PART)
                continue; /* (counted with the rules) */
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
    print_rules(db, info.n_entries, info.n_rules);
    free(deny);
    free(allow);
    screener_db_free(db);
    return 0;
}

/* ---- explain ------------------------------------------------------------ */

/* The parts of a rule match that fired, one line each. */
static void explain_rule(const screener_db *db, screener_scratch *s, const char *text,
                         size_t len, const screener_match *m)
{
    screener_rule_info ri;
    memset(&ri, 0, sizeof ri);
    ri.struct_size = sizeof ri;
    size_t st[2], en[2], n = 0;
    if (screener_db_rule(db, m->entry_id, &ri) != SCREENER_OK ||
        screener_rule_parts(db, s, text, len, m, st, en, &n) != SCREENER_OK)
        return;
    for (size_t k = 0; k < n; k++) {
        printf("  part %c: bytes [%zu,%zu) ", k ? 'B' : 'A', st[k], en[k]);
        json_string(stdout, text + st[k], en[k] - st[k]);
        printf(" = \"%s\"\n", ri.part[k]);
    }
    if (ri.op == SCREENER_RULE_AND_NOT)
        printf("  part B: \"%s\" nowhere in the text\n", ri.part[1]);
}

/* Why a match does or does not count: " [suppressed by allow-list]",
 * " [excluded: in a mention]", " [in a mention]" (a region not excluded). */
static const char *match_note(const screener_match *m)
{
    int in_m = (m->flags & SCREENER_MATCH_IN_MENTION) != 0;
    int in_l = (m->flags & SCREENER_MATCH_IN_LINK_WRAPPER) != 0;
    const char *where = in_m && in_l ? "in a mention, in a link wrapper"
                      : in_m         ? "in a mention"
                      : in_l         ? "in a link wrapper"
                                     : NULL;
    static char buf[64];
    if (!(m->flags & SCREENER_MATCH_SUPPRESSED))
        snprintf(buf, sizeof buf, where ? " [%s]" : "", where);
    else
        snprintf(buf, sizeof buf, " [%s%s]", where ? "excluded: " : "suppressed by allow-list",
                 where ? where : "");
    return buf;
}

static int cmd_explain(opts *op)
{
    opts o = *op;
    if (o.n_rest != 1)
        return cli_die_usage("explain needs exactly one TEXT argument");
    const char *text = o.rest[0];
    size_t len = strlen(text);
    screener_db *db = NULL;
    if (open_db(&o, &db))
        return 2;
    char *folded = NULL, *collapsed = NULL, *leet = NULL;
    size_t flen = 0, clen = 0, llen = 0;
    screener_scratch *s = NULL;
    const screener_result *r = NULL;
    /* the text as folded, and (when the database collapses repeats) the
     * form literals are matched in: "book" is matched as "bok" */
    int rc = screener_fold_utf8_uncollapsed(db, text, len, &folded, &flen);
    if (rc == SCREENER_OK)
        rc = screener_fold_utf8(db, text, len, &collapsed, &clen);
    if (rc == SCREENER_OK)
        rc = screener_read_leet(db, text, len, &leet, &llen);
    if (rc == SCREENER_OK && !(s = new_scratch(&o, db))) {
        screener_free(folded);
        screener_free(collapsed);
        screener_free(leet);
        screener_db_free(db);
        return 2;
    }
    if (rc == SCREENER_OK)
        rc = screener_scan(db, s, text, len, &r);
    if (rc != SCREENER_OK) {
        fprintf(stderr, "screener: %s\n", screener_strerror(rc));
    } else {
        printf("input:    ");
        json_string(stdout, text, len);
        printf("\nfolded:   ");
        json_string(stdout, folded, flen);
        if (clen != flen || memcmp(collapsed, folded, flen) != 0) {
            printf("\nmatched as: ");
            json_string(stdout, collapsed, clen);
            printf(" (repeated letters collapsed)");
        }
        if (llen != len || memcmp(leet, text, len) != 0) {
            printf("\nleet:     ");
            json_string(stdout, leet, llen);
            printf(" (digits and symbols read as letters, spaced repeats joined)");
        }
        printf("\nverdict:  %s (severity %u)\n", screener_action_name(r->action), r->severity);
        for (size_t i = 0; i < r->n_matches; i++) {
            const screener_match *m = &r->matches[i];
            screener_entry_info info;
            screener_db_entry(db, m->entry_id, &info);
            printf("match:    bytes [%zu,%zu) ", m->start, m->end);
            json_string(stdout, text + m->start, m->end - m->start);
            const char *reason = screener_db_entry_reason(db, m->entry_id);
            printf(" = \"%s\"%s%s%s%s %s severity %u -> %s%s (%s:%u)\n", info.term,
                   reason ? " (" : "", reason ? reason : "", reason ? ")" : "",
                   (m->flags & SCREENER_MATCH_LEET) ? " [read as leet]" : "", info.category,
                   info.severity, screener_action_name(m->action), match_note(m), info.source,
                   info.line);
            if (info.flags & SCREENER_ENTRY_RULE)
                explain_rule(db, s, text, len, m);
        }
    }
    screener_free(folded);
    screener_free(collapsed);
    screener_free(leet);
    screener_scratch_free(s);
    screener_db_free(db);
    return rc == SCREENER_OK ? 0 : 2;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return cli_die_usage("missing command");
    const char *name = argv[1];
    if (strcmp(name, "version") == 0 || strcmp(name, "--version") == 0) {
        printf("screener %s\ncpu path: %s\n", screener_version_string(), screener_cpu_path());
        return 0;
    }
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        if (argc == 3 && strcmp(argv[2], "--man") == 0) {
            cli_man_page(stdout); /* for the build: screener.1 */
            return 0;
        }
        unsigned topic = argc > 2 ? cli_command(argv[2]) : 0;
        if (argc > 2 && !topic) {
            fprintf(stderr, "screener: help: unknown command `%s`\n", argv[2]);
            return 2;
        }
        if (topic)
            cli_command_help(stdout, topic);
        else
            cli_usage(stdout);
        return 0;
    }
    unsigned cmd = cli_command(name);
    if (!cmd) {
        fprintf(stderr, "screener: unknown command `%s` (commands: scan, compile, explain, mask, "
                        "info, keygen, version, help)\n", name);
        return 2;
    }
    opts o;
    if (cli_parse(cmd, argc - 2, argv + 2, &o))
        return 2;
    if (o.help) {
        cli_command_help(stdout, cmd);
        return 0;
    }
    switch (cmd) {
    case CMD_SCAN: return cmd_scan(&o);
    case CMD_COMPILE: return cmd_compile(&o);
    case CMD_EXPLAIN: return cmd_explain(&o);
    case CMD_MASK: return cmd_mask(&o);
    case CMD_KEYGEN: return cmd_keygen(&o);
    default: return cmd_info(&o);
    }
}

int main(int argc, char **argv)
{
    hold_std_fds();
    return close_stdout(run(argc, argv));
}
