/*
 * The seccomp filter (libseccomp): default allow; the `seccomp deny` syscalls return
 * EPERM; `seccomp denyclonens` makes clone with CLONE_NEW* flags EPERM and clone3 ENOSYS
 * (so libc falls back to clone, whose flags a filter can see).
 * no_new_privs is never set by libseccomp itself: security.c decides (CTL_NNP off).
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>

#include "shim.h"

static void release(scmp_filter_ctx *ctx) {
    if (*ctx) seccomp_release(*ctx);
}

static int add_compat_arches(scmp_filter_ctx ctx) {
    /* 32-bit and x32 entry points on x86_64: filter them too rather than kill them. */
    if (seccomp_arch_native() != SCMP_ARCH_X86_64) return 0;
    const uint32_t extra[] = {SCMP_ARCH_X86, SCMP_ARCH_X32};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        int rc = seccomp_arch_add(ctx, extra[i]);
        if (rc < 0 && rc != -EEXIST) return rc;
    }
    return 0;
}

int seccomp_apply(const struct bootstrap *bs, struct berth_error *err) {
    __attribute__((cleanup(release))) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return berth_fail(err, "seccomp", ENOMEM, "seccomp_init");
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (rc < 0) return berth_fail(err, "seccomp", -rc, "disable libseccomp's no_new_privs");
    if ((rc = add_compat_arches(ctx)) < 0)
        return berth_fail(err, "seccomp", -rc, "add the x86 and x32 architectures");

    for (size_t i = 0; i < bs->seccomp_deny.n; i++) {
        const char *name = bs->seccomp_deny.v[i];
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) continue; /* unknown on this architecture */
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
        if (rc < 0) return berth_fail(err, "seccomp", -rc, "deny %s", name);
    }

    if (bs->seccomp_denyclonens) {
        static const unsigned long ns_flags[] = {CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS,
                                                 CLONE_NEWIPC, CLONE_NEWUSER,   CLONE_NEWPID,
                                                 CLONE_NEWNET};
        for (size_t i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++) {
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
            if (rc < 0) return berth_fail(err, "seccomp", -rc, "deny clone with namespace flags");
        }
        int clone3 = seccomp_syscall_resolve_name("clone3");
        if (clone3 != __NR_SCMP_ERROR) {
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), clone3, 0);
            if (rc < 0) return berth_fail(err, "seccomp", -rc, "deny clone3");
        }
    }

    if ((rc = seccomp_load(ctx)) < 0) return berth_fail(err, "seccomp", -rc, "seccomp_load");
    return 0;
}
