#ifndef CEXECUTORHOOK_H
#define CEXECUTORHOOK_H

/// Makes `enqueue` receive every job the Swift runtime would give its global concurrent
/// executor (its cooperative thread pool); false when the hook was already set.
_Bool msr_install_global_enqueue(void (*enqueue)(void *job));

/// The calling thread's own pointer (NULL until set): what `EventLoopConcurrency` keeps for
/// each event loop's thread, which Swift has no thread-local storage to hold.
void *msr_thread_pointer(void);

/// Sets the calling thread's own pointer.
void msr_set_thread_pointer(void *pointer);

#endif
