// Linux file calls that Swift's Glibc module does not show, seen only by MCAPCodec.
#ifndef HAECHI_CLINUXFILE_SHIM_H
#define HAECHI_CLINUXFILE_SHIM_H

#if defined(__linux__)
#include <sys/types.h>
// glibc declares sync_file_range(2) only under _GNU_SOURCE, which Swift's Glibc module is built
// without; the symbol itself is always in libc.
extern int sync_file_range(int fd, __off64_t offset, __off64_t nbytes, unsigned int flags);
#endif

/// Starts writing back the dirty pages of `count` bytes at `offset` of `fd`, without waiting for
/// them (`SYNC_FILE_RANGE_WRITE`). Returns 0, or -1 with errno set. Elsewhere than Linux: 0, nothing.
static inline int haechi_start_writeback(int fd, long long offset, long long count) {
#if defined(__linux__)
    return sync_file_range(fd, (__off64_t)offset, (__off64_t)count, 2 /* SYNC_FILE_RANGE_WRITE */);
#else
    (void)fd; (void)offset; (void)count;
    return 0;
#endif
}

#endif
