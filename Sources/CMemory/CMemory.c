// What Swift cannot say of memory and processes; the one-liners are inline in include/CMemory.h.
#define _GNU_SOURCE
#include <spawn.h>
#include "CMemory.h"

int msr_spawn_actions_close_from(void *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)actions, lowest);
}
