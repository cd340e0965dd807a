#define _GNU_SOURCE
#include <unistd.h>
#include "cmgovsystem.h"

int mgov_syncfs(int fd) { return syncfs(fd); }
