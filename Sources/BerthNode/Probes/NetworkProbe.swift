import CBerth
import CBerthNet
import Dispatch
import Foundation

/// tcpSocket and httpGet probes over a socket made inside the pod's network namespace
/// (CBerthNet's berth_netns_connect), with blocking I/O bounded by the probe's timeout, run on a
/// queue of their own so that no thread of Swift's cooperative pool ever waits on a socket.
enum NetworkProbe {
    private static let queue = DispatchQueue(label: "berth.network-probes", attributes: .concurrent)

    static func tcp(host: String, port: Int, networkNamespace: String?, timeout: Duration) async -> ProbeOutcome {
        await onQueue {
            let address = HTTPProbe.hostPort(host, port)
            let fd = berth_netns_connect(networkNamespace, host, Int32(port), milliseconds(timeout))
            guard fd >= 0 else { return .failure(output: "dial tcp \(address): " + dialError(-fd)) }
            close(fd)
            return .success(output: "")
        }
    }

    static func http(_ request: HTTPProbeRequest, networkNamespace: String?, timeout: Duration) async -> ProbeOutcome {
        await onQueue {
            let url = HTTPProbe.url(request)
            let deadline = ContinuousClock.now + timeout
            let timedOut = ProbeOutcome.failure(output: "Get \"\(url)\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
            let fd = berth_netns_connect(networkNamespace, request.host, Int32(request.port), milliseconds(timeout))
            if fd == -ETIMEDOUT { return timedOut }
            guard fd >= 0 else {
                return .failure(output: "Get \"\(url)\": dial tcp \(HTTPProbe.hostPort(request.host, request.port)): " + dialError(-fd))
            }
            defer { close(fd) }
            switch exchange(fd: fd, request: HTTPProbe.requestBytes(request), deadline: deadline) {
            case .head(let head): return HTTPProbe.outcome(head: head, url: url)
            case .timedOut: return timedOut
            case .closedEarly: return .failure(output: "Get \"\(url)\": EOF")
            case .failed(let operation, let code): return .failure(output: "Get \"\(url)\": \(operation): \(goError(code))")
            }
        }
    }

    enum Exchange {
        case head([UInt8])
        case timedOut
        /// EOF before any byte of a response.
        case closedEarly
        case failed(operation: String, errno: Int32)
    }

    /// Writes the request, then reads until the response head is complete, EOF or the deadline.
    static func exchange(fd: Int32, request: [UInt8], deadline: ContinuousClock.Instant) -> Exchange {
        var written = 0
        while written < request.count {
            guard let wait = remaining(deadline) else { return .timedOut }
            let ready = berth_poll_fd(fd, Int32(POLLOUT), wait)
            if ready < 0 { return .failed(operation: "write", errno: -ready) }
            if ready == 0 { continue }
            let n = request[written...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return .failed(operation: "write", errno: errno)
            }
            written += n
        }
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !HTTPProbe.headComplete(head) {
            guard let wait = remaining(deadline) else { return .timedOut }
            let ready = berth_poll_fd(fd, Int32(POLLIN), wait)
            if ready < 0 { return .failed(operation: "read", errno: -ready) }
            if ready == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return .failed(operation: "read", errno: errno)
            }
            if n == 0 { return head.isEmpty ? .closedEarly : .head(head) }
            head += buffer[0..<n]
        }
        return .head(head)
    }

    /// Milliseconds left until `deadline` (at least 1), nil once it has passed.
    static func remaining(_ deadline: ContinuousClock.Instant) -> Int32? {
        let left = deadline - .now
        guard left > .zero else { return nil }
        return max(1, milliseconds(left))
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }

    /// Go's wording, which the kubelet's events carry: "connect: connection refused", "i/o timeout".
    static func dialError(_ code: Int32) -> String {
        switch code {
        case ETIMEDOUT: return "i/o timeout"
        case EINVAL: return "invalid address"
        default: return "connect: " + goError(code)
        }
    }

    /// strerror in Go's lower case: "connection refused".
    static func goError(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    private static func onQueue(_ body: @escaping @Sendable () -> ProbeOutcome) async -> ProbeOutcome {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}
