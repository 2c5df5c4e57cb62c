/*
 * Parse the bootstrap records of berth_bootstrap.h: `key<TAB>value...<LF>`, values
 * percent-encoded. Values are decoded in place; the struct points into the buffer.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "shim.h"

#define MAX_FIELDS 4096

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decode %XX in place; a decoded NUL is an error (values are C strings). */
static int percent_decode(char *s) {
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r != '%') {
            *w++ = *r;
            continue;
        }
        int hi = hexval(r[1]), lo = hi < 0 ? -1 : hexval(r[2]);
        if (hi < 0 || lo < 0) return -1;
        char c = (char)(hi * 16 + lo);
        if (c == '\0') return -1;
        *w++ = c;
        r += 2;
    }
    *w = '\0';
    return 0;
}

static int push(void **arr, size_t *n, size_t elem) {
    void *p = realloc(*arr, (*n + 1) * elem);
    if (!p) return -1;
    *arr = p;
    (*n)++;
    return 0;
}

static int strv_push(struct strv *sv, char *s) {
    if (push((void **)&sv->v, &sv->n, sizeof(char *)) < 0) return -1;
    /* keep it NULL-terminated for execve */
    char **p = realloc(sv->v, (sv->n + 1) * sizeof(char *));
    if (!p) return -1;
    sv->v = p;
    sv->v[sv->n - 1] = s;
    sv->v[sv->n] = NULL;
    return 0;
}

/* Decimal; with base 0 (device modes) a leading 0 means octal, as in "0666". */
static int parse_ulong_base(const char *s, int base, unsigned long max, unsigned long *out) {
    if (!*s) return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, base);
    if (errno || *end || v > max || s[0] == '-') return -1;
    *out = v;
    return 0;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out) {
    return parse_ulong_base(s, 10, max, out);
}

static int parse_long(const char *s, long *out) {
    if (!*s) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

static int parse_rlim(const char *s, rlim_t *out) {
    if (!strcmp(s, "unlimited") || !strcmp(s, "infinity") || !strcmp(s, "-1")) {
        *out = RLIM_INFINITY;
        return 0;
    }
    unsigned long v;
    if (parse_ulong(s, ULONG_MAX, &v) < 0) return -1;
    *out = (rlim_t)v;
    return 0;
}

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"cpu", RLIMIT_CPU},         {"fsize", RLIMIT_FSIZE},       {"data", RLIMIT_DATA},
    {"stack", RLIMIT_STACK},     {"core", RLIMIT_CORE},         {"rss", RLIMIT_RSS},
    {"nproc", RLIMIT_NPROC},     {"nofile", RLIMIT_NOFILE},     {"memlock", RLIMIT_MEMLOCK},
    {"as", RLIMIT_AS},           {"locks", RLIMIT_LOCKS},       {"sigpending", RLIMIT_SIGPENDING},
    {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},       {"rtprio", RLIMIT_RTPRIO},
    {"rttime", RLIMIT_RTTIME},
};

static int parse_mount_flags(char *list, struct bs_mount *m) {
    static const struct {
        const char *name;
        unsigned long flag;
    } simple[] = {
        {"nosuid", MS_NOSUID},         {"nodev", MS_NODEV},     {"noexec", MS_NOEXEC},
        {"relatime", MS_RELATIME},     {"strictatime", MS_STRICTATIME},
    };
    char *save = NULL;
    for (char *f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
        bool known = false;
        for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
            if (!strcmp(f, simple[i].name)) m->flags |= simple[i].flag, known = true;
        if (known) continue;
        if (!strcmp(f, "bind")) m->bind = true, m->flags |= MS_BIND;
        else if (!strcmp(f, "rbind")) m->bind = true, m->flags |= MS_BIND | MS_REC;
        else if (!strcmp(f, "ro")) m->readonly = true;
        else if (!strcmp(f, "private")) m->propagation = MS_PRIVATE;
        else if (!strcmp(f, "rprivate")) m->propagation = MS_PRIVATE | MS_REC;
        else if (!strcmp(f, "slave")) m->propagation = MS_SLAVE;
        else if (!strcmp(f, "rslave")) m->propagation = MS_SLAVE | MS_REC;
        else if (!strcmp(f, "file")) m->want_file = true;
        else if (!strcmp(f, "dir")) m->want_dir = true;
        else return -1;
    }
    if (m->readonly && !m->bind) m->flags |= MS_RDONLY;
    return 0;
}

#define BAD(...) berth_fail(err, "bootstrap", 0, __VA_ARGS__) /* EINVAL, no strerror */
#define OOM() berth_fail(err, "bootstrap", ENOMEM, "out of memory")

static int need(size_t nv, size_t want, const char *key, struct berth_error *err) {
    if (nv != want) return BAD("record %s: %zu values, want %zu", key, nv, want);
    return 0;
}

/* One record: key = f[0], values f[1..nf-1]. */
static int parse_record(char **f, size_t nf, struct bootstrap *bs, struct berth_error *err) {
    const char *key = f[0];
    char **v = f + 1;
    size_t nv = nf - 1;
    unsigned long u;
    long l;

    static const struct {
        const char *key;
        size_t off;
    } singles[] = {
        {"id", offsetof(struct bootstrap, id)},
        {"statedir", offsetof(struct bootstrap, statedir)},
        {"log", offsetof(struct bootstrap, log)},
        {"netns", offsetof(struct bootstrap, netns)},
        {"ipcns", offsetof(struct bootstrap, ipcns)},
        {"utsns", offsetof(struct bootstrap, utsns)},
        {"pidns", offsetof(struct bootstrap, pidns)},
        {"oomfile", offsetof(struct bootstrap, oomfile)},
        {"rootfs", offsetof(struct bootstrap, rootfs)},
        {"hostname", offsetof(struct bootstrap, hostname)},
        {"pindir", offsetof(struct bootstrap, pindir)},
        {"cwd", offsetof(struct bootstrap, cwd)},
    };
    for (size_t i = 0; i < sizeof singles / sizeof singles[0]; i++) {
        if (strcmp(key, singles[i].key)) continue;
        if (need(nv, 1, key, err) < 0) return -1;
        *(char **)((char *)bs + singles[i].off) = v[0];
        return 0;
    }

    static const struct {
        const char *key;
        size_t off;
    } lists[] = {
        {"cgroupprocs", offsetof(struct bootstrap, cgroupprocs)},
        {"maskpath", offsetof(struct bootstrap, maskpaths)},
        {"readonlypath", offsetof(struct bootstrap, readonlypaths)},
        {"env", offsetof(struct bootstrap, env)},
        {"arg", offsetof(struct bootstrap, args)},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (strcmp(key, lists[i].key)) continue;
        if (need(nv, 1, key, err) < 0) return -1;
        if (strv_push((struct strv *)((char *)bs + lists[i].off), v[0]) < 0) return OOM();
        return 0;
    }

    if (!strcmp(key, "version")) {
        return BAD("version must be the first record, once");
    } else if (!strcmp(key, "targetpid")) {
        if (need(nv, 1, key, err) < 0) return -1;
        if (parse_ulong(v[0], INT_MAX, &u) < 0 || u == 0) return BAD("targetpid %s", v[0]);
        bs->targetpid = (pid_t)u;
    } else if (!strcmp(key, "overlay")) {
        if (need(nv, 3, key, err) < 0) return -1;
        bs->lowerdir = v[0], bs->upperdir = v[1], bs->workdir = v[2];
    } else if (!strcmp(key, "mount")) {
        if (need(nv, 5, key, err) < 0) return -1;
        if (push((void **)&bs->mounts, &bs->nmounts, sizeof *bs->mounts) < 0) return OOM();
        struct bs_mount *m = &bs->mounts[bs->nmounts - 1];
        *m = (struct bs_mount){.source = v[0], .target = v[1], .fstype = v[2], .data = v[4]};
        if (v[1][0] != '/') return BAD("mount target %s is not absolute", v[1]);
        if (parse_mount_flags(v[3], m) < 0) return BAD("mount %s: bad flags", v[1]);
    } else if (!strcmp(key, "device")) {
        if (need(nv, 7, key, err) < 0) return -1;
        if (push((void **)&bs->devices, &bs->ndevices, sizeof *bs->devices) < 0) return OOM();
        struct bs_device *d = &bs->devices[bs->ndevices - 1];
        unsigned long maj, min, mode, uid, gid;
        if (strcmp(v[1], "c") && strcmp(v[1], "b")) return BAD("device %s: type %s", v[0], v[1]);
        if (parse_ulong(v[2], 0xfff, &maj) < 0 || parse_ulong(v[3], 0xfffff, &min) < 0 ||
            parse_ulong_base(v[4], 0, 07777, &mode) < 0 || parse_ulong(v[5], UINT_MAX - 1, &uid) < 0 ||
            parse_ulong(v[6], UINT_MAX - 1, &gid) < 0 || v[0][0] != '/')
            return BAD("device %s: bad values", v[0]);
        *d = (struct bs_device){.path = v[0], .type = v[1][0] == 'c' ? S_IFCHR : S_IFBLK,
                                .major = maj, .minor = min, .mode = mode, .uid = uid, .gid = gid};
    } else if (!strcmp(key, "symlink")) {
        if (need(nv, 2, key, err) < 0) return -1;
        if (push((void **)&bs->symlinks, &bs->nsymlinks, sizeof *bs->symlinks) < 0) return OOM();
        bs->symlinks[bs->nsymlinks - 1] = (struct bs_symlink){.target = v[0], .linkpath = v[1]};
        if (v[1][0] != '/') return BAD("symlink %s is not absolute", v[1]);
    } else if (!strcmp(key, "rootreadonly")) {
        if (need(nv, 1, key, err) < 0) return -1;
        bs->rootreadonly = strcmp(v[0], "0") != 0;
    } else if (!strcmp(key, "nonewprivs")) {
        if (need(nv, 1, key, err) < 0) return -1;
        bs->nonewprivs = strcmp(v[0], "0") != 0;
    } else if (!strcmp(key, "user")) {
        unsigned long uid, gid;
        if (need(nv, 2, key, err) < 0) return -1;
        if (parse_ulong(v[0], UINT_MAX - 1, &uid) < 0 || parse_ulong(v[1], UINT_MAX - 1, &gid) < 0)
            return BAD("user %s %s", v[0], v[1]);
        bs->has_user = true, bs->uid = uid, bs->gid = gid;
    } else if (!strcmp(key, "groups")) {
        for (size_t i = 0; i < nv; i++) {
            if (!*v[i]) continue;
            if (parse_ulong(v[i], UINT_MAX - 1, &u) < 0) return BAD("groups: %s", v[i]);
            if (push((void **)&bs->groups, &bs->ngroups, sizeof *bs->groups) < 0) return OOM();
            bs->groups[bs->ngroups - 1] = (gid_t)u;
        }
    } else if (!strcmp(key, "caps")) {
        bs->has_caps = true;
        for (size_t i = 0; i < nv; i++) {
            if (!*v[i]) continue;
            if (parse_ulong(v[i], 63, &u) < 0) return BAD("caps: %s", v[i]);
            if (push((void **)&bs->caps, &bs->ncaps, sizeof *bs->caps) < 0) return OOM();
            bs->caps[bs->ncaps - 1] = (int)u;
        }
    } else if (!strcmp(key, "seccomp")) {
        if (nv < 1) return BAD("seccomp: no action");
        bs->has_seccomp = true;
        if (!strcmp(v[0], "denyclonens")) {
            if (nv != 1) return BAD("seccomp denyclonens takes no values");
            bs->seccomp_denyclonens = true;
        } else if (!strcmp(v[0], "deny")) {
            for (size_t i = 1; i < nv; i++)
                if (*v[i] && strv_push(&bs->seccomp_deny, v[i]) < 0) return OOM();
        } else {
            return BAD("seccomp: unknown action %s", v[0]);
        }
    } else if (!strcmp(key, "rlimit")) {
        if (need(nv, 3, key, err) < 0) return -1;
        int res = -1;
        for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
            if (!strcmp(v[0], rlimit_names[i].name)) res = rlimit_names[i].resource;
        if (res < 0) return BAD("rlimit: unknown resource %s", v[0]);
        if (push((void **)&bs->rlimits, &bs->nrlimits, sizeof *bs->rlimits) < 0) return OOM();
        struct bs_rlimit *r = &bs->rlimits[bs->nrlimits - 1];
        r->resource = res;
        if (parse_rlim(v[1], &r->soft) < 0 || parse_rlim(v[2], &r->hard) < 0)
            return BAD("rlimit %s: bad values", v[0]);
    } else if (!strcmp(key, "oomscoreadj")) {
        if (need(nv, 1, key, err) < 0) return -1;
        if (parse_long(v[0], &l) < 0 || l < -1000 || l > 1000) return BAD("oomscoreadj %s", v[0]);
        bs->has_oomscoreadj = true, bs->oomscoreadj = (int)l;
    } else {
        return BAD("unknown record %s", key);
    }
    return 0;
}

int bootstrap_parse(char *text, size_t len, struct bootstrap *bs, struct berth_error *err) {
    if (memchr(text, '\0', len)) return BAD("NUL byte in bootstrap");
    text[len] = '\0';
    bool first = true;
    size_t lineno = 0;
    char *fields[MAX_FIELDS];
    for (char *line = text, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (!*line) continue;
        size_t nf = 0;
        for (char *p = line; p; ) {
            if (nf == MAX_FIELDS) return BAD("line %zu: too many values", lineno);
            fields[nf++] = p;
            p = strchr(p, '\t');
            if (p) *p++ = '\0';
        }
        for (size_t i = 0; i < nf; i++)
            if (percent_decode(fields[i]) < 0) return BAD("line %zu: bad percent-encoding", lineno);
        if (first) {
            if (strcmp(fields[0], "version") || nf != 2 || strcmp(fields[1], "1"))
                return BAD("first record must be `version 1`");
            first = false;
            continue;
        }
        if (parse_record(fields, nf, bs, err) < 0) {
            size_t n = strlen(err->message);
            snprintf(err->message + n, sizeof err->message - n, " (line %zu)", lineno);
            return -1;
        }
    }
    if (first) return BAD("empty bootstrap");
    return 0;
}

int bootstrap_read(int fd, struct bootstrap *bs, struct berth_error *err) {
    char *buf = NULL;
    size_t len = 0;
    memset(bs, 0, sizeof *bs);
    if (read_all(fd, &buf, &len) < 0)
        return berth_fail(err, "bootstrap", errno, "read bootstrap from fd %d", fd);
    bs->buf = buf; /* lives as long as the process: everything points into it */
    int rc = bootstrap_parse(buf, len, bs, err);
    if (!bs->id) bs->id = "";
    return rc;
}
