/*
 * The container's root: overlay (or a bind of rootfs on itself), the `mount` records in
 * order, devices, symlinks, pivot_root, then masked and read-only paths, read-only root
 * and the working directory. Runs in the container child, in its own mount namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "shim.h"

static void fd_path(int fd, char out[64]) {
    snprintf(out, 64, "/proc/self/fd/%d", fd);
}

/* Remount a bind mount read-only, keeping its nosuid/nodev/noexec/atime flags. */
static int remount_ro(const char *path, unsigned long extra, const char *step,
                      const char *shown, struct berth_error *err) {
    struct statvfs sv;
    if (statvfs(path, &sv) < 0) return berth_fail(err, step, errno, "statvfs %s", shown);
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | extra;
    if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    if (mount(NULL, path, NULL, flags, NULL) < 0)
        return berth_fail(err, step, errno, "remount %s read-only", shown);
    return 0;
}

static int do_mount(int rootfd, const struct bs_mount *m, struct berth_error *err) {
    bool want_file = m->want_file;
    struct stat st;
    /* A bind of a file onto a missing target needs a file even without the `file` flag. */
    if (m->bind && !m->want_file && !m->want_dir && stat(m->source, &st) == 0 &&
        !S_ISDIR(st.st_mode))
        want_file = true;

    cleanup_fd int target = -1;
    if (root_open_create(rootfd, m->target, want_file, &target, err) < 0) return -1;
    char tp[64];
    fd_path(target, tp);
    const char *fstype = m->bind ? NULL : m->fstype;
    const char *data = (m->data && *m->data) ? m->data : NULL;
    if (mount(m->source, tp, fstype, m->flags, data) < 0)
        return berth_fail(err, "mount", errno, "mount %s (%s) on %s", m->source,
                          m->bind ? "bind" : m->fstype, m->target);

    unsigned long keep = m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
    if (!(m->bind && (m->readonly || keep)) && !m->propagation) return 0;

    /* The old fd names the directory under the new mount: open the mount itself. */
    cleanup_fd int top = -1;
    if (root_open(rootfd, m->target, O_PATH, &top) < 0)
        return berth_fail(err, "mount", errno, "reopen %s", m->target);
    fd_path(top, tp);
    if (m->bind && (m->readonly || keep)) {
        unsigned long flags = MS_REMOUNT | MS_BIND | keep |
                              (m->flags & (MS_RELATIME | MS_STRICTATIME)) |
                              (m->readonly ? MS_RDONLY : 0);
        if (mount(NULL, tp, NULL, flags, NULL) < 0)
            return berth_fail(err, "mount", errno, "remount %s", m->target);
    }
    if (m->propagation && mount(NULL, tp, NULL, m->propagation, NULL) < 0)
        return berth_fail(err, "mount", errno, "set propagation of %s", m->target);
    return 0;
}

static int make_device(int rootfd, const struct bs_device *d, struct berth_error *err) {
    cleanup_fd int parent = -1;
    char base[NAME_MAX + 1];
    if (root_open_parent(rootfd, d->path, &parent, base, err) < 0) return -1;
    if (mknodat(parent, base, d->type | d->mode, makedev(d->major, d->minor)) == 0) {
        if (fchmodat(parent, base, d->mode, 0) < 0)
            return berth_fail(err, "device", errno, "chmod %s", d->path);
        if (fchownat(parent, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
            return berth_fail(err, "device", errno, "chown %s", d->path);
        return 0;
    }
    if (errno == EEXIST) return 0;
    /* No mknod (e.g. a user namespace): bind the host's node instead. */
    int f = openat(parent, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (f < 0 && errno != EEXIST) return berth_fail(err, "device", errno, "create %s", d->path);
    if (f >= 0) close(f);
    cleanup_fd int node = openat(parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (node < 0) return berth_fail(err, "device", errno, "open %s", d->path);
    char tp[64];
    fd_path(node, tp);
    if (mount(d->path, tp, NULL, MS_BIND, NULL) < 0)
        return berth_fail(err, "device", errno, "bind host %s", d->path);
    return 0;
}

static int make_symlink(int rootfd, const struct bs_symlink *s, struct berth_error *err) {
    cleanup_fd int parent = -1;
    char base[NAME_MAX + 1];
    if (root_open_parent(rootfd, s->linkpath, &parent, base, err) < 0) return -1;
    if (symlinkat(s->target, parent, base) < 0 && errno != EEXIST)
        return berth_fail(err, "symlink", errno, "symlink %s -> %s", s->linkpath, s->target);
    return 0;
}

int rootfs_prepare(const struct bootstrap *bs, struct berth_error *err) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return berth_fail(err, "mount", errno, "make / rprivate");
    if (bs->lowerdir) {
        char data[PATH_MAX * 3];
        if (snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s", bs->lowerdir,
                     bs->upperdir, bs->workdir) >= (int)sizeof data)
            return berth_fail(err, "overlay", ENAMETOOLONG, "overlay options");
        if (mount("overlay", bs->rootfs, "overlay", 0, data) < 0)
            return berth_fail(err, "overlay", errno, "mount overlay on %s (%s)", bs->rootfs, data);
    } else if (mount(bs->rootfs, bs->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
        return berth_fail(err, "mount", errno, "bind %s on itself", bs->rootfs);
    }
    cleanup_fd int rootfd = open(bs->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) return berth_fail(err, "mount", errno, "open %s", bs->rootfs);
    for (size_t i = 0; i < bs->nmounts; i++)
        if (do_mount(rootfd, &bs->mounts[i], err) < 0) return -1;
    for (size_t i = 0; i < bs->ndevices; i++)
        if (make_device(rootfd, &bs->devices[i], err) < 0) return -1;
    for (size_t i = 0; i < bs->nsymlinks; i++)
        if (make_symlink(rootfd, &bs->symlinks[i], err) < 0) return -1;
    return 0;
}

int rootfs_pivot(const struct bootstrap *bs, struct berth_error *err) {
    if (chdir(bs->rootfs) < 0) return berth_fail(err, "pivot_root", errno, "chdir %s", bs->rootfs);
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return berth_fail(err, "pivot_root", errno, "pivot_root %s", bs->rootfs);
    if (umount2(".", MNT_DETACH) < 0) return berth_fail(err, "pivot_root", errno, "detach old root");
    if (chdir("/") < 0) return berth_fail(err, "pivot_root", errno, "chdir /");
    return 0;
}

static int mask_path(const char *path, struct berth_error *err) {
    struct stat st;
    if (stat(path, &st) < 0) {
        if (errno == ENOENT) return 0;
        return berth_fail(err, "maskpath", errno, "stat %s", path);
    }
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0)
            return berth_fail(err, "maskpath", errno, "mount tmpfs on %s", path);
    } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
        return berth_fail(err, "maskpath", errno, "bind /dev/null on %s", path);
    }
    return 0;
}

static int readonly_path(const char *path, struct berth_error *err) {
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
        if (errno == ENOENT) return 0;
        return berth_fail(err, "readonlypath", errno, "bind %s", path);
    }
    return remount_ro(path, MS_NOSUID | MS_NODEV | MS_NOEXEC, "readonlypath", path, err);
}

int rootfs_finish(const struct bootstrap *bs, struct berth_error *err) {
    for (size_t i = 0; i < bs->maskpaths.n; i++)
        if (mask_path(bs->maskpaths.v[i], err) < 0) return -1;
    for (size_t i = 0; i < bs->readonlypaths.n; i++)
        if (readonly_path(bs->readonlypaths.v[i], err) < 0) return -1;
    /* cwd first: a read-only root cannot get it afterwards */
    if (bs->cwd && mkdir_p(bs->cwd, 0755, err) < 0) {
        snprintf(err->step, sizeof err->step, "cwd");
        return -1;
    }
    if (bs->rootreadonly && remount_ro("/", 0, "rootreadonly", "/", err) < 0) return -1;
    return 0;
}
