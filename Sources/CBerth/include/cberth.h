/*
 * CBerth: what the multithreaded Swift agent needs from C.
 * Every function returns 0 (or a non-negative result) on success and -errno on failure;
 * none of them touches the Swift runtime.
 */
#ifndef CBERTH_H
#define CBERTH_H

#include <sys/types.h>
#include "berth_bootstrap.h"

/*
 * Start `path` with `argv` (NULL-terminated) and `envp` (NULL-terminated) using posix_spawn:
 * fd i of the child is `fds[i]` of the parent for i in 0..<nfds (-1: /dev/null for 0..2,
 * closed otherwise); every other fd is closed in the child (closefrom). If `new_session`
 * is non-zero the child calls setsid. Signal mask cleared, default dispositions for all
 * signals. On success *pid is the child's PID.
 */
int berth_spawn(const char *path, char *const argv[], char *const envp[],
                const int *fds, int nfds, int new_session, pid_t *pid);

int berth_pidfd_open(pid_t pid);
int berth_pidfd_send_signal(int pidfd, int sig);
/* waitid(P_PIDFD, pidfd, WEXITED | (nohang ? WNOHANG : 0)); on success *status is the
 * exit code, or 128+signal; returns 1 if reaped, 0 if nohang and still running. */
int berth_pidfd_wait(int pidfd, int nohang, int *status);
/* 1 if a pidfd is readable (process exited), 0 on timeout, -errno on failure. */
int berth_pidfd_poll(int pidfd, int timeout_ms);
/* epoll for Readiness, with a 64-bit token per registration instead of the packed
 * struct epoll_event (which Swift's Glibc module does not import). */
int berth_epoll_create(void);
/* EPOLL_CTL_ADD of `fd` for EPOLLIN | EPOLLONESHOT carrying `token`. */
int berth_epoll_add_readable(int epfd, int fd, unsigned long long token);
int berth_epoll_remove(int epfd, int fd);
/* epoll_wait; the tokens of up to `max` ready registrations go to `tokens`; returns their
 * count (0 after EINTR). */
int berth_epoll_wait(int epfd, unsigned long long *tokens, int max, int timeout_ms);
int berth_set_child_subreaper(void);
/* umount2(path, MNT_DETACH) */
int berth_umount_detach(const char *path);
/* mount(source, target, fstype, flags, data) with flags from: 1 bind, 2 rdonly|remount, 4 private */
#define BERTH_MOUNT_BIND 1
#define BERTH_MOUNT_RDONLY_REMOUNT 2
#define BERTH_MOUNT_PRIVATE 4
int berth_mount(const char *source, const char *target, const char *fstype, int flags,
                const char *data);
/* tmpfs (nosuid, nodev) on target with `options` (may be NULL), e.g. "size=64m,mode=1777". */
int berth_mount_tmpfs(const char *target, const char *options);
/* A non-recursive bind mount of source on target. */
int berth_bind_mount(const char *source, const char *target);
/* poll(2) on one fd, retried on EINTR: its revents, 0 on timeout, -errno on failure. */
int berth_poll_fd(int fd, int events, int timeout_ms);
/* malloc_trim(0): give the free memory of every malloc arena back to the kernel. Returns 1
 * if some was released, else 0. (Swift's Glibc module does not declare it.) */
int berth_malloc_trim(void);

#endif
