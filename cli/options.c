/*
 * options.c — command and option tables of the `screener` tool, the parser
 * and the help texts generated from the tables.
 */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screener.h"

#define CMD_ALL (CMD_SCAN | CMD_COMPILE | CMD_EXPLAIN | CMD_MASK | CMD_INFO)
#define CMD_READS (CMD_SCAN | CMD_EXPLAIN | CMD_MASK | CMD_INFO)
#define CMD_SCANS (CMD_SCAN | CMD_EXPLAIN | CMD_MASK)

typedef struct cli_command_def {
    const char *name;
    unsigned bit;
    const char *synopsis; /* after "screener NAME " */
    const char *about;
} cli_command_def;

static const cli_command_def commands[] = {
    {"scan", CMD_SCAN, "[--db FILE | --dict FILE ...] [--format jsonl|text|summary] [FILE ...]",
     "Screen every line of the FILEs (standard input if none or '-'): one result per line;\n"
     "with several FILEs each result names its file, and lines are numbered per file.\n"
     "Exit status: 0, 1 when --fail-on matched, 2 on an error."},
    {"compile", CMD_COMPILE,
     "--dict FILE [FILE ...] -o FILE [--fold LIST] [--native] [--no-host-words]\n"
     "          [--lenient] [--sign SECRET_KEY]",
     "Compile dictionaries into a database file (--dict takes every file that follows it)."},
    {"explain", CMD_EXPLAIN, "[--db FILE | --dict FILE ...] TEXT",
     "Show how TEXT folds and which entries match it, including suppressed matches."},
    {"mask", CMD_MASK, "[--db FILE | --dict FILE ...] [--all] [--char C] [FILE ...]",
     "Replace each matched character by the mask character, line by line."},
    {"info", CMD_INFO, "[FILE | --db FILE | --dict FILE ...]",
     "Describe a database: fingerprint, versions, fold families, categories, signature."},
    {"keygen", CMD_KEYGEN, "SECRET_KEY_FILE PUBLIC_KEY_FILE",
     "Make an Ed25519 key pair: compile --sign signs databases with the secret key (created\n"
     "0600, never overwritten); --trusted-key loads only databases signed by the public one."},
};

enum opt_id {
    OPT_DB, OPT_DICT, OPT_FOLD, OPT_NATIVE, OPT_NO_HOST_WORDS, OPT_LENIENT, OPT_FORMAT, OPT_ONLY_FLAGGED, OPT_FAIL_ON,
    OPT_LINE_BUFFERED, OPT_STATS, OPT_OUTPUT, OPT_ALL, OPT_CHAR, OPT_SIGN, OPT_TRUSTED_KEY,
    OPT_EXCLUDE, OPT_INCLUDE, OPT_HELP
};

typedef struct cli_option {
    enum opt_id id;
    const char *name;  /* long form */
    const char *alias; /* short form or NULL */
    const char *value; /* placeholder of the value, NULL for a flag */
    unsigned cmds;     /* commands in which it has an effect */
    const char *help;
} cli_option;

static const cli_option options[] = {
    {OPT_DB, "--db", NULL, "FILE", CMD_READS, "a compiled database (default: the built-in one)"},
    {OPT_DICT, "--dict", NULL, "FILE", CMD_ALL,
     "a dictionary to compile first; repeat it for several (compile: --dict FILE FILE ...)"},
    {OPT_FOLD, "--fold", NULL, "LIST", CMD_ALL,
     "fold families when compiling (--dict): all (default), none, or a list (below)"},
    {OPT_NATIVE, "--native", NULL, NULL, CMD_ALL,
     "when compiling (--dict), tune the database for this CPU (default: any x86-64)"},
    {OPT_NO_HOST_WORDS, "--no-host-words", NULL, NULL, CMD_ALL,
     "when compiling (--dict), no word-aware allow entries for Chinese terms (host words)"},
    {OPT_LENIENT, "--lenient", NULL, NULL, CMD_ALL,
     "when compiling (--dict), skip bad lines, each a warning FILE:LINE: skipped: REASON "
     "(default: the first bad line is an error)"},
    {OPT_FORMAT, "--format", NULL, "FMT", CMD_SCAN, "jsonl (default), text or summary"},
    {OPT_ONLY_FLAGGED, "--only-flagged", NULL, NULL, CMD_SCAN,
     "write only messages whose action is not pass (jsonl, text)"},
    {OPT_FAIL_ON, "--fail-on", NULL, "ACTION", CMD_SCAN,
     "exit 1 if a message's action is ACTION or stronger (review, mask, block)"},
    {OPT_LINE_BUFFERED, "--line-buffered", NULL, NULL, CMD_SCAN | CMD_MASK,
     "write each line at once (without it, output is flushed whenever input waits)"},
    {OPT_STATS, "--stats", NULL, NULL, CMD_SCAN,
     "also write the totals (as --format summary does) to standard error at the end"},
    {OPT_OUTPUT, "--output", "-o", "FILE", CMD_COMPILE, "the database file to write"},
    {OPT_ALL, "--all", NULL, NULL, CMD_MASK, "mask every match, whatever its action"},
    {OPT_CHAR, "--char", NULL, "C", CMD_MASK, "the mask character (default *)"},
    {OPT_SIGN, "--sign", NULL, "SECRET_KEY", CMD_COMPILE,
     "sign the database with this secret key (from keygen)"},
    {OPT_TRUSTED_KEY, "--trusted-key", NULL, "PUBLIC_KEY", CMD_READS,
     "load the database only if it is signed by this key (repeatable; from keygen)"},
    {OPT_EXCLUDE, "--exclude", NULL, "LIST", CMD_SCANS,
     "regions whose matches do not count: all (default), none, or a list (below)"},
    {OPT_INCLUDE, "--include", NULL, "LIST", CMD_SCANS,
     "regions to read as the poster's text after all (taken out of --exclude's)"},
    {OPT_HELP, "--help", "-h", NULL, CMD_ALL | CMD_KEYGEN, "this help"},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const cli_command_def *command_def(unsigned bit)
{
    for (size_t i = 0; i < N_OF(commands); i++)
        if (commands[i].bit == bit)
            return &commands[i];
    return NULL;
}

unsigned cli_command(const char *name)
{
    for (size_t i = 0; i < N_OF(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].bit;
    return 0;
}

/* ---- help ---------------------------------------------------------------- */

static void print_fold_families(FILE *f)
{
    const char *name;
    fputs("fold families:\n", f);
    for (unsigned i = 0; (name = screener_fold_family_name(i, NULL)); i++)
        fprintf(f, "  %-12s %s\n", name, screener_fold_family_description(i));
}

/* Printed last in a command's help: completion reads the kinds from it. */
static void print_regions(FILE *f)
{
    const char *name;
    fputs("regions (--exclude, --include; matches inside them are reported as suppressed):\n", f);
    for (unsigned i = 0; (name = screener_region_name(i, NULL)); i++)
        fprintf(f, "  %-14s %s\n", name, screener_region_description(i));
}

void cli_usage(FILE *f)
{
    for (size_t i = 0; i < N_OF(commands); i++)
        fprintf(f, "%s screener %s %s\n", i ? "      " : "usage:", commands[i].name,
                commands[i].synopsis);
    fputs("       screener version\n"
          "       screener help [COMMAND]     (or: screener COMMAND --help)\n"
          "\n"
          "Without --db or --dict, the built-in dictionaries are used. Options take\n"
          "their value as --opt VALUE or --opt=VALUE.\n"
          "--native: tune the database for this CPU (default: a file for any x86-64 CPU).\n"
          "--exclude LIST (scan, explain, mask): regions of a message whose matches do\n"
          "not count, by default all: @mentions and platform link wrappers such as t.co\n"
          "(screener scan --help lists them); --exclude none reads every byte as text.\n"
          "--fold LIST: comma-separated fold families to enable (default all), or 'none'\n"
          "for exact matching. The families:\n",
          f);
    const char *name;
    for (unsigned i = 0; (name = screener_fold_family_name(i, NULL)); i++)
        fprintf(f, "  %-12s %s\n", name, screener_fold_family_description(i));
}

void cli_command_help(FILE *f, unsigned cmd)
{
    const cli_command_def *c = command_def(cmd);
    fprintf(f, "usage: screener %s %s\n\n%s\n\noptions:\n", c->name, c->synopsis, c->about);
    for (size_t i = 0; i < N_OF(options); i++) {
        const cli_option *o = &options[i];
        if (!(o->cmds & cmd))
            continue;
        char head[48];
        snprintf(head, sizeof head, "%s%s%s%s%s", o->alias ? o->alias : "", o->alias ? ", " : "",
                 o->name, o->value ? " " : "", o->value ? o->value : "");
        fprintf(f, "  %-22s %s\n", head, o->help);
    }
    print_fold_families(f);
    if (cmd & CMD_SCANS)
        print_regions(f);
}

/* ---- man page ------------------------------------------------------------
 * screener(1) is generated from the same tables as --help (the build runs
 * `screener help --man`), so the two cannot disagree. */

/* Running text with roff's specials escaped ('-' is a minus in options). */
static void roff(FILE *f, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", f);
    for (; *s; s++) {
        if (*s == '-' || *s == '\\')
            fputc('\\', f);
        fputc(*s == '\\' ? 'e' : *s, f);
        if (*s == '\n' && (s[1] == '.' || s[1] == '\''))
            fputs("\\&", f);
    }
}

static void man_option(FILE *f, const cli_option *o)
{
    fputs(".TP\n\\fB", f);
    if (o->alias) {
        roff(f, o->alias);
        fputs("\\fR, \\fB", f);
    }
    roff(f, o->name);
    fputs("\\fR", f);
    if (o->value) {
        fputs(" \\fI", f);
        roff(f, o->value);
        fputs("\\fR", f);
    }
    fputc('\n', f);
    roff(f, o->help);
    fputc('\n', f);
}

void cli_man_page(FILE *f)
{
    fprintf(f, ".TH SCREENER 1 \"\" \"screener %s\" \"screener manual\"\n", screener_version_string());
    fputs(".SH NAME\nscreener \\- find disguised sensitive terms in text\n.SH SYNOPSIS\n.nf\n", f);
    for (size_t i = 0; i < N_OF(commands); i++) {
        fprintf(f, "\\fBscreener %s\\fR ", commands[i].name);
        roff(f, commands[i].synopsis);
        fputc('\n', f);
    }
    fputs("\\fBscreener version\\fR\n\\fBscreener help\\fR [\\fICOMMAND\\fR]\n.fi\n", f);
    fputs(".SH DESCRIPTION\n", f);
    roff(f, "screener compiles dictionaries (see screener-dict(5)) into a database and screens "
            "text with it: every input line is one message, and each result names the terms "
            "found, where (byte offsets into the line), their category and severity, and the "
            "recommended action (pass, review, mask, block), also when the text disguises them "
            "(full-width letters, traditional characters, spaces or symbols between characters, "
            "look-alike letters). Without --db or --dict the built-in dictionaries are used. "
            "Options take their value as --opt VALUE or --opt=VALUE; an option given to a "
            "command it has no effect in is an error.\n");
    fputs(".SH COMMANDS\n", f);
    for (size_t i = 0; i < N_OF(commands); i++) {
        fprintf(f, ".SS %s\n", commands[i].name);
        roff(f, commands[i].about);
        fputs("\n.RS 4\n", f);
        for (size_t k = 0; k < N_OF(options); k++)
            if (options[k].cmds & commands[i].bit)
                man_option(f, &options[k]);
        fputs(".RE\n", f);
    }
    fputs(".SH \"FOLD FAMILIES\"\n", f);
    const char *name;
    for (unsigned i = 0; (name = screener_fold_family_name(i, NULL)); i++) {
        fprintf(f, ".TP\n\\fB%s\\fR\n", name);
        roff(f, screener_fold_family_description(i));
        fputc('\n', f);
    }
    fputs(".SH REGIONS\n", f);
    roff(f, "Parts of a message that are not the poster's own words. Matches lying wholly "
            "inside a region of an excluded kind (scan, explain and mask: --exclude, by default "
            "every kind; --include takes kinds out again) are reported as suppressed and do not "
            "count in the verdict; explain names the region.\n");
    for (unsigned i = 0; (name = screener_region_name(i, NULL)); i++) {
        fprintf(f, ".TP\n\\fB%s\\fR\n", name);
        roff(f, screener_region_description(i));
        fputc('\n', f);
    }
    fputs(".SH \"EXIT STATUS\"\n.TP\n0\nsuccess\n.TP\n1\n", f);
    roff(f, "scan --fail-on ACTION: a message reached ACTION or a stronger action\n");
    fputs(".TP\n2\n", f);
    roff(f, "bad usage, an unreadable or invalid dictionary or database, or a failed write "
            "(one line on standard error: FILE:LINE: what)\n");
    fputs(".SH ENVIRONMENT\n.TP\n\\fBSCREENER_DB\\fR\n", f);
    roff(f, "the database used without --db or --dict (instead of the built-in one)\n");
    fputs(".SH FILES\n.TP\n\\fI../share/screener/default.scdb\\fR\n", f);
    roff(f, "the built-in database, relative to the directory of the screener binary; its "
            "dictionaries are in ../share/screener/dictionaries\n");
    fputs(".SH \"SEE ALSO\"\n.BR screener-dict (5)\n", f);
}

int cli_die_usage(const char *msg)
{
    fprintf(stderr, "screener: %s\n", msg);
    cli_usage(stderr);
    return 2;
}

/* ---- parsing ------------------------------------------------------------- */

/* The option named by arg ("--fold", "--fold=x", "-o"); *value_out is the
 * text after '=' or NULL. */
static const cli_option *find_option(const char *arg, const char **value_out)
{
    const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    *value_out = eq ? eq + 1 : NULL;
    for (size_t i = 0; i < N_OF(options); i++) {
        const cli_option *o = &options[i];
        if ((strlen(o->name) == n && memcmp(o->name, arg, n) == 0) ||
            (o->alias && !eq && strcmp(o->alias, arg) == 0))
            return o;
    }
    return NULL;
}

/* "scan, mask": the commands of an option, for "has no effect" messages. */
static void command_names(unsigned cmds, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_OF(commands); i++)
        if (cmds & commands[i].bit)
            snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? ", " : "",
                     commands[i].name);
}

static int add_dict(opts *o, const char *path)
{
    if (o->n_dicts == MAX_DICTS) {
        fprintf(stderr, "screener: at most %d dictionaries\n", MAX_DICTS);
        return 2;
    }
    o->dicts[o->n_dicts++] = path;
    return 0;
}

static int parse_action_name(const char *s, int *out)
{
    for (int a = SCREENER_ACTION_REVIEW; a <= SCREENER_ACTION_BLOCK; a++)
        if (strcmp(s, screener_action_name(a)) == 0) {
            *out = a;
            return 0;
        }
    fprintf(stderr, "screener: --fail-on: unknown action `%s` (review, mask or block)\n", s);
    return 2;
}

/* --exclude / --include LIST into region flags (with SCREENER_REGION_EXPLICIT). */
static int parse_regions(const char *opt, const char *list, uint32_t *out)
{
    screener_error *err = NULL;
    int rc = screener_regions_parse(list, out, &err);
    if (rc != SCREENER_OK) {
        fprintf(stderr, "screener: %s: %s\n", opt,
                err ? screener_error_message(err) : screener_strerror(rc));
        screener_error_free(err);
        return 2;
    }
    return 0;
}

uint32_t cli_excluded_regions(const opts *o)
{
    uint32_t ex = o->exclude ? o->exclude & SCREENER_REGION_ALL : SCREENER_REGION_DEFAULT;
    return (ex & ~o->include) | SCREENER_REGION_EXPLICIT;
}

/* Store one option with its value. */
static int set_option(opts *o, const cli_option *opt, const char *val)
{
    switch (opt->id) {
    case OPT_DB: o->db_path = val; break;
    case OPT_DICT: return add_dict(o, val);
    case OPT_FOLD: o->fold = val; break;
    case OPT_NATIVE: o->native = 1; break;
    case OPT_NO_HOST_WORDS: o->no_host_words = 1; break;
    case OPT_LENIENT: o->lenient = 1; break;
    case OPT_FORMAT: o->format = val; break;
    case OPT_ONLY_FLAGGED: o->only_flagged = 1; break;
    case OPT_FAIL_ON: return parse_action_name(val, &o->fail_on);
    case OPT_LINE_BUFFERED: o->line_buffered = 1; break;
    case OPT_STATS: o->stats = 1; break;
    case OPT_OUTPUT: o->out = val; break;
    case OPT_ALL: o->all = 1; break;
    case OPT_CHAR: o->mask_char = val; break;
    case OPT_SIGN: o->sign = val; break;
    case OPT_TRUSTED_KEY:
        if (o->n_trusted == MAX_KEYS) {
            fprintf(stderr, "screener: at most %d --trusted-key options\n", MAX_KEYS);
            return 2;
        }
        o->trusted[o->n_trusted++] = val;
        break;
    case OPT_EXCLUDE: return parse_regions(opt->name, val, &o->exclude);
    case OPT_INCLUDE: return parse_regions(opt->name, val, &o->include);
    case OPT_HELP: o->help = 1; break;
    }
    return 0;
}

/* Combinations in which a given option would have no effect. */
static int check_combinations(const opts *o)
{
    const char *why = NULL;
    if (o->db_path && o->n_dicts)
        why = "use either --db or --dict, not both";
    else if (o->n_trusted && o->n_dicts)
        why = "--trusted-key checks database files; it does not apply to --dict";
    else if ((o->fold || o->native) && !o->n_dicts)
        why = o->cmd == CMD_COMPILE
                  ? "compile needs --dict FILE ... and -o FILE"
                  : "--fold and --native apply when compiling dictionaries (--dict); a database "
                    "(--db or the built-in one) keeps the fold families it was compiled with";
    else if (o->lenient && !o->n_dicts)
        why = o->cmd == CMD_COMPILE ? "compile needs --dict FILE ... and -o FILE"
                                    : "--lenient applies when compiling dictionaries (--dict), "
                                      "not to a database (--db or the built-in one)";
    else if (o->cmd == CMD_SCAN && strcmp(o->format, "jsonl") && strcmp(o->format, "text") &&
             strcmp(o->format, "summary"))
        why = "--format must be jsonl, text or summary";
    else if (o->cmd == CMD_SCAN && strcmp(o->format, "summary") == 0 &&
             (o->only_flagged || o->line_buffered || o->stats))
        why = "--only-flagged, --line-buffered and --stats have no effect with --format "
              "summary (it writes the totals, once, at the end)";
    if (why) {
        fprintf(stderr, "screener: %s\n", why);
        return 2;
    }
    return 0;
}

int cli_parse(unsigned cmd, int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->format = "jsonl";
    o->rest = argv; /* positional arguments are compacted in place */
    const char *name = command_def(cmd)->name;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val;
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                o->rest[o->n_rest++] = argv[i];
            break;
        }
        if (a[0] != '-' || a[1] == '\0') {
            o->rest[o->n_rest++] = argv[i];
            continue;
        }
        const cli_option *opt = find_option(a, &val);
        if (!opt) {
            fprintf(stderr, "screener: %s: unknown option %s (see screener %s --help)\n", name, a,
                    name);
            return 2;
        }
        if (!(opt->cmds & cmd)) {
            char cmds[80];
            command_names(opt->cmds, cmds, sizeof cmds);
            int n = (int)(val ? (size_t)(val - 1 - a) : strlen(a));
            fprintf(stderr, "screener: %s: %.*s has no effect here (it is an option of: %s)\n",
                    name, n, a, cmds);
            return 2;
        }
        if (!opt->value && val) {
            fprintf(stderr, "screener: %s takes no value\n", opt->name);
            return 2;
        }
        if (opt->value && !val) {
            if (i + 1 >= argc) {
                fprintf(stderr, "screener: %s needs a value (%s)\n", opt->name, opt->value);
                return 2;
            }
            val = argv[++i];
        }
        if (set_option(o, opt, val))
            return 2;
        /* compile takes no input files: every file after --dict is a dictionary
         * (--dict dictionaries/x.txt, expanded by the shell) */
        while (opt->id == OPT_DICT && cmd == CMD_COMPILE && i + 1 < argc && argv[i + 1][0] != '-')
            if (add_dict(o, argv[++i]))
                return 2;
    }
    return o->help ? 0 : check_combinations(o);
}
