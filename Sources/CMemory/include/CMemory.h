#ifndef CMEMORY_H
#define CMEMORY_H

/// Asks the processor to start loading the cache line at `address` for reading: the one thing
/// Swift cannot say, and what the tree learner's scattered row reads need (their addresses are
/// known a few rows ahead).
static inline void msr_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
