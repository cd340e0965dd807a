#ifndef MGOV_CSYSTEM_H
#define MGOV_CSYSTEM_H
/* Linux calls that Swift's Glibc module leaves out (they need _GNU_SOURCE). */

/* Flushes the whole filesystem holding `fd` to disk: one sync for a batch of files.
   Reports write-back errors that happened since `fd` was opened (Linux 5.8 and later). */
int mgov_syncfs(int fd);

/* mkstemp with O_CLOEXEC, so no child process inherits the descriptor. */
int mgov_mkstemp_cloexec(char *template_path);

/* Fills `buffer` with `count` bytes from the kernel's CSPRNG (getrandom) in one call where it can.
   0 on success, -1 with errno set. */
int mgov_random(void *buffer, unsigned long count);

/* Whether `needle` occurs in `haystack` (memmem): 1 or 0. */
int mgov_contains(const void *haystack, unsigned long haystack_count, const void *needle, unsigned long needle_count);

/* SIGINT and SIGTERM, from now on, each write their number as one byte to a pipe; returns the
   pipe's read end (the same every call), or -1 with errno set. Also unblocks both in the calling
   thread. A handler of the process's own, installed at once: no signal is lost in between. */
int mgov_signals_trap(void);

/* SIGINT and SIGTERM take their default action again. */
void mgov_signals_default(void);
#endif
