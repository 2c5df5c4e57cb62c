/*
 * Small syscall wrappers the Swift Glibc module lacks: pidfds, subreaper, mounts, poll.
 * Each returns 0 (or a non-negative result) on success and -errno on failure.
 */
#include <malloc.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cberth.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static int neg_errno(long rc) { return rc < 0 ? -errno : (int)rc; }

int berth_pidfd_open(pid_t pid) {
    /* The fd is close-on-exec (pidfd_open always sets O_CLOEXEC). */
    return neg_errno(syscall(SYS_pidfd_open, pid, 0));
}

int berth_pidfd_send_signal(int pidfd, int sig) {
    return neg_errno(syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0));
}

int berth_pidfd_wait(int pidfd, int nohang, int *status) {
    siginfo_t info = {0};
    int rc;
    do {
        rc = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | (nohang ? WNOHANG : 0));
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return -errno;
    if (info.si_pid == 0) return 0; /* WNOHANG and still running */
    if (status) {
        if (info.si_code == CLD_EXITED)
            *status = info.si_status;
        else
            *status = 128 + info.si_status; /* CLD_KILLED, CLD_DUMPED */
    }
    return 1;
}

int berth_pidfd_poll(int pidfd, int timeout_ms) {
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    int rc;
    do {
        rc = poll(&p, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return -errno;
    if (rc == 0) return 0;
    if (p.revents & POLLNVAL) return -EBADF;
    return 1;
}

int berth_set_child_subreaper(void) {
    return neg_errno(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
}

int berth_umount_detach(const char *path) {
    return neg_errno(umount2(path, MNT_DETACH));
}

int berth_mount(const char *source, const char *target, const char *fstype, int flags,
                const char *data) {
    if (!target) return -EINVAL;
    unsigned long mf = 0;
    if (flags & BERTH_MOUNT_BIND) mf |= MS_BIND;
    if (flags & BERTH_MOUNT_RDONLY_REMOUNT) mf |= MS_RDONLY | MS_REMOUNT;
    if (mf != 0 || !(flags & BERTH_MOUNT_PRIVATE)) {
        if (mount(source, target, fstype, mf, data) < 0) return -errno;
    }
    if (flags & BERTH_MOUNT_PRIVATE) {
        if (mount(NULL, target, NULL, MS_PRIVATE, NULL) < 0) return -errno;
    }
    return 0;
}

int berth_mount_tmpfs(const char *target, const char *options) {
    if (!target) return -EINVAL;
    return neg_errno(mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, options));
}

int berth_bind_mount(const char *source, const char *target) {
    if (!source || !target) return -EINVAL;
    return neg_errno(mount(source, target, NULL, MS_BIND, NULL));
}

int berth_poll_fd(int fd, int events, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = (short)events};
    int rc;
    do {
        rc = poll(&p, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return -errno;
    return rc == 0 ? 0 : p.revents;
}

int berth_malloc_trim(void) {
    return malloc_trim(0);
}
