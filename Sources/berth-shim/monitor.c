/*
 * Cgroup placement, and what the monitor (the container's parent) records: the OOM-kill
 * counter and the `exit` state file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim.h"

int write_cgroup_procs(const struct strv *files, pid_t pid, struct berth_error *err) {
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%d", (int)pid);
    for (size_t i = 0; i < files->n; i++) {
        cleanup_fd int fd = open(files->v[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0) return berth_fail(err, "cgroup", errno, "open %s", files->v[i]);
        if (write_all(fd, buf, (size_t)n) < 0)
            return berth_fail(err, "cgroup", errno, "write %d to %s", (int)pid, files->v[i]);
    }
    return 0;
}

/*
 * The caller (single-threaded: the container child, or the exec shim) moves itself by writing
 * "0", meaning "the writer". On cgroup v1 it writes to the `tasks` file beside each
 * cgroup.procs: a thread moving itself lets the kernel skip the write side of
 * cgroup_threadgroup_rwsem, whose percpu-rwsem has to wait for an RCU grace period first.
 * Measured on this 2-core host (kernel 6.18, hybrid v1): a PID written to cgroup.procs of 4
 * hierarchies by the parent 4.6-16 ms (the first write waits, the rest ride on it), "0"
 * written to `tasks` by the process itself 0.03-0.05 ms. cgroup2 has no `tasks` file: "0"
 * goes to cgroup.procs (same effect, the kernel takes the lock there).
 */
int cgroup_attach_self(const struct strv *files, struct berth_error *err) {
    char tasks[PATH_MAX];
    for (size_t i = 0; i < files->n; i++) {
        const char *file = files->v[i];
        const char *target = file;
        const char *slash = strrchr(file, '/');
        if (slash && !strcmp(slash + 1, "cgroup.procs") &&
            snprintf(tasks, sizeof tasks, "%.*s/tasks", (int)(slash - file), file) < (int)sizeof tasks &&
            access(tasks, W_OK) == 0)
            target = tasks;
        cleanup_fd int fd = open(target, O_WRONLY | O_CLOEXEC);
        if (fd < 0) return berth_fail(err, "cgroup", errno, "open %s", target);
        if (write_all(fd, "0", 1) < 0) return berth_fail(err, "cgroup", errno, "move into %s", target);
    }
    return 0;
}

/* The "oom_kill N" line of memory.oom_control (v1) or memory.events (v2); 0 if absent. */
int read_oom_kills(const char *path, long *count) {
    *count = 0;
    if (!path) return 0;
    cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    cleanup_free char *text = NULL;
    size_t len;
    if (read_all(fd, &text, &len) < 0) return -1;
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (!strncmp(line, "oom_kill ", 9)) {
            *count = strtol(line + 9, NULL, 10);
            return 0;
        }
    }
    return 0;
}

int monitor_finish(const struct bootstrap *bs, const char *started_at, int wstatus,
                   long oom_before, struct berth_error *err) {
    int code = 0, sig = 0;
    if (WIFEXITED(wstatus)) {
        code = WEXITSTATUS(wstatus);
    } else if (WIFSIGNALED(wstatus)) {
        sig = WTERMSIG(wstatus);
        code = 128 + sig;
    }
    long oom_after = 0;
    bool oom = sig == SIGKILL && bs->oomfile && read_oom_kills(bs->oomfile, &oom_after) == 0 &&
               oom_after > oom_before;
    const char *reason = oom ? "OOMKilled" : code == 0 ? "Completed" : "Error";
    char finished[40], content[512];
    format_rfc3339nano(finished);
    snprintf(content, sizeof content,
             "exitCode=%d\nsignal=%d\nreason=%s\nstartedAt=%s\nfinishedAt=%s\nmessage=\n", code, sig,
             reason, started_at, finished);
    return write_file_atomic(bs->statedir, "exit", content, err);
}
