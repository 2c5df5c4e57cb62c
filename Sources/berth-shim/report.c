/*
 * Errors, report lines on fd 4, percent-encoding, timestamps, whole-file I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "shim.h"

int berth_fail(struct berth_error *err, const char *step, int errnum, const char *fmt, ...) {
    snprintf(err->step, sizeof err->step, "%s", step);
    err->errnum = errnum ? errnum : EINVAL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (errnum && n >= 0 && (size_t)n < sizeof err->message)
        snprintf(err->message + n, sizeof err->message - n, ": %s", strerror(errnum));
    return -1;
}

void berth_wire_from_error(struct berth_wire_error *w, const struct berth_error *err) {
    memset(w, 0, sizeof *w);
    snprintf(w->step, sizeof w->step, "%s", err->step[0] ? err->step : "unknown");
    w->errnum = err->errnum;
    snprintf(w->message, sizeof w->message, "%s", err->message);
}

void berth_error_from_wire(struct berth_error *err, const struct berth_wire_error *w) {
    memcpy(err->step, w->step, sizeof err->step);
    err->step[sizeof err->step - 1] = '\0';
    err->errnum = w->errnum;
    memcpy(err->message, w->message, sizeof err->message);
    err->message[sizeof err->message - 1] = '\0';
}

void berth_child_die(int errfd, const struct berth_error *err) {
    struct berth_wire_error w;
    berth_wire_from_error(&w, err);
    (void)!write(errfd, &w, sizeof w);
    _exit(127);
}

int write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int read_all(int fd, char **out, size_t *len) {
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) return -1;
    for (;;) {
        if (n == cap) {
            char *p = realloc(buf, cap * 2 + 1);
            if (!p) {
                free(buf);
                errno = ENOMEM;
                return -1;
            }
            buf = p, cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(buf);
            errno = e;
            return -1;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

size_t percent_encode(const char *in, char *out, size_t outsz) {
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 4 < outsz; p++) {
        if (*p == '%' || *p < 0x20) {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        } else {
            out[o++] = (char)*p;
        }
    }
    if (outsz) out[o] = '\0';
    return o;
}

void report_line(const char *line) {
    size_t n = strlen(line);
    char buf[1600];
    if (n + 2 > sizeof buf) n = sizeof buf - 2;
    memcpy(buf, line, n);
    buf[n++] = '\n';
    /* EBADF (no agent pipe) and EPIPE (agent gone; SIGPIPE is ignored) are fine. */
    (void)write_all(BERTH_REPORT_FD, buf, n);
}

void report_error(const struct berth_error *err) {
    char enc[sizeof err->message * 3 + 1];
    percent_encode(err->message, enc, sizeof enc);
    char line[1600];
    snprintf(line, sizeof line, "error %s %d %s", err->step[0] ? err->step : "unknown",
             err->errnum, enc);
    report_line(line);
}

void report_close(void) {
    close(BERTH_REPORT_FD);
}

void format_rfc3339nano(char out[40]) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 40 - n, ".%09ldZ", ts.tv_nsec);
}

int write_file_atomic(const char *dir, const char *name, const char *content,
                      struct berth_error *err) {
    char tmp[PATH_MAX], dst[PATH_MAX];
    if (snprintf(dst, sizeof dst, "%s/%s", dir, name) >= (int)sizeof dst ||
        snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name) >= (int)sizeof tmp)
        return berth_fail(err, "statefile", ENAMETOOLONG, "%s/%s", dir, name);
    cleanup_fd int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return berth_fail(err, "statefile", errno, "create %s", tmp);
    if (write_all(fd, content, strlen(content)) < 0)
        return berth_fail(err, "statefile", errno, "write %s", tmp);
    if (rename(tmp, dst) < 0) {
        int e = errno;
        unlink(tmp);
        return berth_fail(err, "statefile", e, "rename %s", dst);
    }
    return 0;
}
