/*
 * berth_spawn: start berth-shim (or any helper) from the multithreaded Swift agent.
 *
 * posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK) + execve, no malloc or locks in the
 * child) with file actions only, so nothing unsafe runs between clone and execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>

#include "cberth.h"

static void destroy_actions(posix_spawn_file_actions_t **fa) {
    if (*fa) posix_spawn_file_actions_destroy(*fa);
}

static void destroy_attr(posix_spawnattr_t **attr) {
    if (*attr) posix_spawnattr_destroy(*attr);
}

/*
 * fd i of the child := fds[i]. Sources may themselves be in 0..nfds-1 (e.g. fds = {5, 0}),
 * so every source is first duplicated to a temporary number above all sources and all
 * targets, then moved into place: no dup2 reads a slot an earlier dup2 has overwritten, and
 * fds[i] == i is handled too (dup2 onto a different number always clears FD_CLOEXEC).
 * The temporaries are >= nfds and are closed by closefrom(nfds).
 */
static int add_fd_actions(posix_spawn_file_actions_t *fa, const int *fds, int nfds) {
    int base = nfds;
    for (int i = 0; i < nfds; i++)
        if (fds[i] >= base) base = fds[i] + 1;
    for (int i = 0; i < nfds; i++) {
        if (fds[i] < 0) continue;
        int rc = posix_spawn_file_actions_adddup2(fa, fds[i], base + i);
        if (rc != 0) return -rc;
    }
    for (int i = 0; i < nfds; i++) {
        int rc;
        if (fds[i] >= 0)
            rc = posix_spawn_file_actions_adddup2(fa, base + i, i);
        else if (i <= 2)
            rc = posix_spawn_file_actions_addopen(fa, i, "/dev/null", O_RDWR, 0);
        else
            rc = posix_spawn_file_actions_addclose(fa, i);
        if (rc != 0) return -rc;
    }
    /* 0..2 are /dev/null even when nfds < 3. */
    for (int i = nfds; i < 3; i++) {
        int rc = posix_spawn_file_actions_addopen(fa, i, "/dev/null", O_RDWR, 0);
        if (rc != 0) return -rc;
    }
    int rc = posix_spawn_file_actions_addclosefrom_np(fa, nfds < 3 ? 3 : nfds);
    return rc != 0 ? -rc : 0;
}

int berth_spawn(const char *path, char *const argv[], char *const envp[],
                const int *fds, int nfds, int new_session, pid_t *pid) {
    if (!path || !argv || !pid || nfds < 0 || (nfds > 0 && !fds)) return -EINVAL;

    posix_spawn_file_actions_t fa_storage;
    posix_spawnattr_t attr_storage;
    __attribute__((cleanup(destroy_actions))) posix_spawn_file_actions_t *fa = NULL;
    __attribute__((cleanup(destroy_attr))) posix_spawnattr_t *attr = NULL;

    int rc = posix_spawn_file_actions_init(&fa_storage);
    if (rc != 0) return -rc;
    fa = &fa_storage;
    rc = posix_spawnattr_init(&attr_storage);
    if (rc != 0) return -rc;
    attr = &attr_storage;

    rc = add_fd_actions(fa, fds, nfds);
    if (rc < 0) return rc;

    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (new_session) flags |= POSIX_SPAWN_SETSID;
    if ((rc = posix_spawnattr_setflags(attr, flags)) != 0) return -rc;
    if ((rc = posix_spawnattr_setsigmask(attr, &empty)) != 0) return -rc;
    if ((rc = posix_spawnattr_setsigdefault(attr, &all)) != 0) return -rc;

    static char *const no_env[] = {NULL};
    rc = posix_spawn(pid, path, fa, attr, argv, envp ? envp : no_env);
    return rc != 0 ? -rc : 0;
}
