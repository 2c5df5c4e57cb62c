/*
 * The parent's side of a forked child that reports a failure before its execve through a
 * CLOEXEC error pipe (run, exec and pause modes): hold it by pidfd, learn whether the exec
 * happened, and on any failure leave no child behind.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cberth.h"
#include "shim.h"

void kill_and_reap(pid_t pid) {
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
}

int read_child_error(int fd, struct berth_error *err) {
    struct berth_wire_error w;
    size_t got = 0;
    while (got < sizeof w) {
        ssize_t r = read(fd, (char *)&w + got, sizeof w - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return berth_fail(err, "sync", errno, "read the error pipe");
        if (r == 0) break;
        got += (size_t)r;
    }
    if (got == 0) return 0;
    if (got != sizeof w) return berth_fail(err, "sync", EIO, "short error record from the child");
    berth_error_from_wire(err, &w);
    return -1;
}

int await_child_exec(pid_t pid, int errfd, int *pidfd, struct berth_error *err) {
    *pidfd = berth_pidfd_open(pid);
    if (*pidfd < 0) {
        int e = -*pidfd;
        kill_and_reap(pid);
        return berth_fail(err, "fork", e, "pidfd_open %d", (int)pid);
    }
    if (read_child_error(errfd, err) < 0) {
        kill_and_reap(pid);
        return -1;
    }
    return 0;
}
