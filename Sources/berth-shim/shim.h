/*
 * berth-shim internals. The wire contract with the agent is in berth_bootstrap.h.
 *
 * Discipline (crun's): every function returns int (< 0 on failure) and fills
 * `struct berth_error *err` with the step, errno and a message naming the path;
 * cleanup attributes for fds and buffers; no global mutable state but the parsed bootstrap,
 * which is built once in main() and passed down.
 *
 * Messages between the monitor (parent) and the container child, one per direction:
 * | direction       | channel                  | message
 * |-----------------|--------------------------|------------------------------------------
 * | parent -> child | sync pipe                | one byte 'g' once the child is in its cgroups
 * |                 |                          | (EOF instead: the parent failed, child _exits)
 * | child -> parent | error pipe (CLOEXEC)     | one struct berth_wire_error just before _exit(127);
 * |                 |                          | EOF without it: the workload's execve succeeded
 */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include "berth_bootstrap.h"

/* ---- errors ---- */

struct berth_error {
    char step[32]; /* bootstrap, mount, exec, ... (one word) */
    int errnum;
    char message[400];
};

/* Fill err and return -1. `errnum` 0 means no errno (EINVAL is reported). */
int berth_fail(struct berth_error *err, const char *step, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* What the child writes to the error pipe (fits in PIPE_BUF: one atomic write). */
struct berth_wire_error {
    char step[32];
    int32_t errnum;
    char message[400];
};
void berth_wire_from_error(struct berth_wire_error *w, const struct berth_error *err);
void berth_error_from_wire(struct berth_error *err, const struct berth_wire_error *w);
/* Write err to fd (the error pipe) in one write and _exit(127). */
__attribute__((noreturn)) void berth_child_die(int errfd, const struct berth_error *err);

/* ---- cleanup helpers ---- */

static inline void berth_closep(int *fd) {
    if (*fd >= 0) close(*fd);
}
static inline void berth_freep(void *p) {
    free(*(void **)p);
}
#define cleanup_fd __attribute__((cleanup(berth_closep)))
#define cleanup_free __attribute__((cleanup(berth_freep)))

/* ---- the bootstrap ---- */

struct strv {
    char **v;
    size_t n;
};

struct bs_mount {
    char *source, *target, *fstype, *data;
    unsigned long flags;       /* MS_* for the mount itself */
    unsigned long propagation; /* MS_PRIVATE | MS_SLAVE (| MS_REC), applied afterwards */
    bool bind, readonly, want_file, want_dir;
};

struct bs_device {
    char *path;
    mode_t type; /* S_IFCHR or S_IFBLK */
    unsigned int major, minor;
    mode_t mode;
    uid_t uid;
    gid_t gid;
};

struct bs_symlink {
    char *target, *linkpath;
};

struct bs_rlimit {
    int resource;
    rlim_t soft, hard;
};

struct bootstrap {
    char *buf; /* the decoded records; every char * below points into it */
    char *id, *statedir, *log, *netns, *ipcns, *utsns, *pidns, *oomfile, *rootfs;
    char *lowerdir, *upperdir, *workdir; /* overlay, all NULL if none */
    char *hostname, *pindir, *cwd;
    pid_t targetpid;
    struct strv cgroupprocs, maskpaths, readonlypaths, env, args, seccomp_deny;
    struct bs_mount *mounts;
    size_t nmounts;
    struct bs_device *devices;
    size_t ndevices;
    struct bs_symlink *symlinks;
    size_t nsymlinks;
    struct bs_rlimit *rlimits;
    size_t nrlimits;
    bool rootreadonly, nonewprivs, seccomp_denyclonens, has_seccomp;
    bool has_user, has_caps, has_oomscoreadj;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    size_t ngroups;
    int *caps;
    size_t ncaps;
    int oomscoreadj;
};

/* bootstrap.c: read fd to EOF and parse (the buffer is kept in bs->buf). */
int bootstrap_read(int fd, struct bootstrap *bs, struct berth_error *err);
/* Parse in place; text[len] must be writable (it becomes the terminating NUL). */
int bootstrap_parse(char *text, size_t len, struct bootstrap *bs, struct berth_error *err);

/* report.c: lines on fd 4, percent-encoding, time, small file helpers */
void report_line(const char *line);
void report_error(const struct berth_error *err);
void report_close(void);
size_t percent_encode(const char *in, char *out, size_t outsz);
/* RFC 3339 UTC with nanoseconds, e.g. 2026-11-27T07:21:00.123456789Z (31 bytes + NUL). */
void format_rfc3339nano(char out[40]);
int write_file_atomic(const char *dir, const char *name, const char *content,
                      struct berth_error *err);
int write_all(int fd, const void *buf, size_t len);
int read_all(int fd, char **out, size_t *len);

/* namespaces.c */
int ns_join_path(const char *path, int nstype, struct berth_error *err);
int run_pin(const struct bootstrap *bs, struct berth_error *err);
/* Pin the namespace file `src` (e.g. /proc/<pid>/ns/pid) by binding it on a new file `path`. */
int ns_bind(const char *src, const char *path, struct berth_error *err);

/* pause.c: the pod's shared PID namespace and its init (argv is renamed in the init). */
int run_pause(const struct bootstrap *bs, char **argv, struct berth_error *err);

/* paths.c: resolution inside the container root (openat2 RESOLVE_IN_ROOT) */
/* Open `path` (container path) under rootfd as O_PATH, creating it (and parents as
 * directories) if missing: a file if want_file, else a directory. */
int root_open_create(int rootfd, const char *path, bool want_file, int *outfd,
                     struct berth_error *err);
/* openat2(rootfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS); -1 and errno. */
int root_open(int rootfd, const char *path, int flags, int *outfd);
/* Open the parent directory of `path` under rootfd (created if missing); `base` receives
 * the last component. */
int root_open_parent(int rootfd, const char *path, int *outfd, char base[256],
                     struct berth_error *err);
int mkdir_p(const char *path, mode_t mode, struct berth_error *err);

/* rootfs.c */
int rootfs_prepare(const struct bootstrap *bs, struct berth_error *err);
int rootfs_pivot(const struct bootstrap *bs, struct berth_error *err);
int rootfs_finish(const struct bootstrap *bs, struct berth_error *err);

/* security.c */
int apply_rlimits(const struct bootstrap *bs, struct berth_error *err);
int apply_oom_score_adj(const struct bootstrap *bs, struct berth_error *err);
/* user, capabilities, no_new_privs and seccomp in the right order. */
int apply_identity(const struct bootstrap *bs, struct berth_error *err);

/* seccomp.c */
int seccomp_apply(const struct bootstrap *bs, struct berth_error *err);

/* process.c: the last steps before execve, shared by run and exec */
__attribute__((noreturn)) void exec_workload(const struct bootstrap *bs, int errfd);
int child_reset_signals(void);

/* logging.c */
struct cri_log {
    int fd;
    const char *path;
};
int cri_log_open(struct cri_log *log, const char *path, struct berth_error *err);
int cri_log_reopen(struct cri_log *log, struct berth_error *err);
/* Copy both pipes into the log until the child is reaped (waitpid on it alone, when its
 * pidfd is readable; *wstatus gets its status) and both pipes are at EOF, or stayed idle
 * for a second after the reap. SIGUSR1 (blocked, read from a signalfd) reopens the log. */
int cri_log_copy(struct cri_log *log, int outfd, int errfd, int pidfd, pid_t child,
                 int *wstatus, struct berth_error *err);

/* monitor.c / run.c / exec.c */
int read_oom_kills(const char *path, long *count);
int monitor_finish(const struct bootstrap *bs, const char *started_at, int wstatus,
                   long oom_before, struct berth_error *err);
int run_container(const struct bootstrap *bs, struct berth_error *err);
int run_exec(const struct bootstrap *bs, int *exit_code, struct berth_error *err);
/* child.c: the parent's side of a child that reports pre-exec failures on a CLOEXEC pipe. */
void kill_and_reap(pid_t pid);
/* Read the child's error record from the error pipe: 0 on EOF without one (exec done). */
int read_child_error(int fd, struct berth_error *err);
/* pidfd_open the child, then read its error pipe; on failure the child is killed and reaped
 * and -1 returned with err set. */
int await_child_exec(pid_t pid, int errfd, int *pidfd, struct berth_error *err);
int write_cgroup_procs(const struct strv *files, pid_t pid, struct berth_error *err);
/* Moves the calling single-threaded process into those cgroups by writing "0" (v1: to the
 * sibling `tasks` file, which skips the kernel's threadgroup lock and its RCU grace period). */
int cgroup_attach_self(const struct strv *files, struct berth_error *err);

#endif
