#ifndef CMEMORY_H
#define CMEMORY_H

#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#if defined(__AVX2__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Asks the processor to start loading the cache line at `address` for reading: the one thing
/// Swift cannot say, and what the tree learner's scattered row reads need (their addresses are
/// known a few rows ahead).
static inline void msr_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Names the calling thread (at most 15 bytes), as `top -H` and `/proc/PID/task/TID/comm` show it:
/// `prctl` is variadic, which Swift cannot call.
static inline void msr_name_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

/// Tells the processor the thread is spinning on a value another thread will write (`pause`):
/// less power, and the other hyperthread runs on.
static inline void msr_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Bit `i` set where `values[i]` (`i < count`, at most 64) is not zero: a vector compare and its
/// sign bits for eight (AVX2) or four values at a time, which Swift has no words for (its vector
/// compare gives a mask, not bits; the loop the compiler made of one shifted bit a value was
/// three times the instructions).
static inline uint64_t msr_nonzero_bits(const int32_t *values, long count) {
    uint64_t bits = 0;
    long i = 0;
#if defined(__AVX2__)
    for (; i + 8 <= count; i += 8) {
        __m256i zeros = _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(values + i)), _mm256_setzero_si256());
        bits |= (uint64_t)(~_mm256_movemask_ps(_mm256_castsi256_ps(zeros)) & 0xff) << i;
    }
#elif defined(__SSE2__)
    for (; i + 4 <= count; i += 4) {
        __m128i zeros = _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(values + i)), _mm_setzero_si128());
        bits |= (uint64_t)(~_mm_movemask_ps(_mm_castsi128_ps(zeros)) & 0xf) << i;
    }
#endif
    for (; i < count; i++) bits |= (uint64_t)(values[i] != 0) << i;
    return bits;
}

/// The least and the largest of `count` values (none NaN; `count` at least 1), eight at a time:
/// Swift's vector maximum went lane by lane through memory.
static inline void msr_float_range(const float *values, long count, float *least, float *largest) {
    float low = values[0], high = values[0];
    long i = 0;
#if defined(__AVX2__)
    if (count >= 8) {
        __m256 lows = _mm256_loadu_ps(values), highs = lows;
        for (i = 8; i + 8 <= count; i += 8) {
            __m256 block = _mm256_loadu_ps(values + i);
            lows = _mm256_min_ps(lows, block);
            highs = _mm256_max_ps(highs, block);
        }
        float l[8], h[8];
        _mm256_storeu_ps(l, lows);
        _mm256_storeu_ps(h, highs);
        for (int k = 0; k < 8; k++) {
            if (l[k] < low) low = l[k];
            if (h[k] > high) high = h[k];
        }
    }
#endif
    for (; i < count; i++) {
        if (values[i] < low) low = values[i];
        if (values[i] > high) high = values[i];
    }
    *least = low;
    *largest = high;
}

/// Asks the kernel to back the whole 2 MB pages inside `[address, address + length)` with huge
/// pages (`madvise(MADV_HUGEPAGE)`; this machine's transparent huge pages are given only where
/// asked): rows read at random from tens of megabytes then miss the TLB far less. Call it before
/// the memory is first written. Nothing is done below 2 MB, and a refusal changes nothing.
static inline void msr_advise_huge_pages(void *address, size_t length) {
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)address + huge - 1) & ~(huge - 1), end = ((uintptr_t)address + length) & ~(huge - 1);
    if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
}

/// Hands the heap's free pages back to the system (glibc's malloc_trim): many small arrays freed
/// at once leave pages that the process keeps, and counts in its resident memory, until then.
static inline void msr_trim_heap(void) {
    malloc_trim(0);
}

/// Adds to posix_spawn's file actions (a `posix_spawn_file_actions_t *`) the closing of every
/// descriptor from `lowest` up in the child (glibc's posix_spawn_file_actions_addclosefrom_np,
/// which Swift's Glibc module does not import); 0 or an errno value.
int msr_spawn_actions_close_from(void *actions, int lowest);

/// Byte dot products of `count` blocks of 16 rows: `out[16 b + i] = start[16 b + i] + Σ_j x[j] *
/// row_i[j]` (as a float: exact below 2^24), row i of block b holding `4 groups` values stored
/// four at a time, each block's group g a run of 64 bytes (row 0's four values, row 1's, ...).
/// `x` (4 groups bytes) must be at most 127 each, so AVX2's pair products cannot saturate; sums
/// must fit 32 bits. Exact integers, so the same whichever `kind` computes them: 2 AVX-512 VNNI's
/// byte products, 1 AVX2's pair products, 0 plain loops, -1 the widest this processor and system
/// run. Returns the kind used, or -1 (nothing done) for one they cannot run.
int msr_block_dots_kind(int kind, const int8_t *blocks, long count, long groups, const uint8_t *x, const int32_t *start, float *out);

/// A stable partition of a node's rows by one feature: the rows of `indices[0..<count]` whose bin
/// (`column[row]`) is at most `threshold` move to the front in their order, the others follow in
/// theirs; `*left` is set to how many went to the front. `right` is scratch of `count + 16`
/// values; `column` must have 3 readable bytes after its last row's. `kind` 1 is AVX-512's,
/// sixteen rows a step (their bins gathered and compared at once, each side's rows packed by a
/// compress into one store: 0.865 -> 0.825 s of CPU for the embedded fit), 0 row by row
/// (branch-free: each row written to both sides, only its side's cursor moved), -1 the widest
/// this processor and system run; the same rows in the same order whichever runs. Returns the
/// kind used, or -1 (nothing done) for one they cannot run.
int msr_partition_rows_kind(int kind, int32_t *indices, long count, const uint8_t *column, uint8_t threshold, int32_t *right,
                            long *left);

/// Marks each of the rows `rows[0..<count]` with the leaf its split sends it to: `leaf[row]` is
/// `left` when its bin (`column[row]`) is at most `threshold`, `right` otherwise. Without a
/// branch (the side of a row is as good as random: a mispredicted branch every other row cost
/// more than the rest of the loop), which Swift's compiler would make of a choice that follows a
/// load.
void msr_mark_split(const int32_t *rows, long count, const uint8_t *column, uint8_t threshold, uint16_t left, uint16_t right,
                    uint16_t *leaf);

/// The softmax normalisers of rows `start..<end` (`SoftmaxLoss.normalize`), eight rows at a time
/// with AVX-512 where this processor and system run it: each row's largest score over the
/// `classes` (scores class-major, `stride` apart) to `largest`, the sum of `e^(score - largest)` in
/// class order to `sums`, each exponential to `kept` (class-major) when not NULL; the same
/// operations in the same order as Swift's, so the same bits. Returns the first row not done
/// (`start` without AVX-512), for the caller to finish.
long msr_normalize_rows(const double *scores, long stride, long classes, long start, long end, double *largest, double *sums,
                        double *kept);

/// From now on a SIGBUS (what reading a mapped file that something truncated raises) writes
/// `message` (its first 512 bytes) to standard error and ends the process with exit code 74,
/// instead of dying of the signal without a word.
void msr_report_bus_errors(const char *message);

#endif
