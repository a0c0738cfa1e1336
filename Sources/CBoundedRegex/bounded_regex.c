#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bounded_regex.h"

struct loupe_regex {
    pcre2_code *code;
    pcre2_match_context *context;
};

loupe_regex *loupe_regex_compile(const char *pattern, size_t length, uint32_t match_limit, char *error, size_t error_size) {
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (cc == NULL) return NULL;
    // ECMA-262 escapes: \uhhhh and \u{h…}; `$` only at the very end, as in JavaScript.
    pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
    // Nesting in the pattern itself is bounded too, so compiling cannot recurse without end.
    pcre2_set_parens_nest_limit(cc, 64);
    int code_error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, length,
                                     PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY | PCRE2_NO_UTF_CHECK,
                                     &code_error, &offset, cc);
    pcre2_compile_context_free(cc);
    if (code == NULL) {
        if (error != NULL && error_size > 0) {
            PCRE2_UCHAR message[160];
            pcre2_get_error_message(code_error, message, sizeof message);
            snprintf(error, error_size, "%s at offset %zu", (const char *)message, (size_t)offset);
        }
        return NULL;
    }
    loupe_regex *regex = calloc(1, sizeof *regex);
    if (regex == NULL) { pcre2_code_free(code); return NULL; }
    regex->code = code;
    regex->context = pcre2_match_context_create(NULL);
    // match_limit caps backtracking steps per search. The depth limit caps nested backtracking points
    // (each repetition of a group holds one: `^(\w+\s?)*$` on 1 MiB of words spent 87 ms growing them),
    // and the heap limit the memory they take; either stops the search as too expensive.
    pcre2_set_match_limit(regex->context, match_limit);
    pcre2_set_depth_limit(regex->context, 20000);
    pcre2_set_heap_limit(regex->context, 4 * 1024);  // KiB
    // No JIT: the interpreter's start-of-match optimisations (a required character that is absent ends the
    // search at once) bound more cases, and the JIT stack would be one more limit to size.
    return regex;
}

int loupe_regex_search(const loupe_regex *regex, const char *subject, size_t length) {
    pcre2_match_data *data = pcre2_match_data_create(1, NULL);
    if (data == NULL) return LOUPE_REGEX_ERROR;
    int rc = pcre2_match(regex->code, (PCRE2_SPTR)subject, length, 0, PCRE2_NO_UTF_CHECK, data, regex->context);
    pcre2_match_data_free(data);
    if (rc >= 0) return LOUPE_REGEX_MATCH;
    if (rc == PCRE2_ERROR_NOMATCH) return LOUPE_REGEX_NO_MATCH;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT
        || rc == PCRE2_ERROR_JIT_STACKLIMIT) return LOUPE_REGEX_LIMIT;
    return LOUPE_REGEX_ERROR;
}

void loupe_regex_free(loupe_regex *regex) {
    if (regex == NULL) return;
    pcre2_match_context_free(regex->context);
    pcre2_code_free(regex->code);
    free(regex);
}
