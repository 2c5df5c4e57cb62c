/*
 * What the monitor (the container's parent) records: cgroup placement, the OOM-kill
 * counter, and the `exit` state file.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

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
