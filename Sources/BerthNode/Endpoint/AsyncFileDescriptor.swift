import Foundation
import Glibc

/// A pipe or pty end read and written from async code without blocking a Swift concurrency
/// thread: the fd is non-blocking, and a wait for readiness is a poll(2) on a short-lived
/// thread of its own, ended early by task cancellation (checked every 100 ms).
///
/// Not a dispatch source: one-shot read/write sources on these pipes made libdispatch's event
/// loop crash now and then (`_dispatch_event_loop_drain`, bad pointer; 1 run in 3 of the
/// Endpoint tests), which polling does not (0 in 6). NIOPipeBootstrap would be the next step.
final class AsyncFileDescriptor: @unchecked Sendable {
    let fd: Int32
    private let lock = NSLock()
    private var isClosed = false

    /// Takes ownership of `fd`.
    init(taking fd: Int32) {
        self.fd = fd
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close() }

    /// Up to `maxBytes` bytes as soon as some are available; nil at end of file (for a pty
    /// master, EIO once every slave fd is closed). Throws CancellationError when cancelled.
    func read(maxBytes: Int = 32 * 1024) async throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maxBytes)
        while true {
            try Task.checkCancellation()
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 { return Array(buffer[0..<count]) }
            if count == 0 { return nil }
            switch errno {
            case EINTR: continue
            case EAGAIN: try await Self.wait(fd: fd, writable: false)
            case EIO, EBADF: return nil
            default: throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
    }

    /// Writes all of `bytes`, waiting while the pipe is full. EPIPE (the reader is gone) throws.
    func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            try Task.checkCancellation()
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count >= 0 {
                offset += count
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN: try await Self.wait(fd: fd, writable: true)
            default: throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
    }

    /// Closes the fd once (no wait may be pending on it: callers end their loops first).
    func close() {
        let shouldClose = lock.withLock {
            defer { isClosed = true }
            return !isClosed
        }
        if shouldClose { Glibc.close(fd) }
    }

    /// Suspends until `fd` is readable (or writable, or has an error or hang-up), or the task
    /// is cancelled (CancellationError). The fd stays open for the whole wait: callers close
    /// it only once their loops have ended.
    private static func wait(fd: Int32, writable: Bool) async throws {
        let cancelled = CancelFlag()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Thread.detachNewThread {
                    var entry = pollfd(fd: fd, events: Int16(writable ? POLLOUT : POLLIN), revents: 0)
                    while true {
                        if cancelled.isSet { return continuation.resume(throwing: CancellationError()) }
                        let rc = poll(&entry, 1, 100)
                        if rc > 0 || (rc < 0 && errno != EINTR) { return continuation.resume() }
                    }
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    private final class CancelFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}
