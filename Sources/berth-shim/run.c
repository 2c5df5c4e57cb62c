/*
 * Run mode: the shim joins the pod's namespaces, forks the container as PID 1 of a new
 * PID namespace, lets it go (it moves itself into its cgroups first), reports its PID, and
 * stays its parent (like conmon): CRI log copying, reaping, the exit state file.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cberth.h"
#include "shim.h"

static void close_pipe(int (*p)[2]) {
    berth_closep(&(*p)[0]);
    berth_closep(&(*p)[1]);
}
#define cleanup_pipe __attribute__((cleanup(close_pipe)))

static void set_closed(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

static int make_pipe(int p[2], struct berth_error *err) {
    if (pipe2(p, O_CLOEXEC) < 0) return berth_fail(err, "pipe", errno, "pipe2");
    return 0;
}

/* The container child: wait for "go", build the root, exec. Never returns. */
__attribute__((noreturn)) static void container_child(const struct bootstrap *bs, int go,
                                                      int errfd, int out, int errw) {
    struct berth_error err = {0};
    child_reset_signals();
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(errw, 2) < 0) {
        berth_fail(&err, "stdio", errno, "set up stdio");
        berth_child_die(errfd, &err);
    }
    char c;
    ssize_t r;
    while ((r = read(go, &c, 1)) < 0 && errno == EINTR) {}
    if (r != 1) _exit(127); /* the monitor failed (and reports it) or is gone */

    /* Into the cgroups before anything else: itself, which is far cheaper on v1 (monitor.c). */
    if (cgroup_attach_self(&bs->cgroupprocs, &err) < 0) berth_child_die(errfd, &err);
    if (unshare(CLONE_NEWNS) < 0) {
        berth_fail(&err, "unshare", errno, "unshare mount namespace");
        berth_child_die(errfd, &err);
    }
    /* in its cgroups now: its cgroup namespace is rooted there */
    if (unshare(CLONE_NEWCGROUP) < 0) {
        berth_fail(&err, "unshare", errno, "unshare cgroup namespace");
        berth_child_die(errfd, &err);
    }
    if (rootfs_prepare(bs, &err) < 0 || rootfs_pivot(bs, &err) < 0 || rootfs_finish(bs, &err) < 0)
        berth_child_die(errfd, &err);
    exec_workload(bs, errfd);
}

static int join_pod_namespaces(const struct bootstrap *bs, struct berth_error *err) {
    if (bs->netns && ns_join_path(bs->netns, CLONE_NEWNET, err) < 0) return -1;
    if (bs->ipcns && ns_join_path(bs->ipcns, CLONE_NEWIPC, err) < 0) return -1;
    if (bs->utsns && ns_join_path(bs->utsns, CLONE_NEWUTS, err) < 0) return -1;
    if (bs->pidns) {
        /* A shared PID namespace: its init must be alive; no namespace of our own. */
        return ns_join_path(bs->pidns, CLONE_NEWPID, err);
    }
    if (unshare(CLONE_NEWPID) < 0) return berth_fail(err, "unshare", errno, "unshare PID namespace");
    return 0;
}

int run_container(const struct bootstrap *bs, struct berth_error *err) {
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL); /* log reopen, read from a signalfd later */
    if (getsid(0) != getpid()) (void)setsid(); /* EPERM: a group leader; keep going */

    struct cri_log log = {.fd = -1};
    if (cri_log_open(&log, bs->log, err) < 0) return -1;
    cleanup_fd int logfd = log.fd; /* cri_log_reopen keeps the fd number */
    if (join_pod_namespaces(bs, err) < 0) return -1;

    cleanup_pipe int out[2] = {-1, -1}, errp[2] = {-1, -1}, go[2] = {-1, -1}, ep[2] = {-1, -1};
    if (make_pipe(out, err) < 0 || make_pipe(errp, err) < 0 || make_pipe(go, err) < 0 ||
        make_pipe(ep, err) < 0)
        return -1;
    long oom_before = 0;
    if (read_oom_kills(bs->oomfile, &oom_before) < 0)
        return berth_fail(err, "cgroup", errno, "read %s", bs->oomfile);

    pid_t pid = fork();
    if (pid < 0) return berth_fail(err, "fork", errno, "fork the container");
    if (pid == 0) {
        close(go[1]), close(ep[0]), close(out[0]), close(errp[0]);
        container_child(bs, go[0], ep[1], out[1], errp[1]);
    }
    set_closed(&go[0]), set_closed(&ep[1]), set_closed(&out[1]), set_closed(&errp[1]);

    if (write_all(go[1], "g", 1) < 0) {
        int e = errno;
        kill_and_reap(pid);
        return berth_fail(err, "sync", e, "release the container");
    }
    set_closed(&go[1]);
    cleanup_fd int pidfd = -1;
    if (await_child_exec(pid, ep[0], &pidfd, err) < 0) return -1;
    set_closed(&ep[0]);

    char started[40], line[128];
    format_rfc3339nano(started);
    snprintf(line, sizeof line, "%d %d %s\n", (int)getpid(), (int)pid, started);
    if (write_file_atomic(bs->statedir, "pid", line, err) < 0) {
        kill_and_reap(pid);
        return -1;
    }
    snprintf(line, sizeof line, "started %d %d", (int)getpid(), (int)pid);
    report_line(line);
    report_close();

    int wstatus = 0;
    if (cri_log_copy(&log, out[0], errp[0], pidfd, pid, &wstatus, err) < 0) {
        kill_and_reap(pid); /* no exit file: the agent sees the shim fail */
        return -1;
    }
    return monitor_finish(bs, started, wstatus, oom_before, err);
}
