/*
 * json.h — minimal JSON output helpers for the CLI.
 */
#ifndef SCREENER_CLI_JSON_H
#define SCREENER_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write (s, n) as a JSON string literal. Invalid UTF-8 is written as one
 * U+FFFD per maximal subpart (the rule the library uses), control
 * characters as \u00XX. */
void json_string(FILE *out, const char *s, size_t n);

#endif
