/*
 * The last steps in the container child before execve, shared by run and exec modes:
 * cwd, rlimits, oom_score_adj, identity (user, caps, no_new_privs, seccomp), environment,
 * PATH lookup in the container's own PATH. Failure: the error goes to the error pipe and
 * the child _exits(127).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/close_range.h>
#include <sys/syscall.h>

#include "shim.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The kernel's struct sigaction (x86_64 and most 64-bit ABIs). */
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

int child_reset_signals(void) {
    struct sigaction sa = {.sa_handler = SIG_DFL};
    sigemptyset(&sa.sa_mask);
    for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &sa, NULL); /* KILL, STOP: EINVAL */
    /* glibc's sigaction refuses its internal signals 32 and 33, and glibc's posix_spawn
     * (2.36) leaves them SIG_IGN in the spawned shim: reset them with the raw syscall so
     * the workload does not inherit them ignored. */
    struct kernel_sigaction ksa = {.handler = SIG_DFL};
    for (int sig = 32; sig < SIGRTMIN; sig++)
        syscall(SYS_rt_sigaction, sig, &ksa, NULL, sizeof ksa.mask);
    sigset_t none;
    sigemptyset(&none);
    return sigprocmask(SIG_SETMASK, &none, NULL);
}

static const char *env_path(const struct bootstrap *bs) {
    for (size_t i = 0; i < bs->env.n; i++)
        if (!strncmp(bs->env.v[i], "PATH=", 5)) return bs->env.v[i] + 5;
    return DEFAULT_PATH;
}

/* execvp's search, but in the container's PATH and with the container's environment. */
static int exec_lookup(const struct bootstrap *bs, char *const envp[]) {
    const char *file = bs->args.v[0];
    if (!*file) return ENOENT;
    if (strchr(file, '/')) {
        execve(file, bs->args.v, envp);
        return errno;
    }
    int result = ENOENT;
    const char *p = env_path(bs);
    for (;;) {
        const char *end = strchrnul(p, ':');
        char candidate[PATH_MAX];
        int n = end == p ? snprintf(candidate, sizeof candidate, "%s", file)
                         : snprintf(candidate, sizeof candidate, "%.*s/%s", (int)(end - p), p, file);
        if (n > 0 && n < (int)sizeof candidate) {
            execve(candidate, bs->args.v, envp);
            switch (errno) {
            case EACCES:
                result = EACCES;
                break;
            case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT:
                break;
            default:
                return errno;
            }
        }
        if (!*end) break;
        p = end + 1;
    }
    return result;
}

void exec_workload(const struct bootstrap *bs, int errfd) {
    struct berth_error err = {0};
    if (bs->cwd && chdir(bs->cwd) < 0) {
        berth_fail(&err, "cwd", errno, "chdir %s", bs->cwd);
        berth_child_die(errfd, &err);
    }
    if (apply_rlimits(bs, &err) < 0 || apply_oom_score_adj(bs, &err) < 0 ||
        apply_identity(bs, &err) < 0)
        berth_child_die(errfd, &err);

    umask(022);
    /* Everything but stdio closes on exec; the error pipe is already close-on-exec. */
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        berth_fail(&err, "exec", errno, "close_range");
        berth_child_die(errfd, &err);
    }
    static char *const no_env[] = {NULL};
    int e = exec_lookup(bs, bs->env.v ? bs->env.v : no_env);
    berth_fail(&err, "exec", e, "exec %s", bs->args.v[0]);
    berth_child_die(errfd, &err);
}
