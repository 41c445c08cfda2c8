#ifndef CEXECUTORHOOK_H
#define CEXECUTORHOOK_H

/// Makes `enqueue` receive every job the Swift runtime would give its global concurrent
/// executor (its cooperative thread pool); false when the hook was already set.
_Bool msr_install_global_enqueue(void (*enqueue)(void *job));

#endif
