#include "CExecutorHook.h"
#include <stddef.h>

typedef void (*msr_original_enqueue)(void *job) __attribute__((swiftcall));
typedef void (*msr_enqueue_hook)(void *job, msr_original_enqueue original) __attribute__((swiftcall));

// The Swift runtime's hook: its global executor calls it, when set, for every job instead of
// enqueueing the job itself. Hidden in the static runtime (so dlsym cannot find it), but an
// object linked into the same executable reaches it by name.
extern msr_enqueue_hook swift_task_enqueueGlobal_hook;

static void (*target)(void *job);

__attribute__((swiftcall)) static void forward(void *job, msr_original_enqueue original) {
    (void)original;
    target(job);
}

_Bool msr_install_global_enqueue(void (*enqueue)(void *job)) {
    if (swift_task_enqueueGlobal_hook != NULL) return 0;
    target = enqueue;
    swift_task_enqueueGlobal_hook = forward;
    return 1;
}

static _Thread_local void *thread_pointer;

void *msr_thread_pointer(void) { return thread_pointer; }

void msr_set_thread_pointer(void *pointer) { thread_pointer = pointer; }
