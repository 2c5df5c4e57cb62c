/*
 * Exec mode (`berth exec POD -- CMD`): join every namespace and the cgroups of a running
 * container, fork into its PID namespace, exec with the caller's stdio, forward
 * SIGINT/SIGTERM/SIGHUP, and exit with the process's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "cberth.h"
#include "shim.h"

static const struct {
    const char *name;
    int type;
} exec_ns[] = {
    /* mnt last: after it, /proc/<pid> may no longer be reachable and our root changes */
    {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},       {"net", CLONE_NEWNET},
    {"pid", CLONE_NEWPID}, {"cgroup", CLONE_NEWCGROUP}, {"mnt", CLONE_NEWNS},
};
#define NEXEC_NS (sizeof exec_ns / sizeof exec_ns[0])

static void close_all(int (*fds)[NEXEC_NS]) {
    for (size_t i = 0; i < NEXEC_NS; i++) berth_closep(&(*fds)[i]);
}

static int join_target(const struct bootstrap *bs, struct berth_error *err) {
    __attribute__((cleanup(close_all))) int fds[NEXEC_NS];
    for (size_t i = 0; i < NEXEC_NS; i++) fds[i] = -1;
    char path[64];
    for (size_t i = 0; i < NEXEC_NS; i++) {
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)bs->targetpid, exec_ns[i].name);
        fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) return berth_fail(err, "setns", errno, "open %s", path);
    }
    /* into the cgroups before the cgroup namespace, so that it is rooted right */
    if (cgroup_attach_self(&bs->cgroupprocs, err) < 0) return -1;
    for (size_t i = 0; i < NEXEC_NS; i++) {
        if (setns(fds[i], exec_ns[i].type) < 0)
            return berth_fail(err, "setns", errno, "join the %s namespace of %d", exec_ns[i].name,
                              (int)bs->targetpid);
    }
    if (chdir("/") < 0) return berth_fail(err, "setns", errno, "chdir /");
    return 0;
}

/* Forward signals until the child exits; its status as an exit code. */
static int wait_forwarding(pid_t child, int pidfd, int sigfd, int *exit_code,
                           struct berth_error *err) {
    for (;;) {
        struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return berth_fail(err, "wait", errno, "poll");
        }
        if (p[1].revents) {
            struct signalfd_siginfo si;
            while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) kill(child, (int)si.ssi_signo);
        }
        if (p[0].revents) {
            int st;
            pid_t w = waitpid(child, &st, WNOHANG);
            if (w < 0 && errno != EINTR) return berth_fail(err, "wait", errno, "waitpid %d", child);
            if (w == child) {
                *exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                return 0;
            }
        }
    }
}

int run_exec(const struct bootstrap *bs, int *exit_code, struct berth_error *err) {
    sigset_t fwd;
    sigemptyset(&fwd);
    sigaddset(&fwd, SIGINT);
    sigaddset(&fwd, SIGTERM);
    sigaddset(&fwd, SIGHUP);
    sigprocmask(SIG_BLOCK, &fwd, NULL);
    /* an ignored signal is never queued, even blocked: make them default (they stay blocked) */
    signal(SIGHUP, SIG_DFL);
    cleanup_fd int sigfd = signalfd(-1, &fwd, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd < 0) return berth_fail(err, "exec", errno, "signalfd");

    if (join_target(bs, err) < 0) return -1;

    int ep[2];
    if (pipe2(ep, O_CLOEXEC) < 0) return berth_fail(err, "pipe", errno, "pipe2");
    pid_t pid = fork();
    if (pid < 0) {
        close(ep[0]), close(ep[1]);
        return berth_fail(err, "fork", errno, "fork");
    }
    if (pid == 0) {
        close(ep[0]);
        child_reset_signals();
        exec_workload(bs, ep[1]);
    }
    close(ep[1]);
    cleanup_fd int errfd = ep[0];
    cleanup_fd int pidfd = -1;
    if (await_child_exec(pid, errfd, &pidfd, err) < 0) return -1;
    char line[64];
    snprintf(line, sizeof line, "started %d %d", (int)getpid(), (int)pid);
    report_line(line);
    report_close();
    if (wait_forwarding(pid, pidfd, sigfd, exit_code, err) < 0) {
        kill_and_reap(pid);
        return -1;
    }
    return 0;
}
