#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
