/*
 * TCP connections from inside a pod's network namespace, for httpGet and tcpSocket probes.
 *
 * A pod's loopback lives in its own network namespace (pinned under the sandbox directory),
 * so the agent cannot reach it from the host. setns(CLONE_NEWNET) moves only the calling
 * thread, and doing that on a thread of Swift's pool would move whatever task runs there
 * next. So a short-lived pthread of our own joins the namespace, creates the socket and ends:
 * a socket stays in the namespace it was created in, whichever thread uses it afterwards,
 * and the thread's namespace membership ends with the thread. No fork, no Swift on it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cberth_net.h"

struct netns_socket_request {
    const char *netns_path;
    int domain;
    int result; /* fd, or -errno */
};

static void *socket_in_netns_thread(void *arg) {
    struct netns_socket_request *req = arg;
    int nsfd = open(req->netns_path, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0) {
        req->result = -errno;
        return NULL;
    }
    int rc = setns(nsfd, CLONE_NEWNET);
    int saved = errno;
    close(nsfd);
    if (rc < 0) {
        req->result = -saved;
        return NULL;
    }
    int fd = socket(req->domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    req->result = fd < 0 ? -errno : fd;
    /* The thread ends here and its namespace membership with it; the socket stays. */
    return NULL;
}

int berth_socket_in_netns(const char *netns_path, int domain) {
    if (!netns_path || !*netns_path) {
        int fd = socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        return fd < 0 ? -errno : fd;
    }
    struct netns_socket_request req = {.netns_path = netns_path, .domain = domain, .result = -EINVAL};
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, socket_in_netns_thread, &req);
    if (rc != 0) return -rc;
    rc = pthread_join(thread, NULL);
    if (rc != 0) return -rc;
    return req.result;
}

/* Numeric addresses only: a name would be resolved by the host's resolver, not the pod's. */
static int parse_address(const char *host, int port, struct sockaddr_storage *addr, socklen_t *len) {
    memset(addr, 0, sizeof *addr);
    struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *len = sizeof *in4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *len = sizeof *in6;
        return 0;
    }
    return -EINVAL;
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int berth_netns_connect(const char *netns_path, const char *host, int port, int timeout_ms) {
    if (!host || port <= 0 || port > 65535) return -EINVAL;
    struct sockaddr_storage addr;
    socklen_t len = 0;
    int rc = parse_address(host, port, &addr, &len);
    if (rc < 0) return rc;
    int fd = berth_socket_in_netns(netns_path, addr.ss_family);
    if (fd < 0) return fd;
    if (connect(fd, (struct sockaddr *)&addr, len) == 0) return fd;
    if (errno != EINPROGRESS) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            close(fd);
            return -ETIMEDOUT;
        }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) {
            int saved = errno;
            close(fd);
            return -saved;
        }
        if (rc == 0) continue; /* the deadline check above ends it */
        int error = 0;
        socklen_t elen = sizeof error;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &elen) < 0) error = errno;
        if (error != 0) {
            close(fd);
            return -error;
        }
        return fd;
    }
}
