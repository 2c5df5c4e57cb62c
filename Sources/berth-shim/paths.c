/*
 * Paths inside the container root, resolved with openat2(RESOLVE_IN_ROOT): symlinks and
 * ".." in the image cannot lead out of the rootfs (an absolute symlink is taken relative to
 * the rootfs). A literal ".." in a path from the bootstrap is rejected outright.
 * Mounts then go to /proc/self/fd/N of the resolved O_PATH fd, as runc does.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "shim.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* Copy `path` to `out` as a relative path without empty or "." components ("" = root).
 * -1 with errno EINVAL for "..", ENAMETOOLONG if too long. */
static int normalise(const char *path, char out[PATH_MAX]) {
    size_t o = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/') p++;
        if (!*p) break;
        const char *e = strchrnul(p, '/');
        size_t n = (size_t)(e - p);
        if (n == 1 && p[0] == '.') {
            p = e;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            errno = EINVAL;
            return -1;
        }
        if (o + n + 2 >= PATH_MAX) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (o) out[o++] = '/';
        memcpy(out + o, p, n);
        o += n;
        p = e;
    }
    out[o] = '\0';
    return 0;
}

int root_open(int rootfd, const char *rel, int flags, int *outfd) {
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    long fd;
    do {
        fd = syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof how);
    } while (fd < 0 && (errno == EAGAIN || errno == EINTR));
    if (fd < 0) return -1;
    *outfd = (int)fd;
    return 0;
}

int root_open_create(int rootfd, const char *path, bool want_file, int *outfd,
                     struct berth_error *err) {
    char rel[PATH_MAX];
    if (normalise(path, rel) < 0) return berth_fail(err, "mount", errno, "path %s", path);
    if (root_open(rootfd, rel, O_PATH, outfd) == 0) return 0;
    if (errno != ENOENT) return berth_fail(err, "mount", errno, "resolve %s in the rootfs", path);

    /* Create each missing component; parents are directories. */
    char prefix[PATH_MAX];
    size_t len = strlen(rel);
    for (size_t i = 0; i <= len; i++) {
        if (rel[i] != '/' && rel[i] != '\0') continue;
        bool last = rel[i] == '\0';
        memcpy(prefix, rel, i);
        prefix[i] = '\0';
        int fd;
        if (root_open(rootfd, prefix, O_PATH, &fd) == 0) {
            close(fd);
            continue;
        }
        if (errno != ENOENT) return berth_fail(err, "mount", errno, "resolve /%s", prefix);
        char *slash = strrchr(prefix, '/');
        const char *name = slash ? slash + 1 : prefix;
        if (slash) *slash = '\0';
        cleanup_fd int parent = -1;
        if (root_open(rootfd, slash ? prefix : "", O_PATH | O_DIRECTORY, &parent) < 0)
            return berth_fail(err, "mount", errno, "open parent of %s", path);
        if (last && want_file) {
            int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (f >= 0) close(f);
            else if (errno != EEXIST) return berth_fail(err, "mount", errno, "create file %s", path);
        } else if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
            return berth_fail(err, "mount", errno, "mkdir %s", path);
        }
    }
    if (root_open(rootfd, rel, O_PATH, outfd) < 0)
        return berth_fail(err, "mount", errno, "resolve %s after creating it", path);
    return 0;
}

int root_open_parent(int rootfd, const char *path, int *outfd, char base[NAME_MAX + 1],
                     struct berth_error *err) {
    char rel[PATH_MAX];
    if (normalise(path, rel) < 0) return berth_fail(err, "mount", errno, "path %s", path);
    if (!*rel) return berth_fail(err, "mount", EINVAL, "path %s has no last component", path);
    char *slash = strrchr(rel, '/');
    const char *name = slash ? slash + 1 : rel;
    if (strlen(name) > NAME_MAX) return berth_fail(err, "mount", ENAMETOOLONG, "%s", path);
    strcpy(base, name);
    if (!slash) {
        if (root_open(rootfd, "", O_PATH | O_DIRECTORY, outfd) < 0)
            return berth_fail(err, "mount", errno, "open rootfs");
        return 0;
    }
    *slash = '\0';
    return root_open_create(rootfd, rel, false, outfd, err);
}

int mkdir_p(const char *path, mode_t mode, struct berth_error *err) {
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return berth_fail(err, "mkdir", ENAMETOOLONG, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return berth_fail(err, "mkdir", errno, "mkdir %s", buf);
        if (!c) break;
        *p = c;
    }
    struct stat st;
    if (stat(path, &st) < 0) return berth_fail(err, "mkdir", errno, "stat %s", path);
    if (!S_ISDIR(st.st_mode)) return berth_fail(err, "mkdir", ENOTDIR, "%s", path);
    return 0;
}
