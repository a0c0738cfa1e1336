// Exact cosine search's inner loop, in C so the compiler vectorises it (pmaddwd), and built twice: for AVX2 and
// for any x86-64, the loader picking one at start (target_clones). Swift's SIMD types compile to baseline SSE2
// here and reached a third of this speed.
#include "vector_dot.h"

#if defined(__x86_64__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
void loupe_int8_scores(const int8_t *codes, const float *scales, size_t count, size_t stride, const int8_t *query, float *out) {
    for (size_t i = 0; i < count; i++) {
        const int8_t *row = codes + i * stride;
        int32_t sum = 0;
        for (size_t j = 0; j < stride; j++) sum += (int32_t)row[j] * (int32_t)query[j];
        out[i] = (float)sum * scales[i];
    }
}
