/*
 * options.h — the command line of the `screener` tool: which commands
 * exist, which options each one takes, parsing and per-command help.
 *
 * One table (options.c) says, for every option, the commands in which it
 * has an effect; an option given to any other command is an error naming
 * the commands that take it, so nothing is silently ignored.
 */
#ifndef SCREENER_CLI_OPTIONS_H
#define SCREENER_CLI_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#define MAX_DICTS 256
#define MAX_KEYS 16

/* Commands, as bits (the option table lists the commands of each option). */
enum cli_cmd {
    CMD_SCAN = 1u << 0,
    CMD_COMPILE = 1u << 1,
    CMD_EXPLAIN = 1u << 2,
    CMD_MASK = 1u << 3,
    CMD_INFO = 1u << 4,
    CMD_KEYGEN = 1u << 5
};

typedef struct opts {
    unsigned cmd; /* one CMD_* */
    const char *db_path;
    const char *dicts[MAX_DICTS];
    int n_dicts;
    const char *format; /* scan: "jsonl" (default), "text" or "summary" */
    const char *out;
    const char *fold;
    const char *mask_char;
    const char *sign;                /* compile: secret key file */
    const char *trusted[MAX_KEYS];   /* --trusted-key public key files */
    int n_trusted;
    int all;
    int native;
    int no_host_words; /* compile: SCREENER_COMPILE_NO_HOST_WORDS */
    int lenient;       /* compile: SCREENER_COMPILE_LENIENT */
    int only_flagged;
    int fail_on; /* SCREENER_ACTION_* that makes scan exit 1; 0 = never */
    int line_buffered;
    int stats; /* scan: the summary on stderr too */
    uint32_t exclude; /* --exclude: SCREENER_REGION_* | SCREENER_REGION_EXPLICIT, 0 = default */
    uint32_t include; /* --include: SCREENER_REGION_* taken out of the excluded set */
    int help;
    char **rest;
    int n_rest;
} opts;

/* Find a command by name: its CMD_* bit, or 0. */
unsigned cli_command(const char *name);

/* Parse argv (the arguments after the command name) for command cmd into o.
 * Returns 0, or 2 after printing a one-line error to stderr. Accepts
 * `--opt VALUE` and `--opt=VALUE`; `--` ends the options. */
int cli_parse(unsigned cmd, int argc, char **argv, opts *o);

/* The overview (`screener help`) and one command's help (`screener CMD
 * --help`, `screener help CMD`). */
void cli_usage(FILE *f);
void cli_command_help(FILE *f, unsigned cmd);

/* The man page screener(1) in roff, from the same tables (help --man). */
void cli_man_page(FILE *f);

/* The SCREENER_REGION_* kinds whose matches o's scans do not count (for
 * screener_profile.exclude_regions, SCREENER_REGION_EXPLICIT set). */
uint32_t cli_excluded_regions(const opts *o);

/* Print "screener: MSG" and the overview to stderr; returns 2. */
int cli_die_usage(const char *msg);

#endif
