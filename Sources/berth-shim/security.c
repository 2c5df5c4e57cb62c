/*
 * rlimits, oom_score_adj, user and groups, capabilities (libcap), no_new_privs, and the
 * order in which seccomp joins them.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "shim.h"

int apply_rlimits(const struct bootstrap *bs, struct berth_error *err) {
    for (size_t i = 0; i < bs->nrlimits; i++) {
        const struct bs_rlimit *r = &bs->rlimits[i];
        struct rlimit cur;
        if (getrlimit(r->resource, &cur) < 0)
            return berth_fail(err, "rlimit", errno, "getrlimit %d", r->resource);
        /* Raising a hard limit needs CAP_SYS_RESOURCE, which may be missing: clamp. */
        struct rlimit want = {.rlim_cur = r->soft, .rlim_max = r->hard};
        if (want.rlim_max > cur.rlim_max) want.rlim_max = cur.rlim_max;
        if (want.rlim_cur > want.rlim_max) want.rlim_cur = want.rlim_max;
        if (setrlimit(r->resource, &want) < 0)
            return berth_fail(err, "rlimit", errno, "setrlimit %d %llu %llu", r->resource,
                              (unsigned long long)want.rlim_cur, (unsigned long long)want.rlim_max);
    }
    return 0;
}

int apply_oom_score_adj(const struct bootstrap *bs, struct berth_error *err) {
    if (!bs->has_oomscoreadj) return 0;
    cleanup_fd int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return berth_fail(err, "oomscoreadj", errno, "open /proc/self/oom_score_adj");
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%d", bs->oomscoreadj);
    if (write(fd, buf, (size_t)n) < 0) {
        /* Lowering below the inherited minimum needs CAP_SYS_RESOURCE: keep the current value. */
        if (errno == EACCES || errno == EPERM) return 0;
        return berth_fail(err, "oomscoreadj", errno, "write oom_score_adj %d", bs->oomscoreadj);
    }
    return 0;
}

static bool listed(const struct bootstrap *bs, int cap) {
    for (size_t i = 0; i < bs->ncaps; i++)
        if (bs->caps[i] == cap) return true;
    return false;
}

/* Drop every capability not listed from the bounding set (needs CAP_SETPCAP). */
static int drop_bounding_set(const struct bootstrap *bs, struct berth_error *err) {
    int max = (int)cap_max_bits();
    for (int cap = 0; cap < max; cap++) {
        if (listed(bs, cap) || cap_get_bound((cap_value_t)cap) != 1) continue;
        if (cap_drop_bound((cap_value_t)cap) < 0)
            return berth_fail(err, "caps", errno, "drop capability %d from the bounding set", cap);
    }
    return 0;
}

static void cap_freep(cap_t *c) {
    if (*c) cap_free(*c);
}

/* permitted = effective = inheritable = listed (and held now) for uid 0, else empty. */
static int set_capabilities(const struct bootstrap *bs, uid_t uid, struct berth_error *err) {
    __attribute__((cleanup(cap_freep))) cap_t cur = cap_get_proc();
    __attribute__((cleanup(cap_freep))) cap_t want = cap_init();
    if (!cur || !want) return berth_fail(err, "caps", errno, "cap_get_proc");
    int max = (int)cap_max_bits();
    if (uid == 0) {
        for (size_t i = 0; i < bs->ncaps; i++) {
            cap_value_t c = bs->caps[i];
            cap_flag_value_t held = CAP_CLEAR;
            if (c >= max || cap_get_flag(cur, c, CAP_PERMITTED, &held) < 0 || held != CAP_SET)
                continue; /* not supported here, or not ours to give (e.g. CAP_SYS_RESOURCE) */
            cap_set_flag(want, CAP_PERMITTED, 1, &c, CAP_SET);
            cap_set_flag(want, CAP_EFFECTIVE, 1, &c, CAP_SET);
            cap_set_flag(want, CAP_INHERITABLE, 1, &c, CAP_SET);
        }
    }
    if (cap_set_proc(want) < 0) return berth_fail(err, "caps", errno, "cap_set_proc");
    if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() < 0)
        return berth_fail(err, "caps", errno, "clear the ambient set");
    return 0;
}

/* setgroups, setgid, setuid. With a caps record the permitted set survives the uid change
 * (KEEPCAPS) so set_capabilities decides; without one the kernel's rules apply (a non-zero
 * uid loses everything). */
static int set_user(const struct bootstrap *bs, struct berth_error *err) {
    if (setgroups(bs->ngroups, bs->groups) < 0)
        return berth_fail(err, "user", errno, "setgroups (%zu groups)", bs->ngroups);
    if (bs->has_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return berth_fail(err, "user", errno, "keepcaps");
    if (setresgid(bs->gid, bs->gid, bs->gid) < 0)
        return berth_fail(err, "user", errno, "setgid %u", (unsigned)bs->gid);
    if (setresuid(bs->uid, bs->uid, bs->uid) < 0)
        return berth_fail(err, "user", errno, "setuid %u", (unsigned)bs->uid);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return berth_fail(err, "user", errno, "keepcaps");
    return 0;
}

/*
 * Without no_new_privs the kernel takes a seccomp filter only from a holder of
 * CAP_SYS_ADMIN, so it is loaded first (runc does the same) and must allow what follows
 * (prctl, setgroups, setresuid, capset, execve: the deny list never names them).
 * With no_new_privs it is loaded last, just before execve.
 */
int apply_identity(const struct bootstrap *bs, struct berth_error *err) {
    if (bs->has_seccomp && !bs->nonewprivs && seccomp_apply(bs, err) < 0) return -1;
    if (bs->has_caps && drop_bounding_set(bs, err) < 0) return -1;
    if (bs->has_user && set_user(bs, err) < 0) return -1;
    uid_t uid = bs->has_user ? bs->uid : getuid();
    if (bs->has_caps && set_capabilities(bs, uid, err) < 0) return -1;
    if (bs->nonewprivs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return berth_fail(err, "nonewprivs", errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    if (bs->has_seccomp && bs->nonewprivs && seccomp_apply(bs, err) < 0) return -1;
    return 0;
}
