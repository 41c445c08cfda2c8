// What Swift cannot say of memory and processes; the one-liners are inline in include/CMemory.h.
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif
#include "CMemory.h"

int msr_spawn_actions_close_from(void *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)actions, lowest);
}

static char bus_message[512];
static size_t bus_length;

/// Only async-signal-safe calls: write and _exit.
static void on_bus_error(int number) {
    (void)number;
    ssize_t written = write(STDERR_FILENO, bus_message, bus_length);
    (void)written;
    _exit(74);
}

void msr_report_bus_errors(const char *message) {
    size_t length = strlen(message);
    if (length > sizeof bus_message) length = sizeof bus_message;
    memcpy(bus_message, message, length);
    bus_length = length;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_bus_error;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, NULL);
}

/// The vector code this processor and system run (the CPUID feature bits, and XCR0 saying the
/// system saves the vector registers): bit 0 AVX2, bit 1 AVX-512F, bit 2 AVX-512 BW and VNNI's byte
/// products. Read once (`vector_features`).
static int read_vector_features(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;  // OSXSAVE
    unsigned low, high;
    __asm__("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || (low & 0x6) != 0x6) return 0;  // SSE and AVX state
    int avx512 = (b & (1u << 16)) && (low & 0xe6) == 0xe6;  // AVX512F and its state
    int vnni = avx512 && (b & (1u << 30)) && (c & (1u << 11));  // BW, VNNI
    return ((b & (1u << 5)) ? 1 : 0) | (avx512 ? 2 : 0) | (vnni ? 4 : 0);
#else
    return 0;
#endif
}

/// `read_vector_features()`, asked once.
static int vector_features(void) {
    static int known = -1;  // not asked yet
    int features = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (features < 0) {
        features = read_vector_features();
        __atomic_store_n(&known, features, __ATOMIC_RELAXED);
    }
    return features;
}

/// The byte products' widest kind this processor and system run: 2 for AVX-512 with VNNI's
/// byte products, 1 for AVX2, 0 for neither.
static int block_dots_kind(void) {
    int features = vector_features();
    return (features & 4) ? 2 : (features & 1) ? 1 : 0;
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void block_dots_vnni(const int8_t *blocks, long count, long groups, const uint8_t *x, const int32_t *start, float *out) {
    for (long b = 0; b < count; b++) {
        const int8_t *block = blocks + b * groups * 64;
        __m512i sum = _mm512_loadu_si512(start + b * 16);
        for (long g = 0; g < groups; g++) {
            int32_t word;
            memcpy(&word, x + 4 * g, 4);
            sum = _mm512_dpbusd_epi32(sum, _mm512_set1_epi32(word), _mm512_loadu_si512(block + g * 64));
        }
        _mm512_storeu_ps(out + b * 16, _mm512_cvtepi32_ps(sum));
    }
}

__attribute__((target("avx2")))
static void block_dots_avx2(const int8_t *blocks, long count, long groups, const uint8_t *x, const int32_t *start, float *out) {
    const __m256i ones = _mm256_set1_epi16(1);
    for (long b = 0; b < count; b++) {
        const int8_t *block = blocks + b * groups * 64;
        __m256i low = _mm256_loadu_si256((const __m256i *)(start + b * 16));
        __m256i high = _mm256_loadu_si256((const __m256i *)(start + b * 16 + 8));
        for (long g = 0; g < groups; g++) {
            int32_t value;
            memcpy(&value, x + 4 * g, 4);
            __m256i word = _mm256_set1_epi32(value);
            __m256i products = _mm256_maddubs_epi16(word, _mm256_loadu_si256((const __m256i *)(block + g * 64)));
            low = _mm256_add_epi32(low, _mm256_madd_epi16(products, ones));
            products = _mm256_maddubs_epi16(word, _mm256_loadu_si256((const __m256i *)(block + g * 64 + 32)));
            high = _mm256_add_epi32(high, _mm256_madd_epi16(products, ones));
        }
        _mm256_storeu_ps(out + b * 16, _mm256_cvtepi32_ps(low));
        _mm256_storeu_ps(out + b * 16 + 8, _mm256_cvtepi32_ps(high));
    }
}
#endif

static void block_dots_plain(const int8_t *blocks, long count, long groups, const uint8_t *x, const int32_t *start, float *out) {
    for (long b = 0; b < count; b++) {
        for (long i = 0; i < 16; i++) {
            int32_t sum = start[b * 16 + i];
            for (long g = 0; g < groups; g++) {
                const int8_t *values = blocks + (b * groups + g) * 64 + 4 * i;
                for (long m = 0; m < 4; m++) sum += (int32_t)x[4 * g + m] * values[m];
            }
            out[b * 16 + i] = (float)sum;
        }
    }
}

int msr_block_dots_kind(int kind, const int8_t *blocks, long count, long groups, const uint8_t *x, const int32_t *start, float *out) {
    int known = block_dots_kind();
    if (kind < 0 || kind > known) kind = kind < 0 ? known : -1;
    switch (kind) {
#if defined(__x86_64__)
    case 2: block_dots_vnni(blocks, count, groups, x, start, out); return 2;
    case 1: block_dots_avx2(blocks, count, groups, x, start, out); return 1;
#endif
    case 0: block_dots_plain(blocks, count, groups, x, start, out); return 0;
    default: return -1;
    }
}

/// Whether this processor and system run AVX-512F.
static int avx512_ready(void) {
    return (vector_features() & 2) != 0;
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static long partition_avx512(int32_t *indices, long count, const uint8_t *column, uint8_t threshold, int32_t *right,
                             long *rightCount) {
    const __m512i bound = _mm512_set1_epi32(threshold), low = _mm512_set1_epi32(0xff);
    long k = 0, write = 0, r = 0;
    for (; k + 16 <= count; k += 16) {
        __m512i rows = _mm512_loadu_si512(indices + k);
        __m512i bins = _mm512_and_si512(_mm512_i32gather_epi32(rows, (const void *)column, 1), low);
        __mmask16 left = _mm512_cmple_epu32_mask(bins, bound);
        // In place for the front: a step writes at most up to the rows it read.
        _mm512_storeu_si512(indices + write, _mm512_maskz_compress_epi32(left, rows));
        _mm512_storeu_si512(right + r, _mm512_maskz_compress_epi32((__mmask16)~left, rows));
        int n = __builtin_popcount(left);
        write += n;
        r += 16 - n;
    }
    *rightCount = r;
    return write;
}
#endif

int msr_partition_rows_kind(int kind, int32_t *indices, long count, const uint8_t *column, uint8_t threshold, int32_t *right,
                            long *left) {
    int known = avx512_ready();
    if (kind < 0) kind = known;
    if (kind > known) return -1;
    long k = 0, write = 0, r = 0;
#if defined(__x86_64__)
    if (kind == 1) {
        write = partition_avx512(indices, count, column, threshold, right, &r);
        k = count & ~15L;
    }
#endif
    // Row by row (the last rows of a vector kind's): the next rows' bins loaded 16 ahead.
    for (; k < count; k++) {
        if (k + 16 < count) __builtin_prefetch(column + indices[k + 16], 0, 3);
        int32_t row = indices[k];
        long goes = column[row] <= threshold;
        indices[write] = row;
        right[r] = row;
        write += goes;
        r += 1 - goes;
    }
    memcpy(indices + write, right, (size_t)r * sizeof(int32_t));
    *left = write;
    return kind;
}

void msr_mark_split(const int32_t *rows, long count, const uint8_t *column, uint8_t threshold, uint16_t left, uint16_t right,
                    uint16_t *leaf) {
    for (long k = 0; k < count; k++) {
        int32_t row = rows[k];
        uint16_t goesLeft = (uint16_t)-(uint16_t)(column[row] <= threshold);
        // Opaque to the compiler, which would make a choice that follows a load a branch again
        // (even one marked unpredictable).
        __asm__("" : "+r"(goesLeft));
        leaf[row] = (uint16_t)((left & goesLeft) | (right & ~goesLeft));
    }
}

#if defined(__x86_64__)
// Multiplications and additions kept apart, as Swift keeps them (no fused multiply-add): the
// same bits as `Numerics.exponentials`.
#pragma clang fp contract(off)

/// `Numerics.exponentials` for eight values: the same operations in the same order, lane by lane.
__attribute__((target("avx512f")))
static inline __m512d exponentials8(__m512d x) {
    const __m512d magic = _mm512_set1_pd(6755399441055744.0);
    __m512d shifted = _mm512_add_pd(_mm512_mul_pd(x, _mm512_set1_pd(1.4426950408889634)), magic);
    __m512d k = _mm512_sub_pd(shifted, magic);
    __m512d r = _mm512_sub_pd(_mm512_sub_pd(x, _mm512_mul_pd(k, _mm512_set1_pd(0.693147180369123816490))),
                              _mm512_mul_pd(k, _mm512_set1_pd(1.90821492927058770002e-10)));
    static const double coefficients[] = {1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320,
                                          1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, 1};
    __m512d p = _mm512_set1_pd(1.0 / 6227020800);
    for (int c = 0; c < 13; c++) p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(coefficients[c]));
    __m512i bits = _mm512_castpd_si512(shifted);
    __m512i exponent = _mm512_slli_epi64(_mm512_add_epi64(_mm512_sub_epi64(bits, _mm512_set1_epi64(0x4338000000000000LL)),
                                                          _mm512_set1_epi64(1023)), 52);
    __m512d result = _mm512_mul_pd(p, _mm512_castsi512_pd(exponent));
    return _mm512_maskz_mov_pd(~_mm512_cmp_pd_mask(x, _mm512_set1_pd(-708), _CMP_LT_OQ), result);
}

__attribute__((target("avx512f")))
static long normalize_avx512(const double *scores, long stride, long classes, long start, long end, double *largest,
                             double *sums, double *kept) {
    long i = start;
    for (; i + 8 <= end; i += 8) {
        __m512d top = _mm512_set1_pd(-__builtin_inf());
        for (long k = 0; k < classes; k++) {
            __m512d values = _mm512_loadu_pd(scores + k * stride + i);
            top = _mm512_mask_mov_pd(top, _mm512_cmp_pd_mask(values, top, _CMP_GT_OQ), values);
        }
        __m512d sum = _mm512_setzero_pd();
        for (long k = 0; k < classes; k++) {
            __m512d e = exponentials8(_mm512_sub_pd(_mm512_loadu_pd(scores + k * stride + i), top));
            if (kept) _mm512_storeu_pd(kept + k * stride + i, e);
            sum = _mm512_add_pd(sum, e);
        }
        _mm512_storeu_pd(largest + i, top);
        _mm512_storeu_pd(sums + i, sum);
    }
    return i;
}
#pragma clang fp contract(on)
#endif

long msr_normalize_rows(const double *scores, long stride, long classes, long start, long end, double *largest, double *sums,
                        double *kept) {
#if defined(__x86_64__)
    if (avx512_ready()) return normalize_avx512(scores, stride, classes, start, end, largest, sums, kept);
#endif
    return start;
}
