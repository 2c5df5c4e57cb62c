/*
 * Pause mode (shareProcessNamespace): the shim unshares a PID namespace and forks its init,
 * a minimal PID 1 that reaps whatever is re-parented to it and exits 0 on SIGTERM or SIGINT
 * sent from outside the pod. The shim stays its parent (this machine's PID 1 reaps nothing,
 * so no double fork), pins the namespace, forwards SIGTERM/SIGINT/SIGHUP, and records the
 * pid and exit files as in run mode.
 *
 * The init runs no workload: it lives in its own mount namespace on an empty read-only
 * tmpfs (cwd "/"), holds no capabilities and no fds but /dev/null on 0..2, and is named
 * `pause` (comm and argv), so the pod's processes see `pause` as PID 1 and nothing of the
 * host through /proc/1.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cberth.h"
#include "shim.h"

#define PAUSE_NAME "pause"

/* comm and /proc/<pid>/cmdline become "pause": argv's strings are rewritten in place. */
static void name_init(char **argv) {
    (void)prctl(PR_SET_NAME, PAUSE_NAME, 0, 0, 0);
    if (!argv || !argv[0]) return;
    char *start = argv[0], *end = argv[0] + strlen(argv[0]) + 1;
    for (size_t i = 1; argv[i] && argv[i] == end; i++) end = argv[i] + strlen(argv[i]) + 1;
    size_t room = (size_t)(end - start);
    if (room < sizeof PAUSE_NAME) return;
    memset(start, 0, room);
    memcpy(start, PAUSE_NAME, sizeof PAUSE_NAME - 1);
}

/* A private mount namespace whose root is an empty read-only tmpfs mounted on `dir`. */
static int isolate_root(const char *dir, struct berth_error *err) {
    if (unshare(CLONE_NEWNS) < 0) return berth_fail(err, "unshare", errno, "unshare mount namespace");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return berth_fail(err, "mount", errno, "make / private");
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=4k,mode=0555") < 0)
        return berth_fail(err, "mount", errno, "mount an empty tmpfs on %s", dir);
    if (chdir(dir) < 0) return berth_fail(err, "pivot_root", errno, "chdir %s", dir);
    if (syscall(SYS_pivot_root, ".", ".") < 0) return berth_fail(err, "pivot_root", errno, "pivot_root %s", dir);
    if (umount2(".", MNT_DETACH) < 0) return berth_fail(err, "pivot_root", errno, "detach old root");
    if (chdir("/") < 0) return berth_fail(err, "pivot_root", errno, "chdir /");
    return 0;
}

/* PID 1 of the pod. Setup errors go to errfd; closing it (with every other fd) means ready. */
__attribute__((noreturn)) static void pause_init(const struct bootstrap *bs, char **argv, int errfd) {
    struct berth_error err = {0};
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    /* Blocked, not ignored: a PID-namespace init gets queued signals from an ancestor. */
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
        berth_fail(&err, "pause", errno, "block signals");
        berth_child_die(errfd, &err);
    }
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0) {
        berth_fail(&err, "stdio", errno, "/dev/null on 0..2");
        berth_child_die(errfd, &err);
    }
    /* No capabilities, no new privileges: the init only waits and reaps. */
    struct bootstrap drop = {.has_caps = true, .nonewprivs = true};
    if (isolate_root(bs->statedir, &err) < 0 || apply_identity(&drop, &err) < 0)
        berth_child_die(errfd, &err);
    name_init(argv);
    /* Every fd from 3 up, the error pipe too: its EOF tells the monitor we are ready. */
    if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0) {
        berth_fail(&err, "pause", errno, "close_range");
        berth_child_die(errfd, &err);
    }
    for (;;) {
        while (waitpid(-1, NULL, WNOHANG) > 0) {}
        siginfo_t si;
        int sig = sigwaitinfo(&set, &si);
        /* si_pid is 0 when the sender is outside the pod (the agent, the monitor); the pod's
         * own processes cannot end it and with it every container of the pod. */
        if ((sig == SIGTERM || sig == SIGINT) && si.si_pid == 0) _exit(0);
    }
}

/* The monitor: forward signals to the init until it exits; its wait status in *wstatus. */
static int wait_init(pid_t init, int pidfd, int sigfd, int *wstatus, struct berth_error *err) {
    for (;;) {
        struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return berth_fail(err, "wait", errno, "poll");
        }
        if (p[1].revents) {
            struct signalfd_siginfo si;
            while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si)
                kill(init, si.ssi_signo == SIGHUP ? SIGTERM : (int)si.ssi_signo);
        }
        if (p[0].revents) {
            pid_t w = waitpid(init, wstatus, WNOHANG);
            if (w < 0 && errno != EINTR) return berth_fail(err, "wait", errno, "waitpid %d", init);
            if (w == init) return 0;
        }
    }
}

static int join_namespaces(const struct bootstrap *bs, struct berth_error *err) {
    if (bs->netns && ns_join_path(bs->netns, CLONE_NEWNET, err) < 0) return -1;
    if (bs->ipcns && ns_join_path(bs->ipcns, CLONE_NEWIPC, err) < 0) return -1;
    if (bs->utsns && ns_join_path(bs->utsns, CLONE_NEWUTS, err) < 0) return -1;
    if (unshare(CLONE_NEWPID) < 0) return berth_fail(err, "unshare", errno, "unshare PID namespace");
    return 0;
}

static void unpin(const char *path) {
    if (!path[0]) return;
    umount2(path, MNT_DETACH);
    unlink(path);
}

int run_pause(const struct bootstrap *bs, char **argv, struct berth_error *err) {
    sigset_t fwd;
    sigemptyset(&fwd);
    sigaddset(&fwd, SIGTERM);
    sigaddset(&fwd, SIGINT);
    sigaddset(&fwd, SIGHUP);
    sigprocmask(SIG_BLOCK, &fwd, NULL);
    signal(SIGHUP, SIG_DFL); /* an ignored signal is never queued, even blocked */
    cleanup_fd int sigfd = signalfd(-1, &fwd, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd < 0) return berth_fail(err, "pause", errno, "signalfd");
    if (getsid(0) != getpid()) (void)setsid(); /* EPERM: a group leader; keep going */

    char pin[PATH_MAX] = "";
    if (bs->pindir && snprintf(pin, sizeof pin, "%s/pid", bs->pindir) >= (int)sizeof pin)
        return berth_fail(err, "pin", ENAMETOOLONG, "%s/pid", bs->pindir);
    if (join_namespaces(bs, err) < 0) return -1;

    int ep[2];
    if (pipe2(ep, O_CLOEXEC) < 0) return berth_fail(err, "pipe", errno, "pipe2");
    pid_t pid = fork();
    if (pid < 0) {
        close(ep[0]), close(ep[1]);
        return berth_fail(err, "fork", errno, "fork the pause process");
    }
    if (pid == 0) {
        close(ep[0]);
        pause_init(bs, argv, ep[1]);
    }
    close(ep[1]);
    cleanup_fd int errfd = ep[0];
    cleanup_fd int pidfd = -1;
    if (await_child_exec(pid, errfd, &pidfd, err) < 0) return -1;
    /* Not reaped yet, so /proc/<pid> is our init: pin its namespace for the containers. */
    char src[64];
    snprintf(src, sizeof src, "/proc/%d/ns/pid", (int)pid);
    if (pin[0] && ns_bind(src, pin, err) < 0) {
        kill_and_reap(pid);
        return -1;
    }
    char started[40], line[128];
    format_rfc3339nano(started);
    snprintf(line, sizeof line, "%d %d %s\n", (int)getpid(), (int)pid, started);
    if (write_file_atomic(bs->statedir, "pid", line, err) < 0) {
        kill_and_reap(pid);
        unpin(pin);
        return -1;
    }
    snprintf(line, sizeof line, "started %d %d", (int)getpid(), (int)pid);
    report_line(line);
    report_close();

    int wstatus = 0;
    if (wait_init(pid, pidfd, sigfd, &wstatus, err) < 0) {
        kill_and_reap(pid); /* no exit file: the agent sees the shim fail */
        return -1;
    }
    return monitor_finish(bs, started, wstatus, 0, err);
}
