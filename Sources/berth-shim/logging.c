/*
 * CRI log copying: the container's stdout and stderr pipes become lines
 * "<RFC3339Nano UTC> stdout|stderr F|P <bytes>\n" in the log file (O_APPEND, one write
 * per line). A line longer than BERTH_LOG_MAX_LINE is split into P pieces; a last line
 * without a newline at EOF is written as F. SIGUSR1 (via signalfd) reopens the log, for
 * rotation.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "shim.h"

struct log_stream {
    int fd;
    const char *name;
    bool eof;
    size_t len;
    char buf[BERTH_LOG_MAX_LINE];
};

int cri_log_open(struct cri_log *log, const char *path, struct berth_error *err) {
    log->path = path;
    log->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (log->fd < 0) return berth_fail(err, "log", errno, "open %s", path);
    return 0;
}

int cri_log_reopen(struct cri_log *log, struct berth_error *err) {
    int fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) return berth_fail(err, "log", errno, "reopen %s", log->path);
    /* keep the fd number: whoever holds log->fd stays valid */
    int rc = dup3(fd, log->fd, O_CLOEXEC);
    int e = errno;
    close(fd);
    if (rc < 0) return berth_fail(err, "log", e, "reopen %s", log->path);
    return 0;
}

/* One CRI line. Write errors (ENOSPC, ...) drop the line: the pipes must keep draining. */
static void emit(struct cri_log *log, const char *name, char tag, const char *data, size_t n) {
    static const size_t head_max = 64;
    char line[64 + BERTH_LOG_MAX_LINE + 1];
    char ts[40];
    format_rfc3339nano(ts);
    int h = snprintf(line, head_max, "%s %s %c ", ts, name, tag);
    memcpy(line + h, data, n);
    line[h + n] = '\n';
    (void)write_all(log->fd, line, (size_t)h + n + 1);
}

static void feed(struct cri_log *log, struct log_stream *s, const char *data, size_t n) {
    while (n > 0) {
        const char *nl = memchr(data, '\n', n);
        size_t take = nl ? (size_t)(nl - data) : n;
        size_t space = BERTH_LOG_MAX_LINE - s->len;
        if (nl && take <= space) {
            memcpy(s->buf + s->len, data, take);
            emit(log, s->name, 'F', s->buf, s->len + take);
            s->len = 0;
            data += take + 1, n -= take + 1;
        } else if (!nl && take < space) {
            memcpy(s->buf + s->len, data, take);
            s->len += take;
            data += take, n -= take;
        } else {
            memcpy(s->buf + s->len, data, space);
            emit(log, s->name, 'P', s->buf, BERTH_LOG_MAX_LINE);
            s->len = 0;
            data += space, n -= space;
        }
    }
}

static void flush_partial(struct cri_log *log, struct log_stream *s) {
    if (s->len > 0) emit(log, s->name, 'F', s->buf, s->len);
    s->len = 0;
}

static void read_stream(struct cri_log *log, struct log_stream *s) {
    char chunk[65536];
    ssize_t r = read(s->fd, chunk, sizeof chunk);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (r <= 0) {
        s->eof = true;
        flush_partial(log, s);
        return;
    }
    feed(log, s, chunk, (size_t)r);
}

/* How long to keep reading after the child was reaped, if the pipes stay open (a joined
 * PID namespace may hold other writers; in our own PID namespace EOF comes at once). */
#define DRAIN_IDLE_MS 1000

int cri_log_copy(struct cri_log *log, int outfd, int errfd, int pidfd, pid_t child,
                 int *wstatus, struct berth_error *err) {
    cleanup_free struct log_stream *streams = calloc(2, sizeof *streams);
    if (!streams) return berth_fail(err, "log", ENOMEM, "log buffers");
    streams[0] = (struct log_stream){.fd = outfd, .name = "stdout"};
    streams[1] = (struct log_stream){.fd = errfd, .name = "stderr"};

    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL); /* run_container blocked it already; be sure */
    cleanup_fd int sigfd = signalfd(-1, &usr1, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd < 0) return berth_fail(err, "log", errno, "signalfd");

    bool reaped = false;
    for (;;) {
        if (reaped && streams[0].eof && streams[1].eof) break;
        struct pollfd p[4];
        int idx[2] = {-1, -1}, ip = -1, is, n = 0;
        for (int i = 0; i < 2; i++)
            if (!streams[i].eof) idx[i] = n, p[n++] = (struct pollfd){.fd = streams[i].fd, .events = POLLIN};
        if (!reaped) ip = n, p[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        is = n, p[n++] = (struct pollfd){.fd = sigfd, .events = POLLIN};

        int rc = poll(p, (nfds_t)n, reaped ? DRAIN_IDLE_MS : -1);
        if (rc < 0) {
            if (errno == EINTR) continue;
            return berth_fail(err, "log", errno, "poll");
        }
        if (rc == 0) break; /* reaped and idle: stop waiting for EOF */
        for (int i = 0; i < 2; i++)
            if (idx[i] >= 0 && p[idx[i]].revents) read_stream(log, &streams[i]);
        if (ip >= 0 && p[ip].revents) {
            int st;
            pid_t w = waitpid(child, &st, WNOHANG);
            if (w == child) reaped = true, *wstatus = st;
            else if (w < 0 && errno != EINTR) return berth_fail(err, "wait", errno, "waitpid %d", child);
        }
        if (p[is].revents) {
            struct signalfd_siginfo si;
            while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
                struct berth_error ignored;
                (void)cri_log_reopen(log, &ignored); /* keep the old fd if reopening fails */
            }
        }
    }
    for (int i = 0; i < 2; i++) flush_partial(log, &streams[i]);
    return 0;
}
