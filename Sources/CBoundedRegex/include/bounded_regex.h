// A pattern matcher with bounded work, for JSON Schema `pattern` keywords written by untrusted parties.
// PCRE2 (a backtracking engine) runs under hard match, depth and heap limits: a pattern that would need
// more work than allowed reports LOUPE_REGEX_LIMIT instead of stalling the process.
#ifndef LOUPE_BOUNDED_REGEX_H
#define LOUPE_BOUNDED_REGEX_H
#include <stddef.h>
#include <stdint.h>

typedef struct loupe_regex loupe_regex;

enum {
    LOUPE_REGEX_NO_MATCH = 0,
    LOUPE_REGEX_MATCH = 1,
    LOUPE_REGEX_LIMIT = -1,
    LOUPE_REGEX_ERROR = -2,
};

/// Compiles an ECMA-262-flavoured pattern (UTF-8). NULL on error, with a message in `error`.
loupe_regex *loupe_regex_compile(const char *pattern, size_t length, uint32_t match_limit, char *error, size_t error_size);
/// Searches `subject` (UTF-8) for the pattern anywhere, as JSON Schema's `pattern` does. Safe from many threads at once.
int loupe_regex_search(const loupe_regex *regex, const char *subject, size_t length);
void loupe_regex_free(loupe_regex *regex);
#endif
