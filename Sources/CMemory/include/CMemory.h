#ifndef CMEMORY_H
#define CMEMORY_H

#include <malloc.h>

/// Asks the processor to start loading the cache line at `address` for reading: the one thing
/// Swift cannot say, and what the tree learner's scattered row reads need (their addresses are
/// known a few rows ahead).
static inline void msr_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
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

/// From now on a SIGBUS (what reading a mapped file that something truncated raises) writes
/// `message` (its first 512 bytes) to standard error and ends the process with exit code 74,
/// instead of dying of the signal without a word.
void msr_report_bus_errors(const char *message);

#endif
