/*
 * Namespaces: join a pinned one by path; pin mode (like CRI-O's pinns) creates a new
 * net/ipc/uts set and bind-mounts it to files so it outlives this process.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "shim.h"

int ns_join_path(const char *path, int nstype, struct berth_error *err) {
    cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return berth_fail(err, "setns", errno, "open %s", path);
    if (setns(fd, nstype) < 0) return berth_fail(err, "setns", errno, "setns %s", path);
    return 0;
}

/* Bring "lo" up in the current (new) network namespace. */
static int loopback_up(struct berth_error *err) {
    cleanup_fd int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return berth_fail(err, "loopback", errno, "socket");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) return berth_fail(err, "loopback", errno, "get lo flags");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) return berth_fail(err, "loopback", errno, "set lo up");
    return 0;
}

static const char *const pin_names[] = {"net", "ipc", "uts"};
#define NPINS (sizeof pin_names / sizeof pin_names[0])

static int pin_path(const char *dir, const char *name, char out[PATH_MAX],
                    struct berth_error *err) {
    if (snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
        return berth_fail(err, "pin", ENAMETOOLONG, "%s/%s", dir, name);
    return 0;
}

static void unpin(const char *dir, size_t count) {
    char path[PATH_MAX];
    struct berth_error ignored;
    for (size_t i = 0; i < count; i++) {
        if (pin_path(dir, pin_names[i], path, &ignored) < 0) continue;
        umount2(path, MNT_DETACH);
        unlink(path);
    }
}

int ns_bind(const char *src, const char *path, struct berth_error *err) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0) return berth_fail(err, "pin", errno, "create %s", path);
    close(fd);
    if (mount(src, path, NULL, MS_BIND, NULL) < 0) {
        int e = errno;
        unlink(path);
        return berth_fail(err, "pin", e, "bind %s on %s", src, path);
    }
    return 0;
}

static int pin_one(const char *dir, const char *name, struct berth_error *err) {
    char path[PATH_MAX], src[64];
    if (pin_path(dir, name, path, err) < 0) return -1;
    snprintf(src, sizeof src, "/proc/self/ns/%s", name);
    return ns_bind(src, path, err);
}

int run_pin(const struct bootstrap *bs, struct berth_error *err) {
    if (!bs->pindir) return berth_fail(err, "bootstrap", EINVAL, "pin mode needs pindir");
    if (mkdir_p(bs->pindir, 0755, err) < 0) return -1;
    if (unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
        return berth_fail(err, "unshare", errno, "unshare net, ipc, uts");
    if (bs->hostname && sethostname(bs->hostname, strlen(bs->hostname)) < 0)
        return berth_fail(err, "hostname", errno, "sethostname %s", bs->hostname);
    if (loopback_up(err) < 0) return -1;
    for (size_t i = 0; i < NPINS; i++) {
        if (pin_one(bs->pindir, pin_names[i], err) < 0) {
            unpin(bs->pindir, i);
            return -1;
        }
    }
    return 0;
}
