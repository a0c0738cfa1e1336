#ifndef LOUPE_VECTOR_DOT_H
#define LOUPE_VECTOR_DOT_H

#include <stddef.h>
#include <stdint.h>

/// out[i] = (row i of `codes` · `query`) × scales[i], for `count` rows of `stride` int8 codes each.
void loupe_int8_scores(const int8_t *codes, const float *scales, size_t count, size_t stride, const int8_t *query, float *out);

#endif
