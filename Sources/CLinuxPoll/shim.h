// epoll(7) for the SAPIENT TCP transport, seen only by ZeroMQIngest. Swift's Glibc module leaves out
// <sys/epoll.h>, and `struct epoll_event` is packed on x86-64, which Swift should not lay out itself:
// these wrappers pass plain file descriptors instead.
#ifndef HAECHI_CLINUXPOLL_SHIM_H
#define HAECHI_CLINUXPOLL_SHIM_H

#include <sys/epoll.h>

/// A new epoll instance (close-on-exec), or -1 with errno set.
static inline int haechi_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// Watches `fd` for input (and hang-up) on `epoll`. Returns 0, or -1 with errno set.
static inline int haechi_epoll_add(int epoll, int fd) {
    struct epoll_event event = {0};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = fd;
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

/// Stops watching `fd`. Returns 0, or -1 with errno set.
static inline int haechi_epoll_remove(int epoll, int fd) { return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, 0); }

/// Without waiting, writes up to `capacity` descriptors that have input into `ready`; returns how
/// many, or -1 with errno set.
static inline int haechi_epoll_ready(int epoll, int *ready, int capacity) {
    struct epoll_event events[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epoll, events, capacity, 0);
    for (int i = 0; i < count; i++) ready[i] = events[i].data.fd;
    return count;
}

#endif
