// What Swift cannot say of memory and processes; the one-liners are inline in include/CMemory.h.
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
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
