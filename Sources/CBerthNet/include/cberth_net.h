/*
 * CBerthNet: TCP connections from inside a pod's network namespace, for the node agent's
 * httpGet and tcpSocket probes. A target of its own, apart from CBerth, so that the static
 * berth-shim (which links all of CBerth) does not carry pthread code it never runs.
 * Every function returns a non-negative result on success and -errno on failure.
 */
#ifndef CBERTH_NET_H
#define CBERTH_NET_H

/*
 * A non-blocking, close-on-exec TCP socket created inside the network namespace at
 * `netns_path` (NULL or "": the caller's own) on a short-lived thread of its own, so no
 * other thread ever changes namespace.
 */
int berth_socket_in_netns(const char *netns_path, int domain);
/* Connects such a socket to the numeric address host:port within timeout_ms; returns the
 * connected (still non-blocking) fd, -ETIMEDOUT when the time ran out, -EINVAL for a host
 * that is not an IPv4 or IPv6 literal, else -errno of the connect. */
int berth_netns_connect(const char *netns_path, const char *host, int port, int timeout_ms);

#endif
