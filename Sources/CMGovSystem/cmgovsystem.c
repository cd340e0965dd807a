#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/random.h>
#endif
#include <unistd.h>
#include "cmgovsystem.h"

int mgov_syncfs(int fd) {
#ifdef __linux__
    return syncfs(fd);
#else
    return fsync(fd);
#endif
}

int mgov_mkstemp_cloexec(char *template_path) {
#ifdef __linux__
    return mkostemp(template_path, O_CLOEXEC);
#else
    int fd = mkstemp(template_path);
    if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
#endif
}

int mgov_random(void *buffer, unsigned long count) {
#ifdef __linux__
    unsigned char *out = buffer;
    while (count > 0) {
        ssize_t n = getrandom(out, count, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        out += n;
        count -= (unsigned long)n;
    }
    return 0;
#else
    arc4random_buf(buffer, count);
    return 0;
#endif
}

int mgov_contains(const void *haystack, unsigned long haystack_count, const void *needle, unsigned long needle_count) {
    return memmem(haystack, haystack_count, needle, needle_count) != NULL;
}

/* The self-pipe: the handler only write()s, which is async-signal-safe. The write end does not
   block (a flood of signals drops bytes rather than stalling the thread it interrupted). */
static int signal_pipe[2] = {-1, -1};

static void note_signal(int signal_number) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal_number;
    ssize_t written = write(signal_pipe[1], &byte, 1);
    (void)written;
    errno = saved;
}

int mgov_signals_trap(void) {
    if (signal_pipe[0] < 0) {
        if (pipe2(signal_pipe, O_CLOEXEC) != 0) return -1;
        int flags = fcntl(signal_pipe[1], F_GETFL);
        if (flags < 0 || fcntl(signal_pipe[1], F_SETFL, flags | O_NONBLOCK) != 0) return -1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = note_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGTERM, &action, NULL) != 0) return -1;
    /* A process started with the two blocked (a parent's mask is inherited) would never see them. */
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, SIGINT);
    sigaddset(&both, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &both, NULL);
    return signal_pipe[0];
}

void mgov_signals_default(void) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}
