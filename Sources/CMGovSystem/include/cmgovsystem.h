#ifndef MGOV_CSYSTEM_H
#define MGOV_CSYSTEM_H
/* Linux calls that Swift's Glibc module leaves out (they need _GNU_SOURCE). */
/* Flushes the whole filesystem holding `fd` to disk: one sync for a batch of files. */
int mgov_syncfs(int fd);
#endif
